/*
 * acl/cls.c - a classifier's life: its entries, their ids and per-thread counters, and the
 * list's counters (struct acl_counts) that outlive every classifier built for the list.
 *
 * Counters: each thread bumps its own slot of an entry with a relaxed store (no atomic
 * read-modify-write, no shared cache line between threads). Clearing cannot write those
 * slots without racing the workers, so it records what they hold as a base to count from.
 * The list's acl_counts keeps, by entry id, what its freed classifiers counted, and links
 * the live ones, so that hits and clears see all of them.
 */
#include "acl.h"
#include "match.h"

#include <stdlib.h>
#include <string.h>

#define CACHE_LINE 64

/* id -> matches folded from freed classifiers; id 0 (the implicit deny) apart. */
struct acl_counts {
	unsigned refs;
	uint64_t deny;
	uint64_t *ids, *hits; /* open addressing; id 0: a free slot */
	size_t cap, used;
	struct acl_cls *live; /* the classifiers holding a reference */
};

struct id_index {
	uint64_t id;
	uint32_t i;
};

struct acl_cls {
	unsigned refs;
	int fam;
	unsigned n;
	struct acl_rule *rules;
	uint64_t *ids;             /* n + 1: ids[n] is 0, the implicit deny */
	struct id_index *by_id;    /* n + 1, sorted by id */
	uint64_t *slots;           /* ACL_THREADS_MAX rows of stride counters */
	size_t stride;             /* >= n + 1, whole cache lines */
	uint64_t *base;            /* n + 1: the slots' sum at the last clear */
	struct acl_counts *counts; /* the list's */
	struct acl_cls *live_next;
	struct acl_match *match;
};

/* ---- the list's counters ---- */

struct acl_counts *acl_counts_new(void)
{
	struct acl_counts *k = calloc(1, sizeof *k);
	if (k)
		k->refs = 1;
	return k;
}

void acl_counts_unref(struct acl_counts *k)
{
	if (!k || --k->refs > 0)
		return;
	free(k->ids);
	free(k->hits);
	free(k);
}

static size_t counts_slot(const struct acl_counts *k, uint64_t id)
{
	size_t mask = k->cap - 1;
	size_t s = (size_t)(id * 0x9e3779b97f4a7c15ull >> 32) & mask;
	while (k->ids[s] != 0 && k->ids[s] != id)
		s = (s + 1) & mask;
	return s;
}

static bool counts_grow(struct acl_counts *k)
{
	size_t cap = k->cap ? 2 * k->cap : 64;
	uint64_t *ids = calloc(cap, sizeof *ids), *hits = calloc(cap, sizeof *hits);
	if (!ids || !hits) {
		free(ids);
		free(hits);
		return false;
	}
	struct acl_counts grown = {.ids = ids, .hits = hits, .cap = cap};
	for (size_t i = 0; i < k->cap; i++) {
		if (k->ids[i] == 0)
			continue;
		size_t s = counts_slot(&grown, k->ids[i]);
		ids[s] = k->ids[i];
		hits[s] = k->hits[i];
	}
	free(k->ids);
	free(k->hits);
	k->ids = ids;
	k->hits = hits;
	k->cap = cap;
	return true;
}

static uint64_t counts_get(const struct acl_counts *k, uint64_t id)
{
	if (id == 0)
		return k->deny;
	if (k->cap == 0)
		return 0;
	size_t s = counts_slot(k, id);
	return k->ids[s] == id ? k->hits[s] : 0;
}

/* Adds to an id's count; out of memory, the matches are lost (the counters only). */
static void counts_add(struct acl_counts *k, uint64_t id, uint64_t hits)
{
	if (id == 0) {
		k->deny += hits;
		return;
	}
	if (hits == 0 || ((k->used + 1) * 4 > k->cap * 3 && !counts_grow(k)))
		return;
	size_t s = counts_slot(k, id);
	if (k->ids[s] == 0) {
		k->ids[s] = id;
		k->used++;
	}
	k->hits[s] += hits;
}

/* ---- a classifier's own counters ---- */

static uint64_t slots_sum(const struct acl_cls *c, uint32_t i)
{
	uint64_t sum = 0;
	for (unsigned t = 0; t < ACL_THREADS_MAX; t++)
		sum += __atomic_load_n(&c->slots[t * c->stride + i], __ATOMIC_RELAXED);
	return sum;
}

/* Entry i's matches in c since the last clear. */
static uint64_t own_hits(const struct acl_cls *c, uint32_t i)
{
	return slots_sum(c, i) - c->base[i];
}

static int by_id_cmp(const void *a, const void *b)
{
	uint64_t x = ((const struct id_index *)a)->id, y = ((const struct id_index *)b)->id;
	return x < y ? -1 : x > y;
}

/* The index of the entry named id in c, or -1. */
static long index_of(const struct acl_cls *c, uint64_t id)
{
	const struct id_index key = {.id = id};
	const struct id_index *e = bsearch(&key, c->by_id, c->n + 1, sizeof key, by_id_cmp);
	return e ? (long)e->i : -1;
}

/* ---- building and freeing ---- */

static bool cls_alloc(struct acl_cls *c)
{
	size_t per_line = CACHE_LINE / sizeof(uint64_t);
	c->stride = (c->n + 1 + per_line - 1) / per_line * per_line;
	c->rules = malloc((c->n ? c->n : 1) * sizeof *c->rules);
	c->ids = malloc((c->n + 1) * sizeof *c->ids);
	c->by_id = malloc((c->n + 1) * sizeof *c->by_id);
	c->base = calloc(c->n + 1, sizeof *c->base);
	c->slots = aligned_alloc(CACHE_LINE, ACL_THREADS_MAX * c->stride * sizeof *c->slots);
	if (!c->rules || !c->ids || !c->by_id || !c->base || !c->slots)
		return false;
	memset(c->slots, 0, ACL_THREADS_MAX * c->stride * sizeof *c->slots);
	return true;
}

static void cls_free(struct acl_cls *c)
{
	acl_match_free(c->match);
	free(c->rules);
	free(c->ids);
	free(c->by_id);
	free(c->base);
	free(c->slots);
	free(c);
}

struct acl_cls *acl_cls_build(int fam, const struct acl_rule *r, const uint64_t *ids, unsigned n,
                              struct acl_counts *counts)
{
	struct acl_cls *c = calloc(1, sizeof *c);
	if (!c)
		return NULL;
	c->refs = 1;
	c->fam = fam;
	c->n = n;
	if (!cls_alloc(c)) {
		cls_free(c);
		return NULL;
	}
	memcpy(c->rules, r, n * sizeof *r);
	memcpy(c->ids, ids, n * sizeof *ids);
	c->ids[n] = 0;
	for (unsigned i = 0; i <= n; i++)
		c->by_id[i] = (struct id_index){.id = c->ids[i], .i = i};
	qsort(c->by_id, n + 1, sizeof *c->by_id, by_id_cmp);
	if (!(c->match = acl_match_build(fam, c->rules, n))) {
		cls_free(c);
		return NULL;
	}
	if (counts)
		counts->refs++;
	else if (!(counts = acl_counts_new())) { /* counters of its own */
		cls_free(c);
		return NULL;
	}
	c->counts = counts;
	c->live_next = counts->live;
	counts->live = c;
	return c;
}

void acl_cls_ref(struct acl_cls *c)
{
	__atomic_add_fetch(&c->refs, 1, __ATOMIC_RELAXED);
}

static void unlink_live(struct acl_cls *c)
{
	struct acl_cls **p = &c->counts->live;
	while (*p != c)
		p = &(*p)->live_next;
	*p = c->live_next;
}

void acl_cls_unref(struct acl_cls *c)
{
	if (!c || __atomic_sub_fetch(&c->refs, 1, __ATOMIC_ACQ_REL) > 0)
		return;
	for (uint32_t i = 0; i <= c->n; i++)
		counts_add(c->counts, c->ids[i], own_hits(c, i));
	unlink_live(c);
	acl_counts_unref(c->counts);
	cls_free(c);
}

/* ---- lookups ---- */

uint32_t acl_cls_match(const struct acl_cls *c, const struct acl_key *k)
{
	return acl_match_first(c->match, k);
}

void acl_cls_match_batch(const struct acl_cls *c, const struct acl_key *keys, uint32_t *res,
                         unsigned n)
{
	acl_match_batch(c->match, keys, res, n);
}

unsigned acl_cls_size(const struct acl_cls *c)
{
	return c->n;
}

bool acl_cls_permits(const struct acl_cls *c, uint32_t i)
{
	return acl_cls_verdict(c, i) & ACL_VERDICT_PERMIT;
}

unsigned acl_cls_verdict(const struct acl_cls *c, uint32_t i)
{
	if (i >= c->n)
		return 0;
	const struct acl_rule *r = &c->rules[i];
	return (r->action == ACL_PERMIT ? ACL_VERDICT_PERMIT : 0) | (r->log ? ACL_VERDICT_LOG : 0);
}

unsigned acl_cls_classify(struct acl_cls *c, const struct acl_key *k, unsigned thread,
                          uint32_t *entry)
{
	uint32_t i = acl_match_first(c->match, k);
	acl_cls_count(c, thread, i);
	*entry = i;
	return acl_cls_verdict(c, i);
}

const struct acl_rule *acl_cls_rule(const struct acl_cls *c, uint32_t i)
{
	return i < c->n ? &c->rules[i] : NULL;
}

uint64_t acl_cls_id(const struct acl_cls *c, uint32_t i)
{
	return i < c->n ? c->ids[i] : 0;
}

/* ---- counting ---- */

void acl_cls_count(struct acl_cls *c, unsigned thread, uint32_t i)
{
	if (thread >= ACL_THREADS_MAX || i > c->n)
		return;
	uint64_t *s = &c->slots[thread * c->stride + i];
	__atomic_store_n(s, __atomic_load_n(s, __ATOMIC_RELAXED) + 1, __ATOMIC_RELAXED);
}

uint64_t acl_cls_hits(const struct acl_cls *c, uint32_t i)
{
	if (i > c->n)
		return 0;
	uint64_t id = c->ids[i];
	uint64_t sum = counts_get(c->counts, id);
	for (const struct acl_cls *l = c->counts->live; l; l = l->live_next) {
		long j = l == c ? (long)i : index_of(l, id);
		if (j >= 0)
			sum += own_hits(l, (uint32_t)j);
	}
	return sum;
}

void acl_cls_clear(struct acl_cls *c)
{
	struct acl_counts *k = c->counts;
	k->deny = 0;
	if (k->cap)
		memset(k->hits, 0, k->cap * sizeof *k->hits);
	for (struct acl_cls *l = k->live; l; l = l->live_next)
		for (uint32_t i = 0; i <= l->n; i++)
			l->base[i] = slots_sum(l, i);
}

/* ---- ids across a list's versions ---- */

void acl_ids_assign(const struct acl_rule *old_r, const uint64_t *old_ids, unsigned old_n,
                    const struct acl_rule *r, uint64_t *ids, unsigned n, uint64_t *next_id)
{
	bool *taken = calloc(old_n ? old_n : 1, sizeof *taken);
	for (unsigned i = 0; i < n; i++) {
		ids[i] = 0;
		for (unsigned j = 0; taken && j < old_n && !ids[i]; j++)
			if (!taken[j] && acl_rule_same(&r[i], &old_r[j])) {
				taken[j] = true;
				ids[i] = old_ids[j];
			}
		if (!ids[i]) {
			if (*next_id == 0)
				*next_id = 1;
			ids[i] = (*next_id)++;
		}
	}
	free(taken);
}
