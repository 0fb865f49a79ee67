/*
 * gw/l2_inl.h - the Ethernet rules of every path that receives a frame: the inner frame of
 * a VXLAN packet (after gw/vxlan_inl.h) and a frame from an uplink. The main pipeline
 * (gw/pipeline.c) drops a frame with the reason a check returns; the workers' fast path
 * (gw/fast.c) hands any frame a check refuses to the main thread, which then drops it for
 * that same reason. Written once, inline, as gw/ip4_inl.h does for IPv4.
 *
 *   uplink: 802.1Q demux (gw_l2_vlan_demux) -> header -> source MAC -> interface up
 *   VXLAN:  header -> anycast peer -> source MAC -> learning
 *   both:   destination (gw_l2_dispatch_drop) -> EtherType
 */
#ifndef GW_L2_INL_H
#define GW_L2_INL_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "common/net.h"
#include "gw/drop.h"
#include "gw/ip4_inl.h"
#include "gw/ip6_inl.h"
#include "vxlan/bd.h"

/*
 * The L3 interface of a frame (data, len bytes) from a netdev whose main interface is
 * untagged (0: none) and sub-interfaces by_vlan[VLAN id] (NULL: none): *ifx, and in
 * *tag_len the bytes of the 802.1Q tag to take off (0 or 4). An untagged or
 * priority-tagged (VLAN 0) frame is the main interface's; a second tag (QinQ) is left
 * for gw_l2_eth_drop. Reads only: the caller takes the tag off, or reads past it.
 */
static inline enum gw_drop gw_l2_vlan_demux(const uint8_t *data, uint32_t len, uint16_t untagged,
                                            const uint16_t *by_vlan, uint16_t *ifx,
                                            uint32_t *tag_len)
{
	if (len < NET_ETH_HLEN)
		return GW_DROP_FRAME_SHORT;
	*ifx = untagged;
	*tag_len = 0;
	if (((const struct net_eth *)data)->type != htons(NET_ETHERTYPE_VLAN))
		return untagged ? 0 : GW_DROP_VLAN_UNKNOWN;
	if (len < NET_ETH_HLEN + NET_VLAN_HLEN)
		return GW_DROP_FRAME_SHORT;
	uint16_t vid = (uint16_t)((data[14] & 0x0f) << 8 | data[15]);
	if (vid)
		*ifx = by_vlan ? by_vlan[vid] : 0;
	if (!*ifx)
		return GW_DROP_VLAN_UNKNOWN;
	*tag_len = NET_VLAN_HLEN;
	return 0;
}

/*
 * The Ethernet header every frame needs before anything reads it: whole (len: the
 * frame's bytes without the tag the demux took off) and untagged (type: where its
 * EtherType is, read only when the header is whole).
 */
static inline enum gw_drop gw_l2_eth_drop(uint32_t len, const uint8_t *type)
{
	if (len < NET_ETH_HLEN)
		return GW_DROP_FRAME_SHORT;
	uint16_t t;
	memcpy(&t, type, 2);
	if (t == htons(NET_ETHERTYPE_VLAN) || t == htons(NET_ETHERTYPE_QINQ))
		return GW_DROP_VLAN_TAGGED;
	return 0;
}

/* No host sends from a group (multicast, broadcast) or zero MAC: answering or learning it
 * would send to a group (found by tests/fuzz/fuzz_pipeline). */
static inline enum gw_drop gw_l2_src_drop(const uint8_t *src)
{
	return net_mac_is_mcast(src) || net_mac_is_zero(src) ? GW_DROP_BAD_SRC_MAC : 0;
}

/*
 * Our own anycast MAC as the source of a VXLAN frame (anycast: the bridge domain's BDIF
 * bdif_mac is the fabric's anycast gateway; false when it has no usable BDIF): another
 * gateway of the fabric, whose announcements and requests reach us through a flood group.
 * Learning it would point our own MAC at it.
 */
static inline enum gw_drop gw_l2_anycast_drop(const uint8_t *src, bool anycast,
                                              const uint8_t *bdif_mac)
{
	return anycast && net_mac_eq(src, bdif_mac) ? GW_DROP_ANYCAST_PEER : 0;
}

/*
 * What learning the source MAC behind vtep decided (learned: bd_mac_learn's result): a MAC
 * statically bound to another VTEP (static_vtep) drops the frame.
 */
static inline enum gw_drop gw_l2_learn_drop(int learned, uint32_t static_vtep, uint32_t vtep)
{
	return learned == BD_MAC_STATIC && static_vtep != vtep ? GW_DROP_MAC_STATIC_CONFLICT : 0;
}

/*
 * Learning the source MAC behind vtep would change nothing: it is known (static or
 * dynamic) behind that VTEP (entry_vtep) already. A reader of the forwarding snapshot
 * forwards only such frames; any other learning, or a drop by gw_l2_learn_drop, is the
 * main thread's.
 */
static inline bool gw_l2_learn_settled(bool known, uint32_t entry_vtep, uint32_t vtep)
{
	return known && entry_vtep == vtep;
}

/* A frame for an interface that is shut down (or its link, or no VLAN set) goes no further. */
static inline enum gw_drop gw_l2_if_down_drop(bool up)
{
	return up ? 0 : GW_DROP_IF_DOWN;
}

/*
 * Whether a frame arriving on L3 interface ifx (0: its bridge domain has no usable BDIF)
 * whose MAC is if_mac is for that interface: unicast to its MAC, a broadcast ARP, or
 * IPv6 multicast when the interface has IPv6 (ip6).
 * Other broadcast and multicast is not flooded back (split horizon), unicast to another
 * MAC is not ours. 0: for the interface.
 */
static inline enum gw_drop gw_l2_dispatch_drop(const struct net_eth *eth, uint16_t ifx,
                                               const uint8_t *if_mac, bool ip6)
{
	if (ifx && net_mac_eq(eth->dst, if_mac))
		return 0;
	if (!net_mac_is_mcast(eth->dst))
		return GW_DROP_NOT_FOR_US;
	/* IPv6 multicast (33:33:...) on an interface with IPv6: ND and RS to the gateway's
	 * groups; the IPv6 input drops what is for other groups */
	bool nd = ip6 && eth->type == htons(NET_ETHERTYPE_IP6) && eth->dst[0] == 0x33 &&
	          eth->dst[1] == 0x33;
	if (!nd && (eth->type != htons(NET_ETHERTYPE_ARP) || !net_mac_is_bcast(eth->dst)))
		return GW_DROP_BUM_IGNORED;
	return ifx ? 0 : GW_DROP_NO_BDIF;
}

/* A frame for an L3 interface is IPv4 or ARP, or IPv6 when the interface has IPv6 (type:
 * its EtherType, network order). */
static inline enum gw_drop gw_l2_ethertype_drop(uint16_t type, bool ip6)
{
	return type == htons(NET_ETHERTYPE_IP) || type == htons(NET_ETHERTYPE_ARP) ||
	               (ip6 && type == htons(NET_ETHERTYPE_IP6))
	           ? 0
	           : GW_DROP_ETHERTYPE;
}

/*
 * A frame from a port with its bridge domain's BDIF's MAC (bdif_mac; bdif 0: none) as
 * source: a host impersonating the gateway. Learning it would put the gateway's MAC on the
 * port, and switching it would show the VTEPs' hosts frames the gateway never sent.
 */
static inline enum gw_drop gw_l2_own_src_drop(const uint8_t *src, uint16_t bdif,
                                              const uint8_t *bdif_mac)
{
	return bdif && net_mac_eq(src, bdif_mac) ? GW_DROP_L2_OWN_MAC : 0;
}

/*
 * L2 gateway: how a frame from a port (or from a VTEP, to the ports) is switched. From the
 * MAC table lookup of its destination (known, dest) and where it came from (from_port: the
 * ingress port, 0 for a VTEP):
 */
enum gw_l2_fwd {
	GW_L2_TO_BDIF, /* unicast to the BDIF's MAC: routed */
	GW_L2_FLOOD,   /* BUM or unknown unicast: to the other ports (and VTEPs from a port) */
	GW_L2_TO_PORT, /* known behind another port */
	GW_L2_TO_VTEP, /* known behind a VTEP (from a port only) */
	GW_L2_DROP,    /* see the reason */
};
static inline enum gw_l2_fwd gw_l2_switch(const struct net_eth *eth, uint16_t bdif,
                                          const uint8_t *bdif_mac, bool known, uint32_t dest,
                                          uint16_t from_port, enum gw_drop *why)
{
	if (bdif && net_mac_eq(eth->dst, bdif_mac))
		return GW_L2_TO_BDIF;
	if (net_mac_is_mcast(eth->dst) || !known)
		return GW_L2_FLOOD;
	if (bd_dest_is_port(dest)) {
		if (dest != from_port)
			return GW_L2_TO_PORT;
		*why = GW_DROP_L2_SAME_PORT;
		return GW_L2_DROP;
	}
	if (from_port)
		return GW_L2_TO_VTEP;
	*why = GW_DROP_NOT_FOR_US; /* VTEP to VTEP: split horizon */
	return GW_L2_DROP;
}

/*
 * Whether a frame for a port of MTU mtu fits (len: its bytes from the Ethernet header,
 * untagged): its payload is at most the MTU, as on any Ethernet switch port. A sender's
 * super-packet that arrived whole over the underlay is cut instead (gw_l2_segment).
 */
static inline bool gw_l2_fits(uint32_t len, uint32_t mtu)
{
	return len <= NET_ETH_HLEN + mtu;
}

/*
 * The MTU a sender's super-packet switched out of a port of MTU port_mtu is cut to: the
 * segment's, which its BDIF's MTU (bdif_mtu, 0: no BDIF) states when smaller, as the hosts
 * of the segment use it (a VTEP's super-packet arrives without its segment size); else
 * the port's.
 */
static inline uint32_t gw_l2_seg_mtu(uint32_t port_mtu, uint32_t bdif_mtu)
{
	return bdif_mtu && bdif_mtu < port_mtu ? bdif_mtu : port_mtu;
}

/* The flow hash of a switched frame (data at its Ethernet header, len bytes) for the VXLAN
 * source port: its IP flow (as routed packets), else its MACs. */
static inline uint32_t gw_l2_flow_hash(const uint8_t *frame, uint32_t len)
{
	const struct net_eth *eth = (const struct net_eth *)frame;
	if (eth->type == htons(NET_ETHERTYPE_IP) && len >= NET_ETH_HLEN + NET_IP_HLEN)
		return gw_ip4_flow_hash((const struct net_ip *)(frame + NET_ETH_HLEN),
		                        len - NET_ETH_HLEN);
	if (eth->type == htons(NET_ETHERTYPE_IP6) && len >= NET_ETH_HLEN + NET_IP6_HLEN)
		return gw_ip6_flow_hash((const struct net_ip6 *)(frame + NET_ETH_HLEN),
		                        len - NET_ETH_HLEN);
	return net_hash32((uint32_t)(net_mac_to_u64(eth->dst) ^ net_mac_to_u64(eth->src) >> 16));
}

#endif
