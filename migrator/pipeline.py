"""parse -> plan -> rewrite -> render, for one Dockerfile's text."""

from __future__ import annotations

from migrator.findings import finding
from migrator.model import Finding, Options, Result
from migrator.parse import parse
from migrator.plan.planner import plan_file
from migrator.plan.stages import split_stages
from migrator.rewrite.writer import write_file
from migrator.rules import load_rules


def run(text: str, options: Options, path: str) -> Result:
    from migrator.parse.pragmas import filter_findings, parse_pragmas

    doc = parse(text, strict=True)
    pragmas = parse_pragmas(text)
    if pragmas.skip_file:
        return Result(path, text, text, findings=[finding("MIG101", 0)])
    rules = load_rules(options.rules_files)
    plan = plan_file(split_stages(doc), options, rules)
    written = write_file(plan, doc.newline)
    output = ("\ufeff" if doc.bom else "") + written.text
    spans = [(i.line, i.end_line) for i in doc.instructions]
    warnings = [finding("MIG103", line, message) for line, message in doc.warnings]
    findings = filter_findings(_unique(warnings + written.findings), pragmas, spans)
    findings = [f for f in findings if f.code not in options.ignore]
    return Result(path, text, output, written.stages, sorted(findings, key=lambda f: (f.line, f.code)))


def _unique(findings: list[Finding]) -> list[Finding]:
    seen: set[Finding] = set()
    unique = []
    for item in findings:
        if item not in seen:
            seen.add(item)
            unique.append(item)
    return unique
