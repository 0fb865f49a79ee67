/*
 * gw/drop.c - the names and help strings of the drop reasons (gw/drop.h), apart from the
 * gateway object so that what prints a drop (debug log, trace, show errors) needs no more;
 * and the drop stage's trace record.
 */
#include "gw/drop.h"

#include "gw/trace.h"

static const char *const drop_names[] = {
#define GW_DROP_NAME(e, n, d) [GW_DROP_##e] = n,
    GW_DROP_REASONS(GW_DROP_NAME)
#undef GW_DROP_NAME
};

static const char *const drop_descs[] = {
#define GW_DROP_DESC(e, n, d) [GW_DROP_##e] = d,
    GW_DROP_REASONS(GW_DROP_DESC)
#undef GW_DROP_DESC
};

const char *gw_drop_name(enum gw_drop d)
{
	return d < GW_DROP_MAX ? drop_names[d] : "?";
}

const char *gw_drop_desc(enum gw_drop d)
{
	return d < GW_DROP_MAX ? drop_descs[d] : "?";
}

/* ---------------------------------------------------------------- trace record */

GW_TRACE_PAYLOAD_FITS(struct gw_tr_drop);

void gw_trace_drop(struct gw *gw, const struct gw_pkt *p, enum gw_drop why)
{
	struct gw_trace_rec *r = gw_trace_rec_new(gw, p, GW_TR_DROP, 0);
	if (r)
		((struct gw_tr_drop *)gw_trace_data(r))->reason = (uint16_t)why;
}

void gw_tr_fmt_drop(struct gw_trace_fmt *f, const struct gw_trace_rec *r)
{
	gw_trace_put_str(f, "reason",
	                 gw_drop_name(((const struct gw_tr_drop *)gw_trace_cdata(r))->reason));
}
