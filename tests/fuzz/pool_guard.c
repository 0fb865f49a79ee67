/*
 * pool_guard.c - makes the packet pool visible to AddressSanitizer, for the fuzz targets.
 *
 * The pool (gw/pkt.c) is one mmap'ed slab, so ASan cannot see a buffer used after it went
 * back to the pool, nor a buffer freed twice. The fuzz targets are linked with
 * -Wl,--wrap=gw_pkt_alloc,--wrap=gw_pkt_free (tests/fuzz/CMakeLists.txt): every call from
 * the gateway's objects comes here first. A free buffer's data area (headroom + data) is
 * poisoned, so any read or write of it is reported; freeing a buffer whose data is already
 * poisoned is a double free and aborts. Without ASan this only counts.
 *
 * pool_guard_arm() poisons every buffer of a fresh pool (they start unpoisoned).
 */
#include "pool_guard.h"

#include <stdio.h>
#include <stdlib.h>

#if defined(__SANITIZE_ADDRESS__)
#define POOL_GUARD_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define POOL_GUARD_ASAN 1
#endif
#endif

#ifdef POOL_GUARD_ASAN
#include <sanitizer/asan_interface.h>
#define POISON(p, n)   ASAN_POISON_MEMORY_REGION(p, n)
#define UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION(p, n)
#define IS_POISONED(p) __asan_address_is_poisoned(p)
#else
#define POISON(p, n)   ((void)(p), (void)(n))
#define UNPOISON(p, n) ((void)(p), (void)(n))
#define IS_POISONED(p) ((void)(p), 0)
#endif

struct gw_pkt *__real_gw_pkt_alloc(struct gw_pool *pool);
void __real_gw_pkt_free(struct gw_pool *pool, struct gw_pkt *p);
struct gw_pkt *__wrap_gw_pkt_alloc(struct gw_pool *pool);
void __wrap_gw_pkt_free(struct gw_pool *pool, struct gw_pkt *p);

uint64_t pool_guard_allocs, pool_guard_frees;

struct gw_pkt *__wrap_gw_pkt_alloc(struct gw_pool *pool)
{
	struct gw_pkt *p = __real_gw_pkt_alloc(pool);
	if (p) {
		UNPOISON(p->buf, sizeof(p->buf));
		pool_guard_allocs++;
	}
	return p;
}

void __wrap_gw_pkt_free(struct gw_pool *pool, struct gw_pkt *p)
{
	if (!p) {
		fprintf(stderr, "pool_guard: gw_pkt_free(NULL)\n");
		abort();
	}
	if (IS_POISONED(p->buf)) {
		fprintf(stderr, "pool_guard: packet buffer %p freed twice\n", (void *)p);
		abort();
	}
	if (gw_pool_avail(pool) >= gw_pool_size(pool)) {
		fprintf(stderr, "pool_guard: free into a full pool (double free of %p)\n",
		        (void *)p);
		abort();
	}
	POISON(p->buf, sizeof(p->buf));
	pool_guard_frees++;
	__real_gw_pkt_free(pool, p);
}

void pool_guard_arm(struct gw_pool *pool)
{
	uint32_t n = gw_pool_avail(pool);
	struct gw_pkt **all = calloc(n ? n : 1, sizeof(*all));
	if (!all)
		abort();
	for (uint32_t i = 0; i < n; i++)
		all[i] = __real_gw_pkt_alloc(pool);
	/* back in the reverse order, so that the LIFO free list is as it was */
	for (uint32_t i = n; i-- > 0;) {
		POISON(all[i]->buf, sizeof(all[i]->buf));
		__real_gw_pkt_free(pool, all[i]);
	}
	free(all);
}
