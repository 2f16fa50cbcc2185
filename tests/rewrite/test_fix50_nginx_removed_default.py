"""`RUN rm /etc/nginx/conf.d/default.conf` in an nginx final stage: the distroless runtime starts again from
Chainguard's nginx, which ships conf.d/nginx.default.conf (its default server on 8080), and a COPY cannot
remove it. The runtime gets the builder's file, empty where the stage removed it (adversary round 10, D4)."""

from __future__ import annotations

from pathlib import Path

import pytest
from migration_tools import builder_stage, codes, final_stage, migrate

from migrator.model import Options, Severity

EMPTIED = "COPY --from=builder /runtime-emptied/etc/nginx/conf.d/nginx.default.conf /etc/nginx/conf.d/nginx.default.conf\n"
STAGE_IT = ("RUN mkdir -p /runtime-emptied/etc/nginx/conf.d && if [ -e /etc/nginx/conf.d/nginx.default.conf ]; then "
            "cp -a /etc/nginx/conf.d/nginx.default.conf /runtime-emptied/etc/nginx/conf.d/nginx.default.conf; "
            "else : > /runtime-emptied/etc/nginx/conf.d/nginx.default.conf; fi\n")
SPA = ("FROM node:20-alpine AS build\n"
       "WORKDIR /app\n"
       "COPY . .\n"
       "RUN npm ci && npm run build\n"
       "\n"
       "FROM nginx:1.25-alpine\n"
       "{remove}\n"
       "COPY site.conf /etc/nginx/conf.d/site.conf\n"
       "COPY --from=build /app/dist /usr/share/nginx/html\n"
       "EXPOSE 8080\n"
       'CMD ["nginx", "-g", "daemon off;"]\n')


@pytest.mark.parametrize("remove", ["RUN rm /etc/nginx/conf.d/default.conf",
                                    "RUN rm -f /etc/nginx/conf.d/default.conf",
                                    "RUN rm -rf /etc/nginx/conf.d/*",
                                    "RUN rm -rf /etc/nginx/conf.d && mkdir -p /etc/nginx/conf.d"])
def test_the_default_server_the_stage_removed_is_empty_in_the_runtime(tmp_path: Path, remove: str) -> None:
    (tmp_path / "site.conf").write_text("server { listen 8080; location / { try_files $uri /index.html; } }\n")
    result = migrate(SPA.format(remove=remove), Options(context=tmp_path))
    runtime = final_stage(result)
    assert runtime.startswith("cgr.dev/chainguard/nginx:latest\n")
    assert runtime.endswith(EMPTIED + "EXPOSE 8080\nENTRYPOINT []\nCMD [\"nginx\", \"-g\", \"daemon off;\"]\n")
    assert STAGE_IT in builder_stage(result)
    [note] = [f for f in result.findings if f.code == "MIG537"]
    assert note.severity is Severity.INFO and note.line == 7
    assert "/etc/nginx/conf.d/nginx.default.conf" in note.message and "empty" in note.message


def test_a_default_conf_copied_back_is_not_emptied() -> None:
    text = ("FROM nginx:1.25-alpine\nRUN rm -f /etc/nginx/conf.d/default.conf\n"
            "COPY site.conf /etc/nginx/conf.d/default.conf\n")
    result = migrate(text)
    assert final_stage(result) == ("cgr.dev/chainguard/nginx:latest\nCOPY --from=builder "
                                   "/etc/nginx/conf.d/nginx.default.conf /etc/nginx/conf.d/nginx.default.conf\n")
    assert "runtime-emptied" not in result.dockerfile and "MIG537" not in codes(result)


def test_a_stage_that_keeps_the_default_server_gets_nothing_more() -> None:
    result = migrate(SPA.format(remove="RUN rm -rf /usr/share/nginx/html/*"))
    assert "runtime-emptied" not in result.dockerfile and "MIG537" not in codes(result)
