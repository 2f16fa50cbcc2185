"""Reporting: machine and human output formats for findings, and inline `# migrate:` pragmas."""
