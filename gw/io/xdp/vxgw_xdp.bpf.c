/*
 * gw/io/xdp/vxgw_xdp.bpf.c - the XDP program of `dataplane io xdp` (gw/io/xdp.h).
 *
 * On the netdev that holds the VTEP address: a frame that is the gateway's VXLAN traffic
 * (IPv4 or IPv6, UDP to VTEP:port, not a fragment, no IPv6 extension header) goes to the
 * AF_XDP socket of the receive queue it came in on; everything else, and the gateway's
 * traffic on a queue without a socket (bpf_redirect_map's fallback), passes to the kernel
 * untouched: the host's SSH and ARP, ND, the flood groups' datagrams (the kernel joins
 * the groups, its UDP sockets take them), fragments (the kernel reassembles them for the
 * same sockets). The program only reads; vxgwd checks every field again (gw/io/frame.h).
 *
 * vxgwd builds this file with clang and carries the object inside its binary.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/udp.h>

#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "gw/io/xdp/vxgw_xdp.h"
#include "gw/io/xdp/vxgw_xdp_bpf.h"

/* One entry: what is the gateway's (vxgwd writes it before attaching). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct vxgw_xdp_match);
} vxgw_match SEC(".maps");

static __always_inline int ip6_eq(const struct in6_addr *a, const __u8 *b)
{
	const __u8 *x = a->in6_u.u6_addr8;
	int same = 1;
#pragma unroll
	for (int i = 0; i < 16; i++)
		same &= x[i] == b[i];
	return same;
}

/* The UDP header of an IPv4 datagram to the VTEP, or NULL. */
static __always_inline struct udphdr *udp4(void *l3, void *end, const struct vxgw_xdp_match *m)
{
	struct iphdr *ip = l3;
	if ((void *)(ip + 1) > end || !m->has4 || ip->version != 4 || ip->ihl < 5)
		return NULL;
	if (ip->daddr != m->vtep4 || ip->protocol != IPPROTO_UDP ||
	    (ip->frag_off & bpf_htons(0x3fff))) /* MF or an offset: the kernel reassembles */
		return NULL;
	return (struct udphdr *)((__u8 *)ip + ip->ihl * 4);
}

/* The UDP header of an IPv6 datagram to the VTEP (no extension header), or NULL. */
static __always_inline struct udphdr *udp6(void *l3, void *end, const struct vxgw_xdp_match *m)
{
	struct ipv6hdr *ip6 = l3;
	if ((void *)(ip6 + 1) > end || !m->has6 || ip6->version != 6 ||
	    ip6->nexthdr != IPPROTO_UDP || !ip6_eq(&ip6->daddr, m->vtep6))
		return NULL;
	return (struct udphdr *)(ip6 + 1);
}

/*
 * The program: frags says whether it was loaded to take frames in several buffers (a
 * jumbo frame, which it passes: a socket's frame takes one buffer), so that the netdev's
 * MTU is not held to a page; the kernels before 5.18 take only the other one.
 */
static __always_inline int underlay(struct xdp_md *ctx, int frags)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	__u32 zero = 0;
	const struct vxgw_xdp_match *m = bpf_map_lookup_elem(&vxgw_match, &zero);
	/* a frame longer than a socket's frame would be dropped on redirect: the kernel's
	 * sockets take it (a jumbo underlay) */
	long len = end - data;
	if (!m || (void *)(eth + 1) > end || len > m->frame_max ||
	    (frags && bpf_xdp_get_buff_len(ctx) != len))
		return XDP_PASS;
	struct udphdr *udp = NULL;
	if (eth->h_proto == bpf_htons(ETH_P_IP))
		udp = udp4(eth + 1, end, m);
	else if (eth->h_proto == bpf_htons(ETH_P_IPV6))
		udp = udp6(eth + 1, end, m);
	if (!udp || (void *)(udp + 1) > end || udp->dest != m->port)
		return XDP_PASS;
	return bpf_redirect_map(&vxgw_xsks, ctx->rx_queue_index, XDP_PASS);
}

SEC("xdp.frags")
int vxgw_xdp(struct xdp_md *ctx)
{
	return underlay(ctx, 1);
}

SEC("xdp")
int vxgw_xdp_linear(struct xdp_md *ctx)
{
	return underlay(ctx, 0);
}

char _license[] SEC("license") = "GPL";
