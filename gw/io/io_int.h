/*
 * gw/io/io_int.h - what the I/O drivers share.
 */
#ifndef GW_IO_INT_H
#define GW_IO_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "gw/io/io.h"

#include <linux/virtio_net.h>

#ifndef VIRTIO_NET_HDR_GSO_UDP_L4
#define VIRTIO_NET_HDR_GSO_UDP_L4 5 /* USO: in the kernel since 5.18, in older headers not */
#endif

/*
 * sendmmsg stops at the first datagram the kernel refuses and returns how many went
 * before it; the error itself comes back from the next call, which starts at that one.
 * A full queue (EAGAIN, ENOBUFS) refuses the rest of the vector: retrying now would only
 * spin. Any other error (no route, too big) belongs to that datagram alone: skip it.
 * Returns how many were refused.
 */
unsigned gw_io_send_vec(int fd, struct mmsghdr *m, unsigned n);
/* The first message refused for itself (not a full queue): its index (-1: none) and errno. */
struct gw_io_send_err {
	int msg, err;
};
/* The same where message i carries pkts[i] packets (a super-datagram several): returns
 * how many packets were refused; the first one refused for itself in *first (if given,
 * its msg set to -1 before). */
unsigned gw_io_send_msgs(int fd, struct mmsghdr *m, unsigned n, const uint16_t *pkts,
                         struct gw_io_send_err *first);

/*
 * Receiving datagrams or frames of any size, a batch at a time. A UDP GRO run (up to 64
 * datagrams, 64 KiB) or a super-packet a Linux sender left whole (TSO, up to 64 KiB) does
 * not fit a packet buffer, so each message gets a packet buffer and a spill area behind it
 * (and, before it, room for a virtio-net header when the socket delivers one). The driver
 * then turns each message into packets — split, segmented, or as it came — as far as the
 * caller's vector has room; what does not fit waits, already off the socket, for the next
 * call. The spill pages are touched only as far as messages reach into them.
 */
#define GW_RXB_MSGS  32         /* messages per recvmmsg */
#define GW_RXB_SPILL (64 << 10) /* bytes a message may hold beyond its packet buffer */
#define GW_RXB_PRE   12         /* room for a header before the packet (virtio_net_hdr: 10) */

struct gw_rxb {
	uint8_t *spill;                   /* GW_RXB_MSGS * GW_RXB_SPILL */
	uint32_t pre;                     /* bytes of header each message starts with (0: none) */
	unsigned next, count;             /* messages [next, count) wait to be handed out */
	int fd;                           /* the socket they came from */
	uint32_t tag;                     /* and what the driver said of it (gw_rxb_recv) */
	struct gw_pool *pool;             /* where their buffers came from */
	struct gw_pkt *pkts[GW_RXB_MSGS]; /* each message's buffer */
	struct mmsghdr msgs[GW_RXB_MSGS];
	struct iovec iov[GW_RXB_MSGS][3];
	struct sockaddr_storage addrs[GW_RXB_MSGS];
	uint8_t pre_buf[GW_RXB_MSGS][GW_RXB_PRE];
	union {
		struct cmsghdr align;
		uint8_t
		    buf[64]; /* a UDP_GRO int and an IP_TOS / IPV6_TCLASS, or a PACKET_AUXDATA */
	} ctl[GW_RXB_MSGS];
};

/* A batch whose messages start with pre (<= GW_RXB_PRE) bytes of header; NULL: no memory. */
struct gw_rxb *gw_rxb_open(uint32_t pre);
/* Returns what is held to its pool, frees the batch. */
void gw_rxb_close(struct gw_rxb *b);
/* Returns what is held to its pool. */
void gw_rxb_discard(struct gw_rxb *b);

static inline bool gw_rxb_held(const struct gw_rxb *b)
{
	return b->next < b->count;
}

/* Message i's bytes after the header: its length; the first GW_PKT_DATA are in its packet
 * buffer (from data), the rest in gw_rxb_tail. */
static inline uint32_t gw_rxb_len(const struct gw_rxb *b, unsigned i)
{
	uint32_t n = b->msgs[i].msg_len;
	return n > b->pre ? n - b->pre : 0;
}

static inline const uint8_t *gw_rxb_tail(const struct gw_rxb *b, unsigned i)
{
	return b->spill + (size_t)i * GW_RXB_SPILL;
}

/*
 * What a driver makes of message i: writes up to `room` packets to out and returns how
 * many (0: the message was dropped and counted, its buffer freed), or GW_RXB_WAIT when
 * they do not fit now (no room, the pool short): the message is kept for the next call.
 * A message that needs more than `max` (the most a vector ever holds) must be dropped.
 */
#define GW_RXB_WAIT (~0u)
typedef unsigned (*gw_rxb_take_fn)(void *drv, struct gw_rxb *b, unsigned i, struct gw_pkt **out,
                                   unsigned room, unsigned max);

/*
 * Up to max packets from socket fd into pkts: first the messages held from an earlier
 * call (whichever socket they came from), then up to a few recvmmsg calls' worth, each
 * message through take. tag is kept with fd's messages (b->tag) for take. Stops early when the
 * socket has nothing more, or when a message has to wait.
 */
unsigned gw_rxb_recv(struct gw_rxb *b, int fd, uint32_t tag, struct gw_pool *pool,
                     gw_rxb_take_fn take, void *drv, struct gw_pkt **pkts, unsigned max);

/* ---- between the XDP program's owner and its sockets (gw/io/xdp.c, gw/io/xsk.c) ---- */
/* An AF_XDP socket's frame: 4 KiB, less the kernel's headroom in front of what it writes
 * (a longer frame is not redirected: it would be dropped). */
#define GW_XSK_FRAME     4096
#define GW_XSK_FRAME_MAX (GW_XSK_FRAME - 256) /* XDP_PACKET_HEADROOM */
/* Whether a frame of len bytes can be sent through an AF_XDP socket: within one frame, and
 * short of its end (kernels before 6.6 refuse a descriptor reaching the next frame, and
 * never hand it back). A longer one leaves through a packet socket. */
static inline bool gw_xsk_fits(uint32_t len)
{
	return len < GW_XSK_FRAME;
}
struct gw_xdp;
int gw_xdp_ifindex(const struct gw_xdp *x);
const char *gw_xdp_ifname(const struct gw_xdp *x);
uint32_t gw_xdp_busy_poll_us(const struct gw_xdp *x);
/* A socket could not have busy polling (errno e): it sleeps between frames instead. */
void gw_xdp_busy_poll_failed(struct gw_xdp *x, int e);
/* Puts socket fd in the program's map at queue (fd -1: takes it out). 0 or -errno. */
/* A socket keeps the program's object (and map) alive while it lives. */
void gw_xdp_ref(struct gw_xdp *x);
void gw_xdp_unref(struct gw_xdp *x);
int gw_xdp_map_set(struct gw_xdp *x, unsigned queue, int fd, bool zerocopy);

#endif
