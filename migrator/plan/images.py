"""Choose the Chainguard image for a source image, per the image rules and the tag policy."""

from __future__ import annotations

import re

from migrator.model import Options, TagPolicy
from migrator.parse.imageref import ImageRef
from migrator.records import dataclass
from migrator.regex import lazy as lazy_re
from migrator.rules.loader import ImageRule, RuleSet

# ecosystems whose final stage is an OS image, not a language image: the command decides (plan.runtime_choice)
OS_ECOSYSTEMS = frozenset({"distro", "c", "static", "service"})
# the OS images a final stage stays on as one stage (its command needs a shell, a package manager...)
BASE_IMAGES = frozenset({"wolfi-base", "chainguard-base"})

_VERSION = lazy_re(r"^v?(\d+)(?:\.(\d+))?")
_FEDORA_FAMILY = lazy_re(r"ubi|centos|fedora|rocky|alma|amazonlinux|oraclelinux|rhel|redhat", re.IGNORECASE)


@dataclass(frozen=True)
class ImageChoice:
    status: str  # "migrate" | "already" | "unknown" | "unsupported"
    ref: ImageRef
    rule: ImageRule | None = None
    builder: str | None = None  # full reference, registry included
    runtime: str | None = None

    @property
    def ecosystem(self) -> str | None:
        return self.rule.ecosystem if self.rule else None

    @property
    def family(self) -> str:
        return package_family(self.ref, self.rule)


def package_family(ref: ImageRef, rule: ImageRule | None) -> str:
    if rule is not None and rule.family:
        return rule.family
    text = f"{ref.short_name}:{ref.tag or ''}"
    if "alpine" in text.lower():
        return "alpine"
    if _FEDORA_FAMILY.search(ref.short_name):
        return "fedora"
    return "debian"


def source_shell(ref: ImageRef, rule: ImageRule | None) -> str:
    """The shell the source image ships: bash | sh | none (rules/images.yaml `shell`, else by family)."""
    if rule is not None and rule.shell:
        return rule.shell
    return "sh" if package_family(ref, rule) == "alpine" else "bash"


def source_sh(ref: ImageRef, rule: ImageRule | None, rules: RuleSet) -> str:
    """What /bin/sh is on the source image (bash | dash | ash): the rule's `sh`, else its family's (family_sh)."""
    if rule is not None and rule.sh:
        return rule.sh
    return rules.family_sh.get(package_family(ref, rule), "sh")


def is_ours(ref: ImageRef, options: Options) -> bool:
    """True when the image already lives in the target registry (migrated output)."""
    full = f"{ref.registry}/{ref.path}"
    return full.startswith(options.registry.rstrip("/") + "/")


def choose_image(ref: ImageRef, options: Options, rules: RuleSet) -> ImageChoice:
    if is_ours(ref, options):
        return ImageChoice("already", ref)
    rule = rules.image_rule(ref.short_name, ref.tag)
    if rule is None:
        return ImageChoice("unknown", ref)
    if rule.unsupported:
        return ImageChoice("unsupported", ref, rule)
    if rule.ecosystem == "chainguard":
        return ImageChoice("already", ref, rule)
    version = _version(ref.tag, rule.version) if options.tag_policy == TagPolicy.KEEP else "latest"
    return ImageChoice(
        "migrate",
        ref,
        rule,
        builder=_expand(rule.builder, version, options),
        runtime=_expand(rule.runtime, version, options),
    )


def image_name(reference: str) -> str:
    """`cgr.dev/chainguard/python:latest-dev` -> `python`."""
    last = reference.rsplit("/", 1)[-1]
    return last.split("@")[0].split(":")[0]


def _version(tag: str | None, pattern: str | None = None) -> str:
    """The version `{version}` becomes: what the rule's `version` finds in the tag, else the tag's leading one."""
    if pattern is not None:
        found = re.search(pattern, tag or "")
        return found.group(1) if found else "latest"
    match = _VERSION.match(tag or "")
    if not match:
        return "latest"
    return match.group(1) + (f".{match.group(2)}" if match.group(2) else "")


def _expand(template: str | None, version: str, options: Options) -> str | None:
    if template is None:
        return None
    return f"{options.registry.rstrip('/')}/{template.replace('{version}', version)}"
