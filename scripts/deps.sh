#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Install every Debian package dcea needs to build, test and run. Idempotent: packages already
# present are not touched, and apt is not even updated when nothing is missing.
set -euo pipefail

PKGS=(
	make gcc pkg-config git
	clang-19 llvm-19 lld-19
	libbpf-dev bpftool libelf-dev zlib1g-dev libzstd-dev
	libyaml-dev libjson-c-dev libcmocka-dev libsqlite3-dev libssl-dev libcurl4-openssl-dev
	docker.io busybox-static util-linux iproute2 procps jq bc valgrind
	debootstrap skopeo umoci podman
	cppcheck clang-format libclang-rt-19-dev libc6-dev
	# 70-service.sh: curl scrapes the metrics, promtool (prometheus) checks them, the alerts are
	# validated against docs/alert.schema.json, yamllint lints deploy/k8s
	curl python3-jsonschema yamllint prometheus
	# scripts/gen-kernel-rules.py reads kernel_rules.hand.yaml
	python3-yaml
)
[ "${DCEA_DEPS_EXTRA:-}" ] && read -r -a extra <<<"$DCEA_DEPS_EXTRA" && PKGS+=("${extra[@]}")

missing=()
for p in "${PKGS[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
	echo "deps: all ${#PKGS[@]} packages present"
	exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing packages: ${missing[*]}; run 'make deps' as root" >&2
	exit 1
fi
echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# docker.io must not start a default dockerd (it would create docker0 and iptables rules):
# deny service starts during the install, as policy-rc.d does on this machine already.
prc=/usr/sbin/policy-rc.d
added_prc=0
if [ ! -e "$prc" ]; then
	printf '#!/bin/sh\nexit 101\n' >"$prc" && chmod +x "$prc" && added_prc=1
fi
trap '[ $added_prc = 1 ] && rm -f "$prc"' EXIT
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "deps: done"
