/* tests/e2e/vlan_tag.bpf.c - 802.1Q tags in tc (cls_bpf, direct action), where the lab's
 * kernel has no VLAN devices (tests/e2e/test_dot1q.sh builds it with clang).
 *
 *   SEC("push")  tags every frame with VLAN VID, then hands it on (TO_IF: redirect to the
 *                egress of that interface; 0: on its way)
 *   SEC("pop")   a frame tagged VID loses its tag and is handed on (TO_IF as above); any
 *                other frame gets OTHERS (default TC_ACT_SHOT: a host on a VLAN sees only
 *                its VLAN; TC_ACT_UNSPEC: on to the next filter, then to the stack)
 *
 * On ingress the kernel has already moved a tag out of the frame (skb->vlan_tci), so pop
 * reads it there. A test host on VLAN 100: push on its interface's egress, pop on its
 * ingress. A sub-interface of the kernel as the gateway: a veth pair; push on the ingress of
 * the pair's far end with TO_IF = the uplink, pop on the uplink's ingress with TO_IF = the
 * far end (its egress delivers to the sub-interface).
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>

#ifndef VID
#error "build with -DVID=<VLAN id>"
#endif
#ifndef TO_IF
#define TO_IF 0
#endif
#ifndef OTHERS
#define OTHERS TC_ACT_SHOT
#endif

#define SEC(name) __attribute__((section(name), used))

static long (*bpf_skb_vlan_push)(struct __sk_buff *skb, __be16 proto,
                                 __u16 tci) = (void *)BPF_FUNC_skb_vlan_push;
static long (*bpf_skb_vlan_pop)(struct __sk_buff *skb) = (void *)BPF_FUNC_skb_vlan_pop;
static long (*bpf_redirect)(__u32 ifindex, __u64 flags) = (void *)BPF_FUNC_redirect;

static __attribute__((always_inline)) int hand_on(void)
{
	return TO_IF ? (int)bpf_redirect(TO_IF, 0) : TC_ACT_OK;
}

SEC("push") int vlan_push(struct __sk_buff *skb)
{
	if (bpf_skb_vlan_push(skb, __builtin_bswap16(ETH_P_8021Q), VID))
		return TC_ACT_SHOT;
	return hand_on();
}

SEC("pop") int vlan_pop(struct __sk_buff *skb)
{
	if (!skb->vlan_present || (skb->vlan_tci & 0x0fff) != VID)
		return OTHERS;
	if (bpf_skb_vlan_pop(skb))
		return TC_ACT_SHOT;
	return hand_on();
}

char _license[] SEC("license") = "GPL";
