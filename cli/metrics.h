/*
 * cli/metrics.h - the gateway's counters for Prometheus: the text exposition format 0.0.4
 * (cli/prom.c) and the HTTP endpoint that serves it, GET /metrics (cli/metrics.c).
 *
 * The endpoint is libmicrohttpd without threads of its own: its epoll descriptor is
 * watched by the main libev loop, which runs it, so every scrape is answered by the one
 * owner of the state, from the live counters. Off until `metrics listen ADDR PORT`.
 */
#ifndef CLI_METRICS_H
#define CLI_METRICS_H

#include <ev.h>
#include <stddef.h>
#include <stdint.h>

#include "cli/cli.h"

#define CLI_METRICS_CONNECTIONS_MAX 16 /* at once, all clients */
#define CLI_METRICS_PER_IP_MAX      4
#define CLI_METRICS_TIMEOUT_S       10 /* idle connection */
#define CLI_METRICS_CONTENT_TYPE    "text/plain; version=0.0.4; charset=utf-8"

/* Every metric of gw, one family after another, each with its HELP and TYPE lines. */
void cli_prom_render(struct gw *gw, struct cli_out *o);
/* A label value, quoted and escaped (backslash, double quote, newline). */
void cli_prom_label(struct cli_out *o, const char *value);

struct cli_metrics;

struct cli_metrics *cli_metrics_new(struct ev_loop *loop, const struct cli_env *env);
/* Stops the endpoint (closing its connections) and frees it. */
void cli_metrics_free(struct cli_metrics *m);

/*
 * Changing the listener goes with a configuration commit, as for telnet: prepare binds
 * the new address (port 0: off) without disturbing the current listener; commit switches
 * to it; abort forgets it.
 */
int cli_metrics_prepare(struct cli_metrics *m, uint32_t addr, uint16_t port, char *err,
                        size_t errlen);
void cli_metrics_commit(struct cli_metrics *m);
void cli_metrics_abort(struct cli_metrics *m);

#endif
