/*
 * cli/vty.c - telnet sessions on libcli, one thread each, every command executed by the
 * main loop (see vty.h).
 */
#include "cli/vty.h"

#include <crypt.h>
#include <errno.h>
#include <netinet/in.h>
#include <libcli.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli_int.h"

/* libcli's numbers for our sub-modes (MODE_EXEC 0 and MODE_CONFIG 1 are its own). */
enum { LIB_MODE_BD = 10, LIB_MODE_IF = 11, LIB_MODE_VTY = 12, LIB_MODE_ACL = 13 };

enum vreq_kind { VREQ_SETUP, VREQ_EXEC, VREQ_USER, VREQ_ENABLE };

/* A request from a session thread to the main loop, answered in place. */
struct vreq {
	enum vreq_kind kind;
	struct vsess *vs;
	struct vreq *next;
	bool done;
	bool cancel; /* the peer hung up while the command ran on (under v->mu) */
	bool abort;  /* the operator typed Ctrl-C or Ctrl-^ meanwhile (under v->mu) */
	/* in */
	const char *line;
	int lib_mode;
	bool privileged;
	char user[GW_CFG_USERLEN];
	/* out */
	int rc;
	struct cli_out out;
	int new_mode;
	char mode_desc[48];
	char hostname[GW_CFG_HOSTLEN];
	char hash[GW_CFG_HASHLEN];
	uint32_t timeout;
};

struct vsess {
	struct cli_vty *v;
	int fd; /* ours; libcli gets a dup and closes that one itself */
	pthread_t thread;
	struct cli_sess *sess; /* touched by the main loop only */
	struct vreq *pending;  /* its command runs on (ping); main loop only */
	bool finished;         /* under v->mu */
};

struct cli_vty {
	struct ev_loop *loop;
	const struct cli_env *env;
	ev_async wake;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct vreq *head, *tail;
	bool dying;
	int fd, pending_fd;
	bool pending;
	ev_io accept_w;
	struct vsess *sess[CLI_VTY_SESSIONS_MAX];
};

#define HANGUP_POLL_MS 200

static __thread struct vsess *tls_vs; /* libcli's auth callbacks carry no context */

/* ---------------------------------------------------------------- session thread side */

static bool peer_hung_up(struct vsess *vs)
{
	struct pollfd pfd = {.fd = vs->fd, .events = POLLRDHUP};
	return poll(&pfd, 1, 0) > 0 && (pfd.revents & (POLLRDHUP | POLLHUP | POLLERR));
}

/*
 * Ctrl-C or Cisco's escape (Ctrl-^) typed while a command runs, raw or as the telnet
 * "interrupt process" (IAC IP): taken from the input with what was typed before it.
 */
static bool peer_aborts(struct vsess *vs)
{
	unsigned char b[16];
	ssize_t n = recv(vs->fd, b, sizeof(b), MSG_PEEK | MSG_DONTWAIT);
	for (ssize_t i = 0; i < n; i++) {
		bool iac_ip = b[i] == 0xff && i + 1 < n && b[i + 1] == 0xf4;
		if (b[i] != 0x03 && b[i] != 0x1e && !iac_ip)
			continue;
		size_t len = (size_t)i + (iac_ip ? 2 : 1);
		return recv(vs->fd, b, len, MSG_DONTWAIT) == (ssize_t)len;
	}
	return false;
}

static void submit(struct vsess *vs, struct vreq *r)
{
	struct cli_vty *v = vs->v;
	r->vs = vs;
	r->done = false;
	pthread_mutex_lock(&v->mu);
	r->next = NULL;
	if (v->tail)
		v->tail->next = r;
	else
		v->head = r;
	v->tail = r;
	pthread_mutex_unlock(&v->mu);
	ev_async_send(v->loop, &v->wake);
	pthread_mutex_lock(&v->mu);
	while (!r->done) {
		/* a command may run for long (ping): Ctrl-C meanwhile aborts it, a peer that
		 * hangs up cancels it */
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += HANGUP_POLL_MS * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		if (pthread_cond_timedwait(&v->cv, &v->mu, &until) == 0 || r->done || r->cancel)
			continue;
		if (peer_hung_up(vs))
			r->cancel = true;
		else if (!r->abort && peer_aborts(vs))
			r->abort = true;
		else
			continue;
		ev_async_send(v->loop, &v->wake);
	}
	pthread_mutex_unlock(&v->mu);
}

static void sleep_ms(unsigned ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000};
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* crypt(3) on this thread; a failure costs the caller a delay. */
static int check_secret(const char *pass, const char *hash)
{
	struct crypt_data cd;
	memset(&cd, 0, sizeof(cd));
	const char *h = hash[0] ? crypt_r(pass, hash, &cd) : NULL;
	if (h && !strcmp(h, hash))
		return CLI_OK;
	sleep_ms(CLI_VTY_FAIL_DELAY_MS);
	return CLI_ERROR;
}

static int auth_cb(const char *user, const char *pass)
{
	struct vreq r = {.kind = VREQ_USER};
	snprintf(r.user, sizeof(r.user), "%s", user);
	submit(tls_vs, &r);
	return check_secret(pass, r.hash);
}

static int enable_cb(const char *pass)
{
	struct vreq r = {.kind = VREQ_ENABLE};
	submit(tls_vs, &r);
	/* unlike the login callback, libcli reads this one as a truth value */
	return check_secret(pass, r.hash) == CLI_OK;
}

static void set_mode(struct cli_def *cli, int mode, const char *desc)
{
	/* libcli only rewrites the mode string when the mode number changes */
	if (mode == cli->mode && mode > MODE_CONFIG)
		cli_set_configmode(cli, MODE_CONFIG, NULL);
	cli_set_configmode(cli, mode, desc[0] ? desc : NULL);
}

/* Every registered command ends here: the whole line goes to the main loop. */
static int forward_cb(struct cli_def *cli, const char *command, char *argv[], int argc)
{
	char line[CLI_MAX_LINE_LENGTH];
	size_t len = (size_t)snprintf(line, sizeof(line), "%s", command);
	for (int i = 0; i < argc && len < sizeof(line); i++)
		len += (size_t)snprintf(line + len, sizeof(line) - len, " %s", argv[i]);
	struct vreq r = {.kind = VREQ_EXEC,
	                 .line = line,
	                 .lib_mode = cli->mode,
	                 .privileged = cli->privilege == PRIVILEGE_PRIVILEGED};
	cli_out_init(&r.out);
	submit(cli_get_context(cli), &r);
	char *save = NULL;
	for (char *l = r.out.buf ? strtok_r(r.out.buf, "\n", &save) : NULL; l;
	     l = strtok_r(NULL, "\n", &save))
		cli_print(cli, "%s", l);
	cli_out_free(&r.out);
	cli_set_hostname(cli, r.hostname);
	set_mode(cli, r.new_mode, r.mode_desc);
	return r.rc == CLI_R_QUIT ? CLI_QUIT : r.rc == CLI_R_ERROR ? CLI_ERROR : CLI_OK;
}

/* ---- the command tree, registered into libcli from cli_grammar() ---- */

struct node_key {
	struct cli_command *parent;
	int mode;
	char name[32];
	struct cli_command *node;
};

struct tree {
	struct cli_def *cli;
	size_t n;
	struct node_key keys[512];
};

static struct cli_command *node_get(struct tree *t, struct cli_command *parent, const char *name,
                                    const char *help, int priv, int mode)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->keys[i].parent == parent && t->keys[i].mode == mode &&
		    !strcmp(t->keys[i].name, name)) {
			if (priv < t->keys[i].node->privilege)
				t->keys[i].node->privilege = priv;
			return t->keys[i].node;
		}
	struct cli_command *c = cli_register_command(t->cli, parent, name, NULL, priv, mode, help);
	if (c && t->n < sizeof(t->keys) / sizeof(t->keys[0])) {
		struct node_key *k = &t->keys[t->n++];
		k->parent = parent;
		k->mode = mode;
		snprintf(k->name, sizeof(k->name), "%s", name);
		k->node = c;
	}
	return c;
}

static bool is_keyword(const char *tok, size_t len)
{
	if (!len || tok[0] == '<' || tok[0] == '[' || tok[0] == '(')
		return false;
	for (size_t i = 0; i < len; i++)
		if (!((tok[i] >= 'a' && tok[i] <= 'z') || (tok[i] >= '0' && tok[i] <= '9') ||
		      tok[i] == '-'))
			return false;
	return true;
}

/* The i-th '|'-separated help text of a command. */
static void help_at(const char *help, int i, char *buf, size_t len)
{
	const char *h = help ? help : "";
	for (; i > 0 && h; i--) {
		h = strchr(h, '|');
		h = h ? h + 1 : NULL;
	}
	size_t l = h ? strcspn(h, "|") : 0;
	snprintf(buf, len, "%.*s", (int)l, h ? h : "");
}

/* A syntax that starts with keyword alternatives, "(permit|deny) ...": each is a command. */
static void register_alternatives(struct tree *t, struct cli_command *root, const char *alt,
                                  const char *help, int help_off, int priv, int mode)
{
	char h[96];
	help_at(help, help_off, h, sizeof(h));
	for (const char *a = alt + 1; *a && *a != ')' && *a != ' ';) {
		size_t len = strcspn(a, "|) ");
		char name[32];
		snprintf(name, sizeof(name), "%.*s", (int)len, a);
		struct cli_command *node =
		    is_keyword(a, len) ? node_get(t, root, name, h, priv, mode) : NULL;
		if (node)
			node->callback = forward_cb;
		a += len + (a[len] == '|');
	}
}

/* Registers the leading keywords of syntax (after `root`), the last one with forward_cb; a
 * syntax that starts with alternatives of keywords registers each. One that starts with a
 * number (an access-list entry's) cannot be registered: libcli matches command names. */
static void register_syntax(struct tree *t, struct cli_command *root, const char *syntax,
                            const char *help, int help_off, int priv, int mode)
{
	struct cli_command *node = root;
	const char *p = syntax;
	int idx = 0;
	while (*p) {
		size_t len = strcspn(p, " ");
		if (!is_keyword(p, len))
			break;
		char name[32], h[96];
		snprintf(name, sizeof(name), "%.*s", (int)len, p);
		help_at(help, idx + help_off, h, sizeof(h));
		node = node_get(t, node, name, h, priv, mode);
		if (!node)
			return;
		p += len;
		while (*p == ' ')
			p++;
		idx++;
	}
	if (node != root)
		node->callback = forward_cb;
	else if (*p == '(')
		register_alternatives(t, root, p, help, help_off, priv, mode);
}

/* libcli implements these itself (with the same meaning). */
static bool libcli_builtin(const char *syntax)
{
	static const char *const b[] = {"enable", "disable", "exit", "quit", "configure terminal"};
	for (size_t i = 0; i < sizeof(b) / sizeof(b[0]); i++)
		if (!strcmp(syntax, b[i]))
			return true;
	return false;
}

static int lib_mode_of(int m)
{
	static const int map[CLI_MODE_MAX] = {
	    [CLI_MODE_EXEC] = MODE_EXEC,   [CLI_MODE_CONFIG] = MODE_CONFIG,
	    [CLI_MODE_BD] = LIB_MODE_BD,   [CLI_MODE_IF] = LIB_MODE_IF,
	    [CLI_MODE_VTY] = LIB_MODE_VTY, [CLI_MODE_ACL] = LIB_MODE_ACL};
	return map[m];
}

static void register_tree(struct cli_def *cli)
{
	static struct tree t; /* per thread would be larger than needed: guarded below */
	static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
	pthread_mutex_lock(&mu);
	memset(&t, 0, sizeof(t));
	t.cli = cli;
	size_t n;
	const struct cli_cmd *const *cmds = cli_grammar(&n);
	for (size_t i = 0; i < n; i++) {
		const struct cli_cmd *c = cmds[i];
		if (libcli_builtin(c->syntax))
			continue;
		int priv = c->flags & CLI_F_ENABLE ? PRIVILEGE_PRIVILEGED : PRIVILEGE_UNPRIVILEGED;
		bool everywhere = (c->modes & CLI_M(CLI_MODE_EXEC)) != 0;
		for (int m = 0; m < CLI_MODE_MAX; m++) {
			/* configuration commands are reachable from the sub-modes too */
			bool in = c->modes & CLI_M(m);
			if (!in && m > CLI_MODE_CONFIG && (c->modes & CLI_M(CLI_MODE_CONFIG)))
				in = true;
			if (!in || (everywhere && m != CLI_MODE_EXEC))
				continue;
			int lm = everywhere ? MODE_ANY : lib_mode_of(m);
			register_syntax(&t, NULL, c->syntax, c->help, 0, priv, lm);
			if (c->flags & CLI_F_NO) {
				struct cli_command *no =
				    node_get(&t, NULL, "no", "Negate a command or set its defaults",
				             priv, lm);
				register_syntax(&t, no, c->no_syntax ? c->no_syntax : c->syntax,
				                c->help, 0, priv, lm);
			}
		}
	}
	pthread_mutex_unlock(&mu);
}

static void *session_main(void *arg)
{
	struct vsess *vs = arg;
	tls_vs = vs;
	struct vreq setup = {.kind = VREQ_SETUP};
	submit(vs, &setup);
	struct cli_def *cli = cli_init();
	int fd = dup(vs->fd);
	if (cli && fd >= 0) {
		cli_set_context(cli, vs);
		cli_set_banner(cli, "vxgw: authorised access only");
		cli_set_hostname(cli, setup.hostname);
		cli_set_auth_callback(cli, auth_cb);
		cli_set_enable_callback(cli, enable_cb);
		if (setup.timeout)
			cli_set_idle_timeout(cli, setup.timeout);
		register_tree(cli);
		cli_loop(cli, fd); /* closes fd */
	} else if (fd >= 0) {
		close(fd);
	}
	if (cli)
		cli_done(cli);
	pthread_mutex_lock(&vs->v->mu);
	vs->finished = true;
	pthread_mutex_unlock(&vs->v->mu);
	ev_async_send(vs->v->loop, &vs->v->wake); /* reap */
	return NULL;
}

/* ---------------------------------------------------------------- main loop side */

static int our_mode(int lib_mode)
{
	switch (lib_mode) {
	case MODE_CONFIG:
		return CLI_MODE_CONFIG;
	case LIB_MODE_BD:
		return CLI_MODE_BD;
	case LIB_MODE_IF:
		return CLI_MODE_IF;
	case LIB_MODE_VTY:
		return CLI_MODE_VTY;
	case LIB_MODE_ACL:
		return CLI_MODE_ACL;
	default:
		return CLI_MODE_EXEC;
	}
}

static void mode_out(struct cli_sess *s, struct vreq *r)
{
	r->new_mode = lib_mode_of(s->mode);
	r->mode_desc[0] = '\0';
	if (s->mode == CLI_MODE_BD)
		snprintf(r->mode_desc, sizeof(r->mode_desc), "bd-%u", s->bd_id);
	else if (s->mode == CLI_MODE_IF)
		snprintf(r->mode_desc, sizeof(r->mode_desc), "if-%s", s->ifname);
	else if (s->mode == CLI_MODE_VTY)
		snprintf(r->mode_desc, sizeof(r->mode_desc), "line");
	else if (s->mode == CLI_MODE_ACL)
		snprintf(r->mode_desc, sizeof(r->mode_desc), "%sacl",
		         s->acl_fam == ACL_IP6 ? "ipv6-" : "");
}

/* Answers r; false when its command runs on (the sink completes it later). */
static bool serve(struct cli_vty *v, struct vreq *r)
{
	const struct gw_cfg *cfg = v->env->running(v->env->ctx);
	struct cli_sess *s = r->vs->sess;
	snprintf(r->hostname, sizeof(r->hostname), "%s", cfg->hostname);
	switch (r->kind) {
	case VREQ_SETUP:
		r->timeout = cfg->vty_timeout;
		break;
	case VREQ_USER: {
		const struct gw_cfg_user *u = gw_cfg_user_find(cfg, r->user);
		snprintf(r->hash, sizeof(r->hash), "%s", u ? u->hash : "");
		break;
	}
	case VREQ_ENABLE:
		snprintf(r->hash, sizeof(r->hash), "%s", cfg->enable_secret);
		break;
	case VREQ_EXEC:
		/* libcli ran enable/disable/configure/exit itself: follow it */
		s->enabled = r->privileged;
		if (our_mode(r->lib_mode) != s->mode)
			s->mode = our_mode(r->lib_mode);
		r->rc = v->dying ? cli_err(&r->out, "the gateway is shutting down")
		                 : cli_exec(s, r->line, &r->out);
		if (r->rc == CLI_R_PENDING) {
			r->vs->pending = r;
			return false;
		}
		snprintf(r->hostname, sizeof(r->hostname), "%s",
		         v->env->running(v->env->ctx)->hostname);
		mode_out(s, r);
		break;
	}
	return true;
}

static void req_done(struct cli_vty *v, struct vreq *r)
{
	pthread_mutex_lock(&v->mu);
	r->done = true;
	pthread_cond_broadcast(&v->cv);
	pthread_mutex_unlock(&v->mu);
}

/* The sink of a session's pending command: output into its request, then the answer. */
static void sink_write(void *arg, const char *text, size_t len)
{
	struct vsess *vs = arg;
	if (vs->pending)
		cli_printf(&vs->pending->out, "%.*s", (int)len, text);
}

static void sink_done(void *arg, int result)
{
	struct vsess *vs = arg;
	struct vreq *r = vs->pending;
	if (!r)
		return;
	vs->pending = NULL;
	r->rc = result;
	snprintf(r->hostname, sizeof(r->hostname), "%s",
	         vs->v->env->running(vs->v->env->ctx)->hostname);
	mode_out(vs->sess, r);
	req_done(vs->v, r);
}

/*
 * Pending commands whose operator aborted them end early; those whose peer hung up (or all
 * of them when shutting down) end here.
 */
static void cancel_hung(struct cli_vty *v)
{
	for (int i = 0; i < CLI_VTY_SESSIONS_MAX; i++) {
		struct vsess *vs = v->sess[i];
		if (!vs || !vs->pending)
			continue;
		pthread_mutex_lock(&v->mu);
		bool cancel = vs->pending->cancel || v->dying;
		bool stop = vs->pending->abort;
		vs->pending->abort = false;
		pthread_mutex_unlock(&v->mu);
		if (stop && !cancel)
			cli_abort(vs->sess);
		if (!cancel || !vs->pending)
			continue;
		cli_cancel(vs->sess);
		cli_printf(&vs->pending->out, "%% cancelled\n");
		sink_done(vs, CLI_R_ERROR);
	}
}

static void reap(struct cli_vty *v)
{
	for (int i = 0; i < CLI_VTY_SESSIONS_MAX; i++) {
		struct vsess *vs = v->sess[i];
		if (!vs)
			continue;
		pthread_mutex_lock(&v->mu);
		bool done = vs->finished;
		pthread_mutex_unlock(&v->mu);
		if (!done)
			continue;
		pthread_join(vs->thread, NULL);
		close(vs->fd);
		cli_sess_free(vs->sess);
		free(vs);
		v->sess[i] = NULL;
	}
}

static void drain(struct cli_vty *v)
{
	pthread_mutex_lock(&v->mu);
	struct vreq *r = v->head;
	v->head = v->tail = NULL;
	pthread_mutex_unlock(&v->mu);
	while (r) {
		struct vreq *next = r->next;
		if (serve(v, r))
			req_done(v, r);
		r = next;
	}
	cancel_hung(v);
	reap(v);
}

static void on_wake(EV_P_ ev_async *w, int revents)
{
	(void)loop;
	(void)revents;
	drain(w->data);
}

static void refuse(int fd, const char *msg)
{
	if (send(fd, msg, strlen(msg), MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
		(void)0; /* closing anyway */
	close(fd);
}

static void on_accept(EV_P_ ev_io *w, int revents)
{
	struct cli_vty *v = w->data;
	(void)loop;
	(void)revents;
	struct sockaddr_in peer, local;
	socklen_t pl = sizeof(peer), ll = sizeof(local);
	int fd = accept4(v->fd, (struct sockaddr *)&peer, &pl, SOCK_CLOEXEC);
	if (fd < 0)
		return;
	/* line vty / access-class: a client it denies is closed without a word, as NX-OS does */
	const struct gw_cfg *cfg = v->env->running(v->env->ctx);
	if (getsockname(fd, (struct sockaddr *)&local, &ll) != 0 ||
	    !cli_tcp_permitted(v->env->gw, cfg->vty_acl, &peer, &local)) {
		close(fd);
		return;
	}
	int slot = -1;
	for (int i = 0; i < CLI_VTY_SESSIONS_MAX && slot < 0; i++)
		if (!v->sess[i])
			slot = i;
	if (slot < 0) {
		refuse(fd, "% All sessions are in use; try again later.\r\n");
		return;
	}
	struct vsess *vs = calloc(1, sizeof(*vs));
	if (vs)
		vs->sess = cli_sess_new(v->env, false);
	if (!vs || !vs->sess) {
		free(vs);
		refuse(fd, "% Out of memory.\r\n");
		return;
	}
	vs->v = v;
	vs->fd = fd;
	cli_sess_set_sink(vs->sess, &(struct cli_sink){sink_write, sink_done, vs});
	if (pthread_create(&vs->thread, NULL, session_main, vs) != 0) {
		cli_sess_free(vs->sess);
		free(vs);
		refuse(fd, "% Cannot start a session.\r\n");
		return;
	}
	v->sess[slot] = vs;
}

struct cli_vty *cli_vty_new(struct ev_loop *loop, const struct cli_env *env)
{
	struct cli_vty *v = calloc(1, sizeof(*v));
	if (!v)
		return NULL;
	v->loop = loop;
	v->env = env;
	v->fd = v->pending_fd = -1;
	pthread_mutex_init(&v->mu, NULL);
	pthread_cond_init(&v->cv, NULL);
	ev_async_init(&v->wake, on_wake);
	v->wake.data = v;
	ev_async_start(loop, &v->wake);
	return v;
}

int cli_vty_prepare(struct cli_vty *v, uint32_t addr, uint16_t port, char *err, size_t errlen)
{
	cli_vty_abort(v);
	v->pending = true;
	if (!addr)
		return 0;
	v->pending_fd = cli_tcp_listen(addr, port, "telnet", err, errlen);
	if (v->pending_fd < 0) {
		v->pending = false;
		return -1;
	}
	return 0;
}

void cli_vty_commit(struct cli_vty *v)
{
	if (!v->pending)
		return;
	if (v->fd >= 0) {
		ev_io_stop(v->loop, &v->accept_w);
		close(v->fd);
	}
	v->fd = v->pending_fd;
	v->pending_fd = -1;
	v->pending = false;
	if (v->fd >= 0) {
		ev_io_init(&v->accept_w, on_accept, v->fd, EV_READ);
		v->accept_w.data = v;
		ev_io_start(v->loop, &v->accept_w);
	}
}

void cli_vty_abort(struct cli_vty *v)
{
	if (v->pending_fd >= 0)
		close(v->pending_fd);
	v->pending_fd = -1;
	v->pending = false;
}

void cli_vty_free(struct cli_vty *v)
{
	if (!v)
		return;
	cli_vty_abort(v);
	v->pending = true; /* commit of "nothing": closes the listener */
	cli_vty_commit(v);
	v->dying = true;
	for (int i = 0; i < CLI_VTY_SESSIONS_MAX; i++)
		if (v->sess[i])
			shutdown(v->sess[i]->fd, SHUT_RDWR);
	/* answer what the sessions still ask until every thread has ended (bounded) */
	for (int tries = 0; tries < 500; tries++) {
		drain(v);
		bool any = false;
		for (int i = 0; i < CLI_VTY_SESSIONS_MAX; i++)
			any |= v->sess[i] != NULL;
		if (!any)
			break;
		sleep_ms(10);
	}
	ev_async_stop(v->loop, &v->wake);
	pthread_mutex_destroy(&v->mu);
	pthread_cond_destroy(&v->cv);
	free(v);
}
