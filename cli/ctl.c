/*
 * cli/ctl.c - the control socket server (see ctl.h). Non-blocking throughout: a client
 * that sends too much, too long a line, or reads nothing back is disconnected, never
 * waited for.
 */
#include "cli/ctl.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define OUT_MAX     (64u << 20) /* a reply larger than this is cut */
#define STREAM_MARK '\001'      /* first byte of a reply streamed while its command runs */

struct conn {
	struct cli_ctl *ctl;
	int fd;
	ev_io rw, ww;
	struct cli_sess *s;
	char in[CLI_CTL_LINE_MAX + 2];
	size_t in_len;
	struct cli_out out; /* reply bytes not yet written */
	size_t out_off;
	bool closing; /* the session ended: close once the reply is out */
	bool pending; /* a command is still running (ping): its reply is not complete */
};

struct cli_ctl {
	struct ev_loop *loop;
	const struct cli_env *env;
	int fd;
	ev_io w;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	struct conn *conns[CLI_CTL_CONNS_MAX];
};

static void conn_close(struct conn *c)
{
	struct cli_ctl *ctl = c->ctl;
	for (int i = 0; i < CLI_CTL_CONNS_MAX; i++)
		if (ctl->conns[i] == c)
			ctl->conns[i] = NULL;
	ev_io_stop(ctl->loop, &c->rw);
	ev_io_stop(ctl->loop, &c->ww);
	close(c->fd);
	cli_sess_free(c->s);
	cli_out_free(&c->out);
	free(c);
}

/* Writes what it can; returns false when the connection is gone. */
static bool conn_flush(struct conn *c)
{
	while (c->out_off < c->out.len) {
		ssize_t n = send(c->fd, c->out.buf + c->out_off, c->out.len - c->out_off,
		                 MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			ev_io_stop(c->ctl->loop,
			           &c->rw); /* no new request before this reply is out */
			ev_io_start(c->ctl->loop, &c->ww);
			return true;
		}
		if (n <= 0) {
			conn_close(c);
			return false;
		}
		c->out_off += (size_t)n;
	}
	cli_out_reset(&c->out);
	c->out_off = 0;
	ev_io_stop(c->ctl->loop, &c->ww);
	if (c->closing) {
		conn_close(c);
		return false;
	}
	ev_io_start(c->ctl->loop, &c->rw);
	return true;
}

static void reply_status(struct conn *c, int rc)
{
	char prompt[128];
	if (c->out.len > OUT_MAX) {
		c->out.len = OUT_MAX;
		cli_printf(&c->out, "\n%% output cut at %u bytes\n", OUT_MAX);
	}
	cli_printf(&c->out, "%c%d %s\n", '\0', rc, cli_prompt(c->s, prompt, sizeof(prompt)));
}

/* ---- the sink of a pending command: queue the bytes; the write watcher sends them ---- */

static void sink_write(void *arg, const char *text, size_t len)
{
	struct conn *c = arg;
	if (c->out.len + len <= OUT_MAX)
		cli_printf(&c->out, "%.*s", (int)len, text);
	ev_io_start(c->ctl->loop, &c->ww);
}

static void sink_done(void *arg, int result)
{
	struct conn *c = arg;
	c->pending = false;
	reply_status(c, result == CLI_R_ERROR ? 1 : 0);
	ev_io_start(c->ctl->loop, &c->ww);
}

/* A streamed reply starts with STREAM_MARK, so that the client prints it as it comes. */
static void start_stream(struct conn *c)
{
	struct cli_out o;
	cli_out_init(&o);
	cli_printf(&o, "%c%.*s", STREAM_MARK, (int)c->out.len, c->out.buf ? c->out.buf : "");
	cli_out_free(&c->out);
	c->out = o;
	c->pending = true;
}

static void handle_request(struct conn *c, char *req)
{
	int rc = 0;
	char kind = req[0];
	const char *arg = req[0] && req[1] == ' ' ? req + 2 : "";
	switch (kind) {
	case 'x': {
		int r = cli_exec(c->s, arg, &c->out);
		if (r == CLI_R_PENDING) {
			start_stream(c);
			return;
		}
		rc = r == CLI_R_QUIT ? 2 : r == CLI_R_ERROR ? 1 : 0;
		c->closing = r == CLI_R_QUIT;
		break;
	}
	case 'h':
		cli_query_help(c->s, arg, &c->out);
		break;
	case 'c':
		cli_query_complete(c->s, arg, &c->out);
		break;
	case 'p':
		break;
	case 'a': /* an abort that crossed the end of its command: nothing to do, no reply */
		return;
	default:
		cli_printf(&c->out, "%% bad request\n");
		rc = 1;
	}
	reply_status(c, rc);
}

/*
 * Handles complete lines one at a time: the next request is read only once the previous
 * reply is fully written, so a client that does not read cannot make us buffer.
 */
static void process_input(struct conn *c)
{
	char *nl;
	/* while a command streams, only an abort ("a") is taken; the rest waits */
	if (c->pending && c->in_len >= 2 && c->in[0] == 'a' &&
	    (c->in[1] == '\n' || (c->in[1] == '\r' && c->in_len >= 3 && c->in[2] == '\n'))) {
		size_t used = c->in[1] == '\n' ? 2 : 3;
		memmove(c->in, c->in + used, c->in_len - used);
		c->in_len -= used;
		cli_abort(c->s);
		return;
	}
	while (!c->closing && !c->pending && c->out.len == 0 &&
	       (nl = memchr(c->in, '\n', c->in_len))) {
		*nl = '\0';
		if (nl > c->in && nl[-1] == '\r')
			nl[-1] = '\0';
		handle_request(c, c->in);
		size_t used = (size_t)(nl + 1 - c->in);
		memmove(c->in, nl + 1, c->in_len - used);
		c->in_len -= used;
		if (!conn_flush(c))
			return;
	}
	if (c->out.len == 0 && !c->closing && !c->pending && c->in_len > CLI_CTL_LINE_MAX) {
		cli_printf(&c->out, "%% line too long (at most %d bytes)\n", CLI_CTL_LINE_MAX);
		reply_status(c, 1);
		c->closing = true;
		conn_flush(c);
	}
}

static void conn_readable(EV_P_ ev_io *w, int revents)
{
	struct conn *c = w->data;
	(void)revents;
	size_t room = sizeof(c->in) - 1 - c->in_len;
	if (room == 0) {
		/* A client that sends ahead while a command runs (or while its reply waits to
		 * be written) fills the buffer: stop reading until the lines in it are handled
		 * (conn_flush starts reading again after each reply). A recv of 0 bytes here
		 * would look like the end of the connection. */
		ev_io_stop(EV_A_ w);
		return;
	}
	ssize_t n = recv(c->fd, c->in + c->in_len, room, MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		conn_close(c);
		return;
	}
	c->in_len += (size_t)n;
	process_input(c);
}

static void conn_writable(EV_P_ ev_io *w, int revents)
{
	struct conn *c = w->data;
	(void)loop;
	(void)revents;
	if (conn_flush(c))
		process_input(c);
}

static void ctl_accept(EV_P_ ev_io *w, int revents)
{
	struct cli_ctl *ctl = w->data;
	(void)loop;
	(void)revents;
	int fd = accept4(ctl->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0)
		return;
	int slot = -1;
	for (int i = 0; i < CLI_CTL_CONNS_MAX && slot < 0; i++)
		if (!ctl->conns[i])
			slot = i;
	struct conn *c = slot >= 0 ? calloc(1, sizeof(*c)) : NULL;
	if (c)
		c->s = cli_sess_new(ctl->env, true);
	if (c && c->s)
		cli_sess_set_sink(c->s, &(struct cli_sink){sink_write, sink_done, c});
	if (!c || !c->s) {
		static const char busy[] = "% too many sessions\n\0"
		                           "2 \n";
		if (send(fd, busy, sizeof(busy) - 1, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
			(void)0; /* the client goes away either way */
		close(fd);
		free(c);
		return;
	}
	c->ctl = ctl;
	c->fd = fd;
	cli_out_init(&c->out);
	ev_io_init(&c->rw, conn_readable, fd, EV_READ);
	ev_io_init(&c->ww, conn_writable, fd, EV_WRITE);
	c->rw.data = c->ww.data = c;
	ev_io_start(ctl->loop, &c->rw);
	ctl->conns[slot] = c;
}

struct cli_ctl *cli_ctl_open(struct ev_loop *loop, const char *path, gid_t group,
                             const struct cli_env *env, char *err, size_t errlen)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	if (strlen(path) >= sizeof(sa.sun_path)) {
		snprintf(err, errlen, "%s: socket path too long", path);
		return NULL;
	}
	struct cli_ctl *ctl = calloc(1, sizeof(*ctl));
	if (!ctl) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	snprintf(ctl->path, sizeof(ctl->path), "%s", path);
	ctl->loop = loop;
	ctl->env = env;
	ctl->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	unlink(path);
	mode_t old = umask(0117); /* the socket file is born 0660 */
	bool ok = ctl->fd >= 0 && bind(ctl->fd, (struct sockaddr *)&sa, sizeof(sa)) == 0;
	umask(old);
	ok = ok && chmod(path, 0660) == 0 &&
	     (group == (gid_t)-1 || chown(path, (uid_t)-1, group) == 0);
	ok = ok && listen(ctl->fd, 16) == 0;
	if (!ok) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		if (ctl->fd >= 0)
			close(ctl->fd);
		free(ctl);
		return NULL;
	}
	ev_io_init(&ctl->w, ctl_accept, ctl->fd, EV_READ);
	ctl->w.data = ctl;
	ev_io_start(loop, &ctl->w);
	return ctl;
}

void cli_ctl_close(struct cli_ctl *ctl)
{
	if (!ctl)
		return;
	for (int i = 0; i < CLI_CTL_CONNS_MAX; i++)
		if (ctl->conns[i])
			conn_close(ctl->conns[i]);
	ev_io_stop(ctl->loop, &ctl->w);
	close(ctl->fd);
	unlink(ctl->path);
	free(ctl);
}
