/*
 * cli/vxgw-cli.c - the operator's shell: a readline front end to the daemon's command
 * tree over the control socket (history, TAB completion and `?` help answered by the
 * daemon), or a batch runner:
 *
 *   vxgw-cli [-s SOCKET] [-c "CMD"]...    each -c in order, in one session; exit 1 if
 *                                          any failed
 *   vxgw-cli [-s SOCKET] < file            commands from stdin when it is not a terminal
 *
 * As an ssh ForceCommand (etc/sshd_vxgw.conf), a command given to ssh arrives in
 * SSH_ORIGINAL_COMMAND and runs like one -c.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <readline/history.h>
#include <readline/readline.h>

#define DEFAULT_SOCKET "/run/vxgw/vxgwd.sock"
#define LINE_MAX_LEN   4096
#define STREAM_MARK    '\001' /* a reply the daemon streams while its command runs (ping) */

static int sock = -1;
static volatile sig_atomic_t interrupted;

static void on_sigint(int sig)
{
	(void)sig;
	interrupted = 1;
}
static char prompt[128] = "vxgw# ";

static int connect_to(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	if (strlen(path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "vxgw-cli: %s: path too long\n", path);
		return -1;
	}
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		fprintf(stderr, "vxgw-cli: cannot connect to %s: %s (is vxgwd running?)\n", path,
		        strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static bool send_all(const char *buf, size_t len)
{
	while (len) {
		ssize_t n = send(sock, buf, len, MSG_NOSIGNAL);
		if (n <= 0)
			return false;
		buf += n;
		len -= (size_t)n;
	}
	return true;
}

/* A streamed reply: prints what arrived since `*shown` up to `end` at once. */
static void stream_out(const char *buf, size_t end, size_t *shown)
{
	if (*shown == 0)
		*shown = 1; /* the mark itself */
	if (end > *shown) {
		fwrite(buf + *shown, 1, end - *shown, stdout);
		fflush(stdout);
		*shown = end;
	}
}

/*
 * Sends one request and reads the reply: the text is written to `text` (a growing
 * buffer the caller frees) and the status returned; -1 when the daemon went away.
 * A streamed reply is printed as it arrives instead (and `text` is empty). Ctrl-C
 * while waiting asks the daemon to abort the command (a ping then ends early).
 */
static int request(char kind, const char *arg, char **text)
{
	char head[3] = {kind, ' ', '\0'};
	if (strchr(arg, '\n') || strlen(arg) > LINE_MAX_LEN)
		return -1;
	if (!send_all(head, 2) || !send_all(arg, strlen(arg)) || !send_all("\n", 1))
		return -1;
	size_t cap = 4096, len = 0, shown = 0;
	char *buf = malloc(cap);
	char *nul = NULL;
	bool aborted = false;
	struct sigaction sa = {.sa_handler = on_sigint}, old_sa;
	sigemptyset(&sa.sa_mask);
	interrupted = 0;
	sigaction(SIGINT, &sa, &old_sa);
	/* SIGINT is only let in while ppoll waits: one that came after the test of
	 * `interrupted` and before a blocking recv would stay unanswered until more output */
	sigset_t intr, orig, waiting;
	sigemptyset(&intr);
	sigaddset(&intr, SIGINT);
	sigprocmask(SIG_BLOCK, &intr, &orig);
	waiting = orig;
	sigdelset(&waiting, SIGINT);
	while (buf) {
		if (interrupted && !aborted) {
			aborted = true;
			if (!send_all("a\n", 2))
				break;
		}
		if (len + 1 >= cap) {
			char *nb = realloc(buf, cap * 2);
			if (!nb)
				break;
			buf = nb;
			cap *= 2;
		}
		struct pollfd pfd = {.fd = sock, .events = POLLIN};
		if (ppoll(&pfd, 1, NULL, &waiting) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		ssize_t n = recv(sock, buf + len, cap - len - 1, 0);
		if (n <= 0)
			break;
		len += (size_t)n;
		buf[len] = '\0';
		nul = memchr(buf, '\0', len);
		if (buf[0] == STREAM_MARK)
			stream_out(buf, nul ? (size_t)(nul - buf) : len, &shown);
		if (nul && memchr(nul + 1, '\n', len - (size_t)(nul + 1 - buf)))
			break;
		nul = NULL;
	}
	/* a SIGINT still pending goes to on_sigint, not to the handler restored after */
	sigprocmask(SIG_SETMASK, &orig, NULL);
	sigaction(SIGINT, &old_sa, NULL);
	if (!buf || !nul) {
		free(buf);
		return -1;
	}
	int rc = atoi(nul + 1);
	const char *p = strchr(nul + 1, ' ');
	if (p) {
		snprintf(prompt, sizeof(prompt), "%s", p + 1);
		char *e = strchr(prompt, '\n');
		if (e)
			*e = '\0';
		strncat(prompt, " ", sizeof(prompt) - strlen(prompt) - 1);
	}
	if (shown)
		buf[0] = '\0';
	*text = buf;
	return rc;
}

/* Runs a command, prints its output; returns its status (0 ok, 1 error, 2 ended). */
static int run_command(const char *line)
{
	char *text = NULL;
	int rc = request('x', line, &text);
	if (rc < 0) {
		fprintf(stderr, "vxgw-cli: connection to vxgwd lost\n");
		return -1;
	}
	fputs(text, rc == 1 ? stderr : stdout);
	free(text);
	return rc;
}

/* ---- readline glue: TAB and `?` ask the daemon ---- */

static char **completions;
static int n_completions;

static char *completion_gen(const char *word, int state)
{
	(void)word;
	return state < n_completions ? strdup(completions[state]) : NULL;
}

static char **complete(const char *word, int start, int end)
{
	(void)end;
	char partial[LINE_MAX_LEN + 1];
	snprintf(partial, sizeof(partial), "%.*s%s", start, rl_line_buffer, word);
	char *text = NULL;
	rl_attempted_completion_over = 1;
	for (int i = 0; i < n_completions; i++)
		free(completions[i]);
	n_completions = 0;
	if (request('c', partial, &text) < 0)
		return NULL;
	for (char *save = NULL, *l = strtok_r(text, "\n", &save); l;
	     l = strtok_r(NULL, "\n", &save)) {
		char **nc = realloc(completions, sizeof(*nc) * (size_t)(n_completions + 1));
		if (!nc)
			break;
		completions = nc;
		completions[n_completions++] = strdup(l);
	}
	free(text);
	return rl_completion_matches(word, completion_gen);
}

static int help_key(int count, int key)
{
	(void)count;
	(void)key;
	char *text = NULL;
	char partial[LINE_MAX_LEN + 1];
	snprintf(partial, sizeof(partial), "%.*s", rl_point, rl_line_buffer);
	printf("?\n");
	if (request('h', partial, &text) >= 0) {
		fputs(text, stdout);
		free(text);
	}
	rl_on_new_line();
	rl_redisplay();
	return 0;
}

static int interactive(void)
{
	char *text = NULL;
	if (request('p', "", &text) < 0)
		return 1;
	free(text);
	rl_attempted_completion_function = complete;
	rl_bind_key('?', help_key);
	using_history();
	for (;;) {
		char *line = readline(prompt);
		if (!line)
			break;
		if (*line)
			add_history(line);
		int rc = run_command(line);
		free(line);
		if (rc < 0 || rc == 2)
			break;
	}
	return 0;
}

static int batch(FILE *in)
{
	char line[LINE_MAX_LEN + 2];
	int failed = 0;
	while (fgets(line, sizeof(line), in)) {
		line[strcspn(line, "\n")] = '\0';
		int rc = run_command(line);
		if (rc < 0)
			return 1;
		failed |= rc == 1;
		if (rc == 2)
			break;
	}
	return failed;
}

int main(int argc, char **argv)
{
	const char *path = DEFAULT_SOCKET;
	const char *cmds[256];
	int n_cmds = 0, ch;
	while ((ch = getopt(argc, argv, "s:c:h")) != -1) {
		switch (ch) {
		case 's':
			path = optarg;
			break;
		case 'c':
			if (n_cmds == 256) {
				fprintf(stderr, "vxgw-cli: at most 256 -c commands\n");
				return 2;
			}
			cmds[n_cmds++] = optarg;
			break;
		default:
			fprintf(stderr, "usage: vxgw-cli [-s SOCKET] [-c COMMAND]...\n");
			return ch == 'h' ? 0 : 2;
		}
	}
	/* As an ssh ForceCommand: `ssh gw "show ip route"` arrives here as one command. */
	const char *ssh_cmd = getenv("SSH_ORIGINAL_COMMAND");
	if (!n_cmds && ssh_cmd && *ssh_cmd)
		cmds[n_cmds++] = ssh_cmd;
	if ((sock = connect_to(path)) < 0)
		return 1;
	int failed = 0;
	if (n_cmds) {
		for (int i = 0; i < n_cmds; i++) {
			int rc = run_command(cmds[i]);
			if (rc < 0)
				return 1;
			failed |= rc == 1;
			if (rc == 2)
				break;
		}
	} else if (!isatty(STDIN_FILENO)) {
		failed = batch(stdin);
	} else {
		failed = interactive();
	}
	close(sock);
	return failed ? 1 : 0;
}
