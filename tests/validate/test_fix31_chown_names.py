"""The static check stops a COPY --chown of a name a distroless Chainguard image cannot have (adversary 8, E2:
the migrated Next.js runner kept --chown=nextjs:nodejs and nothing said the build would stop)."""

from __future__ import annotations

from migrator.validate.static import check

RUNNER = ("FROM cgr.dev/chainguard/node:latest-dev AS builder\nRUN adduser -D web\nCOPY --chown=web:web . /app\n\n"
          "FROM cgr.dev/chainguard/node:latest AS runner\nWORKDIR /app\n"
          "COPY --from=builder --chown=nextjs:nodejs /app/.next/standalone ./\n"
          "COPY --from=builder --chown=node:node /app/public ./public\n"
          "COPY --from=builder --chown=65532:65532 /app/.next/static ./.next/static\n"
          'USER node\nCMD ["node", "server.js"]\n')


def test_a_name_the_distroless_image_lacks_is_an_error() -> None:
    found = [f for f in check(RUNNER) if f.code == "MIG611"]
    assert [(f.line, f.severity.value) for f in found] == [(7, "error")]
    assert "node has no nextjs or nodejs" in found[0].message


def test_names_and_ids_the_image_has_pass() -> None:
    fixed = RUNNER.replace("--chown=nextjs:nodejs", "--chown=65532:65532")
    assert not [f for f in check(fixed) if f.code == "MIG611"]


def test_a_final_stage_with_a_shell_may_make_the_user_itself() -> None:
    text = "FROM cgr.dev/chainguard/wolfi-base:latest\nRUN adduser -D app\nCOPY --chown=app:app . /app\nUSER app\n"
    assert not [f for f in check(text) if f.code == "MIG611"]


def test_a_package_install_may_make_the_user() -> None:
    text = ("FROM cgr.dev/chainguard/wolfi-base:latest\nRUN apk add --no-cache nginx\n"
            "COPY --chown=nginx:nginx site /var/lib/nginx/html\n")
    assert not [f for f in check(text) if f.code == "MIG611"]
