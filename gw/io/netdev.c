/*
 * gw/io/netdev.c - netdev events (see "netdev events" in gw/io/io.h).
 *
 * An rtnetlink socket in the RTMGRP_LINK group hears every RTM_NEWLINK (created, up,
 * down, carrier, renamed) and RTM_DELLINK of the daemon's namespace. The events only say
 * "look again": what a netdev is now is asked by name with ioctls, so a lost or
 * reordered event costs nothing but the look it would have caused, and a receive buffer
 * that overflowed (ENOBUFS) is answered by looking at every uplink.
 */
#include "gw/io/io.h"

/* net/if.h before the linux headers: its libc-compat guards then keep out linux/if.h. */
#include <net/if.h>

#include <errno.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#define NL_BUF    16384
#define NL_RCVBUF (1 << 20)
#define READS_MAX 64 /* datagrams per gw_netdevs_read: the loop's other watchers get a turn */

_Static_assert(GW_NETDEV_NAMELEN == IFNAMSIZ, "the event's name holds any netdev name");

struct gw_netdevs {
	int nl_fd;    /* RTMGRP_LINK listener */
	int ioctl_fd; /* asks the kernel about a netdev by name */
	uint8_t buf[NL_BUF] __attribute__((aligned(4)));
};

static int nd_err(char *err, const char *what)
{
	if (err)
		snprintf(err, GW_IO_ERRLEN, "netdev events: %s: %s", what, strerror(errno));
	return -1;
}

struct gw_netdevs *gw_netdevs_open(char err[GW_IO_ERRLEN])
{
	struct gw_netdevs *n = calloc(1, sizeof(*n));
	if (!n) {
		errno = ENOMEM;
		nd_err(err, "calloc");
		return NULL;
	}
	n->nl_fd = socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, NETLINK_ROUTE);
	n->ioctl_fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	/* nl_pid 0: the kernel gives the socket a port of its own */
	struct sockaddr_nl sa = {.nl_family = AF_NETLINK, .nl_groups = RTMGRP_LINK};
	int buf = NL_RCVBUF;
	if (n->nl_fd < 0 || n->ioctl_fd < 0 ||
	    bind(n->nl_fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		nd_err(err, n->nl_fd < 0 || n->ioctl_fd < 0 ? "socket" : "bind");
		gw_netdevs_close(n);
		return NULL;
	}
	/* a burst of events (many netdevs created at once) should not overflow it; if it
	 * does anyway, the reader is told and looks at everything again */
	if (setsockopt(n->nl_fd, SOL_SOCKET, SO_RCVBUFFORCE, &buf, sizeof(buf)) < 0)
		(void)setsockopt(n->nl_fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof(buf));
	return n;
}

void gw_netdevs_close(struct gw_netdevs *n)
{
	if (!n)
		return;
	if (n->nl_fd >= 0)
		close(n->nl_fd);
	if (n->ioctl_fd >= 0)
		close(n->ioctl_fd);
	free(n);
}

int gw_netdevs_fd(const struct gw_netdevs *n)
{
	return n->nl_fd;
}

/* The event in one RTM_NEWLINK/RTM_DELLINK message; false for anything else. */
static bool parse_link(const struct nlmsghdr *h, struct gw_netdev_event *ev)
{
	if ((h->nlmsg_type != RTM_NEWLINK && h->nlmsg_type != RTM_DELLINK) ||
	    h->nlmsg_len < NLMSG_LENGTH(sizeof(struct ifinfomsg)))
		return false;
	const struct ifinfomsg *ifi = NLMSG_DATA(h);
	*ev = (struct gw_netdev_event){
	    .gone = h->nlmsg_type == RTM_DELLINK,
	    .ifindex = ifi->ifi_index,
	    .flags = ifi->ifi_flags,
	};
	int alen = (int)(h->nlmsg_len - NLMSG_LENGTH(sizeof(*ifi)));
	for (const struct rtattr *a = IFLA_RTA(ifi); RTA_OK(a, alen); a = RTA_NEXT(a, alen)) {
		if (a->rta_type != IFLA_IFNAME)
			continue;
		/* the kernel writes the name with its NUL; without one it is not a name */
		const char *name = RTA_DATA(a), *nul = memchr(name, '\0', RTA_PAYLOAD(a));
		if (nul && nul > name && (size_t)(nul - name) < sizeof(ev->name))
			memcpy(ev->name, name, (size_t)(nul - name) + 1);
	}
	return true;
}

unsigned gw_netdevs_parse(const void *buf, size_t len,
                          void (*cb)(void *ctx, const struct gw_netdev_event *ev), void *ctx)
{
	unsigned n = 0;
	size_t step;
	/* NLMSG_OK/NLMSG_NEXT by hand: the macros compare the u32 length with an int */
	for (size_t off = 0; len - off >= sizeof(struct nlmsghdr); off += step) {
		const struct nlmsghdr *h = (const void *)((const uint8_t *)buf + off);
		if (h->nlmsg_len < sizeof(*h) || h->nlmsg_len > len - off)
			break;
		step = NLMSG_ALIGN(h->nlmsg_len);
		if (step > len - off)
			step = len - off;
		struct gw_netdev_event ev;
		if (parse_link(h, &ev)) {
			cb(ctx, &ev);
			n++;
		}
	}
	return n;
}

int gw_netdevs_read(struct gw_netdevs *n, void (*cb)(void *ctx, const struct gw_netdev_event *ev),
                    void *ctx)
{
	int lost = 0;
	for (int i = 0; i < READS_MAX; i++) {
		struct sockaddr_nl from;
		struct iovec iov = {.iov_base = n->buf, .iov_len = sizeof(n->buf)};
		struct msghdr mh = {.msg_name = &from,
		                    .msg_namelen = sizeof(from),
		                    .msg_iov = &iov,
		                    .msg_iovlen = 1};
		ssize_t r = recvmsg(n->nl_fd, &mh, MSG_DONTWAIT);
		if (r < 0 && errno == ENOBUFS) {
			lost = 1; /* the kernel dropped events: the socket is usable again */
			continue;
		}
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		/* Only the kernel speaks for the netdevs (port 0 is the kernel's own, not "no
		 * port"); a truncated datagram lost events like an overflow. */
		if (mh.msg_namelen != sizeof(from) || from.nl_family != AF_NETLINK ||
		    from.nl_pid != 0)
			continue;
		if (mh.msg_flags & MSG_TRUNC)
			lost = 1;
		gw_netdevs_parse(n->buf, (size_t)r, cb, ctx);
	}
	return lost;
}

int gw_netdevs_query(struct gw_netdevs *n, const char *name, int *ifindex, unsigned *flags)
{
	struct ifreq ifr = {0};
	size_t len = strlen(name);
	if (len == 0 || len >= sizeof(ifr.ifr_name))
		return -1;
	memcpy(ifr.ifr_name, name, len + 1);
	if (ioctl(n->ioctl_fd, SIOCGIFINDEX, &ifr) < 0)
		return -1;
	*ifindex = ifr.ifr_ifindex;
	if (ioctl(n->ioctl_fd, SIOCGIFFLAGS, &ifr) < 0)
		return -1;
	*flags = (unsigned)(unsigned short)ifr.ifr_flags;
	return 0;
}

int gw_netdev_ipv6_disable(const char *name, char err[GW_IO_ERRLEN])
{
	char path[96];
	if (!name[0] || strchr(name, '/') || !strcmp(name, ".") || !strcmp(name, "..") ||
	    strlen(name) >= IFNAMSIZ) {
		snprintf(err, GW_IO_ERRLEN, "%s: not a netdev name", name);
		return -1;
	}
	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/disable_ipv6", name);
	FILE *f = fopen(path, "w");
	if (!f || fputs("1\n", f) < 0 || fclose(f) != 0) {
		snprintf(err, GW_IO_ERRLEN, "%s: %s", path, strerror(errno));
		if (f)
			fclose(f);
		return -1;
	}
	return 0;
}
