/*
 * gw/config/config_int.h - what the files of gw/config share and nobody else uses: the
 * sorted-vector primitives of the model, and the access lists' part of the lifecycle
 * (gw/config/acl.c), whose entries are owned memory rather than plain values.
 */
#ifndef GW_CONFIG_INT_H
#define GW_CONFIG_INT_H

#include "gw/config/config.h"

typedef int (*gw_cfg_cmp_fn)(const void *key, const void *elem);
size_t gw_cfg_vec_lower(const void *base, size_t n, size_t sz, const void *key, gw_cfg_cmp_fn cmp,
                        bool *found);
void *gw_cfg_vec_insert(void **base, size_t *n, size_t *cap, size_t sz, size_t at);
void gw_cfg_vec_remove(void *base, size_t *n, size_t sz, size_t at);

#define VEC_FIND(vec, key, cmp, found)                                                             \
	gw_cfg_vec_lower((vec).v, (vec).n, sizeof(*(vec).v), key, cmp, found)
#define VEC_INSERT(vec, at)                                                                        \
	gw_cfg_vec_insert((void **)&(vec).v, &(vec).n, &(vec).cap, sizeof(*(vec).v), at)
#define VEC_REMOVE(vec, at) gw_cfg_vec_remove((vec).v, &(vec).n, sizeof(*(vec).v), at)

/* The lists of c: d's become deep copies of s's (false: out of memory, d's are then freed
 * and empty); freed; compared entry by entry. */
bool gw_cfg_acls_dup(struct gw_cfg *d, const struct gw_cfg *s);
void gw_cfg_acls_free(struct gw_cfg *c);
bool gw_cfg_acls_equal(const struct gw_cfg *a, const struct gw_cfg *b);
/* Two lists with the same name, family and numbered entries. */
bool gw_cfg_acl_equal(const struct gw_cfg_acl *a, const struct gw_cfg_acl *b);
/* Every list an interface or line vty names exists (in its family). */
int gw_cfg_acls_check(const struct gw_cfg *c, char *err);

#endif
