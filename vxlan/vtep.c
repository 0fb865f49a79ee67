/*
 * vxlan/vtep.c - VTEP names (see vxlan/vtep.h).
 *
 * Layout: the named addresses sit in a dense entry array (free slots on a stack), and two
 * open-addressing indexes with linear probing point into it, one hashed by address, one by
 * name; each is at most half full, and deletion is by backward shift (no tombstones), as
 * in vxlan/bd.c. A clone holds the names alone, in arrays sized for them: its readers
 * need nothing but the two lookups.
 */
#include "vxlan/vtep.h"

#include "common/net.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct vtep_entry {
	struct in6_addr addr;
	uint32_t name;
	uint32_t mark; /* the mark epoch in which it was last kept (or added) */
};

/* An index: slot values are entry index + 1, 0 an empty slot. */
struct vtep_index {
	uint32_t *slot;
	uint32_t mask;
	bool by_name; /* hashed by name, else by address */
};

struct vx_vteps {
	uint32_t capacity, n;
	struct vtep_entry *entry; /* capacity entries */
	uint32_t *free_stack;     /* capacity - n free entry indexes */
	struct vtep_index by_addr, by_name;
	uint32_t next_unicast, next_group; /* the next names to hand out */
	uint32_t epoch;
	uint64_t generation;
};

/* ---- the two indexes ---- */

/* The home slot of an entry, or of a key: an entry with only the indexed field set. */
static uint32_t key_home(const struct vtep_index *ix, const struct vtep_entry *key)
{
	uint64_t h = ix->by_name ? net_hash32(key->name) : net_hash_ip6(&key->addr);
	return (uint32_t)h & ix->mask;
}

static bool key_matches(const struct vtep_index *ix, const struct vtep_entry *en,
                        const struct vtep_entry *key)
{
	return ix->by_name ? en->name == key->name : net_ip6_eq(&en->addr, &key->addr);
}

/* The slot holding the entry of key, or the empty one where it would go. */
static uint32_t index_probe(const struct vx_vteps *t, const struct vtep_index *ix,
                            const struct vtep_entry *key)
{
	uint32_t i = key_home(ix, key);
	while (ix->slot[i] && !key_matches(ix, &t->entry[ix->slot[i] - 1], key))
		i = (i + 1) & ix->mask;
	return i;
}

static struct vtep_entry addr_key(const struct in6_addr *a)
{
	return (struct vtep_entry){.addr = *a};
}

static struct vtep_entry name_key(uint32_t name)
{
	return (struct vtep_entry){.name = name};
}

static void index_insert(const struct vx_vteps *t, struct vtep_index *ix, uint32_t e)
{
	ix->slot[index_probe(t, ix, &t->entry[e])] = e + 1;
}

/* Empties slot i, shifting back the entries whose probe sequence ran through it. */
static void index_remove_slot(const struct vx_vteps *t, struct vtep_index *ix, uint32_t i)
{
	uint32_t j = i;
	for (;;) {
		j = (j + 1) & ix->mask;
		if (!ix->slot[j])
			break;
		uint32_t home = key_home(ix, &t->entry[ix->slot[j] - 1]);
		/* j's entry may move to i unless its home lies cyclically in (i, j] */
		bool stays = i <= j ? (home > i && home <= j) : (home > i || home <= j);
		if (stays)
			continue;
		ix->slot[i] = ix->slot[j];
		i = j;
	}
	ix->slot[i] = 0;
}

static bool index_alloc(struct vtep_index *ix, uint32_t capacity, bool by_name)
{
	uint32_t size = 2;
	while (size < 2 * capacity)
		size <<= 1;
	ix->slot = calloc(size, sizeof(*ix->slot));
	ix->mask = size - 1;
	ix->by_name = by_name;
	return ix->slot != NULL;
}

/* ---- the table ---- */

struct vx_vteps *vx_vteps_create(uint32_t capacity)
{
	if (capacity < 1 || capacity > VX_VTEPS_MAX)
		return NULL;
	struct vx_vteps *t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->capacity = capacity;
	t->entry = calloc(capacity, sizeof(*t->entry));
	t->free_stack = malloc(capacity * sizeof(*t->free_stack));
	bool ok =
	    index_alloc(&t->by_addr, capacity, false) && index_alloc(&t->by_name, capacity, true);
	if (!t->entry || !t->free_stack || !ok) {
		vx_vteps_destroy(t);
		return NULL;
	}
	for (uint32_t i = 0; i < capacity; i++)
		t->free_stack[i] = capacity - 1 - i; /* entry 0 handed out first */
	t->next_unicast = VX_VTEP6_FIRST;
	t->next_group = VX_GROUP6_FIRST;
	return t;
}

void vx_vteps_destroy(struct vx_vteps *t)
{
	if (!t)
		return;
	free(t->entry);
	free(t->free_stack);
	free(t->by_addr.slot);
	free(t->by_name.slot);
	free(t);
}

static bool name_held(const struct vx_vteps *t, uint32_t name)
{
	struct vtep_entry key = name_key(name);
	return t->by_name.slot[index_probe(t, &t->by_name, &key)] != 0;
}

/* The next name of the range [first, last] from *next: in order, wrapping around past
 * names still held (the table holds far fewer than a range has, so this ends soon). */
static uint32_t name_next(const struct vx_vteps *t, uint32_t *next, uint32_t first, uint32_t last)
{
	uint32_t name;
	do {
		name = *next;
		*next = name == last ? first : name + 1;
	} while (name_held(t, name));
	return name;
}

bool vx_vtep6_addr_ok(const struct in6_addr *a)
{
	return !net_ip6_is_zero(a) && !net_ip6_is_loopback(a) && !net_ip6_is_linklocal(a);
}

uint32_t vx_vteps_add(struct vx_vteps *t, const struct in6_addr *a)
{
	if (!vx_vtep6_addr_ok(a))
		return 0;
	struct vtep_entry key = addr_key(a);
	uint32_t i = index_probe(t, &t->by_addr, &key);
	if (t->by_addr.slot[i])
		return t->entry[t->by_addr.slot[i] - 1].name;
	if (t->n == t->capacity)
		return 0;
	uint32_t e = t->free_stack[t->capacity - 1 - t->n];
	t->n++;
	t->entry[e].addr = *a;
	t->entry[e].name = net_ip6_is_mcast(a)
	                       ? name_next(t, &t->next_group, VX_GROUP6_FIRST, VX_GROUP6_LAST)
	                       : name_next(t, &t->next_unicast, VX_VTEP6_FIRST, VX_VTEP6_LAST);
	t->entry[e].mark = t->epoch; /* one added while marking is in use */
	t->by_addr.slot[i] = e + 1;
	index_insert(t, &t->by_name, e);
	t->generation++;
	return t->entry[e].name;
}

uint32_t vx_vteps_find(const struct vx_vteps *t, const struct in6_addr *a)
{
	struct vtep_entry key = addr_key(a);
	uint32_t e = t->by_addr.slot[index_probe(t, &t->by_addr, &key)];
	return e ? t->entry[e - 1].name : 0;
}

/* The entry named name, or NULL. */
static struct vtep_entry *entry_of_name(const struct vx_vteps *t, uint32_t name)
{
	if (!vx_vtep_is6(name) || name == VX_VTEP6_UNKNOWN)
		return NULL;
	struct vtep_entry key = name_key(name);
	uint32_t e = t->by_name.slot[index_probe(t, &t->by_name, &key)];
	return e ? &t->entry[e - 1] : NULL;
}

const struct in6_addr *vx_vteps_addr(const struct vx_vteps *t, uint32_t name)
{
	const struct vtep_entry *en = entry_of_name(t, name);
	return en ? &en->addr : NULL;
}

size_t vx_vteps_count(const struct vx_vteps *t)
{
	return t->n;
}

uint64_t vx_vteps_generation(const struct vx_vteps *t)
{
	return t->generation;
}

/* ---- mark and sweep ---- */

void vx_vteps_mark_begin(struct vx_vteps *t)
{
	t->epoch++;
}

void vx_vteps_keep(struct vx_vteps *t, uint32_t name)
{
	struct vtep_entry *en = entry_of_name(t, name);
	if (en)
		en->mark = t->epoch;
}

static void entry_forget(struct vx_vteps *t, uint32_t e)
{
	struct vtep_entry *en = &t->entry[e];
	index_remove_slot(t, &t->by_addr, index_probe(t, &t->by_addr, en));
	index_remove_slot(t, &t->by_name, index_probe(t, &t->by_name, en));
	t->n--;
	t->free_stack[t->capacity - 1 - t->n] = e;
	memset(en, 0, sizeof(*en));
}

size_t vx_vteps_sweep(struct vx_vteps *t)
{
	size_t gone = 0;
	for (uint32_t e = 0; e < t->capacity; e++) {
		if (t->entry[e].name && t->entry[e].mark != t->epoch) {
			entry_forget(t, e);
			gone++;
		}
	}
	if (gone)
		t->generation++;
	return gone;
}

/* ---- copies and text ---- */

/*
 * A copy sized for what t holds (a few names, usually, in a table made for 65,536): the
 * workers' snapshot copies it at every rebuild, so it stays small. Immutable: its free
 * list is not kept.
 */
struct vx_vteps *vx_vteps_clone(const struct vx_vteps *t)
{
	struct vx_vteps *c = vx_vteps_create(t->n ? t->n : 1);
	if (!c)
		return NULL;
	for (uint32_t e = 0; e < t->capacity && c->n < t->n; e++) {
		if (!t->entry[e].name)
			continue;
		uint32_t ce = c->n++;
		c->entry[ce] = t->entry[e];
		index_insert(c, &c->by_addr, ce);
		index_insert(c, &c->by_name, ce);
	}
	c->next_unicast = t->next_unicast;
	c->next_group = t->next_group;
	c->epoch = t->epoch;
	c->generation = t->generation;
	return c;
}

const char *vx_vtep_fmt(const struct vx_vteps *t, uint32_t name, char buf[VX_VTEP_STRLEN])
{
	if (!vx_vtep_is6(name))
		return net_ip_fmt(name, buf);
	const struct in6_addr *a = t ? vx_vteps_addr(t, name) : NULL;
	if (a)
		return net_ip6_fmt(a, buf);
	snprintf(buf, VX_VTEP_STRLEN, "unknown-ipv6");
	return buf;
}
