/*
 * gw/workers/ring.h - a single-producer single-consumer ring of pointers between two threads.
 *
 * Each side owns one index and only reads the other's (acquire) to know how far it may go,
 * so neither ever waits or takes a lock: a full ring is the producer's to handle (count a
 * drop), an empty one the consumer's. Indexes run freely and wrap by the power-of-two mask.
 */
#ifndef GW_RING_H
#define GW_RING_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

struct gw_ring {
	_Alignas(64) atomic_uint head; /* next slot the producer fills */
	_Alignas(64) atomic_uint tail; /* next slot the consumer empties */
	_Alignas(64) uint32_t mask;
	void *slot[];
};

/* A ring of `size` slots (a power of two); NULL on allocation failure or a bad size. */
static inline struct gw_ring *gw_ring_create(uint32_t size)
{
	if (size < 2 || (size & (size - 1)))
		return NULL;
	struct gw_ring *r = aligned_alloc(64, (sizeof(*r) + size * sizeof(void *) + 63) & ~63ul);
	if (!r)
		return NULL;
	atomic_init(&r->head, 0);
	atomic_init(&r->tail, 0);
	r->mask = size - 1;
	return r;
}

static inline void gw_ring_destroy(struct gw_ring *r)
{
	free(r);
}

/* Producer: false when full. */
static inline bool gw_ring_push(struct gw_ring *r, void *p)
{
	unsigned h = atomic_load_explicit(&r->head, memory_order_relaxed);
	unsigned t = atomic_load_explicit(&r->tail, memory_order_acquire);
	if (h - t > r->mask)
		return false;
	r->slot[h & r->mask] = p;
	atomic_store_explicit(&r->head, h + 1, memory_order_release);
	return true;
}

/* Consumer: up to max pointers into out; returns how many. */
static inline unsigned gw_ring_pop(struct gw_ring *r, void **out, unsigned max)
{
	unsigned t = atomic_load_explicit(&r->tail, memory_order_relaxed);
	unsigned h = atomic_load_explicit(&r->head, memory_order_acquire);
	unsigned n = h - t < max ? h - t : max;
	for (unsigned i = 0; i < n; i++)
		out[i] = r->slot[(t + i) & r->mask];
	atomic_store_explicit(&r->tail, t + n, memory_order_release);
	return n;
}

#endif
