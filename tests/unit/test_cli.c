/*
 * test_cli.c - the command language: golden-file config tests (tests/config/NAME.conf
 * rendered must equal NAME.expected; render -> load -> render is the identity), errors
 * that name the bad word and change nothing, abbreviations, modes, help and completion,
 * filters, and the show commands against an in-memory gateway.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cli_int.h"
#include "cli/metrics.h"
#include "cu_main.h"
#include "pktlab.h"

#ifndef CONFIG_DIR
#define CONFIG_DIR "tests/config"
#endif

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *b = malloc((size_t)n + 1);
	if (b && fread(b, 1, (size_t)n, f) != (size_t)n) {
		free(b);
		b = NULL;
	}
	if (b)
		b[n] = '\0';
	fclose(f);
	return b;
}

struct errs {
	unsigned n;
	unsigned line[16];
	char msg[16][256];
};

static void collect(void *arg, unsigned line, const char *msg)
{
	struct errs *e = arg;
	if (e->n < 16) {
		e->line[e->n] = line;
		snprintf(e->msg[e->n], sizeof(e->msg[0]), "%s", msg);
	}
	e->n++;
}

static char *render(const struct gw_cfg *c)
{
	struct cli_out o;
	cli_out_init(&o);
	cli_render_config(c, &o);
	return o.buf;
}

static void golden_one(const char *name)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s.conf", CONFIG_DIR, name);
	char *text = slurp(path);
	snprintf(path, sizeof(path), "%s/%s.expected", CONFIG_DIR, name);
	char *want = slurp(path);
	CU_ASSERT_FATAL(text && want);
	struct errs e = {0};
	struct gw_cfg *c;
	CU_ASSERT_EQUAL(cli_load_config(text, &c, collect, &e), 0);
	for (unsigned i = 0; i < e.n && i < 16; i++)
		fprintf(stderr, "\n  %s:%u: %s", name, e.line[i], e.msg[i]);
	char *got = render(c);
	if (strcmp(got, want))
		fprintf(stderr, "\n--- %s rendered:\n%s--- expected:\n%s", name, got, want);
	CU_ASSERT_STRING_EQUAL(got, want);
	/* round trip */
	struct gw_cfg *c2;
	CU_ASSERT_EQUAL(cli_load_config(got, &c2, collect, &e), 0);
	CU_ASSERT(gw_cfg_equal(c, c2));
	char *again = render(c2);
	CU_ASSERT_STRING_EQUAL(again, got);
	free(again);
	gw_cfg_free(c2);
	free(got);
	gw_cfg_free(c);
	free(text);
	free(want);
}

static void test_golden(void)
{
	DIR *d = opendir(CONFIG_DIR);
	CU_ASSERT_FATAL(d != NULL);
	unsigned n = 0;
	for (struct dirent *de; (de = readdir(d));) {
		size_t l = strlen(de->d_name);
		if (l > 5 && !strcmp(de->d_name + l - 5, ".conf")) {
			char name[256];
			snprintf(name, sizeof(name), "%.*s", (int)(l - 5), de->d_name);
			golden_one(name);
			n++;
		}
	}
	closedir(d);
	CU_ASSERT(n >= 2);
}

static void test_load_errors_named(void)
{
	const char *text = "hostname gw1\n"
	                   "bridge-domain 10\n"
	                   " vni 99999999\n"         /* 3: out of range */
	                   " flood-peer 239.1.1.1\n" /* 4: not unicast */
	                   "interface bdif 10\n"
	                   " ip address 10.1.10.0/24\n"       /* 6: network address */
	                   "ip route 10.1.0.1/16 10.1.10.5\n" /* 7: host bits */
	                   "ip rout 10.2.0.0/16 1.2.3\n"      /* 8: bad next hop */
	                   "frobnicate\n"                     /* 9: unknown */
	                   "bridge-domain 20\n"
	                   " vni 5000\n"
	                   "bridge-domain 21\n"
	                   " vni 5000\n"                               /* 13: vni used */
	                   "arp 10.1.10.9 02:00:00:00:00:09 bdif99\n"; /* whole-config check */
	struct errs e = {0};
	struct gw_cfg *c;
	CU_ASSERT_EQUAL(cli_load_config(text, &c, collect, &e), 8);
	unsigned lines[] = {3, 4, 6, 7, 8, 9, 13};
	const char *words[] = {"99999999", "239.1.1.1",  "10.1.10.0/24", "10.1.0.1/16",
	                       "1.2.3",    "frobnicate", "5000"};
	for (unsigned i = 0; i < 7 && i < e.n; i++) {
		CU_ASSERT_EQUAL(e.line[i], lines[i]);
		if (!strstr(e.msg[i], words[i]))
			fprintf(stderr, "\n  line %u: \"%s\" does not name %s", e.line[i], e.msg[i],
			        words[i]);
		CU_ASSERT_PTR_NOT_NULL(strstr(e.msg[i], words[i]));
	}
	CU_ASSERT_EQUAL(e.line[7], 0); /* the arp line: found by the whole-config check */
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg[7], "bdif99"));
	gw_cfg_free(c);
}

/* ---- interactive sessions against an in-memory gateway ---- */

static struct lab L;
static struct gw_cfg *running;
static int commits;

static const struct gw_cfg *env_running(void *ctx)
{
	(void)ctx;
	return running;
}

static int env_commit(void *ctx, struct gw_cfg *cand, char *err)
{
	(void)ctx;
	if (gw_cfg_apply(L.gw, running, cand, NULL, err) != GW_CFG_OK)
		return GW_CFG_ERR;
	gw_cfg_free(running);
	running = cand;
	commits++;
	return GW_CFG_OK;
}

static uint64_t env_now(void *ctx)
{
	(void)ctx;
	return L.now;
}

static struct cli_env ENV = {.running = env_running, .commit = env_commit, .now_ms = env_now};

static int sess_setup(void)
{
	struct gw_params p;
	gw_params_default(&p);
	p.pool_bufs = 256;
	L.gw = gw_create(&p, &(struct gw_io_ops){0}, NULL);
	running = gw_cfg_new();
	ENV.gw = L.gw;
	return L.gw && running ? 0 : 1;
}

static int sess_teardown(void)
{
	gw_destroy(L.gw);
	gw_cfg_free(running);
	return 0;
}

static int run(struct cli_sess *s, const char *line, struct cli_out *o)
{
	cli_out_reset(o);
	return cli_exec(s, line, o);
}

/* Each line lines[i][0] refused with a message holding lines[i][1], or (NULL) accepted. */
static void run_refused(struct cli_sess *s, const char *const (*lines)[2], size_t n)
{
	struct cli_out o;
	cli_out_init(&o);
	for (size_t i = 0; i < n; i++) {
		CU_ASSERT_EQUAL(run(s, lines[i][0], &o), lines[i][1] ? CLI_R_ERROR : CLI_R_OK);
		if (lines[i][1] && (!o.buf || !strstr(o.buf, lines[i][1])))
			fprintf(stderr, "\n  %s: %s", lines[i][0], o.buf ? o.buf : "");
		CU_ASSERT_PTR_NOT_NULL(lines[i][1] ? strstr(o.buf, lines[i][1]) : "");
	}
	cli_out_free(&o);
}

static void test_modes_and_commit(void)
{
	struct cli_sess *s = cli_sess_new(&ENV, false);
	struct cli_out o;
	char p[64];
	cli_out_init(&o);
	CU_ASSERT_STRING_EQUAL(cli_prompt(s, p, sizeof(p)), "vxgw>");
	CU_ASSERT_EQUAL(run(s, "conf t", &o), CLI_R_ERROR); /* needs enable */
	CU_ASSERT_EQUAL(run(s, "en", &o), CLI_R_OK);
	CU_ASSERT_EQUAL(run(s, "conf t", &o), CLI_R_OK);
	CU_ASSERT_EQUAL(run(s, "hostname gw9", &o), CLI_R_OK);
	CU_ASSERT_STRING_EQUAL(cli_prompt(s, p, sizeof(p)), "gw9(config)#");
	CU_ASSERT_EQUAL(run(s, "bridge-domain 10", &o), CLI_R_OK);
	CU_ASSERT_STRING_EQUAL(cli_prompt(s, p, sizeof(p)), "gw9(config-bd-10)#");
	CU_ASSERT_EQUAL(run(s, "vni 5000", &o), CLI_R_OK);
	CU_ASSERT_EQUAL(bd_vni(gw_bd(L.gw), bd_index(gw_bd(L.gw), 10)), 5000);
	/* a bad value: error names it, nothing changes, mode kept */
	int before = commits;
	CU_ASSERT_EQUAL(run(s, "vni 0", &o), CLI_R_ERROR);
	CU_ASSERT_PTR_NOT_NULL(strstr(o.buf, "\"0\""));
	CU_ASSERT_EQUAL(commits, before);
	CU_ASSERT_EQUAL(bd_vni(gw_bd(L.gw), bd_index(gw_bd(L.gw), 10)), 5000);
	CU_ASSERT_EQUAL(cli_mode(s), CLI_MODE_BD);
	/* a config-mode command from the sub-mode leaves it */
	CU_ASSERT_EQUAL(run(s, "interface bdif 10", &o), CLI_R_OK);
	CU_ASSERT_STRING_EQUAL(cli_prompt(s, p, sizeof(p)), "gw9(config-if-bdif10)#");
	CU_ASSERT_EQUAL(run(s, "ip address 10.1.10.1/24", &o), CLI_R_OK);
	CU_ASSERT(gw_if_by_name(L.gw, "bdif10") != 0);
	CU_ASSERT_EQUAL(run(s, "ip address 10.1.10.1/33", &o), CLI_R_ERROR);
	CU_ASSERT_PTR_NOT_NULL(strstr(o.buf, "10.1.10.1/33"));
	CU_ASSERT_EQUAL(run(s, "end", &o), CLI_R_OK);
	CU_ASSERT_STRING_EQUAL(cli_prompt(s, p, sizeof(p)), "gw9#");
	CU_ASSERT_EQUAL(run(s, "sh ip ro", &o), CLI_R_OK);
	CU_ASSERT_PTR_NOT_NULL(strstr(o.buf, "10.1.10.0/24"));
	CU_ASSERT_EQUAL(run(s, "show ip route | include /32", &o), CLI_R_OK);
	CU_ASSERT_PTR_NOT_NULL(strstr(o.buf, "10.1.10.1/32"));
	CU_ASSERT_PTR_NULL(strstr(o.buf, "10.1.10.0/24"));
	CU_ASSERT_EQUAL(run(s, "show running-config | count", &o), CLI_R_OK);
	CU_ASSERT_PTR_NOT_NULL(strstr(o.buf, "Count: "));
	CU_ASSERT_EQUAL(run(s, "c", &o), CLI_R_ERROR); /* configure, copy or clear */
	CU_ASSERT_PTR_NOT_NULL(strstr(o.buf, "Ambiguous"));
	CU_ASSERT_EQUAL(run(s, "show ip route 10.1.10.77", &o), CLI_R_OK);
	CU_ASSERT_PTR_NOT_NULL(strstr(o.buf, "10.1.10.0/24"));
	CU_ASSERT_EQUAL(run(s, "show nothing", &o), CLI_R_ERROR);
	CU_ASSERT_PTR_NOT_NULL(strstr(o.buf, "\"nothing\""));
	CU_ASSERT_EQUAL(run(s, "configure terminal", &o), CLI_R_OK);
	/* dataplane workers alone is a change that commits; a bad count does not */
	before = commits;
	CU_ASSERT_EQUAL(run(s, "dataplane workers 3", &o), CLI_R_OK);
	CU_ASSERT_EQUAL(commits, before + 1);
	CU_ASSERT_EQUAL(running->workers, 3);
	CU_ASSERT_EQUAL(run(s, "dataplane workers 33", &o), CLI_R_ERROR);
	CU_ASSERT_PTR_NOT_NULL(strstr(o.buf, "33"));
	CU_ASSERT_EQUAL(commits, before + 1);
	CU_ASSERT_EQUAL(run(s, "show running-config", &o), CLI_R_OK);
	CU_ASSERT_PTR_NOT_NULL(strstr(o.buf, "dataplane workers 3\n"));
	CU_ASSERT_EQUAL(run(s, "no dataplane workers", &o), CLI_R_OK);
	CU_ASSERT_EQUAL(running->workers, GW_CFG_WORKERS_AUTO);
	CU_ASSERT_EQUAL(run(s, "show running-config", &o), CLI_R_OK);
	CU_ASSERT_PTR_NULL(strstr(o.buf, "dataplane"));
	CU_ASSERT_EQUAL(run(s, "no bridge-domain 10", &o), CLI_R_OK);
	CU_ASSERT_EQUAL(bd_index(gw_bd(L.gw), 10), BD_NONE);
	CU_ASSERT_EQUAL(run(s, "exit", &o), CLI_R_OK);
	CU_ASSERT_EQUAL(run(s, "exit", &o), CLI_R_QUIT);
	cli_out_free(&o);
	cli_sess_free(s);
}

/* Runs line and checks that it succeeds and its output holds each of want (NULL-ended). */
static void shows(struct cli_sess *s, const char *line, const char *const *want)
{
	struct cli_out o;
	cli_out_init(&o);
	CU_ASSERT_EQUAL(run(s, line, &o), CLI_R_OK);
	for (; *want; want++) {
		if (!o.buf || !strstr(o.buf, *want))
			fprintf(stderr, "\n  \"%s\" does not show \"%s\" in:\n%s", line, *want,
			        o.buf ? o.buf : "");
		CU_ASSERT_PTR_NOT_NULL(o.buf ? strstr(o.buf, *want) : NULL);
	}
	cli_out_free(&o);
}

#define SHOWS(s, line, ...) shows(s, line, (const char *const[]){__VA_ARGS__, NULL})

/* TAB on partial offers exactly want (one word a line). */
static void completes(struct cli_sess *s, const char *partial, const char *want)
{
	struct cli_out o;
	cli_out_init(&o);
	cli_query_complete(s, partial, &o);
	if (!o.buf || strcmp(o.buf, want))
		fprintf(stderr, "\n  TAB on \"%s\" offers:\n%s", partial, o.buf ? o.buf : "");
	CU_ASSERT_STRING_EQUAL(o.buf ? o.buf : "", want);
	cli_out_free(&o);
}

/* `?` on partial shows each of want (NULL-ended). */
static void helps(struct cli_sess *s, const char *partial, const char *const *want)
{
	struct cli_out o;
	cli_out_init(&o);
	cli_query_help(s, partial, &o);
	for (; *want; want++) {
		if (!o.buf || !strstr(o.buf, *want))
			fprintf(stderr, "\n  `?` on \"%s\" does not show \"%s\" in:\n%s", partial,
			        *want, o.buf ? o.buf : "");
		CU_ASSERT_PTR_NOT_NULL(o.buf ? strstr(o.buf, *want) : NULL);
	}
	cli_out_free(&o);
}
#define HELPS(s, partial, ...) helps(s, partial, (const char *const[]){__VA_ARGS__, NULL})

/* IPv6 through a session: the lines commit, refused ones name the word, and the show
 * commands display the interface, routes (connected, local, ECMP, null0) and neighbours. */
static void test_ipv6_session(void)
{
	struct cli_sess *s = cli_sess_new(&ENV, false);
	struct cli_out o;
	cli_out_init(&o);
	const char *const setup[] = {"enable",
	                             "configure terminal",
	                             "bridge-domain 60",
	                             "vni 6060",
	                             "interface bdif 60",
	                             "ipv6 address 2001:db8:60::1/64",
	                             "ipv6 address fe80::1 link-local",
	                             "ipv6 nd ra-interval 30",
	                             "ipv6 nd prefix 2001:db8:60::/64 no-autoconfig",
	                             "ipv6 route 2001:db8:99::/48 2001:db8:60::9",
	                             "ipv6 route 2001:db8:99::/48 2001:db8:60::a",
	                             "ipv6 route 2001:db8:dead::/48 null0",
	                             "ipv6 neighbor 2001:db8:60::50 02:11:22:33:44:55 bdif60"};
	for (size_t i = 0; i < sizeof(setup) / sizeof(setup[0]); i++) {
		int r = run(s, setup[i], &o);
		if (r != CLI_R_OK)
			fprintf(stderr, "\n  %s: %s", setup[i], o.buf ? o.buf : "");
		CU_ASSERT_EQUAL(r, CLI_R_OK);
	}
	int before = commits;
	static const char *const refused[][2] = {
	    {"ipv6 route 2001:db8:99::1/48 2001:db8:60::9", "2001:db8:99::1/48"},
	    {"ipv6 route 2001:db8:99::/48 fe80::9", "fe80::9"},
	    {"ipv6 route 2001:db8:99::/48 2001:db8::zz", "2001:db8::zz"},
	};
	run_refused(s, refused, sizeof(refused) / sizeof(refused[0]));
	CU_ASSERT_EQUAL(commits, before);
	CU_ASSERT_EQUAL(run(s, "end", &o), CLI_R_OK);
	SHOWS(s, "show ipv6 interface", "bdif60 is up", "fe80::1 (configured)",
	      "2001:db8:60::1, subnet is 2001:db8:60::/64", "every 30 seconds",
	      "2001:db8:60::/64 no-autoconfig");
	SHOWS(s, "show ipv6 interface brief", "bdif60       fe80::1",
	      "up     on  2001:db8:60::1\n");
	SHOWS(s, "show ipv6 interface json", "\"link_local\":\"fe80::1\"", "\"interval\":30",
	      "\"autoconfig\":false", "\"addresses\":[\"2001:db8:60::1/64\"]");
	SHOWS(s, "show ipv6 route", "C  2001:db8:60::/64", "is directly connected, bdif60",
	      "L  2001:db8:60::1/128", "via 2001:db8:60::9, bdif60, via 2001:db8:60::a, bdif60",
	      "S  2001:db8:dead::/48         null0");
	SHOWS(s, "show ipv6 route 2001:db8:99::5", "S  2001:db8:99::/48");
	SHOWS(s, "show ipv6 route 2001:db8:99::/48 json", "\"source\":\"static\"",
	      "\"next_hops\":[\"2001:db8:60::9\",\"2001:db8:60::a\"]");
	SHOWS(s, "show ipv6 route 2001:db8:77::/48", "Network not in table");
	SHOWS(s, "show ipv6 route vrf default json", "\"vrf\":\"default\"");
	SHOWS(s, "show ipv6 neighbors", "2001:db8:60::50", "02:11:22:33:44:55", "static", "bdif60");
	SHOWS(s, "show ipv6 neighbors json", "\"address\":\"2001:db8:60::50\"",
	      "\"state\":\"static\"");
	SHOWS(s, "show counters", "routed6", "ra_sent");
	SHOWS(s, "show running-config", "ipv6 route 2001:db8:99::/48 2001:db8:60::a\n",
	      " ipv6 nd prefix 2001:db8:60::/64 no-autoconfig\n");
	CU_ASSERT_EQUAL(run(s, "show ipv6 route vrf nosuch", &o), CLI_R_ERROR);
	CU_ASSERT_PTR_NOT_NULL(strstr(o.buf, "nosuch"));
	/* the no forms: every next hop of a prefix; the interface after its users */
	const char *const teardown[] = {"configure terminal",
	                                "no ipv6 route 2001:db8:99::/48",
	                                "no ipv6 route 2001:db8:dead::/48 null0",
	                                "no ipv6 neighbor 2001:db8:60::50",
	                                "no interface bdif 60",
	                                "no bridge-domain 60",
	                                "end"};
	for (size_t i = 0; i < sizeof(teardown) / sizeof(teardown[0]); i++)
		CU_ASSERT_EQUAL(run(s, teardown[i], &o), CLI_R_OK);
	CU_ASSERT_EQUAL(run(s, "show ipv6 route", &o), CLI_R_OK);
	CU_ASSERT_PTR_NULL(strstr(o.buf, "2001:db8"));
	cli_out_free(&o);
	cli_sess_free(s);
}

static void test_help_and_complete(void)
{
	struct cli_sess *s = cli_sess_new(&ENV, true);
	struct cli_out o;
	cli_out_init(&o);
	HELPS(s, "show ", "ip", "bridge-domain");
	completes(s, "show ma", "mac\n");
	HELPS(s, "show ip route ", "A.B.C.D", "<cr>");
	/* a config-mode command: `?` shows its words and range, TAB completes */
	CU_ASSERT_EQUAL(run(s, "configure terminal", &o), CLI_R_OK);
	completes(s, "datap", "dataplane\n");
	completes(s, "dataplane w", "workers\n");
	HELPS(s, "dataplane workers ", "<0-32>");
	HELPS(s, "no dataplane workers ", "<cr>");
	cli_out_free(&o);
	cli_sess_free(s);
}

static void test_secrets(void)
{
	struct errs e = {0};
	struct gw_cfg *c;
	CU_ASSERT_EQUAL(cli_load_config("username admin secret hunter2\n"
	                                "enable secret $6$salt$short\n"
	                                "username 9lives secret $6$x$y\n",
	                                &c, collect, &e),
	                3);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg[0], "hunter2"));
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg[1], "SHA-512"));
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg[2], "9lives"));
	CU_ASSERT_EQUAL(c->users.n, 0);
	CU_ASSERT_STRING_EQUAL(c->enable_secret, "");
	gw_cfg_free(c);
}

static void test_dot1q_errors(void)
{
	const char *text = "interface ethernet up0\n"
	                   " encapsulation dot1q 10\n" /* 2: not a sub-interface */
	                   "interface ethernet up0.100\n"
	                   " encapsulation dot1q 4095\n" /* 4: out of range */
	                   " encapsulation dot1q 100\n"
	                   "interface ethernet up0.200\n"
	                   " encapsulation dot1q 100\n" /* 7: taken by up0.100 */
	                   "interface ethernet up1.100\n"
	                   " encapsulation dot1q 100\n" /* another netdev: fine */
	                   "interface ethernet up0.7x\n"
	                   " encapsulation dot1q 7\n"; /* 11: not NETDEV.N */
	struct errs e = {0};
	struct gw_cfg *c;
	CU_ASSERT_EQUAL(cli_load_config(text, &c, collect, &e), 4);
	unsigned lines[] = {2, 4, 7, 11};
	const char *words[] = {"up0 ", "4095", "up0.100", "up0.7x"};
	for (unsigned i = 0; i < 4 && i < e.n; i++) {
		CU_ASSERT_EQUAL(e.line[i], lines[i]);
		CU_ASSERT_PTR_NOT_NULL(strstr(e.msg[i], words[i]));
	}
	CU_ASSERT_EQUAL(gw_cfg_if_find(c, "up0.100")->dot1q, 100);
	CU_ASSERT_EQUAL(gw_cfg_if_find(c, "up0.200")->dot1q, 0);
	CU_ASSERT_EQUAL(gw_cfg_if_find(c, "up1.100")->dot1q, 100);
	/* the whole-config check names both sub-interfaces */
	char err[GW_CFG_ERRLEN];
	CU_ASSERT_EQUAL(gw_cfg_check(c, err), GW_CFG_OK);
	gw_cfg_if_find(c, "up0.200")->dot1q = 100;
	CU_ASSERT_EQUAL(gw_cfg_check(c, err), GW_CFG_ERR);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "up0.100"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "up0.200"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "100"));
	/* no encapsulation dot1q */
	CU_ASSERT_EQUAL(gw_cfg_if_set_dot1q(c, "up0.100", 0, err), GW_CFG_OK);
	CU_ASSERT_EQUAL(gw_cfg_check(c, err), GW_CFG_OK);
	/* a model built around the setters: a VLAN on a main interface */
	gw_cfg_if_find(c, "up0")->dot1q = 7;
	CU_ASSERT_EQUAL(gw_cfg_check(c, err), GW_CFG_ERR);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "up0 is not a sub-interface"));
	gw_cfg_free(c);
}

/* Runs each line of lines (n of them), each expected to succeed. */
static void run_all(struct cli_sess *s, const char *const *lines, size_t n)
{
	struct cli_out o;
	cli_out_init(&o);
	for (size_t i = 0; i < n; i++) {
		int r = run(s, lines[i], &o);
		if (r != CLI_R_OK)
			fprintf(stderr, "\n  %s: %s", lines[i], o.buf ? o.buf : "");
		CU_ASSERT_EQUAL(r, CLI_R_OK);
	}
	cli_out_free(&o);
}

/* L2 gateway ports through a session: the lines commit, a port refuses an address and
 * says why, and the show commands name the port (interfaces, bridge domain, MAC table). */
static void test_l2_session(void)
{
	struct cli_sess *s = cli_sess_new(&ENV, false);
	struct cli_out o;
	cli_out_init(&o);
	const char *const setup[] = {
	    "enable",
	    "configure terminal",
	    "bridge-domain 70",
	    "vni 7070",
	    "interface ethernet eth1.100",
	    "encapsulation dot1q 100",
	    "bridge-domain 70",
	    "interface ethernet eth2",
	    "bridge-domain 70",
	    "mac-address-table static 02:00:00:00:70:01 bridge-domain 70 interface eth1.100",
	    "mac-address-table static 02:00:00:00:70:02 bridge-domain 70 peer 192.0.2.70",
	};
	run_all(s, setup, sizeof(setup) / sizeof(setup[0]));
	int before = commits;
	static const char *const refused[][2] = {
	    {"interface ethernet eth2", NULL},
	    {"ip address 10.70.0.1/24", "eth2 is a port of bridge-domain 70: an L2 port has no IP "
	                                "address (the BDIF of bridge-domain 70 has them)"},
	    {"vrf nosuch", "an L2 port has no vrf (the BDIF of bridge-domain 70 is in one)"},
	    {"no bridge-domain 71", "eth2 is not a port of bridge-domain 71"},
	    {"exit", NULL},
	    {"no bridge-domain 70", "bridge-domain 70 still has port eth1.100"},
	};
	run_refused(s, refused, sizeof(refused) / sizeof(refused[0]));
	CU_ASSERT_EQUAL(commits, before);
	CU_ASSERT_EQUAL(run(s, "end", &o), CLI_R_OK);
	SHOWS(s, "show interfaces brief", "eth1.100     bridge-domain 70",
	      "eth2         bridge-domain 70");
	SHOWS(s, "show interfaces", "L2 port of bridge-domain 70 (mode l2");
	SHOWS(s, "show interfaces json",
	      "\"name\":\"eth2\",\"kind\":\"ethernet\",\"bridge_domain\":null,"
	      "\"mode\":\"l2\",\"l2_bridge_domain\":70");
	SHOWS(s, "show bridge-domain 70", "  port eth1.100\n  port eth2\n");
	SHOWS(s, "show bridge-domain 70 json", "\"ports\":[\"eth1.100\",\"eth2\"]");
	SHOWS(s, "show mac address-table bridge-domain 70", "VTEP/Port",
	      "02:00:00:00:70:01  static   eth1.100", "02:00:00:00:70:02  static   192.0.2.70");
	SHOWS(s, "show mac address-table json",
	      "\"mac\":\"02:00:00:00:70:01\",\"type\":\"static\",\"vtep\":null,"
	      "\"interface\":\"eth1.100\"",
	      "\"vtep\":\"192.0.2.70\",\"interface\":null");
	SHOWS(s, "show running-config", "interface ethernet eth2\n bridge-domain 70\n",
	      "bridge-domain 70 interface eth1.100\n");
	const char *const teardown[] = {
	    "configure terminal",
	    "no mac-address-table static 02:00:00:00:70:01 bridge-domain 70 interface",
	    "interface ethernet eth1.100",
	    "no bridge-domain",
	    "ip address 10.71.0.1/24",
	    "no interface ethernet eth2",
	    "no interface ethernet eth1.100",
	    "no mac-address-table static 02:00:00:00:70:02 bridge-domain 70",
	    "no bridge-domain 70",
	    "end",
	};
	run_all(s, teardown, sizeof(teardown) / sizeof(teardown[0]));
	CU_ASSERT_EQUAL(run(s, "show interfaces brief", &o), CLI_R_OK);
	CU_ASSERT_PTR_NULL(strstr(o.buf, "eth"));
	cli_out_free(&o);
	cli_sess_free(s);
}

/* An IPv6 underlay beside the IPv4 one, typed into a session. */
static const char *const underlay6_setup[] = {
    "enable",
    "configure terminal",
    "vxlan source 192.0.2.1",
    "vxlan source 2001:db8::1",
    "vxlan dscp inherit",
    "vxlan udp6-zero-checksum rx",
    "bridge-domain 80",
    "vni 8080",
    "flood-peer 192.0.2.11",
    "flood-peer 2001:db8::12",
    "bridge-domain 81",
    "vni 8181",
    "flood-group ff05::1:70",
    "mac-address-table static 02:00:00:00:80:02 bridge-domain 80 peer 2001:db8::12",
};

/* The IPv6 underlay through a session: the lines commit, refused ones name the word and
 * change nothing, and the show commands print IPv6 VTEPs and groups as IPv6 text. */
static void test_underlay6_session(void)
{
	struct cli_sess *s = cli_sess_new(&ENV, false);
	struct cli_out o;
	cli_out_init(&o);
	run_all(s, underlay6_setup, sizeof(underlay6_setup) / sizeof(underlay6_setup[0]));
	int before = commits;
	static const char *const refused[][2] = {
	    {"vxlan source fe80::1", "fe80::1 is link-local"},
	    {"no vxlan source 2001:db8::2", "2001:db8::2 is not the vxlan source"},
	    {"vxlan dscp 64", "\"64\""},
	    {"vxlan udp6-zero-checksum", "Incomplete command"},
	    {"bridge-domain 80", NULL},
	    {"flood-peer ff05::12", "ff05::12 is not a unicast address"},
	    {"flood-peer 2001:db8::q", "\"2001:db8::q\": expected (A.B.C.D|X:X::X)"},
	    {"flood-group ff02::1:70", "ff02::1:70 has scope 2"},
	    {"flood-group 2001:db8::70", "2001:db8::70 is not a multicast group"},
	    {"exit", NULL},
	    {"mac-address-table static 02:00:00:00:80:03 bridge-domain 80 peer ::1",
	     "peer ::1 is the loopback address"},
	};
	run_refused(s, refused, sizeof(refused) / sizeof(refused[0]));
	CU_ASSERT_EQUAL(commits, before);
	CU_ASSERT_EQUAL(run(s, "end", &o), CLI_R_OK);
	SHOWS(s, "show vxlan peers", "VTEP 192.0.2.1, UDP port 4789\n",
	      "IPv6 VTEP 2001:db8::1, outer DSCP inherit, IPv6 UDP zero checksum rx\n",
	      "192.0.2.11       80", "2001:db8::12     80       configured");
	SHOWS(s, "show vxlan peers json", "{\"vtep\":\"192.0.2.1\",\"udp_port\":4789,",
	      "\"vtep6\":\"2001:db8::1\",\"dscp\":\"inherit\","
	      "\"udp6_zero_checksum\":{\"rx\":true,\"tx\":false}",
	      "{\"vtep\":\"2001:db8::12\",\"bridge_domain\":80,\"type\":\"configured\"");
	SHOWS(s, "show vxlan vni", "group ff05::1:70");
	SHOWS(s, "show vxlan vni json",
	      "\"bridge_domain\":81,\"macs\":0,\"flood_group\":\"ff05::1:70\"");
	SHOWS(s, "show bridge-domain 80", "  flood peer 192.0.2.11\n  flood peer 2001:db8::12\n");
	SHOWS(s, "show bridge-domain 80 json", "\"flood_peers\":[\"192.0.2.11\",\"2001:db8::12\"]");
	SHOWS(s, "show bridge-domain 81", "  flood group ff05::1:70, 0 learned VTEPs\n");
	SHOWS(s, "show mac address-table bridge-domain 80",
	      "02:00:00:00:80:02  static   2001:db8::12");
	SHOWS(s, "show mac address-table json", "\"vtep\":\"2001:db8::12\",\"interface\":null");
	SHOWS(s, "show running-config",
	      "vxlan source 192.0.2.1\nvxlan source 2001:db8::1\nvxlan dscp inherit\n"
	      "vxlan udp6-zero-checksum rx\n",
	      " flood-peer 192.0.2.11\n flood-peer 2001:db8::12\n", " flood-group ff05::1:70\n",
	      "bridge-domain 80 peer 2001:db8::12\n");
	const char *const change[] = {
	    "configure terminal",
	    "vxlan dscp 46",
	    "no vxlan udp6-zero-checksum rx",
	    "vxlan udp6-zero-checksum tx",
	    "no vxlan source 2001:db8::1",
	    "end",
	};
	run_all(s, change, sizeof(change) / sizeof(change[0]));
	SHOWS(s, "show vxlan vni", "IPv6 VTEP none, outer DSCP 46, IPv6 UDP zero checksum tx\n");
	SHOWS(s, "show vxlan vni json", "\"vtep6\":null,\"dscp\":46,",
	      "\"udp6_zero_checksum\":{\"rx\":false,\"tx\":true}");
	const char *const teardown[] = {
	    "configure terminal",  "no mac-address-table static 02:00:00:00:80:02 bridge-domain 80",
	    "no bridge-domain 80", "no bridge-domain 81",
	    "no vxlan dscp",       "no vxlan udp6-zero-checksum tx",
	    "no vxlan source",     "end",
	};
	run_all(s, teardown, sizeof(teardown) / sizeof(teardown[0]));
	SHOWS(s, "show vxlan vni", "VTEP none, UDP port 4789\n",
	      "IPv6 VTEP none, outer DSCP 0, IPv6 UDP zero checksum off\n");
	CU_ASSERT_EQUAL(run(s, "show running-config", &o), CLI_R_OK);
	CU_ASSERT_PTR_NULL(strstr(o.buf, "vxlan"));
	cli_out_free(&o);
	cli_sess_free(s);
}

/* Matches of entry i of list `name` (the implicit deny: its size), counted as a worker
 * would count them. */
static void count_matches(int fam, const char *name, uint32_t i, unsigned times)
{
	struct acl_cls *k = (struct acl_cls *)gw_acl_cls(L.gw, fam, name);
	CU_ASSERT_PTR_NOT_NULL_FATAL(k);
	for (unsigned n = 0; n < times; n++)
		acl_cls_count(k, 1, i);
}

/* Access lists through a session: the mode and its prompt, entries numbered and deleted,
 * errors naming the word, the groups of an interface and line vty; show with each entry's
 * matches and the implicit deny's, as text, JSON and Prometheus; clear. */
static void test_acl_session(void)
{
	struct cli_sess *s = cli_sess_new(&ENV, false);
	struct cli_out o;
	cli_out_init(&o);
	char prompt[64];
	const char *const setup[] = {
	    "enable",
	    "configure terminal",
	    "ip access-list WEB",
	    "10 permit tcp 10.1.10.0/24 any eq 80",
	    "permit icmp any any echo",
	    "5 deny tcp any any eq 22",
	    "ipv6 access-list WEB6",
	    "permit tcp any any eq https",
	    "bridge-domain 80",
	    "vni 8080",
	    "interface bdif 80",
	    "ip access-group WEB in",
	    "ipv6 traffic-filter WEB6 out",
	    "line vty",
	    "access-class WEB in",
	    "ip access-list SCRAPERS",
	    "permit tcp host 10.9.0.1 any eq 9100",
	    "metrics access-class SCRAPERS",
	};
	run_all(s, setup, sizeof(setup) / sizeof(setup[0]));
	CU_ASSERT_EQUAL(run(s, "ip access-list WEB", &o), CLI_R_OK);
	CU_ASSERT_PTR_NOT_NULL(strstr(cli_prompt(s, prompt, sizeof(prompt)), "(config-acl)#"));
	int before = commits;
	static const char *const refused[][2] = {
	    {"30 permit tcp any anywhere", "anywhere"},
	    {"10 permit ip any any", "sequence number 10 exists"},
	    {"no 99", "no entry 99"},
	    {"permit udp any any eq 1 2", "2"},
	    {"no ip access-list WEB", "access list WEB is applied to bdif80 (in)"},
	    {"ipv6 access-list WEB6", NULL},
	    {"permit tcp 10.0.0.0/8 any", "10.0.0.0/8"},
	    {"no ipv6 access-list WEB6", "access list WEB6 is applied to bdif80 (out)"},
	    {"interface bdif 80", NULL},
	    {"ip access-group NOPE out", "ip access-list NOPE does not exist"},
	    {"no ip access-group WEB out", "access list WEB is not applied out on bdif80"},
	};
	run_refused(s, refused, sizeof(refused) / sizeof(refused[0]));
	CU_ASSERT_EQUAL(commits, before);
	CU_ASSERT_PTR_NOT_NULL(
	    strstr(cli_prompt(s, prompt, sizeof(prompt)), "(config-if-bdif80)#"));
	CU_ASSERT_EQUAL(run(s, "no ip access-list SCRAPERS", &o), CLI_R_ERROR);
	CU_ASSERT_PTR_NOT_NULL(strstr(o.buf, "SCRAPERS is applied to metrics (access-class)"));
	/* help and completion in the list's mode */
	CU_ASSERT_EQUAL(run(s, "ipv6 access-list WEB6", &o), CLI_R_OK);
	CU_ASSERT_PTR_NOT_NULL(strstr(cli_prompt(s, prompt, sizeof(prompt)), "(config-ipv6-acl)#"));
	HELPS(s, "", "resequence", "permit");
	completes(s, "res", "resequence\n");
	CU_ASSERT_EQUAL(run(s, "end", &o), CLI_R_OK);
	completes(s, "show ip acc", "access-lists\n");

	count_matches(ACL_IP4, "WEB", 1, 3); /* entry 10 */
	count_matches(ACL_IP4, "WEB", 3, 2); /* the implicit deny */
	SHOWS(s, "show ip access-lists", "IP access list WEB\n",
	      "        5 deny tcp any any eq 22 [match=0]\n",
	      "        10 permit tcp 10.1.10.0/24 any eq 80 [match=3]\n",
	      "        20 permit icmp any any echo [match=0]\n",
	      "        implicit deny ip any any [match=2]\n", "applied to: bdif80 in, line vty in");
	SHOWS(s, "show ip access-lists WEB json", "{\"family\":\"ipv4\",\"access_lists\":[",
	      "{\"name\":\"WEB\",\"entries\":[{\"seq\":5,\"rule\":\"deny tcp any any eq "
	      "22\",\"action\":\"deny\",\"matches\":0},{\"seq\":10,",
	      "\"action\":\"permit\",\"matches\":3}", "\"implicit_deny_matches\":2",
	      "\"applied\":[{\"interface\":\"bdif80\",\"direction\":\"in\"},{\"interface\":\"line "
	      "vty\",\"direction\":\"in\"}]}]}");
	SHOWS(s, "show ip access-lists json", "\"name\":\"WEB\"");
	SHOWS(s, "show ip access-lists SCRAPERS", "applied to: metrics in");
	SHOWS(s, "show interfaces", "  Access lists: ip in WEB, ipv6 out WEB6\n");
	SHOWS(s, "show interfaces json",
	      "\"access_lists\":{\"ipv4_in\":\"WEB\",\"ipv4_out\":null,\"ipv6_in\":null,"
	      "\"ipv6_out\":\"WEB6\"}");
	SHOWS(s, "show ipv6 access-lists", "IPv6 access list WEB6\n",
	      "        10 permit tcp any any eq 443 [match=0]\n", "applied to: bdif80 out");
	CU_ASSERT_EQUAL(run(s, "show ip access-lists WEB6", &o), CLI_R_ERROR);
	CU_ASSERT_PTR_NOT_NULL(strstr(o.buf, "ip access-list WEB6 does not exist"));
	cli_out_reset(&o);
	cli_prom_render(L.gw, &o);
	CU_ASSERT_PTR_NOT_NULL(strstr(o.buf, "vxgw_acl_matches_total{family=\"ipv4\",acl=\"WEB\","
	                                     "seq=\"10\",action=\"permit\"} 3\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(o.buf, "vxgw_acl_matches_total{family=\"ipv4\",acl=\"WEB\","
	                                     "seq=\"implicit\",action=\"deny\"} 2\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(o.buf, "vxgw_acl_matches_total{family=\"ipv6\",acl=\"WEB6\","
	                                     "seq=\"10\",action=\"permit\"} 0\n"));
	/* an edit keeps the counters of the entries that stay; clear resets them */
	const char *const edit[] = {"configure terminal", "ip access-list WEB", "no 5",
	                            "resequence 100 10", "end"};
	run_all(s, edit, sizeof(edit) / sizeof(edit[0]));
	SHOWS(s, "show ip access-lists WEB",
	      "        100 permit tcp 10.1.10.0/24 any eq 80 [match=3]",
	      "        110 permit icmp any any echo [match=0]");
	CU_ASSERT_EQUAL(run(s, "clear ip access-list counters WEB", &o), CLI_R_OK);
	SHOWS(s, "show ip access-lists WEB", "eq 80 [match=0]",
	      "implicit deny ip any any [match=0]");
	CU_ASSERT_EQUAL(run(s, "clear ip access-list counters NOPE", &o), CLI_R_ERROR);
	CU_ASSERT_EQUAL(run(s, "clear ipv6 access-list counters", &o), CLI_R_OK);
	SHOWS(s, "show running-config",
	      "ip access-list WEB\n 100 permit tcp 10.1.10.0/24 any eq 80\n",
	      "ipv6 access-list WEB6\n 10 permit tcp any any eq 443\n",
	      " ip access-group WEB in\n ipv6 traffic-filter WEB6 out\n", " access-class WEB in\n");
	const char *const teardown[] = {
	    "configure terminal",
	    "line vty",
	    "no access-class WEB in",
	    "interface bdif 80",
	    "no ip access-group WEB in",
	    "no ipv6 traffic-filter WEB6 out",
	    "no ip access-list WEB",
	    "no ipv6 access-list WEB6",
	    "no interface bdif 80",
	    "no bridge-domain 80",
	    "no line vty",
	    "no metrics access-class SCRAPERS",
	    "no ip access-list SCRAPERS",
	    "end",
	};
	run_all(s, teardown, sizeof(teardown) / sizeof(teardown[0]));
	CU_ASSERT_PTR_NULL(gw_acl_cls(L.gw, ACL_IP4, "WEB"));
	CU_ASSERT_EQUAL(running->acls.n, 0);
	cli_out_free(&o);
	cli_sess_free(s);
}

/* dataplane io: each word commits and is written after dataplane workers, a bad one is
 * named, `no` is socket (left out); `?` gives each word its own help, TAB completes. */
static void test_dataplane_io(void)
{
	struct cli_sess *s = cli_sess_new(&ENV, true);
	struct cli_out o;
	cli_out_init(&o);
	CU_ASSERT_EQUAL(run(s, "configure terminal", &o), CLI_R_OK);
	int before = commits;
	CU_ASSERT_EQUAL(run(s, "dataplane io xdp", &o), CLI_R_OK);
	CU_ASSERT_EQUAL(commits, before + 1);
	CU_ASSERT_EQUAL(running->io, GW_CFG_IO_XDP);
	CU_ASSERT_EQUAL(run(s, "dataplane workers 2", &o), CLI_R_OK);
	CU_ASSERT_EQUAL(run(s, "show running-config", &o), CLI_R_OK);
	CU_ASSERT_PTR_NOT_NULL(strstr(o.buf, "dataplane workers 2\ndataplane io xdp\n"));
	CU_ASSERT_EQUAL(run(s, "dataplane io dpdk", &o), CLI_R_ERROR);
	CU_ASSERT_PTR_NOT_NULL(strstr(o.buf, "\"dpdk\""));
	CU_ASSERT_EQUAL(running->io, GW_CFG_IO_XDP);
	CU_ASSERT_EQUAL(run(s, "dataplane io", &o), CLI_R_ERROR);
	CU_ASSERT_PTR_NOT_NULL(strstr(o.buf, "Incomplete command"));
	CU_ASSERT_EQUAL(run(s, "dataplane io auto", &o), CLI_R_OK);
	CU_ASSERT_EQUAL(run(s, "show running-config", &o), CLI_R_OK);
	CU_ASSERT_PTR_NOT_NULL(strstr(o.buf, "dataplane io auto\n"));
	CU_ASSERT_EQUAL(run(s, "no dataplane io", &o), CLI_R_OK);
	CU_ASSERT_EQUAL(running->io, GW_CFG_IO_SOCKET);
	CU_ASSERT_EQUAL(run(s, "dataplane io socket", &o), CLI_R_OK);
	CU_ASSERT_EQUAL(run(s, "show running-config", &o), CLI_R_OK);
	CU_ASSERT_PTR_NULL(strstr(o.buf, "dataplane io"));

	completes(s, "dataplane ", "workers\nio\nbusy-poll\n");
	completes(s, "dataplane io ", "auto\nxdp\nsocket\n");
	completes(s, "dataplane io s", "socket\n");
	/* each word with its own help; the word is required */
	HELPS(s, "dataplane io ",
	      "  auto                   AF_XDP where the netdev takes it, else sockets\n",
	      "  xdp                    AF_XDP sockets fed by vxgw's XDP program (an error when "
	      "unavailable)\n",
	      "  socket                 The kernel's UDP and raw sockets\n");
	cli_out_reset(&o);
	cli_query_help(s, "dataplane io ", &o);
	CU_ASSERT_PTR_NULL(strstr(o.buf, "<cr>"));
	HELPS(s, "no dataplane io ", "<cr>", "The kernel's UDP and raw sockets");
	CU_ASSERT_EQUAL(run(s, "end", &o), CLI_R_OK);
	cli_out_free(&o);
	cli_sess_free(s);
}

/* dataplane busy-poll: a number commits and is written after dataplane io, none is the
 * default 50, 0 is refused saying how to turn it off, bad words are named, `no` is off
 * (left out); `?` shows the range and that the number may be left out. */
static void test_dataplane_busy_poll(void)
{
	struct cli_sess *s = cli_sess_new(&ENV, true);
	struct cli_out o;
	cli_out_init(&o);
	CU_ASSERT_EQUAL(running->busy_poll_us, 0); /* off until said */
	CU_ASSERT_EQUAL(run(s, "configure terminal", &o), CLI_R_OK);
	int before = commits;
	CU_ASSERT_EQUAL(run(s, "dataplane busy-poll 200", &o), CLI_R_OK);
	CU_ASSERT_EQUAL(commits, before + 1);
	CU_ASSERT_EQUAL(running->busy_poll_us, 200);
	CU_ASSERT_EQUAL(run(s, "dataplane io xdp", &o), CLI_R_OK);
	CU_ASSERT_EQUAL(run(s, "show running-config", &o), CLI_R_OK);
	CU_ASSERT_PTR_NOT_NULL(strstr(o.buf, "dataplane io xdp\ndataplane busy-poll 200\n!\n"));
	CU_ASSERT_EQUAL(run(s, "dataplane busy-poll", &o), CLI_R_OK);
	CU_ASSERT_EQUAL(running->busy_poll_us, GW_CFG_BUSY_POLL_DEFAULT_US);
	CU_ASSERT_EQUAL(run(s, "dataplane busy-poll 10000", &o), CLI_R_OK);
	CU_ASSERT_EQUAL(running->busy_poll_us, 10000);
	/* refused, naming the word; the running configuration keeps its value */
	static const char *const bad[][2] = {
	    {"dataplane busy-poll 0", "\"0\": out of range 1-10000 (no dataplane busy-poll"},
	    {"dataplane busy-poll 10001", "Invalid value \"10001\": expected <0-10000>"},
	    {"dataplane busy-poll fast", "Invalid value \"fast\""},
	    {"dataplane busy-poll -1", "Invalid value \"-1\""},
	    {"dataplane busy-poll 50 60", "Invalid input \"60\""},
	};
	before = commits;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CU_ASSERT_EQUAL(run(s, bad[i][0], &o), CLI_R_ERROR);
		if (!o.buf || !strstr(o.buf, bad[i][1]))
			fprintf(stderr, "\n  \"%s\" said: %s", bad[i][0], o.buf ? o.buf : "");
		CU_ASSERT_PTR_NOT_NULL(strstr(o.buf ? o.buf : "", bad[i][1]));
	}
	CU_ASSERT_EQUAL(commits, before);
	CU_ASSERT_EQUAL(running->busy_poll_us, 10000);
	/* no, with or without a number: off, left out */
	CU_ASSERT_EQUAL(run(s, "no dataplane busy-poll 30", &o), CLI_R_OK);
	CU_ASSERT_EQUAL(running->busy_poll_us, 0);
	CU_ASSERT_EQUAL(run(s, "dataplane busy-poll 7", &o), CLI_R_OK);
	CU_ASSERT_EQUAL(run(s, "no dataplane busy-poll", &o), CLI_R_OK);
	CU_ASSERT_EQUAL(running->busy_poll_us, 0);
	CU_ASSERT_EQUAL(run(s, "show running-config", &o), CLI_R_OK);
	CU_ASSERT_PTR_NULL(strstr(o.buf, "busy-poll"));

	completes(s, "dataplane b", "busy-poll\n");
	HELPS(s, "dataplane ",
	      "  busy-poll              Workers poll their AF_XDP sockets instead of sleeping "
	      "(default and no: off)\n");
	HELPS(s, "dataplane busy-poll ",
	      "  <0-10000>              Microseconds each poll may spin, 1-10000 (without: 50)\n",
	      "<cr>");
	HELPS(s, "no dataplane busy-poll ", "<0-10000>", "<cr>");
	CU_ASSERT_EQUAL(run(s, "no dataplane io", &o), CLI_R_OK);
	CU_ASSERT_EQUAL(run(s, "end", &o), CLI_R_OK);
	cli_out_free(&o);
	cli_sess_free(s);
}

/* What a daemon's io_info says, for show dataplane. */
static struct gw_xdp_info io_now;

static void env_io_info(void *ctx, struct gw_xdp_info *out)
{
	(void)ctx;
	*out = io_now;
}

/* show dataplane, its first line and "io" object: XDP on, XDP wanted and not had, sockets
 * (no io_info at all), the existing lines kept. */
static void test_show_dataplane_io(void)
{
	struct cli_sess *s = cli_sess_new(&ENV, true);
	running->io = GW_CFG_IO_AUTO;
	ENV.io_info = env_io_info;
	io_now = (struct gw_xdp_info){
	    .on = true, .ifname = "up0", .native = true, .queues = 2, .sockets = 2};
	SHOWS(s, "show dataplane",
	      "I/O: xdp on up0 (native mode, copy), 2 receive queues, 2 "
	      "AF_XDP sockets\nPacket buffers resident: ",
	      "\nWorkers: none");
	SHOWS(s, "show dataplane json", "{\"workers\":0,", "\"threads\":[],",
	      "\"io\":{\"configured\":\"auto\",\"mode\":\"xdp\","
	      "\"netdev\":\"up0\",\"xdp_mode\":\"native\",\"zerocopy\":false,\"busy_poll_us\":0,"
	      "\"queues\":2,\"sockets\":2,\"why\":null,\"uplinks\":null}}\n");
	/* the uplinks' programs, on a line of their own */
	snprintf(io_now.uplinks, sizeof(io_now.uplinks),
	         "up1 (native, 2 receive queues, 2 AF_XDP sockets), up2 (no program: refused)");
	SHOWS(s, "show dataplane",
	      "AF_XDP sockets\nUplinks on xdp: up1 (native, 2 receive queues, 2 AF_XDP sockets), "
	      "up2 (no program: refused)\nPacket buffers resident: ");
	SHOWS(s, "show dataplane json",
	      "\"why\":null,\"uplinks\":\"up1 (native, 2 receive queues, 2 AF_XDP sockets), up2 "
	      "(no program: refused)\"}}\n");
	io_now.uplinks[0] = '\0';
	io_now.native = false;
	io_now.zerocopy = true;
	io_now.queues = io_now.sockets = 1;
	SHOWS(s, "show dataplane",
	      "I/O: xdp on up0 (generic mode, zero-copy), 1 receive queue, 1 "
	      "AF_XDP socket\n");
	io_now.busy_poll_us = 50;
	SHOWS(s, "show dataplane",
	      "I/O: xdp on up0 (generic mode, zero-copy, busy polling 50 us), 1 receive queue, 1 "
	      "AF_XDP socket\n");
	SHOWS(s, "show dataplane json", "\"zerocopy\":true,\"busy_poll_us\":50,");
	io_now.busy_poll_us = 0;
	snprintf(io_now.why, sizeof(io_now.why), "busy polling refused: Operation not permitted");
	SHOWS(s, "show dataplane",
	      "I/O: xdp on up0 (generic mode, zero-copy, busy polling refused: Operation not "
	      "permitted), 1 receive queue");
	SHOWS(s, "show dataplane json",
	      "\"why\":\"busy polling refused: Operation not permitted\"");

	running->io = GW_CFG_IO_XDP;
	io_now = (struct gw_xdp_info){.why = "no netdev holds \"192.0.2.1\""};
	SHOWS(s, "show dataplane",
	      "I/O: socket (dataplane io xdp: XDP not used: no netdev holds \"192.0.2.1\")\n");
	SHOWS(s, "show dataplane json",
	      "\"io\":{\"configured\":\"xdp\",\"mode\":\"socket\","
	      "\"netdev\":null,\"xdp_mode\":null,\"zerocopy\":false,\"busy_poll_us\":0,"
	      "\"queues\":0,\"sockets\":0,"
	      "\"why\":\"no netdev holds \\\"192.0.2.1\\\"\",\"uplinks\":null}}\n");

	running->io = GW_CFG_IO_SOCKET;
	ENV.io_info = NULL;
	SHOWS(s, "show dataplane", "I/O: socket\nPacket buffers");
	SHOWS(s, "show dataplane json",
	      "\"io\":{\"configured\":\"socket\",\"mode\":\"socket\","
	      "\"netdev\":null,\"xdp_mode\":null,\"zerocopy\":false,\"busy_poll_us\":0,"
	      "\"queues\":0,\"sockets\":0,\"why\":null,\"uplinks\":null}}\n");
	cli_sess_free(s);
}

/* ` dataplane io socket` only on an uplink's main interface: the error names the
 * interface; its netdev's line stays where it is allowed. */
static void test_if_io_errors(void)
{
	const char *text = "interface bdif 10\n"
	                   " dataplane io socket\n" /* 2: a BDIF */
	                   "interface ethernet up0.100\n"
	                   " encapsulation dot1q 100\n"
	                   " dataplane io socket\n" /* 5: a sub-interface */
	                   "interface ethernet up0\n"
	                   " dataplane io socket\n";
	struct errs e = {0};
	struct gw_cfg *c;
	CU_ASSERT_EQUAL(cli_load_config(text, &c, collect, &e), 2);
	unsigned lines[] = {2, 5};
	const char *words[] = {"bdif10 is not an uplink", "interface ethernet up0"};
	for (unsigned i = 0; i < 2 && i < e.n; i++) {
		CU_ASSERT_EQUAL(e.line[i], lines[i]);
		CU_ASSERT_PTR_NOT_NULL(strstr(e.msg[i], words[i]));
	}
	CU_ASSERT_TRUE(gw_cfg_if_find(c, "up0")->io_socket);
	CU_ASSERT_FALSE(gw_cfg_if_find(c, "up0.100")->io_socket);
	gw_cfg_free(c);
}

static CU_TestInfo file_tests[] = {
    {"secrets only as SHA-512 hashes", test_secrets},
    {"golden config files round-trip", test_golden},
    {"load errors name the line and the word", test_load_errors_named},
    {"encapsulation dot1q errors", test_dot1q_errors},
    {"dataplane io socket on an interface: errors", test_if_io_errors},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo sess_tests[] = {
    {"modes, commit, errors, filters", test_modes_and_commit},
    {"help and completion", test_help_and_complete},
    {"IPv6: lines, errors, show commands", test_ipv6_session},
    {"L2 ports: lines, errors, show commands", test_l2_session},
    {"IPv6 underlay: lines, errors, show commands", test_underlay6_session},
    {"access lists: lines, errors, show and clear with counters", test_acl_session},
    {"dataplane io: lines, running-config, help and completion", test_dataplane_io},
    {"dataplane busy-poll: lines, running-config, errors, help", test_dataplane_busy_poll},
    {"show dataplane: the underlay's and the uplinks' I/O", test_show_dataplane_io},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"config files", NULL, NULL, NULL, NULL, file_tests},
    {"sessions", sess_setup, sess_teardown, NULL, NULL, sess_tests},
    CU_SUITE_INFO_NULL,
};

CU_MAIN(suites)
