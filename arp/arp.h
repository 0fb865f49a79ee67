/*
 * arp/arp.h - IPv4 neighbour table and the ARP protocol (RFC 826).
 *
 * The table maps (interface, IPv4) to a MAC with a state machine modelled on the Linux
 * neighbour code, simplified for a router:
 *
 *   INCOMPLETE --reply--> REACHABLE --reachable_ms--> STALE --used--> PROBE
 *        |                    ^                                          |
 *        +--retries out--> gone (queued packets: unresolved)   reply ----+
 *                                                           no reply -> gone
 *   STATIC: configured, never ages, never overwritten by learning.
 *
 * Time is a millisecond clock passed in by the caller (tests drive it). The table never
 * sends anything itself: it asks its owner through struct arp_ops callbacks, which keeps
 * it a pure library. Packets waiting for resolution are opaque pointers owned by the
 * table until handed back through `resolved` or `drop`.
 *
 * Addresses are host byte order. ifx is the gateway's dense interface index (1..4095).
 */
#ifndef ARP_ARP_H
#define ARP_ARP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <netinet/in.h>

/* ---- ARP wire format ---- */

#define ARP_PKT_LEN    28 /* Ethernet/IPv4 ARP payload */
#define ARP_OP_REQUEST 1
#define ARP_OP_REPLY   2

struct arp_msg {
	uint16_t op;
	uint8_t sha[6];
	uint32_t spa; /* host order */
	uint8_t tha[6];
	uint32_t tpa; /* host order */
};

enum arp_parse_err {
	ARP_PARSE_OK = 0,
	ARP_PARSE_SHORT,  /* fewer than 28 bytes */
	ARP_PARSE_FORMAT, /* htype != 1, ptype != 0x0800, hlen != 6 or plen != 4 */
	ARP_PARSE_OP,     /* op other than request/reply */
	ARP_PARSE_SENDER, /* sender MAC multicast/zero, or sender IP multicast/broadcast */
};

/* Parses the ARP payload (after the Ethernet header). Returns enum arp_parse_err. */
int arp_parse(const uint8_t *p, size_t len, struct arp_msg *m);
/* Writes a 28-byte ARP payload. */
void arp_build(uint8_t *p, const struct arp_msg *m);

/* ---- neighbour table ---- */

/* Hard bounds, whatever the configuration says. */
#define ARP_MAX_IFX     4095       /* valid ifx: 1..ARP_MAX_IFX */
#define ARP_MAX_QUEUE   64         /* upper bound of arp_config.queue_len */
#define ARP_MAX_ENTRIES (1u << 24) /* upper bound of arp_config.max_entries */
#define ARP_MAX_STATIC  65536      /* static entries, counted apart from max_entries */

enum arp_state {
	ARP_INCOMPLETE = 1,
	ARP_REACHABLE,
	ARP_STALE,
	ARP_PROBE,
	ARP_STATIC,
	ARP_DELAY, /* IPv6 tables only (below) */
};

struct arp_config {
	uint32_t reachable_ms;   /* REACHABLE lifetime before STALE (default 30000) */
	uint32_t stale_ms;       /* unused STALE entry removed after this (default 600000) */
	uint32_t retrans_ms;     /* interval between requests (default 1000) */
	uint8_t max_retries;     /* requests for INCOMPLETE / PROBE before giving up (default 3) */
	uint8_t queue_len;       /* packets held per INCOMPLETE neighbour (default 4, max 64) */
	uint32_t max_entries;    /* dynamic entries; static ones do not count (default 65536) */
	uint32_t failed_hold_ms; /* after giving up, new packets fail fast for this long (1000) */
	uint32_t delay_ms;       /* IPv6 tables: DELAY before PROBE (5000); IPv4: 0 */
};
void arp_config_default(struct arp_config *cfg);

/* Why a queued packet is handed back through ops->drop. */
enum arp_drop_reason {
	ARP_DROP_UNRESOLVED = 1, /* retries exhausted: the caller answers ICMP host unreachable */
	ARP_DROP_QUEUE_FULL,     /* the neighbour's queue was full: the oldest packet is dropped */
	ARP_DROP_FLUSHED,        /* entry removed by clear/flush/interface removal */
};

struct arp_ops {
	/* Send an ARP request for ip out of ifx; dst_mac NULL = broadcast, else unicast probe. */
	void (*solicit)(void *ctx, uint16_t ifx, uint32_t ip, const uint8_t *dst_mac);
	/* A queued packet whose neighbour just resolved: the owner rewrites and sends it. */
	void (*resolved)(void *ctx, uint16_t ifx, uint32_t ip, const uint8_t *mac, void *pkt);
	/* A queued packet the table gives up on. */
	void (*drop)(void *ctx, uint16_t ifx, uint32_t ip, void *pkt, enum arp_drop_reason why);
};

struct arp_table;

/*
 * cfg NULL = defaults. ops and ctx are kept for the table's lifetime (ops is copied; a NULL
 * ops or callback is a no-op). Returns NULL on allocation failure or an unusable cfg:
 * retrans_ms, max_retries, queue_len or max_entries 0, queue_len > ARP_MAX_QUEUE,
 * max_entries > ARP_MAX_ENTRIES.
 *
 * Callbacks are invoked from arp_resolve, arp_learn, arp_tick, arp_static_add and the flush
 * functions only after the table is consistent again, with copies of the key, MAC and
 * packets: a callback may call arp_lookup (or any other function) on the same table.
 */
struct arp_table *arp_table_create(const struct arp_config *cfg, const struct arp_ops *ops,
                                   void *ctx);
void arp_table_destroy(struct arp_table *t); /* queued packets go to ops->drop(FLUSHED) */

/*
 * Data plane: the MAC to use for (ifx, ip), or NULL when there is none yet. A usable
 * entry (REACHABLE, STALE, PROBE, STATIC) returns its MAC; using a STALE entry moves it
 * to PROBE (unicast request sent on the next arp_tick), as Linux does. The pointer stays
 * valid until the next control call on the table.
 */
const uint8_t *arp_lookup(struct arp_table *t, uint16_t ifx, uint32_t ip, uint64_t now_ms);

/*
 * For vectors: start the memory loads arp_lookup will need, a stage ahead. arp_prefetch
 * loads the hash bucket and returns the hash of (ifx, ip); arp_prefetch_entry, called a
 * stage later with that hash, the entry the bucket points at; arp_lookup_hashed is
 * arp_lookup with it. A packet thus hashes its next hop once.
 */
uint64_t arp_prefetch(const struct arp_table *t, uint16_t ifx, uint32_t ip);
void arp_prefetch_entry(const struct arp_table *t, uint64_t hash);
const uint8_t *arp_lookup_hashed(struct arp_table *t, uint16_t ifx, uint32_t ip, uint64_t hash,
                                 uint64_t now_ms);

enum arp_resolve_result {
	ARP_RES_QUEUED = 0, /* held; a request went out or is already pending */
	ARP_RES_FAILED,     /* neighbour failed recently: caller answers host unreachable */
	ARP_RES_NOMEM,      /* table full: caller drops (counted) and keeps pkt */
};

/*
 * A lookup missed: create an INCOMPLETE entry if needed (soliciting at once through
 * ops->solicit) and queue pkt (may be NULL to only solicit). When the queue is full the
 * oldest packet is handed to ops->drop(QUEUE_FULL) and pkt is queued.
 * On ARP_RES_FAILED and ARP_RES_NOMEM the caller keeps ownership of pkt.
 * An invalid ifx or ip (0, multicast, 255.255.255.255) gives ARP_RES_FAILED. If the entry
 * is already usable (the caller raced with a reply), pkt goes straight to ops->resolved and
 * the result is ARP_RES_QUEUED. A full table evicts the longest-STALE entry if any.
 */
int arp_resolve(struct arp_table *t, uint16_t ifx, uint32_t ip, void *pkt, uint64_t now_ms);

enum arp_learn_mode {
	ARP_LEARN_UPDATE = 0, /* only refresh an existing entry (gratuitous / not for us) */
	ARP_LEARN_CREATE = 1, /* create when absent (request or reply addressed to us) */
};

enum arp_learn_result {
	ARP_LEARN_IGNORED = 0, /* no entry and mode UPDATE, or static entry */
	ARP_LEARN_NEW,
	ARP_LEARN_REFRESHED,
	ARP_LEARN_CHANGED,  /* MAC changed */
	ARP_LEARN_RESOLVED, /* was INCOMPLETE: queued packets went to ops->resolved */
	ARP_LEARN_FULL,     /* would create but the table is full */
};

/*
 * Sender information from a received ARP message (or a confirmed reply). Any successful
 * learn makes the entry REACHABLE. Invalid ifx, ip (0, multicast, 255.255.255.255) or mac
 * (zero, multicast) -> IGNORED. CREATE on a full table evicts the longest-STALE entry if
 * there is one, else returns FULL.
 */
int arp_learn(struct arp_table *t, uint16_t ifx, uint32_t ip, const uint8_t *mac,
              enum arp_learn_mode mode, uint64_t now_ms);

/* Timers: retransmits, state ageing, expiry. Call every ~100 ms or at arp_next_deadline. */
void arp_tick(struct arp_table *t, uint64_t now_ms);
/* The earliest time arp_tick has work to do; UINT64_MAX when none. */
uint64_t arp_next_deadline(const struct arp_table *t);

enum arp_err {
	ARP_OK = 0,
	ARP_E_INVAL = -1,
	ARP_E_NOENT = -2,
	ARP_E_NOMEM = -3,
	ARP_E_EXISTS = -4,
};

/*
 * Static entries replace a dynamic one for the same key (its queue is resolved). Adding an
 * existing static entry replaces its MAC (ARP_OK). ARP_E_NOMEM beyond ARP_MAX_STATIC.
 * arp_static_del: ARP_E_NOENT when there is no static entry for the key.
 */
int arp_static_add(struct arp_table *t, uint16_t ifx, uint32_t ip, const uint8_t *mac);
int arp_static_del(struct arp_table *t, uint16_t ifx, uint32_t ip);
/* Remove every dynamic entry (clear ip arp); ifx 0 = all interfaces. */
void arp_clear_dynamic(struct arp_table *t, uint16_t ifx);
/* Remove every entry, static too, of one interface (interface deleted). */
void arp_flush_if(struct arp_table *t, uint16_t ifx);

struct arp_entry_info {
	uint16_t ifx;
	uint32_t ip;
	uint8_t mac[6];  /* zero while INCOMPLETE */
	uint8_t state;   /* enum arp_state */
	uint64_t age_ms; /* since last confirmation (0 for static) */
	uint8_t queued;
	uint8_t retries;
};

/*
 * Entries in ascending (ifx, ip) order; cb non-zero stops the walk and is returned
 * (0 after a full walk, ARP_E_NOMEM if the snapshot cannot be allocated, ARP_E_INVAL for
 * a NULL cb). The walk runs on a snapshot, so cb may change the table. A failed
 * INCOMPLETE entry shows retries == max_retries.
 */
int arp_walk(const struct arp_table *t, uint64_t now_ms,
             int (*cb)(const struct arp_entry_info *e, void *arg), void *arg);
/*
 * Every entry once, in no particular order and without arp_walk's copy and sort: for
 * whoever copies the whole table (the workers' forwarding snapshot). cb must not change
 * the table; non-zero stops the walk and is returned (ARP_E_INVAL for a NULL cb).
 */
int arp_foreach(const struct arp_table *t, uint64_t now_ms,
                int (*cb)(const struct arp_entry_info *e, void *arg), void *arg);
bool arp_get(const struct arp_table *t, uint16_t ifx, uint32_t ip, uint64_t now_ms,
             struct arp_entry_info *e);

/*
 * entries: all, statics included. learned: entries created or resolved by arp_learn.
 * expired: entries removed by ageing (stale unused, probe unanswered, evicted when full).
 * failed: resolutions given up. queue_drops: ARP_DROP_QUEUE_FULL. full_drops: NOMEM/FULL.
 */
struct arp_stats {
	uint32_t entries, statics, incomplete;
	uint64_t requests_sent, learned, changed, expired, failed, queue_drops, full_drops;
};
void arp_get_stats(const struct arp_table *t, struct arp_stats *st);
/*
 * Moves on every change that can make an entry usable, change its MAC, extend its
 * REACHABLE time or remove it (learn, static add/del, clear, flush): whoever keeps a copy
 * of the usable entries (the workers' forwarding snapshot) rebuilds it when this moved.
 */
uint64_t arp_generation(const struct arp_table *t);
const char *arp_state_name(enum arp_state s);

/* ---- IPv6: the same table and state machine for neighbour discovery (RFC 4861) ----
 *
 * A table is of one family for its life: arp_table_create makes an IPv4 table,
 * arp6_table_create an IPv6 one (a function of the other family on it is a no-op that
 * fails: NULL, ARP_E_INVAL, ARP_RES_FAILED, ARP_LEARN_IGNORED). The shared functions
 * (arp_tick, arp_next_deadline, arp_clear_dynamic, arp_flush_if, arp_get_stats,
 * arp_generation, arp_table_destroy, arp_state_name) take either.
 *
 * An IPv6 table adds RFC 4861's DELAY state: a STALE entry used for forwarding becomes
 * DELAY and, after cfg.delay_ms (default 5000 for IPv6; IPv4 tables use 0, i.e. straight
 * to PROBE as today), PROBE with unicast solicitations. Keys are (ifx, address) with the
 * address a struct in6_addr; valid neighbour addresses are unicast (not unspecified,
 * loopback, multicast or v4-mapped); link-local ones are fine (they are per interface anyway).
 * An IPv4 table ignores cfg.delay_ms.
 */
struct arp6_ops {
	/* Send a neighbour solicitation for ip out of ifx; dst_mac NULL = to the solicited-node
	 * multicast group, else a unicast probe to that MAC. */
	void (*solicit)(void *ctx, uint16_t ifx, const struct in6_addr *ip, const uint8_t *dst_mac);
	void (*resolved)(void *ctx, uint16_t ifx, const struct in6_addr *ip, const uint8_t *mac,
	                 void *pkt);
	void (*drop)(void *ctx, uint16_t ifx, const struct in6_addr *ip, void *pkt,
	             enum arp_drop_reason why);
};

struct arp_table *arp6_table_create(const struct arp_config *cfg, const struct arp6_ops *ops,
                                    void *ctx);
/* As arp_config_default, with IPv6's DELAY (delay_ms 5000). */
void arp6_config_default(struct arp_config *cfg);

const uint8_t *arp6_lookup(struct arp_table *t, uint16_t ifx, const struct in6_addr *ip,
                           uint64_t now_ms);
/* The vector forms, as arp_prefetch / arp_prefetch_entry / arp_lookup_hashed. */
uint64_t arp6_prefetch(const struct arp_table *t, uint16_t ifx, const struct in6_addr *ip);
const uint8_t *arp6_lookup_hashed(struct arp_table *t, uint16_t ifx, const struct in6_addr *ip,
                                  uint64_t hash, uint64_t now_ms);
int arp6_resolve(struct arp_table *t, uint16_t ifx, const struct in6_addr *ip, void *pkt,
                 uint64_t now_ms);

/*
 * What a received ND message says about its sender (RFC 4861 7.2.3-7.2.5), as the caller
 * read it from the message:
 *  - ARP6_LEARN_SOLICIT: an NS or RS with a source link-layer address option: create or
 *    update the entry; a new entry or a changed MAC is STALE; an INCOMPLETE one resolves
 *    (queued packets sent) and becomes STALE.
 *  - ARP6_LEARN_ADVERT: an NA for target ip, with its S (solicited) and O (override) flags
 *    (struct arp6_na_flags) and its target link-layer address (mac NULL when absent). Never
 *    creates an entry. INCOMPLETE: needs mac; REACHABLE if S else STALE; queue resolved.
 *    Otherwise with O clear and a different MAC: a REACHABLE entry becomes STALE, the MAC
 *    stays; else (O set, or same MAC, or no MAC): MAC updated when given, REACHABLE if S,
 *    STALE if the MAC changed without S, state unchanged otherwise.
 * Static entries are never changed. Returns enum arp_learn_result: IGNORED when the entry's
 * MAC and state were left as they were (or only a REACHABLE entry became STALE).
 */
enum arp6_learn_kind {
	ARP6_LEARN_SOLICIT = 1,
	ARP6_LEARN_ADVERT,
};
struct arp6_na_flags {
	bool solicited, override;
};
int arp6_learn(struct arp_table *t, uint16_t ifx, const struct in6_addr *ip, const uint8_t *mac,
               enum arp6_learn_kind kind, const struct arp6_na_flags *na, uint64_t now_ms);

int arp6_static_add(struct arp_table *t, uint16_t ifx, const struct in6_addr *ip,
                    const uint8_t *mac);
int arp6_static_del(struct arp_table *t, uint16_t ifx, const struct in6_addr *ip);

struct arp6_entry_info {
	uint16_t ifx;
	struct in6_addr ip;
	uint8_t mac[6];
	uint8_t state; /* enum arp_state */
	uint64_t age_ms;
	uint8_t queued;
	uint8_t retries;
};
/* As arp_walk (ascending (ifx, ip) with ip compared as bytes) and arp_foreach. */
int arp6_walk(const struct arp_table *t, uint64_t now_ms,
              int (*cb)(const struct arp6_entry_info *e, void *arg), void *arg);
int arp6_foreach(const struct arp_table *t, uint64_t now_ms,
                 int (*cb)(const struct arp6_entry_info *e, void *arg), void *arg);
bool arp6_get(const struct arp_table *t, uint16_t ifx, const struct in6_addr *ip, uint64_t now_ms,
              struct arp6_entry_info *e);

#endif
