#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Run by vmtest/run.sh on the host with the payload directory: adds /vmtest/attack, the static
# escape-attempt helper of test.sh (vmtest/guest/attack.c), built like ctr.
set -e
here=$(cd "$(dirname "$0")/../guest" && pwd)
${CC:-gcc} -O2 -g -std=gnu11 -Wall -Wextra -Wno-unused-parameter -D_GNU_SOURCE -static \
	"$here/attack.c" -o "$1/attack"
