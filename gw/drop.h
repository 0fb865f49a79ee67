/*
 * gw/drop.h - every reason the pipeline lets go of a packet, with a counter each.
 *
 * One list, expanded into the enum, the names `show errors` prints and their help
 * strings, so a new reason cannot be added without a name and a counter.
 */
#ifndef GW_DROP_H
#define GW_DROP_H

#include <stdint.h>

/* _(ENUM, "name", "description") */
#define GW_DROP_REASONS(_)                                                                         \
	_(NO_BUFFER, "no_buffer", "packet buffer pool empty")                                      \
	_(RX_OVERFLOW, "rx_socket_overflow", "dropped by the kernel: receive socket buffer full")  \
	_(RX_OVERSIZE, "rx_oversize", "datagram or frame larger than a packet buffer")             \
	_(GSO_UNSUPPORTED, "gso_unsupported",                                                      \
	  "super-packet (TSO/GSO) that cannot be cut: not TCP, or UDP of unknown segment size")    \
	_(OUTER_BAD, "outer_malformed",                                                            \
	  "underlay IP/UDP header malformed or UDP checksum bad (AF_XDP receive)")                 \
	_(OUTER_DST, "outer_dst_unknown", "outer destination neither the VTEP nor a flood group")  \
	_(VXLAN_SHORT, "vxlan_short", "VXLAN header truncated")                                    \
	_(VXLAN_NO_I, "vxlan_no_i_flag", "VXLAN I flag clear")                                     \
	_(VXLAN_FLAGS, "vxlan_bad_flags", "VXLAN reserved flag bits set")                          \
	_(VXLAN_RESERVED, "vxlan_reserved", "VXLAN reserved fields non-zero")                      \
	_(NO_SUCH_VNI, "no_such_vni", "VNI of no bridge domain")                                   \
	_(NO_SUCH_PEER, "no_such_peer", "outer source not a peer of the bridge domain")            \
	_(NO_VTEP_SOURCE, "no_vtep_source",                                                        \
	  "no vxlan source of the remote VTEP's family (or its IPv6 name is gone)")                \
	_(ECN_CE_NOT_ECT, "ecn_ce_not_ect",                                                        \
	  "outer ECN CE on a Not-ECT inner packet (RFC 6040: the sender cannot react)")            \
	_(FRAME_SHORT, "frame_short", "Ethernet frame truncated")                                  \
	_(VLAN_TAGGED, "vlan_tagged", "VLAN-tagged frame")                                         \
	_(VLAN_UNKNOWN, "vlan_unknown", "uplink frame of a VLAN (or untagged) with no interface")  \
	_(BAD_SRC_MAC, "bad_src_mac", "source MAC multicast or zero")                              \
	_(ANYCAST_PEER, "anycast_gateway_peer",                                                    \
	  "from another anycast gateway (our MAC as source)")                                      \
	_(ANYCAST_QUIET, "anycast_gateway_quiet",                                                  \
	  "asks the anycast gateway: its bridge domain's announcer answers")                       \
	_(MAC_STATIC_CONFLICT, "mac_static_conflict",                                              \
	  "source MAC statically bound to another VTEP or port")                                   \
	_(L2_NO_BD, "l2_no_bridge_domain", "frame from a port of a bridge domain that is gone")    \
	_(L2_OWN_MAC, "l2_own_mac_source", "frame from a port with the BDIF's own MAC as source")  \
	_(L2_SAME_PORT, "l2_same_port", "destination MAC on the port the frame came from")         \
	_(L2_MTU, "l2_mtu_exceeded", "frame larger than the egress port's MTU")                    \
	_(BUM_IGNORED, "bum_not_flooded",                                                          \
	  "broadcast/multicast not for the gateway (split horizon)")                               \
	_(NOT_FOR_US, "not_for_gateway", "unicast frame to another MAC")                           \
	_(NO_BDIF, "no_bdif", "bridge domain has no L3 interface, or it is down")                  \
	_(ETHERTYPE, "unknown_ethertype", "not IPv4 or ARP, nor IPv6 on an interface with IPv6")   \
	_(ARP_MALFORMED, "arp_malformed", "ARP packet malformed")                                  \
	_(ARP_NOT_FOR_US, "arp_not_for_us", "ARP for another address")                             \
	_(ARP_OFFLINK, "arp_source_offlink",                                                       \
	  "ARP sender outside the interface subnets (other than a request for us)")                \
	_(ARP_SPOOF, "arp_source_conflict", "ARP sender claims a gateway address")                 \
	_(IP_SHORT, "ip_short", "IPv4 header truncated")                                           \
	_(IP_VERSION, "ip_version", "IP version not 4")                                            \
	_(IP_IHL, "ip_bad_ihl", "IPv4 header length invalid")                                      \
	_(IP_CSUM, "ip_bad_checksum", "IPv4 header checksum invalid")                              \
	_(IP_LEN, "ip_bad_length", "IPv4 total length invalid")                                    \
	_(IP_MARTIAN_SRC, "ip_martian_source", "IPv4 source multicast, broadcast or zero")         \
	_(IP_BCAST, "ip_broadcast", "IPv4 broadcast or multicast destination")                     \
	_(IP_FRAG_LOCAL, "ip_fragment_local", "fragment addressed to the gateway (no reassembly)") \
	_(LOCAL_PROTO, "local_unhandled", "packet to the gateway it does not answer")              \
	_(ICMP_BAD, "icmp_malformed", "ICMP to the gateway truncated or bad checksum")             \
	_(NO_ROUTE, "no_route", "no route to destination")                                         \
	_(ACL_DENY, "acl_deny", "denied by an access list (an entry or the implicit deny)")        \
	_(NULL_ROUTE, "null_route", "route to null0")                                              \
	_(TTL_EXPIRED, "ttl_expired", "TTL expired in transit")                                    \
	_(MTU_DF, "mtu_exceeded_df", "larger than egress MTU with DF set")                         \
	_(FRAG_FAILED, "fragment_failed", "could not fragment")                                    \
	_(ARP_UNRESOLVED, "arp_unresolved", "next hop did not answer ARP")                         \
	_(ARP_QUEUE_FULL, "arp_queue_full", "too many packets waiting for one next hop")           \
	_(ARP_TABLE_FULL, "arp_table_full", "neighbour table full")                                \
	_(ARP_RATE, "arp_request_rate_limited", "ARP request not sent (rate limit)")               \
	_(ARP_FLUSHED, "arp_flushed", "waiting packet dropped when its neighbour was cleared")     \
	_(IF_DOWN, "interface_down", "egress interface down")                                      \
	_(NO_FLOOD, "no_flood_peers", "unknown destination and no flood peers or group")           \
	_(ICMP_ERR_SUPPRESSED, "icmp_error_suppressed",                                            \
	  "ICMP error not sent (rule or rate limit)")                                              \
	_(IP6_SHORT, "ip6_short", "IPv6 header truncated")                                         \
	_(IP6_VERSION, "ip6_version", "IP version not 6 in an IPv6 frame")                         \
	_(IP6_LEN, "ip6_bad_length", "IPv6 payload length beyond the frame")                       \
	_(IP6_MARTIAN_SRC, "ip6_martian_source", "IPv6 source multicast, loopback or unspecified") \
	_(IP6_SCOPE, "ip6_not_forwarded",                                                          \
	  "IPv6 link-local, multicast or loopback destination, or link-local source, in transit")  \
	_(IP6_EXT, "ip6_ext_headers", "IPv6 extension headers malformed or too many")              \
	_(IP6_MCAST_IGNORED, "ip6_multicast_ignored",                                              \
	  "IPv6 multicast to a group the gateway is not in")                                       \
	_(HLIM_EXPIRED, "hop_limit_expired", "IPv6 hop limit expired in transit")                  \
	_(IP6_TOO_BIG, "ip6_too_big", "larger than the egress MTU (IPv6: packet too big sent)")    \
	_(ICMP6_BAD, "icmp6_malformed", "ICMPv6 to the gateway truncated or bad checksum")         \
	_(ND_MALFORMED, "nd_malformed", "neighbour discovery message invalid (RFC 4861 checks)")   \
	_(ND_NOT_FOR_US, "nd_not_for_us", "neighbour solicitation for another address")            \
	_(ND_SPOOF, "nd_source_conflict", "ND sender claims a gateway address")                    \
	_(ND_UNRESOLVED, "nd_unresolved", "IPv6 next hop did not answer neighbour solicitations")  \
	_(ND_QUEUE_FULL, "nd_queue_full", "too many packets waiting for one IPv6 next hop")        \
	_(ND_TABLE_FULL, "nd_table_full", "IPv6 neighbour table full")                             \
	_(ND_RATE, "nd_solicit_rate_limited", "neighbour solicitation not sent (rate limit)")      \
	_(ND_FLUSHED, "nd_flushed", "waiting packet dropped when its IPv6 neighbour was cleared")  \
	_(TX_FAILED, "tx_failed", "output driver refused the packet")                              \
	_(PUNT_FULL, "punt_queue_full", "worker's queue to the main thread full (exceptions)")

enum gw_drop {
#define GW_DROP_ENUM(e, n, d) GW_DROP_##e,
	GW_DROP_REASONS(GW_DROP_ENUM)
#undef GW_DROP_ENUM
	    GW_DROP_MAX
};

const char *gw_drop_name(enum gw_drop d);
const char *gw_drop_desc(enum gw_drop d);

/* The drop stage's trace record (drop.c), written by gw_drop (gw_int.h) for a traced
 * packet only, hence cold. */
struct gw_tr_drop {
	uint16_t reason; /* enum gw_drop */
};
struct gw;
struct gw_pkt;
__attribute__((cold)) void gw_trace_drop(struct gw *gw, const struct gw_pkt *p, enum gw_drop why);

#endif
