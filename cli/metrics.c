/*
 * cli/metrics.c - the Prometheus endpoint: GET /metrics over HTTP, served by
 * libmicrohttpd on the main loop.
 *
 * MHD runs without threads (no MHD_USE_INTERNAL_POLLING_THREAD): it keeps its sockets in
 * one epoll descriptor, which an ev_io watches; when that is readable, or when the timeout
 * MHD asks for has passed, the loop calls MHD_run, and MHD calls on_request from there.
 * So a scrape reads the counters on the thread that owns them, between two packet
 * vectors, and nothing else ever needs a lock.
 *
 * The listening socket is ours (bound at prepare time, so that a bad address fails the
 * configuration commit before anything changes) and handed to MHD, which closes it when
 * the daemon stops. Connections are bounded in number, per client and in idle time.
 */
#include "cli/metrics.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli_int.h"

struct cli_metrics {
	struct ev_loop *loop;
	const struct cli_env *env;
	struct MHD_Daemon *mhd;     /* serving; NULL = off */
	struct MHD_Daemon *pending; /* prepared for the commit under way */
	bool has_pending;
	ev_io io;
	ev_timer timer;
};

/* ---------------------------------------------------------------- requests */

static enum MHD_Result reply(struct MHD_Connection *c, unsigned status, const char *text,
                             const char *allow)
{
	struct MHD_Response *r =
	    MHD_create_response_from_buffer(strlen(text), (void *)text, MHD_RESPMEM_PERSISTENT);
	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "text/plain; charset=utf-8");
	if (allow)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, allow);
	enum MHD_Result ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result reply_metrics(struct cli_metrics *m, struct MHD_Connection *c)
{
	struct cli_out o;
	if (!m->env->gw)
		return reply(c, MHD_HTTP_SERVICE_UNAVAILABLE, "the gateway is not running\n", NULL);
	if (m->env->sync)
		m->env->sync(m->env->ctx);
	cli_out_init(&o);
	cli_prom_render(m->env->gw, &o);
	if (o.oom || !o.buf) {
		cli_out_free(&o);
		return reply(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory\n", NULL);
	}
	/* MHD frees the text with free() once sent */
	struct MHD_Response *r =
	    MHD_create_response_from_buffer(o.len, o.buf, MHD_RESPMEM_MUST_FREE);
	if (!r) {
		cli_out_free(&o);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, CLI_METRICS_CONTENT_TYPE);
	enum MHD_Result ret = MHD_queue_response(c, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **req_cls)
{
	static int headers_seen;
	(void)version;
	(void)upload_data;
	if (strcmp(method, MHD_HTTP_METHOD_GET) && strcmp(method, MHD_HTTP_METHOD_HEAD))
		return reply(c, MHD_HTTP_METHOD_NOT_ALLOWED, "only GET\n", "GET, HEAD");
	/* first call: the headers only; answer once the (empty) body has been read */
	if (!*req_cls) {
		*req_cls = &headers_seen;
		return MHD_YES;
	}
	if (*upload_data_size) {
		*upload_data_size = 0; /* a body on a GET means nothing here */
		return MHD_YES;
	}
	if (strcmp(url, "/metrics"))
		return reply(c, MHD_HTTP_NOT_FOUND, "not found: the metrics are at /metrics\n",
		             NULL);
	return reply_metrics(cls, c);
}

/* metrics access-class: a scraper the list does not permit is closed at once. Its
 * connection is matched to the configured listen address and port. */
static enum MHD_Result on_accept(void *cls, const struct sockaddr *addr, socklen_t len)
{
	struct cli_metrics *m = cls;
	const struct gw_cfg *cfg = m->env->running(m->env->ctx);
	if (!cfg->metrics_acl[0])
		return MHD_YES;
	if (addr->sa_family != AF_INET || len < sizeof(struct sockaddr_in))
		return MHD_NO;
	struct sockaddr_in peer, local = {.sin_family = AF_INET};
	memcpy(&peer, addr, sizeof(peer));
	local.sin_addr.s_addr = htonl(cfg->metrics_addr);
	local.sin_port = htons(cfg->metrics_port);
	return cli_tcp_permitted(m->env->gw, cfg->metrics_acl, &peer, &local) ? MHD_YES : MHD_NO;
}

/* ---------------------------------------------------------------- the loop */

/* Lets MHD do what is ready, then wakes up again when it says it must. */
static void run(struct cli_metrics *m)
{
	MHD_UNSIGNED_LONG_LONG ms;
	MHD_run(m->mhd);
	ev_timer_stop(m->loop, &m->timer);
	if (MHD_get_timeout(m->mhd, &ms) == MHD_YES) {
		ev_timer_set(&m->timer, (double)ms / 1000.0, 0.);
		ev_timer_start(m->loop, &m->timer);
	}
}

static void on_io(EV_P_ ev_io *w, int revents)
{
	(void)loop;
	(void)revents;
	run(w->data);
}

static void on_timer(EV_P_ ev_timer *w, int revents)
{
	(void)loop;
	(void)revents;
	run(w->data);
}

static void stop(struct cli_metrics *m)
{
	if (!m->mhd)
		return;
	ev_io_stop(m->loop, &m->io);
	ev_timer_stop(m->loop, &m->timer);
	MHD_stop_daemon(m->mhd);
	m->mhd = NULL;
}

static void start(struct cli_metrics *m)
{
	const union MHD_DaemonInfo *info = MHD_get_daemon_info(m->mhd, MHD_DAEMON_INFO_EPOLL_FD);
	ev_io_init(&m->io, on_io, info->epoll_fd, EV_READ);
	m->io.data = m;
	ev_io_start(m->loop, &m->io);
	run(m);
}

/* ---------------------------------------------------------------- listener */

int cli_metrics_prepare(struct cli_metrics *m, uint32_t addr, uint16_t port, char *err,
                        size_t errlen)
{
	cli_metrics_abort(m);
	m->has_pending = true;
	if (!port)
		return 0;
	int fd = cli_tcp_listen(addr, port, "metrics", err, errlen);
	if (fd < 0) {
		m->has_pending = false;
		return -1;
	}
	m->pending = MHD_start_daemon(
	    MHD_USE_EPOLL, 0, on_accept, m, on_request, m, MHD_OPTION_LISTEN_SOCKET, fd,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)CLI_METRICS_CONNECTIONS_MAX,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)CLI_METRICS_PER_IP_MAX,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)CLI_METRICS_TIMEOUT_S,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)32768, MHD_OPTION_END);
	if (!m->pending) {
		close(fd);
		snprintf(err, errlen, "metrics listen: the HTTP server did not start");
		m->has_pending = false;
		return -1;
	}
	if (!MHD_get_daemon_info(m->pending, MHD_DAEMON_INFO_EPOLL_FD)) {
		cli_metrics_abort(m); /* an MHD without epoll: nothing for the loop to watch */
		snprintf(err, errlen, "metrics listen: libmicrohttpd has no epoll support");
		return -1;
	}
	return 0;
}

void cli_metrics_commit(struct cli_metrics *m)
{
	if (!m->has_pending)
		return;
	stop(m);
	m->mhd = m->pending;
	m->pending = NULL;
	m->has_pending = false;
	if (m->mhd)
		start(m);
}

void cli_metrics_abort(struct cli_metrics *m)
{
	if (m->pending)
		MHD_stop_daemon(m->pending); /* closes the listening socket */
	m->pending = NULL;
	m->has_pending = false;
}

struct cli_metrics *cli_metrics_new(struct ev_loop *loop, const struct cli_env *env)
{
	struct cli_metrics *m = calloc(1, sizeof(*m));
	if (!m)
		return NULL;
	m->loop = loop;
	m->env = env;
	ev_init(&m->timer, on_timer);
	m->timer.data = m;
	return m;
}

void cli_metrics_free(struct cli_metrics *m)
{
	if (!m)
		return;
	cli_metrics_abort(m);
	stop(m);
	free(m);
}
