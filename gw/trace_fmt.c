/*
 * gw/trace_fmt.c - trace records into words, at `show trace` time only.
 *
 * Each stage lists its fields once (fmt_rec); the same list comes out as text
 * ("vni 5000 bridge-domain 10") or as JSON members ("\"vni\":5000,\"bridge_domain\":10"),
 * so the two outputs cannot disagree.
 */
#include "gw/gw_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "common/json.h"
#include "common/net.h"

struct fmt {
	struct gw *gw;
	char *buf;
	size_t len, used;
	bool json;
	unsigned n; /* fields so far */
};

static void put(struct fmt *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct fmt *f, const char *fmt, ...)
{
	if (f->used >= f->len)
		return;
	va_list ap;
	va_start(ap, fmt);
	int k = vsnprintf(f->buf + f->used, f->len - f->used, fmt, ap);
	va_end(ap);
	if (k > 0)
		f->used += (size_t)k < f->len - f->used ? (size_t)k : f->len - f->used - 1;
}

/* The field's key: as written in text, with '_' for '-' in JSON. */
static void key(struct fmt *f, const char *k)
{
	if (!f->json) {
		put(f, "%s%s ", f->n++ ? " " : "", k);
		return;
	}
	put(f, "%s\"", f->n++ ? "," : "");
	for (; *k; k++)
		put(f, "%c", *k == '-' ? '_' : *k);
	put(f, "\":");
}

static void f_num(struct fmt *f, const char *k, unsigned long v)
{
	key(f, k);
	put(f, "%lu", v);
}

/* A string value: names from the configuration and fixed words, escaped for JSON. */
static void f_str(struct fmt *f, const char *k, const char *v)
{
	key(f, k);
	if (!f->json) {
		put(f, "%s", v);
		return;
	}
	char b[8];
	put(f, "\"");
	for (; *v; v++)
		put(f, "%s", json_char((unsigned char)*v, b));
	put(f, "\"");
}

static void f_ip(struct fmt *f, const char *k, uint32_t ip)
{
	char s[NET_IP_STRLEN];
	f_str(f, k, net_ip_fmt(ip, s));
}

static void f_mac(struct fmt *f, const char *k, const uint8_t *mac)
{
	char s[NET_MAC_STRLEN];
	f_str(f, k, net_mac_fmt(mac, s));
}

static void f_if(struct fmt *f, const char *k, uint16_t ifx)
{
	struct gw_if_info info;
	if (ifx == 0)
		f_str(f, k, "underlay");
	else
		f_str(f, k, gw_if_get(f->gw, ifx, &info) ? info.name : "(deleted)");
}

/* The Linux netdev of uplink ifx: uplink-rx is before the 802.1Q demux, so the interface
 * that received the frame is not known yet (ifx is only one of the netdev's). */
static void f_netdev(struct fmt *f, uint16_t ifx)
{
	struct gw_if_info info;
	f_str(f, "netdev", gw_if_get(f->gw, ifx, &info) ? info.netdev : "(deleted)");
}

static void f_type(struct fmt *f, uint16_t type)
{
	char s[8];
	snprintf(s, sizeof(s), "0x%04x", type);
	f_str(f, "type", s);
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

static const char *arp_result(uint8_t code)
{
	static const char *const names[] = {
	    [GW_TR_ARP_HIT] = "hit", [GW_TR_ARP_MISS] = "miss", [GW_TR_ARP_RESOLVED] = "resolved"};
	return code < sizeof(names) / sizeof(names[0]) ? names[code] : "?";
}

static const char *local_what(uint8_t code)
{
	static const char *const names[] = {[GW_TR_LOCAL_ECHO_REPLY] = "echo-reply",
	                                    [GW_TR_LOCAL_ARP_REPLY] = "arp-reply",
	                                    [GW_TR_LOCAL_ARP_LEARNED] = "arp-learned",
	                                    [GW_TR_LOCAL_ICMP_ERROR] = "icmp-error",
	                                    [GW_TR_LOCAL_ICMP_QUIET] = "icmp-error-suppressed"};
	return code < sizeof(names) / sizeof(names[0]) ? names[code] : "?";
}

static void fmt_fib(struct fmt *f, const struct gw_trace_rec *r)
{
	char pfx[NET_IP_STRLEN + 4], ip[NET_IP_STRLEN];
	/* tenants may share prefixes: say whose table it was (the default one goes unsaid) */
	if (r->u.fib.vrfx != GW_VRF_DEFAULT) {
		const char *vrf = gw_vrf_name(f->gw, r->u.fib.vrfx);
		f_str(f, "vrf", vrf ? vrf : "(deleted)");
	}
	f_ip(f, "dst", r->u.fib.dst);
	if (r->code == 0) {
		f_str(f, "result", "no-route");
		return;
	}
	snprintf(pfx, sizeof(pfx), "%s/%u", net_ip_fmt(r->u.fib.pfx, ip), r->u.fib.plen);
	f_str(f, "prefix", pfx);
	f_str(f, "path", path_name(r->code));
	if (r->code == FIB_PATH_GATEWAY)
		f_ip(f, "via", r->u.fib.nh);
	if (r->code != FIB_PATH_DROP)
		f_if(f, "interface", r->ifx);
}

static void fmt_arp(struct fmt *f, const struct gw_trace_rec *r)
{
	f_ip(f, "next-hop", r->u.arp.ip);
	f_if(f, "interface", r->ifx);
	f_str(f, "result", arp_result(r->code));
	if (r->code == GW_TR_ARP_HIT || r->code == GW_TR_ARP_RESOLVED)
		f_mac(f, "mac", r->u.arp.mac);
	if (r->u.arp.state)
		f_str(f, "state", arp_state_name(r->u.arp.state));
}

static void fmt_local(struct fmt *f, const struct gw_trace_rec *r)
{
	f_str(f, "action", local_what(r->code));
	if (r->code == GW_TR_LOCAL_ARP_REPLY || r->code == GW_TR_LOCAL_ARP_LEARNED)
		return;
	f_ip(f, "src", r->u.local.src);
	f_ip(f, "dst", r->u.local.dst);
	if (r->code != GW_TR_LOCAL_ECHO_REPLY) {
		f_num(f, "icmp-type", r->u.local.type);
		f_num(f, "icmp-code", r->u.local.code);
	}
}

static void fmt_rec(struct fmt *f, const struct gw_trace_rec *r)
{
	char pn[8];
	switch (r->stage) {
	case GW_TR_UNDERLAY_RX:
		f_ip(f, "src", r->u.rx.src);
		f_num(f, "sport", r->u.rx.sport);
		f_ip(f, "dst", r->u.rx.dst);
		f_num(f, "vni", r->u.rx.vni);
		f_num(f, "len", r->u.rx.len);
		break;
	case GW_TR_VXLAN_DECAP:
		f_num(f, "vni", r->u.decap.vni);
		f_num(f, "bridge-domain", r->u.decap.bd_id);
		break;
	case GW_TR_MAC_LEARN:
		f_mac(f, "mac", r->u.learn.mac);
		f_num(f, "bridge-domain", r->u.learn.bd_id);
		f_ip(f, "vtep", r->u.learn.vtep);
		f_str(f, "result", learn_result(r->code));
		break;
	case GW_TR_UPLINK_RX:
	case GW_TR_L2_INPUT:
	case GW_TR_IP4_REWRITE:
		if (r->stage == GW_TR_UPLINK_RX)
			f_netdev(f, r->ifx);
		else
			f_if(f, "interface", r->ifx);
		f_mac(f, "src", r->u.eth.src);
		f_mac(f, "dst", r->u.eth.dst);
		f_type(f, r->u.eth.type);
		if (r->stage == GW_TR_IP4_REWRITE && r->u.eth.type == NET_ETHERTYPE_IP)
			f_num(f, "ttl", r->u.eth.ttl);
		break;
	case GW_TR_ARP_INPUT:
		f_if(f, "interface", r->ifx);
		f_str(f, "op", r->code == ARP_OP_REQUEST ? "request" : "reply");
		f_ip(f, "sender", r->u.arp.ip);
		f_mac(f, "sender-mac", r->u.arp.mac);
		break;
	case GW_TR_IP4_INPUT:
		f_if(f, "interface", r->ifx);
		f_ip(f, "src", r->u.ip4.src);
		f_ip(f, "dst", r->u.ip4.dst);
		f_str(f, "proto", proto_name(r->u.ip4.proto, pn));
		f_num(f, "ttl", r->u.ip4.ttl);
		f_num(f, "len", r->u.ip4.len);
		break;
	case GW_TR_IP4_LOOKUP:
		fmt_fib(f, r);
		break;
	case GW_TR_IP4_ARP:
		fmt_arp(f, r);
		break;
	case GW_TR_IP4_FRAGMENT:
		f_num(f, "offset", r->u.frag.off);
		f_num(f, "len", r->u.frag.len);
		f_str(f, "more", r->code ? "yes" : "no");
		break;
	case GW_TR_IP4_SEGMENT:
		f_num(f, "len", r->u.seg.len);
		f_num(f, "mss", r->u.seg.mss);
		break;
	case GW_TR_IP4_LOCAL:
		fmt_local(f, r);
		break;
	case GW_TR_BD_MAC_LOOKUP:
		f_mac(f, "dst", r->u.bdmac.mac);
		f_num(f, "bridge-domain", r->u.bdmac.bd_id);
		if (r->u.bdmac.vtep)
			f_ip(f, "vtep", r->u.bdmac.vtep);
		else
			f_str(f, "result", "unknown-flood");
		break;
	case GW_TR_VXLAN_ENCAP:
		f_ip(f, "vtep", r->u.encap.vtep);
		f_num(f, "vni", r->u.encap.vni);
		f_num(f, "sport", r->u.encap.sport);
		f_num(f, "len", r->u.encap.len);
		break;
	case GW_TR_TX:
		f_if(f, "interface", r->ifx);
		f_num(f, "len", r->u.tx.len);
		break;
	case GW_TR_DROP:
		f_str(f, "reason", gw_drop_name(r->u.drop.reason));
		break;
	default:
		break;
	}
}

static const char *format(struct gw *gw, const struct gw_trace_rec *r, char *buf, size_t len,
                          bool json)
{
	struct fmt f = {.gw = gw, .buf = buf, .len = len, .json = json};
	if (len)
		buf[0] = '\0';
	fmt_rec(&f, r);
	return buf;
}

const char *gw_trace_format(struct gw *gw, const struct gw_trace_rec *r, char *buf, size_t len)
{
	return format(gw, r, buf, len, false);
}

const char *gw_trace_format_json(struct gw *gw, const struct gw_trace_rec *r, char *buf, size_t len)
{
	return format(gw, r, buf, len, true);
}
