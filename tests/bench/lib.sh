# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash disable=SC2034 # the variables are for the scripts that source this
# What every benchmark script sources: $here (tests/bench), $root, an absolute $OUTPUT, $DCEA, and
# the test libraries (cleanup registry, the test dockerd and image).
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
export OUTPUT=${OUTPUT:-build}
case $OUTPUT in /*) ;; *) OUTPUT=$root/$OUTPUT ;; esac
DCEA=$OUTPUT/dcea
. "$root/tests/lib/common.sh"
. "$root/tests/lib/docker.sh"
