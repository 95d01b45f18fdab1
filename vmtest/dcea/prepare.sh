#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Run by vmtest/run.sh on the host with the payload directory: adds /vmtest/attack, the static
# escape-attempt helper of test.sh (vmtest/guest/attack.c), built like ctr, with the route helper
# of the integration tests linked in (`attack route ...` is tests/helpers/routes.c, the same code
# as `dcea-escape route ...`), and routes.tsv, the route table of routes.sh (see there).
set -e
here=$(cd "$(dirname "$0")/../guest" && pwd)
root=$(cd "$here/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# routes.c defines _GNU_SOURCE itself
${CC:-gcc} -O2 -g -std=gnu11 -Wall -c "$root/tests/helpers/routes.c" -o "$tmp/routes.o"
${CC:-gcc} -O2 -g -std=gnu11 -Wall -Wextra -Wno-unused-parameter -D_GNU_SOURCE -static \
	-I"$root/tests/helpers" "$here/attack.c" "$tmp/routes.o" -o "$1/attack"
"$(dirname "$0")/routes-expect.sh" "$root/tests/integration/13-routes.sh" >"$1/routes.tsv"
