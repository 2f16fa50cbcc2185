#!/bin/bash
set -euo pipefail
[[ -f /opt/app/VERSION ]] && echo "starting $(< /opt/app/VERSION)"
exec sleep infinity
