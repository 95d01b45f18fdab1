// SPDX-License-Identifier: GPL-2.0-only
/*
 * A BPF ring-buffer reader that moves the consumer position only when told (libbpf's moves it after
 * each record). The loader handles a batch, writes it out, then commits: a loader killed in
 * between leaves the batch in the ring for the next loader, so nothing it was given is lost (a
 * record may be written twice, never zero times).
 *
 * The layout is the kernel's (kernel/bpf/ringbuf.c): page 0 holds the consumer position (the only
 * page user space may write), page 1 the producer position, then the data area mapped twice so a
 * record that wraps reads contiguously. Each record has an 8-byte header: the length with the busy
 * and discard bits, and the page offset; records are 8-byte aligned.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>

#include "loader/ring.h"

int ring_open(struct ring *r, int map_fd)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);
	long page = sysconf(_SC_PAGESIZE);
	void *p;

	memset(r, 0, sizeof(*r));
	r->fd = map_fd;
	if (bpf_obj_get_info_by_fd(map_fd, &info, &len))
		return -errno;
	if (info.type != BPF_MAP_TYPE_RINGBUF || !info.max_entries)
		return -EINVAL;
	r->size = info.max_entries;
	r->page = page;
	p = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, map_fd, 0);
	if (p == MAP_FAILED)
		return -errno;
	r->consumer = p;
	p = mmap(NULL, page + 2 * r->size, PROT_READ, MAP_SHARED, map_fd, page);
	if (p == MAP_FAILED) {
		int err = -errno;

		munmap(r->consumer, page);
		r->consumer = NULL;
		return err;
	}
	r->producer = p;
	r->data = (char *)p + page;
	return 0;
}

void ring_close(struct ring *r)
{
	if (r->consumer)
		munmap(r->consumer, r->page);
	if (r->producer)
		munmap(r->producer, r->page + 2 * r->size);
	r->consumer = r->producer = NULL;
}

int ring_read(struct ring *r, ring_cb cb, void *ctx, int max, __u64 *pos)
{
	__u64 cons = __atomic_load_n((__u64 *)r->consumer, __ATOMIC_ACQUIRE);
	__u64 prod = __atomic_load_n((__u64 *)r->producer, __ATOMIC_ACQUIRE);
	int n = 0;

	while (cons < prod && n < max) {
		__u32 *hdr = (__u32 *)(r->data + (cons & (r->size - 1)));
		__u32 len = __atomic_load_n(hdr, __ATOMIC_ACQUIRE);

		if (len & BPF_RINGBUF_BUSY_BIT)
			break; /* reserved, not yet committed: read it next time */
		cons += (len & ~(BPF_RINGBUF_BUSY_BIT | BPF_RINGBUF_DISCARD_BIT)) +
			BPF_RINGBUF_HDR_SZ;
		cons = (cons + 7) & ~7ULL;
		if (len & BPF_RINGBUF_DISCARD_BIT)
			continue;
		cb(ctx, (char *)hdr + BPF_RINGBUF_HDR_SZ,
		   len & ~(BPF_RINGBUF_BUSY_BIT | BPF_RINGBUF_DISCARD_BIT));
		n++;
	}
	*pos = cons;
	return n;
}

void ring_commit(struct ring *r, __u64 pos)
{
	__atomic_store_n((__u64 *)r->consumer, pos, __ATOMIC_RELEASE);
}

bool ring_empty(const struct ring *r)
{
	return __atomic_load_n((__u64 *)r->consumer, __ATOMIC_ACQUIRE) >=
	       __atomic_load_n((__u64 *)r->producer, __ATOMIC_ACQUIRE);
}
