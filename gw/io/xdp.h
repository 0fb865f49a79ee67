/*
 * gw/io/xdp.h - AF_XDP for the underlay and the uplinks (`dataplane io xdp|auto`).
 *
 * Why: a datagram through the kernel's UDP receive path, and a frame through AF_PACKET,
 * cost the kernel far more than the gateway's own work on the packet. An XDP program of
 * ours (gw/io/xdp/vxgw_xdp.bpf.c, built with clang and carried inside vxgwd) runs on the
 * netdev that holds the VTEP address and sends the gateway's datagrams (UDP to VTEP:port,
 * IPv4 or IPv6, not fragmented) to an AF_XDP socket of the queue they arrived on; every
 * other frame (the host's SSH, ARP and ND, fragments, flood groups) passes to the kernel
 * untouched, where the UDP sockets of gw/io/udp.c still take what is the gateway's. Frames
 * to VTEPs whose next hop is on that netdev leave through the same AF_XDP socket. On an
 * uplink's netdev its other program (gw_xdp_attach_uplink) takes the frames for the
 * gateway's MACs there, for the AF_XDP sockets the uplink's driver (gw/io/eth.c) holds.
 *
 * Ownership: the main thread attaches a program (struct gw_xdp) and detaches it when it
 * is no longer wanted; each socket holds a reference to it (its maps live until the last
 * socket closes, on whichever thread) and belongs to the thread that receives on it (a
 * worker, or the main thread without workers) and serves one receive queue.
 */
#ifndef GW_IO_XDP_H
#define GW_IO_XDP_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include "gw/io/io.h"

#define GW_XDP_QUEUES_MAX 64 /* receive queues of one netdev served */

/* What the underlay's I/O is, for show dataplane. */
struct gw_xdp_info {
	bool on;                /* AF_XDP in use */
	char ifname[16];        /* the netdev the program is on */
	bool native;            /* driver mode; false: generic (skb) mode, the slow fallback */
	bool zerocopy;          /* the sockets' frames are the NIC's own buffers */
	unsigned queues;        /* the netdev's receive queues */
	unsigned sockets;       /* AF_XDP sockets bound (one per queue served) */
	uint32_t busy_poll_us;  /* the sockets busy-poll (0: they sleep) */
	char why[GW_IO_ERRLEN]; /* !on: why not (auto or xdp that failed); "" for socket; on:
	                         * why the sockets do not busy-poll as configured, or "" */
	char uplinks[1024];     /* the uplinks' programs, as show dataplane says it ("": no
	                         * uplink, or sockets only) */
};

/* ---- the program (main thread) ---- */
struct gw_xdp;

struct gw_xdp_cfg {
	uint32_t vtep;         /* IPv4 VTEP, host order; 0: none */
	struct in6_addr vtep6; /* IPv6 VTEP; :: none */
	uint16_t port;         /* UDP port, host order */
};

/*
 * Attaches the program to the netdev that holds the VTEP address(es) (both families: the
 * same netdev): native mode, else generic. NULL with a message in err (no such netdev,
 * the two on different netdevs, no BPF, the kernel refused).
 */
struct gw_xdp *gw_xdp_attach(const struct gw_xdp_cfg *cfg, char err[GW_IO_ERRLEN]);
/*
 * The program of an uplink's netdev (by index, gw/io/xdp/vxgw_xdp_uplink.bpf.c): untagged
 * IPv4 (and IPv6) TCP, UDP and ICMP frames to the MAC addresses set with
 * gw_xdp_uplink_match (none at first) go to the AF_XDP sockets of their receive queues,
 * everything else to the kernel (the uplink's packet sockets). Native mode only, and only
 * on a driver that reports VLAN tags to XDP (gw_netdev_rx_vlan_hint): the program asks it
 * whether a frame had one, which only a program bound to the device can. NULL with a
 * message in err.
 */
struct gw_xdp *gw_xdp_attach_uplink(int ifindex, char err[GW_IO_ERRLEN]);
#define GW_XDP_MACS_MAX 8
/* The gateway's MAC addresses on the uplink (the first GW_XDP_MACS_MAX), and whether its
 * IPv6 frames are the gateway's too (vxgwd is the IPv6 node there). 0 or -errno. */
int gw_xdp_uplink_match(struct gw_xdp *x, const uint8_t (*macs)[6], unsigned n, bool take6);
/*
 * Does netdev ifindex's driver tell XDP a frame's VLAN tag (the netdev netlink family's
 * xdp-rx-metadata-features, Linux 6.8)? 1 yes, 0 no, -1 the kernel cannot say.
 */
int gw_netdev_rx_vlan_hint(int ifindex);
/* The receive queues of netdev `name` (ethtool's channels; 1 when it does not say, at most
 * GW_XDP_QUEUES_MAX): the AF_XDP sockets that can be bound. */
unsigned gw_netdev_rx_queues(const char *name);
/* Detaches and frees; every socket of x must be closed before. */
void gw_xdp_detach(struct gw_xdp *x);
const struct gw_xdp_cfg *gw_xdp_cfg(const struct gw_xdp *x);
/* The netdev's receive queues (the sockets that can be bound). */
unsigned gw_xdp_queues(const struct gw_xdp *x);
void gw_xdp_info(const struct gw_xdp *x, struct gw_xdp_info *out);
/*
 * dataplane busy-poll: the sockets opened from now on are polled by their thread
 * (gw_xsk_busy_poll; SO_BUSY_POLL, SO_PREFER_BUSY_POLL) instead of waiting to be woken,
 * until they have been quiet for usecs; 0: off.
 */
void gw_xdp_set_busy_poll(struct gw_xdp *x, uint32_t usecs);

/* ---- one AF_XDP socket (its receiving thread) ---- */
struct gw_xsk;

/*
 * Opens the socket of receive queue `queue` (< gw_xdp_queues) with its own frame memory
 * (UMEM), zero-copy where the driver has it, and puts it in the program's map: from now
 * on the queue's datagrams for the gateway come here. Called on the main thread (the
 * map is the main thread's); the socket is then used by one thread only.
 */
struct gw_xsk *gw_xsk_open(struct gw_xdp *x, unsigned queue, char err[GW_IO_ERRLEN]);
/* Takes the socket out of the map (the kernel's own socket path receives again) and
 * closes it. */
void gw_xsk_close(struct gw_xsk *s);
/* Bound zero-copy (the NIC's own buffers), not in copy mode. */
bool gw_xsk_zerocopy(const struct gw_xsk *s);
/* Kicks the kernel for what waits on the transmit ring (a send found the netdev's queue
 * full); true while some still waits. */
bool gw_xsk_tx_flush(struct gw_xsk *s);
/* Takes it out of the map only: what it holds can still be read (a worker leaving). */
void gw_xsk_unmap(struct gw_xsk *s);
/* The descriptor to poll for reading. */
int gw_xsk_fd(const struct gw_xsk *s);
/*
 * A socket that busy-polls (gw_xdp_set_busy_poll), within the window after the last frame
 * it received: runs its queue's receive (the driver's NAPI poll) in the calling thread,
 * once, and returns true; the caller then reads the ring and does not sleep. False for a
 * socket that does not busy-poll, or that was quiet for longer than the window: the caller
 * sleeps until the kernel wakes it (need_wakeup), as without busy polling.
 */
bool gw_xsk_busy_poll(struct gw_xsk *s);
/* The netdev the socket sends on. */
int gw_xsk_ifindex(const struct gw_xsk *s);
/*
 * Receives up to max frames into packet buffers from pool (data at the Ethernet header)
 * and gives their frame memory back to the kernel. 0 when nothing is waiting.
 */
unsigned gw_xsk_recv(struct gw_xsk *s, struct gw_pool *pool, struct gw_pkt **pkts, unsigned max);
/*
 * Queues frames (data at the Ethernet header) for transmission and kicks the kernel when
 * it asks for it (need_wakeup); reaps what was sent. Does not free the packets. Returns
 * how many were refused (no free frame, larger than a frame).
 */
unsigned gw_xsk_send(struct gw_xsk *s, struct gw_pkt *const *pkts, unsigned n);
/* Frames the kernel could not give us (receive ring full, no fill buffers, bad
 * descriptors): a running total. */
uint64_t gw_xsk_rx_dropped(const struct gw_xsk *s);

#endif
