"""Prints the CPU it runs on and whether it runs inside the virtualenv the build made."""

import json
import platform
import sys

print(json.dumps({"arch": platform.machine(), "venv": sys.prefix != sys.base_prefix}))
