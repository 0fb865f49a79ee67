/*
 * gw/trace_fmt.c - the field writer of the stages' trace formatters, at `show trace` time
 * only.
 *
 * Each stage's formatter lists its fields once; the same list comes out as text
 * ("vni 5000 bridge-domain 10") or as JSON members ("\"vni\":5000,\"bridge_domain\":10"),
 * so the two outputs cannot disagree.
 */
#include "gw/gw_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "common/json.h"
#include "common/net.h"

static void put(struct gw_trace_fmt *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct gw_trace_fmt *f, const char *fmt, ...)
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

static void key(struct gw_trace_fmt *f, const char *k)
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

void gw_trace_put_num(struct gw_trace_fmt *f, const char *k, unsigned long v)
{
	key(f, k);
	put(f, "%lu", v);
}

void gw_trace_put_str(struct gw_trace_fmt *f, const char *k, const char *v)
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

void gw_trace_put_ip(struct gw_trace_fmt *f, const char *k, uint32_t ip)
{
	char s[NET_IP_STRLEN];
	gw_trace_put_str(f, k, net_ip_fmt(ip, s));
}

void gw_trace_put_vtep(struct gw_trace_fmt *f, const char *k, uint32_t vtep)
{
	char s[VX_VTEP_STRLEN];
	gw_trace_put_str(f, k, vx_vtep_fmt(f->gw->vteps, vtep, s));
}

void gw_trace_put_ip6(struct gw_trace_fmt *f, const char *k, const struct in6_addr *ip)
{
	char s[NET_IP6_STRLEN];
	gw_trace_put_str(f, k, net_ip6_fmt(ip, s));
}

void gw_trace_put_mac(struct gw_trace_fmt *f, const char *k, const uint8_t *mac)
{
	char s[NET_MAC_STRLEN];
	gw_trace_put_str(f, k, net_mac_fmt(mac, s));
}

void gw_trace_put_if(struct gw_trace_fmt *f, const char *k, uint16_t ifx)
{
	struct gw_if_info info;
	if (ifx == 0)
		gw_trace_put_str(f, k, "underlay");
	else
		gw_trace_put_str(f, k, gw_if_get(f->gw, ifx, &info) ? info.name : "(deleted)");
}
