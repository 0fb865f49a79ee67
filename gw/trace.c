/*
 * gw/trace.c - packet trace core: the registry of stages, the budget, the entries, the
 * records' common header and the formatting of a record through its stage's formatter.
 * The stages' payloads, hooks and formatters are in the files that emit them.
 */
#include "gw/gw_int.h"

#include <stdlib.h>
#include <string.h>

#include "gw/pipeline_trace.h"

typedef void stage_fmt_fn(struct gw_trace_fmt *f, const struct gw_trace_rec *r);

static const struct {
	const char *name;
	stage_fmt_fn *fmt;
} stages[GW_TR_MAX] = {
#define GW_TRACE_STAGE_ENTRY(e, n, fn) [GW_TR_##e] = {n, fn},
    GW_TRACE_STAGES(GW_TRACE_STAGE_ENTRY)
#undef GW_TRACE_STAGE_ENTRY
};

const char *gw_trace_stage_name(enum gw_trace_stage s)
{
	return s < GW_TR_MAX ? stages[s].name : "?";
}

const char *gw_trace_input_name(enum gw_trace_input in)
{
	switch (in) {
	case GW_TRACE_IN_UNDERLAY:
		return "underlay";
	case GW_TRACE_IN_ETHERNET:
		return "ethernet";
	default:
		return "any";
	}
}

/* ---------------------------------------------------------------- budget and entries */

int gw_trace_add(struct gw *gw, uint32_t n, enum gw_trace_input input)
{
	struct gw_trace_state *t = &gw->trace;
	if (n == 0 || n > GW_TRACE_MAX_PKTS)
		return -1;
	uint32_t room = GW_TRACE_MAX_PKTS - t->n - t->budget;
	if (n > room)
		n = room;
	uint32_t want = t->n + t->budget + n;
	if (want > t->cap) {
		/* grown here, on the command, never on the packet path */
		struct gw_trace_pkt *a = realloc(t->pkts, (size_t)want * sizeof(*a));
		if (!a)
			return -2;
		t->pkts = a;
		t->cap = want;
	}
	t->budget += n;
	t->input = (uint8_t)input;
	return (int)n;
}

void gw_trace_clear(struct gw *gw)
{
	struct gw_trace_state *t = &gw->trace;
	free(t->pkts);
	t->base += t->n;
	t->pkts = NULL;
	t->n = t->cap = t->budget = 0;
	t->input = GW_TRACE_IN_ANY;
}

void gw_trace_fini(struct gw *gw)
{
	gw_trace_clear(gw);
}

uint32_t gw_trace_budget(const struct gw *gw)
{
	return gw->trace.budget;
}

uint32_t gw_trace_count(const struct gw *gw)
{
	return gw->trace.n;
}

const struct gw_trace_pkt *gw_trace_get(const struct gw *gw, uint32_t i)
{
	return i < gw->trace.n ? &gw->trace.pkts[i] : NULL;
}

/* The entry of a traced packet; NULL when it was cleared since. */
static struct gw_trace_pkt *entry_of(struct gw *gw, const struct gw_pkt *p)
{
	struct gw_trace_state *t = &gw->trace;
	uint32_t slot = p->trace - 1 - t->base;
	if (p->trace - 1 < t->base || slot >= t->n)
		return NULL;
	return &t->pkts[slot];
}

struct gw_trace_rec *gw_trace_rec_new(struct gw *gw, const struct gw_pkt *p,
                                      enum gw_trace_stage stage, uint16_t ifx)
{
	struct gw_trace_pkt *e = entry_of(gw, p);
	if (!e)
		return NULL;
	if (e->n_recs == GW_TRACE_RECS) {
		if (e->n_lost < UINT16_MAX)
			e->n_lost++;
		return NULL;
	}
	struct gw_trace_rec *r = &e->rec[e->n_recs++];
	memset(r, 0, sizeof(*r));
	r->stage = (uint8_t)stage;
	r->ifx = ifx;
	uint64_t dt = gw->now_ms - e->t_ms;
	r->ms = dt > UINT32_MAX ? UINT32_MAX : (uint32_t)dt;
	return r;
}

void gw_trace_input(struct gw *gw, struct gw_pkt **pkts, unsigned n, uint16_t ifx)
{
	struct gw_trace_state *t = &gw->trace;
	uint8_t in = ifx ? GW_TRACE_IN_ETHERNET : GW_TRACE_IN_UNDERLAY;
	if (t->input != GW_TRACE_IN_ANY && t->input != in)
		return;
	for (unsigned i = 0; i < n && t->budget && t->n < t->cap; i++) {
		struct gw_trace_pkt *e = &t->pkts[t->n++];
		t->budget--;
		e->id = t->base + t->n;
		e->input = in;
		e->n_recs = 0;
		e->n_lost = 0;
		e->t_ms = gw->now_ms;
		pkts[i]->trace = e->id;
		gw_trace_rx(gw, pkts[i], ifx);
	}
}

/* ---------------------------------------------------------------- show trace */

static const char *format(struct gw *gw, const struct gw_trace_rec *r, char *buf, size_t len,
                          bool json)
{
	struct gw_trace_fmt f = {.gw = gw, .buf = buf, .len = len, .json = json};
	if (len)
		buf[0] = '\0';
	if (r->stage < GW_TR_MAX && stages[r->stage].fmt)
		stages[r->stage].fmt(&f, r);
	return buf;
}

const char *gw_trace_format(struct gw *gw, const struct gw_trace_rec *r, char *buf, size_t len)
{
	return format(gw, r, buf, len, false);
}

const char *gw_trace_format_json(struct gw *gw, const struct gw_trace_rec *r, char *buf, size_t len)
{
	return format(gw, r, buf, len, true);
}
