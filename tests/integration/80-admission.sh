#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Admission (issue 10) and full maps (issue 8), with real docker containers:
#  - under policy/strict.yaml in block mode, a --privileged container and a docker.sock container
#    are killed before their entrypoint runs (it would touch a file in a bind-mounted directory:
#    the file must not exist), with an alert naming the refusing finding; a hardened container
#    starts; `dcea status` shows the last results per container;
#  - under the same policy, an image with a critical CVE in its dpkg database is refused, the
#    second container of the image from the image cache (no database installed: the built-in
#    records, said in the admission record's image_db);
#  - with a database installed by 'dcea db import' (Debian 12 records in osv.dev's shape,
#    tests/fixtures/osv-debian12) the image part is judged by it, not by the built-in records;
#  - in audit mode all start and their findings are alerted;
#  - with no loader streaming, block mode kills a new container the policy would have to judge,
#    and a restarted loader reports it;
#  - a full containers map (shrunk with --max-containers, filled with fake entries): the new
#    container is reported (map_full) and killed in block mode, started in audit mode; a container
#    tracked before stays enforced.
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/docker.sh"
. "$(dirname "$0")/../lib/dcea.sh"

CHECKS=(strict-hardened-starts strict-hardened-allowed strict-privileged-refused
	strict-privileged-alert strict-docker-sock-refused strict-docker-sock-alert
	strict-status-shows-verdicts strict-decision-time strict-image-refused strict-image-alert
	strict-image-cached audit-image-starts audit-image-alert audit-privileged-starts
	audit-privileged-alert audit-docker-sock-starts audit-docker-sock-alert
	no-loader-block-kills no-loader-reported db-image-refused db-image-record
	mapfull-block-kills-new mapfull-block-alert mapfull-old-still-enforced mapfull-audit-starts
	mapfull-audit-alert mapfull-status-counts)
# ${CHECKS[@]:21}: the mapfull-* checks
need_docker "${CHECKS[@]}"
need_cmd jq "${CHECKS[@]}"
need_cmd bpftool "${CHECKS[@]}"
docker_image || skip_all "no test image: $DCEA_DOCKER_ERR" "${CHECKS[@]}"
need_dcea "${CHECKS[@]}"

OUT=$DCEA_TMP/out
mkdir -p "$OUT" && chmod 0777 "$OUT"
# the loader reads the vulnerability database from here: none until the db-image checks, so the
# image checks do not depend on what this machine has installed in /var/lib/dcea/db
export DCEA_DB_ROOT=$DCEA_TMP/no-db

# run_ct NAME DOCKER-ARGS...: run a container whose entrypoint touches $OUT/NAME; prints the exit
# code. The file exists only if the entrypoint ran.
run_ct() {
	local name=$1
	shift
	run_timeout 60 bash -c '"$@" >/dev/null 2>&1; echo $?' _ docker run --rm \
		--name "$(docker_name "$name")" --label dcea.test=1 --label "dcea.test.id=$DCEA_TEST_ID" \
		--network none -v "$OUT:/out" "$@" "${RUN_IMAGE:-$DCEA_IMAGE}" sh -c "touch /out/$name"
}
ran() { [ -e "$OUT/$1" ]; }
name_is() { printf '.container.name == "%s"' "$(docker_name "$1")"; }
privrt=()
[ "$DCEA_DOCKER_WRAPPER" = 1 ] && privrt=(--runtime dcea-runc)

# The test image with a Debian 12 os-release and a dpkg status holding redis-server 5:6.0.16-1+deb11u2
# (CVE-2022-0543, the Debian-specific Lua sandbox escape, CVSS 10.0, fixed in 5:7.0~rc2-2): the
# image scanner's critical finding, from the built-in database. Prints the image name.
# vuln_image runc: also runc 1.1.5+ds1-1 (CVE-2024-21626, fixed in 1.1.5+ds1-1+deb12u1, high).
vuln_image() {
	local ctx=$DCEA_TMP/vuln${1:-} tag=dcea-test/vuln${1:-}:$DCEA_TEST_ID
	mkdir -p "$ctx"
	printf '%s\n' 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"' 'NAME="Debian GNU/Linux"' \
		'VERSION_ID="12"' 'VERSION_CODENAME=bookworm' 'ID=debian' >"$ctx/os-release"
	printf '%s\n' 'Package: redis-server' 'Status: install ok installed' 'Architecture: amd64' \
		'Source: redis' 'Version: 5:6.0.16-1+deb11u2' 'Description: Persistent key-value database' \
		'' >"$ctx/status"
	[ "${1:-}" = runc ] && printf '%s\n' 'Package: runc' 'Status: install ok installed' \
		'Architecture: amd64' 'Version: 1.1.5+ds1-1' 'Description: Open Container Project' \
		'' >>"$ctx/status"
	printf '%s\n' "FROM $DCEA_IMAGE" 'COPY os-release /etc/os-release' \
		'COPY status /var/lib/dpkg/status' >"$ctx/Dockerfile"
	DOCKER_BUILDKIT=0 docker build -q --network none -t "$tag" "$ctx" >"$DCEA_TMP/vuln${1:-}-build.log" 2>&1 ||
		return 1
	cleanup_add docker rmi -f "$tag"
	printf '%s\n' "$tag"
}

# refused NAME RULE RC: PASS NAME-refused when the container exited 137 and never ran; PASS
# NAME-alert when RULE's alert says kill and the admission record names RULE.
refused() {
	local name=$1 rule=$2 rc=$3 a r
	if [ "$rc" = 137 ] && ! ran "$name"; then
		pass "strict-$name-refused"
	else
		fail "strict-$name-refused" "exit $rc, entrypoint ran: $(ran "$name" && echo yes || echo no)"
	fi
	a=$(dcea_wait_alert "$rule" "$(name_is "$name")" 5)
	r=$(dcea_alerts_since_mark | jq -c "select(.type == \"admission\" and $(name_is "$name"))" | head -n 1)
	if [ -z "$r" ]; then
		fail "strict-$name-alert" "no admission record"
		return
	fi
	if ! printf '%s\n' "$r" | jq -e --arg r "$rule" \
		'.verdict == "refused" and .action == "kill" and .refused_by == [$r]' >/dev/null; then
		fail "strict-$name-alert" "admission record: $r"
		return
	fi
	dcea_expect_alert "strict-$name-alert" "$a" '.action == "kill"' '.details.refused == true' \
		'.source == "admission"' '.severity == "critical"' "$(name_is "$name")"
}

# --- block mode, policy/strict.yaml --------------------------------------------------------------

dcea_start --policy "$DCEA_ROOT/policy/strict.yaml" || fail_all "$DCEA_ERR" "${CHECKS[@]}"
dcea_mark
rc=$(run_ct hardened --cap-drop ALL --security-opt no-new-privileges --user 1000 --read-only)
if [ "$rc" = 0 ] && ran hardened; then
	pass strict-hardened-starts
else
	fail strict-hardened-starts "exit $rc, entrypoint ran: $(ran hardened && echo yes || echo no)"
fi
r=$(dcea_alerts_since_mark | jq -c "select(.type == \"admission\" and $(name_is hardened))" | head -n 1)
dcea_expect_alert strict-hardened-allowed "$r" '.verdict == "allowed"' '.action == "resume"' \
	'.refused_by == []' '.fail == 0'
held_ms=$(printf '%s\n' "$r" | jq -r '.held_ms // empty')

dcea_mark
rc=$(run_ct privileged "${privrt[@]}" --privileged)
refused privileged config.privileged "$rc"
rc=$(run_ct docker-sock -v /var/run/docker.sock:/var/run/docker.sock)
refused docker-sock config.mount-runtime-socket "$rc"

st=$(dcea_status_json)
v=$(printf '%s\n' "$st" | jq -r --arg n "$(docker_name privileged)" \
	'[.scans.containers[] | select(.container.name == $n) | .verdict] | last')
v2=$(printf '%s\n' "$st" | jq -r --arg n "$(docker_name hardened)" \
	'[.scans.containers[] | select(.container.name == $n) | .verdict] | last')
check_eq strict-status-shows-verdicts "refused allowed" "$v $v2"
# the config part's goal: a verdict within 50 ms of the entrypoint's exec
check_under strict-decision-time "$held_ms" 50

# the image part: refused by {check: 'image.*', severity: critical}; the second container of the
# image is judged from the cache, not scanned again
if VULN=$(vuln_image); then
	dcea_mark
	rc=$(RUN_IMAGE=$VULN run_ct image)
	refused image image.CVE-2022-0543 "$rc"
	r=$(dcea_alerts_since_mark | jq -c "select(.type == \"admission\" and $(name_is image))" | head -n 1)
	first=$(printf '%s\n' "$r" | jq -r '.image_scan // empty')
	dcea_mark
	rc=$(RUN_IMAGE=$VULN run_ct image)
	r=$(dcea_alerts_since_mark | jq -c "select(.type == \"admission\" and $(name_is image))" | head -n 1)
	dcea_expect_alert strict-image-cached "$r" '.verdict == "refused"' '.image_scan == "cached"' \
		'.refused_by == ["image.CVE-2022-0543"]' "\"$first\" == \"scanned\"" "$rc == 137" \
		'.image_db.source == "builtin"' '.image_db.stale == true' \
		'.image_db.coverage | test("with advisories")'
else
	for c in strict-image-refused strict-image-alert strict-image-cached audit-image-starts \
		audit-image-alert; do
		fail "$c" "docker build of the vulnerable image failed: $(tail -n 2 "$DCEA_TMP/vuln-build.log")"
	done
fi

# --- audit mode: everything starts, findings are alerted -----------------------------------------

dcea_mode audit || fail_all "$DCEA_ERR" "${CHECKS[@]}"
for ct in privileged docker-sock; do
	rm -f "$OUT/$ct"
	dcea_mark
	if [ "$ct" = privileged ]; then
		rc=$(run_ct "$ct" "${privrt[@]}" --privileged)
		rule=privileged_launch # one alert says it (docs/ALERTS.md): not config.privileged too
	else
		rc=$(run_ct "$ct" -v /var/run/docker.sock:/var/run/docker.sock)
		rule=config.mount-runtime-socket
	fi
	if [ "$rc" = 0 ] && ran "$ct"; then
		pass "audit-$ct-starts"
	else
		fail "audit-$ct-starts" "exit $rc, entrypoint ran: $(ran "$ct" && echo yes || echo no)"
	fi
	a=$(dcea_wait_alert "$rule" "$(name_is "$ct")" 5)
	if [ "$ct" = privileged ]; then
		if [ -n "$(dcea_wait_alert config.privileged "$(name_is "$ct")" 1)" ]; then
			fail "audit-$ct-alert" "config.privileged besides privileged_launch"
		else
			dcea_expect_alert "audit-$ct-alert" "$a" '.action == "alert"' \
				'.details.bounding_set | test("sys_admin")'
		fi
		continue
	fi
	dcea_expect_alert "audit-$ct-alert" "$a" '.action == "alert"' '.details.refused == false' \
		'.details.result == "FAIL"'
done
if [ -n "${VULN:-}" ]; then
	rm -f "$OUT/image"
	dcea_mark
	rc=$(RUN_IMAGE=$VULN run_ct image)
	if [ "$rc" = 0 ] && ran image; then
		pass audit-image-starts
	else
		fail audit-image-starts "exit $rc, entrypoint ran: $(ran image && echo yes || echo no)"
	fi
	a=$(dcea_wait_alert image.CVE-2022-0543 "$(name_is image)" 5)
	dcea_expect_alert audit-image-alert "$a" '.action == "alert"' '.details.refused == false' \
		'.severity == "critical"'
fi

# --- no loader: block mode fails closed for containers the policy must judge ----------------------

dcea_mode block || fail_all "$DCEA_ERR" "${CHECKS[@]}"
dcea_kill_loader
sleep 6 # the loader's heartbeat goes stale after 5 s
rm -f "$OUT/hardened"
rc=$(run_ct hardened --cap-drop ALL --security-opt no-new-privileges --user 1000 \
	--cidfile "$DCEA_TMP/cid")
if [ "$rc" = 137 ] && ! ran hardened; then
	pass no-loader-block-kills
else
	fail no-loader-block-kills "exit $rc, entrypoint ran: $(ran hardened && echo yes || echo no)"
fi
dcea_mark
DCEA_ADOPT=1 dcea_start --policy "$DCEA_ROOT/policy/strict.yaml" ||
	fail_all "$DCEA_ERR" no-loader-reported "${CHECKS[@]:19}"
# the container is gone (--rm) when the alert is read: known by its id only
a=$(dcea_wait_alert admission_no_loader ".container.id == \"$(cat "$DCEA_TMP/cid" 2>/dev/null)\"" 5)
dcea_expect_alert no-loader-reported "$a" '.action == "kill"'
dcea_stop

# --- an installed database decides the image part ------------------------------------------------
# Debian 12 records in osv.dev's shape installed with 'dcea db import' (41-db tests the store);
# a policy refusing high image findings. The image holds redis (CVE-2022-0543: only the built-in
# records know it) and runc 1.1.5+ds1-1 (CVE-2024-21626, high from CVSS 8.6 in both): judged by
# the installed database, only the runc CVE refuses it.
python3 - "$DCEA_ROOT/tests/fixtures/osv-debian12" "$DCEA_TMP/Debian-all.zip" <<'PY'
import glob, os, sys, zipfile
with zipfile.ZipFile(sys.argv[2], "w", zipfile.ZIP_DEFLATED) as z:
    for f in sorted(glob.glob(sys.argv[1] + "/*.json")):
        z.write(f, os.path.basename(f))
PY
sed "s/{check: 'image\.\*', severity: critical}/{check: 'image.*', severity: high}/" \
	"$DCEA_ROOT/policy/strict.yaml" >"$DCEA_TMP/strict-high.yaml"
if ! "$DCEA" db import --root "$DCEA_TMP/db" "Debian=$DCEA_TMP/Debian-all.zip" \
	>"$DCEA_TMP/import.log" 2>&1; then
	fail_all "dcea db import failed: $(tail -n 1 "$DCEA_TMP/import.log")" db-image-refused \
		db-image-record "${CHECKS[@]:21}"
elif ! grep -q "severity: high}" "$DCEA_TMP/strict-high.yaml"; then
	fail_all "policy/strict.yaml has no image.* critical entry to raise" db-image-refused \
		db-image-record "${CHECKS[@]:21}"
elif ! VULNDB=$(vuln_image runc); then
	for c in db-image-refused db-image-record; do
		fail "$c" "docker build failed: $(tail -n 2 "$DCEA_TMP/vulnrunc-build.log")"
	done
else
	export DCEA_DB_ROOT=$DCEA_TMP/db
	dcea_start --policy "$DCEA_TMP/strict-high.yaml" ||
		fail_all "$DCEA_ERR" db-image-refused db-image-record "${CHECKS[@]:21}"
	dcea_mark
	rc=$(RUN_IMAGE=$VULNDB run_ct dbimage)
	if [ "$rc" = 137 ] && ! ran dbimage; then
		pass db-image-refused
	else
		fail db-image-refused "exit $rc, entrypoint ran: $(ran dbimage && echo yes || echo no)"
	fi
	dcea_wait_alert image.CVE-2024-21626 "$(name_is dbimage)" 5 >/dev/null
	r=$(dcea_alerts_since_mark | jq -c "select(.type == \"admission\" and $(name_is dbimage))" | head -n 1)
	dcea_expect_alert db-image-record "$r" '.verdict == "refused"' \
		'.refused_by == ["image.CVE-2024-21626"]' '.image_db.source == "installed"' \
		".image_db.what | contains(\"$DCEA_TMP/db/\")" '.image_db.stale == false' \
		'.image_db.coverage | test("of Debian:12, [1-9][0-9]* with advisories")'
	dcea_stop
	export DCEA_DB_ROOT=$DCEA_TMP/no-db
fi

# --- a full containers map -----------------------------------------------------------------------

MAP=$DCEA_PIN_DIR/dcea_containers
dcea_start --mode block --max-containers 16 || fail_all "$DCEA_ERR" "${CHECKS[@]:21}"
old=$(docker_run_test old -d --cap-add SYS_ADMIN "$DCEA_IMAGE" sleep 600) ||
	fail_all "docker run failed: $old" "${CHECKS[@]:21}"
wait_until 5 bash -c "docker exec '$old' true" >/dev/null 2>&1
# fill what is left with fake cgroup ids (never a real cgroup's: the top bit is set)
value=$(printf '00 %.0s' $(seq "$(bpftool map show pinned "$MAP" -j | jq .bytes_value)"))
filled=0
for ((i = 0; i < 16; i++)); do
	key=$(printf '%02x ' $((i + 1)) 0 0 0 0 0 0 0x80)
	# shellcheck disable=SC2086
	bpftool map update pinned "$MAP" key hex $key value hex $value noexist 2>/dev/null &&
		filled=$((filled + 1))
done
n=$(dcea_status_json | jq -r .containers)
[ "$n" = 16 ] || fail_all "containers map not full after $filled fake entries: $n of 16" "${CHECKS[@]:21}"

dcea_mark
rm -f "$OUT/new"
rc=$(run_ct new)
if [ "$rc" = 137 ] && ! ran new; then
	pass mapfull-block-kills-new
else
	fail mapfull-block-kills-new "exit $rc, entrypoint ran: $(ran new && echo yes || echo no)"
fi
a=$(dcea_wait_alert map_full '.details.map == "dcea_containers"' 5)
dcea_expect_alert mapfull-block-alert "$a" '.action == "kill"' '.container.cgroup_id > 0'
# what this host must do is the tests' table (tests/expect/effects.tsv), not dcea's status
if [ "$(dcea_expected host unshare_ns)" = kill ]; then
	st=$(docker exec "$old" unshare -n true >/dev/null 2>&1; echo $?)
	a=$(dcea_wait_alert unshare_ns ".container.id == \"$old\"" 5)
	if [ "$st" = 137 ] && [ -n "$a" ]; then
		pass mapfull-old-still-enforced
	else
		fail mapfull-old-still-enforced "unshare in the old container exited $st, alert: ${a:-none}"
	fi
else
	skip mapfull-old-still-enforced "unshare_ns is expected $(dcea_expected host unshare_ns) here (tests/expect/effects.tsv), not kill"
fi

dcea_mode audit || fail_all "$DCEA_ERR" mapfull-audit-starts mapfull-audit-alert mapfull-status-counts
dcea_mark
rm -f "$OUT/new"
rc=$(run_ct new)
if [ "$rc" = 0 ] && ran new; then
	pass mapfull-audit-starts
else
	fail mapfull-audit-starts "exit $rc, entrypoint ran: $(ran new && echo yes || echo no)"
fi
a=$(dcea_wait_alert map_full '.details.map == "dcea_containers"' 5)
dcea_expect_alert mapfull-audit-alert "$a" '.action == "alert"'
u=$(dcea_status_json | jq -r .containers_untracked)
if [ "${u:-0}" -ge 2 ]; then
	pass mapfull-status-counts
else
	fail mapfull-status-counts "containers_untracked is '$u', want >= 2"
fi
