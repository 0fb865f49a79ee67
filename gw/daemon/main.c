/*
 * gw/daemon/main.c - vxgwd: command line, daemonising, signals, and wiring the gateway to the
 * control socket. Everything runs on one libev loop that owns all state.
 *
 *   vxgwd [-f CONFIG] [-s CONTROL_SOCKET] [-g GROUP] [-F] [-n]
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/ctl.h"
#include "cli/metrics.h"
#include "cli/vty.h"
#include "gw/daemon/daemon.h"
#include "gw/gw.h"
#include "gw/log.h"

#define DEFAULT_CONFIG "/etc/vxgw/vxgw.conf"
#define DEFAULT_SOCKET "/run/vxgw/vxgwd.sock"

static void usage(FILE *f)
{
	fprintf(f, "usage: vxgwd [-f CONFIG] [-s CONTROL_SOCKET] [-g GROUP] [-F] [-n]\n"
	           "  -f CONFIG          configuration file (default " DEFAULT_CONFIG ")\n"
	           "  -s CONTROL_SOCKET  control socket for vxgw-cli (default " DEFAULT_SOCKET ")\n"
	           "  -g GROUP           group owning the control socket (mode 0660)\n"
	           "  -F                 stay in the foreground, log to stderr\n"
	           "  -n                 check the configuration file and exit\n");
}

static void print_config_error(void *arg, unsigned line, const char *msg)
{
	if (line)
		fprintf(stderr, "%s:%u: %s\n", (const char *)arg, line, msg);
	else
		fprintf(stderr, "%s: %s\n", (const char *)arg, msg);
}

/* -n: syntax and semantics only; the host's interfaces and addresses are not needed. */
static int check_config(const char *path)
{
	char err[GW_CFG_ERRLEN];
	char *text = gwd_config_read(path, err);
	if (!text) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	struct gw_cfg *cfg;
	int errors = cli_load_config(text, &cfg, print_config_error, (void *)path);
	gw_cfg_free(cfg);
	free(text);
	if (errors) {
		fprintf(stderr, "%s: %d error%s\n", path, errors, errors == 1 ? "" : "s");
		return 1;
	}
	return 0; /* silent on success, as sshd -t */
}

static int daemonize(void)
{
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid > 0)
		_exit(0);
	if (setsid() < 0)
		return -1;
	if (chdir("/") != 0)
		return -1;
	int fd = open("/dev/null", O_RDWR);
	if (fd < 0)
		return -1;
	dup2(fd, 0);
	dup2(fd, 1);
	dup2(fd, 2);
	if (fd > 2)
		close(fd);
	return 0;
}

/* ---- the command tree's view of the daemon ---- */

static const struct gw_cfg *env_running(void *ctx)
{
	return gwd_running(ctx);
}

static int env_commit(void *ctx, struct gw_cfg *cand, char *err)
{
	return gwd_commit(ctx, cand, err);
}

static int env_save(void *ctx, char *err)
{
	return gwd_save(ctx, err);
}

static uint64_t env_now(void *ctx)
{
	(void)ctx;
	return gw_clock_ms();
}

static void env_sync(void *ctx)
{
	gwd_sync(ctx);
}

static const struct gw_workers *env_workers(void *ctx)
{
	return gwd_workers(ctx);
}

static void env_io_info(void *ctx, struct gw_xdp_info *out)
{
	gwd_io_info(ctx, out);
}

/* ---- telnet: the listener follows each committed configuration ---- */

struct vty_hook {
	struct cli_vty *vty;
	uint32_t addr, old_addr; /* the listener; the one before the commit under way */
	uint16_t port, old_port;
	bool pending;
};

static int vty_prepare(void *ctx, const struct gw_cfg *cand, char *err)
{
	struct vty_hook *h = ctx;
	h->pending = false;
	if (!h->vty || (cand->vty_addr == h->addr && cand->vty_port == h->port))
		return GW_CFG_OK;
	if (cli_vty_prepare(h->vty, cand->vty_addr, cand->vty_port, err, GW_CFG_ERRLEN) != 0)
		return GW_CFG_ERR;
	h->pending = true;
	h->old_addr = h->addr;
	h->old_port = h->port;
	h->addr = cand->vty_addr;
	h->port = cand->vty_port;
	return GW_CFG_OK;
}

static void vty_settle(void *ctx, bool committed)
{
	struct vty_hook *h = ctx;
	if (!h->pending)
		return;
	if (committed) {
		cli_vty_commit(h->vty);
	} else {
		cli_vty_abort(h->vty);
		/* the old listener still serves: forgetting it would make the next commit bind
		 * its address again and fail (address in use) */
		h->addr = h->old_addr;
		h->port = h->old_port;
	}
	h->pending = false;
}

/* ---- the metrics endpoint: the same, and both listeners go with one commit ---- */

struct metrics_hook {
	struct cli_metrics *m;
	uint32_t addr, new_addr; /* serving; prepared for the commit under way */
	uint16_t port, new_port; /* port 0: off */
	bool pending;
};

static int metrics_prepare(struct metrics_hook *h, const struct gw_cfg *cand, char *err)
{
	h->pending = false;
	if (!h->m || (cand->metrics_addr == h->addr && cand->metrics_port == h->port))
		return GW_CFG_OK;
	if (cli_metrics_prepare(h->m, cand->metrics_addr, cand->metrics_port, err, GW_CFG_ERRLEN) !=
	    0)
		return GW_CFG_ERR;
	h->pending = true;
	h->new_addr = cand->metrics_addr;
	h->new_port = cand->metrics_port;
	return GW_CFG_OK;
}

static void metrics_settle(struct metrics_hook *h, bool committed)
{
	if (!h->pending)
		return;
	if (committed) {
		cli_metrics_commit(h->m);
		h->addr = h->new_addr;
		h->port = h->new_port;
	} else {
		cli_metrics_abort(h->m); /* the current listener, if any, keeps serving */
	}
	h->pending = false;
}

struct mgmt_hooks {
	struct vty_hook vty;
	struct metrics_hook metrics;
};

static int mgmt_prepare(void *ctx, const struct gw_cfg *cand, char *err)
{
	struct mgmt_hooks *h = ctx;
	if (vty_prepare(&h->vty, cand, err) != GW_CFG_OK)
		return GW_CFG_ERR;
	if (metrics_prepare(&h->metrics, cand, err) != GW_CFG_OK) {
		vty_settle(&h->vty, false);
		return GW_CFG_ERR;
	}
	return GW_CFG_OK;
}

static void mgmt_settle(void *ctx, bool committed)
{
	struct mgmt_hooks *h = ctx;
	vty_settle(&h->vty, committed);
	metrics_settle(&h->metrics, committed);
}

/* ---- signals ---- */

static void on_stop(EV_P_ ev_signal *w, int revents)
{
	(void)revents;
	gw_log(LOG_NOTICE, "signal %d: exiting", w->signum);
	ev_break(EV_A_ EVBREAK_ALL);
}

static void on_hup(EV_P_ ev_signal *w, int revents)
{
	(void)loop;
	(void)revents;
	gwd_reload(w->data);
}

int main(int argc, char **argv)
{
	struct gwd_opts opts = {.config_path = DEFAULT_CONFIG, .socket_path = DEFAULT_SOCKET};
	bool foreground = false, check = false;
	int ch;
	gid_t group = (gid_t)-1;
	while ((ch = getopt(argc, argv, "f:s:g:Fnh")) != -1) {
		switch (ch) {
		case 'f':
			opts.config_path = optarg;
			break;
		case 's':
			opts.socket_path = optarg;
			break;
		case 'F':
			foreground = true;
			break;
		case 'g': {
			struct group *g = getgrnam(optarg);
			if (!g) {
				fprintf(stderr, "vxgwd: -g %s: no such group\n", optarg);
				return 2;
			}
			group = g->gr_gid;
			break;
		}
		case 'n':
			check = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	if (check)
		return check_config(opts.config_path);

	gw_malloc_setup();
	gw_log_init("vxgwd", foreground);
	signal(SIGPIPE, SIG_IGN);
	if (!foreground && daemonize() != 0) {
		gw_log(LOG_ERR, "cannot daemonize: %s", strerror(errno));
		return 1;
	}
	struct ev_loop *loop = ev_default_loop(EVFLAG_AUTO);
	/* the telnet sessions need the env, the env needs the daemon, the daemon's first
	 * commit needs the telnet listener: create the vty first, fill the env after */
	struct cli_env env = {.running = env_running,
	                      .commit = env_commit,
	                      .save = env_save,
	                      .now_ms = env_now,
	                      .sync = env_sync,
	                      .workers = env_workers,
	                      .io_info = env_io_info};
	struct mgmt_hooks mh = {.vty = {.vty = cli_vty_new(loop, &env)},
	                        .metrics = {.m = cli_metrics_new(loop, &env)}};
	struct gwd_hooks hooks = {.prepare = mgmt_prepare, .settle = mgmt_settle, .ctx = &mh};
	struct gwd *d = mh.vty.vty && mh.metrics.m ? gwd_create(loop, &opts, &hooks) : NULL;
	if (!d) {
		cli_vty_free(mh.vty.vty);
		cli_metrics_free(mh.metrics.m);
		return 1;
	}
	env.gw = gwd_gw(d);
	env.ctx = d;
	char err[256];
	struct cli_ctl *ctl = cli_ctl_open(loop, opts.socket_path, group, &env, err, sizeof(err));
	if (!ctl) {
		gw_log(LOG_ERR, "control socket %s", err);
		cli_vty_free(mh.vty.vty);
		cli_metrics_free(mh.metrics.m);
		gwd_destroy(d);
		return 1;
	}
	ev_signal sig_term, sig_int, sig_hup;
	ev_signal_init(&sig_term, on_stop, SIGTERM);
	ev_signal_init(&sig_int, on_stop, SIGINT);
	ev_signal_init(&sig_hup, on_hup, SIGHUP);
	sig_hup.data = d;
	ev_signal_start(loop, &sig_term);
	ev_signal_start(loop, &sig_int);
	ev_signal_start(loop, &sig_hup);
	gw_log(LOG_NOTICE, "running with %s, control socket %s", opts.config_path,
	       opts.socket_path);
	ev_run(loop, 0);
	cli_vty_free(mh.vty.vty);
	cli_metrics_free(mh.metrics.m);
	cli_ctl_close(ctl);
	gwd_destroy(d);
	ev_loop_destroy(loop);
	return 0;
}
