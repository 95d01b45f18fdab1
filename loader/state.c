// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <dirent.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <linux/magic.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "dcea.skel.h"
#include "common/log.h"
#include "common/util.h"
#include "loader/cgroup.h"
#include "loader/lsm.h"
#include "loader/plan.h"
#include "loader/state.h"

#define PIN_LINKS DCEA_PIN_DIR "/links"

const char *const state_map_names[M_MAX] = {
	[M_EVENTS] = "dcea_events",
	[M_DROPS] = "dcea_drops",
	[M_HITS] = "dcea_hits",
	[M_CONFIG] = "dcea_config",
	[M_RULES] = "dcea_rules",
	[M_CONTAINERS] = "dcea_containers",
	[M_TASKS] = "dcea_tasks",
	[M_SETUP] = "dcea_setup",
	[M_SYSCTLS] = "dcea_sysctls",
	[M_KNOBFILES] = "dcea_knobfiles",
	[M_SOCKS] = "dcea_socks",
	[M_FSTYPES] = "dcea_fstypes",
	[M_SCRATCH] = "dcea_scratch",
	[M_PATHS] = "dcea_paths",
	[M_SHELLS] = "dcea_shells",
	[M_CUSTOM] = "dcea_custom",
	[M_EXC] = "dcea_exc",
	[M_EXC_HITS] = "dcea_exc_hits",
	[M_HELD] = "dcea_held",
	[M_ADMIT] = "dcea_admit",
	[M_PROTECT] = "dcea_protect",
	[M_LEAVES] = "dcea_leaves",
	[M_EVENTS_HI] = "dcea_events_hi",
	[M_AGG] = "dcea_agg",
	[M_AGGOUT] = "dcea_aggout",
	[M_CT_MNT] = "dcea_ct_mnt",
	[M_TASKS_LS] = "dcea_tasks_ls",
};

static __u32 max_containers;

void state_set_max_containers(__u32 n)
{
	max_containers = n;
}

int state_ensure_bpffs(void)
{
	struct statfs sfs;

	if (statfs("/sys/fs/bpf", &sfs) == 0 && sfs.f_type == BPF_FS_MAGIC)
		return 0;
	if (mkdir("/sys/fs/bpf", 0700) && errno != EEXIST)
		return -errno;
	if (mount("bpf", "/sys/fs/bpf", "bpf", 0, "mode=0700"))
		return -errno;
	return 0;
}

/* libbpf resolves tracepoint ids through tracefs, which is not always mounted. */
static void ensure_tracefs(void)
{
	struct statfs sfs;

	if (statfs("/sys/kernel/tracing", &sfs) == 0 && sfs.f_type == TRACEFS_MAGIC)
		return;
	if (mount("tracefs", "/sys/kernel/tracing", "tracefs", 0, NULL))
		log_debug("failed to mount tracefs at '/sys/kernel/tracing': %s", strerror(errno));
}

/* The active LSM list is read from securityfs, which is not always mounted either. */
static void ensure_securityfs(void)
{
	if (access("/sys/kernel/security/lsm", F_OK) == 0)
		return;
	if (mount("securityfs", "/sys/kernel/security", "securityfs", 0, NULL))
		log_debug("failed to mount securityfs at '/sys/kernel/security': %s",
			  strerror(errno));
}

bool state_pinned(void)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/%s", DCEA_PIN_DIR, state_map_names[M_CONFIG]);
	return access(path, F_OK) == 0;
}

static bool tracepoint_exists(const char *sec)
{
	char path[256];
	const char *cat, *slash;

	/* "tp/syscalls/sys_enter_mount" -> /sys/kernel/tracing/events/syscalls/sys_enter_mount */
	cat = strchr(sec, '/');
	if (!cat)
		return true;
	cat++;
	slash = strchr(cat, '/');
	if (!slash)
		return true;
	snprintf(path, sizeof(path), "/sys/kernel/tracing/events/%.*s/%s", (int)(slash - cat), cat,
		 slash + 1);
	return access(path, F_OK) == 0;
}

/*
 * Does the tracepoint of `sec` carry `field` (its format file names it)? io_uring_complete has
 * the request only since 5.15: before, watch_uring_complete could not judge anything and is off,
 * which `dcea status` then shows as a route gap.
 */
static bool tracepoint_has_field(const char *sec, const char *field)
{
	char path[256], line[256];
	bool found = false;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/kernel/tracing/events/%s/format", sec + 3);
	f = fopen(path, "re");
	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f))
		found = strstr(line, field) != NULL;
	fclose(f);
	return found;
}

/*
 * Can a cgroup program of `type` call bpf_get_current_task and bpf_get_current_pid_tgid? Tried
 * with a real three-instruction program: libbpf_probe_bpf_helper() answers yes on 5.10, where
 * its probe fails for another reason.
 */
static bool cgroup_prog_has_task_helpers(enum bpf_prog_type type)
{
	struct bpf_insn insns[] = {
		{ .code = BPF_JMP | BPF_CALL, .imm = BPF_FUNC_get_current_task },
		{ .code = BPF_JMP | BPF_CALL, .imm = BPF_FUNC_get_current_pid_tgid },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 1 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	LIBBPF_OPTS(bpf_prog_load_opts, opts,
		    .expected_attach_type = type == BPF_PROG_TYPE_CGROUP_DEVICE
						    ? BPF_CGROUP_DEVICE
						    : BPF_CGROUP_SYSCTL);
	int fd = bpf_prog_load(type, NULL, "GPL", insns, ARRAY_SIZE(insns), &opts);

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_DEBUG && log_verbose < 2)
		return 0;
	if (level == LIBBPF_INFO && log_verbose < 1)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static int pin_path(char *buf, size_t size, const char *dir, const char *name)
{
	int n = snprintf(buf, size, "%s/%s", dir, name);

	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

/* Switch off LSM programs that cannot run here; returns how many stay on. */
/*
 * Does the kernel have cgroup/connect_unix (BPF_CGROUP_UNIX_CONNECT, 6.7+) with the task helpers?
 * Tried with a real program. libbpf 1.1 knows no section for it: deny_runtime_connect is built as
 * cgroup/connect4 and given this attach type here, or switched off.
 */
#define ATTACH_CGROUP_UNIX_CONNECT 49 /* enum bpf_attach_type, 6.7 */
static bool cgroup_unix_connect_works(void)
{
	struct bpf_insn insns[] = {
		{ .code = BPF_JMP | BPF_CALL, .imm = BPF_FUNC_get_current_pid_tgid },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 1 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	LIBBPF_OPTS(bpf_prog_load_opts, opts,
		    .expected_attach_type = (enum bpf_attach_type)ATTACH_CGROUP_UNIX_CONNECT);
	int fd = bpf_prog_load(BPF_PROG_TYPE_CGROUP_SOCK_ADDR, NULL, "GPL", insns,
			       ARRAY_SIZE(insns), &opts);

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

/* Aggregation's flush walks its map with bpf_for_each_map_elem (5.13); without it, off. */
static bool agg_supported(void)
{
	return libbpf_probe_bpf_helper(BPF_PROG_TYPE_TRACEPOINT, BPF_FUNC_for_each_map_elem, NULL) >
	       0;
}

/* Does the kernel accept this tracepoint program? The probes below: 1 or 0. */
static int tp_prog_loads(const struct bpf_insn *insns, size_t n)
{
	int fd = bpf_prog_load(BPF_PROG_TYPE_TRACEPOINT, NULL, "GPL", insns, n, NULL);

	if (fd < 0)
		return 0;
	close(fd);
	return 1;
}

/*
 * Can a tracepoint program call bpf_rdonly_cast (6.2+)? Tried once with a real program:
 * r0 = bpf_rdonly_cast(0, <struct file>); r0 = 0; exit.
 */
static bool rdonly_cast_works(void)
{
	static int works = -1;
	struct btf *vmlinux;
	int fn, file;

	if (works >= 0)
		return works;
	works = 0;
	vmlinux = btf__load_vmlinux_btf();
	if (!vmlinux)
		return false;
	fn = btf__find_by_name_kind(vmlinux, "bpf_rdonly_cast", BTF_KIND_FUNC);
	file = btf__find_by_name_kind(vmlinux, "file", BTF_KIND_STRUCT);
	btf__free(vmlinux);
	if (fn > 0 && file > 0) {
		struct bpf_insn insns[] = {
			{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_1, .imm = 0 },
			{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_2, .imm = file },
			{ .code = BPF_JMP | BPF_CALL, .src_reg = BPF_PSEUDO_KFUNC_CALL, .imm = fn },
			{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
			{ .code = BPF_JMP | BPF_EXIT },
		};

		works = tp_prog_loads(insns, ARRAY_SIZE(insns));
	}
	return works;
}

/*
 * Can a tracepoint program keep task local storage (tracing programs since 5.12, the map type
 * since 5.11)? Tried once with a real map and program: r0 = bpf_get_current_task_btf();
 * bpf_task_storage_get(map, r0, NULL, 0); r0 = 0; exit. The map's key must be a BTF int.
 */
static bool task_storage_works(void)
{
	static int works = -1;
	struct btf *btf;
	int key, val, map_fd = -1;

	if (works >= 0)
		return works;
	works = 0;
	btf = btf__new_empty();
	if (!btf)
		return false;
	key = btf__add_int(btf, "int", 4, BTF_INT_SIGNED);
	val = btf__add_int(btf, "long", 8, BTF_INT_SIGNED);
	if (key > 0 && val > 0 && !btf__load_into_kernel(btf)) {
		LIBBPF_OPTS(bpf_map_create_opts, mo, .btf_fd = btf__fd(btf), .btf_key_type_id = key,
			    .btf_value_type_id = val, .map_flags = BPF_F_NO_PREALLOC);

		map_fd = bpf_map_create(BPF_MAP_TYPE_TASK_STORAGE, NULL, 4, 8, 0, &mo);
	}
	if (map_fd >= 0) {
		struct bpf_insn insns[] = {
			{ .code = BPF_JMP | BPF_CALL, .imm = BPF_FUNC_get_current_task_btf },
			{ .code = BPF_ALU64 | BPF_MOV | BPF_X,
			  .dst_reg = BPF_REG_2,
			  .src_reg = BPF_REG_0 },
			{ .code = BPF_LD | BPF_DW | BPF_IMM,
			  .dst_reg = BPF_REG_1,
			  .src_reg = BPF_PSEUDO_MAP_FD,
			  .imm = map_fd },
			{ 0 },
			{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_3, .imm = 0 },
			{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_4, .imm = 0 },
			{ .code = BPF_JMP | BPF_CALL, .imm = BPF_FUNC_task_storage_get },
			{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
			{ .code = BPF_JMP | BPF_EXIT },
		};

		works = tp_prog_loads(insns, ARRAY_SIZE(insns));
		close(map_fd);
	}
	btf__free(btf);
	return works;
}

/*
 * The programs keep their task records in task local storage too where the kernel allows it
 * (bpf/common.bpf.h, dcea_tasks_ls); where not, the map becomes a one-entry hash nothing reads
 * (the kernel has no task storage map before 5.11) and the branches that would use it are dead.
 */
static int set_task_storage(struct dcea_bpf *skel, bool works)
{
	int err;

	skel->rodata->dcea_task_storage = works;
	if (works)
		return 0;
	err = bpf_map__set_type(skel->maps.dcea_tasks_ls, BPF_MAP_TYPE_HASH);
	err = err ?: bpf_map__set_max_entries(skel->maps.dcea_tasks_ls, 1);
	err = err ?: bpf_map__set_type(skel->maps.dcea_recv_ls, BPF_MAP_TYPE_HASH);
	err = err ?: bpf_map__set_max_entries(skel->maps.dcea_recv_ls, 1);
	err = err ?: bpf_map__set_type(skel->maps.dcea_connect_ls, BPF_MAP_TYPE_HASH);
	return err ?: bpf_map__set_max_entries(skel->maps.dcea_connect_ls, 1);
}

void state_sync_tasks(void)
{
	char buf[256];
	int fd = open(PIN_LINKS "/sync_tasks", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return;
	while (read(fd, buf, sizeof(buf)) > 0)
		;
	close(fd);
}

/* Where a program's link is pinned: by its name; a _cast variant's as its twin's (routes.c). */
static int link_pin_path(char *buf, size_t size, const char *name)
{
	int len = (int)strlen(name);
	int n;

	if (plan_is_cast_variant(name))
		len -= (int)strlen(PLAN_CAST_SUFFIX);
	n = snprintf(buf, size, "%s/%.*s", PIN_LINKS, len, name);
	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

static void probe_kernel(struct kernel_facts *k, bool try_lsm)
{
	k->rdonly_cast = rdonly_cast_works();
	k->try_lsm = try_lsm;
	k->cgroup_dev_task = cgroup_prog_has_task_helpers(BPF_PROG_TYPE_CGROUP_DEVICE);
	k->cgroup_sysctl_task = cgroup_prog_has_task_helpers(BPF_PROG_TYPE_CGROUP_SYSCTL);
	k->unix_connect = cgroup_unix_connect_works();
	k->for_each_map_elem = agg_supported();
	k->task_storage = task_storage_works();
}

/* What plan.c needs to know of one program: its hook, probed here. */
static void probe_prog(struct bpf_object *obj, const struct bpf_program *prog, struct prog_facts *p)
{
	const char *sec = bpf_program__section_name(prog);
	char twin[128];

	*p = (struct prog_facts){ .name = bpf_program__name(prog),
				  .sec = sec,
				  .type = bpf_program__type(prog),
				  .lsm_nargs = -ENOENT };
	snprintf(twin, sizeof(twin), "%s" PLAN_CAST_SUFFIX, p->name);
	p->cast_twin = bpf_object__find_program_by_name(obj, twin) != NULL;
	if (!strncmp(sec, "tp/", 3)) {
		p->tp_exists = tracepoint_exists(sec);
		if (!strcmp(sec, "tp/io_uring/io_uring_complete"))
			p->tp_has_req = tracepoint_has_field(sec, " req;");
	}
	if (p->type == BPF_PROG_TYPE_LSM) {
		for (int i = 0; i < n_lsm_progs; i++)
			if (!strcmp(lsm_progs[i].prog, p->name))
				p->lsm = &lsm_progs[i];
		if (p->lsm)
			p->lsm_nargs = lsm_hook_nargs(p->lsm->hook);
	}
}

/* Say why a program is off or different here; the quiet cases say nothing. */
static void log_verdict(const struct prog_facts *p, enum plan_verdict v)
{
	switch (v) {
	case PLAN_LOAD_LEGACY:
		log_info(
			"cgroup programs here lack the task helpers: '%s' knows containers by cgroup and its alerts carry no pid",
			p->name);
		break;
	case PLAN_OFF_NO_UNIX_CONNECT:
		log_info(
			"cgroup/connect_unix is missing on this kernel, its program '%s' is off: runtime sockets are killed on connect, not denied",
			p->name);
		break;
	case PLAN_OFF_NO_REQ:
		log_info(
			"tracepoint '%s' carries no request on this kernel, its program '%s' is off",
			p->sec + 3, p->name);
		break;
	case PLAN_OFF_NO_TRACEPOINT:
		log_info("tracepoint '%s' is missing on this kernel, its program '%s' is off",
			 p->sec + 3, p->name);
		break;
	case PLAN_OFF_LSM_ARITY:
		if (strcmp(p->lsm->hook, "bpf")) /* the bpf hook has two programs, one per arity */
			log_debug("LSM program '%s' is off: hook '%s' has %d arguments here",
				  p->name, p->lsm->hook, p->lsm_nargs);
		break;
	default:
		break;
	}
}

static int open_and_load(struct state *st, bool try_lsm)
{
	struct kernel_facts k;
	struct bpf_program *prog;
	int err;

	st->lsm_rules = 0;
	st->n_skipped = 0;
	st->n_lsm = 0;
	st->skel = dcea_bpf__open();
	if (!st->skel) {
		err = -errno;
		log_err("failed to open the BPF object: %s", strerror(-err));
		return err;
	}
	probe_kernel(&k, try_lsm);
	bpf_object__for_each_program(prog, st->skel->obj) {
		struct prog_facts p;
		enum plan_verdict v;

		probe_prog(st->skel->obj, prog, &p);
		v = plan_program(&p, &k);
		log_verdict(&p, v);
		bpf_program__set_autoload(prog, plan_loads(v));
		st->n_skipped += plan_skipped(v);
		if (v == PLAN_LOAD_UNIX_CONNECT)
			bpf_program__set_expected_attach_type(
				prog, (enum bpf_attach_type)ATTACH_CGROUP_UNIX_CONNECT);
		if (p.type == BPF_PROG_TYPE_LSM && plan_loads(v)) {
			st->n_lsm++;
			st->lsm_rules |= 1U << p.lsm->rule;
			if (p.lsm->rule2 != DCEA_R_MAX)
				st->lsm_rules |= 1U << p.lsm->rule2;
		}
	}
	st->agg = k.for_each_map_elem;
	if (!k.task_storage)
		log_debug(
			"tracepoint programs cannot use task local storage here: container tasks are looked up by tid");
	err = set_task_storage(st->skel, k.task_storage);
	if (!err && max_containers)
		err = bpf_map__set_max_entries(st->skel->maps.dcea_containers, max_containers);
	if (!err)
		err = dcea_bpf__load(st->skel);
	if (err) {
		dcea_bpf__destroy(st->skel);
		st->skel = NULL;
	}
	return err;
}

int state_load(struct state *st, bool try_lsm)
{
	struct bpf_program *prog;
	struct bpf_link *link;
	char path[256];
	int err = 0, cg_fd = -1;

	memset(st, 0, sizeof(*st));
	for (int i = 0; i < M_MAX; i++)
		st->fd[i] = -1;
	libbpf_set_print(libbpf_print);
	ensure_tracefs();
	ensure_securityfs();

	if (try_lsm) {
		const char *why = lsm_unusable_reason();

		if (why) {
			snprintf(st->lsm_reason, sizeof(st->lsm_reason), "%s", why);
			try_lsm = false;
		}
	} else {
		snprintf(st->lsm_reason, sizeof(st->lsm_reason), "not requested");
	}
	err = open_and_load(st, try_lsm);
	if (err && try_lsm) {
		snprintf(st->lsm_reason, sizeof(st->lsm_reason),
			 "the kernel refused the LSM programs (%s)", strerror(-err));
		err = open_and_load(st, false);
	}
	if (err) {
		log_err("failed to load the BPF programs: %s%s", strerror(-err),
			log_verbose < 2 ? " (run with -vv for the verifier log)" : "");
		goto cleanup;
	}

	cg_fd = cgroup_v2_root_fd();
	if (cg_fd < 0) {
		err = cg_fd;
		log_err("failed to open the cgroup v2 root: %s", strerror(-err));
		goto cleanup;
	}
	if (mkdir(DCEA_PIN_DIR, 0700) && errno != EEXIST) {
		err = -errno;
		log_err("failed to create '%s': %s", DCEA_PIN_DIR, strerror(errno));
		goto cleanup;
	}
	if (mkdir(PIN_LINKS, 0700) && errno != EEXIST) {
		err = -errno;
		log_err("failed to create '%s': %s", PIN_LINKS, strerror(errno));
		goto cleanup;
	}

	bpf_object__for_each_program(prog, st->skel->obj) {
		enum bpf_prog_type type = bpf_program__type(prog);

		if (!bpf_program__autoload(prog))
			continue;
		if (type == BPF_PROG_TYPE_CGROUP_DEVICE || type == BPF_PROG_TYPE_CGROUP_SYSCTL ||
		    type == BPF_PROG_TYPE_CGROUP_SOCK_ADDR)
			link = bpf_program__attach_cgroup(prog, cg_fd);
		else
			link = bpf_program__attach(prog);
		if (!link) {
			err = -errno;
			log_err("failed to attach '%s': %s", bpf_program__name(prog),
				strerror(-err));
			goto cleanup;
		}
		err = link_pin_path(path, sizeof(path), bpf_program__name(prog));
		if (!err)
			err = bpf_link__pin(link, path);
		if (err == -EINVAL && type == BPF_PROG_TYPE_TRACEPOINT &&
		    st->n_unpinned < (int)ARRAY_SIZE(st->unpinned)) {
			/*
			 * Before 5.15 a tracepoint is attached with a perf-event ioctl, not a BPF
			 * link, and cannot be pinned: this process holds it, so it lives only while
			 * the loader runs. Reported by run and status.
			 */
			st->unpinned_name[st->n_unpinned] = bpf_program__name(prog);
			st->unpinned[st->n_unpinned++] = link;
			st->n_links++;
			continue;
		}
		/*
		 * The pin holds the link now. Disconnect first: destroying a tracepoint link would
		 * also disable its perf event (PERF_EVENT_IOC_DISABLE) under the pin.
		 */
		bpf_link__disconnect(link);
		bpf_link__destroy(link);
		if (err) {
			log_err("failed to pin link '%s': %s", path, strerror(-err));
			goto cleanup;
		}
		st->n_links++;
	}

	for (int i = 0; i < M_MAX; i++) {
		struct bpf_map *map =
			bpf_object__find_map_by_name(st->skel->obj, state_map_names[i]);

		if (!map) {
			err = -ENOENT;
			log_err("map '%s' is missing from the BPF object", state_map_names[i]);
			goto cleanup;
		}
		err = pin_path(path, sizeof(path), DCEA_PIN_DIR, state_map_names[i]);
		if (!err)
			err = bpf_map__pin(map, path);
		if (err) {
			log_err("failed to pin map '%s': %s", path, strerror(-err));
			goto cleanup;
		}
		st->fd[i] = bpf_map__fd(map);
	}
cleanup:
	if (cg_fd >= 0)
		close(cg_fd);
	if (err) {
		state_unpin();
		state_close(st);
	}
	return err;
}

int state_adopt(struct state *st)
{
	char path[256];
	int err = 0;

	memset(st, 0, sizeof(*st));
	for (int i = 0; i < M_MAX; i++)
		st->fd[i] = -1;
	for (int i = 0; i < M_MAX; i++) {
		err = pin_path(path, sizeof(path), DCEA_PIN_DIR, state_map_names[i]);
		if (err)
			break;
		st->fd[i] = bpf_obj_get(path);
		if (st->fd[i] < 0) {
			err = -errno;
			log_err("failed to open pinned map '%s': %s", path, strerror(errno));
			break;
		}
	}
	if (err)
		state_close(st);
	else
		st->adopted = true;
	return err;
}

int state_reattach_tracepoints(struct state *st)
{
	struct kernel_facts k = {};
	struct dcea_bpf *skel;
	struct bpf_program *prog;
	struct bpf_link *link;
	char path[256];
	int want = 0, n = 0, err = 0;

	skel = dcea_bpf__open();
	if (!skel)
		return -errno;
	k.for_each_map_elem = agg_supported();
	k.rdonly_cast = rdonly_cast_works();
	bpf_object__for_each_program(prog, skel->obj) {
		struct prog_facts p;
		bool load;

		probe_prog(skel->obj, prog, &p);
		load = !link_pin_path(path, sizeof(path), p.name) &&
		       plan_reattach(&p, &k, access(path, F_OK) == 0);

		bpf_program__set_autoload(prog, load);
		want += load;
	}
	if (!want || want > (int)ARRAY_SIZE(st->unpinned) - st->n_unpinned) {
		dcea_bpf__destroy(skel);
		return want ? -ENOSPC : 0;
	}
	/* the same maps as the pinned programs: only the per-CPU scratch buffers are new */
	err = set_task_storage(skel, task_storage_works());
	for (int i = 0; i < M_MAX && !err; i++) {
		struct bpf_map *map = bpf_object__find_map_by_name(skel->obj, state_map_names[i]);

		err = map ? bpf_map__reuse_fd(map, st->fd[i]) : -ENOENT;
	}
	if (!err)
		err = dcea_bpf__load(skel);
	if (err) {
		log_err("failed to load the tracepoint programs again: %s", strerror(-err));
		dcea_bpf__destroy(skel);
		return err;
	}
	bpf_object__for_each_program(prog, skel->obj) {
		if (!bpf_program__autoload(prog))
			continue;
		link = bpf_program__attach(prog);
		if (!link) {
			err = -errno;
			log_err("failed to attach '%s' again: %s", bpf_program__name(prog),
				strerror(-err));
			continue;
		}
		n++;
		if (!link_pin_path(path, sizeof(path), bpf_program__name(prog)) &&
		    !bpf_link__pin(link, path)) {
			bpf_link__disconnect(link); /* see state_load */
			bpf_link__destroy(link);
			continue;
		}
		st->unpinned_name[st->n_unpinned] = bpf_program__name(prog);
		st->unpinned[st->n_unpinned++] = link;
	}
	st->reskel = skel;
	return n ? n : err;
}

int state_write_held_links(const struct state *st)
{
	char tmp[] = DCEA_HELD_LINKS ".tmp";
	FILE *f;
	int err = 0;

	if (!st->n_unpinned) {
		if (unlink(DCEA_HELD_LINKS) && errno != ENOENT)
			return -errno;
		return 0;
	}
	if (mkdir(DCEA_RUN_DIR, 0700) && errno != EEXIST)
		return -errno;
	f = fopen(tmp, "we");
	if (!f)
		return -errno;
	for (int i = 0; i < st->n_unpinned; i++)
		fprintf(f, "%s\n", st->unpinned_name[i]);
	if (fclose(f))
		err = -errno;
	if (!err && rename(tmp, DCEA_HELD_LINKS))
		err = -errno;
	if (err)
		unlink(tmp);
	return err;
}

bool state_link_held(const char *name)
{
	char line[128];
	bool found = false;
	FILE *f = fopen(DCEA_HELD_LINKS, "re");

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		found = !strcmp(line, name);
	}
	fclose(f);
	return found;
}

void state_close(struct state *st)
{
	if (!st)
		return;
	for (int i = 0; i < st->n_unpinned; i++)
		bpf_link__destroy(st->unpinned[i]);
	st->n_unpinned = 0;
	if (st->reskel) {
		dcea_bpf__destroy(st->reskel); /* its map fds are dups of st->fd[] */
		st->reskel = NULL;
	}
	if (st->skel) {
		dcea_bpf__destroy(st->skel); /* map fds belong to the skeleton */
		st->skel = NULL;
	} else {
		for (int i = 0; i < M_MAX; i++)
			if (st->fd[i] >= 0)
				close(st->fd[i]);
	}
	for (int i = 0; i < M_MAX; i++)
		st->fd[i] = -1;
}

static int unlink_dir(const char *dir)
{
	struct dirent *de;
	char path[512];
	DIR *d = opendir(dir);
	int err = 0;

	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (de->d_type == DT_DIR)
			continue;
		if (unlink(path) && !err)
			err = -errno;
	}
	closedir(d);
	if (rmdir(dir) && errno != ENOENT && !err)
		err = -errno;
	return err;
}

/*
 * The ids of the programs behind the pinned links, to wait for them to go after the pins are
 * removed: an unpinned link is released by a kernel worker, and releasing a tracepoint link waits
 * for an RCU grace period each (seconds for all of them on a slow machine). Returns how many.
 */
int state_pinned_prog_ids(__u32 *ids, int max)
{
	struct dirent *de;
	char path[512];
	DIR *d = opendir(PIN_LINKS);
	int n = 0;

	if (!d)
		return 0;
	while ((de = readdir(d)) && n < max) {
		struct bpf_link_info li = {};
		__u32 len = sizeof(li);
		int fd;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", PIN_LINKS, de->d_name);
		fd = bpf_obj_get(path);
		if (fd < 0)
			continue;
		if (!bpf_obj_get_info_by_fd(fd, &li, &len) && li.prog_id)
			ids[n++] = li.prog_id;
		close(fd);
	}
	closedir(d);
	return n;
}

/* How many of the programs `ids` still exist. */
int state_progs_alive(const __u32 *ids, int n)
{
	int alive = 0;

	for (int i = 0; i < n; i++) {
		int fd = bpf_prog_get_fd_by_id(ids[i]);

		if (fd >= 0) {
			alive++;
			close(fd);
		} else if (errno != ENOENT) {
			alive++; /* cannot tell: count it as there */
		}
	}
	return alive;
}

int state_unpin(void)
{
	int err = unlink_dir(PIN_LINKS); /* links first: programs stop before maps go */
	int err2 = unlink_dir(DCEA_PIN_DIR);

	return err ? err : err2;
}

int state_get_config(struct state *st, struct dcea_config *c)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(st->fd[M_CONFIG], &zero, c) ? -errno : 0;
}

int state_set_config(struct state *st, const struct dcea_config *c)
{
	__u32 zero = 0;

	return bpf_map_update_elem(st->fd[M_CONFIG], &zero, c, BPF_ANY) ? -errno : 0;
}

int state_note_drops_reported(struct state *st, unsigned long long total)
{
	struct dcea_config c;
	int err = state_get_config(st, &c);

	if (err)
		return err;
	c.drops_reported = total;
	return state_set_config(st, &c);
}

unsigned long long state_percpu_sum(struct state *st, enum state_map m, unsigned int idx)
{
	int ncpu = libbpf_num_possible_cpus();
	unsigned long long sum = 0;
	__u64 *vals;

	if (ncpu <= 0)
		return 0;
	vals = calloc(ncpu, sizeof(*vals));
	if (!vals)
		return 0;
	if (!bpf_map_lookup_elem(st->fd[m], &idx, vals))
		for (int i = 0; i < ncpu; i++)
			sum += vals[i];
	free(vals);
	return sum;
}

int state_count_entries(int fd, size_t key_size)
{
	char key[64], next[64];
	void *prev = NULL;
	int n = 0;

	while (key_size <= sizeof(key) && !bpf_map_get_next_key(fd, prev, next)) {
		memcpy(key, next, key_size);
		prev = key;
		n++;
	}
	return n;
}
