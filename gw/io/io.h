/*
 * gw/io/io.h - the daemon's packet I/O drivers: the VXLAN underlay (UDP in, raw IP out)
 * and Ethernet uplinks (AF_PACKET). Each moves a vector of gw_pkt per system call.
 *
 * Why raw IP out (IPv4 and IPv6 alike): RFC 7348 wants the outer UDP source port to carry a hash of
 * the inner flow (so the underlay's ECMP spreads tenants' flows), and the outer header to have DF
 * set. A UDP socket sends from one fixed port, so the pipeline builds the whole outer
 * IP/UDP header itself (prebuilt, see vxlan/vxlan.h) and the driver sends it through
 * a raw socket with IP_HDRINCL (IPV6_HDRINCL); the kernel only routes it and resolves the underlay
 * next hop. Once the kernel knows a peer's next hop, the driver builds the Ethernet header too and
 * sends the frame on an AF_PACKET socket (gw/io/l2.h). Receiving stays on an ordinary UDP socket
 * per family bound to VTEP:port (recvmmsg), which keeps the kernel's demultiplexing and lets UDP
 * GRO batch later.
 */
#ifndef GW_IO_H
#define GW_IO_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include "gw/gw.h" /* struct gw_io_rx_stats, the totals the drivers keep */
#include "gw/pkt.h"

#define GW_IO_ERRLEN 256

/* ---- VXLAN underlay ---- */
struct gw_udp;

/*
 * Opens the receive socket bound to vtep:port (host order) and the raw send socket.
 * vtep must be an address of this host. NULL on failure with a message in err.
 */
struct gw_udp *gw_udp_open(uint32_t vtep, uint16_t port, char err[GW_IO_ERRLEN]);
/*
 * gw_udp_open with options. GW_UDP_REUSEPORT: the unicast socket joins the SO_REUSEPORT
 * group of the workers' sockets, which share the datagrams. GW_UDP_NO_RX: no unicast socket
 * at all (the main thread while workers receive): only send and the flood groups.
 */
#define GW_UDP_REUSEPORT 1u
#define GW_UDP_NO_RX     2u
struct gw_udp *gw_udp_open_opt(uint32_t vtep, uint16_t port, unsigned flags,
                               char err[GW_IO_ERRLEN]);
/*
 * The same driver for both underlay families. A socket per family that has an address:
 * the IPv4 one as gw_udp_open_opt's, and for IPv6 a receive socket bound to
 * [vtep6]:port (same flags; UDP_NO_CHECK6_RX when udp6_zero_csum_rx) and a raw IPv6 send
 * socket (IPV6_HDRINCL). Every datagram gets outer_tos (IP_RECVTOS / IPV6_RECVTCLASS);
 * an IPv6 one gets its source address at gw_pkt_outer6_src and outer_src = name6(ctx,
 * source) (VX_VTEP6_UNKNOWN when that answers 0), outer_dst = vtep6_name (or the joined
 * group's name). vtep 0 and vtep6 :: together: GW_UDP_NO_RX must be set (groups only).
 */
struct gw_udp_cfg {
	uint32_t vtep;         /* IPv4 VTEP, host order; 0: none */
	struct in6_addr vtep6; /* IPv6 VTEP; :: none */
	uint32_t vtep6_name;   /* its name (vxlan/vtep.h) */
	uint16_t port;
	unsigned flags; /* GW_UDP_* */
	bool udp6_zero_csum_rx;
	uint32_t (*name6)(void *ctx, const struct in6_addr *a); /* 0: not named */
	void *name6_ctx;
	/* dataplane io xdp (gw/io/xdp.h): the program on the VTEP's netdev, NULL for sockets
	 * only. Unless GW_UDP_NO_RX, the driver opens the AF_XDP socket of receive queue
	 * xdp_queue (which must exist): its datagrams come from there, the rest (flood
	 * groups, fragments, queues without a socket) from the sockets; frames to VTEPs
	 * reached through that netdev leave through it. */
	struct gw_xdp *xdp;
	unsigned xdp_queue; /* or GW_UDP_XDP_QUEUES_ALL: a socket on each queue (the first
	                     * GW_UDP_XSK_MAX), the first one's sending; the main thread's
	                     * when it receives alone */
};
#define GW_UDP_XDP_QUEUES_ALL (~0u)
#define GW_UDP_XSK_MAX        8
struct gw_udp *gw_udp_open_cfg(const struct gw_udp_cfg *cfg, char err[GW_IO_ERRLEN]);
/* What the driver was opened with (gw_udp_open and gw_udp_open_opt fill the IPv4 part). */
const struct gw_udp_cfg *gw_udp_cfg(const struct gw_udp *u);
void gw_udp_close(struct gw_udp *u);
/* Takes the unicast socket out of its SO_REUSEPORT group's choice for new datagrams (what
 * it holds can still be read): a worker leaving hands its share to the others first. */
int gw_udp_quiesce(struct gw_udp *u);
/* Closes the driver's AF_XDP socket, if it has one: its receive queue is free for another
 * driver's (the kernel's sockets take its datagrams meanwhile). The caller stops watching
 * the descriptor first (gw_udp_fds no longer lists it). */
void gw_udp_xsk_release(struct gw_udp *u);
/* Groups one driver can join; gw_udp_fds never returns more than GW_UDP_FDS_MAX (a
 * unicast socket per family and the groups). */
#define GW_UDP_GROUPS_MAX 256
#define GW_UDP_FDS_MAX    (GW_UDP_XSK_MAX + 2 + GW_UDP_GROUPS_MAX) /* AF_XDP, IPv4, IPv6, groups */
/* Descriptors to watch for reading: the unicast socket and one per joined group; returns
 * how many were stored (at most max). */
int gw_udp_fds(const struct gw_udp *u, int *fds, int max);
/*
 * Receives up to max datagrams from socket fd (one of gw_udp_fds) into buffers from the
 * pool: data = UDP payload (the VXLAN header), outer_src/outer_dst/outer_sport set.
 * Returns the count (0 when nothing is waiting or the pool is empty).
 */
unsigned gw_udp_recv(struct gw_udp *u, int fd, struct gw_pool *pool, struct gw_pkt **pkts,
                     unsigned max);
/*
 * On the unicast socket the kernel may coalesce a flow's datagrams (UDP GRO); gw_udp_recv
 * splits them, and holds back whole coalesced datagrams that do not fit in max. Held (for
 * socket fd: only the unicast one ever holds any): call gw_udp_recv on fd again without
 * waiting for it to be readable.
 */
bool gw_udp_rx_pending(const struct gw_udp *u, int fd);
/*
 * dataplane busy-poll: when the driver's AF_XDP socket busy-polls (and has not been quiet
 * for longer than its window), runs its queue's receive in this thread and returns true:
 * the caller reads the AF_XDP fd (the first of gw_udp_fds) without waiting for it, and does
 * not sleep. False otherwise.
 */
bool gw_udp_busy_poll(struct gw_udp *u);
/*
 * What waits on the AF_XDP socket's transmit ring (the netdev's queue was full when it was
 * sent) goes now, as far as the kernel takes it; true while some still waits: call again
 * soon (the next send would too, but none may come).
 */
bool gw_udp_tx_flush(struct gw_udp *u);
/* Returns what is held to its pool: only needed when the pool goes before the driver
 * (gw_udp_close does it too). */
void gw_udp_rx_discard(struct gw_udp *u);
/* What the receive side did (datagrams that came coalesced, super-packets, checksums). */
void gw_udp_rx_stats(const struct gw_udp *u, struct gw_io_rx_stats *s);
/*
 * Sends complete outer IPv4 or IPv6 packets (data at the IP header, the version nibble
 * says which) to each pkt->outer_dst (IPv4) or the IPv6 header's destination, in as few
 * system calls as possible, and frees them to the pool. Returns how many the kernel
 * refused (counted by the caller as tx_failed; an IPv6 packet without an IPv6 socket too).
 */
unsigned gw_udp_send(struct gw_udp *u, struct gw_pool *pool, struct gw_pkt **pkts, unsigned n);
/* How the underlay's packets left: running totals. */
struct gw_udp_tx {
	uint64_t l2;  /* the direct Ethernet path (AF_PACKET or AF_XDP; next hop from the
	               * kernel's tables, see gw/io/l2.h) */
	uint64_t raw; /* the raw sockets */
	uint64_t gso; /* of l2: inside UDP super-datagrams, which the kernel (or the NIC) cut
	               * into these datagrams again (UDP GSO) */
};
void gw_udp_tx_paths(const struct gw_udp *u, struct gw_udp_tx *out);
/* Datagrams the kernel dropped (receive buffers full) over every socket: a running total. */
uint64_t gw_udp_rx_dropped(const struct gw_udp *u);
/* Joins/leaves an IPv4 multicast group on the interface that holds the VTEP address
 * (gw_udp_leave takes an IPv6 group's name too). */
int gw_udp_join(struct gw_udp *u, uint32_t group, char err[GW_IO_ERRLEN]);
int gw_udp_leave(struct gw_udp *u, uint32_t group);
/* The same for an IPv6 group (MLD through the kernel) on the interface that holds the IPv6
 * VTEP; name: the group's name, the outer_dst of what arrives for it. */
int gw_udp_join6(struct gw_udp *u, const struct in6_addr *group, uint32_t name,
                 char err[GW_IO_ERRLEN]);
int gw_udp_leave6(struct gw_udp *u, uint32_t name);

/* ---- Ethernet uplinks ---- */
struct gw_eth;

/* Binds an AF_PACKET socket to netdev `name` (must exist and be up). */
struct gw_eth *gw_eth_open(const char *name, char err[GW_IO_ERRLEN]);
/*
 * gw_eth_open with options. GW_ETH_NO_RX: a socket that only sends (bound to the netdev
 * without a protocol, so the kernel queues nothing to it): the main thread's while workers
 * receive, since a fanout group member cannot stop receiving but by closing.
 */
#define GW_ETH_NO_RX 1u
struct gw_eth *gw_eth_open_opt(const char *name, unsigned flags, char err[GW_IO_ERRLEN]);
void gw_eth_close(struct gw_eth *e);
/*
 * PACKET_FANOUT groups (hash of the flow, fragments reassembled for the hash) share a
 * netdev's frames between sockets: each frame goes to one socket of the group, a flow
 * always to the same. gw_eth_fanout_create makes a new group with e in it, with an id
 * the kernel picks and stores in *id (any u16, 0 included: ids are not "unset" at 0);
 * gw_eth_fanout_join puts e in the group `id` that a socket on the same netdev created.
 * The main thread's socket creates, the workers' join.
 */
int gw_eth_fanout_create(struct gw_eth *e, uint16_t *id, char err[GW_IO_ERRLEN]);
int gw_eth_fanout_join(struct gw_eth *e, uint16_t id, char err[GW_IO_ERRLEN]);
int gw_eth_fd(const struct gw_eth *e);
/* The index of the netdev the socket is bound to (a netdev created again gets another). */
int gw_eth_ifindex(const struct gw_eth *e);
/* The netdev's MAC address and MTU, as the kernel reports them. */
void gw_eth_hwaddr(const struct gw_eth *e, uint8_t mac[6]);
uint32_t gw_eth_mtu(const struct gw_eth *e);
/* Receives up to max frames (data at the Ethernet header); skips our own transmissions. */
unsigned gw_eth_recv(struct gw_eth *e, struct gw_pool *pool, struct gw_pkt **pkts, unsigned max);
/* Frames the kernel dropped before we read them (socket buffer full): a running total. */
uint64_t gw_eth_rx_dropped(struct gw_eth *e);
/* What the receive side did (super-packets cut, checksums completed, drops). */
void gw_eth_rx_stats(const struct gw_eth *e, struct gw_io_rx_stats *s);
/*
 * Makes the netdev receive frames to any MAC (on) or only its own (off): an L2 port
 * switches a tenant's segment, whose frames are for the hosts behind it. The socket holds
 * a PACKET_MR_PROMISC membership: the kernel counts promiscuity per device, so every
 * packet socket bound to the netdev (the workers' too) sees those frames, and the count
 * drops when the membership goes or the socket closes. 0, or -1 with a message in err.
 */
int gw_eth_set_promisc(struct gw_eth *e, bool on, char err[GW_IO_ERRLEN]);
/*
 * dataplane io xdp: the AF_XDP socket of queue `queue` of program x's netdev
 * (gw_xdp_attach_uplink; e's netdev, e receiving) joins e: what the program takes arrives
 * there (gw_eth_xsk_recv), the rest still on e's packet socket; where it is zero-copy,
 * e's frames leave through it (gw_eth_send), but for those larger than its frames. 0, or
 * -1 with a message in err (e stays as it was).
 */
struct gw_xdp;
int gw_eth_xsk_open(struct gw_eth *e, struct gw_xdp *x, unsigned queue, char err[GW_IO_ERRLEN]);
/* Its descriptor to poll for reading; -1 when e has none. */
int gw_eth_xsk_fd(const struct gw_eth *e);
/* As gw_udp_tx_flush, for e's AF_XDP socket where frames leave through it. */
bool gw_eth_tx_flush(struct gw_eth *e);
/* The frames gw_eth_send has handed to it: a running total. */
uint64_t gw_eth_xsk_sent(const struct gw_eth *e);
/* Up to max frames from the AF_XDP socket (0 when e has none), as gw_eth_recv. */
unsigned gw_eth_xsk_recv(struct gw_eth *e, struct gw_pool *pool, struct gw_pkt **pkts,
                         unsigned max);
/* Takes the AF_XDP socket out of the program's map (its queue's frames pass to the packet
 * sockets from now on); what it holds can still be read. */
void gw_eth_xsk_unmap(struct gw_eth *e);
/* Sends frames (through the AF_XDP socket where e has a zero-copy one) and frees them;
 * returns how many were refused. */
unsigned gw_eth_send(struct gw_eth *e, struct gw_pool *pool, struct gw_pkt **pkts, unsigned n);

/* ---- netdev events ---- */
/*
 * What happens to the netdevs: an uplink's socket is bound to a netdev by its index, and
 * a netdev deleted and created again (a veth pair re-made) is another one, which the old
 * socket never hears; a netdev that goes down takes its interfaces' traffic with it. The
 * daemon watches the kernel's link events (rtnetlink, RTMGRP_LINK) on its loop and,
 * for each one about an uplink, asks the kernel by name what the netdev is now.
 */
struct gw_netdevs;

#define GW_NETDEV_NAMELEN 16 /* IFNAMSIZ, NUL included */

struct gw_netdev_event {
	bool gone;                    /* RTM_DELLINK; else RTM_NEWLINK (created or changed) */
	int ifindex;                  /* the netdev's index */
	unsigned flags;               /* its IFF_* flags */
	char name[GW_NETDEV_NAMELEN]; /* its name, "" when the message had none */
};

struct gw_netdevs *gw_netdevs_open(char err[GW_IO_ERRLEN]);
void gw_netdevs_close(struct gw_netdevs *n);
int gw_netdevs_fd(const struct gw_netdevs *n);
/*
 * Reads the events queued (a bounded number of datagrams: call again while the socket is
 * readable) and calls cb for each. Returns 1 when the kernel dropped some (the receive
 * buffer overflowed): every netdev of interest must be looked at again; else 0.
 */
int gw_netdevs_read(struct gw_netdevs *n, void (*cb)(void *ctx, const struct gw_netdev_event *ev),
                    void *ctx);
/* The link events in a buffer of rtnetlink messages (what gw_netdevs_read does with each
 * datagram; for the tests); returns how many. */
unsigned gw_netdevs_parse(const void *buf, size_t len,
                          void (*cb)(void *ctx, const struct gw_netdev_event *ev), void *ctx);
/* What netdev `name` is now: 0 with its index and IFF_* flags, -1 when none has that name. */
int gw_netdevs_query(struct gw_netdevs *n, const char *name, int *ifindex, unsigned *flags);
/*
 * Turns the kernel's own IPv6 off on netdev `name` (net.ipv6.conf.NAME.disable_ipv6 = 1):
 * an uplink whose IPv6 vxgwd routes must not have a second IPv6 node on it, the kernel,
 * answering neighbour discovery and echo requests for the same link-local address (both
 * derive it from the netdev's MAC). The packet sockets still see every frame. 0, or -1
 * with a message in err.
 */
int gw_netdev_ipv6_disable(const char *name, char err[GW_IO_ERRLEN]);

#endif
