"""A final stage kept on a distroless runtime loses the RUN that made its user; its COPY --chown must not name that
user any more (BuildKit resolves --chown names in the image's own /etc/passwd: the build stopped). Adversary 8, E2."""

from __future__ import annotations

from migration_tools import codes, final_stage, messages, migrate

NEXTJS = ("FROM node:18-alpine AS builder\nWORKDIR /app\nCOPY . .\nRUN yarn build\n\n"
          "FROM node:18-alpine AS runner\nWORKDIR /app\nENV NODE_ENV production\n"
          "RUN addgroup --system --gid 1001 nodejs\nRUN adduser --system --uid 1001 nextjs\n"
          "COPY --from=builder /app/public ./public\n"
          "COPY --from=builder --chown=nextjs:nodejs /app/.next/standalone ./\n"
          "COPY --from=builder --chown=nextjs:nodejs /app/.next/static ./.next/static\n"
          'USER nextjs\nEXPOSE 3000\nENV PORT 3000\nCMD ["node", "server.js"]\n')


def test_nextjs_runner_copies_to_the_uid_it_runs_as() -> None:
    result = migrate(NEXTJS)
    runtime = final_stage(result)
    assert runtime.startswith("cgr.dev/chainguard/node:latest AS runner")
    assert "adduser" not in runtime and "nextjs" not in runtime and "nodejs" not in runtime
    assert "COPY --from=builder --chown=65532:65532 /app/.next/standalone ./\n" in runtime
    assert "COPY --from=builder --chown=65532:65532 /app/.next/static ./.next/static\n" in runtime
    assert "COPY --from=builder /app/public ./public\n" in runtime  # (untouched lines stay byte for byte)
    assert "USER node\n" in runtime
    found = messages(result, "MIG588")
    assert len(found) == 2 and "nextjs (line 10) and nodejs (line 9)" in found[0] and "uid 65532 (node)" in found[0]
    assert result.runtime is not None and result.runtime.status == "ok"


def test_go_file_with_an_alpine_final_stage_and_busybox_adduser() -> None:
    result = migrate("FROM golang:1.22-alpine AS build\nWORKDIR /src\nCOPY . .\nRUN go build -o /out/api .\n\n"
                     "FROM alpine:3.19\nRUN addgroup -S app && adduser -S app -G app\nWORKDIR /home/app\n"
                     "COPY --from=build --chown=app:app /out/api ./api\n"
                     "COPY --chown=app:app config.yaml ./config.yaml\n"
                     "ADD --chown=app --chmod=755 run.sh /usr/local/bin/run.sh\n"
                     'USER app\nCMD ["./api"]\n')
    runtime = final_stage(result)
    assert runtime.startswith("cgr.dev/chainguard/glibc-dynamic:latest")
    assert "COPY --from=build --chown=65532:65532 /out/api ./api\n" in runtime
    assert "COPY --chown=65532:65532 config.yaml ./config.yaml\n" in runtime
    assert "--chown=65532 --chmod=755 run.sh /usr/local/bin/run.sh\n" in runtime  # (--chmod kept)
    assert "app:" not in runtime and codes(result).count("MIG588") == 3


def test_names_the_runtime_has_and_ids_nothing_dropped_made_stay() -> None:
    result = migrate("FROM node:20-alpine AS build\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm run build\n\n"
                     "FROM node:20-alpine\nWORKDIR /app\nRUN adduser -D -u 1001 web\n"
                     "COPY --from=build --chown=node:node /app/dist ./dist\n"
                     "COPY --from=build --chown=root:web /app/conf ./conf\n"
                     "COPY --from=build --chown=1001:1001 /app/data ./data\n"
                     "COPY --from=build --chown=nonroot /app/logs ./logs\n"
                     'USER web\nCMD ["node", "dist/index.js"]\n')
    runtime = final_stage(result)
    assert "--chown=node:node /app/dist" in runtime and "--chown=nonroot /app/logs" in runtime
    assert "--chown=root:65532 /app/conf" in runtime  # (root stays; the group only the dropped RUN made does not)
    assert "--chown=65532:65532 /app/data" in runtime  # (uid 1001 was the dropped RUN's user)
    assert codes(result).count("MIG588") == 2



def test_a_user_named_through_a_build_argument_is_looked_up_as_buildkit_expands_it() -> None:
    result = migrate("FROM golang:1.22-alpine AS build\nWORKDIR /src\nCOPY . .\nRUN go build -o /out/api .\n\n"
                     "FROM alpine:3.19\nARG APP_USER=app\nRUN adduser -D $APP_USER\n"
                     "COPY --from=build --chown=${APP_USER}:${APP_USER} /out/api /api\n"
                     'USER $APP_USER\nCMD ["/api"]\n')
    assert "COPY --from=build --chown=65532:65532 /out/api /api\n" in final_stage(result)
    assert "the RUN that made app (line 8) is dropped" in messages(result, "MIG588")[0]


def test_a_source_image_user_the_runtime_lacks_is_its_user_too() -> None:
    # php:fpm's www-data: Chainguard's php image has only php (uid 65532), and no RUN can make www-data there
    result = migrate("FROM composer:2 AS vendor\nWORKDIR /app\nCOPY . .\nRUN composer install\n\n"
                     "FROM php:8.2-fpm-alpine\nWORKDIR /var/www/html\n"
                     "COPY --from=vendor --chown=www-data:www-data /app /var/www/html\nUSER www-data\n")
    runtime = final_stage(result)
    assert "COPY --from=vendor --chown=65532:65532 /app /var/www/html\n" in runtime and "USER php\n" in runtime
    assert "has no www-data" in messages(result, "MIG588")[0]
