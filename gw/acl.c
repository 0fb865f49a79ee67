/*
 * gw/acl.c - access lists in the gateway: the named lists and where they are applied
 * (struct gw_acl, gw_if.acl), and the pipeline's check of a routed packet.
 *
 * A list's entries are compiled into a classifier (acl/acl.h) when they change; the new
 * one replaces the old in one store, so a packet sees the whole old list or the whole new
 * one. The workers read the classifiers through the forwarding snapshot, which holds its
 * own references: an old classifier lives until the last snapshot using it is freed, and
 * then folds its counts into the list's acl_counts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gw/acl_inl.h"
#include "gw/gw_int.h"
#include "gw/log.h"
#include "gw/pipeline_trace.h"

/* `log` entries: at most this many lines a second (a burst of twice that) */
#define GW_ACL_LOG_RATE 10

static bool fam_ok(int fam)
{
	return fam == ACL_IP4 || fam == ACL_IP6;
}

static uint16_t acl_find(const struct gw *gw, int fam, const char *name)
{
	if (!gw->acls || !name)
		return 0;
	for (uint16_t i = 1; i <= GW_ACL_MAX; i++)
		if (gw->acls[i].fam == fam && !strcmp(gw->acls[i].name, name))
			return i;
	return 0;
}

static uint16_t acl_slot_new(struct gw *gw)
{
	if (!gw->acls) {
		gw->acls = calloc(GW_ACL_MAX + 1, sizeof(*gw->acls));
		if (!gw->acls)
			return 0;
		gw_bucket_init(&gw->acl_log, GW_ACL_LOG_RATE, 2 * GW_ACL_LOG_RATE);
	}
	for (uint16_t i = 1; i <= GW_ACL_MAX; i++)
		if (!gw->acls[i].name[0])
			return i;
	return 0;
}

static void acl_slot_free(struct gw_acl *a)
{
	if (a->cls)
		acl_cls_unref(a->cls);
	if (a->counts)
		acl_counts_unref(a->counts);
	free(a->rules);
	free(a->ids);
	memset(a, 0, sizeof(*a));
}

/* The new version of list a: built aside, then swapped in; a unchanged on failure. */
static int acl_replace(struct gw *gw, struct gw_acl *a, const struct acl_rule *r, unsigned n)
{
	struct acl_rule *rules = malloc((n ? n : 1) * sizeof(*rules));
	uint64_t *ids = malloc((n ? n : 1) * sizeof(*ids));
	if (!rules || !ids)
		goto nomem;
	if (n)
		memcpy(rules, r, n * sizeof(*rules));
	uint64_t next = gw->acl_next_id;
	acl_ids_assign(a->rules, a->ids, a->n, rules, ids, n, &next);
	struct acl_cls *cls = acl_cls_build(a->fam, rules, ids, n, a->counts);
	if (!cls)
		goto nomem;
	gw->acl_next_id = next;
	if (a->cls)
		acl_cls_unref(a->cls);
	free(a->rules);
	free(a->ids);
	a->cls = cls;
	a->rules = rules;
	a->ids = ids;
	a->n = n;
	return GW_OK;
nomem:
	free(rules);
	free(ids);
	return GW_E_NOMEM;
}

/* Entries numbered, in strictly increasing order? */
static bool rules_in_order(const struct acl_rule *r, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (!r[i].seq || (i && r[i].seq <= r[i - 1].seq))
			return false;
	return true;
}

int gw_acl_set(struct gw *gw, int fam, const char *name, const struct acl_rule *r, unsigned n)
{
	if (!fam_ok(fam) || !name || !acl_name_ok(name) || n > ACL_ENTRIES_MAX || (n && !r) ||
	    !rules_in_order(r, n))
		return GW_E_INVAL;
	uint16_t x = acl_find(gw, fam, name);
	if (x)
		return acl_replace(gw, &gw->acls[x], r, n);
	x = acl_slot_new(gw);
	if (!x)
		return gw->acls ? GW_E_FULL : GW_E_NOMEM;
	struct gw_acl *a = &gw->acls[x];
	a->fam = (uint8_t)fam;
	a->counts = acl_counts_new();
	if (!a->counts || acl_replace(gw, a, r, n) != GW_OK) {
		acl_slot_free(a);
		return GW_E_NOMEM;
	}
	snprintf(a->name, sizeof(a->name), "%s", name);
	return GW_OK;
}

int gw_acl_del(struct gw *gw, int fam, const char *name)
{
	uint16_t x = acl_find(gw, fam, name);
	if (!x)
		return GW_E_NOENT;
	if (gw->acls[x].users)
		return GW_E_BUSY;
	acl_slot_free(&gw->acls[x]);
	return GW_OK;
}

static void if_acl_put(struct gw *gw, struct gw_if *gif, bool ip6, int dir)
{
	uint16_t x = gif->acl[ip6][dir];
	if (x)
		gw->acls[x].users--;
	gif->acl[ip6][dir] = 0;
}

int gw_if_set_acl(struct gw *gw, uint16_t ifx, int fam, int dir, const char *name)
{
	struct gw_if *gif = gw_if_ptr(gw, ifx);
	if (!gif || !fam_ok(fam) || (dir != ACL_IN && dir != ACL_OUT))
		return gif ? GW_E_INVAL : GW_E_NOENT;
	bool ip6 = fam == ACL_IP6;
	uint16_t x = 0;
	if (name) {
		x = acl_find(gw, fam, name);
		if (!x)
			return GW_E_NOENT;
		gw->acls[x].users++;
	}
	if_acl_put(gw, gif, ip6, dir);
	gif->acl[ip6][dir] = x;
	return GW_OK;
}

const char *gw_if_acl(const struct gw *gw, uint16_t ifx, int fam, int dir)
{
	if (!ifx || ifx > GW_IF_MAX || !gw->ifs[ifx].used || !fam_ok(fam) ||
	    (dir != ACL_IN && dir != ACL_OUT))
		return NULL;
	uint16_t x = gw->ifs[ifx].acl[fam == ACL_IP6][dir];
	return x ? gw->acls[x].name : NULL;
}

void gw_if_acl_release(struct gw *gw, uint16_t ifx)
{
	for (int v = 0; v < 2; v++)
		for (int d = 0; d < 2; d++)
			if_acl_put(gw, &gw->ifs[ifx], v, d);
}

const struct acl_cls *gw_acl_cls(const struct gw *gw, int fam, const char *name)
{
	uint16_t x = acl_find(gw, fam, name);
	return x ? gw->acls[x].cls : NULL;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

unsigned gw_acl_names(const struct gw *gw, int fam, const char **names, unsigned max)
{
	const char *all[GW_ACL_MAX];
	unsigned n = 0;
	for (uint16_t i = 1; gw->acls && i <= GW_ACL_MAX; i++)
		if (gw->acls[i].name[0] && gw->acls[i].fam == fam)
			all[n++] = gw->acls[i].name;
	qsort(all, n, sizeof(all[0]), name_cmp);
	for (unsigned i = 0; i < n && i < max; i++)
		names[i] = all[i];
	return n;
}

int gw_acl_clear(struct gw *gw, int fam, const char *name)
{
	if (name) {
		uint16_t x = acl_find(gw, fam, name);
		if (!x)
			return GW_E_NOENT;
		acl_cls_clear(gw->acls[x].cls);
		return GW_OK;
	}
	for (uint16_t i = 1; gw->acls && i <= GW_ACL_MAX; i++)
		if (gw->acls[i].name[0] && gw->acls[i].fam == fam)
			acl_cls_clear(gw->acls[i].cls);
	return GW_OK;
}

void gw_acl_fini(struct gw *gw)
{
	for (uint16_t i = 1; gw->acls && i <= GW_ACL_MAX; i++)
		if (gw->acls[i].name[0])
			acl_slot_free(&gw->acls[i]);
	free(gw->acls);
	gw->acls = NULL;
}

/* ---------------------------------------------------------------- the packet's check */

/* The protocol as the entries name it ("tcp"), or "proto N". */
static const char *proto_name(uint8_t proto, char *buf, size_t len)
{
	switch (proto) {
	case NET_IPPROTO_TCP:
		return "tcp";
	case NET_IPPROTO_UDP:
		return "udp";
	case NET_IPPROTO_ICMP:
		return "icmp";
	case NET_IPPROTO_ICMP6:
		return "icmpv6";
	default:
		snprintf(buf, len, "proto %u", proto);
		return buf;
	}
}

/* "tcp 10.1.10.5:40000 -> 10.1.20.5:22" of key k */
static void key_format(const struct acl_key *k, bool ip6, char *buf, size_t len)
{
	char s[INET6_ADDRSTRLEN], d[INET6_ADDRSTRLEN];
	if (ip6) {
		uint64_t a[4] = {htobe64(k->src_hi), htobe64(k->src_lo), htobe64(k->dst_hi),
		                 htobe64(k->dst_lo)};
		inet_ntop(AF_INET6, &a[0], s, sizeof(s));
		inet_ntop(AF_INET6, &a[2], d, sizeof(d));
	} else {
		uint32_t a[2] = {htonl((uint32_t)k->src_lo), htonl((uint32_t)k->dst_lo)};
		inet_ntop(AF_INET, &a[0], s, sizeof(s));
		inet_ntop(AF_INET, &a[1], d, sizeof(d));
	}
	const char *br = ip6 ? "[" : "", *ket = ip6 ? "]" : "";
	char pb[16];
	const char *proto = proto_name(k->proto, pb, sizeof(pb));
	bool icmp = k->proto == NET_IPPROTO_ICMP || k->proto == NET_IPPROTO_ICMP6;
	if (k->sport == ACL_L4_NONE)
		snprintf(buf, len, "%s %s -> %s%s", proto, s, d,
		         k->flags & ACL_KEY_FRAG ? " (fragment)" : "");
	else if (icmp)
		snprintf(buf, len, "%s %s -> %s type %u code %u", proto, s, d, k->sport, k->dport);
	else
		snprintf(buf, len, "%s %s%s%s:%u -> %s%s%s:%u", proto, br, s, ket, k->sport, br, d,
		         ket, k->dport);
}

static void acl_log_match(struct gw *gw, const struct gw_acl *a, uint32_t i, uint16_t ifx, int dir,
                          const struct acl_key *k)
{
	if (!gw_bucket_take(&gw->acl_log, gw->now_ms))
		return;
	char what[160];
	key_format(k, a->fam == ACL_IP6, what, sizeof(what));
	const struct acl_rule *r = acl_cls_rule(a->cls, i);
	gw_log(LOG_INFO, "%s access-list %s entry %u %s %s %s: %s",
	       a->fam == ACL_IP6 ? "ipv6" : "ip", a->name, r ? r->seq : 0,
	       acl_cls_permits(a->cls, i) ? "permitted" : "denied", dir == ACL_IN ? "in" : "out",
	       gw->ifs[ifx].name, what);
}

bool gw_acl_filter(struct gw *gw, struct gw_pkt *p, uint16_t ifx, bool ip6, int dir)
{
	uint16_t x = gw->ifs[ifx].acl[ip6][dir];
	struct gw_acl *a = &gw->acls[x];
	struct acl_key k;
	gw_acl_key(&k, p->data, p->len, ip6);
	uint32_t i;
	unsigned v = acl_cls_classify(a->cls, &k, 0, &i);
	bool permit = v & ACL_VERDICT_PERMIT;
	if (gw_traced(p))
		gw_trace_acl(gw, p, ifx, x, dir, i);
	if (v & ACL_VERDICT_LOG)
		acl_log_match(gw, a, i, ifx, dir, &k);
	if (!permit)
		gw_drop(gw, p, GW_DROP_ACL_DENY);
	return permit;
}

/* Is the IP header at ip (len bytes) whole enough for gw_acl_key? */
static bool ip_header_whole(const uint8_t *ip, uint32_t len, bool ip6)
{
	if (ip6)
		return len >= NET_IP6_HLEN && ip[0] >> 4 == 6;
	uint32_t hl = (ip[0] & 0xfu) * 4u;
	return len >= NET_IP_HLEN && ip[0] >> 4 == 4 && hl >= NET_IP_HLEN && hl <= len;
}

bool gw_acl_frame_filter(struct gw *gw, struct gw_pkt *p, uint16_t ifx, int dir)
{
	uint16_t type = ((const struct net_eth *)p->data)->type;
	bool ip6 = type == htons(NET_ETHERTYPE_IP6);
	if ((!ip6 && type != htons(NET_ETHERTYPE_IP)) || !gw->ifs[ifx].acl[ip6][dir])
		return true;
	if (!ip_header_whole(p->data + NET_ETH_HLEN, p->len - NET_ETH_HLEN, ip6)) {
		const struct gw_acl *a = &gw->acls[gw->ifs[ifx].acl[ip6][dir]];
		acl_cls_count(a->cls, 0, acl_cls_size(a->cls));
		gw_drop(gw, p, GW_DROP_ACL_DENY);
		return false;
	}
	p->data += NET_ETH_HLEN;
	p->len -= NET_ETH_HLEN;
	if (!gw_acl_filter(gw, p, ifx, ip6, dir))
		return false;
	p->data -= NET_ETH_HLEN;
	p->len += NET_ETH_HLEN;
	return true;
}

/* ---------------------------------------------------------------- trace */

struct gw_tr_acl {     /* acl (the record's ifx: the interface, code: the direction) */
	uint32_t seq;  /* the entry's, 0: the implicit deny */
	uint16_t slot; /* the list (gw->acls) */
	uint8_t permit, ip6;
};
GW_TRACE_PAYLOAD_FITS(struct gw_tr_acl);

void gw_trace_acl(struct gw *gw, const struct gw_pkt *p, uint16_t ifx, uint16_t slot, int dir,
                  uint32_t i)
{
	struct gw_trace_rec *r = gw_trace_rec_new(gw, p, GW_TR_ACL, ifx);
	if (!r)
		return;
	r->code = (uint8_t)dir;
	const struct gw_acl *a = &gw->acls[slot];
	const struct acl_rule *rule = acl_cls_rule(a->cls, i);
	struct gw_tr_acl *d = gw_trace_data(r);
	d->seq = rule ? rule->seq : 0;
	d->slot = slot;
	d->permit = acl_cls_permits(a->cls, i);
	d->ip6 = a->fam == ACL_IP6;
}

void gw_tr_fmt_acl(struct gw_trace_fmt *f, const struct gw_trace_rec *r)
{
	const struct gw_tr_acl *d = gw_trace_cdata(r);
	const struct gw *gw = f->gw;
	const char *name = gw->acls && d->slot <= GW_ACL_MAX ? gw->acls[d->slot].name : "";
	gw_trace_put_str(f, "list", name[0] ? name : "(deleted)");
	gw_trace_put_str(f, "family", d->ip6 ? "ipv6" : "ip");
	gw_trace_put_if(f, "interface", r->ifx);
	gw_trace_put_str(f, "direction", r->code == ACL_OUT ? "out" : "in");
	if (d->seq)
		gw_trace_put_num(f, "entry", d->seq);
	else
		gw_trace_put_str(f, "entry", "implicit-deny");
	gw_trace_put_str(f, "action", d->permit ? "permit" : "deny");
}
