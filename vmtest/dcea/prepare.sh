#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Run by vmtest/run.sh on the host with the payload directory: adds /vmtest/dcea-escape, the one
# escape-attempt helper of the integration tests (tests/helpers/escape.c with routes.c), built
# statically like ctr, and the attack catalogue (tests/routes/catalogue.tsv, read by routes.sh)
# and the expected effect of every rule per kernel (tests/expect/effects.tsv, read by test.sh).
set -e
root=$(cd "$(dirname "$0")/../.." && pwd)
${CC:-gcc} -O2 -g -std=gnu11 -Wall -static -I"$root/tests/helpers" \
	"$root/tests/helpers/escape.c" "$root/tests/helpers/routes.c" -o "$1/dcea-escape"
cp "$root/tests/routes/catalogue.tsv" "$1/catalogue.tsv"
cp "$root/tests/expect/effects.tsv" "$1/effects.tsv"
