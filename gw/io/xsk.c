/*
 * gw/io/xsk.c - one AF_XDP socket of `dataplane io xdp` (gw/io/xdp.h).
 *
 * Each socket has its own frame memory (UMEM) of XSK_FRAMES frames: the first half is
 * lent to the kernel for receiving (the fill ring), the second half is ours for sending
 * (a stack of free frames, refilled from the completion ring). A received frame is copied
 * into a packet buffer and its frame goes straight back to the fill ring, so the kernel
 * never runs short while the pipeline holds packets (a vector, an ARP queue, a fragment
 * queue) for as long as it likes. need_wakeup: the kernel is only kicked (a system call)
 * when it says it sleeps.
 */
#include "gw/io/io_int.h"
#include "gw/io/xdp.h"

#include <errno.h>
#include <linux/if_xdp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <xdp/xsk.h>

#define XSK_FRAMES     4096 /* per socket: 16 MiB of frame memory */
#define XSK_FRAME_SIZE GW_XSK_FRAME
_Static_assert(GW_XSK_FRAME == XSK_UMEM__DEFAULT_FRAME_SIZE, "the default frame");
#define XSK_RX_FRAMES (XSK_FRAMES / 2)
#define XSK_RING      2048                /* each ring: rx, tx, fill, completion */
#define XSK_KICKS_MAX (XSK_RING / 32 + 1) /* enough to drain the transmit ring */
#define XSK_FLUSH_US  5000                /* at close, the longest wait for what is queued */

_Static_assert(XSK_FRAME_SIZE <= GW_PKT_DATA, "a received frame fits a packet buffer");

struct gw_xsk {
	struct gw_xdp *xdp;
	unsigned queue;
	bool in_map;
	void *area; /* XSK_FRAMES * XSK_FRAME_SIZE */
	struct xsk_umem *umem;
	struct xsk_socket *sock;
	struct xsk_ring_prod fill, tx;
	struct xsk_ring_cons comp, rx;
	uint64_t free_tx[XSK_FRAMES - XSK_RX_FRAMES]; /* frames free for sending */
	unsigned n_free;
	bool zerocopy;       /* bound zero-copy: the frames are the NIC's own buffers */
	uint32_t busy_us;    /* dataplane busy-poll: the window after a frame (0: off) */
	uint64_t last_rx_us; /* when a round that found frames ended (CLOCK_MONOTONIC) */
	bool got;            /* frames received since the last gw_xsk_busy_poll */
};

static uint64_t mono_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

static struct gw_xsk *xsk_fail(struct gw_xsk *s, char *err, const char *what, int e)
{
	snprintf(err, GW_IO_ERRLEN, "AF_XDP socket of %s queue %u: %s: %s", gw_xdp_ifname(s->xdp),
	         s->queue, what, strerror(e));
	gw_xsk_close(s);
	return NULL;
}

/* Lends every receive frame to the kernel. */
static int fill_all(struct gw_xsk *s)
{
	uint32_t idx;
	if (xsk_ring_prod__reserve(&s->fill, XSK_RX_FRAMES, &idx) != XSK_RX_FRAMES)
		return -ENOSPC;
	for (uint32_t i = 0; i < XSK_RX_FRAMES; i++)
		*xsk_ring_prod__fill_addr(&s->fill, idx + i) = (uint64_t)i * XSK_FRAME_SIZE;
	xsk_ring_prod__submit(&s->fill, XSK_RX_FRAMES);
	for (unsigned i = 0; i < XSK_FRAMES - XSK_RX_FRAMES; i++)
		s->free_tx[i] = (uint64_t)(XSK_RX_FRAMES + i) * XSK_FRAME_SIZE;
	s->n_free = XSK_FRAMES - XSK_RX_FRAMES;
	return 0;
}

/* A queue's last socket leaves it in the kernel's work queue, a moment after its close
 * (the frame memory pool is released deferred): binding again at once finds it busy. */
#define XSK_BUSY_TRIES 50
#define XSK_BUSY_WAIT                                                                              \
	(struct timespec)                                                                          \
	{                                                                                          \
		.tv_nsec = 20 * 1000 * 1000                                                        \
	}

static int create_socket(struct gw_xsk *s, uint16_t mode)
{
	const struct xsk_socket_config c = {
	    .rx_size = XSK_RING,
	    .tx_size = XSK_RING,
	    .libxdp_flags = XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD, /* ours is loaded */
	    .bind_flags = mode | XDP_USE_NEED_WAKEUP,
	};
	int e = -EBUSY;
	for (unsigned i = 0; i < XSK_BUSY_TRIES && e == -EBUSY; i++) {
		if (i)
			nanosleep(&XSK_BUSY_WAIT, NULL);
		e = xsk_socket__create(&s->sock, gw_xdp_ifname(s->xdp), s->queue, s->umem, &s->rx,
		                       &s->tx, &c);
	}
	return e;
}

#ifndef SO_PREFER_BUSY_POLL
#define SO_PREFER_BUSY_POLL 69 /* Linux 5.11 */
#endif
#ifndef SO_BUSY_POLL_BUDGET
#define SO_BUSY_POLL_BUDGET 70
#endif

/*
 * dataplane busy-poll: a receive or send call on the socket runs the queue's NAPI poll in
 * the calling thread (SO_BUSY_POLL, up to usecs), for up to a vector of frames
 * (SO_BUSY_POLL_BUDGET), and the kernel leaves the queue to that thread while it polls
 * (SO_PREFER_BUSY_POLL: with the netdev's napi_defer_hard_irqs set, its interrupts stay off).
 * 0 or an errno (EPERM without CAP_NET_ADMIN, ENOPROTOOPT on a kernel without busy polling).
 */
static int set_busy_poll(int fd, uint32_t usecs)
{
	/* a driver's NAPI poll may assume no more than its weight (NAPI_POLL_WEIGHT) */
	int on = 1, us = (int)usecs, budget = 64;
	if (setsockopt(fd, SOL_SOCKET, SO_PREFER_BUSY_POLL, &on, sizeof(on)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_BUSY_POLL, &us, sizeof(us)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_BUSY_POLL_BUDGET, &budget, sizeof(budget)) < 0)
		return errno;
	return 0;
}

/* Binds zero-copy where the driver can, else copy mode; a queue that stays busy is busy
 * for both (one wait, not two). */
static int bind_socket(struct gw_xsk *s, bool *zerocopy)
{
	int e = create_socket(s, XDP_ZEROCOPY);
	*zerocopy = e == 0;
	return e == 0 || e == -EBUSY ? e : create_socket(s, XDP_COPY);
}

struct gw_xsk *gw_xsk_open(struct gw_xdp *x, unsigned queue, char err[GW_IO_ERRLEN])
{
	if (queue >= GW_XDP_QUEUES_MAX) { /* the program's socket map has no slot for it */
		snprintf(err, GW_IO_ERRLEN, "AF_XDP socket: queue %u beyond the %u served", queue,
		         GW_XDP_QUEUES_MAX);
		return NULL;
	}
	struct gw_xsk *s = calloc(1, sizeof(*s));
	if (!s) {
		snprintf(err, GW_IO_ERRLEN, "AF_XDP socket: out of memory");
		return NULL;
	}
	s->xdp = x;
	gw_xdp_ref(x);
	s->queue = queue;
	size_t bytes = (size_t)XSK_FRAMES * XSK_FRAME_SIZE;
	s->area = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (s->area == MAP_FAILED) {
		s->area = NULL;
		return xsk_fail(s, err, "frame memory", errno);
	}
	const struct xsk_umem_config uc = {.fill_size = XSK_RING,
	                                   .comp_size = XSK_RING,
	                                   .frame_size = XSK_FRAME_SIZE,
	                                   .frame_headroom = 0};
	int e = xsk_umem__create(&s->umem, s->area, bytes, &s->fill, &s->comp, &uc);
	if (e)
		return xsk_fail(s, err, "frame memory registration", -e);
	bool zc = false;
	if ((e = bind_socket(s, &zc)) != 0)
		return xsk_fail(s, err, "bind", -e);
	s->zerocopy = zc;
	if ((e = fill_all(s)) != 0)
		return xsk_fail(s, err, "fill ring", -e);
	/* busy polling is an optimisation: a socket that cannot have it still receives, it only
	 * sleeps between frames (gw_xdp_info says why) */
	uint32_t busy_us = gw_xdp_busy_poll_us(x);
	if (busy_us && (e = set_busy_poll(xsk_socket__fd(s->sock), busy_us)) != 0)
		gw_xdp_busy_poll_failed(x, e);
	else
		s->busy_us = busy_us;
	if ((e = gw_xdp_map_set(x, queue, xsk_socket__fd(s->sock), zc)) != 0)
		return xsk_fail(s, err, "socket map", -e);
	s->in_map = true;
	return s;
}

static uint32_t tx_waiting(const struct gw_xsk *s);
static void kick_tx(struct gw_xsk *s);

/*
 * Before the socket closes, what waits on its transmit ring goes: kicks until the kernel
 * has taken every descriptor (a kick that found the netdev's queue full left some), for at
 * most XSK_FLUSH_US (a netdev that is down keeps them: they are lost, as on a qdisc). Taken
 * is enough: the kernel has the frame then (copied into an skb, or on the NIC's ring);
 * waiting for the completions too would keep a leaving worker's sockets in their groups
 * longer, where what arrives after its last read is lost.
 */
static void flush_tx(struct gw_xsk *s)
{
	uint64_t end = mono_us() + XSK_FLUSH_US;
	while (tx_waiting(s) && mono_us() < end) {
		uint32_t before = tx_waiting(s);
		kick_tx(s);
		if (tx_waiting(s) == before)
			nanosleep(&(struct timespec){.tv_nsec = 50000}, NULL);
	}
}

void gw_xsk_close(struct gw_xsk *s)
{
	if (!s)
		return;
	if (s->sock) /* (its rings exist) */
		flush_tx(s);
	gw_xsk_unmap(s);
	xsk_socket__delete(s->sock);
	xsk_umem__delete(s->umem);
	if (s->area)
		munmap(s->area, (size_t)XSK_FRAMES * XSK_FRAME_SIZE);
	gw_xdp_unref(s->xdp);
	free(s);
}

void gw_xsk_unmap(struct gw_xsk *s)
{
	if (s->in_map)
		gw_xdp_map_set(s->xdp, s->queue, -1, false);
	s->in_map = false;
}

bool gw_xsk_zerocopy(const struct gw_xsk *s)
{
	return s->zerocopy;
}

int gw_xsk_fd(const struct gw_xsk *s)
{
	return xsk_socket__fd(s->sock);
}

bool gw_xsk_busy_poll(struct gw_xsk *s)
{
	if (!s->busy_us)
		return false;
	/* the window runs from the end of the last round that found frames (its forwarding and
	 * sending done), not from their arrival: a full vector's work is no quiet time */
	uint64_t now = mono_us();
	if (s->got)
		s->last_rx_us = now;
	s->got = false;
	/* quiet for longer than the window: the thread sleeps until the kernel wakes it */
	if (now - s->last_rx_us > s->busy_us)
		return false;
	/* non-blocking: one NAPI poll of the queue in this thread, then back */
	(void)recvfrom(gw_xsk_fd(s), NULL, 0, MSG_DONTWAIT, NULL, NULL);
	return true;
}

int gw_xsk_ifindex(const struct gw_xsk *s)
{
	return gw_xdp_ifindex(s->xdp);
}

/* Gives n received frames back to the kernel (they were copied out). */
static void refill(struct gw_xsk *s, const uint64_t *addrs, unsigned n)
{
	uint32_t idx;
	/* the fill ring holds every receive frame: room for those just taken is always there */
	if (xsk_ring_prod__reserve(&s->fill, n, &idx) != n)
		return;
	for (unsigned i = 0; i < n; i++)
		*xsk_ring_prod__fill_addr(&s->fill, idx + i) = addrs[i];
	xsk_ring_prod__submit(&s->fill, n);
	if (xsk_ring_prod__needs_wakeup(&s->fill))
		(void)recvfrom(gw_xsk_fd(s), NULL, 0, MSG_DONTWAIT, NULL, NULL);
}

unsigned gw_xsk_recv(struct gw_xsk *s, struct gw_pool *pool, struct gw_pkt **pkts, unsigned max)
{
	uint32_t idx;
	uint64_t addrs[GW_VEC_MAX];
	/* no more than there are buffers for: the rest waits in the ring (and when the ring
	 * is full, the kernel drops and counts: rx_socket_overflow, as a socket's would) */
	uint32_t avail = gw_pool_avail(pool);
	max = max > GW_VEC_MAX ? GW_VEC_MAX : max;
	max = max > avail ? avail : max;
	unsigned n = xsk_ring_cons__peek(&s->rx, max, &idx);
	for (unsigned i = 0; i < n; i++) {
		const struct xdp_desc *d = xsk_ring_cons__rx_desc(&s->rx, idx + i);
		addrs[i] = xsk_umem__extract_addr(d->addr);
		pkts[i] = gw_pkt_alloc(pool); /* a frame (<= 4 KiB) fits a buffer */
		gw_pkt_set(pkts[i], (uint8_t *)s->area + xsk_umem__add_offset_to_addr(d->addr),
		           d->len);
	}
	xsk_ring_cons__release(&s->rx, n);
	if (n) {
		refill(s, addrs, n);
		s->got = true;
	}
	return n;
}

/* Takes back the frames the kernel has sent. */
static void reap(struct gw_xsk *s)
{
	uint32_t idx;
	unsigned n = xsk_ring_cons__peek(&s->comp, XSK_RING, &idx);
	for (unsigned i = 0; i < n; i++)
		s->free_tx[s->n_free++] = *xsk_ring_cons__comp_addr(&s->comp, idx + i);
	xsk_ring_cons__release(&s->comp, n);
}

/* Descriptors on the transmit ring the kernel has not taken yet. */
static uint32_t tx_waiting(const struct gw_xsk *s)
{
	return *s->tx.producer - __atomic_load_n(s->tx.consumer, __ATOMIC_ACQUIRE);
}

/*
 * In copy mode a kick sends at most 32 frames (the kernel's TX_BATCH_SIZE) and answers
 * EAGAIN while more wait: kick until the ring is empty, or until a kick takes nothing (the
 * netdev's queue is full: what waits goes with the next vector's kick).
 */
static void kick_tx(struct gw_xsk *s)
{
	for (unsigned i = 0; i < XSK_KICKS_MAX && tx_waiting(s); i++) {
		if (!xsk_ring_prod__needs_wakeup(&s->tx))
			return;
		uint32_t before = tx_waiting(s);
		if (sendto(gw_xsk_fd(s), NULL, 0, MSG_DONTWAIT, NULL, 0) < 0 && errno != EAGAIN &&
		    errno != EBUSY && errno != ENOBUFS)
			return;
		if (tx_waiting(s) == before)
			return;
	}
}

unsigned gw_xsk_send(struct gw_xsk *s, struct gw_pkt *const *pkts, unsigned n)
{
	uint32_t idx;
	unsigned queued = 0;
	reap(s);
	for (unsigned i = 0; i < n; i++) {
		const struct gw_pkt *p = pkts[i];
		if (!gw_xsk_fits(p->len) || !s->n_free ||
		    xsk_ring_prod__reserve(&s->tx, 1, &idx) != 1)
			continue;
		uint64_t addr = s->free_tx[--s->n_free];
		memcpy((uint8_t *)s->area + addr, p->data, p->len);
		*xsk_ring_prod__tx_desc(&s->tx, idx) =
		    (struct xdp_desc){.addr = addr, .len = p->len};
		queued++;
	}
	xsk_ring_prod__submit(&s->tx, queued);
	if (queued)
		kick_tx(s);
	return n - queued;
}

bool gw_xsk_tx_flush(struct gw_xsk *s)
{
	reap(s);
	if (tx_waiting(s))
		kick_tx(s);
	return tx_waiting(s) != 0;
}

uint64_t gw_xsk_rx_dropped(const struct gw_xsk *s)
{
	struct xdp_statistics st;
	socklen_t len = sizeof(st);
	if (getsockopt(gw_xsk_fd(s), SOL_XDP, XDP_STATISTICS, &st, &len) < 0)
		return 0;
	return st.rx_dropped + st.rx_ring_full;
}
