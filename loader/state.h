/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The enforcer's kernel state: the loaded (or adopted) programs, links and maps, pinned under
 * /sys/fs/bpf/dcea so enforcement survives the loader.
 */
#ifndef DCEA_STATE_H
#define DCEA_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include "bpf/dcea.h"

/* Runtime files: the events socket, the scan results (systemd RuntimeDirectory) */
#define DCEA_RUN_DIR "/run/dcea"

enum state_map {
	M_EVENTS = 0,
	M_DROPS,
	M_HITS,
	M_CONFIG,
	M_RULES,
	M_CONTAINERS,
	M_TASKS,
	M_SETUP,
	M_SYSCTLS,
	M_KNOBFILES,
	M_SOCKS,
	M_FSTYPES,
	M_SCRATCH,
	M_PATHS,
	M_LEAVES,
	M_SHELLS,
	M_CUSTOM,
	M_EXC,
	M_EXC_HITS,
	M_HELD,
	M_ADMIT,
	M_PROTECT,
	M_EVENTS_HI,
	M_AGG,
	M_AGGOUT,
	M_CT_MNT,
	M_TASKS_LS,
	M_MAX,
};

struct dcea_bpf;
struct bpf_link;

struct state {
	struct dcea_bpf *skel; /* NULL when the pinned programs were adopted */
	int fd[M_MAX];
	bool adopted;
	int n_links;
	int n_skipped;	      /* programs switched off because their hook is missing here */
	int n_lsm;	      /* LSM programs loaded */
	bool agg;	      /* the aggregation flush loaded: repeats are summed (DCEA_CFG_AGG) */
	__u32 lsm_rules;      /* rules that have a loaded LSM program (bit per enum dcea_rule) */
	char lsm_reason[160]; /* why the LSM backend is not used, "" when it is tried */
	/* tracepoint attachments this kernel cannot pin (< 5.15): more than the object's ~70 */
	struct bpf_link *unpinned[128];
	const char *unpinned_name[128]; /* their programs' names (the skeletons own the strings) */
	int n_unpinned;
	struct dcea_bpf *reskel; /* state_reattach_tracepoints: the programs it loaded again */
};

extern const char *const state_map_names[M_MAX];

/* Mount bpffs at /sys/fs/bpf if needed; 0 or negative errno. */
int state_ensure_bpffs(void);
/* Are dcea's objects pinned? */
bool state_pinned(void);
/*
 * Size of the containers map for the next state_load (0: DCEA_MAX_CT). dcea run --max-containers;
 * the tests shrink it to fill it.
 */
void state_set_max_containers(__u32 n);
/* Open, load, attach and pin everything; 0 or negative errno, nothing left pinned on error. */
int state_load(struct state *st, bool try_lsm);
/* Open the pinned maps of a running enforcer; 0 or negative errno. */
int state_adopt(struct state *st);
/*
 * For a loader that adopted the pins: load and attach again every tracepoint program whose link
 * pin is missing, with the pinned maps. Before 5.15 tracepoints cannot be pinned and went with
 * the loader that attached them; a pin removed while no loader ran is put back too. Returns the
 * number attached (pinned where the kernel can, else held in st->unpinned) or negative errno.
 */
int state_reattach_tracepoints(struct state *st);
/*
 * The tracepoint programs this loader holds attached without a pin (before 5.15), one name a line
 * in DCEA_HELD_LINKS, so `dcea status` can tell they are attached while the loader lives;
 * 0 or negative errno. state_link_held: is `name` among them (the caller checks the loader lives).
 */
#define DCEA_HELD_LINKS DCEA_RUN_DIR "/held-links"
int state_write_held_links(const struct state *st);
bool state_link_held(const char *name);
/*
 * Give every task with a record in dcea_tasks its task-local copy (bpf/common.bpf.h,
 * dcea_tasks_ls) now, by reading the pinned sync_tasks iterator: after records were written from
 * userspace. Nothing to do where the kernel has no task storage for tracing programs.
 */
void state_sync_tasks(void);
/* Close fds (and the skeleton); pins stay. */
void state_close(struct state *st);
/* Remove every pin: detaches the programs once no process holds them. */
int state_unpin(void);
int state_pinned_prog_ids(__u32 *ids, int max);
int state_progs_alive(const __u32 *ids, int n);

int state_get_config(struct state *st, struct dcea_config *c);
int state_set_config(struct state *st, const struct dcea_config *c);
/* Remember in the pinned config that ring-buffer drops up to `total` were reported. */
int state_note_drops_reported(struct state *st, unsigned long long total);

/* Entries of a hash map whose keys are `key_size` bytes (at most 64). */
int state_count_entries(int fd, size_t key_size);
/* Sum a per-CPU counter. */
unsigned long long state_percpu_sum(struct state *st, enum state_map m, unsigned int idx);

#endif
