/*
 * fuzz_acl_rule.c - libFuzzer target for the access-list entry syntax (acl/rule.c) and the
 * classifier built from what it accepts (acl/match.c).
 *
 * Input: text; each line is cut into words at blanks and parsed as an entry of an IPv4 and
 * of an IPv6 list. An accepted entry must render within ACL_LINELEN and parse back to the
 * same entry (acl_rule_same, sequence number included); a refused one has a message. The
 * entries each family accepted form a list whose classifier must agree with the entries
 * walked one by one (acl_rule_matches) on keys made from the entries' own edges and from
 * the input's bytes. Any violation abort()s, which libFuzzer reports.
 * VXGW_FUZZ_VERBOSE=1: each line's words as accepted (rendered) or refused (why).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acl/acl.h"
#include "acl/match.h"
#include "fuzz_check.h"

#define LIST_MAX  64 /* entries a family's list keeps from one input */
#define WORDS_MAX 40

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool verbose;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	verbose = getenv("VXGW_FUZZ_VERBOSE") != NULL;
	return 0;
}

struct list {
	int fam;
	unsigned n;
	struct acl_rule r[LIST_MAX];
};

/* The words of line (NUL-terminated in place), at most WORDS_MAX. */
static int words_of(char *line, const char *argv[WORDS_MAX])
{
	int argc = 0;
	for (char *p = strtok(line, " \t\r"); p && argc < WORDS_MAX; p = strtok(NULL, " \t\r"))
		argv[argc++] = p;
	return argc;
}

static void parse_line(struct list *l, int argc, const char *const *argv)
{
	struct acl_rule r, back;
	char err[ACL_ERRLEN], line[ACL_LINELEN + 8];
	const char *args[WORDS_MAX];
	if (acl_rule_parse(l->fam, argc, argv, &r, err) < 0) {
		CHECK(err[0] != '\0' && strlen(err) < ACL_ERRLEN, "no message");
		if (verbose)
			printf("ipv%d refused: %s\n", l->fam, err);
		return;
	}
	acl_rule_format(l->fam, &r, line, sizeof line);
	CHECK(strlen(line) < ACL_LINELEN, "%s", line);
	if (verbose)
		printf("ipv%d accepted: %s\n", l->fam, line);
	char words[sizeof line];
	memcpy(words, line, sizeof line);
	int n = words_of(words, args);
	CHECK(acl_rule_parse(l->fam, n, args, &back, err) == 0, "%s: %s", line, err);
	CHECK(acl_rule_same(&r, &back) && r.seq == back.seq, "%s: not the same back", line);
	if (l->n < LIST_MAX)
		l->r[l->n++] = r;
}

static uint64_t mix(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	return h;
}

/* A key near entry a's and b's edges (the seed picks which), or of the seed's bits. */
static void key_of(const struct list *l, uint64_t seed, struct acl_key *k)
{
	uint64_t h = mix(seed), g = mix(h);
	*k = (struct acl_key){.proto = (uint8_t)h, .flags = (uint8_t)(h >> 8) & 3};
	k->sport = h >> 16 & 1 ? ACL_L4_NONE : (uint16_t)(h >> 17);
	k->dport = h >> 33 & 1 ? ACL_L4_NONE : (uint16_t)(h >> 34);
	k->src_hi = l->fam == ACL_IP6 ? g : 0;
	k->src_lo = l->fam == ACL_IP6 ? mix(g) : (uint32_t)g;
	k->dst_hi = l->fam == ACL_IP6 ? mix(g + 1) : 0;
	k->dst_lo = l->fam == ACL_IP6 ? mix(g + 2) : (uint32_t)(g >> 32);
	if (l->n == 0 || (h >> 50) % 4 == 0)
		return;
	const struct acl_rule *a = &l->r[(h >> 52) % l->n], *b = &l->r[(g >> 52) % l->n];
	int64_t d = (int64_t)((h >> 56) % 3) - 1; /* one below, at, one above */
	k->src_hi = a->src.hi;
	k->src_lo = a->src.lo + (uint64_t)d;
	k->dst_hi = b->dst.hi;
	k->dst_lo = b->dst.lo + (uint64_t)d;
	if (l->fam == ACL_IP4) {
		k->src_lo &= 0xffffffff;
		k->dst_lo &= 0xffffffff;
	}
	if (a->proto != ACL_PROTO_ANY && (h >> 58 & 1))
		k->proto = (uint8_t)a->proto;
	if (a->sport.op != ACL_PORT_ANY)
		k->sport = (uint32_t)((h >> 59 & 1 ? a->sport.hi : a->sport.lo) + d) & 0x1ffff;
	if (b->dport.op != ACL_PORT_ANY)
		k->dport = (uint32_t)((g >> 59 & 1 ? b->dport.hi : b->dport.lo) + d) & 0x1ffff;
	if (a->icmp_type != ACL_ICMP_ANY)
		k->sport = (uint32_t)a->icmp_type;
}

static uint32_t walk(const struct list *l, const struct acl_key *k)
{
	for (unsigned i = 0; i < l->n; i++)
		if (acl_rule_matches(l->fam, &l->r[i], k))
			return i;
	return l->n;
}

static void check_classifier(const struct list *l, uint64_t seed)
{
	uint64_t ids[LIST_MAX];
	for (unsigned i = 0; i < l->n; i++)
		ids[i] = i + 1;
	struct acl_counts *counts = acl_counts_new();
	struct acl_cls *c = counts ? acl_cls_build(l->fam, l->r, ids, l->n, counts) : NULL;
	CHECK(c != NULL, "out of memory");
	struct acl_key keys[32];
	uint32_t got[32];
	for (unsigned i = 0; i < 32; i++) {
		key_of(l, seed + i, &keys[i]);
		uint32_t want = walk(l, &keys[i]), got1 = acl_cls_match(c, &keys[i]);
		CHECK(got1 == want, "ipv%d key %u: entry %u, not %u", l->fam, i, got1, want);
		acl_cls_count(c, i % ACL_THREADS_MAX, want);
	}
	acl_cls_match_batch(c, keys, got, 32);
	for (unsigned i = 0; i < 32; i++)
		CHECK(got[i] == walk(l, &keys[i]), "ipv%d key %u batched: entry %u", l->fam, i,
		      got[i]);
	acl_cls_unref(c);
	acl_counts_unref(counts);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct list lists[2];
	char *text = malloc(size + 1);
	uint64_t seed = 0;
	CHECK(text != NULL, "out of memory");
	memcpy(text, data, size);
	text[size] = '\0';
	for (size_t i = 0; i < size; i++)
		seed = seed * 31 + data[i];
	lists[0] = (struct list){.fam = ACL_IP4};
	lists[1] = (struct list){.fam = ACL_IP6};
	for (char *line = text, *next; line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		for (unsigned f = 0; f < 2; f++) {
			char copy[1024];
			const char *argv[WORDS_MAX];
			snprintf(copy, sizeof copy, "%s", line);
			int argc = words_of(copy, argv);
			parse_line(&lists[f], argc, argv);
		}
	}
	for (unsigned f = 0; f < 2; f++)
		check_classifier(&lists[f], seed);
	free(text);
	return 0;
}
