/*
 * cli/commands.c - the command tree: every command, its modes, its help, its handler.
 *
 * Configuration handlers only translate words into gw_cfg_* calls on the session's
 * candidate; validation lives in the model (gw/config.c), so the file, the CLI and a
 * reload all apply the same rules.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli_int.h"
#include "common/net.h"

#define CFG_MODES                                                                                  \
	(CLI_M(CLI_MODE_CONFIG) | CLI_M(CLI_MODE_BD) | CLI_M(CLI_MODE_IF) | CLI_M(CLI_MODE_VTY))
#define ALL_MODES (CLI_M(CLI_MODE_EXEC) | CFG_MODES)
#define EXEC      CLI_M(CLI_MODE_EXEC)
#define CONFIG    CLI_M(CLI_MODE_CONFIG)
#define BD        CLI_M(CLI_MODE_BD)
#define IF        CLI_M(CLI_MODE_IF)
#define VTY       CLI_M(CLI_MODE_VTY)
#define CFG       (CLI_F_CONFIG | CLI_F_ENABLE | CLI_F_NO)

/* A model error becomes the command's error. */
static int cfg_result(int r, const char *err, struct cli_out *out)
{
	return r == GW_CFG_OK ? CLI_R_OK : cli_err(out, "%s", err);
}

/* ---------------------------------------------------------------- modes */

static int cmd_enable(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	(void)a;
	(void)out;
	s->enabled = true;
	return CLI_R_OK;
}

static int cmd_disable(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	(void)a;
	(void)out;
	s->enabled = false;
	s->mode = CLI_MODE_EXEC;
	return CLI_R_OK;
}

static int cmd_configure(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	(void)a;
	(void)out;
	s->mode = CLI_MODE_CONFIG;
	return CLI_R_OK;
}

static int cmd_exit(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	(void)a;
	(void)out;
	switch (s->mode) {
	case CLI_MODE_EXEC:
		return CLI_R_QUIT;
	case CLI_MODE_CONFIG:
		s->mode = CLI_MODE_EXEC;
		return CLI_R_OK;
	default:
		s->mode = CLI_MODE_CONFIG;
		return CLI_R_OK;
	}
}

static int cmd_end(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	(void)a;
	(void)out;
	s->mode = CLI_MODE_EXEC;
	return CLI_R_OK;
}

static int cmd_quit(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	(void)s;
	(void)a;
	(void)out;
	return CLI_R_QUIT;
}

static int cmd_write(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	(void)a;
	char err[GW_CFG_ERRLEN];
	if (!s->env->save)
		return cli_err(out, "no startup configuration file to write to");
	if (s->env->save(s->env->ctx, err) != GW_CFG_OK)
		return cli_err(out, "%s", err);
	cli_printf(out, "[OK]\n");
	return CLI_R_OK;
}

/* ---------------------------------------------------------------- global config */

static int cmd_hostname(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	char err[GW_CFG_ERRLEN];
	const char *name = a->neg ? GW_CFG_HOSTNAME_DEFAULT : a->val[0];
	return cfg_result(gw_cfg_set_hostname(s->cand, name, err), err, out);
}

static int cmd_vxlan_source(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	char err[GW_CFG_ERRLEN];
	return cfg_result(gw_cfg_set_vtep(s->cand, a->neg ? 0 : cli_ip(a->val[0]), err), err, out);
}

static int cmd_vxlan_port(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	char err[GW_CFG_ERRLEN];
	return cfg_result(gw_cfg_set_udp_port(s->cand, a->neg ? 0 : cli_u32(a->val[0]), err), err,
	                  out);
}

static int cmd_anycast_mac(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	char err[GW_CFG_ERRLEN];
	uint8_t mac[6];
	if (!a->neg)
		net_mac_parse(a->val[0], mac);
	return cfg_result(gw_cfg_set_anycast_mac(s->cand, a->neg ? NULL : mac, err), err, out);
}

static int cmd_bridge_domain(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	char err[GW_CFG_ERRLEN];
	uint32_t id = cli_u32(a->val[0]);
	if (a->neg)
		return cfg_result(gw_cfg_bd_del(s->cand, id, err), err, out);
	if (gw_cfg_bd_add(s->cand, id, err) != GW_CFG_OK)
		return cli_err(out, "%s", err);
	s->mode = CLI_MODE_BD;
	s->bd_id = id;
	return CLI_R_OK;
}

static int enter_interface(struct cli_sess *s, uint8_t kind, const char *name, uint32_t bd,
                           bool neg, struct cli_out *out)
{
	char err[GW_CFG_ERRLEN], ifname[GW_IF_NAMELEN];
	snprintf(ifname, sizeof(ifname), "%s", name);
	if (kind == GW_IF_BDIF)
		snprintf(ifname, sizeof(ifname), "bdif%u", bd);
	if (neg)
		return cfg_result(gw_cfg_if_del(s->cand, ifname, err), err, out);
	if (gw_cfg_if_add(s->cand, kind, ifname, bd, err) != GW_CFG_OK)
		return cli_err(out, "%s", err);
	s->mode = CLI_MODE_IF;
	snprintf(s->ifname, sizeof(s->ifname), "%s", ifname);
	return CLI_R_OK;
}

static int cmd_if_bdif(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	return enter_interface(s, GW_IF_BDIF, NULL, cli_u32(a->val[0]), a->neg, out);
}

static int cmd_if_eth(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	if (strlen(a->val[0]) >= GW_IF_NAMELEN)
		return cli_err(out, "Invalid interface name \"%s\": at most %d characters",
		               a->val[0], GW_IF_NAMELEN - 1);
	return enter_interface(s, GW_IF_ETH, a->val[0], 0, a->neg, out);
}

/* ip route [vrf NAME] P/L (A.B.C.D|null0): the prefix is value `at`, the next hop after it. */
static int ip_route(struct cli_sess *s, const struct cli_args *a, const char *vrf, int at,
                    struct cli_out *out)
{
	char err[GW_CFG_ERRLEN];
	uint32_t pfx;
	uint8_t len;
	net_prefix_parse(a->val[at], &pfx, &len);
	struct fib_nh nh = {.kind = FIB_NH_NULL0};
	if (a->nval > at + 1 && strcmp(a->val[at + 1], "null0")) {
		nh.kind = FIB_NH_IP;
		nh.ip = cli_ip(a->val[at + 1]);
	}
	bool all = a->neg && a->nval == at + 1;
	return cfg_result(gw_cfg_vrf_route(s->cand, vrf, pfx, len, all ? NULL : &nh, !a->neg, err),
	                  err, out);
}

static int cmd_ip_route(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	return ip_route(s, a, NULL, 0, out);
}

static int cmd_ip_route_vrf(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	return ip_route(s, a, a->val[0], 1, out);
}

static int cmd_vrf(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	char err[GW_CFG_ERRLEN];
	return cfg_result(gw_cfg_vrf(s->cand, a->val[0], !a->neg, err), err, out);
}

static int cmd_arp(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	char err[GW_CFG_ERRLEN];
	uint8_t mac[6] = {0};
	uint32_t ip = cli_ip(a->val[0]);
	if (a->nval > 1)
		net_mac_parse(a->val[1], mac);
	if (!a->neg || a->nval == 3)
		return cfg_result(gw_cfg_arp(s->cand, ip, mac, a->val[2], !a->neg, err), err, out);
	/* no arp A.B.C.D: every static entry for that address */
	bool any = false;
	for (size_t i = s->cand->arps.n; i-- > 0;) {
		struct gw_cfg_arp e = s->cand->arps.v[i];
		if (e.ip == ip && (a->nval < 2 || !memcmp(e.mac, mac, 6))) {
			gw_cfg_arp(s->cand, e.ip, e.mac, e.ifname, false, err);
			any = true;
		}
	}
	return any ? CLI_R_OK : cli_err(out, "no static arp for %s", a->val[0]);
}

static int cmd_mac_static(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	char err[GW_CFG_ERRLEN];
	uint8_t mac[6];
	net_mac_parse(a->val[0], mac);
	uint32_t vtep = a->nval > 2 ? cli_ip(a->val[2]) : 0;
	return cfg_result(gw_cfg_mac(s->cand, mac, cli_u32(a->val[1]), vtep, !a->neg, err), err,
	                  out);
}

/* ---------------------------------------------------------------- bridge-domain mode */

static int cmd_vni(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	char err[GW_CFG_ERRLEN];
	uint32_t vni = a->neg ? 0 : cli_u32(a->val[0]);
	return cfg_result(gw_cfg_bd_set_vni(s->cand, s->bd_id, vni, err), err, out);
}

static int cmd_flood_peer(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	char err[GW_CFG_ERRLEN];
	return cfg_result(gw_cfg_bd_peer(s->cand, s->bd_id, cli_ip(a->val[0]), !a->neg, err), err,
	                  out);
}

static int cmd_flood_group(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	char err[GW_CFG_ERRLEN];
	uint32_t g = a->neg ? 0 : cli_ip(a->val[0]);
	return cfg_result(gw_cfg_bd_set_group(s->cand, s->bd_id, g, err), err, out);
}

static int cmd_mac_aging(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	char err[GW_CFG_ERRLEN];
	uint32_t v = a->neg ? BD_MAC_AGING_DEFAULT : cli_u32(a->val[0]);
	return cfg_result(gw_cfg_bd_set_aging(s->cand, s->bd_id, v, err), err, out);
}

static int cmd_mac_limit(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	char err[GW_CFG_ERRLEN];
	uint32_t v = a->neg ? BD_MAC_LIMIT_DEFAULT : cli_u32(a->val[0]);
	return cfg_result(gw_cfg_bd_set_limit(s->cand, s->bd_id, v, err), err, out);
}

/* ---------------------------------------------------------------- interface mode */

static int cmd_ip_address(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	char err[GW_CFG_ERRLEN];
	uint32_t addr = 0;
	uint8_t len = 0;
	if (a->nval > 0)
		net_prefix_parse(a->val[0], &addr, &len);
	bool secondary = a->argc > 0 && !strcmp(a->argv[a->argc - 1], "secondary");
	enum gw_cfg_addr_op op = a->neg      ? GW_CFG_ADDR_DEL
	                         : secondary ? GW_CFG_ADDR_SECONDARY
	                                     : GW_CFG_ADDR_PRIMARY;
	return cfg_result(gw_cfg_if_addr(s->cand, s->ifname, addr, len, op, err), err, out);
}

static int cmd_if_mac(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	char err[GW_CFG_ERRLEN];
	uint8_t mac[6];
	if (!a->neg)
		net_mac_parse(a->val[0], mac);
	return cfg_result(gw_cfg_if_set_mac(s->cand, s->ifname, a->neg ? NULL : mac, err), err,
	                  out);
}

static int cmd_mtu(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	char err[GW_CFG_ERRLEN];
	uint32_t mtu = a->neg ? 0 : cli_u32(a->val[0]);
	return cfg_result(gw_cfg_if_set_mtu(s->cand, s->ifname, mtu, err), err, out);
}

static int cmd_shutdown(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	char err[GW_CFG_ERRLEN];
	return cfg_result(gw_cfg_if_set_shutdown(s->cand, s->ifname, !a->neg, err), err, out);
}

static int cmd_encapsulation(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	char err[GW_CFG_ERRLEN];
	uint32_t vlan = a->neg ? 0 : cli_u32(a->val[0]);
	return cfg_result(gw_cfg_if_set_dot1q(s->cand, s->ifname, vlan, err), err, out);
}

static int cmd_if_vrf(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	char err[GW_CFG_ERRLEN];
	/* `no vrf [NAME]`: back to the default VRF; a name given must be the current one */
	const struct gw_cfg_if *i = gw_cfg_if_find(s->cand, s->ifname);
	const char *cur = i && i->vrf[0] ? i->vrf : "default";
	if (a->neg && a->nval && strcmp(cur, a->val[0]))
		return cli_err(out, "%s is not in vrf %s", s->ifname, a->val[0]);
	const char *vrf = a->neg ? NULL : a->val[0];
	return cfg_result(gw_cfg_if_set_vrf(s->cand, s->ifname, vrf, err), err, out);
}

static int cmd_if_anycast(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	char err[GW_CFG_ERRLEN];
	return cfg_result(gw_cfg_if_set_anycast(s->cand, s->ifname, !a->neg, err), err, out);
}

/* ---------------------------------------------------------------- management */

static int cmd_username(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	char err[GW_CFG_ERRLEN];
	const char *hash = a->nval > 1 ? a->val[1] : "";
	return cfg_result(gw_cfg_user(s->cand, a->val[0], hash, !a->neg, err), err, out);
}

static int cmd_enable_secret(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	char err[GW_CFG_ERRLEN];
	return cfg_result(gw_cfg_set_enable_secret(s->cand, a->neg ? NULL : a->val[0], err), err,
	                  out);
}

static int cmd_line_vty(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	char err[GW_CFG_ERRLEN];
	if (gw_cfg_set_vty(s->cand, !a->neg, err) != GW_CFG_OK)
		return cli_err(out, "%s", err);
	if (!a->neg)
		s->mode = CLI_MODE_VTY;
	return CLI_R_OK;
}

static int cmd_telnet_listen(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	char err[GW_CFG_ERRLEN];
	uint32_t addr = a->neg ? 0 : cli_ip(a->val[0]);
	uint32_t port = a->neg ? 0 : cli_u32(a->val[1]);
	return cfg_result(gw_cfg_set_telnet(s->cand, addr, port, err), err, out);
}

static int cmd_exec_timeout(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	char err[GW_CFG_ERRLEN];
	uint32_t secs = GW_CFG_VTY_TIMEOUT_DEFAULT;
	if (!a->neg)
		secs = cli_u32(a->val[0]) * 60 + (a->nval > 1 ? cli_u32(a->val[1]) : 0);
	return cfg_result(gw_cfg_set_vty_timeout(s->cand, secs, err), err, out);
}

static int cmd_metrics_listen(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	char err[GW_CFG_ERRLEN];
	uint32_t addr = a->neg ? 0 : cli_ip(a->val[0]);
	uint32_t port = a->neg ? 0 : cli_u32(a->val[1]);
	return cfg_result(gw_cfg_set_metrics(s->cand, addr, port, err), err, out);
}

static int cmd_dataplane_workers(struct cli_sess *s, const struct cli_args *a, struct cli_out *out)
{
	char err[GW_CFG_ERRLEN];
	/* the word is <0-32> already; the model checks the range again for other callers */
	int n = a->neg ? GW_CFG_WORKERS_AUTO : (int)cli_u32(a->val[0]);
	return cfg_result(gw_cfg_set_workers(s->cand, n, err), err, out);
}

/* ---------------------------------------------------------------- the table */

#define SHOW(syntax, help)                                                                         \
	{                                                                                          \
		syntax, help, ALL_MODES, 0, cli_show_dispatch, NULL                                \
	}

const struct cli_cmd cli_commands[] = {
    {"enable", "Turn on privileged commands", EXEC, 0, cmd_enable, NULL},
    {"disable", "Turn off privileged commands", EXEC, 0, cmd_disable, NULL},
    {"configure terminal", "Enter configuration mode|From the terminal", EXEC, CLI_F_ENABLE,
     cmd_configure, NULL},
    {"exit", "Leave this mode", ALL_MODES, 0, cmd_exit, NULL},
    {"quit", "End the session", EXEC, 0, cmd_quit, NULL},
    {"end", "Back to exec mode", CFG_MODES, 0, cmd_end, NULL},
    {"write memory", "Save the configuration|To the startup configuration file", ALL_MODES,
     CLI_F_ENABLE, cmd_write, NULL},
    {"copy running-config startup-config",
     "Copy a configuration|The running configuration|To the startup configuration file", ALL_MODES,
     CLI_F_ENABLE, cmd_write, NULL},

    SHOW("show version [json]",
         "Show running system information|Software version|Machine-readable output"),
    {"show running-config [json]",
     "Show running system information|The running configuration|Machine-readable output", ALL_MODES,
     CLI_F_ENABLE, cli_show_dispatch, NULL},
    SHOW("show interfaces [json]",
         "Show running system information|Interfaces|Machine-readable output"),
    SHOW("show interfaces brief [json]", "Show running system information|Interfaces|One line per "
                                         "interface|Machine-readable output"),
    SHOW("show bridge-domain [json]",
         "Show running system information|Bridge domains|Machine-readable output"),
    SHOW("show bridge-domain <1-16777215> [json]",
         "Show running system information|Bridge domains|Bridge-domain id|Machine-readable output"),
    SHOW("show vxlan (peers|vni) [json]",
         "Show running system information|VXLAN|Peers or VNIs|Machine-readable output"),
    SHOW("show mac address-table [json]",
         "Show running system information|MAC|Address table|Machine-readable output"),
    SHOW("show mac address-table bridge-domain <1-16777215> [json]",
         "Show running system information|MAC|Address table|Of one bridge domain|Bridge-domain "
         "id|Machine-readable output"),
    SHOW("show ip route [json]",
         "Show running system information|IP|Routing table|Machine-readable output"),
    SHOW("show ip route (A.B.C.D/M|A.B.C.D) [json]",
         "Show running system information|IP|Routing table|Prefix (exact) or address (longest "
         "match)|Machine-readable output"),
    SHOW("show ip route vrf WORD [json]",
         "Show running system information|IP|Routing table|Of a VRF|VRF name|Machine-readable "
         "output"),
    SHOW("show ip route vrf WORD (A.B.C.D/M|A.B.C.D) [json]",
         "Show running system information|IP|Routing table|Of a VRF|VRF name|Prefix (exact) or "
         "address (longest match)|Machine-readable output"),
    SHOW("show ip arp [json]",
         "Show running system information|IP|Neighbour table|Machine-readable output"),
    SHOW("show ip arp vrf WORD [json]", "Show running system information|IP|Neighbour table|Of "
                                        "the interfaces of a VRF|VRF name|Machine-readable output"),
    SHOW("show vrf [json]",
         "Show running system information|VRFs and their interfaces|Machine-readable output"),
    SHOW("show vrf WORD [json]", "Show running system information|VRFs and their "
                                 "interfaces|VRF name|Machine-readable output"),
    SHOW("show counters [json]",
         "Show running system information|Packet counters|Machine-readable output"),
    SHOW("show counters interface WORD [json]",
         "Show running system information|Packet counters|Of one interface|Interface "
         "name|Machine-readable output"),
    SHOW("show counters bridge-domain <1-16777215> [json]",
         "Show running system information|Packet counters|Of one bridge domain|Bridge-domain "
         "id|Machine-readable output"),
    SHOW("show counters peer A.B.C.D [json]",
         "Show running system information|Packet counters|Of one VTEP peer|VTEP "
         "address|Machine-readable output"),
    SHOW("show dataplane [json]",
         "Show running system information|Data-plane worker threads|Machine-readable output"),
    SHOW("show errors [json]",
         "Show running system information|Drops by reason|Machine-readable output"),
    SHOW("show errors all [json]", "Show running system information|Drops by reason|Every "
                                   "reason, zeros included|Machine-readable output"),
    {"clear mac address-table dynamic [bridge-domain] [<1-16777215>]",
     "Reset|MAC|Address table|Learned entries|Of one bridge domain|Bridge-domain id", ALL_MODES,
     CLI_F_ENABLE, cli_show_dispatch, NULL},
    {"clear ip arp", "Reset|IP|Learned neighbours", ALL_MODES, CLI_F_ENABLE, cli_show_dispatch,
     NULL},
    {"clear counters", "Reset|Packet counters", ALL_MODES, CLI_F_ENABLE, cli_show_dispatch, NULL},
    {"ping LINE",
     "Send ICMP echo requests from the gateway|[vrf NAME] A.B.C.D [source INTERFACE|A.B.C.D] "
     "[count N] [size N] [timeout SECONDS]",
     EXEC, 0, cli_ping_cmd, NULL},

    {"trace add <1-1000> [(underlay|ethernet)]",
     "Packet trace|Trace the next packets|How many|Only those arriving from that input", EXEC,
     CLI_F_ENABLE, cli_cmd_trace_add, NULL},
    {"show trace [json]",
     "Show running system information|Traced packets, stage by stage|Machine-readable output",
     ALL_MODES, 0, cli_show_trace, NULL},
    {"clear trace", "Reset|Traced packets and the rest of the trace budget", ALL_MODES,
     CLI_F_ENABLE, cli_cmd_trace_clear, NULL},
    {"debug (arp|vxlan|all)", "Debug logging|ARP, VXLAN and bridging, or everything", EXEC,
     CLI_F_ENABLE | CLI_F_NO, cli_cmd_debug, NULL},
    {"debug ip packet", "Debug logging|IP|Drops, ICMP sent", EXEC, CLI_F_ENABLE | CLI_F_NO,
     cli_cmd_debug, NULL},
    {"undebug (arp|vxlan|all)", "Turn off debug logging|ARP, VXLAN and bridging, or everything",
     EXEC, CLI_F_ENABLE, cli_cmd_debug, NULL},
    {"undebug ip packet", "Turn off debug logging|IP|Drops, ICMP sent", EXEC, CLI_F_ENABLE,
     cli_cmd_debug, NULL},
    {"show debugging [json]",
     "Show running system information|Debug toggles that are "
     "on|Machine-readable output",
     ALL_MODES, 0, cli_show_debugging, NULL},

    {"hostname WORD", "Name of this gateway|Host name", CONFIG, CFG, cmd_hostname,
     "hostname [WORD]"},
    {"vxlan source A.B.C.D", "VXLAN underlay|Local VTEP address|Address of this host", CONFIG, CFG,
     cmd_vxlan_source, "vxlan source [A.B.C.D]"},
    {"vxlan udp-port <1-65535>", "VXLAN underlay|UDP destination port|Port (default 4789)", CONFIG,
     CFG, cmd_vxlan_port, "vxlan udp-port [<1-65535>]"},
    {"fabric anycast-gateway-mac H:H:H:H:H:H",
     "Fabric settings|Gateway MAC shared by the anycast-gateway BDIFs of all gateways|MAC address",
     CONFIG, CFG, cmd_anycast_mac, "fabric anycast-gateway-mac [H:H:H:H:H:H]"},
    {"bridge-domain <1-16777215>", "Bridge domain configuration|Bridge-domain id", CONFIG, CFG,
     cmd_bridge_domain, NULL},
    {"interface bdif <1-16777215>",
     "Interface configuration|L3 interface of a bridge domain|Bridge-domain id", CONFIG, CFG,
     cmd_if_bdif, NULL},
    {"interface ethernet WORD",
     "Interface configuration|Ethernet uplink|Linux netdev name, or NETDEV.N for an 802.1Q "
     "sub-interface",
     CONFIG, CFG, cmd_if_eth, NULL},
    {"ip route A.B.C.D/M (A.B.C.D|null0)", "IP|Static route|Destination prefix|Next hop or null0",
     CONFIG, CFG, cmd_ip_route, "ip route A.B.C.D/M [(A.B.C.D|null0)]"},
    {"ip route vrf WORD A.B.C.D/M (A.B.C.D|null0)",
     "IP|Static route|In a VRF|VRF name|Destination prefix|Next hop (in that VRF) or null0", CONFIG,
     CFG, cmd_ip_route_vrf, "ip route vrf WORD A.B.C.D/M [(A.B.C.D|null0)]"},
    {"vrf WORD", "Tenant routing table (VRF)|VRF name", CONFIG, CFG, cmd_vrf, NULL},
    {"arp A.B.C.D H:H:H:H:H:H WORD", "Static ARP entry|IPv4 address|MAC address|Interface", CONFIG,
     CFG, cmd_arp, "arp A.B.C.D [H:H:H:H:H:H] [WORD]"},
    {"mac-address-table static H:H:H:H:H:H bridge-domain <1-16777215> peer A.B.C.D",
     "MAC table|Static entry|MAC address|In bridge domain|Bridge-domain id|Behind VTEP|VTEP "
     "address",
     CONFIG, CFG, cmd_mac_static,
     "mac-address-table static H:H:H:H:H:H bridge-domain <1-16777215> [peer] [A.B.C.D]"},

    {"username WORD secret WORD",
     "A telnet login|User name|Its password as a hash|crypt(3) SHA-512 hash ($6$...)", CONFIG, CFG,
     cmd_username, "username WORD [secret] [WORD]"},
    {"enable secret WORD", "Privileged level password|As a hash|crypt(3) SHA-512 hash ($6$...)",
     CONFIG, CFG, cmd_enable_secret, "enable secret [WORD]"},
    {"line vty", "Terminal lines|Virtual terminals (telnet)", CONFIG, CFG, cmd_line_vty, NULL},
    {"telnet listen A.B.C.D <1-65535>",
     "Telnet server|Listen for connections|Local address|TCP port", VTY, CFG, cmd_telnet_listen,
     "telnet listen [A.B.C.D] [<1-65535>]"},
    {"exec-timeout <0-35791> [<0-59>]", "Idle session timeout|Minutes (0: never)|Seconds", VTY, CFG,
     cmd_exec_timeout, "exec-timeout [<0-35791>] [<0-59>]"},

    {"metrics listen A.B.C.D <1-65535>",
     "Prometheus metrics endpoint (HTTP GET /metrics)|Listen for scrapes|Local address (0.0.0.0: "
     "any)|TCP port",
     CONFIG, CFG, cmd_metrics_listen, "metrics listen [A.B.C.D] [<1-65535>]"},
    {"dataplane workers <0-32>",
     "Data plane (packet forwarding)|Forwarding threads sharing the traffic (default and no: one "
     "per online CPU)|Threads (0: none, the main thread forwards every packet)",
     CONFIG, CFG, cmd_dataplane_workers, "dataplane workers [<0-32>]"},

    {"vni <1-16777215>", "VXLAN network identifier|VNI", BD, CFG, cmd_vni, "vni [<1-16777215>]"},
    {"flood-peer A.B.C.D", "Head-end replication peer (and allowed VTEP)|VTEP address", BD, CFG,
     cmd_flood_peer, NULL},
    {"flood-group A.B.C.D", "Underlay multicast group for BUM traffic|Group address", BD, CFG,
     cmd_flood_group, "flood-group [A.B.C.D]"},
    {"mac-aging <0-1000000>", "MAC ageing time|Seconds (0: never)", BD, CFG, cmd_mac_aging,
     "mac-aging [<0-1000000>]"},
    {"mac-limit <1-1048576>", "Most MACs learned in this bridge domain|Entries", BD, CFG,
     cmd_mac_limit, "mac-limit [<1-1048576>]"},

    {"ip address A.B.C.D/M [secondary]", "IP|Interface address|Address/length|Another address", IF,
     CFG, cmd_ip_address, "ip address [A.B.C.D/M] [secondary]"},
    {"mac-address H:H:H:H:H:H", "Interface MAC address|MAC", IF, CFG, cmd_if_mac,
     "mac-address [H:H:H:H:H:H]"},
    {"mtu <576-9000>", "IP MTU|Bytes", IF, CFG, cmd_mtu, "mtu [<576-9000>]"},
    {"shutdown", "Disable the interface", IF, CFG, cmd_shutdown, NULL},
    {"encapsulation dot1q <1-4094>", "Sub-interface encapsulation|IEEE 802.1Q VLAN tagging|VLAN id",
     IF, CFG, cmd_encapsulation, "encapsulation dot1q [<1-4094>]"},
    {"vrf WORD", "Put the interface in a VRF|VRF name", IF, CFG, cmd_if_vrf, "vrf [WORD]"},
    {"fabric forwarding mode anycast-gateway",
     "Fabric settings|Forwarding of this interface|Mode|Distributed anycast gateway (BDIF): "
     "the fabric anycast-gateway-mac",
     IF, CFG, cmd_if_anycast, NULL},
};

const size_t cli_n_commands = sizeof(cli_commands) / sizeof(cli_commands[0]);
