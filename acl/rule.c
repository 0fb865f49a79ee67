/*
 * acl/rule.c - the one syntax of an access-list entry: parsing the words of a line into a
 * struct acl_rule and rendering it back (acl/acl.h), so the CLI, the config file and the
 * running-config cannot disagree on it.
 */
#include "acl.h"

#include "common/net.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define PROTO_TCP   6
#define PROTO_UDP   17
#define PROTO_ICMP  1
#define PROTO_ICMP6 58

struct acl_name {
	const char *name;
	unsigned value;
};

static const struct acl_name protos[] = {
    {"tcp", PROTO_TCP}, {"udp", PROTO_UDP}, {"sctp", 132}, {"gre", 47}, {"esp", 50}, {"ah", 51},
};

/* Names a port may be written with; ports are rendered as numbers. */
static const struct acl_name ports[] = {
    {"ftp-data", 20}, {"ftp", 21},    {"ssh", 22},  {"telnet", 23}, {"smtp", 25},    {"domain", 53},
    {"bootps", 67},   {"bootpc", 68}, {"tftp", 69}, {"www", 80},    {"http", 80},    {"pop3", 110},
    {"ntp", 123},     {"snmp", 161},  {"bgp", 179}, {"https", 443}, {"syslog", 514},
};

/* ICMP types by name, rendered with the first name of their value. */
static const struct acl_name icmp4_types[] = {
    {"echo-reply", 0},
    {"unreachable", 3},
    {"redirect", 5},
    {"echo", 8},
    {"router-advertisement", 9},
    {"router-solicitation", 10},
    {"time-exceeded", 11},
    {"parameter-problem", 12},
    {"timestamp-request", 13},
    {"timestamp-reply", 14},
};

static const struct acl_name icmp6_types[] = {
    {"unreachable", 1},
    {"packet-too-big", 2},
    {"time-exceeded", 3},
    {"parameter-problem", 4},
    {"echo-request", 128},
    {"echo", 128},
    {"echo-reply", 129},
    {"router-solicitation", 133},
    {"router-advertisement", 134},
    {"nd-ns", 135},
    {"nd-na", 136},
};

#define NAMES(a) a, sizeof(a) / sizeof((a)[0])

static bool name_value(const struct acl_name *t, size_t n, const char *w, unsigned *v)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(t[i].name, w) == 0) {
			*v = t[i].value;
			return true;
		}
	return false;
}

static const char *value_name(const struct acl_name *t, size_t n, unsigned v)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].value == v)
			return t[i].name;
	return NULL;
}

/* A decimal number 0..max without sign, leading zeros or anything else. */
static bool parse_number(const char *w, unsigned long max, unsigned long *v)
{
	size_t digits = strspn(w, "0123456789");
	if (digits == 0 || digits > 10 || w[digits] != '\0' || (digits > 1 && w[0] == '0'))
		return false;
	unsigned long x = 0;
	for (size_t i = 0; i < digits; i++)
		x = x * 10 + (unsigned long)(w[i] - '0');
	if (x > max)
		return false;
	*v = x;
	return true;
}

/* The words being parsed, and where a message about them goes. */
struct words {
	int fam;
	int argc, i;
	const char *const *argv;
	char *err;
};

static const char *peek(const struct words *w)
{
	return w->i < w->argc ? w->argv[w->i] : NULL;
}

static const char *next(struct words *w)
{
	return w->i < w->argc ? w->argv[w->i++] : NULL;
}

static int fail(struct words *w, const char *word, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* -1 with `"WORD": message` (or the message alone at the end of the line). */
static int fail(struct words *w, const char *word, const char *fmt, ...)
{
	char msg[ACL_ERRLEN - 72]; /* room for the quoted word */
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (word)
		snprintf(w->err, ACL_ERRLEN, "\"%.64s\": %s", word, msg);
	else
		snprintf(w->err, ACL_ERRLEN, "%s", msg);
	return -1;
}

/* -1: the line ended where `what` was expected, after its last word. */
static int fail_end(struct words *w, const char *what)
{
	if (w->i == 0)
		return fail(w, NULL, "an empty entry: %s expected", what);
	return fail(w, w->argv[w->i - 1], "%s expected after it", what);
}

static int parse_seq(struct words *w, struct acl_rule *r)
{
	const char *s = peek(w);
	unsigned long v;
	if (!s || !isdigit((unsigned char)s[0]))
		return 0;
	w->i++;
	if (!parse_number(s, ACL_SEQ_MAX, &v) || v == 0)
		return fail(w, s, "sequence number out of range (1-%u)", ACL_SEQ_MAX);
	r->seq = (uint32_t)v;
	return 0;
}

static int parse_action(struct words *w, struct acl_rule *r)
{
	const char *s = next(w);
	if (!s)
		return fail_end(w, "permit or deny");
	if (strcmp(s, "permit") == 0)
		r->action = ACL_PERMIT;
	else if (strcmp(s, "deny") == 0)
		r->action = ACL_DENY;
	else
		return fail(w, s, "permit or deny expected");
	return 0;
}

static unsigned icmp_proto(int fam)
{
	return fam == ACL_IP6 ? PROTO_ICMP6 : PROTO_ICMP;
}

static int parse_proto(struct words *w, struct acl_rule *r)
{
	const char *s = next(w);
	const char *any = w->fam == ACL_IP6 ? "ipv6" : "ip";
	unsigned v;
	unsigned long n;
	if (!s)
		return fail_end(w, "a protocol");
	if (strcmp(s, any) == 0)
		r->proto = ACL_PROTO_ANY;
	else if (strcmp(s, "icmpv6") == 0 && w->fam == ACL_IP6)
		r->proto = PROTO_ICMP6;
	else if (strcmp(s, "icmp") == 0)
		r->proto = (int16_t)icmp_proto(w->fam);
	else if (name_value(NAMES(protos), s, &v))
		r->proto = (int16_t)v;
	else if (parse_number(s, 255, &n))
		r->proto = (int16_t)n;
	else if (strcmp(s, "ip") == 0 || strcmp(s, "ipv6") == 0 || strcmp(s, "icmpv6") == 0)
		return fail(w, s, "not in an %s access list", w->fam == ACL_IP6 ? "IPv6" : "IPv4");
	else
		return fail(w, s,
		            "a protocol expected (%s, tcp, udp, icmp%s, sctp, gre, esp, ah "
		            "or 0-255)",
		            any, w->fam == ACL_IP6 ? ", icmpv6" : "");
	return 0;
}

/* The mask of the top len bits of a 128-bit value, as its hi and lo halves. */
static void prefix_mask(unsigned len, uint64_t *hi, uint64_t *lo)
{
	*hi = len == 0 ? 0 : len >= 64 ? ~0ull : ~0ull << (64 - len);
	*lo = len <= 64 ? 0 : len >= 128 ? ~0ull : ~0ull << (128 - len);
}

static void prefix_from_ip6(const struct in6_addr *a, uint8_t len, struct acl_prefix *p)
{
	p->hi = 0;
	p->lo = 0;
	for (int i = 0; i < 8; i++) {
		p->hi = p->hi << 8 | a->s6_addr[i];
		p->lo = p->lo << 8 | a->s6_addr[8 + i];
	}
	p->len = len;
}

static bool host_bits_set(int fam, const struct acl_prefix *p)
{
	uint64_t mh, ml;
	prefix_mask(fam == ACL_IP6 ? p->len : 96u + p->len, &mh, &ml);
	return (p->hi & ~mh) || (p->lo & ~ml);
}

/* An address of the list's family: A (host) or A/L; false if it is not one. */
static bool parse_address(int fam, const char *s, bool host, struct acl_prefix *p)
{
	if (fam == ACL_IP4) {
		uint32_t ip;
		uint8_t len = 32;
		if (host ? !net_ip_parse(s, &ip) : !net_prefix_parse(s, &ip, &len))
			return false;
		*p = (struct acl_prefix){.hi = 0, .lo = ip, .len = len};
		return true;
	}
	struct in6_addr a;
	uint8_t len = 128;
	if (host ? !net_ip6_parse(s, &a) : !net_ip6_prefix_parse(s, &a, &len))
		return false;
	prefix_from_ip6(&a, len, p);
	return true;
}

/* An IPv6 address has a colon (even with an IPv4 tail), an IPv4 one dots alone. */
static bool looks_like_other_family(int fam, const char *s)
{
	bool colon = strchr(s, ':') != NULL;
	return fam == ACL_IP4 ? colon : !colon && strchr(s, '.') != NULL;
}

static int parse_prefix(struct words *w, const char *what, struct acl_prefix *p)
{
	const char *s = next(w);
	const char *fam = w->fam == ACL_IP6 ? "IPv6" : "IPv4";
	if (!s)
		return fail_end(w, what);
	if (strcmp(s, "any") == 0) {
		*p = (struct acl_prefix){0};
		return 0;
	}
	bool host = strcmp(s, "host") == 0;
	if (host && !(s = next(w)))
		return fail(w, "host", "an %s address expected after it", fam);
	if (looks_like_other_family(w->fam, s))
		return fail(w, s, "not in an %s access list", fam);
	if (!parse_address(w->fam, s, host, p))
		return fail(w, s,
		            host ? "an %s address expected"
		                 : "any, host A or an %s prefix A/L "
		                   "expected",
		            fam);
	if (host_bits_set(w->fam, p))
		return fail(w, s, "host bits set below the prefix length");
	return 0;
}

static const struct acl_name port_ops[] = {
    {"eq", ACL_PORT_EQ}, {"neq", ACL_PORT_NEQ},     {"lt", ACL_PORT_LT},
    {"gt", ACL_PORT_GT}, {"range", ACL_PORT_RANGE},
};

static int parse_port(struct words *w, const char *op, uint16_t *port)
{
	const char *s = next(w);
	unsigned v;
	unsigned long n;
	if (!s)
		return fail(w, op, "a port (0-65535 or a name) expected after it");
	if (name_value(NAMES(ports), s, &v))
		n = v;
	else if (!parse_number(s, 65535, &n))
		return fail(w, s,
		            isdigit((unsigned char)s[0]) ? "port out of range (0-65535)"
		                                         : "a port (0-65535 or a name) expected");
	*port = (uint16_t)n;
	return 0;
}

static bool has_ports(const struct acl_rule *r)
{
	return r->proto == PROTO_TCP || r->proto == PROTO_UDP;
}

/* An optional port match after an address: eq, neq, lt, gt or range. */
static int parse_ports(struct words *w, const struct acl_rule *r, struct acl_ports *p)
{
	const char *s = peek(w);
	unsigned op;
	*p = (struct acl_ports){.op = ACL_PORT_ANY};
	if (!s || !name_value(NAMES(port_ops), s, &op))
		return 0;
	w->i++;
	if (!has_ports(r))
		return fail(w, s, "ports are matched for tcp and udp only");
	p->op = (uint8_t)op;
	if (parse_port(w, s, &p->lo) < 0)
		return -1;
	const char *last = w->argv[w->i - 1];
	switch (op) {
	case ACL_PORT_LT:
		if (p->lo == 0)
			return fail(w, last, "lt 0 matches no port");
		break;
	case ACL_PORT_GT:
		if (p->lo == 65535)
			return fail(w, last, "gt 65535 matches no port");
		break;
	case ACL_PORT_RANGE:
		if (parse_port(w, last, &p->hi) < 0)
			return -1;
		if (p->hi < p->lo)
			return fail(w, w->argv[w->i - 1], "range ends below its start %u", p->lo);
		return 0;
	}
	p->hi = p->lo;
	return 0;
}

static const struct acl_name *icmp_types(int fam, size_t *n)
{
	*n = fam == ACL_IP6 ? sizeof icmp6_types / sizeof icmp6_types[0]
	                    : sizeof icmp4_types / sizeof icmp4_types[0];
	return fam == ACL_IP6 ? icmp6_types : icmp4_types;
}

static bool is_icmp(int fam, const struct acl_rule *r)
{
	return r->proto == (int16_t)icmp_proto(fam);
}

/* An optional ICMP type (a name or a number) and code after the destination. */
static int parse_icmp(struct words *w, struct acl_rule *r)
{
	const char *s = peek(w);
	size_t nt;
	const struct acl_name *types = icmp_types(w->fam, &nt);
	unsigned v;
	unsigned long n;
	r->icmp_type = r->icmp_code = ACL_ICMP_ANY;
	if (!s || !is_icmp(w->fam, r) || strcmp(s, "established") == 0 ||
	    strcmp(s, "fragments") == 0 || strcmp(s, "log") == 0)
		return 0;
	w->i++;
	if (name_value(types, nt, s, &v))
		n = v;
	else if (!parse_number(s, 255, &n))
		return fail(w, s, "an ICMP type (0-255 or a name) expected");
	r->icmp_type = (int16_t)n;
	s = peek(w);
	if (!s || !isdigit((unsigned char)s[0]))
		return 0;
	w->i++;
	if (!parse_number(s, 255, &n))
		return fail(w, s, "ICMP code out of range (0-255)");
	r->icmp_code = (int16_t)n;
	return 0;
}

static bool has_l4_match(const struct acl_rule *r)
{
	return r->sport.op != ACL_PORT_ANY || r->dport.op != ACL_PORT_ANY || r->established ||
	       r->icmp_type != ACL_ICMP_ANY;
}

/* The flags at the end, in their order: established, fragments, log. */
static int parse_flags(struct words *w, struct acl_rule *r)
{
	const char *s;
	if ((s = peek(w)) && strcmp(s, "established") == 0) {
		w->i++;
		if (r->proto != PROTO_TCP)
			return fail(w, s, "tcp only");
		r->established = true;
	}
	if ((s = peek(w)) && strcmp(s, "fragments") == 0) {
		w->i++;
		if (has_l4_match(r))
			return fail(w, s,
			            "non-initial fragments carry no ports or ICMP type: not "
			            "with a port, established or ICMP type match");
		r->fragments = true;
	}
	if ((s = peek(w)) && strcmp(s, "log") == 0) {
		w->i++;
		r->log = true;
	}
	if ((s = peek(w)))
		return fail(w, s,
		            "unexpected word (the entry ends with [established] [TYPE "
		            "[CODE]] [fragments] [log])");
	return 0;
}

int acl_rule_parse(int fam, int argc, const char *const *argv, struct acl_rule *r, char *err)
{
	struct words w = {.fam = fam, .argc = argc, .argv = argv, .err = err};
	*r = (struct acl_rule){
	    .proto = ACL_PROTO_ANY, .icmp_type = ACL_ICMP_ANY, .icmp_code = ACL_ICMP_ANY};
	err[0] = '\0';
	if (fam != ACL_IP4 && fam != ACL_IP6)
		return fail(&w, NULL, "no such address family");
	if (parse_seq(&w, r) < 0 || parse_action(&w, r) < 0 || parse_proto(&w, r) < 0 ||
	    parse_prefix(&w, "a source (any, host A or A/L)", &r->src) < 0 ||
	    parse_ports(&w, r, &r->sport) < 0 ||
	    parse_prefix(&w, "a destination (any, host A or A/L)", &r->dst) < 0 ||
	    parse_ports(&w, r, &r->dport) < 0 || parse_icmp(&w, r) < 0 || parse_flags(&w, r) < 0)
		return -1;
	return 0;
}

/* ---- rendering ---- */

/* The words of an entry, as the parser takes them, joined at the end. */
#define OUT_WORDS   20 /* an entry has at most 17 */
#define OUT_WORDLEN 52 /* the longest: an IPv6 prefix (NET_IP6_STRLEN + "/128") */

struct out {
	unsigned n;
	char w[OUT_WORDS][OUT_WORDLEN];
};

/* The next word to write (the last one again when full: never past the array). */
static char *next_word(struct out *o)
{
	return o->w[o->n < OUT_WORDS ? o->n++ : OUT_WORDS - 1];
}

static void word(struct out *o, const char *s)
{
	snprintf(next_word(o), OUT_WORDLEN, "%s", s);
}

static void number(struct out *o, long v)
{
	snprintf(next_word(o), OUT_WORDLEN, "%ld", v);
}

static void name_or_number(struct out *o, const char *name, long v)
{
	if (name)
		word(o, name);
	else
		number(o, v);
}

static void put_proto(struct out *o, int fam, const struct acl_rule *r)
{
	if (r->proto == ACL_PROTO_ANY)
		word(o, fam == ACL_IP6 ? "ipv6" : "ip");
	else if (is_icmp(fam, r))
		word(o, fam == ACL_IP6 ? "icmpv6" : "icmp");
	else
		name_or_number(o, value_name(NAMES(protos), (unsigned)r->proto), r->proto);
}

static void put_prefix(struct out *o, int fam, const struct acl_prefix *p)
{
	char a[NET_IP6_STRLEN];
	if (p->len == 0) {
		word(o, "any");
		return;
	}
	if (fam == ACL_IP6) {
		struct in6_addr x;
		for (int i = 0; i < 8; i++) {
			x.s6_addr[i] = (uint8_t)(p->hi >> (56 - 8 * i));
			x.s6_addr[8 + i] = (uint8_t)(p->lo >> (56 - 8 * i));
		}
		net_ip6_fmt(&x, a);
	} else {
		net_ip_fmt((uint32_t)p->lo, a);
	}
	if (p->len == (fam == ACL_IP6 ? 128 : 32)) {
		word(o, "host");
		word(o, a);
	} else {
		snprintf(next_word(o), OUT_WORDLEN, "%s/%u", a, p->len);
	}
}

static void put_ports(struct out *o, const struct acl_ports *p)
{
	if (p->op == ACL_PORT_ANY || p->op > ACL_PORT_RANGE)
		return;
	word(o, port_ops[p->op - 1].name);
	number(o, p->lo);
	if (p->op == ACL_PORT_RANGE)
		number(o, p->hi);
}

static void put_icmp(struct out *o, int fam, const struct acl_rule *r)
{
	size_t nt;
	const struct acl_name *types = icmp_types(fam, &nt);
	if (r->icmp_type == ACL_ICMP_ANY)
		return;
	name_or_number(o, value_name(types, nt, (unsigned)r->icmp_type), r->icmp_type);
	if (r->icmp_code != ACL_ICMP_ANY)
		number(o, r->icmp_code);
}

void acl_rule_format(int fam, const struct acl_rule *r, char *buf, size_t len)
{
	struct out o = {.n = 0};
	if (r->seq)
		number(&o, r->seq);
	word(&o, r->action == ACL_DENY ? "deny" : "permit");
	put_proto(&o, fam, r);
	put_prefix(&o, fam, &r->src);
	put_ports(&o, &r->sport);
	put_prefix(&o, fam, &r->dst);
	put_ports(&o, &r->dport);
	put_icmp(&o, fam, r);
	if (r->established)
		word(&o, "established");
	if (r->fragments)
		word(&o, "fragments");
	if (r->log)
		word(&o, "log");
	/* joined with single blanks; a buffer too short cuts the line, never overruns */
	size_t used = 0;
	if (len > 0)
		buf[0] = '\0';
	for (unsigned i = 0; i < o.n && used + 1 < len; i++) {
		int k = snprintf(buf + used, len - used, "%s%s", i ? " " : "", o.w[i]);
		used = k < 0 ? len : used + (size_t)k;
	}
}

/* ---- comparing ---- */

/* The parser leaves no host bits set: equal prefixes are equal words. */
static bool prefix_same(const struct acl_prefix *a, const struct acl_prefix *b)
{
	return a->len == b->len && a->hi == b->hi && a->lo == b->lo;
}

static bool ports_same(const struct acl_ports *a, const struct acl_ports *b)
{
	return a->op == b->op && (a->op == ACL_PORT_ANY ||
	                          (a->lo == b->lo && (a->op != ACL_PORT_RANGE || a->hi == b->hi)));
}

bool acl_rule_same(const struct acl_rule *a, const struct acl_rule *b)
{
	return a->action == b->action && a->log == b->log && a->established == b->established &&
	       a->fragments == b->fragments && a->proto == b->proto &&
	       prefix_same(&a->src, &b->src) && prefix_same(&a->dst, &b->dst) &&
	       ports_same(&a->sport, &b->sport) && ports_same(&a->dport, &b->dport) &&
	       a->icmp_type == b->icmp_type && a->icmp_code == b->icmp_code;
}

bool acl_name_ok(const char *name)
{
	static const char chars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	                            "0123456789-_.";
	size_t n = strlen(name);
	/* letters (of the C locale only), digits, - _ . after a letter */
	return n > 0 && n < ACL_NAMELEN && strspn(name, chars) == n &&
	       strchr(chars, name[0]) < chars + 52;
}
