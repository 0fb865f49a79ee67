/*
 * gw/io/eth.c - Ethernet uplinks: one AF_PACKET SOCK_RAW socket per netdev, whole frames
 * in and out, a vector per recvmmsg/sendmmsg.
 *
 * Three things the kernel does to a frame before a packet socket sees it are undone here,
 * so that the pipeline sees the frame as it was (or will be) on the wire:
 *  - VLAN: the receive path moves an 802.1Q/802.1ad tag out of the frame into metadata,
 *    reported through PACKET_AUXDATA; we put the tag back in the 4 bytes of headroom, so
 *    that the pipeline hands the frame to the sub-interface of its VLAN (or drops it)
 *    instead of routing it as untagged. The tags we send are in the frame already.
 *  - Checksum offload: a frame the local stack sent through a veth (a container, a netns
 *    lab) still carries CHECKSUM_PARTIAL, i.e. a TCP/UDP checksum field holding only the
 *    pseudo-header sum, left for a NIC to finish. We forward such frames, so we finish the
 *    checksum as the kernel's skb_checksum_help() would.
 *  - Segmentation offload: the same sender hands over TCP (TSO) and UDP (USO) super-frames
 *    of up to 64 KiB, to be cut into segments on the wire. We cut them, as the NIC would.
 * The kernel tells us which is which in a virtio-net header before each frame
 * (PACKET_VNET_HDR, the legacy header in the host's byte order: "needs checksum" with
 * where it starts and goes, the GSO type and segment size); every frame we send starts
 * with an empty one. Frames up to 64 KiB beyond
 * a buffer arrive whole (gw_rxb, io_int.h); larger ones are dropped and counted.
 *
 * With `dataplane io xdp` a worker's driver also holds an AF_XDP socket on the netdev's
 * queue of its number (gw_eth_xsk_open): the uplink's XDP program hands it the frames for
 * the gateway's MACs whose bytes say all there is to know (no tag, not a fragment, not a
 * tunnel), and a checksum left partial there is completed by the bytes (no virtio-net
 * header comes with them). Where that socket is zero-copy (a NIC's driver), the worker's
 * frames leave through it too, without an skb, bypassing the netdev's qdisc and taps; a
 * frame of 4 KiB or more (a jumbo MTU) still leaves through the packet socket. In copy mode
 * (a veth; a driver without zero-copy) they leave through the packet socket: AF_XDP would
 * build the same skb per frame there, and measured no faster (docs/benchmarks.md), while
 * the packet socket keeps the qdisc and the taps.
 *
 * The packet socket does not set PACKET_QDISC_BYPASS: that would also hide our frames from
 * tcpdump on the uplink, and the qdisc is what gives us back-pressure (ENOBUFS). A netdev
 * whose qdisc or taps matter keeps it with ` dataplane io socket` (no AF_XDP socket).
 */
#include "gw/gso.h"
#include "gw/io/io.h"
#include "gw/io/io_int.h"
#include "gw/io/xdp.h"

#include "common/net.h"

#include <errno.h>
#include <linux/if_packet.h>
#include <linux/virtio_net.h>
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

#define VNET_HLEN sizeof(struct virtio_net_hdr)

_Static_assert(VNET_HLEN <= GW_RXB_PRE, "the virtio-net header fits before the packet");
_Static_assert(CMSG_SPACE(sizeof(struct tpacket_auxdata)) <= sizeof(((struct gw_rxb *)0)->ctl[0]),
               "PACKET_AUXDATA fits the control buffer");

struct gw_eth {
	int fd;
	int ifindex;
	uint32_t mtu;
	uint8_t mac[NET_ETH_ALEN];
	struct gw_rxb *rxb;
	/* Scratch for one sendmmsg vector, kept off the stack: header, frame. */
	struct mmsghdr msgs[GW_VEC_MAX];
	struct iovec iov[GW_VEC_MAX][2];
	uint64_t drops; /* PACKET_STATISTICS resets on every read: the running total */
	struct gw_io_rx_stats rx;
	/* dataplane io xdp: the AF_XDP socket of one queue (NULL: none), whether frames leave
	 * through it (zero-copy), and how many did */
	struct gw_xsk *xsk;
	bool xsk_tx;
	uint64_t xsk_sent;
};

/* What each frame we send starts with: no offload asked for. */
static const struct virtio_net_hdr vnet_none;

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

static int setup_socket(struct gw_eth *e, const char *name, unsigned flags, char *err)
{
	int one = 1;
	if (setsockopt(e->fd, SOL_PACKET, PACKET_AUXDATA, &one, sizeof(one)) < 0 ||
	    setsockopt(e->fd, SOL_PACKET, PACKET_VNET_HDR, &one, sizeof(one)) < 0)
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
	/* protocol 0 binds the netdev for sending without a receive hook: nothing arrives */
	struct sockaddr_ll sll = {
	    .sll_family = AF_PACKET,
	    .sll_protocol = (flags & GW_ETH_NO_RX) ? 0 : htons(ETH_P_ALL),
	    .sll_ifindex = e->ifindex,
	};
	if (bind(e->fd, (struct sockaddr *)&sll, sizeof(sll)) < 0)
		return eth_err(err, name, strerror(errno));
	return 0;
}

struct gw_eth *gw_eth_open(const char *name, char err[GW_IO_ERRLEN])
{
	return gw_eth_open_opt(name, 0, err);
}

struct gw_eth *gw_eth_open_opt(const char *name, unsigned flags, char err[GW_IO_ERRLEN])
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
	bool rx = !(flags & GW_ETH_NO_RX);
	e->rxb = rx ? gw_rxb_open(VNET_HLEN) : NULL;
	if (rx && !e->rxb)
		eth_err(err, name, strerror(ENOMEM));
	if ((rx && !e->rxb) || query_dev(e, name, err) < 0 ||
	    setup_socket(e, name, flags, err) < 0) {
		gw_rxb_close(e->rxb);
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

int gw_eth_set_promisc(struct gw_eth *e, bool on, char err[GW_IO_ERRLEN])
{
	struct packet_mreq mr = {.mr_ifindex = e->ifindex, .mr_type = PACKET_MR_PROMISC};
	int op = on ? PACKET_ADD_MEMBERSHIP : PACKET_DROP_MEMBERSHIP;
	if (setsockopt(e->fd, SOL_PACKET, op, &mr, sizeof(mr)) < 0)
		return eth_err(err, "PACKET_MR_PROMISC", strerror(errno));
	return 0;
}

void gw_eth_close(struct gw_eth *e)
{
	if (!e)
		return;
	gw_xsk_close(e->xsk);
	close(e->fd);
	gw_rxb_close(e->rxb);
	free(e);
}

int gw_eth_xsk_open(struct gw_eth *e, struct gw_xdp *x, unsigned queue, char err[GW_IO_ERRLEN])
{
	if (e->xsk || !e->rxb || gw_xdp_ifindex(x) != e->ifindex) {
		snprintf(err, GW_IO_ERRLEN, "not a receiving socket of the program's netdev");
		return -1;
	}
	e->xsk = gw_xsk_open(x, queue, err);
	e->xsk_tx = e->xsk && gw_xsk_zerocopy(e->xsk);
	return e->xsk ? 0 : -1;
}

bool gw_eth_tx_flush(struct gw_eth *e)
{
	return e->xsk_tx && gw_xsk_tx_flush(e->xsk);
}

uint64_t gw_eth_xsk_sent(const struct gw_eth *e)
{
	return e->xsk_sent;
}

int gw_eth_xsk_fd(const struct gw_eth *e)
{
	return e->xsk ? gw_xsk_fd(e->xsk) : -1;
}

void gw_eth_xsk_unmap(struct gw_eth *e)
{
	if (e->xsk)
		gw_xsk_unmap(e->xsk);
}

/*
 * A frame from the AF_XDP socket, as the packet socket would have had it: the program
 * took only untagged IPv4/IPv6 frames, and a TCP/UDP checksum a local sender left for a
 * NIC (XDP does not say which) is finished by the bytes (gw_gso_csum_complete).
 */
static void xsk_frame(struct gw_eth *e, struct gw_pkt *p)
{
	if (p->len > NET_ETH_HLEN &&
	    gw_gso_csum_complete(p->data + NET_ETH_HLEN, p->len - NET_ETH_HLEN))
		e->rx.csum++;
}

unsigned gw_eth_xsk_recv(struct gw_eth *e, struct gw_pool *pool, struct gw_pkt **pkts, unsigned max)
{
	if (!e->xsk)
		return 0;
	unsigned n = gw_xsk_recv(e->xsk, pool, pkts, max);
	for (unsigned i = 0; i < n; i++)
		xsk_frame(e, pkts[i]);
	e->rx.xdp_uplink += n;
	return n;
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

/* The frame's VLAN metadata, if the kernel took a tag out of it. */
static bool frame_tag(struct msghdr *mh, struct tpacket_auxdata *aux)
{
	for (struct cmsghdr *c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
		if (c->cmsg_level != SOL_PACKET || c->cmsg_type != PACKET_AUXDATA)
			continue;
		memcpy(aux, CMSG_DATA(c), sizeof(*aux));
		return aux->tp_status & TP_STATUS_VLAN_VALID;
	}
	return false;
}

/* The IP version of an EtherType (network order): 4, 6, or 0 for another one. */
static unsigned ip_version(uint16_t type)
{
	return type == htons(NET_ETHERTYPE_IP) ? 4 : type == htons(NET_ETHERTYPE_IP6) ? 6 : 0;
}

/*
 * Offset of the IPv4 or IPv6 header of a frame (one 802.1Q tag may still be in it) and in
 * *ver its version, which the header's own must match; 0: none.
 */
static uint32_t frame_l3(const uint8_t *f, uint32_t len, unsigned *ver)
{
	uint16_t type;
	uint32_t l3 = NET_ETH_HLEN;
	if (len < NET_ETH_HLEN + NET_IP_HLEN)
		return 0;
	memcpy(&type, f + 12, 2);
	if (type == htons(NET_ETHERTYPE_VLAN)) {
		l3 += VLAN_HLEN;
		memcpy(&type, f + 16, 2);
	}
	*ver = ip_version(type);
	uint32_t min = *ver == 6 ? NET_IP6_HLEN : NET_IP_HLEN;
	return *ver && len >= l3 + min && (f[l3] >> 4) == *ver ? l3 : 0;
}

/* Whether a virtio-net GSO type (ECN bit off) fits a frame of IP version ver: TSO is per
 * family, USO (UDP_L4) is for both. */
static bool gso_type_fits(uint8_t type, unsigned ver)
{
	return (type == VIRTIO_NET_HDR_GSO_TCPV4 && ver == 4) ||
	       (type == VIRTIO_NET_HDR_GSO_TCPV6 && ver == 6) || type == VIRTIO_NET_HDR_GSO_UDP_L4;
}

static unsigned drop_msg(struct gw_rxb *b, unsigned i, uint64_t *count)
{
	(*count)++;
	gw_pkt_free(b->pool, b->pkts[i]);
	return 0;
}

/* A super-frame (TSO/USO) cut at the sender's segment size, as its NIC would have. */
static unsigned take_gso(struct gw_eth *e, struct gw_rxb *b, unsigned i,
                         const struct virtio_net_hdr *vh, struct gw_pkt **out, unsigned room,
                         unsigned max)
{
	struct gw_pkt *p = b->pkts[i];
	uint32_t len = gw_rxb_len(b, i);
	uint8_t type = vh->gso_type & (uint8_t)~VIRTIO_NET_HDR_GSO_ECN;
	uint32_t head = len < GW_PKT_DATA ? len : GW_PKT_DATA;
	unsigned ver = 0;
	struct gw_gso_src src = {.p = p,
	                         .len = len,
	                         .head_len = head,
	                         .tail = gw_rxb_tail(b, i),
	                         .l3 = frame_l3(p->data, head, &ver)};
	unsigned n = 0;
	if (src.l3 && gso_type_fits(type, ver))
		n = gw_gso_count(&src, vh->gso_size);
	if (n == 0 || n > max)
		return drop_msg(b, i, &e->rx.gso_unsupported);
	if (n > room)
		return GW_RXB_WAIT;
	enum gw_drop why;
	if (gw_gso_segment(&src, vh->gso_size, b->pool, out, n, &why) == 0)
		return why == GW_DROP_NO_BUFFER ? GW_RXB_WAIT
		                                : drop_msg(b, i, &e->rx.gso_unsupported);
	e->rx.gso++;
	return n;
}

/* What message i of the batch becomes (see gw_rxb_take_fn). */
static unsigned eth_take(void *drv, struct gw_rxb *b, unsigned i, struct gw_pkt **out,
                         unsigned room, unsigned max)
{
	struct gw_eth *e = drv;
	struct msghdr *mh = &b->msgs[i].msg_hdr;
	const struct sockaddr_ll *from = (const struct sockaddr_ll *)&b->addrs[i];
	struct virtio_net_hdr vh;
	memcpy(&vh, b->pre_buf[i], sizeof(vh));
	uint32_t len = gw_rxb_len(b, i);
	/* not one of our own (the socket sees what it sends), whole, and with its header */
	if (from->sll_pkttype == PACKET_OUTGOING) {
		gw_pkt_free(b->pool, b->pkts[i]);
		return 0;
	}
	if ((mh->msg_flags & MSG_TRUNC) || b->msgs[i].msg_len < VNET_HLEN)
		return drop_msg(b, i, &e->rx.oversize);
	unsigned n = 1;
	if (vh.gso_type != VIRTIO_NET_HDR_GSO_NONE) {
		n = take_gso(e, b, i, &vh, out, room, max);
		if (n == 0 || n == GW_RXB_WAIT)
			return n;
	} else if (len > GW_PKT_DATA) {
		return drop_msg(b, i, &e->rx.oversize);
	} else if (room == 0) {
		return GW_RXB_WAIT;
	} else {
		out[0] = b->pkts[i];
		out[0]->len = len;
		if ((vh.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) &&
		    gw_gso_csum_at(out[0]->data, len, vh.csum_start, vh.csum_offset))
			e->rx.csum++;
	}
	struct tpacket_auxdata aux;
	if (frame_tag(mh, &aux))
		for (unsigned k = 0; k < n; k++)
			vlan_reinsert(out[k], &aux);
	return n;
}

unsigned gw_eth_recv(struct gw_eth *e, struct gw_pool *pool, struct gw_pkt **pkts, unsigned max)
{
	if (!e->rxb)
		return 0; /* GW_ETH_NO_RX */
	return gw_rxb_recv(e->rxb, e->fd, 0, pool, eth_take, e, pkts, max);
}

static unsigned send_chunk(struct gw_eth *e, struct gw_pkt **pkts, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		e->iov[i][0] = (struct iovec){.iov_base = (void *)&vnet_none, .iov_len = VNET_HLEN};
		e->iov[i][1] = (struct iovec){.iov_base = pkts[i]->data, .iov_len = pkts[i]->len};
		/* No msg_name: a bound packet socket sends on its netdev. */
		e->msgs[i].msg_hdr = (struct msghdr){.msg_iov = e->iov[i], .msg_iovlen = 2};
	}
	return gw_io_send_vec(e->fd, e->msgs, n);
}

/*
 * With an AF_XDP socket: the frames that fit one of its frames go to its transmit ring,
 * larger ones (a jumbo MTU) to the packet socket, in runs, in order (a flow's short last
 * segment must not overtake the long ones before it). Returns how many were refused.
 */
static unsigned send_chunk_xsk(struct gw_eth *e, struct gw_pkt **pkts, unsigned n)
{
	unsigned refused = 0, end;
	for (unsigned start = 0; start < n; start = end) {
		bool fits = gw_xsk_fits(pkts[start]->len);
		for (end = start + 1; end < n && gw_xsk_fits(pkts[end]->len) == fits; end++)
			;
		if (!fits) {
			refused += send_chunk(e, pkts + start, end - start);
			continue;
		}
		unsigned r = gw_xsk_send(e->xsk, pkts + start, end - start);
		e->xsk_sent += end - start - r;
		refused += r;
	}
	return refused;
}

unsigned gw_eth_send(struct gw_eth *e, struct gw_pool *pool, struct gw_pkt **pkts, unsigned n)
{
	unsigned refused = 0;
	for (unsigned off = 0; off < n; off += GW_VEC_MAX) {
		unsigned k = n - off < GW_VEC_MAX ? n - off : GW_VEC_MAX;
		refused +=
		    e->xsk_tx ? send_chunk_xsk(e, pkts + off, k) : send_chunk(e, pkts + off, k);
	}
	for (unsigned i = 0; i < n; i++)
		gw_pkt_free(pool, pkts[i]);
	return refused;
}

void gw_eth_rx_stats(const struct gw_eth *e, struct gw_io_rx_stats *s)
{
	*s = e->rx;
}

uint64_t gw_eth_rx_dropped(struct gw_eth *e)
{
	struct tpacket_stats st;
	socklen_t len = sizeof(st);
	if (getsockopt(e->fd, SOL_PACKET, PACKET_STATISTICS, &st, &len) == 0)
		e->drops += st.tp_drops;
	return e->drops + (e->xsk ? gw_xsk_rx_dropped(e->xsk) : 0);
}
