/*
 * gw/io/xdp.c - the XDP program of `dataplane io xdp` on the VTEP's netdev (gw/io/xdp.h).
 *
 * The program is loaded from the object vxgwd carries (gw/io/xdp/embed.cmake), its match
 * entry written, and it is attached in the driver's own (native) mode where the driver has
 * one, in generic mode otherwise. The netdev is the one that holds the VTEP address: the
 * gateway's datagrams arrive there (the underlay's route back to the VTEPs leaves there
 * too, so that the sockets can also send).
 */
#include "gw/io/xdp.h"
#include "gw/io/io_int.h"
#include "gw/io/xdp/vxgw_xdp.h"

#include "common/net.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdatomic.h>
#include <ifaddrs.h>
#include <linux/ethtool.h>
#include <linux/genetlink.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#ifndef BPF_F_XDP_DEV_BOUND_ONLY
#define BPF_F_XDP_DEV_BOUND_ONLY (1U << 6) /* Linux 6.3; older headers lack it */
#endif

_Static_assert(VXGW_XDP_QUEUES == GW_XDP_QUEUES_MAX, "one socket map slot per queue");
_Static_assert(VXGW_XDP_MACS == GW_XDP_MACS_MAX, "the MAC addresses the program holds");

extern const unsigned char gw_xdp_obj[], gw_xdp_uplink_obj[];
extern const size_t gw_xdp_obj_len, gw_xdp_uplink_obj_len;

struct gw_xdp {
	struct gw_xdp_cfg cfg;
	struct bpf_object *obj;
	int ifindex;
	char ifname[IF_NAMESIZE];
	unsigned queues;
	bool uplink;         /* an uplink's program (vxgw_xdp_uplink), not the underlay's */
	const char *prog;    /* the program loaded (a name in the object) */
	bool native;         /* attached in the driver's mode (else generic) */
	int link_fd;         /* the attachment: its close (ours, or our exit) detaches */
	int xsks_fd;         /* the socket map */
	atomic_uint sockets; /* in the map (a worker takes its own out) */
	atomic_uint refs;    /* the owner's (until gw_xdp_detach) and one per socket */
	bool zerocopy;       /* the sockets bound zero-copy */
	uint32_t busy_poll_us;
	atomic_int busy_poll_err; /* a socket could not have it: its errno (0: none) */
};

/* The netdev that holds address a (either family), 0 when none. */
static int netdev_of(const struct gw_xdp_cfg *c, bool v6)
{
	struct ifaddrs *list, *i;
	int ifindex = 0;
	if (getifaddrs(&list) < 0)
		return 0;
	for (i = list; i && !ifindex; i = i->ifa_next) {
		if (!i->ifa_addr || i->ifa_addr->sa_family != (v6 ? AF_INET6 : AF_INET))
			continue;
		bool same =
		    v6 ? net_ip6_eq(&((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr, &c->vtep6)
		       : ntohl(((struct sockaddr_in *)i->ifa_addr)->sin_addr.s_addr) == c->vtep;
		if (same)
			ifindex = (int)if_nametoindex(i->ifa_name);
	}
	freeifaddrs(list);
	return ifindex;
}

unsigned gw_netdev_rx_queues(const char *ifname)
{
	struct ethtool_channels ch = {.cmd = ETHTOOL_GCHANNELS};
	struct ifreq ifr = {0};
	unsigned n = 1;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	ifr.ifr_data = (void *)&ch;
	if (fd >= 0 && ioctl(fd, SIOCETHTOOL, &ifr) == 0)
		n = ch.rx_count + ch.combined_count;
	if (fd >= 0)
		close(fd);
	return n < 1 ? 1 : n > GW_XDP_QUEUES_MAX ? GW_XDP_QUEUES_MAX : n;
}

/* Fails with "what: the error's text" (e an errno, 0: none) in err. */
static struct gw_xdp *xdp_fail(struct gw_xdp *x, char *err, const char *what, int e)
{
	int n = snprintf(err, GW_IO_ERRLEN, "%s", what);
	if (e && n >= 0 && n < GW_IO_ERRLEN)
		snprintf(err + n, (size_t)(GW_IO_ERRLEN - n), ": %s", strerror(e));
	gw_xdp_detach(x);
	return NULL;
}

/* Picks the netdev: the one of each VTEP address there is, and the same for both. */
static int xdp_netdev(struct gw_xdp *x, char *err)
{
	bool has4 = x->cfg.vtep != 0, has6 = !net_ip6_is_zero(&x->cfg.vtep6);
	int i4 = has4 ? netdev_of(&x->cfg, false) : 0, i6 = has6 ? netdev_of(&x->cfg, true) : 0;
	if ((has4 && !i4) || (has6 && !i6) || (!has4 && !has6)) {
		snprintf(err, GW_IO_ERRLEN, "no netdev of this host holds the VTEP address");
		return -1;
	}
	if (has4 && has6 && i4 != i6) {
		snprintf(err, GW_IO_ERRLEN, "the IPv4 and IPv6 VTEP addresses are on two netdevs");
		return -1;
	}
	x->ifindex = has4 ? i4 : i6;
	if (!if_indextoname((unsigned)x->ifindex, x->ifname)) {
		snprintf(err, GW_IO_ERRLEN, "netdev %d: %s", x->ifindex, strerror(errno));
		return -1;
	}
	x->queues = gw_netdev_rx_queues(x->ifname);
	return 0;
}

static int write_match(struct gw_xdp *x)
{
	struct vxgw_xdp_match m = {.vtep4 = htonl(x->cfg.vtep),
	                           .port = htons(x->cfg.port),
	                           .has4 = x->cfg.vtep != 0,
	                           .has6 = !net_ip6_is_zero(&x->cfg.vtep6),
	                           .frame_max = GW_XSK_FRAME_MAX};
	memcpy(m.vtep6, &x->cfg.vtep6, sizeof(m.vtep6));
	struct bpf_map *map = bpf_object__find_map_by_name(x->obj, "vxgw_match");
	uint32_t zero = 0;
	return map ? bpf_map__update_elem(map, &zero, sizeof(zero), &m, sizeof(m), BPF_ANY)
	           : -ENOENT;
}

/* Attaches the loaded program: native mode first, generic if the driver refuses (an
 * uplink's program, bound to its netdev, only native). A link, not a netlink attachment:
 * a vxgwd that dies (SIGKILL, a crash) leaves no program behind that would refuse the next
 * one's (and it never takes another's program off). */
static int xdp_attach_prog(struct gw_xdp *x, const char *name)
{
	struct bpf_program *prog = bpf_object__find_program_by_name(x->obj, name);
	if (!prog)
		return -ENOENT;
	int fd = bpf_program__fd(prog), e = 0;
	const unsigned modes[] = {XDP_FLAGS_DRV_MODE, XDP_FLAGS_SKB_MODE};
	for (unsigned i = 0; i < (x->uplink ? 1u : 2u); i++) {
		LIBBPF_OPTS(bpf_link_create_opts, o, .flags = modes[i]);
		int link = bpf_link_create(fd, x->ifindex, BPF_XDP, &o);
		if (link >= 0) {
			x->link_fd = link;
			x->native = modes[i] == XDP_FLAGS_DRV_MODE;
			return 0;
		}
		e = -errno;
		if (e == -EBUSY || e == -EEXIST) /* another program is there: leave it alone */
			return e;
	}
	return e;
}

/*
 * Opens x's object (the underlay's or the uplinks') and loads its program `name` alone.
 * An uplink's program asks the driver for a frame's VLAN tag (a kfunc of the device's
 * own), which the kernel allows only to a program bound to that netdev. 0, or -1 with a
 * message in err and no object.
 */
static int xdp_open(struct gw_xdp *x, const char *name, char *err)
{
	LIBBPF_OPTS(bpf_object_open_opts, opts, .object_name = name);
	x->obj = x->uplink ? bpf_object__open_mem(gw_xdp_uplink_obj, gw_xdp_uplink_obj_len, &opts)
	                   : bpf_object__open_mem(gw_xdp_obj, gw_xdp_obj_len, &opts);
	int e = x->obj ? 0 : -errno;
	struct bpf_program *p;
	if (x->obj) {
		bpf_object__for_each_program(p, x->obj)
		{
			bool ours = !strcmp(bpf_program__name(p), name);
			bpf_program__set_autoload(p, ours);
			if (ours && x->uplink) {
				bpf_program__set_ifindex(p, (unsigned)x->ifindex);
				bpf_program__set_flags(p, BPF_F_XDP_DEV_BOUND_ONLY);
			}
		}
		e = bpf_object__load(x->obj);
	}
	if (e) {
		snprintf(err, GW_IO_ERRLEN, "loading the XDP program: %s", strerror(-e));
		bpf_object__close(x->obj);
		x->obj = NULL;
		return -1;
	}
	x->prog = name;
	return 0;
}

/* Writes the loaded program's match and attaches it to x's netdev. */
static struct gw_xdp *xdp_start(struct gw_xdp *x, char *err)
{
	int e;
	x->xsks_fd = bpf_object__find_map_fd_by_name(x->obj, "vxgw_xsks");
	if (x->xsks_fd < 0)
		return xdp_fail(x, err, "the XDP program has no socket map", 0);
	if ((e = x->uplink ? gw_xdp_uplink_match(x, NULL, 0, false) : write_match(x)) < 0)
		return xdp_fail(x, err, "writing the XDP program's match", -e);
	if ((e = xdp_attach_prog(x, x->prog)) < 0) {
		char what[GW_IO_ERRLEN];
		snprintf(what, sizeof(what), "attaching the XDP program to %s%s", x->ifname,
		         x->uplink ? " in native mode" : "");
		return xdp_fail(x, err, what, -e);
	}
	return x;
}

static struct gw_xdp *xdp_new(void)
{
	struct gw_xdp *x = calloc(1, sizeof(*x));
	if (!x)
		return NULL;
	x->xsks_fd = -1;
	x->link_fd = -1;
	atomic_init(&x->refs, 1);
	return x;
}

struct gw_xdp *gw_xdp_attach(const struct gw_xdp_cfg *cfg, char err[GW_IO_ERRLEN])
{
	struct gw_xdp *x = xdp_new();
	if (!x)
		return xdp_fail(x, err, "out of memory", 0);
	x->cfg = *cfg;
	if (xdp_netdev(x, err) < 0) {
		gw_xdp_detach(x);
		return NULL;
	}
	/* the program that takes frames in several buffers (Linux 5.18) first: with it the
	 * netdev's MTU is not held to a page (a jumbo underlay); the other one on an older
	 * kernel, which refuses it */
	char err_frags[GW_IO_ERRLEN];
	if (xdp_open(x, "vxgw_xdp", err_frags) < 0 && xdp_open(x, "vxgw_xdp_linear", err) < 0) {
		gw_xdp_detach(x);
		return NULL;
	}
	return xdp_start(x, err);
}

struct gw_xdp *gw_xdp_attach_uplink(int ifindex, char err[GW_IO_ERRLEN])
{
	struct gw_xdp *x = xdp_new();
	if (!x)
		return xdp_fail(x, err, "out of memory", 0);
	x->uplink = true;
	x->ifindex = ifindex;
	if (!if_indextoname((unsigned)ifindex, x->ifname)) {
		snprintf(err, GW_IO_ERRLEN, "netdev %d: %s", ifindex, strerror(errno));
		gw_xdp_detach(x);
		return NULL;
	}
	x->queues = gw_netdev_rx_queues(x->ifname);
	int hint = gw_netdev_rx_vlan_hint(ifindex);
	if (hint <= 0)
		return xdp_fail(x, err,
		                hint < 0 ? "the kernel cannot say whether the driver reports VLAN "
		                           "tags to XDP (Linux 6.8)"
		                         : "the driver does not report VLAN tags to XDP",
		                0);
	if (xdp_open(x, "vxgw_xdp_uplink", err) < 0) {
		gw_xdp_detach(x);
		return NULL;
	}
	return xdp_start(x, err);
}

int gw_xdp_uplink_match(struct gw_xdp *x, const uint8_t (*macs)[6], unsigned n, bool take6)
{
	struct vxgw_xdp_uplink m = {.frame_max = GW_XSK_FRAME_MAX, .take6 = take6};
	for (unsigned i = 0; i < n && i < VXGW_XDP_MACS; i++)
		memcpy(m.macs[i], macs[i], 6);
	m.n_macs = (uint16_t)(n < VXGW_XDP_MACS ? n : VXGW_XDP_MACS);
	struct bpf_map *map = bpf_object__find_map_by_name(x->obj, "vxgw_uplink");
	uint32_t zero = 0;
	return map ? bpf_map__update_elem(map, &zero, sizeof(zero), &m, sizeof(m), BPF_ANY)
	           : -ENOENT;
}

/* The program is taken off its netdev at once; the object (its maps) lives on until its
 * last socket is closed, which may be later, on another thread. */
void gw_xdp_detach(struct gw_xdp *x)
{
	if (!x)
		return;
	if (x->link_fd >= 0)
		close(x->link_fd);
	x->link_fd = -1;
	gw_xdp_unref(x);
}

void gw_xdp_ref(struct gw_xdp *x)
{
	atomic_fetch_add(&x->refs, 1);
}

void gw_xdp_unref(struct gw_xdp *x)
{
	if (atomic_fetch_sub(&x->refs, 1) != 1)
		return;
	bpf_object__close(x->obj);
	free(x);
}

const struct gw_xdp_cfg *gw_xdp_cfg(const struct gw_xdp *x)
{
	return &x->cfg;
}

unsigned gw_xdp_queues(const struct gw_xdp *x)
{
	return x->queues;
}

void gw_xdp_info(const struct gw_xdp *x, struct gw_xdp_info *out)
{
	*out = (struct gw_xdp_info){.on = true,
	                            .native = x->native,
	                            .zerocopy = x->zerocopy,
	                            .queues = x->queues,
	                            .sockets = atomic_load(&x->sockets),
	                            .busy_poll_us = x->busy_poll_us};
	snprintf(out->ifname, sizeof(out->ifname), "%s", x->ifname);
	int e = atomic_load(&x->busy_poll_err);
	if (e) {
		out->busy_poll_us = 0;
		snprintf(out->why, sizeof(out->why), "busy polling refused: %s", strerror(e));
	}
}

void gw_xdp_set_busy_poll(struct gw_xdp *x, uint32_t usecs)
{
	x->busy_poll_us = usecs;
	atomic_store(&x->busy_poll_err, 0);
}

/* ---- for gw/io/xsk.c ---- */

uint32_t gw_xdp_busy_poll_us(const struct gw_xdp *x)
{
	return x->busy_poll_us;
}

void gw_xdp_busy_poll_failed(struct gw_xdp *x, int e)
{
	atomic_store(&x->busy_poll_err, e);
}

int gw_xdp_ifindex(const struct gw_xdp *x)
{
	return x->ifindex;
}

const char *gw_xdp_ifname(const struct gw_xdp *x)
{
	return x->ifname;
}

int gw_xdp_map_set(struct gw_xdp *x, unsigned queue, int fd, bool zerocopy)
{
	uint32_t k = queue;
	int e = fd >= 0 ? bpf_map_update_elem(x->xsks_fd, &k, &fd, BPF_ANY)
	                : bpf_map_delete_elem(x->xsks_fd, &k);
	if (e == 0 && fd >= 0) {
		atomic_fetch_add(&x->sockets, 1);
		x->zerocopy = zerocopy;
	} else if (e == 0) {
		atomic_fetch_sub(&x->sockets, 1);
	}
	return e;
}

/* ---- what a driver tells XDP: the netdev netlink family (Linux 6.3; the field 6.8) ---- */

#define NETDEV_GENL_NAME                      "netdev"
#define NETDEV_CMD_DEV_GET                    1
#define NETDEV_A_DEV_IFINDEX                  1
#define NETDEV_A_DEV_XDP_RX_METADATA_FEATURES 5
#define NETDEV_XDP_RX_METADATA_VLAN_TAG       4
#define GENL_ANSWER_MAX                       8192

struct genl_req {
	struct nlmsghdr nh;
	struct genlmsghdr g;
	uint8_t attrs[64];
};

static void genl_req_init(struct genl_req *r, uint16_t family, uint8_t cmd)
{
	memset(r, 0, sizeof(*r));
	r->nh = (struct nlmsghdr){.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN),
	                          .nlmsg_type = family,
	                          .nlmsg_flags = NLM_F_REQUEST,
	                          .nlmsg_seq = 1};
	r->g = (struct genlmsghdr){.cmd = cmd, .version = 1};
}

static void genl_put(struct genl_req *r, uint16_t type, const void *v, uint16_t len)
{
	struct nlattr *a = (struct nlattr *)((uint8_t *)r + NLMSG_ALIGN(r->nh.nlmsg_len));
	a->nla_type = type;
	a->nla_len = (uint16_t)(NLA_HDRLEN + len);
	memcpy((uint8_t *)a + NLA_HDRLEN, v, len);
	r->nh.nlmsg_len = NLMSG_ALIGN(r->nh.nlmsg_len) + NLA_ALIGN(a->nla_len);
}

/* Attribute `want` of one answer's message h: its payload copied to out (up to size);
 * its length, -1 when it has none. */
static int genl_attr(const struct nlmsghdr *h, uint16_t want, void *out, size_t size)
{
	if (h->nlmsg_len < NLMSG_LENGTH(GENL_HDRLEN))
		return -1;
	const uint8_t *p = (const uint8_t *)NLMSG_DATA(h) + GENL_HDRLEN;
	size_t left = h->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);
	while (left >= NLA_HDRLEN) {
		struct nlattr a;
		memcpy(&a, p, sizeof(a));
		if (a.nla_len < NLA_HDRLEN || a.nla_len > left)
			return -1;
		size_t len = a.nla_len - NLA_HDRLEN;
		if ((a.nla_type & NLA_TYPE_MASK) == want) {
			memcpy(out, p + NLA_HDRLEN, len < size ? len : size);
			return (int)len;
		}
		size_t step = NLA_ALIGN(a.nla_len);
		if (step >= left)
			break;
		p += step;
		left -= step;
	}
	return -1;
}

/* Sends r on fd and looks for attribute `want` in the answer (see genl_attr). */
static int genl_ask(int fd, struct genl_req *r, uint16_t want, void *out, size_t size)
{
	uint8_t *buf = malloc(GENL_ANSWER_MAX);
	int found = -1;
	if (!buf || send(fd, r, r->nh.nlmsg_len, 0) < 0) {
		free(buf);
		return -1;
	}
	ssize_t got = recv(fd, buf, GENL_ANSWER_MAX, 0);
	size_t len = got > 0 ? (size_t)got : 0, step;
	/* NLMSG_OK/NLMSG_NEXT by hand: the macros compare the u32 length with an int */
	for (size_t off = 0; found < 0 && len - off >= sizeof(struct nlmsghdr); off += step) {
		const struct nlmsghdr *h = (const void *)(buf + off);
		if (h->nlmsg_len < sizeof(*h) || h->nlmsg_len > len - off)
			break;
		step = NLMSG_ALIGN(h->nlmsg_len);
		if (step > len - off)
			step = len - off;
		if (h->nlmsg_type != NLMSG_ERROR && h->nlmsg_type != NLMSG_DONE)
			found = genl_attr(h, want, out, size);
	}
	free(buf);
	return found;
}

int gw_netdev_rx_vlan_hint(int ifindex)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (fd < 0)
		return -1;
	struct timeval tv = {.tv_sec = 1}; /* the kernel answers at once; never hang the loop */
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	struct genl_req r;
	uint16_t family = 0;
	uint64_t features = 0;
	genl_req_init(&r, GENL_ID_CTRL, CTRL_CMD_GETFAMILY);
	genl_put(&r, CTRL_ATTR_FAMILY_NAME, NETDEV_GENL_NAME, sizeof(NETDEV_GENL_NAME));
	int got = genl_ask(fd, &r, CTRL_ATTR_FAMILY_ID, &family, sizeof(family));
	if (got == (int)sizeof(family)) {
		uint32_t ifx = (uint32_t)ifindex;
		genl_req_init(&r, family, NETDEV_CMD_DEV_GET);
		genl_put(&r, NETDEV_A_DEV_IFINDEX, &ifx, sizeof(ifx));
		got = genl_ask(fd, &r, NETDEV_A_DEV_XDP_RX_METADATA_FEATURES, &features,
		               sizeof(features));
	}
	close(fd);
	if (got != (int)sizeof(features))
		return -1; /* no such family (< 6.3) or field (< 6.8) */
	return (features & NETDEV_XDP_RX_METADATA_VLAN_TAG) != 0;
}
