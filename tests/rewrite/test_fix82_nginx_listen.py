"""Review round 20, S20-10: an nginx server block of the build context with `listen 80`, copied into conf.d of the
nginx runtime (nonroot, uid 65532), got no finding: MIG511 came only from EXPOSE. Docker lets a nonroot process
bind port 80; Kubernetes by default does not, and nginx stops."""

from __future__ import annotations

from pathlib import Path

import pytest
from migration_tools import codes, messages, migrate, status

from migrator.model import Severity

_NGINX = ("FROM nginx:alpine\nCOPY nginx.conf /etc/nginx/conf.d/default.conf\nCOPY site /usr/share/nginx/html\n"
          "ENTRYPOINT [\"nginx\", \"-g\", \"daemon off;\"]\n")


def _context(tmp_path: Path, listen: str) -> Path:
    (tmp_path / "nginx.conf").write_text(f"server {{\n  {listen}\n  # listen 81;\n  location / {{\n"
                                         "    root /usr/share/nginx/html;\n  }\n}\n")
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "index.html").write_text("<h1>hi</h1>\n")
    return tmp_path


@pytest.mark.parametrize(("listen", "port"), [("listen 80;", "80"), ("listen [::]:443 ssl;", "443"),
                                              ("listen 0.0.0.0:80 default_server;", "80")])
def test_a_copied_server_block_on_a_privileged_port_is_said(tmp_path: Path, listen: str, port: str) -> None:
    result = migrate(_NGINX, context=_context(tmp_path, listen))
    found = messages(result, "MIG511")
    assert len(found) == 1
    assert f"nginx.conf (copied to /etc/nginx) has nginx listen on port {port}, below 1024" in found[0]
    assert "uid 65532" in found[0] and "Kubernetes" in found[0]
    assert "MIG511" in codes(result, Severity.WARNING)
    assert "COPY --from=builder /etc/nginx/conf.d/nginx.default.conf /etc/nginx/conf.d/nginx.default.conf\n" in \
        result.dockerfile
    assert status(result) == "ok"


@pytest.mark.parametrize("listen", ["listen 8080;", "listen unix:/run/nginx.sock;", "listen 127.0.0.1:8080;"])
def test_unprivileged_ports_and_sockets_are_not(tmp_path: Path, listen: str) -> None:
    result = migrate(_NGINX, context=_context(tmp_path, listen))
    assert "MIG511" not in codes(result)
    assert status(result) == "ok"


def test_without_the_context_nothing_is_read() -> None:
    result = migrate(_NGINX)
    assert "MIG511" not in codes(result)


def test_with_expose_80_the_listen_moves_to_8080_and_no_warning_is_left(tmp_path: Path) -> None:
    text = _NGINX.replace("ENTRYPOINT", "EXPOSE 80\nENTRYPOINT")
    result = migrate(text, context=_context(tmp_path, "listen 80;\n  listen 443 ssl;"))
    assert "listen[[:space:]]+" in result.dockerfile and "EXPOSE 8080\n" in result.dockerfile
    assert "MIG520" in codes(result)
    found = messages(result, "MIG511")
    assert len(found) == 1 and "listen on port 443, below 1024" in found[0]
    assert status(result) == "ok"
