/*
 * gw/io_eth.c - Ethernet uplinks: one AF_PACKET SOCK_RAW socket per netdev, whole frames
 * in and out, a vector per recvmmsg/sendmmsg.
 *
 * Two things the kernel does to a frame before a packet socket sees it are undone here,
 * so that the pipeline sees the frame as it was (or will be) on the wire:
 *  - VLAN: the receive path moves an 802.1Q/802.1ad tag out of the frame into metadata,
 *    reported through PACKET_AUXDATA; we put the tag back in the 4 bytes of headroom, so
 *    that the pipeline hands the frame to the sub-interface of its VLAN (or drops it)
 *    instead of routing it as untagged. The tags we send are in the frame already.
 *  - Checksum offload: a frame the local stack sent through a veth (a netns lab) still
 *    carries CHECKSUM_PARTIAL, i.e. a TCP/UDP checksum field holding only the
 *    pseudo-header sum, left for a NIC to finish. We forward such frames, so we finish
 *    the checksum as the kernel's skb_checksum_help() would.
 * Frames larger than a buffer (GSO super-frames from a veth peer with TSO on, jumbo
 * frames over GW_PKT_DATA) are dropped; a lab peer should use gso_max_segs 1 or MTU-sized
 * frames.
 *
 * PACKET_QDISC_BYPASS is deliberately not used: it would also hide our frames from
 * tcpdump on the uplink, and the qdisc is what gives us back-pressure (ENOBUFS).
 */
#include "gw/io.h"
#include "gw/io_int.h"

#include "common/net.h"

#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#define SOCK_BUF_BYTES (4 << 20)
#define VLAN_HLEN      4

union aux_cmsg {
	struct cmsghdr align;
	uint8_t buf[CMSG_SPACE(sizeof(struct tpacket_auxdata))];
};

struct gw_eth {
	int fd;
	int ifindex;
	uint32_t mtu;
	uint8_t mac[NET_ETH_ALEN];
	/* Scratch for one recvmmsg/sendmmsg vector, kept off the stack. */
	struct mmsghdr msgs[GW_VEC_MAX];
	struct iovec iov[GW_VEC_MAX];
	struct sockaddr_ll addrs[GW_VEC_MAX];
	union aux_cmsg cmsgs[GW_VEC_MAX];
	uint64_t drops;    /* PACKET_STATISTICS resets on every read: the running total */
	uint64_t oversize; /* frames larger than a buffer (e.g. GRO-merged): dropped */
};

static int eth_err(char *err, const char *name, const char *why)
{
	if (err)
		snprintf(err, GW_IO_ERRLEN, "%s: %s", name, why);
	return -1;
}

/* Best effort, as for the UDP sockets: a smaller buffer only costs drops under bursts. */
static void sock_buf(int fd, int force_opt, int opt)
{
	int v = SOCK_BUF_BYTES;
	if (setsockopt(fd, SOL_SOCKET, force_opt, &v, sizeof(v)) < 0)
		(void)setsockopt(fd, SOL_SOCKET, opt, &v, sizeof(v));
}

/* Index, MAC and MTU of the netdev; refuses one that is down or not Ethernet. */
static int query_dev(struct gw_eth *e, const char *name, char *err)
{
	struct ifreq ifr = {0};
	memcpy(ifr.ifr_name, name, strlen(name) + 1);
	if (ioctl(e->fd, SIOCGIFINDEX, &ifr) < 0)
		return eth_err(err, name, strerror(errno));
	e->ifindex = ifr.ifr_ifindex;
	if (ioctl(e->fd, SIOCGIFFLAGS, &ifr) < 0)
		return eth_err(err, name, strerror(errno));
	if (!(ifr.ifr_flags & IFF_UP))
		return eth_err(err, name, "interface is down");
	if (ioctl(e->fd, SIOCGIFHWADDR, &ifr) < 0)
		return eth_err(err, name, strerror(errno));
	if (ifr.ifr_hwaddr.sa_family != ARPHRD_ETHER)
		return eth_err(err, name, "not an Ethernet interface");
	memcpy(e->mac, ifr.ifr_hwaddr.sa_data, NET_ETH_ALEN);
	if (ioctl(e->fd, SIOCGIFMTU, &ifr) < 0)
		return eth_err(err, name, strerror(errno));
	e->mtu = (uint32_t)ifr.ifr_mtu;
	return 0;
}

static int setup_socket(struct gw_eth *e, const char *name, char *err)
{
	int one = 1;
	if (setsockopt(e->fd, SOL_PACKET, PACKET_AUXDATA, &one, sizeof(one)) < 0)
		return eth_err(err, name, strerror(errno));
	/*
	 * The kernel already never hands a packet socket its own transmissions; this also
	 * hides what the host stack sends on the netdev. Older kernels (< 4.20) lack it:
	 * the PACKET_OUTGOING check on receive does the same job there.
	 */
	if (setsockopt(e->fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof(one)) < 0 &&
	    errno != ENOPROTOOPT)
		return eth_err(err, name, strerror(errno));
	sock_buf(e->fd, SO_RCVBUFFORCE, SO_RCVBUF);
	sock_buf(e->fd, SO_SNDBUFFORCE, SO_SNDBUF);
	struct sockaddr_ll sll = {
	    .sll_family = AF_PACKET,
	    .sll_protocol = htons(ETH_P_ALL),
	    .sll_ifindex = e->ifindex,
	};
	if (bind(e->fd, (struct sockaddr *)&sll, sizeof(sll)) < 0)
		return eth_err(err, name, strerror(errno));
	return 0;
}

struct gw_eth *gw_eth_open(const char *name, char err[GW_IO_ERRLEN])
{
	if (!name || !*name || strlen(name) >= IFNAMSIZ) {
		eth_err(err, name ? name : "(null)", "invalid interface name");
		return NULL;
	}
	struct gw_eth *e = calloc(1, sizeof(*e));
	if (!e) {
		eth_err(err, name, strerror(ENOMEM));
		return NULL;
	}
	/* Protocol 0: nothing is queued to the socket until bind() names the one netdev, so
	 * no frame from another interface slips in between socket() and bind(). */
	e->fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (e->fd < 0) {
		eth_err(err, name, strerror(errno));
		free(e);
		return NULL;
	}
	if (query_dev(e, name, err) < 0 || setup_socket(e, name, err) < 0) {
		close(e->fd);
		free(e);
		return NULL;
	}
	return e;
}

/* hash: a flow stays on one socket, in order; defrag: fragments hash as their whole */
#define FANOUT_MODE (PACKET_FANOUT_HASH | PACKET_FANOUT_FLAG_DEFRAG)

int gw_eth_fanout_create(struct gw_eth *e, uint16_t *id, char err[GW_IO_ERRLEN])
{
	/* The kernel picks a free id from a counter that runs over every u16, 0 included:
	 * what it picked is only known by asking back. */
	uint32_t arg = (uint32_t)(FANOUT_MODE | PACKET_FANOUT_FLAG_UNIQUEID) << 16;
	socklen_t len = sizeof(arg);
	if (setsockopt(e->fd, SOL_PACKET, PACKET_FANOUT, &arg, sizeof(arg)) < 0 ||
	    getsockopt(e->fd, SOL_PACKET, PACKET_FANOUT, &arg, &len) < 0)
		return eth_err(err, "PACKET_FANOUT", strerror(errno));
	*id = (uint16_t)(arg & 0xffff);
	return 0;
}

int gw_eth_fanout_join(struct gw_eth *e, uint16_t id, char err[GW_IO_ERRLEN])
{
	/* The same mode and flags as the group's creator, or the kernel refuses (EINVAL):
	 * the unique-id flag is the creator's alone and not kept in the group. */
	uint32_t arg = (uint32_t)FANOUT_MODE << 16 | id;
	if (setsockopt(e->fd, SOL_PACKET, PACKET_FANOUT, &arg, sizeof(arg)) < 0)
		return eth_err(err, "PACKET_FANOUT", strerror(errno));
	return 0;
}

void gw_eth_close(struct gw_eth *e)
{
	if (!e)
		return;
	close(e->fd);
	free(e);
}

int gw_eth_fd(const struct gw_eth *e)
{
	return e->fd;
}

int gw_eth_ifindex(const struct gw_eth *e)
{
	return e->ifindex;
}

void gw_eth_hwaddr(const struct gw_eth *e, uint8_t mac[6])
{
	memcpy(mac, e->mac, NET_ETH_ALEN);
}

uint32_t gw_eth_mtu(const struct gw_eth *e)
{
	return e->mtu;
}

/*
 * Finishes a CHECKSUM_PARTIAL TCP/UDP checksum of an untagged IPv4 frame: the field
 * holds the pseudo-header sum, so summing the L4 header and payload with it gives the
 * full checksum (0 is sent as 0xffff, which UDP needs and TCP treats the same).
 */
static void csum_finish(uint8_t *f, uint32_t len)
{
	uint16_t type;
	if (len < NET_ETH_HLEN + NET_IP_HLEN)
		return;
	memcpy(&type, f + 12, 2);
	uint8_t *ip = f + NET_ETH_HLEN;
	uint32_t ihl = (ip[0] & 0xfu) * 4;
	if (type != htons(NET_ETHERTYPE_IP) || (ip[0] >> 4) != 4 || ihl < NET_IP_HLEN)
		return;
	uint16_t tot_n;
	memcpy(&tot_n, ip + 2, 2);
	uint32_t tot = ntohs(tot_n);
	uint32_t field = ip[9] == 6 ? 16 : ip[9] == NET_IPPROTO_UDP ? 6 : 0;
	if (!field || tot + NET_ETH_HLEN > len || tot < ihl + field + 2)
		return;
	uint16_t sum = net_csum(ip + ihl, tot - ihl);
	if (sum == 0)
		sum = 0xffff;
	memcpy(ip + ihl + field, &sum, 2);
}

/* Puts a tag the kernel moved into metadata back after the MAC addresses. */
static void vlan_reinsert(struct gw_pkt *p, const struct tpacket_auxdata *aux)
{
	uint16_t tpid =
	    (aux->tp_status & TP_STATUS_VLAN_TPID_VALID) ? aux->tp_vlan_tpid : NET_ETHERTYPE_VLAN;
	uint16_t tag[2] = {htons(tpid), htons(aux->tp_vlan_tci)};
	if (p->len < 2 * NET_ETH_ALEN || gw_pkt_headroom(p) < VLAN_HLEN)
		return;
	p->data -= VLAN_HLEN;
	memmove(p->data, p->data + VLAN_HLEN, 2 * NET_ETH_ALEN);
	memcpy(p->data + 2 * NET_ETH_ALEN, tag, sizeof(tag));
	p->len += VLAN_HLEN;
}

static void frame_fixup(struct gw_pkt *p, struct msghdr *mh)
{
	for (struct cmsghdr *c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
		if (c->cmsg_level != SOL_PACKET || c->cmsg_type != PACKET_AUXDATA)
			continue;
		struct tpacket_auxdata aux;
		memcpy(&aux, CMSG_DATA(c), sizeof(aux));
		/* Before the tag goes back: csum_finish reads the untagged layout. */
		if (aux.tp_status & TP_STATUS_CSUMNOTREADY)
			csum_finish(p->data, p->len);
		if (aux.tp_status & TP_STATUS_VLAN_VALID)
			vlan_reinsert(p, &aux);
	}
}

static unsigned alloc_bufs(struct gw_pool *pool, struct gw_pkt **pkts, unsigned max)
{
	unsigned n = 0;
	while (n < max && (pkts[n] = gw_pkt_alloc(pool)) != NULL)
		n++;
	return n;
}

static void rx_prepare(struct gw_eth *e, struct gw_pkt **pkts, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		e->iov[i] = (struct iovec){.iov_base = pkts[i]->data, .iov_len = GW_PKT_DATA};
		e->msgs[i].msg_hdr = (struct msghdr){
		    .msg_name = &e->addrs[i],
		    .msg_namelen = sizeof(e->addrs[i]),
		    .msg_iov = &e->iov[i],
		    .msg_iovlen = 1,
		    .msg_control = e->cmsgs[i].buf,
		    .msg_controllen = sizeof(e->cmsgs[i].buf),
		};
		e->msgs[i].msg_len = 0;
	}
}

/* A frame we can forward: not one of our own (the socket sees what it sends), and whole. */
static bool frame_wanted(struct gw_eth *e, unsigned i)
{
	if (e->addrs[i].sll_pkttype == PACKET_OUTGOING)
		return false;
	bool trunc = e->msgs[i].msg_hdr.msg_flags & MSG_TRUNC;
	e->oversize += trunc; /* counted, never half-forwarded */
	return !trunc;
}

unsigned gw_eth_recv(struct gw_eth *e, struct gw_pool *pool, struct gw_pkt **pkts, unsigned max)
{
	unsigned n = alloc_bufs(pool, pkts, max < GW_VEC_MAX ? max : GW_VEC_MAX);
	if (n == 0)
		return 0;
	rx_prepare(e, pkts, n);
	/* EAGAIN means nothing more; other errors (ENETDOWN) are one-shot socket errors the
	 * kernel clears on report, so both just end this batch. */
	int r = recvmmsg(e->fd, e->msgs, n, MSG_DONTWAIT, NULL);
	unsigned got = r > 0 ? (unsigned)r : 0, k = 0;
	for (unsigned i = 0; i < n; i++) {
		struct gw_pkt *p = pkts[i];
		if (i >= got || !frame_wanted(e, i)) {
			gw_pkt_free(pool, p);
			continue;
		}
		p->len = e->msgs[i].msg_len;
		frame_fixup(p, &e->msgs[i].msg_hdr);
		pkts[k++] = p;
	}
	return k;
}

static unsigned send_chunk(struct gw_eth *e, struct gw_pkt **pkts, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		e->iov[i] = (struct iovec){.iov_base = pkts[i]->data, .iov_len = pkts[i]->len};
		/* No msg_name: a bound packet socket sends on its netdev. */
		e->msgs[i].msg_hdr = (struct msghdr){.msg_iov = &e->iov[i], .msg_iovlen = 1};
	}
	return gw_io_send_vec(e->fd, e->msgs, n);
}

unsigned gw_eth_send(struct gw_eth *e, struct gw_pool *pool, struct gw_pkt **pkts, unsigned n)
{
	unsigned refused = 0;
	for (unsigned off = 0; off < n; off += GW_VEC_MAX)
		refused += send_chunk(e, pkts + off, n - off < GW_VEC_MAX ? n - off : GW_VEC_MAX);
	for (unsigned i = 0; i < n; i++)
		gw_pkt_free(pool, pkts[i]);
	return refused;
}

uint64_t gw_eth_rx_oversize(const struct gw_eth *e)
{
	return e->oversize;
}

uint64_t gw_eth_rx_dropped(struct gw_eth *e)
{
	struct tpacket_stats st;
	socklen_t len = sizeof(st);
	if (getsockopt(e->fd, SOL_PACKET, PACKET_STATISTICS, &st, &len) == 0)
		e->drops += st.tp_drops;
	return e->drops;
}
