/*
 * cli/cmd.c - the command engine: tokens, matching with unique-prefix abbreviations,
 * errors that name the bad word, `?` help, TAB completion, output filters, and the
 * candidate/commit cycle of configuration commands.
 */
#include <ctype.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli_int.h"
#include "common/net.h"

#define MAX_TOKS 16
#define MAX_ALTS 4

/* ---------------------------------------------------------------- tokens */

enum tok_kind { T_KEY, T_RANGE, T_IP, T_PREFIX, T_IP6, T_PREFIX6, T_MAC, T_WORD, T_LINE, T_ALT };

struct tok {
	uint8_t kind;
	bool optional;
	uint8_t nalt;
	char text[48]; /* the longest: an alternative of keywords, "(a|b|c)" */
	uint32_t lo, hi;
	struct tok *alt; /* T_ALT: nalt sub-tokens */
	char help[CLI_HELP_MAX];
};

struct form {
	int n;
	struct tok t[MAX_TOKS];
	struct tok alts[MAX_TOKS][MAX_ALTS];
};

/* Parsed syntax of each command: [0] positive, [1] `no` form. */
static struct form *forms;

/* The ranges of a command, taken in order by its "<%u-%u>" tokens. */
struct range_cursor {
	const struct cli_range *range;
	int next;
};

static void tok_parse_range(struct tok *t, struct range_cursor *rc)
{
	t->kind = T_RANGE;
	if (strcmp(t->text, "<%u-%u>")) { /* a literal: refused by the grammar's own test */
		sscanf(t->text, "<%u-%u>", &t->lo, &t->hi);
		return;
	}
	if (rc->next < CLI_RANGES_MAX) {
		t->lo = rc->range[rc->next].lo;
		t->hi = rc->range[rc->next].hi;
	}
	rc->next++;
	snprintf(t->text, sizeof(t->text), "<%u-%u>", t->lo, t->hi);
}

static void tok_parse_one(struct tok *t, const char *s, size_t len, struct range_cursor *rc)
{
	memset(t, 0, sizeof(*t));
	snprintf(t->text, sizeof(t->text), "%.*s", (int)len, s);
	if (t->text[0] == '<') {
		tok_parse_range(t, rc);
	} else if (!strcmp(t->text, "A.B.C.D")) {
		t->kind = T_IP;
	} else if (!strcmp(t->text, "A.B.C.D/M")) {
		t->kind = T_PREFIX;
	} else if (!strcmp(t->text, "X:X::X")) {
		t->kind = T_IP6;
	} else if (!strcmp(t->text, "X:X::X/M")) {
		t->kind = T_PREFIX6;
	} else if (!strcmp(t->text, "H:H:H:H:H:H")) {
		t->kind = T_MAC;
	} else if (!strcmp(t->text, "WORD")) {
		t->kind = T_WORD;
	} else if (!strcmp(t->text, "LINE")) {
		t->kind = T_LINE;
	} else {
		t->kind = T_KEY;
	}
}

/* An alternative's own help: the group's part holds one text per alternative, separated by
 * ';', when it has exactly one ';' fewer than alternatives (cli_int.h); else they share it. */
static void alt_help_split(struct tok *t, const char *h, size_t hl)
{
	int semis = 0;
	for (size_t i = 0; i < hl; i++)
		semis += h[i] == ';';
	if (semis != t->nalt - 1)
		return;
	for (int a = 0; a < t->nalt; a++) {
		size_t l = strcspn(h, ";|");
		snprintf(t->alt[a].help, sizeof(t->alt[a].help), "%.*s", (int)l, h);
		h += l + 1;
	}
}

static void form_parse(struct form *f, const char *syntax, const char *help,
                       const struct cli_range *range)
{
	const char *p = syntax, *h = help ? help : "";
	struct range_cursor rc = {range, 0};
	f->n = 0;
	while (*p && f->n < MAX_TOKS) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		struct tok *t = &f->t[f->n];
		bool opt = *p == '[';
		const char *s = p + opt, *e = s;
		while (*e && *e != ' ' && *e != ']')
			e++;
		if (*s == '(') {
			memset(t, 0, sizeof(*t));
			t->kind = T_ALT;
			t->alt = f->alts[f->n];
			const char *a = s + 1;
			while (a < e && t->nalt < MAX_ALTS) {
				const char *b = a;
				while (b < e && *b != '|' && *b != ')')
					b++;
				tok_parse_one(&t->alt[t->nalt++], a, (size_t)(b - a), &rc);
				a = b + 1;
			}
			snprintf(t->text, sizeof(t->text), "%.*s", (int)(e - s), s);
		} else {
			tok_parse_one(t, s, (size_t)(e - s), &rc);
		}
		t->optional = opt;
		const char *he = strchr(h, '|');
		size_t hl = he ? (size_t)(he - h) : strlen(h);
		snprintf(t->help, sizeof(t->help), "%.*s", (int)hl, h);
		if (t->kind == T_ALT)
			alt_help_split(t, h, hl);
		h = he ? he + 1 : h + hl;
		p = *e == ']' ? e + 1 : e;
		f->n++;
	}
}

/* The parsed syntax of command i of the grammar, its `no` form when neg. */
static const struct form *cmd_form(size_t i, bool neg)
{
	if (!forms) {
		size_t n;
		const struct cli_cmd *const *cmds = cli_grammar(&n);
		forms = calloc(n * 2, sizeof(*forms));
		if (!forms)
			abort(); /* at start-up only: nothing works without the tree */
		for (size_t k = 0; k < n; k++) {
			const struct cli_cmd *c = cmds[k];
			form_parse(&forms[2 * k], c->syntax, c->help, c->range);
			if (c->flags & CLI_F_NO)
				form_parse(&forms[2 * k + 1],
				           c->no_syntax ? c->no_syntax : c->syntax, c->help,
				           c->range);
		}
	}
	return &forms[2 * i + neg];
}

/* ---------------------------------------------------------------- word matching */

enum wmatch { W_NONE = 0, W_BAD, W_VALUE, W_PARTIAL, W_EXACT };

static bool all_digits(const char *w)
{
	if (!*w)
		return false;
	for (; *w; w++)
		if (!isdigit((unsigned char)*w))
			return false;
	return true;
}

uint32_t cli_u32(const char *w)
{
	return (uint32_t)strtoul(w, NULL, 10);
}

uint32_t cli_ip(const char *w)
{
	uint32_t ip = 0;
	net_ip_parse(w, &ip);
	return ip;
}

struct in6_addr cli_ip6(const char *w)
{
	struct in6_addr a = {0};
	net_ip6_parse(w, &a);
	return a;
}

bool cli_word_is_ip6(const char *w)
{
	return strchr(w, ':') != NULL;
}

bool cli_json(const struct cli_args *a)
{
	return a->argc > 2 && !strcmp(a->argv[a->argc - 1], "json");
}

static enum wmatch match_value(const struct tok *t, const char *w)
{
	uint32_t ip;
	struct in6_addr ip6;
	uint8_t len, mac[6];
	switch (t->kind) {
	case T_RANGE: {
		if (!all_digits(w) || strlen(w) > 10)
			return W_BAD;
		unsigned long v = strtoul(w, NULL, 10);
		return v >= t->lo && v <= t->hi ? W_VALUE : W_BAD;
	}
	case T_IP:
		return net_ip_parse(w, &ip) ? W_VALUE : W_BAD;
	case T_PREFIX:
		return net_prefix_parse(w, &ip, &len) ? W_VALUE : W_BAD;
	case T_IP6:
		return net_ip6_parse(w, &ip6) ? W_VALUE : W_BAD;
	case T_PREFIX6:
		return net_ip6_prefix_parse(w, &ip6, &len) ? W_VALUE : W_BAD;
	case T_MAC:
		return net_mac_parse(w, mac) ? W_VALUE : W_BAD;
	default:
		return W_VALUE; /* WORD, LINE */
	}
}

static enum wmatch match_tok(const struct tok *t, const char *w, const struct tok **which)
{
	*which = t;
	if (t->kind == T_KEY) {
		if (!strcmp(t->text, w))
			return W_EXACT;
		return strncmp(t->text, w, strlen(w)) == 0 ? W_PARTIAL : W_NONE;
	}
	if (t->kind != T_ALT)
		return match_value(t, w);
	enum wmatch best = W_NONE;
	int bad = 0;
	for (int i = 0; i < t->nalt; i++) {
		const struct tok *sub;
		enum wmatch m = match_tok(&t->alt[i], w, &sub);
		bad += m == W_BAD;
		if (m > best) {
			best = m;
			*which = sub;
		}
	}
	/* a value fitting none of several placeholders: the error names them all */
	if (best == W_BAD && bad > 1)
		*which = t;
	return best;
}

/* ---------------------------------------------------------------- the matcher */

struct cand {
	const struct cli_cmd *cmd;
	const struct form *f;
	bool neg;
	const struct tok *picked[CLI_MAX_WORDS]; /* token (or alternative) each word matched */
	bool line;                               /* a LINE token swallowed the rest */
};

struct matcher {
	struct cli_sess *s;
	int mode;
	const char **w;
	int nw;
	int ncand;
	struct cand c[512];
	/* diagnosis of a failure */
	int bad_word;
	const struct tok *bad_tok;
	char ambiguous[160];
};

static bool cmd_allowed(const struct cli_sess *s, const struct cli_cmd *c, int mode)
{
	if (!(c->modes & CLI_M(mode)))
		return false;
	return s->enabled || !(c->flags & CLI_F_ENABLE);
}

static void matcher_init(struct matcher *m, struct cli_sess *s, int mode, const char **w, int nw)
{
	/* no memset of the whole (c[] is ~140 KiB, and this runs at every command, `?` and
	 * TAB): the header here, each candidate taken below */
	m->s = s;
	m->mode = mode;
	m->w = w;
	m->nw = nw;
	m->ncand = 0;
	m->bad_word = -1;
	m->bad_tok = NULL;
	m->ambiguous[0] = '\0';
	bool neg = nw > 0 && !strcmp(w[0], "no");
	size_t n;
	const struct cli_cmd *const *cmds = cli_grammar(&n);
	for (size_t i = 0; i < n && m->ncand < (int)(sizeof(m->c) / sizeof(m->c[0])); i++) {
		const struct cli_cmd *c = cmds[i];
		if (!cmd_allowed(s, c, mode) || (neg && !(c->flags & CLI_F_NO)))
			continue;
		struct cand *k = &m->c[m->ncand++];
		k->cmd = c;
		k->f = cmd_form(i, neg);
		k->neg = neg;
		k->line = false;
		/* picked[] past the words typed is never read */
		memset(k->picked, 0, (size_t)nw * sizeof(k->picked[0]));
	}
}

/* Keeps the candidates that can take word i; records why when none can. */
static void matcher_step(struct matcher *m, int i)
{
	int off = i - (m->ncand && m->c[0].neg ? 1 : 0);
	enum wmatch kind[512], best = W_NONE;
	for (int k = 0; k < m->ncand; k++) {
		struct cand *c = &m->c[k];
		kind[k] = W_NONE;
		if (c->line) {
			kind[k] = W_VALUE;
		} else if (off < c->f->n) {
			kind[k] = match_tok(&c->f->t[off], m->w[i], &c->picked[i]);
			if (kind[k] == W_VALUE && c->picked[i]->kind == T_LINE)
				c->line = true;
		}
		if (kind[k] == W_BAD && !m->bad_tok)
			m->bad_tok = c->picked[i];
		if (kind[k] > best)
			best = kind[k];
	}
	/* keywords typed in full beat abbreviations and values; an abbreviation must be
	 * unique among the keywords possible at this position */
	if (best == W_PARTIAL) {
		const char *first = NULL;
		for (int k = 0; k < m->ncand; k++) {
			if (kind[k] != W_PARTIAL)
				continue;
			const char *t = m->c[k].picked[i]->text;
			if (!first) {
				first = t;
				snprintf(m->ambiguous, sizeof(m->ambiguous), "%s", t);
			} else if (strcmp(first, t) && !strstr(m->ambiguous, t)) {
				size_t l = strlen(m->ambiguous);
				snprintf(m->ambiguous + l, sizeof(m->ambiguous) - l, ", %s", t);
			}
		}
		if (strchr(m->ambiguous, ',')) {
			m->bad_word = i;
			m->ncand = 0;
			return;
		}
		m->ambiguous[0] = '\0';
	}
	int n = 0;
	for (int k = 0; k < m->ncand; k++)
		if (best >= W_VALUE && kind[k] == best)
			m->c[n++] = m->c[k];
	if (n == 0)
		m->bad_word = i;
	m->ncand = n;
}

static int matcher_run(struct matcher *m)
{
	int start = m->nw > 0 && !strcmp(m->w[0], "no") ? 1 : 0;
	for (int i = start; i < m->nw && m->ncand; i++)
		matcher_step(m, i);
	return m->ncand;
}

/* Is the candidate's syntax satisfied after nw words? */
static bool cand_complete(const struct cand *c, int nw)
{
	int used = nw - (c->neg ? 1 : 0);
	if (c->line)
		return true;
	for (int t = used; t < c->f->n; t++)
		if (!c->f->t[t].optional)
			return false;
	return true;
}

static void describe_expected(const struct matcher *m, char *buf, size_t len)
{
	buf[0] = '\0';
	for (int k = 0; k < m->ncand; k++) {
		const struct cand *c = &m->c[k];
		int used = m->nw - (c->neg ? 1 : 0);
		if (used >= c->f->n)
			continue;
		const char *t = c->f->t[used].text;
		if (strstr(buf, t))
			continue;
		size_t l = strlen(buf);
		snprintf(buf + l, len - l, "%s%s", l ? ", " : "", t);
	}
}

static int report_failure(const struct matcher *m, struct cli_out *out)
{
	if (m->ambiguous[0])
		return cli_err(out, "Ambiguous command \"%s\": %s", m->w[m->bad_word],
		               m->ambiguous);
	if (m->bad_word < 0) {
		char exp[200];
		describe_expected(m, exp, sizeof(exp));
		return cli_err(out, "Incomplete command: expected %s", exp[0] ? exp : "more");
	}
	const char *w = m->w[m->bad_word];
	if (m->bad_tok)
		return cli_err(out, "Invalid value \"%s\": expected %s", w, m->bad_tok->text);
	if (m->bad_word == 0 || (m->bad_word == 1 && !strcmp(m->w[0], "no")))
		return cli_err(out, "Unknown command \"%s\"", w);
	return cli_err(out, "Invalid input \"%s\"", w);
}

/* ---------------------------------------------------------------- words and filters */

static int split_words(char *line, const char **w)
{
	int n = 0;
	char *save = NULL;
	for (char *t = strtok_r(line, " \t\r\n", &save); t; t = strtok_r(NULL, " \t\r\n", &save)) {
		if (n == CLI_MAX_WORDS)
			return -1;
		w[n++] = t;
	}
	return n;
}

enum filter_kind { F_INCLUDE, F_EXCLUDE, F_BEGIN, F_COUNT };

struct filter {
	int kind;
	regex_t re;
};

static const char *const filter_names[] = {"include", "exclude", "begin", "count"};

/*
 * glibc's regcomp expands a{m,n} into n copies of a and x+ into x x*, nested and stacked
 * repetitions multiplied, and its regexec backtracks on back-references:
 * `(a{1,1000}){1,1000}` took 23 s and 8 GB to compile, `x` followed by 29 `+` exhausted
 * 2 GB, `(.*)(.*)(.*)(.*)(.*)\5\4\3\2\1x` took 17 s to match one 60-character line - in
 * the main loop, which also forwards the packets. So back-references are refused (POSIX
 * EREs have none), a count may be at most FILTER_REPEAT_MAX, and the pattern, expanded
 * as regcomp does, at most FILTER_SIZE_MAX items (a 1,024-character literal fits). And
 * what can match the empty string is not repeated: regcomp's closure over its empty
 * matches grows much faster than its size (`()` followed by 13 `+` took more than 10 s,
 * `((a*)*){1000}` 1.4 s; found by fuzz_config_model). `(ab)*`, `a?` and `(x|y)+` are
 * fine; `(a*)+`, `(a|)*` and `x?*` are refused.
 */
#define FILTER_REPEAT_MAX 1000
#define FILTER_SIZE_MAX   2048
#define FILTER_DEPTH_MAX  32
#define FILTER_TOO_COSTLY (FILTER_SIZE_MAX + 1ul)

/* Past a bracket expression starting at p ('['): no repetition or escape inside. */
static const char *filter_skip_bracket(const char *p)
{
	p += p[1] == '^' ? 2 : 1;
	if (*p == ']')
		p++;
	while (*p && *p != ']') {
		if (*p == '[' && (p[1] == ':' || p[1] == '.' || p[1] == '=')) {
			const char *e = strchr(p + 2, p[1]);
			p = e && e[1] == ']' ? e + 1 : p;
		}
		p++;
	}
	return *p ? p + 1 : p; /* unterminated: regcomp refuses it */
}

/* How many copies a repetition operator at *p makes of what precedes it (1 for * and ?),
 * 0 when *p is none; advances *p past it, and says whether it may repeat it 0 times.
 * FILTER_TOO_COSTLY: a count too large. */
static unsigned long filter_dup_factor(const char **pp, bool *none)
{
	const char *p = *pp;
	if (*p == '*' || *p == '?' || *p == '+') {
		*pp = p + 1;
		*none = *p != '+';
		return *p == '+' ? 2 : 1;
	}
	if (*p != '{' || !(isdigit((unsigned char)p[1]) || p[1] == ','))
		return 0; /* "{,N}" is "{0,N}" to glibc (found by fuzz_config_model: 2 GB) */
	char *e;
	unsigned long m = strtoul(p + 1, &e, 10), n = m;
	if (*e == ',' && isdigit((unsigned char)e[1]))
		n = strtoul(e + 1, &e, 10);
	*pp = *e == '}' ? e + 1 : e;
	*none = m == 0;
	if (m > FILTER_REPEAT_MAX || n > FILTER_REPEAT_MAX)
		return FILTER_TOO_COSTLY;
	return n > m ? n : m > 0 ? m : 1;
}

/*
 * The size of the pattern from *pp to the ')' closing this group (or the end), expanded
 * as regcomp expands it: items add up, a repetition multiplies what it applies to; *empty
 * says whether it can match the empty string (a branch of items that all can). lead: an
 * unbalanced ')' before it, an ordinary character. FILTER_TOO_COSTLY once past
 * FILTER_SIZE_MAX, with a back-reference, or with a repetition of what can match empty.
 */
static unsigned long filter_size(const char **pp, int depth, unsigned long lead, bool *empty)
{
	const char *p = *pp;
	unsigned long total = lead, last = lead; /* last: the item a repetition would apply to */
	/* whether the last item, the branch's items before it, and an earlier branch can match
	 * the empty string */
	bool last_empty = false, before_empty = true, branch_empty = !lead;
	*empty = false;
	if (depth > FILTER_DEPTH_MAX)
		return FILTER_TOO_COSTLY;
	while (*p && *p != ')' && total <= FILTER_SIZE_MAX) {
		bool none = false, item_empty = false;
		unsigned long f = filter_dup_factor(&p, &none), item = 1;
		if (f) {
			if (f == FILTER_TOO_COSTLY || last_empty || last * f > FILTER_SIZE_MAX)
				return FILTER_TOO_COSTLY;
			total += last * (f - 1);
			last *= f;
			last_empty = none;
			branch_empty = before_empty && last_empty;
			continue;
		}
		if (*p == '(') {
			p++;
			item = 1 + filter_size(&p, depth + 1, 0, &item_empty);
			if (item > FILTER_SIZE_MAX)
				return FILTER_TOO_COSTLY;
			p += *p == ')';
		} else if (*p == '[') {
			p = filter_skip_bracket(p);
		} else if (*p == '\\') {
			if (p[1] >= '1' && p[1] <= '9')
				return FILTER_TOO_COSTLY;
			p += p[1] ? 2 : 1;
		} else if (*p == '|') { /* a new branch: what follows repeats nothing */
			*empty |= branch_empty;
			p++;
			total++;
			last = 0;
			last_empty = before_empty = branch_empty = true;
			continue;
		} else {
			item_empty = *p == '^' || *p == '$';
			p++;
		}
		total += item;
		last = item;
		last_empty = item_empty;
		before_empty = branch_empty;
		branch_empty = before_empty && last_empty;
	}
	*empty |= branch_empty;
	*pp = p;
	return total <= FILTER_SIZE_MAX ? total : FILTER_TOO_COSTLY;
}

static bool filter_regex_cheap(const char *re)
{
	/* An unbalanced ')' is an ordinary character to glibc, which repetitions after it
	 * apply to: the lead item of what follows (found by fuzz_config_model: 24 GB). */
	unsigned long total = 0, lead = 0;
	bool empty;
	for (;;) {
		unsigned long n = filter_size(&re, 0, lead, &empty);
		if (n == FILTER_TOO_COSTLY || (total += n) > FILTER_SIZE_MAX)
			return false;
		if (!*re)
			return true;
		re++;
		lead = 1;
	}
}

static int filter_parse(char *spec, struct filter *f, struct cli_out *out)
{
	while (isspace((unsigned char)*spec))
		spec++;
	char *arg = spec;
	while (*arg && !isspace((unsigned char)*arg))
		arg++;
	size_t kl = (size_t)(arg - spec);
	if (*arg)
		*arg++ = '\0';
	while (isspace((unsigned char)*arg))
		arg++;
	int kind = -1;
	for (int i = 0; i < 4; i++)
		if (kl && !strncmp(filter_names[i], spec, kl))
			kind = kind < 0 ? i : -2;
	if (kind < 0)
		return cli_err(out, "Unknown filter \"%s\": include, exclude, begin or count",
		               spec);
	f->kind = kind;
	if (kind == F_COUNT)
		return *arg ? cli_err(out, "Invalid input \"%s\" after count", arg) : CLI_R_OK;
	size_t al = strlen(arg);
	while (al && isspace((unsigned char)arg[al - 1]))
		arg[--al] = '\0';
	if (!al)
		return cli_err(out, "Incomplete command: %s needs a regular expression",
		               filter_names[kind]);
	if (!filter_regex_cheap(arg))
		return cli_err(out,
		               "Regular expression \"%s\" too costly: no back-references, no "
		               "repetition of what can match nothing, counts up to %d, at most %d "
		               "items once repetitions are expanded",
		               arg, FILTER_REPEAT_MAX, FILTER_SIZE_MAX);
	if (regcomp(&f->re, arg, REG_EXTENDED | REG_NOSUB))
		return cli_err(out, "Invalid regular expression \"%s\"", arg);
	return CLI_R_OK;
}

/* Applies the filters to the output produced from `from` on. */
static void filters_apply(struct cli_out *out, size_t from, struct filter *f, int nf)
{
	for (int i = 0; i < nf; i++) {
		char *text = strndup(out->buf ? out->buf + from : "", out->len - from);
		if (!text)
			return;
		out->len = from;
		if (out->buf)
			out->buf[from] = '\0';
		bool begun = false;
		unsigned count = 0;
		char *save = NULL;
		for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
			bool hit = f[i].kind == F_COUNT || regexec(&f[i].re, l, 0, NULL, 0) == 0;
			bool show = f[i].kind == F_INCLUDE   ? hit
			            : f[i].kind == F_EXCLUDE ? !hit
			            : f[i].kind == F_BEGIN   ? (begun |= hit)
			                                     : false;
			count += f[i].kind == F_COUNT;
			if (show)
				cli_printf(out, "%s\n", l);
		}
		if (f[i].kind == F_COUNT)
			cli_printf(out, "Count: %u lines\n", count);
		free(text);
	}
}

/* ---------------------------------------------------------------- execution */

struct cli_sess *cli_sess_new(const struct cli_env *env, bool enabled)
{
	struct cli_sess *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->env = env;
	s->enabled = enabled;
	s->mode = CLI_MODE_EXEC;
	return s;
}

void cli_sess_free(struct cli_sess *s)
{
	if (s)
		cli_cancel(s);
	free(s);
}

void cli_sess_set_sink(struct cli_sess *s, const struct cli_sink *sink)
{
	s->sink = *sink;
}

void cli_cancel(struct cli_sess *s)
{
	if (s->pending)
		s->pending->cancel(s);
}

void cli_abort(struct cli_sess *s)
{
	if (s->pending)
		s->pending->abort(s);
}

int cli_mode(const struct cli_sess *s)
{
	return s->mode;
}

static void args_fill(struct cli_args *a, const struct cand *c, const char **w, int nw)
{
	memset(a, 0, sizeof(*a));
	a->neg = c->neg;
	for (int i = 0; i < nw; i++) {
		const struct tok *t = c->picked[i];
		bool key = !c->line && t && t->kind == T_KEY;
		snprintf(a->store[i], CLI_WORD_MAX, "%s", key ? t->text : w[i]);
		a->argv[a->argc++] = a->store[i];
		if (i == 0 && c->neg)
			continue;
		int off = i - (c->neg ? 1 : 0);
		bool is_alt = !c->line && off < c->f->n && c->f->t[off].kind == T_ALT;
		if (!key || is_alt || c->line)
			a->val[a->nval++] = a->store[i];
	}
}

static int run_config(struct cli_sess *s, const struct cli_cmd *cmd, const struct cli_args *a,
                      struct cli_out *out)
{
	if (s->loading)
		return cmd->fn(s, a, out);
	const struct gw_cfg *running = s->env->running(s->env->ctx);
	s->cand = gw_cfg_clone(running);
	if (!s->cand)
		return cli_err(out, "out of memory");
	int mode = s->mode, acl_fam = s->acl_fam;
	uint32_t bd = s->bd_id;
	char ifname[GW_IF_NAMELEN], acl[ACL_NAMELEN];
	memcpy(ifname, s->ifname, sizeof(ifname));
	memcpy(acl, s->acl, sizeof(acl));
	int r = cmd->fn(s, a, out);
	char err[GW_CFG_ERRLEN];
	if (r == CLI_R_OK && !gw_cfg_equal(running, s->cand)) {
		if (s->env->commit(s->env->ctx, s->cand, err) == GW_CFG_OK)
			s->cand = NULL; /* adopted */
		else
			r = cli_err(out, "%s", err);
	}
	if (r != CLI_R_OK) { /* nothing changed: the mode neither */
		s->mode = mode;
		s->bd_id = bd;
		memcpy(s->ifname, ifname, sizeof(ifname));
		s->acl_fam = acl_fam;
		memcpy(s->acl, acl, sizeof(acl));
	}
	gw_cfg_free(s->cand);
	s->cand = NULL;
	return r;
}

/* Matches w in `mode`; CLI_R_OK with *pick set, or CLI_R_ERROR with the reason printed. */
static int resolve(struct cli_sess *s, int mode, const char **w, int nw, struct cand *pick,
                   struct cli_out *out)
{
	static struct matcher m; /* large; the engine runs on one thread */
	matcher_init(&m, s, mode, w, nw);
	if (!matcher_run(&m))
		return out ? report_failure(&m, out) : CLI_R_ERROR;
	for (int k = 0; k < m.ncand; k++) {
		if (cand_complete(&m.c[k], nw)) {
			*pick = m.c[k];
			return CLI_R_OK;
		}
	}
	m.bad_word = -1;
	return out ? report_failure(&m, out) : CLI_R_ERROR;
}

static int exec_words(struct cli_sess *s, const char **w, int nw, struct cli_out *out)
{
	static struct cand pick;
	size_t mark = out->len;
	if (resolve(s, s->mode, w, nw, &pick, out) != CLI_R_OK) {
		/* a configuration command typed in a sub-mode leaves the sub-mode (as IOS does) */
		if (s->mode == CLI_MODE_EXEC || s->mode == CLI_MODE_CONFIG)
			return CLI_R_ERROR;
		if (resolve(s, CLI_MODE_CONFIG, w, nw, &pick, NULL) != CLI_R_OK)
			return CLI_R_ERROR;
		out->len = mark;
		if (out->buf)
			out->buf[mark] = '\0';
		s->mode = CLI_MODE_CONFIG;
	}
	static struct cli_args a;
	args_fill(&a, &pick, w, nw);
	int r = pick.cmd->flags & CLI_F_CONFIG ? run_config(s, pick.cmd, &a, out)
	                                       : pick.cmd->fn(s, &a, out);
	if (s->on_run)
		s->on_run(s->on_run_arg, pick.cmd, pick.neg, r);
	return r;
}

int cli_exec(struct cli_sess *s, const char *line, struct cli_out *out)
{
	char *copy = strdup(line);
	if (!copy)
		return cli_err(out, "out of memory");
	struct filter filt[4];
	int nf = 0, r = CLI_R_OK;
	char *bar = strstr(copy, " |");
	if (bar) {
		*bar = '\0';
		char *spec = bar + 2, *next;
		do {
			next = strstr(spec, " | ");
			if (next)
				*next = '\0';
			if (nf == 4 || filter_parse(spec, &filt[nf], out) != CLI_R_OK) {
				r = nf == 4 ? cli_err(out, "At most 4 filters") : CLI_R_ERROR;
				goto done;
			}
			nf++;
			spec = next ? next + 3 : NULL;
		} while (spec);
	}
	const char *w[CLI_MAX_WORDS];
	int nw = split_words(copy, w);
	if (nw < 0) {
		r = cli_err(out, "Too many words (at most %d)", CLI_MAX_WORDS);
		goto done;
	}
	if (nw == 0 || w[0][0] == '!' || w[0][0] == '#')
		goto done;
	size_t from = out->len;
	r = exec_words(s, w, nw, out);
	if (nf && r == CLI_R_PENDING) { /* its output is not all here: nothing to filter */
		cli_cancel(s);
		out->len = from;
		r = cli_err(out, "Output filters do not apply to %s", w[0]);
	}
	if (nf && r == CLI_R_OK)
		filters_apply(out, from, filt, nf);
done:
	for (int i = 0; i < nf; i++)
		if (filt[i].kind != F_COUNT)
			regfree(&filt[i].re);
	free(copy);
	return r;
}

const char *cli_hostname(const struct cli_sess *s)
{
	const struct gw_cfg *c = s->env->running ? s->env->running(s->env->ctx) : NULL;
	return c ? c->hostname : GW_CFG_HOSTNAME_DEFAULT;
}

const char *cli_prompt(struct cli_sess *s, char *buf, size_t len)
{
	const char *h = cli_hostname(s);
	switch (s->mode) {
	case CLI_MODE_CONFIG:
		snprintf(buf, len, "%s(config)#", h);
		break;
	case CLI_MODE_BD:
		snprintf(buf, len, "%s(config-bd-%u)#", h, s->bd_id);
		break;
	case CLI_MODE_IF:
		snprintf(buf, len, "%s(config-if-%s)#", h, s->ifname);
		break;
	case CLI_MODE_VTY:
		snprintf(buf, len, "%s(config-line)#", h);
		break;
	case CLI_MODE_ACL: /* as NX-OS */
		snprintf(buf, len, "%s(config-%sacl)#", h, s->acl_fam == ACL_IP6 ? "ipv6-" : "");
		break;
	default:
		snprintf(buf, len, "%s%s", h, s->enabled ? "#" : ">");
	}
	return buf;
}

/* ---------------------------------------------------------------- help and completion */

static void list_next(struct cli_sess *s, const char **w, int nw, const char *prefix,
                      bool with_help, struct cli_out *out)
{
	static struct matcher m;
	char seen[4096] = "";
	bool any_complete = false;
	matcher_init(&m, s, s->mode, w, nw);
	if (nw && !matcher_run(&m))
		return;
	for (int k = 0; k < m.ncand; k++) {
		const struct cand *c = &m.c[k];
		int used = nw - (c->neg ? 1 : 0);
		any_complete |= prefix[0] == '\0' && cand_complete(c, nw);
		if (c->line || used >= c->f->n)
			continue;
		const struct tok *t = &c->f->t[used];
		int nalt = t->kind == T_ALT ? t->nalt : 1;
		for (int a = 0; a < nalt; a++) {
			const struct tok *x = t->kind == T_ALT ? &t->alt[a] : t;
			if (prefix[0] &&
			    (x->kind != T_KEY || strncmp(x->text, prefix, strlen(prefix))))
				continue;
			char key[sizeof(x->text) + 2];
			snprintf(key, sizeof(key), "|%s|", x->text);
			if (strstr(seen, key))
				continue;
			if (strlen(seen) + strlen(key) < sizeof(seen))
				strcat(seen, key);
			if (with_help)
				cli_printf(out, "  %-22s %s\n", x->text,
				           x->help[0] ? x->help : t->help);
			else
				cli_printf(out, "%s\n", x->text);
		}
	}
	if (with_help && any_complete)
		cli_printf(out, "  %-22s %s\n", "<cr>", "");
}

static int split_partial(const char *partial, char *buf, size_t len, const char **w, char **last)
{
	snprintf(buf, len, "%s", partial);
	size_t l = strlen(buf);
	bool trailing_space = l == 0 || isspace((unsigned char)buf[l - 1]);
	int nw = split_words(buf, w);
	if (nw < 0)
		return -1;
	*last = NULL;
	if (!trailing_space && nw > 0)
		*last = (char *)w[--nw];
	return nw;
}

void cli_query_help(struct cli_sess *s, const char *partial, struct cli_out *out)
{
	char buf[1024];
	const char *w[CLI_MAX_WORDS];
	char *last;
	int nw = split_partial(partial, buf, sizeof(buf), w, &last);
	if (nw >= 0)
		list_next(s, w, nw, last ? last : "", true, out);
}

void cli_query_complete(struct cli_sess *s, const char *partial, struct cli_out *out)
{
	char buf[1024];
	const char *w[CLI_MAX_WORDS];
	char *last;
	int nw = split_partial(partial, buf, sizeof(buf), w, &last);
	if (nw >= 0)
		list_next(s, w, nw, last ? last : "", false, out);
}
