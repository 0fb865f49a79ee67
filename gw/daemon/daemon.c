/*
 * gw/daemon/daemon.c - the gateway on real sockets: receive watchers feeding the pipeline a
 * vector at a time, a 100 ms timer for ARP and MAC ageing, and the commit path that
 * reconciles the host resources (underlay socket, multicast groups, uplink netdevs) with
 * each new configuration before applying it.
 */
#include "gw/daemon/daemon.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "common/net.h"
#include "gw/log.h"
#include "gw/io/xdp.h"
#include "gw/workers/worker.h"
#include "vxlan/vtep.h"

#define RX_ROUNDS 16 /* vectors per readable event before yielding to other sockets */
/* vectors read from a socket about to close: more than its receive buffer holds */
#define DRAIN_ROUNDS 64
#define TICK_S       0.1

/*
 * One Linux netdev: its socket serves its main interface and all its sub-interfaces. The
 * socket is bound to the netdev's index; while no netdev of that name is up (deleted,
 * created again but not up yet) there is none, and the interfaces are down.
 */
struct uplink {
	struct gwd *d;
	char name[GW_IF_NAMELEN]; /* the netdev */
	struct gw_eth *eth;       /* NULL: no socket (see uplink_check) */
	/* of the netdev eth is bound to (the last one, while eth is NULL) */
	int ifindex;
	uint8_t mac[6];
	uint32_t mtu;
	uint16_t fanout;        /* the PACKET_FANOUT group eth created, for the workers' to join */
	uint64_t serial;        /* which opening of the socket: the workers' sockets follow it */
	uint8_t link;           /* enum gw_link, as last told to the gateway */
	bool check;             /* a link event named it: look at the netdev again */
	bool opened;            /* eth is new: its interfaces' MTU not compared with it yet */
	char why[GW_IO_ERRLEN]; /* the last reopen failure, logged once */
	bool kernel_ip6_off;    /* the kernel's IPv6 turned off on it (vxgwd routes IPv6 there) */
	bool promisc;           /* eth receives frames to any MAC: an interface on it is a port */
	bool rx;                /* eth is in the fanout group; false: it only sends (workers
	                         * receive, see uplinks_main_rx) */
	uint64_t drops_seen;
	struct gw_io_rx_stats rx_seen;
	uint16_t ifx; /* an interface on the netdev, for gw_input_eth */
	ev_io w;
	/* dataplane io xdp with workers: the program on the netdev (gw_xdp_attach_uplink),
	 * which hands the workers' AF_XDP sockets the frames for the gateway's MACs; NULL:
	 * none (xdp_why: why not, when one was wanted) */
	struct gw_xdp *xdp;
	int xdp_ifindex;            /* the netdev it is on */
	int xdp_failed;             /* the netdev on which attaching failed (0: none) */
	uint64_t xdp_gen;           /* which program: the workers' sockets follow it */
	char xdp_why[GW_IO_ERRLEN]; /* why there is none while one is wanted, or "" */
};

struct udp_watch {
	struct gwd *d;
	ev_io w;
};

struct gwd {
	struct ev_loop *loop;
	struct gwd_opts opts;
	struct gwd_hooks hooks;
	struct gw *gw;
	struct gw_cfg *running;
	struct gw_udp *udp;
	uint32_t udp_vtep;
	uint16_t udp_port;
	int n_udp_w;
	struct udp_watch udp_w[GW_UDP_FDS_MAX];
	uint32_t groups[GW_UDP_GROUPS_MAX];
	int n_groups;
	int n_uplinks;
	struct uplink *uplinks[GW_IF_MAX];
	struct gw_eth *eth_of[GW_IF_MAX + 1]; /* by ifx, for transmit */
	uint64_t uplink_opens;                /* uplink sockets opened so far (their serials) */
	uint64_t uplink_xdps;                 /* uplink programs attached or detached so far */
	struct gw_netdevs *netdevs;           /* link events; NULL if they cannot be had */
	ev_io netdevs_w;
	ev_timer tick;
	uint64_t udp_drops_seen;
	struct gw_udp_tx udp_tx_seen;
	struct gw_io_rx_stats udp_rx_seen;
	bool udp_rx;                /* d->udp has the unicast socket (no workers) */
	enum gw_cfg_io udp_io;      /* the dataplane io d->udp was opened for */
	uint32_t udp_busy_poll;     /* and the dataplane busy-poll */
	unsigned udp_workers;       /* and the workers (auto weighs queues against them) */
	struct gw_xdp *xdp;         /* dataplane io xdp|auto: the program attached, or NULL */
	char xdp_why[GW_IO_ERRLEN]; /* no program though one was asked for: why */
	struct gw_workers *workers; /* NULL: the main thread forwards everything */
	ev_async punted;            /* a worker handed packets over */
	ev_prepare publish;         /* before each sleep: a new snapshot for the workers? */
	ev_timer publish_later;     /* a snapshot due after the minimum gap */
};

/* One commit under way: what the host took for the candidate, to settle or give back. */
struct commit {
	struct gwd *d;
	struct gw_udp *udp; /* the underlay socket the candidate needs */
	int first_new;      /* uplinks from this index on were opened for the candidate */
	bool prepared;      /* host_prepare went through: a failed apply gives it all back */
};

#define fail gw_cfg_fail

const struct gw_cfg *gwd_running(const struct gwd *d)
{
	return d->running;
}

struct gw *gwd_gw(struct gwd *d)
{
	return d->gw;
}

void gwd_sync(struct gwd *d)
{
	if (d->workers)
		gw_workers_fold(d->workers, d->gw);
}

const struct gw_workers *gwd_workers(const struct gwd *d)
{
	return d->workers;
}

/* ---------------------------------------------------------------- transmit */

static void free_all(struct gwd *d, struct gw_pkt **pkts, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		gw_pkt_free(gw_pool(d->gw), pkts[i]);
	gw_count_drop(d->gw, GW_DROP_TX_FAILED, n);
}

static void tx_underlay(void *ctx, struct gw_pkt **pkts, unsigned n)
{
	struct gwd *d = ctx;
	if (!d->udp) {
		free_all(d, pkts, n);
		return;
	}
	unsigned refused = gw_udp_send(d->udp, gw_pool(d->gw), pkts, n);
	if (refused)
		gw_count_drop(d->gw, GW_DROP_TX_FAILED, refused);
}

static void tx_eth(void *ctx, uint16_t ifx, struct gw_pkt **pkts, unsigned n)
{
	struct gwd *d = ctx;
	struct gw_eth *e = ifx <= GW_IF_MAX ? d->eth_of[ifx] : NULL;
	if (!e) {
		free_all(d, pkts, n);
		return;
	}
	unsigned refused = gw_eth_send(e, gw_pool(d->gw), pkts, n);
	if (refused)
		gw_count_drop(d->gw, GW_DROP_TX_FAILED, refused);
}

static const struct gw_io_ops gwd_io = {.tx_underlay = tx_underlay, .tx_eth = tx_eth};

/* ---------------------------------------------------------------- receive */

/* What the underlay driver counted as it received (coalesced datagrams, AF_XDP, checksums
 * completed), added as soon as the packets are: the counters agree with rx_underlay. */
static void udp_count_rx(struct gwd *d)
{
	struct gw_io_rx_stats rx;
	gw_udp_rx_stats(d->udp, &rx);
	gw_count_rx(d->gw, &rx, &d->udp_rx_seen);
}

/*
 * Forwards up to `rounds` vectors from socket fd of driver u. It stops at a short vector
 * with nothing held, unless `drain` (the socket closes next): then only when nothing came.
 */
static void underlay_rx(struct gwd *d, struct gw_udp *u, int fd, int rounds, bool drain)
{
	struct gw_pkt *pkts[GW_VEC_MAX];
	for (int round = 0; round < rounds; round++) {
		unsigned n = gw_udp_recv(u, fd, gw_pool(d->gw), pkts, GW_VEC_MAX);
		if (!n)
			break;
		gw_set_time(d->gw, gw_clock_ms());
		gw_input_underlay(d->gw, pkts, n);
		if (!drain && n < GW_VEC_MAX && !gw_udp_rx_pending(u, fd))
			break;
	}
}

static void udp_readable(EV_P_ ev_io *w, int revents)
{
	struct udp_watch *uw = (struct udp_watch *)((char *)w - offsetof(struct udp_watch, w));
	struct gwd *d = uw->d;
	(void)loop;
	(void)revents;
	if (d->udp) {
		underlay_rx(d, d->udp, w->fd, RX_ROUNDS, false);
		udp_count_rx(d);
	}
	/* Coalesced datagrams held back (rounds used up, pool short) are already off the
	 * socket, which may stay quiet: come back at the next turn of the loop. */
	if (d->udp && gw_udp_rx_pending(d->udp, w->fd))
		ev_feed_event(EV_A_ w, EV_READ);
}

/* The same for uplink u's socket (see underlay_rx). */
static void uplink_rx(struct gwd *d, struct uplink *u, int rounds, bool drain)
{
	struct gw_pkt *pkts[GW_VEC_MAX];
	for (int round = 0; round < rounds; round++) {
		unsigned n = gw_eth_recv(u->eth, gw_pool(d->gw), pkts, GW_VEC_MAX);
		if (!n)
			break;
		gw_set_time(d->gw, gw_clock_ms());
		gw_input_eth(d->gw, u->ifx, pkts, n);
		if (!drain && n < GW_VEC_MAX)
			break;
	}
}

static void eth_readable(EV_P_ ev_io *w, int revents)
{
	struct uplink *u = (struct uplink *)((char *)w - offsetof(struct uplink, w));
	(void)loop;
	(void)revents;
	uplink_rx(u->d, u, RX_ROUNDS, false);
}

static void uplink_count_drops(struct gwd *d, struct uplink *u)
{
	if (!u->eth)
		return;
	struct gw_io_rx_stats rx;
	gw_count_drop_total(d->gw, GW_DROP_RX_OVERFLOW, gw_eth_rx_dropped(u->eth), &u->drops_seen);
	gw_eth_rx_stats(u->eth, &rx);
	gw_count_rx(d->gw, &rx, &u->rx_seen);
}

/* What the kernel dropped before we could read it counts as a drop of ours. */
static void count_socket_drops(struct gwd *d)
{
	if (d->udp) {
		gw_count_drop_total(d->gw, GW_DROP_RX_OVERFLOW, gw_udp_rx_dropped(d->udp),
		                    &d->udp_drops_seen);
		udp_count_rx(d);
		struct gw_udp_tx tx;
		gw_udp_tx_paths(d->udp, &tx);
		gw_count_underlay_paths(d->gw, tx.l2 - d->udp_tx_seen.l2,
		                        tx.raw - d->udp_tx_seen.raw, tx.gso - d->udp_tx_seen.gso);
		d->udp_tx_seen = tx;
	}
	for (int i = 0; i < d->n_uplinks; i++)
		uplink_count_drops(d, d->uplinks[i]);
}

static void tick(EV_P_ ev_timer *w, int revents)
{
	struct gwd *d = w->data;
	(void)loop;
	(void)revents;
	gw_set_time(d->gw, gw_clock_ms());
	if (d->workers)
		gw_workers_fold(d->workers, d->gw);
	gw_tick(d->gw);
	count_socket_drops(d);
	if (d->udp) /* without workers, AF_XDP: what a send left on the ring (a full queue) */
		(void)gw_udp_tx_flush(d->udp);
}

static void udp_watchers_rebuild(struct gwd *d)
{
	for (int i = 0; i < d->n_udp_w; i++)
		ev_io_stop(d->loop, &d->udp_w[i].w);
	d->n_udp_w = 0;
	if (!d->udp)
		return;
	int fds[GW_UDP_FDS_MAX];
	int n = gw_udp_fds(d->udp, fds, GW_UDP_FDS_MAX);
	for (int i = 0; i < n; i++) {
		struct udp_watch *uw = &d->udp_w[d->n_udp_w++];
		uw->d = d;
		ev_io_init(&uw->w, udp_readable, fds[i], EV_READ);
		ev_io_start(d->loop, &uw->w);
	}
}

/* ---------------------------------------------------------------- resources */

static struct uplink *uplink_find(struct gwd *d, const char *name)
{
	for (int i = 0; i < d->n_uplinks; i++)
		if (!strcmp(d->uplinks[i]->name, name))
			return d->uplinks[i];
	return NULL;
}

/*
 * Opens u's socket on the netdev named u->name, creating its fanout group, and takes the
 * netdev's index, MAC and MTU. -1 with a message in ioerr.
 */
static int uplink_sock_open(struct gwd *d, struct uplink *u, char *ioerr)
{
	struct gw_eth *e = gw_eth_open(u->name, ioerr);
	uint16_t id;
	if (!e || gw_eth_fanout_create(e, &id, ioerr) < 0) {
		gw_eth_close(e);
		return -1;
	}
	u->eth = e;
	u->rx = true;
	u->fanout = id;
	u->ifindex = gw_eth_ifindex(e);
	gw_eth_hwaddr(e, u->mac);
	u->mtu = gw_eth_mtu(e);
	u->serial = ++d->uplink_opens;
	u->opened = true;
	u->kernel_ip6_off = false;
	u->promisc = false;
	u->drops_seen = 0;
	u->rx_seen = (struct gw_io_rx_stats){0};
	u->why[0] = '\0';
	return 0;
}

/* e (or none) takes the place of u's socket, which closes (what it counted is counted
 * first): its interfaces send through e. The caller watches e if it receives. */
static void uplink_sock_replace(struct gwd *d, struct uplink *u, struct gw_eth *e)
{
	uplink_count_drops(d, u);
	for (int k = 1; k <= GW_IF_MAX; k++)
		if (d->eth_of[k] == u->eth)
			d->eth_of[k] = e;
	ev_io_stop(d->loop, &u->w);
	gw_eth_close(u->eth);
	u->eth = e;
}

/* Closes u's socket; its interfaces lose their transmit path until uplinks_bind runs
 * again. */
static void uplink_sock_close(struct gwd *d, struct uplink *u)
{
	if (u->eth)
		uplink_sock_replace(d, u, NULL);
}

static void uplink_close(struct gwd *d, int i)
{
	struct uplink *u = d->uplinks[i];
	uplink_sock_close(d, u);
	gw_xdp_detach(u->xdp); /* its sockets (the workers') keep what they need */
	free(u);
	d->uplinks[i] = d->uplinks[--d->n_uplinks];
}

static void uplink_log_open(const struct uplink *u, const char *what)
{
	char mac[NET_MAC_STRLEN];
	gw_log(LOG_INFO, "uplink %s: %snetdev index %d, MAC %s, MTU %u, fanout group %u", u->name,
	       what, u->ifindex, net_mac_fmt(u->mac, mac), u->mtu, u->fanout);
}

/* An interface whose IP MTU the netdev cannot carry: the kernel refuses the larger packets
 * (tx_failed). Said once per opening of the netdev (a re-created one may have another). */
static int mtu_warn(const struct gw_if_info *i, void *arg)
{
	const struct uplink *u = arg;
	if (i->kind == GW_IF_ETH && !strcmp(i->netdev, u->name) && i->mtu > u->mtu)
		gw_log(LOG_WARNING, "uplink %s: interface %s has mtu %u, its netdev only %u",
		       u->name, i->name, i->mtu, u->mtu);
	return 0;
}

/* Opens the netdevs cand names that are not open yet; on failure closes what it opened. */
static int uplinks_open(struct gwd *d, const struct gw_cfg *cand, char *err)
{
	int first_new = d->n_uplinks;
	for (size_t i = 0; i < cand->ifs.n; i++) {
		const struct gw_cfg_if *c = &cand->ifs.v[i];
		char dev[GW_IF_NAMELEN], ioerr[GW_IO_ERRLEN];
		uint32_t sub;
		if (c->kind != GW_IF_ETH || !gw_eth_name_split(c->name, dev, &sub) ||
		    uplink_find(d, dev))
			continue;
		struct uplink *u = calloc(1, sizeof(*u));
		if (u) {
			u->d = d;
			snprintf(u->name, sizeof(u->name), "%s", dev);
		}
		if (!u || uplink_sock_open(d, u, ioerr) < 0) {
			if (!u)
				snprintf(ioerr, sizeof(ioerr), "out of memory");
			free(u);
			while (d->n_uplinks > first_new)
				uplink_close(d, d->n_uplinks - 1);
			return fail(err, "interface ethernet %s: %s", c->name, ioerr);
		}
		u->link = GW_LINK_UP; /* as the gateway starts it; uplink_check looks */
		u->check = true;
		d->uplinks[d->n_uplinks++] = u;
		uplink_log_open(u, "");
	}
	return GW_CFG_OK;
}

/* Binds each uplink interface of the gateway to the socket of its netdev. */
static int uplink_bind(const struct gw_if_info *i, void *arg)
{
	struct gwd *d = arg;
	struct uplink *u = i->kind == GW_IF_ETH ? uplink_find(d, i->netdev) : NULL;
	if (u) {
		d->eth_of[i->ifx] = u->eth;
		if (!u->ifx || !i->subif)
			u->ifx = i->ifx;
	}
	return 0;
}

/* Every uplink interface to its netdev's socket (if it has one), and the sockets watched. */
static void uplinks_bind(struct gwd *d)
{
	memset(d->eth_of, 0, sizeof(d->eth_of));
	for (int i = 0; i < d->n_uplinks; i++)
		d->uplinks[i]->ifx = 0;
	gw_if_walk(d->gw, uplink_bind, d);
	for (int i = 0; i < d->n_uplinks; i++) {
		struct uplink *u = d->uplinks[i];
		if (u->eth && u->rx && !ev_is_active(&u->w)) {
			ev_io_init(&u->w, eth_readable, gw_eth_fd(u->eth), EV_READ);
			ev_io_start(d->loop, &u->w);
		}
	}
}

/*
 * Gives u's netdev to the workers alone (rx false) or takes the main thread back into its
 * fanout group (rx true). A member of a group receives its share until it is closed (the
 * kernel refuses to re-bind it), so the main thread swaps sockets: a send-only one while
 * workers receive, a new member of the group before they leave. What the old socket holds
 * is forwarded and what it counted counted first; a promiscuous membership moves to the
 * new socket before the old one closes. A netdev that is no longer the one u is bound to
 * is left as it is: uplink_check replaces both. When the main thread cannot rejoin (the
 * netdev is down: a new socket is refused), its socket closes and uplink_check opens a new
 * group (at the commit's end, or when the netdev comes up).
 */
static void uplink_main_rx(struct gwd *d, struct uplink *u, bool rx)
{
	char ioerr[GW_IO_ERRLEN];
	if (!u->eth || u->rx == rx)
		return;
	struct gw_eth *e = gw_eth_open_opt(u->name, rx ? 0 : GW_ETH_NO_RX, ioerr);
	if (e && gw_eth_ifindex(e) != u->ifindex) {
		gw_eth_close(e);
		e = NULL;
		snprintf(ioerr, sizeof(ioerr), "the netdev was replaced");
	}
	if (!e || (rx && gw_eth_fanout_join(e, u->fanout, ioerr) < 0) ||
	    (u->promisc && gw_eth_set_promisc(e, true, ioerr) < 0)) {
		gw_log(LOG_WARNING, "uplink %s: %s: %s", u->name,
		       rx ? "cannot rejoin its fanout group" : "no send-only socket", ioerr);
		gw_eth_close(e);
		if (rx)
			uplink_sock_close(d, u);
		u->check = true;
		return;
	}
	if (u->rx)
		uplink_rx(d, u, DRAIN_ROUNDS, true); /* what waits in it, before it closes */
	uplink_sock_replace(d, u, e);
	u->rx = rx;
	u->drops_seen = 0;
	u->rx_seen = (struct gw_io_rx_stats){0};
	if (rx) {
		ev_io_init(&u->w, eth_readable, gw_eth_fd(e), EV_READ);
		ev_io_start(d->loop, &u->w);
	}
}

/* Each uplink's netdev to the workers ws, where they receive from it (as it is open now),
 * and the main thread in the groups of the others (all of them for ws NULL). */
static void uplinks_main_rx(struct gwd *d, const struct gw_workers *ws)
{
	for (int i = 0; i < d->n_uplinks; i++) {
		struct uplink *u = d->uplinks[i];
		uplink_main_rx(d, u, !gw_workers_serve_uplink(ws, u->name, u->serial));
	}
}

/* After apply: close netdevs cand no longer uses, bind the rest to their interfaces,
 * start watching. */
/* An interface whose netdev vxgwd speaks IPv6 on, or switches a tenant's segment on: the
 * kernel's own IPv6 would be a second node there (its RS, NS and MLD, its answers). */
static bool if_owns_ipv6(const struct gw_if_info *i)
{
	return i->n_addrs6 || i->l2_bd;
}

/* An L2 port: its netdev must hand over frames to any MAC. */
static bool if_is_port(const struct gw_if_info *i)
{
	return i->l2_bd != 0;
}

/* Does an interface of the gateway on netdev `dev` satisfy `what`? */
static bool netdev_has_if(struct gwd *d, const char *dev, bool (*what)(const struct gw_if_info *))
{
	for (uint16_t ifx = 1; ifx <= GW_IF_MAX; ifx++) {
		struct gw_if_info i;
		if (gw_if_get(d->gw, ifx, &i) && i.kind == GW_IF_ETH && what(&i) &&
		    !strcmp(i.netdev, dev))
			return true;
	}
	return false;
}

/* Uplinks with an L2 port receive frames to any MAC (PACKET_MR_PROMISC on the main
 * thread's socket makes the netdev promiscuous for the workers' sockets too); the others
 * give it up. */
static void uplinks_promisc(struct gwd *d)
{
	for (int i = 0; i < d->n_uplinks; i++) {
		struct uplink *u = d->uplinks[i];
		char err[GW_IO_ERRLEN];
		bool want = netdev_has_if(d, u->name, if_is_port);
		if (!u->eth || u->promisc == want)
			continue;
		if (gw_eth_set_promisc(u->eth, want, err) < 0) {
			gw_log(LOG_WARNING, "uplink %s: %s", u->name, err);
			continue;
		}
		u->promisc = want;
		gw_log(LOG_INFO, "uplink %s: %s", u->name,
		       want ? "promiscuous (an L2 port is on it)" : "no longer promiscuous");
	}
}

/* Uplinks that route IPv6 or switch now: the kernel's own IPv6 leaves them
 * (gw_netdev_ipv6_disable); and the L2 ports' netdevs receive every frame. */
static void uplinks_own_ipv6(struct gwd *d)
{
	uplinks_promisc(d);
	for (int i = 0; i < d->n_uplinks; i++) {
		struct uplink *u = d->uplinks[i];
		char err[GW_IO_ERRLEN];
		if (u->kernel_ip6_off || !netdev_has_if(d, u->name, if_owns_ipv6))
			continue;
		u->kernel_ip6_off = true;
		if (gw_netdev_ipv6_disable(u->name, err) < 0)
			gw_log(LOG_WARNING, "uplink %s: could not turn the kernel's IPv6 off: %s",
			       u->name, err);
		else
			gw_log(LOG_INFO,
			       "uplink %s: the kernel's IPv6 is off on it (vxgwd answers its "
			       "neighbour discovery, or switches a tenant's segment there)",
			       u->name);
	}
}

static void uplinks_settle(struct gwd *d, const struct gw_cfg *cand)
{
	for (int i = d->n_uplinks - 1; i >= 0; i--) {
		bool used = false;
		char dev[GW_IF_NAMELEN];
		uint32_t sub;
		for (size_t k = 0; k < cand->ifs.n && !used; k++)
			used = cand->ifs.v[k].kind == GW_IF_ETH &&
			       gw_eth_name_split(cand->ifs.v[k].name, dev, &sub) &&
			       !strcmp(dev, d->uplinks[i]->name);
		if (!used)
			uplink_close(d, i);
	}
	uplinks_bind(d);
	uplinks_own_ipv6(d);
}

/* The netdev's MAC (the last one known while it is missing); ctx: the commit under way. */
static int eth_mac(void *ctx, const char *name, uint8_t mac[6], char *err)
{
	const struct commit *c = ctx;
	struct uplink *u = uplink_find(c->d, name);
	if (!u)
		return fail(err, "netdev %s is not open", name);
	memcpy(mac, u->mac, 6);
	return GW_CFG_OK;
}

/*
 * A netdev opened again may have another MAC: the interfaces on it that have no
 * mac-address of their own take it (the rule of gw/config/apply.c: an uplink without
 * mac-address, sub-interfaces included, has its netdev's).
 */
static void uplink_take_mac(struct gwd *d, const struct uplink *u)
{
	for (size_t i = 0; i < d->running->ifs.n; i++) {
		const struct gw_cfg_if *c = &d->running->ifs.v[i];
		char dev[GW_IF_NAMELEN];
		uint32_t sub;
		uint16_t ifx;
		if (c->kind == GW_IF_ETH && !c->mac_set && gw_eth_name_split(c->name, dev, &sub) &&
		    !strcmp(dev, u->name) && (ifx = gw_if_by_name(d->gw, c->name)) != 0)
			gw_if_set_mac(d->gw, ifx, u->mac);
	}
}

static const char *link_word(uint8_t link)
{
	return link == GW_LINK_UP ? "up" : link == GW_LINK_DOWN ? "down" : "missing";
}

/*
 * Brings u in line with what the kernel says of the netdev named u->name now: a socket
 * bound to a netdev that is gone or was replaced (another index) is closed; when a netdev
 * of that name is up and u has no socket, one is opened (a fanout group can only be
 * created on an up netdev); the gateway learns the link state (told again when `retell`:
 * a commit may have made the netdev's interfaces anew). Returns true when the sockets
 * changed (the workers must follow).
 */
static bool uplink_check(struct gwd *d, struct uplink *u, bool retell, bool *link_changed)
{
	int ifindex = u->ifindex;
	unsigned flags = IFF_UP | IFF_RUNNING;
	bool exists = u->eth != NULL; /* without link events, the socket is all we know */
	if (d->netdevs)
		exists = gw_netdevs_query(d->netdevs, u->name, &ifindex, &flags) == 0;
	bool socks = false;
	if (u->eth && (!exists || ifindex != u->ifindex)) {
		gw_log(LOG_WARNING, "uplink %s: netdev index %d %s: its sockets closed", u->name,
		       u->ifindex, exists ? "replaced by another netdev" : "is gone");
		uplink_sock_close(d, u);
		socks = true;
	}
	if (!u->eth && exists && (flags & IFF_UP)) {
		char ioerr[GW_IO_ERRLEN];
		if (uplink_sock_open(d, u, ioerr) == 0) {
			uplink_take_mac(d, u);
			uplink_log_open(u, "sockets reopened: ");
			socks = true;
		} else if (strcmp(ioerr, u->why) != 0) {
			snprintf(u->why, sizeof(u->why), "%s", ioerr);
			gw_log(LOG_ERR, "uplink %s: cannot reopen: %s", u->name, ioerr);
		}
	}
	uint8_t link = !exists                                               ? GW_LINK_MISSING
	               : u->eth && (flags & IFF_UP) && (flags & IFF_RUNNING) ? GW_LINK_UP
	                                                                     : GW_LINK_DOWN;
	if (link != u->link) {
		gw_log(link == GW_LINK_UP ? LOG_NOTICE : LOG_WARNING, "uplink %s: link %s (was %s)",
		       u->name, link_word(link), link_word(u->link));
		u->link = link;
		*link_changed = true;
	}
	if (*link_changed || retell)
		gw_eth_set_link(d->gw, u->name, (enum gw_link)link);
	return socks;
}

/*
 * Looks at the netdevs of the uplinks a link event named (every uplink when `all`, which
 * also tells the gateway each one's link state again); returns true when something
 * changed for the data plane: the caller settles the workers and publishes a snapshot.
 */
static bool uplinks_check(struct gwd *d, bool all)
{
	bool socks = false, link = false;
	for (int i = 0; i < d->n_uplinks; i++) {
		struct uplink *u = d->uplinks[i];
		bool changed = false;
		if (all || u->check)
			socks |= uplink_check(d, u, all, &changed);
		link |= changed;
		u->check = false;
		if (u->eth && u->opened)
			gw_if_walk(d->gw, mtu_warn, u);
		u->opened = false;
	}
	if (socks) {
		uplinks_bind(d);
		uplinks_own_ipv6(d); /* a netdev created again has the kernel's IPv6 on */
	}
	return socks || link;
}

/*
 * A bridge domain's flood group as the driver knows groups: an IPv4 group's address, an
 * IPv6 group's name, 0 for none. A group new to the gateway is named here already, with
 * the name its commit gives it (a name is never given to another address).
 */
static uint32_t bd_group(struct gw *gw, const struct gw_cfg_bd *b)
{
	if (b->flood_group || net_ip6_is_zero(&b->flood_group6))
		return b->flood_group;
	return gw_vtep_name(gw, AF_INET6, &b->flood_group6);
}

static bool group_wanted(struct gw *gw, const struct gw_cfg *c, uint32_t g)
{
	for (size_t i = 0; i < c->bds.n; i++)
		if (bd_group(gw, &c->bds.v[i]) == g)
			return true;
	return false;
}

/* Joins flood group g: an IPv4 group, or an IPv6 group's name (its address in the
 * gateway's table). */
static int group_join(struct gw *gw, struct gw_udp *udp, uint32_t g, char ioerr[GW_IO_ERRLEN])
{
	if (!vx_vtep_is6(g))
		return gw_udp_join(udp, g, ioerr);
	const struct in6_addr *a = vx_vteps_addr(gw_vteps(gw), g);
	if (!a) {
		snprintf(ioerr, GW_IO_ERRLEN, "no address for this group name");
		return -1;
	}
	return gw_udp_join6(udp, a, g, ioerr);
}

/* Joins every group cand wants on udp (those in `have` are joined already). */
static int groups_join(struct gw *gw, struct gw_udp *udp, const struct gw_cfg *cand,
                       const uint32_t *have, int n_have, char *err)
{
	for (size_t i = 0; i < cand->bds.n; i++) {
		uint32_t g = bd_group(gw, &cand->bds.v[i]);
		bool joined = false;
		for (int k = 0; k < n_have; k++)
			joined |= have[k] == g;
		char ioerr[GW_IO_ERRLEN], name[VX_VTEP_STRLEN];
		if (g && !joined && group_join(gw, udp, g, ioerr) != 0)
			return fail(err, "flood-group %s: %s", vx_vtep_fmt(gw_vteps(gw), g, name),
			            ioerr);
	}
	return GW_CFG_OK;
}

/* ---------------------------------------------------------------- underlay */

/* The main thread names IPv6 senders by the gateway's own table. */
static uint32_t main_name6(void *ctx, const struct in6_addr *a)
{
	const struct vx_vteps *t = gw_vteps(ctx);
	return t ? vx_vteps_find(t, a) : 0;
}

static unsigned workers_wanted(const struct gw_cfg *c);

/* The busy polling c's AF_XDP sockets get: only the workers' poll (the main thread's
 * event loop sleeps), so none without workers. */
static uint32_t busy_poll_for(const struct gw_cfg *c)
{
	return workers_wanted(c) ? c->busy_poll_us : 0;
}

/* Does configuration c ask for an XDP program (xdp or auto, and a VTEP to serve)? */
static bool xdp_wanted(const struct gw_cfg *c)
{
	return c->io != GW_CFG_IO_SOCKET && (c->vtep || !net_ip6_is_zero(&c->vtep6));
}

/* Does program x (or none) serve configuration c's dataplane io and underlay as it is? */
static bool xdp_serves(const struct gw_xdp *x, const struct gw_cfg *c)
{
	if (!xdp_wanted(c))
		return !x;
	const struct gw_xdp_cfg *now = x ? gw_xdp_cfg(x) : NULL;
	return now && now->vtep == c->vtep && now->port == c->udp_port &&
	       net_ip6_eq(&now->vtep6, &c->vtep6);
}

/* The program for configuration c (NULL for socket mode, or with why when it cannot be had). */
static struct gw_xdp *xdp_attach(const struct gw_cfg *c, char why[GW_IO_ERRLEN])
{
	why[0] = 0;
	if (!xdp_wanted(c))
		return NULL;
	const struct gw_xdp_cfg xc = {.vtep = c->vtep, .vtep6 = c->vtep6, .port = c->udp_port};
	struct gw_xdp *x = gw_xdp_attach(&xc, why);
	if (x) {
		struct gw_xdp_info i;
		gw_xdp_info(x, &i);
		gw_log(LOG_INFO, "dataplane io: XDP program on %s (%s mode), %u receive queue%s",
		       i.ifname, i.native ? "native" : "generic", i.queues,
		       i.queues == 1 ? "" : "s");
	}
	return x;
}

/*
 * The XDP program configuration c's dataplane io asks for: the one attached when it
 * matches c's underlay, else a new one (the old one taken off its netdev first: one
 * program per netdev; its sockets keep its maps until they close). NULL for socket, or
 * when the program cannot be had (why in d->xdp_why). Returns d->xdp.
 */
static void uplinks_xdp_detach(struct gwd *d);

static struct gw_xdp *xdp_for(struct gwd *d, const struct gw_cfg *c)
{
	if (!xdp_serves(d->xdp, c)) {
		/* the uplinks' programs go too (uplinks_xdp puts them back): the VTEP's netdev
		 * may be one of theirs, and takes one program */
		uplinks_xdp_detach(d);
		gw_xdp_detach(d->xdp);
		d->xdp = xdp_attach(c, d->xdp_why);
	}
	unsigned workers = workers_wanted(c);
	if (d->xdp && c->io == GW_CFG_IO_AUTO && gw_xdp_queues(d->xdp) < workers) {
		/* a queue feeds one socket: the workers without one would get only what passes
		 * to the kernel, while SO_REUSEPORT spreads the sockets' datagrams over all */
		snprintf(d->xdp_why, sizeof(d->xdp_why), "%u receive queue%s for %u workers",
		         gw_xdp_queues(d->xdp), gw_xdp_queues(d->xdp) == 1 ? "" : "s", workers);
		gw_xdp_detach(d->xdp);
		d->xdp = NULL;
	}
	if (!d->xdp && c->io == GW_CFG_IO_AUTO && d->xdp_why[0])
		gw_log(LOG_WARNING, "dataplane io auto: XDP not used: %s; the sockets receive",
		       d->xdp_why);
	if (d->xdp) /* for the sockets opened from now on */
		gw_xdp_set_busy_poll(d->xdp, busy_poll_for(c));
	return d->xdp;
}

/* dataplane io auto could not have a socket (why): the program goes, the sockets receive. */
static void xdp_give_up(struct gwd *d, const char *why)
{
	gw_log(LOG_WARNING, "dataplane io auto: %s; the sockets receive", why);
	snprintf(d->xdp_why, sizeof(d->xdp_why), "%s", why);
	uplinks_xdp_detach(d);
	gw_xdp_detach(d->xdp);
	d->xdp = NULL;
}

/* "up0 (native, copy, 1 receive queue, 2 AF_XDP sockets), up1 (no program: why)" in out. */
static void uplinks_io_info(const struct gwd *d, char *out, size_t size)
{
	size_t n = 0;
	out[0] = '\0';
	for (int i = 0; i < d->n_uplinks && n < size; i++) {
		const struct uplink *u = d->uplinks[i];
		struct gw_xdp_info x;
		int k;
		if (u->xdp) {
			gw_xdp_info(u->xdp, &x);
			k = snprintf(out + n, size - n,
			             "%s%s (%s, %s, %u receive queue%s, %u AF_XDP socket%s)",
			             n ? ", " : "", u->name, x.native ? "native" : "generic",
			             x.zerocopy ? "zero-copy" : "copy", x.queues,
			             x.queues == 1 ? "" : "s", x.sockets,
			             x.sockets == 1 ? "" : "s");
		} else if (u->xdp_why[0]) {
			k = snprintf(out + n, size - n, "%s%s (no program: %s)", n ? ", " : "",
			             u->name, u->xdp_why);
		} else {
			continue;
		}
		n = k < 0 ? size : n + (size_t)k;
	}
}

void gwd_io_info(const struct gwd *d, struct gw_xdp_info *out)
{
	if (d->xdp)
		gw_xdp_info(d->xdp, out);
	else
		*out = (struct gw_xdp_info){0};
	if (!d->xdp)
		snprintf(out->why, sizeof(out->why), "%s", d->xdp_why);
	else if (d->running && d->running->busy_poll_us && !busy_poll_for(d->running) &&
	         !out->why[0])
		snprintf(out->why, sizeof(out->why),
		         "no busy polling without workers (dataplane workers 0)");
	if (d->xdp)
		uplinks_io_info(d, out->uplinks, sizeof(out->uplinks));
}

/*
 * The main thread's driver for configuration c's underlay (flags: GW_UDP_*). A new IPv6
 * VTEP is named here already, with the name its commit gives it.
 */
static struct gw_udp *underlay_open(struct gwd *d, const struct gw_cfg *c, unsigned flags,
                                    char ioerr[GW_IO_ERRLEN])
{
	bool has6 = !net_ip6_is_zero(&c->vtep6);
	struct gw_udp_cfg uc = {.vtep = c->vtep,
	                        .vtep6 = c->vtep6,
	                        .vtep6_name = has6 ? gw_vtep_name(d->gw, AF_INET6, &c->vtep6) : 0,
	                        .port = c->udp_port,
	                        .flags = flags,
	                        .udp6_zero_csum_rx = c->udp6_zero_csum_rx,
	                        .name6 = main_name6,
	                        .name6_ctx = d->gw,
	                        .xdp = d->xdp,
	                        .xdp_queue = GW_UDP_XDP_QUEUES_ALL};
	struct gw_udp *u = gw_udp_open_cfg(&uc, ioerr);
	if (u || !uc.xdp || c->io == GW_CFG_IO_XDP)
		return u;
	/* auto: the sockets alone, and the program off the netdev */
	xdp_give_up(d, ioerr);
	uc.xdp = NULL;
	return gw_udp_open_cfg(&uc, ioerr);
}

/* Does the driver serve c's underlay as it is (addresses, port, zero checksums taken)? */
static bool underlay_same(const struct gwd *d, const struct gw_cfg *c)
{
	if (!d->udp)
		return false;
	const struct gw_udp_cfg *uc = gw_udp_cfg(d->udp);
	return uc->vtep == c->vtep && uc->port == c->udp_port &&
	       net_ip6_eq(&uc->vtep6, &c->vtep6) && uc->udp6_zero_csum_rx == c->udp6_zero_csum_rx &&
	       d->udp_io == c->io &&
	       (c->io != GW_CFG_IO_AUTO || d->udp_workers == workers_wanted(c)) &&
	       (c->io == GW_CFG_IO_SOCKET || d->udp_busy_poll == busy_poll_for(c));
}

/* u (or none) takes the old driver's place; its totals start from what it has now. */
static void underlay_replace(struct gwd *d, struct gw_udp *u)
{
	if (d->udp) {
		count_socket_drops(d); /* what the old driver counted since the last tick */
		gw_udp_close(d->udp);
	}
	d->udp = u;
	d->udp_drops_seen = u ? gw_udp_rx_dropped(u) : 0;
	d->udp_tx_seen = (struct gw_udp_tx){0};
	d->udp_rx_seen = (struct gw_io_rx_stats){0};
}

static void groups_record(struct gwd *d, const struct gw_cfg *cand)
{
	d->n_groups = 0;
	for (size_t i = 0; i < cand->bds.n && d->n_groups < GW_UDP_GROUPS_MAX; i++) {
		uint32_t g = bd_group(d->gw, &cand->bds.v[i]);
		bool dup = false;
		for (int k = 0; k < d->n_groups; k++)
			dup |= d->groups[k] == g;
		if (g && !dup)
			d->groups[d->n_groups++] = g;
	}
}

/* ---------------------------------------------------------------- workers */

/* The worker threads a configuration asks for: auto is one per online CPU. */
static unsigned workers_wanted(const struct gw_cfg *c)
{
	if (!c->vtep && net_ip6_is_zero(&c->vtep6))
		return 0;
	if (c->workers != GW_CFG_WORKERS_AUTO)
		return (unsigned)c->workers;
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : n > GW_WORKERS_MAX ? GW_WORKERS_MAX : (unsigned)n;
}

static void workers_notify(void *ctx)
{
	struct gwd *d = ctx;
	ev_async_send(d->loop, &d->punted);
}

static void workers_punted(EV_P_ ev_async *w, int revents)
{
	struct gwd *d = w->data;
	(void)revents;
	if (!d->workers)
		return;
	gw_set_time(d->gw, gw_clock_ms());
	/* a bounded share per turn, so that the CLI and timers keep their turns under a flood
	 * of exceptions; the rest waits on the rings (which then fill and count punt drops) */
	if (gw_workers_drain(d->workers, d->gw, 4 * GW_VEC_MAX))
		ev_async_send(EV_A_ w);
}

static void workers_publish(struct gwd *d, bool cfg_changed)
{
	if (!d->workers)
		return;
	uint64_t later = gw_workers_publish(d->workers, d->gw, cfg_changed, gw_clock_ms());
	if (later && !ev_is_active(&d->publish_later)) {
		ev_timer_set(&d->publish_later, (double)later / 1000.0, 0.);
		ev_timer_start(d->loop, &d->publish_later);
	}
}

static void publish_prepare(EV_P_ ev_prepare *w, int revents)
{
	(void)loop;
	(void)revents;
	workers_publish(w->data, false);
}

static void publish_timer(EV_P_ ev_timer *w, int revents)
{
	(void)loop;
	(void)revents;
	(void)w; /* the prepare watcher that follows publishes */
}

static void workers_stop(struct gwd *d)
{
	if (!d->workers)
		return;
	uplinks_main_rx(d, NULL);
	gw_workers_stop(d->workers, d->gw);
	d->workers = NULL;
	gw_log(LOG_INFO, "data-plane workers stopped");
}

/* The gateway's MAC addresses on u's netdev: its interfaces' there (each has its netdev's
 * unless it has a mac-address of its own), at most GW_XDP_MACS_MAX. */
static unsigned uplink_macs(struct gwd *d, const struct uplink *u, uint8_t (*macs)[6])
{
	unsigned n = 0;
	for (uint16_t ifx = 1; ifx <= GW_IF_MAX && n < GW_XDP_MACS_MAX; ifx++) {
		struct gw_if_info i;
		if (!gw_if_get(d->gw, ifx, &i) || i.kind != GW_IF_ETH || strcmp(i.netdev, u->name))
			continue;
		bool seen = false;
		for (unsigned k = 0; k < n && !seen; k++)
			seen = !memcmp(macs[k], i.mac, 6);
		if (!seen)
			memcpy(macs[n++], i.mac, 6);
	}
	return n;
}

static void uplink_xdp_detach(struct gwd *d, struct uplink *u)
{
	gw_xdp_detach(u->xdp);
	u->xdp = NULL;
	u->xdp_gen = ++d->uplink_xdps;
}

/* Attaches u's program; a failure is logged once and not tried again on that netdev
 * until the uplinks' programs are wanted anew (each try loads and verifies a program). */
static void uplink_xdp_attach(struct gwd *d, struct uplink *u)
{
	char why[GW_IO_ERRLEN];
	if (u->xdp_failed == u->ifindex)
		return;
	u->xdp = gw_xdp_attach_uplink(u->ifindex, why);
	if (!u->xdp) {
		gw_log(LOG_WARNING, "uplink %s: no XDP program: %s; its packet sockets receive",
		       u->name, why);
		snprintf(u->xdp_why, sizeof(u->xdp_why), "%s", why);
		u->xdp_failed = u->ifindex;
		return;
	}
	u->xdp_ifindex = u->ifindex;
	u->xdp_gen = ++d->uplink_xdps;
	u->xdp_why[0] = '\0';
	gw_log(LOG_INFO, "uplink %s: XDP program attached (native mode)", u->name);
}

/* Does the running configuration keep netdev `name` on packet sockets (` dataplane io
 * socket` on its main interface)? */
static bool uplink_io_socket(const struct gwd *d, const char *name)
{
	const struct gw_cfg_if *i = d->running ? gw_cfg_if_find(d->running, name) : NULL;
	return i && i->io_socket;
}

/* Why u's netdev gets no program while the uplinks' are wanted (into why), or "". */
static void uplink_xdp_unwanted(const struct gwd *d, const struct uplink *u, unsigned workers,
                                unsigned nth, char *why, size_t size)
{
	unsigned queues = gw_netdev_rx_queues(u->name);
	why[0] = '\0';
	if (uplink_io_socket(d, u->name))
		snprintf(why, size, "dataplane io socket on interface ethernet %s", u->name);
	else if (nth >= GW_WORKER_UPLINKS_MAX)
		snprintf(why, size, "the workers serve the first %d uplinks",
		         GW_WORKER_UPLINKS_MAX);
	else if (queues < workers)
		/* a queue feeds one socket: the workers without one would get nothing from it,
		 * while the fanout group spreads the netdev's flows over all */
		snprintf(why, size, "%u receive queue%s for %u workers", queues,
		         queues == 1 ? "" : "s", workers);
}

/*
 * dataplane io xdp (the underlay's program in place) with workers: each uplink's netdev
 * (with a receive queue per worker) gets a program that hands the workers' AF_XDP sockets
 * the frames for the gateway's MACs (kept in step with its interfaces, and with whether
 * vxgwd is the IPv6 node there); without workers, or with sockets only, none (the packet
 * sockets receive everything, as the main thread's always do).
 */
static void uplinks_xdp(struct gwd *d)
{
	unsigned workers = d->running ? workers_wanted(d->running) : 0;
	bool want = d->xdp && d->udp && workers > 0;
	unsigned nth = 0;
	for (int i = 0; i < d->n_uplinks; i++) {
		struct uplink *u = d->uplinks[i];
		char why[GW_IO_ERRLEN] = "";
		if (want && u->eth)
			uplink_xdp_unwanted(d, u, workers, nth++, why, sizeof(why));
		bool here = want && u->eth && !why[0];
		if (u->xdp && (!here || u->xdp_ifindex != u->ifindex)) {
			uplink_xdp_detach(d, u);
			gw_log(LOG_INFO, "uplink %s: XDP program taken off%s%s", u->name,
			       why[0] ? ": " : "", why);
		}
		if (!want)
			u->xdp_failed = 0;
		if (here && !u->xdp)
			uplink_xdp_attach(d, u);
		else if (!here)
			snprintf(u->xdp_why, sizeof(u->xdp_why), "%s", why);
		uint8_t macs[GW_XDP_MACS_MAX][6];
		if (u->xdp && gw_xdp_uplink_match(u->xdp, macs, uplink_macs(d, u, macs),
		                                  u->kernel_ip6_off) < 0)
			gw_log(LOG_WARNING, "uplink %s: the XDP program's match not written",
			       u->name);
	}
}

/* Every uplink's program off (their sockets see nothing more; the workers follow). */
static void uplinks_xdp_detach(struct gwd *d)
{
	for (int i = 0; i < d->n_uplinks; i++)
		if (d->uplinks[i]->xdp)
			uplink_xdp_detach(d, d->uplinks[i]);
}

/* The uplink netdevs the workers receive from (those the main thread has a socket on),
 * with their fanout groups. */
static unsigned workers_uplinks(const struct gwd *d, struct gw_worker_uplink *ups)
{
	unsigned n = 0;
	for (int i = 0; i < d->n_uplinks && n < GW_WORKER_UPLINKS_MAX; i++) {
		const struct uplink *u = d->uplinks[i];
		if (!u->eth)
			continue;
		snprintf(ups[n].name, sizeof(ups[n].name), "%s", u->name);
		ups[n].fanout = u->fanout;
		ups[n].serial = u->serial;
		ups[n].xdp = u->xdp;
		ups[n].xdp_gen = u->xdp_gen;
		n++;
	}
	return n;
}

/*
 * A receiving socket of the main thread's in the workers' SO_REUSEPORT group (no AF_XDP
 * socket), for a handover in which the old workers leave before the new ones come; NULL
 * when it cannot be had (the gap then loses what arrives in it, logged).
 */
static struct gw_udp *underlay_hold(struct gwd *d)
{
	char ioerr[GW_IO_ERRLEN];
	struct gw_udp_cfg uc = *gw_udp_cfg(d->udp);
	uc.flags = GW_UDP_REUSEPORT;
	uc.xdp = NULL;
	struct gw_udp *u = gw_udp_open_cfg(&uc, ioerr);
	if (!u)
		gw_log(LOG_WARNING, "underlay: no socket to hold the handover's datagrams: %s",
		       ioerr);
	return u;
}

/* The held socket leaves the group; what it queued meanwhile is forwarded here. */
static void underlay_hold_release(struct gwd *d, struct gw_udp *u)
{
	if (!u)
		return;
	(void)gw_udp_quiesce(u);
	int fds[GW_UDP_FDS_MAX];
	int n = gw_udp_fds(u, fds, GW_UDP_FDS_MAX);
	for (int i = 0; i < n; i++)
		underlay_rx(d, u, fds[i], DRAIN_ROUNDS, true);
	struct gw_io_rx_stats rx, seen = {0};
	gw_udp_rx_stats(u, &rx);
	gw_count_rx(d->gw, &rx, &seen);
	uint64_t drops_seen = 0;
	gw_count_drop_total(d->gw, GW_DROP_RX_OVERFLOW, gw_udp_rx_dropped(u), &drops_seen);
	gw_udp_close(u);
}

/*
 * The new set of n workers in place of old (NULL: none), which it stops; if they cannot
 * start, old stays, or the main thread takes the underlay back (a socket of its own):
 * forwarding must not depend on threads. Old workers leave a fanout group before new ones
 * join only where they must: the main thread is back in the groups first.
 */
static void workers_replace(struct gwd *d, struct gw_workers *old, unsigned n,
                            const struct gw_worker_uplink *ups, unsigned n_ups)
{
	d->workers = NULL;
	if (n == 0 || !d->udp) {
		uplinks_main_rx(d, NULL);
		gw_workers_stop(old, d->gw);
		return;
	}
	/* AF_XDP: a receive queue takes one socket, so the old workers leave first; their
	 * queues' datagrams pass to the kernel's sockets meanwhile, where the main thread
	 * holds one in their SO_REUSEPORT group until the new workers are in */
	if (old && d->xdp) {
		struct gw_udp *hold = underlay_hold(d);
		uplinks_main_rx(d, NULL);
		gw_workers_stop(old, d->gw);
		workers_replace(d, NULL, n, ups, n_ups);
		underlay_hold_release(d, hold);
		return;
	}
	char ioerr[GW_IO_ERRLEN];
	d->workers = gw_workers_start(d->gw, n, d->udp_vtep, d->udp_port, d->xdp, ups, n_ups,
	                              workers_notify, d, ioerr);
	if (!d->workers && d->xdp && d->running->io == GW_CFG_IO_AUTO) {
		xdp_give_up(d, ioerr);
		struct gw_worker_uplink now[GW_WORKER_UPLINKS_MAX]; /* without the programs */
		n_ups = workers_uplinks(d, now);
		d->workers = gw_workers_start(d->gw, n, d->udp_vtep, d->udp_port, NULL, now, n_ups,
		                              workers_notify, d, ioerr);
	}
	if (d->workers) {
		gw_workers_stop(old, d->gw);
		gw_log(LOG_INFO, "%u data-plane worker%s started", n, n == 1 ? "" : "s");
		return;
	}
	if (old) {
		d->workers = old;
		gw_log(LOG_ERR, "data-plane workers: %s; the %u running ones stay", ioerr,
		       gw_workers_count(old));
		return;
	}
	gw_log(LOG_ERR, "data-plane workers: %s; the main thread forwards", ioerr);
	struct gw_udp *u = underlay_open(d, d->running, 0, ioerr);
	if (!u) {
		gw_log(LOG_ERR, "underlay: %s", ioerr);
		return;
	}
	for (int k = 0; k < d->n_groups; k++)
		group_join(d->gw, u, d->groups[k], ioerr);
	underlay_replace(d, u);
	d->udp_rx = true;
	udp_watchers_rebuild(d);
}

/*
 * The workers the running configuration asks for, started when there are none (see
 * workers_replace). While workers run, they alone receive the uplinks' frames.
 */
static void workers_settle(struct gwd *d)
{
	uplinks_xdp(d);
	unsigned n = workers_wanted(d->running);
	struct gw_worker_uplink ups[GW_WORKER_UPLINKS_MAX];
	unsigned n_ups = workers_uplinks(d, ups);
	/* Another count, or an uplink netdev came or went: a new set of workers replaces the
	 * old one. The new sockets join the SO_REUSEPORT and fanout groups before the old ones
	 * leave (each old worker drains its sockets as it stops), so that no traffic finds
	 * the groups empty. */
	struct gw_workers *old = d->workers;
	if (old && gw_workers_count(old) == n && gw_workers_same_uplinks(old, ups, n_ups))
		return;
	workers_replace(d, old, n, ups, n_ups);
	uplinks_main_rx(d, d->workers);
}

/*
 * Must the workers stop before cand is applied? When their sockets' addresses, port or
 * zero-checksum option change, or none are wanted (the main thread takes the underlay
 * socket back). A new count is handled after the commit, by a handover (workers_settle).
 */
static bool workers_restart_needed(const struct gwd *d, const struct gw_cfg *cand)
{
	if (!d->workers)
		return false;
	return workers_wanted(cand) == 0 || !underlay_same(d, cand);
}

/* The underlay socket cand needs: the current one, a new one, or none. */
static int underlay_prepare(struct gwd *d, const struct gw_cfg *cand, struct gw_udp **out,
                            char *err)
{
	char ioerr[GW_IO_ERRLEN];
	bool rx = workers_wanted(cand) == 0;
	*out = d->udp;
	if (underlay_same(d, cand) && rx == d->udp_rx)
		return groups_join(d->gw, d->udp, cand, d->groups, d->n_groups, err);
	*out = NULL;
	if (!xdp_for(d, cand) && cand->io == GW_CFG_IO_XDP)
		return fail(err, "dataplane io xdp: %s", d->xdp_why);
	if (d->udp && d->udp_io != GW_CFG_IO_SOCKET) {
		/* a receive queue takes one AF_XDP socket: the running driver's must go before the
		 * new driver binds its own (its queue's datagrams reach the kernel's sockets) */
		for (int i = 0; i < d->n_udp_w; i++)
			ev_io_stop(d->loop, &d->udp_w[i].w);
		count_socket_drops(d); /* the AF_XDP sockets' last figures */
		gw_udp_xsk_release(d->udp);
		udp_watchers_rebuild(d);
	}
	if (!cand->vtep && net_ip6_is_zero(&cand->vtep6))
		return GW_CFG_OK;
	struct gw_udp *u = underlay_open(d, cand, rx ? 0 : GW_UDP_NO_RX, ioerr);
	if (!u)
		return fail(err, "vxlan source: %s", ioerr);
	if (groups_join(d->gw, u, cand, NULL, 0, err) != GW_CFG_OK) {
		gw_udp_close(u);
		return GW_CFG_ERR;
	}
	*out = u;
	return GW_CFG_OK;
}

static void underlay_settle(struct gwd *d, struct gw_udp *u, const struct gw_cfg *cand)
{
	if (u != d->udp) {
		underlay_replace(d, u);
		d->udp_vtep = cand->vtep;
		d->udp_port = cand->udp_port;
		d->udp_rx = workers_wanted(cand) == 0;
		d->udp_io = cand->io;
		d->udp_busy_poll = busy_poll_for(cand);
		d->udp_workers = workers_wanted(cand);
	} else if (u) {
		for (int k = 0; k < d->n_groups; k++)
			if (!group_wanted(d->gw, cand, d->groups[k]))
				gw_udp_leave(u, d->groups[k]);
	}
	groups_record(d, cand);
	udp_watchers_rebuild(d);
}

static void underlay_abort(struct gwd *d, struct gw_udp *u, const struct gw_cfg *cand)
{
	if (u && u != d->udp) {
		gw_udp_close(u);
		return;
	}
	/* same socket: leave the groups joined for cand only */
	for (size_t i = 0; u && i < cand->bds.n; i++) {
		uint32_t g = bd_group(d->gw, &cand->bds.v[i]);
		bool had = false;
		for (int k = 0; k < d->n_groups; k++)
			had |= d->groups[k] == g;
		if (g && !had)
			gw_udp_leave(u, g);
	}
}

static int hooks_prepare(struct gwd *d, const struct gw_cfg *cand, char *err)
{
	return d->hooks.prepare ? d->hooks.prepare(d->hooks.ctx, cand, err) : GW_CFG_OK;
}

static void hooks_settle(struct gwd *d, bool committed)
{
	if (d->hooks.settle)
		d->hooks.settle(d->hooks.ctx, committed);
}

/* ---------------------------------------------------------------- netdev events */

static void netdev_event(void *ctx, const struct gw_netdev_event *ev)
{
	struct gwd *d = ctx;
	/* by name (created, renamed to it, up, down) or by the index its socket is bound to
	 * (deleted, renamed away) */
	for (int i = 0; i < d->n_uplinks; i++) {
		struct uplink *u = d->uplinks[i];
		if (!strcmp(u->name, ev->name) || (u->eth && ev->ifindex == u->ifindex))
			u->check = true;
	}
}

static void netdevs_readable(EV_P_ ev_io *w, int revents)
{
	struct gwd *d = w->data;
	(void)loop;
	(void)revents;
	bool lost = gw_netdevs_read(d->netdevs, netdev_event, d) != 0;
	if (lost)
		gw_log(LOG_WARNING,
		       "netdev events lost (receive buffer full): every uplink looked at");
	gw_set_time(d->gw, gw_clock_ms());
	if (uplinks_check(d, lost)) {
		workers_settle(d);
		workers_publish(d, true);
	}
}

/* A commit failed: the XDP program the running configuration had (the candidate's may
 * have taken its place), then its workers. */
static void workers_resettle(struct gwd *d)
{
	(void)xdp_for(d, d->running);
	workers_settle(d);
}

/* The commit failed after host_prepare: what it took for cand goes back. */
static void host_abort(struct commit *c, const struct gw_cfg *cand)
{
	struct gwd *d = c->d;
	hooks_settle(d, false);
	while (d->n_uplinks > c->first_new)
		uplink_close(d, d->n_uplinks - 1);
	underlay_abort(d, c->udp, cand);
	workers_resettle(d);
}

/*
 * What cand needs from the host (underlay socket, uplink netdevs, the hooks' listeners),
 * taken by gw_cfg_apply once cand has passed its check and before the gateway changes.
 */
static int host_prepare(void *ctx, const struct gw_cfg *cand, char *err)
{
	struct commit *c = ctx;
	struct gwd *d = c->d;
	/* workers hold sockets on the old address: stopped first, started again after */
	if (workers_restart_needed(d, cand))
		workers_stop(d);
	if (underlay_prepare(d, cand, &c->udp, err) != GW_CFG_OK) {
		workers_resettle(d);
		return GW_CFG_ERR;
	}
	if (uplinks_open(d, cand, err) != GW_CFG_OK) {
		underlay_abort(d, c->udp, cand);
		workers_resettle(d);
		return GW_CFG_ERR;
	}
	if (hooks_prepare(d, cand, err) != GW_CFG_OK) {
		host_abort(c, cand);
		return GW_CFG_ERR;
	}
	c->prepared = true;
	return GW_CFG_OK;
}

/* checked: cand comes from load_config, which checked it whole (a file is checked once);
 * the candidates of CLI commands are checked by gw_cfg_apply. */
static int commit_cand(struct gwd *d, struct gw_cfg *cand, bool checked, char *err)
{
	struct commit c = {.d = d, .first_new = d->n_uplinks};
	struct gw_cfg_env env = {.eth_mac = eth_mac, .prepare = host_prepare, .ctx = &c};
	int r = checked ? gw_cfg_apply_checked(d->gw, d->running, cand, &env, err)
	                : gw_cfg_apply(d->gw, d->running, cand, &env, err);
	if (r != GW_CFG_OK) {
		if (c.prepared)
			host_abort(&c, cand);
		return GW_CFG_ERR;
	}
	hooks_settle(d, true);
	underlay_settle(d, c.udp, cand);
	uplinks_settle(d, cand);
	gw_cfg_free(d->running);
	d->running = cand;
	/* the new netdevs' link state (carrier), and the others' told to interfaces the
	 * commit made anew */
	uplinks_check(d, true);
	workers_settle(d);
	workers_publish(d, true);
	return GW_CFG_OK;
}

int gwd_commit(struct gwd *d, struct gw_cfg *cand, char *err)
{
	return commit_cand(d, cand, false, err);
}

/* ---------------------------------------------------------------- config file */

/* write memory: render, write a temporary file beside the target, fsync, rename. */
int gwd_save(struct gwd *d, char *err)
{
	const char *path = d->opts.config_path;
	char tmp[4096];
	struct cli_out o;
	if (snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid()) >= (int)sizeof(tmp))
		return fail(err, "%s: path too long", path);
	cli_out_init(&o);
	cli_render_config(d->running, &o);
	if (o.oom) {
		cli_out_free(&o);
		return fail(err, "out of memory");
	}
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
	bool ok = fd >= 0;
	size_t off = 0;
	while (ok && off < o.len) {
		ssize_t n = write(fd, o.buf + off, o.len - off);
		ok = n > 0;
		off += ok ? (size_t)n : 0;
	}
	ok = ok && fsync(fd) == 0;
	int saved = errno;
	if (fd >= 0)
		close(fd);
	cli_out_free(&o);
	if (!ok || rename(tmp, path) != 0) {
		saved = ok ? errno : saved;
		unlink(tmp);
		return fail(err, "writing %s: %s", path, strerror(saved));
	}
	/* make the rename itself durable */
	char dir[4096];
	snprintf(dir, sizeof(dir), "%s", path);
	char *slash = strrchr(dir, '/');
	snprintf(slash ? slash + 1 : dir, sizeof(dir) - (size_t)(slash ? slash + 1 - dir : 0), ".");
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	gw_log(LOG_NOTICE, "configuration written to %s", path);
	return GW_CFG_OK;
}

char *gwd_config_read(const char *path, char *err)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		fail(err, "%s: %s", path, strerror(errno));
		return NULL;
	}
	size_t cap = 4096, len = 0, n;
	char *buf = malloc(cap);
	bool too_large = false;
	while (buf && (n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
		len += n;
		if (len + 1 < cap)
			continue;
		too_large = cap >= GWD_CONFIG_MAX;
		char *nb = too_large ? NULL : realloc(buf, cap * 2);
		if (!nb)
			free(buf);
		buf = nb;
		cap *= 2;
	}
	fclose(f);
	if (!buf) {
		if (too_large)
			fail(err, "%s: too large (at most %u bytes)", path, GWD_CONFIG_MAX);
		else
			fail(err, "%s: out of memory", path);
		return NULL;
	}
	buf[len] = '\0';
	return buf;
}

static void log_config_error(void *arg, unsigned line, const char *msg)
{
	const char *path = arg;
	if (line)
		gw_log(LOG_ERR, "%s:%u: %s", path, line, msg);
	else
		gw_log(LOG_ERR, "%s: %s", path, msg);
}

/* Reads, parses and checks the config file (cli_load_config); NULL (errors logged) when
 * it has any error. */
static struct gw_cfg *load_config(const char *path)
{
	char err[GW_CFG_ERRLEN] = "";
	char *text = gwd_config_read(path, err);
	if (!text) {
		gw_log(LOG_ERR, "%s", err);
		return NULL;
	}
	struct gw_cfg *cfg;
	int errors = cli_load_config(text, &cfg, log_config_error, (void *)path);
	free(text);
	if (errors) {
		gw_cfg_free(cfg);
		return NULL;
	}
	return cfg;
}

void gwd_reload(struct gwd *d)
{
	char err[GW_CFG_ERRLEN];
	gw_log(LOG_NOTICE, "reloading %s", d->opts.config_path);
	struct gw_cfg *cfg = load_config(d->opts.config_path);
	if (!cfg) {
		gw_log(LOG_ERR, "reload failed: keeping the running configuration");
		return;
	}
	if (commit_cand(d, cfg, true, err) != GW_CFG_OK) {
		gw_log(LOG_ERR, "reload failed: %s; keeping the running configuration", err);
		gw_cfg_free(cfg);
		return;
	}
	gw_log(LOG_NOTICE, "reloaded %s", d->opts.config_path);
}

struct gwd *gwd_create(struct ev_loop *loop, const struct gwd_opts *opts,
                       const struct gwd_hooks *hooks)
{
	char err[GW_CFG_ERRLEN];
	struct gwd *d = calloc(1, sizeof(*d));
	if (!d)
		return NULL;
	d->loop = loop;
	d->opts = *opts;
	if (hooks)
		d->hooks = *hooks;
	d->running = gw_cfg_new();
	d->gw = gw_create(NULL, &gwd_io, d);
	if (!d->running || !d->gw) {
		gw_log(LOG_ERR, "out of memory");
		gwd_destroy(d);
		return NULL;
	}
	gw_set_time(d->gw, gw_clock_ms());
	ev_async_init(&d->punted, workers_punted);
	d->punted.data = d;
	ev_async_start(loop, &d->punted);
	ev_prepare_init(&d->publish, publish_prepare);
	d->publish.data = d;
	ev_prepare_start(loop, &d->publish);
	ev_timer_init(&d->publish_later, publish_timer, 0., 0.);
	/* before the uplinks open: no event about them can fall in between */
	char ioerr[GW_IO_ERRLEN];
	d->netdevs = gw_netdevs_open(ioerr);
	if (d->netdevs) {
		ev_io_init(&d->netdevs_w, netdevs_readable, gw_netdevs_fd(d->netdevs), EV_READ);
		d->netdevs_w.data = d;
		ev_io_start(loop, &d->netdevs_w);
	} else {
		gw_log(LOG_ERR, "%s: uplink netdevs that go away or come back are not followed",
		       ioerr);
	}
	struct gw_cfg *cfg = load_config(opts->config_path);
	if (!cfg) {
		gwd_destroy(d);
		return NULL;
	}
	if (commit_cand(d, cfg, true, err) != GW_CFG_OK) {
		gw_log(LOG_ERR, "%s: %s", opts->config_path, err);
		gw_cfg_free(cfg);
		gwd_destroy(d);
		return NULL;
	}
	ev_timer_init(&d->tick, tick, TICK_S, TICK_S);
	d->tick.data = d;
	ev_timer_start(loop, &d->tick);
	return d;
}

void gwd_destroy(struct gwd *d)
{
	if (!d)
		return;
	ev_timer_stop(d->loop, &d->tick);
	gw_workers_stop(d->workers, d->gw); /* no handover: every socket closes next */
	d->workers = NULL;
	ev_async_stop(d->loop, &d->punted);
	ev_prepare_stop(d->loop, &d->publish);
	ev_timer_stop(d->loop, &d->publish_later);
	for (int i = 0; i < d->n_udp_w; i++)
		ev_io_stop(d->loop, &d->udp_w[i].w);
	while (d->n_uplinks)
		uplink_close(d, d->n_uplinks - 1);
	if (d->netdevs) {
		ev_io_stop(d->loop, &d->netdevs_w);
		gw_netdevs_close(d->netdevs);
	}
	/* the gateway first: its pending packets go out (or back to the pool) via the io;
	 * the underlay's held datagrams back to the pool before it goes */
	if (d->udp)
		gw_udp_rx_discard(d->udp);
	gw_destroy(d->gw);
	if (d->udp)
		gw_udp_close(d->udp);
	gw_xdp_detach(d->xdp);
	gw_cfg_free(d->running);
	free(d);
}
