/*
 * test_acl.c - access lists: the syntax of an entry (parse, render, errors naming the
 * word), the compiled classifier against the entries walked one by one (acl/ref.c) on
 * random lists and keys, and the entry counters across threads, clears and versions.
 */
#include "acl/acl.h"
#include "acl/match.h"

#include "acl_testlib.h"
#include "cu_main.h"

#include <pthread.h>
#include <string.h>

/* ---- syntax ---- */

#define WORDS_MAX 32

/* The words of line (in buf), as the CLI hands them over. */
static int split(const char *line, char *buf, size_t len, const char *argv[WORDS_MAX])
{
	int argc = 0;
	snprintf(buf, len, "%s", line);
	for (char *p = strtok(buf, " "); p && argc < WORDS_MAX; p = strtok(NULL, " "))
		argv[argc++] = p;
	return argc;
}

static int parse(int fam, const char *line, struct acl_rule *r, char *err)
{
	char buf[512];
	const char *argv[WORDS_MAX];
	int argc = split(line, buf, sizeof buf, argv);
	return acl_rule_parse(fam, argc, argv, r, err);
}

/* line parses, renders as want (NULL: as itself), and that parses back the same. */
static void check_round_trip(int fam, const char *line, const char *want)
{
	struct acl_rule r, back;
	char err[ACL_ERRLEN], out[ACL_LINELEN];
	int rc = parse(fam, line, &r, err);
	if (rc != 0)
		fprintf(stderr, "\n  parse(%s): %s\n", line, err);
	CU_ASSERT_FATAL(rc == 0);
	acl_rule_format(fam, &r, out, sizeof out);
	if (strcmp(out, want ? want : line) != 0)
		fprintf(stderr, "\n  %s -> %s, not %s\n", line, out, want ? want : line);
	CU_ASSERT_STRING_EQUAL(out, want ? want : line);
	CU_ASSERT_FATAL(parse(fam, out, &back, err) == 0);
	CU_ASSERT(acl_rule_same(&r, &back));
	CU_ASSERT_EQUAL(r.seq, back.seq);
}

static void test_round_trip(void)
{
	static const struct {
		int fam;
		const char *line, *want;
	} cases[] = {
	    {ACL_IP4, "10 permit tcp 10.1.10.0/24 any eq 80", NULL},
	    {ACL_IP4, "20 permit tcp any any established", NULL},
	    {ACL_IP4, "30 permit icmp any any echo", NULL},
	    {ACL_IP4, "40 deny udp any range 5000 6000 10.1.20.0/24", NULL},
	    {ACL_IP4, "50 deny ip any any log", NULL},
	    {ACL_IP4, "permit ip any any", NULL},
	    {ACL_IP4, "4294967294 deny ip any any", NULL},
	    {ACL_IP4, "permit tcp host 192.0.2.1 neq 22 0.0.0.0/0 lt 1024",
	     "permit tcp host "
	     "192.0.2.1 neq 22 "
	     "any lt 1024"},
	    {ACL_IP4, "permit udp 10.0.0.0/8 gt 1023 host 10.9.9.9 eq domain",
	     "permit udp 10.0.0.0/8 gt 1023 host 10.9.9.9 eq 53"},
	    {ACL_IP4, "permit tcp any eq www any eq http", "permit tcp any eq 80 any eq 80"},
	    {ACL_IP4, "permit tcp any any eq ftp-data", "permit tcp any any eq 20"},
	    {ACL_IP4, "permit tcp any any eq bgp", "permit tcp any any eq 179"},
	    {ACL_IP4, "permit udp any any range bootps bootpc", "permit udp any any range 67 68"},
	    {ACL_IP4, "permit udp any any range 7 7", NULL},
	    {ACL_IP4, "permit tcp any any eq 0", NULL},
	    {ACL_IP4, "permit tcp any any eq 65535", NULL},
	    {ACL_IP4, "permit tcp any gt 0 any lt 65535", NULL},
	    {ACL_IP4, "permit icmp any any 3 4", "permit icmp any any unreachable 4"},
	    {ACL_IP4, "permit icmp any any 200", NULL},
	    {ACL_IP4, "permit icmp any any echo-reply 0 log", NULL},
	    {ACL_IP4, "permit 1 any any time-exceeded", "permit icmp any any time-exceeded"},
	    {ACL_IP4, "deny sctp any any", NULL},
	    {ACL_IP4, "deny 132 any any", "deny sctp any any"},
	    {ACL_IP4, "deny gre any any", NULL},
	    {ACL_IP4, "deny esp any any", NULL},
	    {ACL_IP4, "deny ah any any", NULL},
	    {ACL_IP4, "deny 0 any any", NULL},
	    {ACL_IP4, "deny 255 any any", NULL},
	    {ACL_IP4, "deny 58 any any", NULL},
	    {ACL_IP4, "deny ip 10.0.0.0/8 any fragments", NULL},
	    {ACL_IP4, "deny tcp any any fragments log", NULL},
	    {ACL_IP4, "permit ip 0.0.0.0/1 128.0.0.0/1", NULL},
	    {ACL_IP4, "permit ip 10.1.2.3/32 any", "permit ip host 10.1.2.3 any"},
	    {ACL_IP6, "10 permit tcp 2001:db8:10::/64 any eq 443", NULL},
	    {ACL_IP6, "permit tcp 2001:db8:10::/64 any eq https",
	     "permit tcp 2001:db8:10::/64 any eq 443"},
	    {ACL_IP6, "permit ipv6 any host 2001:db8::1", NULL},
	    {ACL_IP6, "permit ipv6 2001:DB8::1/128 ::/0", "permit ipv6 host 2001:db8::1 any"},
	    {ACL_IP6, "permit icmp any any echo", "permit icmpv6 any any echo-request"},
	    {ACL_IP6, "permit icmpv6 any any 128", "permit icmpv6 any any echo-request"},
	    {ACL_IP6, "permit icmpv6 any any nd-ns log", NULL},
	    {ACL_IP6, "permit icmpv6 any any packet-too-big 0", NULL},
	    {ACL_IP6, "permit icmpv6 any any 250 3", NULL},
	    {ACL_IP6, "permit 58 any any router-advertisement",
	     "permit icmpv6 any any "
	     "router-advertisement"},
	    {ACL_IP6, "deny 1 any any", NULL},
	    {ACL_IP6, "deny udp ::ffff:0.0.0.0/96 any", NULL},
	    {ACL_IP6, "deny ipv6 8000::/1 any fragments", NULL},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		check_round_trip(cases[i].fam, cases[i].line, cases[i].want);
}

/* line is refused with a message that starts with want (the bad word in quotes). */
static void check_error(int fam, const char *line, const char *want)
{
	struct acl_rule r;
	char err[ACL_ERRLEN];
	CU_ASSERT_EQUAL(parse(fam, line, &r, err), -1);
	if (strncmp(err, want, strlen(want)) != 0)
		fprintf(stderr, "\n  %s: \"%s\", not starting \"%s\"\n", line, err, want);
	CU_ASSERT(strncmp(err, want, strlen(want)) == 0);
}

static void test_errors(void)
{
	static const struct {
		int fam;
		const char *line, *want;
	} cases[] = {
	    {ACL_IP4, "permit icmp any any eq 80", "\"eq\": "},
	    {ACL_IP4, "permit icmp any eq 80 any", "\"eq\": "},
	    {ACL_IP4, "permit ip any any eq 80", "\"eq\": "},
	    {ACL_IP4, "permit gre any any range 1 2", "\"range\": "},
	    {ACL_IP4, "permit tcp 10.0.0.1/24 any", "\"10.0.0.1/24\": host bits"},
	    {ACL_IP6, "permit tcp 2001:db8::1/64 any", "\"2001:db8::1/64\": host bits"},
	    {ACL_IP4, "permit tcp any lt 0 any", "\"0\": "},
	    {ACL_IP4, "permit tcp any any gt 65535", "\"65535\": "},
	    {ACL_IP4, "permit tcp any range 10 5 any", "\"5\": "},
	    {ACL_IP4, "permit tcp any any eq 65536", "\"65536\": port out of range (0-65535)"},
	    {ACL_IP4, "permit tcp any any eq foo", "\"foo\": "},
	    {ACL_IP4, "permit tcp any any eq", "\"eq\": "},
	    {ACL_IP4, "permit tcp any any range 1", "\"1\": "},
	    {ACL_IP4, "permit udp any any established", "\"established\": "},
	    {ACL_IP4, "permit tcp any any log extra", "\"extra\": "},
	    {ACL_IP4, "permit tcp any any log log", "\"log\": "},
	    {ACL_IP4, "permit tcp any any eq 80 fragments", "\"fragments\": "},
	    {ACL_IP4, "permit tcp any any established fragments", "\"fragments\": "},
	    {ACL_IP4, "permit icmp any any echo fragments", "\"fragments\": "},
	    {ACL_IP4, "permit icmp any any 256", "\"256\": "},
	    {ACL_IP4, "permit icmp any any echo 256", "\"256\": "},
	    {ACL_IP4, "permit icmp any any nd-ns", "\"nd-ns\": "},
	    {ACL_IP4, "permit icmpv6 any any", "\"icmpv6\": "},
	    {ACL_IP4, "permit ipv6 any any", "\"ipv6\": "},
	    {ACL_IP6, "permit ip any any", "\"ip\": "},
	    {ACL_IP4, "permit ip 2001:db8::/32 any", "\"2001:db8::/32\": "},
	    {ACL_IP4, "permit ip any host 2001:db8::1", "\"2001:db8::1\": "},
	    {ACL_IP6, "permit ipv6 10.0.0.0/8 any", "\"10.0.0.0/8\": "},
	    {ACL_IP6, "permit ipv6 any host 10.0.0.1", "\"10.0.0.1\": "},
	    {ACL_IP4, "permit ip 10.0.0.0/33 any", "\"10.0.0.0/33\": "},
	    {ACL_IP4, "permit ip 10.0.0.0 any", "\"10.0.0.0\": "},
	    {ACL_IP4, "permit ip host any any", "\"any\": "},
	    {ACL_IP4, "permit ip any", "\"any\": a destination"},
	    {ACL_IP4, "permit 256 any any", "\"256\": "},
	    {ACL_IP4, "permit foo any any", "\"foo\": "},
	    {ACL_IP4, "allow ip any any", "\"allow\": "},
	    {ACL_IP4, "0 permit ip any any", "\"0\": "},
	    {ACL_IP4, "4294967295 permit ip any any", "\"4294967295\": "},
	    {ACL_IP4, "010 permit ip any any", "\"010\": "},
	    {ACL_IP4, "10", "\"10\": permit or deny expected after it"},
	    {ACL_IP4, "", "an empty entry"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		check_error(cases[i].fam, cases[i].line, cases[i].want);
}

static void test_names(void)
{
	CU_ASSERT(acl_name_ok("WEB"));
	CU_ASSERT(acl_name_ok("a"));
	CU_ASSERT(acl_name_ok("web-in_v4.2"));
	CU_ASSERT(!acl_name_ok(""));
	CU_ASSERT(!acl_name_ok("1web"));
	CU_ASSERT(!acl_name_ok("-web"));
	CU_ASSERT(!acl_name_ok("web in"));
	CU_ASSERT(!acl_name_ok("web/in"));
	char name[ACL_NAMELEN + 1];
	memset(name, 'a', sizeof name);
	name[ACL_NAMELEN - 1] = '\0';
	CU_ASSERT(acl_name_ok(name));
	name[ACL_NAMELEN - 1] = 'a';
	name[ACL_NAMELEN] = '\0';
	CU_ASSERT(!acl_name_ok(name));
}

/* ---- random lists against the entries walked in order ---- */

/* The linear reference: the first entry that matches, n if none. */
static uint32_t walk(int fam, const struct acl_rule *r, unsigned n, const struct acl_key *k)
{
	for (unsigned i = 0; i < n; i++)
		if (acl_rule_matches(fam, &r[i], k))
			return i;
	return n;
}

/* Every random entry renders and parses back the same. */
static void check_rules_round_trip(int fam, const struct acl_rule *r, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		char line[ACL_LINELEN], err[ACL_ERRLEN];
		struct acl_rule back;
		acl_rule_format(fam, &r[i], line, sizeof line);
		int rc = parse(fam, line, &back, err);
		if (rc != 0 || !acl_rule_same(&r[i], &back))
			fprintf(stderr, "\n  %s: %s\n", line, rc ? err : "not the same back");
		CU_ASSERT_FATAL(rc == 0 && acl_rule_same(&r[i], &back));
	}
}

static struct acl_cls *build(int fam, const struct acl_rule *r, unsigned n,
                             struct acl_counts *counts)
{
	uint64_t *ids = malloc((n + 1) * sizeof *ids);
	for (unsigned i = 0; i < n; i++)
		ids[i] = i + 1;
	struct acl_cls *c = acl_cls_build(fam, r, ids, n, counts);
	free(ids);
	CU_ASSERT_FATAL(c != NULL);
	return c;
}

static unsigned hitstat[2]; /* keys that fell to the implicit deny, to an entry */

static unsigned check_list(int fam, const struct acl_rule *r, unsigned n, unsigned keys)
{
	struct acl_counts *counts = acl_counts_new();
	struct acl_cls *c = build(fam, r, n, counts);
	struct acl_key batch[37];
	uint32_t want[37], got[37];
	unsigned bad = 0;
	for (unsigned i = 0; i < keys; i++) {
		unsigned j = i % 37;
		random_key(fam, r, n, &batch[j]);
		want[j] = walk(fam, r, n, &batch[j]);
		hitstat[want[j] < n]++;
		uint32_t one = acl_cls_match(c, &batch[j]);
		if (one != want[j] && bad++ < 5)
			fprintf(stderr, "\n  fam %d n %u: key %u: %u, not %u\n", fam, n, i, one,
			        want[j]);
		if (j == 36) {
			acl_cls_match_batch(c, batch, got, 37);
			for (unsigned x = 0; x < 37; x++)
				bad += got[x] != want[x];
		}
	}
	acl_cls_unref(c);
	acl_counts_unref(counts);
	return bad;
}

static void test_random_lists(void)
{
	static const unsigned sizes[] = {0, 1, 2, 3, 7, 63, 64, 65, 130, 300, 1000};
	struct acl_rule *r = malloc(1000 * sizeof *r);
	for (int fam = ACL_IP4; fam <= ACL_IP6; fam += 2) {
		for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
			for (unsigned round = 0; round < 2 * MIXES; round++) {
				unsigned n = sizes[s];
				for (unsigned i = 0; i < n; i++)
					random_rule(fam, (enum mix)(round % MIXES), &r[i]);
				check_rules_round_trip(fam, r, n);
				unsigned bad = check_list(fam, r, n, n > 300 ? 3000 : 1500);
				CU_ASSERT_EQUAL(bad, 0);
			}
		}
	}
	free(r);
	/* the keys hit entries as often as the implicit deny: both paths are tested */
	CU_ASSERT(hitstat[1] > hitstat[0] / 2 && hitstat[0] > hitstat[1] / 2);
}

/* Hand-made lists where the fields interact: fragments, established, no ports, ICMP. */
static void test_field_semantics(void)
{
	static const char *lines[] = {
	    "deny tcp any any eq 22",    "permit tcp any any established",
	    "permit icmp any any echo",  "deny ip any any fragments",
	    "permit udp any neq 53 any", "permit icmp any any 3 4",
	};
	struct acl_rule r[6];
	char err[ACL_ERRLEN];
	for (unsigned i = 0; i < 6; i++)
		CU_ASSERT_FATAL(parse(ACL_IP4, lines[i], &r[i], err) == 0);
	struct acl_counts *counts = acl_counts_new();
	struct acl_cls *c = build(ACL_IP4, r, 6, counts);
	struct acl_key k = {.proto = 6, .sport = 1000, .dport = 22};
	CU_ASSERT_EQUAL(acl_cls_match(c, &k), 0);
	k.dport = 80;
	CU_ASSERT_EQUAL(acl_cls_match(c, &k), 6);
	k.flags = ACL_KEY_EST;
	CU_ASSERT_EQUAL(acl_cls_match(c, &k), 1);
	k = (struct acl_key){
	    .proto = 6, .sport = ACL_L4_NONE, .dport = ACL_L4_NONE, .flags = ACL_KEY_FRAG};
	CU_ASSERT_EQUAL(acl_cls_match(c, &k), 3); /* no ports: not entry 0 */
	k = (struct acl_key){.proto = 1, .sport = 8, .dport = 0};
	CU_ASSERT_EQUAL(acl_cls_match(c, &k), 2);
	k.sport = 3;
	CU_ASSERT_EQUAL(acl_cls_match(c, &k), 6);
	k.dport = 4;
	CU_ASSERT_EQUAL(acl_cls_match(c, &k), 5);
	k = (struct acl_key){.proto = 17, .sport = 53, .dport = 53};
	CU_ASSERT_EQUAL(acl_cls_match(c, &k), 6);
	k.sport = 54;
	CU_ASSERT_EQUAL(acl_cls_match(c, &k), 4);
	k.sport = ACL_L4_NONE; /* neq needs a port */
	CU_ASSERT_EQUAL(acl_cls_match(c, &k), 6);
	k.sport = 0x1ffff; /* past 65535: no ports either */
	CU_ASSERT_EQUAL(acl_cls_match(c, &k), 6);
	CU_ASSERT(!acl_rule_matches(ACL_IP4, &r[4], &k));
	CU_ASSERT(!acl_cls_permits(c, 0));
	CU_ASSERT(acl_cls_permits(c, 1));
	CU_ASSERT(!acl_cls_permits(c, 6));
	CU_ASSERT_EQUAL(acl_cls_verdict(c, 6), 0); /* the implicit deny: no permit, no log */
	CU_ASSERT_PTR_NULL(acl_cls_rule(c, 6));
	CU_ASSERT(acl_rule_same(acl_cls_rule(c, 2), &r[2]));
	CU_ASSERT_EQUAL(acl_cls_id(c, 2), 3);
	CU_ASSERT_EQUAL(acl_cls_id(c, 6), 0);
	CU_ASSERT_EQUAL(acl_cls_size(c), 6);
	acl_cls_unref(c);
	acl_counts_unref(counts);
}

/* ---- counters ---- */

struct counting {
	struct acl_cls *c;
	unsigned thread, times;
};

static void *count_many(void *arg)
{
	struct counting *w = arg;
	unsigned n = acl_cls_size(w->c);
	for (unsigned i = 0; i < w->times; i++)
		acl_cls_count(w->c, w->thread, i % (n + 1));
	return NULL;
}

static void list_of(int fam, const char *const *lines, unsigned n, struct acl_rule *r)
{
	char err[ACL_ERRLEN];
	for (unsigned i = 0; i < n; i++)
		CU_ASSERT_FATAL(parse(fam, lines[i], &r[i], err) == 0);
}

static void test_counters_threads(void)
{
	static const char *lines[] = {"10 permit tcp any any eq 80", "20 deny udp any any",
	                              "30 permit ip any any log"};
	struct acl_rule r[3];
	list_of(ACL_IP4, lines, 3, r);
	struct acl_counts *counts = acl_counts_new();
	struct acl_cls *c = build(ACL_IP4, r, 3, counts);
	pthread_t th[4];
	struct counting w[4];
	for (unsigned t = 0; t < 4; t++) {
		w[t] = (struct counting){.c = c, .thread = t * 8, .times = 400000};
		CU_ASSERT_FATAL(pthread_create(&th[t], NULL, count_many, &w[t]) == 0);
	}
	for (unsigned t = 0; t < 4; t++)
		pthread_join(th[t], NULL);
	for (uint32_t i = 0; i <= 3; i++) /* 400000 / 4 each, the implicit deny too */
		CU_ASSERT_EQUAL(acl_cls_hits(c, i), 4 * 100000);
	acl_cls_count(c, ACL_THREADS_MAX - 1, 3);
	CU_ASSERT_EQUAL(acl_cls_hits(c, 3), 400001);
	acl_cls_clear(c);
	for (uint32_t i = 0; i <= 3; i++)
		CU_ASSERT_EQUAL(acl_cls_hits(c, i), 0);
	acl_cls_count(c, 1, 0);
	CU_ASSERT_EQUAL(acl_cls_hits(c, 0), 1);
	acl_cls_unref(c);
	acl_counts_unref(counts);
}

static void count_n(struct acl_cls *c, uint32_t i, unsigned times)
{
	for (unsigned t = 0; t < times; t++)
		acl_cls_count(c, t % 3, i);
}

/* A list's new version keeps the counts of its unchanged entries, resequenced or not. */
static void test_counters_versions(void)
{
	static const char *v1[] = {"10 permit tcp any any eq 80", "20 deny udp any any",
	                           "30 permit icmp any any echo"};
	static const char *v2[] = {"5 permit icmp any any echo", "15 permit tcp any any eq 80",
	                           "25 deny udp any any eq 53", "35 deny udp any any"};
	struct acl_rule r1[3], r2[4];
	list_of(ACL_IP4, v1, 3, r1);
	list_of(ACL_IP4, v2, 4, r2);
	uint64_t ids1[3], ids2[4], next = 1;
	acl_ids_assign(NULL, NULL, 0, r1, ids1, 3, &next);
	CU_ASSERT(ids1[0] == 1 && ids1[1] == 2 && ids1[2] == 3 && next == 4);
	struct acl_counts *counts = acl_counts_new();
	struct acl_cls *c1 = acl_cls_build(ACL_IP4, r1, ids1, 3, counts);
	CU_ASSERT_FATAL(c1 != NULL);
	count_n(c1, 0, 10);
	count_n(c1, 1, 20);
	count_n(c1, 2, 30);
	count_n(c1, 3, 40); /* the implicit deny */

	acl_ids_assign(r1, ids1, 3, r2, ids2, 4, &next);
	CU_ASSERT(ids2[0] == 3 && ids2[1] == 1 && ids2[2] == 4 && ids2[3] == 2 && next == 5);
	struct acl_cls *c2 = acl_cls_build(ACL_IP4, r2, ids2, 4, counts);
	CU_ASSERT_FATAL(c2 != NULL);
	count_n(c2, 0, 1);
	count_n(c2, 4, 2);
	/* both alive (a worker may still use the old one): both counted */
	CU_ASSERT_EQUAL(acl_cls_hits(c2, 0), 31);
	CU_ASSERT_EQUAL(acl_cls_hits(c2, 1), 10);
	CU_ASSERT_EQUAL(acl_cls_hits(c2, 2), 0);
	CU_ASSERT_EQUAL(acl_cls_hits(c2, 3), 20);
	CU_ASSERT_EQUAL(acl_cls_hits(c2, 4), 42);
	count_n(c1, 1, 5); /* a late match of the old version */
	acl_cls_unref(c1); /* folds */
	CU_ASSERT_EQUAL(acl_cls_hits(c2, 0), 31);
	CU_ASSERT_EQUAL(acl_cls_hits(c2, 3), 25);
	CU_ASSERT_EQUAL(acl_cls_hits(c2, 4), 42);

	/* a clear, then a third version: counts from the clear on */
	acl_cls_clear(c2);
	count_n(c2, 1, 7);
	count_n(c2, 4, 1);
	acl_cls_ref(c2);
	acl_cls_unref(c2); /* not the last reference: nothing folded twice */
	uint64_t ids3[4];
	acl_ids_assign(r2, ids2, 4, r2, ids3, 4, &next);
	CU_ASSERT(memcmp(ids2, ids3, sizeof ids3) == 0);
	struct acl_cls *c3 = acl_cls_build(ACL_IP4, r2, ids3, 4, counts);
	acl_cls_unref(c2);
	CU_ASSERT_EQUAL(acl_cls_hits(c3, 0), 0);
	CU_ASSERT_EQUAL(acl_cls_hits(c3, 1), 7);
	CU_ASSERT_EQUAL(acl_cls_hits(c3, 4), 1);
	acl_counts_unref(counts); /* the classifier holds its own reference */
	CU_ASSERT_EQUAL(acl_cls_hits(c3, 1), 7);
	acl_cls_unref(c3);
}

/* Equal entries in a list take distinct ids; a changed entry a new one. */
static void test_ids_duplicates(void)
{
	static const char *v1[] = {"10 permit ip any any", "20 permit ip any any",
	                           "30 deny tcp any any"};
	static const char *v2[] = {"10 permit ip any any", "20 permit ip any any log",
	                           "30 permit ip any any"};
	struct acl_rule r1[3], r2[3];
	list_of(ACL_IP4, v1, 3, r1);
	list_of(ACL_IP4, v2, 3, r2);
	uint64_t ids1[3] = {7, 8, 9}, ids2[3], next = 10;
	acl_ids_assign(r1, ids1, 3, r2, ids2, 3, &next);
	CU_ASSERT(ids2[0] == 7 && ids2[1] == 10 && ids2[2] == 8 && next == 11);
}

static CU_TestInfo syntax_tests[] = {
    {"round trip", test_round_trip},
    {"errors name the word", test_errors},
    {"list names", test_names},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo cls_tests[] = {
    {"fields together", test_field_semantics},
    {"random lists against the walk", test_random_lists},
    CU_TEST_INFO_NULL,
};

static CU_TestInfo counter_tests[] = {
    {"threads and clear", test_counters_threads},
    {"versions of a list", test_counters_versions},
    {"ids of equal entries", test_ids_duplicates},
    CU_TEST_INFO_NULL,
};

static CU_SuiteInfo suites[] = {
    {"syntax", NULL, NULL, NULL, NULL, syntax_tests},
    {"classifier", NULL, NULL, NULL, NULL, cls_tests},
    {"counters", NULL, NULL, NULL, NULL, counter_tests},
    CU_SUITE_INFO_NULL,
};

CU_MAIN(suites)
