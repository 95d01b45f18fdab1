/* SPDX-License-Identifier: GPL-2.0-only */
/* A BPF ring-buffer reader with an explicit commit (loader/ring.c). */
#ifndef DCEA_RING_H
#define DCEA_RING_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

struct ring {
	int fd;	     /* the map: poll it for new records */
	size_t size; /* data area, a power of two */
	size_t page;
	void *consumer; /* page 0: the consumer position, ours to write */
	void *producer; /* page 1: the producer position; the data follows */
	char *data;
};

typedef void (*ring_cb)(void *ctx, const void *data, size_t size);

/* Map the ring of BPF_MAP_TYPE_RINGBUF map `map_fd` (the fd stays the caller's). 0 or -errno. */
int ring_open(struct ring *r, int map_fd);
void ring_close(struct ring *r);
/*
 * Hand up to `max` committed records after the consumer position to `cb`, without moving it;
 * *pos is where the consumer stands after them. Returns how many were handed over.
 */
int ring_read(struct ring *r, ring_cb cb, void *ctx, int max, __u64 *pos);
/* Move the consumer position to `pos` (from ring_read), releasing the space. */
void ring_commit(struct ring *r, __u64 pos);
/* Nothing committed is waiting. */
bool ring_empty(const struct ring *r);

#endif
