/*
 * test_cli_grammar.c - the command tree itself, walked whole: every help string has one
 * part per word of its command (and of its `no` form), every number range comes from
 * the command's range list (the model's constants), and every configuration command
 * appears in a golden file under tests/config (loaded and rendered by test_cli).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli_int.h"
#include "cu_main.h"
#include "gw/trace.h"
#include "vxlan/bd.h"
#include "vxlan/vxlan.h"

#ifndef CONFIG_DIR
#define CONFIG_DIR "tests/config"
#endif

#define RANGE_TOKEN "<%u-%u>"

/* The words of a syntax: tokens between spaces ("(a|b)" and "[tok]" are one each). */
static int count_words(const char *syntax)
{
	int n = 0;
	for (const char *p = syntax; *p;) {
		p += strspn(p, " ");
		if (!*p)
			break;
		n++;
		p += strcspn(p, " ");
	}
	return n;
}

/* The alternatives of a syntax word ("(a|b)", "[(a|b)]"); 0 for any other word. */
static int count_alternatives(const char *word, size_t len)
{
	if (!memchr(word, '(', len))
		return 0;
	int n = 1;
	for (size_t i = 0; i < len; i++)
		n += word[i] == '|';
	return n;
}

/* What the engine keeps of a help part: the whole, or per alternative when split by ';'. */
static size_t kept_len(const char *part, size_t len, int nalt)
{
	int semis = 0;
	for (size_t i = 0; i < len; i++)
		semis += part[i] == ';';
	if (!nalt || semis != nalt - 1)
		return len;
	size_t longest = 0;
	for (size_t i = 0, l; i < len; i += l + 1) {
		l = strcspn(part + i, ";|");
		longest = l > longest ? l : longest;
	}
	return longest;
}

/* The parts of a help string between '|'; *longest gets the length of the longest as the
 * engine keeps it for the words of syntax. */
static int count_parts(const char *help, const char *syntax, size_t *longest, bool *empty)
{
	int n = 0;
	*longest = 0;
	*empty = false;
	const char *w = syntax;
	for (const char *p = help;; p++) {
		size_t l = strcspn(p, "|");
		w += strspn(w, " ");
		size_t wl = strcspn(w, " ");
		size_t kept = kept_len(p, l, count_alternatives(w, wl));
		w += wl;
		*longest = kept > *longest ? kept : *longest;
		*empty |= l == 0;
		n++;
		p += l;
		if (!*p)
			return n;
	}
}

static const char *form_name(const struct cli_cmd *c, bool neg)
{
	return neg ? (c->no_syntax ? c->no_syntax : c->syntax) : c->syntax;
}

static void test_help_one_part_per_word(void)
{
	size_t n;
	const struct cli_cmd *const *cmds = cli_grammar(&n);
	CU_ASSERT_FATAL(n > 0);
	for (size_t i = 0; i < n; i++) {
		const struct cli_cmd *c = cmds[i];
		CU_ASSERT_PTR_NOT_NULL_FATAL(c->syntax);
		CU_ASSERT_PTR_NOT_NULL_FATAL(c->help);
		size_t longest;
		bool empty;
		int parts = count_parts(c->help, c->syntax, &longest, &empty);
		for (int neg = 0; neg <= 1; neg++) {
			if (neg && !(c->flags & CLI_F_NO))
				continue;
			int words = count_words(form_name(c, neg));
			if (words != parts)
				fprintf(stderr, "\n  \"%s%s\": %d words, %d help parts",
				        neg ? "no " : "", form_name(c, neg), words, parts);
			CU_ASSERT_EQUAL(words, parts);
		}
		/* a part the engine would cut, or one left empty, is a mistake too */
		if (longest >= CLI_HELP_MAX || empty)
			fprintf(stderr, "\n  \"%s\": a help part empty or over %d characters",
			        c->syntax, CLI_HELP_MAX - 1);
		CU_ASSERT(longest < CLI_HELP_MAX);
		CU_ASSERT(!empty);
	}
}

/* The "<...>" tokens of a syntax: each must be RANGE_TOKEN; returns how many. */
static int count_ranges(const char *syntax, bool *literal)
{
	int n = 0;
	for (const char *p = strchr(syntax, '<'); p; p = strchr(p + 1, '<')) {
		if (strncmp(p, RANGE_TOKEN, strlen(RANGE_TOKEN)))
			*literal = true;
		n++;
	}
	return n;
}

static void test_ranges_from_constants(void)
{
	size_t n;
	const struct cli_cmd *const *cmds = cli_grammar(&n);
	for (size_t i = 0; i < n; i++) {
		const struct cli_cmd *c = cmds[i];
		bool literal = false;
		int given = 0;
		while (given < CLI_RANGES_MAX && c->range[given].hi)
			given++;
		int used = count_ranges(c->syntax, &literal);
		if (literal || used != given)
			fprintf(stderr, "\n  \"%s\": %d ranges given, %d used%s", c->syntax, given,
			        used, literal ? ", a literal range" : "");
		CU_ASSERT(!literal);
		CU_ASSERT_EQUAL(used, given);
		if (c->no_syntax) {
			CU_ASSERT(count_ranges(c->no_syntax, &literal) <= given);
			CU_ASSERT(!literal);
		}
		for (int k = 0; k < given; k++)
			CU_ASSERT(c->range[k].lo <= c->range[k].hi);
		for (int k = given; k < CLI_RANGES_MAX; k++)
			CU_ASSERT(c->range[k].lo == 0 && c->range[k].hi == 0);
	}
}

/* ---- each range and its constants: the model takes the bounds, the engine refuses past them */

struct bound_case {
	const char *before; /* the lines that lead to the command's mode */
	const char *cmd;    /* the command, its value after it */
	uint32_t lo, hi;
};

static const struct bound_case bound_cases[] = {
    {"interface bdif 10\n", " mtu", GW_MTU_MIN, GW_MTU_MAX},
    {"interface ethernet up0.5\n", " encapsulation dot1q", 1, GW_VLAN_MAX},
    {"", "dataplane workers", 0, GW_CFG_WORKERS_MAX},
    {"", "bridge-domain", 1, BD_ID_MAX},
    {"bridge-domain 10\n", " vni", 1, VX_VNI_MAX},
    {"bridge-domain 10\n", " mac-aging", 0, BD_MAC_AGING_MAX},
    {"bridge-domain 10\n", " mac-limit", 1, BD_MAC_LIMIT_MAX},
    {"", "vxlan udp-port", 1, GW_CFG_PORT_MAX},
    {"", "vxlan dscp", 0, VX_DSCP_MAX},
    {"", "metrics listen 127.0.0.1", 1, GW_CFG_PORT_MAX},
    {"line vty\n", " telnet listen 127.0.0.1", 1, GW_CFG_PORT_MAX},
    {"line vty\n", " exec-timeout", 0, GW_CFG_VTY_TIMEOUT_MAX / 60},
    {"ip access-list A\n", " resequence", 1, ACL_SEQ_MAX},
    {"ip access-list A\n", " resequence 1", 1, ACL_SEQ_MAX},
};

struct last_error {
	unsigned n;
	char msg[GW_CFG_ERRLEN];
};

static void keep_error(void *arg, unsigned line, const char *msg)
{
	struct last_error *e = arg;
	(void)line;
	e->n++;
	snprintf(e->msg, sizeof(e->msg), "%s", msg);
}

/* Loads the case with value v; true when it gave `errors` errors (else says what it gave). */
static bool load_with(const struct bound_case *b, uint64_t v, unsigned errors, struct last_error *e)
{
	char text[256];
	snprintf(text, sizeof(text), "%s%s %llu\n", b->before, b->cmd, (unsigned long long)v);
	struct gw_cfg *c;
	memset(e, 0, sizeof(*e));
	cli_load_config(text, &c, keep_error, e);
	gw_cfg_free(c);
	if (e->n != errors)
		fprintf(stderr, "\n  %s=> %u errors: %s", text, e->n, e->msg);
	return e->n == errors;
}

static void test_range_bounds(void)
{
	for (size_t i = 0; i < sizeof(bound_cases) / sizeof(bound_cases[0]); i++) {
		const struct bound_case *b = &bound_cases[i];
		struct last_error e;
		char want[64];
		snprintf(want, sizeof(want), "expected <%u-%u>", b->lo, b->hi);
		CU_ASSERT(load_with(b, b->lo, 0, &e));
		CU_ASSERT(load_with(b, b->hi, 0, &e));
		CU_ASSERT(load_with(b, (uint64_t)b->hi + 1, 1, &e));
		CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, want));
		if (b->lo > 0) {
			CU_ASSERT(load_with(b, b->lo - 1, 1, &e));
			CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, want));
		}
	}
}

/* The exec-mode range: `?` shows the trace buffer's size. */
static void test_trace_range_shown(void)
{
	static const struct cli_env env = {0};
	struct cli_sess *s = cli_sess_new(&env, true);
	struct cli_out o;
	cli_out_init(&o);
	cli_query_help(s, "trace add ", &o);
	char want[64];
	snprintf(want, sizeof(want), "<1-%d>", GW_TRACE_MAX_PKTS);
	CU_ASSERT_PTR_NOT_NULL(strstr(o.buf ? o.buf : "", want));
	cli_out_free(&o);
	cli_sess_free(s);
}

/* ---- every configuration command in a golden file ---- */

struct coverage {
	size_t n;
	const struct cli_cmd *const *cmds;
	bool *used;
	const char *file;
};

static void mark_used(void *arg, const struct cli_cmd *cmd, bool neg, int result)
{
	struct coverage *cv = arg;
	if (neg || result != CLI_R_OK)
		return; /* a golden file shows a command by its positive form, taken */
	for (size_t i = 0; i < cv->n; i++)
		if (cv->cmds[i] == cmd)
			cv->used[i] = true;
}

static void load_error(void *arg, unsigned line, const char *msg)
{
	struct coverage *cv = arg;
	fprintf(stderr, "\n  %s:%u: %s", cv->file, line, msg);
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	char *b = NULL;
	if (fseek(f, 0, SEEK_END) == 0) {
		long n = ftell(f);
		b = n >= 0 ? malloc((size_t)n + 1) : NULL;
		if (b && (fseek(f, 0, SEEK_SET) || fread(b, 1, (size_t)n, f) != (size_t)n)) {
			free(b);
			b = NULL;
		}
		if (b)
			b[n] = '\0';
	}
	fclose(f);
	return b;
}

/* Marks the commands the files CONFIG_DIR/ *suffix use; returns how many files. */
static unsigned golden_coverage(struct coverage *cv, const char *suffix)
{
	DIR *d = opendir(CONFIG_DIR);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	unsigned files = 0;
	size_t sl = strlen(suffix);
	for (struct dirent *de; (de = readdir(d));) {
		size_t l = strlen(de->d_name);
		if (l <= sl || strcmp(de->d_name + l - sl, suffix))
			continue;
		char path[512];
		snprintf(path, sizeof(path), "%s/%s", CONFIG_DIR, de->d_name);
		char *text = slurp(path);
		CU_ASSERT_PTR_NOT_NULL_FATAL(text);
		cv->file = de->d_name;
		struct gw_cfg *c;
		cli_load_config_observed(text, &c, load_error, cv, mark_used, cv);
		gw_cfg_free(c);
		free(text);
		files++;
	}
	closedir(d);
	return files;
}

/* Commands whose effect renders as other commands: `resequence` (the entries with their new
 * numbers) and an access-list entry typed without its number (rendered with it). */
static bool rendered_as_others(const struct cli_cmd *c)
{
	return !strncmp(c->syntax, "resequence", 10) || !strncmp(c->syntax, "(permit|deny)", 13);
}

/* Each configuration command is loaded from some NAME.conf and, rendered, is in its
 * NAME.expected (test_cli checks that the one renders to the other). */
static void test_config_commands_in_golden_files(void)
{
	static const char *const suffixes[] = {".conf", ".expected"};
	struct coverage cv;
	cv.cmds = cli_grammar(&cv.n);
	cv.used = calloc(cv.n, sizeof(*cv.used));
	CU_ASSERT_PTR_NOT_NULL_FATAL(cv.used);
	for (size_t k = 0; k < sizeof(suffixes) / sizeof(suffixes[0]); k++) {
		memset(cv.used, 0, cv.n * sizeof(*cv.used));
		CU_ASSERT(golden_coverage(&cv, suffixes[k]) > 0);
		for (size_t i = 0; i < cv.n; i++) {
			if (!(cv.cmds[i]->flags & CLI_F_CONFIG) || cv.used[i] ||
			    (k == 1 && rendered_as_others(cv.cmds[i])))
				continue;
			fprintf(stderr, "\n  \"%s\" appears in no %s/*%s", cv.cmds[i]->syntax,
			        CONFIG_DIR, suffixes[k]);
			CU_FAIL("a configuration command without a golden file");
		}
	}
	free(cv.used);
}

static CU_TestInfo tests[] = {
    {"every help string has one part per word", test_help_one_part_per_word},
    {"ranges come from the model's constants", test_ranges_from_constants},
    {"each range's bounds: taken by the model, past them refused", test_range_bounds},
    {"the trace range shown by ?", test_trace_range_shown},
    {"every configuration command in a golden file", test_config_commands_in_golden_files},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"grammar", NULL, NULL, NULL, NULL, tests},
    CU_SUITE_INFO_NULL,
};

CU_MAIN(suites)
