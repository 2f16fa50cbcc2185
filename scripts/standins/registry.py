"""Push images to the loopback registry over its HTTP API (Docker Registry v2), without an engine.

Blobs the registry already has are skipped (or mounted from another repository), so stand-ins that
share layers (glibc, busybox, the apk cache) upload them once.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
MANIFEST_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"
CONFIG = "application/vnd.docker.container.image.v1+json"
LAYER = "application/vnd.docker.image.rootfs.diff.tar.gzip"
PLATFORM = {"amd64": {"architecture": "amd64", "os": "linux"},
            "arm64": {"architecture": "arm64", "os": "linux", "variant": "v8"}}  # fmt: skip


def digest_bytes(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


@dataclass
class Registry:
    host: str  # 127.0.0.1:5000

    def _conn(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection(self.host, timeout=600)

    def _request(self, method: str, path: str, body=None, headers: dict[str, str] | None = None):
        conn = self._conn()
        try:
            conn.request(method, path, body=body, headers=headers or {})
            resp = conn.getresponse()
            data = resp.read()
            return resp.status, dict(resp.getheaders()), data
        finally:
            conn.close()

    def has_blob(self, repo: str, digest: str) -> bool:
        status, _h, _d = self._request("HEAD", f"/v2/{repo}/blobs/{digest}")
        return status == 200

    def push_blob(self, repo: str, digest: str, size: int, path: Path | None = None, data: bytes | None = None,
                  mount_from: str | None = None) -> None:  # fmt: skip
        if self.has_blob(repo, digest):
            return
        if mount_from:
            status, _h, _d = self._request(
                "POST", f"/v2/{repo}/blobs/uploads/?mount={digest}&from={urllib.parse.quote(mount_from)}"
            )
            if status == 201:
                return
        status, headers, body = self._request("POST", f"/v2/{repo}/blobs/uploads/")
        if status != 202:
            raise SystemExit(f"standins: cannot start an upload to {repo}: {status} {body[:200]!r}")
        location = headers.get("Location") or headers.get("location") or ""
        parsed = urllib.parse.urlsplit(location)
        query = parsed.query + ("&" if parsed.query else "") + "digest=" + urllib.parse.quote(digest)
        target = parsed.path + "?" + query
        hdrs = {"Content-Type": "application/octet-stream", "Content-Length": str(size)}
        if path is not None:
            with open(path, "rb") as fh:
                status, _h, body = self._request("PUT", target, body=fh, headers=hdrs)
        else:
            status, _h, body = self._request("PUT", target, body=data, headers=hdrs)
        if status != 201:
            raise SystemExit(f"standins: upload of {digest} to {repo} failed: {status} {body[:200]!r}")

    def put_manifest(self, repo: str, ref: str, media_type: str, data: bytes) -> None:
        status, _h, body = self._request(
            "PUT", f"/v2/{repo}/manifests/{ref}", body=data, headers={"Content-Type": media_type}
        )
        if status not in (200, 201):
            raise SystemExit(f"standins: manifest {repo}:{ref} refused: {status} {body[:300]!r}")


def image_config(arch: str, diff_ids: list[str], history: list[str], config: dict[str, object]) -> bytes:
    doc = {
        "architecture": arch,
        "os": "linux",
        **({"variant": "v8"} if arch == "arm64" else {}),
        "created": "1970-01-01T00:00:00Z",
        "config": config,
        "rootfs": {"type": "layers", "diff_ids": diff_ids},
        "history": [{"created": "1970-01-01T00:00:00Z", "created_by": h} for h in history],
    }
    return json.dumps(doc, sort_keys=True, separators=(",", ":")).encode()


def manifest(config: bytes, layers: list[tuple[str, int]]) -> bytes:
    doc = {
        "schemaVersion": 2,
        "mediaType": MANIFEST,
        "config": {"mediaType": CONFIG, "size": len(config), "digest": digest_bytes(config)},
        "layers": [{"mediaType": LAYER, "size": size, "digest": digest} for digest, size in layers],
    }
    return json.dumps(doc, sort_keys=True, separators=(",", ":")).encode()


def manifest_list(per_arch: list[tuple[str, bytes]]) -> bytes:
    doc = {
        "schemaVersion": 2,
        "mediaType": MANIFEST_LIST,
        "manifests": [
            {"mediaType": MANIFEST, "size": len(m), "digest": digest_bytes(m), "platform": PLATFORM[arch]}
            for arch, m in per_arch
        ],
    }
    return json.dumps(doc, sort_keys=True, separators=(",", ":")).encode()
