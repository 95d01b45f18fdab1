/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A minimal io_uring driven by raw syscalls (no liburing in static test binaries): one ring, one
 * request at a time or a few queued together. Used by the route helper (routes.c) and the
 * benchmark loop (tests/bench/loop.c).
 */
#ifndef DCEA_TEST_URING_H
#define DCEA_TEST_URING_H

#include <errno.h>
#include <linux/io_uring.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

struct ring {
	int fd;
	unsigned *sq_head, *sq_tail, *sq_mask, *sq_array;
	unsigned *cq_head, *cq_tail, *cq_mask;
	struct io_uring_sqe *sqes;
	struct io_uring_cqe *cqes;
};

/*
 * Map the ring `fd` that io_uring_setup(2) made with the parameters `p` it filled in (also a ring
 * made by another process and received over a unix socket, with its parameters).
 */
static inline int ring_attach(struct ring *r, int fd, const struct io_uring_params *p)
{
	size_t sqsz = p->sq_off.array + p->sq_entries * sizeof(unsigned);
	size_t cqsz = p->cq_off.cqes + p->cq_entries * sizeof(struct io_uring_cqe);
	void *sq, *cq;

	r->fd = fd;
	sq = mmap(NULL, sqsz, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd,
		  IORING_OFF_SQ_RING);
	cq = mmap(NULL, cqsz, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd,
		  IORING_OFF_CQ_RING);
	r->sqes = mmap(NULL, p->sq_entries * sizeof(struct io_uring_sqe), PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_POPULATE, fd, IORING_OFF_SQES);
	if (sq == MAP_FAILED || cq == MAP_FAILED || r->sqes == MAP_FAILED)
		return -errno;
	r->sq_head = sq + p->sq_off.head;
	r->sq_tail = sq + p->sq_off.tail;
	r->sq_mask = sq + p->sq_off.ring_mask;
	r->sq_array = sq + p->sq_off.array;
	r->cq_head = cq + p->cq_off.head;
	r->cq_tail = cq + p->cq_off.tail;
	r->cq_mask = cq + p->cq_off.ring_mask;
	r->cqes = cq + p->cq_off.cqes;
	return 0;
}

/* flags: IORING_SETUP_SQPOLL for a kernel submission thread; else submitted by io_uring_enter */
static inline int ring_init(struct ring *r, unsigned flags)
{
	struct io_uring_params p = { .flags = flags, .sq_thread_idle = 2000 };
	int fd = syscall(SYS_io_uring_setup, 8, &p);

	if (fd < 0)
		return -errno;
	return ring_attach(r, fd, &p);
}

static inline struct io_uring_sqe *ring_sqe(struct ring *r)
{
	unsigned tail = *r->sq_tail, i = tail & *r->sq_mask;
	struct io_uring_sqe *s = &r->sqes[i];

	memset(s, 0, sizeof(*s));
	r->sq_array[i] = i;
	__atomic_store_n(r->sq_tail, tail + 1, __ATOMIC_RELEASE);
	return s;
}

/* Submit n prepared requests and wait for `wait` completions: res[user_data] = res. */
static inline int ring_run_wait(struct ring *r, unsigned n, unsigned wait, int res[])
{
	unsigned got = 0;

	if (syscall(SYS_io_uring_enter, r->fd, n, wait,
		    IORING_ENTER_GETEVENTS | IORING_ENTER_SQ_WAKEUP, NULL, 0) < 0)
		return -errno;
	while (got < wait) {
		unsigned head = *r->cq_head;

		if (head == __atomic_load_n(r->cq_tail, __ATOMIC_ACQUIRE)) {
			if (syscall(SYS_io_uring_enter, r->fd, 0, 1, IORING_ENTER_GETEVENTS, NULL,
				    0) < 0)
				return -errno;
			continue;
		}
		struct io_uring_cqe *c = &r->cqes[head & *r->cq_mask];

		res[c->user_data] = c->res;
		got++;
		__atomic_store_n(r->cq_head, head + 1, __ATOMIC_RELEASE);
	}
	return 0;
}

/* Submit the n prepared requests and wait for their n completions: res[user_data] = res. */
static inline int ring_run(struct ring *r, unsigned n, int res[])
{
	return ring_run_wait(r, n, n, res);
}

/* One request prepared by the caller through `sqe`, submitted and waited for: its result. */
#define RING_ONE(r, sqe_setup)                                                                     \
	({                                                                                         \
		int __res[1] = { -EIO }, __err;                                                    \
		struct io_uring_sqe *sqe = ring_sqe(r);                                            \
		sqe_setup;                                                                         \
		sqe->user_data = 0;                                                                \
		__err = ring_run(r, 1, __res);                                                     \
		__err ? __err : __res[0];                                                          \
	})

#endif
