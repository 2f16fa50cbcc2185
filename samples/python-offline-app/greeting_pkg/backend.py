"""A minimal PEP 517 backend: builds the wheel of `greeting` with the standard library only, so
`pip install` works without network (no setuptools download)."""

import base64
import hashlib
import os
import zipfile

NAME, VERSION = "greeting", "1.0"
DIST = f"{NAME}-{VERSION}.dist-info"


def _record_line(path, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{path},sha256={digest},{len(data)}"


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    filename = f"{NAME}-{VERSION}-py3-none-any.whl"
    here = os.path.dirname(os.path.abspath(__file__))
    files = {}
    src = os.path.join(here, NAME)
    for entry in sorted(os.listdir(src)):
        if entry.endswith(".py"):
            with open(os.path.join(src, entry), "rb") as fh:
                files[f"{NAME}/{entry}"] = fh.read()
    files[f"{DIST}/METADATA"] = f"Metadata-Version: 2.1\nName: {NAME}\nVersion: {VERSION}\n".encode()
    files[f"{DIST}/WHEEL"] = b"Wheel-Version: 1.0\nGenerator: backend\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    record = [_record_line(p, d) for p, d in files.items()] + [f"{DIST}/RECORD,,"]
    files[f"{DIST}/RECORD"] = ("\n".join(record) + "\n").encode()
    with zipfile.ZipFile(os.path.join(wheel_directory, filename), "w") as zf:
        for path, data in files.items():
            zf.writestr(path, data)
    return filename


def get_requires_for_build_wheel(config_settings=None):
    return []
