/*
 * common/net.h - wire formats and checksum helpers shared by every module.
 *
 * Header-only on purpose: these are a handful of tiny inline functions that sit on
 * the packet path of several modules (vxlan encap, the gw pipeline, arp), and a call
 * through a library boundary would cost more than the work they do.
 *
 * All multi-byte fields in the structs below are in network byte order. Values held in
 * uint32_t "ip" variables across the project are in HOST byte order (so that prefix
 * arithmetic and comparisons are natural); convert at the wire with ntohl/htonl.
 */
#ifndef VXGW_NET_H
#define VXGW_NET_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define NET_ETH_ALEN       6
#define NET_ETH_HLEN       14
#define NET_ETHERTYPE_IP   0x0800
#define NET_ETHERTYPE_ARP  0x0806
#define NET_ETHERTYPE_IP6  0x86dd
#define NET_ETHERTYPE_VLAN 0x8100
#define NET_ETHERTYPE_QINQ 0x88a8
#define NET_VLAN_HLEN      4 /* an 802.1Q tag: TPID, TCI */
#define NET_IP_HLEN        20
#define NET_UDP_HLEN       8
#define NET_ICMP_HLEN      8
#define NET_IPPROTO_ICMP   1
#define NET_IPPROTO_UDP    17
#define NET_IP6_HLEN       40
#define NET_IPPROTO_TCP    6
#define NET_IPPROTO_ICMP6  58
#define NET_IP_DF          0x4000
#define NET_IP_MF          0x2000
#define NET_IP_OFFMASK     0x1fff

struct net_eth {
	uint8_t dst[NET_ETH_ALEN];
	uint8_t src[NET_ETH_ALEN];
	uint16_t type;
} __attribute__((packed));

struct net_ip {
	uint8_t vhl; /* version << 4 | header length in 32-bit words */
	uint8_t tos;
	uint16_t len;
	uint16_t id;
	uint16_t off; /* flags (DF, MF) and fragment offset in 8-byte units */
	uint8_t ttl;
	uint8_t proto;
	uint16_t sum;
	uint32_t src;
	uint32_t dst;
} __attribute__((packed));

struct net_udp {
	uint16_t sport;
	uint16_t dport;
	uint16_t len;
	uint16_t sum;
} __attribute__((packed));

struct net_icmp {
	uint8_t type;
	uint8_t code;
	uint16_t sum;
	uint16_t id; /* or unused, or (unused, next-hop MTU) for frag-needed */
	uint16_t seq;
} __attribute__((packed));

/* The fixed IPv6 header (RFC 8200). */
struct net_ip6 {
	uint32_t vtcfl; /* version << 28 | traffic class << 20 | flow label */
	uint16_t plen;  /* payload length: what follows this header */
	uint8_t nxt;    /* next header */
	uint8_t hlim;   /* hop limit */
	struct in6_addr src;
	struct in6_addr dst;
} __attribute__((packed));

/* ICMPv6 (RFC 4443): the first 8 bytes of every message. */
struct net_icmp6 {
	uint8_t type;
	uint8_t code;
	uint16_t sum;
	uint32_t data; /* id/seq of an echo, MTU of a packet too big, pointer, or unused */
} __attribute__((packed));

#define NET_ICMP6_DST_UNREACH   1
#define NET_ICMP6_PKT_TOO_BIG   2
#define NET_ICMP6_TIME_EXCEEDED 3
#define NET_ICMP6_PARAM_PROB    4
#define NET_ICMP6_ECHO_REQUEST  128
#define NET_ICMP6_ECHO_REPLY    129
#define NET_ICMP6_RS            133
#define NET_ICMP6_RA            134
#define NET_ICMP6_NS            135
#define NET_ICMP6_NA            136
#define NET_ICMP6_REDIRECT      137
#define NET_IP6_MTU_MIN         1280 /* every IPv6 link carries this much (RFC 8200) */

/*
 * One's-complement sum of len bytes into a 64-bit accumulator (RFC 1071: any word size
 * gives the same folded sum), 8 bytes a load on two independent carry chains: a 9000-byte
 * payload costs about 1100 adds instead of the 4500 of a 16-bit loop. An odd tail is
 * padded with zero bytes, as the 16-bit sum pads it. Fold with net_csum_fold64.
 */
static inline uint64_t net_csum_add64(const void *buf, size_t len, uint64_t sum)
{
	const uint8_t *p = buf;
	uint64_t s2 = 0, carry = 0, carry2 = 0;
	for (; len >= 16; p += 16, len -= 16) {
		uint64_t a, b;
		memcpy(&a, p, 8);
		memcpy(&b, p + 8, 8);
		sum += a;
		carry += sum < a;
		s2 += b;
		carry2 += s2 < b;
	}
	uint64_t tail[2] = {0, 0};
	memcpy(tail, p, len);
	sum += tail[0];
	carry += sum < tail[0];
	s2 += tail[1];
	carry2 += s2 < tail[1];
	sum += s2;
	carry += (sum < s2) + carry2;
	/* 2^64 is 1 in one's complement (2^16 is): every carry out adds one back. */
	sum += carry;
	return sum + (sum < carry);
}

/* A 64-bit sum folded to at most 0xffff, still unfolded for net_csum_fold: congruent
 * (mod 0xffff), and 0 only when it was 0, so that net_csum_fold gives what it gave. */
static inline uint32_t net_csum_fold64(uint64_t s)
{
	s = (s & 0xffffffffu) + (s >> 32);
	s = (s & 0xffffffffu) + (s >> 32);
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return (uint32_t)((s & 0xffff) + (s >> 16));
}

/* One's-complement sum of a buffer, not folded (at most 0xffff, so that several add up
 * in 32 bits): add several, then fold once. */
static inline uint32_t net_csum_partial(const void *buf, size_t len, uint32_t sum)
{
	return net_csum_fold64(net_csum_add64(buf, len, sum));
}

static inline uint16_t net_csum_fold(uint32_t sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* Full checksum of a buffer, result ready to store (network order, like the data). */
static inline uint16_t net_csum(const void *buf, size_t len)
{
	return net_csum_fold(net_csum_partial(buf, len, 0));
}

/*
 * RFC 1624 incremental update: a 16-bit field changed from old to new (both as stored,
 * network order); returns the new checksum as stored. Eqn. 3: HC' = ~(~HC + ~m + m').
 */
static inline uint16_t net_csum_update16(uint16_t sum, uint16_t old, uint16_t new_)
{
	uint32_t s = (uint16_t)~sum;
	s += (uint16_t)~old;
	s += new_;
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static inline bool net_mac_is_bcast(const uint8_t *m)
{
	return (m[0] & m[1] & m[2] & m[3] & m[4] & m[5]) == 0xff;
}

static inline bool net_mac_is_mcast(const uint8_t *m)
{
	return (m[0] & 1) != 0;
}

static inline bool net_mac_is_zero(const uint8_t *m)
{
	return (m[0] | m[1] | m[2] | m[3] | m[4] | m[5]) == 0;
}

static inline bool net_mac_eq(const uint8_t *a, const uint8_t *b)
{
	return memcmp(a, b, NET_ETH_ALEN) == 0;
}

/* 48-bit MAC packed into the low bits of a uint64_t (first octet most significant). */
/* Two loads and two byte swaps: the compiler does not merge six byte loads on its own. */
static inline uint64_t net_mac_to_u64(const uint8_t *m)
{
	uint32_t hi;
	uint16_t lo;
	memcpy(&hi, m, 4);
	memcpy(&lo, m + 4, 2);
	return (uint64_t)ntohl(hi) << 16 | ntohs(lo);
}

static inline void net_u64_to_mac(uint64_t v, uint8_t *m)
{
	for (int i = 5; i >= 0; i--) {
		m[i] = (uint8_t)v;
		v >>= 8;
	}
}

/* Host-order prefix mask for a length 0..32. */
static inline uint32_t net_mask(unsigned len)
{
	return len ? ~0u << (32 - len) : 0;
}

/* Multicast group address (224.0.0.0/4), host order. */
static inline bool net_ip_is_mcast(uint32_t ip)
{
	return (ip >> 28) == 0xe;
}

/* A cheap, well-mixing 32-bit hash (murmur3 finalizer) for flow and table hashing. */
static inline uint32_t net_hash32(uint32_t h)
{
	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	h *= 0xc2b2ae35u;
	h ^= h >> 16;
	return h;
}

static inline uint64_t net_hash64(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 33;
	return h;
}

/* ---- IPv6 addresses (struct in6_addr, network order as on the wire) ---- */

static inline bool net_ip6_eq(const struct in6_addr *a, const struct in6_addr *b)
{
	return memcmp(a, b, 16) == 0;
}

static inline bool net_ip6_is_zero(const struct in6_addr *a)
{
	static const struct in6_addr zero;
	return net_ip6_eq(a, &zero);
}

static inline bool net_ip6_is_mcast(const struct in6_addr *a)
{
	return a->s6_addr[0] == 0xff;
}

/* fe80::/10 */
static inline bool net_ip6_is_linklocal(const struct in6_addr *a)
{
	return a->s6_addr[0] == 0xfe && (a->s6_addr[1] & 0xc0) == 0x80;
}

static inline bool net_ip6_is_loopback(const struct in6_addr *a)
{
	static const struct in6_addr lo = {{{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}}};
	return net_ip6_eq(a, &lo);
}

/* a with the bits past len cleared (len 0..128). */
static inline struct in6_addr net_ip6_prefix(const struct in6_addr *a, unsigned len)
{
	struct in6_addr r = *a;
	for (unsigned i = 0; i < 16; i++) {
		unsigned keep = len >= 8 * (i + 1) ? 8 : len > 8 * i ? len - 8 * i : 0;
		r.s6_addr[i] &= (uint8_t)(0xff00u >> keep);
	}
	return r;
}

/* Is a inside pfx/len? */
static inline bool net_ip6_in_prefix(const struct in6_addr *a, const struct in6_addr *pfx,
                                     unsigned len)
{
	struct in6_addr m = net_ip6_prefix(a, len);
	return net_ip6_eq(&m, pfx);
}

/* The unfolded one's-complement sum of the IPv6 pseudo-header (RFC 8200 8.1). */
static inline uint32_t net_ip6_pseudo_sum(const struct in6_addr *src, const struct in6_addr *dst,
                                          uint32_t upper_len, uint8_t nxt)
{
	uint32_t sum = net_csum_partial(src, 16, 0);
	sum = net_csum_partial(dst, 16, sum);
	sum += htons((uint16_t)(upper_len >> 16)) + htons((uint16_t)upper_len);
	sum += htons(nxt);
	return sum;
}

static inline uint64_t net_hash_ip6(const struct in6_addr *a)
{
	uint64_t hi, lo;
	memcpy(&hi, a->s6_addr, 8);
	memcpy(&lo, a->s6_addr + 8, 8);
	return net_hash64(hi ^ net_hash64(lo));
}

/* Formatting helpers: buffers of these sizes always suffice. */
#define NET_IP_STRLEN  16
#define NET_MAC_STRLEN 18
const char *net_ip_fmt(uint32_t ip, char buf[NET_IP_STRLEN]);
const char *net_mac_fmt(const uint8_t *mac, char buf[NET_MAC_STRLEN]);
/* Strict parsers: the whole string must match; return false on anything else. */
bool net_ip_parse(const char *s, uint32_t *ip);
bool net_prefix_parse(const char *s, uint32_t *pfx, uint8_t *len);
bool net_mac_parse(const char *s, uint8_t mac[NET_ETH_ALEN]);
#define NET_IP6_STRLEN 46 /* INET6_ADDRSTRLEN */
/* RFC 5952 text (inet_ntop). */
const char *net_ip6_fmt(const struct in6_addr *a, char buf[NET_IP6_STRLEN]);
/* X:X::X (no zone, no prefix); strict like the IPv4 parsers. */
bool net_ip6_parse(const char *s, struct in6_addr *a);
/* X:X::X/L with L 0..128; host bits may be set (the caller decides whether that is an
 * address with its subnet or a malformed prefix). */
bool net_ip6_prefix_parse(const char *s, struct in6_addr *a, uint8_t *len);

#endif
