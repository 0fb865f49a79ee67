/*
 * gw/daemon/daemon.h - vxgwd: the gateway on real sockets, driven by one libev loop that owns
 * every table and the configuration.
 */
#ifndef GW_DAEMON_H
#define GW_DAEMON_H

#include <ev.h>
#include <stdbool.h>

#include "gw/config/config.h"
#include "gw/io/io.h"

struct gwd;
struct gw_workers;

struct gwd_opts {
	const char *config_path;
	const char *socket_path;
};

/*
 * What the host of the daemon (main.c) attaches to commits: prepare may refuse cand
 * (e.g. its telnet address cannot be bound) before anything changes; settle learns
 * whether the commit went through.
 */
struct gwd_hooks {
	int (*prepare)(void *ctx, const struct gw_cfg *cand, char *err);
	void (*settle)(void *ctx, bool committed);
	void *ctx;
};

/* Creates the gateway, loads and applies the config file. NULL on failure (logged). */
struct gwd *gwd_create(struct ev_loop *loop, const struct gwd_opts *opts,
                       const struct gwd_hooks *hooks);
void gwd_destroy(struct gwd *d);

/* SIGHUP: reload the config file and apply it as a diff; errors keep the old config. */
void gwd_reload(struct gwd *d);

/*
 * The one commit path for every change (CLI, reload): checks that the host can provide
 * what cand needs (VTEP address, uplink netdevs, multicast groups), applies the diff,
 * adopts cand as the running config (taking ownership) or leaves everything as it was.
 */
int gwd_commit(struct gwd *d, struct gw_cfg *cand, char *err);

/* The largest config file read: a bound on what a mistaken path can make us allocate. */
#define GWD_CONFIG_MAX (64u << 20)
/*
 * The text of config file path, NUL-terminated (vxgwd and vxgwd -n read it alike); NULL
 * with a message naming path in err (GW_CFG_ERRLEN bytes). The caller frees it.
 */
char *gwd_config_read(const char *path, char *err);

/* write memory: save the running config to the config file atomically. */
int gwd_save(struct gwd *d, char *err);

const struct gw_cfg *gwd_running(const struct gwd *d);
struct gw *gwd_gw(struct gwd *d);
/* The workers' counters added to the gateway's now (show commands, scrapes). */
void gwd_sync(struct gwd *d);
/* The data-plane workers, NULL when the main thread forwards everything. */
const struct gw_workers *gwd_workers(const struct gwd *d);
/* What the underlay's I/O is (dataplane io), for show dataplane. */
struct gw_xdp_info;
void gwd_io_info(const struct gwd *d, struct gw_xdp_info *out);

#endif
