/*
 * gw/io/l2.h - the underlay's direct Ethernet transmit: which netdev and which next-hop
 * MAC a remote VTEP is reached by, learned from the kernel's own tables.
 *
 * Why: an outer packet sent on a raw IP socket costs the kernel a route lookup, the
 * netfilter output hooks and the neighbour output for every packet, most of the
 * daemon's core under load. The answer to "where does VTEP x go" changes rarely, so it
 * is asked once per peer (rtnetlink RTM_GETROUTE, then RTM_GETNEIGH for the next hop)
 * and kept in a small bounded cache, refreshed every GW_L2_REFRESH_MS; the frame is then
 * handed to the netdev through an AF_PACKET socket, as a user-space router owning its
 * port would. Through the netdev's qdisc (not PACKET_QDISC_BYPASS): the bypass drops a
 * frame the kernel must change before the driver, and a UDP super-datagram (gw/io/udp.c)
 * is one that a netdev without segmentation offload gets cut in software; the qdisc also
 * gives back-pressure, and tcpdump on the netdev sees the frames. Whatever the cache cannot answer
 * (no route, not an Ethernet netdev, neighbour not resolved yet, table full) goes through the raw
 * socket as before, which also lets the kernel resolve the neighbour (ARP, ND). Peers of
 * both families share the cache and its budget.
 */
#ifndef GW_IO_L2_H
#define GW_IO_L2_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GW_L2_ENTRIES    1024 /* cached peers (power of two) */
#define GW_L2_REFRESH_MS 3000 /* a resolved next hop is asked again after this */
#define GW_L2_RETRY_MS   1000 /* an unresolved one, after this */
#define GW_L2_RESOLVES   4    /* kernel queries per transmitted vector, at most */

/* Where a peer's frames go: netdev, its MAC (source) and the next hop's (destination). */
struct gw_l2_nh {
	int ifindex;
	uint32_t mtu; /* the netdev's: no datagram of a UDP super-datagram may be longer */
	uint8_t dst[6];
	uint8_t src[6];
};

/* The parts of an RTM_NEWROUTE answer we use. */
struct gw_l2_route {
	uint8_t family;           /* AF_INET, AF_INET6 */
	uint8_t type;             /* RTN_* */
	int oif;                  /* 0 when absent */
	uint32_t gateway;         /* AF_INET: host order, 0 when on-link */
	struct in6_addr gateway6; /* AF_INET6: :: when on-link */
};

/* The parts of an RTM_NEWNEIGH answer we use. */
struct gw_l2_neigh {
	uint16_t state; /* NUD_* */
	bool has_mac;
	uint8_t mac[6];
	uint8_t family;       /* AF_INET, AF_INET6 */
	int ifindex;          /* what the answer is about: checked against the question */
	uint32_t dst;         /* AF_INET: NDA_DST, host order; 0: none */
	struct in6_addr dst6; /* AF_INET6: NDA_DST; :: none */
};

/*
 * Parse the kernel's answer (a buffer of netlink messages) to a request with sequence
 * number seq: 0 and *out filled, or a negative errno (the kernel's NLMSG_ERROR, -EBADMSG
 * for a malformed or unexpected answer, -ENOMSG when no message matches seq).
 */
int gw_l2_parse_route(const void *buf, size_t len, uint32_t seq, struct gw_l2_route *out);
int gw_l2_parse_neigh(const void *buf, size_t len, uint32_t seq, struct gw_l2_neigh *out);

struct gw_l2;

/* The rtnetlink and AF_PACKET sockets and an empty cache; NULL when they cannot be had. */
struct gw_l2 *gw_l2_open(void);
void gw_l2_close(struct gw_l2 *l);
/* The AF_PACKET socket frames are sent on (unbound; sockaddr_ll names the netdev). Every
 * frame starts with a virtio-net header (PACKET_VNET_HDR): empty, or the segmentation
 * asked of the kernel for a UDP super-datagram (gw/io/udp.c). */
int gw_l2_fd(const struct gw_l2 *l);
/* Starts a transmitted vector at time now_ms: resets the per-vector query budget. */
void gw_l2_begin(struct gw_l2 *l, uint64_t now_ms);
/* The next hop for remote VTEP dst (host order), or NULL: send this one on the raw socket. */
const struct gw_l2_nh *gw_l2_lookup(struct gw_l2 *l, uint32_t dst);
/* The same for an IPv6 VTEP (route and ND neighbour from the kernel's tables). */
const struct gw_l2_nh *gw_l2_lookup6(struct gw_l2 *l, const struct in6_addr *dst);

#endif
