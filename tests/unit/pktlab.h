/*
 * pktlab.h - a gateway in memory for tests and benchmarks: a standard two-tenant
 * topology, frame builders, and capture of everything the gateway sends.
 *
 *   VTEP 192.0.2.11 --+                          +-- uplink up0 203.0.113.2/30
 *   VTEP 192.0.2.12 --+-- vxgw VTEP 192.0.2.1 ---+      (next hop 203.0.113.1)
 *   VTEP 192.0.2.13 --+
 *   BD 10 / VNI 5000, bdif10 10.1.10.1/24, flood peers .11 .12
 *   BD 20 / VNI 6000, bdif20 10.1.20.1/24, flood peers .12 .13
 */
#ifndef TESTS_PKTLAB_H
#define TESTS_PKTLAB_H

#include <stdbool.h>
#include <stdint.h>

#include "common/net.h"
#include "gw/gw.h"

#define LAB_VTEP    0xc0000201u /* 192.0.2.1 */
#define LAB_VTEP11  0xc000020bu
#define LAB_VTEP12  0xc000020cu
#define LAB_VTEP13  0xc000020du
#define LAB_GW10    0x0a010a01u /* 10.1.10.1 */
#define LAB_GW20    0x0a011401u /* 10.1.20.1 */
#define LAB_UP      0xcb007102u /* 203.0.113.2 */
#define LAB_UPNH    0xcb007101u /* 203.0.113.1 */
#define LAB_CAP_MAX 64
#define LAB_OUTER_HLEN                                                                             \
	(NET_IP_HLEN + NET_UDP_HLEN + 8) /* captured underlay: outer IPv4.. VXLAN                  \
	                                  */

struct lab_frame {
	uint16_t ifx;       /* uplink ifx, 0 for underlay */
	uint32_t outer_dst; /* underlay: destination VTEP */
	uint32_t len;
	uint8_t bytes[GW_PKT_DATA];
};

struct lab {
	struct gw *gw;
	uint16_t bdif10, bdif20, up0;
	unsigned n_cap;
	struct lab_frame cap[LAB_CAP_MAX];
	uint64_t now;
	bool capture; /* false: outputs are only counted and freed (benchmarks) */
	uint64_t n_tx;
};

extern const uint8_t lab_up0_mac[6];
extern const uint8_t lab_upnh_mac[6];

/* Builds the standard topology; returns false on any configuration error. */
bool lab_init(struct lab *lab, const struct gw_params *params);
void lab_fini(struct lab *lab);
/* Every packet buffer is back in the pool: nothing leaked or left behind. */
bool lab_pool_full(struct lab *lab);

/* Big-endian fields of captured frames. */
static inline uint16_t lab_rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t lab_rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
/* A gateway with nothing configured, output counted and freed unseen (tests of the
 * configuration model): lab->gw, or NULL. lab_fini or gw_destroy ends it. */
struct gw *lab_gw_empty(struct lab *lab);
void lab_reset_capture(struct lab *lab);

/* Frame builders: each writes into buf and returns the length. */
unsigned lab_eth(uint8_t *buf, const uint8_t *dst, const uint8_t *src, uint16_t type);
/* Inserts an 802.1Q tag (TPID 0x8100, TCI tci) after the MACs of the untagged frame f of n
 * bytes, in place (f has room for 4 more); returns the new length. */
unsigned lab_tag_frame(uint8_t *f, unsigned n, uint16_t tci);
/* IPv4 header (20 bytes, valid checksum) for a payload of plen bytes. */
unsigned lab_ip(uint8_t *buf, uint32_t src, uint32_t dst, uint8_t proto, uint8_t ttl, uint16_t plen,
                bool df);
/* ICMP echo request with plen bytes of pattern payload. */
unsigned lab_icmp_echo(uint8_t *buf, uint16_t id, uint16_t seq, uint16_t plen);
/* Complete Ethernet + IPv4 + ICMP echo frame. */
unsigned lab_ping_frame(uint8_t *buf, const uint8_t *dst_mac, const uint8_t *src_mac, uint32_t src,
                        uint32_t dst, uint8_t ttl, uint16_t plen, bool df);
unsigned lab_arp_frame(uint8_t *buf, uint16_t op, const uint8_t *eth_dst, const uint8_t *sha,
                       uint32_t spa, const uint8_t *tha, uint32_t tpa);

/* Injects: a VXLAN payload (VXLAN header + frame) from vtep; a frame on an uplink. */
void lab_from_vtep(struct lab *lab, uint32_t vtep, uint32_t vni, const uint8_t *frame,
                   unsigned len);
void lab_from_vtep_raw(struct lab *lab, uint32_t vtep, uint32_t outer_dst, const uint8_t *payload,
                       unsigned len);
void lab_from_uplink(struct lab *lab, uint16_t ifx, const uint8_t *frame, unsigned len);
void lab_advance(struct lab *lab, uint64_t ms); /* moves the clock and runs timers */

/* Makes host (ip, mac) behind vtep in vni known to the gateway via an ARP request. */
void lab_host_arp(struct lab *lab, uint32_t vtep, uint32_t vni, uint32_t ip, const uint8_t *mac,
                  uint32_t gw_ip);

uint64_t lab_drops(const struct lab *lab, enum gw_drop why);

/*
 * The IPv6 underlay beside the IPv4 one: the gateway's IPv6 VTEP LAB_VTEP6_ADDR, remote
 * VTEPs named by their address (gw_vtep_name). lab_from_vtep_tos / lab_from_vtep6 inject a
 * VXLAN frame with an outer TOS / traffic class, from an IPv4 VTEP or an IPv6 address
 * (named as the driver names it: the table's name, else VX_VTEP6_UNKNOWN; to the group
 * group6 when that is non-zero, else to the gateway's IPv6 VTEP).
 */
#define LAB_VTEP6_ADDR "2001:db8::1"
bool lab_underlay6(struct lab *lab);
uint32_t lab_vtep6(struct lab *lab, const char *addr);
void lab_from_vtep_tos(struct lab *lab, uint32_t vtep, uint32_t vni, uint8_t tos,
                       const uint8_t *frame, unsigned len);
void lab_from_vtep6(struct lab *lab, const char *src, uint32_t group6, uint32_t vni, uint8_t tos,
                    const uint8_t *frame, unsigned len);

/*
 * IPv6 on the standard topology: bdif10 2001:db8:10::1/64, bdif20 2001:db8:20::1/64,
 * up0 2001:db8:f0::2/64 with MTU 1280.
 */
bool lab_init6(struct lab *lab, const struct gw_params *params);
struct in6_addr lab_a6(const char *s); /* a valid address literal (aborts otherwise) */
/* Ethernet + IPv6 + ICMPv6 (checksum set) with body (after the 4-byte type/code/sum). */
unsigned lab_icmp6_frame(uint8_t *buf, const uint8_t *dmac, const uint8_t *smac,
                         const struct in6_addr *src, const struct in6_addr *dst, uint8_t hlim,
                         uint8_t type, const uint8_t *body, unsigned blen);
/* An echo request of plen bytes of payload. */
unsigned lab_echo6_frame(uint8_t *buf, const uint8_t *dmac, const uint8_t *smac,
                         const struct in6_addr *src, const struct in6_addr *dst, uint8_t hlim,
                         unsigned plen);
/* NS for target from src to its solicited-node group (with the source link-layer option). */
unsigned lab_ns_frame(uint8_t *buf, const uint8_t *smac, const struct in6_addr *src,
                      const struct in6_addr *target);
/* Solicited NA (override) for target from src, with the target link-layer option smac. */
unsigned lab_na_frame(uint8_t *buf, const uint8_t *dmac, const uint8_t *smac,
                      const struct in6_addr *src, const struct in6_addr *dst,
                      const struct in6_addr *target);
/* The inner IPv6 header of a captured frame (underlay: after VXLAN and Ethernet), or NULL. */
const uint8_t *lab_frame_ip6(const struct lab_frame *f);
/* The ICMPv6 checksum of the message after the IPv6 header ip6 verifies. */
bool lab_icmp6_ok(const uint8_t *ip6);

/* Access lists from lines as an operator types them (acl/acl.h's words). */
#define LAB_ACL_ENTRIES 32
/* The entry `line` of a list of family fam: 0, or -1 with the message in err (ACL_ERRLEN). */
int lab_acl_rule(int fam, const char *line, struct acl_rule *r, char *err);
/* The entries lines[] (NULL-terminated, at most LAB_ACL_ENTRIES) into r, those without a
 * number numbered 10, 20, ... by position, as the configuration numbers them; their
 * count, or -1 when one does not parse (the line and message on stderr). */
int lab_acl_rules(int fam, const char *const *lines, struct acl_rule *r);
/* List `name` of family fam set to the entries lines[]: gw_acl_set's result, -1 when a line
 * does not parse. */
int lab_acl_set(struct gw *gw, int fam, const char *name, const char *const *lines);

#endif
