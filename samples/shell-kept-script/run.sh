#!/bin/sh
# reads its configuration and says where it runs
set -eu
. /etc/greeting.conf
echo "${GREETING} from $(uname -m) as uid $(id -u)"
