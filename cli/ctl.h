/*
 * cli/ctl.h - the control socket: a Unix stream socket (mode 0660) on which vxgw-cli
 * talks to the daemon's command tree. Served from the daemon's libev loop, so every
 * command runs on the thread that owns the state.
 *
 * Protocol, one request per line:
 *   x LINE     execute LINE          h PARTIAL   `?` help for a partial line
 *   c PARTIAL  TAB completions       p           the prompt only
 * Each reply is the output text, a NUL byte, then "RC PROMPT\n" where RC is 0 (ok),
 * 1 (error) or 2 (the session ended). A command that runs on (ping) streams: its reply
 * starts with the byte 0x01 and its text comes as it is produced, then the NUL and the
 * status as usual. Meanwhile the only request taken is `a` (abort: the command ends
 * early, normally; `a` itself is never answered), and closing the connection cancels
 * the command.
 */
#ifndef CLI_CTL_H
#define CLI_CTL_H

#include <ev.h>
#include <stddef.h>
#include <sys/types.h>

#include "cli/cli.h"

#define CLI_CTL_LINE_MAX  4096
#define CLI_CTL_CONNS_MAX 32

struct cli_ctl;

/*
 * Listens on path (an existing socket file is replaced), mode 0660, group `group` when it
 * is not (gid_t)-1; NULL with a message in err.
 */
struct cli_ctl *cli_ctl_open(struct ev_loop *loop, const char *path, gid_t group,
                             const struct cli_env *env, char *err, size_t errlen);
void cli_ctl_close(struct cli_ctl *c);

#endif
