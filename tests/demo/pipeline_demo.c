/*
 * pipeline_demo.c - the gateway's pipeline in memory, narrated: a host in VNI 5000
 * resolves its gateway, pings it, pings a host in VNI 6000 (the gateway resolves that
 * host over VXLAN first), and a few bad packets are dropped by reason.
 */
#include <stdio.h>
#include <string.h>

#include "pktlab.h"
#include "vxlan/vxlan.h"

static const uint8_t H1[6] = {0x02, 0x11, 0x22, 0x33, 0x44, 0x50};
static const uint8_t H2[6] = {0x02, 0x11, 0x22, 0x33, 0x44, 0x60};

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* One line per frame, tcpdump-like: inner Ethernet, then ARP or IPv4/ICMP. */
static void describe_inner(const uint8_t *e, unsigned len)
{
	char a[NET_MAC_STRLEN], b[NET_MAC_STRLEN], x[NET_IP_STRLEN], y[NET_IP_STRLEN];
	printf("%s > %s", net_mac_fmt(e + 6, a), net_mac_fmt(e, b));
	uint16_t type = rd16(e + 12);
	if (type == 0x0806 && len >= 42) {
		printf(", ARP %s %s tell %s\n", rd16(e + 20) == 1 ? "who-has" : "reply",
		       net_ip_fmt(rd32(e + 38), x), net_ip_fmt(rd32(e + 28), y));
	} else if (type == 0x0800 && len >= 34) {
		const uint8_t *ip = e + 14;
		printf(", IPv4 %s > %s ttl %u len %u", net_ip_fmt(rd32(ip + 12), x),
		       net_ip_fmt(rd32(ip + 16), y), ip[8], rd16(ip + 2));
		if (ip[9] == 1)
			printf(", ICMP type %u code %u", ip[20], ip[21]);
		printf("\n");
	} else {
		printf(", ethertype 0x%04x\n", type);
	}
}

static void show_output(struct lab *lab)
{
	char x[NET_IP_STRLEN];
	for (unsigned i = 0; i < lab->n_cap; i++) {
		const struct lab_frame *f = &lab->cap[i];
		if (f->ifx) {
			printf("    out uplink %u: ", f->ifx);
			describe_inner(f->bytes, f->len);
			continue;
		}
		printf("    out VXLAN to VTEP %s VNI %u sport %u: ", net_ip_fmt(f->outer_dst, x),
		       rd32(f->bytes + 32) >> 8, rd16(f->bytes + 20));
		describe_inner(f->bytes + VX_ENCAP_LEN, f->len - VX_ENCAP_LEN);
	}
	if (!lab->n_cap)
		printf("    (nothing sent)\n");
	lab_reset_capture(lab);
}

static void step(struct lab *lab, const char *what, uint32_t vtep, uint32_t vni,
                 const uint8_t *frame, unsigned len)
{
	char x[NET_IP_STRLEN];
	printf("\n%s\n    in  VXLAN from VTEP %s VNI %u: ", what, net_ip_fmt(vtep, x), vni);
	describe_inner(frame, len);
	lab_from_vtep(lab, vtep, vni, frame, len);
	show_output(lab);
}

int main(void)
{
	static struct lab lab;
	uint8_t f[256], gwmac10[6], gwmac20[6];
	if (!lab_init(&lab, NULL)) {
		fprintf(stderr, "lab setup failed\n");
		return 1;
	}
	gw_bdif_default_mac(10, gwmac10);
	gw_bdif_default_mac(20, gwmac20);
	printf("vxgw pipeline demo: VTEP 192.0.2.1; BD 10 = VNI 5000 (bdif10 10.1.10.1/24, "
	       "peers .11 .12); BD 20 = VNI 6000 (bdif20 10.1.20.1/24, peers .12 .13)\n");
	unsigned n = lab_arp_frame(f, 1, NULL, H1, 0x0a010a32u, NULL, LAB_GW10);
	step(&lab, "1. host 10.1.10.50 asks for its gateway", LAB_VTEP11, 5000, f, n);
	n = lab_ping_frame(f, gwmac10, H1, 0x0a010a32u, LAB_GW10, 64, 56, true);
	step(&lab, "2. host pings its gateway", LAB_VTEP11, 5000, f, n);
	n = lab_ping_frame(f, gwmac10, H1, 0x0a010a32u, 0x0a01143cu, 64, 56, true);
	step(&lab, "3. host pings 10.1.20.60 in VNI 6000: held, ARP head-end replicated",
	     LAB_VTEP11, 5000, f, n);
	n = lab_arp_frame(f, 2, gwmac20, H2, 0x0a01143cu, gwmac20, LAB_GW20);
	step(&lab, "4. 10.1.20.60 answers: the held packet is routed", LAB_VTEP12, 6000, f, n);
	n = lab_ping_frame(f, gwmac10, H1, 0x0a010a32u, 0x0a01143cu, 1, 56, true);
	step(&lab, "5. TTL 1: time exceeded", LAB_VTEP11, 5000, f, n);
	n = lab_ping_frame(f, gwmac10, H1, 0x0a010a32u, 0xc6336401u, 64, 56, true);
	step(&lab, "6. no route: net unreachable", LAB_VTEP11, 5000, f, n);
	n = lab_ping_frame(f, gwmac10, H1, 0x0a010a32u, LAB_GW10, 64, 56, true);
	step(&lab, "7. a VTEP outside BD 10's peer list sends into VNI 5000: dropped", LAB_VTEP13,
	     5000, f, n);

	struct gw_counters c;
	gw_get_counters(lab.gw, &c);
	printf("\nroutes: %llu routed, %llu ICMP errors, %llu ARP replies, %llu ARP requests\n",
	       (unsigned long long)c.routed, (unsigned long long)c.icmp_errors,
	       (unsigned long long)c.arp_replies, (unsigned long long)c.arp_requests);
	printf("drops by reason:\n");
	for (int d = 0; d < GW_DROP_MAX; d++)
		if (c.drops[d])
			printf("  %-22s %llu  (%s)\n", gw_drop_name(d),
			       (unsigned long long)c.drops[d], gw_drop_desc(d));
	lab_fini(&lab);
	return 0;
}
