/*
 * cli/prom.c - the Prometheus text exposition format (version 0.0.4) of every counter:
 * per interface, bridge domain and peer, drops by reason, the gateway's own counters,
 * and a few gauges of table sizes.
 *
 * Names follow the Prometheus conventions: a vxgw_ prefix, base units (bytes), counters
 * ending in _total. A family's samples follow its HELP and TYPE lines without another
 * family in between, so each per-object family walks its objects once.
 */
#include <stdio.h>
#include <string.h>

#include "cli/metrics.h"
#include "common/net.h"
#include "gw/stats.h"
#include "vxlan/vtep.h"

void cli_prom_label(struct cli_out *o, const char *v)
{
	cli_printf(o, "\"");
	for (; *v; v++) {
		if (*v == '\\')
			cli_printf(o, "\\\\");
		else if (*v == '"')
			cli_printf(o, "\\\"");
		else if (*v == '\n')
			cli_printf(o, "\\n");
		else
			cli_printf(o, "%c", *v);
	}
	cli_printf(o, "\"");
}

static void family(struct cli_out *o, const char *name, const char *type, const char *help)
{
	cli_printf(o, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* ---------------------------------------------------------------- per object */

/* Which of the four counters of a struct gw_if_counters a family shows. */
enum which { RX_PKTS, RX_BYTES, TX_PKTS, TX_BYTES, WHICH_MAX };

static const struct {
	const char *suffix, *help;
} which_names[WHICH_MAX] = {
    [RX_PKTS] = {"rx_packets_total", "Packets received"},
    [RX_BYTES] = {"rx_bytes_total", "Bytes received"},
    [TX_PKTS] = {"tx_packets_total", "Packets sent"},
    [TX_BYTES] = {"tx_bytes_total", "Bytes sent"},
};
#define VXLAN_NOTE "(inner Ethernet frames; each head-end copy counts)"

static unsigned long long pick(const struct gw_if_counters *k, enum which w)
{
	switch (w) {
	case RX_PKTS:
		return k->rx_pkts;
	case RX_BYTES:
		return k->rx_bytes;
	case TX_PKTS:
		return k->tx_pkts;
	default:
		return k->tx_bytes;
	}
}

struct walk {
	struct cli_out *o;
	struct gw *gw;
	const char *name;
	enum which w;
};

/* An interface's labels: its name and its VRF, so that a tenant's traffic sums by VRF. */
static void if_labels(const struct walk *w, const struct gw_if_info *i)
{
	const char *vrf = gw_vrf_name(w->gw, i->vrfx);
	cli_printf(w->o, "%s{interface=", w->name);
	cli_prom_label(w->o, i->name);
	cli_printf(w->o, ",vrf=");
	cli_prom_label(w->o, vrf ? vrf : "default");
	cli_printf(w->o, "}");
}

static int if_sample(const struct gw_if_info *i, void *arg)
{
	struct walk *w = arg;
	if_labels(w, i);
	cli_printf(w->o, " %llu\n", pick(&i->cnt, w->w));
	return 0;
}

static int if_up_sample(const struct gw_if_info *i, void *arg)
{
	struct walk *w = arg;
	if_labels(w, i);
	cli_printf(w->o, " %d\n", i->up ? 1 : 0);
	return 0;
}

static int bd_sample(const struct gw_bd_stats *b, void *arg)
{
	struct walk *w = arg;
	cli_printf(w->o, "%s{bd=\"%u\",vni=\"%u\"} %llu\n", w->name, b->bd_id, b->vni,
	           pick(&b->cnt, w->w));
	return 0;
}

static int bd_macs_sample(const struct bd_info *b, void *arg)
{
	struct walk *w = arg;
	cli_printf(w->o, "%s{bd=\"%u\",vni=\"%u\"} %u\n", w->name, b->id, b->vni, b->n_macs);
	return 0;
}

static int peer_sample(const struct gw_peer_stats *p, void *arg)
{
	struct walk *w = arg;
	char ip[VX_VTEP_STRLEN];
	cli_printf(w->o, "%s{peer=\"%s\"} %llu\n", w->name,
	           p->vtep ? vx_vtep_fmt(gw_vteps(w->gw), p->vtep, ip) : "other",
	           pick(&p->cnt, w->w));
	return 0;
}

static void per_object(struct gw *gw, struct cli_out *o)
{
	char name[96], help[160];
	for (enum which k = 0; k < WHICH_MAX; k++) {
		struct walk w = {.o = o, .gw = gw, .name = name, .w = k};
		snprintf(name, sizeof(name), "vxgw_interface_%s", which_names[k].suffix);
		snprintf(help, sizeof(help),
		         "%s, by interface: L3 interfaces and L2 ports (Ethernet frames).",
		         which_names[k].help);
		family(o, name, "counter", help);
		gw_if_walk(gw, if_sample, &w);
	}
	struct walk up = {.o = o, .gw = gw, .name = "vxgw_interface_up"};
	family(o, up.name, "gauge",
	       "1 when the interface forwards: not shut down and, for a sub-interface, given a "
	       "VLAN.");
	gw_if_walk(gw, if_up_sample, &up);
	for (enum which k = 0; k < WHICH_MAX; k++) {
		struct walk w = {.o = o, .name = name, .w = k};
		snprintf(name, sizeof(name), "vxgw_bridge_domain_%s", which_names[k].suffix);
		snprintf(help, sizeof(help), "%s over VXLAN, by bridge domain " VXLAN_NOTE ".",
		         which_names[k].help);
		family(o, name, "counter", help);
		gw_bd_stats_walk(gw, bd_sample, &w);
	}
	struct walk macs = {.o = o, .name = "vxgw_bridge_domain_macs"};
	family(o, macs.name, "gauge",
	       "MAC addresses in the bridge domain's table, static included.");
	bd_walk(gw_bd(gw), bd_macs_sample, &macs);
	for (enum which k = 0; k < WHICH_MAX; k++) {
		struct walk w = {.o = o, .gw = gw, .name = name, .w = k};
		snprintf(name, sizeof(name), "vxgw_peer_%s", which_names[k].suffix);
		snprintf(help, sizeof(help),
		         "%s over VXLAN, by VTEP peer " VXLAN_NOTE "; peer=\"other\": peers beyond "
		         "the table's bound.",
		         which_names[k].help);
		family(o, name, "counter", help);
		gw_peer_stats_walk(gw, peer_sample, &w);
	}
}

/* ---------------------------------------------------------------- the gateway */

static void gateway(struct gw *gw, struct cli_out *o)
{
	struct gw_counters k;
	gw_get_counters(gw, &k);
	family(o, "vxgw_drops_total", "counter", "Packets dropped, by reason (show errors).");
	for (int d = 0; d < GW_DROP_MAX; d++)
		cli_printf(o, "vxgw_drops_total{reason=\"%s\"} %llu\n", gw_drop_name(d),
		           (unsigned long long)k.drops[d]);
	const struct {
		const char *name, *help;
		uint64_t v;
	} c[] = {
	    {"vxgw_underlay_rx_packets_total", "VXLAN packets received from the underlay.",
	     k.rx_underlay},
	    {"vxgw_underlay_rx_gro_packets_total",
	     "Of those, handed over coalesced by the kernel (UDP GRO).", k.rx_underlay_gro},
	    {"vxgw_underlay_rx_xdp_packets_total",
	     "Of those, received through AF_XDP sockets (dataplane io xdp).", k.rx_underlay_xdp},
	    {"vxgw_uplink_rx_xdp_frames_total",
	     "Uplink frames received through AF_XDP sockets (dataplane io xdp).", k.rx_uplink_xdp},
	    {"vxgw_uplink_tx_xdp_frames_total",
	     "Uplink frames sent through AF_XDP sockets (dataplane io xdp).", k.tx_uplink_xdp},
	    {"vxgw_rx_gso_packets_total",
	     "Super-packets (TSO/GSO) senders left whole, cut by the gateway.", k.rx_gso},
	    {"vxgw_rx_checksums_completed_total",
	     "TCP/UDP checksums senders left to their NICs, completed by the gateway.",
	     k.rx_csum_completed},
	    {"vxgw_underlay_tx_packets_total", "VXLAN packets sent to the underlay.",
	     k.tx_underlay},
	    {"vxgw_underlay_tx_l2_packets_total",
	     "Of those, sent as Ethernet frames to a cached next hop (AF_PACKET).",
	     k.tx_underlay_l2},
	    {"vxgw_underlay_tx_raw_packets_total",
	     "Of those, sent on the raw IPv4 socket (kernel routes them).", k.tx_underlay_raw},
	    {"vxgw_underlay_tx_gso_packets_total",
	     "Of the direct ones, sent inside UDP super-datagrams the kernel or NIC segmented "
	     "(UDP GSO).",
	     k.tx_underlay_gso},
	    {"vxgw_uplink_rx_packets_total", "Frames received on Ethernet uplinks.", k.rx_eth},
	    {"vxgw_uplink_tx_packets_total", "Frames sent on Ethernet uplinks.", k.tx_eth},
	    {"vxgw_routed_packets_total", "IPv4 packets forwarded.", k.routed},
	    {"vxgw_local_packets_total", "IPv4 packets addressed to the gateway.", k.local},
	    {"vxgw_icmp_errors_sent_total", "ICMP errors sent.", k.icmp_errors},
	    {"vxgw_fragments_sent_total", "IPv4 fragments sent.", k.fragments},
	    {"vxgw_arp_requests_sent_total", "ARP requests sent.", k.arp_requests},
	    {"vxgw_arp_replies_sent_total", "ARP replies sent.", k.arp_replies},
	    {"vxgw_arp_offlink_replies_sent_total",
	     "Of those, to senders outside the interface's subnets (answered, not learned).",
	     k.arp_offlink_replies},
	    {"vxgw_flooded_packets_total", "Frames flooded to a bridge domain's peers or group.",
	     k.flooded},
	    {"vxgw_routed6_packets_total", "IPv6 packets forwarded.", k.routed6},
	    {"vxgw_local6_packets_total", "IPv6 packets addressed to the gateway.", k.local6},
	    {"vxgw_icmp6_errors_sent_total", "ICMPv6 errors sent.", k.icmp6_errors},
	    {"vxgw_nd_solicits_sent_total", "IPv6 neighbour solicitations sent.", k.nd_solicits},
	    {"vxgw_nd_adverts_sent_total", "IPv6 neighbour advertisements sent.", k.nd_adverts},
	    {"vxgw_ra_sent_total", "IPv6 router advertisements sent.", k.ra_sent},
	};
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		family(o, c[i].name, "counter", c[i].help);
		cli_printf(o, "%s %llu\n", c[i].name, (unsigned long long)c[i].v);
	}
	struct arp_stats as;
	struct bd_mac_stats ms;
	arp_get_stats(gw_arp(gw), &as);
	bd_mac_get_stats(gw_bd(gw), &ms);
	const struct {
		const char *name, *help;
		uint64_t v;
	} g[] = {
	    {"vxgw_arp_entries", "Neighbour table entries, static and incomplete included.",
	     as.entries},
	    {"vxgw_mac_entries", "MAC table entries over all bridge domains.", ms.entries},
	    {"vxgw_mac_capacity", "MAC table size over all bridge domains.", ms.capacity},
	    {"vxgw_packet_buffers_free", "Packet buffers free in the pool.",
	     gw_pool_avail(gw_pool(gw))},
	    {"vxgw_packet_buffers", "Packet buffers in the pool.", gw_pool_size(gw_pool(gw))},
	    {"vxgw_rate_interval_milliseconds", "Length of the last completed rate interval.",
	     gw_stats_interval_ms(gw)},
	};
	for (size_t i = 0; i < sizeof(g) / sizeof(g[0]); i++) {
		family(o, g[i].name, "gauge", g[i].help);
		cli_printf(o, "%s %llu\n", g[i].name, (unsigned long long)g[i].v);
	}
}

/* Each VRF's routes: what an operator alarms on when a table empties or explodes. */
static void vrf_routes(struct gw *gw, struct cli_out *o)
{
	static const struct {
		const char *name, *help;
	} fam[2] = {
	    {"vxgw_routes", "Prefixes in the VRF's FIB (any source)."},
	    {"vxgw_routes_active", "Prefixes of the VRF's FIB installed for lookup."},
	};
	struct fib_stats st[GW_VRF_MAX];
	for (uint16_t v = 0; v < GW_VRF_MAX; v++) {
		const struct fib *fib = gw_vrf_fib(gw, v);
		if (fib)
			fib_get_stats(fib, &st[v]);
	}
	for (int active = 0; active < 2; active++) {
		family(o, fam[active].name, "gauge", fam[active].help);
		for (uint16_t v = 0; v < GW_VRF_MAX; v++) {
			if (!gw_vrf_fib(gw, v))
				continue;
			cli_printf(o, "%s{vrf=", fam[active].name);
			cli_prom_label(o, gw_vrf_name(gw, v));
			cli_printf(o, "} %zu\n", active ? st[v].active : st[v].routes);
		}
	}
}

/* The matches of each entry of each access list, the implicit deny as seq="implicit". */
static void acl_matches(struct gw *gw, struct cli_out *o)
{
	static const struct {
		int fam;
		const char *label;
	} fams[2] = {{ACL_IP4, "ipv4"}, {ACL_IP6, "ipv6"}};
	static const char *names[GW_ACL_MAX];
	family(o, "vxgw_acl_matches_total", "counter",
	       "Packets matched by each access-list entry (seq=\"implicit\": the implicit deny).");
	for (int f = 0; f < 2; f++) {
		unsigned n = gw_acl_names(gw, fams[f].fam, names, GW_ACL_MAX);
		for (unsigned i = 0; i < n && i < GW_ACL_MAX; i++) {
			const struct acl_cls *k = gw_acl_cls(gw, fams[f].fam, names[i]);
			unsigned entries = k ? acl_cls_size(k) : 0;
			for (uint32_t e = 0; k && e <= entries; e++) {
				const struct acl_rule *r = acl_cls_rule(k, e);
				char seq[16];
				snprintf(seq, sizeof(seq), "%u", r ? r->seq : 0);
				cli_printf(
				    o, "vxgw_acl_matches_total{family=\"%s\",acl=", fams[f].label);
				cli_prom_label(o, names[i]);
				cli_printf(o, ",seq=\"%s\",action=\"%s\"} %llu\n",
				           r ? seq : "implicit",
				           acl_cls_permits(k, e) ? "permit" : "deny",
				           (unsigned long long)acl_cls_hits(k, e));
			}
		}
	}
}

void cli_prom_render(struct gw *gw, struct cli_out *o)
{
	per_object(gw, o);
	vrf_routes(gw, o);
	acl_matches(gw, o);
	gateway(gw, o);
}
