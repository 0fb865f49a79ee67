/*
 * test_io.c - the packet I/O drivers against the real kernel: the UDP underlay (recvmmsg
 * in, raw IPv4 sendmmsg out, multicast groups, AF_XDP with our XDP program on va) and
 * AF_PACKET Ethernet uplinks.
 *
 * Needs root. At suite init the program moves itself into a private network namespace
 * (unshare(CLONE_NEWNET)) and builds its lab there, so no address of the host is touched
 * and everything vanishes when the program exits:
 *   main ns: lo up; va 10.9.9.1/24 (peer vb in the "peer" ns); ea/eb and ec/ed veth pairs
 *            without addresses (ec left down)
 *   peer ns: lo up; vb 10.9.9.2/24 - the remote side, so multicast and checksum-offloaded
 *            frames cross a real link
 * Without root (or without unshare) every test prints SKIP and passes.
 */
#include "cu_main.h"

#include "common/net.h"
#include "gw/io/io.h"
#include "gw/io/xdp.h"
#include "gw/pkt.h"
#include "vxlan/vtep.h"
#include "vxlan/vxlan.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if_packet.h>
#include <linux/if_xdp.h>
#include <linux/virtio_net.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <poll.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define IP4(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

#define LO_IP      IP4(127, 0, 0, 1)
#define VA_IP      IP4(10, 9, 9, 1)
#define VB_IP      IP4(10, 9, 9, 2)
#define GROUP1     IP4(239, 1, 1, 1)
#define GROUP2     IP4(239, 1, 1, 2)
#define NO_ROUTE   IP4(198, 51, 100, 1)
#define POOL_SIZE  1024
#define WAIT_MS    2000
#define EA_MTU     1400
#define ETYPE_TEST 0x88b5 /* IEEE 802 local experimental */
#define TEST_VNI   5000

static const uint8_t ea_mac[6] = {0x02, 0x00, 0x00, 0x00, 0x0e, 0x01};
static const uint8_t eb_mac[6] = {0x02, 0x00, 0x00, 0x00, 0x0e, 0x02};

static bool have_ns; /* root and a private namespace: the tests run */
static bool lab_ok;  /* the veth lab came up */
static int ns_main = -1, ns_peer = -1;
static uint16_t port_base;

#define NEED_LAB()                                                                                 \
	do {                                                                                       \
		if (!have_ns) {                                                                    \
			printf("SKIP: needs root ");                                               \
			return;                                                                    \
		}                                                                                  \
		CU_ASSERT_FATAL(lab_ok);                                                           \
	} while (0)

/* ---------------------------------------------------------------- lab */

__attribute__((format(printf, 1, 2))) static bool sh(const char *fmt, ...)
{
	char cmd[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	int rc = system(cmd);
	if (rc != 0)
		fprintf(stderr, "lab command failed (%d): %s\n", rc, cmd);
	return rc == 0;
}

static bool enter(int ns)
{
	if (setns(ns, CLONE_NEWNET) == 0)
		return true;
	perror("setns");
	return false;
}

/* Fewer stray frames (router solicitations, MLD) on the test links. */
static void no_ipv6(void)
{
	(void)system("sysctl -qw net.ipv6.conf.all.disable_ipv6=1 "
	             "net.ipv6.conf.default.disable_ipv6=1 >/dev/null 2>&1");
}

/*
 * The peer namespace: a second unshare, kept alive by its descriptor, then back to the
 * main one. The descriptor is inheritable on purpose: `ip ... netns /proc/self/fd/N`
 * (run through system()) names the namespace by it.
 */
static bool make_peer_ns(void)
{
	if (unshare(CLONE_NEWNET) < 0) {
		perror("unshare (peer)");
		return false;
	}
	ns_peer = open("/proc/self/ns/net", O_RDONLY);
	no_ipv6();
	bool ok = ns_peer >= 0 && sh("ip link set lo up");
	return enter(ns_main) && ok;
}

static bool make_links(void)
{
	return sh("ip link set lo up") &&
	       sh("ip link add va type veth peer name vb netns /proc/self/fd/%d", ns_peer) &&
	       sh("ip addr add 10.9.9.1/24 dev va && ip link set va up") &&
	       sh("ip link add ea address 02:00:00:00:0e:01 mtu %d type veth peer name eb "
	          "address 02:00:00:00:0e:02",
	          EA_MTU) &&
	       sh("ip link set ea up && ip link set eb up") &&
	       sh("ip link add ec type veth peer name ed") && enter(ns_peer) &&
	       sh("ip addr add 10.9.9.2/24 dev vb && ip link set vb up") && enter(ns_main);
}

static int suite_init(void)
{
	port_base = (uint16_t)(20000 + getpid() % 20000);
	if (geteuid() != 0) {
		printf("\nSKIP: test_io needs root (network namespaces, raw sockets)\n");
		return 0;
	}
	if (unshare(CLONE_NEWNET) < 0) {
		printf("\nSKIP: test_io: unshare(CLONE_NEWNET): %s\n", strerror(errno));
		return 0;
	}
	have_ns = true;
	ns_main = open("/proc/self/ns/net", O_RDONLY);
	no_ipv6();
	lab_ok = ns_main >= 0 && make_peer_ns() && make_links();
	return 0;
}

static int suite_clean(void)
{
	if (ns_main >= 0)
		close(ns_main);
	if (ns_peer >= 0)
		close(ns_peer);
	return 0;
}

/* ---------------------------------------------------------------- helpers */

static struct sockaddr_in sin_of(uint32_t ip, uint16_t port)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port)};
	sa.sin_addr.s_addr = htonl(ip);
	return sa;
}

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static bool readable(int fd, int ms)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	return poll(&p, 1, ms) == 1;
}

/* A plain UDP socket bound to ip:port (port 0: any), in the current namespace. */
static int udp_sock(uint32_t ip, uint16_t port)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in sa = sin_of(ip, port);
	int big = 4 << 20;
	if (fd >= 0 && (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof(big)) < 0 ||
	                bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)) {
		close(fd);
		return -1;
	}
	return fd;
}

static int peer_udp_sock(uint32_t ip, uint16_t port)
{
	if (!enter(ns_peer))
		return -1;
	int fd = udp_sock(ip, port);
	return enter(ns_main) ? fd : -1;
}

static void free_all(struct gw_pool *pool, struct gw_pkt **pkts, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		gw_pkt_free(pool, pkts[i]);
}

/* Destroys the pool; returns the buffers it had (all of them when none leaked). */
static uint32_t pool_done(struct gw_pool *pool)
{
	uint32_t avail = gw_pool_avail(pool);
	gw_pool_destroy(pool);
	return avail;
}

/* An outer IPv4/UDP/VXLAN packet with inner_len bytes of `fill`, as the pipeline makes. */
static struct gw_pkt *vx_pkt(struct gw_pool *pool, uint32_t src, uint32_t dst, uint16_t dport,
                             uint16_t sport, uint16_t inner_len, uint8_t fill)
{
	struct gw_pkt *p = gw_pkt_alloc(pool);
	struct vx_encap enc;
	vx_encap_init(&enc, src, dst, dport, TEST_VNI);
	vx_encap_write(&enc, p->data, inner_len, sport, 0);
	memset(p->data + VX_ENCAP_LEN, fill, inner_len);
	p->len = VX_ENCAP_LEN + inner_len;
	p->outer_dst = dst;
	return p;
}

/* Checks a datagram received as the UDP payload of vx_pkt(..., inner_len, fill). */
static void check_vx_payload(const uint8_t *b, ssize_t len, uint16_t inner_len, uint8_t fill)
{
	CU_ASSERT_EQUAL_FATAL(len, VX_HDR_LEN + inner_len);
	uint32_t vni = 0;
	CU_ASSERT_EQUAL(vx_hdr_parse(b, (size_t)len, true, &vni), VX_PARSE_OK);
	CU_ASSERT_EQUAL(vni, TEST_VNI);
	for (uint16_t i = 0; i < inner_len; i++)
		if (b[VX_HDR_LEN + i] != fill) {
			CU_FAIL("inner payload differs");
			break;
		}
}

/* ---------------------------------------------------------------- UDP underlay */

static void test_udp_open_bad_addr(void)
{
	NEED_LAB();
	char err[GW_IO_ERRLEN] = "";
	struct gw_udp *u = gw_udp_open(IP4(203, 0, 113, 77), port_base, err);
	CU_ASSERT_PTR_NULL(u);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "203.0.113.77"));
	gw_udp_close(u);
}

static void test_udp_recv_one(void)
{
	NEED_LAB();
	uint16_t port = (uint16_t)(port_base + 1), sport = (uint16_t)(port_base + 2);
	struct gw_pool *pool = gw_pool_create(POOL_SIZE);
	char err[GW_IO_ERRLEN];
	struct gw_udp *u = gw_udp_open(LO_IP, port, err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(u);
	int fd = -1;
	CU_ASSERT_EQUAL(gw_udp_fds(u, &fd, 1), 1);
	struct gw_pkt *pkts[GW_VEC_MAX];
	CU_ASSERT_EQUAL(gw_udp_recv(u, fd, pool, pkts, GW_VEC_MAX), 0); /* nothing yet */

	int s = udp_sock(LO_IP, sport);
	const char msg[] = "a vxlan header and frame";
	struct sockaddr_in to = sin_of(LO_IP, port);
	CU_ASSERT_EQUAL(sendto(s, msg, sizeof(msg), 0, (struct sockaddr *)&to, sizeof(to)),
	                (ssize_t)sizeof(msg));
	CU_ASSERT(readable(fd, WAIT_MS));
	CU_ASSERT_EQUAL(gw_udp_recv(u, fd + 1000, pool, pkts, GW_VEC_MAX), 0); /* not ours */
	unsigned n = gw_udp_recv(u, fd, pool, pkts, GW_VEC_MAX);
	CU_ASSERT_EQUAL(n, 1);
	if (n == 1) {
		CU_ASSERT_EQUAL(pkts[0]->len, sizeof(msg));
		CU_ASSERT_EQUAL(memcmp(pkts[0]->data, msg, sizeof(msg)), 0);
		CU_ASSERT_EQUAL(pkts[0]->outer_src, LO_IP);
		CU_ASSERT_EQUAL(pkts[0]->outer_sport, sport);
		CU_ASSERT_EQUAL(pkts[0]->outer_dst, LO_IP);
		CU_ASSERT_EQUAL(gw_pkt_headroom(pkts[0]), GW_PKT_HEADROOM);
	}
	free_all(pool, pkts, n);
	CU_ASSERT_EQUAL(gw_udp_recv(u, fd, pool, pkts, GW_VEC_MAX), 0);
	CU_ASSERT_EQUAL(gw_pool_avail(pool), POOL_SIZE);
	close(s);
	gw_udp_close(u);
	gw_pool_destroy(pool);
}

/* count datagrams of len bytes (at most 4096) to `to`, numbered from first: the number
 * (32 bits) at their start, zeros after it. */
static void send_seq_to(int s, struct sockaddr_in to, uint32_t first, uint32_t count, uint32_t len)
{
	static uint8_t b[4096];
	memset(b, 0, len);
	for (uint32_t i = first; i < first + count; i++) {
		memcpy(b, &i, sizeof(i));
		if (sendto(s, b, len, 0, (struct sockaddr *)&to, sizeof(to)) != (ssize_t)len)
			CU_FAIL("sendto");
	}
}

static void send_seq(int s, uint16_t port, uint32_t count)
{
	send_seq_to(s, sin_of(LO_IP, port), 0, count, 64);
}

/* The number send_seq_to put at the start of a datagram's payload. */
static uint32_t seq_of(const struct gw_pkt *p)
{
	uint32_t seq;
	memcpy(&seq, p->data, sizeof(seq));
	return seq;
}

static void test_udp_recv_batch(void)
{
	NEED_LAB();
	enum { COUNT = 300, PER_CALL = 64 };
	uint16_t port = (uint16_t)(port_base + 3);
	struct gw_pool *pool = gw_pool_create(POOL_SIZE);
	char err[GW_IO_ERRLEN];
	struct gw_udp *u = gw_udp_open(LO_IP, port, err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(u);
	int fd, s = udp_sock(LO_IP, 0);
	gw_udp_fds(u, &fd, 1);
	send_seq(s, port, COUNT);

	uint32_t next = 0, calls = 0;
	struct gw_pkt *pkts[GW_VEC_MAX];
	while (next < COUNT && readable(fd, WAIT_MS)) {
		unsigned n = gw_udp_recv(u, fd, pool, pkts, PER_CALL);
		CU_ASSERT(n <= PER_CALL);
		calls++;
		/* loopback keeps order: none lost */
		for (unsigned i = 0; i < n; i++, next++)
			CU_ASSERT_EQUAL(seq_of(pkts[i]), next);
		free_all(pool, pkts, n);
	}
	CU_ASSERT_EQUAL(next, COUNT);
	CU_ASSERT(calls >= (COUNT + PER_CALL - 1) / PER_CALL);
	CU_ASSERT_EQUAL(gw_pool_avail(pool), POOL_SIZE);
	close(s);
	gw_udp_close(u);
	gw_pool_destroy(pool);
}

/* A pool that runs dry limits a batch; what stays queued is read once buffers return. */
static void test_udp_recv_pool_empty(void)
{
	NEED_LAB();
	uint16_t port = (uint16_t)(port_base + 4);
	struct gw_pool *pool = gw_pool_create(4);
	char err[GW_IO_ERRLEN];
	struct gw_udp *u = gw_udp_open(LO_IP, port, err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(u);
	int fd, s = udp_sock(LO_IP, 0);
	gw_udp_fds(u, &fd, 1);
	send_seq(s, port, 10);
	CU_ASSERT(readable(fd, WAIT_MS));
	struct gw_pkt *a[GW_VEC_MAX], *b[GW_VEC_MAX];
	unsigned na = gw_udp_recv(u, fd, pool, a, GW_VEC_MAX);
	CU_ASSERT_EQUAL(na, 4);
	CU_ASSERT_EQUAL(gw_udp_recv(u, fd, pool, b, GW_VEC_MAX), 0);
	free_all(pool, a, na);
	unsigned total = na, n;
	while ((n = gw_udp_recv(u, fd, pool, b, GW_VEC_MAX)) > 0) {
		total += n;
		free_all(pool, b, n);
	}
	CU_ASSERT_EQUAL(total, 10);
	CU_ASSERT_EQUAL(gw_pool_avail(pool), 4);
	close(s);
	gw_udp_close(u);
	gw_pool_destroy(pool);
}

/* ---------------------------------------------------------------- UDP GRO */

/*
 * One send of nseg datagrams of seg bytes, the last one of last bytes (0: seg), with
 * UDP_SEGMENT: over loopback the kernel hands it to a socket with UDP_GRO as one coalesced
 * datagram, as GRO on a NIC would. Segment k is filled with byte tag + k and starts with
 * k as a 32-bit number.
 */
static bool send_gso(int s, uint16_t port, uint16_t seg, unsigned nseg, uint16_t last, uint8_t tag)
{
	static uint8_t b[65536];
	size_t len = 0;
	for (unsigned k = 0; k < nseg; k++) {
		uint16_t n = k + 1 == nseg && last ? last : seg;
		memset(b + len, tag + k, n);
		uint32_t kk = k;
		memcpy(b + len, &kk, sizeof(kk));
		len += n;
	}
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(uint16_t))];
	} ctl = {0};
	struct sockaddr_in to = sin_of(LO_IP, port);
	struct iovec iov = {.iov_base = b, .iov_len = len};
	struct msghdr m = {.msg_name = &to,
	                   .msg_namelen = sizeof(to),
	                   .msg_iov = &iov,
	                   .msg_iovlen = 1,
	                   .msg_control = ctl.buf,
	                   .msg_controllen = sizeof(ctl.buf)};
	struct cmsghdr *c = CMSG_FIRSTHDR(&m);
	c->cmsg_level = SOL_UDP;
	c->cmsg_type = UDP_SEGMENT;
	c->cmsg_len = CMSG_LEN(sizeof(uint16_t));
	memcpy(CMSG_DATA(c), &seg, sizeof(seg));
	return sendmsg(s, &m, 0) == (ssize_t)len;
}

/* pkts[from..from+nseg) are the segments of send_gso(seg, nseg, last, tag), in order. */
static void check_segments(struct gw_pkt **pkts, unsigned from, uint16_t seg, unsigned nseg,
                           uint16_t last, uint8_t tag, uint16_t sport)
{
	for (unsigned k = 0; k < nseg; k++) {
		const struct gw_pkt *p = pkts[from + k];
		uint16_t n = k + 1 == nseg && last ? last : seg;
		uint32_t kk;
		memcpy(&kk, p->data, sizeof(kk));
		CU_ASSERT_EQUAL(p->len, n);
		CU_ASSERT_EQUAL(kk, k);
		CU_ASSERT_EQUAL(p->outer_src, LO_IP);
		CU_ASSERT_EQUAL(p->outer_sport, sport);
		CU_ASSERT_EQUAL(p->outer_dst, LO_IP);
		CU_ASSERT_EQUAL(gw_pkt_headroom(p), GW_PKT_HEADROOM);
		bool same = true;
		for (uint16_t i = sizeof(kk); i < n; i++)
			same &= p->data[i] == (uint8_t)(tag + k);
		CU_ASSERT(same);
	}
}

/* A GRO test's pieces: the driver on LO_IP:port with its socket fd, a pool, and a sender
 * socket s bound to sport. */
struct gro_lab {
	struct gw_pool *pool;
	struct gw_udp *u;
	int fd, s;
	uint16_t port, sport;
};

static void gro_lab_open(struct gro_lab *g, uint16_t port_offset, uint32_t pool_bufs)
{
	char err[GW_IO_ERRLEN];
	*g = (struct gro_lab){.port = (uint16_t)(port_base + port_offset),
	                      .sport = (uint16_t)(port_base + port_offset + 1)};
	g->pool = gw_pool_create(pool_bufs);
	CU_ASSERT_PTR_NOT_NULL_FATAL(g->pool);
	g->u = gw_udp_open(LO_IP, g->port, err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(g->u);
	g->s = udp_sock(LO_IP, g->sport);
	CU_ASSERT_FATAL(g->s >= 0);
	gw_udp_fds(g->u, &g->fd, 1);
}

static struct gw_io_rx_stats udp_rx(const struct gw_udp *u)
{
	struct gw_io_rx_stats s;
	gw_udp_rx_stats(u, &s);
	return s;
}

/* Closes everything; returns the buffers the pool had once the driver was closed. */
static uint32_t gro_lab_close(struct gro_lab *g)
{
	close(g->s);
	gw_udp_close(g->u);
	return pool_done(g->pool);
}

/* A coalesced datagram larger than a packet buffer comes out as its segments, in order,
 * segment boundaries across the buffer's end included; single datagrams still pass. */
static void test_udp_gro_split(void)
{
	NEED_LAB();
	enum { SEG = 1000, NSEG = 40, LAST = 300 }; /* 39,300 bytes: 9216 + spill */
	struct gro_lab g;
	gro_lab_open(&g, 20, POOL_SIZE);
	CU_ASSERT_FATAL(send_gso(g.s, g.port, SEG, NSEG, LAST, 0x10));
	send_seq(g.s, g.port, 1); /* a plain datagram behind it */
	CU_ASSERT(readable(g.fd, WAIT_MS));
	struct gw_pkt *pkts[GW_VEC_MAX];
	unsigned n = gw_udp_recv(g.u, g.fd, g.pool, pkts, GW_VEC_MAX);
	CU_ASSERT_EQUAL_FATAL(n, NSEG + 1);
	check_segments(pkts, 0, SEG, NSEG, LAST, 0x10, g.sport);
	CU_ASSERT_EQUAL(pkts[NSEG]->len, 64);
	CU_ASSERT_EQUAL(udp_rx(g.u).gro, NSEG);
	CU_ASSERT_FALSE(gw_udp_rx_pending(g.u, g.fd));
	CU_ASSERT_EQUAL(udp_rx(g.u).oversize, 0);
	free_all(g.pool, pkts, n);
	CU_ASSERT_EQUAL(gw_pool_avail(g.pool), POOL_SIZE);
	CU_ASSERT_EQUAL(gro_lab_close(&g), POOL_SIZE);
}

/* A whole coalesced datagram that does not fit in what is left of a vector waits for the
 * next call; one that could never fit is dropped and counted; closing returns held
 * buffers to the pool. */
static void test_udp_gro_hold(void)
{
	NEED_LAB();
	enum { SEG = 100, NSEG = 60, MAX = 100 };
	struct gro_lab g;
	gro_lab_open(&g, 22, POOL_SIZE);
	CU_ASSERT_FATAL(send_gso(g.s, g.port, SEG, NSEG, 0, 0x20));
	CU_ASSERT_FATAL(send_gso(g.s, g.port, SEG, NSEG, 0, 0x40));
	CU_ASSERT(readable(g.fd, WAIT_MS));
	struct gw_pkt *pkts[GW_VEC_MAX];
	unsigned n = gw_udp_recv(g.u, g.fd, g.pool, pkts, MAX);
	CU_ASSERT_EQUAL_FATAL(n, NSEG);
	check_segments(pkts, 0, SEG, NSEG, 0, 0x20, g.sport);
	CU_ASSERT(gw_udp_rx_pending(g.u, g.fd));
	CU_ASSERT_FALSE(gw_udp_rx_pending(g.u, g.fd + 1000)); /* not a socket of the driver */
	free_all(g.pool, pkts, n);
	n = gw_udp_recv(g.u, g.fd, g.pool, pkts, MAX);
	CU_ASSERT_EQUAL_FATAL(n, NSEG);
	check_segments(pkts, 0, SEG, NSEG, 0, 0x40, g.sport);
	CU_ASSERT_FALSE(gw_udp_rx_pending(g.u, g.fd));
	free_all(g.pool, pkts, n);

	/* never fits in a vector of 10: dropped as oversize, the plain one behind it read */
	CU_ASSERT_FATAL(send_gso(g.s, g.port, SEG, 20, 0, 0x60));
	send_seq(g.s, g.port, 1);
	CU_ASSERT(readable(g.fd, WAIT_MS));
	n = gw_udp_recv(g.u, g.fd, g.pool, pkts, 10);
	CU_ASSERT_EQUAL(n, 1);
	CU_ASSERT_EQUAL(udp_rx(g.u).oversize, 20);
	free_all(g.pool, pkts, n);

	/* held when the driver closes: back to the g.pool */
	CU_ASSERT_FATAL(send_gso(g.s, g.port, SEG, NSEG, 0, 0x70));
	CU_ASSERT_FATAL(send_gso(g.s, g.port, SEG, NSEG, 0, 0x71));
	CU_ASSERT(readable(g.fd, WAIT_MS));
	n = gw_udp_recv(g.u, g.fd, g.pool, pkts, MAX);
	CU_ASSERT_EQUAL(n, NSEG);
	CU_ASSERT(gw_udp_rx_pending(g.u, g.fd));
	free_all(g.pool, pkts, n);
	CU_ASSERT_EQUAL(gro_lab_close(&g), POOL_SIZE); /* the held one back to the g.pool */
}

/* With the pool short of buffers for a coalesced datagram's segments, it waits; nothing is
 * lost once buffers return. */
static void test_udp_gro_pool_short(void)
{
	NEED_LAB();
	enum { SEG = 200, NSEG = 30 };
	struct gro_lab g;
	gro_lab_open(&g, 24, 40);
	CU_ASSERT_FATAL(send_gso(g.s, g.port, SEG, NSEG, 0, 0x30));
	CU_ASSERT_FATAL(send_gso(g.s, g.port, SEG, NSEG, 0, 0x50));
	CU_ASSERT(readable(g.fd, WAIT_MS));
	struct gw_pkt *a[GW_VEC_MAX], *b[GW_VEC_MAX];
	unsigned na = gw_udp_recv(g.u, g.fd, g.pool, a, GW_VEC_MAX);
	CU_ASSERT_EQUAL_FATAL(na, NSEG); /* the second needs 30 buffers, 10 are left */
	CU_ASSERT(gw_udp_rx_pending(g.u, g.fd));
	CU_ASSERT_EQUAL(gw_udp_recv(g.u, g.fd, g.pool, b, GW_VEC_MAX), 0);
	free_all(g.pool, a, na);
	unsigned nb = gw_udp_recv(g.u, g.fd, g.pool, b, GW_VEC_MAX);
	CU_ASSERT_EQUAL_FATAL(nb, NSEG);
	check_segments(b, 0, SEG, NSEG, 0, 0x50, g.sport);
	free_all(g.pool, b, nb);
	CU_ASSERT_EQUAL(gw_pool_avail(g.pool), 40);
	CU_ASSERT_EQUAL(gro_lab_close(&g), 40);
}

static unsigned recv_vx(int s, uint16_t *sports, uint16_t inner_len, uint8_t fill, unsigned max)
{
	static uint8_t b[GW_PKT_DATA];
	unsigned n = 0;
	while (n < max && readable(s, n ? 200 : WAIT_MS)) {
		struct sockaddr_in from;
		socklen_t fl = sizeof(from);
		ssize_t len = recvfrom(s, b, sizeof(b), 0, (struct sockaddr *)&from, &fl);
		check_vx_payload(b, len, inner_len, fill);
		sports[n++] = ntohs(from.sin_port);
	}
	return n;
}

/* One refused packet (no route) in the middle must not stop the ones after it. */
static void test_udp_send(void)
{
	NEED_LAB();
	enum { N = 6, BAD = 2, INNER = 100 };
	uint16_t port = (uint16_t)(port_base + 5), dport = (uint16_t)(port_base + 6);
	struct gw_pool *pool = gw_pool_create(POOL_SIZE);
	char err[GW_IO_ERRLEN];
	struct gw_udp *u = gw_udp_open(LO_IP, port, err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(u);
	int r = udp_sock(LO_IP, dport);
	CU_ASSERT_FATAL(r >= 0);
	struct gw_pkt *pkts[N];
	for (unsigned i = 0; i < N; i++)
		pkts[i] = vx_pkt(pool, LO_IP, i == BAD ? NO_ROUTE : LO_IP, dport,
		                 (uint16_t)(50000 + i), INNER, 0xa5);
	CU_ASSERT_EQUAL(gw_udp_send(u, pool, pkts, N), 1);
	CU_ASSERT_EQUAL(gw_pool_avail(pool), POOL_SIZE);

	uint16_t sports[N];
	unsigned got = recv_vx(r, sports, INNER, 0xa5, N);
	CU_ASSERT_EQUAL(got, N - 1);
	for (unsigned i = 0, want = 0; i < got; i++, want++) {
		want += want == BAD;
		CU_ASSERT_EQUAL(sports[i], 50000 + want);
	}
	close(r);
	gw_udp_close(u);
	gw_pool_destroy(pool);
}

/* A vector longer than one sendmmsg batch (GW_VEC_MAX) goes out whole. */
static void test_udp_send_long_vector(void)
{
	NEED_LAB();
	enum { N = GW_VEC_MAX + 44, INNER = 20 };
	uint16_t port = (uint16_t)(port_base + 7), dport = (uint16_t)(port_base + 8);
	struct gw_pool *pool = gw_pool_create(POOL_SIZE);
	char err[GW_IO_ERRLEN];
	struct gw_udp *u = gw_udp_open(LO_IP, port, err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(u);
	int r = udp_sock(LO_IP, dport);
	CU_ASSERT_FATAL(r >= 0);
	struct gw_pkt *pkts[N];
	for (unsigned i = 0; i < N; i++)
		pkts[i] = vx_pkt(pool, LO_IP, LO_IP, dport, (uint16_t)(49152 + i), INNER, 0x3c);
	CU_ASSERT_EQUAL(gw_udp_send(u, pool, pkts, N), 0);
	CU_ASSERT_EQUAL(gw_pool_avail(pool), POOL_SIZE);
	uint16_t sports[N];
	unsigned got = recv_vx(r, sports, INNER, 0x3c, N);
	CU_ASSERT_EQUAL(got, N);
	for (unsigned i = 0; i < got; i++)
		CU_ASSERT_EQUAL(sports[i], 49152 + i);
	close(r);
	gw_udp_close(u);
	gw_pool_destroy(pool);
}

static void test_udp_groups(void)
{
	NEED_LAB();
	char err[GW_IO_ERRLEN] = "";
	struct gw_udp *u = gw_udp_open(VA_IP, (uint16_t)(port_base + 9), err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(u);
	int fds[1 + GW_UDP_GROUPS_MAX];
	CU_ASSERT_EQUAL(gw_udp_fds(u, fds, 1 + GW_UDP_GROUPS_MAX), 1);
	int rx = fds[0];
	CU_ASSERT_EQUAL(gw_udp_join(u, GROUP1, err), 0);
	CU_ASSERT_EQUAL(gw_udp_join(u, GROUP1, err), 0); /* already joined: no second socket */
	CU_ASSERT_EQUAL(gw_udp_join(u, GROUP2, err), 0);
	CU_ASSERT_EQUAL(gw_udp_fds(u, fds, 1 + GW_UDP_GROUPS_MAX), 3);
	CU_ASSERT_EQUAL(gw_udp_fds(u, fds, 2), 2); /* never more than asked */
	CU_ASSERT_EQUAL(gw_udp_join(u, IP4(10, 0, 0, 1), err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "10.0.0.1"));

	CU_ASSERT_EQUAL(gw_udp_leave(u, GROUP1), 0);
	CU_ASSERT_EQUAL(gw_udp_leave(u, GROUP1), -1);
	CU_ASSERT_EQUAL(gw_udp_fds(u, fds, 1 + GW_UDP_GROUPS_MAX), 2);
	CU_ASSERT_EQUAL(fds[0], rx);
	CU_ASSERT_EQUAL(gw_udp_leave(u, GROUP2), 0);
	CU_ASSERT_EQUAL(gw_udp_fds(u, fds, 1 + GW_UDP_GROUPS_MAX), 1);
	gw_udp_close(u);
}

/* A VTEP in the peer namespace sends to the group: it arrives on the group socket only. */
static void test_udp_group_recv(void)
{
	NEED_LAB();
	uint16_t port = (uint16_t)(port_base + 10);
	struct gw_pool *pool = gw_pool_create(POOL_SIZE);
	char err[GW_IO_ERRLEN];
	struct gw_udp *u = gw_udp_open(VA_IP, port, err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(u);
	CU_ASSERT_EQUAL_FATAL(gw_udp_join(u, GROUP1, err), 0);
	int fds[2];
	CU_ASSERT_EQUAL_FATAL(gw_udp_fds(u, fds, 2), 2);

	int s = peer_udp_sock(VB_IP, (uint16_t)(port_base + 11));
	CU_ASSERT_FATAL(s >= 0);
	struct ip_mreqn mr = {.imr_address.s_addr = htonl(VB_IP)};
	CU_ASSERT_EQUAL(setsockopt(s, IPPROTO_IP, IP_MULTICAST_IF, &mr, sizeof(mr)), 0);
	const char msg[] = "flooded";
	struct sockaddr_in to = sin_of(GROUP1, port);
	CU_ASSERT_EQUAL(sendto(s, msg, sizeof(msg), 0, (struct sockaddr *)&to, sizeof(to)),
	                (ssize_t)sizeof(msg));

	struct gw_pkt *pkts[GW_VEC_MAX];
	CU_ASSERT(readable(fds[1], WAIT_MS));
	unsigned n = gw_udp_recv(u, fds[1], pool, pkts, GW_VEC_MAX);
	CU_ASSERT_EQUAL(n, 1);
	if (n == 1) {
		CU_ASSERT_EQUAL(pkts[0]->len, sizeof(msg));
		CU_ASSERT_EQUAL(pkts[0]->outer_src, VB_IP);
		CU_ASSERT_EQUAL(pkts[0]->outer_sport, port_base + 11);
		CU_ASSERT_EQUAL(pkts[0]->outer_dst, GROUP1);
	}
	free_all(pool, pkts, n);
	CU_ASSERT_EQUAL(gw_udp_recv(u, fds[0], pool, pkts, GW_VEC_MAX), 0);
	CU_ASSERT_EQUAL(gw_pool_avail(pool), POOL_SIZE);
	close(s);
	gw_udp_close(u);
	gw_pool_destroy(pool);
}

/*
 * Sending to a group: the main namespace has no route for 239/8, so the packet reaches
 * the peer only if the driver pinned multicast to the VTEP's interface. Our own group
 * socket on the same port must not hear it back (loop off).
 */
static void test_udp_group_send(void)
{
	NEED_LAB();
	enum { INNER = 50 };
	uint16_t port = (uint16_t)(port_base + 12);
	struct gw_pool *pool = gw_pool_create(POOL_SIZE);
	char err[GW_IO_ERRLEN];
	struct gw_udp *u = gw_udp_open(VA_IP, port, err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(u);
	CU_ASSERT_EQUAL_FATAL(gw_udp_join(u, GROUP1, err), 0);
	int fds[2];
	CU_ASSERT_EQUAL(gw_udp_fds(u, fds, 2), 2);

	int r = peer_udp_sock(GROUP1, port);
	CU_ASSERT_FATAL(r >= 0);
	struct ip_mreqn mr = {.imr_multiaddr.s_addr = htonl(GROUP1),
	                      .imr_address.s_addr = htonl(VB_IP)};
	CU_ASSERT_EQUAL(setsockopt(r, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr, sizeof(mr)), 0);

	struct gw_pkt *p = vx_pkt(pool, VA_IP, GROUP1, port, 61000, INNER, 0x77);
	CU_ASSERT_EQUAL(gw_udp_send(u, pool, &p, 1), 0);
	uint16_t sport = 0;
	CU_ASSERT_EQUAL(recv_vx(r, &sport, INNER, 0x77, 1), 1);
	CU_ASSERT_EQUAL(sport, 61000);
	CU_ASSERT(!readable(fds[1], 200));
	CU_ASSERT_EQUAL(gw_pool_avail(pool), POOL_SIZE);
	close(r);
	gw_udp_close(u);
	gw_pool_destroy(pool);
}

/* ---------------------------------------------------------------- Ethernet uplinks */

static void expect_open_fails(const char *name, const char *words)
{
	char err[GW_IO_ERRLEN] = "";
	struct gw_eth *e = gw_eth_open(name, err);
	CU_ASSERT_PTR_NULL(e);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, name));
	if (words)
		CU_ASSERT_PTR_NOT_NULL(strstr(err, words));
	gw_eth_close(e);
}

static void test_eth_open_errors(void)
{
	NEED_LAB();
	expect_open_fails("nosuch0", NULL);
	expect_open_fails("ec", "down");
	expect_open_fails("lo", "Ethernet");
	expect_open_fails("a-name-too-long-for-linux", NULL);
}

static void test_eth_attrs(void)
{
	NEED_LAB();
	char err[GW_IO_ERRLEN];
	struct gw_eth *e = gw_eth_open("ea", err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	uint8_t mac[6];
	gw_eth_hwaddr(e, mac);
	CU_ASSERT_EQUAL(memcmp(mac, ea_mac, 6), 0);
	CU_ASSERT_EQUAL(gw_eth_mtu(e), EA_MTU);
	CU_ASSERT(gw_eth_fd(e) >= 0);
	gw_eth_close(e);
}

/* An L2 port's netdev: promiscuous while the socket holds the membership, not after it
 * drops it or closes (the kernel counts it per device: `ip -d link` shows the count). */
static void test_eth_promisc(void)
{
	NEED_LAB();
	char err[GW_IO_ERRLEN];
	struct gw_eth *e = gw_eth_open("ea", err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT(sh("ip -d link show ea | grep -q 'promiscuity 0'"));
	CU_ASSERT_EQUAL(gw_eth_set_promisc(e, true, err), 0);
	CU_ASSERT(sh("ip -d link show ea | grep -q 'promiscuity 1'"));
	CU_ASSERT_EQUAL(gw_eth_set_promisc(e, false, err), 0);
	CU_ASSERT(sh("ip -d link show ea | grep -q 'promiscuity 0'"));
	CU_ASSERT_EQUAL(gw_eth_set_promisc(e, true, err), 0);
	gw_eth_close(e);
	CU_ASSERT(sh("ip -d link show ea | grep -q 'promiscuity 0'"));
}

/* The test's own packet socket on a netdev (receives everything, sends raw frames). */
static int pkt_sock(const char *name)
{
	int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ALL));
	struct sockaddr_ll sll = {
	    .sll_family = AF_PACKET,
	    .sll_protocol = htons(ETH_P_ALL),
	    .sll_ifindex = (int)if_nametoindex(name),
	};
	if (fd >= 0 && bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* dst, src, [802.1Q tag], ETYPE_TEST, a marker with `id`, padded to `len` bytes. */
static uint32_t test_frame(uint8_t *f, uint32_t len, const uint8_t *dst, const uint8_t *src,
                           int vlan_tci, uint8_t id)
{
	uint32_t o = 12;
	memset(f, 0, len);
	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	if (vlan_tci >= 0) {
		uint16_t tag[2] = {htons(NET_ETHERTYPE_VLAN), htons((uint16_t)vlan_tci)};
		memcpy(f + o, tag, 4);
		o += 4;
	}
	uint16_t type = htons(ETYPE_TEST);
	memcpy(f + o, &type, 2);
	memcpy(f + o + 2, "vxgw-io-test", 12);
	f[o + 14] = id;
	return len;
}

/* Reads e until a frame equal to want shows up (true), or WAIT_MS passes; frees all. */
static bool eth_wait_frame(struct gw_eth *e, struct gw_pool *pool, const uint8_t *want,
                           uint32_t len)
{
	struct gw_pkt *pkts[GW_VEC_MAX];
	bool found = false;
	while (!found && readable(gw_eth_fd(e), WAIT_MS)) {
		unsigned n = gw_eth_recv(e, pool, pkts, GW_VEC_MAX);
		for (unsigned i = 0; i < n; i++)
			found |= pkts[i]->len == len && memcmp(pkts[i]->data, want, len) == 0;
		free_all(pool, pkts, n);
	}
	return found;
}

static void test_eth_recv(void)
{
	NEED_LAB();
	struct gw_pool *pool = gw_pool_create(POOL_SIZE);
	char err[GW_IO_ERRLEN];
	struct gw_eth *e = gw_eth_open("ea", err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	int s = pkt_sock("eb");
	CU_ASSERT_FATAL(s >= 0);
	uint8_t f[80];
	uint32_t len = test_frame(f, sizeof(f), ea_mac, eb_mac, -1, 1);
	CU_ASSERT_EQUAL(send(s, f, len, 0), (ssize_t)len);
	CU_ASSERT(eth_wait_frame(e, pool, f, len));
	CU_ASSERT_EQUAL(gw_pool_avail(pool), POOL_SIZE);
	close(s);
	gw_eth_close(e);
	gw_pool_destroy(pool);
}

/* The kernel strips the tag into metadata; the driver must hand over the wire bytes. */
static void test_eth_recv_vlan(void)
{
	NEED_LAB();
	struct gw_pool *pool = gw_pool_create(POOL_SIZE);
	char err[GW_IO_ERRLEN];
	struct gw_eth *e = gw_eth_open("ea", err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	int s = pkt_sock("eb");
	CU_ASSERT_FATAL(s >= 0);
	uint8_t f[80];
	uint32_t len = test_frame(f, sizeof(f), ea_mac, eb_mac, 0x2064, 2);
	CU_ASSERT_EQUAL(send(s, f, len, 0), (ssize_t)len);
	CU_ASSERT(eth_wait_frame(e, pool, f, len));
	CU_ASSERT_EQUAL(gw_pool_avail(pool), POOL_SIZE);
	close(s);
	gw_eth_close(e);
	gw_pool_destroy(pool);
}

/* Marks which ETYPE_TEST frames (by id) arrive on socket s. */
static unsigned pkt_sock_collect(int s, bool *seen, unsigned n_ids, unsigned want)
{
	uint8_t b[2048];
	unsigned got = 0;
	while (got < want && readable(s, WAIT_MS)) {
		ssize_t len = recv(s, b, sizeof(b), 0);
		uint16_t type;
		if (len < 60)
			continue;
		memcpy(&type, b + 12, 2);
		if (type != htons(ETYPE_TEST) || memcmp(b + 14, "vxgw-io-test", 12) != 0)
			continue;
		if (b[26] < n_ids && !seen[b[26]]) {
			seen[b[26]] = true;
			got++;
		}
	}
	return got;
}

/* Frames go out on the peer; one too big for the MTU is refused alone; no echo back. */
static void test_eth_send(void)
{
	NEED_LAB();
	enum { N = 4, BIG = 1 };
	struct gw_pool *pool = gw_pool_create(POOL_SIZE);
	char err[GW_IO_ERRLEN];
	struct gw_eth *e = gw_eth_open("ea", err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	int s = pkt_sock("eb");
	CU_ASSERT_FATAL(s >= 0);
	struct gw_pkt *pkts[N];
	for (unsigned i = 0; i < N; i++) {
		pkts[i] = gw_pkt_alloc(pool);
		uint32_t len = i == BIG ? NET_ETH_HLEN + EA_MTU + 100 : 60 + i;
		pkts[i]->len = test_frame(pkts[i]->data, len, eb_mac, ea_mac, -1, (uint8_t)i);
	}
	CU_ASSERT_EQUAL(gw_eth_send(e, pool, pkts, N), 1);
	CU_ASSERT_EQUAL(gw_pool_avail(pool), POOL_SIZE);

	bool seen[N] = {false};
	CU_ASSERT_EQUAL(pkt_sock_collect(s, seen, N, N - 1), N - 1);
	CU_ASSERT(!seen[BIG]);
	/* Our own transmissions never come back through gw_eth_recv. */
	struct gw_pkt *rx[GW_VEC_MAX];
	unsigned n = readable(gw_eth_fd(e), 200) ? gw_eth_recv(e, pool, rx, GW_VEC_MAX) : 0;
	for (unsigned i = 0; i < n; i++)
		CU_ASSERT(memcmp(rx[i]->data + 14, "vxgw-io-test", 12) != 0);
	free_all(pool, rx, n);
	close(s);
	gw_eth_close(e);
	gw_pool_destroy(pool);
}

/*
 * Moves the kernel's counter of fanout group ids (one for the whole host, see
 * tests/e2e/fanout_id.py) so that the next group created with a kernel-chosen id gets
 * `next`: a socket bound to a protocol reads it (and moves it on), an unbound one moves it
 * on by a refused request. False when another process took ids meanwhile.
 */
static int fanout_probe(void)
{
	uint32_t arg = (uint32_t)(PACKET_FANOUT_HASH | PACKET_FANOUT_FLAG_UNIQUEID) << 16;
	socklen_t len = sizeof(arg);
	int s = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETYPE_TEST));
	int id = s >= 0 && setsockopt(s, SOL_PACKET, PACKET_FANOUT, &arg, sizeof(arg)) == 0 &&
	                 getsockopt(s, SOL_PACKET, PACKET_FANOUT, &arg, &len) == 0
	             ? (int)(arg & 0xffff)
	             : -1;
	if (s >= 0)
		close(s);
	return id;
}

static bool fanout_counter_to(uint16_t next)
{
	uint32_t arg = (uint32_t)(PACKET_FANOUT_HASH | PACKET_FANOUT_FLAG_UNIQUEID) << 16;
	int got = fanout_probe();
	int idle = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (got < 0 || idle < 0) {
		if (idle >= 0)
			close(idle);
		return false;
	}
	/* the last probe below must take next - 1 */
	uint16_t steps = (uint16_t)(next - 1 - (got + 1));
	bool ok = true;
	for (unsigned i = 0; ok && i < steps; i++)
		ok = setsockopt(idle, SOL_PACKET, PACKET_FANOUT, &arg, sizeof(arg)) < 0 &&
		     errno == EINVAL;
	close(idle);
	return ok && fanout_probe() == (uint16_t)(next - 1);
}

/* An IPv4/UDP frame to ea from eb, flow `sport` (ea has no address: the stack drops it). */
static uint32_t udp_flow_frame(uint8_t *f, uint16_t sport)
{
	/* IPv4, 28 bytes, TTL 64, UDP, 10.9.8.1 -> 10.9.8.2 (checksum below) */
	static const uint8_t hdr[] = {0x45, 0, 0,  28, 0, 0, 0,  0, 64, NET_IPPROTO_UDP,
	                              0,    0, 10, 9,  8, 1, 10, 9, 8,  2};
	memset(f, 0, 60);
	memcpy(f, ea_mac, 6);
	memcpy(f + 6, eb_mac, 6);
	f[12] = 0x08;
	memcpy(f + 14, hdr, sizeof(hdr));
	uint16_t sum = net_csum(f + 14, sizeof(hdr));
	memcpy(f + 24, &sum, 2);
	uint16_t ports[4] = {htons(sport), htons(9), htons(8), 0};
	memcpy(f + 34, ports, sizeof(ports));
	return 60;
}

/*
 * The first socket creates a group with the id the kernel picks, the others join it: each
 * frame is received by exactly one of them, also when that id is 0 (which once meant "no
 * group yet": each worker then made a group of its own and every frame came once per
 * socket).
 */
static void test_eth_fanout_group0(void)
{
	NEED_LAB();
	enum { SOCKS = 3, FLOWS = 64, SPORT = 40000 };
	struct gw_pool *pool = gw_pool_create(POOL_SIZE);
	char err[GW_IO_ERRLEN];
	struct gw_eth *e[SOCKS] = {NULL};
	uint16_t id = 1;
	for (int attempt = 0; attempt < 5 && id != 0; attempt++) {
		gw_eth_close(e[0]);
		e[0] = NULL;
		if (!fanout_counter_to(0))
			continue;
		e[0] = gw_eth_open("ea", err);
		CU_ASSERT_PTR_NOT_NULL_FATAL(e[0]);
		CU_ASSERT_EQUAL_FATAL(gw_eth_fanout_create(e[0], &id, err), 0);
	}
	CU_ASSERT_EQUAL_FATAL(id, 0);
	CU_ASSERT_EQUAL(gw_eth_ifindex(e[0]), (int)if_nametoindex("ea"));
	for (int k = 1; k < SOCKS; k++) {
		e[k] = gw_eth_open("ea", err);
		CU_ASSERT_PTR_NOT_NULL_FATAL(e[k]);
		CU_ASSERT_EQUAL(gw_eth_fanout_join(e[k], id, err), 0);
	}
	int s = pkt_sock("eb");
	CU_ASSERT_FATAL(s >= 0);
	uint8_t f[60];
	for (uint16_t i = 0; i < FLOWS; i++) {
		uint32_t len = udp_flow_frame(f, (uint16_t)(SPORT + i));
		CU_ASSERT_EQUAL(send(s, f, len, 0), (ssize_t)len);
	}
	unsigned times[FLOWS] = {0}, per_sock[SOCKS] = {0}, total = 0;
	struct gw_pkt *pkts[GW_VEC_MAX];
	bool quiet = false;
	while (!quiet) {
		quiet = true;
		for (int k = 0; k < SOCKS; k++) {
			if (!readable(gw_eth_fd(e[k]), total < FLOWS ? 200 : 50))
				continue;
			quiet = false;
			unsigned n = gw_eth_recv(e[k], pool, pkts, GW_VEC_MAX);
			for (unsigned i = 0; i < n; i++) {
				uint16_t sp;
				if (pkts[i]->len < 42 || pkts[i]->data[23] != NET_IPPROTO_UDP)
					continue;
				memcpy(&sp, pkts[i]->data + 34, 2);
				sp = ntohs(sp);
				if (sp < SPORT || sp >= SPORT + FLOWS)
					continue;
				times[sp - SPORT]++;
				per_sock[k]++;
				total++;
			}
			free_all(pool, pkts, n);
		}
	}
	unsigned once = 0, used = 0;
	for (unsigned i = 0; i < FLOWS; i++)
		once += times[i] == 1;
	for (int k = 0; k < SOCKS; k++)
		used += per_sock[k] > 0;
	printf("\n  group %u: %u frames received for %u sent, per socket %u/%u/%u ", id, total,
	       FLOWS, per_sock[0], per_sock[1], per_sock[2]);
	CU_ASSERT_EQUAL(once, FLOWS);
	CU_ASSERT_EQUAL(total, FLOWS);
	CU_ASSERT(used >= 2); /* 64 flows hashed over 3 sockets: the joined ones take part */
	CU_ASSERT_EQUAL(gw_pool_avail(pool), POOL_SIZE);
	close(s);
	for (int k = 0; k < SOCKS; k++)
		gw_eth_close(e[k]);
	gw_pool_destroy(pool);
}

/* ---------------------------------------------------------------- netdev events */

struct nd_seen {
	int ifindex; /* of the netdev looked for (-1: any named so) */
	const char *name;
	bool gone, up, named;
	unsigned n;
};

static void nd_event(void *ctx, const struct gw_netdev_event *ev)
{
	struct nd_seen *w = ctx;
	if (strcmp(ev->name, w->name) != 0 && ev->ifindex != w->ifindex)
		return;
	w->n++;
	w->gone = ev->gone;
	w->up = (ev->flags & IFF_UP) != 0;
	w->named = !strcmp(ev->name, w->name);
	if (w->ifindex < 0)
		w->ifindex = ev->ifindex;
}

/* Reads events until one about w's netdev satisfies `done` (or WAIT_MS passes). */
static bool nd_wait(struct gw_netdevs *n, struct nd_seen *w, bool (*done)(const struct nd_seen *))
{
	w->n = 0;
	while (readable(gw_netdevs_fd(n), WAIT_MS)) {
		CU_ASSERT_EQUAL(gw_netdevs_read(n, nd_event, w), 0);
		if (w->n && done(w))
			return true;
	}
	return false;
}

static bool nd_created_up(const struct nd_seen *w)
{
	return !w->gone && w->up && w->named;
}

static bool nd_down(const struct nd_seen *w)
{
	return !w->gone && !w->up;
}

static bool nd_gone(const struct nd_seen *w)
{
	return w->gone;
}

/*
 * The kernel's link events for a netdev created, taken down, deleted and created again
 * (another index), and what gw_netdevs_query says of it each time.
 */
static void test_netdev_events(void)
{
	NEED_LAB();
	char err[GW_IO_ERRLEN];
	struct gw_netdevs *n = gw_netdevs_open(err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(n);
	struct nd_seen w = {.ifindex = -1, .name = "nd0"};
	int idx = 0, idx2 = 0;
	unsigned flags = 0;
	CU_ASSERT_EQUAL(gw_netdevs_query(n, "nd0", &idx, &flags), -1);
	CU_ASSERT_FATAL(sh("ip link add nd0 type veth peer name nd1 && ip link set nd0 up"));
	CU_ASSERT(nd_wait(n, &w, nd_created_up));
	CU_ASSERT_EQUAL(gw_netdevs_query(n, "nd0", &idx, &flags), 0);
	CU_ASSERT_EQUAL(idx, w.ifindex);
	CU_ASSERT_EQUAL(idx, (int)if_nametoindex("nd0"));
	CU_ASSERT(flags & IFF_UP);
	CU_ASSERT(!(flags & IFF_RUNNING)); /* its peer is down: no carrier */
	/* the carrier comes with the peer, reported once the kernel's link watch ran */
	CU_ASSERT(sh("ip link set nd1 up"));
	for (int i = 0; i < WAIT_MS / 10 && gw_netdevs_query(n, "nd0", &idx, &flags) == 0 &&
	                !(flags & IFF_RUNNING);
	     i++)
		poll(NULL, 0, 10);
	CU_ASSERT(flags & IFF_RUNNING);
	CU_ASSERT(sh("ip link set nd0 down"));
	CU_ASSERT(nd_wait(n, &w, nd_down));
	CU_ASSERT_EQUAL(gw_netdevs_query(n, "nd0", &idx, &flags), 0);
	CU_ASSERT(!(flags & IFF_UP));
	CU_ASSERT(sh("ip link del nd0"));
	CU_ASSERT(nd_wait(n, &w, nd_gone));
	CU_ASSERT_EQUAL(gw_netdevs_query(n, "nd0", &idx2, &flags), -1);
	w.ifindex = -1;
	CU_ASSERT_FATAL(sh("ip link add nd0 type veth peer name nd1 && ip link set nd0 up"));
	CU_ASSERT(nd_wait(n, &w, nd_created_up));
	CU_ASSERT_EQUAL(gw_netdevs_query(n, "nd0", &idx2, &flags), 0);
	CU_ASSERT_NOT_EQUAL(idx2, idx); /* another netdev: a socket bound to idx hears nothing */
	CU_ASSERT(sh("ip link del nd0"));
	CU_ASSERT_EQUAL(gw_netdevs_query(n, "", &idx, &flags), -1);
	CU_ASSERT_EQUAL(gw_netdevs_query(n, "a-name-too-long-for-linux", &idx, &flags), -1);
	gw_netdevs_close(n);
}

static bool udp_csum_ok(const uint8_t *ip)
{
	uint32_t ihl = (ip[0] & 0xfu) * 4;
	uint16_t ulen_n, usum;
	memcpy(&ulen_n, ip + ihl + 4, 2);
	memcpy(&usum, ip + ihl + 6, 2);
	uint32_t sum = net_csum_partial(ip + 12, 8, 0) + htons(NET_IPPROTO_UDP) + ulen_n;
	sum = net_csum_partial(ip + ihl, ntohs(ulen_n), sum);
	return usum != 0 && net_csum_fold(sum) == 0;
}

/* The IPv4 header of the first UDP frame to dport in pkts, or NULL. */
static const uint8_t *find_udp(struct gw_pkt **pkts, unsigned n, uint16_t dport)
{
	for (unsigned i = 0; i < n; i++) {
		const uint8_t *f = pkts[i]->data, *ip = f + NET_ETH_HLEN;
		uint16_t type, dp;
		if (pkts[i]->len < NET_ETH_HLEN + NET_IP_HLEN + NET_UDP_HLEN)
			continue;
		memcpy(&type, f + 12, 2);
		memcpy(&dp, ip + (ip[0] & 0xfu) * 4 + 2, 2);
		if (type == htons(NET_ETHERTYPE_IP) && ip[9] == NET_IPPROTO_UDP &&
		    ntohs(dp) == dport)
			return ip;
	}
	return NULL;
}

/*
 * UDP from the peer's stack crosses the veth with its checksum left to "hardware"
 * (CHECKSUM_PARTIAL); the driver must finish it, or the frame would be forwarded with a
 * checksum the final receiver drops.
 */
static void test_eth_csum_offload(void)
{
	NEED_LAB();
	uint16_t dport = (uint16_t)(port_base + 13);
	struct gw_pool *pool = gw_pool_create(POOL_SIZE);
	char err[GW_IO_ERRLEN];
	struct gw_eth *e = gw_eth_open("va", err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	int s = peer_udp_sock(VB_IP, 0);
	CU_ASSERT_FATAL(s >= 0);
	char msg[333];
	memset(msg, 'c', sizeof(msg));
	struct sockaddr_in to = sin_of(VA_IP, dport);
	CU_ASSERT_EQUAL(sendto(s, msg, sizeof(msg), 0, (struct sockaddr *)&to, sizeof(to)),
	                (ssize_t)sizeof(msg));
	struct gw_pkt *pkts[GW_VEC_MAX];
	const uint8_t *ip = NULL;
	unsigned n = 0;
	while (!ip && readable(gw_eth_fd(e), WAIT_MS)) {
		free_all(pool, pkts, n);
		n = gw_eth_recv(e, pool, pkts, GW_VEC_MAX);
		ip = find_udp(pkts, n, dport);
	}
	CU_ASSERT_PTR_NOT_NULL(ip);
	if (ip)
		CU_ASSERT(udp_csum_ok(ip));
	free_all(pool, pkts, n);
	CU_ASSERT_EQUAL(gw_pool_avail(pool), POOL_SIZE);
	close(s);
	gw_eth_close(e);
	gw_pool_destroy(pool);
}

/* ---------------------------------------------------------------- offloads (gw/gso.h) */

#define T_SRC IP4(10, 1, 10, 50)
#define T_DST IP4(10, 1, 20, 60)

static const uint8_t T_SRC6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0x10, 0, 0,
                                   0,    0,    0,    0,    0, 0,    0, 0x50};
static const uint8_t T_DST6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0x20, 0, 0,
                                   0,    0,    0,    0,    0, 0,    0, 0x60};

/* RFC 1071 over big-endian 16-bit words, folded (not complemented). */
static uint32_t ref_sum(const uint8_t *p, uint32_t len, uint32_t sum)
{
	for (uint32_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

/* The test frames' IP headers, of either family (no IPv6 extension headers). */
static bool is_ip6(const uint8_t *ip)
{
	return (ip[0] >> 4) == 6;
}

static uint32_t ip_hlen(const uint8_t *ip)
{
	return is_ip6(ip) ? 40 : (ip[0] & 0xfu) * 4;
}

static uint32_t ip_total(const uint8_t *ip)
{
	return is_ip6(ip) ? 40u + (uint32_t)(ip[4] << 8 | ip[5]) : (uint32_t)(ip[2] << 8 | ip[3]);
}

static uint8_t ip_proto(const uint8_t *ip)
{
	return is_ip6(ip) ? ip[6] : ip[9];
}

/* The L4 sum with the pseudo-header of the packet's family (0xffff: it verifies). */
static uint32_t ref_l4_sum(const uint8_t *ip)
{
	uint32_t hl = ip_hlen(ip), l4len = ip_total(ip) - hl;
	uint32_t ps = is_ip6(ip) ? ref_sum(ip + 8, 32, ip_proto(ip) + l4len)
	                         : ref_sum(ip + 12, 8, ip_proto(ip) + l4len);
	return ref_sum(ip + hl, l4len, ps);
}

/* The IP header of tcp_frame: IPv4 (DF, TTL 64, its checksum) or IPv6 (hop limit 64). */
static void tcp_frame_ip(uint8_t *f, uint32_t plen, bool v6)
{
	uint8_t *ip = f + 14;
	f[12] = v6 ? 0x86 : 0x08;
	f[13] = v6 ? 0xdd : 0x00;
	if (v6) {
		uint32_t pl = 20 + plen;
		ip[0] = 0x60;
		ip[4] = (uint8_t)(pl >> 8), ip[5] = (uint8_t)pl;
		ip[6] = 6;
		ip[7] = 64;
		memcpy(ip + 8, T_SRC6, 16);
		memcpy(ip + 24, T_DST6, 16);
		return;
	}
	uint32_t tot = 40 + plen;
	ip[0] = 0x45;
	ip[2] = (uint8_t)(tot >> 8), ip[3] = (uint8_t)tot;
	ip[6] = 0x40;
	ip[8] = 64;
	ip[9] = 6;
	uint32_t a = htonl(T_SRC), b = htonl(T_DST);
	memcpy(ip + 12, &a, 4);
	memcpy(ip + 16, &b, 4);
	uint16_t s = net_csum(ip, 20);
	memcpy(ip + 10, &s, 2);
}

/*
 * An Ethernet frame (untagged) holding an IPv4 or IPv6 TCP packet (seq 7000, ACK|PSH) with
 * plen bytes of pattern, its checksum left partial as a Linux sender leaves it for its NIC.
 * Returns the frame's length.
 */
static uint32_t tcp_frame(uint8_t *f, uint32_t plen, bool v6)
{
	uint32_t hl = v6 ? 40 : 20;
	memset(f, 0, 14 + hl + 20);
	memcpy(f, ea_mac, 6);
	memcpy(f + 6, eb_mac, 6);
	tcp_frame_ip(f, plen, v6);
	uint8_t *t = f + 14 + hl;
	t[0] = 0x9c, t[1] = 0x40, t[2] = 0x14, t[3] = 0x51; /* 40000 -> 5201 */
	t[6] = 0x1b, t[7] = 0x58;                           /* seq 7000 */
	t[12] = 0x50, t[13] = 0x18, t[14] = 0xff;
	for (uint32_t i = 0; i < plen; i++)
		t[20 + i] = (uint8_t)(i * 7 + i / 253);
	const uint8_t *ip = f + 14;
	uint32_t ps = v6 ? ref_sum(ip + 8, 32, 6 + 20 + plen) : ref_sum(ip + 12, 8, 6 + 20 + plen);
	t[16] = (uint8_t)(ps >> 8), t[17] = (uint8_t)ps;
	return 14 + hl + 20 + plen;
}

/* A VXLAN payload (header, then frame f of n bytes) sent as one datagram to port on lo. */
static bool send_vx_frame(int s, uint16_t port, const uint8_t *f, uint32_t n)
{
	static uint8_t d[70000];
	vx_hdr_build(d, TEST_VNI);
	memcpy(d + VX_HDR_LEN, f, n);
	struct sockaddr_in to = sin_of(LO_IP, port);
	return sendto(s, d, VX_HDR_LEN + n, 0, (struct sockaddr *)&to, sizeof(to)) ==
	       (ssize_t)(VX_HDR_LEN + n);
}

/* The TCP segments in pkts (each starting off bytes before the IP header): checksums
 * valid, sequence numbers back to back from 7000, payload the pattern; their count. */
static unsigned check_tcp_run(struct gw_pkt **pkts, unsigned n, uint32_t off, uint32_t plen,
                              uint32_t max_ip)
{
	uint32_t seq = 7000, got = 0;
	for (unsigned i = 0; i < n; i++) {
		const uint8_t *ip = pkts[i]->data + off, *t = ip + ip_hlen(ip);
		uint32_t tot = ip_total(ip), len = tot - ip_hlen(ip) - 20;
		CU_ASSERT_EQUAL(pkts[i]->len, off + tot);
		CU_ASSERT(tot <= max_ip);
		CU_ASSERT(is_ip6(ip) || ref_sum(ip, 20, 0) == 0xffff);
		CU_ASSERT_EQUAL(ref_l4_sum(ip), 0xffff);
		CU_ASSERT_EQUAL((uint32_t)(t[4] << 24 | t[5] << 16 | t[6] << 8 | t[7]), seq);
		bool same = true;
		for (uint32_t k = 0; k < len; k++)
			same &= t[20 + k] == (uint8_t)((got + k) * 7 + (got + k) / 253);
		CU_ASSERT(same);
		seq += len;
		got += len;
	}
	CU_ASSERT_EQUAL(got, plen);
	return n;
}

/*
 * The underlay: an inner checksum a Linux sender left partial is completed; a TCP
 * super-packet a kernel VTEP encapsulated whole (one datagram of ~20 KiB, no segment size)
 * comes out as pieces that fit a buffer, marked GW_PKT_GSO, checksums complete; a UDP one
 * is dropped as gso_unsupported, a datagram that is no packet as rx_oversize. Inner IPv4
 * or IPv6 (v6), on the lab's port at port_offset.
 */
static void udp_offloads(bool v6, uint16_t port_offset)
{
	NEED_LAB();
	static uint8_t f[70000];
	struct gro_lab g;
	gro_lab_open(&g, port_offset, POOL_SIZE);
	struct gw_pkt *pkts[GW_VEC_MAX];
	uint32_t hl = v6 ? 40 : 20, n = tcp_frame(f, 1000, v6);
	CU_ASSERT_FATAL(send_vx_frame(g.s, g.port, f, n));
	CU_ASSERT(readable(g.fd, WAIT_MS));
	unsigned k = gw_udp_recv(g.u, g.fd, g.pool, pkts, GW_VEC_MAX);
	CU_ASSERT_EQUAL_FATAL(k, 1);
	CU_ASSERT_EQUAL(check_tcp_run(pkts, k, VX_HDR_LEN + 14, 1000, hl + 1020), 1);
	CU_ASSERT_EQUAL(pkts[0]->flags, 0);
	CU_ASSERT_EQUAL(udp_rx(g.u).csum, 1);
	free_all(g.pool, pkts, k);

	enum { BIG = 20000 };
	n = tcp_frame(f, BIG, v6);
	CU_ASSERT_FATAL(send_vx_frame(g.s, g.port, f, n));
	CU_ASSERT(readable(g.fd, WAIT_MS));
	k = gw_udp_recv(g.u, g.fd, g.pool, pkts, GW_VEC_MAX);
	CU_ASSERT_EQUAL_FATAL(k, 3); /* 20000 bytes in pieces of 9154 (IPv6: 9134) */
	check_tcp_run(pkts, k, VX_HDR_LEN + 14, BIG, GW_PKT_DATA - VX_HDR_LEN - 14);
	for (unsigned i = 0; i < k; i++) {
		CU_ASSERT_EQUAL(pkts[i]->flags, GW_PKT_GSO);
		CU_ASSERT_EQUAL(pkts[i]->outer_sport, g.sport);
		CU_ASSERT_EQUAL(pkts[i]->outer_src, LO_IP);
	}
	CU_ASSERT_EQUAL(udp_rx(g.u).gso, 1);
	free_all(g.pool, pkts, k);

	/* a UDP super-packet: its datagrams' sizes are lost */
	f[14 + (v6 ? 6 : 9)] = NET_IPPROTO_UDP;
	CU_ASSERT_FATAL(send_vx_frame(g.s, g.port, f, n));
	f[14 + (v6 ? 4 : 2)] = 0; /* IP length not the datagram's: no packet at all */
	CU_ASSERT_FATAL(send_vx_frame(g.s, g.port, f, n));
	CU_ASSERT(readable(g.fd, WAIT_MS));
	usleep(100 * 1000);
	CU_ASSERT_EQUAL(gw_udp_recv(g.u, g.fd, g.pool, pkts, GW_VEC_MAX), 0);
	CU_ASSERT_EQUAL(udp_rx(g.u).gso_unsupported, 1);
	CU_ASSERT_EQUAL(udp_rx(g.u).oversize, 1);
	CU_ASSERT_EQUAL(gro_lab_close(&g), POOL_SIZE);
}

static void test_udp_offloads(void)
{
	udp_offloads(false, 26);
}

static void test_udp_offloads6(void)
{
	udp_offloads(true, 28);
}

/* Sends frame f (n bytes, its IP header at l3) on netdev name with a virtio-net header
 * asking for TSO (TCPV4 or TCPV6 by the header's version) of gso_size (0: none) and the
 * checksum at TCP's offsets; the frame may be VLAN-tagged. */
static bool send_vnet(const char *name, const uint8_t *f, uint32_t n, uint16_t gso_size,
                      uint32_t l3)
{
	int fd = pkt_sock(name), one = 1;
	if (fd < 0 || setsockopt(fd, SOL_PACKET, PACKET_VNET_HDR, &one, sizeof(one)) < 0)
		return false;
	uint32_t hl = ip_hlen(f + l3);
	uint8_t tso = is_ip6(f + l3) ? VIRTIO_NET_HDR_GSO_TCPV6 : VIRTIO_NET_HDR_GSO_TCPV4;
	struct virtio_net_hdr vh = {.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM,
	                            .gso_type = gso_size ? tso : 0,
	                            .hdr_len = (uint16_t)(l3 + hl + 20),
	                            .gso_size = gso_size,
	                            .csum_start = (uint16_t)(l3 + hl),
	                            .csum_offset = 16};
	struct iovec iov[2] = {{&vh, sizeof(vh)}, {(void *)f, n}};
	struct msghdr m = {.msg_iov = iov, .msg_iovlen = 2};
	bool ok = sendmsg(fd, &m, 0) == (ssize_t)(sizeof(vh) + n);
	close(fd);
	return ok;
}

/* Frames from e until one TCP segment to port 5201 came, then what follows: their count. */
static unsigned recv_tcp(struct gw_eth *e, struct gw_pool *pool, struct gw_pkt **pkts, uint32_t l3)
{
	struct gw_pkt *got[GW_VEC_MAX];
	unsigned n = 0;
	while (n < GW_VEC_MAX && readable(gw_eth_fd(e), n ? 200 : WAIT_MS)) {
		unsigned k = gw_eth_recv(e, pool, got, GW_VEC_MAX - n);
		for (unsigned i = 0; i < k; i++) {
			struct gw_pkt *p = got[i];
			const uint8_t *ip = p->data + l3;
			if (p->len > l3 + 60 && ip_proto(ip) == 6 && ip[ip_hlen(ip) + 3] == 0x51)
				pkts[n++] = p;
			else
				gw_pkt_free(pool, p);
		}
	}
	return n;
}

/*
 * An uplink: a TSO super-frame from a Linux stack (here a packet socket with a virtio-net
 * header on the veth peer) is cut at the sender's segment size, with a VLAN tag put back
 * on each segment; a frame whose checksum is left partial is finished. IPv4 or IPv6 (v6).
 */
static void eth_offloads(bool v6)
{
	NEED_LAB();
	static uint8_t f[70000];
	struct gw_pool *pool = gw_pool_create(POOL_SIZE);
	char err[GW_IO_ERRLEN];
	struct gw_eth *e = gw_eth_open("ea", err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	struct gw_pkt *pkts[GW_VEC_MAX];
	enum { BIG = 30000, MSS = 1346 };
	uint32_t hl = v6 ? 40 : 20, n = tcp_frame(f, BIG, v6);
	CU_ASSERT_FATAL(send_vnet("eb", f, n, MSS, 14));
	unsigned k = recv_tcp(e, pool, pkts, 14);
	CU_ASSERT_EQUAL(k, (BIG + MSS - 1) / MSS);
	check_tcp_run(pkts, k, 14, BIG, hl + 20 + MSS);
	free_all(pool, pkts, k);

	/* tagged: the same with VLAN 100, the tag in each segment */
	memmove(f + 16, f + 12, n - 12);
	f[12] = 0x81, f[13] = 0x00, f[14] = 0x00, f[15] = 100;
	CU_ASSERT_FATAL(send_vnet("eb", f, n + 4, MSS, 18));
	k = recv_tcp(e, pool, pkts, 18);
	CU_ASSERT_EQUAL(k, (BIG + MSS - 1) / MSS);
	check_tcp_run(pkts, k, 18, BIG, hl + 20 + MSS);
	for (unsigned i = 0; i < k; i++)
		CU_ASSERT(pkts[i]->data[12] == 0x81 && pkts[i]->data[15] == 100);
	free_all(pool, pkts, k);

	/* one frame with a partial checksum */
	n = tcp_frame(f, 700, v6);
	CU_ASSERT_FATAL(send_vnet("eb", f, n, 0, 14));
	k = recv_tcp(e, pool, pkts, 14);
	CU_ASSERT_EQUAL(k, 1);
	check_tcp_run(pkts, k, 14, 700, hl + 720);
	free_all(pool, pkts, k);
	struct gw_io_rx_stats st;
	gw_eth_rx_stats(e, &st);
	CU_ASSERT_EQUAL(st.gso, 2);
	CU_ASSERT(st.csum >= 1);
	CU_ASSERT_EQUAL(gw_pool_avail(pool), POOL_SIZE);
	gw_eth_close(e);
	gw_pool_destroy(pool);
}

static void test_eth_offloads(void)
{
	eth_offloads(false);
}

static void test_eth_offloads6(void)
{
	eth_offloads(true);
}

/* ---------------------------------------------------------------- IPv6 underlay */

#define VTEP6_NAME  0xf0000005u
#define PEER6_NAME  0xf0000009u
#define GROUP6_NAME 0xf8000001u
#define TC_TEST     0xb9 /* DSCP 46, ECT(1) */

/* fd00::77 the VTEP, fd00::78 a named peer, fd00::79 one the table does not know (all on
 * lo); fd00:9::1 and fd00:9::2 on va and vb. */
static const struct in6_addr LO6 = {.s6_addr = {0xfd, [15] = 0x77}};
static const struct in6_addr PEER6 = {.s6_addr = {0xfd, [15] = 0x78}};
static const struct in6_addr STRANGER6 = {.s6_addr = {0xfd, [15] = 0x79}};
static const struct in6_addr NO_ROUTE6 = {.s6_addr = {0x20, 0x01, 0x0d, 0xb8, [15] = 1}};
static const struct in6_addr VA6 = {.s6_addr = {0xfd, [3] = 9, [15] = 1}};
static const struct in6_addr VB6 = {.s6_addr = {0xfd, [3] = 9, [15] = 2}};
static const struct in6_addr GROUP6 = {.s6_addr = {0xff, 0x05, [13] = 1, [15] = 0x70}};

/* IPv6 on lo and the veth pair (the lab turns it off), addresses without DAD; once. */
static bool lab6(void)
{
	static int state; /* 0 not yet, 1 up, -1 failed */
	if (state == 0)
		state =
		    sh("sysctl -qw net.ipv6.conf.lo.disable_ipv6=0 "
		       "net.ipv6.conf.va.disable_ipv6=0") &&
		            sh("for a in 77 78 79; do ip -6 addr add fd00::$a/128 dev lo nodad || "
		               "exit 1; done") &&
		            sh("ip -6 addr add fd00:9::1/64 dev va nodad") && enter(ns_peer) &&
		            sh("sysctl -qw net.ipv6.conf.vb.disable_ipv6=0") &&
		            sh("ip -6 addr add fd00:9::2/64 dev vb nodad") && enter(ns_main)
		        ? 1
		        : -1;
	return state == 1;
}

#define NEED_LAB6()                                                                                \
	do {                                                                                       \
		NEED_LAB();                                                                        \
		CU_ASSERT_FATAL(lab6());                                                           \
	} while (0)

static struct sockaddr_in6 sin6_of(const struct in6_addr *a, uint16_t port)
{
	return (struct sockaddr_in6){
	    .sin6_family = AF_INET6, .sin6_port = htons(port), .sin6_addr = *a};
}

/* A plain IPv6 UDP socket bound to [a]:port, in the current namespace. */
static int udp6_sock(const struct in6_addr *a, uint16_t port)
{
	int fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in6 sa = sin6_of(a, port);
	if (fd >= 0 && bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static int peer_udp6_sock(const struct in6_addr *a, uint16_t port)
{
	if (!enter(ns_peer))
		return -1;
	int fd = udp6_sock(a, port);
	return enter(ns_main) ? fd : -1;
}

static uint32_t name_peer6(void *ctx, const struct in6_addr *a)
{
	CU_ASSERT_PTR_EQUAL(ctx, &PEER6);
	return net_ip6_eq(a, &PEER6) ? PEER6_NAME : 0;
}

/* A driver with IPv6 VTEP vtep6 (and IPv4 VTEP vtep4, 0: none). */
static struct gw_udp *open6(uint32_t vtep4, const struct in6_addr *vtep6, uint16_t port,
                            bool zcsum_rx)
{
	struct gw_udp_cfg c = {.vtep = vtep4,
	                       .vtep6 = *vtep6,
	                       .vtep6_name = VTEP6_NAME,
	                       .port = port,
	                       .udp6_zero_csum_rx = zcsum_rx,
	                       .name6 = name_peer6,
	                       .name6_ctx = (void *)&PEER6};
	char err[GW_IO_ERRLEN] = "";
	struct gw_udp *u = gw_udp_open_cfg(&c, err);
	if (!u)
		fprintf(stderr, "gw_udp_open_cfg: %s\n", err);
	return u;
}

static bool send6(int s, const struct in6_addr *dst, uint16_t port, const void *msg, size_t len)
{
	struct sockaddr_in6 to = sin6_of(dst, port);
	return sendto(s, msg, len, 0, (struct sockaddr *)&to, sizeof(to)) == (ssize_t)len;
}

/* The one datagram waiting on fd, through the driver; NULL when not exactly one came. */
static struct gw_pkt *recv_one(struct gw_udp *u, int fd, struct gw_pool *pool)
{
	struct gw_pkt *pkts[GW_VEC_MAX];
	if (!readable(fd, WAIT_MS))
		return NULL;
	unsigned n = gw_udp_recv(u, fd, pool, pkts, GW_VEC_MAX);
	if (n == 1)
		return pkts[0];
	free_all(pool, pkts, n);
	return NULL;
}

/* Outer TOS on both families, IPv6 sender's address and name (known or not). */
static void test_udp6_recv(void)
{
	NEED_LAB6();
	uint16_t port = (uint16_t)(port_base + 20), sport = (uint16_t)(port_base + 21);
	struct gw_pool *pool = gw_pool_create(POOL_SIZE);
	struct gw_udp *u = open6(LO_IP, &LO6, port, false);
	CU_ASSERT_PTR_NOT_NULL_FATAL(u);
	int fds[4];
	CU_ASSERT_EQUAL_FATAL(gw_udp_fds(u, fds, 4), 2); /* IPv4, IPv6 */
	const char msg[] = "vxlan over ipv6";
	int tc = TC_TEST;

	int s = udp6_sock(&PEER6, sport);
	CU_ASSERT_EQUAL(setsockopt(s, IPPROTO_IPV6, IPV6_TCLASS, &tc, sizeof(tc)), 0);
	CU_ASSERT(send6(s, &LO6, port, msg, sizeof(msg)));
	struct gw_pkt *p = recv_one(u, fds[1], pool);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_EQUAL(p->len, sizeof(msg));
	CU_ASSERT_EQUAL(memcmp(p->data, msg, sizeof(msg)), 0);
	CU_ASSERT_EQUAL(p->outer_tos, TC_TEST);
	CU_ASSERT_EQUAL(memcmp(gw_pkt_outer6_src(p), &PEER6, 16), 0);
	CU_ASSERT_EQUAL(p->outer_src, PEER6_NAME);
	CU_ASSERT_EQUAL(p->outer_dst, VTEP6_NAME);
	CU_ASSERT_EQUAL(p->outer_sport, sport);
	gw_pkt_free(pool, p);
	close(s);

	s = udp6_sock(&STRANGER6, sport);
	CU_ASSERT(send6(s, &LO6, port, msg, sizeof(msg)));
	p = recv_one(u, fds[1], pool);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_EQUAL(p->outer_src, VX_VTEP6_UNKNOWN);
	CU_ASSERT_EQUAL(memcmp(gw_pkt_outer6_src(p), &STRANGER6, 16), 0);
	CU_ASSERT_EQUAL(p->outer_tos, 0);
	gw_pkt_free(pool, p);
	close(s);

	s = udp_sock(LO_IP, sport);
	CU_ASSERT_EQUAL(setsockopt(s, IPPROTO_IP, IP_TOS, &tc, sizeof(tc)), 0);
	struct sockaddr_in to = sin_of(LO_IP, port);
	CU_ASSERT_EQUAL(sendto(s, msg, sizeof(msg), 0, (struct sockaddr *)&to, sizeof(to)),
	                (ssize_t)sizeof(msg));
	p = recv_one(u, fds[0], pool);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_EQUAL(p->outer_tos, TC_TEST);
	CU_ASSERT_EQUAL(p->outer_src, LO_IP);
	CU_ASSERT_EQUAL(p->outer_dst, LO_IP);
	gw_pkt_free(pool, p);
	close(s);

	CU_ASSERT_EQUAL(gw_pool_avail(pool), POOL_SIZE);
	gw_udp_close(u);
	gw_pool_destroy(pool);
}

/* UDP checksum 0 over IPv6 (RFC 6936): dropped unless the driver opted in. */
static void zero_csum(bool accept, uint16_t port)
{
	struct gw_pool *pool = gw_pool_create(POOL_SIZE);
	struct gw_udp *u = open6(0, &LO6, port, accept);
	CU_ASSERT_PTR_NOT_NULL_FATAL(u);
	int fd = -1;
	CU_ASSERT_EQUAL_FATAL(gw_udp_fds(u, &fd, 1), 1);
	int z = udp6_sock(&PEER6, (uint16_t)(port + 1)),
	    c = udp6_sock(&PEER6, (uint16_t)(port + 2));
	int one = 1;
	CU_ASSERT_EQUAL(setsockopt(z, SOL_UDP, UDP_NO_CHECK6_TX, &one, sizeof(one)), 0);
	CU_ASSERT(send6(z, &LO6, port, "zero", 4));
	CU_ASSERT(send6(c, &LO6, port, "csum", 4));
	struct gw_pkt *pkts[GW_VEC_MAX];
	CU_ASSERT(readable(fd, WAIT_MS));
	usleep(50 * 1000);
	unsigned n = gw_udp_recv(u, fd, pool, pkts, GW_VEC_MAX);
	CU_ASSERT_EQUAL(n, accept ? 2 : 1);
	if (n >= 1)
		CU_ASSERT_EQUAL(pkts[n - 1]->outer_sport, port + 2);
	free_all(pool, pkts, n);
	close(z);
	close(c);
	gw_udp_close(u);
	gw_pool_destroy(pool);
}

static void test_udp6_zero_csum(void)
{
	NEED_LAB6();
	zero_csum(false, (uint16_t)(port_base + 22));
	zero_csum(true, (uint16_t)(port_base + 25));
}

/* An outer IPv6/UDP/VXLAN packet as the pipeline makes: traffic class tc, a flow label,
 * the UDP checksum computed. */
static struct gw_pkt *vx6_pkt(struct gw_pool *pool, const struct in6_addr *src,
                              const struct in6_addr *dst, uint16_t dport, uint16_t sport,
                              uint16_t inner_len, uint8_t fill, uint8_t tc)
{
	struct gw_pkt *p = gw_pkt_alloc(pool);
	uint8_t *ip = p->data, *udp = ip + NET_IP6_HLEN;
	uint16_t plen = (uint16_t)(VX_UDP_OVERHEAD + inner_len);
	memset(ip, 0, NET_IP6_HLEN + 8);
	ip[0] = (uint8_t)(0x60 | tc >> 4);
	ip[1] = (uint8_t)(tc << 4 | 0x1);
	ip[2] = 0x23;
	ip[3] = 0x45;
	ip[4] = (uint8_t)(plen >> 8);
	ip[5] = (uint8_t)plen;
	ip[6] = NET_IPPROTO_UDP;
	ip[7] = 64;
	memcpy(ip + 8, src, 16);
	memcpy(ip + 24, dst, 16);
	udp[0] = (uint8_t)(sport >> 8);
	udp[1] = (uint8_t)sport;
	udp[2] = (uint8_t)(dport >> 8);
	udp[3] = (uint8_t)dport;
	udp[4] = ip[4];
	udp[5] = ip[5];
	vx_hdr_build(udp + 8, TEST_VNI);
	memset(udp + 8 + VX_HDR_LEN, fill, inner_len);
	uint16_t c = (uint16_t)~ref_l4_sum(ip);
	c = c ? c : 0xffff;
	udp[6] = (uint8_t)(c >> 8);
	udp[7] = (uint8_t)c;
	p->len = NET_IP6_HLEN + plen;
	p->outer_dst = 0xf0000042u; /* a name: the driver reads the header's destination */
	return p;
}

/* Datagrams on plain socket s of either family: their source ports (at most max). */
static unsigned recv_vx_any(int s, uint16_t *sports, uint16_t inner_len, uint8_t fill, unsigned max)
{
	static uint8_t b[GW_PKT_DATA];
	unsigned n = 0;
	while (n < max && readable(s, n ? 200 : WAIT_MS)) {
		struct sockaddr_in6 from; /* sin_port at the same place for IPv4 */
		socklen_t fl = sizeof(from);
		ssize_t len = recvfrom(s, b, sizeof(b), 0, (struct sockaddr *)&from, &fl);
		check_vx_payload(b, len, inner_len, fill);
		sports[n++] = ntohs(from.sin6_port);
	}
	return n;
}

/*
 * A mixed vector: IPv4 and IPv6 packets interleaved, one IPv6 one without a route (refused
 * alone), each family's in order at its receiver; and one looped back to the driver's own
 * IPv6 socket keeps its traffic class.
 */
static void test_udp6_send_mixed(void)
{
	NEED_LAB6();
	enum { N = 7, INNER = 60 };
	uint16_t port = (uint16_t)(port_base + 28), dport = (uint16_t)(port_base + 29);
	struct gw_pool *pool = gw_pool_create(POOL_SIZE);
	struct gw_udp *u = open6(LO_IP, &LO6, port, false);
	CU_ASSERT_PTR_NOT_NULL_FATAL(u);
	int r4 = udp_sock(LO_IP, dport), r6 = udp6_sock(&PEER6, dport);
	CU_ASSERT_FATAL(r4 >= 0 && r6 >= 0);
	struct gw_pkt *pkts[N];
	static const bool v6[N] = {false, true, true, false, true, false, true};
	for (unsigned i = 0; i < N; i++) {
		uint16_t sport = (uint16_t)(50000 + i);
		pkts[i] = v6[i] ? vx6_pkt(pool, &LO6, i == 4 ? &NO_ROUTE6 : &PEER6, dport, sport,
		                          INNER, 0x5a, 0)
		                : vx_pkt(pool, LO_IP, LO_IP, dport, sport, INNER, 0x5a);
	}
	CU_ASSERT_EQUAL(gw_udp_send(u, pool, pkts, N), 1);
	CU_ASSERT_EQUAL(gw_pool_avail(pool), POOL_SIZE);
	uint16_t sports[N];
	CU_ASSERT_EQUAL_FATAL(recv_vx_any(r4, sports, INNER, 0x5a, N), 3);
	CU_ASSERT(sports[0] == 50000 && sports[1] == 50003 && sports[2] == 50005);
	CU_ASSERT_EQUAL_FATAL(recv_vx_any(r6, sports, INNER, 0x5a, N), 3);
	CU_ASSERT(sports[0] == 50001 && sports[1] == 50002 && sports[2] == 50006);

	/* To the driver's own socket, from the named peer's address, traffic class kept. */
	int fds[2];
	CU_ASSERT_EQUAL_FATAL(gw_udp_fds(u, fds, 2), 2);
	struct gw_pkt *p = vx6_pkt(pool, &PEER6, &LO6, port, 51000, INNER, 0x6b, TC_TEST);
	CU_ASSERT_EQUAL(gw_udp_send(u, pool, &p, 1), 0);
	p = recv_one(u, fds[1], pool);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	check_vx_payload(p->data, p->len, INNER, 0x6b);
	CU_ASSERT_EQUAL(p->outer_tos, TC_TEST);
	CU_ASSERT_EQUAL(p->outer_src, PEER6_NAME);
	CU_ASSERT_EQUAL(p->outer_sport, 51000);
	gw_pkt_free(pool, p);
	close(r4);
	close(r6);
	gw_udp_close(u);

	/* A driver without an IPv6 VTEP refuses IPv6 packets, and sends the rest. */
	char err[GW_IO_ERRLEN];
	u = gw_udp_open(LO_IP, port, err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(u);
	p = vx6_pkt(pool, &LO6, &PEER6, dport, 50000, INNER, 0x5a, 0);
	CU_ASSERT_EQUAL(gw_udp_send(u, pool, &p, 1), 1);
	CU_ASSERT_EQUAL(gw_pool_avail(pool), POOL_SIZE);
	gw_udp_close(u);
	gw_pool_destroy(pool);
}

/* vb's MAC, asked in the peer namespace. */
static bool peer_mac(uint8_t mac[6])
{
	struct ifreq ifr = {0};
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "vb");
	if (!enter(ns_peer))
		return false;
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	bool ok = s >= 0 && ioctl(s, SIOCGIFHWADDR, &ifr) == 0;
	if (s >= 0)
		close(s);
	memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	return enter(ns_main) && ok;
}

/* A peer whose ND neighbour the kernel knows goes the direct Ethernet way, intact. */
static void test_udp6_send_l2(void)
{
	NEED_LAB6();
	enum { INNER = 80 };
	uint16_t port = (uint16_t)(port_base + 30), dport = (uint16_t)(port_base + 31);
	uint8_t mac[6];
	char macs[NET_MAC_STRLEN];
	CU_ASSERT_FATAL(peer_mac(mac));
	CU_ASSERT_FATAL(sh("ip -6 neigh replace fd00:9::2 lladdr %s dev va nud permanent",
	                   net_mac_fmt(mac, macs)));
	struct gw_pool *pool = gw_pool_create(POOL_SIZE);
	struct gw_udp *u = open6(0, &VA6, port, false);
	CU_ASSERT_PTR_NOT_NULL_FATAL(u);
	int r = peer_udp6_sock(&VB6, dport);
	CU_ASSERT_FATAL(r >= 0);
	struct gw_pkt *pkts[2] = {vx6_pkt(pool, &VA6, &VB6, dport, 52000, INNER, 0x11, TC_TEST),
	                          vx6_pkt(pool, &VA6, &VB6, dport, 52001, INNER, 0x11, 0)};
	CU_ASSERT_EQUAL(gw_udp_send(u, pool, pkts, 2), 0);
	uint16_t sports[2];
	CU_ASSERT_EQUAL(recv_vx_any(r, sports, INNER, 0x11, 2), 2);
	CU_ASSERT(sports[0] == 52000 && sports[1] == 52001);
	struct gw_udp_tx tx;
	gw_udp_tx_paths(u, &tx);
	CU_ASSERT(tx.l2 == 2 && tx.raw == 0 && tx.gso == 0); /* two flows: no super-datagram */
	close(r);
	gw_udp_close(u);
	gw_pool_destroy(pool);
	(void)sh("ip -6 neigh del fd00:9::2 dev va");
}

/*
 * Super-datagrams (gw/io/udp.c): 11 datagrams of one flow and size, a shorter one, then one
 * of another flow, to a known neighbour. The first 12 leave as one UDP GSO send, the 13th
 * alone; the peer receives the 13 as they were sent, in order. wire: va completes checksums
 * and segments in software, as a NIC's wire shows them, so the peer's kernel verifies
 * every UDP checksum (a bad one would be dropped, and the count short); otherwise the run
 * crosses the veth whole (the kernel's defaults) and the peer's UDP receive cuts it.
 */
static void send_super(bool v6, bool wire)
{
	enum { N = 13, INNER = 1000, SHORT = 300 };
	uint16_t port = (uint16_t)(port_base + 32 + 2 * v6), dport = (uint16_t)(port + 1);
	uint8_t mac[6];
	char macs[NET_MAC_STRLEN];
	CU_ASSERT_FATAL(peer_mac(mac));
	CU_ASSERT_FATAL(sh(v6 ? "ip -6 neigh replace fd00:9::2 lladdr %s dev va nud permanent"
	                      : "ip neigh replace 10.9.9.2 lladdr %s dev va nud permanent",
	                   net_mac_fmt(mac, macs)));
	CU_ASSERT_FATAL(sh("ethtool -K va tx %s >/dev/null", wire ? "off" : "on"));
	struct gw_pool *pool = gw_pool_create(POOL_SIZE);
	char err[GW_IO_ERRLEN];
	struct gw_udp *u = v6 ? open6(0, &VA6, port, false) : gw_udp_open(VA_IP, port, err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(u);
	int r = v6 ? peer_udp6_sock(&VB6, dport) : peer_udp_sock(VB_IP, dport);
	CU_ASSERT_FATAL(r >= 0);
	struct gw_pkt *pkts[N];
	for (unsigned i = 0; i < N; i++) {
		uint16_t sport = i == N - 1 ? 54001 : 54000, len = i == N - 2 ? SHORT : INNER;
		pkts[i] = v6 ? vx6_pkt(pool, &VA6, &VB6, dport, sport, len, (uint8_t)i, 0)
		             : vx_pkt(pool, VA_IP, VB_IP, dport, sport, len, (uint8_t)i);
	}
	CU_ASSERT_EQUAL(gw_udp_send(u, pool, pkts, N), 0);
	CU_ASSERT_EQUAL(gw_pool_avail(pool), POOL_SIZE);
	for (unsigned i = 0; i < N; i++) {
		uint16_t sport;
		CU_ASSERT_EQUAL_FATAL(
		    recv_vx_any(r, &sport, i == N - 2 ? SHORT : INNER, (uint8_t)i, 1), 1);
		CU_ASSERT_EQUAL(sport, i == N - 1 ? 54001 : 54000);
	}
	struct gw_udp_tx tx;
	gw_udp_tx_paths(u, &tx);
	CU_ASSERT(tx.l2 == N && tx.raw == 0 && tx.gso == N - 1);
	close(r);
	gw_udp_close(u);
	gw_pool_destroy(pool);
	(void)sh("ethtool -K va tx on >/dev/null");
	(void)sh(v6 ? "ip -6 neigh del fd00:9::2 dev va" : "ip neigh del 10.9.9.2 dev va");
}

/* Datagrams longer than the netdev's MTU make no super-datagram: each is refused alone. */
static void send_super_too_big(void)
{
	enum { N = 3, INNER = 1300 }; /* 1350 bytes of IPv4 to an MTU of 1280 */
	uint16_t port = (uint16_t)(port_base + 36), dport = (uint16_t)(port + 1);
	uint8_t mac[6];
	char macs[NET_MAC_STRLEN], err[GW_IO_ERRLEN];
	CU_ASSERT_FATAL(peer_mac(mac));
	CU_ASSERT_FATAL(
	    sh("ip neigh replace 10.9.9.2 lladdr %s dev va nud permanent", net_mac_fmt(mac, macs)));
	CU_ASSERT_FATAL(sh("ip link set va mtu 1280")); /* IPv6's least: its addresses stay */
	struct gw_pool *pool = gw_pool_create(POOL_SIZE);
	struct gw_udp *u = gw_udp_open(VA_IP, port, err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(u);
	struct gw_pkt *pkts[N];
	for (unsigned i = 0; i < N; i++)
		pkts[i] = vx_pkt(pool, VA_IP, VB_IP, dport, 54000, INNER, (uint8_t)i);
	CU_ASSERT_EQUAL(gw_udp_send(u, pool, pkts, N), N);
	struct gw_udp_tx tx;
	gw_udp_tx_paths(u, &tx);
	CU_ASSERT(tx.l2 == N && tx.gso == 0);
	gw_udp_close(u);
	gw_pool_destroy(pool);
	(void)sh("ip link set va mtu 1500");
	(void)sh("ip neigh del 10.9.9.2 dev va");
}

static void test_udp_send_super(void)
{
	NEED_LAB();
	send_super(false, false);
	send_super(false, true);
	send_super_too_big();
}

static void test_udp6_send_super(void)
{
	NEED_LAB6();
	send_super(true, false);
	send_super(true, true);
}

/* An IPv6 group: join/leave, a peer's flood arrives on the group socket named by the group,
 * ours leaves through the VTEP's interface and does not come back. */
static void test_udp6_groups(void)
{
	NEED_LAB6();
	enum { INNER = 40 };
	uint16_t port = (uint16_t)(port_base + 32);
	struct gw_pool *pool = gw_pool_create(POOL_SIZE);
	struct gw_udp *u = open6(0, &VA6, port, false);
	CU_ASSERT_PTR_NOT_NULL_FATAL(u);
	char err[GW_IO_ERRLEN] = "";
	CU_ASSERT_EQUAL(gw_udp_join6(u, &VB6, GROUP6_NAME, err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "fd00:9::2"));
	CU_ASSERT_EQUAL(gw_udp_join6(u, &GROUP6, GROUP6_NAME, err), 0);
	CU_ASSERT_EQUAL(gw_udp_join6(u, &GROUP6, GROUP6_NAME, err), 0);
	int fds[4];
	CU_ASSERT_EQUAL_FATAL(gw_udp_fds(u, fds, 4), 2);

	/* the peer floods to the group */
	int s = peer_udp6_sock(&VB6, (uint16_t)(port + 1));
	CU_ASSERT_FATAL(s >= 0);
	int vb = 0;
	CU_ASSERT_FATAL(enter(ns_peer));
	vb = (int)if_nametoindex("vb");
	CU_ASSERT_FATAL(enter(ns_main));
	CU_ASSERT_EQUAL(setsockopt(s, IPPROTO_IPV6, IPV6_MULTICAST_IF, &vb, sizeof(vb)), 0);
	CU_ASSERT(send6(s, &GROUP6, port, "flooded", 8));
	struct gw_pkt *p = recv_one(u, fds[1], pool);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_EQUAL(p->outer_dst, GROUP6_NAME);
	CU_ASSERT_EQUAL(p->outer_src, VX_VTEP6_UNKNOWN);
	CU_ASSERT_EQUAL(memcmp(gw_pkt_outer6_src(p), &VB6, 16), 0);
	gw_pkt_free(pool, p);
	close(s);

	/* we flood: the peer hears it, our group socket does not */
	int r = peer_udp6_sock(&GROUP6, port);
	CU_ASSERT_FATAL(r >= 0);
	struct ipv6_mreq mr = {.ipv6mr_multiaddr = GROUP6, .ipv6mr_interface = (unsigned)vb};
	CU_ASSERT_EQUAL(setsockopt(r, IPPROTO_IPV6, IPV6_JOIN_GROUP, &mr, sizeof(mr)), 0);
	p = vx6_pkt(pool, &VA6, &GROUP6, port, 61000, INNER, 0x77, 0);
	CU_ASSERT_EQUAL(gw_udp_send(u, pool, &p, 1), 0);
	uint16_t sport = 0;
	CU_ASSERT_EQUAL(recv_vx_any(r, &sport, INNER, 0x77, 1), 1);
	CU_ASSERT_EQUAL(sport, 61000);
	CU_ASSERT(!readable(fds[1], 200));
	close(r);

	CU_ASSERT_EQUAL(gw_udp_leave6(u, GROUP6_NAME), 0);
	CU_ASSERT_EQUAL(gw_udp_leave6(u, GROUP6_NAME), -1);
	CU_ASSERT_EQUAL(gw_udp_fds(u, fds, 4), 1);
	CU_ASSERT_EQUAL(gw_pool_avail(pool), POOL_SIZE);
	gw_udp_close(u);
	gw_pool_destroy(pool);
}

/* ---------------------------------------------------------------- AF_XDP (gw/io/xdp.h) */

static struct gw_xdp *xdp_attach(uint16_t port)
{
	struct gw_xdp_cfg c = {.vtep = VA_IP, .port = port};
	char err[GW_IO_ERRLEN] = "";
	struct gw_xdp *x = gw_xdp_attach(&c, err);
	if (!x)
		fprintf(stderr, "gw_xdp_attach: %s\n", err);
	return x;
}

/* A driver for VA_IP:port with the AF_XDP socket of queue 0 of program x. */
static struct gw_udp *xdp_udp(struct gw_xdp *x, uint16_t port, char err[GW_IO_ERRLEN])
{
	struct gw_udp_cfg c = {.vtep = VA_IP, .port = port, .xdp = x, .xdp_queue = 0};
	return gw_udp_open_cfg(&c, err);
}

/* An AF_XDP test's pieces: the program on va for VA_IP:port, a driver with the socket of
 * queue 0 (xfd, gw_udp_fds' first; ufd: the kernel's unicast socket), a pool. */
struct xdp_lab {
	struct gw_xdp *x;
	struct gw_udp *u;
	struct gw_pool *pool;
	int xfd, ufd;
	uint16_t port;
};

/* The one lab: a test that a fatal assertion ends leaves it open, and the next one's open
 * closes it, so that the program it left on va does not fail every test after it. */
static struct xdp_lab xdp_lab;

/* The driver closed, then the program detached; returns what the pool had then. */
static uint32_t xdp_lab_close(struct xdp_lab *l)
{
	gw_udp_close(l->u);
	gw_xdp_detach(l->x);
	uint32_t avail = pool_done(l->pool);
	*l = (struct xdp_lab){0};
	return avail;
}

static struct xdp_lab *xdp_lab_open(uint16_t port_offset)
{
	struct xdp_lab *l = &xdp_lab;
	char err[GW_IO_ERRLEN] = "";
	if (l->pool)
		(void)xdp_lab_close(l);
	*l = (struct xdp_lab){.port = (uint16_t)(port_base + port_offset)};
	l->pool = gw_pool_create(POOL_SIZE);
	CU_ASSERT_PTR_NOT_NULL_FATAL(l->pool);
	l->x = xdp_attach(l->port);
	CU_ASSERT_PTR_NOT_NULL_FATAL(l->x);
	l->u = xdp_udp(l->x, l->port, err);
	if (!l->u)
		fprintf(stderr, "gw_udp_open_cfg: %s\n", err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(l->u);
	int fds[3];
	CU_ASSERT_EQUAL_FATAL(gw_udp_fds(l->u, fds, 3), 2);
	l->xfd = fds[0];
	l->ufd = fds[1];
	return l;
}

/* What the AF_XDP socket delivers until it is quiet for 200 ms (at most max). */
static unsigned xsk_collect(struct xdp_lab *l, struct gw_pkt **pkts, unsigned max)
{
	unsigned n = 0;
	while (n < max && readable(l->xfd, n ? 200 : WAIT_MS))
		n += gw_udp_recv(l->u, l->xfd, l->pool, pkts + n, max - n);
	return n;
}

/* A UDP socket of the peer bound to VB_IP:sport, sending with outer TOS TC_TEST. */
static int peer_sender(uint16_t sport)
{
	int s = peer_udp_sock(VB_IP, sport), tos = TC_TEST;
	CU_ASSERT_FATAL(s >= 0);
	CU_ASSERT_EQUAL(setsockopt(s, IPPROTO_IP, IP_TOS, &tos, sizeof(tos)), 0);
	return s;
}

/*
 * The program on va, native; the peer's datagrams to VA_IP:port, with a UDP checksum (left
 * partial by the peer's stack) and without one, all come through the AF_XDP socket, in
 * order, as the kernel's socket would have given them; the kernel's socket gets none.
 */
static void test_xdp_recv(void)
{
	NEED_LAB();
	enum { N = 50, LEN = 150, ZERO_FROM = 25 };
	struct xdp_lab *l = xdp_lab_open(40);
	struct gw_xdp_info info;
	gw_xdp_info(l->x, &info);
	CU_ASSERT(info.on && info.native);
	CU_ASSERT_STRING_EQUAL(info.ifname, "va");
	CU_ASSERT(info.queues >= 1);
	CU_ASSERT_EQUAL(info.sockets, 1);
	uint16_t sport = (uint16_t)(l->port + 1);
	int s = peer_sender(sport), one = 1;
	send_seq_to(s, sin_of(VA_IP, l->port), 0, ZERO_FROM, LEN);
	CU_ASSERT_EQUAL(setsockopt(s, SOL_SOCKET, SO_NO_CHECK, &one, sizeof(one)), 0);
	send_seq_to(s, sin_of(VA_IP, l->port), ZERO_FROM, N - ZERO_FROM, LEN);
	struct gw_pkt *pkts[GW_VEC_MAX];
	unsigned n = xsk_collect(l, pkts, GW_VEC_MAX);
	CU_ASSERT_EQUAL(n, N);
	for (unsigned i = 0; i < n; i++) {
		const struct gw_pkt *p = pkts[i];
		CU_ASSERT_EQUAL(seq_of(p), i);
		CU_ASSERT_EQUAL(p->len, LEN);
		CU_ASSERT(p->outer_src == VB_IP && p->outer_dst == VA_IP);
		CU_ASSERT(p->outer_sport == sport && p->outer_tos == TC_TEST);
	}
	free_all(l->pool, pkts, n);
	CU_ASSERT_EQUAL(udp_rx(l->u).xdp, N);
	CU_ASSERT_EQUAL(udp_rx(l->u).csum, ZERO_FROM); /* the partial ones, completed */
	CU_ASSERT_EQUAL(udp_rx(l->u).outer_bad, 0);
	CU_ASSERT(!readable(l->ufd, 0));
	close(s);
	CU_ASSERT_EQUAL(xdp_lab_close(l), POOL_SIZE);
}

/*
 * What is not the gateway's unfragmented datagram passes to the kernel: one to another
 * port (a socket there has it), a fragmented one to the VTEP port (reassembled, on the
 * driver's own socket), ARP and ping to VA_IP.
 */
static void test_xdp_pass(void)
{
	NEED_LAB();
	enum { BIG = 3000 }; /* two fragments on the 1500-byte veth */
	struct xdp_lab *l = xdp_lab_open(42);
	uint16_t other = (uint16_t)(l->port + 1);
	int r = udp_sock(VA_IP, other), s = peer_sender(0), dont = IP_PMTUDISC_DONT;
	CU_ASSERT_FATAL(r >= 0);
	CU_ASSERT_EQUAL(setsockopt(s, IPPROTO_IP, IP_MTU_DISCOVER, &dont, sizeof(dont)), 0);
	send_seq_to(s, sin_of(VA_IP, other), 7, 1, 100);
	CU_ASSERT(readable(r, WAIT_MS));
	send_seq_to(s, sin_of(VA_IP, l->port), 8, 1, BIG);
	struct gw_pkt *p = recv_one(l->u, l->ufd, l->pool);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT(seq_of(p) == 8 && p->len == BIG && p->outer_src == VB_IP);
	gw_pkt_free(l->pool, p);
	CU_ASSERT(!readable(l->xfd, 0));
	CU_ASSERT_EQUAL(udp_rx(l->u).xdp, 0);
	CU_ASSERT_FATAL(enter(ns_peer));
	bool ping = sh("ip neigh flush dev vb && ping -c 1 -W 2 10.9.9.1 >/dev/null");
	CU_ASSERT_FATAL(enter(ns_main));
	CU_ASSERT(ping);
	close(r);
	close(s);
	CU_ASSERT_EQUAL(xdp_lab_close(l), POOL_SIZE);
}

/* The outer UDP checksum of outer IPv4 packet p computed (never 0), plus `wrong`. */
static void set_udp_csum(struct gw_pkt *p, uint16_t wrong)
{
	uint8_t *udp = p->data + NET_IP_HLEN;
	udp[6] = udp[7] = 0;
	uint16_t c = (uint16_t)~ref_l4_sum(p->data);
	c = (uint16_t)((c ? c : 0xffff) + wrong);
	udp[6] = (uint8_t)(c >> 8);
	udp[7] = (uint8_t)c;
}

/* Sends outer IPv4 packet p as it is from the peer (a raw socket: the checksums ours). */
static bool peer_send_raw(const struct gw_pkt *p)
{
	if (!enter(ns_peer))
		return false;
	int s = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
	struct sockaddr_in to = sin_of(VA_IP, 0);
	bool ok = s >= 0 && sendto(s, p->data, p->len, 0, (struct sockaddr *)&to, sizeof(to)) ==
	                        (ssize_t)p->len;
	if (s >= 0)
		close(s);
	return enter(ns_main) && ok;
}

/* A datagram with its UDP checksum complete comes through intact; the same one with a
 * wrong checksum, and one from a multicast source (a martian the kernel's IP receive would
 * drop, which a flood group's bridge domain must not learn), are dropped and counted
 * (outer_bad), delivered nowhere. */
static void test_xdp_bad_csum(void)
{
	NEED_LAB();
	enum { INNER = 64 };
	struct xdp_lab *l = xdp_lab_open(44);
	struct gw_pkt *p = vx_pkt(l->pool, VB_IP, VA_IP, l->port, 54000, INNER, 0x42);
	set_udp_csum(p, 0);
	CU_ASSERT(peer_send_raw(p));
	set_udp_csum(p, 1);
	CU_ASSERT(peer_send_raw(p));
	gw_pkt_free(l->pool, p);
	p = vx_pkt(l->pool, IP4(224, 0, 0, 9), VA_IP, l->port, 54000, INNER, 0x42);
	set_udp_csum(p, 0);
	CU_ASSERT(peer_send_raw(p));
	gw_pkt_free(l->pool, p);
	struct gw_pkt *pkts[GW_VEC_MAX];
	unsigned n = xsk_collect(l, pkts, GW_VEC_MAX);
	CU_ASSERT_EQUAL_FATAL(n, 1);
	check_vx_payload(pkts[0]->data, pkts[0]->len, INNER, 0x42);
	CU_ASSERT_EQUAL(pkts[0]->outer_sport, 54000);
	free_all(l->pool, pkts, n);
	CU_ASSERT_EQUAL(udp_rx(l->u).xdp, 1);
	CU_ASSERT_EQUAL(udp_rx(l->u).outer_bad, 2);
	CU_ASSERT(!readable(l->ufd, 0));
	CU_ASSERT_EQUAL(xdp_lab_close(l), POOL_SIZE);
}

/* How often the kernel found the AF_XDP socket's transmit ring empty: it reads the ring
 * dry on each kick, so this grows when the socket transmitted (the AF_PACKET path, which
 * tx_l2 counts too, leaves it alone). */
static uint64_t xsk_tx_empty(int xfd)
{
	struct xdp_statistics st = {0};
	socklen_t len = sizeof(st);
	CU_ASSERT_EQUAL(getsockopt(xfd, SOL_XDP, XDP_STATISTICS, &st, &len), 0);
	return st.tx_ring_empty_descs;
}

/* Outer packets to the peer, its MAC known, leave through the AF_XDP socket (the direct
 * path's count): at the peer's socket intact and in order. */
static void test_xdp_send(void)
{
	NEED_LAB();
	enum { N = 5, INNER = 90 };
	uint8_t mac[6];
	char macs[NET_MAC_STRLEN];
	CU_ASSERT_FATAL(peer_mac(mac));
	CU_ASSERT_FATAL(
	    sh("ip neigh replace 10.9.9.2 lladdr %s dev va nud permanent", net_mac_fmt(mac, macs)));
	struct xdp_lab *l = xdp_lab_open(46);
	uint16_t dport = (uint16_t)(l->port + 1);
	int r = peer_udp_sock(VB_IP, dport);
	CU_ASSERT_FATAL(r >= 0);
	struct gw_pkt *pkts[N];
	for (unsigned i = 0; i < N; i++)
		pkts[i] = vx_pkt(l->pool, VA_IP, VB_IP, dport, (uint16_t)(53000 + i), INNER, 0x22);
	uint64_t kicks = xsk_tx_empty(l->xfd);
	CU_ASSERT_EQUAL(gw_udp_send(l->u, l->pool, pkts, N), 0);
	CU_ASSERT(xsk_tx_empty(l->xfd) > kicks);
	uint16_t sports[N];
	CU_ASSERT_EQUAL_FATAL(recv_vx(r, sports, INNER, 0x22, N), N);
	for (unsigned i = 0; i < N; i++)
		CU_ASSERT_EQUAL(sports[i], 53000 + i);
	struct gw_udp_tx tx;
	gw_udp_tx_paths(l->u, &tx);
	CU_ASSERT(tx.l2 == N && tx.raw == 0 && tx.gso == 0);
	close(r);
	CU_ASSERT_EQUAL(xdp_lab_close(l), POOL_SIZE);
	(void)sh("ip neigh del 10.9.9.2 dev va");
}

/*
 * dataplane busy-poll: the program's sockets opened after gw_xdp_set_busy_poll carry the
 * options (SO_BUSY_POLL, SO_PREFER_BUSY_POLL); the driver's thread polls the queue itself
 * (gw_udp_busy_poll) from the first frame on and reads the ring without waiting for the
 * descriptor, gets every datagram in order, and goes back to waiting once the queue has
 * been quiet for the window. A driver whose socket does not busy-poll says so.
 */
static void test_xdp_busy_poll(void)
{
	NEED_LAB();
	enum { N = 20, LEN = 120, BUSY_US = 100000 }; /* a window no scheduling delay closes */
	struct xdp_lab *l = xdp_lab_open(50);
	CU_ASSERT(!gw_udp_busy_poll(l->u));
	gw_udp_close(l->u);
	gw_xdp_set_busy_poll(l->x, BUSY_US);
	char err[GW_IO_ERRLEN] = "";
	l->u = xdp_udp(l->x, l->port, err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(l->u);
	int fds[3], v = 0;
	socklen_t vl = sizeof(v);
	CU_ASSERT_EQUAL_FATAL(gw_udp_fds(l->u, fds, 3), 2);
	l->xfd = fds[0];
	CU_ASSERT(getsockopt(l->xfd, SOL_SOCKET, SO_BUSY_POLL, &v, &vl) == 0 && v == BUSY_US);
	CU_ASSERT(getsockopt(l->xfd, SOL_SOCKET, 69 /* SO_PREFER_BUSY_POLL */, &v, &vl) == 0 &&
	          v == 1);
	struct gw_xdp_info info;
	gw_xdp_info(l->x, &info);
	CU_ASSERT_EQUAL(info.busy_poll_us, BUSY_US);
	int s = peer_sender((uint16_t)(l->port + 1));
	send_seq_to(s, sin_of(VA_IP, l->port), 0, N, LEN);
	/* nothing came yet: the thread would sleep until the first frame wakes it */
	CU_ASSERT(!gw_udp_busy_poll(l->u));
	CU_ASSERT_FATAL(readable(l->xfd, WAIT_MS));
	struct gw_pkt *pkts[GW_VEC_MAX];
	unsigned n = gw_udp_recv(l->u, l->xfd, l->pool, pkts, GW_VEC_MAX);
	CU_ASSERT_FATAL(n > 0);
	/* then it polls the queue itself while frames keep coming */
	CU_ASSERT(gw_udp_busy_poll(l->u));
	uint64_t end = now_ms() + WAIT_MS;
	while (n < N && now_ms() < end) {
		unsigned k = gw_udp_recv(l->u, l->xfd, l->pool, pkts + n, GW_VEC_MAX - n);
		n += k;
		if (!gw_udp_busy_poll(l->u)) /* quiet for the window: wait to be woken */
			(void)readable(l->xfd, 100);
	}
	CU_ASSERT_EQUAL(n, N);
	for (unsigned i = 0; i < n; i++)
		CU_ASSERT_EQUAL(seq_of(pkts[i]), i);
	free_all(l->pool, pkts, n);
	struct timespec quiet = {.tv_nsec = 2L * BUSY_US * 1000};
	nanosleep(&quiet, NULL);
	CU_ASSERT(!gw_udp_busy_poll(l->u)); /* quiet for longer than the window */
	close(s);
	CU_ASSERT_EQUAL(xdp_lab_close(l), POOL_SIZE);
}

/*
 * A second driver on the busy queue is refused (after the driver's retries for a queue
 * being released: about 2 s) and the first keeps receiving; a queue the netdev does not
 * have is refused; once closed and detached, the program attaches again at once (no
 * program left on va) and its socket binds.
 */
static void test_xdp_lifecycle(void)
{
	NEED_LAB();
	struct xdp_lab *l = xdp_lab_open(48);
	char err[GW_IO_ERRLEN] = "";
	struct gw_udp *u2 = xdp_udp(l->x, l->port, err);
	CU_ASSERT_PTR_NULL(u2);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, strerror(EBUSY)));
	gw_udp_close(u2);
	int s = peer_sender(0);
	send_seq_to(s, sin_of(VA_IP, l->port), 1, 1, 100);
	struct gw_pkt *pkts[GW_VEC_MAX];
	unsigned n = xsk_collect(l, pkts, GW_VEC_MAX);
	CU_ASSERT(n == 1 && seq_of(pkts[0]) == 1);
	free_all(l->pool, pkts, n);
	close(s);

	err[0] = '\0';
	struct gw_xsk *k = gw_xsk_open(l->x, gw_xdp_queues(l->x), err);
	CU_ASSERT_PTR_NULL(k);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "queue"));
	gw_xsk_close(k);
	CU_ASSERT_EQUAL(xdp_lab_close(l), POOL_SIZE);
	CU_ASSERT(sh("! ip link show va | grep -q xdp"));

	l = xdp_lab_open(48);
	struct gw_xdp_info info;
	gw_xdp_info(l->x, &info);
	CU_ASSERT_EQUAL(info.sockets, 1);
	CU_ASSERT_EQUAL(xdp_lab_close(l), POOL_SIZE);
}

static CU_TestInfo tests[] = {
    {"udp open: address not on the host", test_udp_open_bad_addr},
    {"udp recv: one datagram, outer fields", test_udp_recv_one},
    {"udp recv: 300 datagrams over several calls", test_udp_recv_batch},
    {"udp recv: pool runs dry", test_udp_recv_pool_empty},
    {"udp gro: coalesced datagram split, across the buffer's end", test_udp_gro_split},
    {"udp gro: held when the vector is full, dropped if it never fits", test_udp_gro_hold},
    {"udp gro: held while the pool is short", test_udp_gro_pool_short},
    {"udp send: raw IPv4, chosen source port, one refused", test_udp_send},
    {"udp send: vector longer than one batch", test_udp_send_long_vector},
    {"udp groups: join/leave and fds", test_udp_groups},
    {"udp groups: receive from a peer VTEP", test_udp_group_recv},
    {"udp groups: send leaves via the VTEP interface", test_udp_group_send},
    {"udp6 recv: outer TOS both families, sender named or unknown", test_udp6_recv},
    {"udp6 recv: zero UDP checksum only when opted in", test_udp6_zero_csum},
    {"udp6 send: mixed IPv4/IPv6 vector, one refused, traffic class kept", test_udp6_send_mixed},
    {"udp6 send: direct Ethernet path to a known ND neighbour", test_udp6_send_l2},
    {"udp send: one flow's run as a UDP super-datagram, cut again intact", test_udp_send_super},
    {"udp6 send: one flow's run as a UDP super-datagram, cut again intact", test_udp6_send_super},
    {"udp6 groups: join, receive, send, leave", test_udp6_groups},
    {"eth open: errors name the interface", test_eth_open_errors},
    {"eth: MAC and MTU", test_eth_attrs},
    {"eth: promiscuous while an L2 port asks, not after", test_eth_promisc},
    {"eth recv: frame from the peer", test_eth_recv},
    {"eth recv: VLAN tag put back", test_eth_recv_vlan},
    {"eth send: frames reach the peer, too big refused", test_eth_send},
    {"eth fanout: one group, joined by id (0 included), each frame once", test_eth_fanout_group0},
    {"netdev events: created, down, deleted, created again", test_netdev_events},
    {"eth recv: offloaded checksum finished", test_eth_csum_offload},
    {"udp recv: partial inner checksum, TSO super-packet cut, UDP one dropped", test_udp_offloads},
    {"eth recv: TSO super-frame cut at its size (tagged too), partial checksum", test_eth_offloads},
    {"udp recv: the same with inner IPv6", test_udp_offloads6},
    {"eth recv: the same with IPv6 (TSO6)", test_eth_offloads6},
    {"xdp recv: the peer's datagrams through AF_XDP, none to the socket", test_xdp_recv},
    {"xdp pass: another port, fragments, ARP and ping to the kernel", test_xdp_pass},
    {"xdp recv: bad UDP checksum, martian source dropped and counted", test_xdp_bad_csum},
    {"xdp send: to a known next hop through AF_XDP, intact", test_xdp_send},
    {"xdp lifecycle: busy queue, no such queue, attach again", test_xdp_lifecycle},
    {"xdp busy-poll: options set, the thread polls the queue, every datagram", test_xdp_busy_poll},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"io", suite_init, suite_clean, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

CU_MAIN(suites)
