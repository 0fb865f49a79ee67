/*
 * gw/vrf.c - tenant VRFs: a name and a FIB each, slot 0 being the default VRF.
 *
 * A VRF is only a routing table here: interfaces carry their VRF index and the pipeline
 * looks a packet up in the FIB of the VRF it came in on. A FIB exists only for a
 * configured VRF, so the bound costs nothing until it is used.
 */
#include "gw/gw_int.h"

#include <stdio.h>
#include <string.h>

bool gw_vrf_name_is_default(const char *name)
{
	return !name || !name[0] || !strcmp(name, "default");
}

bool gw_vrf_find(const struct gw *gw, const char *name, uint16_t *vrfx)
{
	if (gw_vrf_name_is_default(name)) {
		*vrfx = GW_VRF_DEFAULT;
		return true;
	}
	for (uint16_t v = 1; v < GW_VRF_MAX; v++) {
		if (gw->vrfs[v].fib && !strcmp(gw->vrfs[v].name, name)) {
			*vrfx = v;
			return true;
		}
	}
	return false;
}

int gw_vrf_add(struct gw *gw, const char *name, uint16_t *vrfx)
{
	size_t n = strlen(name);
	if (n == 0 || n >= GW_VRF_NAMELEN || gw_vrf_name_is_default(name))
		return GW_E_INVAL;
	if (gw_vrf_find(gw, name, vrfx))
		return GW_E_EXISTS;
	uint16_t v = 1;
	while (v < GW_VRF_MAX && gw->vrfs[v].fib)
		v++;
	if (v == GW_VRF_MAX)
		return GW_E_FULL;
	struct fib *fib = fib_create();
	struct fib6 *fib6 = fib6_create();
	if (!fib || !fib6) {
		fib_destroy(fib);
		fib6_destroy(fib6);
		return GW_E_NOMEM;
	}
	gw->vrfs[v].fib = fib;
	gw->vrfs[v].fib6 = fib6;
	snprintf(gw->vrfs[v].name, GW_VRF_NAMELEN, "%s", name);
	*vrfx = v;
	return GW_OK;
}

int gw_vrf_del(struct gw *gw, uint16_t vrfx)
{
	if (vrfx == GW_VRF_DEFAULT || vrfx >= GW_VRF_MAX || !gw->vrfs[vrfx].fib)
		return vrfx == GW_VRF_DEFAULT ? GW_E_INVAL : GW_E_NOENT;
	/* an interface left in it would route into a freed table */
	for (uint16_t i = 1; i <= GW_IF_MAX; i++)
		if (gw->ifs[i].used && gw->ifs[i].vrfx == vrfx)
			return GW_E_BUSY;
	gw_ping_vrf_deleted(gw, vrfx);
	fib_destroy(gw->vrfs[vrfx].fib);
	fib6_destroy(gw->vrfs[vrfx].fib6);
	memset(&gw->vrfs[vrfx], 0, sizeof(gw->vrfs[vrfx]));
	return GW_OK;
}

const char *gw_vrf_name(const struct gw *gw, uint16_t vrfx)
{
	return vrfx < GW_VRF_MAX && gw->vrfs[vrfx].fib ? gw->vrfs[vrfx].name : NULL;
}

struct fib6 *gw_vrf_fib6(struct gw *gw, uint16_t vrfx)
{
	return vrfx < GW_VRF_MAX ? gw->vrfs[vrfx].fib6 : NULL;
}

struct fib *gw_vrf_fib(struct gw *gw, uint16_t vrfx)
{
	return vrfx < GW_VRF_MAX ? gw->vrfs[vrfx].fib : NULL;
}
