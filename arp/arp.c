/*
 * arp/arp.c - the neighbour table.
 *
 * One table serves either family (fixed at create): a key is (ifx, 128-bit address) with
 * an IPv4 address stored v4-mapped (::ffff:a.b.c.d). An IPv6 table refuses v4-mapped
 * neighbours, so an IPv4 lookup on it always misses, and the two APIs share everything
 * below their entry points: hash, state machine, queues, timers, walks.
 *
 * Layout, chosen for the packet path (one arp_lookup per routed packet):
 *  - Entries are 64 bytes, one cache line, with what a lookup reads first. They live in
 *    fixed-size, line-aligned chunks that never move, so a MAC pointer returned by
 *    arp_lookup stays valid as long as its entry exists. A chunk is allocated only when a
 *    create finds the free list empty (never on lookup) and is kept until destroy, so memory
 *    follows the peak number of neighbours instead of max_entries. Its queue slots follow
 *    its entries, found from the entry's id.
 *  - A chained hash over the key (one net_hash64 for an IPv4 key), power-of-two buckets
 *    doubled on create when the load passes 1; a lookup is one hash plus a short chain walk.
 *  - Every dynamic entry sits in a binary min-heap on its next deadline (retransmit, ageing
 *    or expiry), so arp_tick touches only due entries and arp_next_deadline is O(1).
 *  - STALE entries are also on an LRU list, so a full table evicts the oldest unused one
 *    in O(1).
 * Bounds: dynamic entries <= cfg.max_entries <= ARP_MAX_ENTRIES, static entries <=
 * ARP_MAX_STATIC, queued packets per neighbour <= cfg.queue_len <= ARP_MAX_QUEUE, requests
 * per resolution or probe <= cfg.max_retries.
 *
 * Callbacks: every path that calls out first finishes its table update and copies what the
 * callback needs (key, MAC, packets) to the stack, and never touches the entry afterwards.
 * So a callback may call arp_lookup, or even a control function, on this same table.
 */
#include "arp.h"

#include "common/net.h"

#include <endian.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#define CHUNK_SHIFT 8
#define CHUNK_SIZE  (1u << CHUNK_SHIFT)
#define MIN_BUCKETS 256u
#define MIN_HEAP    64u
#define NO_HEAP     UINT32_MAX
#define NO_ID       UINT32_MAX /* end of the stale list */
#define NO_STATE    0          /* an entry on the free list */

/* The address as two host-order halves (so that comparing them compares the bytes). */
struct arp_key {
	uint64_t hi, lo;
	uint16_t ifx;
};

struct arp_ent {
	/* what a lookup reads */
	uint64_t hi, lo;           /* struct arp_key, kept unpadded */
	struct arp_ent *hnext;     /* hash chain; free list link while free */
	uint16_t ifx;              /* of the key */
	uint8_t mac[NET_ETH_ALEN]; /* zero while INCOMPLETE */
	uint8_t state;             /* enum arp_state, NO_STATE while free */
	/* the rest */
	bool failed;           /* INCOMPLETE that gave up: fail fast until expiry */
	uint8_t retries;       /* requests sent in this resolution or probe */
	uint8_t qhead, qcount; /* ring of queued packets: oldest at slot qhead */
	uint32_t id;           /* chunk << CHUNK_SHIFT | index: finds the queue slots */
	uint32_t heap_idx;     /* NO_HEAP for static entries */
	uint32_t sprev, snext; /* ids on the stale LRU list, only while STALE */
	uint64_t confirmed_ms; /* last confirmation (creation while INCOMPLETE) */
};
_Static_assert(sizeof(struct arp_ent) == 64, "an entry is one cache line");

/* The deadline is kept in the heap slot so that sifting does not touch the entries. */
struct heap_item {
	uint64_t deadline;
	struct arp_ent *e;
};

struct arp_table {
	struct arp_config cfg;
	bool v6; /* the family, for the table's life */
	union {
		struct arp_ops v4;
		struct arp6_ops v6;
	} ops;
	void *ctx;

	struct arp_ent **buckets;
	uint32_t bucket_mask;
	uint64_t seed; /* key_hash's secret */

	struct arp_ent **chunks;
	uint32_t nchunks, max_chunks;
	struct arp_ent *free;

	struct heap_item *heap;
	uint32_t heap_n, heap_cap;

	uint32_t stale_head, stale_tail; /* ids; head = longest stale, evicted first */

	uint32_t ndyn, nstatic, nincomplete;
	uint64_t gen;        /* arp_generation */
	struct arp_stats st; /* only the event counters; entry counts come from the fields above */
};

/* ---- keys and validation ---- */

/* now + ms, saturating below UINT64_MAX (which arp_next_deadline reserves for "none"). */
static uint64_t after(uint64_t now, uint32_t ms)
{
	return now < UINT64_MAX - 1 - ms ? now + ms : UINT64_MAX - 1;
}

#define V4_MAPPED 0x0000ffff00000000ull /* the low half of ::ffff:0.0.0.0 */

static struct arp_key key4(uint16_t ifx, uint32_t ip)
{
	return (struct arp_key){.hi = 0, .lo = V4_MAPPED | ip, .ifx = ifx};
}

static struct arp_key key6(uint16_t ifx, const struct in6_addr *ip)
{
	uint64_t hi, lo;
	memcpy(&hi, ip->s6_addr, 8);
	memcpy(&lo, ip->s6_addr + 8, 8);
	return (struct arp_key){.hi = be64toh(hi), .lo = be64toh(lo), .ifx = ifx};
}

static struct in6_addr key_ip6(struct arp_key k)
{
	struct in6_addr a;
	uint64_t hi = htobe64(k.hi), lo = htobe64(k.lo);
	memcpy(a.s6_addr, &hi, 8);
	memcpy(a.s6_addr + 8, &lo, 8);
	return a;
}

static uint32_t key_ip4(struct arp_key k)
{
	return (uint32_t)k.lo;
}

static struct arp_key entry_key(const struct arp_ent *e)
{
	return (struct arp_key){.hi = e->hi, .lo = e->lo, .ifx = e->ifx};
}

/* lo first: it tells the entries of a chain apart at once. */
static bool entry_is(const struct arp_ent *e, struct arp_key k)
{
	return e->lo == k.lo && e->hi == k.hi && e->ifx == k.ifx;
}

/* Ascending (ifx, address bytes): the walks' order for both families. */
static int key_cmp(struct arp_key a, struct arp_key b)
{
	if (a.ifx != b.ifx)
		return a.ifx < b.ifx ? -1 : 1;
	if (a.hi != b.hi)
		return a.hi < b.hi ? -1 : 1;
	return (a.lo > b.lo) - (a.lo < b.lo);
}

/*
 * For an IPv4 key hi is 0 and net_hash64(0) is 0, which the compiler folds: one hash, as
 * when the key was ifx << 32 | ip. ifx goes into bits the v4-mapped low half leaves 0.
 * seed: the table's secret, so that a host choosing its addresses (an IPv6 host has a
 * whole /64 to choose from) cannot aim them all at one bucket: net_hash64 is invertible.
 */
static inline uint64_t key_hash(uint64_t seed, struct arp_key k)
{
	return net_hash64(k.lo ^ (uint64_t)k.ifx << 48 ^ net_hash64(k.hi) ^ seed);
}

static bool valid_ifx(uint16_t ifx)
{
	return ifx >= 1 && ifx <= ARP_MAX_IFX;
}

static bool valid_neighbour_ip(uint32_t ip)
{
	return ip != 0 && ip != 0xffffffffu && !net_ip_is_mcast(ip);
}

/* v4-mapped addresses never appear on the wire, and refusing them keeps IPv4 keys out of
 * an IPv6 table. */
static bool valid_neighbour_ip6(const struct in6_addr *ip)
{
	struct arp_key k = key6(0, ip);
	return !net_ip6_is_zero(ip) && !net_ip6_is_loopback(ip) && !net_ip6_is_mcast(ip) &&
	       !(k.hi == 0 && (k.lo >> 32) == 0xffff);
}

static bool valid_neighbour_mac(const uint8_t *mac)
{
	return mac && !net_mac_is_zero(mac) && !net_mac_is_mcast(mac);
}

/* The checks of an IPv4 call: the table's family, the interface and the neighbour. */
static bool args_ok4(const struct arp_table *t, uint16_t ifx, uint32_t ip)
{
	return !t->v6 && valid_ifx(ifx) && valid_neighbour_ip(ip);
}

static bool args_ok6(const struct arp_table *t, uint16_t ifx, const struct in6_addr *ip)
{
	return t->v6 && valid_ifx(ifx) && ip && valid_neighbour_ip6(ip);
}

/* ---- callbacks: always called with stack copies, after the table is consistent ---- */

static void send_request(struct arp_table *t, struct arp_key k, const uint8_t *dst_mac)
{
	t->st.requests_sent++;
	if (t->v6) {
		struct in6_addr ip = key_ip6(k);
		if (t->ops.v6.solicit)
			t->ops.v6.solicit(t->ctx, k.ifx, &ip, dst_mac);
	} else if (t->ops.v4.solicit) {
		t->ops.v4.solicit(t->ctx, k.ifx, key_ip4(k), dst_mac);
	}
}

static void hand_resolved(const struct arp_table *t, struct arp_key k, const uint8_t *mac,
                          void *const *pkts, unsigned n)
{
	struct in6_addr ip = key_ip6(k);
	for (unsigned i = 0; i < n; i++) {
		if (t->v6 && t->ops.v6.resolved)
			t->ops.v6.resolved(t->ctx, k.ifx, &ip, mac, pkts[i]);
		else if (!t->v6 && t->ops.v4.resolved)
			t->ops.v4.resolved(t->ctx, k.ifx, key_ip4(k), mac, pkts[i]);
	}
}

static void hand_drops(const struct arp_table *t, struct arp_key k, void *const *pkts, unsigned n,
                       enum arp_drop_reason why)
{
	struct in6_addr ip = key_ip6(k);
	for (unsigned i = 0; i < n; i++) {
		if (t->v6 && t->ops.v6.drop)
			t->ops.v6.drop(t->ctx, k.ifx, &ip, pkts[i], why);
		else if (!t->v6 && t->ops.v4.drop)
			t->ops.v4.drop(t->ctx, k.ifx, key_ip4(k), pkts[i], why);
	}
}

/* ---- hash ---- */

static struct arp_ent **bucket_of(const struct arp_table *t, struct arp_key k)
{
	return &t->buckets[key_hash(t->seed, k) & t->bucket_mask];
}

static struct arp_ent *find(const struct arp_table *t, struct arp_key k)
{
	struct arp_ent *e = *bucket_of(t, k);
	while (e && !entry_is(e, k))
		e = e->hnext;
	return e;
}

static void hash_insert(struct arp_table *t, struct arp_ent *e)
{
	struct arp_ent **b = bucket_of(t, entry_key(e));
	e->hnext = *b;
	*b = e;
}

static void hash_unlink(struct arp_table *t, struct arp_ent *e)
{
	struct arp_ent **pp = bucket_of(t, entry_key(e));
	while (*pp != e)
		pp = &(*pp)->hnext;
	*pp = e->hnext;
}

/* Doubles the bucket array; on allocation failure the table just runs at a higher load. */
static void hash_grow(struct arp_table *t)
{
	uint32_t old_n = t->bucket_mask + 1, new_n = old_n * 2;
	struct arp_ent **nb = calloc(new_n, sizeof(*nb));
	if (!nb)
		return;
	struct arp_ent **ob = t->buckets;
	t->buckets = nb;
	t->bucket_mask = new_n - 1;
	for (uint32_t i = 0; i < old_n; i++) {
		struct arp_ent *e = ob[i];
		while (e) {
			struct arp_ent *next = e->hnext;
			hash_insert(t, e);
			e = next;
		}
	}
	free(ob);
}

/* ---- deadline heap ---- */

static void heap_place(struct arp_table *t, uint32_t i, struct heap_item it)
{
	t->heap[i] = it;
	it.e->heap_idx = i;
}

static void heap_sift_up(struct arp_table *t, uint32_t i)
{
	struct heap_item it = t->heap[i];
	while (i > 0) {
		uint32_t parent = (i - 1) / 2;
		if (t->heap[parent].deadline <= it.deadline)
			break;
		heap_place(t, i, t->heap[parent]);
		i = parent;
	}
	heap_place(t, i, it);
}

static void heap_sift_down(struct arp_table *t, uint32_t i)
{
	struct heap_item it = t->heap[i];
	for (;;) {
		uint32_t c = 2 * i + 1;
		if (c >= t->heap_n)
			break;
		if (c + 1 < t->heap_n && t->heap[c + 1].deadline < t->heap[c].deadline)
			c++;
		if (it.deadline <= t->heap[c].deadline)
			break;
		heap_place(t, i, t->heap[c]);
		i = c;
	}
	heap_place(t, i, it);
}

/* Capacity is reserved beforehand by reserve_room, so this cannot fail. */
static void heap_insert(struct arp_table *t, struct arp_ent *e, uint64_t deadline)
{
	uint32_t i = t->heap_n++;
	heap_place(t, i, (struct heap_item){deadline, e});
	heap_sift_up(t, i);
}

static void heap_remove(struct arp_table *t, struct arp_ent *e)
{
	uint32_t i = e->heap_idx;
	uint32_t last = --t->heap_n;
	e->heap_idx = NO_HEAP;
	if (i == last)
		return;
	heap_place(t, i, t->heap[last]);
	if (i > 0 && t->heap[(i - 1) / 2].deadline > t->heap[i].deadline)
		heap_sift_up(t, i);
	else
		heap_sift_down(t, i);
}

static void heap_reschedule(struct arp_table *t, struct arp_ent *e, uint64_t deadline)
{
	uint32_t i = e->heap_idx;
	uint64_t old = t->heap[i].deadline;
	t->heap[i].deadline = deadline;
	if (deadline < old)
		heap_sift_up(t, i);
	else
		heap_sift_down(t, i);
}

static bool heap_reserve(struct arp_table *t)
{
	if (t->heap_n < t->heap_cap)
		return true;
	uint32_t cap = t->heap_cap ? t->heap_cap * 2 : MIN_HEAP;
	if (cap > t->cfg.max_entries)
		cap = t->cfg.max_entries;
	struct heap_item *h = realloc(t->heap, (size_t)cap * sizeof(*h));
	if (!h)
		return false;
	t->heap = h;
	t->heap_cap = cap;
	return true;
}

/* ---- entries by id ---- */

static struct arp_ent *entry_by_id(const struct arp_table *t, uint32_t id)
{
	return t->chunks[id >> CHUNK_SHIFT] + (id & (CHUNK_SIZE - 1));
}

/* The chunk's queue slots follow its entries, cfg.queue_len per entry. */
static void **queue_slots(const struct arp_table *t, const struct arp_ent *e)
{
	void **slots = (void **)(t->chunks[e->id >> CHUNK_SHIFT] + CHUNK_SIZE);
	return slots + (size_t)(e->id & (CHUNK_SIZE - 1)) * t->cfg.queue_len;
}

/* ---- stale LRU list ---- */

static void stale_append(struct arp_table *t, struct arp_ent *e)
{
	e->snext = NO_ID;
	e->sprev = t->stale_tail;
	if (t->stale_tail != NO_ID)
		entry_by_id(t, t->stale_tail)->snext = e->id;
	else
		t->stale_head = e->id;
	t->stale_tail = e->id;
}

static void stale_unlink(struct arp_table *t, struct arp_ent *e)
{
	if (e->sprev != NO_ID)
		entry_by_id(t, e->sprev)->snext = e->snext;
	else
		t->stale_head = e->snext;
	if (e->snext != NO_ID)
		entry_by_id(t, e->snext)->sprev = e->sprev;
	else
		t->stale_tail = e->sprev;
	e->sprev = e->snext = NO_ID;
}

/* Every state change goes through here so the stale list and counters cannot drift. */
static void set_state(struct arp_table *t, struct arp_ent *e, uint8_t s)
{
	if (e->state == ARP_STALE)
		stale_unlink(t, e);
	if (e->state == ARP_INCOMPLETE)
		t->nincomplete--;
	e->state = s;
	if (s == ARP_STALE)
		stale_append(t, e);
	if (s == ARP_INCOMPLETE)
		t->nincomplete++;
}

/* ---- per-neighbour packet queue ---- */

/* Queues pkt; returns the oldest packet pushed out by a full ring, else NULL. */
static void *queue_push(const struct arp_table *t, struct arp_ent *e, void *pkt)
{
	uint8_t len = t->cfg.queue_len;
	void **q = queue_slots(t, e);
	if (e->qcount < len) {
		q[(e->qhead + e->qcount) % len] = pkt;
		e->qcount++;
		return NULL;
	}
	void *oldest = q[e->qhead];
	q[e->qhead] = pkt;
	e->qhead = (uint8_t)((e->qhead + 1) % len);
	return oldest;
}

/* Empties the queue into out (room for ARP_MAX_QUEUE) in arrival order. */
static unsigned queue_take(const struct arp_table *t, struct arp_ent *e, void **out)
{
	unsigned n = e->qcount;
	void **q = queue_slots(t, e);
	for (unsigned i = 0; i < n; i++)
		out[i] = q[(e->qhead + i) % t->cfg.queue_len];
	e->qhead = e->qcount = 0;
	return n;
}

/* ---- entry pool ---- */

/* Line-aligned, so that each entry is exactly one cache line. */
static bool pool_grow(struct arp_table *t)
{
	if (t->nchunks == t->max_chunks)
		return false;
	size_t bytes = CHUNK_SIZE * sizeof(struct arp_ent) +
	               (size_t)CHUNK_SIZE * t->cfg.queue_len * sizeof(void *);
	size_t line = sizeof(struct arp_ent);
	struct arp_ent *c = aligned_alloc(line, (bytes + line - 1) / line * line);
	if (!c)
		return false;
	uint32_t base = t->nchunks << CHUNK_SHIFT;
	for (uint32_t i = CHUNK_SIZE; i-- > 0;) {
		c[i] = (struct arp_ent){.id = base | i, .hnext = t->free, .heap_idx = NO_HEAP};
		t->free = &c[i];
	}
	t->chunks[t->nchunks++] = c;
	return true;
}

/*
 * Makes sure one more entry (and, for a dynamic one, its heap slot) can be inserted
 * without failing halfway. Growing the buckets is best effort.
 */
static bool reserve_room(struct arp_table *t, bool dynamic)
{
	if (!t->free && !pool_grow(t))
		return false;
	if (dynamic && !heap_reserve(t))
		return false;
	if (t->ndyn + t->nstatic >= t->bucket_mask + 1)
		hash_grow(t);
	return true;
}

/* Takes a free entry and hashes it in; room must have been reserved. */
static struct arp_ent *entry_new(struct arp_table *t, struct arp_key k, uint8_t state, uint64_t now)
{
	struct arp_ent *e = t->free;
	t->free = e->hnext;
	*e = (struct arp_ent){.hi = k.hi,
	                      .lo = k.lo,
	                      .ifx = k.ifx,
	                      .id = e->id,
	                      .confirmed_ms = now,
	                      .heap_idx = NO_HEAP,
	                      .sprev = NO_ID,
	                      .snext = NO_ID};
	set_state(t, e, state);
	if (state == ARP_STATIC)
		t->nstatic++;
	else
		t->ndyn++;
	hash_insert(t, e);
	return e;
}

/* Takes the entry out of the heap, the stale list and the counts; it stays hashed. */
static void entry_detach(struct arp_table *t, struct arp_ent *e)
{
	if (e->state == ARP_STATIC)
		t->nstatic--;
	else
		t->ndyn--;
	set_state(t, e, NO_STATE);
	if (e->heap_idx != NO_HEAP)
		heap_remove(t, e);
}

static void entry_free(struct arp_table *t, struct arp_ent *e)
{
	e->state = NO_STATE;
	e->hnext = t->free;
	t->free = e;
}

/* Removes an entry whose queue is empty (callers take the packets first). */
static void entry_remove(struct arp_table *t, struct arp_ent *e)
{
	hash_unlink(t, e);
	entry_detach(t, e);
	entry_free(t, e);
}

/* Room for one more dynamic entry: under max_entries, or by evicting the longest-stale one. */
static bool dynamic_room(struct arp_table *t)
{
	if (t->ndyn < t->cfg.max_entries)
		return true;
	if (t->stale_head == NO_ID)
		return false;
	t->st.expired++;
	entry_remove(t, entry_by_id(t, t->stale_head)); /* STALE entries hold no packets */
	return true;
}

static struct arp_ent *dynamic_new(struct arp_table *t, struct arp_key k, uint8_t state,
                                   uint64_t deadline, uint64_t now)
{
	if (!dynamic_room(t) || !reserve_room(t, true))
		return NULL;
	struct arp_ent *e = entry_new(t, k, state, now);
	heap_insert(t, e, deadline);
	return e;
}

/* ---- create / destroy ---- */

void arp_config_default(struct arp_config *cfg)
{
	*cfg = (struct arp_config){
	    .reachable_ms = 30000,
	    .stale_ms = 600000,
	    .retrans_ms = 1000,
	    .max_retries = 3,
	    .queue_len = 4,
	    .max_entries = 65536,
	    .failed_hold_ms = 1000,
	};
}

void arp6_config_default(struct arp_config *cfg)
{
	arp_config_default(cfg);
	cfg->delay_ms = 5000;
}

/* Values that would make the state machine spin or the bounds meaningless. */
static bool config_ok(const struct arp_config *c)
{
	return c->retrans_ms > 0 && c->max_retries > 0 && c->queue_len > 0 &&
	       c->queue_len <= ARP_MAX_QUEUE && c->max_entries > 0 &&
	       c->max_entries <= ARP_MAX_ENTRIES;
}

/* The table without its family: cfg already defaulted, ops and family set by the caller. */
static struct arp_table *table_new(const struct arp_config *cfg, void *ctx)
{
	if (!config_ok(cfg))
		return NULL;
	struct arp_table *t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->cfg = *cfg;
	t->ctx = ctx;
	if (getrandom(&t->seed, sizeof(t->seed), GRND_NONBLOCK) != sizeof(t->seed))
		t->seed =
		    (uint64_t)(uintptr_t)t ^ 0x9e3779b97f4a7c15ull; /* no entropy yet: ASLR's */
	t->stale_head = t->stale_tail = NO_ID;
	t->max_chunks = (cfg->max_entries + ARP_MAX_STATIC + CHUNK_SIZE - 1) / CHUNK_SIZE;
	t->chunks = calloc(t->max_chunks, sizeof(*t->chunks));
	t->buckets = calloc(MIN_BUCKETS, sizeof(*t->buckets));
	t->bucket_mask = MIN_BUCKETS - 1;
	if (!t->chunks || !t->buckets) {
		free(t->chunks);
		free(t->buckets);
		free(t);
		return NULL;
	}
	return t;
}

struct arp_table *arp_table_create(const struct arp_config *cfg, const struct arp_ops *ops,
                                   void *ctx)
{
	struct arp_config def;
	arp_config_default(&def);
	struct arp_table *t = table_new(cfg ? cfg : &def, ctx);
	if (!t)
		return NULL;
	t->cfg.delay_ms = 0; /* DELAY is IPv6's: an IPv4 entry goes from STALE to PROBE */
	if (ops)
		t->ops.v4 = *ops;
	return t;
}

struct arp_table *arp6_table_create(const struct arp_config *cfg, const struct arp6_ops *ops,
                                    void *ctx)
{
	struct arp_config def;
	arp6_config_default(&def);
	struct arp_table *t = table_new(cfg ? cfg : &def, ctx);
	if (!t)
		return NULL;
	t->v6 = true;
	if (ops)
		t->ops.v6 = *ops;
	return t;
}

static bool entry_matches(const struct arp_ent *e, uint16_t ifx, bool statics_too)
{
	if (ifx && e->ifx != ifx)
		return false;
	return statics_too || e->state != ARP_STATIC;
}

/*
 * Two phases so drop callbacks never run while the buckets are being walked: first unlink
 * every victim onto a private list, then free them one by one and hand their packets back.
 */
static void remove_matching(struct arp_table *t, uint16_t ifx, bool statics_too)
{
	struct arp_ent *dying = NULL;
	for (uint32_t b = 0; b <= t->bucket_mask; b++) {
		struct arp_ent **pp = &t->buckets[b];
		while (*pp) {
			struct arp_ent *e = *pp;
			if (!entry_matches(e, ifx, statics_too)) {
				pp = &e->hnext;
				continue;
			}
			*pp = e->hnext;
			entry_detach(t, e);
			e->hnext = dying;
			dying = e;
		}
	}
	while (dying) {
		struct arp_ent *e = dying;
		void *pkts[ARP_MAX_QUEUE];
		dying = e->hnext;
		unsigned n = queue_take(t, e, pkts);
		struct arp_key k = entry_key(e);
		entry_free(t, e);
		hand_drops(t, k, pkts, n, ARP_DROP_FLUSHED);
	}
}

void arp_table_destroy(struct arp_table *t)
{
	if (!t)
		return;
	remove_matching(t, 0, true);
	for (uint32_t i = 0; i < t->nchunks; i++)
		free(t->chunks[i]);
	free(t->chunks);
	free(t->buckets);
	free(t->heap);
	free(t);
}

/* ---- data plane ---- */

/* Confirm a neighbour with unicast requests, the first on the next tick. */
static void start_probe(struct arp_table *t, struct arp_ent *e, uint64_t now)
{
	set_state(t, e, ARP_PROBE);
	e->retries = 0;
	heap_reschedule(t, e, after(now, 0));
}

/* A STALE entry was used: IPv6 waits delay_ms for an upper-layer confirmation (RFC 4861
 * 7.3.3) before probing; IPv4 (delay_ms 0) probes at once. */
static void stale_used(struct arp_table *t, struct arp_ent *e, uint64_t now)
{
	if (!t->cfg.delay_ms) {
		start_probe(t, e, now);
		return;
	}
	set_state(t, e, ARP_DELAY);
	heap_reschedule(t, e, after(now, t->cfg.delay_ms));
}

/* The full hash, not the bucket: it stays right when the table grows between stages. */
uint64_t arp_prefetch(const struct arp_table *t, uint16_t ifx, uint32_t ip)
{
	uint64_t hash = key_hash(t->seed, key4(ifx, ip));
	__builtin_prefetch(&t->buckets[hash & t->bucket_mask]);
	return hash;
}

void arp_prefetch_entry(const struct arp_table *t, uint64_t hash)
{
	__builtin_prefetch(t->buckets[hash & t->bucket_mask]);
}

/*
 * No separate argument check: an invalid ifx or ip never gets an entry, so it misses. Nor
 * a family check: an IPv6 table holds no v4-mapped key, so an IPv4 key misses there too.
 */
static const uint8_t *lookup_at(struct arp_table *t, struct arp_key k, struct arp_ent *e,
                                uint64_t now_ms)
{
	while (e && !entry_is(e, k))
		e = e->hnext;
	if (!e || e->state == ARP_INCOMPLETE)
		return NULL;
	if (e->state == ARP_STALE)
		stale_used(t, e, now_ms);
	return e->mac;
}

const uint8_t *arp_lookup(struct arp_table *t, uint16_t ifx, uint32_t ip, uint64_t now_ms)
{
	struct arp_key k = key4(ifx, ip);
	return lookup_at(t, k, *bucket_of(t, k), now_ms);
}

const uint8_t *arp_lookup_hashed(struct arp_table *t, uint16_t ifx, uint32_t ip, uint64_t hash,
                                 uint64_t now_ms)
{
	return lookup_at(t, key4(ifx, ip), t->buckets[hash & t->bucket_mask], now_ms);
}

/* An IPv4 table may hold the v4-mapped form of ip: the family is checked here. */
uint64_t arp6_prefetch(const struct arp_table *t, uint16_t ifx, const struct in6_addr *ip)
{
	uint64_t hash = key_hash(t->seed, key6(ifx, ip));
	__builtin_prefetch(&t->buckets[hash & t->bucket_mask]);
	return hash;
}

const uint8_t *arp6_lookup_hashed(struct arp_table *t, uint16_t ifx, const struct in6_addr *ip,
                                  uint64_t hash, uint64_t now_ms)
{
	if (!t->v6)
		return NULL;
	return lookup_at(t, key6(ifx, ip), t->buckets[hash & t->bucket_mask], now_ms);
}

const uint8_t *arp6_lookup(struct arp_table *t, uint16_t ifx, const struct in6_addr *ip,
                           uint64_t now_ms)
{
	if (!t->v6 || !ip)
		return NULL;
	struct arp_key k = key6(ifx, ip);
	return lookup_at(t, k, *bucket_of(t, k), now_ms);
}

static void queue_packet(struct arp_table *t, struct arp_ent *e, void *pkt)
{
	if (!pkt)
		return;
	void *oldest = queue_push(t, e, pkt);
	if (oldest) {
		t->st.queue_drops++;
		hand_drops(t, entry_key(e), &oldest, 1, ARP_DROP_QUEUE_FULL);
	}
}

static int resolve_new(struct arp_table *t, struct arp_key k, void *pkt, uint64_t now)
{
	struct arp_ent *e = dynamic_new(t, k, ARP_INCOMPLETE, after(now, t->cfg.retrans_ms), now);
	if (!e) {
		t->st.full_drops++;
		return ARP_RES_NOMEM;
	}
	e->retries = 1;
	if (pkt)
		queue_push(t, e, pkt); /* a new ring is never full */
	send_request(t, k, NULL);
	return ARP_RES_QUEUED;
}

/* The caller raced with a resolution: give the packet straight back as resolved. */
static int resolve_usable(struct arp_table *t, struct arp_ent *e, void *pkt, uint64_t now)
{
	uint8_t mac[NET_ETH_ALEN];
	if (e->state == ARP_STALE)
		stale_used(t, e, now);
	memcpy(mac, e->mac, sizeof(mac));
	if (pkt)
		hand_resolved(t, entry_key(e), mac, &pkt, 1);
	return ARP_RES_QUEUED;
}

static int resolve(struct arp_table *t, struct arp_key k, void *pkt, uint64_t now_ms)
{
	struct arp_ent *e = find(t, k);
	if (!e)
		return resolve_new(t, k, pkt, now_ms);
	if (e->state != ARP_INCOMPLETE)
		return resolve_usable(t, e, pkt, now_ms);
	if (e->failed)
		return ARP_RES_FAILED;
	queue_packet(t, e, pkt);
	return ARP_RES_QUEUED;
}

int arp_resolve(struct arp_table *t, uint16_t ifx, uint32_t ip, void *pkt, uint64_t now_ms)
{
	if (!args_ok4(t, ifx, ip))
		return ARP_RES_FAILED;
	return resolve(t, key4(ifx, ip), pkt, now_ms);
}

int arp6_resolve(struct arp_table *t, uint16_t ifx, const struct in6_addr *ip, void *pkt,
                 uint64_t now_ms)
{
	if (!args_ok6(t, ifx, ip))
		return ARP_RES_FAILED;
	return resolve(t, key6(ifx, ip), pkt, now_ms);
}

/* ---- learning ---- */

/* No longer known reachable: removed unless used within stale_ms of since. */
static void go_stale(struct arp_table *t, struct arp_ent *e, uint64_t since)
{
	set_state(t, e, ARP_STALE);
	heap_reschedule(t, e, after(since, t->cfg.stale_ms));
}

/*
 * The entry takes mac (when given) and a dynamic state with its timer: REACHABLE for
 * reachable_ms, STALE for stale_ms. A resolution in progress or failed ends.
 */
static void settle(struct arp_table *t, struct arp_ent *e, const uint8_t *mac, uint8_t state,
                   uint64_t now)
{
	if (mac)
		memcpy(e->mac, mac, NET_ETH_ALEN);
	set_state(t, e, state);
	e->failed = false;
	e->retries = 0;
	e->confirmed_ms = now;
	uint32_t ms = state == ARP_REACHABLE ? t->cfg.reachable_ms : t->cfg.stale_ms;
	heap_reschedule(t, e, after(now, ms));
}

static int learn_new(struct arp_table *t, struct arp_key k, const uint8_t *mac, uint8_t state,
                     uint64_t now)
{
	/* a placeholder deadline: settle sets the state's own */
	struct arp_ent *e = dynamic_new(t, k, state, UINT64_MAX - 1, now);
	if (!e) {
		t->st.full_drops++;
		return ARP_LEARN_FULL;
	}
	settle(t, e, mac, state, now);
	t->st.learned++;
	return ARP_LEARN_NEW;
}

/* An INCOMPLETE entry got its MAC: its queued packets leave. */
static int learn_resolve(struct arp_table *t, struct arp_ent *e, const uint8_t *mac, uint8_t state,
                         uint64_t now)
{
	void *pkts[ARP_MAX_QUEUE];
	uint8_t mac_copy[NET_ETH_ALEN];
	settle(t, e, mac, state, now);
	unsigned n = queue_take(t, e, pkts);
	memcpy(mac_copy, mac, sizeof(mac_copy));
	t->st.learned++;
	hand_resolved(t, entry_key(e), mac_copy, pkts, n);
	return ARP_LEARN_RESOLVED;
}

/* A usable entry takes mac in state; says whether the MAC changed. */
static int learn_update(struct arp_table *t, struct arp_ent *e, const uint8_t *mac, uint8_t state,
                        uint64_t now)
{
	bool changed = mac && !net_mac_eq(e->mac, mac);
	if (changed)
		t->st.changed++;
	settle(t, e, mac, state, now);
	return changed ? ARP_LEARN_CHANGED : ARP_LEARN_REFRESHED;
}

static int learn4(struct arp_table *t, uint16_t ifx, uint32_t ip, const uint8_t *mac,
                  enum arp_learn_mode mode, uint64_t now_ms)
{
	if (!args_ok4(t, ifx, ip) || !valid_neighbour_mac(mac))
		return ARP_LEARN_IGNORED;
	struct arp_key k = key4(ifx, ip);
	struct arp_ent *e = find(t, k);
	if (!e)
		return mode == ARP_LEARN_CREATE ? learn_new(t, k, mac, ARP_REACHABLE, now_ms)
		                                : ARP_LEARN_IGNORED;
	if (e->state == ARP_STATIC)
		return ARP_LEARN_IGNORED;
	if (e->state == ARP_INCOMPLETE)
		return learn_resolve(t, e, mac, ARP_REACHABLE, now_ms);
	return learn_update(t, e, mac, ARP_REACHABLE, now_ms);
}

/* RFC 4861 7.2.3 / 6.2.6: a solicitation's source link-layer address, STALE until
 * confirmed. The same MAC changes nothing. */
static int learn6_solicit(struct arp_table *t, struct arp_key k, struct arp_ent *e,
                          const uint8_t *mac, uint64_t now)
{
	if (!e)
		return learn_new(t, k, mac, ARP_STALE, now);
	if (e->state == ARP_INCOMPLETE)
		return learn_resolve(t, e, mac, ARP_STALE, now);
	if (net_mac_eq(e->mac, mac))
		return ARP_LEARN_IGNORED;
	return learn_update(t, e, mac, ARP_STALE, now);
}

/* RFC 4861 7.2.5: an advertisement for an entry that is not INCOMPLETE. */
static int learn6_advert(struct arp_table *t, struct arp_ent *e, const uint8_t *mac,
                         struct arp6_na_flags na, uint64_t now)
{
	bool differs = mac && !net_mac_eq(e->mac, mac);
	if (differs && !na.override) {
		/* someone else's claim: only doubt the one we have */
		if (e->state == ARP_REACHABLE)
			go_stale(t, e, now);
		return ARP_LEARN_IGNORED;
	}
	if (na.solicited)
		return learn_update(t, e, mac, ARP_REACHABLE, now);
	if (differs)
		return learn_update(t, e, mac, ARP_STALE, now);
	return ARP_LEARN_IGNORED;
}

static int learn6(struct arp_table *t, uint16_t ifx, const struct in6_addr *ip, const uint8_t *mac,
                  enum arp6_learn_kind kind, const struct arp6_na_flags *na, uint64_t now_ms)
{
	if (!args_ok6(t, ifx, ip) || (mac && !valid_neighbour_mac(mac)))
		return ARP_LEARN_IGNORED;
	struct arp_key k = key6(ifx, ip);
	struct arp_ent *e = find(t, k);
	if (e && e->state == ARP_STATIC)
		return ARP_LEARN_IGNORED;
	if (kind == ARP6_LEARN_SOLICIT)
		return mac ? learn6_solicit(t, k, e, mac, now_ms) : ARP_LEARN_IGNORED;
	if (kind != ARP6_LEARN_ADVERT || !e)
		return ARP_LEARN_IGNORED; /* an advertisement never creates an entry */
	struct arp6_na_flags flags = na ? *na : (struct arp6_na_flags){0};
	if (e->state == ARP_INCOMPLETE)
		return mac ? learn_resolve(t, e, mac, flags.solicited ? ARP_REACHABLE : ARP_STALE,
		                           now_ms)
		           : ARP_LEARN_IGNORED;
	return learn6_advert(t, e, mac, flags, now_ms);
}

/* ---- timers ---- */

/* Retries exhausted: drop the queue as unresolved and fail fast for failed_hold_ms. */
static void give_up(struct arp_table *t, struct arp_ent *e, uint64_t now)
{
	void *pkts[ARP_MAX_QUEUE];
	unsigned n = queue_take(t, e, pkts);
	e->failed = true;
	heap_reschedule(t, e, after(now, t->cfg.failed_hold_ms));
	t->st.failed++;
	hand_drops(t, entry_key(e), pkts, n, ARP_DROP_UNRESOLVED);
}

static void fire_incomplete(struct arp_table *t, struct arp_ent *e, uint64_t now)
{
	if (e->failed) {
		entry_remove(t, e); /* hold over; its queue was emptied when it failed */
		return;
	}
	if (e->retries >= t->cfg.max_retries) {
		give_up(t, e, now);
		return;
	}
	e->retries++;
	heap_reschedule(t, e, after(now, t->cfg.retrans_ms));
	send_request(t, entry_key(e), NULL);
}

static void fire_probe(struct arp_table *t, struct arp_ent *e, uint64_t now)
{
	if (e->retries >= t->cfg.max_retries) {
		t->st.expired++;
		entry_remove(t, e);
		return;
	}
	uint8_t mac[NET_ETH_ALEN];
	memcpy(mac, e->mac, sizeof(mac));
	e->retries++;
	heap_reschedule(t, e, after(now, t->cfg.retrans_ms));
	send_request(t, entry_key(e), mac);
}

/*
 * One due entry. Each step either pushes the deadline past now or removes the entry, so
 * arp_tick terminates (retrans_ms > 0, and retries are bounded; DELAY becomes PROBE, due
 * at once). Ageing counts from the due time, so a late tick catches up; requests count
 * from now, so a late tick never sends a burst of them.
 */
static void fire(struct arp_table *t, struct arp_ent *e, uint64_t due, uint64_t now)
{
	switch (e->state) {
	case ARP_INCOMPLETE:
		fire_incomplete(t, e, now);
		break;
	case ARP_REACHABLE:
		go_stale(t, e, due);
		break;
	case ARP_DELAY:
		start_probe(t, e, now);
		break;
	case ARP_PROBE:
		fire_probe(t, e, now);
		break;
	default: /* ARP_STALE: unused for stale_ms */
		t->st.expired++;
		entry_remove(t, e);
		break;
	}
}

void arp_tick(struct arp_table *t, uint64_t now_ms)
{
	while (t->heap_n && t->heap[0].deadline <= now_ms)
		fire(t, t->heap[0].e, t->heap[0].deadline, now_ms);
}

uint64_t arp_next_deadline(const struct arp_table *t)
{
	return t->heap_n ? t->heap[0].deadline : UINT64_MAX;
}

/* ---- static entries and flushing ---- */

static int static_new(struct arp_table *t, struct arp_key k, const uint8_t *mac)
{
	if (t->nstatic >= ARP_MAX_STATIC || !reserve_room(t, false))
		return ARP_E_NOMEM;
	struct arp_ent *e = entry_new(t, k, ARP_STATIC, 0);
	memcpy(e->mac, mac, NET_ETH_ALEN);
	return ARP_OK;
}

/* A dynamic entry becomes static; packets waiting on it leave with the configured MAC. */
static int static_take_over(struct arp_table *t, struct arp_ent *e, const uint8_t *mac)
{
	if (t->nstatic >= ARP_MAX_STATIC)
		return ARP_E_NOMEM;
	void *pkts[ARP_MAX_QUEUE];
	uint8_t mac_copy[NET_ETH_ALEN];
	heap_remove(t, e);
	set_state(t, e, ARP_STATIC);
	t->ndyn--;
	t->nstatic++;
	e->failed = false;
	e->retries = 0;
	memcpy(e->mac, mac, NET_ETH_ALEN);
	unsigned n = queue_take(t, e, pkts);
	memcpy(mac_copy, mac, sizeof(mac_copy));
	hand_resolved(t, entry_key(e), mac_copy, pkts, n);
	return ARP_OK;
}

/* a refresh counts too: it extends how long the entry stays REACHABLE */
static int count_learn(struct arp_table *t, int r)
{
	if (r != ARP_LEARN_IGNORED && r != ARP_LEARN_FULL)
		t->gen++;
	return r;
}

int arp_learn(struct arp_table *t, uint16_t ifx, uint32_t ip, const uint8_t *mac,
              enum arp_learn_mode mode, uint64_t now_ms)
{
	return count_learn(t, learn4(t, ifx, ip, mac, mode, now_ms));
}

int arp6_learn(struct arp_table *t, uint16_t ifx, const struct in6_addr *ip, const uint8_t *mac,
               enum arp6_learn_kind kind, const struct arp6_na_flags *na, uint64_t now_ms)
{
	return count_learn(t, learn6(t, ifx, ip, mac, kind, na, now_ms));
}

/* args_ok: the caller's checks of family, ifx and address passed. */
static int static_add(struct arp_table *t, bool args_ok, struct arp_key k, const uint8_t *mac)
{
	t->gen++;
	if (!args_ok || !valid_neighbour_mac(mac))
		return ARP_E_INVAL;
	struct arp_ent *e = find(t, k);
	if (!e)
		return static_new(t, k, mac);
	if (e->state != ARP_STATIC)
		return static_take_over(t, e, mac);
	memcpy(e->mac, mac, NET_ETH_ALEN);
	return ARP_OK;
}

static int static_del(struct arp_table *t, bool args_ok, struct arp_key k)
{
	t->gen++;
	if (!args_ok)
		return ARP_E_INVAL;
	struct arp_ent *e = find(t, k);
	if (!e || e->state != ARP_STATIC)
		return ARP_E_NOENT;
	entry_remove(t, e);
	return ARP_OK;
}

int arp_static_add(struct arp_table *t, uint16_t ifx, uint32_t ip, const uint8_t *mac)
{
	return static_add(t, args_ok4(t, ifx, ip), key4(ifx, ip), mac);
}

int arp_static_del(struct arp_table *t, uint16_t ifx, uint32_t ip)
{
	return static_del(t, args_ok4(t, ifx, ip), key4(ifx, ip));
}

int arp6_static_add(struct arp_table *t, uint16_t ifx, const struct in6_addr *ip,
                    const uint8_t *mac)
{
	bool ok = args_ok6(t, ifx, ip);
	return static_add(t, ok, ok ? key6(ifx, ip) : (struct arp_key){0}, mac);
}

int arp6_static_del(struct arp_table *t, uint16_t ifx, const struct in6_addr *ip)
{
	bool ok = args_ok6(t, ifx, ip);
	return static_del(t, ok, ok ? key6(ifx, ip) : (struct arp_key){0});
}

void arp_clear_dynamic(struct arp_table *t, uint16_t ifx)
{
	t->gen++;
	if (ifx <= ARP_MAX_IFX)
		remove_matching(t, ifx, false);
}

void arp_flush_if(struct arp_table *t, uint16_t ifx)
{
	t->gen++;
	if (valid_ifx(ifx))
		remove_matching(t, ifx, true);
}

/* ---- introspection ---- */

/* A walk's callback of either family, and its argument. */
struct visitor {
	int (*cb4)(const struct arp_entry_info *e, void *arg);
	int (*cb6)(const struct arp6_entry_info *e, void *arg);
	void *arg;
};

static uint64_t age_of(const struct arp_ent *e, uint64_t now)
{
	return e->state != ARP_STATIC && now > e->confirmed_ms ? now - e->confirmed_ms : 0;
}

static void fill_info4(const struct arp_ent *e, uint64_t now, struct arp_entry_info *info)
{
	*info = (struct arp_entry_info){
	    .ifx = e->ifx,
	    .ip = key_ip4(entry_key(e)),
	    .state = e->state,
	    .age_ms = age_of(e, now),
	    .queued = e->qcount,
	    .retries = e->retries,
	};
	memcpy(info->mac, e->mac, NET_ETH_ALEN);
}

static void fill_info6(const struct arp_ent *e, uint64_t now, struct arp6_entry_info *info)
{
	*info = (struct arp6_entry_info){
	    .ifx = e->ifx,
	    .ip = key_ip6(entry_key(e)),
	    .state = e->state,
	    .age_ms = age_of(e, now),
	    .queued = e->qcount,
	    .retries = e->retries,
	};
	memcpy(info->mac, e->mac, NET_ETH_ALEN);
}

static int visit(const struct arp_ent *e, uint64_t now, const struct visitor *v)
{
	if (v->cb6) {
		struct arp6_entry_info info;
		fill_info6(e, now, &info);
		return v->cb6(&info, v->arg);
	}
	struct arp_entry_info info;
	fill_info4(e, now, &info);
	return v->cb4(&info, v->arg);
}

static int entry_cmp(const void *a, const void *b)
{
	return key_cmp(entry_key(a), entry_key(b));
}

/* The walk visits copies of the entries, so that a callback may change the table. */
static int walk(const struct arp_table *t, uint64_t now_ms, const struct visitor *v)
{
	size_t n = (size_t)t->ndyn + t->nstatic, i = 0;
	if (n == 0)
		return 0;
	struct arp_ent *copy = malloc(n * sizeof(*copy));
	if (!copy)
		return ARP_E_NOMEM;
	for (uint32_t b = 0; b <= t->bucket_mask; b++)
		for (const struct arp_ent *e = t->buckets[b]; e; e = e->hnext)
			copy[i++] = *e;
	qsort(copy, n, sizeof(*copy), entry_cmp);
	int rc = 0;
	for (i = 0; i < n && rc == 0; i++)
		rc = visit(&copy[i], now_ms, v);
	free(copy);
	return rc;
}

/* The chunks in memory order, not the hash chains: sequential reads, no pointer chasing. */
static int foreach (const struct arp_table *t, uint64_t now_ms, const struct visitor *v)
{
	for (uint32_t c = 0; c < t->nchunks; c++) {
		for (const struct arp_ent *e = t->chunks[c]; e < t->chunks[c] + CHUNK_SIZE; e++) {
			if (e->state == NO_STATE)
				continue;
			int rc = visit(e, now_ms, v);
			if (rc)
				return rc;
		}
	}
	return 0;
}

int arp_walk(const struct arp_table *t, uint64_t now_ms,
             int (*cb)(const struct arp_entry_info *e, void *arg), void *arg)
{
	if (!cb || t->v6)
		return ARP_E_INVAL;
	return walk(t, now_ms, &(struct visitor){.cb4 = cb, .arg = arg});
}

int arp6_walk(const struct arp_table *t, uint64_t now_ms,
              int (*cb)(const struct arp6_entry_info *e, void *arg), void *arg)
{
	if (!cb || !t->v6)
		return ARP_E_INVAL;
	return walk(t, now_ms, &(struct visitor){.cb6 = cb, .arg = arg});
}

int arp_foreach(const struct arp_table *t, uint64_t now_ms,
                int (*cb)(const struct arp_entry_info *e, void *arg), void *arg)
{
	if (!cb || t->v6)
		return ARP_E_INVAL;
	return foreach (t, now_ms, &(struct visitor){.cb4 = cb, .arg = arg});
}

int arp6_foreach(const struct arp_table *t, uint64_t now_ms,
                 int (*cb)(const struct arp6_entry_info *e, void *arg), void *arg)
{
	if (!cb || !t->v6)
		return ARP_E_INVAL;
	return foreach (t, now_ms, &(struct visitor){.cb6 = cb, .arg = arg});
}

bool arp_get(const struct arp_table *t, uint16_t ifx, uint32_t ip, uint64_t now_ms,
             struct arp_entry_info *e)
{
	const struct arp_ent *ent = t->v6 ? NULL : find(t, key4(ifx, ip));
	if (!ent)
		return false;
	if (e)
		fill_info4(ent, now_ms, e);
	return true;
}

bool arp6_get(const struct arp_table *t, uint16_t ifx, const struct in6_addr *ip, uint64_t now_ms,
              struct arp6_entry_info *e)
{
	const struct arp_ent *ent = t->v6 && ip ? find(t, key6(ifx, ip)) : NULL;
	if (!ent)
		return false;
	if (e)
		fill_info6(ent, now_ms, e);
	return true;
}

uint64_t arp_generation(const struct arp_table *t)
{
	return t->gen;
}

void arp_get_stats(const struct arp_table *t, struct arp_stats *st)
{
	*st = t->st;
	st->entries = t->ndyn + t->nstatic;
	st->statics = t->nstatic;
	st->incomplete = t->nincomplete;
}
