/*
 * gw/config/acl.c - access lists in the configuration model: the lists (per family, by
 * name) with their numbered entries, the interfaces' access groups and line vty's
 * access-class that name them.
 *
 * An entry is what acl/acl.h parses and renders; this file only numbers, orders and
 * refers to entries. A list's entries are owned memory (not a plain value as the rest of
 * the model), so gw_cfg_clone, gw_cfg_equal and gw_cfg_free come here for them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gw/config/config.h"
#include "gw/config/config_int.h"

#define fail gw_cfg_fail

static const char *fam_word(int fam)
{
	return fam == ACL_IP6 ? "ipv6" : "ip";
}

static const char *dir_word(int dir)
{
	return dir == ACL_OUT ? "out" : "in";
}

/* The index of a family in struct gw_cfg_if's acl[][]; -1: not a family. */
static int fam_index(int fam)
{
	return fam == ACL_IP4 ? 0 : fam == ACL_IP6 ? 1 : -1;
}

static int cmp_acl(const void *k, const void *e)
{
	const struct gw_cfg_acl *a = k, *b = e;
	if (a->fam != b->fam)
		return a->fam < b->fam ? -1 : 1;
	return strcmp(a->name, b->name);
}

static struct gw_cfg_acl acl_key(int fam, const char *name)
{
	struct gw_cfg_acl k;
	memset(&k, 0, sizeof(k));
	k.fam = (uint8_t)fam;
	snprintf(k.name, sizeof(k.name), "%s", name);
	return k;
}

const struct gw_cfg_acl *gw_cfg_acl_find(const struct gw_cfg *c, int fam, const char *name)
{
	struct gw_cfg_acl key = acl_key(fam, name);
	bool found;
	size_t at = VEC_FIND(c->acls, &key, cmp_acl, &found);
	return found ? &c->acls.v[at] : NULL;
}

static struct gw_cfg_acl *acl_get(struct gw_cfg *c, int fam, const char *name, char *err)
{
	struct gw_cfg_acl *l = (struct gw_cfg_acl *)gw_cfg_acl_find(c, fam, name);
	if (!l)
		fail(err, "%s access-list %s does not exist", fam_word(fam), name);
	return l;
}

/* ---------------------------------------------------------------- lifecycle */

void gw_cfg_acls_free(struct gw_cfg *c)
{
	for (size_t i = 0; i < c->acls.n; i++)
		free(c->acls.v[i].rules);
	free(c->acls.v);
	memset(&c->acls, 0, sizeof(c->acls));
}

static bool rules_dup(struct gw_cfg_acl *d, const struct gw_cfg_acl *s)
{
	d->rules = NULL;
	d->cap = s->n;
	if (!s->n)
		return true;
	d->rules = malloc(s->n * sizeof(*d->rules));
	if (!d->rules)
		return false;
	memcpy(d->rules, s->rules, s->n * sizeof(*d->rules));
	return true;
}

bool gw_cfg_acls_dup(struct gw_cfg *d, const struct gw_cfg *s)
{
	memset(&d->acls, 0, sizeof(d->acls));
	if (!s->acls.n)
		return true;
	d->acls.v = calloc(s->acls.n, sizeof(*d->acls.v));
	if (!d->acls.v)
		return false;
	d->acls.cap = s->acls.n;
	for (size_t i = 0; i < s->acls.n; i++) {
		d->acls.v[i] = s->acls.v[i];
		d->acls.n++;
		if (!rules_dup(&d->acls.v[i], &s->acls.v[i])) {
			gw_cfg_acls_free(d);
			return false;
		}
	}
	return true;
}

bool gw_cfg_acl_equal(const struct gw_cfg_acl *a, const struct gw_cfg_acl *b)
{
	if (a->fam != b->fam || strcmp(a->name, b->name) || a->n != b->n)
		return false;
	for (unsigned k = 0; k < a->n; k++)
		if (a->rules[k].seq != b->rules[k].seq ||
		    !acl_rule_same(&a->rules[k], &b->rules[k]))
			return false;
	return true;
}

bool gw_cfg_acls_equal(const struct gw_cfg *a, const struct gw_cfg *b)
{
	if (a->acls.n != b->acls.n)
		return false;
	for (size_t i = 0; i < a->acls.n; i++)
		if (!gw_cfg_acl_equal(&a->acls.v[i], &b->acls.v[i]))
			return false;
	return true;
}

/* ---------------------------------------------------------------- lists */

const char *gw_cfg_acl_user(const struct gw_cfg *c, int fam, const char *name, char *buf,
                            size_t len)
{
	int fx = fam_index(fam);
	for (size_t i = 0; fx >= 0 && i < c->ifs.n; i++)
		for (int dir = ACL_IN; dir <= ACL_OUT; dir++)
			if (!strcmp(c->ifs.v[i].acl[fx][dir], name)) {
				snprintf(buf, len, "%s (%s)", c->ifs.v[i].name, dir_word(dir));
				return buf;
			}
	if (fam == ACL_IP4 && !strcmp(c->vty_acl, name)) {
		snprintf(buf, len, "line vty (access-class)");
		return buf;
	}
	if (fam == ACL_IP4 && !strcmp(c->metrics_acl, name)) {
		snprintf(buf, len, "metrics (access-class)");
		return buf;
	}
	return NULL;
}

static int acl_name_check(const char *name, char *err)
{
	if (!acl_name_ok(name))
		return fail(err,
		            "access list name \"%s\": 1-%d letters, digits, - _ . starting with a "
		            "letter",
		            name, ACL_NAMELEN - 1);
	/* a word of the show commands: `show ip access-lists json` */
	if (!strcmp(name, "json"))
		return fail(err, "access list name \"%s\" is reserved", name);
	return GW_CFG_OK;
}

int gw_cfg_acl(struct gw_cfg *c, int fam, const char *name, bool add, char *err)
{
	if (fam_index(fam) < 0)
		return fail(err, "access list family %d: 4 or 6", fam);
	if (acl_name_check(name, err))
		return GW_CFG_ERR;
	struct gw_cfg_acl key = acl_key(fam, name);
	bool found;
	size_t at = VEC_FIND(c->acls, &key, cmp_acl, &found);
	if (!add) {
		char user[GW_IF_NAMELEN + 32];
		if (!found)
			return fail(err, "%s access-list %s does not exist", fam_word(fam), name);
		if (gw_cfg_acl_user(c, fam, name, user, sizeof(user)))
			return fail(err, "access list %s is applied to %s", name, user);
		free(c->acls.v[at].rules);
		VEC_REMOVE(c->acls, at);
		return GW_CFG_OK;
	}
	if (found)
		return GW_CFG_OK;
	if (c->acls.n >= GW_ACL_MAX)
		return fail(err, "access list %s: at most %d lists", name, GW_ACL_MAX);
	struct gw_cfg_acl *l = VEC_INSERT(c->acls, at);
	if (!l)
		return fail(err, "out of memory");
	*l = key;
	return GW_CFG_OK;
}

/* ---------------------------------------------------------------- entries */

static int seq_cmp(const void *key, const void *elem)
{
	uint32_t a = *(const uint32_t *)key, b = ((const struct acl_rule *)elem)->seq;
	return a < b ? -1 : a > b;
}

/* The position of entry number seq in l (or where it would go); *found if it is there. */
static size_t rule_at(const struct gw_cfg_acl *l, uint32_t seq, bool *found)
{
	return gw_cfg_vec_lower(l->rules, l->n, sizeof(*l->rules), &seq, seq_cmp, found);
}

int gw_cfg_acl_add(struct gw_cfg *c, int fam, const char *name, const struct acl_rule *r, char *err)
{
	struct gw_cfg_acl *l = acl_get(c, fam, name, err);
	if (!l)
		return GW_CFG_ERR;
	uint32_t last = l->n ? l->rules[l->n - 1].seq : 0;
	uint32_t seq = r->seq;
	if (!seq && last > ACL_SEQ_MAX - ACL_SEQ_STEP)
		return fail(err, "access list %s: no sequence number after %u (resequence)", name,
		            last);
	if (!seq)
		seq = last + ACL_SEQ_STEP;
	if (seq > ACL_SEQ_MAX)
		return fail(err, "sequence number %u out of range 1-%u", seq, ACL_SEQ_MAX);
	if (l->n >= ACL_ENTRIES_MAX)
		return fail(err, "access list %s: at most %d entries", name, ACL_ENTRIES_MAX);
	bool found;
	size_t at = rule_at(l, seq, &found);
	if (found)
		return fail(err, "sequence number %u exists in access list %s", seq, name);
	struct acl_rule *e =
	    gw_cfg_vec_insert((void **)&l->rules, &l->n, &l->cap, sizeof(*l->rules), at);
	if (!e)
		return fail(err, "out of memory");
	*e = *r;
	e->seq = seq;
	return GW_CFG_OK;
}

int gw_cfg_acl_del(struct gw_cfg *c, int fam, const char *name, uint32_t seq,
                   const struct acl_rule *r, char *err)
{
	struct gw_cfg_acl *l = acl_get(c, fam, name, err);
	if (!l)
		return GW_CFG_ERR;
	bool found = false;
	size_t at = 0;
	if (r) {
		while (at < l->n && !acl_rule_same(&l->rules[at], r))
			at++;
		found = at < l->n;
	} else {
		at = rule_at(l, seq, &found);
	}
	if (!found && r)
		return fail(err, "access list %s has no such entry", name);
	if (!found)
		return fail(err, "access list %s has no entry %u", name, seq);
	gw_cfg_vec_remove(l->rules, &l->n, sizeof(*l->rules), at);
	return GW_CFG_OK;
}

int gw_cfg_acl_resequence(struct gw_cfg *c, int fam, const char *name, uint32_t start,
                          uint32_t step, char *err)
{
	struct gw_cfg_acl *l = acl_get(c, fam, name, err);
	if (!l)
		return GW_CFG_ERR;
	if (start < 1 || step < 1)
		return fail(err, "resequence %u %u: start and step are at least 1", start, step);
	uint64_t end = start + (uint64_t)step * (l->n ? l->n - 1 : 0);
	if (end > ACL_SEQ_MAX)
		return fail(err, "resequence %u %u: the last entry would be %llu, past %u", start,
		            step, (unsigned long long)end, ACL_SEQ_MAX);
	for (unsigned k = 0; k < l->n; k++)
		l->rules[k].seq = start + step * k;
	return GW_CFG_OK;
}

/* ---------------------------------------------------------------- users of lists */

const char *gw_cfg_if_acl(const struct gw_cfg_if *f, int fam, int dir)
{
	int fx = fam_index(fam);
	if (fx < 0 || (dir != ACL_IN && dir != ACL_OUT) || !f->acl[fx][dir][0])
		return NULL;
	return f->acl[fx][dir];
}

/* dst (ACL_NAMELEN) names list `name` (NULL: none), zero-filled. */
static void acl_ref_set(char *dst, const char *name)
{
	memset(dst, 0, ACL_NAMELEN);
	if (name)
		snprintf(dst, ACL_NAMELEN, "%s", name);
}

int gw_cfg_if_set_acl(struct gw_cfg *c, const char *ifname, int fam, int dir, const char *name,
                      char *err)
{
	struct gw_cfg_if *f = gw_cfg_if_find(c, ifname);
	int fx = fam_index(fam);
	if (!f)
		return fail(err, "interface %s does not exist", ifname);
	if (fx < 0 || (dir != ACL_IN && dir != ACL_OUT))
		return fail(err, "access group: bad family %d or direction %d", fam, dir);
	if (name && !gw_cfg_acl_find(c, fam, name))
		return fail(err, "%s access-list %s does not exist", fam_word(fam), name);
	acl_ref_set(f->acl[fx][dir], name);
	return GW_CFG_OK;
}

/* An access-class: an IPv4 list that exists, or NULL. */
static int access_class_check(const struct gw_cfg *c, const char *name, char *err)
{
	if (name && !gw_cfg_acl_find(c, ACL_IP4, name))
		return fail(err, "ip access-list %s does not exist", name);
	return GW_CFG_OK;
}

int gw_cfg_set_vty_acl(struct gw_cfg *c, const char *name, char *err)
{
	if (access_class_check(c, name, err))
		return GW_CFG_ERR;
	c->vty = true;
	acl_ref_set(c->vty_acl, name);
	return GW_CFG_OK;
}

int gw_cfg_set_metrics_acl(struct gw_cfg *c, const char *name, char *err)
{
	if (access_class_check(c, name, err))
		return GW_CFG_ERR;
	acl_ref_set(c->metrics_acl, name);
	return GW_CFG_OK;
}

int gw_cfg_acls_check(const struct gw_cfg *c, char *err)
{
	static const int fams[2] = {ACL_IP4, ACL_IP6};
	for (size_t i = 0; i < c->ifs.n; i++)
		for (int fx = 0; fx < 2; fx++)
			for (int dir = ACL_IN; dir <= ACL_OUT; dir++) {
				const char *n = c->ifs.v[i].acl[fx][dir];
				if (n[0] && !gw_cfg_acl_find(c, fams[fx], n))
					return fail(
					    err, "interface %s: %s access-list %s does not exist",
					    c->ifs.v[i].name, fam_word(fams[fx]), n);
			}
	if (c->vty_acl[0] && !gw_cfg_acl_find(c, ACL_IP4, c->vty_acl))
		return fail(err, "line vty: ip access-list %s does not exist", c->vty_acl);
	if (c->metrics_acl[0] && !gw_cfg_acl_find(c, ACL_IP4, c->metrics_acl))
		return fail(err, "metrics access-class: ip access-list %s does not exist",
		            c->metrics_acl);
	return GW_CFG_OK;
}
