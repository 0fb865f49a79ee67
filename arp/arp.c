/*
 * arp/arp.c - the neighbour table.
 *
 * Layout, chosen for the packet path (one arp_lookup per routed packet):
 *  - Entries live in fixed-size chunks that never move, so a MAC pointer returned by
 *    arp_lookup stays valid as long as its entry exists. A chunk is allocated only when a
 *    create finds the free list empty (never on lookup) and is kept until destroy, so memory
 *    follows the peak number of neighbours instead of max_entries.
 *  - A chained hash keyed by ifx << 32 | ip (net_hash64), power-of-two buckets doubled on
 *    create when the load passes 1; a lookup is one hash plus a short chain walk.
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

#include <stdlib.h>
#include <string.h>

#define CHUNK_SHIFT 8
#define CHUNK_SIZE  (1u << CHUNK_SHIFT)
#define MIN_BUCKETS 256u
#define MIN_HEAP    64u
#define NO_HEAP     UINT32_MAX
#define NO_STATE    0 /* an entry on the free list */

struct arp_ent {
	uint64_t key;                  /* ifx << 32 | ip */
	struct arp_ent *hnext;         /* hash chain; free list link while free */
	struct arp_ent *sprev, *snext; /* stale LRU list, only while STALE */
	void **q;                      /* cfg.queue_len slots, part of the entry's chunk */
	uint64_t confirmed_ms;         /* last confirmation (creation while INCOMPLETE) */
	uint32_t heap_idx;             /* NO_HEAP for static entries */
	uint8_t mac[NET_ETH_ALEN];     /* zero while INCOMPLETE */
	uint8_t state;                 /* enum arp_state, NO_STATE while free */
	bool failed;                   /* INCOMPLETE that gave up: fail fast until expiry */
	uint8_t retries;               /* requests sent in this resolution or probe */
	uint8_t qhead, qcount;         /* ring of queued packets: oldest at q[qhead] */
};

/* The deadline is kept in the heap slot so that sifting does not touch the entries. */
struct heap_item {
	uint64_t deadline;
	struct arp_ent *e;
};

struct arp_table {
	struct arp_config cfg;
	struct arp_ops ops;
	void *ctx;

	struct arp_ent **buckets;
	uint32_t bucket_mask;

	struct arp_ent **chunks;
	uint32_t nchunks, max_chunks;
	struct arp_ent *free;

	struct heap_item *heap;
	uint32_t heap_n, heap_cap;

	struct arp_ent *stale_head, *stale_tail; /* head = longest stale, evicted first */

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

static uint64_t make_key(uint16_t ifx, uint32_t ip)
{
	return (uint64_t)ifx << 32 | ip;
}

static uint16_t key_ifx(uint64_t key)
{
	return (uint16_t)(key >> 32);
}

static uint32_t key_ip(uint64_t key)
{
	return (uint32_t)key;
}

static bool valid_ifx(uint16_t ifx)
{
	return ifx >= 1 && ifx <= ARP_MAX_IFX;
}

static bool valid_neighbour_ip(uint32_t ip)
{
	return ip != 0 && ip != 0xffffffffu && !net_ip_is_mcast(ip);
}

static bool valid_neighbour_mac(const uint8_t *mac)
{
	return mac && !net_mac_is_zero(mac) && !net_mac_is_mcast(mac);
}

/* ---- callbacks: always called with stack copies, after the table is consistent ---- */

static void send_request(struct arp_table *t, uint64_t key, const uint8_t *dst_mac)
{
	t->st.requests_sent++;
	if (t->ops.solicit)
		t->ops.solicit(t->ctx, key_ifx(key), key_ip(key), dst_mac);
}

static void hand_resolved(const struct arp_table *t, uint64_t key, const uint8_t *mac,
                          void *const *pkts, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (t->ops.resolved)
			t->ops.resolved(t->ctx, key_ifx(key), key_ip(key), mac, pkts[i]);
}

static void hand_drops(const struct arp_table *t, uint64_t key, void *const *pkts, unsigned n,
                       enum arp_drop_reason why)
{
	for (unsigned i = 0; i < n; i++)
		if (t->ops.drop)
			t->ops.drop(t->ctx, key_ifx(key), key_ip(key), pkts[i], why);
}

/* ---- hash ---- */

static struct arp_ent **bucket_of(const struct arp_table *t, uint64_t key)
{
	return &t->buckets[net_hash64(key) & t->bucket_mask];
}

static struct arp_ent *find(const struct arp_table *t, uint64_t key)
{
	struct arp_ent *e = *bucket_of(t, key);
	while (e && e->key != key)
		e = e->hnext;
	return e;
}

static void hash_insert(struct arp_table *t, struct arp_ent *e)
{
	struct arp_ent **b = bucket_of(t, e->key);
	e->hnext = *b;
	*b = e;
}

static void hash_unlink(struct arp_table *t, struct arp_ent *e)
{
	struct arp_ent **pp = bucket_of(t, e->key);
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

/* ---- stale LRU list ---- */

static void stale_append(struct arp_table *t, struct arp_ent *e)
{
	e->snext = NULL;
	e->sprev = t->stale_tail;
	if (t->stale_tail)
		t->stale_tail->snext = e;
	else
		t->stale_head = e;
	t->stale_tail = e;
}

static void stale_unlink(struct arp_table *t, struct arp_ent *e)
{
	if (e->sprev)
		e->sprev->snext = e->snext;
	else
		t->stale_head = e->snext;
	if (e->snext)
		e->snext->sprev = e->sprev;
	else
		t->stale_tail = e->sprev;
	e->sprev = e->snext = NULL;
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
	if (e->qcount < len) {
		e->q[(e->qhead + e->qcount) % len] = pkt;
		e->qcount++;
		return NULL;
	}
	void *oldest = e->q[e->qhead];
	e->q[e->qhead] = pkt;
	e->qhead = (uint8_t)((e->qhead + 1) % len);
	return oldest;
}

/* Empties the queue into out (room for ARP_MAX_QUEUE) in arrival order. */
static unsigned queue_take(const struct arp_table *t, struct arp_ent *e, void **out)
{
	unsigned n = e->qcount;
	for (unsigned i = 0; i < n; i++)
		out[i] = e->q[(e->qhead + i) % t->cfg.queue_len];
	e->qhead = e->qcount = 0;
	return n;
}

/* ---- entry pool ---- */

static bool pool_grow(struct arp_table *t)
{
	if (t->nchunks == t->max_chunks)
		return false;
	size_t qbytes = (size_t)CHUNK_SIZE * t->cfg.queue_len * sizeof(void *);
	struct arp_ent *c = malloc(CHUNK_SIZE * sizeof(*c) + qbytes);
	if (!c)
		return false;
	void **slots = (void **)(c + CHUNK_SIZE);
	for (uint32_t i = CHUNK_SIZE; i-- > 0;) {
		c[i] = (struct arp_ent){.q = slots + (size_t)i * t->cfg.queue_len,
		                        .hnext = t->free,
		                        .heap_idx = NO_HEAP};
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
static struct arp_ent *entry_new(struct arp_table *t, uint64_t key, uint8_t state, uint64_t now)
{
	struct arp_ent *e = t->free;
	t->free = e->hnext;
	void **q = e->q;
	*e = (struct arp_ent){.key = key, .q = q, .confirmed_ms = now, .heap_idx = NO_HEAP};
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
	if (!t->stale_head)
		return false;
	t->st.expired++;
	entry_remove(t, t->stale_head); /* STALE entries hold no packets */
	return true;
}

static struct arp_ent *dynamic_new(struct arp_table *t, uint64_t key, uint8_t state,
                                   uint64_t deadline, uint64_t now)
{
	if (!dynamic_room(t) || !reserve_room(t, true))
		return NULL;
	struct arp_ent *e = entry_new(t, key, state, now);
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

/* Values that would make the state machine spin or the bounds meaningless. */
static bool config_ok(const struct arp_config *c)
{
	return c->retrans_ms > 0 && c->max_retries > 0 && c->queue_len > 0 &&
	       c->queue_len <= ARP_MAX_QUEUE && c->max_entries > 0 &&
	       c->max_entries <= ARP_MAX_ENTRIES;
}

struct arp_table *arp_table_create(const struct arp_config *cfg, const struct arp_ops *ops,
                                   void *ctx)
{
	struct arp_config def;
	arp_config_default(&def);
	if (!cfg)
		cfg = &def;
	if (!config_ok(cfg))
		return NULL;
	struct arp_table *t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->cfg = *cfg;
	if (ops)
		t->ops = *ops;
	t->ctx = ctx;
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

static bool entry_matches(const struct arp_ent *e, uint16_t ifx, bool statics_too)
{
	if (ifx && key_ifx(e->key) != ifx)
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
		uint64_t key = e->key;
		entry_free(t, e);
		hand_drops(t, key, pkts, n, ARP_DROP_FLUSHED);
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

/* A STALE entry was used: confirm it with unicast requests, the first on the next tick. */
static void start_probe(struct arp_table *t, struct arp_ent *e, uint64_t now)
{
	set_state(t, e, ARP_PROBE);
	e->retries = 0;
	heap_reschedule(t, e, after(now, 0));
}

/* The full hash, not the bucket: it stays right when the table grows between stages. */
uint64_t arp_prefetch(const struct arp_table *t, uint16_t ifx, uint32_t ip)
{
	uint64_t hash = net_hash64(make_key(ifx, ip));
	__builtin_prefetch(&t->buckets[hash & t->bucket_mask]);
	return hash;
}

void arp_prefetch_entry(const struct arp_table *t, uint64_t hash)
{
	__builtin_prefetch(t->buckets[hash & t->bucket_mask]);
}

/* No separate argument check: an invalid ifx or ip never gets an entry, so it misses. */
static const uint8_t *lookup_at(struct arp_table *t, uint64_t key, struct arp_ent *e,
                                uint64_t now_ms)
{
	while (e && e->key != key)
		e = e->hnext;
	if (!e || e->state == ARP_INCOMPLETE)
		return NULL;
	if (e->state == ARP_STALE)
		start_probe(t, e, now_ms);
	return e->mac;
}

const uint8_t *arp_lookup(struct arp_table *t, uint16_t ifx, uint32_t ip, uint64_t now_ms)
{
	uint64_t key = make_key(ifx, ip);
	return lookup_at(t, key, *bucket_of(t, key), now_ms);
}

const uint8_t *arp_lookup_hashed(struct arp_table *t, uint16_t ifx, uint32_t ip, uint64_t hash,
                                 uint64_t now_ms)
{
	return lookup_at(t, make_key(ifx, ip), t->buckets[hash & t->bucket_mask], now_ms);
}

static void queue_packet(struct arp_table *t, struct arp_ent *e, void *pkt)
{
	if (!pkt)
		return;
	void *oldest = queue_push(t, e, pkt);
	if (oldest) {
		t->st.queue_drops++;
		hand_drops(t, e->key, &oldest, 1, ARP_DROP_QUEUE_FULL);
	}
}

static int resolve_new(struct arp_table *t, uint64_t key, void *pkt, uint64_t now)
{
	struct arp_ent *e = dynamic_new(t, key, ARP_INCOMPLETE, after(now, t->cfg.retrans_ms), now);
	if (!e) {
		t->st.full_drops++;
		return ARP_RES_NOMEM;
	}
	e->retries = 1;
	if (pkt)
		queue_push(t, e, pkt); /* a new ring is never full */
	send_request(t, key, NULL);
	return ARP_RES_QUEUED;
}

/* The caller raced with a resolution: give the packet straight back as resolved. */
static int resolve_usable(struct arp_table *t, struct arp_ent *e, void *pkt, uint64_t now)
{
	uint8_t mac[NET_ETH_ALEN];
	if (e->state == ARP_STALE)
		start_probe(t, e, now);
	memcpy(mac, e->mac, sizeof(mac));
	if (pkt)
		hand_resolved(t, e->key, mac, &pkt, 1);
	return ARP_RES_QUEUED;
}

int arp_resolve(struct arp_table *t, uint16_t ifx, uint32_t ip, void *pkt, uint64_t now_ms)
{
	if (!valid_ifx(ifx) || !valid_neighbour_ip(ip))
		return ARP_RES_FAILED;
	uint64_t key = make_key(ifx, ip);
	struct arp_ent *e = find(t, key);
	if (!e)
		return resolve_new(t, key, pkt, now_ms);
	if (e->state != ARP_INCOMPLETE)
		return resolve_usable(t, e, pkt, now_ms);
	if (e->failed)
		return ARP_RES_FAILED;
	queue_packet(t, e, pkt);
	return ARP_RES_QUEUED;
}

/* ---- learning ---- */

static void confirm(struct arp_table *t, struct arp_ent *e, const uint8_t *mac, uint64_t now)
{
	memcpy(e->mac, mac, NET_ETH_ALEN);
	set_state(t, e, ARP_REACHABLE);
	e->failed = false;
	e->retries = 0;
	e->confirmed_ms = now;
	heap_reschedule(t, e, after(now, t->cfg.reachable_ms));
}

static int learn_new(struct arp_table *t, uint64_t key, const uint8_t *mac, uint64_t now)
{
	struct arp_ent *e =
	    dynamic_new(t, key, ARP_REACHABLE, after(now, t->cfg.reachable_ms), now);
	if (!e) {
		t->st.full_drops++;
		return ARP_LEARN_FULL;
	}
	memcpy(e->mac, mac, NET_ETH_ALEN);
	t->st.learned++;
	return ARP_LEARN_NEW;
}

static int learn_resolve(struct arp_table *t, struct arp_ent *e, const uint8_t *mac, uint64_t now)
{
	void *pkts[ARP_MAX_QUEUE];
	uint8_t mac_copy[NET_ETH_ALEN];
	uint64_t key = e->key;
	confirm(t, e, mac, now);
	unsigned n = queue_take(t, e, pkts);
	memcpy(mac_copy, mac, sizeof(mac_copy));
	t->st.learned++;
	hand_resolved(t, key, mac_copy, pkts, n);
	return ARP_LEARN_RESOLVED;
}

static int learn_refresh(struct arp_table *t, struct arp_ent *e, const uint8_t *mac, uint64_t now)
{
	bool changed = !net_mac_eq(e->mac, mac);
	if (changed)
		t->st.changed++;
	confirm(t, e, mac, now);
	return changed ? ARP_LEARN_CHANGED : ARP_LEARN_REFRESHED;
}

static int learn(struct arp_table *t, uint16_t ifx, uint32_t ip, const uint8_t *mac,
                 enum arp_learn_mode mode, uint64_t now_ms)
{
	if (!valid_ifx(ifx) || !valid_neighbour_ip(ip) || !valid_neighbour_mac(mac))
		return ARP_LEARN_IGNORED;
	uint64_t key = make_key(ifx, ip);
	struct arp_ent *e = find(t, key);
	if (!e)
		return mode == ARP_LEARN_CREATE ? learn_new(t, key, mac, now_ms)
		                                : ARP_LEARN_IGNORED;
	if (e->state == ARP_STATIC)
		return ARP_LEARN_IGNORED;
	if (e->state == ARP_INCOMPLETE)
		return learn_resolve(t, e, mac, now_ms);
	return learn_refresh(t, e, mac, now_ms);
}

/* ---- timers ---- */

/* Retries exhausted: drop the queue as unresolved and fail fast for failed_hold_ms. */
static void give_up(struct arp_table *t, struct arp_ent *e, uint64_t now)
{
	void *pkts[ARP_MAX_QUEUE];
	uint64_t key = e->key;
	unsigned n = queue_take(t, e, pkts);
	e->failed = true;
	heap_reschedule(t, e, after(now, t->cfg.failed_hold_ms));
	t->st.failed++;
	hand_drops(t, key, pkts, n, ARP_DROP_UNRESOLVED);
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
	send_request(t, e->key, NULL);
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
	send_request(t, e->key, mac);
}

/*
 * One due entry. Each step either pushes the deadline past now or removes the entry, so
 * arp_tick terminates (retrans_ms > 0, and retries are bounded). Ageing counts from the
 * due time, so a late tick catches up; requests count from now, so a late tick never
 * sends a burst of them.
 */
static void fire(struct arp_table *t, struct arp_ent *e, uint64_t due, uint64_t now)
{
	switch (e->state) {
	case ARP_INCOMPLETE:
		fire_incomplete(t, e, now);
		break;
	case ARP_REACHABLE:
		set_state(t, e, ARP_STALE);
		heap_reschedule(t, e, after(due, t->cfg.stale_ms));
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

static int static_new(struct arp_table *t, uint64_t key, const uint8_t *mac)
{
	if (t->nstatic >= ARP_MAX_STATIC || !reserve_room(t, false))
		return ARP_E_NOMEM;
	struct arp_ent *e = entry_new(t, key, ARP_STATIC, 0);
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
	hand_resolved(t, e->key, mac_copy, pkts, n);
	return ARP_OK;
}

int arp_learn(struct arp_table *t, uint16_t ifx, uint32_t ip, const uint8_t *mac,
              enum arp_learn_mode mode, uint64_t now_ms)
{
	int r = learn(t, ifx, ip, mac, mode, now_ms);
	/* a refresh counts too: it extends how long the entry stays REACHABLE */
	if (r != ARP_LEARN_IGNORED && r != ARP_LEARN_FULL)
		t->gen++;
	return r;
}

int arp_static_add(struct arp_table *t, uint16_t ifx, uint32_t ip, const uint8_t *mac)
{
	t->gen++;
	if (!valid_ifx(ifx) || !valid_neighbour_ip(ip) || !valid_neighbour_mac(mac))
		return ARP_E_INVAL;
	uint64_t key = make_key(ifx, ip);
	struct arp_ent *e = find(t, key);
	if (!e)
		return static_new(t, key, mac);
	if (e->state != ARP_STATIC)
		return static_take_over(t, e, mac);
	memcpy(e->mac, mac, NET_ETH_ALEN);
	return ARP_OK;
}

int arp_static_del(struct arp_table *t, uint16_t ifx, uint32_t ip)
{
	t->gen++;
	if (!valid_ifx(ifx) || !valid_neighbour_ip(ip))
		return ARP_E_INVAL;
	struct arp_ent *e = find(t, make_key(ifx, ip));
	if (!e || e->state != ARP_STATIC)
		return ARP_E_NOENT;
	entry_remove(t, e);
	return ARP_OK;
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

static void fill_info(const struct arp_ent *e, uint64_t now, struct arp_entry_info *info)
{
	*info = (struct arp_entry_info){
	    .ifx = key_ifx(e->key),
	    .ip = key_ip(e->key),
	    .state = e->state,
	    .queued = e->qcount,
	    .retries = e->retries,
	};
	memcpy(info->mac, e->mac, NET_ETH_ALEN);
	if (e->state != ARP_STATIC && now > e->confirmed_ms)
		info->age_ms = now - e->confirmed_ms;
}

static int info_cmp(const void *a, const void *b)
{
	const struct arp_entry_info *x = a, *y = b;
	uint64_t kx = make_key(x->ifx, x->ip), ky = make_key(y->ifx, y->ip);
	return (kx > ky) - (kx < ky);
}

int arp_walk(const struct arp_table *t, uint64_t now_ms,
             int (*cb)(const struct arp_entry_info *e, void *arg), void *arg)
{
	size_t n = (size_t)t->ndyn + t->nstatic, i = 0;
	if (!cb)
		return ARP_E_INVAL;
	if (n == 0)
		return 0;
	struct arp_entry_info *v = malloc(n * sizeof(*v));
	if (!v)
		return ARP_E_NOMEM;
	for (uint32_t b = 0; b <= t->bucket_mask; b++)
		for (const struct arp_ent *e = t->buckets[b]; e; e = e->hnext)
			fill_info(e, now_ms, &v[i++]);
	qsort(v, n, sizeof(*v), info_cmp);
	int rc = 0;
	for (i = 0; i < n && rc == 0; i++)
		rc = cb(&v[i], arg);
	free(v);
	return rc;
}

/* The chunks in memory order, not the hash chains: sequential reads, no pointer chasing. */
int arp_foreach(const struct arp_table *t, uint64_t now_ms,
                int (*cb)(const struct arp_entry_info *e, void *arg), void *arg)
{
	if (!cb)
		return ARP_E_INVAL;
	for (uint32_t c = 0; c < t->nchunks; c++) {
		for (const struct arp_ent *e = t->chunks[c]; e < t->chunks[c] + CHUNK_SIZE; e++) {
			if (e->state == NO_STATE)
				continue;
			struct arp_entry_info info;
			fill_info(e, now_ms, &info);
			int rc = cb(&info, arg);
			if (rc)
				return rc;
		}
	}
	return 0;
}

bool arp_get(const struct arp_table *t, uint16_t ifx, uint32_t ip, uint64_t now_ms,
             struct arp_entry_info *e)
{
	const struct arp_ent *ent = find(t, make_key(ifx, ip));
	if (!ent)
		return false;
	if (e)
		fill_info(ent, now_ms, e);
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
