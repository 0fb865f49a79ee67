/*
 * vxlan/bd.h - bridge domains: VNI map, flood lists / flood groups, VTEP peers and the
 * per-bridge-domain MAC table.
 *
 * A bridge domain is named by its configured id (1..BD_ID_MAX) and, inside the data
 * plane, by a dense index "bdx" (0..BD_MAX-1) that stays stable for the bridge domain's
 * lifetime, so that per-BD arrays (counters, BDIF binding) are plain arrays.
 *
 * MAC entries point at a destination (bd_dest): a remote VTEP (host-order IPv4) or a local
 * port of the bridge domain (L2 gateway). Learning rules (spec section 4): a dynamic entry
 * moves to the newest VTEP or port; a static entry never moves; a bridge domain
 * holds at most mac_limit dynamic entries; dynamic entries age after mac_aging seconds
 * without being refreshed (0 = never).
 */
#ifndef VXLAN_BD_H
#define VXLAN_BD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BD_ID_MAX            16777215u
#define BD_MAX               4096 /* bridge domains at once */
#define BD_PEERS_MAX         128  /* flood-peer entries per bridge domain */
#define BD_LEARNED_PEERS_MAX 1024 /* VTEPs learned in one flood-group bridge domain */
#define BD_MAC_AGING_DEFAULT 300  /* seconds */
#define BD_MAC_LIMIT_DEFAULT 8192
#define BD_MAC_LIMIT_MAX     1048576
#define BD_MAC_AGING_MAX     1000000    /* seconds (about 11.5 days), as on common routers */
#define BD_MAC_CAPACITY_MAX  (1u << 26) /* bd_table_create refuses more */
#define BD_NONE              0xffffffffu
#define BD_PORTS_MAX         64     /* local L2 ports per bridge domain */
#define BD_PORT_MAX          0xffff /* a port is named by a 16-bit index (the gateway's ifx) */

/*
 * Where a MAC is: a remote VTEP, by its VTEP name (vxlan/vtep.h: an IPv4 address in host
 * order, or an IPv6 VTEP's name), or a local port, by its index 1..BD_PORT_MAX. A VTEP is
 * never in 0.0.0.0/8, so one 32-bit value names either, and the MAC table slot stays 16 bytes. (VPP
 * names both by sw_if_index, its tunnels being interfaces; our VTEPs are addresses.)
 */
static inline bool bd_dest_is_port(uint32_t dest)
{
	return dest != 0 && dest <= BD_PORT_MAX;
}

enum bd_err {
	BD_OK = 0,
	BD_E_INVAL = -1,  /* id, vni, address or value out of range */
	BD_E_EXISTS = -2, /* bridge domain exists / peer already listed / VNI used elsewhere */
	BD_E_NOENT = -3,
	BD_E_FULL = -4, /* BD_MAX, BD_PEERS_MAX or MAC capacity reached */
	BD_E_NOMEM = -5,
};

struct bd_table;

/*
 * mac_capacity: total MAC entries over all bridge domains, static ones included (hash
 * table sized once, 1..BD_MAC_CAPACITY_MAX; NULL outside that or without memory).
 */
struct bd_table *bd_table_create(size_t mac_capacity);
void bd_table_destroy(struct bd_table *t);
const char *bd_strerror(int err);

/* ---- configuration ---- */
int bd_add(struct bd_table *t, uint32_t id); /* created without a VNI */
int bd_del(struct bd_table *t, uint32_t id); /* also flushes its MACs */
/* vni 1..VX_VNI_MAX, unique across bridge domains; 0 removes the VNI. */
int bd_set_vni(struct bd_table *t, uint32_t id, uint32_t vni);
/*
 * Flood peers and static-MAC VTEPs must be unicast VTEPs: an IPv4 address not in 0/8, 224/4
 * or 240/4, or an IPv6 VTEP name (VX_VTEP6_FIRST..VX_VTEP6_LAST; not VX_VTEP6_UNKNOWN).
 */
int bd_flood_peer_add(struct bd_table *t, uint32_t id, uint32_t vtep);
int bd_flood_peer_del(struct bd_table *t, uint32_t id, uint32_t vtep);
/*
 * group: an IPv4 multicast address or an IPv6 group name (vx_vtep_is_group), 0 = none. Setting the
 * same group again keeps the learned peers; another group (or none) forgets them.
 */
int bd_set_flood_group(struct bd_table *t, uint32_t id, uint32_t group);
/* 0 (never) .. BD_MAC_AGING_MAX; applies to the entries already learned too. */
int bd_set_mac_aging(struct bd_table *t, uint32_t id, uint32_t seconds);
/* 1..BD_MAC_LIMIT_MAX; lowering it below the current count only stops new learning. */
int bd_set_mac_limit(struct bd_table *t, uint32_t id, uint32_t limit);

/* ---- lookups (data plane) ---- */
uint32_t bd_index(const struct bd_table *t, uint32_t id);   /* BD_NONE if absent */
uint32_t bd_by_vni(const struct bd_table *t, uint32_t vni); /* bdx or BD_NONE */
uint32_t bd_id(const struct bd_table *t, uint32_t bdx);     /* 0 when bdx is unused */
uint32_t bd_vni(const struct bd_table *t, uint32_t bdx);    /* 0 when none */
uint32_t bd_flood_group(const struct bd_table *t, uint32_t bdx);

/*
 * May vtep send into bridge domain bdx? With a flood-peer list: only listed VTEPs. With a
 * flood group: any VTEP (a unicast IPv4 address or an IPv6 VTEP name; never
 * VX_VTEP6_UNKNOWN, which the caller must name first), which is then recorded as a learned
 * peer (bounded by BD_LEARNED_PEERS_MAX; beyond that, refused) with its last-seen time.
 */
bool bd_peer_accept(struct bd_table *t, uint32_t bdx, uint32_t vtep, uint64_t now_ms);

/*
 * Head-end replication list: the configured flood peers. Returns the count and points
 * *peers at an internal array valid until the next configuration call.
 */
size_t bd_flood_peers(const struct bd_table *t, uint32_t bdx, const uint32_t **peers);

/*
 * Local L2 ports (port: 1..BD_PORT_MAX, the caller's index): the other end of head-end
 * replication for what a VTEP or the BDIF floods, and where frames from one port are
 * flooded besides the VTEPs. A port is in at most one bridge domain (BD_E_EXISTS names the
 * case where it is in another). Removing a port flushes the MACs bound to it. BD_E_FULL:
 * BD_PORTS_MAX in that bridge domain, or BD_MAX in all (more than the gateway's ifxs).
 */
int bd_port_add(struct bd_table *t, uint32_t id, uint16_t port);
/* BD_E_NOENT when port is not in bridge domain id; dynamic MACs on it are flushed, static
 * ones too (the configuration removes them first; a stale one would black-hole). */
int bd_port_del(struct bd_table *t, uint32_t id, uint16_t port);
/* The ports of bdx, sorted; *ports valid until the next configuration call. */
size_t bd_ports(const struct bd_table *t, uint32_t bdx, const uint16_t **ports);
/* The bridge domain (bdx) port is in, or BD_NONE. */
uint32_t bd_port_bdx(const struct bd_table *t, uint16_t port);
/* Forgets the dynamic MACs learned on port (its link went down): they are relearned
 * wherever they show up next. Returns how many. */
size_t bd_mac_flush_port(struct bd_table *t, uint16_t port);

/* ---- MAC table ---- */
enum bd_mac_result {
	BD_MAC_NEW = 0,
	BD_MAC_REFRESHED,
	BD_MAC_MOVED,   /* dynamic entry now points at another VTEP or port */
	BD_MAC_STATIC,  /* static entry: not touched (a move attempt when the dest differs) */
	BD_MAC_LIMIT,   /* bridge domain's mac_limit reached: not learned */
	BD_MAC_FULL,    /* table capacity reached: not learned */
	BD_MAC_INVALID, /* multicast/broadcast/zero source MAC: never learned */
};

/*
 * Learns mac (6 bytes) behind dest (a VTEP or a port: bd_dest_is_port) in bdx at time
 * now_ms. Returns an enum bd_mac_result, or BD_E_INVAL when bdx names no bridge domain or
 * dest is 0.
 */
int bd_mac_learn(struct bd_table *t, uint32_t bdx, const uint8_t *mac, uint32_t dest,
                 uint64_t now_ms);
/*
 * For vectors: start loading the slot bd_mac_lookup will read, a stage ahead. Returns the
 * hash of (bdx, mac) for bd_mac_lookup_hashed, so that a packet hashes its MAC once.
 */
uint64_t bd_mac_prefetch(const struct bd_table *t, uint32_t bdx, const uint8_t *mac);
/* Destination (VTEP or port) of mac in bdx: true and *vtep set when known. Hot path. */
bool bd_mac_lookup(const struct bd_table *t, uint32_t bdx, const uint8_t *mac, uint32_t *vtep);
/* bd_mac_lookup with hash from bd_mac_prefetch of the same bdx and mac. */
bool bd_mac_lookup_hashed(const struct bd_table *t, uint32_t bdx, const uint8_t *mac, uint64_t hash,
                          uint32_t *vtep);

/* dest: a unicast VTEP of either family (as for flood peers), or a port of bridge domain id
 * (else BD_E_INVAL). */
int bd_mac_static_add(struct bd_table *t, uint32_t id, const uint8_t *mac, uint32_t dest);
int bd_mac_static_del(struct bd_table *t, uint32_t id, const uint8_t *mac);
/* Clear dynamic entries; id 0 = every bridge domain. */
void bd_mac_clear_dynamic(struct bd_table *t, uint32_t id);
/*
 * Age out dynamic entries; returns how many were removed. Call about once a second.
 * Idle time is counted in whole seconds: an entry goes after more than mac_aging and at
 * most mac_aging + 1 seconds without traffic. Learned peers of flood-group bridge domains
 * idle for longer than mac_aging are forgotten too (not counted in the result), so a
 * departed VTEP frees its place in the BD_LEARNED_PEERS_MAX bound.
 */
size_t bd_mac_age(struct bd_table *t, uint64_t now_ms);

/* ---- introspection ---- */
struct bd_info {
	uint32_t id, bdx, vni, flood_group;
	uint32_t mac_aging, mac_limit;
	uint32_t n_flood_peers;
	const uint32_t *flood_peers;    /* sorted ascending */
	uint32_t n_macs, n_static_macs; /* n_macs counts static ones too */
	uint32_t n_learned_peers;
	uint32_t n_ports;
	const uint16_t *ports; /* sorted ascending */
};
bool bd_get(const struct bd_table *t, uint32_t id, struct bd_info *bi);
/* Bridge domains in ascending id order; cb non-zero stops (and is returned). */
int bd_walk(const struct bd_table *t, int (*cb)(const struct bd_info *bi, void *arg), void *arg);

struct bd_mac_info {
	uint32_t bd_id;
	uint32_t bdx;
	uint8_t mac[6];
	uint32_t vtep; /* its destination: a VTEP, or a port (bd_dest_is_port) */
	bool is_static;
	uint64_t age_ms;
};
/*
 * MACs of one bridge domain (id) or all (id 0), ordered by (bd id, mac). The MAC and peer
 * walks work on a snapshot, so callbacks may change the table. They return 0, the
 * callback's non-zero value, or BD_E_NOENT (unknown id) / BD_E_NOMEM.
 */
int bd_mac_walk(const struct bd_table *t, uint32_t id, uint64_t now_ms,
                int (*cb)(const struct bd_mac_info *mi, void *arg), void *arg);

/*
 * Every MAC of every bridge domain once, in no particular order and without
 * bd_mac_walk's copy and sort: for whoever copies the whole table (the workers'
 * forwarding snapshot). cb must not change the table; non-zero stops the walk and is
 * returned (BD_E_INVAL for a NULL cb).
 */
int bd_mac_foreach(const struct bd_table *t, uint64_t now_ms,
                   int (*cb)(const struct bd_mac_info *mi, void *arg), void *arg);

struct bd_peer_info {
	uint32_t bd_id;
	uint32_t vtep;
	bool learned;    /* from a flood group, as opposed to configured */
	uint64_t age_ms; /* since last packet (learned peers) */
};
/* Configured and learned peers of every bridge domain, ordered by (bd id, vtep). */
int bd_peer_walk(const struct bd_table *t, uint64_t now_ms,
                 int (*cb)(const struct bd_peer_info *pi, void *arg), void *arg);

struct bd_mac_stats {
	uint64_t learned, moved, static_conflicts, limit_drops, full_drops, aged, port_flushed;
	size_t entries, capacity;
};
void bd_mac_get_stats(const struct bd_table *t, struct bd_mac_stats *st);
/* Moves whenever a MAC is added, removed or points at another VTEP (not on a refresh): a
 * copy of the table (the workers' forwarding snapshot) is rebuilt when this moved. */
uint64_t bd_mac_generation(const struct bd_table *t);

#endif
