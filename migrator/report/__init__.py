"""Reporting: machine and human output formats for findings, and inline `# migrate:` pragmas."""

FORMATS = ("text", "json", "sarif", "github", "gitlab")  # report.formats renders each (read on every run)
