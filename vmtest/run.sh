#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Boot each kernel of a list in QEMU (TCG, no KVM needed) with a busybox initramfs, run a payload's
# /vmtest/test.sh inside, and print one table: kernel, active LSMs, backend, rules per effective
# action, tests passed/failed/skipped, boot+test seconds. The table also goes to docs/KERNELS.md.
# docs/VMTEST.md describes the payload contract.
#
# Environment:
#   KERNELS / VMTEST_KERNELS  release names and/or image paths (default: bullseye bookworm trixie sid)
#   VMTEST_PAYLOAD   directory copied to /vmtest in the guest; must hold test.sh; "probe" for the
#                    LSM probe (default: a static $OUTPUT/dcea with tests/vm, or vmtest/dcea when
#                    tests/vm/test.sh is missing; the probe when there is no $OUTPUT/dcea)
#   VMTEST_LSM       lsm= of the first boot (default lockdown,capability,landlock,yama,apparmor,bpf);
#                    a second boot drops bpf from it, to show the fallback path
#   VMTEST_VARIANTS  "bpf nobpf" (default), "bpf" or "nobpf"
#   VMTEST_ROUTES    file the payload's route outcomes (DCEA-ROUTE lines) are merged into, one row
#                    per route, backend and kernel in the routes.tsv format of scripts/route-table.sh
#                    (default tests/routes/vmtest.tsv when VMTEST_DOC is set; "" for none); rows of
#                    kernels this run did not boot are kept
#   VMTEST_TIMEOUT   seconds per boot (default 300, vng 420); a boot without a status line is
#                    retried once; test.sh itself is stopped 20 s earlier in the guest (exit 143)
#   VMTEST_SHELL=1   interactive: after test.sh, a shell on this terminal (one kernel, one boot)
#   VMTEST_DOC       file the table is written to (default docs/KERNELS.md; "" for none)
#   VMTEST_CACHE     kernel cache (default /var/cache/dcea-vmtest), VMTEST_WORK build dir
#   OUTPUT           dcea's build directory (default build)
#   VMTEST_RUNNER    qemu (default: plain QEMU with a busybox initramfs) or vng (virtme-ng, the
#                    host's root over 9p; see vmtest/vng.sh). Same payload, same table.
# Exit status: 0 when every boot reported, every test passed and (dcea's payload) the rules per
# effect of every boot are those tests/expect/effects.tsv expects of that kernel and boot.
#
# Examples:
#   make vmtest KERNELS="bookworm trixie"
#   VMTEST_KERNELS=/srv/vmlinuz-6.8,sid vmtest/run.sh
#
# The R_<field> variables are set by load_row through read with computed names.
# shellcheck disable=SC2154
set -euo pipefail
shopt -s inherit_errexit nullglob

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
OUTPUT=${OUTPUT:-build}
[[ $OUTPUT == /* ]] || OUTPUT=$ROOT/$OUTPUT
WORK=${VMTEST_WORK:-$HERE/cache}
TIMEOUT=${VMTEST_TIMEOUT:-300}
LSM_BPF=${VMTEST_LSM:-lockdown,capability,landlock,yama,apparmor,bpf}
VARIANTS=${VMTEST_VARIANTS:-bpf nobpf}
DOC=${VMTEST_DOC-$ROOT/docs/KERNELS.md}
# (no command substitution that can fail here: set -e with inherit_errexit ends the script on it)
ROUTES_TSV=${VMTEST_ROUTES-}
[ -n "${VMTEST_ROUTES+set}" ] || [ -z "$DOC" ] || ROUTES_TSV=$ROOT/tests/routes/vmtest.tsv
MEM=${VMTEST_MEM:-512M}
RUNNER=${VMTEST_RUNNER:-qemu}
CMDLINE=("$0" "$@")

log() { printf 'vmtest: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

# QEMU, busybox and cpio are only needed here, so `make test` does not pay for them.
ensure_tools() {
	local need=() p
	command -v qemu-system-x86_64 >/dev/null || need+=(qemu-system-x86)
	command -v cpio >/dev/null || need+=(cpio)
	command -v clang-19 >/dev/null || need+=(clang-19)
	command -v bpftool >/dev/null || need+=(bpftool)
	for p in busybox-static libbpf-dev libelf-dev zlib1g-dev libzstd-dev; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || need+=("$p")
	done
	[ ${#need[@]} -eq 0 ] && return 0
	[ "$(id -u)" -eq 0 ] || die "missing packages: ${need[*]}; install them as root"
	log "installing ${need[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get -o DPkg::Lock::Timeout=600 update -qq
	apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${need[@]}" >/dev/null
}

# The payload, copied to /vmtest in the guest:
#   1. VMTEST_PAYLOAD=DIR as given (VMTEST_PAYLOAD=probe: the LSM probe);
#   2. else, when $OUTPUT/dcea exists: a static dcea (vmtest/static-dcea.sh) plus the files of
#      tests/vm/ if it has a test.sh, else of vmtest/dcea/ (a smoke test); then
#      tests/vm/prepare.sh PAYLOAD_DIR runs on the host if it exists, to add anything else;
#   3. else the LSM probe (vmtest/probe).
# lsm_probe, ctr and lib.sh (vmtest/guest/) are always added.
build_payload() {
	local out=$WORK/payload tests=$ROOT/tests/vm
	rm -rf "$out"
	mkdir -p "$out"
	make -s -C "$HERE/probe" OUTPUT="$WORK/probe" >&2
	if [ -n "${VMTEST_PAYLOAD:-}" ] && [ "$VMTEST_PAYLOAD" != probe ]; then
		[ -f "$VMTEST_PAYLOAD/test.sh" ] || die "no test.sh in VMTEST_PAYLOAD '$VMTEST_PAYLOAD'"
		cp -a "$VMTEST_PAYLOAD/." "$out/"
		PAYLOAD_KIND="VMTEST_PAYLOAD=$VMTEST_PAYLOAD"
	elif [ -z "${VMTEST_PAYLOAD:-}" ] && [ -x "$OUTPUT/dcea" ]; then
		OUTPUT=$OUTPUT VMTEST_WORK=$WORK "$HERE/static-dcea.sh" "$out/dcea" ||
			die "cannot link a static dcea for the guest (VMTEST_PAYLOAD=probe runs the probe)"
		[ -f "$tests/test.sh" ] || tests=$HERE/dcea
		cp -a "$tests/." "$out/"
		rm -f "$out/prepare.sh"
		if [ -x "$tests/prepare.sh" ]; then
			OUTPUT=$OUTPUT "$tests/prepare.sh" "$out" || die "${tests#"$ROOT"/}/prepare.sh failed"
		fi
		PAYLOAD_KIND="static dcea + ${tests#"$ROOT"/}"
	else
		cp "$HERE/probe/test.sh" "$out/test.sh"
		PAYLOAD_KIND="lsm_probe (vmtest/probe)"
	fi
	[ -e "$out/lsm_probe" ] || cp "$WORK/probe/lsm_probe" "$out/lsm_probe"
	[ -e "$out/ctr" ] || cp "$WORK/probe/ctr" "$out/ctr"
	[ -e "$out/lib.sh" ] || cp "$HERE/guest/lib.sh" "$out/lib.sh"
	chmod +x "$out/test.sh"
	PAYLOAD=$out
}

build_initramfs() {
	local root=$WORK/initramfs.d img=$WORK/initramfs.cpio.gz d a
	rm -rf "$root"
	mkdir -p "$root"
	for d in bin sbin usr/bin usr/sbin dev proc sys tmp run root etc mnt; do
		mkdir -p "$root/$d"
	done
	cp /bin/busybox "$root/bin/busybox"
	for a in $(/bin/busybox --list-full); do
		[ -e "$root/$a" ] || ln -s /bin/busybox "$root/$a"
	done
	cp "$HERE/init" "$root/init"
	chmod +x "$root/init"
	echo 'root:x:0:0:root:/root:/bin/sh' >"$root/etc/passwd"
	echo 'root:x:0:' >"$root/etc/group"
	cp -a "$PAYLOAD" "$root/vmtest"
	(cd "$root" && find . -print0 | cpio --null -o -H newc --quiet --owner=0:0) | gzip -1 >"$img"
	INITRAMFS=$img
}

# One boot. Sets BOOT_LOG (console) and BOOT_STATUS (ttyS1) files and BOOT_SECS.
boot() {
	local kernel=$1 lsm=$2 tag=$3 t0 t1
	BOOT_LOG=$WORK/logs/$tag.console
	BOOT_STATUS=$WORK/logs/$tag.status
	rm -f "$BOOT_LOG" "$BOOT_STATUS"
	t0=$(date +%s.%N)
	local append="console=ttyS0 panic=-1 quiet lsm=$lsm vmtest.lsm_bpf=$4"
	# test.sh is stopped in the guest before QEMU is, so a hung test still reports.
	append+=" vmtest.test_timeout=$((TIMEOUT > 40 ? TIMEOUT - 20 : TIMEOUT / 2))"
	append+=" vmtest.shell=${VMTEST_SHELL:-0}"
	if [ "$RUNNER" = vng ]; then
		# vng: the guest sees this host's root read-only over 9p, so the payload runs from
		# $WORK/payload; vng-guest.sh gives it /vmtest and the same status lines on the console.
		# A crashed or hung boot (vng exits 255) has no status line and is retried by run_one.
		BOOT_STATUS=$WORK/logs/$tag.none
		vng_cmd "$kernel" "$lsm" ""
		timeout -k 5 "$TIMEOUT" "${VNG_CMD[@]}" --exec "VMTEST_LSM_BPF=$4 bash $HERE/vng-guest.sh \
$PAYLOAD $((TIMEOUT > 40 ? TIMEOUT - 20 : TIMEOUT / 2))" </dev/null >"$BOOT_LOG" 2>&1 &&
			BOOT_RC=0 || BOOT_RC=$?
		t1=$(date +%s.%N)
		BOOT_SECS=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
		return
	fi
	local qemu=(qemu-system-x86_64 -accel tcg -machine q35 -cpu max -smp 2 -m "$MEM"
		-nographic -no-reboot -net none -serial mon:stdio -serial "file:$BOOT_STATUS"
		-kernel "$kernel" -initrd "$INITRAMFS" -append "$append")
	if [ "${VMTEST_SHELL:-0}" = 1 ]; then
		# Interactive: the console is this terminal (Ctrl-A X quits QEMU).
		"${qemu[@]}" && BOOT_RC=0 || BOOT_RC=$?
		BOOT_SECS=0
		return
	fi
	timeout -k 5 "$TIMEOUT" "${qemu[@]}" </dev/null >"$BOOT_LOG" 2>&1 && BOOT_RC=0 || BOOT_RC=$?
	t1=$(date +%s.%N)
	BOOT_SECS=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
}

# The last "PREFIX key=value ..." line of the status file, else of the console; prints
# nothing when neither has one.
status_line() {
	local prefix=$1 f line
	for f in "$BOOT_STATUS" "$BOOT_LOG"; do
		[ -f "$f" ] || continue
		line=$(tr -d '\r' <"$f" | grep -a -o "$prefix .*" | tail -n1) || true
		if [ -n "$line" ]; then
			printf '%s\n' "$line"
			break
		fi
	done
	return 0
}

# Value of key $2 in a "PREFIX k=v k=v" line $1 (values have no spaces).
kv() { tr ' ' '\n' <<<"$1" | sed -n "s/^$2=//p" | head -n1; }

# What a crashed guest kernel prints (a first try with it fails the boot, see run_one).
CRASH_RE='Kernel panic|BUG: |Oops|general protection fault|Attempted to kill init|kernel BUG at|RIP: [0-9a-f]+:'

# One row per boot, fields joined by '|'; load_row sets R_<field> from one.
ROWS=()
FIELDS=(label uname variant active backend deny kill detect unav pass fail skip secs note)
FAILED=0

load_row() {
	IFS='|' read -r "${FIELDS[@]/#/R_}" <<<"$1"
}

# expect_counts UNAME VARIANT D/K/T/U: the rules per effect dcea's payload reported on a boot must
# be those the tests expect (tests/expect/effects.tsv, column KERNEL/lsm for the bpf boot,
# KERNEL/fallback without): a kernel where every rule fell back to "detect" must not pass. On a
# mismatch or a kernel without a column, adds to $note and returns 1.
expect_counts() {
	local col want
	col="$(cut -d. -f1,2 <<<"$1")/$([ "$2" = bpf ] && echo lsm || echo fallback)"
	want=$(awk -F'\t' -v col="$col" '/^#/ { next }
		$1 == "rule" { for (i = 2; i <= NF; i++) if ($i == col) c = i; next }
		c { n[$c]++ }
		END { if (c) printf "%d/%d/%d/%d\n", n["deny"], n["kill"], n["detect"], n["unavailable"] }' \
		"$ROOT/tests/expect/effects.tsv")
	if [ -z "$want" ]; then
		note="${note:+$note, }no expectation for $col in tests/expect/effects.tsv"
		return 1
	fi
	[ "$3" = "$want" ] && return 0
	note="${note:+$note, }d/k/t/u $3, want $want ($col, tests/expect/effects.tsv)"
	return 1
}

run_one() {
	local label=$1 kernel=$2 variant=$3 lsm lsm_bpf tag try status info result rc why note="" crash=""
	if [ "$variant" = bpf ]; then
		lsm=$LSM_BPF
		lsm_bpf=1
	else
		lsm=$(tr ',' '\n' <<<"$LSM_BPF" | grep -vx bpf | paste -sd,)
		lsm_bpf=0
	fi
	tag=$(tr -c 'A-Za-z0-9.+-' '_' <<<"$label")_$variant
	for try in 1 2; do
		boot "$kernel" "$lsm" "$tag" "$lsm_bpf"
		status=$(status_line DCEA-VMTEST-STATUS)
		[ -n "$status" ] && break
		if [ $try = 1 ]; then
			[ "$BOOT_RC" = 124 ] && why="timed out after ${TIMEOUT}s" || why="no status line"
			# A kernel that crashed is a finding, not a slow emulator: the boot fails even if
			# the retry passes. The line says so, for CI keeps only this log.
			crash=$(tr -d '\r' <"$BOOT_LOG" | grep -a -m1 -oE "$CRASH_RE.*" | cut -c1-160) || true
			log "retry of $label ($variant): try 1 $why${crash:+, kernel crashed: $crash}; console tail:"
			tr -d '\r' <"$BOOT_LOG" | grep -av '^\s*$' | tail -n 12 | cut -c1-200 | sed 's/^/    /' >&2
			cp "$BOOT_LOG" "$BOOT_LOG.try1"
			note="retried: try 1 $why"
			[ -n "$crash" ] && note+=", try 1 kernel crashed: ${crash//|/\/}"
		fi
	done
	info=$(status_line DCEA-VMINFO)
	result=$(status_line DCEA-RESULT)
	rc=$(kv "$status" rc)
	local active backend deny kill detect unav pass fail skip uname row failed
	active=$(kv "$info" lsm)
	backend=$(kv "$result" backend)
	deny=$(kv "$result" deny) kill=$(kv "$result" kill) detect=$(kv "$result" detect)
	unav=$(kv "$result" unavailable)
	pass=$(kv "$result" passed) fail=$(kv "$result" failed) skip=$(kv "$result" skipped)
	[ -n "$crash" ] && FAILED=1
	if [ -z "$status" ]; then
		[ "$BOOT_RC" = 124 ] && why="timed out" || why="no status"
		note="${note:+$note, }$why: boot failed"
		FAILED=1
	elif [ "$rc" != 0 ]; then
		note="${note:+$note, }test.sh exit $rc"
		FAILED=1
	fi
	if [ -z "$result" ] && [ -n "$status" ]; then
		# Counted from the check lines, so a test that died early still shows what it did.
		pass=$(tr -d '\r' <"$BOOT_LOG" | grep -a -c '^PASS ') || true
		fail=$(tr -d '\r' <"$BOOT_LOG" | grep -a -c '^FAIL ') || true
		skip=$(tr -d '\r' <"$BOOT_LOG" | grep -a -c '^SKIP ') || true
		note="${note:+$note, }no DCEA-RESULT line"
	fi
	[ "$(kv "$info" btf)" = no ] && note="${note:+$note, }no BTF"
	if [[ $PAYLOAD_KIND == "static dcea"* ]] && [ -n "$result" ]; then
		expect_counts "$(kv "$info" kernel)" "$variant" "$deny/$kill/$detect/$unav" || FAILED=1
	fi
	failed=$(tr -d '\r' <"$BOOT_LOG" | sed -n 's/^FAIL \([^:]*\):.*/\1/p' | head -n 3 | paste -sd' ') || true
	[ -n "$failed" ] && note="${note:+$note, }FAIL $failed"
	[ -n "$fail" ] && [ "$fail" != 0 ] && FAILED=1
	# route outcomes (vmtest/dcea/routes.sh): id backend mode outcome effect kernel
	tr -d '\r' <"$BOOT_LOG" | grep -a -o 'DCEA-ROUTE .*' | tr ' ' '\t' | cut -f2-7 >>"$WORK/routes.tsv" || true
	uname=$(kv "$info" kernel)
	row="$label|${uname:--}|$variant|${active:--}|${backend:--}|${deny:--}|${kill:--}|${detect:--}"
	row+="|${unav:--}|${pass:--}|${fail:--}|${skip:--}|$BOOT_SECS|$note"
	ROWS+=("$row")
	log "$label ($variant): lsm=${active:-?} rc=${rc:-none} ${BOOT_SECS}s${note:+ ($note)}"
	log "    ${result:-no DCEA-RESULT line}"
	# what failed, in the guest's words (CI keeps only this log, not the console files)
	tr -d '\r' <"$BOOT_LOG" | grep -a '^FAIL ' | head -n 3 | cut -c1-400 | sed 's/^/vmtest:     guest: /' >&2 || true
	if [ -z "$status" ]; then
		tr -d '\r' <"$BOOT_LOG" | grep -av '^\s*$' | tail -n 5 | cut -c1-200 |
			sed 's/^/vmtest:     guest: console: /' >&2 || true
	fi
}

# For a terminal, under 100 columns: the full active LSM list is in the log lines and the doc.
print_table() {
	local r bpf
	printf '%-20s %-5s %-4s %-8s %-12s %-11s %6s\n' kernel boot bpf backend "d/k/t/u" "pass/f/s" secs
	for r in "${ROWS[@]}"; do
		load_row "$r"
		bpf=off
		[[ ,$R_active, == *,bpf,* ]] && bpf=on
		[ "$R_active" = - ] && bpf=-
		printf '%-20s %-5s %-4s %-8s %-12s %-11s %6s%s\n' "$R_label" "$R_variant" "$bpf" "$R_backend" \
			"$R_deny/$R_kill/$R_detect/$R_unav" "$R_pass/$R_fail/$R_skip" "$R_secs" "${R_note:+  $R_note}"
	done
	echo "bpf: 'bpf' in the guest's active LSM list; d/k/t/u: rules that deny / kill / detect only /"
	echo "are unavailable; pass/f/s: tests passed / failed / skipped"
}

# How this run was started, as a user would type it.
command_line() {
	local env="" v
	[ "$OUTPUT" != "$ROOT/build" ] && env+="OUTPUT=${OUTPUT#"$ROOT"/} "
	for v in KERNELS VMTEST_KERNELS VMTEST_PAYLOAD VMTEST_VARIANTS VMTEST_LSM; do
		[ -n "${!v:-}" ] && env+="$v=\"${!v}\" "
	done
	if [ -n "${MAKELEVEL:-}" ]; then
		echo "${env}make vmtest"
	else
		echo "${env}${CMDLINE[*]#"$ROOT"/}"
	fi
}

# One section per payload kind, so the probe's baseline and dcea's own results stand side by
# side: this run replaces its own section and keeps the others.
write_doc() {
	local r heading="## Payload: $PAYLOAD_KIND" others=""
	[ "$RUNNER" = vng ] && heading+=" (virtme-ng)"
	if [ -f "$DOC" ]; then
		others=$(awk -v h="$heading" '/^## Payload: / { keep = ($0 != h) } keep' "$DOC" |
			sed -e :a -e '/^\n*$/{$d;N;ba' -e '}')
	fi
	{
		echo "<!-- SPDX-License-Identifier: GPL-2.0-only -->"
		echo "# Kernel matrix"
		echo
		echo "Written by \`vmtest/run.sh\` (see [VMTEST.md](VMTEST.md)), one section per payload; do not"
		echo "edit by hand. deny / kill / detect / unavailable: rules by the action the payload can"
		echo "actually take on that kernel, from its DCEA-RESULT line. backend: \`lsm\` (BPF LSM, denies"
		echo "with EPERM), \`fallback\` (tracepoints and cgroup programs), \`none\` (nothing loaded)."
		echo "Boots marked nobpf drop \`bpf\` from \`lsm=\`, to show the fallback path."
		echo
		echo "$heading"
		echo
		echo "- command: \`$(command_line)\`"
		echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
		echo "- host: $(uname -r), $(qemu-system-x86_64 --version | head -n1), TCG, -smp 2 -m $MEM${VNG_VERSION:+, $VNG_VERSION --disable-kvm --force-9p}"
		echo "- boot: \`lsm=$LSM_BPF\` (bpf) and the same without \`bpf\` (nobpf)"
		echo
		echo "| kernel | uname -r | boot | active LSMs | backend | deny | kill | detect | unavailable" \
			"| passed | failed | skipped | boot+test s | notes |"
		echo "|---|---|---|---|---|--:|--:|--:|--:|--:|--:|--:|--:|---|"
		for r in "${ROWS[@]}"; do
			load_row "$r"
			echo "| $R_label | $R_uname | $R_variant | $R_active | $R_backend | $R_deny | $R_kill" \
				"| $R_detect | $R_unav | $R_pass | $R_fail | $R_skip | $R_secs | $R_note |"
		done
		if [ -n "$others" ]; then
			echo
			printf '%s\n' "$others"
		fi
	} >"$DOC.tmp"
	mv "$DOC.tmp" "$DOC"
}

# Merge this run's route outcomes into $ROUTES_TSV: the rows of every kernel this run booted are
# replaced, the others kept (a run of one kernel does not forget the rest of the matrix).
write_routes() {
	local kernels
	[ -s "$WORK/routes.tsv" ] || return 0
	kernels=$(cut -f6 "$WORK/routes.tsv" | sort -u | paste -sd'|')
	{
		echo "# Route outcomes in the kernel matrix, written by vmtest/run.sh from the payload's"
		echo "# DCEA-ROUTE lines (vmtest/dcea/routes.sh); do not edit by hand. Read by scripts/route-table.sh."
		echo "# id	backend	mode	outcome	effect	kernel"
		{
			[ -f "$ROUTES_TSV" ] && grep -v '^#' "$ROUTES_TSV" | awk -F'\t' -v k="^($kernels)\$" '$6 !~ k'
			cat "$WORK/routes.tsv"
		} | sort -t$'\t' -k6,6V -k2,2 -s
	} >"$ROUTES_TSV.tmp"
	mv "$ROUTES_TSV.tmp" "$ROUTES_TSV"
	log "route outcomes written to ${ROUTES_TSV#"$ROOT"/}"
}

# The closing line CI reads: checks summed over all boots; a boot that reported nothing counts as
# one failed check, and so does a boot whose rules per effect are not the expected ones.
summary() {
	local r np=0 nf=0 ns=0
	for r in "${ROWS[@]}"; do
		load_row "$r"
		[[ $R_pass =~ ^[0-9]+$ ]] && np=$((np + R_pass))
		[[ $R_skip =~ ^[0-9]+$ ]] && ns=$((ns + R_skip))
		if [[ $R_fail =~ ^[0-9]+$ ]]; then
			nf=$((nf + R_fail))
		else
			nf=$((nf + 1))
		fi
		[[ $R_note == *"test.sh exit"* ]] && [ "$R_fail" = 0 ] && nf=$((nf + 1))
		# the rules per effect differ from the table's (expect_counts): one more failed check
		[[ $R_note == *"tests/expect/effects.tsv"* ]] && nf=$((nf + 1))
	done
	echo "vmtest: $np passed, $nf failed, $ns skipped"
}

main() {
	local lines=() line label kernel v out i
	ensure_tools
	mkdir -p "$WORK/logs"
	# Payload, initramfs and logs live in one directory: one run at a time.
	exec 9>"$WORK/.lock"
	flock -n 9 || die "another vmtest run is using ${WORK#"$ROOT"/}"
	rm -f "$WORK"/logs/* "$WORK/routes.tsv"
	out=$(VMTEST_CACHE=${VMTEST_CACHE:-/var/cache/dcea-vmtest} "$HERE/kernels.sh" "$@") ||
		die "cannot get every kernel asked for"
	mapfile -t lines <<<"$out"
	[ -n "$out" ] || die "no kernels"
	build_payload
	if [ "$RUNNER" = vng ]; then
		# shellcheck source=vmtest/vng.sh
		. "$HERE/vng.sh"
		vng_install || die "cannot install virtme-ng"
		[ -n "${VMTEST_TIMEOUT:-}" ] || TIMEOUT=$VNG_TIMEOUT
		VNG_VERSION=$(basename "$VNG_CACHE"/vng/virtme-ng_*.deb .deb 2>/dev/null | tr _ ' ' |
			cut -d' ' -f1-2) || true
		for i in "${!lines[@]}"; do
			IFS=$'\t' read -r label kernel <<<"${lines[$i]}"
			kernel=$(vng_kernel "$kernel") || die "cannot prepare '$label' for vng"
			lines[i]="$label"$'\t'"$kernel"
		done
		[ "${VMTEST_SHELL:-0}" = 1 ] && die "VMTEST_SHELL with vng: use vmtest/vng.sh KERNEL"
		INITRAMFS=vng
	else
		[ "$RUNNER" = qemu ] || die "VMTEST_RUNNER must be qemu or vng"
		build_initramfs
	fi
	[ "$RUNNER" = vng ] || log "payload: $PAYLOAD_KIND; initramfs $(du -h "$INITRAMFS" | cut -f1)"
	[ "$RUNNER" = vng ] && log "payload: $PAYLOAD_KIND; runner: virtme-ng"
	if [ "${VMTEST_SHELL:-0}" = 1 ]; then
		IFS=$'\t' read -r label kernel <<<"${lines[0]}"
		boot "$kernel" "$LSM_BPF" shell 1
		return 0
	fi
	for line in "${lines[@]}"; do
		IFS=$'\t' read -r label kernel <<<"$line"
		for v in $VARIANTS; do
			run_one "$label" "$kernel" "$v"
		done
	done
	print_table
	if [ -n "$DOC" ]; then
		write_doc
		log "table written to ${DOC#"$ROOT"/}"
	fi
	[ -n "$ROUTES_TSV" ] && write_routes
	log "console logs in ${WORK#"$ROOT"/}/logs"
	summary
	return $FAILED
}

main "$@"
