/*
 * acl/match.h - inside the acl module: the compiled matcher of a classifier (acl/match.c),
 * apart from its entries' counters and ids (acl/cls.c).
 */
#ifndef ACL_MATCH_H
#define ACL_MATCH_H

#include "acl.h"

struct acl_match;

/* The matcher of the n entries r (kept by the caller while the matcher lives); NULL on
 * allocation failure. */
struct acl_match *acl_match_build(int fam, const struct acl_rule *r, unsigned n);
void acl_match_free(struct acl_match *m);
uint32_t acl_match_first(const struct acl_match *m, const struct acl_key *k);
void acl_match_batch(const struct acl_match *m, const struct acl_key *keys, uint32_t *res,
                     unsigned n);
size_t acl_match_bytes(const struct acl_match *m);

/* Does entry r of a list of family fam match k? One entry alone, walked field by field:
 * the reference the compiled matcher is tested against (acl/ref.c). */
bool acl_rule_matches(int fam, const struct acl_rule *r, const struct acl_key *k);

#endif
