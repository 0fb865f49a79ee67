/*
 * gw/io/xdp/vxgw_xdp_uplink.bpf.c - the XDP program of an uplink's netdev with `dataplane io
 * xdp` and workers (gw/io/xdp.h, gw_xdp_attach_uplink).
 *
 * A frame goes to the AF_XDP socket of the receive queue it came in on when it is the
 * gateway's to route and its bytes say all there is to know about it:
 *  - untagged IPv4, or IPv6 where vxgwd is the netdev's IPv6 node (take6), to one of the
 *    gateway's MAC addresses there (unicast);
 *  - TCP, UDP, ICMP or ICMPv6 right after the IP header, not an IPv4 fragment (the packet
 *    sockets' fanout group reassembles those), not a tunnel (UDP to the VXLAN, VXLAN-GPE or
 *    Geneve ports; GRE, IPIP and the rest are other protocols already): a local sender that
 *    left a checksum to its NIC leaves it partial in the frame, and vxgwd completes it by the
 *    bytes (gw_gso_csum_complete) where it can find it, which is only in the outer L4 header;
 *  - no VLAN tag in the driver's metadata: a driver may move a tag out of the frame (a veth
 *    does, for a sender's VLAN offload), so the program asks it
 *    (bpf_xdp_metadata_rx_vlan_tag) and passes a frame that had one, or when it cannot say.
 * Everything else passes to the kernel, where vxgwd's packet sockets take it as they did
 * without XDP, with the kernel's own word on tags and checksums: ARP, multicast ND and every
 * multicast or broadcast frame, a port's frames for other hosts, tagged frames
 * (sub-interfaces), fragments, tunnels, other protocols.
 *
 * A separate object from vxgw_xdp.bpf.c: the kfunc exists from Linux 6.8, and a program that
 * calls it must be bound to its netdev (vxgwd loads one instance per uplink).
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

#define VXGW_ENODATA        61 /* the driver's answer for "no tag" */
#define VXGW_IPPROTO_ICMPV6 58

extern int bpf_xdp_metadata_rx_vlan_tag(const struct xdp_md *ctx, __be16 *vlan_proto,
                                        __u16 *vlan_tci) __ksym;

/* One entry: the gateway's MACs on the netdev (vxgwd writes it before attaching). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct vxgw_xdp_uplink);
} vxgw_uplink SEC(".maps");

static __always_inline int mac_eq(const __u8 *a, const __u8 *b)
{
	return a[0] == b[0] && a[1] == b[1] && a[2] == b[2] && a[3] == b[3] && a[4] == b[4] &&
	       a[5] == b[5];
}

static __always_inline int gateway_mac(const struct vxgw_xdp_uplink *m, const __u8 *dst)
{
	int hit = 0;
#pragma unroll
	for (int i = 0; i < VXGW_XDP_MACS; i++)
		hit |= i < m->n_macs && mac_eq(m->macs[i], dst);
	return hit;
}

/* A UDP destination port of a tunnel: VXLAN (and Linux's old default), VXLAN-GPE, Geneve. */
static __always_inline int tunnel_port(__be16 port)
{
	return port == bpf_htons(4789) || port == bpf_htons(8472) || port == bpf_htons(4790) ||
	       port == bpf_htons(6081);
}

/* Is the L4 header at l4 (protocol proto) one whose checksum vxgwd can complete? */
static __always_inline int l4_ours(void *l4, void *end, __u8 proto)
{
	if (proto == IPPROTO_TCP || proto == IPPROTO_ICMP || proto == VXGW_IPPROTO_ICMPV6)
		return 1;
	struct udphdr *udp = l4;
	return proto == IPPROTO_UDP && (void *)(udp + 1) <= end && !tunnel_port(udp->dest);
}

static __always_inline int ip4_ours(void *l3, void *end)
{
	struct iphdr *ip = l3;
	if ((void *)(ip + 1) > end || ip->version != 4 || ip->ihl < 5 ||
	    (ip->frag_off & bpf_htons(0x3fff))) /* MF or an offset: the kernel reassembles */
		return 0;
	return l4_ours((__u8 *)ip + ip->ihl * 4, end, ip->protocol);
}

static __always_inline int ip6_ours(void *l3, void *end)
{
	struct ipv6hdr *ip6 = l3;
	if ((void *)(ip6 + 1) > end || ip6->version != 6)
		return 0;
	return l4_ours(ip6 + 1, end, ip6->nexthdr);
}

SEC("xdp.frags")
int vxgw_xdp_uplink(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	__u32 zero = 0;
	const struct vxgw_xdp_uplink *m = bpf_map_lookup_elem(&vxgw_uplink, &zero);
	/* a frame in several buffers (a jumbo frame: the program takes them, so the netdev's
	 * MTU is not held to a page), or longer than a socket's frame, would be dropped on
	 * redirect: the packet sockets take it */
	long len = end - data;
	if (!m || (void *)(eth + 1) > end || len > m->frame_max || bpf_xdp_get_buff_len(ctx) != len)
		return XDP_PASS;
	if (eth->h_dest[0] & 1 || !gateway_mac(m, eth->h_dest))
		return XDP_PASS; /* multicast, broadcast, another host's */
	int ours = 0;
	if (eth->h_proto == bpf_htons(ETH_P_IP))
		ours = ip4_ours(eth + 1, end);
	else if (eth->h_proto == bpf_htons(ETH_P_IPV6) && m->take6)
		ours = ip6_ours(eth + 1, end);
	if (!ours)
		return XDP_PASS; /* ARP, a tag in the frame, a fragment, a tunnel, ... */
	__be16 tpid = 0;
	__u16 tci = 0;
	if (bpf_xdp_metadata_rx_vlan_tag(ctx, &tpid, &tci) != -VXGW_ENODATA)
		return XDP_PASS; /* tagged (the tag is in the metadata), or the driver cannot say */
	return bpf_redirect_map(&vxgw_xsks, ctx->rx_queue_index, XDP_PASS);
}

char _license[] SEC("license") = "GPL";
