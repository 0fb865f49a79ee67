/*
 * gw/gw.h - the gateway: interfaces, the tables of the modules, and the packet pipeline.
 *
 * One struct gw owns a FIB, a neighbour table, the bridge domains and the L3 interfaces
 * (BDIFs and Ethernet uplinks). Packets enter through gw_input_underlay() (VXLAN payloads
 * as the underlay UDP socket delivers them) or gw_input_eth() (frames from an uplink),
 * a vector at a time, and leave through the output callbacks of struct gw_io_ops, also a
 * vector at a time. The I/O is thus abstract: the daemon plugs sockets in, tests and
 * benchmarks plug in memory.
 *
 * Everything here is called from one thread, the owner of the state.
 */
#ifndef GW_GW_H
#define GW_GW_H

#include <stdbool.h>
#include <stdint.h>

#include "acl/acl.h"
#include "arp/arp.h"
#include "fib/fib.h"
#include "fib/fib6.h"
#include "gw/drop.h"
#include "gw/pkt.h"
#include "vxlan/bd.h"

#define GW_IF_MAX       FIB_IFX_MAX
#define GW_IF_NAMELEN   16
#define GW_IF_ADDRS_MAX 8
#define GW_MTU_MIN      576
#define GW_MTU_MAX      9000
#define GW_MTU_DEFAULT  1500
#define GW_VLAN_MAX     4094 /* 802.1Q VLAN ids 1..4094 (0 and 4095 are reserved) */
#define GW_VRF_MAX      64   /* VRFs including the default one (index 0) */
#define GW_VRF_NAMELEN  32
#define GW_VRF_DEFAULT  0

enum gw_if_kind {
	GW_IF_BDIF = 1,
	GW_IF_ETH,
};

/*
 * Output. Both callbacks take ownership of the packets (and must hand them back with
 * gw_pkt_free on gw_pool(gw) once sent). tx_underlay gets complete outer IPv4 packets
 * (data = outer IPv4 header) to send to pkt->outer_dst; tx_eth gets Ethernet frames for
 * uplink ifx.
 */
struct gw_io_ops {
	void (*tx_underlay)(void *ctx, struct gw_pkt **pkts, unsigned n);
	void (*tx_eth)(void *ctx, uint16_t ifx, struct gw_pkt **pkts, unsigned n);
};

struct gw_params {
	uint32_t pool_bufs;    /* packet buffers (default 4096) */
	size_t mac_capacity;   /* MAC table size over all bridge domains (default 65536) */
	struct arp_config arp; /* neighbour table settings */
	struct arp_config nd;  /* IPv6 neighbour table settings (arp6_config_default) */
	uint32_t icmp_rate;    /* ICMP errors per second (default 100) */
	uint32_t icmp_burst;   /* bucket depth (default 50) */
	uint32_t arp_rate;     /* ARP requests sent per second (default 1000) */
	uint32_t arp_burst;    /* bucket depth (default 200) */
	bool vxlan_strict;     /* drop VXLAN with reserved bits / flags (default true) */

	/* announcement period of anycast-gateway BDIFs, gratuitous ARP and NA (default
	 * 1000 ms; 0: off); a quiet gateway takes over after 2.5 periods without hearing the
	 * announcer */
	uint32_t anycast_garp_ms;
};
void gw_params_default(struct gw_params *p);

struct gw;

struct gw *gw_create(const struct gw_params *p, const struct gw_io_ops *io, void *io_ctx);
void gw_destroy(struct gw *gw);

/* The module tables, for configuration and show commands. gw_fib: the default VRF's. */
struct fib *gw_fib(struct gw *gw);
struct arp_table *gw_arp(struct gw *gw);
struct arp_table *gw_nd(struct gw *gw); /* the IPv6 neighbour table (arp6_*) */
struct bd_table *gw_bd(struct gw *gw);
struct gw_pool *gw_pool(struct gw *gw);

/* Underlay: the local VTEP address packets are sent from and accepted to (0: none; port 0: 4789).
 */
int gw_set_vtep(struct gw *gw, uint32_t src, uint16_t udp_port);
uint32_t gw_vtep(const struct gw *gw);
uint16_t gw_udp_port(const struct gw *gw);

/*
 * IPv6 underlay (`vxlan source X:X::X`), beside the IPv4 VTEP: src NULL or :: = none;
 * GW_E_INVAL for a multicast, loopback or link-local address, GW_E_FULL when the name
 * table is. Remote VTEPs and groups of either family are 32-bit names (vxlan/vtep.h).
 */
int gw_set_vtep6(struct gw *gw, const struct in6_addr *src);
const struct in6_addr *gw_vtep6(const struct gw *gw); /* NULL: none */
uint32_t gw_vtep6_name(const struct gw *gw);          /* its name, 0: none */
/* The IPv6 VTEP names (main thread's table): for the configuration and show commands. */
struct vx_vteps *gw_vteps(struct gw *gw);
/*
 * The name of a remote VTEP or group given by its address (family AF_INET: addr points at
 * a host-order uint32_t, the name itself; AF_INET6: a struct in6_addr, named in the
 * table). 0 when it cannot be one (unspecified, loopback, link-local, table full).
 */
uint32_t gw_vtep_name(struct gw *gw, int family, const void *addr);

/* `vxlan dscp`: the outer DSCP, 0..VX_DSCP_MAX or VX_DSCP_INHERIT (default 0). ECN is always
 * carried per RFC 6040. GW_E_INVAL outside that. */
int gw_set_vx_dscp(struct gw *gw, int dscp);
int gw_vx_dscp(const struct gw *gw);
/* `vxlan udp6-zero-checksum rx|tx` (RFC 6935/6936): tx sends IPv6 outer UDP checksums 0;
 * rx accepts them (the driver's socket option; the daemon reads it). Default both off. */
void gw_set_udp6_zero_csum(struct gw *gw, bool rx, bool tx);
bool gw_udp6_zero_csum_rx(const struct gw *gw);
bool gw_udp6_zero_csum_tx(const struct gw *gw);

enum gw_err {
	GW_OK = 0,
	GW_E_INVAL = -1,
	GW_E_EXISTS = -2,
	GW_E_NOENT = -3,
	GW_E_FULL = -4,
	GW_E_NOMEM = -5,
	GW_E_CONFLICT = -6, /* address overlaps another interface's subnet */
	GW_E_BUSY = -7,     /* still used (a VRF with interfaces) */
};
const char *gw_strerror(int err);

/* ---- VRFs ---- */
/*
 * Tenant routing tables. VRF 0 is "default" and always exists; the others get a FIB of
 * their own when created (an empty FIB holds about 1.2 MiB resident, hence the bound).
 * An interface belongs to exactly one VRF: its local and connected routes go into that
 * VRF's FIB and packets it receives are routed there only, so tenants may use the same
 * prefixes and never reach each other.
 */
/* New VRF `name` (1-31 characters, not "default"); GW_E_EXISTS sets *vrfx too. */
int gw_vrf_add(struct gw *gw, const char *name, uint16_t *vrfx);
/* Deletes a VRF and its FIB; GW_E_BUSY while an interface is in it. */
int gw_vrf_del(struct gw *gw, uint16_t vrfx);
/* The process's malloc policy for a gateway with workers (vxgwd, the benchmarks): gw.c. */
void gw_malloc_setup(void);

/* "default", "" and NULL all name VRF 0, in the config language and in the tables. */
bool gw_vrf_name_is_default(const char *name);
/* "default" (or "") is VRF 0; false when no VRF has that name. */
bool gw_vrf_find(const struct gw *gw, const char *name, uint16_t *vrfx);
const char *gw_vrf_name(const struct gw *gw, uint16_t vrfx); /* NULL: none */
struct fib *gw_vrf_fib(struct gw *gw, uint16_t vrfx);        /* NULL: none */
struct fib6 *gw_vrf_fib6(struct gw *gw, uint16_t vrfx);      /* NULL: none */

/* ---- interfaces (iface.c) ---- */
/* BDIF of bridge domain bd_id (which need not exist yet); *ifx receives its index. */
int gw_bdif_add(struct gw *gw, uint32_t bd_id, uint16_t *ifx);
/*
 * Uplink `name` with that MAC: the main interface of Linux netdev `name` ("up0"), or an
 * 802.1Q sub-interface "NETDEV.N" ("up0.100"), which carries nothing until it is given
 * a VLAN with gw_if_set_dot1q. The main interface and the sub-interfaces of one netdev
 * share its frames: the pipeline hands each to the interface of its tag.
 */
int gw_eth_add(struct gw *gw, const char *name, const uint8_t *mac, uint16_t *ifx);
/*
 * Splits an uplink name into its netdev and sub-interface number: "up0.100" -> "up0",
 * 100; "up0" -> "up0", 0 (a name is a sub-interface when what follows its last '.' is a
 * number 1-999999999 without leading zero). False when the name is empty or too long.
 */
bool gw_eth_name_split(const char *name, char netdev[GW_IF_NAMELEN], uint32_t *sub);
/*
 * The state of an uplink netdev as the daemon sees it; its interfaces (the main one and
 * the sub-interfaces) forward only while it is GW_LINK_UP.
 */
enum gw_link {
	GW_LINK_UP = 1,  /* it exists, is up and has a carrier: frames come and go */
	GW_LINK_DOWN,    /* it exists but is down or has no carrier */
	GW_LINK_MISSING, /* no netdev has that name (deleted, renamed, moved away) */
};
/*
 * Sets the link state of netdev `netdev` (GW_LINK_UP when its first uplink is added).
 * Leaving GW_LINK_UP takes its interfaces down as shutdown does (learned neighbours
 * forgotten, waiting packets dropped). GW_E_NOENT when no uplink is on that netdev.
 */
int gw_eth_set_link(struct gw *gw, const char *netdev, enum gw_link link);
/* The VLAN (1..GW_VLAN_MAX, 0: none) of sub-interface ifx; GW_E_EXISTS when another
 * sub-interface of the same netdev has it. */
int gw_if_set_dot1q(struct gw *gw, uint16_t ifx, uint16_t vlan);
/*
 * L2 gateway: uplink ifx (a netdev, or one VLAN of it as a sub-interface) becomes a port of
 * bridge domain bd_id, which must exist (GW_E_NOENT); 0 makes it an L3 interface again.
 * A port switches: it learns source MACs, sends frames to the port or VTEP of their
 * destination MAC, floods what is unknown or BUM to the bridge domain's other ports and by
 * head-end replication to its flood peers (or group), and hands frames for the BDIF's MAC
 * to the BDIF. A port carries no addresses: GW_E_BUSY while it has IPv4 or IPv6 ones, and
 * gw_if_addr_add / gw_if_addr6_add refuse a port likewise. Leaving the bridge domain (or
 * the interface's deletion) forgets the MACs on it, static ones too.
 */
int gw_if_set_l2_bd(struct gw *gw, uint16_t ifx, uint32_t bd_id);
int gw_if_del(struct gw *gw, uint16_t ifx);
/*
 * Access lists (acl/acl.h). A list is named per family (IPv4 and IPv6 names are apart);
 * gw_acl_set creates it or replaces its entries (sorted by sequence number) at once: the
 * new classifier is built before anything changes, so no packet sees half a list, and
 * entries that stay (acl_rule_same) keep their counters. GW_E_INVAL for a bad name, more
 * than ACL_ENTRIES_MAX entries or entries not numbered in increasing order, GW_E_FULL past
 * GW_ACL_MAX lists, GW_E_NOMEM. gw_acl_del: GW_E_BUSY while an interface uses the list, GW_E_NOENT
 * when there is none.
 */
#define GW_ACL_MAX 512 /* lists, both families */
int gw_acl_set(struct gw *gw, int fam, const char *name, const struct acl_rule *r, unsigned n);
int gw_acl_del(struct gw *gw, int fam, const char *name);
/*
 * Applies list `name` (NULL: none) of family fam to interface ifx in direction dir (enum
 * acl_dir): routed packets of that family arriving on ifx (ACL_IN) or leaving by it
 * (ACL_OUT) are filtered; on an L2 port, the IP frames it receives or sends. Packets to
 * and from the gateway itself (ping, ARP, ND, RAs) are not. GW_E_NOENT: no such list.
 */
int gw_if_set_acl(struct gw *gw, uint16_t ifx, int fam, int dir, const char *name);
/* The list applied to ifx (NULL: none). */
const char *gw_if_acl(const struct gw *gw, uint16_t ifx, int fam, int dir);
/* The current classifier of a list (its entries, counters: acl/acl.h); NULL: no list. */
const struct acl_cls *gw_acl_cls(const struct gw *gw, int fam, const char *name);
/* The names of the lists of family fam in name order, at most max; returns how many exist. */
unsigned gw_acl_names(const struct gw *gw, int fam, const char **names, unsigned max);
/* Clears the counters of list `name` (NULL: every list of the family). GW_E_NOENT. */
int gw_acl_clear(struct gw *gw, int fam, const char *name);
uint16_t gw_if_by_name(const struct gw *gw, const char *name); /* "bdif10", "up0"; 0 = none */
uint16_t gw_bdif_of(const struct gw *gw, uint32_t bd_id);      /* 0 = none */
int gw_if_addr_add(struct gw *gw, uint16_t ifx, uint32_t addr, uint8_t len);
int gw_if_addr_del(struct gw *gw, uint16_t ifx, uint32_t addr, uint8_t len);
/*
 * IPv6 (nd.c, icmp6.c, the ip6 nodes of pipeline.c). An interface routes IPv6 once it has
 * a global address; its link-local address is derived from its MAC (EUI-64) unless set.
 * Global addresses: up to GW_IF_ADDRS_MAX; not link-local, multicast or unspecified;
 * GW_E_CONFLICT when the subnet overlaps another interface's in the VRF.
 */
int gw_if_addr6_add(struct gw *gw, uint16_t ifx, const struct in6_addr *addr, uint8_t len);
int gw_if_addr6_del(struct gw *gw, uint16_t ifx, const struct in6_addr *addr, uint8_t len);
/* ` ipv6 address X link-local`; NULL: back to the derived one. */
int gw_if_set_ll6(struct gw *gw, uint16_t ifx, const struct in6_addr *ll);

/* Router advertisements of an interface (` ipv6 nd ...`). */
#define GW_ND_PREFIX_MAX       8
#define GW_ND_RA_INTERVAL_MIN  4 /* seconds (RFC 4861 MaxRtrAdvInterval bounds) */
#define GW_ND_RA_INTERVAL_MAX  1800
#define GW_ND_RA_INTERVAL_DEF  200 /* as IOS and NX-OS */
#define GW_ND_RA_LIFETIME_MAX  9000
#define GW_ND_RA_LIFETIME_DEF  1800
#define GW_ND_PREFIX_VALID_DEF 2592000 /* 30 days, RFC 4861 AdvValidLifetime */
#define GW_ND_PREFIX_PREF_DEF  604800  /* 7 days */
enum gw_nd_ra_mode {
	GW_ND_RA_DEFAULT = 0, /* on for BDIFs with a global address, off on uplinks */
	GW_ND_RA_SUPPRESS,    /* ipv6 nd suppress-ra */
	GW_ND_RA_SEND,        /* no ipv6 nd suppress-ra: also on an uplink */
};
struct gw_nd_prefix {
	struct in6_addr pfx;
	uint8_t len;
	bool no_autoconfig, off_link, no_advertise;
};
struct gw_nd_cfg {
	uint8_t ra;             /* enum gw_nd_ra_mode */
	uint32_t ra_interval_s; /* 0: GW_ND_RA_INTERVAL_DEF */
	bool ra_lifetime_set;   /* ra_lifetime_s as configured (0 allowed: not a default router) */
	uint32_t ra_lifetime_s;
	bool managed, other; /* M and O flags */
	uint8_t n_prefixes;  /* per-prefix settings, sorted by (pfx, len) */
	struct gw_nd_prefix prefixes[GW_ND_PREFIX_MAX];
};
int gw_if_set_nd(struct gw *gw, uint16_t ifx, const struct gw_nd_cfg *nd);

int gw_if_set_mac(struct gw *gw, uint16_t ifx, const uint8_t *mac);
int gw_if_set_mtu(struct gw *gw, uint16_t ifx, uint32_t mtu);
int gw_if_set_up(struct gw *gw, uint16_t ifx, bool up);
/* Moves an interface (with its addresses and routes) into VRF vrfx; its learned
 * neighbours are forgotten. GW_E_CONFLICT when an address overlaps a subnet there. */
int gw_if_set_vrf(struct gw *gw, uint16_t ifx, uint16_t vrfx);
/*
 * Distributed anycast gateway (BDIFs only): the interface's MAC (gw_if_set_mac) is the one
 * shared with the other gateways serving the same tenants. On each bridge domain one
 * gateway, the announcer, announces the shared MAC (a gratuitous ARP and an NA every
 * anycast_garp_ms), so that the VTEPs learn it at a live gateway without flipping between
 * gateways; the others stay quiet while they hear it (neigh.c). The BDIF learns ARP
 * replies sent to the shared MAC even if it did not ask.
 */
int gw_if_set_anycast(struct gw *gw, uint16_t ifx, bool on);

struct gw_if_counters {
	uint64_t rx_pkts, rx_bytes, tx_pkts, tx_bytes;
};

struct gw_if_info {
	uint16_t ifx;
	uint8_t kind; /* enum gw_if_kind */
	char name[GW_IF_NAMELEN];
	uint32_t bd_id; /* BDIF */
	uint32_t l2_bd; /* uplink: the bridge domain it is a port of (L2 gateway), 0: none */
	uint16_t vrfx;  /* the VRF it routes in (0: default) */
	uint8_t mac[6];
	uint32_t mtu;
	bool up;       /* forwarding: not shut down, link up (uplinks), tagged (sub-ifs) */
	bool admin_up; /* not shut down */
	bool subif;    /* an 802.1Q sub-interface of netdev `netdev` */
	uint16_t vlan; /* its VLAN, 0: none */
	char netdev[GW_IF_NAMELEN]; /* uplinks: the Linux netdev */
	uint8_t link;               /* uplinks: enum gw_link of the netdev; BDIFs: 0 */
	bool anycast;               /* BDIF in anycast-gateway mode */
	uint8_t n_addrs;
	uint32_t addr[GW_IF_ADDRS_MAX];
	uint8_t plen[GW_IF_ADDRS_MAX];
	uint8_t n_addrs6;
	struct in6_addr addr6[GW_IF_ADDRS_MAX];
	uint8_t plen6[GW_IF_ADDRS_MAX];
	struct in6_addr ll6; /* the link-local address in use */
	bool ll6_set;        /* configured, not derived */
	bool ra_on;          /* sending router advertisements now */
	struct gw_nd_cfg nd;
	struct gw_if_counters cnt;
};
bool gw_if_get(const struct gw *gw, uint16_t ifx, struct gw_if_info *info);
/* Interfaces in index order; cb non-zero stops. */
int gw_if_walk(const struct gw *gw, int (*cb)(const struct gw_if_info *i, void *arg), void *arg);

/* The MAC a BDIF gets by default: 02:76:78 followed by the 24-bit bridge-domain id. */
void gw_bdif_default_mac(uint32_t bd_id, uint8_t mac[6]);

/* ---- the data plane ---- */
/*
 * The clock (milliseconds, monotonic) the pipeline stamps learning and ageing with.
 * The daemon sets it once per loop iteration; tests set it explicitly.
 */
void gw_set_time(struct gw *gw, uint64_t now_ms);
/* The monotonic clock in milliseconds: what the daemon and its workers stamp with. */
uint64_t gw_clock_ms(void);

/*
 * VXLAN from the underlay: each packet's data is the VXLAN header (what a UDP socket
 * delivers), with outer_src, outer_dst and outer_sport set. Consumes the packets.
 */
void gw_input_underlay(struct gw *gw, struct gw_pkt **pkts, unsigned n);
/*
 * Ethernet frames received on the netdev of uplink ifx (its main interface or any of its
 * sub-interfaces): each goes to the interface of its 802.1Q tag. Consumes the packets.
 */
void gw_input_eth(struct gw *gw, uint16_t ifx, struct gw_pkt **pkts, unsigned n);

/* Timers: ARP retransmits and ageing, MAC ageing. Call every ~100 ms. */
void gw_tick(struct gw *gw);

struct gw_counters {
	uint64_t drops[GW_DROP_MAX];
	uint64_t rx_underlay, tx_underlay, rx_eth, tx_eth;
	uint64_t routed, local, arp_replies, arp_requests, icmp_errors, fragments, flooded;
	/* How the underlay driver sent tx_underlay: direct Ethernet frames, raw socket; of the
	 * direct ones, those inside UDP super-datagrams the kernel or NIC cut (UDP GSO). */
	uint64_t tx_underlay_l2, tx_underlay_raw, tx_underlay_gso;
	/* Of rx_underlay, what the kernel handed over coalesced (UDP GRO), and what came
	 * through AF_XDP sockets (dataplane io xdp); of rx_eth and tx_eth, what came and went
	 * through an uplink's AF_XDP sockets. */
	uint64_t rx_underlay_gro, rx_underlay_xdp, rx_uplink_xdp, tx_uplink_xdp;
	/* What senders left to their NICs, done by the receive side (gw/gso.h): super-packets
	 * (TSO/GSO) cut, TCP/UDP checksums completed. */
	uint64_t rx_gso, rx_csum_completed;
	/* Of arp_replies, the answers to senders off the interface's subnets (not learned). */
	uint64_t arp_offlink_replies;
	/* IPv6: packets routed, addressed to the gateway; ND messages and RAs sent; ICMPv6
	 * errors sent (apart from icmp_errors, which counts ICMPv4). */
	uint64_t routed6, local6, nd_solicits, nd_adverts, ra_sent, icmp6_errors;
};
void gw_get_counters(const struct gw *gw, struct gw_counters *c);
/* Drops the I/O drivers see (refused sends) are counted with the pipeline's. */
void gw_count_drop(struct gw *gw, enum gw_drop why, uint64_t n);
/* What a running total kept elsewhere (a socket's drop count) grew by since *seen,
 * counted as drops; *seen becomes total. */
void gw_count_drop_total(struct gw *gw, enum gw_drop why, uint64_t total, uint64_t *seen);
void gw_clear_counters(struct gw *gw);
/* The underlay driver's transmit paths (tx_underlay_l2, _raw, _gso), what they grew by,
 * added as the daemon and the workers' fold read them. */
void gw_count_underlay_paths(struct gw *gw, uint64_t l2, uint64_t raw, uint64_t gso);
/*
 * What a driver's receive side did before the pipeline saw the packets: running totals,
 * which the daemon and the workers add to the gateway's counters as they grow.
 */
struct gw_io_rx_stats {
	uint64_t oversize;        /* dropped: larger than a buffer and not a packet we can cut */
	uint64_t gso_unsupported; /* dropped: super-packets that cannot be cut (gw/gso.h) */
	uint64_t gro;             /* packets that came coalesced by the kernel (UDP GRO) */
	uint64_t gso;             /* super-packets (TSO/GSO) a sender left whole, cut here */
	uint64_t csum;            /* TCP/UDP checksums a sender left to its NIC, completed */
	uint64_t outer_bad;       /* dropped: underlay frames the kernel did not check, bad */
	uint64_t xdp;             /* packets that came through an AF_XDP socket */
	uint64_t xdp_uplink;      /* frames that came through an uplink's AF_XDP socket */
};
/*
 * What a driver's receive totals (the drivers of gw/io/) grew by since *seen, added to the
 * gateway's counters (gw_count_rx) or to a worker's own (gw_counters_add_rx: relaxed atomic
 * stores, its single writer's); *seen becomes now.
 */
void gw_count_rx(struct gw *gw, const struct gw_io_rx_stats *now, struct gw_io_rx_stats *seen);
void gw_counters_add_rx(struct gw_counters *c, const struct gw_io_rx_stats *now,
                        struct gw_io_rx_stats *seen);

#endif
