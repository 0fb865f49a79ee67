/*
 * acl/acl.h - access lists: the entries an operator writes, their one syntax, and the
 * classifier they are compiled into for the packet path.
 *
 * An entry (struct acl_rule) is parsed from and rendered to the NX-OS-style words of an
 * `ip access-list` / `ipv6 access-list` line by this module alone, so the CLI, the config
 * file and `show running-config` cannot disagree on it:
 *
 *   [SEQ] (permit|deny) PROTO SRC [PORTS] DST [PORTS] [established] [TYPE [CODE]]
 *         [fragments] [log]
 *
 *   PROTO  ip (IPv4 lists) | ipv6 (IPv6 lists) | tcp | udp | icmp | icmpv6 | sctp | gre |
 *          esp | ah | 0-255 ("ip"/"ipv6": any protocol)
 *   SRC    any | host A | A/L (no host bits set below L)
 *   PORTS  eq P | neq P | lt P | gt P | range P1 P2 (tcp and udp only; P a number or a
 *          well-known name: www/http, https, ssh, telnet, domain, smtp, ftp, ...)
 *   TYPE   ICMP (ICMPv6 in an IPv6 list) type, a number or a name (echo, echo-reply,
 *          unreachable, time-exceeded, ...), with an optional CODE number
 *   established  TCP with ACK or RST set (a reply within a connection)
 *   fragments    non-initial fragments only (they carry no ports: an entry with ports,
 *                established or an ICMP type never matches one)
 *   log          a match is logged (rate-limited) and counted
 *
 * The classifier (struct acl_cls) is built once per change of a list and never written
 * after, except its per-thread counters; lookups are lock-free from any thread. It gives
 * the index of the first matching entry in sequence order, or n (the implicit deny at the
 * end of every list) when none matches.
 */
#ifndef ACL_ACL_H
#define ACL_ACL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ACL_NAMELEN     64   /* a list name: 1-63 letters, digits, - _ . starting with a letter */
#define ACL_ENTRIES_MAX 4096 /* per list */
#define ACL_SEQ_MAX     4294967294u
#define ACL_SEQ_STEP    10 /* an entry without a number follows the last one by this */
#define ACL_THREADS_MAX 33 /* counter slots: 0 the main thread, 1..32 the workers */
#define ACL_ERRLEN      256
#define ACL_LINELEN     256 /* the longest rendered entry */

enum acl_family { ACL_IP4 = 4, ACL_IP6 = 6 };
enum acl_action { ACL_PERMIT = 0, ACL_DENY = 1 };
enum acl_dir { ACL_IN = 0, ACL_OUT = 1 };

enum acl_port_op {
	ACL_PORT_ANY,
	ACL_PORT_EQ,
	ACL_PORT_NEQ,
	ACL_PORT_LT,
	ACL_PORT_GT,
	ACL_PORT_RANGE
};

/* What the operator wrote (rendered back the same): eq/neq/lt/gt use lo, range lo-hi. */
struct acl_ports {
	uint8_t op; /* enum acl_port_op */
	uint16_t lo, hi;
};

/* An address prefix in 128 bits, host order, hi first; IPv4 in the low 32 bits of lo. */
struct acl_prefix {
	uint64_t hi, lo;
	uint8_t len; /* 0: any; IPv4 0-32, IPv6 0-128 */
};

#define ACL_PROTO_ANY (-1)
#define ACL_ICMP_ANY  (-1)

struct acl_rule {
	uint32_t seq;   /* 1..ACL_SEQ_MAX; 0 from the parser: not written (the list numbers it) */
	uint8_t action; /* enum acl_action */
	bool log;
	bool established;
	bool fragments;
	int16_t proto; /* ACL_PROTO_ANY or 0-255 */
	struct acl_prefix src, dst;
	struct acl_ports sport, dport;
	int16_t icmp_type, icmp_code; /* ACL_ICMP_ANY or 0-255 */
};

/*
 * The entry in words argv[0..argc) of a list of family fam; the sequence number is
 * optional (r->seq 0 without). 0, or -1 with a message naming the bad word in err
 * (ACL_ERRLEN bytes).
 */
int acl_rule_parse(int fam, int argc, const char *const *argv, struct acl_rule *r, char *err);
/* The canonical words of r (with its sequence number), as acl_rule_parse reads them back. */
void acl_rule_format(int fam, const struct acl_rule *r, char *buf, size_t len);
/* Equal entries, sequence numbers not compared. */
bool acl_rule_same(const struct acl_rule *a, const struct acl_rule *b);
/* A valid list name (ACL_NAMELEN)? */
bool acl_name_ok(const char *name);

/* ---- the packet's side: what a classifier looks at ---- */

#define ACL_L4_NONE  0x10000u /* sport/dport of a packet without (readable) ports */
#define ACL_KEY_EST  0x1      /* TCP with ACK or RST */
#define ACL_KEY_FRAG 0x2      /* a non-initial fragment */

struct acl_key {
	uint64_t src_hi, src_lo, dst_hi, dst_lo; /* as struct acl_prefix */
	uint32_t sport, dport; /* TCP/UDP/SCTP ports; ICMP type and code; else ACL_L4_NONE */
	uint8_t proto;         /* the upper-layer protocol (IPv6: past extension headers) */
	uint8_t flags;         /* ACL_KEY_* */
};

/*
 * Entry counters that survive a list's changes: every classifier built for one list
 * shares its list's acl_counts, and folds its own per-thread counts into it (by entry id)
 * when it is freed. Main thread only.
 */
struct acl_counts;
struct acl_counts *acl_counts_new(void);
void acl_counts_unref(struct acl_counts *k);

struct acl_cls;

/*
 * Compiles the n entries r (sorted by sequence number) of a list of family fam into a
 * classifier holding one reference; ids[i] names entry i for its counters (unique within
 * the list, never 0: 0 is the implicit deny), counts is shared (a reference is taken).
 * NULL on allocation failure.
 */
struct acl_cls *acl_cls_build(int fam, const struct acl_rule *r, const uint64_t *ids, unsigned n,
                              struct acl_counts *counts);
void acl_cls_ref(struct acl_cls *c);
/* Drops a reference; the last one folds the counters into the list's acl_counts. */
void acl_cls_unref(struct acl_cls *c);

/*
 * The index of the first entry matching k, n (the implicit deny) when none does. Any
 * thread, no lock, no write.
 */
uint32_t acl_cls_match(const struct acl_cls *c, const struct acl_key *k);
/* The same for a vector: res[i] for keys[i] (lookups overlapped). */
void acl_cls_match_batch(const struct acl_cls *c, const struct acl_key *keys, uint32_t *res,
                         unsigned n);

unsigned acl_cls_size(const struct acl_cls *c); /* n: entries, the implicit deny is index n */
/* Does entry i (n: the implicit deny) permit? (acl_cls_verdict below: and log?) */
bool acl_cls_permits(const struct acl_cls *c, uint32_t i);
/* Entry i's rule (NULL for n) and id (0 for n). */
const struct acl_rule *acl_cls_rule(const struct acl_cls *c, uint32_t i);
uint64_t acl_cls_id(const struct acl_cls *c, uint32_t i);

/* What entry i (n: the implicit deny) decides, in one call: these bits. */
#define ACL_VERDICT_PERMIT 0x1u
#define ACL_VERDICT_LOG    0x2u
unsigned acl_cls_verdict(const struct acl_cls *c, uint32_t i);
/*
 * The pipeline's one call per packet and list: the first entry matching k in *entry (n:
 * the implicit deny), counted on thread's slot, and its verdict (ACL_VERDICT_*).
 */
unsigned acl_cls_classify(struct acl_cls *c, const struct acl_key *k, unsigned thread,
                          uint32_t *entry);

/* Counts a match of entry i by thread (0..ACL_THREADS_MAX-1): its own slot, no atomics
 * beyond a relaxed store. */
void acl_cls_count(struct acl_cls *c, unsigned thread, uint32_t i);
/* Entry i's matches since the list's counters were last cleared (this classifier's and
 * its predecessors'). Main thread. */
uint64_t acl_cls_hits(const struct acl_cls *c, uint32_t i);
/* Clears every entry's matches (from now on acl_cls_hits counts from 0). Main thread. */
void acl_cls_clear(struct acl_cls *c);

/*
 * Ids for the n entries r of a list's new version from its old one (old_r/old_ids, old_n):
 * an entry equal to an old one (acl_rule_same, sequence numbers aside: a resequence keeps
 * the counters) takes its id, the others new ones from *next_id (never 0).
 */
void acl_ids_assign(const struct acl_rule *old_r, const uint64_t *old_ids, unsigned old_n,
                    const struct acl_rule *r, uint64_t *ids, unsigned n, uint64_t *next_id);

#endif
