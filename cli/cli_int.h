/*
 * cli/cli_int.h - the command tree's internals, shared by the files of cli/.
 *
 * A command is a syntax string of tokens:
 *   word            a keyword, matched by any unique prefix ("sh" for "show")
 *   <%u-%u>         a decimal number in the next range of the command's `range` list:
 *                   its bounds are the model's constants, never literals here
 *   A.B.C.D         an IPv4 address;  A.B.C.D/M  an IPv4 prefix
 *   X:X::X          an IPv6 address;  X:X::X/M   an IPv6 prefix
 *   H:H:H:H:H:H     a MAC address (also HHHH.HHHH.HHHH)
 *   WORD            any single word;  LINE  the rest of the line
 *   (a|b|c)         one of the alternatives (each a token above)
 *   [tok]           an optional token (trailing only)
 * `help` gives each token's help text, separated by '|': one part per token, in both
 * forms (tests/unit/test_cli_grammar.c walks the tree for it). The part of an (a|b|c)
 * with exactly one ';' fewer than alternatives gives each its own text, in order
 * ("a text;b text;c text"), which `?` shows beside it; any other part is shown beside
 * every alternative. A command flagged CLI_F_NO also has a `no` form, with `no_syntax`
 * (or the same syntax) after the `no`; its ranges are taken from the start of the list
 * again.
 *
 * Each command's entry is written right after its handler, in the file of that handler
 * (as VPP's VLIB_CLI_COMMAND or BIRD's CF_CLI); each such file lists its entries in the
 * order `?` shows them, and cli/grammar.c lists the files.
 */
#ifndef CLI_CLI_INT_H
#define CLI_CLI_INT_H

#include "cli/cli.h"

#define CLI_MAX_WORDS  32
#define CLI_WORD_MAX   128
#define CLI_RANGES_MAX 2  /* numeric tokens in one command */
#define CLI_HELP_MAX   96 /* the longest help part kept, with its NUL */

#define CLI_M(m) (1u << (m))
#define CLI_MODES_CFG                                                                              \
	(CLI_M(CLI_MODE_CONFIG) | CLI_M(CLI_MODE_BD) | CLI_M(CLI_MODE_IF) | CLI_M(CLI_MODE_VTY) |  \
	 CLI_M(CLI_MODE_ACL))
#define CLI_MODES_ALL (CLI_M(CLI_MODE_EXEC) | CLI_MODES_CFG)
#define CLI_F_CONFIG  0x01 /* changes the configuration: runs against a candidate */
#define CLI_F_ENABLE  0x02 /* needs the privileged level */
#define CLI_F_NO      0x04 /* has a `no` form */

struct cli_args {
	bool neg; /* the `no` form */
	int argc; /* words, keywords expanded to their full spelling */
	const char *argv[CLI_MAX_WORDS];
	int nval; /* the words that matched placeholders or (a|b) */
	const char *val[CLI_MAX_WORDS];
	char store[CLI_MAX_WORDS][CLI_WORD_MAX];
};

typedef int cli_fn(struct cli_sess *s, const struct cli_args *a, struct cli_out *out);

struct cli_range {
	uint32_t lo, hi;
};

struct cli_cmd {
	const char *syntax;
	const char *no_syntax;
	const char *help;
	struct cli_range range[CLI_RANGES_MAX]; /* for the "<%u-%u>" tokens, in order */
	uint32_t modes;
	uint8_t flags;
	cli_fn *fn;
};

/* The sections of the tree, each NULL-terminated, in the file of their handlers. */
extern const struct cli_cmd *const cli_mode_cmds[];     /* commands.c: sessions and modes */
extern const struct cli_cmd *const cli_show_cmds[];     /* show.c: show and clear */
extern const struct cli_cmd *const cli_ping_cmds[];     /* ping.c */
extern const struct cli_cmd *const cli_trace_cmds[];    /* trace_cmds.c: trace and debug */
extern const struct cli_cmd *const cli_config_cmds[];   /* commands.c: the configuration */
extern const struct cli_cmd *const cli_acl_show_cmds[]; /* acl_cmds.c: show and clear */
extern const struct cli_cmd *const cli_acl_cmds[];      /* acl_cmds.c: the configuration */

/* commands.c: the word of a dataplane io mode, as the command takes it ("auto", ...). */
const char *cli_io_word(enum gw_cfg_io io);

/* grammar.c: every command, in the order `?` lists them; n gets their number. */
const struct cli_cmd *const *cli_grammar(size_t *n);

/*
 * What the engine may do to a command still running (CLI_R_PENDING): set by that
 * command when it starts, so that the engine knows no command by name.
 */
struct cli_pending {
	void (*cancel)(struct cli_sess *s); /* stop it; its sink is not called */
	void (*abort)(struct cli_sess *s);  /* end it early, through its sink as usual */
};

struct cli_sess {
	const struct cli_env *env;
	int mode;
	bool enabled;
	bool loading;                      /* reading a config file: edit cand, never commit */
	uint32_t bd_id;                    /* CLI_MODE_BD */
	char ifname[GW_IF_NAMELEN];        /* CLI_MODE_IF */
	int acl_fam;                       /* CLI_MODE_ACL: enum acl_family */
	char acl[ACL_NAMELEN];             /* CLI_MODE_ACL: the list */
	struct gw_cfg *cand;               /* candidate under edit by the running command */
	struct cli_sink sink;              /* for CLI_R_PENDING commands; write NULL: none */
	const struct cli_pending *pending; /* of the last command that ran on, or NULL */
	/* told of each command that ran and its result (which commands a file uses) */
	void (*on_run)(void *arg, const struct cli_cmd *cmd, bool neg, int result);
	void *on_run_arg;
	uint32_t ping_id;    /* the running ping (gw/ping.h), 0: none */
	uint32_t ping_marks; /* probe marks printed, for the line breaks */
};

const char *cli_hostname(const struct cli_sess *s);

/* Value parsers for words that already matched their placeholder. */
uint32_t cli_u32(const char *w);
uint32_t cli_ip(const char *w);
struct in6_addr cli_ip6(const char *w);
/* Is a word that matched (A.B.C.D|X:X::X) the IPv6 one? */
bool cli_word_is_ip6(const char *w);
/* A show command's machine-readable form: the line ends in `json` (after `show WHAT`). */
bool cli_json(const struct cli_args *a);

/* show.c: a JSON string literal. */
void cli_jstr(struct cli_out *o, const char *s);
/* show.c: the gateway of a show or clear command, its counters brought up to date; NULL
 * (error printed) without one. */
struct gw *cli_show_gw(struct cli_sess *s, const struct cli_args *a, struct cli_out *out);

/* render.c: cli_load_config, with on_run (may be NULL) told of each command it ran. */
int cli_load_config_observed(const char *text, struct gw_cfg **out,
                             void (*report)(void *arg, unsigned line, const char *msg), void *arg,
                             void (*on_run)(void *arg, const struct cli_cmd *cmd, bool neg,
                                            int result),
                             void *on_run_arg);

/* listen.c: a non-blocking TCP socket listening on addr:port, or -1 with err set to
 * "WHAT listen ADDR PORT: reason". */
int cli_tcp_listen(uint32_t addr, uint16_t port, const char *what, char *err, size_t errlen);
/* listen.c: does IPv4 access list `acl` ("": none, all pass) of gw permit a TCP client at
 * peer connecting to local (its address and port)? Matched as the client's SYN: source the
 * client's address and port, destination the listener's. A list gw lacks permits nothing. */
struct sockaddr_in;
bool cli_tcp_permitted(struct gw *gw, const char *acl, const struct sockaddr_in *peer,
                       const struct sockaddr_in *local);

#endif
