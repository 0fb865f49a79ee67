/*
 * gw/workers/worker.c - data-plane worker threads (see gw/workers/worker.h).
 */
#include "gw/workers/worker.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>
#include <urcu-qsbr.h>

#include "gw/workers/fast.h"
#include "gw/workers/fwd.h"
#include "gw/io/xdp.h"
#include "gw/gw_int.h"
#include "gw/workers/ring.h"
#include "gw/log.h"
#include "vxlan/vtep.h"

/*
 * ThreadSanitizer does not see liburcu's ordering (its barriers and grace periods are
 * plain and volatile accesses), so under it the publication of a snapshot and the end of
 * its readers are told to it: the main thread releases before rcu_assign_pointer and
 * acquires from every worker after synchronize_rcu; a worker acquires after
 * rcu_dereference and releases at each quiescent state. Nothing without the sanitizer.
 */
#if defined(__SANITIZE_THREAD__)
#define WORKER_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define WORKER_TSAN 1
#endif
#endif
#ifdef WORKER_TSAN
#include <sanitizer/tsan_interface.h>
#define tsan_release(a) __tsan_release((void *)(a))
#define tsan_acquire(a) __tsan_acquire((void *)(a))
#else
#define tsan_release(a) ((void)(a))
#define tsan_acquire(a) ((void)(a))
#endif

#define WORKER_POOL_BUFS 4096 /* per worker; also the return ring, so it can never fill */
#define PUNT_RING        1024 /* packets waiting for the main thread, per worker */
#define RX_ROUNDS        16   /* vectors per wake-up before looking at the stop flag */
#define POLL_MS          100
#define TX_WAIT_POLL_MS  1 /* while frames wait on a transmit ring */
#define PORTS_MAX        GW_WORKER_UPLINKS_MAX

/* The worker's socket on one uplink netdev, in the netdev's PACKET_FANOUT group, and its
 * AF_XDP socket on the netdev's receive queue of the worker's number (dataplane io xdp). */
struct wport {
	char name[GW_IF_NAMELEN];
	struct gw_eth *eth;
	uint16_t port;                 /* its index in the snapshot's ports (0: not there) */
	uint16_t any_ifx;              /* an interface on it, for the main thread's gw_input_eth */
	uint64_t drops_seen;           /* its socket's totals, counted so far */
	struct gw_io_rx_stats rx_seen; /* its driver's */
};

struct worker {
	struct gw_workers *ws;
	unsigned id;
	pthread_t th;
	bool started;
	struct gw_udp *udp;
	int rx_fds[3]; /* the underlay's unicast sockets: AF_XDP, one per family */
	unsigned n_rx;
	struct gw_pool *pool;
	struct gw_ring *punt; /* worker -> main: packets as received */
	struct gw_ring *ret;  /* main -> worker: their buffers, once copied */
	struct gw_fast *fast; /* big: a pointer per possible port */
	unsigned n_ports;
	struct wport ports[PORTS_MAX];
	uint64_t cfg_serial;      /* of the snapshot the ports were mapped in */
	struct gw_fast_cnt *cnt;  /* written by the worker */
	struct gw_fast_cnt *seen; /* the main thread's copy at the last fold */
	uint64_t punt_drops_seen;
	/* its driver's totals (struct gw_udp_tx), published for the main thread */
	_Atomic uint64_t tx_l2, tx_raw, tx_gso;
	struct gw_udp_tx tx_seen;      /* main thread's */
	uint64_t rx_drops_seen;        /* main thread's */
	struct gw_io_rx_stats rx_seen; /* the worker's: its driver's */
	uint64_t final_rx_drops;       /* its socket's drop count when it closed it */
	uint64_t eth_stats_ms;         /* when it last asked its uplink sockets for their drops */
	struct gw_worker_info base;    /* main thread's: its counts at the last clear counters */
};

struct gw_workers {
	unsigned n;
	atomic_bool stop;
	int wake_fd;        /* eventfd: wakes every worker's poll at stop */
	struct gw_fwd *fwd; /* RCU-protected: rcu_dereference by workers */
	uint64_t last_publish_ms, last_build_ms;
	uint64_t counter_clears; /* gw's, at the last fold */
	void (*notify)(void *ctx);
	void *notify_ctx;
	unsigned n_ups;
	struct gw_worker_uplink ups[PORTS_MAX];
	struct worker w[];
};

/* ---------------------------------------------------------------- the worker thread */

/* Buffers the main thread has copied come back to the pool. */
static void reclaim(struct worker *w)
{
	void *b[GW_VEC_MAX];
	unsigned n;
	while ((n = gw_ring_pop(w->ret, b, GW_VEC_MAX)) != 0)
		for (unsigned i = 0; i < n; i++)
			gw_pkt_free(w->pool, b[i]);
}

/* Uplink frames go out on this worker's socket of their netdev, in runs of one netdev. */
static void send_eth(struct worker *w, const struct gw_fwd *fwd)
{
	struct gw_fast *f = w->fast;
	unsigned start = 0;
	while (start < f->n_tx_eth) {
		uint16_t port = fwd->cfg->ifs[f->tx_eth[start]->tx_ifx].port;
		unsigned end = start + 1;
		while (end < f->n_tx_eth && fwd->cfg->ifs[f->tx_eth[end]->tx_ifx].port == port)
			end++;
		struct gw_eth *e = f->port_tx[port];
		uint64_t xsk_sent = gw_eth_xsk_sent(e);
		unsigned refused = gw_eth_send(e, w->pool, &f->tx_eth[start], end - start);
		gw_cnt_add(&w->cnt->c.drops[GW_DROP_TX_FAILED], refused);
		gw_cnt_add(&w->cnt->c.tx_uplink_xdp, gw_eth_xsk_sent(e) - xsk_sent);
		start = end;
	}
	f->n_tx_eth = 0;
}

/*
 * Its driver's transmit totals, for the main thread (tx_published). gso is a part of l2:
 * stored last, with release, so that whoever reads it first (acquire) reads an l2 at least
 * as new, and the gateway's counters never show more of l2 cut by GSO than l2 itself.
 */
static void tx_publish(struct worker *w)
{
	struct gw_udp_tx tx;
	gw_udp_tx_paths(w->udp, &tx);
	atomic_store_explicit(&w->tx_l2, tx.l2, memory_order_relaxed);
	atomic_store_explicit(&w->tx_raw, tx.raw, memory_order_relaxed);
	atomic_store_explicit(&w->tx_gso, tx.gso, memory_order_release);
}

static void send_forwarded(struct worker *w, const struct gw_fwd *fwd)
{
	struct gw_fast *f = w->fast;
	if (f->n_tx_eth)
		send_eth(w, fwd);
	if (!f->n_tx)
		return;
	gw_cnt_add(&w->cnt->c.tx_underlay, f->n_tx);
	unsigned refused = gw_udp_send(w->udp, w->pool, f->tx, f->n_tx);
	gw_cnt_add(&w->cnt->c.drops[GW_DROP_TX_FAILED], refused);
	f->n_tx = 0;
	tx_publish(w);
}

static void punt_to_main(struct worker *w)
{
	struct gw_fast *f = w->fast;
	unsigned sent = 0;
	for (unsigned i = 0; i < f->n_punt; i++) {
		if (gw_ring_push(w->punt, f->punt[i])) {
			sent++;
		} else {
			gw_cnt_add(&w->cnt->c.drops[GW_DROP_PUNT_FULL], 1);
			gw_pkt_free(w->pool, f->punt[i]);
		}
	}
	gw_cnt_add(&w->cnt->punted, sent);
	f->n_punt = 0;
	if (sent)
		w->ws->notify(w->ws->notify_ctx);
}

/*
 * The snapshot's ports are numbered by the main thread's tables: when a new configuration
 * copy comes, find this worker's netdevs in it again (by name).
 */
static void map_ports(struct worker *w, const struct gw_fwd_cfg *c)
{
	if (c->serial == w->cfg_serial)
		return;
	w->cfg_serial = c->serial;
	for (unsigned k = 0; k < w->n_ports; k++) {
		struct wport *wp = &w->ports[k];
		w->fast->port_tx[wp->port] = NULL;
		wp->port = 0;
		for (unsigned i = 1; i <= GW_IF_MAX && !wp->port; i++)
			if (!strcmp(c->ports[i].name, wp->name))
				wp->port = (uint16_t)i;
		wp->any_ifx = c->ports[wp->port].any_ifx;
		if (wp->port)
			w->fast->port_tx[wp->port] = wp->eth;
	}
}

/* What a socket's running total (total) grew by since *seen, as the worker's drops. */
static void worker_drop_total(struct worker *w, enum gw_drop why, uint64_t total, uint64_t *seen)
{
	gw_cnt_add(&w->cnt->c.drops[why], total - *seen);
	*seen = total;
}

/* One vector from underlay socket fd (wp NULL) or an uplink (fd: its AF_XDP socket's, -1:
 * its packet socket), through the fast path; the count received. */
static unsigned worker_vector(struct worker *w, struct wport *wp, int fd)
{
	struct gw_pkt *pkts[GW_VEC_MAX];
	struct gw_io_rx_stats rx;
	unsigned n;
	if (!wp) {
		n = gw_udp_recv(w->udp, fd, w->pool, pkts, GW_VEC_MAX);
		gw_udp_rx_stats(w->udp, &rx);
		gw_counters_add_rx(&w->cnt->c, &rx, &w->rx_seen);
	} else {
		n = fd >= 0 ? gw_eth_xsk_recv(wp->eth, w->pool, pkts, GW_VEC_MAX)
		            : gw_eth_recv(wp->eth, w->pool, pkts, GW_VEC_MAX);
		gw_eth_rx_stats(wp->eth, &rx);
		gw_counters_add_rx(&w->cnt->c, &rx, &wp->rx_seen);
	}
	if (!n)
		return 0;
	w->fast->now_ms = gw_clock_ms();
	const struct gw_fwd *fwd = rcu_dereference(w->ws->fwd);
	tsan_acquire(&w->ws->fwd);
	map_ports(w, fwd->cfg);
	if (!wp) {
		gw_fast_underlay(w->fast, fwd, pkts, n);
	} else if (!wp->port) {
		/* its netdev left the configuration; the restart that follows closes the socket */
		for (unsigned i = 0; i < n; i++)
			gw_pkt_free(w->pool, pkts[i]);
		gw_cnt_add(&w->cnt->c.drops[GW_DROP_IF_DOWN], n);
	} else {
		for (unsigned i = 0; i < n; i++)
			pkts[i]->rx_ifx = wp->any_ifx; /* what the main thread needs if punted */
		gw_fast_eth(w->fast, fwd, wp->port, pkts, n);
	}
	send_forwarded(w, fwd);
	punt_to_main(w);
	tsan_release(w);
	rcu_quiescent_state(); /* done with fwd */
	return n;
}

/*
 * What the kernel dropped at the worker's uplink sockets (their buffers full) counts as
 * drops of the worker. Only the worker may ask (PACKET_STATISTICS resets on every read,
 * and the socket is the worker's), about once a second and when it leaves.
 */
static void worker_eth_drops(struct worker *w)
{
	for (unsigned k = 0; k < w->n_ports; k++) {
		struct wport *wp = &w->ports[k];
		worker_drop_total(w, GW_DROP_RX_OVERFLOW, gw_eth_rx_dropped(wp->eth),
		                  &wp->drops_seen);
	}
	w->eth_stats_ms = gw_clock_ms();
}

/* Up to RX_ROUNDS vectors from one socket (underlay socket fd, or an uplink's: see
 * worker_vector). */
static void worker_rx(struct worker *w, struct wport *wp, int fd)
{
	for (int round = 0; round < RX_ROUNDS; round++) {
		reclaim(w);
		if (worker_vector(w, wp, fd) < GW_VEC_MAX && (wp || !gw_udp_rx_pending(w->udp, fd)))
			return;
	}
}

/* Coalesced datagrams held back by the driver are off their socket: do not wait for it. */
static bool worker_rx_held(const struct worker *w)
{
	bool held = false;
	for (unsigned i = 0; i < w->n_rx; i++)
		held |= gw_udp_rx_pending(w->udp, w->rx_fds[i]);
	return held;
}

/*
 * Stopping: what waits in the sockets is forwarded, then they are closed at once, so that
 * the kernel gives this worker's share to the sockets left in the groups (a new set of
 * workers, or the main thread's uplink sockets).
 */
static void worker_leave(struct worker *w)
{
	(void)gw_udp_quiesce(w->udp); /* best effort: else the drain below narrows the gap */
	for (unsigned k = 0; k < w->n_ports; k++)
		gw_eth_xsk_unmap(w->ports[k].eth); /* its queue's frames to the packet sockets */
	for (unsigned i = 0; i < w->n_rx; i++)
		worker_rx(w, NULL, w->rx_fds[i]);
	for (unsigned k = 0; k < w->n_ports; k++) {
		int xsk = gw_eth_xsk_fd(w->ports[k].eth);
		if (xsk >= 0) /* (-1 would read the packet socket: that comes next) */
			worker_rx(w, &w->ports[k], xsk);
		worker_rx(w, &w->ports[k], -1);
	}
	worker_eth_drops(w);
	for (unsigned k = 0; k < w->n_ports; k++) {
		w->fast->port_tx[w->ports[k].port] = NULL;
		gw_eth_close(w->ports[k].eth);
		w->ports[k].eth = NULL;
	}
	w->n_ports = 0;
	w->final_rx_drops = gw_udp_rx_dropped(w->udp);
	gw_udp_close(w->udp);
	w->udp = NULL;
}

/* Frames a send left on an AF_XDP transmit ring (the netdev's queue was full) go before
 * the worker sleeps, and while some still wait it sleeps briefly: no later send may come. */
static bool worker_tx_flush(struct worker *w)
{
	bool waits = gw_udp_tx_flush(w->udp);
	for (unsigned k = 0; k < w->n_ports; k++)
		waits |= gw_eth_tx_flush(w->ports[k].eth);
	return waits;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	/* the wake-up, the underlay's sockets (AF_XDP, IPv4, IPv6), the uplinks' (packet
	 * socket, AF_XDP socket or -1, which poll skips) */
	struct pollfd pfd[1 + 3 + 2 * PORTS_MAX] = {{.fd = w->ws->wake_fd, .events = POLLIN}};
	unsigned eth0 = 1 + w->n_rx;
	for (unsigned i = 0; i < w->n_rx; i++)
		pfd[1 + i] = (struct pollfd){.fd = w->rx_fds[i], .events = POLLIN};
	for (unsigned k = 0; k < w->n_ports; k++) {
		const struct gw_eth *e = w->ports[k].eth;
		pfd[eth0 + 2 * k] = (struct pollfd){.fd = gw_eth_fd(e), .events = POLLIN};
		pfd[eth0 + 2 * k + 1] = (struct pollfd){.fd = gw_eth_xsk_fd(e), .events = POLLIN};
	}
	char name[16];
	snprintf(name, sizeof(name), "vxgw-w%u", w->id);
	pthread_setname_np(pthread_self(), name);
	rcu_register_thread();
	while (!atomic_load_explicit(&w->ws->stop, memory_order_acquire)) {
		tsan_release(w);
		rcu_thread_offline(); /* asleep: grace periods need not wait for us */
		bool held = worker_rx_held(w);
		/* busy polling: the AF_XDP queue was just polled here; look, do not sleep */
		bool busy = gw_udp_busy_poll(w->udp);
		bool tx_waits = worker_tx_flush(w);
		int r = poll(pfd, eth0 + 2 * w->n_ports,
		             held || busy ? 0
		             : tx_waits   ? TX_WAIT_POLL_MS
		                          : POLL_MS);
		rcu_thread_online();
		reclaim(w);
		for (unsigned i = 0; i < w->n_rx; i++)
			if (gw_udp_rx_pending(w->udp, w->rx_fds[i]) || (busy && i == 0) ||
			    (r > 0 && (pfd[1 + i].revents & POLLIN)))
				worker_rx(w, NULL, w->rx_fds[i]);
		/* POLLERR: the netdev went down (ENETDOWN). The error stays pending, and poll
		 * returns at once, until a read reports it: read, or the thread spins. */
		for (unsigned k = 0; r > 0 && k < w->n_ports; k++) {
			if (pfd[eth0 + 2 * k + 1].revents & POLLIN)
				worker_rx(w, &w->ports[k], pfd[eth0 + 2 * k + 1].fd);
			if (pfd[eth0 + 2 * k].revents & (POLLIN | POLLERR))
				worker_rx(w, &w->ports[k], -1);
		}
		if (w->n_ports && gw_clock_ms() - w->eth_stats_ms >= 1000)
			worker_eth_drops(w);
	}
	worker_leave(w);
	rcu_unregister_thread();
	return NULL;
}

/* ---------------------------------------------------------------- main thread */

/* worker_init went through for w: a start that failed half-way stops the others (a
 * worker's socket could not be bound, say) and must not read what w never got. */
static bool worker_made(const struct worker *w)
{
	return w->punt && w->ret && w->cnt && w->seen;
}

static void worker_free(struct worker *w)
{
	for (unsigned k = 0; k < w->n_ports; k++)
		gw_eth_close(w->ports[k].eth);
	free(w->fast);
	gw_udp_close(w->udp);
	if (w->pool) {
		/* buffers still on the rings belong to this pool, which goes with them */
		gw_pool_destroy(w->pool);
	}
	gw_ring_destroy(w->punt);
	gw_ring_destroy(w->ret);
	free(w->cnt);
	free(w->seen);
}

/*
 * The worker's AF_XDP socket on its queue of an uplink's netdev, where the netdev has a
 * program and that queue. A socket the kernel refuses (a queue another program's socket
 * holds) is logged, not fatal: the packet socket still gets the queue's frames.
 */
static void worker_port_xsk(struct worker *w, struct wport *wp, struct gw_xdp *x)
{
	char err[GW_IO_ERRLEN];
	if (x && w->id < gw_xdp_queues(x) && gw_eth_xsk_open(wp->eth, x, w->id, err) < 0)
		gw_log(LOG_WARNING, "worker %u: uplink %s: %s; its packet socket receives", w->id,
		       wp->name, err);
}

/* The worker's sockets on the uplink netdevs, each joining the main thread's group. */
static int worker_ports(struct worker *w, const struct gw_worker_uplink *ups, unsigned n, char *err)
{
	for (unsigned k = 0; k < n && k < PORTS_MAX; k++) {
		struct wport *wp = &w->ports[w->n_ports];
		wp->eth = gw_eth_open(ups[k].name, err);
		if (!wp->eth)
			return -1;
		w->n_ports++;
		if (gw_eth_fanout_join(wp->eth, ups[k].fanout, err) < 0)
			return -1;
		snprintf(wp->name, sizeof(wp->name), "%s", ups[k].name);
		worker_port_xsk(w, wp, ups[k].xdp);
	}
	return 0;
}

/*
 * An IPv6 sender's name, asked by the driver while it receives (the worker is inside its
 * read-side section then): from the table the current snapshot carries.
 */
static uint32_t worker_name6(void *ctx, const struct in6_addr *a)
{
	const struct worker *w = ctx;
	const struct gw_fwd *fwd = rcu_dereference(w->ws->fwd);
	tsan_acquire(&w->ws->fwd);
	return fwd && fwd->cfg->vteps ? vx_vteps_find(fwd->cfg->vteps, a) : 0;
}

static int worker_init(struct gw_workers *ws, unsigned id, const struct gw_udp_cfg *ucfg,
                       const struct gw_worker_uplink *ups, unsigned n_ups, char *err)
{
	struct worker *w = &ws->w[id];
	w->ws = ws;
	w->id = id;
	w->fast = calloc(1, sizeof(*w->fast));
	if (!w->fast) {
		snprintf(err, GW_IO_ERRLEN, "worker %u: out of memory", id);
		return -1;
	}
	w->fast->acl_thread = id + 1; /* access-list counter slot 0 is the main thread's */
	struct gw_udp_cfg c = *ucfg;
	c.name6_ctx = w;
	c.xdp_queue = id;
	if (c.xdp && id >= gw_xdp_queues(c.xdp))
		c.xdp = NULL; /* no queue of its own: the sockets only */
	w->udp = gw_udp_open_cfg(&c, err);
	if (!w->udp || worker_ports(w, ups, n_ups, err) < 0)
		return -1;
	/* no group joined yet: the unicast sockets only */
	int n = gw_udp_fds(w->udp, w->rx_fds, 3);
	w->n_rx = n > 0 ? (unsigned)n : 0;
	w->pool = gw_pool_create(WORKER_POOL_BUFS);
	w->punt = gw_ring_create(PUNT_RING);
	w->ret = gw_ring_create(WORKER_POOL_BUFS);
	w->cnt = calloc(1, sizeof(*w->cnt));
	w->seen = calloc(1, sizeof(*w->seen));
	if (!w->n_rx || !w->pool || !w->punt || !w->ret || !w->cnt || !w->seen) {
		snprintf(err, GW_IO_ERRLEN, "worker %u: out of memory", id);
		return -1;
	}
	w->fast->cnt = w->cnt;
	w->fast->pool = w->pool;
	w->rx_drops_seen = gw_udp_rx_dropped(w->udp);
	return 0;
}

struct gw_workers *gw_workers_start(struct gw *gw, unsigned n, uint32_t vtep, uint16_t port,
                                    struct gw_xdp *xdp, const struct gw_worker_uplink *ups,
                                    unsigned n_ups, void (*notify)(void *ctx), void *ctx,
                                    char err[GW_IO_ERRLEN])
{
	if (n < 1 || n > GW_WORKERS_MAX || (!vtep && !gw_vtep6(gw))) {
		snprintf(err, GW_IO_ERRLEN, "bad worker count %u or no VTEP", n);
		return NULL;
	}
	struct gw_workers *ws = calloc(1, sizeof(*ws) + n * sizeof(ws->w[0]));
	if (!ws) {
		snprintf(err, GW_IO_ERRLEN, "out of memory");
		return NULL;
	}
	ws->n = n;
	ws->n_ups = n_ups < PORTS_MAX ? n_ups : PORTS_MAX;
	if (ws->n_ups) /* ups may be NULL without uplinks: no memcpy from NULL */
		memcpy(ws->ups, ups, ws->n_ups * sizeof(*ups));
	ws->notify = notify;
	ws->notify_ctx = ctx;
	ws->counter_clears = gw->counter_clears;
	atomic_init(&ws->stop, false);
	ws->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	bool ok = ws->wake_fd >= 0;
	const struct in6_addr *vtep6 = gw_vtep6(gw);
	const struct gw_udp_cfg ucfg = {.vtep = vtep,
	                                .vtep6 = vtep6 ? *vtep6 : in6addr_any,
	                                .vtep6_name = gw_vtep6_name(gw),
	                                .port = port,
	                                .flags = GW_UDP_REUSEPORT,
	                                .udp6_zero_csum_rx = gw_udp6_zero_csum_rx(gw),
	                                .name6 = worker_name6,
	                                .xdp = xdp};
	for (unsigned i = 0; ok && i < n; i++)
		ok = worker_init(ws, i, &ucfg, ups, n_ups, err) == 0;
	if (ok) {
		ws->last_publish_ms = gw_clock_ms();
		ws->fwd = gw_fwd_build(gw, NULL, true, ws->last_publish_ms);
		ok = ws->fwd != NULL;
		gw->fwd_published += ok;
		if (!ok)
			snprintf(err, GW_IO_ERRLEN, "forwarding snapshot: out of memory");
	}
	for (unsigned i = 0; ok && i < n; i++) {
		int e = pthread_create(&ws->w[i].th, NULL, worker_main, &ws->w[i]);
		if (e) {
			snprintf(err, GW_IO_ERRLEN, "worker thread: %s", strerror(e));
			ok = false;
		}
		ws->w[i].started = !e;
	}
	if (!ok) {
		gw_workers_stop(ws, gw);
		return NULL;
	}
	return ws;
}

void gw_workers_stop(struct gw_workers *ws, struct gw *gw)
{
	if (!ws)
		return;
	atomic_store_explicit(&ws->stop, true, memory_order_release);
	if (ws->wake_fd >= 0)
		(void)!write(ws->wake_fd, &(uint64_t){1}, sizeof(uint64_t));
	for (unsigned i = 0; i < ws->n; i++)
		if (ws->w[i].started)
			pthread_join(ws->w[i].th, NULL);
	gw_workers_drain(ws, gw, UINT32_MAX);
	gw_workers_fold(ws, gw);
	for (unsigned i = 0; i < ws->n; i++)
		worker_free(&ws->w[i]);
	gw_fwd_free(ws->fwd); /* no reader is left */
	if (ws->wake_fd >= 0)
		close(ws->wake_fd);
	free(ws);
}

unsigned gw_workers_count(const struct gw_workers *ws)
{
	return ws ? ws->n : 0;
}

size_t gw_workers_pool_resident(const struct gw_workers *ws)
{
	size_t sum = 0;
	for (unsigned i = 0; ws && i < ws->n; i++)
		sum += ws->w[i].pool ? gw_pool_resident(ws->w[i].pool) : 0;
	return sum;
}

uint64_t gw_workers_publish(struct gw_workers *ws, struct gw *gw, bool cfg_changed, uint64_t now)
{
	if (!cfg_changed && !gw_fwd_stale(gw, ws->fwd))
		return 0;
	/* At most one in ten milliseconds of the main thread's time goes to copying: under a
	 * storm of new MACs, big tables are republished less often (punted meanwhile). */
	uint64_t gap =
	    ws->last_build_ms * 10 > GW_FWD_MIN_GAP_MS ? ws->last_build_ms * 10 : GW_FWD_MIN_GAP_MS;
	if (!cfg_changed && now < ws->last_publish_ms + gap)
		return ws->last_publish_ms + gap - now;
	struct gw_fwd *f = gw_fwd_build(gw, ws->fwd, cfg_changed, now);
	if (!f)
		return GW_FWD_MIN_GAP_MS; /* out of memory: the old one stays, try again */
	struct gw_fwd *old = ws->fwd;
	tsan_release(&ws->fwd);
	rcu_assign_pointer(ws->fwd, f);
	uint64_t built = gw_clock_ms();
	ws->last_build_ms = built > now ? built - now : 0;
	ws->last_publish_ms = built;
	gw->fwd_published++;
	/* The main thread is no reader: waiting here is at most one vector of each worker. */
	synchronize_rcu();
	for (unsigned i = 0; i < ws->n; i++)
		tsan_acquire(&ws->w[i]);
	gw_fwd_free(old);
	return 0;
}

/* Punted packets to the pipeline in runs of one source: the underlay (rx_ifx 0) or the
 * netdev of uplink rx_ifx. */
static void input_runs(struct gw *gw, struct gw_pkt **v, unsigned n)
{
	unsigned start = 0;
	while (start < n) {
		uint16_t ifx = v[start]->rx_ifx;
		unsigned end = start + 1;
		while (end < n && v[end]->rx_ifx == ifx)
			end++;
		for (unsigned i = start; i < end; i++)
			v[i]->rx_ifx = 0;
		if (ifx)
			gw_input_eth(gw, ifx, v + start, end - start);
		else
			gw_input_underlay(gw, v + start, end - start);
		start = end;
	}
}

/* The punted packets of one worker, copied into the main thread's buffers and fed to the
 * pipeline a vector at a time; the workers' buffers go back on their return rings. */
static unsigned drain_one(struct worker *w, struct gw *gw, unsigned budget)
{
	void *b[GW_VEC_MAX];
	struct gw_pkt *v[GW_VEC_MAX];
	unsigned done = 0, n;
	while (done < budget &&
	       (n = gw_ring_pop(w->punt, b,
	                        budget - done < GW_VEC_MAX ? budget - done : GW_VEC_MAX)) != 0) {
		unsigned nv = 0;
		for (unsigned i = 0; i < n; i++) {
			struct gw_pkt *p = b[i], *q = gw_pkt_alloc(gw->pool);
			if (q) {
				gw_pkt_set(q, p->data, p->len);
				gw_pkt_copy_outer(q, p);
				q->rx_ifx = p->rx_ifx;
				q->flags = p->flags;
				v[nv++] = q;
			} else {
				gw_count_drop(gw, GW_DROP_NO_BUFFER, 1);
			}
			gw_ring_push(w->ret, p); /* cannot fail: it holds the whole pool */
		}
		input_runs(gw, v, nv);
		done += n;
	}
	return done;
}

bool gw_workers_drain(struct gw_workers *ws, struct gw *gw, unsigned budget)
{
	bool more = false;
	for (unsigned i = 0; i < ws->n; i++) {
		unsigned share = budget / ws->n ? budget / ws->n : 1;
		if (worker_made(&ws->w[i]) && drain_one(&ws->w[i], gw, share) == share)
			more = true;
	}
	return more;
}

/* A worker's counts in c (its live ones or the main thread's copy) as show dataplane has
 * them. */
static void info_of(const struct gw_fast_cnt *c, const struct gw_udp_tx *tx,
                    struct gw_worker_info *wi)
{
	/* what the fast path took in is what it forwarded (it drops nothing itself) */
	uint64_t fwd = __atomic_load_n(&c->c.rx_underlay, __ATOMIC_RELAXED) +
	               __atomic_load_n(&c->c.rx_eth, __ATOMIC_RELAXED);
	uint64_t punted = __atomic_load_n(&c->punted, __ATOMIC_RELAXED);
	uint64_t pdrops = __atomic_load_n(&c->c.drops[GW_DROP_PUNT_FULL], __ATOMIC_RELAXED);
	*wi = (struct gw_worker_info){
	    .rx = fwd + punted + pdrops,
	    .forwarded = fwd,
	    .punted = punted,
	    .punt_drops = pdrops,
	    .tx_failed = __atomic_load_n(&c->c.drops[GW_DROP_TX_FAILED], __ATOMIC_RELAXED),
	    .tx_l2 = tx->l2,
	    .tx_raw = tx->raw,
	    .tx_gso = tx->gso,
	};
}

/* What the worker published last (tx_publish): gso first, see there. */
static struct gw_udp_tx tx_published(const struct worker *w)
{
	uint64_t gso = atomic_load_explicit(&w->tx_gso, memory_order_acquire);
	return (struct gw_udp_tx){
	    .l2 = atomic_load_explicit(&w->tx_l2, memory_order_relaxed),
	    .raw = atomic_load_explicit(&w->tx_raw, memory_order_relaxed),
	    .gso = gso,
	};
}

void gw_workers_fold(struct gw_workers *ws, struct gw *gw)
{
	/* Counters cleared since the last fold: the totals lost what the workers had counted
	 * up to it, which is what their copies (seen) hold; their own counts restart there. */
	bool cleared = ws->counter_clears != gw->counter_clears;
	ws->counter_clears = gw->counter_clears;
	for (unsigned i = 0; i < ws->n; i++) {
		struct worker *w = &ws->w[i];
		if (!worker_made(w))
			continue;
		if (cleared)
			info_of(w->seen, &w->tx_seen, &w->base);
		gw_fast_fold(gw, w->cnt, w->seen);
		struct gw_udp_tx tx = tx_published(w);
		gw_count_underlay_paths(gw, tx.l2 - w->tx_seen.l2, tx.raw - w->tx_seen.raw,
		                        tx.gso - w->tx_seen.gso);
		w->tx_seen = tx;
		/* the kernel's count, asked from here: SO_MEMINFO on the worker's socket (once
		 * the worker has closed it, what it read last) */
		gw_count_drop_total(gw, GW_DROP_RX_OVERFLOW,
		                    w->udp ? gw_udp_rx_dropped(w->udp) : w->final_rx_drops,
		                    &w->rx_drops_seen);
	}
}

bool gw_workers_info(const struct gw_workers *ws, unsigned i, struct gw_worker_info *wi)
{
	if (!ws || i >= ws->n)
		return false;
	const struct worker *w = &ws->w[i];
	const struct gw_worker_info *b = &w->base;
	struct gw_udp_tx tx = tx_published(w);
	info_of(w->cnt, &tx, wi);
	wi->id = i;
	wi->rx -= b->rx;
	wi->forwarded -= b->forwarded;
	wi->punted -= b->punted;
	wi->punt_drops -= b->punt_drops;
	wi->tx_failed -= b->tx_failed;
	wi->tx_l2 -= b->tx_l2;
	wi->tx_raw -= b->tx_raw;
	wi->tx_gso -= b->tx_gso;
	return true;
}

bool gw_workers_serve_uplink(const struct gw_workers *ws, const char *name, uint64_t serial)
{
	for (unsigned k = 0; ws && k < ws->n_ups; k++)
		if (!strcmp(ws->ups[k].name, name) && ws->ups[k].serial == serial)
			return true;
	return false;
}

bool gw_workers_same_uplinks(const struct gw_workers *ws, const struct gw_worker_uplink *ups,
                             unsigned n)
{
	if (n > PORTS_MAX)
		n = PORTS_MAX;
	if (ws->n_ups != n)
		return false;
	for (unsigned k = 0; k < n; k++)
		if (strcmp(ws->ups[k].name, ups[k].name) || ws->ups[k].fanout != ups[k].fanout ||
		    ws->ups[k].serial != ups[k].serial || ws->ups[k].xdp_gen != ups[k].xdp_gen)
			return false;
	return true;
}

uint64_t gw_workers_publications(const struct gw *gw)
{
	return gw->fwd_published;
}
