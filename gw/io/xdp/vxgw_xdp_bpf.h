/*
 * gw/io/xdp/vxgw_xdp_bpf.h - what both XDP programs (vxgw_xdp.bpf.c, vxgw_xdp_uplink.bpf.c)
 * declare alike, for the BPF target only: the socket map each object has (vxgwd finds it by
 * its name in either).
 */
#ifndef VXGW_XDP_BPF_H
#define VXGW_XDP_BPF_H

#include <linux/bpf.h>

#include <bpf/bpf_helpers.h>

#include "gw/io/xdp/vxgw_xdp.h"

/* The AF_XDP sockets, by receive queue. */
struct {
	__uint(type, BPF_MAP_TYPE_XSKMAP);
	__uint(max_entries, VXGW_XDP_QUEUES);
	__type(key, __u32);
	__type(value, __u32);
} vxgw_xsks SEC(".maps");

#endif
