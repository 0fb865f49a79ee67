/* tests/e2e/ecn_mark.bpf.c - a test shaper's congestion mark (ECN CE) on an IPv6 underlay,
 * in tc (cls_bpf, direct action), where the lab's kernel has no qdisc that marks (LAB.md:
 * no red, codel, fq_codel, pie). tests/e2e/test_underlay6.sh builds it with clang.
 *
 *   SEC("mark")  on a VTEP's underlay egress: an IPv6 VXLAN packet (UDP destination port
 *                4789) whose inner frame is an IPv4 packet of protocol PROTO (default 1,
 *                ICMP) leaves with its outer ECN field set to CE; everything else goes
 *                out as it came.
 *
 * Only the chosen inner protocol is marked, so that what else crosses the underlay at the
 * same time (an ARP refresh of a host) is not, and the test's counts stay exact. The outer
 * traffic class is in no checksum (IPv6 has no header checksum, the UDP pseudo-header does
 * not hold it), so the byte is rewritten in place.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>

#ifndef PROTO
#define PROTO 1
#endif

#define SEC(name) __attribute__((section(name), used))

/* offsets in the frame: Ethernet, outer IPv6, UDP, VXLAN, inner Ethernet, inner IPv4 */
#define OUTER_TYPE_OFF  12
#define OUTER_TC_LO_OFF (ETH_HLEN + 1)  /* low nibble of the traffic class, high bits */
#define OUTER_NH_OFF    (ETH_HLEN + 6)  /* next header */
#define UDP_DPORT_OFF   (ETH_HLEN + 42) /* UDP destination port */
#define INNER_TYPE_OFF  (ETH_HLEN + 40 + 8 + 8 + 12)
#define INNER_PROTO_OFF (ETH_HLEN + 40 + 8 + 8 + ETH_HLEN + 9)
#define ECN_CE_IN_BYTE1 0x30 /* ECN (the traffic class's low 2 bits) in the header's byte 1 */

static long (*bpf_skb_load_bytes)(const struct __sk_buff *skb, __u32 off, void *to,
                                  __u32 len) = (void *)BPF_FUNC_skb_load_bytes;
static long (*bpf_skb_store_bytes)(struct __sk_buff *skb, __u32 off, const void *from, __u32 len,
                                   __u64 flags) = (void *)BPF_FUNC_skb_store_bytes;

static __attribute__((always_inline)) int be16_at(struct __sk_buff *skb, __u32 off, __u16 want)
{
	__u16 v;
	return !bpf_skb_load_bytes(skb, off, &v, 2) && v == __builtin_bswap16(want);
}

static __attribute__((always_inline)) int byte_at(struct __sk_buff *skb, __u32 off, __u8 want)
{
	__u8 v;
	return !bpf_skb_load_bytes(skb, off, &v, 1) && v == want;
}

SEC("mark") int ecn_mark(struct __sk_buff *skb)
{
	__u8 b;
	if (!be16_at(skb, OUTER_TYPE_OFF, ETH_P_IPV6) || !byte_at(skb, OUTER_NH_OFF, 17) ||
	    !be16_at(skb, UDP_DPORT_OFF, 4789) || !be16_at(skb, INNER_TYPE_OFF, ETH_P_IP) ||
	    !byte_at(skb, INNER_PROTO_OFF, PROTO))
		return TC_ACT_OK;
	if (bpf_skb_load_bytes(skb, OUTER_TC_LO_OFF, &b, 1))
		return TC_ACT_OK;
	b |= ECN_CE_IN_BYTE1;
	bpf_skb_store_bytes(skb, OUTER_TC_LO_OFF, &b, 1, 0);
	return TC_ACT_OK;
}

char _license[] SEC("license") = "GPL";
