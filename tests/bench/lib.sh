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

# The section of every program dcea attached (a pinned link per program, named after it); not the
# task iterator, which runs only when the loader reads it. dcea must be loaded.
dcea_hooks() {
	local syms l
	syms=$(llvm-objdump-19 -t "$OUTPUT/dcea.bpf.o" | awk '$3 == "F" && $4 != ".text" {print $6, $4}')
	for l in /sys/fs/bpf/dcea/links/*; do
		awk -v n="${l##*/}" '$1 == n {print $2}' <<<"$syms"
	done | grep -v '^iter/' | sort -u
}
