/*
 * cli/acl_cmds.c - the commands of access lists (NX-OS style): the lists and their entries,
 * where they apply (interfaces, line vty), and their show and clear commands.
 *
 *   ip access-list NAME | ipv6 access-list NAME     (config-acl) / (config-ipv6-acl) mode
 *    [SEQ] (permit|deny) PROTO SRC ... [log]         the words are acl_rule_parse's
 *    no SEQ | no (permit|deny) ...                   by number or by content
 *    resequence [START [STEP]]                       10 10 by default
 *   interface ... / ip access-group NAME (in|out), ipv6 traffic-filter NAME (in|out)
 *   line vty / access-class NAME in
 *   show (ip|ipv6) access-lists [NAME] [json], clear (ip|ipv6) access-list counters [NAME]
 *
 * An entry's words go to acl/acl.h untouched (a LINE token): its parser names the bad word,
 * and the model (gw/config/acl.c) numbers and orders entries.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli_int.h"

#define CFG (CLI_F_CONFIG | CLI_F_ENABLE | CLI_F_NO)

static int cfg_result(int r, const char *err, struct cli_out *out)
{
	return r == GW_CFG_OK ? CLI_R_OK : cli_err(out, "%s", err);
}

/* `ip ...` / `ipv6 ...`: the family named by the command's first word (after a `no`). */
static int fam_of(const struct cli_args *a)
{
	return !strcmp(a->argv[a->neg ? 1 : 0], "ipv6") ? ACL_IP6 : ACL_IP4;
}

static int dir_of(const char *w)
{
	return !strcmp(w, "out") ? ACL_OUT : ACL_IN;
}

/* ---------------------------------------------------------------- lists and entries */

static int cmd_access_list(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	char err[GW_CFG_ERRLEN];
	int fam = fam_of(a);
	const char *name = a->val[0];
	if (a->neg)
		return cfg_result(gw_cfg_acl(s->cand, fam, name, false, err), err, out);
	if (gw_cfg_acl(s->cand, fam, name, true, err) != GW_CFG_OK)
		return cli_err(out, "%s", err);
	s->mode = CLI_MODE_ACL;
	s->acl_fam = fam;
	snprintf(s->acl, sizeof(s->acl), "%s", name);
	return CLI_R_OK;
}

static const struct cli_cmd ip_access_list_cmd = {
    .syntax = "ip access-list WORD",
    .help = "IP|IPv4 access list (enters its mode; no: delete it)|List name",
    .modes = CLI_M(CLI_MODE_CONFIG),
    .flags = CFG,
    .fn = cmd_access_list,
};

static const struct cli_cmd ipv6_access_list_cmd = {
    .syntax = "ipv6 access-list WORD",
    .help = "IPv6|IPv6 access list (enters its mode; no: delete it)|List name",
    .modes = CLI_M(CLI_MODE_CONFIG),
    .flags = CFG,
    .fn = cmd_access_list,
};

/* `no SEQ [ENTRY]`: entry SEQ, which must be ENTRY when that is given too. */
static int acl_entry_del_seq(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	char err[GW_CFG_ERRLEN > ACL_ERRLEN ? GW_CFG_ERRLEN : ACL_ERRLEN];
	uint32_t seq = cli_u32(a->val[0]);
	if (a->nval > 1) {
		struct acl_rule r;
		const struct gw_cfg_acl *l = gw_cfg_acl_find(s->cand, s->acl_fam, s->acl);
		if (acl_rule_parse(s->acl_fam, a->nval, a->val, &r, err) != 0)
			return cli_err(out, "%s", err);
		for (unsigned k = 0; l && k < l->n; k++)
			if (l->rules[k].seq == seq && !acl_rule_same(&l->rules[k], &r))
				return cli_err(out, "entry %u of access list %s is another one",
				               seq, s->acl);
	}
	return cfg_result(gw_cfg_acl_del(s->cand, s->acl_fam, s->acl, seq, NULL, err), err, out);
}

/* An entry in words (its number first or not): added, or with `no` deleted by content. */
static int cmd_acl_entry(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	char err[GW_CFG_ERRLEN > ACL_ERRLEN ? GW_CFG_ERRLEN : ACL_ERRLEN];
	struct acl_rule r;
	bool numbered = a->nval && a->val[0][0] >= '0' && a->val[0][0] <= '9';
	if (a->neg && numbered)
		return acl_entry_del_seq(s, a, out);
	if (acl_rule_parse(s->acl_fam, a->nval, a->val, &r, err) != 0)
		return cli_err(out, "%s", err);
	if (a->neg)
		return cfg_result(gw_cfg_acl_del(s->cand, s->acl_fam, s->acl, 0, &r, err), err,
		                  out);
	return cfg_result(gw_cfg_acl_add(s->cand, s->acl_fam, s->acl, &r, err), err, out);
}

#define ENTRY_HELP                                                                                 \
	"permit: let matching packets through, deny: drop them|Protocol: ip (ipv6), tcp, udp, "    \
	"icmp (icmpv6), sctp, gre, esp, ah or 0-255|SRC [PORTS] DST [PORTS] [established] [TYPE "  \
	"[CODE]] [fragments] [log]"

static const struct cli_cmd acl_seq_entry_cmd = {
    .syntax = "<%u-%u> (permit|deny) WORD [LINE]",
    .no_syntax = "<%u-%u> [(permit|deny)] [WORD] [LINE]",
    .help = "Sequence number|" ENTRY_HELP,
    .range = {{1, ACL_SEQ_MAX}},
    .modes = CLI_M(CLI_MODE_ACL),
    .flags = CFG,
    .fn = cmd_acl_entry,
};

static const struct cli_cmd acl_entry_cmd = {
    .syntax = "(permit|deny) WORD [LINE]",
    .help = ENTRY_HELP,
    .modes = CLI_M(CLI_MODE_ACL),
    .flags = CFG,
    .fn = cmd_acl_entry,
};

static int cmd_resequence(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	char err[GW_CFG_ERRLEN];
	uint32_t start = a->nval > 0 ? cli_u32(a->val[0]) : GW_CFG_ACL_RESEQ_DEF;
	uint32_t step = a->nval > 1 ? cli_u32(a->val[1]) : GW_CFG_ACL_RESEQ_DEF;
	return cfg_result(gw_cfg_acl_resequence(s->cand, s->acl_fam, s->acl, start, step, err), err,
	                  out);
}

static const struct cli_cmd resequence_cmd = {
    .syntax = "resequence [<%u-%u>] [<%u-%u>]",
    .help = "Renumber the entries in their order|First number (default 10)|Step (default 10)",
    .range = {{1, ACL_SEQ_MAX}, {1, ACL_SEQ_MAX}},
    .modes = CLI_M(CLI_MODE_ACL),
    .flags = CLI_F_CONFIG | CLI_F_ENABLE,
    .fn = cmd_resequence,
};

/* ---------------------------------------------------------------- where lists apply */

/* ` ip access-group NAME (in|out)` / ` ipv6 traffic-filter NAME (in|out)`; the `no` form
 * names the list applied. */
static int cmd_access_group(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	char err[GW_CFG_ERRLEN];
	int fam = fam_of(a), dir = dir_of(a->val[1]);
	const char *name = a->val[0];
	if (a->neg) {
		const struct gw_cfg_if *f = gw_cfg_if_find(s->cand, s->ifname);
		const char *cur = f ? gw_cfg_if_acl(f, fam, dir) : NULL;
		if (!cur || strcmp(cur, name))
			return cli_err(out, "access list %s is not applied %s on %s", name,
			               a->val[1], s->ifname);
		name = NULL;
	}
	return cfg_result(gw_cfg_if_set_acl(s->cand, s->ifname, fam, dir, name, err), err, out);
}

static const struct cli_cmd ip_access_group_cmd = {
    .syntax = "ip access-group WORD (in|out)",
    .help = "IP|Filter the routed IPv4 packets of this interface|IPv4 access list|in: arriving, "
            "out: leaving",
    .modes = CLI_M(CLI_MODE_IF),
    .flags = CFG,
    .fn = cmd_access_group,
};

static const struct cli_cmd ipv6_traffic_filter_cmd = {
    .syntax = "ipv6 traffic-filter WORD (in|out)",
    .help = "IPv6|Filter the routed IPv6 packets of this interface|IPv6 access list|in: "
            "arriving, out: leaving",
    .modes = CLI_M(CLI_MODE_IF),
    .flags = CFG,
    .fn = cmd_access_group,
};

static int cmd_access_class(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	char err[GW_CFG_ERRLEN];
	if (a->neg && strcmp(s->cand->vty_acl, a->val[0]))
		return cli_err(out, "access-class %s is not configured", a->val[0]);
	return cfg_result(gw_cfg_set_vty_acl(s->cand, a->neg ? NULL : a->val[0], err), err, out);
}

static const struct cli_cmd access_class_cmd = {
    .syntax = "access-class WORD in",
    .help = "Telnet clients allowed (an IPv4 access list on their address and port)|IPv4 access "
            "list|Incoming connections",
    .modes = CLI_M(CLI_MODE_VTY),
    .flags = CFG,
    .fn = cmd_access_class,
};

static int cmd_metrics_access_class(struct cli_sess *s, const struct cli_args *a,
                                    struct cli_out *out)
{
	char err[GW_CFG_ERRLEN];
	if (a->neg && strcmp(s->cand->metrics_acl, a->val[0]))
		return cli_err(out, "metrics access-class %s is not configured", a->val[0]);
	return cfg_result(gw_cfg_set_metrics_acl(s->cand, a->neg ? NULL : a->val[0], err), err,
	                  out);
}

static const struct cli_cmd metrics_access_class_cmd = {
    .syntax = "metrics access-class WORD",
    .help = "Prometheus metrics endpoint|Scrapers allowed (an IPv4 access list on their address "
            "and port)|IPv4 access list",
    .modes = CLI_M(CLI_MODE_CONFIG),
    .flags = CFG,
    .fn = cmd_metrics_access_class,
};

/* ---------------------------------------------------------------- show and clear */

struct acl_show {
	struct gw *gw;
	const struct gw_cfg *cfg; /* the running configuration: where lists apply */
	struct cli_out *out;
	int fam;
	bool json;
	unsigned n; /* lists shown */
};

/* The words of entry i without its number (that is a field of its own). */
static const char *rule_text(const struct acl_show *c, const struct acl_cls *k, uint32_t i,
                             char buf[ACL_LINELEN])
{
	acl_rule_format(c->fam, acl_cls_rule(k, i), buf, ACL_LINELEN);
	const char *p = buf + strspn(buf, "0123456789");
	return *p == ' ' ? p + 1 : buf;
}

static void show_entries(struct acl_show *c, const struct acl_cls *k)
{
	char buf[ACL_LINELEN];
	unsigned n = acl_cls_size(k);
	for (uint32_t i = 0; i < n; i++) {
		unsigned long long hits = acl_cls_hits(k, i);
		const char *text = rule_text(c, k, i, buf);
		uint32_t seq = acl_cls_rule(k, i)->seq;
		if (!c->json) {
			cli_printf(c->out, "        %u %s [match=%llu]\n", seq, text, hits);
			continue;
		}
		cli_printf(c->out, "%s{\"seq\":%u,\"rule\":", i ? "," : "", seq);
		cli_jstr(c->out, text);
		cli_printf(c->out, ",\"action\":\"%s\",\"matches\":%llu}",
		           acl_cls_permits(k, i) ? "permit" : "deny", hits);
	}
}

/* Where list `name` applies: interfaces (and line vty), from the running configuration. */
static void show_applied(struct acl_show *c, const char *name)
{
	unsigned n = 0;
	for (size_t i = 0; c->cfg && i < c->cfg->ifs.n; i++)
		for (int dir = ACL_IN; dir <= ACL_OUT; dir++) {
			const char *l = gw_cfg_if_acl(&c->cfg->ifs.v[i], c->fam, dir);
			if (!l || strcmp(l, name))
				continue;
			const char *d = dir == ACL_OUT ? "out" : "in";
			if (c->json) {
				cli_printf(c->out, "%s{\"interface\":", n ? "," : "");
				cli_jstr(c->out, c->cfg->ifs.v[i].name);
				cli_printf(c->out, ",\"direction\":\"%s\"}", d);
			} else {
				cli_printf(c->out, "%s %s %s",
				           n ? "," : "  applied to:", c->cfg->ifs.v[i].name, d);
			}
			n++;
		}
	static const char *const servers[2] = {"line vty", "metrics"};
	for (int k = 0; k < 2 && c->fam == ACL_IP4 && c->cfg; k++) {
		if (strcmp(k ? c->cfg->metrics_acl : c->cfg->vty_acl, name))
			continue;
		if (c->json)
			cli_printf(c->out, "%s{\"interface\":\"%s\",\"direction\":\"in\"}",
			           n ? "," : "", servers[k]);
		else
			cli_printf(c->out, "%s %s in", n ? "," : "  applied to:", servers[k]);
		n++;
	}
	if (!c->json)
		cli_printf(c->out, "%s\n", n ? "" : "  not applied");
}

static void show_list(struct acl_show *c, const char *name)
{
	const struct acl_cls *k = gw_acl_cls(c->gw, c->fam, name);
	if (!k)
		return;
	unsigned long long deny = acl_cls_hits(k, acl_cls_size(k));
	if (c->json) {
		cli_printf(c->out, "%s{\"name\":", c->n++ ? "," : "");
		cli_jstr(c->out, name);
		cli_printf(c->out, ",\"entries\":[");
		show_entries(c, k);
		cli_printf(c->out, "],\"implicit_deny_matches\":%llu,\"applied\":[", deny);
		show_applied(c, name);
		cli_printf(c->out, "]}");
		return;
	}
	cli_printf(c->out, "%s%s access list %s\n", c->n++ ? "\n" : "",
	           c->fam == ACL_IP6 ? "IPv6" : "IP", name);
	show_entries(c, k);
	cli_printf(c->out, "        implicit deny %s any any [match=%llu]\n",
	           c->fam == ACL_IP6 ? "ipv6" : "ip", deny);
	show_applied(c, name);
}

/* The list named in the command, NULL for all; `json` is never a list name. */
static const char *list_arg(const struct cli_args *a)
{
	return a->nval && strcmp(a->val[0], "json") ? a->val[0] : NULL;
}

static int cmd_show_acl(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	struct acl_show c = {.gw = cli_show_gw(s, a, out), .out = out, .json = cli_json(a)};
	if (!c.gw)
		return CLI_R_ERROR;
	c.fam = !strcmp(a->argv[1], "ipv6") ? ACL_IP6 : ACL_IP4;
	c.cfg = s->env->running ? s->env->running(s->env->ctx) : NULL;
	const char *one = list_arg(a);
	if (one && !gw_acl_cls(c.gw, c.fam, one))
		return cli_err(out, "%s access-list %s does not exist", a->argv[1], one);
	if (c.json)
		cli_printf(out, "{\"family\":\"%s\",\"access_lists\":[",
		           c.fam == ACL_IP6 ? "ipv6" : "ipv4");
	if (one) {
		show_list(&c, one);
	} else {
		static const char *names[GW_ACL_MAX];
		unsigned n = gw_acl_names(c.gw, c.fam, names, GW_ACL_MAX);
		for (unsigned i = 0; i < n && i < GW_ACL_MAX; i++)
			show_list(&c, names[i]);
	}
	if (c.json)
		cli_printf(out, "]}\n");
	return CLI_R_OK;
}

static const struct cli_cmd show_ip_acl_cmd = {
    .syntax = "show ip access-lists [WORD] [json]",
    .help = "Show running system information|IP|IPv4 access lists with the matches of each "
            "entry|List name|Machine-readable output",
    .modes = CLI_MODES_ALL,
    .fn = cmd_show_acl,
};

static const struct cli_cmd show_ipv6_acl_cmd = {
    .syntax = "show ipv6 access-lists [WORD] [json]",
    .help = "Show running system information|IPv6|IPv6 access lists with the matches of each "
            "entry|List name|Machine-readable output",
    .modes = CLI_MODES_ALL,
    .fn = cmd_show_acl,
};

static int cmd_clear_acl(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	struct gw *gw = cli_show_gw(s, a, out);
	if (!gw)
		return CLI_R_ERROR;
	int fam = !strcmp(a->argv[1], "ipv6") ? ACL_IP6 : ACL_IP4;
	const char *name = a->nval ? a->val[0] : NULL;
	if (gw_acl_clear(gw, fam, name) != GW_OK)
		return cli_err(out, "%s access-list %s does not exist", a->argv[1],
		               name ? name : "");
	return CLI_R_OK;
}

static const struct cli_cmd clear_ip_acl_cmd = {
    .syntax = "clear ip access-list counters [WORD]",
    .help = "Reset counters or tables|IP|IPv4 access lists|The matches of their entries|List "
            "name (default: every list)",
    .modes = CLI_MODES_ALL,
    .flags = CLI_F_ENABLE,
    .fn = cmd_clear_acl,
};

static const struct cli_cmd clear_ipv6_acl_cmd = {
    .syntax = "clear ipv6 access-list counters [WORD]",
    .help = "Reset counters or tables|IPv6|IPv6 access lists|The matches of their entries|List "
            "name (default: every list)",
    .modes = CLI_MODES_ALL,
    .flags = CLI_F_ENABLE,
    .fn = cmd_clear_acl,
};

/* ---------------------------------------------------------------- the sections */

/* in the order `?` lists them (cli/grammar.c puts the sections in order) */
const struct cli_cmd *const cli_acl_show_cmds[] = {
    &show_ip_acl_cmd, &show_ipv6_acl_cmd, &clear_ip_acl_cmd, &clear_ipv6_acl_cmd, NULL,
};

/* in the order `?` lists them (cli/grammar.c puts the sections in order) */
const struct cli_cmd *const cli_acl_cmds[] = {
    &ip_access_list_cmd,       &ipv6_access_list_cmd,
    &acl_seq_entry_cmd,        &acl_entry_cmd,
    &resequence_cmd,           &ip_access_group_cmd,
    &ipv6_traffic_filter_cmd,  &access_class_cmd,
    &metrics_access_class_cmd, NULL,
};
