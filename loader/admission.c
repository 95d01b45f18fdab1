// SPDX-License-Identifier: GPL-2.0-only
/*
 * Admission (docs/ADMISSION.md): the loader's side of the hold that lifecycle.bpf.c puts on a new
 * container's entrypoint. Find the container's configuration from its cgroup name, scan it (and
 * its image, cached by image id), report the findings as alerts, then SIGCONT it, or in block
 * mode SIGKILL it when the policy refuses a finding or the verdict came too late.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <bpf/bpf.h>

#include "common/log.h"
#include "common/util.h"
#include "loader/admission.h"
#include "loader/admission_store.h"
#include "loader/admission_verdict.h"
#include "loader/cgroup.h"
#include "loader/containers.h"
#include "loader/findings.h"
#include "loader/state.h"
#include "policy/admission.h"
#include "scanners/dbstore.h"
#include "scanners/image.h"
#include "scanners/scan.h"

#define DOCKER_DIR "/var/lib/docker/containers"
#define IMG_CACHE  32
#define RECENT	   256 /* containers whose findings key was a repeat, for privileged_launch */

struct img_entry {
	char key[80]; /* the image id ("sha256:...") */
	struct scan_report r;
	char coverage[256]; /* what the database covered of this image */
};

struct admission {
	struct state *st;
	const struct policy_admission *pol;
	admission_emit_fn emit;
	void *ctx;
	struct image_db idb; /* idb.db NULL: images are not matched */
	struct img_entry cache[IMG_CACHE];
	unsigned int ncache, next;
	__u64 repeat[RECENT]; /* cgroup ids of the last containers whose key was a repeat */
	unsigned int nrepeat;
};

static uint64_t now_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static int publish(struct admission *a, __u32 flags)
{
	struct dcea_admission v = { .heartbeat_ns = now_ns(CLOCK_BOOTTIME), .flags = flags };
	__u32 zero = 0;

	return bpf_map_update_elem(a->st->fd[M_ADMIT], &zero, &v, BPF_ANY) ? -errno : 0;
}

int admission_new(struct admission **out, struct state *st, const struct policy_admission *pol,
		  admission_emit_fn emit, void *ctx)
{
	struct admission *a = calloc(1, sizeof(*a));
	struct dcea_config cfg;

	if (!a)
		return -ENOMEM;
	a->st = st;
	a->pol = pol;
	a->emit = emit;
	a->ctx = ctx;
	for (int i = 0; i < IMG_CACHE; i++)
		scan_report_init(&a->cache[i].r);
	/* what an earlier loader of this load reported is not reported again */
	findings_load(NULL, state_get_config(st, &cfg) ? 0 : cfg.loaded_at);
	/*
	 * Loaded now, not at the first container: its start would wait for it. The same data as
	 * `dcea scan image`: the installed database (every source but the kernel's), else the
	 * built-in records. A database installed later is read at the loader's next start.
	 */
	if (pol->scan_image) {
		a->idb.builtin = true;
		a->idb.root = db_root(NULL);
		a->idb.max_age = DB_DEFAULT_MAX_AGE;
		if (image_db_load(&a->idb, NULL)) {
			log_warn(
				"failed to load the vulnerability database: images are not scanned, ignoring");
			image_db_free(&a->idb);
		} else {
			log_info("images are matched against %s, built %s%s%s", a->idb.what,
				 a->idb.built, a->idb.stale[0] ? ": " : "", a->idb.stale);
		}
	}
	*out = a;
	return 0;
}

void admission_free(struct admission *a)
{
	if (!a)
		return;
	publish(a, 0); /* the kernel holds nothing for a loader that is gone */
	for (int i = 0; i < IMG_CACHE; i++)
		scan_report_free(&a->cache[i].r);
	image_db_free(&a->idb);
	free(a);
}

void admission_tick(struct admission *a)
{
	if (a && publish(a, a->pol->n_refuse ? DCEA_ADM_REFUSE : 0))
		log_debug("failed to write the admission heartbeat: %s", strerror(errno));
}

static bool block_mode(struct admission *a)
{
	struct dcea_config c;

	return !state_get_config(a->st, &c) && c.mode == DCEA_MODE_BLOCK;
}

/* ---- finding the configuration ---- */

static bool exists(const char *path)
{
	return access(path, R_OK) == 0;
}

/*
 * The configuration of container `ci` as scan_container_path() takes it: Docker's container
 * directory (config.v2.json + hostconfig.json: --privileged and binds as the user gave them),
 * else an OCI bundle's config.json (containerd, podman, CRI-O). 0 or -ENOENT.
 */
static int config_path(const struct ct_info *ci, char *buf, size_t size)
{
	static const char *const oci[] = {
		"/run/containerd/io.containerd.runtime.v2.task/moby/%s/config.json",
		"/run/containerd/io.containerd.runtime.v2.task/k8s.io/%s/config.json",
		"/run/containerd/io.containerd.runtime.v2.task/default/%s/config.json",
		"/var/lib/containers/storage/overlay-containers/%s/userdata/config.json",
		"/run/containers/storage/overlay-containers/%s/userdata/config.json",
	};

	if (!ci->id[0] || strchr(ci->id, '/') || ci->id[0] == '.')
		return -ENOENT;
	snprintf(buf, size, DOCKER_DIR "/%s/hostconfig.json", ci->id);
	if (exists(buf)) {
		snprintf(buf, size, DOCKER_DIR "/%s", ci->id);
		return 0;
	}
	for (size_t i = 0; i < ARRAY_SIZE(oci); i++) {
		snprintf(buf, size, oci[i], ci->id);
		if (exists(buf))
			return 0;
	}
	return -ENOENT;
}

/* Docker's image id ("sha256:...") of container `id`: the image cache's key; "" if unknown. */
static void image_id(const struct ct_info *ci, char *buf, size_t size)
{
	char path[256], *json = NULL;
	json_object *o, *v;

	buf[0] = '\0';
	snprintf(path, sizeof(path), DOCKER_DIR "/%s/config.v2.json", ci->id);
	if (strchr(ci->id, '/') || read_file(path, &json, NULL))
		return;
	o = json_tokener_parse(json);
	free(json);
	if (o && json_object_object_get_ex(o, "Image", &v) && json_object_get_string(v))
		snprintf(buf, size, "%s", json_object_get_string(v));
	json_object_put(o);
}

/* ---- image findings, cached by image id ---- */

static void copy_findings(struct scan_report *dst, const struct scan_report *src,
			  const char *target)
{
	for (size_t i = 0; i < src->n; i++) {
		const struct scan_finding *f = &src->v[i];
		struct scan_finding *g = scan_add_raw(dst, f->check, f->severity, f->title,
						      f->reference, f->result, target ?: f->target);

		for (size_t k = 0; g && k < f->ndetail; k++)
			scan_detail(g, "%s", f->detail[k]);
	}
}

/*
 * Scan the image of a held container in place, through its root (/proc/PID/root). Returns what
 * happened, for the admission record's image_scan: "cached" (findings of an earlier container of
 * the same image id), "scanned", "failed", or "no database".
 */
static const char *scan_image_of(struct admission *a, const struct ct_info *ci, pid_t pid,
				 struct scan_report *r, char *coverage, size_t covlen)
{
	struct image_scan_opts o = { 0 };
	struct image_scan_result res = { 0 };
	struct scan_report tmp;
	struct img_entry *e;
	char key[80], root[64];

	coverage[0] = '\0';
	image_id(ci, key, sizeof(key));
	for (unsigned int i = 0; key[0] && i < a->ncache; i++)
		if (!strcmp(a->cache[i].key, key)) {
			copy_findings(r, &a->cache[i].r, NULL);
			snprintf(coverage, covlen, "%s", a->cache[i].coverage);
			return "cached";
		}
	if (!a->idb.db)
		return "no database"; /* failed to load: said once at start */
	snprintf(root, sizeof(root), "/proc/%d/root", pid);
	o.target = root;
	o.db = a->idb.db;
	o.db_built = a->idb.built;
	o.db_what = a->idb.what;
	scan_report_init(&tmp);
	if (scan_image(&o, &tmp, &res)) {
		scan_report_free(&tmp);
		return "failed";
	}
	if (res.distro.ecosystem[0])
		snprintf(coverage, covlen,
			 "%zu packages (%zu source packages) of %s, %zu with advisories in the "
			 "database",
			 res.pkgs.n, res.sources, res.distro.ecosystem, res.covered);
	else
		snprintf(coverage, covlen, "%zu packages, distribution not recognised: not matched",
			 res.pkgs.n);
	image_scan_result_free(&res);
	for (size_t i = 0; i < tmp.n; i++) { /* name the image, not /proc/PID/root */
		free(tmp.v[i].target);
		tmp.v[i].target = strdup(ci->image[0] ? ci->image : key);
	}
	copy_findings(r, &tmp, NULL);
	if (key[0]) {
		e = &a->cache[a->next];
		a->next = (a->next + 1) % IMG_CACHE;
		if (a->ncache < IMG_CACHE)
			a->ncache++;
		scan_report_free(&e->r);
		scan_report_init(&e->r);
		snprintf(e->key, sizeof(e->key), "%s", key);
		snprintf(e->coverage, sizeof(e->coverage), "%s", coverage);
		e->r = tmp;
	} else {
		scan_report_free(&tmp);
	}
	return "scanned";
}

/*
 * The data the image part of a verdict used, for the admission record: where it came from, when
 * it was made, whether it is older than 'dcea db' allows, and what it covered of this image.
 */
static json_object *image_db_json(const struct admission *a, const char *coverage)
{
	json_object *o = json_object_new_object();
	long age = image_db_age_days(&a->idb);

	json_object_object_add(o, "source",
			       json_object_new_string(a->idb.installed	    ? "installed"
						      : a->idb.only_builtin ? "builtin"
									    : "none"));
	json_object_object_add(o, "what", json_object_new_string(a->idb.what));
	json_object_object_add(o, "built", json_object_new_string(a->idb.built));
	json_object_object_add(o, "records", json_object_new_int64(a->idb.records));
	if (age >= 0)
		json_object_object_add(o, "age_days", json_object_new_int64(age));
	json_object_object_add(o, "stale", json_object_new_boolean(a->idb.stale[0] != '\0'));
	if (a->idb.stale[0])
		json_object_object_add(o, "stale_reason", json_object_new_string(a->idb.stale));
	if (coverage && coverage[0])
		json_object_object_add(o, "coverage", json_object_new_string(coverage));
	return o;
}

/* ---- alerts ---- */

static json_object *ct_json(const struct ct_info *ci, __u64 cgid)
{
	json_object *c = json_object_new_object();

	json_object_object_add(c, "id", json_object_new_string(ci->id));
	json_object_object_add(c, "name", json_object_new_string(ci->name));
	json_object_object_add(c, "image", json_object_new_string(ci->image));
	json_object_object_add(c, "runtime", json_object_new_string(ci->runtime));
	json_object_object_add(c, "cgroup_id", json_object_new_int64(cgid));
	return c;
}

static json_object *record_start(const char *type)
{
	json_object *o = json_object_new_object();
	char ts[64];

	format_rfc3339(now_ns(CLOCK_REALTIME), ts, sizeof(ts));
	json_object_object_add(o, "time", json_object_new_string(ts));
	json_object_object_add(o, "type", json_object_new_string(type));
	return o;
}

/* One alert per finding worth attention (FAIL or WARN); ci NULL: a host finding. */
static void alert_finding(struct admission *a, const struct scan_finding *f, const char *source,
			  const struct ct_info *ci, __u64 cgid, pid_t pid, bool refused)
{
	json_object *o = record_start("alert"), *d = json_object_new_object(), *lines;

	json_object_object_add(o, "rule", json_object_new_string(f->check));
	json_object_object_add(o, "severity",
			       json_object_new_string(severity_finding_name(f->severity)));
	json_object_object_add(o, "action", json_object_new_string(refused ? "kill" : "alert"));
	json_object_object_add(o, "title", json_object_new_string(f->title));
	json_object_object_add(o, "source", json_object_new_string(source));
	if (ci) {
		json_object_object_add(o, "pid", json_object_new_int64(pid));
		json_object_object_add(o, "container", ct_json(ci, cgid));
	}
	json_object_object_add(d, "result", json_object_new_string(scan_result_name(f->result)));
	json_object_object_add(d, "target", json_object_new_string(f->target));
	lines = json_object_new_array();
	for (size_t i = 0; i < f->ndetail; i++)
		json_object_array_add(lines, json_object_new_string(f->detail[i]));
	json_object_object_add(d, "detail", lines);
	if (ci)
		json_object_object_add(d, "refused", json_object_new_boolean(refused));
	json_object_object_add(o, "details", d);
	a->emit(a->ctx, o);
	json_object_put(o);
}

/* Is the kernel's privileged_launch rule on? Then it is the one alert of a privileged start. */
static bool priv_launch_on(struct admission *a)
{
	struct dcea_rule_cfg rc;
	__u32 r = DCEA_R_PRIV_LAUNCH;

	return !bpf_map_lookup_elem(a->st->fd[M_RULES], &r, &rc) && rc.enabled;
}

bool admission_repeat(struct admission *a, __u64 cgid)
{
	for (unsigned int i = 0; a && i < RECENT && i < a->nrepeat; i++)
		if (a->repeat[i] == cgid)
			return true;
	return false;
}

/* ---- the verdict ---- */

/* Is pid still the entrypoint the kernel held in cgroup cgid? (no signal to a reused pid) */
static bool same_task(pid_t pid, __u64 cgid)
{
	char cg[512];
	__u64 id;

	return !cgroup_of_pid(pid, cg, sizeof(cg)) && !cgroup_id_of(cg, &id) && id == cgid;
}

/*
 * Scan container cgid (entrypoint pid, cgroup name cgname) and report. held: the kernel stopped
 * it at start_ns (boot time) and waits for this verdict. source: "admission" or "startup".
 */
static void judge(struct admission *a, __u64 cgid, pid_t pid, const char *cgname, bool held,
		  __u64 start_ns, const char *source)
{
	uint64_t t0 = now_ns(CLOCK_MONOTONIC);
	json_object *refused_by = json_object_new_array();
	struct adm_input in = { .held = held, .block = held && block_mode(a) };
	struct adm_verdict v;
	char path[512], err[512];
	struct scan_report r;
	struct ct_info ci;
	json_object *o, *findings = json_object_new_array();
	const char *image = "off";
	char coverage[256] = "";
	char key[FINDINGS_KEY_LEN] = "";
	unsigned int nalert = 0, below = 0, folded = 0;
	bool first = true, privileged, pl_on;
	int ret;

	scan_report_init(&r);
	ct_lookup(cgid, cgname, 1, &ci);
	ret = config_path(&ci, path, sizeof(path));
	if (!ret)
		ret = scan_container_path(path, &r, err, sizeof(err));
	if (ret)
		log_debug("container '%s': no configuration found to scan (%s)", cgname,
			  ret == -ENOENT ? "unknown runtime state" : err);
	if (!ret && a->pol->scan_image && pid > 0)
		image = scan_image_of(a, &ci, pid, &r, coverage, sizeof(coverage));
	for (size_t i = 0; i < r.n; i++) {
		const struct scan_finding *f = &r.v[i];

		if (!admission_worth_alert(f))
			continue;
		if (held && admission_finding_refused(a->pol, f))
			json_object_array_add(refused_by, json_object_new_string(f->check));
		json_object_array_add(findings, scan_finding_json(f));
	}
	in.scanned = !ret;
	in.waited_ms = held ? (now_ns(CLOCK_BOOTTIME) - start_ns) / 1000000 : 0;
	v = admission_verdict(a->pol, &r, &in);

	/* act first, report after: the entrypoint waits for nothing else */
	if (held) {
		bpf_map_delete_elem(a->st->fd[M_HELD], &cgid);
		if (!same_task(pid, cgid))
			log_debug("held container '%s' (pid %d) is gone", cgname, pid);
		else if (kill(pid, v.kill ? SIGKILL : SIGCONT))
			log_warn("failed to %s container '%s' (pid %d): %s, ignoring",
				 v.kill ? "kill" : "resume", cgname, pid, strerror(errno));
	}
	privileged = scan_result_of(&r, "config.privileged") == SCAN_FAIL;
	pl_on = privileged && priv_launch_on(a);
	if (!ret) {
		char img[80];

		image_id(&ci, img, sizeof(img));
		findings_key(&r, img[0] ? img : ci.image, key, sizeof(key));
		nalert = admission_alert_count(a->pol, &r, privileged, pl_on);
		/* a refused start reports what it was refused for and is not remembered: the
		 * first container of its key that runs (audit mode, a changed policy) reports */
		first = v.kill || findings_first(key, ci.image[0] ? ci.image : img, ci.name, nalert,
						 strcmp(source, "startup"));
		if (!first)
			a->repeat[a->nrepeat++ % RECENT] = cgid;
	}
	for (size_t i = 0; i < r.n; i++) {
		bool refused = v.kill && admission_finding_refused(a->pol, &r.v[i]);

		if (admission_alert_wanted(a->pol, &r.v[i], first, refused, privileged, pl_on,
					   &below, &folded))
			alert_finding(a, &r.v[i], source, &ci, cgid, pid, refused);
	}
	findings_count_quiet(below, folded);
	if (!ret)
		findings_write();

	o = record_start("admission");
	json_object_object_add(o, "verdict", json_object_new_string(adm_what_name(v.what)));
	json_object_object_add(o, "action", json_object_new_string(adm_action_name(&v, &in)));
	json_object_object_add(o, "refused_by", json_object_get(refused_by));
	json_object_object_add(o, "source", json_object_new_string(source));
	json_object_object_add(o, "pid", json_object_new_int64(pid));
	json_object_object_add(o, "container", ct_json(&ci, cgid));
	json_object_object_add(o, "held_ms", json_object_new_int64(in.waited_ms));
	json_object_object_add(o, "scan_ms",
			       json_object_new_int64((now_ns(CLOCK_MONOTONIC) - t0) / 1000000));
	json_object_object_add(o, "image_scan", json_object_new_string(image));
	if (strcmp(image, "off"))
		json_object_object_add(o, "image_db", image_db_json(a, coverage));
	json_object_object_add(o, "fail", json_object_new_int(v.fail));
	json_object_object_add(o, "warn", json_object_new_int(v.warn));
	if (key[0]) {
		json_object_object_add(o, "findings_key", json_object_new_string(key));
		json_object_object_add(o, "repeat", json_object_new_boolean(!first));
	}
	a->emit(a->ctx, o);
	json_object_object_add(o, "findings", findings);
	store_put(cgid, o);
	json_object_put(o);
	json_object_put(refused_by);
	scan_report_free(&r);
}

void admission_on_event(struct admission *a, const struct dcea_event *e)
{
	struct dcea_hold h;
	bool held = false;

	if (e->start.flags & DCEA_START_NO_LOADER)
		return; /* killed by the kernel already: the event's alert says so */
	if (e->start.flags & DCEA_START_HELD) {
		if (bpf_map_lookup_elem(a->st->fd[M_HELD], &e->cgroup_id, &h))
			return; /* already decided by admission_sweep() */
		held = true;
	}
	judge(a, e->cgroup_id, held ? (pid_t)h.tgid : (pid_t)e->pid, e->cgname, held,
	      held ? h.start_ns : 0, "admission");
}

void admission_sweep(struct admission *a)
{
	__u64 key, next, *prev = NULL;
	__u64 keys[64];
	int n = 0;

	while (n < (int)ARRAY_SIZE(keys) && !bpf_map_get_next_key(a->st->fd[M_HELD], prev, &next)) {
		keys[n++] = next;
		key = next;
		prev = &key;
	}
	for (int i = 0; i < n; i++) {
		struct dcea_hold h;
		char cg[512];
		const char *base;

		if (bpf_map_lookup_elem(a->st->fd[M_HELD], &keys[i], &h))
			continue;
		if (cgroup_of_pid(h.tgid, cg, sizeof(cg))) {
			bpf_map_delete_elem(a->st->fd[M_HELD], &keys[i]); /* gone */
			continue;
		}
		base = strrchr(cg, '/');
		judge(a, keys[i], h.tgid, base ? base + 1 : cg, true, h.start_ns, "admission");
	}
}

/* ---- at start: the host and the running containers ---- */

void admission_startup(struct admission *a)
{
	struct kernel_scan_opts ko = { 0 };
	struct runtime_scan_opts ro = { 0 };
	__u64 key, next, *prev = NULL;
	struct scan_report r;
	json_object *host = json_object_new_array();
	char fkey[FINDINGS_KEY_LEN];
	unsigned int nalert = 0, below = 0, folded = 0;
	bool first;

	scan_report_init(&r);
	if (scan_kernel(&ko, &r) || scan_runtime(&ro, &r))
		log_warn("the host scan did not complete, ignoring");
	/* a restarted loader on an unchanged host says nothing new */
	findings_host_key(&r, fkey, sizeof(fkey));
	nalert = admission_alert_count(a->pol, &r, false, false);
	first = findings_first(fkey, "", "host", nalert, false);
	for (size_t i = 0; i < r.n; i++)
		if (admission_worth_alert(&r.v[i])) {
			if (admission_alert_wanted(a->pol, &r.v[i], first, false, false, false,
						   &below, &folded))
				alert_finding(a, &r.v[i], "startup", NULL, 0, 0, false);
			json_object_array_add(host, scan_finding_json(&r.v[i]));
		}
	findings_count_quiet(below, folded);
	findings_write();
	store_put_host(host);
	scan_report_free(&r);

	while (!bpf_map_get_next_key(a->st->fd[M_CONTAINERS], prev, &next)) {
		struct dcea_container ct;
		char cg[512];
		const char *base;

		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(a->st->fd[M_CONTAINERS], &key, &ct) ||
		    (ct.flags & DCEA_CT_CANARY) || cgroup_of_pid(ct.init_tgid, cg, sizeof(cg)))
			continue;
		base = strrchr(cg, '/');
		judge(a, key, ct.init_tgid, base ? base + 1 : cg, false, 0, "startup");
	}
	store_write();
}
