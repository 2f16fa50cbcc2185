"""Certificate trust stores a split final stage rebuilds in its builder, carried into the runtime.

The enterprise idiom `COPY corp-root.crt /usr/local/share/ca-certificates/` + `RUN update-ca-certificates` rebuilds
/etc/ssl/certs/ca-certificates.crt with the company's root: the file SSL_CERT_FILE names on every Chainguard image,
and that Go, OpenSSL, requests (REQUESTS_CA_BUNDLE) and curl read. Nothing reads the added .crt itself. When the RUN
moves to the builder, the runtime keeps its own bundle without the root, so every TLS call to an internal service
fails ("certificate signed by unknown authority"). The same holds for the JVM's trust store that
`keytool -importcert -cacerts` edits: on Wolfi `$JAVA_HOME/lib/security/cacerts` is a link to
/etc/ssl/certs/java/cacerts (wolfi-dev/os openjdk-*.yaml), the file keytool writes through it.
"""

from __future__ import annotations

import posixpath

from migrator.model import Finding
from migrator.plan.ecosystems.base import Copy
from migrator.plan.facts import Command, StageFacts
from migrator.regex import lazy as lazy_re

BUNDLE = "/etc/ssl/certs/ca-certificates.crt"
JAVA_STORE = "/etc/ssl/certs/java/cacerts"  # (Wolfi's JDKs link $JAVA_HOME/lib/security/cacerts here)
_BUNDLE_BUILDERS = frozenset({"update-ca-certificates", "update-ca-trust"})
_KEYTOOL_IMPORTS = frozenset({"-importcert", "-import"})
# a RUN that appends a certificate to the bundle itself: `cat corp.pem >> /etc/ssl/certs/ca-certificates.crt`
_APPENDED = lazy_re(r">>\s*[\"']?/etc/ssl/certs/ca-certificates\.crt\b")


# where update-ca-certificates (Debian, Alpine, Wolfi) and update-ca-trust (Red Hat) take added certificates from
_ANCHORS = lazy_re(r"/usr/local/share/ca-certificates\b|/usr/share/ca-certificates\b|/etc/pki/ca-trust/source\b|"
                   r"/etc/ca-certificates\b|/etc/pki/trust/anchors\b")


def rebuilt_stores(facts: StageFacts) -> list[tuple[str, int, str]]:
    """(store path, line, what rebuilt it) for each trust store the stage (or a stage it is built FROM) rebuilds
    with certificates of its own, the first command per store. (`update-ca-certificates` after `apt-get install
    ca-certificates` alone adds nothing: the runtime's bundle is as good.)"""
    added = any(_ANCHORS.search(i.logical) for stage in facts.stage.chain() for i in stage.instructions
                if i.keyword in ("COPY", "ADD", "RUN"))
    found: dict[str, tuple[int, str]] = {}
    for command in facts.run_commands():
        store = _store_rebuilt(command, added)
        if store is not None:
            found.setdefault(store, (command.line, " ".join(command.words[:3])))
    for instruction in {c.instruction.line: c.instruction for c in facts.commands}.values():
        if instruction.keyword == "RUN" and _APPENDED.search(instruction.logical):
            found.setdefault(BUNDLE, (instruction.line, f">> {BUNDLE}"))
    return [(store, line, shown) for store, (line, shown) in found.items()]


def _store_rebuilt(command: Command, added: bool) -> str | None:
    words = command.words
    program = posixpath.basename(words[0]) if words else ""
    if program in _BUNDLE_BUILDERS and added:
        return BUNDLE
    if program == "tee" and "-a" in words and BUNDLE in words:
        return BUNDLE
    if program == "keytool" and _KEYTOOL_IMPORTS & set(words):
        keystore = words[words.index("-keystore") + 1] if "-keystore" in words[:-1] else None
        if "-cacerts" in words or (keystore is not None and posixpath.basename(keystore) == "cacerts"):
            return JAVA_STORE
    return None


def trust_store_copies(facts: StageFacts) -> list[Copy]:
    return [Copy(store, store, root_owned=True) for store, _, _ in rebuilt_stores(facts)]


def trust_store_findings(facts: StageFacts, builder: str) -> list[Finding]:
    from migrator.findings import finding

    found: list[Finding] = []
    for store, line, shown in rebuilt_stores(facts):
        what = "the JVM's trust store" if store == JAVA_STORE else "the CA bundle"
        found.append(finding("MIG503", line, (
            f"`{shown}` rebuilds {what} in '{builder}': the runtime copies {store} from it, or it would keep its "
            "own without the certificates the stage added (TLS to services they sign fails)")))
    return found
