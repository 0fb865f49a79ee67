/*
 * gw/config/config.h - the configuration model and the one API that changes it.
 *
 * A struct gw_cfg is a complete desired configuration, a plain value: the config file,
 * the CLI and a SIGHUP reload all build one (a candidate) and hand it to gw_cfg_apply(),
 * which checks it (gw_cfg_apply_checked() when the file's loader did) and moves the
 * running gateway from the old configuration to the new one as a diff, touching only what
 * changed, so that traffic not concerned keeps flowing.
 * `show running-config` is rendered from the model (cli/render.c).
 *
 * Setters validate their arguments and return GW_CFG_OK or an error with a message in
 * err (naming the bad value); a failed setter leaves the model unchanged.
 */
#ifndef GW_CONFIG_H
#define GW_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "acl/acl.h"
#include "gw/gw.h"

#define GW_CFG_ERRLEN           256
#define GW_CFG_HOSTLEN          64
#define GW_CFG_HOSTNAME_DEFAULT "vxgw"
#define GW_CFG_PORT_MAX         65535 /* udp-port, telnet listen, metrics listen */

/* dataplane workers: a sentinel, not a count, so that the daemon can size "auto" to the
 * host it starts on and a saved configuration does not carry one machine's CPU count. */
#define GW_CFG_WORKERS_AUTO (-1) /* no dataplane workers: one per online CPU */
#define GW_CFG_WORKERS_MAX  32

/*
 * dataplane io: socket = the kernel's UDP sockets (the default, until every lab test passes
 * in xdp mode); xdp = AF_XDP sockets fed by our XDP program on the VTEP's netdev, or an
 * error when they cannot be had; auto = XDP where it works, else sockets with a log line
 * that says why.
 */
enum gw_cfg_io { GW_CFG_IO_SOCKET = 0, GW_CFG_IO_AUTO, GW_CFG_IO_XDP };
#define GW_CFG_BUSY_POLL_DEFAULT_US 50 /* dataplane busy-poll without a number */
#define GW_CFG_BUSY_POLL_MAX_US     10000

enum {
	GW_CFG_OK = 0,
	GW_CFG_ERR = -1,
};

/* Writes a message to err (GW_CFG_ERRLEN bytes; may be NULL) and returns GW_CFG_ERR. */
int gw_cfg_fail(char *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * Underlay addresses are kept as configured, with their family: an IPv4 one as a host-order
 * uint32_t, an IPv6 one as a struct in6_addr (0 / :: = none). The data plane's 32-bit VTEP
 * names (vxlan/vtep.h) are made from them when the configuration is applied.
 */
struct gw_cfg_bd {
	uint32_t id;
	uint32_t vni;                 /* 0 = none */
	uint32_t flood_group;         /* IPv4 group, 0 = none */
	struct in6_addr flood_group6; /* IPv6 group, :: = none; at most one of the two is set */
	uint32_t mac_aging;           /* seconds, 0 = never */
	uint32_t mac_limit;
	/* flood peers of both families, n_peers + n_peers6 <= BD_PEERS_MAX */
	uint32_t n_peers;
	uint32_t peers[BD_PEERS_MAX]; /* IPv4, sorted */
	uint32_t n_peers6;
	struct in6_addr peers6[BD_PEERS_MAX]; /* IPv6, sorted (memcmp), zero past n_peers6 */
};

/* A tenant VRF (the default VRF is implicit and never listed). */
struct gw_cfg_vrf {
	char name[GW_VRF_NAMELEN];
};

struct gw_cfg_if {
	char name[GW_IF_NAMELEN]; /* "bdif10" or the netdev name */
	uint8_t kind;             /* enum gw_if_kind */
	uint32_t bd_id;           /* BDIF */
	uint16_t dot1q;           /* 802.1Q sub-interface "NETDEV.N": its VLAN, 0 = none */
	bool mac_set;
	uint8_t mac[6];
	uint32_t mtu; /* 0 = default */
	bool shutdown;
	bool anycast; /* BDIF: fabric forwarding mode anycast-gateway */
	uint8_t n_addrs;
	uint32_t addr[GW_IF_ADDRS_MAX];
	uint8_t plen[GW_IF_ADDRS_MAX];
	char vrf[GW_VRF_NAMELEN]; /* "" = default, zero-filled */
	/* IPv6: global addresses sorted by (address, length), all equal (no primary) */
	uint8_t n_addrs6;
	struct in6_addr addr6[GW_IF_ADDRS_MAX];
	uint8_t plen6[GW_IF_ADDRS_MAX];
	bool ll6_set; /* ipv6 address X link-local; else derived from the MAC */
	struct in6_addr ll6;
	struct gw_nd_cfg nd; /* ipv6 nd ...: all zero = the defaults */
	uint32_t l2_bd;      /* uplink: ` bridge-domain N`, a port of that BD (L2 gateway); 0: L3 */
	bool io_socket;      /* uplink netdev: ` dataplane io socket`, its frames through packet
	                      * sockets even with dataplane io xdp (no XDP program on it) */
	/* ` ip access-group` ([0]) / ` ipv6 traffic-filter` ([1]) by enum acl_dir; "" = none,
	 * zero-filled (gw_cfg_equal compares whole structs) */
	char acl[2][2][ACL_NAMELEN];
};

struct gw_cfg_route {
	uint32_t pfx;
	uint8_t len;
	uint8_t kind; /* enum fib_nh_kind */
	uint32_t nh;
	char vrf[GW_VRF_NAMELEN]; /* "" = default, zero-filled; sorted on first */
};

/* ipv6 route [vrf NAME] P/L (X:X::X [INTERFACE] | null0) */
struct gw_cfg_route6 {
	struct in6_addr pfx;
	struct in6_addr nh;         /* FIB_NH_IP */
	char vrf[GW_VRF_NAMELEN];   /* "" = default, zero-filled; sorted on first */
	char ifname[GW_IF_NAMELEN]; /* "" = resolved through the FIB (not for a link-local nh) */
	uint8_t len;
	uint8_t kind; /* enum fib_nh_kind */
};

/* ipv6 neighbor X:X::X H:H:H:H:H:H INTERFACE */
struct gw_cfg_nbr6 {
	struct in6_addr ip;
	char ifname[GW_IF_NAMELEN];
	uint8_t mac[6];
};

struct gw_cfg_arp {
	uint32_t ip;
	uint8_t mac[6];
	char ifname[GW_IF_NAMELEN];
};

/* mac-address-table static MAC bridge-domain N (peer (A.B.C.D | X:X::X) | interface IF):
 * behind a VTEP of either family (vtep or vtep6; ifname "") or on a port of the bridge
 * domain (vtep 0, vtep6 ::). Exactly one of the three is set. */
struct gw_cfg_mac {
	uint32_t bd_id;
	uint8_t mac[6];
	uint32_t vtep;
	struct in6_addr vtep6;
	char ifname[GW_IF_NAMELEN]; /* zero-filled */
};

#define GW_CFG_USERLEN             32
#define GW_CFG_HASHLEN             128
#define GW_CFG_VTY_TIMEOUT_DEFAULT 600 /* seconds */
/* 35791 minutes, as on IOS: the longest whose milliseconds fit in a signed 32-bit int */
#define GW_CFG_VTY_TIMEOUT_MAX (35791u * 60) /* seconds */

struct gw_cfg_user {
	char name[GW_CFG_USERLEN];
	char hash[GW_CFG_HASHLEN]; /* crypt(3) SHA-512: $6$[rounds=N$]salt$hash */
};

/*
 * An access list (` ip access-list NAME` / ` ipv6 access-list NAME`): its entries sorted by
 * sequence number, owned by the list (gw_cfg_clone copies them, gw_cfg_equal compares
 * them, gw_cfg_free frees them).
 */
struct gw_cfg_acl {
	char name[ACL_NAMELEN]; /* zero-filled */
	uint8_t fam;            /* enum acl_family */
	size_t n, cap;          /* as a GW_CFG_VEC's: the sorted-vector primitives keep it */
	struct acl_rule *rules; /* by sequence number */
};

/* Growable sorted arrays; each element type has its own comparison. */
#define GW_CFG_VEC(type)                                                                           \
	struct {                                                                                   \
		type *v;                                                                           \
		size_t n, cap;                                                                     \
	}

struct gw_cfg {
	char hostname[GW_CFG_HOSTLEN];
	uint32_t vtep;          /* vxlan source A.B.C.D, 0 = none */
	struct in6_addr vtep6;  /* vxlan source X:X::X, :: = none */
	uint16_t udp_port;      /* default 4789 */
	int vx_dscp;            /* vxlan dscp: 0..VX_DSCP_MAX or VX_DSCP_INHERIT; default 0 */
	bool udp6_zero_csum_rx; /* vxlan udp6-zero-checksum rx */
	bool udp6_zero_csum_tx; /* vxlan udp6-zero-checksum tx */
	GW_CFG_VEC(struct gw_cfg_vrf) vrfs;       /* by name */
	GW_CFG_VEC(struct gw_cfg_bd) bds;         /* by id */
	GW_CFG_VEC(struct gw_cfg_if) ifs;         /* bdifs by bd id, then ethernet by name */
	GW_CFG_VEC(struct gw_cfg_route) routes;   /* by (vrf, pfx, len, kind, nh) */
	GW_CFG_VEC(struct gw_cfg_arp) arps;       /* by (ifname, ip) */
	GW_CFG_VEC(struct gw_cfg_mac) macs;       /* by (bd, mac) */
	GW_CFG_VEC(struct gw_cfg_route6) routes6; /* by (vrf, pfx, len, kind, nh, ifname) */
	GW_CFG_VEC(struct gw_cfg_nbr6) nbrs6;     /* by (ifname, ip) */
	GW_CFG_VEC(struct gw_cfg_acl) acls;       /* by (family, name) */
	/* management */
	GW_CFG_VEC(struct gw_cfg_user) users; /* by name */
	char enable_secret[GW_CFG_HASHLEN];   /* "" = none: enable refused on vty */
	bool vty;                             /* a `line vty` section exists */
	uint32_t vty_addr;                    /* telnet listen address, 0 = telnet off */
	uint16_t vty_port;
	uint32_t vty_timeout;      /* idle seconds, 0 = never */
	char vty_acl[ACL_NAMELEN]; /* ` access-class NAME in`: IPv4 list of telnet clients */

	/* fabric anycast-gateway-mac: the MAC of every BDIF in anycast-gateway mode */
	bool anycast_mac_set;
	uint8_t anycast_mac[6];
	/* metrics listen: the Prometheus endpoint's address (0.0.0.0: any) and port (0: off) */
	uint32_t metrics_addr;
	uint16_t metrics_port;
	char metrics_acl[ACL_NAMELEN]; /* metrics access-class NAME: IPv4 list of scrapers */
	/* dataplane workers: forwarding threads. 0 = the main thread forwards everything;
	 * GW_CFG_WORKERS_AUTO (the default) = one per online CPU, resolved by the daemon. */
	int workers;
	/* dataplane io: how the underlay's datagrams reach the gateway (gw/io/xdp.h). */
	enum gw_cfg_io io;
	/* dataplane busy-poll USEC: a worker polls its AF_XDP socket's queue itself
	 * (SO_BUSY_POLL, SO_PREFER_BUSY_POLL) instead of sleeping until the kernel wakes it,
	 * until the queue has been quiet for USEC. 0 (the default): off. */
	uint32_t busy_poll_us;
};

struct gw_cfg *gw_cfg_new(void);
void gw_cfg_free(struct gw_cfg *c);
struct gw_cfg *gw_cfg_clone(const struct gw_cfg *c);
bool gw_cfg_equal(const struct gw_cfg *a, const struct gw_cfg *b);

/* ---- setters (each with its `no` form) ---- */
int gw_cfg_set_hostname(struct gw_cfg *c, const char *name, char *err);
int gw_cfg_set_vtep(struct gw_cfg *c, uint32_t src, char *err); /* 0 = no */
/* vxlan source X:X::X: a unicast address, not link-local, loopback or IPv4-mapped; NULL or
 * :: = no. */
int gw_cfg_set_vtep6(struct gw_cfg *c, const struct in6_addr *src, char *err);
/* vxlan dscp: 0..VX_DSCP_MAX, or VX_DSCP_INHERIT (the inner packet's). */
int gw_cfg_set_vx_dscp(struct gw_cfg *c, int dscp, char *err);
/* vxlan udp6-zero-checksum rx / tx (RFC 6935/6936), each on its own. */
enum gw_cfg_udp6_dir { GW_CFG_UDP6_RX, GW_CFG_UDP6_TX };
int gw_cfg_set_udp6_zero_csum(struct gw_cfg *c, enum gw_cfg_udp6_dir dir, bool on, char *err);
int gw_cfg_set_udp_port(struct gw_cfg *c, uint32_t port, char *err); /* 0 = default */
/* The gateway MAC every BDIF in anycast mode shares with the other gateways (NULL = no). */
int gw_cfg_set_anycast_mac(struct gw_cfg *c, const uint8_t *mac, char *err);

/*
 * Tenant VRFs: `vrf NAME`. A name is 1-31 letters, digits, - _ . starting with a letter;
 * "default" names the default VRF and cannot be created or deleted. Deleting a VRF that
 * an interface or a route still uses is refused, naming the user.
 */
int gw_cfg_vrf(struct gw_cfg *c, const char *name, bool add, char *err);
const struct gw_cfg_vrf *gw_cfg_vrf_find(const struct gw_cfg *c, const char *name);

int gw_cfg_bd_add(struct gw_cfg *c, uint32_t id, char *err); /* exists: fine (enter mode) */
int gw_cfg_bd_del(struct gw_cfg *c, uint32_t id, char *err);
struct gw_cfg_bd *gw_cfg_bd_find(const struct gw_cfg *c, uint32_t id);
int gw_cfg_bd_set_vni(struct gw_cfg *c, uint32_t id, uint32_t vni, char *err); /* 0 = no */
int gw_cfg_bd_peer(struct gw_cfg *c, uint32_t id, uint32_t vtep, bool add, char *err);
int gw_cfg_bd_set_group(struct gw_cfg *c, uint32_t id, uint32_t group, char *err); /* 0 = no */
/* IPv6 flood peers (unicast, not link-local, loopback or IPv4-mapped), beside the IPv4 ones. */
int gw_cfg_bd_peer6(struct gw_cfg *c, uint32_t id, const struct in6_addr *vtep, bool add,
                    char *err);
/* An IPv6 flood group (multicast of scope admin-local or wider); replaces an IPv4 one.
 * NULL or :: = no group (of either family). */
int gw_cfg_bd_set_group6(struct gw_cfg *c, uint32_t id, const struct in6_addr *group, char *err);
int gw_cfg_bd_set_aging(struct gw_cfg *c, uint32_t id, uint32_t secs, char *err);
int gw_cfg_bd_set_limit(struct gw_cfg *c, uint32_t id, uint32_t limit, char *err);

/* name: "bdif10" for kind BDIF (bd_id 10), for ETH a Linux netdev name or NETDEV.N, an
 * 802.1Q sub-interface of it (gw_eth_name_split). */
int gw_cfg_if_add(struct gw_cfg *c, uint8_t kind, const char *name, uint32_t bd_id, char *err);
int gw_cfg_if_del(struct gw_cfg *c, const char *name, char *err);
struct gw_cfg_if *gw_cfg_if_find(const struct gw_cfg *c, const char *name);
enum gw_cfg_addr_op {
	GW_CFG_ADDR_PRIMARY,   /* ip address A/L: sets (replaces) the primary address */
	GW_CFG_ADDR_SECONDARY, /* ip address A/L secondary */
	GW_CFG_ADDR_DEL,       /* no ip address [A/L]: addr 0 removes every address */
};
int gw_cfg_if_addr(struct gw_cfg *c, const char *name, uint32_t addr, uint8_t len,
                   enum gw_cfg_addr_op op, char *err);
int gw_cfg_if_set_mac(struct gw_cfg *c, const char *name, const uint8_t *mac, char *err);
int gw_cfg_if_set_mtu(struct gw_cfg *c, const char *name, uint32_t mtu, char *err); /* 0 = no */
int gw_cfg_if_set_shutdown(struct gw_cfg *c, const char *name, bool shut, char *err);
/* ` dataplane io socket` on an uplink's main interface (its netdev: not a sub-interface,
 * not a BDIF); on false, `no dataplane io`. */
int gw_cfg_if_set_io_socket(struct gw_cfg *c, const char *name, bool on, char *err);
/* encapsulation dot1q VLAN (1-4094; 0 = no) of sub-interface `name` ("up0.100"). */
int gw_cfg_if_set_dot1q(struct gw_cfg *c, const char *name, uint32_t vlan, char *err);
/* ` vrf NAME` of an interface; vrf NULL or "default": the default VRF. */
int gw_cfg_if_set_vrf(struct gw_cfg *c, const char *name, const char *vrf, char *err);
/*
 * ` bridge-domain N` of an uplink (a netdev or NETDEV.N): it becomes a port of bridge domain
 * N, which must exist (L2 gateway); 0 = `no bridge-domain`, an L3 interface again. A port
 * carries no ip address, ipv6 address, vrf or ipv6 nd settings (its BD's BDIF routes):
 * refused both ways, naming the word.
 */
int gw_cfg_if_set_l2_bd(struct gw_cfg *c, const char *name, uint32_t bd_id, char *err);
/* fabric forwarding mode anycast-gateway: BDIFs only; needs gw_cfg_set_anycast_mac. */
int gw_cfg_if_set_anycast(struct gw_cfg *c, const char *name, bool on, char *err);

/*
 * IPv6 of an interface. ipv6 address X:X::X/L: a global address (not link-local,
 * multicast, unspecified or loopback, not the subnet's all-zero address below /127); its
 * subnet may not overlap another in the VRF. addr NULL on delete: every global address
 * and the link-local override (`no ipv6 address`).
 */
int gw_cfg_if_addr6(struct gw_cfg *c, const char *name, const struct in6_addr *addr, uint8_t len,
                    bool add, char *err);
/* ipv6 address X link-local (fe80::/10); NULL: back to the derived one. */
int gw_cfg_if_set_ll6(struct gw_cfg *c, const char *name, const struct in6_addr *ll, char *err);
/* ipv6 nd suppress-ra (suppress) / no ipv6 nd suppress-ra (send: the default on a BDIF). */
int gw_cfg_if_set_suppress_ra(struct gw_cfg *c, const char *name, bool suppress, char *err);
/* ipv6 nd ra-interval (GW_ND_RA_INTERVAL_MIN-MAX seconds; 0 = the default). */
int gw_cfg_if_set_ra_interval(struct gw_cfg *c, const char *name, uint32_t secs, char *err);
/* ipv6 nd ra-lifetime (0-GW_ND_RA_LIFETIME_MAX seconds); set false = the default. */
int gw_cfg_if_set_ra_lifetime(struct gw_cfg *c, const char *name, bool set, uint32_t secs,
                              char *err);
enum gw_cfg_nd_flag {
	GW_CFG_ND_MANAGED, /* ipv6 nd managed-config-flag */
	GW_CFG_ND_OTHER,   /* ipv6 nd other-config-flag */
};
int gw_cfg_if_set_nd_flag(struct gw_cfg *c, const char *name, enum gw_cfg_nd_flag flag, bool on,
                          char *err);
/* ipv6 nd prefix P/L [flags]: added or its flags replaced; on delete the flags are ignored. */
int gw_cfg_if_nd_prefix(struct gw_cfg *c, const char *name, const struct gw_nd_prefix *p, bool add,
                        char *err);

/* nh NULL on delete = every next hop of the prefix. */
int gw_cfg_route(struct gw_cfg *c, uint32_t pfx, uint8_t len, const struct fib_nh *nh, bool add,
                 char *err);
/* The same in VRF vrf (NULL or "default": the default VRF), which must exist. */
int gw_cfg_vrf_route(struct gw_cfg *c, const char *vrf, uint32_t pfx, uint8_t len,
                     const struct fib_nh *nh, bool add, char *err);
int gw_cfg_arp(struct gw_cfg *c, uint32_t ip, const uint8_t *mac, const char *ifname, bool add,
               char *err);
int gw_cfg_mac(struct gw_cfg *c, const uint8_t *mac, uint32_t bd_id, uint32_t vtep, bool add,
               char *err);
/* The same behind an IPv6 VTEP (the rules of gw_cfg_bd_peer6). */
int gw_cfg_mac6(struct gw_cfg *c, const uint8_t *mac, uint32_t bd_id, const struct in6_addr *vtep,
                bool add, char *err);
/* The same on port ifname of bridge domain bd_id (gw_cfg_check: it is one). On delete, as
 * gw_cfg_mac's, the destination is not compared. */
int gw_cfg_mac_if(struct gw_cfg *c, const uint8_t *mac, uint32_t bd_id, const char *ifname,
                  bool add, char *err);
/*
 * ipv6 route [vrf NAME] P/L (X:X::X [INTERFACE] | null0) in VRF vrf (NULL or "default": the
 * default VRF), which must exist. nh->ip with ifname "" resolves through the FIB; a
 * link-local next hop needs its interface. Several next hops: ECMP (not with null0). On
 * delete, nh NULL = every next hop of the prefix, an ifname "" matches any interface.
 */
int gw_cfg_route6(struct gw_cfg *c, const char *vrf, const struct in6_addr *pfx, uint8_t len,
                  const struct gw_cfg_route6 *nh, bool add, char *err);
/* ipv6 neighbor X:X::X H:H:H:H:H:H INTERFACE (a static entry; not multicast, unspecified
 * or loopback). mac is ignored on delete. */
int gw_cfg_nbr6(struct gw_cfg *c, const struct in6_addr *ip, const uint8_t *mac, const char *ifname,
                bool add, char *err);

/* Exact lookups (binary search) of static entries; NULL when absent. */
const struct gw_cfg_route *gw_cfg_route_find(const struct gw_cfg *c, const struct gw_cfg_route *r);
const struct gw_cfg_arp *gw_cfg_arp_find(const struct gw_cfg *c, uint32_t ip, const char *ifname);
const struct gw_cfg_mac *gw_cfg_mac_find(const struct gw_cfg *c, uint32_t bd_id,
                                         const uint8_t *mac);
const struct gw_cfg_route6 *gw_cfg_route6_find(const struct gw_cfg *c,
                                               const struct gw_cfg_route6 *r);
const struct gw_cfg_nbr6 *gw_cfg_nbr6_find(const struct gw_cfg *c, const struct in6_addr *ip,
                                           const char *ifname);
/* Do two router-advertisement settings say the same (field by field, not padding)? */
bool gw_cfg_nd_equal(const struct gw_nd_cfg *a, const struct gw_nd_cfg *b);

/* ---- management: users, secrets, line vty ---- */
/* True for a crypt(3) SHA-512 hash ($6$...); plain text is never accepted. */
bool gw_cfg_hash_ok(const char *hash);
int gw_cfg_user(struct gw_cfg *c, const char *name, const char *hash, bool add, char *err);
const struct gw_cfg_user *gw_cfg_user_find(const struct gw_cfg *c, const char *name);
int gw_cfg_set_enable_secret(struct gw_cfg *c, const char *hash, char *err); /* NULL = no */
int gw_cfg_set_vty(struct gw_cfg *c, bool present, char *err);
int gw_cfg_set_telnet(struct gw_cfg *c, uint32_t addr, uint32_t port, char *err); /* 0 = off */
int gw_cfg_set_vty_timeout(struct gw_cfg *c, uint32_t secs, char *err);
/* metrics listen ADDR PORT: the Prometheus endpoint; port 0 = off (no metrics listen). */
int gw_cfg_set_metrics(struct gw_cfg *c, uint32_t addr, uint32_t port, char *err);
/* dataplane workers N (0-GW_CFG_WORKERS_MAX); GW_CFG_WORKERS_AUTO = no dataplane workers. */
int gw_cfg_set_workers(struct gw_cfg *c, int n, char *err);
/* dataplane io (auto|xdp|socket); `no dataplane io` sets GW_CFG_IO_SOCKET. */
int gw_cfg_set_io(struct gw_cfg *c, enum gw_cfg_io io, char *err);
/* dataplane busy-poll [USEC] (1-GW_CFG_BUSY_POLL_MAX_US); 0: `no dataplane busy-poll`. */
int gw_cfg_set_busy_poll(struct gw_cfg *c, uint32_t usecs, char *err);

/* ---- access lists (gw/config/acl.c) ---- */
/*
 * ip access-list NAME / ipv6 access-list NAME (fam ACL_IP4 / ACL_IP6; the families' names
 * are apart): created empty (exists: fine, the CLI enters its mode), or deleted - refused
 * while an interface or line vty uses it, naming where.
 */
int gw_cfg_acl(struct gw_cfg *c, int fam, const char *name, bool add, char *err);
const struct gw_cfg_acl *gw_cfg_acl_find(const struct gw_cfg *c, int fam, const char *name);
/* An entry of list `name`: r->seq 0 = the last entry's number + ACL_SEQ_STEP (ACL_SEQ_STEP
 * for the first); a number that exists is refused. */
int gw_cfg_acl_add(struct gw_cfg *c, int fam, const char *name, const struct acl_rule *r,
                   char *err);
/* Deletes entry number seq (`no 10`), or, r non-NULL, the first entry equal to r
 * (acl_rule_same: `no permit tcp any any eq 80`). */
int gw_cfg_acl_del(struct gw_cfg *c, int fam, const char *name, uint32_t seq,
                   const struct acl_rule *r, char *err);
/* resequence [START [STEP]]: the entries numbered START, START+STEP, ... in their order. */
#define GW_CFG_ACL_RESEQ_DEF 10 /* START and STEP by default */
int gw_cfg_acl_resequence(struct gw_cfg *c, int fam, const char *name, uint32_t start,
                          uint32_t step, char *err);
/* ` ip access-group NAME (in|out)` (fam ACL_IP4) / ` ipv6 traffic-filter NAME (in|out)`
 * (ACL_IP6) of interface ifname; the list must exist. name NULL: none. */
int gw_cfg_if_set_acl(struct gw_cfg *c, const char *ifname, int fam, int dir, const char *name,
                      char *err);
/* The list applied to f in that family and direction; NULL: none. */
const char *gw_cfg_if_acl(const struct gw_cfg_if *f, int fam, int dir);
/* line vty / ` access-class NAME in`: an IPv4 list that telnet clients must pass (NULL:
 * none). */
int gw_cfg_set_vty_acl(struct gw_cfg *c, const char *name, char *err);
/* metrics access-class NAME: an IPv4 list that scrapers must pass (NULL: none). */
int gw_cfg_set_metrics_acl(struct gw_cfg *c, const char *name, char *err);
/* Where list `name` is used ("bdif20 (in)", "line vty"), into buf; NULL: nowhere. */
const char *gw_cfg_acl_user(const struct gw_cfg *c, int fam, const char *name, char *buf,
                            size_t len);

/* ---- whole-configuration checks and application ---- */
/*
 * Checks what single setters cannot: relations between parts (a static ARP entry on an
 * interface that exists, a static MAC in a bridge domain that exists, overlapping
 * interface subnets, ...). GW_CFG_OK or the first problem in err.
 */
int gw_cfg_check(const struct gw_cfg *c, char *err);

/*
 * Moves gw from configuration `old` (what it runs now; NULL = empty) to `new`: removals
 * first, then changes, then additions, each through the module APIs. Checks `new` first
 * (gw_cfg_check: the one check of a commit of CLI commands), then lets env->prepare take
 * what the host must provide, and changes nothing when either fails. On a failure
 * half-way (a table full), applies `old` back as well as it can and reports the error.
 */
struct gw_cfg_env {
	/* MAC of Linux netdev `name`, for an uplink without `mac-address`. NULL: a MAC
	 * derived from the name (tests, config checks). */
	int (*eth_mac)(void *ctx, const char *name, uint8_t mac[6], char *err);
	/* Called once `new` has passed the check, before gw changes: the host takes what `new`
	 * needs (sockets, netdevs, listeners) or refuses it with a message in err. NULL: the
	 * host has nothing to take (tests, config checks). */
	int (*prepare)(void *ctx, const struct gw_cfg *new_, char *err);
	void *ctx;
};
int gw_cfg_apply(struct gw *gw, const struct gw_cfg *old, const struct gw_cfg *new_,
                 const struct gw_cfg_env *env, char *err);
/*
 * gw_cfg_apply for a `new` that has passed gw_cfg_check already and not changed since: a
 * config file loaded without errors (cli_load_config checks it whole, and vxgwd -n
 * reports what that check finds), so that a load-and-apply checks once.
 */
int gw_cfg_apply_checked(struct gw *gw, const struct gw_cfg *old, const struct gw_cfg *new_,
                         const struct gw_cfg_env *env, char *err);

#endif
