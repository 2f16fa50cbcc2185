"""Finding codes for reading the Dockerfile (MIG1xx)."""

from migrator.findings import Code
from migrator.model import Severity

CODES: tuple[Code, ...] = (
    Code(
        "MIG101", Severity.INFO, "file skipped by a `# migrate: skip-file` pragma",
        "The file carries `# migrate: skip-file`, so migrator leaves it exactly as it is. Remove the "
        "pragma to migrate it.",
    ),
    Code(
        "MIG102", Severity.WARNING, "ONBUILD triggers are kept but not migrated",
        "ONBUILD instructions run in images built FROM this one. migrator keeps them as written, in the "
        "runtime stage too when the final stage is split and the runtime can run them (MIG525 says when it "
        "drops one instead), and does not translate the commands inside them. "
        "Review them by hand: a Chainguard image built from this one runs as nonroot and has no apt/yum "
        "(a distroless runtime has no shell either: MIG525).",
    ),
    Code(
        "MIG103", Severity.WARNING, "an instruction keyword continues the previous instruction",
        "A line ending with `\\` continues onto the next line that is not blank or a comment, so in "
        "`RUN apt-get update \\` / `# install` / `CMD [\"python\"]` the CMD is a word of the RUN (Docker "
        "reads it the same way), not an instruction. Remove the trailing `\\` if the instruction was "
        "meant to end there; the migration reads the file as Docker does.",
    ),
)
