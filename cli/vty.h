/*
 * cli/vty.h - telnet sessions (libcli) on the command tree.
 *
 * libcli's cli_loop() blocks, so each telnet session runs on a thread of its own; the
 * thread owns only the libcli side (telnet protocol, line editing, history, `?` help,
 * `|` filters). Every command it receives is handed to the main loop (a queue and an
 * ev_async), which runs it on the session's cli_sess and sends the output back: the
 * main loop stays the only owner of the configuration and the tables. A command that
 * runs on (ping) answers when it ends; Ctrl-C (or Ctrl-^) typed meanwhile aborts it, and
 * a session that hangs up cancels it.
 *
 * Logins are checked against `username NAME secret HASH` with crypt(3) on the session's
 * thread (so a slow hash never stalls forwarding), with a delay after each failure;
 * `enable` against `enable secret HASH`. Without users, no login succeeds.
 */
#ifndef CLI_VTY_H
#define CLI_VTY_H

#include <ev.h>
#include <stddef.h>
#include <stdint.h>

#include "cli/cli.h"

#define CLI_VTY_SESSIONS_MAX  16
#define CLI_VTY_FAIL_DELAY_MS 1500

struct cli_vty;

struct cli_vty *cli_vty_new(struct ev_loop *loop, const struct cli_env *env);
/* Closes the listener, ends every session and waits for their threads. */
void cli_vty_free(struct cli_vty *v);

/*
 * Changing the listener goes with a configuration commit: prepare binds the new address
 * (addr 0: telnet off) without disturbing the current one; commit switches to it; abort
 * forgets it. Sessions already open stay open either way, as on a router.
 */
int cli_vty_prepare(struct cli_vty *v, uint32_t addr, uint16_t port, char *err, size_t errlen);
void cli_vty_commit(struct cli_vty *v);
void cli_vty_abort(struct cli_vty *v);

#endif
