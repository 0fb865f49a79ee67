/*
 * gw/gw_int.h - the gateway's internal state, shared by the files of gw/ only.
 */
#ifndef GW_GW_INT_H
#define GW_GW_INT_H

#include "gw/debug.h"
#include "gw/gw.h"
#include "gw/stats_int.h"
#include "gw/trace.h"
#include "vxlan/vtep.h"
#include "vxlan/vxlan.h"

/* The IPv6 side of an interface (if6.c, nd.c). */
struct gw_if6 {
	uint8_t n_addrs;
	struct in6_addr addr[GW_IF_ADDRS_MAX];
	uint8_t plen[GW_IF_ADDRS_MAX];
	struct in6_addr ll; /* link-local in use: configured, or EUI-64 of the MAC */
	bool ll_set;        /* configured */
	struct gw_nd_cfg nd;
	uint64_t next_ra_ms; /* next periodic RA (0: none scheduled) */
	uint64_t last_ra_ms; /* last RA sent to all nodes (RS answers are rate-limited by it) */
	uint8_t initial_ras; /* fast initial RAs still to send (RFC 4861 6.2.4) */
};

struct gw_if {
	bool used;
	uint8_t kind;
	bool up;        /* forwarding: admin_up, link up (uplinks), a VLAN set (sub-ifs) */
	bool admin_up;  /* not shut down */
	bool subif;     /* 802.1Q sub-interface of its port */
	uint16_t port;  /* uplinks: the netdev (gw->ports) */
	uint16_t vlan;  /* sub-interface: VLAN id, 0 = none */
	uint8_t tag[4]; /* sub-interface: its 802.1Q tag (TPID, TCI), prebuilt for output */
	bool anycast;   /* BDIF: its MAC is the fabric's anycast gateway MAC */
	uint8_t n_addrs;
	uint32_t mtu;
	uint32_t bd_id; /* BDIF: the bridge domain it routes for */
	uint32_t l2_bd; /* uplink: the bridge domain it is a port of (L2 gateway), 0: none */
	uint16_t vrfx;  /* its VRF */
	uint8_t mac[6];
	char name[GW_IF_NAMELEN];
	uint32_t addr[GW_IF_ADDRS_MAX];
	uint8_t plen[GW_IF_ADDRS_MAX];
	struct gw_if_counters cnt;
	/* access lists applied: [IPv6?][enum acl_dir], a slot of gw->acls, 0: none */
	uint16_t acl[2][2];
	struct gw_if6 v6; /* the IPv4 fields above keep their cache lines */
	/* anycast BDIF: who announces the shared MAC on its bridge domain (neigh.c) */
	struct gw_anycast_elect {
		uint32_t heard;    /* lowest other gateway heard announcing on the BD, 0: none */
		uint64_t heard_ms; /* when it was last heard */
		uint64_t since_ms; /* since when the BDIF can announce (listening first) */
		uint64_t sent_ms;  /* our last announcement */
		bool able;         /* it could announce at the last tick */
		bool active;       /* we are the BD's announcer */
	} elect;
};

/*
 * A Linux netdev carrying uplinks: its main (untagged) interface and its 802.1Q
 * sub-interfaces, found by VLAN id on receive (VPP keeps the same per-port table).
 */
#define GW_VLAN_IDS 4096
struct gw_port {
	char name[GW_IF_NAMELEN];
	uint16_t refs;     /* interfaces on this netdev; 0 = slot free */
	uint16_t untagged; /* ifx of the main interface, 0 = not configured */
	uint16_t *by_vlan; /* [GW_VLAN_IDS] ifx by VLAN id; allocated with the first VLAN */
	uint8_t link;      /* enum gw_link: its interfaces forward only while GW_LINK_UP */
};

/* A token bucket: `rate` tokens a second, `burst` deep, in thousandths of a token. */
struct gw_bucket {
	uint64_t milli;
	uint64_t last_ms;
	uint32_t rate, burst;
};

static inline void gw_bucket_init(struct gw_bucket *b, uint32_t rate, uint32_t burst)
{
	b->rate = rate;
	b->burst = burst;
	b->milli = (uint64_t)burst * 1000;
	b->last_ms = 0;
}

/* Takes one token at time now_ms; false when the bucket is empty. */
static inline bool gw_bucket_take(struct gw_bucket *b, uint64_t now_ms)
{
	uint64_t cap = (uint64_t)b->burst * 1000;
	b->milli += (now_ms - b->last_ms) * b->rate;
	b->last_ms = now_ms;
	if (b->milli > cap)
		b->milli = cap;
	if (b->milli < 1000)
		return false;
	b->milli -= 1000;
	return true;
}

/* The prebuilt outer header of a bridge domain and what it was built from. */
struct gw_bd_encap {
	uint32_t vni, src;
	uint16_t port;
	struct vx_encap e;
	struct in6_addr src6; /* what e6 was built from (:: none: no IPv6 source) */
	bool csum6;
	struct vx_encap6 e6;
};

/* A vector of packets waiting for one output call. */
struct gw_txq {
	unsigned n;
	struct gw_pkt *pkts[GW_VEC_MAX];
};

/*
 * An access list (acl.c): its entries as configured and the classifier they compile to,
 * which the pipeline and (through the forwarding snapshot) the workers use. Counters live
 * in the classifier and its list's acl_counts.
 */
struct gw_acl {
	char name[ACL_NAMELEN]; /* "": slot free */
	uint8_t fam;            /* enum acl_family */
	uint16_t users;         /* interface directions it is applied to */
	unsigned n;
	struct acl_rule *rules; /* n, sorted by sequence number */
	uint64_t *ids;          /* their counter ids (acl_ids_assign) */
	struct acl_cls *cls;
	struct acl_counts *counts;
};

/* A VRF: a name and a FIB per family (fib NULL: the slot is free). */
struct gw_vrf {
	struct fib *fib;
	struct fib6 *fib6;
	char name[GW_VRF_NAMELEN];
};

struct gw {
	struct gw_params params;
	struct gw_io_ops io;
	void *io_ctx;
	struct gw_pool *pool;
	struct fib *fib; /* the default VRF's, also vrfs[0].fib */
	struct arp_table *arp;
	struct arp_table *nd; /* IPv6 neighbours */
	struct bd_table *bd;
	uint32_t vtep;
	uint16_t udp_port;
	/* the IPv6 underlay and the outer header's settings (gw/vtep.c) */
	struct vx_vteps *vteps; /* names of IPv6 VTEPs and groups */
	struct in6_addr vtep6;  /* :: none */
	uint32_t vtep6_name;
	int vx_dscp; /* 0..63 or VX_DSCP_INHERIT */
	bool udp6_zero_rx, udp6_zero_tx;
	uint64_t now_ms;
	uint64_t last_mac_age_ms;
	struct gw_bucket icmp_bucket; /* ICMP errors sent */
	struct gw_bucket arp_bucket;  /* ARP requests sent */
	/* bdx -> BDIF ifx cache, validated on use against the bridge domain's id. */
	uint16_t bdif_of_bdx[BD_MAX];
	struct gw_bd_encap encap[BD_MAX];
	struct gw_counters cnt;
	struct gw_stats *stats;          /* 10-second rates (stats.c) */
	struct gw_bd_cnt bd_cnt[BD_MAX]; /* per bridge domain, by bdx */
	struct gw_peer_table peers;      /* per VTEP peer */
	struct gw_txq txq_underlay;
	struct gw_txq txq_eth;
	struct gw_pinger *ping; /* the gateway's own pings (ping.c), allocated on first use */
	struct gw_if ifs[GW_IF_MAX + 1];     /* index 0 unused: ifx 0 means none */
	struct gw_port ports[GW_IF_MAX + 1]; /* netdevs of uplinks; index 0 unused */
	struct gw_vrf vrfs[GW_VRF_MAX];
	struct gw_acl *acls;      /* [GW_ACL_MAX + 1], slot 0 unused; NULL until the first */
	uint64_t acl_next_id;     /* for acl_ids_assign */
	struct gw_bucket acl_log; /* lines of `log` entries */
	/* last: the fields above keep their places (and cache lines) */
	struct gw_trace_state trace;
	struct gw_debug_state debug;
	/* For the data-plane workers (worker.c), here because they outlive any set of them: */
	uint64_t counter_clears; /* gw_clear_counters calls: the workers' own counts restart */
	uint64_t fwd_published;  /* forwarding snapshots published to workers, every set */
};

/*
 * The access-list check of routed packet p (data at its IP header) through interface ifx in
 * direction dir (enum acl_dir): true when it may go on; false when a list denied it (dropped,
 * counted on the entry and as acl_deny, traced, logged by a `log` entry). Packets to and
 * from the gateway itself never come here.
 */
bool gw_acl_filter(struct gw *gw, struct gw_pkt *p, uint16_t ifx, bool ip6, int dir);
static inline bool gw_acl_pass(struct gw *gw, struct gw_pkt *p, uint16_t ifx, bool ip6, int dir)
{
	return __builtin_expect(!gw->ifs[ifx].acl[ip6][dir], 1) ||
	       gw_acl_filter(gw, p, ifx, ip6, dir);
}
/*
 * The same for frame p (data at its untagged Ethernet header) through L2 port ifx: IPv4
 * and IPv6 frames meet the port's lists of their family, other frames (ARP) pass. An IP
 * frame too short for its header is denied when a list of its family is applied.
 */
bool gw_acl_frame_filter(struct gw *gw, struct gw_pkt *p, uint16_t ifx, int dir);
static inline bool gw_acl_frame_pass(struct gw *gw, struct gw_pkt *p, uint16_t ifx, int dir)
{
	const struct gw_if *gif = &gw->ifs[ifx];
	return __builtin_expect(!(gif->acl[0][dir] | gif->acl[1][dir]), 1) ||
	       gw_acl_frame_filter(gw, p, ifx, dir);
}
/* Releases the lists interface ifx uses (its deletion). */
void gw_if_acl_release(struct gw *gw, uint16_t ifx);
/* Frees every list (the gateway's end). */
void gw_acl_fini(struct gw *gw);

/* Every drop of a packet comes here: the trace and the debug log see each one. */
static inline void gw_drop(struct gw *gw, struct gw_pkt *p, enum gw_drop why)
{
	gw->cnt.drops[why]++;
	if (gw_traced(p))
		gw_trace_drop(gw, p, why);
	if (__builtin_expect(gw->debug.flags != 0, 0))
		gw_debug_drop(gw, p, why);
	gw_pkt_free(gw->pool, p);
}

/* Packets still to be marked for tracing (tested once per input vector). */
static inline bool gw_trace_armed(const struct gw *gw)
{
	return __builtin_expect(gw->trace.budget != 0, 0);
}

static inline struct gw_if *gw_if_ptr(struct gw *gw, uint16_t ifx)
{
	return ifx && ifx <= GW_IF_MAX && gw->ifs[ifx].used ? &gw->ifs[ifx] : NULL;
}

/* The FIB of VRF vrfx for the data plane (NULL when the VRF is gone). */
static inline const struct fib *gw_vrf_fib_of(const struct gw *gw, uint16_t vrfx)
{
	return vrfx < GW_VRF_MAX ? gw->vrfs[vrfx].fib : NULL;
}

/* The IPv6 FIB of VRF vrfx for the data plane (NULL when the VRF is gone). */
static inline const struct fib6 *gw_vrf_fib6_of(const struct gw *gw, uint16_t vrfx)
{
	return vrfx < GW_VRF_MAX ? gw->vrfs[vrfx].fib6 : NULL;
}

/*
 * The packets of a vector in the VRF of v[i] that no earlier call took (done[]): their
 * indexes into at[], in order, marked done; returns how many. A vector's lookups run one
 * batch per VRF with it (IPv4 and IPv6 alike).
 */
static inline unsigned gw_vec_vrf_group(struct gw_pkt *const *v, unsigned i, unsigned n, bool *done,
                                        uint16_t *at)
{
	unsigned k = 0;
	for (unsigned j = i; j < n; j++) {
		if (done[j] || v[j]->vrfx != v[i]->vrfx)
			continue;
		done[j] = true;
		at[k++] = (uint16_t)j;
	}
	return k;
}

/* pipeline.c */
uint16_t gw_bdif_for_bdx(struct gw *gw, uint32_t bdx);
void gw_ip4_output(struct gw *gw, struct gw_pkt *p, uint16_t ifx, uint32_t nh);
void gw_ip4_neigh_output(struct gw *gw, struct gw_pkt *p, uint16_t ifx, uint32_t nh);
void gw_ip4_local_output(struct gw *gw, struct gw_pkt *p);
void gw_eth_output(struct gw *gw, struct gw_pkt *p, uint16_t ifx, const uint8_t *dst_mac,
                   uint16_t ethertype);
void gw_flush(struct gw *gw);
/* Routed packets whose neighbours' MACs are known (mac[i] for v[i], egress v[i]->tx_ifx):
 * rewritten with that EtherType and sent, the MAC table lookups of the vector overlapped. */
void gw_l3_tx_vec(struct gw *gw, struct gw_pkt **v, const uint8_t (*mac)[NET_ETH_ALEN], unsigned n,
                  uint16_t ethertype);
bool gw_if_has_addr(const struct gw_if *gif, uint32_t ip);
uint32_t gw_if_src_for(const struct gw_if *gif, uint32_t dst);

/* arp glue (neigh.c) */
/* What each family calls its neighbour drops, and the error it answers a failed
 * resolution with (host / address unreachable). */
struct gw_neigh_fam {
	enum gw_drop unresolved, queue_full, table_full, flushed;
	void (*unreachable)(struct gw *gw, const struct gw_pkt *p);
};
extern const struct gw_neigh_fam gw_neigh_ip4, gw_neigh_ip6;
/* Packets held for resolution must never starve reception: a quarter of the pool stays
 * free. False: do not hold one more. */
bool gw_neigh_may_hold(const struct gw *gw);
/* What arp_resolve / arp6_resolve's result means for p: held, or dropped with its reason
 * (and the unreachable error when the neighbour failed). */
void gw_neigh_resolve_result(struct gw *gw, struct gw_pkt *p, int res,
                             const struct gw_neigh_fam *f);
/* A held packet the neighbour table gives up on (its ops->drop), for either family. */
void gw_neigh_give_up(struct gw *gw, struct gw_pkt *p, enum arp_drop_reason why,
                      const struct gw_neigh_fam *f);
extern const struct arp_ops gw_arp_ops;
void gw_arp_input(struct gw *gw, struct gw_pkt *p, uint16_t ifx);
/* gw_tick: each anycast BDIF whose gateway is the announcer of its BD announces the shared
 * MAC when its period is due. */
void gw_anycast_tick(struct gw *gw);
/* A frame from the shared MAC (another anycast gateway: Ethernet header at frame) came
 * from VTEP vtep into the BD of anycast BDIF bdif; its announcements count. */
/* The names of the IPv6 VTEPs no bridge domain refers to any more are forgotten when the
 * table fills (gw/vtep.c; from gw_tick, once a second). */
void gw_vteps_tick(struct gw *gw);
/* The name of the IPv6 sender of p, which arrived unnamed (VX_VTEP6_UNKNOWN: its address at
 * gw_pkt_outer6_src): the one it has by now (a worker's copy of the table was older), else,
 * for a bridge domain that learns its peers (learn), a new one; 0: none, or the table is
 * full, or p did not come over IPv6. */
uint32_t gw_vtep6_sender(struct gw *gw, struct gw_pkt *p, bool learn);

void gw_anycast_heard(struct gw *gw, uint16_t bdif, uint32_t vtep, const uint8_t *frame,
                      uint32_t len);
/* Anycast BDIF gif is quiet: it could announce, but another gateway is the announcer of
 * its BD, or it listens first. */
bool gw_anycast_quiet(const struct gw *gw, const struct gw_if *gif);
/* A host's request to the gateway (ARP, NS, RS) on gif: when gif is quiet, p is dropped
 * (true), the announcer answers. */
bool gw_anycast_leaves_answer(struct gw *gw, const struct gw_if *gif, struct gw_pkt *p);

/* icmp.c */
enum gw_icmp_kind {
	GW_ICMP_NET_UNREACH,
	GW_ICMP_HOST_UNREACH,
	GW_ICMP_PORT_UNREACH,
	GW_ICMP_FRAG_NEEDED,
	GW_ICMP_TTL_EXCEEDED,
};
/* p's data is at its IPv4 header; p is not consumed. */
void gw_icmp_error(struct gw *gw, const struct gw_pkt *p, enum gw_icmp_kind kind, uint32_t mtu);
/* An IPv4 packet addressed to the gateway (data at IPv4 header); consumed. */
void gw_ip4_local_input(struct gw *gw, struct gw_pkt *p);

/* ip4-local: what the gateway answered or generated (icmp.c, also for neigh.c's ARP). */
enum gw_trace_local_code {
	GW_TR_LOCAL_ECHO_REPLY = 0,
	GW_TR_LOCAL_ARP_REPLY,   /* request for our address answered */
	GW_TR_LOCAL_ARP_LEARNED, /* reply to us: neighbour learned */
	GW_TR_LOCAL_ICMP_ERROR,  /* ICMP error generated (type, code) */
	GW_TR_LOCAL_ICMP_QUIET,  /* ICMP error suppressed (rule or rate limit) */
};
struct gw_tr_local {
	uint32_t src, dst;
	uint8_t type, code; /* ICMP */
};
/* type/code: the ICMP message for ECHO_REPLY, ICMP_ERROR and ICMP_QUIET. */
GW_TRACE_HOOK void gw_trace_local(struct gw *gw, const struct gw_pkt *p,
                                  enum gw_trace_local_code what, uint8_t type, uint8_t code);

/* ping.c */
/* ICMP to the gateway (data at IPv4, ICMP header checked): a reply or an error for one of
 * its own probes? Then it is handled (the caller frees p). */
bool gw_ping_input(struct gw *gw, const struct gw_pkt *p);
/* The gateway could not send its own packet p (data at IPv4): a probe fails with `kind`. */
bool gw_ping_local_error(struct gw *gw, const struct gw_pkt *p, enum gw_icmp_kind kind);
void gw_ping_tick(struct gw *gw);
/* VRF vrfx is being deleted: its pings end on the next tick, the probe in flight as 'U'
 * (the index may be given to another VRF, whose tenant a ping must never reach). */
void gw_ping_vrf_deleted(struct gw *gw, uint16_t vrfx);
void gw_ping_free(struct gw *gw);

/* frag.c: split p (data at IPv4, no DF) to fit mtu and send each piece; consumes p. */
void gw_ip4_fragment(struct gw *gw, struct gw_pkt *p, uint16_t ifx, uint32_t nh, uint32_t mtu);
/* frag.c: cut TCP super-packet p (data at IPv4, gw_ip4_is_super) into segments that fit
 * mtu, as the sender's NIC would have, and send each; consumes p. */
void gw_ip4_segment(struct gw *gw, struct gw_pkt *p, uint16_t ifx, uint32_t nh, uint32_t mtu);

/* frag.c: cut TCP super-packet p (data at its Ethernet header, an IPv4 or IPv6 frame) into
 * frames whose IP packets fit mtu, and send each out of L2 port ifx; consumes p. */
void gw_l2_segment(struct gw *gw, struct gw_pkt *p, uint16_t ifx, uint32_t mtu);
/* pipeline.c: frame p (data at its untagged Ethernet header, p->bdx its bridge domain)
 * leaves L2 port ifx: its VLAN tag pushed, a super-packet cut, counted; consumes p. */
void gw_l2_port_output(struct gw *gw, struct gw_pkt *p, uint16_t ifx);

/* ---- IPv6 ---- */
/* ip6.c: output of a routed or locally originated IPv6 packet (data at the IPv6 header)
 * toward next hop nh on ifx: egress checks (up, MTU: packet too big), then the neighbour. */
void gw_ip6_output(struct gw *gw, struct gw_pkt *p, uint16_t ifx, const struct in6_addr *nh);
/* The neighbour step alone: rewrite and send when nh's MAC is known, else ND holds p. */
void gw_ip6_neigh_output(struct gw *gw, struct gw_pkt *p, uint16_t ifx, const struct in6_addr *nh);
/* A packet the gateway originates (data at IPv6, p->vrfx set): routed by its destination;
 * a link-local or multicast destination goes out of p->tx_ifx. */
void gw_ip6_local_output(struct gw *gw, struct gw_pkt *p);
/* IPv6 packets from L3 input (data at the IPv6 header, rx_ifx and vrfx set); consumed. */
void gw_ip6_input_vec(struct gw *gw, struct gw_pkt **pkts, unsigned n);

/* frag.c: cut TCP super-packet p (data at IPv6) into segments that fit mtu, as the
 * sender's NIC would have, and send each with gw_ip6_output; consumes p. */
void gw_ip6_segment(struct gw *gw, struct gw_pkt *p, uint16_t ifx, const struct in6_addr *nh,
                    uint32_t mtu);

/* if6.c */
bool gw_if6_has_addr(const struct gw_if *gif, const struct in6_addr *a);
/* The global address of gif whose subnet holds a, NULL when none does. */
const struct in6_addr *gw_if6_subnet_addr(const struct gw_if *gif, const struct in6_addr *a);
/* The address to source packets to dst from: link-local for a link-local or multicast dst,
 * else a global one on dst's subnet, else the first global one, else the link-local. */
const struct in6_addr *gw_if6_src_for(const struct gw_if *gif, const struct in6_addr *dst);
void gw_if6_mac_changed(struct gw_if *gif);
/* ifx's MAC is about to become mac: the derived link-local address changes with it. */
void gw_if6_mac_changing(struct gw *gw, uint16_t ifx, const uint8_t *mac);
int gw_if6_move_vrf(struct gw *gw, uint16_t ifx, uint16_t from, uint16_t to);
void gw_if6_remove(struct gw *gw, uint16_t ifx);
void gw_if6_fill_info(const struct gw_if *gif, struct gw_if_info *info);
static inline bool gw_if6_enabled(const struct gw_if *gif)
{
	return gif->v6.n_addrs != 0;
}

/* nd.c: ND glue (NS/NA/RS in, NS/NA/RA out, the neighbour table's callbacks, RA timers) */
extern const struct arp6_ops gw_nd_ops;
/* An ICMPv6 ND message to the gateway (data at IPv6; checksum and hop limit checked by
 * nd_parse's caller); consumed. */
void gw_nd_input(struct gw *gw, struct gw_pkt *p, uint16_t ifx, const uint8_t *icmp, uint32_t len);
void gw_nd_tick(struct gw *gw);
/* Interface ifx's IPv6 or RA settings changed: RAs rescheduled (fast initial ones). */
void gw_nd_if_changed(struct gw *gw, uint16_t ifx);
/* ifx's link-local address becomes new_ll: the old one withdrawn, the new one advertised. */
void gw_nd_ll_change(struct gw *gw, uint16_t ifx, const struct in6_addr *new_ll);
/* Unsolicited NA for every address of ifx (a MAC change). */
void gw_nd_announce(struct gw *gw, uint16_t ifx);
/* The anycast round's announcement: one unsolicited NA, for the link-local address. */
void gw_nd_anycast_announce(struct gw *gw, uint16_t ifx);
/* Whether the IPv6 packet at ip6 is such an announcement (of another gateway). */
bool gw_nd_is_anycast_announcement(const uint8_t *ip6, uint32_t len);

/* icmp6.c */
enum gw_icmp6_kind {
	GW_ICMP6_NO_ROUTE,      /* destination unreachable, code 0 */
	GW_ICMP6_ADDR_UNREACH,  /* destination unreachable, code 3 (ND failed) */
	GW_ICMP6_PKT_TOO_BIG,   /* with the egress MTU */
	GW_ICMP6_HLIM_EXCEEDED, /* time exceeded, code 0 */
	GW_ICMP6_PORT_UNREACH,  /* destination unreachable, code 4 (UDP to the gateway) */
	GW_ICMP6_BEYOND_SCOPE,  /* destination unreachable, code 2 (a link-local source) */
	GW_ICMP6_PARAM_PROBLEM, /* parameter problem, code 1 (next header unknown), pointer in mtu
	                         */
	GW_ICMP6_PARAM_HEADER,  /* parameter problem, code 0 (erroneous header field), pointer in
	                           mtu */
};
/* p's data is at its IPv6 header; p is not consumed. Sourced from an address of the
 * interface p came in on (p->rx_ifx), rate-limited with ICMP. */
void gw_icmp6_error(struct gw *gw, const struct gw_pkt *p, enum gw_icmp6_kind kind, uint32_t mtu);
/* An IPv6 packet to one of the gateway's addresses or groups (data at IPv6); consumed. */
void gw_ip6_local_input(struct gw *gw, struct gw_pkt *p);

/* ping.c, IPv6 (the IPv4 calls above): ICMPv6 to the gateway (data at IPv6, the ICMPv6
 * message at off, its header and checksum checked): an echo reply or an error (types 1-4)
 * for one of its own probes? Then it is handled (the caller frees p). */
bool gw_ping6_input(struct gw *gw, const struct gw_pkt *p, uint32_t off);
/* The gateway could not send its own packet p (data at IPv6): a probe fails with `kind`. */
bool gw_ping6_local_error(struct gw *gw, const struct gw_pkt *p, enum gw_icmp6_kind kind);

#endif
