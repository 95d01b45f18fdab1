#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# dcea as a service: `make install` into a DESTDIR (tree, unit, man pages, uninstall), the alert
# outputs (rotated file, syslog to a listener started here, the events socket with several
# readers), the Prometheus metrics endpoint, and the Kubernetes manifests. Audit mode only.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/docker.sh"
. "$(dirname "$0")/../lib/dcea.sh"

need_dcea

# --- make install / uninstall --------------------------------------------------------------------

test_install() {
	local d=$DCEA_TMP/destdir f p out missing=
	make -C "$DCEA_ROOT" -s OUTPUT="$OUTPUT" DESTDIR="$d" install >"$DCEA_TMP/install.log" 2>&1 ||
		{ fail install-tree "make install: $(tail -n 1 "$DCEA_TMP/install.log")"; return; }
	for f in usr/local/sbin/dcea etc/dcea/policy.yaml usr/local/lib/systemd/system/dcea.service \
		usr/local/share/man/man8/dcea.8 usr/local/share/man/man8/dcea-run.8 \
		usr/local/share/man/man8/dcea-events.8 usr/local/share/man/man8/dcea-status.8 \
		usr/local/share/man/man8/dcea-stop.8 usr/local/share/man/man8/dcea-verify.8 \
		usr/local/share/man/man8/dcea-policy.8 usr/local/share/man/man8/dcea-scan.8; do
		[ -e "$d/$f" ] || missing="$missing $f"
	done
	if [ -n "$missing" ]; then
		fail install-tree "missing:$missing"
	elif [ "$(stat -c %a "$d/usr/local/sbin/dcea")" != 755 ] || ! "$d/usr/local/sbin/dcea" --version >/dev/null; then
		fail install-tree "the installed binary is not an executable dcea"
	elif grep -v '^#' "$d/usr/local/lib/systemd/system/dcea.service" | grep -q @; then
		fail install-tree "unfilled @...@ in the unit"
	else
		pass install-tree
	fi
	# the installed policy is the default and dcea accepts it
	check install-policy-valid "$d/usr/local/sbin/dcea" policy check "$d/etc/dcea/policy.yaml"
	check_eq install-unit-execstart \
		"ExecStart=/usr/local/sbin/dcea run --policy /etc/dcea/policy.yaml --json --socket /run/dcea/events.sock \$DCEA_OPTS" \
		"$(grep '^ExecStart=' "$d/usr/local/lib/systemd/system/dcea.service")"

	# every subcommand has a page, and each renders without a warning
	for p in run events status stop verify policy scan; do
		"$DCEA" "$p" --help >/dev/null 2>&1 || continue
		[ -e "$d/usr/local/share/man/man8/dcea-$p.8" ] || { fail "man-page-$p" "no dcea-$p.8"; continue; }
	done
	for f in "$d"/usr/local/share/man/man8/*.8; do
		p=$(basename "$f" .8)
		out=$(groff -man -ww -z "$f" 2>&1; LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$f" 2>&1 >/dev/null)
		if [ -n "$out" ]; then fail "man-$p" "$out"; else pass "man-$p"; fi
	done

	if command -v systemd-analyze >/dev/null 2>&1; then
		# installed under a PREFIX of ours (not a DESTDIR): the unit's ExecStart= then names a
		# binary that exists, and Documentation= pages man finds through MANPATH
		local pfx=$DCEA_TMP/prefix
		make -C "$DCEA_ROOT" -s OUTPUT="$OUTPUT" PREFIX="$pfx" SYSCONFDIR="$pfx/etc" install \
			>>"$DCEA_TMP/install.log" 2>&1
		out=$(MANPATH="$pfx/share/man" systemd-analyze verify \
			"$pfx/lib/systemd/system/dcea.service" 2>&1)
		if [ -z "$out" ]; then pass unit-verify; else fail unit-verify "$out"; fi
	else
		skip unit-verify "systemd-analyze not installed"
	fi

	# an edited policy survives install and uninstall
	printf '\n# edited\n' >>"$d/etc/dcea/policy.yaml"
	make -C "$DCEA_ROOT" -s OUTPUT="$OUTPUT" DESTDIR="$d" install >>"$DCEA_TMP/install.log" 2>&1
	[ -e "$d/etc/dcea/policy.yaml.new" ] && grep -q '# edited' "$d/etc/dcea/policy.yaml" &&
		pass install-keeps-edited-policy || fail install-keeps-edited-policy "policy.yaml overwritten or no policy.yaml.new"
	make -C "$DCEA_ROOT" -s OUTPUT="$OUTPUT" DESTDIR="$d" uninstall >>"$DCEA_TMP/install.log" 2>&1
	out=$(cd "$d" && find . -type f | sort | tr '\n' ' ')
	check_eq uninstall-leaves-only-edited-policy "./etc/dcea/policy.yaml " "$out"
}
test_install

# --- alert outputs and metrics with a real container (audit mode) ---------------------------------

PY=/usr/bin/python3 # Debian's: python3-jsonschema is installed for it, not for a pyenv python
HELPERS=$DCEA_TESTS_DIR/helpers
RT_CHECKS=(events-rule-filter events-human events-severity-filter events-two-readers
	events-slow-reader-told events-slow-reader-counted events-loader-kept-up syslog-unix-rfc5424
	syslog-unix-fields syslog-udp output-file-rotated alerts-schema metrics-parse
	metrics-promtool metrics-alerts-move metrics-hits-move metrics-bpf-runtime metrics-rules-effective metrics-tcp)

# metrics_get FILE: scrape the unix-socket endpoint into FILE.prom and its checked samples in FILE
metrics_get() {
	curl -sf --max-time 5 --unix-socket "$DCEA_TMP/metrics.sock" http://dcea/metrics >"$1.prom" &&
		"$PY" "$HELPERS/promcheck.py" "$1.prom" >"$1"
}
# metric FILE SERIES: the value of one series as promcheck prints it, 0 when absent
metric() { awk -v s="$2" '$1 == s { print $2; f = 1 } END { if (!f) print 0 }' "$1"; }

test_runtime() {
	local ct port sl_unix=$DCEA_TMP/syslog.sock sock=$DCEA_TMP/events.sock n_mounts=1500 i
	local e_rule e_all1 e_all2 e_crit e_human slow n_alerts n1 n2 a before after
	need_docker "${RT_CHECKS[@]}"
	need_cmd jq "${RT_CHECKS[@]}"
	need_cmd curl "${RT_CHECKS[@]}"
	[ -x "$PY" ] || skip_all "$PY missing" "${RT_CHECKS[@]}"
	docker_image || skip_all "no test image: $DCEA_DOCKER_ERR" "${RT_CHECKS[@]}"

	start_bg sl_pid "$PY" "$HELPERS/syslog_listen.py" unix "$sl_unix" "$DCEA_TMP/syslog-unix.log"
	wait_until 5 test -S "$sl_unix" || fail_all "the syslog listener did not start" "${RT_CHECKS[@]}"
	# --no-aggregation: the outputs are tested with a record per event (1500 of them)
	dcea_start --no-aggregation --socket "$sock" --syslog "unix:$sl_unix" --metrics "unix:$DCEA_TMP/metrics.sock" \
		--output-file "$DCEA_TMP/out.json" --rotate-size 64K --rotate-keep 2 --bpf-stats ||
		fail_all "$DCEA_ERR" "${RT_CHECKS[@]}"
	# what this host must do is the tests' table (tests/expect/effects.tsv), not dcea's status
	[ "$(dcea_expected host mount_sensitive)" = unavailable ] &&
		skip_all "mount_sensitive is expected unavailable on this kernel (tests/expect/effects.tsv)" "${RT_CHECKS[@]}"
	ct=$(docker_run_test svc -d --cap-add SYS_ADMIN "$DCEA_IMAGE" sleep 600) ||
		fail_all "docker run failed: $ct" "${RT_CHECKS[@]}"
	docker exec "$ct" mkdir -p /mnt/p

	# readers: filtered, two unfiltered, human, one that only wants critical, one too slow
	start_bg e_rule run_timeout 60 "$DCEA" events --socket "$sock" --json --rule mount_sensitive \
		--container "$(docker_name svc)" --count 1 >"$DCEA_TMP/ev-rule.json"
	start_bg e_all1 run_timeout 120 "$DCEA" events --socket "$sock" --json >"$DCEA_TMP/ev-all1.json"
	start_bg e_all2 run_timeout 120 "$DCEA" events --socket "$sock" --json >"$DCEA_TMP/ev-all2.json"
	start_bg e_human run_timeout 60 "$DCEA" events --socket "$sock" --count 1 \
		--rule mount_sensitive >"$DCEA_TMP/ev-human.txt"
	start_bg e_crit run_timeout 120 "$DCEA" events --socket "$sock" --json --severity critical \
		>"$DCEA_TMP/ev-crit.json"
	start_bg slow "$PY" "$HELPERS/slow_reader.py" "$sock" "$DCEA_TMP/go" "$DCEA_TMP/ev-slow.json"
	_readers() { [ "$(metric "$DCEA_TMP/m0" dcea_event_readers)" -ge 6 ]; }
	_scrape_readers() { metrics_get "$DCEA_TMP/m0" && _readers; }
	wait_until 10 _scrape_readers || fail_all "6 readers did not connect: $(grep readers "$DCEA_TMP/m0")" "${RT_CHECKS[@]}"
	before=$(metric "$DCEA_TMP/m0" 'dcea_alerts_total{action="alert",rule="mount_sensitive",severity="high"}')
	local hits0
	hits0=$(metric "$DCEA_TMP/m0" 'dcea_rule_hits_total{action="alert",rule="mount_sensitive"}')
	dcea_mark

	# the escape step, many times: a flood a slow reader cannot absorb
	docker exec "$ct" sh -c "i=0; while [ \$i -lt $n_mounts ]; do mount -t proc proc /mnt/p && umount /mnt/p; i=\$((i+1)); done"
	# ours only: dcea watches every container on the machine
	local mine=".rule == \"mount_sensitive\" and .container.name == \"$(docker_name svc)\""
	_all_in() { [ "$(dcea_count_alerts "$mine")" -ge "$n_mounts" ]; }
	wait_until 60 _all_in
	n_alerts=$(dcea_count_alerts "$mine")
	sleep 1
	touch "$DCEA_TMP/go"

	a=$(head -n 1 "$DCEA_TMP/ev-rule.json")
	dcea_expect_alert events-rule-filter "$a" '.rule == "mount_sensitive"' \
		".container.name == \"$(docker_name svc)\"" '.details.fstype == "proc"'
	if grep -q 'mount_sensitive' "$DCEA_TMP/ev-human.txt" && grep -q "$(docker_name svc)" "$DCEA_TMP/ev-human.txt"; then
		pass events-human
	else
		fail events-human "no human line naming the rule and container: $(head -c 200 "$DCEA_TMP/ev-human.txt")"
	fi
	n1=$(jq -c 'select(.rule == "mount_sensitive")' "$DCEA_TMP/ev-all1.json" | wc -l)
	n2=$(jq -c 'select(.rule == "mount_sensitive")' "$DCEA_TMP/ev-all2.json" | wc -l)
	if [ "$n1" -ge "$n_mounts" ] && [ "$n1" = "$n2" ]; then
		pass events-two-readers
	else
		fail events-two-readers "readers got $n1 and $n2 mount alerts of $n_mounts"
	fi
	if [ "$(jq -c 'select(.type == "alert" and .severity != "critical")' "$DCEA_TMP/ev-crit.json" | wc -l)" = 0 ]; then
		pass events-severity-filter
	else
		fail events-severity-filter "a --severity critical reader got: $(head -c 200 "$DCEA_TMP/ev-crit.json")"
	fi

	# the slow reader lost alerts, was told how many, and the loader did not wait for it
	wait_until 15 bash -c "! kill -0 $slow 2>/dev/null"
	local told got
	told=$(jq -s '[.[] | select(.type == "dropped") | .dropped] | add // 0' "$DCEA_TMP/ev-slow.json")
	got=$(jq -c 'select(.rule == "mount_sensitive")' "$DCEA_TMP/ev-slow.json" | wc -l)
	printf 'slow reader: %s alerts, told of %s dropped, of %s\n' "$got" "$told" "$n_mounts" >&2
	if [ "$told" -gt 0 ] && [ $((told + got)) -ge "$n_mounts" ]; then
		pass events-slow-reader-told
	else
		fail events-slow-reader-told "slow reader got $got alerts and was told of $told dropped (of $n_mounts)"
	fi
	metrics_get "$DCEA_TMP/m1" || fail metrics-parse "scrape or format failed: $(tail -n 1 "$DCEA_TMP/m1.prom")"
	if [ "$(metric "$DCEA_TMP/m1" 'dcea_output_dropped_total{output="socket"}')" -ge "$told" ] && [ "$told" -gt 0 ]; then
		pass events-slow-reader-counted
	else
		fail events-slow-reader-counted "dcea_output_dropped_total{socket} $(metric "$DCEA_TMP/m1" 'dcea_output_dropped_total{output="socket"}') for $told told"
	fi
	check_eq events-loader-kept-up "$n_mounts" "$n_alerts"

	# syslog: every message RFC 5424 with the alert as JSON
	if "$PY" "$HELPERS/rfc5424.py" "$DCEA_TMP/syslog-unix.log" >"$DCEA_TMP/syslog-unix.json" 2>"$DCEA_TMP/rfc.err" &&
		[ -s "$DCEA_TMP/syslog-unix.json" ]; then
		pass syslog-unix-rfc5424
	else
		fail syslog-unix-rfc5424 "$(cat "$DCEA_TMP/rfc.err") ($(wc -l <"$DCEA_TMP/syslog-unix.log") messages)"
	fi
	a=$(jq -c 'select(.msgid == "mount_sensitive")' "$DCEA_TMP/syslog-unix.json" 2>/dev/null | tail -n 1)
	dcea_expect_alert syslog-unix-fields "$a" '.pri == 83' '.app == "dcea"' \
		'.sd["dcea@32473"].rule == "mount_sensitive"' '.sd["dcea@32473"].action == "alert"' \
		".sd[\"dcea@32473\"].container_name == \"$(docker_name svc)\"" \
		'.msg.rule == "mount_sensitive"' '.msg.details.fstype == "proc"'

	# the rotated file: FILE, FILE.1, FILE.2 and no more; none past the size; only whole alerts
	local sizes_ok=1 f
	for f in "$DCEA_TMP/out.json" "$DCEA_TMP/out.json.1" "$DCEA_TMP/out.json.2"; do
		[ -s "$f" ] && [ "$(stat -c %s "$f")" -le 65536 ] && jq -e . "$f" >/dev/null 2>&1 || sizes_ok=0
	done
	if [ "$sizes_ok" = 1 ] && [ ! -e "$DCEA_TMP/out.json.3" ]; then
		pass output-file-rotated
	else
		fail output-file-rotated "$(ls -l "$DCEA_TMP"/out.json* | tr '\n' ' ')"
	fi

	# every alert the test saw against the published schema
	if "$PY" -c 'import jsonschema' 2>/dev/null; then
		cat "$DCEA_ALERTS" "$DCEA_TMP/ev-slow.json" >"$DCEA_TMP/all.json"
		check alerts-schema "$PY" "$HELPERS/validate_alerts.py" "$DCEA_ROOT/docs/alert.schema.json" "$DCEA_TMP/all.json"
	else
		skip alerts-schema "python3-jsonschema not installed"
	fi

	# metrics: the format, and counters that moved with the flood
	[ -s "$DCEA_TMP/m1" ] && pass metrics-parse
	if command -v promtool >/dev/null 2>&1; then
		check metrics-promtool sh -c "promtool check metrics <'$DCEA_TMP/m1.prom'"
	else
		skip metrics-promtool "promtool not installed (Debian package prometheus)"
	fi
	after=$(metric "$DCEA_TMP/m1" 'dcea_alerts_total{action="alert",rule="mount_sensitive",severity="high"}')
	if [ "$((after - before))" -ge "$n_mounts" ]; then pass metrics-alerts-move; else
		fail metrics-alerts-move "dcea_alerts_total mount_sensitive went $before -> $after for $n_mounts"; fi
	after=$(metric "$DCEA_TMP/m1" 'dcea_rule_hits_total{action="alert",rule="mount_sensitive"}')
	if [ "$((after - hits0))" -ge "$n_mounts" ]; then pass metrics-hits-move; else
		fail metrics-hits-move "dcea_rule_hits_total mount_sensitive went $hits0 -> $after"; fi
	# --bpf-stats: the kernel counted the mount program's runs and time
	local runs ns
	runs=$(metric "$DCEA_TMP/m1" 'dcea_bpf_prog_runs_total{prog="watch_mount"}')
	ns=$(metric "$DCEA_TMP/m1" 'dcea_bpf_prog_run_time_seconds_total{prog="watch_mount"}')
	if [ "$runs" -ge "$n_mounts" ] && awk -v t="$ns" 'BEGIN { exit !(t > 0) }'; then
		pass metrics-bpf-runtime
	else
		fail metrics-bpf-runtime "watch_mount: $runs runs, ${ns}s (want >= $n_mounts runs, > 0 s)"
	fi
	check_eq metrics-rules-effective "$(dcea_status_json | jq '[.rules[] | select(.effective == "kill")] | length')" \
		"$(metric "$DCEA_TMP/m1" 'dcea_rules{effective="kill"}')"

	# a restarted loader adopts the enforcer: now syslog over UDP and metrics on a loopback port
	port=$((20000 + $$ % 20000))
	start_bg sl2_pid "$PY" "$HELPERS/syslog_listen.py" udp "$port" "$DCEA_TMP/syslog-udp.log"
	dcea_kill_loader
	DCEA_ADOPT=1 dcea_start --no-aggregation --syslog "udp:127.0.0.1:$port" --metrics "127.0.0.1:$((port + 1))" ||
		{ fail syslog-udp "$DCEA_ERR"; fail metrics-tcp "$DCEA_ERR"; return; }
	docker exec "$ct" sh -c 'mount -t proc proc /mnt/p && umount /mnt/p'
	_udp_in() { grep -q 'mount_sensitive' "$DCEA_TMP/syslog-udp.log" 2>/dev/null; }
	if wait_until 10 _udp_in && "$PY" "$HELPERS/rfc5424.py" "$DCEA_TMP/syslog-udp.log" >/dev/null; then
		pass syslog-udp
	else
		fail syslog-udp "no RFC 5424 mount_sensitive message on udp:127.0.0.1:$port"
	fi
	if curl -sf --max-time 5 "http://127.0.0.1:$((port + 1))/metrics" >"$DCEA_TMP/m2.prom" &&
		"$PY" "$HELPERS/promcheck.py" "$DCEA_TMP/m2.prom" | grep -q '^dcea_alerts_total{action="alert",rule="mount_sensitive"'; then
		pass metrics-tcp
	else
		fail metrics-tcp "no mount_sensitive counter on 127.0.0.1:$((port + 1))"
	fi
}

# --- Kubernetes manifests --------------------------------------------------------------------------

test_k8s() {
	local dir=$DCEA_ROOT/deploy/k8s v=$OUTPUT/k8s-validate out
	if command -v yamllint >/dev/null 2>&1; then
		# errors fail; warnings (the policy's long comment lines in the ConfigMap) do not
		check k8s-yamllint yamllint -f parsable -c "$dir/.yamllint" "$dir"
	else
		skip k8s-yamllint "yamllint not installed"
	fi

	# the Kubernetes OpenAPI schemas, from npm (kubernetes-models), pinned by the lock file
	if ! command -v npm >/dev/null 2>&1; then
		skip k8s-schema "npm not installed"
	else
		mkdir -p "$v"
		if ! cmp -s "$DCEA_TESTS_DIR/helpers/k8s-validate/package-lock.json" "$v/package-lock.json" ||
			[ ! -d "$v/node_modules/kubernetes-models" ]; then
			cp "$DCEA_TESTS_DIR/helpers/k8s-validate/package.json" \
				"$DCEA_TESTS_DIR/helpers/k8s-validate/package-lock.json" "$v/"
			(cd "$v" && run_timeout 300 npm ci --no-audit --no-fund --silent) >"$DCEA_TMP/npm.log" 2>&1
		fi
		cp "$DCEA_TESTS_DIR/helpers/k8s-validate/validate.mjs" "$v/"
		if [ ! -d "$v/node_modules/kubernetes-models" ]; then
			skip k8s-schema "npm ci of kubernetes-models failed: $(tail -n 1 "$DCEA_TMP/npm.log")"
		else
			out=$(cd "$v" && node validate.mjs "$dir"/*.yaml 2>&1)
			if [ $? -eq 0 ] && [ "$(grep -c '^ok ' <<<"$out")" -ge 4 ]; then
				pass k8s-schema
			else
				fail k8s-schema "$(grep -v '^ok ' <<<"$out" | head -n 3)"
			fi
		fi
	fi

	# the ConfigMap carries the default policy, which dcea accepts; the DaemonSet has what dcea
	# needs on a node
	"$PY" - "$dir" "$DCEA_TMP" <<'PYEOF' >"$DCEA_TMP/k8s.out" 2>&1
import sys, yaml
d, tmp = sys.argv[1], sys.argv[2]
cm = yaml.safe_load(open(f"{d}/configmap.yaml"))
open(f"{tmp}/cm-policy.yaml", "w").write(cm["data"]["policy.yaml"])
ds = yaml.safe_load(open(f"{d}/daemonset.yaml"))
pod = ds["spec"]["template"]["spec"]
c = pod["containers"][0]
mounts = {m["mountPath"]: m for m in c["volumeMounts"]}
vols = {v["name"]: v for v in pod["volumes"]}
want = {"/sys/fs/bpf": None, "/sys/fs/cgroup": None, "/run/containerd": True,
        "/run/containers": True, "/var/lib/containers": True,
        "/var/lib/docker/containers": True, "/etc/dcea": True}
problems = []
if pod.get("hostPID") is not True:
    problems.append("hostPID is not true")
if not c.get("securityContext", {}).get("privileged"):
    problems.append("not privileged")
for p, ro in want.items():
    if p not in mounts:
        problems.append(f"{p} not mounted")
    elif ro and not mounts[p].get("readOnly"):
        problems.append(f"{p} not read-only")
if mounts.get("/sys/fs/bpf", {}).get("mountPropagation") != "Bidirectional":
    problems.append("/sys/fs/bpf without Bidirectional propagation")
pv = vols.get(mounts.get("/etc/dcea", {}).get("name"), {})
if pv.get("configMap", {}).get("name") != cm["metadata"]["name"]:
    problems.append("/etc/dcea is not the policy ConfigMap")
args = " ".join(c.get("args", []))
if "--policy=/etc/dcea/policy.yaml" not in args or "--json" not in args:
    problems.append(f"args: {args}")
print("; ".join(problems) if problems else "ok")
PYEOF
	if [ "$(cat "$DCEA_TMP/k8s.out")" = ok ]; then pass k8s-daemonset-node-access; else
		fail k8s-daemonset-node-access "$(cat "$DCEA_TMP/k8s.out")"; fi
	if cmp -s "$DCEA_TMP/cm-policy.yaml" "$DCEA_ROOT/policy/default.yaml" &&
		"$DCEA" policy check "$DCEA_TMP/cm-policy.yaml" >/dev/null; then
		pass k8s-configmap-policy
	else
		fail k8s-configmap-policy "the ConfigMap's policy.yaml differs from policy/default.yaml or is invalid"
	fi

	# the image's packages hold every shared library the binary needs (the image itself is not
	# built here: no base image can be pulled)
	local lib pkg missing=
	if dcea_sanitized; then
		skip k8s-image-libraries "'$DCEA' is built with ASan (SANITIZE=1) and links the sanitizer runtimes; the image holds a release build, checked by \`make test\` without SANITIZE"
	elif command -v dpkg >/dev/null 2>&1; then
		# the libraries dcea links directly: apt installs what they need in turn
		for lib in $(ldd "$DCEA" | awk -v need="$(objdump -p "$DCEA" | awk '/NEEDED/ { printf "%s ", $2 }')" \
			'/=>/ && index(" " need, " " $1 " ") { print $3 }'); do
			pkg=$(dpkg -S "$(readlink -f "$lib")" 2>/dev/null || dpkg -S "$lib" 2>/dev/null)
			pkg=${pkg%%:*}
			[ -z "$pkg" ] || [ "$pkg" = libc6 ] || grep -qw "$pkg" "$DCEA_ROOT/deploy/Dockerfile" ||
				missing="$missing $pkg"
		done
		if [ -z "$missing" ]; then pass k8s-image-libraries; else
			fail k8s-image-libraries "deploy/Dockerfile lacks:$missing"; fi
	else
		skip k8s-image-libraries "no dpkg"
	fi
}
test_k8s

# the runtime checks last: without docker they skip the rest of the script
test_runtime
