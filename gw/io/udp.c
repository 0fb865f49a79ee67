/*
 * gw/io/udp.c - the VXLAN underlay driver (see gw/io/io.h for why: UDP in, raw IPv4 out).
 *
 * Receive: one UDP socket bound to VTEP:port, plus one per joined flood group bound to
 * GROUP:port. Binding each to its own address (not INADDR_ANY) lets the kernel's socket
 * lookup tell them apart, so the destination of a datagram is known from the socket it
 * arrived on and no IP_PKTINFO control message is needed.
 *
 * Send: the pipeline wrote the whole outer header. A packet to a unicast VTEP whose next
 * hop the cache of gw/io/l2.h knows gets an Ethernet header in its headroom and goes
 * straight to the netdev on an AF_PACKET socket; any other one (a flood group, a peer
 * being resolved) goes on one IPPROTO_RAW socket (IP_HDRINCL implied), where the kernel
 * routes it, resolves the underlay next hop and transmits. Both put the same IPv4 packet
 * on the wire: the kernel leaves a raw DF packet's ID 0 and its checksum as we wrote it.
 */
#include "gw/gso.h"
#include "gw/io/io.h"
#include "gw/io/io_int.h"
#include "gw/io/l2.h"
#include "vxlan/vxlan.h"

#include <linux/if_packet.h>
#include <linux/sock_diag.h>
#include <net/ethernet.h>
#include <netinet/udp.h>

#include "common/net.h"

#include <errno.h>
#include <stdbool.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* Big socket buffers absorb bursts between two turns of the event loop. */
#define SOCK_BUF_BYTES (4 << 20)

/*
 * UDP GRO on every receive socket: the kernel hands over a run of same-size datagrams of
 * one flow (one VTEP, one outer source port: one tenant flow) as one coalesced datagram
 * with its segment size, after one pass through its IP and UDP receive code instead of
 * one per datagram; the run is split into packet buffers (the first segment stays where it
 * landed) before the vector is handed on. A datagram without a segment size but larger
 * than a packet buffer is a sender's TCP super-packet that a kernel VTEP encapsulated
 * whole (gw/gso.h): it is cut into pieces that fit, which the pipeline cuts to the path.
 */
#define GRO_SEGS 64 /* the kernel's most segments per coalesced datagram */

_Static_assert(GRO_SEGS <= GW_VEC_MAX, "a whole coalesced datagram fits in a vector");

/* The inner IPv4 or IPv6 header of a datagram: after the VXLAN and the inner Ethernet
 * header. */
#define INNER_L3 (VX_HDR_LEN + NET_ETH_HLEN)

struct group {
	uint32_t addr;
	int fd;
};

struct gw_udp {
	uint32_t vtep;
	uint16_t port;
	int rx_fd;
	int tx_fd;
	unsigned n_groups;
	struct group groups[GW_UDP_GROUPS_MAX];
	/* Scratch for one recvmmsg/sendmmsg vector: ~24 KiB, too much for every call's stack. */
	struct mmsghdr msgs[GW_VEC_MAX];
	struct iovec iov[GW_VEC_MAX];
	struct sockaddr_in addrs[GW_VEC_MAX];
	struct gw_rxb *rxb;       /* every receive socket's messages, one socket's at a time */
	struct gw_io_rx_stats rx; /* running totals */
	/* Direct Ethernet transmit (NULL: everything goes raw) and its vector. */
	struct gw_l2 *l2;
	struct mmsghdr l2_msgs[GW_VEC_MAX];
	struct iovec l2_iov[GW_VEC_MAX];
	struct sockaddr_ll l2_addrs[GW_VEC_MAX];
	uint64_t tx_l2, tx_raw;
};

static void set_err(char *err, const char *what, uint32_t ip, uint16_t port, int e)
{
	char ipb[NET_IP_STRLEN];
	if (!err)
		return;
	if (port)
		snprintf(err, GW_IO_ERRLEN, "%s %s:%u: %s", what, net_ip_fmt(ip, ipb), port,
		         strerror(e));
	else
		snprintf(err, GW_IO_ERRLEN, "%s %s: %s", what, net_ip_fmt(ip, ipb), strerror(e));
}

static struct sockaddr_in sin_of(uint32_t ip, uint16_t port)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port)};
	sa.sin_addr.s_addr = htonl(ip);
	return sa;
}

/*
 * Best effort: SO_*BUFFORCE passes net.core.[rw]mem_max when we hold CAP_NET_ADMIN; the
 * plain option is the fallback, which the kernel caps silently. A smaller buffer only
 * costs drops under bursts, so neither failure is fatal.
 */
static void sock_buf(int fd, int force_opt, int opt)
{
	int v = SOCK_BUF_BYTES;
	if (setsockopt(fd, SOL_SOCKET, force_opt, &v, sizeof(v)) < 0)
		(void)setsockopt(fd, SOL_SOCKET, opt, &v, sizeof(v));
}

/*
 * A non-blocking UDP socket bound to ip:port; -1 with err set on failure. reuseport: one of
 * a group of sockets on the same address, each worker's, among which the kernel spreads
 * datagrams by a hash of their addresses and ports (the outer source port carries the
 * inner flow's hash, so a tenant flow stays on one worker and in order).
 */
static int udp_bound(uint32_t ip, uint16_t port, bool reuseport, char *err)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		set_err(err, "socket for", ip, port, errno);
		return -1;
	}
	/* Lets a restarted daemon (or a second one on another group) bind at once. */
	int one = 1;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0) {
		set_err(err, "SO_REUSEADDR on", ip, port, errno);
		close(fd);
		return -1;
	}
	if (reuseport && setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) < 0) {
		set_err(err, "SO_REUSEPORT on", ip, port, errno);
		close(fd);
		return -1;
	}
	struct sockaddr_in sa = sin_of(ip, port);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		set_err(err, "bind", ip, port, errno);
		close(fd);
		return -1;
	}
	sock_buf(fd, SO_RCVBUFFORCE, SO_RCVBUF);
	return fd;
}

/*
 * The raw send socket. IP_MULTICAST_IF by the VTEP address makes packets to a flood
 * group leave through the underlay interface even without a multicast route (the kernel
 * ignores the routing table's answer for a multicast destination when the socket names
 * an interface); loop off, or our own floods would come back on the group sockets.
 */
static int raw_open(uint32_t vtep, char *err)
{
	int fd = socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_RAW);
	if (fd < 0) {
		set_err(err, "raw socket for", vtep, 0, errno);
		return -1;
	}
	sock_buf(fd, SO_SNDBUFFORCE, SO_SNDBUF);
	struct ip_mreqn mr = {.imr_address.s_addr = htonl(vtep)};
	if (setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &mr, sizeof(mr)) < 0) {
		set_err(err, "IP_MULTICAST_IF", vtep, 0, errno);
		close(fd);
		return -1;
	}
	int zero = 0;
	if (setsockopt(fd, IPPROTO_IP, IP_MULTICAST_LOOP, &zero, sizeof(zero)) < 0) {
		set_err(err, "IP_MULTICAST_LOOP on", vtep, 0, errno);
		close(fd);
		return -1;
	}
	return fd;
}

/* Best effort: without UDP GRO (kernels before 5.0) every datagram comes on its own. */
static void gro_enable(int fd)
{
	int one = 1;
	(void)setsockopt(fd, SOL_UDP, UDP_GRO, &one, sizeof(one));
}

struct gw_udp *gw_udp_open(uint32_t vtep, uint16_t port, char err[GW_IO_ERRLEN])
{
	return gw_udp_open_opt(vtep, port, 0, err);
}

struct gw_udp *gw_udp_open_opt(uint32_t vtep, uint16_t port, unsigned flags, char err[GW_IO_ERRLEN])
{
	struct gw_udp *u = calloc(1, sizeof(*u));
	if (!u) {
		set_err(err, "allocating driver for", vtep, port, ENOMEM);
		return NULL;
	}
	u->vtep = vtep;
	u->port = port;
	u->rx_fd = -1;
	if (!(flags & GW_UDP_NO_RX))
		u->rx_fd = udp_bound(vtep, port, flags & GW_UDP_REUSEPORT, err);
	u->tx_fd = u->rx_fd < 0 && !(flags & GW_UDP_NO_RX) ? -1 : raw_open(vtep, err);
	u->rxb = gw_rxb_open(0);
	if (u->tx_fd < 0 || !u->rxb) {
		if (!u->rxb && err)
			set_err(err, "receive buffers for", vtep, port, ENOMEM);
		if (u->rx_fd >= 0)
			close(u->rx_fd);
		if (u->tx_fd >= 0)
			close(u->tx_fd);
		gw_rxb_close(u->rxb);
		free(u);
		return NULL;
	}
	if (u->rx_fd >= 0)
		gro_enable(u->rx_fd);
	/* Without it (no AF_PACKET, no rtnetlink) the raw socket carries everything. */
	u->l2 = gw_l2_open();
	return u;
}

int gw_udp_quiesce(struct gw_udp *u)
{
	if (u->rx_fd < 0)
		return 0;
	/* Connected to its own address, port 1: no datagram matches that peer, so the kernel
	 * stops choosing this socket in its SO_REUSEPORT group, while what it queued stays. */
	struct sockaddr_in sa = sin_of(u->vtep, 1);
	return connect(u->rx_fd, (struct sockaddr *)&sa, sizeof(sa));
}

void gw_udp_close(struct gw_udp *u)
{
	if (!u)
		return;
	for (unsigned i = 0; i < u->n_groups; i++)
		close(u->groups[i].fd);
	if (u->rx_fd >= 0)
		close(u->rx_fd);
	close(u->tx_fd);
	gw_l2_close(u->l2);
	gw_rxb_close(u->rxb);
	free(u);
}

int gw_udp_fds(const struct gw_udp *u, int *fds, int max)
{
	int n = 0;
	if (n < max && u->rx_fd >= 0)
		fds[n++] = u->rx_fd;
	for (unsigned i = 0; i < u->n_groups && n < max; i++)
		fds[n++] = u->groups[i].fd;
	return n;
}

static int group_find(const struct gw_udp *u, uint32_t group)
{
	for (unsigned i = 0; i < u->n_groups; i++)
		if (u->groups[i].addr == group)
			return (int)i;
	return -1;
}

/* The outer destination of what arrives on fd: the VTEP, or the group it is bound to. */
static int fd_dst(const struct gw_udp *u, int fd, uint32_t *dst)
{
	if (fd >= 0 && fd == u->rx_fd) {
		*dst = u->vtep;
		return 0;
	}
	for (unsigned i = 0; i < u->n_groups; i++) {
		if (u->groups[i].fd == fd) {
			*dst = u->groups[i].addr;
			return 0;
		}
	}
	return -1;
}

/* ---------------------------------------------------------------- receive */

/* The segment size of a message of len bytes: the kernel's UDP_GRO value, else len. */
static uint32_t gro_seg_size(struct msghdr *h, uint32_t len)
{
	for (struct cmsghdr *c = CMSG_FIRSTHDR(h); c; c = CMSG_NXTHDR(h, c)) {
		if (c->cmsg_level != SOL_UDP || c->cmsg_type != UDP_GRO ||
		    c->cmsg_len < CMSG_LEN(sizeof(int)))
			continue;
		int v;
		memcpy(&v, CMSG_DATA(c), sizeof(v));
		if (v > 0 && (uint32_t)v < len)
			return (uint32_t)v;
	}
	return len;
}

/* Copies n bytes at offset off of message i: its packet buffer, then its spill area. */
static void msg_copy(uint8_t *to, const struct gw_rxb *b, unsigned i, uint32_t off, uint32_t n)
{
	if (off < GW_PKT_DATA) {
		uint32_t a = n < GW_PKT_DATA - off ? n : GW_PKT_DATA - off;
		memcpy(to, b->pkts[i]->data + off, a);
		to += a;
		off += a;
		n -= a;
	}
	if (n)
		memcpy(to, gw_rxb_tail(b, i) + (off - GW_PKT_DATA), n);
}

/* A received datagram's outer addresses (dst: what its socket is bound to). */
static void rx_addrs(struct gw_pkt *p, const struct gw_rxb *b, unsigned i)
{
	const struct sockaddr_in *from = (const struct sockaddr_in *)&b->addrs[i];
	p->outer_src = ntohl(from->sin_addr.s_addr);
	p->outer_sport = ntohs(from->sin_port);
	p->outer_dst = b->tag;
}

/* The IP version the inner frame's EtherType announces (4, 6), 0 for another one. */
static unsigned inner_ip_version(const struct gw_pkt *p)
{
	const uint8_t *eth = p->data + VX_HDR_LEN;
	uint16_t type = (uint16_t)(eth[12] << 8 | eth[13]);
	return type == NET_ETHERTYPE_IP ? 4 : type == NET_ETHERTYPE_IP6 ? 6 : 0;
}

/* An inner TCP/UDP checksum the sender left to its NIC is completed (gw/gso.h). */
static void inner_csum(struct gw_udp *u, struct gw_pkt *p)
{
	if (p->len > INNER_L3 && inner_ip_version(p) &&
	    gw_gso_csum_complete(p->data + INNER_L3, p->len - INNER_L3))
		u->rx.csum++;
}

/* The length of the inner IPv4 or IPv6 packet by its header, if it is the version its
 * EtherType announces; 0 otherwise. */
static uint32_t inner_ip_len(const struct gw_pkt *p)
{
	const uint8_t *ip = p->data + INNER_L3;
	unsigned v = inner_ip_version(p);
	if (!v || (ip[0] >> 4) != v)
		return 0;
	return v == 4 ? (uint32_t)(ip[2] << 8 | ip[3])
	              : NET_IP6_HLEN + (uint32_t)(ip[4] << 8 | ip[5]);
}

static unsigned drop_msg(struct gw_rxb *b, unsigned i, uint64_t *count, uint64_t n)
{
	*count += n;
	gw_pkt_free(b->pool, b->pkts[i]);
	return 0;
}

/*
 * A UDP GRO run of nseg datagrams of seg bytes (the last maybe shorter) into out, in
 * order, the first in the message's own buffer. GW_RXB_WAIT when the pool is short.
 */
static unsigned take_gro(struct gw_udp *u, struct gw_rxb *b, unsigned i, uint32_t seg,
                         unsigned nseg, struct gw_pkt **out)
{
	uint32_t len = gw_rxb_len(b, i);
	for (unsigned k = 1; k < nseg; k++) {
		if (!(out[k] = gw_pkt_alloc(b->pool))) {
			while (--k > 0)
				gw_pkt_free(b->pool, out[k]);
			return GW_RXB_WAIT;
		}
		uint32_t off = k * seg, n = len - off < seg ? len - off : seg;
		msg_copy(out[k]->data, b, i, off, n);
		out[k]->len = n;
	}
	out[0] = b->pkts[i];
	out[0]->len = seg;
	for (unsigned k = 0; k < nseg; k++) {
		rx_addrs(out[k], b, i);
		inner_csum(u, out[k]);
	}
	u->rx.gro += nseg;
	return nseg;
}

/*
 * A datagram larger than a packet buffer: one inner TCP super-packet (TSO) that a kernel
 * VTEP encapsulated whole. It is cut into pieces that fit a buffer, each marked GW_PKT_GSO
 * for the pipeline, which cuts them to the path's MTU (the sender's segment size is not
 * reported). Other protocols cannot be cut without knowing the sender's size: a UDP
 * super-packet (UDP_SEGMENT) is several datagrams whose boundaries are lost.
 */
static unsigned take_super(struct gw_udp *u, struct gw_rxb *b, unsigned i, struct gw_pkt **out,
                           unsigned room, unsigned max)
{
	struct gw_pkt *p = b->pkts[i];
	struct gw_gso_src src = {.p = p,
	                         .len = gw_rxb_len(b, i),
	                         .head_len = GW_PKT_DATA,
	                         .tail = gw_rxb_tail(b, i),
	                         .l3 = INNER_L3};
	/* one IPv4 or IPv6 packet filling the datagram, or not a super-packet at all */
	if (inner_ip_len(p) != src.len - INNER_L3)
		return drop_msg(b, i, &u->rx.oversize, 1);
	if (gw_gso_l4_proto(p->data + INNER_L3, GW_PKT_DATA - INNER_L3) != NET_IPPROTO_TCP)
		return drop_msg(b, i, &u->rx.gso_unsupported, 1);
	uint32_t payload = gw_gso_src_payload_for_mtu(&src, GW_PKT_DATA - INNER_L3);
	unsigned n = gw_gso_count(&src, payload);
	if (n == 0 || n > max)
		return drop_msg(b, i, n ? &u->rx.gso_unsupported : &u->rx.oversize, 1);
	if (n > room)
		return GW_RXB_WAIT;
	rx_addrs(p, b, i);
	p->flags |= GW_PKT_GSO;
	enum gw_drop why;
	if (gw_gso_segment(&src, payload, b->pool, out, n, &why) == 0)
		return why == GW_DROP_NO_BUFFER ? GW_RXB_WAIT
		                                : drop_msg(b, i, &u->rx.gso_unsupported, 1);
	u->rx.gso++;
	return n;
}

/* What message i of the batch becomes (see gw_rxb_take_fn). */
static unsigned udp_take(void *drv, struct gw_rxb *b, unsigned i, struct gw_pkt **out,
                         unsigned room, unsigned max)
{
	struct gw_udp *u = drv;
	struct msghdr *h = &b->msgs[i].msg_hdr;
	uint32_t len = gw_rxb_len(b, i), seg = gro_seg_size(h, len);
	unsigned nseg = seg ? (len + seg - 1) / seg : 1;
	if (h->msg_flags & MSG_TRUNC)
		return drop_msg(b, i, &u->rx.oversize, 1);
	if (nseg > 1) {
		/* a segment larger than a buffer, or more than a vector ever takes: it would wait
		 * forever */
		if (seg > GW_PKT_DATA || nseg > max)
			return drop_msg(b, i, &u->rx.oversize, nseg);
		return nseg > room ? GW_RXB_WAIT : take_gro(u, b, i, seg, nseg, out);
	}
	if (len > GW_PKT_DATA)
		return take_super(u, b, i, out, room, max);
	if (room == 0)
		return GW_RXB_WAIT;
	struct gw_pkt *p = b->pkts[i];
	p->len = len;
	rx_addrs(p, b, i);
	inner_csum(u, p);
	out[0] = p;
	return 1;
}

unsigned gw_udp_recv(struct gw_udp *u, int fd, struct gw_pool *pool, struct gw_pkt **pkts,
                     unsigned max)
{
	uint32_t dst;
	if (fd_dst(u, fd, &dst) < 0)
		return 0;
	return gw_rxb_recv(u->rxb, fd, dst, pool, udp_take, u, pkts, max);
}

bool gw_udp_rx_pending(const struct gw_udp *u, int fd)
{
	uint32_t dst;
	return gw_rxb_held(u->rxb) && fd_dst(u, fd, &dst) == 0;
}

void gw_udp_rx_discard(struct gw_udp *u)
{
	gw_rxb_discard(u->rxb);
}

void gw_udp_rx_stats(const struct gw_udp *u, struct gw_io_rx_stats *s)
{
	*s = u->rx;
}

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Prepends the Ethernet header to p and queues it as message i of the L2 vector. */
static void l2_queue(struct gw_udp *u, unsigned i, struct gw_pkt *p, const struct gw_l2_nh *nh)
{
	p->data -= ETH_HLEN;
	p->len += ETH_HLEN;
	memcpy(p->data, nh->dst, 6);
	memcpy(p->data + 6, nh->src, 6);
	p->data[12] = ETHERTYPE_IP >> 8;
	p->data[13] = ETHERTYPE_IP & 0xff;
	u->l2_addrs[i] = (struct sockaddr_ll){
	    .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_IP), .sll_ifindex = nh->ifindex};
	u->l2_iov[i] = (struct iovec){.iov_base = p->data, .iov_len = p->len};
	u->l2_msgs[i].msg_hdr = (struct msghdr){
	    .msg_name = &u->l2_addrs[i],
	    .msg_namelen = sizeof(u->l2_addrs[i]),
	    .msg_iov = &u->l2_iov[i],
	    .msg_iovlen = 1,
	};
}

/* The next hop of a packet that may go the L2 way, or NULL. */
static const struct gw_l2_nh *l2_next_hop(struct gw_udp *u, const struct gw_pkt *p)
{
	if (!u->l2 || net_ip_is_mcast(p->outer_dst) || gw_pkt_headroom(p) < ETH_HLEN)
		return NULL;
	return gw_l2_lookup(u->l2, p->outer_dst);
}

/* Queues p as message i of the raw socket's vector. */
static void raw_queue(struct gw_udp *u, unsigned i, struct gw_pkt *p)
{
	u->addrs[i] = sin_of(p->outer_dst, 0);
	u->iov[i] = (struct iovec){.iov_base = p->data, .iov_len = p->len};
	u->msgs[i].msg_hdr = (struct msghdr){
	    .msg_name = &u->addrs[i],
	    .msg_namelen = sizeof(u->addrs[i]),
	    .msg_iov = &u->iov[i],
	    .msg_iovlen = 1,
	};
}

/* Sends what is queued on one of the two paths; 0 when nothing is. */
static unsigned flush_run(struct gw_udp *u, bool l2, unsigned n)
{
	if (n == 0)
		return 0;
	if (l2) {
		u->tx_l2 += n;
		return gw_io_send_vec(gw_l2_fd(u->l2), u->l2_msgs, n);
	}
	u->tx_raw += n;
	return gw_io_send_vec(u->tx_fd, u->msgs, n);
}

/*
 * Sends a vector in order: consecutive packets on the same path go in one call, and a
 * change of path sends what is queued first. Most vectors take one path; one packet sent
 * the raw way among direct ones (a peer's stale next hop being confirmed, a cache miss)
 * must not overtake or fall behind its neighbours, or the receiver sees the flow
 * reordered.
 */
static unsigned send_chunk(struct gw_udp *u, struct gw_pkt **pkts, unsigned n)
{
	unsigned refused = 0, run = 0;
	bool run_l2 = false;
	for (unsigned i = 0; i < n; i++) {
		const struct gw_l2_nh *nh = l2_next_hop(u, pkts[i]);
		bool l2 = nh != NULL;
		if (l2 != run_l2) {
			refused += flush_run(u, run_l2, run);
			run = 0;
			run_l2 = l2;
		}
		if (l2)
			l2_queue(u, run++, pkts[i], nh);
		else
			raw_queue(u, run++, pkts[i]);
	}
	return refused + flush_run(u, run_l2, run);
}

unsigned gw_udp_send(struct gw_udp *u, struct gw_pool *pool, struct gw_pkt **pkts, unsigned n)
{
	unsigned refused = 0;
	if (u->l2)
		gw_l2_begin(u->l2, now_ms());
	for (unsigned off = 0; off < n; off += GW_VEC_MAX)
		refused += send_chunk(u, pkts + off, n - off < GW_VEC_MAX ? n - off : GW_VEC_MAX);
	for (unsigned i = 0; i < n; i++)
		gw_pkt_free(pool, pkts[i]);
	return refused;
}

void gw_udp_tx_paths(const struct gw_udp *u, uint64_t *l2, uint64_t *raw)
{
	*l2 = u->tx_l2;
	*raw = u->tx_raw;
}

static int join_err(char *err, uint32_t group, uint32_t vtep, const char *why)
{
	char gb[NET_IP_STRLEN], vb[NET_IP_STRLEN];
	if (err)
		snprintf(err, GW_IO_ERRLEN, "join %s on %s: %s", net_ip_fmt(group, gb),
		         net_ip_fmt(vtep, vb), why);
	return -1;
}

int gw_udp_join(struct gw_udp *u, uint32_t group, char err[GW_IO_ERRLEN])
{
	if (!net_ip_is_mcast(group))
		return join_err(err, group, u->vtep, "not a multicast address");
	if (group_find(u, group) >= 0)
		return 0;
	if (u->n_groups == GW_UDP_GROUPS_MAX)
		return join_err(err, group, u->vtep, "too many groups");
	int fd = udp_bound(group, u->port, false, err);
	if (fd < 0)
		return -1;
	/* imr_address = VTEP: the kernel joins on whichever interface holds that address. */
	struct ip_mreqn mr = {.imr_multiaddr.s_addr = htonl(group),
	                      .imr_address.s_addr = htonl(u->vtep)};
	if (setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr, sizeof(mr)) < 0) {
		int e = errno;
		close(fd);
		return join_err(err, group, u->vtep, strerror(e));
	}
	u->groups[u->n_groups++] = (struct group){.addr = group, .fd = fd};
	return 0;
}

int gw_udp_leave(struct gw_udp *u, uint32_t group)
{
	int i = group_find(u, group);
	if (i < 0)
		return -1;
	/* Closing the socket drops its membership; the last group fills the hole. */
	close(u->groups[i].fd);
	u->groups[i] = u->groups[--u->n_groups];
	return 0;
}

/* Datagrams the kernel dropped on one socket because its receive buffer was full. */
static uint64_t socket_drops(int fd)
{
	uint32_t mem[SK_MEMINFO_VARS] = {0};
	socklen_t len = sizeof(mem);
	if (fd < 0 || getsockopt(fd, SOL_SOCKET, SO_MEMINFO, mem, &len) != 0 ||
	    len < sizeof(uint32_t) * (SK_MEMINFO_DROPS + 1))
		return 0;
	return mem[SK_MEMINFO_DROPS];
}

uint64_t gw_udp_rx_dropped(const struct gw_udp *u)
{
	int fds[1 + GW_UDP_GROUPS_MAX];
	int n = gw_udp_fds(u, fds, 1 + GW_UDP_GROUPS_MAX);
	uint64_t sum = 0;
	for (int i = 0; i < n; i++)
		sum += socket_drops(fds[i]);
	return sum;
}
