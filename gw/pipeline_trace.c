/*
 * gw/pipeline_trace.c - the trace records of the stages gw/pipeline.c runs, from arrival
 * (underlay-rx, uplink-rx) through decap, L2 and IPv4 to encap and tx: the hook that
 * fills each one on the packet path and the formatter that prints it at `show trace`.
 * Kept beside the pipeline rather than in it, so that the forwarding code reads alone.
 */
#include "gw/pipeline_trace.h"

#include <stdio.h>
#include <string.h>

#include "common/net.h"
#include "gw/gw_int.h"
#include "vxlan/vxlan.h"

GW_TRACE_PAYLOAD_FITS(struct gw_tr_rx);
GW_TRACE_PAYLOAD_FITS(struct gw_tr_decap);
GW_TRACE_PAYLOAD_FITS(struct gw_tr_learn);
GW_TRACE_PAYLOAD_FITS(struct gw_tr_eth);
GW_TRACE_PAYLOAD_FITS(struct gw_tr_ip4);
GW_TRACE_PAYLOAD_FITS(struct gw_tr_fib);
GW_TRACE_PAYLOAD_FITS(struct gw_tr_arp);
GW_TRACE_PAYLOAD_FITS(struct gw_tr_bdmac);
GW_TRACE_PAYLOAD_FITS(struct gw_tr_encap);
GW_TRACE_PAYLOAD_FITS(struct gw_tr_tx);

static uint16_t len16(uint32_t len)
{
	return (uint16_t)(len > UINT16_MAX ? UINT16_MAX : len);
}

/* ---------------------------------------------------------------- arrival */

static void rec_eth(struct gw_trace_rec *r, const struct gw_pkt *p)
{
	if (p->len < NET_ETH_HLEN)
		return;
	const struct net_eth *eth = (const struct net_eth *)p->data;
	struct gw_tr_eth *d = gw_trace_data(r);
	memcpy(d->dst, eth->dst, 6);
	memcpy(d->src, eth->src, 6);
	d->type = ntohs(eth->type);
}

/* VXLAN header at p->data: the VNI, or 0 when too short to tell. */
static uint32_t vxlan_vni_peek(const struct gw_pkt *p)
{
	if (p->len < VX_HDR_LEN)
		return 0;
	return (uint32_t)p->data[4] << 16 | (uint32_t)p->data[5] << 8 | p->data[6];
}

void gw_trace_rx(struct gw *gw, const struct gw_pkt *p, uint16_t ifx)
{
	struct gw_trace_rec *r =
	    gw_trace_rec_new(gw, p, ifx ? GW_TR_UPLINK_RX : GW_TR_UNDERLAY_RX, ifx);
	if (!r)
		return;
	if (ifx) {
		rec_eth(r, p);
		return;
	}
	struct gw_tr_rx *d = gw_trace_data(r);
	d->src = p->outer_src;
	d->dst = p->outer_dst;
	d->sport = p->outer_sport;
	d->len = len16(p->len);
	d->vni = vxlan_vni_peek(p);
}

void gw_tr_fmt_underlay_rx(struct gw_trace_fmt *f, const struct gw_trace_rec *r)
{
	const struct gw_tr_rx *d = gw_trace_cdata(r);
	gw_trace_put_vtep(f, "src", d->src);
	gw_trace_put_num(f, "sport", d->sport);
	gw_trace_put_vtep(f, "dst", d->dst);
	gw_trace_put_num(f, "vni", d->vni);
	gw_trace_put_num(f, "len", d->len);
}

/* The Ethernet header's fields, after the interface (or netdev) put by the caller. */
static void fmt_eth(struct gw_trace_fmt *f, const struct gw_tr_eth *d)
{
	char type[8];
	gw_trace_put_mac(f, "src", d->src);
	gw_trace_put_mac(f, "dst", d->dst);
	snprintf(type, sizeof(type), "0x%04x", d->type);
	gw_trace_put_str(f, "type", type);
}

/* uplink-rx is before the 802.1Q demux: the interface that received the frame is not
 * known yet (ifx is only one of the netdev's), so the record names the Linux netdev. */
void gw_tr_fmt_uplink_rx(struct gw_trace_fmt *f, const struct gw_trace_rec *r)
{
	struct gw_if_info info;
	gw_trace_put_str(f, "netdev", gw_if_get(f->gw, r->ifx, &info) ? info.netdev : "(deleted)");
	fmt_eth(f, gw_trace_cdata(r));
}

/* ---------------------------------------------------------------- decap and L2 */

void gw_trace_decap(struct gw *gw, const struct gw_pkt *p, uint32_t vni)
{
	struct gw_trace_rec *r = gw_trace_rec_new(gw, p, GW_TR_VXLAN_DECAP, 0);
	if (!r)
		return;
	struct gw_tr_decap *d = gw_trace_data(r);
	d->vni = vni;
	d->bd_id = bd_id(gw->bd, p->bdx);
}

void gw_tr_fmt_decap(struct gw_trace_fmt *f, const struct gw_trace_rec *r)
{
	const struct gw_tr_decap *d = gw_trace_cdata(r);
	gw_trace_put_num(f, "vni", d->vni);
	gw_trace_put_num(f, "bridge-domain", d->bd_id);
}

void gw_trace_learn(struct gw *gw, const struct gw_pkt *p, const uint8_t *mac, uint32_t dest,
                    int result)
{
	struct gw_trace_rec *r = gw_trace_rec_new(gw, p, GW_TR_L2_LEARN, 0);
	if (!r)
		return;
	struct gw_tr_learn *d = gw_trace_data(r);
	r->code = (uint8_t)result;
	memcpy(d->mac, mac, 6);
	d->dest = dest;
	d->bd_id = bd_id(gw->bd, p->bdx);
}

/* A MAC's destination: the port's name or the VTEP's address. */
static void put_dest(struct gw_trace_fmt *f, uint32_t dest)
{
	if (bd_dest_is_port(dest))
		gw_trace_put_if(f, "port", (uint16_t)dest);
	else
		gw_trace_put_vtep(f, "vtep", dest);
}

static const char *learn_result(uint8_t code)
{
	static const char *const names[] = {
	    [BD_MAC_NEW] = "learned",         [BD_MAC_REFRESHED] = "refreshed",
	    [BD_MAC_MOVED] = "moved",         [BD_MAC_STATIC] = "static",
	    [BD_MAC_LIMIT] = "limit-reached", [BD_MAC_FULL] = "table-full",
	    [BD_MAC_INVALID] = "invalid"};
	if (code == GW_TR_LEARN_MEMO)
		return "known";
	return code < sizeof(names) / sizeof(names[0]) && names[code] ? names[code] : "?";
}

void gw_tr_fmt_learn(struct gw_trace_fmt *f, const struct gw_trace_rec *r)
{
	const struct gw_tr_learn *d = gw_trace_cdata(r);
	gw_trace_put_mac(f, "mac", d->mac);
	gw_trace_put_num(f, "bridge-domain", d->bd_id);
	put_dest(f, d->dest);
	gw_trace_put_str(f, "result", learn_result(r->code));
}

void gw_trace_l2(struct gw *gw, const struct gw_pkt *p, uint16_t ifx)
{
	struct gw_trace_rec *r = gw_trace_rec_new(gw, p, GW_TR_L2_INPUT, ifx);
	if (r)
		rec_eth(r, p);
}

void gw_tr_fmt_l2_input(struct gw_trace_fmt *f, const struct gw_trace_rec *r)
{
	gw_trace_put_if(f, "interface", r->ifx);
	fmt_eth(f, gw_trace_cdata(r));
}

/* ---------------------------------------------------------------- IPv4 */

void gw_trace_ip4(struct gw *gw, const struct gw_pkt *p)
{
	struct gw_trace_rec *r = gw_trace_rec_new(gw, p, GW_TR_IP4_INPUT, p->rx_ifx);
	if (!r || p->len < NET_IP_HLEN)
		return;
	const struct net_ip *ip = (const struct net_ip *)p->data;
	struct gw_tr_ip4 *d = gw_trace_data(r);
	d->src = ntohl(ip->src);
	d->dst = ntohl(ip->dst);
	d->len = ntohs(ip->len);
	d->ttl = ip->ttl;
	d->proto = ip->proto;
}

static const char *proto_name(uint8_t proto, char buf[8])
{
	switch (proto) {
	case 1:
		return "icmp";
	case 6:
		return "tcp";
	case 17:
		return "udp";
	default:
		snprintf(buf, 8, "%u", proto);
		return buf;
	}
}

void gw_tr_fmt_ip4_input(struct gw_trace_fmt *f, const struct gw_trace_rec *r)
{
	const struct gw_tr_ip4 *d = gw_trace_cdata(r);
	char pn[8];
	gw_trace_put_if(f, "interface", r->ifx);
	gw_trace_put_ip(f, "src", d->src);
	gw_trace_put_ip(f, "dst", d->dst);
	gw_trace_put_str(f, "proto", proto_name(d->proto, pn));
	gw_trace_put_num(f, "ttl", d->ttl);
	gw_trace_put_num(f, "len", d->len);
}

void gw_trace_fib(struct gw *gw, const struct gw_pkt *p, const struct fib *fib, uint32_t res)
{
	if (p->len < NET_IP_HLEN)
		return;
	uint32_t dst = ntohl(((const struct net_ip *)p->data)->dst);
	const struct fib_path *path = NULL;
	if (res != FIB_LOOKUP_MISS)
		path = fib_path_select(fib, res, p->flow_hash); /* the one the pipeline takes */
	struct gw_trace_rec *r = gw_trace_rec_new(gw, p, GW_TR_IP4_LOOKUP, path ? path->ifx : 0);
	if (!r)
		return;
	struct gw_tr_fib *d = gw_trace_data(r);
	d->dst = dst;
	d->vrfx = p->vrfx;
	if (!path)
		return;
	/* the prefix is not in the lookup result: ask the table, only for traced packets */
	struct fib_route_info ri;
	if (fib_route_match(fib, dst, &ri)) {
		d->pfx = ri.pfx;
		d->plen = ri.len;
	}
	r->code = path->type;
	d->nh = path->nh;
}

static const char *path_name(uint8_t code)
{
	switch (code) {
	case FIB_PATH_DROP:
		return "null0";
	case FIB_PATH_LOCAL:
		return "local";
	case FIB_PATH_ATTACHED:
		return "connected";
	case FIB_PATH_GATEWAY:
		return "gateway";
	default:
		return "miss";
	}
}

void gw_tr_fmt_ip4_lookup(struct gw_trace_fmt *f, const struct gw_trace_rec *r)
{
	const struct gw_tr_fib *d = gw_trace_cdata(r);
	char pfx[NET_IP_STRLEN + 4], ip[NET_IP_STRLEN];
	/* tenants may share prefixes: say whose table it was (the default one goes unsaid) */
	if (d->vrfx != GW_VRF_DEFAULT) {
		const char *vrf = gw_vrf_name(f->gw, d->vrfx);
		gw_trace_put_str(f, "vrf", vrf ? vrf : "(deleted)");
	}
	gw_trace_put_ip(f, "dst", d->dst);
	if (r->code == 0) {
		gw_trace_put_str(f, "result", "no-route");
		return;
	}
	snprintf(pfx, sizeof(pfx), "%s/%u", net_ip_fmt(d->pfx, ip), d->plen);
	gw_trace_put_str(f, "prefix", pfx);
	gw_trace_put_str(f, "path", path_name(r->code));
	if (r->code == FIB_PATH_GATEWAY)
		gw_trace_put_ip(f, "via", d->nh);
	if (r->code != FIB_PATH_DROP)
		gw_trace_put_if(f, "interface", r->ifx);
}

void gw_trace_arp(struct gw *gw, const struct gw_pkt *p, uint16_t ifx, uint32_t nh,
                  const uint8_t *mac, enum gw_trace_arp_code code)
{
	struct gw_trace_rec *r = gw_trace_rec_new(gw, p, GW_TR_IP4_ARP, ifx);
	if (!r)
		return;
	struct gw_tr_arp *d = gw_trace_data(r);
	r->code = (uint8_t)code;
	d->ip = nh;
	if (mac)
		memcpy(d->mac, mac, 6);
	struct arp_entry_info ai;
	if (arp_get(gw->arp, ifx, nh, gw->now_ms, &ai))
		d->state = ai.state;
}

static const char *arp_result(uint8_t code)
{
	static const char *const names[] = {
	    [GW_TR_ARP_HIT] = "hit", [GW_TR_ARP_MISS] = "miss", [GW_TR_ARP_RESOLVED] = "resolved"};
	return code < sizeof(names) / sizeof(names[0]) ? names[code] : "?";
}

void gw_tr_fmt_ip4_arp(struct gw_trace_fmt *f, const struct gw_trace_rec *r)
{
	const struct gw_tr_arp *d = gw_trace_cdata(r);
	gw_trace_put_ip(f, "next-hop", d->ip);
	gw_trace_put_if(f, "interface", r->ifx);
	gw_trace_put_str(f, "result", arp_result(r->code));
	if (r->code == GW_TR_ARP_HIT || r->code == GW_TR_ARP_RESOLVED)
		gw_trace_put_mac(f, "mac", d->mac);
	if (d->state)
		gw_trace_put_str(f, "state", arp_state_name(d->state));
}

void gw_trace_rewrite(struct gw *gw, const struct gw_pkt *p, uint16_t ifx)
{
	struct gw_trace_rec *r = gw_trace_rec_new(gw, p, GW_TR_IP4_REWRITE, ifx);
	if (!r)
		return;
	rec_eth(r, p);
	struct gw_tr_eth *d = gw_trace_data(r);
	if (d->type == NET_ETHERTYPE_IP && p->len >= NET_ETH_HLEN + NET_IP_HLEN)
		d->ttl = ((const struct net_ip *)(p->data + NET_ETH_HLEN))->ttl;
}

void gw_tr_fmt_ip4_rewrite(struct gw_trace_fmt *f, const struct gw_trace_rec *r)
{
	const struct gw_tr_eth *d = gw_trace_cdata(r);
	gw_trace_put_if(f, "interface", r->ifx);
	fmt_eth(f, d);
	if (d->type == NET_ETHERTYPE_IP)
		gw_trace_put_num(f, "ttl", d->ttl);
}

/* ---------------------------------------------------------------- encap and tx */

void gw_trace_bd_mac(struct gw *gw, const struct gw_pkt *p, uint32_t vtep)
{
	struct gw_trace_rec *r = gw_trace_rec_new(gw, p, GW_TR_BD_MAC_LOOKUP, p->tx_ifx);
	if (!r)
		return;
	struct gw_tr_bdmac *d = gw_trace_data(r);
	if (p->len >= 6)
		memcpy(d->mac, p->data, 6);
	d->bd_id = bd_id(gw->bd, p->bdx);
	d->vtep = vtep;
}

void gw_tr_fmt_bd_mac_lookup(struct gw_trace_fmt *f, const struct gw_trace_rec *r)
{
	const struct gw_tr_bdmac *d = gw_trace_cdata(r);
	gw_trace_put_mac(f, "dst", d->mac);
	gw_trace_put_num(f, "bridge-domain", d->bd_id);
	if (d->vtep)
		put_dest(f, d->vtep);
	else
		gw_trace_put_str(f, "result", "unknown-flood");
}

void gw_trace_l2_flood(struct gw *gw, const struct gw_pkt *p, uint32_t bdx, uint32_t ports,
                       uint32_t vteps)
{
	struct gw_trace_rec *r = gw_trace_rec_new(gw, p, GW_TR_L2_FLOOD, 0);
	if (!r)
		return;
	struct gw_tr_flood *d = gw_trace_data(r);
	d->bd_id = bd_id(gw->bd, bdx);
	d->ports = ports;
	d->vteps = vteps;
}

void gw_tr_fmt_l2_flood(struct gw_trace_fmt *f, const struct gw_trace_rec *r)
{
	const struct gw_tr_flood *d = gw_trace_cdata(r);
	gw_trace_put_num(f, "bridge-domain", d->bd_id);
	gw_trace_put_num(f, "ports", d->ports);
	gw_trace_put_num(f, "vteps", d->vteps);
}

void gw_trace_l2_output(struct gw *gw, const struct gw_pkt *p, uint16_t ifx)
{
	struct gw_trace_rec *r = gw_trace_rec_new(gw, p, GW_TR_L2_OUTPUT, ifx);
	if (!r)
		return;
	struct gw_tr_l2out *d = gw_trace_data(r);
	d->vlan = gw->ifs[ifx].vlan;
	d->len = p->len;
}

void gw_tr_fmt_l2_output(struct gw_trace_fmt *f, const struct gw_trace_rec *r)
{
	const struct gw_tr_l2out *d = gw_trace_cdata(r);
	gw_trace_put_if(f, "port", r->ifx);
	if (d->vlan)
		gw_trace_put_num(f, "vlan", d->vlan);
	gw_trace_put_num(f, "len", d->len);
}

void gw_trace_encap(struct gw *gw, const struct gw_pkt *p, uint32_t vtep, uint32_t vni)
{
	struct gw_trace_rec *r = gw_trace_rec_new(gw, p, GW_TR_VXLAN_ENCAP, 0);
	if (!r)
		return;
	struct gw_tr_encap *d = gw_trace_data(r);
	d->vtep = vtep;
	d->vni = vni;
	d->sport = vx_sport(p->flow_hash);
	d->len = len16(p->len);
}

void gw_tr_fmt_encap(struct gw_trace_fmt *f, const struct gw_trace_rec *r)
{
	const struct gw_tr_encap *d = gw_trace_cdata(r);
	gw_trace_put_vtep(f, "vtep", d->vtep);
	gw_trace_put_num(f, "vni", d->vni);
	gw_trace_put_num(f, "sport", d->sport);
	gw_trace_put_num(f, "len", d->len);
}

void gw_trace_tx(struct gw *gw, const struct gw_pkt *p, uint16_t ifx)
{
	struct gw_trace_rec *r = gw_trace_rec_new(gw, p, GW_TR_TX, ifx);
	if (r)
		((struct gw_tr_tx *)gw_trace_data(r))->len = p->len;
}

void gw_tr_fmt_tx(struct gw_trace_fmt *f, const struct gw_trace_rec *r)
{
	gw_trace_put_if(f, "interface", r->ifx);
	gw_trace_put_num(f, "len", ((const struct gw_tr_tx *)gw_trace_cdata(r))->len);
}
