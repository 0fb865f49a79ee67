/*
 * gw/io_udp.c - the VXLAN underlay driver (see gw/io.h for why: UDP in, raw IPv4 out).
 *
 * Receive: one UDP socket bound to VTEP:port, plus one per joined flood group bound to
 * GROUP:port. Binding each to its own address (not INADDR_ANY) lets the kernel's socket
 * lookup tell them apart, so the destination of a datagram is known from the socket it
 * arrived on and no IP_PKTINFO control message is needed.
 *
 * Send: the pipeline wrote the whole outer header. A packet to a unicast VTEP whose next
 * hop the cache of gw/io_l2.h knows gets an Ethernet header in its headroom and goes
 * straight to the netdev on an AF_PACKET socket; any other one (a flood group, a peer
 * being resolved) goes on one IPPROTO_RAW socket (IP_HDRINCL implied), where the kernel
 * routes it, resolves the underlay next hop and transmits. Both put the same IPv4 packet
 * on the wire: the kernel leaves a raw DF packet's ID 0 and its checksum as we wrote it.
 */
#include "gw/io.h"
#include "gw/io_int.h"
#include "gw/io_l2.h"

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
 * UDP GRO on the unicast socket: the kernel hands over a run of same-size datagrams of one
 * flow (one VTEP, one outer source port: one tenant flow) as one coalesced datagram with
 * its segment size, after one pass through its IP and UDP receive code instead of one per
 * datagram. It coalesces at most 64 segments and 64 KiB, which may exceed a packet buffer,
 * so each message gets a packet buffer and a spill area behind it; the segments are split
 * into packet buffers (the first stays where it landed) before the vector is handed on.
 */
#define GRO_MSGS   32                      /* messages per recvmmsg on the GRO socket */
#define GRO_SPILL  (64 << 10)              /* bytes a message may hold beyond its packet buffer */
#define GRO_SEGS   64                      /* the kernel's most segments per coalesced datagram */
#define GRO_ROUNDS (GW_VEC_MAX / GRO_MSGS) /* recvmmsg calls per gw_udp_recv, at most */

_Static_assert(GRO_SEGS <= GW_VEC_MAX, "a whole coalesced datagram fits in a vector");

/* Messages received on the GRO socket and not yet split into the caller's vector. */
struct gro {
	uint8_t *spill;       /* GRO_MSGS * GRO_SPILL, its pages touched only as far as used */
	unsigned next, count; /* messages [next, count) wait to be handed out */
	struct gw_pool *pool; /* where their buffers came from */
	uint64_t segments;    /* running total: segments of datagrams of more than one */
	struct gw_pkt *pkts[GRO_MSGS]; /* each message's buffer: it keeps the first segment */
	struct mmsghdr msgs[GRO_MSGS];
	struct iovec iov[GRO_MSGS][2];
	struct sockaddr_in addrs[GRO_MSGS];
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int))];
	} ctl[GRO_MSGS];
};

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
	uint64_t oversize;
	struct gro *gro; /* NULL: the kernel has no UDP GRO; rx_fd is read as the groups are */
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

/* GRO state for socket fd, or NULL (the kernel refuses UDP_GRO, or no memory): then the
 * socket gets one datagram per message, as the group sockets do. */
static struct gro *gro_open(int fd)
{
	struct gro *g = calloc(1, sizeof(*g));
	if (!g)
		return NULL;
	g->spill = malloc((size_t)GRO_MSGS * GRO_SPILL);
	int one = 1;
	if (!g->spill || setsockopt(fd, SOL_UDP, UDP_GRO, &one, sizeof(one)) < 0) {
		free(g->spill);
		free(g);
		return NULL;
	}
	return g;
}

static void gro_close(struct gro *g)
{
	if (!g)
		return;
	free(g->spill);
	free(g);
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
	if (u->tx_fd < 0) {
		if (u->rx_fd >= 0)
			close(u->rx_fd);
		free(u);
		return NULL;
	}
	/* Without it (no AF_PACKET, no rtnetlink) the raw socket carries everything. */
	u->l2 = gw_l2_open();
	if (u->rx_fd >= 0)
		u->gro = gro_open(u->rx_fd);
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
	gw_udp_rx_discard(u);
	gro_close(u->gro);
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

/* Takes up to max buffers; fewer (maybe 0) when the pool runs low. */
static unsigned alloc_bufs(struct gw_pool *pool, struct gw_pkt **pkts, unsigned max)
{
	unsigned n = 0;
	while (n < max && (pkts[n] = gw_pkt_alloc(pool)) != NULL)
		n++;
	return n;
}

static void rx_prepare(struct gw_udp *u, struct gw_pkt **pkts, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		u->iov[i] = (struct iovec){.iov_base = pkts[i]->data, .iov_len = GW_PKT_DATA};
		u->msgs[i].msg_hdr = (struct msghdr){
		    .msg_name = &u->addrs[i],
		    .msg_namelen = sizeof(u->addrs[i]),
		    .msg_iov = &u->iov[i],
		    .msg_iovlen = 1,
		};
		u->msgs[i].msg_len = 0;
	}
}

/* ---------------------------------------------------------------- UDP GRO receive */

/* Up to n (<= GRO_MSGS) messages from the GRO socket into g (which holds none); how many
 * came (fewer also when the pool is short). */
static unsigned gro_fill(struct gw_udp *u, struct gw_pool *pool, unsigned n)
{
	struct gro *g = u->gro;
	n = alloc_bufs(pool, g->pkts, n);
	for (unsigned i = 0; i < n; i++) {
		g->iov[i][0] = (struct iovec){.iov_base = g->pkts[i]->data, .iov_len = GW_PKT_DATA};
		g->iov[i][1] = (struct iovec){.iov_base = g->spill + (size_t)i * GRO_SPILL,
		                              .iov_len = GRO_SPILL};
		g->msgs[i].msg_hdr = (struct msghdr){
		    .msg_name = &g->addrs[i],
		    .msg_namelen = sizeof(g->addrs[i]),
		    .msg_iov = g->iov[i],
		    .msg_iovlen = 2,
		    .msg_control = g->ctl[i].buf,
		    .msg_controllen = sizeof(g->ctl[i].buf),
		};
		g->msgs[i].msg_len = 0;
	}
	int r = n ? recvmmsg(u->rx_fd, g->msgs, n, MSG_DONTWAIT, NULL) : 0;
	unsigned got = r > 0 ? (unsigned)r : 0;
	for (unsigned i = got; i < n; i++)
		gw_pkt_free(pool, g->pkts[i]);
	g->next = 0;
	g->count = got;
	g->pool = pool;
	return got;
}

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

/* Copies n bytes at offset off of a message: its packet buffer, then its spill area. */
static void gro_copy(uint8_t *to, const uint8_t *head, const uint8_t *spill, uint32_t off,
                     uint32_t n)
{
	if (off < GW_PKT_DATA) {
		uint32_t a = n < GW_PKT_DATA - off ? n : GW_PKT_DATA - off;
		memcpy(to, head + off, a);
		to += a;
		off += a;
		n -= a;
	}
	if (n)
		memcpy(to, spill + (off - GW_PKT_DATA), n);
}

/* A received datagram's length and outer addresses (dst: what the socket is bound to). */
static void rx_meta(struct gw_pkt *p, uint32_t len, const struct sockaddr_in *from, uint32_t dst)
{
	p->len = len;
	p->outer_src = ntohl(from->sin_addr.s_addr);
	p->outer_sport = ntohs(from->sin_port);
	p->outer_dst = dst;
}

/*
 * Splits message i, of nseg segments of seg bytes (the last one maybe shorter), into out:
 * in order, the first one in the message's own buffer. false when the pool is short of
 * buffers for the others (the message is kept).
 */
static bool gro_split(struct gw_udp *u, unsigned i, uint32_t seg, unsigned nseg,
                      struct gw_pkt **out)
{
	struct gro *g = u->gro;
	struct gw_pkt *p = g->pkts[i];
	uint32_t len = g->msgs[i].msg_len;
	for (unsigned k = 1; k < nseg; k++) {
		if (!(out[k] = gw_pkt_alloc(g->pool))) {
			while (--k > 0)
				gw_pkt_free(g->pool, out[k]);
			return false;
		}
		uint32_t off = k * seg, n = len - off < seg ? len - off : seg;
		gro_copy(out[k]->data, p->data, g->spill + (size_t)i * GRO_SPILL, off, n);
		rx_meta(out[k], n, &g->addrs[i], u->vtep);
	}
	rx_meta(p, seg, &g->addrs[i], u->vtep);
	out[0] = p;
	if (nseg > 1)
		g->segments += nseg;
	return true;
}

/*
 * Hands out the held messages' segments into out[k..max) while they fit; returns the new
 * k. A message that cannot fit (no room left, the pool short) waits for the next call.
 */
static unsigned gro_drain(struct gw_udp *u, struct gw_pkt **out, unsigned k, unsigned max)
{
	struct gro *g = u->gro;
	for (; g->next < g->count; g->next++) {
		unsigned i = g->next;
		uint32_t len = g->msgs[i].msg_len, seg = gro_seg_size(&g->msgs[i].msg_hdr, len);
		unsigned nseg = seg ? (len + seg - 1) / seg : 1;
		/* Larger than a packet buffer (or than buffer and spill): not a frame we could
		 * route. More segments than the caller ever takes (a vector holds GRO_SEGS):
		 * dropped as well, or it would wait forever. */
		if ((g->msgs[i].msg_hdr.msg_flags & MSG_TRUNC) || seg > GW_PKT_DATA || nseg > max) {
			u->oversize += nseg;
			gw_pkt_free(g->pool, g->pkts[i]);
			continue;
		}
		if (nseg > max - k || !gro_split(u, i, seg, nseg, out + k))
			break;
		k += nseg;
	}
	return k;
}

static unsigned gro_recv(struct gw_udp *u, struct gw_pool *pool, struct gw_pkt **pkts, unsigned max)
{
	struct gro *g = u->gro;
	unsigned k = 0;
	bool dry = false; /* the socket gave fewer than asked for: it is empty */
	for (unsigned round = 0; round < GRO_ROUNDS && k < max && !dry; round++) {
		if (g->next == g->count) {
			unsigned ask = max - k < GRO_MSGS ? max - k : GRO_MSGS;
			unsigned got = gro_fill(u, pool, ask);
			if (got == 0)
				break;
			dry = got < ask;
		}
		k = gro_drain(u, pkts, k, max);
		if (g->next < g->count)
			break; /* held back: the vector is full, or the pool is short */
	}
	return k;
}

bool gw_udp_rx_pending(const struct gw_udp *u, int fd)
{
	return fd == u->rx_fd && u->gro && u->gro->next < u->gro->count;
}

void gw_udp_rx_discard(struct gw_udp *u)
{
	struct gro *g = u->gro;
	for (; g && g->next < g->count; g->next++)
		gw_pkt_free(g->pool, g->pkts[g->next]);
}

uint64_t gw_udp_rx_gro(const struct gw_udp *u)
{
	return u->gro ? u->gro->segments : 0;
}

/* ---------------------------------------------------------------- receive */

unsigned gw_udp_recv(struct gw_udp *u, int fd, struct gw_pool *pool, struct gw_pkt **pkts,
                     unsigned max)
{
	uint32_t dst;
	if (fd_dst(u, fd, &dst) < 0)
		return 0;
	if (fd == u->rx_fd && u->gro)
		return gro_recv(u, pool, pkts, max);
	unsigned n = alloc_bufs(pool, pkts, max < GW_VEC_MAX ? max : GW_VEC_MAX);
	if (n == 0)
		return 0;
	rx_prepare(u, pkts, n);
	/* EAGAIN is the normal "nothing more"; any other error concerns one datagram at most
	 * (recvmmsg reports it after the ones it got), so both simply end this batch. */
	int r = recvmmsg(fd, u->msgs, n, MSG_DONTWAIT, NULL);
	unsigned got = r > 0 ? (unsigned)r : 0, k = 0;
	for (unsigned i = 0; i < n; i++) {
		struct gw_pkt *p = pkts[i];
		/* A datagram larger than a buffer cannot be a valid VXLAN frame we could route. */
		bool trunc = i < got && (u->msgs[i].msg_hdr.msg_flags & MSG_TRUNC);
		u->oversize += trunc; /* larger than a buffer: counted, never half-read */
		if (i >= got || trunc) {
			gw_pkt_free(pool, p);
			continue;
		}
		rx_meta(p, u->msgs[i].msg_len, &u->addrs[i], dst);
		pkts[k++] = p;
	}
	return k;
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

static unsigned send_chunk(struct gw_udp *u, struct gw_pkt **pkts, unsigned n)
{
	unsigned n_raw = 0, n_l2 = 0;
	for (unsigned i = 0; i < n; i++) {
		const struct gw_l2_nh *nh = l2_next_hop(u, pkts[i]);
		if (nh) {
			l2_queue(u, n_l2++, pkts[i], nh);
			continue;
		}
		u->addrs[n_raw] = sin_of(pkts[i]->outer_dst, 0);
		u->iov[n_raw] = (struct iovec){.iov_base = pkts[i]->data, .iov_len = pkts[i]->len};
		u->msgs[n_raw].msg_hdr = (struct msghdr){
		    .msg_name = &u->addrs[n_raw],
		    .msg_namelen = sizeof(u->addrs[n_raw]),
		    .msg_iov = &u->iov[n_raw],
		    .msg_iovlen = 1,
		};
		n_raw++;
	}
	u->tx_l2 += n_l2;
	u->tx_raw += n_raw;
	unsigned refused = 0;
	if (n_l2)
		refused += gw_io_send_vec(gw_l2_fd(u->l2), u->l2_msgs, n_l2);
	if (n_raw)
		refused += gw_io_send_vec(u->tx_fd, u->msgs, n_raw);
	return refused;
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

uint64_t gw_udp_rx_oversize(const struct gw_udp *u)
{
	return u->oversize;
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
