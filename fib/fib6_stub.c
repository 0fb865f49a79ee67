/* TEMPORARY: replaced by fib6.c when feat/fib6 merges. Lets the tree link meanwhile. */
#include "fib/fib6.h"

#include <stdlib.h>

struct fib6 {
	int unused;
};
struct fib6 *fib6_create(void)
{
	return calloc(1, sizeof(struct fib6));
}
void fib6_destroy(struct fib6 *fib)
{
	free(fib);
}
int fib6_connected_add(struct fib6 *f, const struct in6_addr *a, uint8_t l, uint16_t i)
{
	(void)f;
	(void)a;
	(void)l;
	(void)i;
	return FIB_OK;
}
int fib6_connected_del(struct fib6 *f, const struct in6_addr *a, uint8_t l, uint16_t i)
{
	(void)f;
	(void)a;
	(void)l;
	(void)i;
	return FIB_OK;
}
int fib6_route_add(struct fib6 *f, const struct in6_addr *a, uint8_t l, const struct fib6_nh *n)
{
	(void)f;
	(void)a;
	(void)l;
	(void)n;
	return FIB_OK;
}
int fib6_route_del(struct fib6 *f, const struct in6_addr *a, uint8_t l, const struct fib6_nh *n)
{
	(void)f;
	(void)a;
	(void)l;
	(void)n;
	return FIB_OK;
}
void fib6_if_down(struct fib6 *f, uint16_t i)
{
	(void)f;
	(void)i;
}
void fib6_if_up(struct fib6 *f, uint16_t i)
{
	(void)f;
	(void)i;
}
uint32_t fib6_lookup(const struct fib6 *f, const struct in6_addr *d)
{
	(void)f;
	(void)d;
	return 0;
}
void fib6_lookup_batch(const struct fib6 *f, const struct in6_addr *const *d, uint32_t *r, size_t n)
{
	(void)f;
	(void)d;
	for (size_t i = 0; i < n; i++)
		r[i] = 0;
}
const struct fib6_path *fib6_path_select(const struct fib6 *f, uint32_t r, uint32_t h)
{
	(void)f;
	(void)r;
	(void)h;
	return NULL;
}
uint64_t fib6_generation(const struct fib6 *f)
{
	(void)f;
	return 0;
}
int fib6_walk(const struct fib6 *f, int (*cb)(const struct fib6_route_info *, void *), void *a)
{
	(void)f;
	(void)cb;
	(void)a;
	return 0;
}
bool fib6_route_get(const struct fib6 *f, const struct in6_addr *p, uint8_t l,
                    struct fib6_route_info *ri)
{
	(void)f;
	(void)p;
	(void)l;
	(void)ri;
	return false;
}
bool fib6_route_match(const struct fib6 *f, const struct in6_addr *a, struct fib6_route_info *ri)
{
	(void)f;
	(void)a;
	(void)ri;
	return false;
}
void fib6_get_stats(const struct fib6 *f, struct fib_stats *st)
{
	(void)f;
	*st = (struct fib_stats){0};
}
struct fib6_fwd {
	int unused;
};
struct fib6_fwd *fib6_fwd_build(const struct fib6 *f)
{
	(void)f;
	return calloc(1, sizeof(struct fib6_fwd));
}
void fib6_fwd_free(struct fib6_fwd *f)
{
	free(f);
}
uint32_t fib6_fwd_lookup(const struct fib6_fwd *f, const struct in6_addr *d)
{
	(void)f;
	(void)d;
	return 0;
}
const struct fib6_path *fib6_fwd_path_select(const struct fib6_fwd *f, uint32_t r, uint32_t h)
{
	(void)f;
	(void)r;
	(void)h;
	return NULL;
}
void fib6_fwd_route_batch(const struct fib6_fwd *f, const struct in6_addr *const *d,
                          const uint32_t *h, const struct fib6_path **p, size_t n)
{
	(void)f;
	(void)d;
	(void)h;
	for (size_t i = 0; i < n; i++)
		p[i] = NULL;
}
size_t fib6_fwd_bytes(const struct fib6_fwd *f)
{
	(void)f;
	return 0;
}
