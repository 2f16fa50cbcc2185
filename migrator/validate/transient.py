"""Build failures that come from the machine's container runtime, not from the Dockerfile.

Under load (and more often under QEMU emulation) the runtime can fail to start a RUN step's container for
reasons that have nothing to do with the step: the same build passes when run again. validate
builds once more when a failed build's log carries one of these messages, and says so in the
report, so a user is never told that their Dockerfile is broken because the runtime hiccuped.
"""

from __future__ import annotations

# (message in the builder's log, what it means): only messages seen to pass on a second build; a
# failure that could also be the Dockerfile's own (exec format error, text file busy) is not here
RUNTIME_GLITCHES: tuple[tuple[str, str], ...] = (
    # buildah 1.28 (Debian 12's), linux/arm64 under QEMU: F_ADD_SEALS fails with EBUSY while the copy
    # is still mapped writable; the next build passes
    ("sealing memfd copy: Device or resource busy", "it could not seal its in-memory copy of itself (EBUSY)"),
)


def runtime_glitch(log: str) -> str | None:
    """What went wrong in the container runtime, when a failed build's log says it was the runtime."""
    return next((meaning for message, meaning in RUNTIME_GLITCHES if message in log), None)
