/*
 * gw/io/xdp/vxgw_xdp.h - what vxgwd and its XDP programs (vxgw_xdp.bpf.c,
 * vxgw_xdp_uplink.bpf.c) share: the match entries (network byte order throughout) and the
 * size of the socket map.
 */
#ifndef VXGW_XDP_H
#define VXGW_XDP_H

#include <linux/types.h>

#define VXGW_XDP_QUEUES 64 /* = GW_XDP_QUEUES_MAX */

struct vxgw_xdp_match {
	__u32 vtep4;     /* IPv4 VTEP (network order) */
	__u8 vtep6[16];  /* IPv6 VTEP */
	__u16 port;      /* UDP destination port (network order) */
	__u8 has4, has6; /* which of the two is set */
	__u16 frame_max; /* longest frame an AF_XDP socket's frame holds (host order) */
};

/* An uplink's program (vxgw_xdp_uplink.bpf.c): the gateway's MAC addresses on its netdev. */
#define VXGW_XDP_MACS 8

struct vxgw_xdp_uplink {
	__u8 macs[VXGW_XDP_MACS][6]; /* the first n_macs count */
	__u16 n_macs;
	__u16 frame_max; /* as in vxgw_xdp_match */
	__u8 take6;      /* IPv6 too (vxgwd, not the kernel, is the IPv6 node there) */
};

#endif
