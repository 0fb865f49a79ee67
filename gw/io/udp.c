/*
 * gw/io/udp.c - the VXLAN underlay driver (see gw/io/io.h for why: UDP in, raw IP out).
 *
 * Receive: a UDP socket per family bound to VTEP:port ([VTEP6]:port), plus one per joined
 * flood group bound to GROUP:port. Binding each to its own address (not the wildcard) lets
 * the kernel's socket lookup tell them apart, so the destination of a datagram is known
 * from the socket it arrived on and no IP_PKTINFO control message is needed; the outer
 * TOS / traffic class comes as a control message with every datagram.
 *
 * Send: the pipeline wrote the whole outer header, IPv4 or IPv6 (its version nibble says
 * which). A packet to a unicast VTEP whose next hop the cache of gw/io/l2.h knows gets an
 * Ethernet header in its headroom and goes straight to the netdev on an AF_PACKET socket;
 * any other one (a flood group, a peer being resolved) goes on its family's IPPROTO_RAW
 * socket (IP_HDRINCL / IPV6_HDRINCL implied), where the kernel routes it, resolves the
 * underlay next hop and transmits. Both put the same packet on the wire: the kernel leaves
 * a raw DF packet's ID 0 and its checksum as we wrote it, and an IPv6 one as it is.
 */
#include "gw/gso.h"
#include "gw/io/io.h"
#include "gw/io/io_int.h"
#include "gw/io/frame.h"
#include "gw/io/l2.h"
#include "gw/io/xdp.h"
#include "vxlan/vtep.h"
#include "vxlan/vxlan.h"

#include <linux/if_packet.h>
#include <linux/sock_diag.h>
#include <linux/virtio_net.h>
#include <net/ethernet.h>
#include <netinet/udp.h>

#include "common/net.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <stdatomic.h>
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

/* An address and port of either family, as the socket calls take them. */
union sa {
	struct sockaddr sa;
	struct sockaddr_in v4;
	struct sockaddr_in6 v6;
};

/*
 * A super-datagram being built (see "transmit: super-datagrams"): the message of the
 * AF_PACKET vector that datagrams of the same flow and size join. head: its first
 * packet (NULL: none open); seg: the UDP payload of each datagram; payload: of all.
 */
struct super_dgram {
	struct gw_pkt *head;
	unsigned msg, n, v;
	uint32_t l3_len, seg, payload;
	bool last; /* a shorter datagram joined: it must be the last */
};

struct group {
	uint32_t name; /* an IPv4 group's address (host order), an IPv6 group's name */
	int fd;
};

struct gw_udp {
	struct gw_udp_cfg cfg;
	int ifindex6;      /* the interface that holds vtep6: MLD joins and floods go there */
	int rx_fd, rx6_fd; /* unicast receive sockets, -1: none */
	int tx_fd, tx6_fd; /* raw send sockets, -1: none */
	unsigned n_groups;
	struct group groups[GW_UDP_GROUPS_MAX];
	/* Scratch for one recvmmsg/sendmmsg vector: ~24 KiB, too much for every call's stack. */
	struct mmsghdr msgs[GW_VEC_MAX];
	struct iovec iov[GW_VEC_MAX];
	union sa addrs[GW_VEC_MAX];
	struct gw_rxb *rxb;       /* every receive socket's messages, one socket's at a time */
	struct gw_io_rx_stats rx; /* running totals */
	/* Direct Ethernet transmit (NULL: everything goes raw) and its vector. */
	struct gw_l2 *l2;
	struct mmsghdr l2_msgs[GW_VEC_MAX];
	struct sockaddr_ll l2_addrs[GW_VEC_MAX];
	struct virtio_net_hdr l2_vnet[GW_VEC_MAX];
	uint16_t l2_pkts[GW_VEC_MAX]; /* packets in message i: more than 1 in a super-datagram */
	/* per message: its virtio-net header, its frame, and the payload of each datagram
	 * joined to it (a message of k packets takes k + 1 <= 2k entries) */
	struct iovec l2_iov[2 * GW_VEC_MAX];
	unsigned l2_iov_n;
	struct super_dgram sd; /* the last message, while datagrams may still join it */
	struct gw_udp_tx tx;
	/* dataplane io xdp: the AF_XDP socket (NULL: none) and its transmit vector; with
	 * GW_UDP_XDP_QUEUES_ALL, those of the other queues (receive only) */
	struct gw_xsk *xsk;
	struct gw_pkt *xsk_tx[GW_VEC_MAX];
	struct gw_xsk *xsk_more[GW_UDP_XSK_MAX - 1];
	unsigned n_xsk_more;
};

static union sa sa4(uint32_t ip, uint16_t port)
{
	union sa a = {.v4 = {.sin_family = AF_INET, .sin_port = htons(port)}};
	a.v4.sin_addr.s_addr = htonl(ip);
	return a;
}

/* scope: the interface a link-scoped address (an ff02:: group) is on; ignored otherwise. */
static union sa sa6(const struct in6_addr *ip, uint16_t port, int scope)
{
	return (union sa){.v6 = {.sin6_family = AF_INET6,
	                         .sin6_port = htons(port),
	                         .sin6_addr = *ip,
	                         .sin6_scope_id = (uint32_t)scope}};
}

static socklen_t sa_len(const union sa *a)
{
	return a->sa.sa_family == AF_INET6 ? sizeof(a->v6) : sizeof(a->v4);
}

/* "a.b.c.d:port", "[x::y]:port", or the address alone for port 0. */
#define SA_STRLEN (INET6_ADDRSTRLEN + 8)
static const char *sa_fmt(const union sa *a, char buf[SA_STRLEN])
{
	char ip[INET6_ADDRSTRLEN] = "?";
	bool v6 = a->sa.sa_family == AF_INET6;
	uint16_t port = ntohs(v6 ? a->v6.sin6_port : a->v4.sin_port);
	inet_ntop(a->sa.sa_family, v6 ? (const void *)&a->v6.sin6_addr : &a->v4.sin_addr, ip,
	          sizeof(ip));
	if (!port)
		snprintf(buf, SA_STRLEN, "%s", ip);
	else
		snprintf(buf, SA_STRLEN, v6 ? "[%s]:%u" : "%s:%u", ip, port);
	return buf;
}

static void set_err(char *err, const char *what, const union sa *a, int e)
{
	char ab[SA_STRLEN];
	if (err)
		snprintf(err, GW_IO_ERRLEN, "%s %s: %s", what, sa_fmt(a, ab), strerror(e));
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

/* A socket option a socket needs; `what` names it in the error. */
struct sockopt {
	int level, name;
	const void *val;
	socklen_t len;
	const char *what;
};

static const int ONE = 1, ZERO = 0;
#define OPT_INT(level, name, v)                                                                    \
	{                                                                                          \
		level, name, &(v), sizeof(int), #name                                              \
	}

/* Sets the n options on fd: 0, or -1 with err set (about address a) and fd closed. */
static int set_opts(int fd, const struct sockopt *o, unsigned n, const union sa *a, char *err)
{
	for (unsigned i = 0; i < n; i++) {
		if (o[i].val && setsockopt(fd, o[i].level, o[i].name, o[i].val, o[i].len) < 0) {
			char what[64];
			snprintf(what, sizeof(what), "%s on", o[i].what);
			set_err(err, what, a, errno);
			close(fd);
			return -1;
		}
	}
	return 0;
}

/*
 * A non-blocking UDP socket bound to a (address and port); -1 with err set on failure.
 * reuseport: one of a group of sockets on the same address, each worker's, among which
 * the kernel spreads datagrams by a hash of their addresses and ports (the outer source
 * port carries the inner flow's hash, so a tenant flow stays on one worker and in order).
 * Every datagram comes with the outer TOS / traffic class (IP_RECVTOS, IPV6_RECVTCLASS),
 * which RFC 6040 decapsulation needs. An IPv6 socket takes IPv6 only (an IPv4 VTEP has its
 * own socket), and datagrams with UDP checksum 0 only when zcsum_rx: RFC 6936 makes
 * accepting them an opt-in, and the kernel drops them by default.
 */
static int udp_bound(const union sa *a, bool reuseport, bool zcsum_rx, char *err)
{
	bool v6 = a->sa.sa_family == AF_INET6;
	int fd = socket(a->sa.sa_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		set_err(err, "socket for", a, errno);
		return -1;
	}
	/* SO_REUSEADDR lets a restarted daemon (or a second one on another group) bind at once. */
	const struct sockopt opts[] = {
	    OPT_INT(SOL_SOCKET, SO_REUSEADDR, ONE),
	    {SOL_SOCKET, SO_REUSEPORT, reuseport ? &ONE : NULL, sizeof(int), "SO_REUSEPORT"},
	    v6 ? (struct sockopt)OPT_INT(IPPROTO_IPV6, IPV6_V6ONLY, ONE)
	       : (struct sockopt)OPT_INT(IPPROTO_IP, IP_RECVTOS, ONE),
	    {IPPROTO_IPV6, IPV6_RECVTCLASS, v6 ? &ONE : NULL, sizeof(int), "IPV6_RECVTCLASS"},
	    {SOL_UDP, UDP_NO_CHECK6_RX, v6 && zcsum_rx ? &ONE : NULL, sizeof(int),
	     "UDP_NO_CHECK6_RX"},
	    /* an IPv6 address is tentative for a second or two after it is added (duplicate
	     * address detection): bind to it then too, as to one the host holds (checked) */
	    {IPPROTO_IPV6, IPV6_FREEBIND, v6 ? &ONE : NULL, sizeof(int), "IPV6_FREEBIND"},
	};
	if (set_opts(fd, opts, sizeof(opts) / sizeof(opts[0]), a, err) < 0)
		return -1;
	if (bind(fd, &a->sa, sa_len(a)) < 0) {
		set_err(err, "bind", a, errno);
		close(fd);
		return -1;
	}
	sock_buf(fd, SO_RCVBUFFORCE, SO_RCVBUF);
	return fd;
}

/*
 * A raw send socket of vtep's family (IPPROTO_RAW: the header is ours, IP_HDRINCL /
 * IPV6_HDRINCL implied) with the options opts. The kernel never fragments what such a
 * socket sends: an IPv4 packet keeps the DF we set, an IPv6 one larger than the device's
 * MTU is refused (EMSGSIZE), so no IPV6_DONTFRAG is needed (the kernel ignores it there).
 */
static int raw_open(const union sa *vtep, const struct sockopt *opts, unsigned n, char *err)
{
	int fd = socket(vtep->sa.sa_family, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_RAW);
	if (fd < 0) {
		set_err(err, "raw socket for", vtep, errno);
		return -1;
	}
	sock_buf(fd, SO_SNDBUFFORCE, SO_SNDBUF);
	return set_opts(fd, opts, n, vtep, err) < 0 ? -1 : fd;
}

/*
 * The IPv4 raw socket. IP_MULTICAST_IF by the VTEP address makes packets to a flood group
 * leave through the underlay interface even without a multicast route (the kernel ignores
 * the routing table's answer for a multicast destination when the socket names an
 * interface); loop off, or our own floods would come back on the group sockets.
 */
static int raw_open4(uint32_t vtep, char *err)
{
	struct ip_mreqn mr = {.imr_address.s_addr = htonl(vtep)};
	const struct sockopt opts[] = {
	    {IPPROTO_IP, IP_MULTICAST_IF, &mr, sizeof(mr), "IP_MULTICAST_IF"},
	    OPT_INT(IPPROTO_IP, IP_MULTICAST_LOOP, ZERO),
	};
	union sa a = sa4(vtep, 0);
	return raw_open(&a, opts, 2, err);
}

/* The IPv6 one: the same by the index of the interface that holds the VTEP. */
static int raw_open6(const struct in6_addr *vtep, int ifindex, char *err)
{
	const struct sockopt opts[] = {
	    OPT_INT(IPPROTO_IPV6, IPV6_MULTICAST_IF, ifindex),
	    OPT_INT(IPPROTO_IPV6, IPV6_MULTICAST_LOOP, ZERO),
	};
	union sa a = sa6(vtep, 0, 0);
	return raw_open(&a, opts, 2, err);
}

/* Best effort: without UDP GRO (kernels before 5.0) every datagram comes on its own. */
static void gro_enable(int fd)
{
	(void)setsockopt(fd, SOL_UDP, UDP_GRO, &ONE, sizeof(ONE));
}

/* The index of the interface that holds IPv6 address a; 0 when none does. */
static int ifindex_of6(const struct in6_addr *a)
{
	struct ifaddrs *ifs;
	int idx = 0;
	if (getifaddrs(&ifs) != 0)
		return 0;
	for (const struct ifaddrs *i = ifs; i && !idx; i = i->ifa_next)
		if (i->ifa_addr && i->ifa_addr->sa_family == AF_INET6 &&
		    net_ip6_eq(&((const struct sockaddr_in6 *)(const void *)i->ifa_addr)->sin6_addr,
		               a))
			idx = (int)if_nametoindex(i->ifa_name);
	freeifaddrs(ifs);
	return idx;
}

/* One family's sockets: the unicast receive socket (unless NO_RX) and the raw one. */
static int family_open(int *rx_fd, int *tx_fd, const union sa *vtep, const struct gw_udp_cfg *cfg,
                       int ifindex, char *err)
{
	if (!(cfg->flags & GW_UDP_NO_RX)) {
		*rx_fd =
		    udp_bound(vtep, cfg->flags & GW_UDP_REUSEPORT, cfg->udp6_zero_csum_rx, err);
		if (*rx_fd < 0)
			return -1;
		gro_enable(*rx_fd);
	}
	*tx_fd = vtep->sa.sa_family == AF_INET6 ? raw_open6(&vtep->v6.sin6_addr, ifindex, err)
	                                        : raw_open4(cfg->vtep, err);
	return *tx_fd < 0 ? -1 : 0;
}

struct gw_udp *gw_udp_open(uint32_t vtep, uint16_t port, char err[GW_IO_ERRLEN])
{
	return gw_udp_open_opt(vtep, port, 0, err);
}

struct gw_udp *gw_udp_open_opt(uint32_t vtep, uint16_t port, unsigned flags, char err[GW_IO_ERRLEN])
{
	struct gw_udp_cfg cfg = {.vtep = vtep, .port = port, .flags = flags};
	return gw_udp_open_cfg(&cfg, err);
}

static struct gw_udp *udp_alloc(const struct gw_udp_cfg *cfg)
{
	struct gw_udp *u = calloc(1, sizeof(*u));
	if (!u)
		return NULL;
	u->cfg = *cfg;
	u->rx_fd = u->rx6_fd = u->tx_fd = u->tx6_fd = -1;
	u->rxb = gw_rxb_open(0);
	return u;
}

/* The AF_XDP sockets cfg asks for: its queue's, or every queue's (up to GW_UDP_XSK_MAX). */
static int xsks_open(struct gw_udp *u, const struct gw_udp_cfg *cfg, char *err)
{
	bool all = cfg->xdp_queue == GW_UDP_XDP_QUEUES_ALL;
	u->xsk = gw_xsk_open(cfg->xdp, all ? 0 : cfg->xdp_queue, err);
	if (!u->xsk)
		return -1;
	unsigned queues = all ? gw_xdp_queues(cfg->xdp) : 1;
	for (unsigned q = 1; q < queues && q < GW_UDP_XSK_MAX; q++) {
		if (!(u->xsk_more[u->n_xsk_more] = gw_xsk_open(cfg->xdp, q, err)))
			return -1;
		u->n_xsk_more++;
	}
	return 0;
}

/*
 * The IPv4 side opens when there is an IPv4 VTEP, or no VTEP at all (a groups-only driver,
 * as gw_udp_open_opt(0, port, GW_UDP_NO_RX) always was); the IPv6 side when there is an
 * IPv6 VTEP.
 */
struct gw_udp *gw_udp_open_cfg(const struct gw_udp_cfg *cfg, char err[GW_IO_ERRLEN])
{
	bool has6 = !net_ip6_is_zero(&cfg->vtep6), has4 = cfg->vtep || !has6;
	union sa a4 = sa4(cfg->vtep, cfg->port), a6 = sa6(&cfg->vtep6, cfg->port, 0);
	struct gw_udp *u = udp_alloc(cfg);
	if (!u || !u->rxb) {
		set_err(err, "allocating driver for", has4 ? &a4 : &a6, ENOMEM);
		gw_udp_close(u);
		return NULL;
	}
	if (has6 && !(u->ifindex6 = ifindex_of6(&cfg->vtep6))) {
		set_err(err, "no interface of this host holds", &a6, EADDRNOTAVAIL);
		gw_udp_close(u);
		return NULL;
	}
	if ((has4 && family_open(&u->rx_fd, &u->tx_fd, &a4, cfg, 0, err) < 0) ||
	    (has6 && family_open(&u->rx6_fd, &u->tx6_fd, &a6, cfg, u->ifindex6, err) < 0)) {
		gw_udp_close(u);
		return NULL;
	}
	/* Without it (no AF_PACKET, no rtnetlink) the raw socket carries everything. */
	u->l2 = gw_l2_open();
	if (cfg->xdp && !(cfg->flags & GW_UDP_NO_RX) && xsks_open(u, cfg, err) < 0) {
		gw_udp_close(u);
		return NULL;
	}
	return u;
}

/* Connected to its own address, port 1: no datagram matches that peer, so the kernel stops
 * choosing the socket in its SO_REUSEPORT group, while what it queued stays. */
static int quiesce_fd(int fd, union sa self)
{
	if (fd < 0)
		return 0;
	self.v4.sin_port = htons(1); /* sin_port and sin6_port share their place */
	return connect(fd, &self.sa, sa_len(&self));
}

const struct gw_udp_cfg *gw_udp_cfg(const struct gw_udp *u)
{
	return &u->cfg;
}

int gw_udp_quiesce(struct gw_udp *u)
{
	if (u->xsk) /* its queue's datagrams go to the kernel's sockets from now on */
		gw_xsk_unmap(u->xsk);
	for (unsigned i = 0; i < u->n_xsk_more; i++)
		gw_xsk_unmap(u->xsk_more[i]);
	int r4 = quiesce_fd(u->rx_fd, sa4(u->cfg.vtep, 0));
	int r6 = quiesce_fd(u->rx6_fd, sa6(&u->cfg.vtep6, 0, 0));
	return r4 < 0 || r6 < 0 ? -1 : 0;
}

static void close_fd(int fd)
{
	if (fd >= 0)
		close(fd);
}

void gw_udp_xsk_release(struct gw_udp *u)
{
	gw_xsk_close(u->xsk);
	u->xsk = NULL;
	for (unsigned i = 0; i < u->n_xsk_more; i++)
		gw_xsk_close(u->xsk_more[i]);
	u->n_xsk_more = 0;
}

void gw_udp_close(struct gw_udp *u)
{
	if (!u)
		return;
	for (unsigned i = 0; i < u->n_groups; i++)
		close(u->groups[i].fd);
	close_fd(u->rx_fd);
	close_fd(u->rx6_fd);
	close_fd(u->tx_fd);
	close_fd(u->tx6_fd);
	gw_udp_xsk_release(u);
	gw_l2_close(u->l2);
	gw_rxb_close(u->rxb);
	free(u);
}

int gw_udp_fds(const struct gw_udp *u, int *fds, int max)
{
	int n = 0;
	if (n < max && u->xsk)
		fds[n++] = gw_xsk_fd(u->xsk);
	for (unsigned i = 0; i < u->n_xsk_more && n < max; i++)
		fds[n++] = gw_xsk_fd(u->xsk_more[i]);
	if (n < max && u->rx_fd >= 0)
		fds[n++] = u->rx_fd;
	if (n < max && u->rx6_fd >= 0)
		fds[n++] = u->rx6_fd;
	for (unsigned i = 0; i < u->n_groups && n < max; i++)
		fds[n++] = u->groups[i].fd;
	return n;
}

static int group_find(const struct gw_udp *u, uint32_t name)
{
	for (unsigned i = 0; i < u->n_groups; i++)
		if (u->groups[i].name == name)
			return (int)i;
	return -1;
}

/* The outer destination of what arrives on fd: a VTEP, or the group it is bound to. */
static int fd_dst(const struct gw_udp *u, int fd, uint32_t *dst)
{
	if (fd < 0)
		return -1;
	if (fd == u->rx_fd || fd == u->rx6_fd) {
		*dst = fd == u->rx_fd ? u->cfg.vtep : u->cfg.vtep6_name;
		return 0;
	}
	for (unsigned i = 0; i < u->n_groups; i++) {
		if (u->groups[i].fd == fd) {
			*dst = u->groups[i].name;
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

/* The outer TOS / traffic class the kernel reported (IP_TOS: a byte; IPV6_TCLASS: an
 * int); 0 when it did not. */
static uint8_t msg_tos(struct msghdr *h)
{
	for (struct cmsghdr *c = CMSG_FIRSTHDR(h); c; c = CMSG_NXTHDR(h, c)) {
		if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TOS &&
		    c->cmsg_len >= CMSG_LEN(1))
			return *CMSG_DATA(c);
		if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_TCLASS &&
		    c->cmsg_len >= CMSG_LEN(sizeof(int))) {
			int v;
			memcpy(&v, CMSG_DATA(c), sizeof(v));
			return (uint8_t)v;
		}
	}
	return 0;
}

/* The name of an IPv6 sender: the table's, else VX_VTEP6_UNKNOWN (its address is kept at
 * gw_pkt_outer6_src for whoever wants to name it). */
static uint32_t src6_name(const struct gw_udp *u, const struct in6_addr *a)
{
	uint32_t name = u->cfg.name6 ? u->cfg.name6(u->cfg.name6_ctx, a) : 0;
	return name ? name : VX_VTEP6_UNKNOWN;
}

/*
 * An IPv4 sender's name is its address, except in 240.0.0.0/4: no VTEP can be there, and
 * those values name IPv6 VTEPs (vxlan/vtep.h), which a spoofed IPv4 source must never pass
 * for. 0 is no peer of any bridge domain (no_such_peer).
 */
static uint32_t src4_name(uint32_t src)
{
	return src >= 0xf0000000u ? 0 : src;
}

/* A received datagram's outer header as far as the pipeline needs it (dst: what its socket
 * is bound to). */
static void rx_meta(const struct gw_udp *u, struct gw_pkt *p, struct gw_rxb *b, unsigned i)
{
	const union sa *from = (const union sa *)&b->addrs[i];
	p->outer_dst = b->tag;
	p->outer_tos = msg_tos(&b->msgs[i].msg_hdr);
	if (from->sa.sa_family == AF_INET6) {
		memcpy(gw_pkt_outer6_src(p), &from->v6.sin6_addr, 16);
		p->outer_src = src6_name(u, &from->v6.sin6_addr);
		p->outer_sport = ntohs(from->v6.sin6_port);
	} else {
		p->outer_src = src4_name(ntohl(from->v4.sin_addr.s_addr));
		p->outer_sport = ntohs(from->v4.sin_port);
	}
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
	rx_meta(u, out[0], b, i);
	for (unsigned k = 0; k < nseg; k++) {
		if (k)
			gw_pkt_copy_outer(out[k], out[0]);
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
	rx_meta(u, p, b, i);
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
	rx_meta(u, p, b, i);
	inner_csum(u, p);
	out[0] = p;
	return 1;
}

/* ---------------------------------------------------------------- receive: AF_XDP */

/* A source the kernel's IP receive would have dropped (a martian): no VTEP sends from it,
 * and a flood group's bridge domain must not learn it. */
static bool xsk_martian(const struct gw_frame_udp *f)
{
	if (f->family == 6)
		return net_ip6_is_zero(&f->src6) || net_ip6_is_mcast(&f->src6) ||
		       net_ip6_is_loopback(&f->src6);
	return f->src4 == 0 || net_ip_is_mcast(f->src4) || f->src4 == 0xffffffffu ||
	       (f->src4 >> 24) == 127;
}

/* Is f the gateway's datagram (the XDP program matched it; checked again here)? */
static bool xsk_ours(const struct gw_udp *u, const struct gw_frame_udp *f)
{
	if (f->dport != u->cfg.port || xsk_martian(f))
		return false;
	return f->family == 4 ? u->cfg.vtep && f->dst4 == u->cfg.vtep
	                      : net_ip6_eq(&f->dst6, &u->cfg.vtep6);
}

/* Frame p as the socket would have delivered its datagram: data at the UDP payload, the
 * outer header's fields in the packet; false when it is not a good datagram of ours. */
static bool xsk_datagram(struct gw_udp *u, struct gw_pkt *p)
{
	struct gw_frame_udp f;
	if (gw_frame_udp_parse(p->data, p->len, u->cfg.udp6_zero_csum_rx, &f) != GW_FRAME_UDP ||
	    !xsk_ours(u, &f))
		return false;
	u->rx.csum += f.csum_done;
	p->data += f.off;
	p->len = f.len;
	p->outer_tos = f.tos;
	p->outer_sport = f.sport;
	if (f.family == 6) {
		memcpy(gw_pkt_outer6_src(p), &f.src6, 16);
		p->outer_src = src6_name(u, &f.src6);
		p->outer_dst = u->cfg.vtep6_name;
	} else {
		p->outer_src = src4_name(f.src4);
		p->outer_dst = f.dst4;
	}
	return true;
}

/* The AF_XDP socket whose descriptor fd is, or NULL. */
static struct gw_xsk *xsk_of(const struct gw_udp *u, int fd)
{
	if (u->xsk && fd == gw_xsk_fd(u->xsk))
		return u->xsk;
	for (unsigned i = 0; i < u->n_xsk_more; i++)
		if (fd == gw_xsk_fd(u->xsk_more[i]))
			return u->xsk_more[i];
	return NULL;
}

static unsigned xsk_recv(struct gw_udp *u, struct gw_xsk *s, struct gw_pool *pool,
                         struct gw_pkt **pkts, unsigned max)
{
	unsigned n = gw_xsk_recv(s, pool, pkts, max), k = 0;
	for (unsigned i = 0; i < n; i++) {
		if (xsk_datagram(u, pkts[i])) {
			pkts[k++] = pkts[i];
			u->rx.xdp++;
			continue;
		}
		u->rx.outer_bad++;
		gw_pkt_free(pool, pkts[i]);
	}
	return k;
}

/* ---------------------------------------------------------------- receive: the API */

unsigned gw_udp_recv(struct gw_udp *u, int fd, struct gw_pool *pool, struct gw_pkt **pkts,
                     unsigned max)
{
	struct gw_xsk *s = xsk_of(u, fd);
	if (s)
		return xsk_recv(u, s, pool, pkts, max);
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

bool gw_udp_busy_poll(struct gw_udp *u)
{
	return u->xsk && gw_xsk_busy_poll(u->xsk);
}

bool gw_udp_tx_flush(struct gw_udp *u)
{
	return u->xsk && gw_xsk_tx_flush(u->xsk);
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

/* The IP version of an outer packet (4, 6), 0 when it is too short to be one. */
static unsigned outer_version(const struct gw_pkt *p)
{
	unsigned v = p->len ? p->data[0] >> 4 : 0;
	if (v == 4 && p->len >= sizeof(struct net_ip))
		return 4;
	return v == 6 && p->len >= NET_IP6_HLEN ? 6 : 0;
}

static struct in6_addr outer6_dst(const struct gw_pkt *p)
{
	struct in6_addr a;
	memcpy(&a, p->data + offsetof(struct net_ip6, dst), sizeof(a));
	return a;
}

/* Prepends the Ethernet header to p (an outer packet of version v) toward next hop nh;
 * returns its EtherType. */
static uint16_t eth_prepend(struct gw_pkt *p, unsigned v, const struct gw_l2_nh *nh)
{
	uint16_t type = v == 6 ? ETHERTYPE_IPV6 : ETHERTYPE_IP;
	p->data -= ETH_HLEN;
	p->len += ETH_HLEN;
	memcpy(p->data, nh->dst, 6);
	memcpy(p->data + 6, nh->src, 6);
	p->data[12] = (uint8_t)(type >> 8);
	p->data[13] = type & 0xff;
	return type;
}

/* Prepends the Ethernet header to p (an outer packet of version v) and queues it as
 * message i of the AF_PACKET vector, after its (empty) virtio-net header. */
static void l2_queue(struct gw_udp *u, unsigned i, struct gw_pkt *p, unsigned v,
                     const struct gw_l2_nh *nh)
{
	uint16_t type = eth_prepend(p, v, nh);
	struct iovec *iov = &u->l2_iov[u->l2_iov_n];
	u->l2_iov_n += 2;
	u->l2_vnet[i] = (struct virtio_net_hdr){0};
	u->l2_pkts[i] = 1;
	u->l2_addrs[i] = (struct sockaddr_ll){
	    .sll_family = AF_PACKET, .sll_protocol = htons(type), .sll_ifindex = nh->ifindex};
	iov[0] = (struct iovec){.iov_base = &u->l2_vnet[i], .iov_len = sizeof(u->l2_vnet[i])};
	iov[1] = (struct iovec){.iov_base = p->data, .iov_len = p->len};
	u->l2_msgs[i].msg_hdr = (struct msghdr){
	    .msg_name = &u->l2_addrs[i],
	    .msg_namelen = sizeof(u->l2_addrs[i]),
	    .msg_iov = iov,
	    .msg_iovlen = 2,
	};
}

/* ---------------------------------------------------------------- transmit: super-datagrams */

/*
 * Consecutive packets to the same next hop with the same outer header (one flow of one
 * bridge domain: the pieces of a TCP super-packet, a burst of one UDP flow) and the same
 * size (the last may be shorter) leave as one UDP super-datagram: one message of the
 * AF_PACKET vector, whose virtio-net header asks the kernel to cut it into those datagrams
 * again (UDP GSO, VIRTIO_NET_HDR_GSO_UDP_L4), each with its own IP length, ID (IPv4: the
 * first's plus its index) and UDP checksum. One system call's worth of kernel work (an
 * skb, the qdisc, the veth or the NIC's USO) per run instead of per datagram, and
 * a veth carries the run whole to the next namespace. The frame of the first datagram
 * goes as it is, with the lengths of the whole; of the others only their UDP payload.
 */
/* The kernel refused a super-datagram (see l2_flush): one datagram a message, process-wide. */
static atomic_bool super_off;

#define SUPER_SEGS_MAX 64    /* datagrams in one: the kernel's UDP_MAX_SEGMENTS, at least */
#define SUPER_LEN_MAX  65535 /* IPv4 total length, IPv6 payload length */

/* The outer IP header length of an outer packet of version v starting at l3: 0 when it
 * is not a plain IPv4 (no option, no fragment) or IPv6 (UDP next) datagram. */
static uint32_t super_l3_len(const uint8_t *l3, uint32_t len, unsigned v)
{
	if (v == 4) /* no option, not a fragment (MF or an offset) */
		return l3[0] == 0x45 && l3[9] == NET_IPPROTO_UDP && !(l3[6] & 0x3f) && !l3[7] &&
		               len > NET_IP_HLEN + 8
		           ? NET_IP_HLEN
		           : 0;
	return l3[6] == NET_IPPROTO_UDP && len > NET_IP6_HLEN + 8 ? NET_IP6_HLEN : 0;
}

/* Do two outer headers (at a and b) send the same datagram but for its lengths, IPv4 ID
 * and checksums? The same addresses, ports, TOS / traffic class and flow label, DF, TTL. */
static bool super_same_flow(const uint8_t *a, const uint8_t *b, unsigned v)
{
	if (v == 4) /* version..TOS; flags..protocol; addresses and ports */
		return !memcmp(a, b, 2) && !memcmp(a + 6, b + 6, 4) && !memcmp(a + 12, b + 12, 12);
	/* version..flow label; next header, hop limit; addresses and ports */
	return !memcmp(a, b, 4) && !memcmp(a + 6, b + 6, 2 + 32 + 4);
}

/* Opens a super-datagram on message i, whose packet p (Ethernet header prepended, toward
 * nh) may be joined. Not for a packet longer than the netdev's MTU: the kernel checks the
 * MTU of a frame, not of the segments of a super-datagram, so such a packet goes alone and
 * is refused as before. */
static void super_open(struct gw_udp *u, unsigned i, struct gw_pkt *p, unsigned v,
                       const struct gw_l2_nh *nh)
{
	const uint8_t *l3 = p->data + ETH_HLEN;
	uint32_t l3_len = super_l3_len(l3, p->len - ETH_HLEN, v);
	u->sd = (struct super_dgram){.head = NULL};
	if (atomic_load_explicit(&super_off, memory_order_relaxed) || !l3_len ||
	    p->len - ETH_HLEN > nh->mtu)
		return;
	u->sd = (struct super_dgram){.head = p,
	                             .msg = i,
	                             .n = 1,
	                             .v = v,
	                             .l3_len = l3_len,
	                             .seg = p->len - ETH_HLEN - l3_len - 8};
	u->sd.payload = u->sd.seg;
}

/* Joins p (of version v, data at its outer IP header) to the open super-datagram if it
 * is the same flow, to the same next hop, and fits; false: it needs its own message. */
static bool super_join(struct gw_udp *u, struct gw_pkt *p, unsigned v, const struct gw_l2_nh *nh)
{
	struct super_dgram *sd = &u->sd;
	if (!sd->head || sd->last || sd->v != v || sd->n == SUPER_SEGS_MAX)
		return false;
	const struct sockaddr_ll *to = &u->l2_addrs[sd->msg];
	const uint8_t *head = sd->head->data;
	if (to->sll_ifindex != nh->ifindex || memcmp(head, nh->dst, 6) ||
	    memcmp(head + 6, nh->src, 6))
		return false;
	uint32_t l3_len = super_l3_len(p->data, p->len, v);
	uint32_t payload = p->len - l3_len - 8;
	if (l3_len != sd->l3_len || payload > sd->seg || payload == 0 ||
	    (v == 4 ? NET_IP_HLEN : 0) + 8 + sd->payload + payload > SUPER_LEN_MAX ||
	    !super_same_flow(head + ETH_HLEN, p->data, v))
		return false;
	struct msghdr *h = &u->l2_msgs[sd->msg].msg_hdr;
	u->l2_iov[u->l2_iov_n++] =
	    (struct iovec){.iov_base = p->data + l3_len + 8, .iov_len = payload};
	h->msg_iovlen++;
	u->l2_pkts[sd->msg]++;
	sd->n++;
	sd->payload += payload;
	sd->last = payload < sd->seg;
	return true;
}

/* The one's-complement sum of the outer pseudo-header of a UDP datagram of udp_len bytes
 * (unfolded; l3 is its IPv4 or IPv6 header). */
static uint32_t super_pseudo_sum(const uint8_t *l3, unsigned v, uint32_t udp_len)
{
	if (v == 6) {
		struct in6_addr src, dst;
		memcpy(&src, l3 + offsetof(struct net_ip6, src), sizeof(src));
		memcpy(&dst, l3 + offsetof(struct net_ip6, dst), sizeof(dst));
		return net_ip6_pseudo_sum(&src, &dst, udp_len, NET_IPPROTO_UDP);
	}
	return net_csum_partial(l3 + offsetof(struct net_ip, src), 8, 0) + htons(NET_IPPROTO_UDP) +
	       htons((uint16_t)udp_len);
}

/*
 * Closes the open super-datagram: when datagrams joined it, the first one's headers get
 * the lengths of the whole and the UDP checksum of its pseudo-header (the kernel completes
 * it per datagram, CHECKSUM_PARTIAL), and its virtio-net header asks for the cut.
 */
static void super_close(struct gw_udp *u)
{
	struct super_dgram *sd = &u->sd;
	if (!sd->head || sd->n < 2) {
		sd->head = NULL;
		return;
	}
	uint8_t *l3 = sd->head->data + ETH_HLEN;
	struct net_udp *udp = (struct net_udp *)(l3 + sd->l3_len);
	uint32_t udp_len = 8 + sd->payload;
	if (sd->v == 4) { /* the pipeline built the header whole: only its length changes */
		struct net_ip *ip = (struct net_ip *)l3;
		uint16_t len = htons((uint16_t)(NET_IP_HLEN + udp_len));
		ip->sum = net_csum_update16(ip->sum, ip->len, len);
		ip->len = len;
	} else {
		((struct net_ip6 *)l3)->plen = htons((uint16_t)udp_len);
	}
	udp->len = htons((uint16_t)udp_len);
	udp->sum = (uint16_t)~net_csum_fold(super_pseudo_sum(l3, sd->v, udp_len));
	/* a packet socket's virtio-net header is in the host's byte order (the legacy one) */
	u->l2_vnet[sd->msg] = (struct virtio_net_hdr){
	    .flags = VIRTIO_NET_HDR_F_NEEDS_CSUM,
	    .gso_type = VIRTIO_NET_HDR_GSO_UDP_L4,
	    .hdr_len = (uint16_t)(ETH_HLEN + sd->l3_len + 8),
	    .gso_size = (uint16_t)sd->seg,
	    .csum_start = (uint16_t)(ETH_HLEN + sd->l3_len),
	    .csum_offset = offsetof(struct net_udp, sum),
	};
	u->tx.gso += sd->n;
	sd->head = NULL;
}

/*
 * Sends the AF_PACKET vector of n messages; returns how many packets were refused. A
 * kernel that refuses a super-datagram as invalid (one older than 6.2 takes no UDP_L4 in
 * a packet socket's virtio-net header) loses that run, counted, and every driver of the
 * process sends one datagram a message from then on.
 */
static unsigned l2_flush(struct gw_udp *u, unsigned n)
{
	super_close(u);
	struct gw_io_send_err e = {.msg = -1};
	unsigned refused = gw_io_send_msgs(gw_l2_fd(u->l2), u->l2_msgs, n, u->l2_pkts, &e);
	if (e.msg >= 0 && e.err == EINVAL && u->l2_pkts[e.msg] > 1)
		atomic_store_explicit(&super_off, true, memory_order_relaxed);
	u->l2_iov_n = 0;
	return refused;
}

/* The next hop of a packet (of version v) that may go the L2 way, or NULL. */
static const struct gw_l2_nh *l2_next_hop(struct gw_udp *u, const struct gw_pkt *p, unsigned v)
{
	if (!u->l2 || gw_pkt_headroom(p) < ETH_HLEN)
		return NULL;
	if (v == 4)
		return net_ip_is_mcast(p->outer_dst) ? NULL : gw_l2_lookup(u->l2, p->outer_dst);
	struct in6_addr dst = outer6_dst(p);
	return net_ip6_is_mcast(&dst) ? NULL : gw_l2_lookup6(u->l2, &dst);
}

/* Queues p (of version v) as message i of the raw sockets' vector: to its destination. */
static void raw_queue(struct gw_udp *u, unsigned i, struct gw_pkt *p, unsigned v)
{
	if (v == 6) {
		struct in6_addr dst = outer6_dst(p);
		u->addrs[i] = sa6(&dst, 0, 0); /* port: the protocol, 0 for IPPROTO_RAW's own */
	} else {
		u->addrs[i] = sa4(p->outer_dst, 0);
	}
	u->iov[i] = (struct iovec){.iov_base = p->data, .iov_len = p->len};
	u->msgs[i].msg_hdr = (struct msghdr){
	    .msg_name = &u->addrs[i],
	    .msg_namelen = sa_len(&u->addrs[i]),
	    .msg_iov = &u->iov[i],
	    .msg_iovlen = 1,
	};
}

/* The ways out: the AF_PACKET socket (either family), the AF_XDP socket (either family,
 * next hop on its netdev), a raw socket per family, or none (no socket for the packet's
 * family, not an IP packet: refused). */
enum path { PATH_L2, PATH_XSK, PATH_RAW4, PATH_RAW6, PATH_NONE };

/* Sends what is queued on one path (n messages); 0 when nothing is. */
static unsigned flush_run(struct gw_udp *u, enum path path, unsigned n)
{
	if (n == 0)
		return 0;
	if (path == PATH_L2) {
		for (unsigned i = 0; i < n; i++)
			u->tx.l2 += u->l2_pkts[i];
		return l2_flush(u, n);
	}
	if (path == PATH_XSK) {
		u->tx.l2 += n;
		return gw_xsk_send(u->xsk, u->xsk_tx, n);
	}
	u->tx.raw += n;
	return gw_io_send_vec(path == PATH_RAW6 ? u->tx6_fd : u->tx_fd, u->msgs, n);
}

/* Queues p (of version v) on the L2 path: joined to the open super-datagram, or as
 * message i (then 1 is returned: one message more). */
static unsigned l2_take(struct gw_udp *u, unsigned i, struct gw_pkt *p, unsigned v,
                        const struct gw_l2_nh *nh)
{
	if (super_join(u, p, v, nh))
		return 0;
	super_close(u);
	l2_queue(u, i, p, v, nh);
	super_open(u, i, p, v, nh);
	return 1;
}

/*
 * Sends a vector in order: consecutive packets on the same path go in one call, and a
 * change of path sends what is queued first. Most vectors take one path; one packet sent
 * the raw way among direct ones (a peer's stale next hop being confirmed, a cache miss)
 * must not overtake or fall behind its neighbours, or the receiver sees the flow
 * reordered. Packets of the two families take the L2 path together, and a raw socket each.
 */
static unsigned send_chunk(struct gw_udp *u, struct gw_pkt **pkts, unsigned n)
{
	unsigned refused = 0, run = 0;
	enum path run_path = PATH_L2;
	for (unsigned i = 0; i < n; i++) {
		struct gw_pkt *p = pkts[i];
		unsigned v = outer_version(p);
		const struct gw_l2_nh *nh = NULL;
		enum path path = PATH_NONE;
		if (v && (v == 4 ? u->tx_fd : u->tx6_fd) >= 0) {
			nh = l2_next_hop(u, p, v);
			path = !nh ? v == 6 ? PATH_RAW6 : PATH_RAW4
			       : u->xsk && nh->ifindex == gw_xsk_ifindex(u->xsk) &&
			               gw_xsk_fits(p->len + ETH_HLEN)
			           ? PATH_XSK
			           : PATH_L2;
		}
		if (path == PATH_NONE) {
			refused++;
			continue;
		}
		if (path != run_path) {
			refused += flush_run(u, run_path, run);
			run = 0;
			run_path = path;
		}
		if (path == PATH_XSK) {
			(void)eth_prepend(p, v, nh); /* the frame as it is: no message to build */
			u->xsk_tx[run++] = p;
		} else if (nh) {
			run += l2_take(u, run, p, v, nh);
		} else {
			raw_queue(u, run++, p, v);
		}
	}
	return refused + flush_run(u, run_path, run);
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

void gw_udp_tx_paths(const struct gw_udp *u, struct gw_udp_tx *out)
{
	*out = u->tx;
}

static int join_err(char *err, const union sa *group, const union sa *vtep, const char *why)
{
	char gb[SA_STRLEN], vb[SA_STRLEN];
	if (err)
		snprintf(err, GW_IO_ERRLEN, "join %s on %s: %s", sa_fmt(group, gb),
		         sa_fmt(vtep, vb), why);
	return -1;
}

/*
 * A socket for group `name` bound to the group's address a and the port, joined with
 * membership option opt (value mr): what arrives on it is for that group.
 */
static int group_add(struct gw_udp *u, uint32_t name, const union sa *a, const union sa *vtep,
                     const struct sockopt *opt, char *err)
{
	union sa ga = *a;
	ga.v4.sin_port = 0; /* sin_port and sin6_port share their place */
	if (group_find(u, name) >= 0)
		return 0;
	if (u->n_groups == GW_UDP_GROUPS_MAX)
		return join_err(err, &ga, vtep, "too many groups");
	int fd = udp_bound(a, false, u->cfg.udp6_zero_csum_rx, err);
	if (fd < 0)
		return -1;
	if (setsockopt(fd, opt->level, opt->name, opt->val, opt->len) < 0) {
		int e = errno;
		close(fd);
		return join_err(err, &ga, vtep, strerror(e));
	}
	u->groups[u->n_groups++] = (struct group){.name = name, .fd = fd};
	return 0;
}

int gw_udp_join(struct gw_udp *u, uint32_t group, char err[GW_IO_ERRLEN])
{
	union sa a = sa4(group, u->cfg.port), vtep = sa4(u->cfg.vtep, 0);
	if (!net_ip_is_mcast(group)) {
		a.v4.sin_port = 0;
		return join_err(err, &a, &vtep, "not a multicast address");
	}
	/* imr_address = VTEP: the kernel joins on whichever interface holds that address. */
	struct ip_mreqn mr = {.imr_multiaddr.s_addr = htonl(group),
	                      .imr_address.s_addr = htonl(u->cfg.vtep)};
	const struct sockopt opt = {IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr, sizeof(mr), ""};
	return group_add(u, group, &a, &vtep, &opt, err);
}

/* MLD through the kernel, on the interface that holds the IPv6 VTEP. */
int gw_udp_join6(struct gw_udp *u, const struct in6_addr *group, uint32_t name,
                 char err[GW_IO_ERRLEN])
{
	union sa a = sa6(group, u->cfg.port, u->ifindex6), vtep = sa6(&u->cfg.vtep6, 0, 0);
	if (!net_ip6_is_mcast(group) || !vx_vtep_is_group(name) || !vx_vtep_is6(name)) {
		a.v6.sin6_port = 0;
		return join_err(err, &a, &vtep, "not an IPv6 multicast group");
	}
	struct ipv6_mreq mr = {.ipv6mr_multiaddr = *group,
	                       .ipv6mr_interface = (unsigned)u->ifindex6};
	const struct sockopt opt = {IPPROTO_IPV6, IPV6_JOIN_GROUP, &mr, sizeof(mr), ""};
	return group_add(u, name, &a, &vtep, &opt, err);
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

/* IPv6 groups are found by their names, which no IPv4 group shares. */
int gw_udp_leave6(struct gw_udp *u, uint32_t name)
{
	return vx_vtep_is6(name) ? gw_udp_leave(u, name) : -1;
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
	int fds[GW_UDP_FDS_MAX];
	int n = gw_udp_fds(u, fds, GW_UDP_FDS_MAX);
	uint64_t sum = u->xsk ? gw_xsk_rx_dropped(u->xsk) : 0;
	for (unsigned i = 0; i < u->n_xsk_more; i++)
		sum += gw_xsk_rx_dropped(u->xsk_more[i]);
	/* the AF_XDP sockets come first in fds */
	for (int i = (u->xsk ? 1 : 0) + (int)u->n_xsk_more; i < n; i++)
		sum += socket_drops(fds[i]);
	return sum;
}
