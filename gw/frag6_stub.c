/* TEMPORARY: replaced by gw_ip6_segment in frag.c when feat/gso6 merges. */
#include "gw/gw_int.h"

void gw_ip6_segment(struct gw *gw, struct gw_pkt *p, uint16_t ifx, const struct in6_addr *nh,
                    uint32_t mtu)
{
	(void)ifx;
	(void)nh;
	(void)mtu;
	gw_drop(gw, p, GW_DROP_GSO_UNSUPPORTED);
}
