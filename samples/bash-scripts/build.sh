#!/usr/bin/env bash
set -euo pipefail
mkdir -p out
declare -A parts=([name]=app [version]=1)
printf '%s-%s\n' "${parts[name]}" "${parts[version]}" > out/VERSION
