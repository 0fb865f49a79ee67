/*
 * vxlan/bd.c - bridge domains, their peers and the shared MAC table.
 *
 * Data layout, chosen for the per-packet calls (bd_by_vni, bd_peer_accept, bd_mac_learn,
 * bd_mac_lookup):
 *  - bridge domains live in a fixed array indexed by bdx; free indexes are kept on a stack;
 *  - id -> bdx and vni -> bdx are small open-addressing maps (linear probing);
 *  - flood peers and learned peers are sorted arrays searched by bisection;
 *  - every MAC of every bridge domain sits in ONE open-addressing table keyed by
 *    (bdx << 48 | mac), sized once at create time to at most half full, so a lookup is one
 *    hash and, on average, little more than one probe.
 * Deletion everywhere is by backward shift (no tombstones), so probe sequences stay as
 * short under churn as in a freshly built table.
 */
#include "vxlan/bd.h"

#include "common/net.h"
#include "vxlan/vtep.h"
#include "vxlan/vxlan.h"

#include <stdlib.h>
#include <string.h>

/* ---- small sorted-array helpers ---- */

/* Index of the first element >= v in the ascending array a[0..n): for the sorted peer
 * (u32) and port (u16) arrays. */
#define BD_LOWER_BOUND(name, type)                                                                 \
	static uint32_t name(const type *a, uint32_t n, type v)                                    \
	{                                                                                          \
		uint32_t lo = 0, hi = n;                                                           \
		while (lo < hi) {                                                                  \
			uint32_t mid = lo + (hi - lo) / 2;                                         \
			if (a[mid] < v)                                                            \
				lo = mid + 1;                                                      \
			else                                                                       \
				hi = mid;                                                          \
		}                                                                                  \
		return lo;                                                                         \
	}
BD_LOWER_BOUND(lower_bound_u32, uint32_t)
BD_LOWER_BOUND(lower_bound_u16, uint16_t)

static bool sorted_contains(const uint32_t *a, uint32_t n, uint32_t v)
{
	uint32_t i = lower_bound_u32(a, n, v);
	return i < n && a[i] == v;
}

/*
 * A VTEP: a unicast IPv4 host (not 0/8, not multicast, not 240/4, broadcast included) or an
 * IPv6 VTEP's name (vxlan/vtep.h), but not VX_VTEP6_UNKNOWN: it names no one in particular.
 */
static bool vtep_is_valid(uint32_t v)
{
	if (v >= VX_VTEP6_FIRST && v <= VX_VTEP6_LAST)
		return true;
	return (v >> 24) != 0 && !net_ip_is_mcast(v) && (v >> 28) != 0xf;
}

static bool mac_is_learnable(const uint8_t *mac)
{
	/* Broadcast has the group bit set, so the multicast test covers it. */
	return !net_mac_is_mcast(mac) && !net_mac_is_zero(mac);
}

/* ---- u32 -> bdx maps (ids and VNIs, both never 0) ---- */

#define IDX_MAP_SLOTS (2 * BD_MAX) /* at most half full: BD_MAX keys */
#define IDX_MAP_MASK  (IDX_MAP_SLOTS - 1)

struct idx_map {
	uint32_t key[IDX_MAP_SLOTS]; /* 0 = empty */
	uint16_t val[IDX_MAP_SLOTS];
};

static size_t idx_map_home(uint32_t key)
{
	return net_hash32(key) & IDX_MAP_MASK;
}

/* Slot of key, or the empty slot that ends its probe sequence. */
static size_t idx_map_find(const struct idx_map *m, uint32_t key)
{
	size_t i = idx_map_home(key);
	while (m->key[i] != key && m->key[i] != 0)
		i = (i + 1) & IDX_MAP_MASK;
	return i;
}

static uint32_t idx_map_get(const struct idx_map *m, uint32_t key)
{
	size_t i = idx_map_find(m, key);
	return m->key[i] == key ? m->val[i] : BD_NONE;
}

static void idx_map_put(struct idx_map *m, uint32_t key, uint32_t bdx)
{
	size_t i = idx_map_find(m, key);
	m->key[i] = key;
	m->val[i] = (uint16_t)bdx;
}

/*
 * Backward-shift deletion: an entry at pos (home slot home) may move back into the hole
 * unless its home lies cyclically in (hole, pos], where it would become unreachable.
 */
static bool may_fill_hole(size_t home, size_t pos, size_t hole, size_t mask)
{
	return ((pos - home) & mask) >= ((pos - hole) & mask);
}

static void idx_map_del(struct idx_map *m, uint32_t key)
{
	size_t hole = idx_map_find(m, key);
	if (m->key[hole] != key)
		return;
	for (size_t j = (hole + 1) & IDX_MAP_MASK; m->key[j] != 0; j = (j + 1) & IDX_MAP_MASK) {
		if (may_fill_hole(idx_map_home(m->key[j]), j, hole, IDX_MAP_MASK)) {
			m->key[hole] = m->key[j];
			m->val[hole] = m->val[j];
			hole = j;
		}
	}
	m->key[hole] = 0;
}

/* ---- tables ---- */

/* MAC table slot: 16 bytes, four to a cache line. */
struct mac_slot {
	uint64_t key;    /* MAC_KEY_USED | bdx << 48 | mac; 0 = empty */
	uint32_t vtep;   /* host order */
	uint32_t seen_s; /* last refresh in whole seconds of now_ms; SEEN_STATIC for static */
};

/* Set in every stored key so that no real (bdx, mac) key equals the empty marker 0. */
#define MAC_KEY_USED (1ull << 63)
#define SEEN_STATIC  UINT32_MAX

struct bd {
	bool in_use;
	uint32_t id, vni, flood_group;
	uint32_t mac_aging, mac_limit;
	uint32_t n_dynamic, n_static;
	uint32_t n_peers;
	uint32_t *peers; /* BD_PEERS_MAX slots once the first peer is added, sorted */
	uint32_t n_learned;
	uint32_t *learned;      /* BD_LEARNED_PEERS_MAX slots while a flood group is set */
	uint64_t *learned_seen; /* parallel to learned: last packet, ms */
	uint32_t n_ports;
	uint16_t *ports; /* BD_PORTS_MAX slots once the first port is added, sorted */
};

struct bd_table {
	/* hot: MAC table */
	struct mac_slot *slots;
	size_t mask;
	size_t mac_capacity;
	size_t n_macs;
	uint64_t mac_gen; /* bd_mac_generation */
	struct bd_mac_stats stats;

	struct bd bds[BD_MAX];
	uint32_t free_bdx[BD_MAX]; /* stack of unused indexes, lowest on top initially */
	uint32_t n_free;
	struct idx_map by_id;
	struct idx_map by_vni;
	struct idx_map by_port; /* local port -> its bridge domain */
	uint32_t n_ports;       /* in by_port: at most BD_MAX, which keeps it half empty */
};

static uint64_t mac_key(uint32_t bdx, const uint8_t *mac)
{
	return MAC_KEY_USED | (uint64_t)bdx << 48 | net_mac_to_u64(mac);
}

static uint32_t key_bdx(uint64_t key)
{
	return (uint32_t)(key >> 48) & 0x7fff;
}

static uint64_t key_mac(uint64_t key)
{
	return key & 0xffffffffffffull;
}

static size_t mac_home(const struct bd_table *t, uint64_t key)
{
	return (size_t)net_hash64(key) & t->mask;
}

/* Slot holding key, probing from its home slot i, or the empty slot where it would go. */
static size_t mac_find_from(const struct bd_table *t, uint64_t key, size_t i)
{
	while (t->slots[i].key != key && t->slots[i].key != 0)
		i = (i + 1) & t->mask;
	return i;
}

/* Slot holding key, or the empty slot where it would be inserted. */
static size_t mac_find(const struct bd_table *t, uint64_t key)
{
	return mac_find_from(t, key, mac_home(t, key));
}

static size_t slots_for_capacity(size_t capacity)
{
	size_t n = 16;
	while (n < 2 * capacity)
		n <<= 1;
	return n;
}

struct bd_table *bd_table_create(size_t mac_capacity)
{
	if (mac_capacity == 0 || mac_capacity > BD_MAC_CAPACITY_MAX)
		return NULL;
	struct bd_table *t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	size_t n_slots = slots_for_capacity(mac_capacity);
	t->slots = calloc(n_slots, sizeof(*t->slots));
	if (!t->slots) {
		free(t);
		return NULL;
	}
	t->mask = n_slots - 1;
	t->mac_capacity = mac_capacity;
	for (uint32_t i = 0; i < BD_MAX; i++)
		t->free_bdx[i] = BD_MAX - 1 - i;
	t->n_free = BD_MAX;
	return t;
}

static void bd_free_arrays(struct bd *bd)
{
	free(bd->peers);
	free(bd->learned);
	free(bd->learned_seen);
	free(bd->ports);
}

void bd_table_destroy(struct bd_table *t)
{
	if (!t)
		return;
	for (uint32_t i = 0; i < BD_MAX; i++)
		bd_free_arrays(&t->bds[i]);
	free(t->slots);
	free(t);
}

const char *bd_strerror(int err)
{
	switch (err) {
	case BD_OK:
		return "success";
	case BD_E_INVAL:
		return "invalid value";
	case BD_E_EXISTS:
		return "already exists";
	case BD_E_NOENT:
		return "no such entry";
	case BD_E_FULL:
		return "table full";
	case BD_E_NOMEM:
		return "out of memory";
	default:
		return "unknown error";
	}
}

/* ---- MAC table internals ---- */

/* Empties slot hole and shifts later members of its cluster back (no tombstones). */
static void mac_erase_slot(struct bd_table *t, size_t hole)
{
	struct mac_slot *s = t->slots;
	for (size_t j = (hole + 1) & t->mask; s[j].key != 0; j = (j + 1) & t->mask) {
		if (may_fill_hole(mac_home(t, s[j].key), j, hole, t->mask)) {
			s[hole] = s[j];
			hole = j;
		}
	}
	memset(&s[hole], 0, sizeof(s[hole]));
}

static void mac_remove(struct bd_table *t, size_t i)
{
	struct bd *bd = &t->bds[key_bdx(t->slots[i].key)];
	if (t->slots[i].seen_s == SEEN_STATIC)
		bd->n_static--;
	else
		bd->n_dynamic--;
	t->n_macs--;
	t->mac_gen++;
	mac_erase_slot(t, i);
}

static void mac_store(struct bd_table *t, struct mac_slot *s, uint64_t key, uint32_t vtep,
                      uint32_t seen_s)
{
	struct bd *bd = &t->bds[key_bdx(key)];
	s->key = key;
	s->vtep = vtep;
	s->seen_s = seen_s;
	if (seen_s == SEEN_STATIC)
		bd->n_static++;
	else
		bd->n_dynamic++;
	t->n_macs++;
	t->mac_gen++;
}

/* Whole seconds: what aging needs, and it keeps a slot at 16 bytes. */
static uint32_t ms_to_seen(uint64_t now_ms)
{
	uint64_t s = now_ms / 1000;
	return s < SEEN_STATIC ? (uint32_t)s : SEEN_STATIC - 1;
}

/* What a sweep over the MAC table removes. */
struct mac_sweep {
	uint32_t bdx;     /* BD_NONE = every bridge domain */
	bool statics_too; /* bd_del: everything goes */
	bool by_age;      /* only dynamic entries idle for longer than their BD's aging */
	uint32_t now_s;
	uint32_t dest; /* 0, or only the entries bound to this port */
};

/*
 * Idle time is measured in whole seconds, so an entry goes after more than aging and at
 * most aging + 1 seconds without traffic: never early.
 */
static bool mac_expired(const struct bd_table *t, const struct mac_slot *s, uint32_t now_s)
{
	uint32_t aging = t->bds[key_bdx(s->key)].mac_aging;
	return aging != 0 && now_s > s->seen_s && now_s - s->seen_s > aging;
}

static bool sweep_matches(const struct bd_table *t, const struct mac_sweep *sw,
                          const struct mac_slot *s)
{
	if (s->key == 0)
		return false;
	if (sw->bdx != BD_NONE && key_bdx(s->key) != sw->bdx)
		return false;
	if (sw->dest && s->vtep != sw->dest)
		return false;
	if (s->seen_s == SEEN_STATIC)
		return sw->statics_too;
	return !sw->by_age || mac_expired(t, s, sw->now_s);
}

/*
 * Removes matching entries in one pass. After a removal the same index is examined again,
 * since backward shift may have moved a not-yet-examined entry into it; entries are only
 * ever shifted toward the hole, so none is skipped.
 */
static size_t mac_sweep(struct bd_table *t, const struct mac_sweep *sw)
{
	size_t removed = 0;
	for (size_t i = 0; i <= t->mask;) {
		if (sweep_matches(t, sw, &t->slots[i])) {
			mac_remove(t, i);
			removed++;
		} else {
			i++;
		}
	}
	return removed;
}

static void mac_flush_bd(struct bd_table *t, uint32_t bdx)
{
	const struct bd *bd = &t->bds[bdx];
	if (bd->n_dynamic + bd->n_static == 0)
		return;
	struct mac_sweep sw = {.bdx = bdx, .statics_too = true};
	mac_sweep(t, &sw);
}

/* ---- configuration ---- */

static bool bd_id_is_valid(uint32_t id)
{
	return id >= 1 && id <= BD_ID_MAX;
}

static struct bd *bd_of_bdx(const struct bd_table *t, uint32_t bdx)
{
	if (bdx >= BD_MAX || !t->bds[bdx].in_use)
		return NULL;
	/* One lookup serves const readers and configuration calls alike. */
	return (struct bd *)&t->bds[bdx];
}

/* The bridge domain of a configuration call: BD_E_INVAL / BD_E_NOENT when there is none. */
static int bd_of_id(const struct bd_table *t, uint32_t id, struct bd **out)
{
	if (!bd_id_is_valid(id))
		return BD_E_INVAL;
	*out = bd_of_bdx(t, idx_map_get(&t->by_id, id));
	return *out ? BD_OK : BD_E_NOENT;
}

int bd_add(struct bd_table *t, uint32_t id)
{
	if (!bd_id_is_valid(id))
		return BD_E_INVAL;
	if (idx_map_get(&t->by_id, id) != BD_NONE)
		return BD_E_EXISTS;
	if (t->n_free == 0)
		return BD_E_FULL;
	uint32_t bdx = t->free_bdx[--t->n_free];
	struct bd *bd = &t->bds[bdx];
	*bd = (struct bd){
	    .in_use = true,
	    .id = id,
	    .mac_aging = BD_MAC_AGING_DEFAULT,
	    .mac_limit = BD_MAC_LIMIT_DEFAULT,
	};
	idx_map_put(&t->by_id, id, bdx);
	return BD_OK;
}

static void learned_peers_release(struct bd *bd)
{
	free(bd->learned);
	free(bd->learned_seen);
	bd->learned = NULL;
	bd->learned_seen = NULL;
	bd->n_learned = 0;
}

int bd_del(struct bd_table *t, uint32_t id)
{
	struct bd *bd;
	int err = bd_of_id(t, id, &bd);
	if (err)
		return err;
	uint32_t bdx = (uint32_t)(bd - t->bds);
	mac_flush_bd(t, bdx);
	for (uint32_t i = 0; i < bd->n_ports; i++)
		idx_map_del(&t->by_port, bd->ports[i]);
	t->n_ports -= bd->n_ports;
	idx_map_del(&t->by_id, id);
	if (bd->vni)
		idx_map_del(&t->by_vni, bd->vni);
	bd_free_arrays(bd);
	memset(bd, 0, sizeof(*bd));
	t->free_bdx[t->n_free++] = bdx;
	return BD_OK;
}

int bd_set_vni(struct bd_table *t, uint32_t id, uint32_t vni)
{
	struct bd *bd;
	int err = bd_of_id(t, id, &bd);
	if (err)
		return err;
	if (vni > VX_VNI_MAX)
		return BD_E_INVAL;
	if (vni == bd->vni)
		return BD_OK;
	if (vni && idx_map_get(&t->by_vni, vni) != BD_NONE)
		return BD_E_EXISTS;
	if (bd->vni)
		idx_map_del(&t->by_vni, bd->vni);
	if (vni)
		idx_map_put(&t->by_vni, vni, (uint32_t)(bd - t->bds));
	bd->vni = vni;
	return BD_OK;
}

/* A VTEP that becomes a configured peer is no longer listed as learned. */
static void learned_peer_forget(struct bd *bd, uint32_t vtep)
{
	uint32_t i = lower_bound_u32(bd->learned, bd->n_learned, vtep);
	if (i == bd->n_learned || bd->learned[i] != vtep)
		return;
	size_t tail = bd->n_learned - i - 1;
	memmove(&bd->learned[i], &bd->learned[i + 1], tail * sizeof(*bd->learned));
	memmove(&bd->learned_seen[i], &bd->learned_seen[i + 1], tail * sizeof(*bd->learned_seen));
	bd->n_learned--;
}

int bd_flood_peer_add(struct bd_table *t, uint32_t id, uint32_t vtep)
{
	struct bd *bd;
	int err = bd_of_id(t, id, &bd);
	if (err)
		return err;
	if (!vtep_is_valid(vtep))
		return BD_E_INVAL;
	uint32_t i = lower_bound_u32(bd->peers, bd->n_peers, vtep);
	if (i < bd->n_peers && bd->peers[i] == vtep)
		return BD_E_EXISTS;
	if (bd->n_peers == BD_PEERS_MAX)
		return BD_E_FULL;
	if (!bd->peers && !(bd->peers = malloc(BD_PEERS_MAX * sizeof(*bd->peers))))
		return BD_E_NOMEM;
	memmove(&bd->peers[i + 1], &bd->peers[i], (bd->n_peers - i) * sizeof(*bd->peers));
	bd->peers[i] = vtep;
	bd->n_peers++;
	learned_peer_forget(bd, vtep);
	return BD_OK;
}

int bd_flood_peer_del(struct bd_table *t, uint32_t id, uint32_t vtep)
{
	struct bd *bd;
	int err = bd_of_id(t, id, &bd);
	if (err)
		return err;
	uint32_t i = lower_bound_u32(bd->peers, bd->n_peers, vtep);
	if (i == bd->n_peers || bd->peers[i] != vtep)
		return BD_E_NOENT;
	memmove(&bd->peers[i], &bd->peers[i + 1], (bd->n_peers - i - 1) * sizeof(*bd->peers));
	bd->n_peers--;
	return BD_OK;
}

/* Learned-peer storage is allocated here, at configuration time, never per packet. */
static int learned_peers_reserve(struct bd *bd)
{
	if (bd->learned)
		return BD_OK;
	bd->learned = malloc(BD_LEARNED_PEERS_MAX * sizeof(*bd->learned));
	bd->learned_seen = malloc(BD_LEARNED_PEERS_MAX * sizeof(*bd->learned_seen));
	if (!bd->learned || !bd->learned_seen) {
		learned_peers_release(bd);
		return BD_E_NOMEM;
	}
	return BD_OK;
}

int bd_set_flood_group(struct bd_table *t, uint32_t id, uint32_t group)
{
	struct bd *bd;
	int err = bd_of_id(t, id, &bd);
	if (err)
		return err;
	if (group != 0 && !vx_vtep_is_group(group))
		return BD_E_INVAL;
	if (group == bd->flood_group)
		return BD_OK; /* a config reload re-applying the same group keeps what was learned
		               */
	if (group == 0) {
		learned_peers_release(bd);
	} else {
		if ((err = learned_peers_reserve(bd)) != BD_OK)
			return err;
		bd->n_learned = 0; /* peers learned from another group are not this group's */
	}
	bd->flood_group = group;
	return BD_OK;
}

int bd_set_mac_aging(struct bd_table *t, uint32_t id, uint32_t seconds)
{
	struct bd *bd;
	int err = bd_of_id(t, id, &bd);
	if (err)
		return err;
	if (seconds > BD_MAC_AGING_MAX)
		return BD_E_INVAL;
	bd->mac_aging = seconds;
	return BD_OK;
}

int bd_set_mac_limit(struct bd_table *t, uint32_t id, uint32_t limit)
{
	struct bd *bd;
	int err = bd_of_id(t, id, &bd);
	if (err)
		return err;
	if (limit < 1 || limit > BD_MAC_LIMIT_MAX)
		return BD_E_INVAL;
	bd->mac_limit = limit;
	return BD_OK;
}

/* ---- lookups ---- */

uint32_t bd_index(const struct bd_table *t, uint32_t id)
{
	if (!bd_id_is_valid(id))
		return BD_NONE;
	return idx_map_get(&t->by_id, id);
}

uint32_t bd_by_vni(const struct bd_table *t, uint32_t vni)
{
	if (vni == 0 || vni > VX_VNI_MAX)
		return BD_NONE;
	return idx_map_get(&t->by_vni, vni);
}

uint32_t bd_id(const struct bd_table *t, uint32_t bdx)
{
	const struct bd *bd = bd_of_bdx(t, bdx);
	return bd ? bd->id : 0;
}

uint32_t bd_vni(const struct bd_table *t, uint32_t bdx)
{
	const struct bd *bd = bd_of_bdx(t, bdx);
	return bd ? bd->vni : 0;
}

uint32_t bd_flood_group(const struct bd_table *t, uint32_t bdx)
{
	const struct bd *bd = bd_of_bdx(t, bdx);
	return bd ? bd->flood_group : 0;
}

/* Records a VTEP heard on the flood group; false when the learned set is full. */
static bool learned_peer_touch(struct bd *bd, uint32_t vtep, uint64_t now_ms)
{
	uint32_t i = lower_bound_u32(bd->learned, bd->n_learned, vtep);
	if (i < bd->n_learned && bd->learned[i] == vtep) {
		bd->learned_seen[i] = now_ms;
		return true;
	}
	if (bd->n_learned == BD_LEARNED_PEERS_MAX || !vtep_is_valid(vtep))
		return false;
	size_t tail = bd->n_learned - i;
	memmove(&bd->learned[i + 1], &bd->learned[i], tail * sizeof(*bd->learned));
	memmove(&bd->learned_seen[i + 1], &bd->learned_seen[i], tail * sizeof(*bd->learned_seen));
	bd->learned[i] = vtep;
	bd->learned_seen[i] = now_ms;
	bd->n_learned++;
	return true;
}

bool bd_peer_accept(struct bd_table *t, uint32_t bdx, uint32_t vtep, uint64_t now_ms)
{
	struct bd *bd = bd_of_bdx(t, bdx);
	if (!bd)
		return false;
	if (sorted_contains(bd->peers, bd->n_peers, vtep))
		return true;
	return bd->flood_group != 0 && learned_peer_touch(bd, vtep, now_ms);
}

size_t bd_flood_peers(const struct bd_table *t, uint32_t bdx, const uint32_t **peers)
{
	const struct bd *bd = bd_of_bdx(t, bdx);
	if (!bd) {
		*peers = NULL;
		return 0;
	}
	*peers = bd->peers;
	return bd->n_peers;
}

/* ---- local ports ---- */

int bd_port_add(struct bd_table *t, uint32_t id, uint16_t port)
{
	struct bd *bd;
	int err = bd_of_id(t, id, &bd);
	if (err)
		return err;
	if (port == 0)
		return BD_E_INVAL;
	uint32_t bdx = (uint32_t)(bd - t->bds), at = idx_map_get(&t->by_port, port);
	if (at != BD_NONE)
		return at == bdx ? BD_OK : BD_E_EXISTS;
	/* by_port is sized for BD_MAX keys: a full one would never end a probe */
	if (bd->n_ports == BD_PORTS_MAX || t->n_ports == BD_MAX)
		return BD_E_FULL;
	if (!bd->ports && !(bd->ports = malloc(BD_PORTS_MAX * sizeof(*bd->ports))))
		return BD_E_NOMEM;
	uint32_t i = lower_bound_u16(bd->ports, bd->n_ports, port);
	memmove(&bd->ports[i + 1], &bd->ports[i], (bd->n_ports - i) * sizeof(*bd->ports));
	bd->ports[i] = port;
	bd->n_ports++;
	t->n_ports++;
	idx_map_put(&t->by_port, port, bdx);
	return BD_OK;
}

int bd_port_del(struct bd_table *t, uint32_t id, uint16_t port)
{
	struct bd *bd;
	int err = bd_of_id(t, id, &bd);
	if (err)
		return err;
	uint32_t bdx = (uint32_t)(bd - t->bds);
	if (port == 0 || idx_map_get(&t->by_port, port) != bdx)
		return BD_E_NOENT;
	uint32_t i = lower_bound_u16(bd->ports, bd->n_ports, port);
	memmove(&bd->ports[i], &bd->ports[i + 1], (bd->n_ports - i - 1) * sizeof(*bd->ports));
	bd->n_ports--;
	t->n_ports--;
	idx_map_del(&t->by_port, port);
	mac_sweep(t, &(struct mac_sweep){.bdx = bdx, .statics_too = true, .dest = port});
	return BD_OK;
}

size_t bd_ports(const struct bd_table *t, uint32_t bdx, const uint16_t **ports)
{
	const struct bd *bd = bd_of_bdx(t, bdx);
	*ports = bd ? bd->ports : NULL;
	return bd ? bd->n_ports : 0;
}

uint32_t bd_port_bdx(const struct bd_table *t, uint16_t port)
{
	return port ? idx_map_get(&t->by_port, port) : BD_NONE;
}

size_t bd_mac_flush_port(struct bd_table *t, uint16_t port)
{
	uint32_t bdx = bd_port_bdx(t, port);
	if (bdx == BD_NONE)
		return 0;
	size_t n = mac_sweep(t, &(struct mac_sweep){.bdx = bdx, .dest = port});
	t->stats.port_flushed += n;
	return n;
}

/* ---- MAC table ---- */

static int mac_refresh(struct bd_table *t, struct mac_slot *s, uint32_t vtep, uint32_t now_s)
{
	if (s->seen_s == SEEN_STATIC) {
		if (s->vtep != vtep)
			t->stats.static_conflicts++;
		return BD_MAC_STATIC;
	}
	if (s->vtep != vtep) {
		s->vtep = vtep;
		s->seen_s = now_s;
		t->stats.moved++;
		t->mac_gen++;
		return BD_MAC_MOVED;
	}
	/* Write only when the second changes: keeps the line clean for lookups on other cores. */
	if (s->seen_s != now_s)
		s->seen_s = now_s;
	return BD_MAC_REFRESHED;
}

static int mac_learn_new(struct bd_table *t, struct mac_slot *s, uint64_t key, uint32_t vtep,
                         uint32_t now_s)
{
	const struct bd *bd = &t->bds[key_bdx(key)];
	if (bd->n_dynamic >= bd->mac_limit) {
		t->stats.limit_drops++;
		return BD_MAC_LIMIT;
	}
	if (t->n_macs >= t->mac_capacity) {
		t->stats.full_drops++;
		return BD_MAC_FULL;
	}
	mac_store(t, s, key, vtep, now_s);
	t->stats.learned++;
	return BD_MAC_NEW;
}

int bd_mac_learn(struct bd_table *t, uint32_t bdx, const uint8_t *mac, uint32_t vtep,
                 uint64_t now_ms)
{
	if (!mac_is_learnable(mac))
		return BD_MAC_INVALID;
	if (!bd_of_bdx(t, bdx) || vtep == 0)
		return BD_E_INVAL;
	uint64_t key = mac_key(bdx, mac);
	struct mac_slot *s = &t->slots[mac_find(t, key)];
	uint32_t now_s = ms_to_seen(now_ms);
	if (s->key == key)
		return mac_refresh(t, s, vtep, now_s);
	return mac_learn_new(t, s, key, vtep, now_s);
}

/*
 * Hot path. MAC_KEY_USED makes every searched key non-zero, so the probe loop needs no
 * separate validity test of bdx or mac: an unknown one simply reaches an empty slot.
 */
uint64_t bd_mac_prefetch(const struct bd_table *t, uint32_t bdx, const uint8_t *mac)
{
	uint64_t hash = net_hash64(mac_key(bdx, mac));
	__builtin_prefetch(&t->slots[hash & t->mask]);
	return hash;
}

bool bd_mac_lookup_hashed(const struct bd_table *t, uint32_t bdx, const uint8_t *mac, uint64_t hash,
                          uint32_t *vtep)
{
	uint64_t key = mac_key(bdx, mac);
	const struct mac_slot *s = &t->slots[mac_find_from(t, key, hash & t->mask)];
	if (s->key != key)
		return false;
	*vtep = s->vtep;
	return true;
}

bool bd_mac_lookup(const struct bd_table *t, uint32_t bdx, const uint8_t *mac, uint32_t *vtep)
{
	uint64_t key = mac_key(bdx, mac);
	const struct mac_slot *s = &t->slots[mac_find(t, key)];
	if (s->key != key)
		return false;
	*vtep = s->vtep;
	return true;
}

int bd_mac_static_add(struct bd_table *t, uint32_t id, const uint8_t *mac, uint32_t vtep)
{
	struct bd *bd;
	int err = bd_of_id(t, id, &bd);
	if (err)
		return err;
	uint32_t bdx = (uint32_t)(bd - t->bds);
	bool port_ok = bd_dest_is_port(vtep) && idx_map_get(&t->by_port, vtep) == bdx;
	if (!mac_is_learnable(mac) || !(vtep_is_valid(vtep) || port_ok))
		return BD_E_INVAL;
	uint64_t key = mac_key(bdx, mac);
	struct mac_slot *s = &t->slots[mac_find(t, key)];
	if (s->key == key) {
		/* Re-configured static (new VTEP) or a dynamic entry promoted to static. */
		if (s->seen_s != SEEN_STATIC) {
			bd->n_dynamic--;
			bd->n_static++;
		}
		s->vtep = vtep;
		s->seen_s = SEEN_STATIC;
		t->mac_gen++;
		return BD_OK;
	}
	if (t->n_macs >= t->mac_capacity)
		return BD_E_FULL;
	mac_store(t, s, key, vtep, SEEN_STATIC);
	return BD_OK;
}

int bd_mac_static_del(struct bd_table *t, uint32_t id, const uint8_t *mac)
{
	struct bd *bd;
	int err = bd_of_id(t, id, &bd);
	if (err)
		return err;
	uint64_t key = mac_key((uint32_t)(bd - t->bds), mac);
	size_t i = mac_find(t, key);
	if (t->slots[i].key != key || t->slots[i].seen_s != SEEN_STATIC)
		return BD_E_NOENT;
	mac_remove(t, i);
	return BD_OK;
}

void bd_mac_clear_dynamic(struct bd_table *t, uint32_t id)
{
	struct mac_sweep sw = {.bdx = BD_NONE};
	if (id != 0) {
		sw.bdx = bd_index(t, id);
		if (sw.bdx == BD_NONE || t->bds[sw.bdx].n_dynamic == 0)
			return;
	}
	mac_sweep(t, &sw);
}

static void learned_peers_age(struct bd *bd, uint64_t now_ms)
{
	uint64_t max_idle_ms = (uint64_t)bd->mac_aging * 1000;
	uint32_t kept = 0;
	for (uint32_t i = 0; i < bd->n_learned; i++) {
		uint64_t seen = bd->learned_seen[i];
		if (now_ms > seen && now_ms - seen > max_idle_ms)
			continue;
		bd->learned[kept] = bd->learned[i];
		bd->learned_seen[kept] = seen;
		kept++;
	}
	bd->n_learned = kept;
}

size_t bd_mac_age(struct bd_table *t, uint64_t now_ms)
{
	for (uint32_t i = 0; i < BD_MAX; i++) {
		struct bd *bd = &t->bds[i];
		if (bd->in_use && bd->mac_aging != 0 && bd->n_learned != 0)
			learned_peers_age(bd, now_ms);
	}
	struct mac_sweep sw = {.bdx = BD_NONE, .by_age = true, .now_s = ms_to_seen(now_ms)};
	size_t removed = mac_sweep(t, &sw);
	t->stats.aged += removed;
	return removed;
}

/* ---- introspection ---- */

static void bd_fill_info(const struct bd_table *t, const struct bd *bd, struct bd_info *bi)
{
	*bi = (struct bd_info){
	    .id = bd->id,
	    .bdx = (uint32_t)(bd - t->bds),
	    .vni = bd->vni,
	    .flood_group = bd->flood_group,
	    .mac_aging = bd->mac_aging,
	    .mac_limit = bd->mac_limit,
	    .n_flood_peers = bd->n_peers,
	    .flood_peers = bd->peers,
	    .n_macs = bd->n_dynamic + bd->n_static,
	    .n_static_macs = bd->n_static,
	    .n_ports = bd->n_ports,
	    .ports = bd->ports,
	    .n_learned_peers = bd->n_learned,
	};
}

bool bd_get(const struct bd_table *t, uint32_t id, struct bd_info *bi)
{
	const struct bd *bd = bd_of_bdx(t, bd_index(t, id));
	if (!bd)
		return false;
	bd_fill_info(t, bd, bi);
	return true;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

int bd_walk(const struct bd_table *t, int (*cb)(const struct bd_info *bi, void *arg), void *arg)
{
	/* (id << 32 | bdx), sorted: ids are below 2^24, so this orders by id. */
	uint64_t *order = malloc(BD_MAX * sizeof(*order));
	if (!order)
		return BD_E_NOMEM;
	size_t n = 0;
	for (uint32_t i = 0; i < BD_MAX; i++)
		if (t->bds[i].in_use)
			order[n++] = (uint64_t)t->bds[i].id << 32 | i;
	qsort(order, n, sizeof(*order), cmp_u64);
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
		const struct bd *bd = &t->bds[(uint32_t)order[i]];
		if (!bd->in_use || bd->id != (uint32_t)(order[i] >> 32))
			continue; /* deleted by an earlier callback */
		struct bd_info bi;
		bd_fill_info(t, bd, &bi);
		rc = cb(&bi, arg);
	}
	free(order);
	return rc;
}

static int cmp_mac_info(const void *a, const void *b)
{
	const struct bd_mac_info *x = a, *y = b;
	if (x->bd_id != y->bd_id)
		return x->bd_id < y->bd_id ? -1 : 1;
	return memcmp(x->mac, y->mac, NET_ETH_ALEN);
}

static void mac_fill_info(const struct bd_table *t, const struct mac_slot *s, uint64_t now_ms,
                          struct bd_mac_info *mi)
{
	*mi = (struct bd_mac_info){
	    .bd_id = t->bds[key_bdx(s->key)].id,
	    .bdx = key_bdx(s->key),
	    .vtep = s->vtep,
	    .is_static = s->seen_s == SEEN_STATIC,
	};
	net_u64_to_mac(key_mac(s->key), mi->mac);
	uint64_t seen_ms = (uint64_t)s->seen_s * 1000;
	if (!mi->is_static && now_ms > seen_ms)
		mi->age_ms = now_ms - seen_ms;
}

/* Snapshot of the selected entries, so callbacks may even change the table. */
static size_t mac_snapshot(const struct bd_table *t, uint32_t bdx, uint64_t now_ms,
                           struct bd_mac_info *out)
{
	size_t n = 0;
	for (size_t i = 0; i <= t->mask; i++) {
		const struct mac_slot *s = &t->slots[i];
		if (s->key != 0 && (bdx == BD_NONE || key_bdx(s->key) == bdx))
			mac_fill_info(t, s, now_ms, &out[n++]);
	}
	return n;
}

int bd_mac_walk(const struct bd_table *t, uint32_t id, uint64_t now_ms,
                int (*cb)(const struct bd_mac_info *mi, void *arg), void *arg)
{
	uint32_t bdx = BD_NONE;
	size_t want = t->n_macs;
	if (id != 0) {
		const struct bd *bd = bd_of_bdx(t, bd_index(t, id));
		if (!bd)
			return BD_E_NOENT;
		bdx = (uint32_t)(bd - t->bds);
		want = bd->n_dynamic + bd->n_static;
	}
	if (want == 0)
		return 0;
	struct bd_mac_info *list = malloc(want * sizeof(*list));
	if (!list)
		return BD_E_NOMEM;
	size_t n = mac_snapshot(t, bdx, now_ms, list);
	qsort(list, n, sizeof(*list), cmp_mac_info);
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = cb(&list[i], arg);
	free(list);
	return rc;
}

int bd_mac_foreach(const struct bd_table *t, uint64_t now_ms,
                   int (*cb)(const struct bd_mac_info *mi, void *arg), void *arg)
{
	if (!cb)
		return BD_E_INVAL;
	for (size_t i = 0; i <= t->mask; i++) {
		if (t->slots[i].key == 0)
			continue;
		struct bd_mac_info mi;
		mac_fill_info(t, &t->slots[i], now_ms, &mi);
		int rc = cb(&mi, arg);
		if (rc)
			return rc;
	}
	return 0;
}

static int cmp_peer_info(const void *a, const void *b)
{
	const struct bd_peer_info *x = a, *y = b;
	if (x->bd_id != y->bd_id)
		return x->bd_id < y->bd_id ? -1 : 1;
	return (x->vtep > y->vtep) - (x->vtep < y->vtep);
}

static size_t peer_snapshot(const struct bd *bd, uint64_t now_ms, struct bd_peer_info *out)
{
	size_t n = 0;
	for (uint32_t i = 0; i < bd->n_peers; i++)
		out[n++] = (struct bd_peer_info){.bd_id = bd->id, .vtep = bd->peers[i]};
	for (uint32_t i = 0; i < bd->n_learned; i++) {
		uint64_t seen = bd->learned_seen[i];
		out[n++] = (struct bd_peer_info){
		    .bd_id = bd->id,
		    .vtep = bd->learned[i],
		    .learned = true,
		    .age_ms = now_ms > seen ? now_ms - seen : 0,
		};
	}
	return n;
}

int bd_peer_walk(const struct bd_table *t, uint64_t now_ms,
                 int (*cb)(const struct bd_peer_info *pi, void *arg), void *arg)
{
	size_t want = 0;
	for (uint32_t i = 0; i < BD_MAX; i++)
		if (t->bds[i].in_use)
			want += t->bds[i].n_peers + t->bds[i].n_learned;
	if (want == 0)
		return 0;
	struct bd_peer_info *list = malloc(want * sizeof(*list));
	if (!list)
		return BD_E_NOMEM;
	size_t n = 0;
	for (uint32_t i = 0; i < BD_MAX; i++)
		if (t->bds[i].in_use)
			n += peer_snapshot(&t->bds[i], now_ms, &list[n]);
	qsort(list, n, sizeof(*list), cmp_peer_info);
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = cb(&list[i], arg);
	free(list);
	return rc;
}

uint64_t bd_mac_generation(const struct bd_table *t)
{
	return t->mac_gen;
}

void bd_mac_get_stats(const struct bd_table *t, struct bd_mac_stats *st)
{
	*st = t->stats;
	st->entries = t->n_macs;
	st->capacity = t->mac_capacity;
}
