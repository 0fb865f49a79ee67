/*
 * gw/drop.c - the names and help strings of the drop reasons (gw/drop.h), apart from the
 * gateway object so that what prints a drop (debug log, trace, show errors) needs no more.
 */
#include "gw/drop.h"

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
