/*
 * gw/workers/fwd.h - the forwarding snapshot: what the data-plane workers read.
 *
 * The main thread owns every table and changes them in place (gw.c, the modules). Workers
 * must never see a table half-changed, and must never wait for the main thread, so they
 * do not read those tables at all: they read an immutable copy of what the common case
 * needs, which the main thread rebuilds after a change and publishes with RCU. A reader
 * holds the snapshot for one vector (rcu_dereference once, a quiescent state after it);
 * the old snapshot is freed after a grace period. Nothing here is ever written after it is
 * published, except the MAC entries' refresh stamps (below).
 *
 * What the snapshot leaves out is exactly what the fast path hands to the main thread (a
 * "punt"): ARP, broadcast, traffic to the gateway, unknown or unresolved neighbours and
 * MACs, new sources, ICMP errors, fragmentation, traced packets. The main pipeline then
 * does what it always did, so a stale snapshot can only cost speed, never correctness:
 * e.g. a neighbour learned a moment ago is punted until the next snapshot has it.
 *
 * Components change at different rates (the configuration at commit time, neighbours and
 * MACs at packet time), so each is a separate reference-counted object and a new snapshot
 * shares the ones that did not change.
 */
#ifndef GW_FWD_H
#define GW_FWD_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "common/net.h"
#include "fib/fib.h"
#include "fib/fib6.h"
#include "gw/gw.h"
#include "vxlan/bd.h"
#include "gw/vxlan_inl.h"
#include "vxlan/vtep.h"
#include "vxlan/vxlan.h"

/* A snapshot whose tables moved is replaced at most this often (commits: at once), so
 * that a burst of ARP or MAC learning costs a few copies, not one per packet. */
#define GW_FWD_MIN_GAP_MS 5

/* A reference-counted part of a snapshot. */
struct gw_fwd_obj {
	atomic_uint refs;
	void (*destroy)(struct gw_fwd_obj *o);
};

/* An L3 interface as the fast path needs it. */
struct gw_fwd_if {
	uint8_t kind; /* enum gw_if_kind, 0: no such interface */
	bool up;
	bool anycast;
	uint8_t n_addrs;
	uint16_t vrfx;
	uint16_t vlan;
	uint8_t mac[6];
	uint8_t tag[4];
	bool ip6;        /* routes IPv6 (gw_if6_enabled) */
	bool l2_port;    /* a port of a bridge domain (L2 gateway): switched, not routed */
	uint32_t l2_bdx; /* its bridge domain, BD_NONE: none (gone) */
	uint32_t mtu;
	uint32_t bdx;  /* BDIF: its bridge domain when that has a VNI, else BD_NONE */
	uint16_t port; /* uplink: its netdev (ports[]) */
	uint32_t addr[GW_IF_ADDRS_MAX];
	uint8_t plen[GW_IF_ADDRS_MAX];
	/* access lists applied, [IPv6?][enum acl_dir] (NULL: none): the component holds a
	 * reference to each */
	struct acl_cls *acl[2][2];
	bool l2_acl; /* an L2 port with a list: its frames are the main thread's */
};

/* A bridge domain as the fast path needs it (by bdx). */
struct gw_fwd_bd {
	uint32_t id;       /* 0: no such bridge domain */
	uint32_t vni;      /* 0: none (not reachable from the underlay) */
	uint16_t bdif;     /* its BDIF when that is up, else 0 */
	uint32_t n_peers;  /* configured flood peers (sorted in peers) */
	uint32_t *peers;   /* into the configuration component */
	uint32_t group;    /* flood group (its senders are learned peers: any MAC hit will do) */
	uint32_t fresh_ms; /* a MAC is re-learned by the main thread this often (aging / 3) */
	uint32_t n_ports;  /* local L2 ports: frames for other MACs than the BDIF's are switched */
	struct vx_encap e; /* the prebuilt outer header, destination patched per packet */
	struct vx_encap6 e6; /* the IPv6 one (when the configuration has an IPv6 source) */
};

/* A netdev of uplinks: its interfaces by 802.1Q VLAN (as gw_port). */
struct gw_fwd_port {
	char name[GW_IF_NAMELEN]; /* "": no such netdev */
	uint16_t untagged;        /* ifx of the main interface, 0: none */
	uint16_t any_ifx;         /* an interface on it (what gw_input_eth takes) */
	uint16_t *by_vlan;        /* [4096] ifx by VLAN id; NULL: no sub-interface */
};

/* A VRF's lookup-only FIB of one family: fib (IPv4) or fib6 (IPv6), the other NULL. */
struct gw_fwd_fib {
	struct gw_fwd_obj obj;
	uint64_t gen; /* fib_generation / fib6_generation of what it copies */
	struct fib_fwd *fib;
	struct fib6_fwd *fib6;
};

/* Configuration: interfaces, bridge domains, VNIs, FIBs. Rebuilt at commit. */
struct gw_fwd_cfg {
	struct gw_fwd_obj obj;
	uint64_t serial; /* a new one for every copy: readers notice a change by it */
	uint32_t vtep;
	uint32_t vtep6; /* the IPv6 VTEP's name, 0: none */
	uint16_t udp_port;
	bool vxlan_strict;
	int dscp;                            /* `vxlan dscp` */
	struct vx_vteps *vteps;              /* a copy of the IPv6 VTEP names (NULL: none named) */
	uint64_t vteps_gen;                  /* vx_vteps_generation of what it copies */
	struct gw_fwd_fib *fib[GW_VRF_MAX];  /* NULL: no such VRF */
	struct gw_fwd_fib *fib6[GW_VRF_MAX]; /* its IPv6 FIB; NULL: none */
	struct gw_fwd_if ifs[GW_IF_MAX + 1];
	struct gw_fwd_bd bd[BD_MAX];
	struct gw_fwd_port ports[GW_IF_MAX + 1];
	uint32_t vni_mask;   /* vni map: open addressing, (vni << 12 | bdx), 0 empty */
	uint64_t *vni_slots; /* vni_mask + 1 of them */
	uint32_t *peer_pool; /* every bridge domain's flood peers */
};

/* Usable neighbours (REACHABLE or static): (ifx, ip) -> MAC, until when. */
struct gw_fwd_nb_slot {
	uint64_t key; /* ifx << 32 | ip, 0: empty */
	uint64_t until_ms;
	uint8_t mac[6];
};

/* Usable IPv6 neighbours: (ifx, address) -> MAC, until when. The key is a hash of the two
 * (never 0), which a lookup confirms against them. */
struct gw_fwd_nb6_slot {
	struct gw_fwd_nb_slot nb; /* nb.key: gw_fwd_nb6_key */
	uint16_t ifx;
	struct in6_addr ip;
};

/* Known MACs: (bdx, MAC) -> VTEP. */
struct gw_fwd_mac_slot {
	uint64_t key; /* 1 << 63 | bdx << 48 | MAC, 0: empty */
	uint32_t vtep;
	bool is_static;
	/* When a packet from this MAC last went to the main thread to refresh the entry
	 * (ms): the one field a reader writes, with a compare-and-swap, so one packet per
	 * interval and per MAC is punted over all workers. */
	_Atomic uint64_t refreshed_ms;
};

struct gw_fwd_hash {
	struct gw_fwd_obj obj;
	uint64_t gen; /* arp_generation / bd_mac_generation of what it copies */
	uint32_t mask, n;
	uint32_t slot_size;
	void *slots;
};

struct gw_fwd {
	uint64_t built_ms;
	/* trace armed or debug logging on: every packet goes to the main thread, which
	 * traces and logs */
	bool punt_all;
	struct gw_fwd_cfg *cfg;
	struct gw_fwd_hash *nb;
	struct gw_fwd_hash *nb6;
	struct gw_fwd_hash *mac;
};

/*
 * A snapshot of gw's tables at time now_ms. Parts of prev (may be NULL) whose source did
 * not change are shared (cfg_changed: the configuration did). NULL on allocation failure.
 */
struct gw_fwd *gw_fwd_build(struct gw *gw, const struct gw_fwd *prev, bool cfg_changed,
                            uint64_t now_ms);
/* Does gw's state differ from what f was built from (neighbours, MACs, FIB, trace)? */
bool gw_fwd_stale(struct gw *gw, const struct gw_fwd *f);
/* Drops the snapshot's references (after the grace period). */
void gw_fwd_free(struct gw_fwd *f);

/* ---- lookups (fast path) ---- */

/* What the outer header toward a VTEP of bridge domain b is built from (gw/vxlan_inl.h). */
static inline struct gw_vx_encap gw_fwd_encap(const struct gw_fwd_cfg *c, const struct gw_fwd_bd *b)
{
	return (struct gw_vx_encap){.e4 = c->vtep ? &b->e : NULL,
	                            .e6 = c->vtep6 ? &b->e6 : NULL,
	                            .names = c->vteps,
	                            .dscp = c->dscp};
}

static inline uint32_t gw_fwd_vni_bdx(const struct gw_fwd_cfg *c, uint32_t vni)
{
	for (uint32_t i = net_hash32(vni) & c->vni_mask;; i = (i + 1) & c->vni_mask) {
		uint64_t s = c->vni_slots[i];
		if (!s)
			return BD_NONE;
		if ((uint32_t)(s >> 12) == vni)
			return (uint32_t)(s & 0xfff);
	}
}

static inline uint64_t gw_fwd_nb_key(uint16_t ifx, uint32_t ip)
{
	return (uint64_t)ifx << 32 | ip;
}

static inline uint64_t gw_fwd_nb6_key(uint16_t ifx, const struct in6_addr *ip)
{
	uint64_t a[2];
	memcpy(a, ip, sizeof(a));
	return net_hash64(a[0] ^ net_hash64(a[1] ^ ifx)) | 1;
}

static inline uint64_t gw_fwd_mac_key(uint32_t bdx, const uint8_t *mac)
{
	return 1ull << 63 | (uint64_t)bdx << 48 | net_mac_to_u64(mac);
}

/* Starts loading the slot a lookup of key will read first, a stage ahead; returns the
 * key's hash for the lookup (a packet hashes each key once). */
static inline uint64_t gw_fwd_prefetch(const struct gw_fwd_hash *h, uint64_t key)
{
	uint64_t hash = net_hash64(key);
	__builtin_prefetch((const uint8_t *)h->slots + (hash & h->mask) * h->slot_size);
	return hash;
}

static inline const struct gw_fwd_nb_slot *gw_fwd_nb_find_hashed(const struct gw_fwd_hash *h,
                                                                 uint64_t key, uint64_t hash)
{
	const struct gw_fwd_nb_slot *s = h->slots;
	for (uint64_t i = hash & h->mask;; i = (i + 1) & h->mask) {
		if (s[i].key == key)
			return &s[i];
		if (!s[i].key)
			return NULL;
	}
}

static inline const struct gw_fwd_nb_slot *gw_fwd_nb_find(const struct gw_fwd_hash *h, uint64_t key)
{
	return gw_fwd_nb_find_hashed(h, key, net_hash64(key));
}

static inline const struct gw_fwd_nb6_slot *gw_fwd_nb6_find_hashed(const struct gw_fwd_hash *h,
                                                                   uint64_t key, uint64_t hash,
                                                                   uint16_t ifx,
                                                                   const struct in6_addr *ip)
{
	const struct gw_fwd_nb6_slot *s = h->slots;
	uint64_t i = hash & h->mask;
	while (s[i].nb.key && (s[i].nb.key != key || s[i].ifx != ifx || !net_ip6_eq(&s[i].ip, ip)))
		i = (i + 1) & h->mask;
	return s[i].nb.key ? &s[i] : NULL;
}

static inline struct gw_fwd_mac_slot *gw_fwd_mac_find_hashed(const struct gw_fwd_hash *h,
                                                             uint64_t key, uint64_t hash)
{
	struct gw_fwd_mac_slot *s = h->slots;
	for (uint64_t i = hash & h->mask;; i = (i + 1) & h->mask) {
		if (s[i].key == key)
			return &s[i];
		if (!s[i].key)
			return NULL;
	}
}

static inline struct gw_fwd_mac_slot *gw_fwd_mac_find(const struct gw_fwd_hash *h, uint64_t key)
{
	return gw_fwd_mac_find_hashed(h, key, net_hash64(key));
}

#endif
