/*
 * gw/io/xdp/vxgw_xdp.h - what vxgwd and its XDP program (vxgw_xdp.bpf.c) share: the
 * match entry (network byte order throughout) and the size of the socket map.
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

#endif
