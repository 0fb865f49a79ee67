/* gw/debug.c - see debug.h. */
#include "gw/gw_int.h"

#include <stdarg.h>
#include <stdio.h>

#include "common/net.h"
#include "gw/log.h"

void gw_debug_set(struct gw *gw, uint32_t flags, bool on)
{
	if (on)
		gw->debug.flags |= flags & GW_DEBUG_ALL;
	else
		gw->debug.flags &= ~flags;
}

uint32_t gw_debug_flags(const struct gw *gw)
{
	return gw->debug.flags;
}

uint64_t gw_debug_suppressed(const struct gw *gw)
{
	return gw->debug.total_dropped;
}

const char *gw_debug_name(enum gw_debug_flag f)
{
	switch (f) {
	case GW_DEBUG_ARP:
		return "arp";
	case GW_DEBUG_VXLAN:
		return "vxlan";
	case GW_DEBUG_IP:
		return "ip packet";
	default:
		return "?";
	}
}

/* True when one more line fits in this second's allowance. */
static bool debug_allow(struct gw_debug_state *d, uint64_t now_ms)
{
	if (now_ms - d->window_ms >= 1000) {
		d->window_ms = now_ms;
		d->in_window = 0;
	}
	if (d->in_window >= GW_DEBUG_RATE) {
		d->suppressed++;
		d->total_dropped++;
		return false;
	}
	d->in_window++;
	return true;
}

void gw_debug_log(struct gw *gw, const char *fmt, ...)
{
	struct gw_debug_state *d = &gw->debug;
	if (!debug_allow(d, gw->now_ms))
		return;
	if (d->suppressed) {
		gw_log(LOG_DEBUG, "debug: %llu lines suppressed (rate limit)",
		       (unsigned long long)d->suppressed);
		d->suppressed = 0;
	}
	char line[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	gw_log(LOG_DEBUG, "%s", line);
}

/*
 * The debug area a drop reason belongs to, 0 for none. Every reason is listed (no
 * default): a reason added to gw/drop.h without an area here fails the build (-Wswitch).
 */
static uint32_t drop_area(enum gw_drop why)
{
	switch (why) {
	case GW_DROP_NO_BUFFER:
	case GW_DROP_RX_OVERFLOW:
	case GW_DROP_RX_OVERSIZE:
	case GW_DROP_OUTER_BAD:
	case GW_DROP_FRAME_SHORT:
	case GW_DROP_ETHERTYPE:
	case GW_DROP_ARP_RATE:
	case GW_DROP_ND_RATE:
	case GW_DROP_IF_DOWN:
	case GW_DROP_ICMP_ERR_SUPPRESSED:
	case GW_DROP_TX_FAILED:
	case GW_DROP_PUNT_FULL:
	case GW_DROP_MAX:
		return 0;
	case GW_DROP_OUTER_DST:
	case GW_DROP_VXLAN_SHORT:
	case GW_DROP_VXLAN_NO_I:
	case GW_DROP_VXLAN_FLAGS:
	case GW_DROP_VXLAN_RESERVED:
	case GW_DROP_NO_SUCH_VNI:
	case GW_DROP_NO_SUCH_PEER:
	case GW_DROP_ECN_CE_NOT_ECT:
	case GW_DROP_NO_VTEP_SOURCE:
	case GW_DROP_VLAN_TAGGED:
	case GW_DROP_VLAN_UNKNOWN:
	case GW_DROP_BAD_SRC_MAC:
	case GW_DROP_ANYCAST_PEER:
	case GW_DROP_MAC_STATIC_CONFLICT:
	case GW_DROP_L2_NO_BD:
	case GW_DROP_L2_OWN_MAC:
	case GW_DROP_L2_SAME_PORT:
	case GW_DROP_L2_MTU:
	case GW_DROP_BUM_IGNORED:
	case GW_DROP_NOT_FOR_US:
	case GW_DROP_NO_BDIF:
	case GW_DROP_NO_FLOOD:
		return GW_DEBUG_VXLAN;
	case GW_DROP_ARP_MALFORMED:
	case GW_DROP_ANYCAST_QUIET: /* an ARP request, NS or RS: the neighbour areas' business */
	case GW_DROP_ARP_NOT_FOR_US:
	case GW_DROP_ARP_OFFLINK:
	case GW_DROP_ARP_SPOOF:
	case GW_DROP_ARP_UNRESOLVED:
	case GW_DROP_ARP_QUEUE_FULL:
	case GW_DROP_ARP_TABLE_FULL:
	case GW_DROP_ARP_FLUSHED:
	/* neighbour discovery is IPv6's ARP: `debug arp` shows both */
	case GW_DROP_ND_MALFORMED:
	case GW_DROP_ND_NOT_FOR_US:
	case GW_DROP_ND_SPOOF:
	case GW_DROP_ND_UNRESOLVED:
	case GW_DROP_ND_QUEUE_FULL:
	case GW_DROP_ND_TABLE_FULL:
	case GW_DROP_ND_FLUSHED:
		return GW_DEBUG_ARP;
	case GW_DROP_IP_SHORT:
	case GW_DROP_IP_VERSION:
	case GW_DROP_IP_IHL:
	case GW_DROP_IP_CSUM:
	case GW_DROP_IP_LEN:
	case GW_DROP_IP_MARTIAN_SRC:
	case GW_DROP_IP_BCAST:
	case GW_DROP_IP_FRAG_LOCAL:
	case GW_DROP_LOCAL_PROTO:
	case GW_DROP_ICMP_BAD:
	case GW_DROP_NO_ROUTE:
	case GW_DROP_NULL_ROUTE:
	case GW_DROP_ACL_DENY:
	case GW_DROP_TTL_EXPIRED:
	case GW_DROP_MTU_DF:
	case GW_DROP_FRAG_FAILED:
	case GW_DROP_GSO_UNSUPPORTED:
	case GW_DROP_IP6_SHORT:
	case GW_DROP_IP6_VERSION:
	case GW_DROP_IP6_LEN:
	case GW_DROP_IP6_MARTIAN_SRC:
	case GW_DROP_IP6_SCOPE:
	case GW_DROP_IP6_EXT:
	case GW_DROP_IP6_MCAST_IGNORED:
	case GW_DROP_HLIM_EXPIRED:
	case GW_DROP_IP6_TOO_BIG:
	case GW_DROP_ICMP6_BAD:
		return GW_DEBUG_IP;
	}
	return 0;
}

/* Reasons given to packets whose data is at their IPv4 header. */
static bool drop_at_ip(enum gw_drop why)
{
	switch (why) {
	case GW_DROP_IP_SHORT:
	case GW_DROP_IP_VERSION:
	case GW_DROP_IP_IHL:
	case GW_DROP_IP_CSUM:
	case GW_DROP_IP_LEN:
		return false; /* the header itself is what is wrong */
	default:
		return drop_area(why) == GW_DEBUG_IP || why == GW_DROP_ARP_UNRESOLVED ||
		       why == GW_DROP_ARP_QUEUE_FULL || why == GW_DROP_ARP_TABLE_FULL ||
		       why == GW_DROP_ARP_FLUSHED;
	}
}

void gw_debug_drop(struct gw *gw, const struct gw_pkt *p, enum gw_drop why)
{
	uint32_t area = drop_area(why);
	if (!(gw->debug.flags & area))
		return;
	char a[NET_IP_STRLEN], b[NET_IP_STRLEN];
	const char *name = area == GW_DEBUG_IP ? "ip" : gw_debug_name(area);
	if (drop_at_ip(why) && p->len >= NET_IP_HLEN) {
		const struct net_ip *ip = (const struct net_ip *)p->data;
		/* tenants may share addresses: name the VRF (the default one goes unsaid) */
		const char *vrf = p->vrfx ? gw_vrf_name(gw, p->vrfx) : NULL;
		gw_debug_log(gw, "%s: drop %s: %s%s%s%s -> %s proto %u", name, gw_drop_name(why),
		             vrf ? "vrf " : "", vrf ? vrf : "", vrf ? " " : "",
		             net_ip_fmt(ntohl(ip->src), a), net_ip_fmt(ntohl(ip->dst), b),
		             ip->proto);
	} else if (area == GW_DEBUG_VXLAN && p->outer_src) {
		char v[VX_VTEP_STRLEN];
		gw_debug_log(gw, "%s: drop %s: from VTEP %s", name, gw_drop_name(why),
		             vx_vtep_fmt(gw->vteps, p->outer_src, v));
	} else {
		gw_debug_log(gw, "%s: drop %s", name, gw_drop_name(why));
	}
}

void gw_debug_learn(struct gw *gw, const struct gw_pkt *p, const uint8_t *mac, uint32_t dest, int r)
{
	char m[NET_MAC_STRLEN], v[VX_VTEP_STRLEN];
	if (r != BD_MAC_NEW && r != BD_MAC_MOVED)
		return;
	const char *where = bd_dest_is_port(dest) ? "on port" : "behind VTEP";
	const char *name =
	    bd_dest_is_port(dest) ? gw->ifs[dest].name : vx_vtep_fmt(gw->vteps, dest, v);
	gw_debug_log(gw, "vxlan: bridge-domain %u: %s %s %s %s", bd_id(gw->bd, p->bdx),
	             r == BD_MAC_NEW ? "learned" : "moved", net_mac_fmt(mac, m), where, name);
}
