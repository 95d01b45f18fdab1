// SPDX-License-Identifier: GPL-2.0-only
/*
 * Delivery of events: the reserved ring for what matters, and aggregation of repeats.
 *
 * An alert is delivered at once unless the same alert (container, rule, action, executable, the
 * rule's numbers, path and second string) was delivered less than DCEA_AGG_WINDOW_NS ago; such
 * repeats are absorbed into the key's entry in dcea_agg. The loader asks for a flush every 500 ms
 * (agg_flush below): each entry whose window has passed with repeats absorbed becomes one
 * DCEA_EV_AGG record carrying the count and the first and last time. So a flood of a million
 * identical events is a few records a second, while two different paths or two different target
 * pids stay two alerts.
 *
 * Exact counts: a repeat is counted by one atomic add; only the flush lowers the count, by the
 * number it reported, after the report is in the flush ring. Nothing is evicted: the map is a plain
 * hash and an entry is removed by the loader only after a minute without use (DCEA_AGG_IDLE
 * records).
 */
#include "bpf/common.bpf.h"

struct agg_scratch {
	struct dcea_agg_key key;
	struct dcea_agg init;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct agg_scratch);
} dcea_aggkey SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct dcea_agg_rec);
} dcea_aggrec SEC(".maps");

/* Deny, kill, critical severity and the lifecycle events take the reserved ring. */
static __always_inline bool event_prio(const struct dcea_event *e)
{
	struct dcea_rule_cfg *rc;
	struct dcea_custom *cu;
	__u32 rule = e->rule, idx;

	if (e->kind != DCEA_EV_RULE || e->action != DCEA_ACT_ALERT)
		return true;
	rc = bpf_map_lookup_elem(&dcea_rules, &rule);
	if (rc && (rc->opts & DCEA_RO_PRIO))
		return true;
	if (rule != DCEA_R_CUSTOM)
		return false;
	idx = e->custom.index;
	cu = bpf_map_lookup_elem(&dcea_custom, &idx);
	return cu && (cu->flags & DCEA_CU_PRIO);
}

/* True when the event was absorbed into its key's entry as a repeat: nothing to deliver now. */
static __always_inline bool absorbed(struct dcea_event *e)
{
	struct dcea_container *ct;
	struct dcea_config *c;
	struct agg_scratch *s;
	struct dcea_agg *v;
	__u64 now = e->ts_boot_ns;
	__u32 zero = 0;
	long err;

	c = cfg();
	if (!c || !(c->flags & DCEA_CFG_AGG))
		return false;
	/* the self-test waits for each of its events */
	ct = bpf_map_lookup_elem(&dcea_containers, &e->cgroup_id);
	if (ct && (ct->flags & DCEA_CT_CANARY))
		return false;
	s = bpf_map_lookup_elem(&dcea_aggkey, &zero);
	if (!s)
		return false;
	s->key.cgroup_id = e->cgroup_id;
	s->key.raw[0] = e->raw[0];
	s->key.raw[1] = e->raw[1];
	s->key.raw[2] = e->raw[2];
	s->key.raw[3] = e->raw[3];
	s->key.kind = e->kind;
	s->key.rule = e->rule;
	s->key.action = e->action;
	/* an escaped task is an escape of its own: never summed with another task's */
	s->key.tid = e->rule == DCEA_R_NS_ESCAPE ? e->tid : 0;
	/* the strings up to their end: what lies after it in the event buffer is an older event's
	 */
	__builtin_memset(s->key.exe, 0,
			 sizeof(s->key.exe) + sizeof(s->key.path) + sizeof(s->key.str2));
	bpf_probe_read_kernel_str(s->key.exe, sizeof(s->key.exe), e->exe);
	bpf_probe_read_kernel_str(s->key.path, sizeof(s->key.path), e->path);
	bpf_probe_read_kernel_str(s->key.str2, sizeof(s->key.str2), e->str2);
	v = bpf_map_lookup_elem(&dcea_agg, &s->key);
	if (!v) {
		s->init.count = 0;
		s->init.win_ns = now;
		s->init.first_ns = 0;
		s->init.last_ns = now;
		err = bpf_map_update_elem(&dcea_agg, &s->key, &s->init, BPF_NOEXIST);
		if (err && err != -EEXIST)
			count(&dcea_drops, DCEA_DROP_AGG_FULL);
		return false;
	}
	if (now - v->win_ns >= DCEA_AGG_WINDOW_NS && !v->count) {
		v->win_ns = now;
		v->last_ns = now;
		return false;
	}
	if (!v->first_ns) {
		__builtin_memcpy(&v->ev, e, sizeof(*e));
		v->first_ns = now;
	}
	v->last_ns = now;
	__sync_fetch_and_add(&v->count, 1);
	return true;
}

__noinline int event_submit_g(void)
{
	__u32 zero = 0;
	struct dcea_event *e = bpf_map_lookup_elem(&dcea_evbuf, &zero);

	if (!e)
		return 0;
	if (e->kind == DCEA_EV_RULE && absorbed(e))
		return 0;
	if (event_prio(e)) {
		if (bpf_ringbuf_output(&dcea_events_hi, e, sizeof(*e), 0))
			count(&dcea_drops, DCEA_DROP_RING_HI);
	} else if (bpf_ringbuf_output(&dcea_events, e, sizeof(*e), 0)) {
		count(&dcea_drops, DCEA_DROP_RING);
	}
	return 0;
}

/* The flush ring: reports of absorbed repeats, read by the loader right after it asked for them */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 20);
} dcea_aggout SEC(".maps");

/*
 * One entry: a report when its window has passed with repeats absorbed, an idle record when it has
 * not been used for DCEA_AGG_IDLE_NS (the loader removes it). The count is lowered only after the
 * report is in the ring; a full ring stops the walk and the rest waits for the next flush.
 */
static long flush_one(struct bpf_map *map, struct dcea_agg_key *k, struct dcea_agg *v, __u64 *now)
{
	struct dcea_agg_rec *r;
	__u32 zero = 0;
	__u64 n;

	r = bpf_map_lookup_elem(&dcea_aggrec, &zero);
	if (!r)
		return 1;
	n = v->count;
	if (!n) {
		if (*now > v->last_ns && *now - v->last_ns > DCEA_AGG_IDLE_NS) {
			r->type = DCEA_AGG_IDLE;
			r->pad = 0;
			__builtin_memcpy(&r->key, k, sizeof(*k));
			if (bpf_ringbuf_output(&dcea_aggout, r, sizeof(*r), 0))
				return 1;
		}
		return 0;
	}
	if (*now - v->win_ns < DCEA_AGG_WINDOW_NS)
		return 0;
	r->type = DCEA_AGG_REPORT;
	r->pad = 0;
	__builtin_memcpy(&r->key, k, sizeof(*k));
	__builtin_memcpy(&r->ev, &v->ev, sizeof(r->ev));
	r->ev.kind = DCEA_EV_AGG;
	r->ev.count = n;
	r->ev.first_ns = v->first_ns ? v->first_ns : v->last_ns;
	r->ev.last_ns = v->last_ns;
	if (bpf_ringbuf_output(&dcea_aggout, r, sizeof(*r), 0))
		return 1;
	v->first_ns = 0;
	__sync_fetch_and_add(&v->count, -n);
	return 0;
}

/*
 * The flush, run in the loader's context by its prctl(DCEA_PRCTL_AGG_FLUSH) every 500 ms. Not an
 * iterator: kernels that refuse tracing programs refuse map-element iterators too, and the
 * loader needs no program of its own. Needs bpf_for_each_map_elem (5.13): where it is missing the
 * loader does not load this program and leaves aggregation off (dcea_config.flags).
 */
SEC("tp/syscalls/sys_enter_prctl")
int agg_flush(struct trace_event_raw_sys_enter *ctx)
{
	struct dcea_config *c;
	__u64 now;

	if (ctx->args[0] != DCEA_PRCTL_AGG_FLUSH)
		return 0;
	c = cfg();
	if (!c || !c->loader_tgid || (bpf_get_current_pid_tgid() >> 32) != c->loader_tgid)
		return 0;
	now = bpf_ktime_get_boot_ns();
	bpf_for_each_map_elem(&dcea_agg, flush_one, &now, 0);
	return 0;
}
