/* cli/cli.h: what the subcommands share. The CLI only translates arguments
 * and calls the public API; it holds no election logic of its own. */
#ifndef CV_CLI_CLI_H
#define CV_CLI_CLI_H

#include <stdbool.h>
#include <stddef.h>

#include "canvass/alloc.h"
#include "canvass/election.h"
#include "canvass/status.h"

struct cli_opt {
  const char *name;  /* "--batch" */
  bool has_arg;
  const char **value; /* last value given, or NULL */
  bool *flag;         /* for options without argument */
};

/* Parses argv[1..argc) against opts (NULL-terminated by name). Positional
 * arguments go to pos (at most max_pos). "--help" sets *help. Errors print
 * a message and return false. */
bool cli_parse(int argc, char **argv, const struct cli_opt *opts, const char **pos, size_t max_pos,
               size_t *n_pos, bool *help);

/* Prints "canvass: <formatted error>" to stderr and returns the exit code. */
int cli_fail(const struct cv_error *err);
/* Prints a usage error and returns 64. */
int cli_usage(const char *cmd, const char *msg);

/* Finds the store: --store, else $CANVASS_STORE, else the only *.canvass in
 * the current folder. Opens it (read-only when readonly), sets the actor and
 * time from $CANVASS_ACTOR/$USER and $CANVASS_NOW. */
int cli_open(const char *store, bool readonly, cv_election **out);

/* Applies $CANVASS_ACTOR / $USER and $CANVASS_NOW to e. */
int cli_identity(cv_election *e);
const char *cli_actor(void);

/* Progress bar on stderr when it is a terminal. */
void cli_progress(void *ud, const char *what, uint64_t done, uint64_t total);
void cli_progress_done(void);

/* Writes s to stdout (and frees it). */
void cli_print(char *s, size_t len);

bool cli_format(const char *name, enum cv_format *out);

/* Subcommands. */
int cmd_init(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_enter(int argc, char **argv);
int cmd_accounting(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_results(int argc, char **argv);
int cmd_resolve(int argc, char **argv);
int cmd_ack(int argc, char **argv);
int cmd_lot(int argc, char **argv);
int cmd_certify(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_tabulate(int argc, char **argv);
int cmd_sample(int argc, char **argv);

#endif
