/*
 * fib/group_impl.h - internal to fib/: the code of one family's group table (group.h,
 * group_tmpl.h). Included by group.c (IPv4) and group6.c (IPv6) after GT_PATH, GT_() and
 * two functions on the family's paths: path_cmp() (the canonical order) and paths_hash().
 */
/* No include guard: one expansion per family. */

#include <stdlib.h>
#include <string.h>

static int path_qsort_cmp(const void *a, const void *b)
{
	return path_cmp(a, b);
}

unsigned GT_(paths_canonical)(GT_PATH *paths, unsigned n)
{
	if (n < 2)
		return n;
	qsort(paths, n, sizeof(*paths), path_qsort_cmp);
	unsigned k = 1;
	for (unsigned i = 1; i < n; i++)
		if (path_cmp(&paths[i], &paths[k - 1]) != 0)
			paths[k++] = paths[i];
	return k;
}

bool GT_(paths_equal)(const GT_PATH *a, unsigned na, const GT_PATH *b, unsigned nb)
{
	if (na != nb)
		return false;
	for (unsigned i = 0; i < na; i++)
		if (path_cmp(&a[i], &b[i]) != 0)
			return false;
	return true;
}

static void group_link(struct GT_(groups) * gs, uint32_t id)
{
	uint32_t *head = &gs->heads[gs->g[id].hash & (gs->nheads - 1)];
	gs->g[id].next = *head;
	*head = id;
}

static void group_unlink(struct GT_(groups) * gs, uint32_t id)
{
	uint32_t *pp = &gs->heads[gs->g[id].hash & (gs->nheads - 1)];
	while (*pp != id)
		pp = &gs->g[*pp].next;
	*pp = gs->g[id].next;
}

static int heads_resize(struct GT_(groups) * gs, uint32_t nheads)
{
	uint32_t *heads = calloc(nheads, sizeof(*heads));
	if (!heads)
		return FIB_E_NOMEM;
	free(gs->heads);
	gs->heads = heads;
	gs->nheads = nheads;
	for (uint32_t id = 1; id < gs->hw; id++)
		if (gs->g[id].refs)
			group_link(gs, id);
	return FIB_OK;
}

int GT_(groups_init)(struct GT_(groups) * gs)
{
	memset(gs, 0, sizeof(*gs));
	gs->hw = 1;
	return heads_resize(gs, 64);
}

void GT_(groups_fini)(struct GT_(groups) * gs)
{
	free(gs->g);
	free(gs->heads);
	memset(gs, 0, sizeof(*gs));
}

static int group_alloc(struct GT_(groups) * gs, uint32_t *id)
{
	if (gs->free_head) {
		*id = gs->free_head;
		gs->free_head = gs->g[*id].next;
		return FIB_OK;
	}
	if (gs->hw > FIB_GROUPS_MAX)
		return FIB_E_NOMEM;
	if (gs->hw >= gs->cap) {
		uint32_t cap = gs->cap ? gs->cap * 2 : 16;
		struct GT_(group) *g = realloc(gs->g, cap * sizeof(*g));
		if (!g)
			return FIB_E_NOMEM;
		gs->g = g;
		gs->cap = cap;
	}
	*id = gs->hw++;
	return FIB_OK;
}

static uint32_t group_find(const struct GT_(groups) * gs, const GT_PATH *paths, unsigned n,
                           uint32_t hash)
{
	for (uint32_t id = gs->heads[hash & (gs->nheads - 1)]; id; id = gs->g[id].next) {
		const struct GT_(group) *g = &gs->g[id];
		if (g->hash == hash && GT_(paths_equal)(g->paths, g->n, paths, n))
			return id;
	}
	return 0;
}

int GT_(group_get)(struct GT_(groups) * gs, const GT_PATH *paths, unsigned n, uint32_t *id)
{
	uint32_t hash = paths_hash(paths, n);
	*id = group_find(gs, paths, n, hash);
	if (*id) {
		gs->g[*id].refs++;
		return FIB_OK;
	}
	/* Keep chains short; a failed resize only costs longer chains. */
	if (gs->in_use >= gs->nheads)
		(void)heads_resize(gs, gs->nheads * 2);
	int err = group_alloc(gs, id);
	if (err)
		return err;
	struct GT_(group) *g = &gs->g[*id];
	memset(g, 0, sizeof(*g));
	g->refs = 1;
	g->hash = hash;
	g->n = (uint8_t)n;
	memcpy(g->paths, paths, n * sizeof(*paths));
	group_link(gs, *id);
	gs->in_use++;
	return FIB_OK;
}

void GT_(group_put)(struct GT_(groups) * gs, uint32_t id)
{
	struct GT_(group) *g = &gs->g[id];
	if (--g->refs)
		return;
	group_unlink(gs, id);
	g->next = gs->free_head;
	gs->free_head = id;
	gs->in_use--;
}

size_t GT_(groups_bytes)(const struct GT_(groups) * gs)
{
	return (size_t)gs->cap * sizeof(*gs->g) + (size_t)gs->nheads * sizeof(*gs->heads);
}
