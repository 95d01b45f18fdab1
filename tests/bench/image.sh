#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Benchmark of `dcea scan image` against the physical limit, inflating the layers: the same gzip
# layers of the cached bookworm OCI layout through `gzip -dc` in one run, then through dcea (which
# also parses every tar header and keeps only the package databases). Prints one line per measure
# and a ratio line; goal: dcea throughput >= 0.8x gzip -dc's, peak RSS independent of image size.
#   tests/bench/image.sh [RUNS]     (best of RUNS, default 3)
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUTPUT=${OUTPUT:-build}
case $OUTPUT in /*) ;; *) OUTPUT=$ROOT/$OUTPUT ;; esac
DCEA=${DCEA:-$OUTPUT/dcea}
RUNS=${1:-3}

cache=$("$ROOT/tests/bench/image-build.sh") || { echo "SKIP image-bench: cannot build images"; exit 0; }
OCI=$cache/bookworm.oci
layers=$(python3 -c '
import json, sys
d = sys.argv[1]
idx = json.load(open(d + "/index.json"))
m = json.load(open(d + "/blobs/" + idx["manifests"][0]["digest"].replace(":", "/")))
print(" ".join(d + "/blobs/" + l["digest"].replace(":", "/") for l in m["layers"]))' "$OCI")
bytes=$(cat $layers | wc -c)
# warm the page cache so both read from memory
cat $layers >/dev/null

best() { sort -n | head -n 1; }
ms() { local t0; t0=$(date +%s%N); "$@" >/dev/null 2>&1 || true; echo $((($(date +%s%N) - t0) / 1000000)); }
gz_ms=$(for _ in $(seq "$RUNS"); do ms sh -c "for l in $layers; do gzip -dc \$l; done"; done | best)
dcea_ms=$(for _ in $(seq "$RUNS"); do ms "$DCEA" scan image "$OCI"; done | best)
rss=$( { /usr/bin/time -f '%M' "$DCEA" scan image "$OCI" >/dev/null || true; } 2>&1 | tail -n 1)
rss_small=$( { /usr/bin/time -f '%M' "$DCEA" scan image "$ROOT/tests/fixtures/image/oci-archive.tar" >/dev/null || true; } 2>&1 | tail -n 1)
unpacked=$("$DCEA" scan image --json "$OCI" | python3 -c '
import json, re, sys
for l in sys.stdin:
    o = json.loads(l)
    if o["check"] == "image.contents":
        print(re.search(r"(\d+) unpacked", o["detail"][0]).group(1))')

echo "image-bench layers: $bytes bytes gzip, $unpacked bytes unpacked"
echo "image-bench gzip -dc: ${gz_ms} ms ($((unpacked / 1000 / (gz_ms > 0 ? gz_ms : 1))) MB/s)"
echo "image-bench dcea scan image: ${dcea_ms} ms ($((unpacked / 1000 / (dcea_ms > 0 ? dcea_ms : 1))) MB/s)"
echo "image-bench peak RSS: ${rss} KB for this image, ${rss_small} KB for a 10 KB fixture"
ratio=$(awk -v g="$gz_ms" -v d="$dcea_ms" 'BEGIN { printf "%.2f", g / (d ? d : 1) }')
verdict=$(awk -v r="$ratio" 'BEGIN { print (r >= 0.8) ? "PASS" : "FAIL" }')
echo "$verdict image-bench throughput ratio dcea/gzip = ${ratio}x (goal >= 0.8x)"
