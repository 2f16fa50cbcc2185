"""A tiny app for the engine tests: prints the CPU it runs on (x86_64 / aarch64)."""

import json
import platform
import sqlite3
import ssl
import sys

import greeting

print(
    json.dumps(
        {
            "arch": platform.machine(),
            "python": platform.python_version(),
            "greeting": greeting.hello(),
            "ssl": ssl.OPENSSL_VERSION.split()[0],
            "sqlite": sqlite3.sqlite_version,
            "venv": sys.prefix != sys.base_prefix,
        }
    )
)
