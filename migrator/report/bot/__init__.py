"""The pull-request bot: one sticky comment with the migration, its findings and validation.

Modules: ``http`` (httpx client with retries, rate limits, pagination and token scrubbing),
``github`` and ``gitlab`` (the REST subsets used), ``sticky`` (find-or-update by marker, without
duplicates), ``comment`` (render the report with jinja2 templates), ``suggest`` (review suggestions).
Nothing here is imported on the CLI's hot path.
"""

MARKER = "<!-- migrator:report -->"
SUGGESTION_MARKER = "<!-- migrator:suggestion -->"
