#!/bin/sh
# builds the app the way many repositories do: a script the Dockerfile runs
set -e
GOCACHE=/tmp/go-cache CGO_ENABLED=0 go build -o /usr/local/bin/archinfo .
