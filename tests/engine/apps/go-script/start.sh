#!/bin/sh
exec archinfo "$@"
