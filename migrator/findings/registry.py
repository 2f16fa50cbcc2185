"""Finding codes for the 'registry' area: what the image registry says about the images a migrated
Dockerfile uses (`migrate --pin`, `migrate --verify-tags`, and `migrate validate` before it builds).

They sit in the validation range, MIG640-MIG649: they validate the output against the registry.
"""

from migrator.findings import Code
from migrator.model import Severity

CODES: tuple[Code, ...] = (
    Code(
        "MIG640",
        Severity.ERROR,
        "The registry has no such image tag",
        "The registry does not serve this tag of the image (it answered 404 for the manifest), so "
        "the build would fail when it pulls it. This happens with `--tag-policy keep` on a registry "
        "that does not carry that version (`python:3.11-dev` when only 3.12 and later exist), with an "
        "organisation registry (`--org`) that has not mirrored the image, or with a typing error in a "
        "`--rules` file. The message lists the nearest tags the registry has (from `/tags/list`): "
        "pick one in your rules, or use `--tag-policy latest`. Reported by `migrate --verify-tags`, "
        "`migrate --pin` (a missing tag cannot be pinned) and `migrate validate`, which then builds "
        "nothing.",
    ),
    Code(
        "MIG641",
        Severity.ERROR,
        "The image has no variant for a requested platform",
        "The tag exists, but its image index lists no image for this platform (for example it was "
        "published for linux/amd64 only, or it is a single-architecture image), so a build for that "
        "platform fails or, worse, runs the wrong architecture under emulation. The message names the "
        "image, the tag, the missing platform and the platforms the index has. `migrate validate` "
        "reports it before building anything; `migrate --verify-tags` checks linux/amd64 and "
        "linux/arm64. Use a tag published for every platform you ship, or drop the platform.",
    ),
    Code(
        "MIG642",
        Severity.INFO,
        "Image pinned by digest",
        "With `--pin` (configuration `pin: true`) every image reference the migration writes is "
        "resolved to the digest of the multi-platform index the registry serves for its tag and "
        "written as `NAME:TAG@sha256:...`. The build then uses exactly that image, whatever the tag "
        "points to later (hadolint DL3007, reproducible builds); the tag stays for people and for "
        "update tools such as Renovate or Dependabot, which bump the digest. A reference that is "
        "already pinned is left as it is, so running `--pin` again changes nothing.",
    ),
)
