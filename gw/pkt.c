/* gw/pkt.c - the packet buffer pool: one slab, a LIFO free list (recently freed = warm). */
#include "gw/pkt.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define HUGE_2M (2u << 20)

struct gw_pool {
	struct gw_pkt *slab;
	size_t slab_bytes;
	struct gw_pkt **free;
	uint32_t n_free;
	uint32_t size;
};

struct gw_pool *gw_pool_create(uint32_t n_bufs)
{
	struct gw_pool *pool = calloc(1, sizeof(*pool));
	if (!pool || n_bufs == 0)
		goto fail;
	/* One mapping, asked to be backed by huge pages: a vector touches the head of 256
	 * buffers 9 KiB apart, which with 4 KiB pages costs a TLB miss each. */
	pool->slab_bytes =
	    ((size_t)n_bufs * sizeof(struct gw_pkt) + HUGE_2M - 1) & ~(size_t)(HUGE_2M - 1);
	void *m = mmap(NULL, pool->slab_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
	               -1, 0);
	if (m == MAP_FAILED)
		goto fail;
	madvise(m, pool->slab_bytes, MADV_HUGEPAGE); /* a hint: fine if refused */
	pool->slab = m;
	pool->free = calloc(n_bufs, sizeof(*pool->free));
	if (!pool->slab || !pool->free)
		goto fail;
	pool->size = n_bufs;
	for (uint32_t i = 0; i < n_bufs; i++)
		pool->free[i] = &pool->slab[n_bufs - 1 - i];
	pool->n_free = n_bufs;
	return pool;
fail:
	gw_pool_destroy(pool);
	return NULL;
}

void gw_pool_destroy(struct gw_pool *pool)
{
	if (!pool)
		return;
	if (pool->slab)
		munmap(pool->slab, pool->slab_bytes);
	free(pool->free);
	free(pool);
}

struct gw_pkt *gw_pkt_alloc(struct gw_pool *pool)
{
	if (pool->n_free == 0)
		return NULL;
	struct gw_pkt *p = pool->free[--pool->n_free];
	p->data = p->buf + GW_PKT_HEADROOM;
	p->len = 0;
	p->rx_ifx = 0;
	p->tx_ifx = 0;
	p->bdx = 0;
	p->outer_src = 0;
	p->outer_dst = 0;
	p->outer_sport = 0;
	p->outer_tos = 0;
	p->l3_off = 0;
	p->flow_hash = 0;
	p->vrfx = 0;
	p->flags = 0;
	p->trace = 0;
	p->next = NULL;
	return p;
}

void gw_pkt_free(struct gw_pool *pool, struct gw_pkt *p)
{
	pool->free[pool->n_free++] = p;
}

uint32_t gw_pool_avail(const struct gw_pool *pool)
{
	return pool->n_free;
}

uint32_t gw_pool_size(const struct gw_pool *pool)
{
	return pool->size;
}

size_t gw_pool_resident(const struct gw_pool *pool)
{
	/* mincore, a chunk at a time: one byte per page, bit 0 set when resident */
	enum { CHUNK_PAGES = 4096 };
	unsigned char vec[CHUNK_PAGES];
	size_t page = (size_t)sysconf(_SC_PAGESIZE), resident = 0;
	uint8_t *base = (uint8_t *)pool->slab;
	for (size_t off = 0; off < pool->slab_bytes; off += CHUNK_PAGES * page) {
		size_t len = pool->slab_bytes - off < CHUNK_PAGES * page ? pool->slab_bytes - off
		                                                         : CHUNK_PAGES * page;
		if (mincore(base + off, len, vec) != 0)
			return 0;
		for (size_t i = 0; i < (len + page - 1) / page; i++)
			resident += (vec[i] & 1) * page;
	}
	return resident;
}

void gw_pkt_set(struct gw_pkt *p, const void *bytes, uint32_t len)
{
	p->data = p->buf + GW_PKT_HEADROOM;
	p->len = len;
	memcpy(p->data, bytes, len);
}
