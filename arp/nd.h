/*
 * arp/nd.h - IPv6 neighbour discovery on the wire (RFC 4861): parsing and building the
 * messages a router sends and receives (RS, RA, NS, NA), and the address helpers around
 * them. Pure functions over byte buffers, like arp_parse/arp_build: the gateway decides
 * what to do (gw/nd.c), arp/arp.h keeps the neighbour table.
 *
 * Builders write a complete IPv6 packet (header, ICMPv6 message, options) with its
 * ICMPv6 checksum and hop limit 255, and return its length, or 0 when cap is too small.
 */
#ifndef ARP_ND_H
#define ARP_ND_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ND_HOP_LIMIT      255 /* every ND message is sent and must arrive with it */
#define ND_PREFIXES_MAX   8   /* prefix information options kept by nd_parse / sent in an RA */
#define ND_OPT_SLLA       1
#define ND_OPT_TLLA       2
#define ND_OPT_PREFIX     3
#define ND_OPT_REDIRECTED 4
#define ND_OPT_MTU        5

#define ND_NA_ROUTER    0x80 /* NA flags, first byte of the reserved word */
#define ND_NA_SOLICITED 0x40
#define ND_NA_OVERRIDE  0x20
#define ND_RA_MANAGED   0x80 /* RA flags */
#define ND_RA_OTHER     0x40
#define ND_PI_ONLINK    0x80 /* prefix information flags */
#define ND_PI_AUTO      0x40

struct nd_prefix {
	struct in6_addr pfx;
	uint8_t len;
	uint8_t flags; /* ND_PI_* */
	uint32_t valid_s, preferred_s;
};

/* A parsed ND message (the fields of its type only). */
struct nd_msg {
	uint8_t type;           /* NET_ICMP6_RS, RA, NS, NA */
	struct in6_addr target; /* NS, NA */
	uint8_t flags;          /* NA: ND_NA_*; RA: ND_RA_* */
	bool has_slla, has_tlla;
	uint8_t slla[6], tlla[6];
	/* RA */
	uint8_t cur_hop_limit;
	uint16_t router_lifetime_s;
	uint32_t reachable_ms, retrans_ms;
	uint32_t mtu; /* 0: no MTU option */
	uint8_t n_prefixes;
	struct nd_prefix prefixes[ND_PREFIXES_MAX];
};

enum nd_parse_err {
	ND_PARSE_OK = 0,
	ND_PARSE_SHORT,    /* message or option truncated */
	ND_PARSE_TYPE,     /* not RS, RA, NS or NA */
	ND_PARSE_CODE,     /* code not 0 */
	ND_PARSE_HOPLIMIT, /* IPv6 hop limit not 255: not from the link */
	ND_PARSE_OPTION,   /* an option of length 0 or running past the message */
	ND_PARSE_TARGET,   /* NS/NA target multicast; NA to a multicast group with S set */
	ND_PARSE_SOURCE,   /* unspecified source with an SLLA option (RFC 4861 7.1.1), RA from
	                      a source that is not link-local (6.1.2) */
	ND_PARSE_LLADDR,   /* link-layer address option not 6 bytes of a unicast MAC */
};

/*
 * ip6: the IPv6 header, icmp: the ICMPv6 message (len bytes, the checksum already
 * checked by the caller). Validates as RFC 4861 sections 6.1 and 7.1 require, bounded:
 * at most 64 options walked, prefixes past ND_PREFIXES_MAX ignored. Returns nd_parse_err.
 */
struct net_ip6;
int nd_parse(const struct net_ip6 *ip6, const uint8_t *icmp, size_t len, struct nd_msg *m);
const char *nd_parse_err_name(int err);

/* NS for target; dst: the solicited-node group (multicast resolution) or the neighbour
 * (unicast probe); slla NULL: no source link-layer option (src unspecified, DAD). */
size_t nd_build_ns(uint8_t *buf, size_t cap, const struct in6_addr *src, const struct in6_addr *dst,
                   const struct in6_addr *target, const uint8_t *slla);
/* NA for target with ND_NA_* flags and the target link-layer address option. */
size_t nd_build_na(uint8_t *buf, size_t cap, const struct in6_addr *src, const struct in6_addr *dst,
                   const struct in6_addr *target, uint8_t flags, const uint8_t *tlla);

/* What a router advertises (RFC 4861 4.2, 6.2.1). */
struct nd_ra_info {
	uint8_t cur_hop_limit; /* 64 */
	uint8_t flags;         /* ND_RA_MANAGED, ND_RA_OTHER */
	uint16_t lifetime_s;   /* router lifetime, 0: not a default router */
	uint32_t reachable_ms, retrans_ms;
	uint32_t mtu; /* 0: no MTU option */
	const uint8_t *slla;
	uint8_t n_prefixes;
	struct nd_prefix prefixes[ND_PREFIXES_MAX];
};
size_t nd_build_ra(uint8_t *buf, size_t cap, const struct in6_addr *src, const struct in6_addr *dst,
                   const struct nd_ra_info *ra);

/* ff02::1:ffXX:XXXX for a, and the Ethernet group 33:33:xx:xx:xx:xx of any IPv6 group. */
void nd_solicited_node(const struct in6_addr *a, struct in6_addr *group);
void nd_mcast_mac(const struct in6_addr *group, uint8_t mac[6]);
/* fe80::/64 with the modified EUI-64 interface identifier of mac (RFC 4291 appendix A). */
void nd_eui64_linklocal(const uint8_t *mac, struct in6_addr *ll);
/* ff02::1 (all nodes) and ff02::2 (all routers). */
extern const struct in6_addr nd_all_nodes, nd_all_routers;

#endif
