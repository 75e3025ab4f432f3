/* cmd_decide.c: the coordinator's decisions: resolve, ack, lot, certify. */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"

static const char RESOLVE_HELP[] =
    "usage: canvass resolve --batch B [--contest C] --sheet N --reason TEXT [--store S]\n\n"
    "Settles a disputed (or waiting) batch x contest result by coordinator\n"
    "decision: the numbers of sheet N stand, for the reason given. Without\n"
    "--contest, every unsettled contest that sheet counts. The decision is an\n"
    "event in the journal; no sheet is changed or removed.\n";
static const char ACK_HELP[] =
    "usage: canvass ack FINDING --reason TEXT [--store S]\n\n"
    "Acknowledges a warning (its id as canvass status prints it, e.g.\n"
    "W202/pp-03). The acknowledgement holds while the warning's numbers stay\n"
    "the same. Errors cannot be acknowledged: they are cleared by counting.\n";
static const char LOT_HELP[] =
    "usage: canvass lot --contest C --seed DIGITS [--store S]\n\n"
    "Decides a tie for a seat by lot. The seed is at least 20 decimal digits\n"
    "rolled with dice in public. Each tied choice gets SHA-256 of\n"
    "\"canvass-lot-v1:SEED:CONTEST:CHOICE\"; the lowest hashes take the seats\n"
    "(docs/lots.md). Refused unless the contest is fully counted and tied.\n";
static const char CERTIFY_HELP[] =
    "usage: canvass certify (--contest C | --all) [--store S]\n\n"
    "Certifies contests. Refused while any batch is not counted, waiting or\n"
    "disputed, any error is open, or any warning is unacknowledged. A\n"
    "certified contest accepts no further sheets.\n";

int cmd_resolve(int argc, char **argv) {
  const char *store = NULL, *batch = NULL, *contest = NULL, *sheet = NULL, *reason = NULL, *pos[1];
  size_t n;
  bool help;
  struct cli_opt opts[] = {{"--store", true, &store, NULL},     {"--batch", true, &batch, NULL},
                           {"--contest", true, &contest, NULL}, {"--sheet", true, &sheet, NULL},
                           {"--reason", true, &reason, NULL},   {NULL, false, NULL, NULL}};
  if (!cli_parse(argc, argv, opts, pos, 0, &n, &help)) return 64;
  if (help) return fputs(RESOLVE_HELP, stdout), 0;
  if (!batch || !sheet || !reason) return cli_usage("resolve", "give --batch, --sheet and --reason");
  char *end;
  unsigned long long seq = strtoull(sheet, &end, 10);
  if (*end || !seq) return cli_usage("resolve", "--sheet is a sheet number");
  cv_election *e;
  int rc = cli_open(store, false, &e);
  if (rc) return rc;
  struct cv_error err = {0};
  if (cv_resolve(e, batch, contest, seq, reason, &err) != CV_OK) rc = cli_fail(&err);
  else printf("resolved batch %s with sheet %llu\n", batch, seq);
  cv_election_close(e);
  return rc;
}

int cmd_ack(int argc, char **argv) {
  const char *store = NULL, *reason = NULL, *pos[1];
  size_t n;
  bool help;
  struct cli_opt opts[] = {{"--store", true, &store, NULL}, {"--reason", true, &reason, NULL},
                           {NULL, false, NULL, NULL}};
  if (!cli_parse(argc, argv, opts, pos, 1, &n, &help)) return 64;
  if (help) return fputs(ACK_HELP, stdout), 0;
  if (n != 1 || !reason) return cli_usage("ack", "give FINDING and --reason");
  cv_election *e;
  int rc = cli_open(store, false, &e);
  if (rc) return rc;
  struct cv_error err = {0};
  if (cv_ack(e, pos[0], reason, &err) != CV_OK) rc = cli_fail(&err);
  else printf("acknowledged %s\n", pos[0]);
  cv_election_close(e);
  return rc;
}

int cmd_lot(int argc, char **argv) {
  const char *store = NULL, *contest = NULL, *seed = NULL, *pos[1];
  size_t n;
  bool help;
  struct cli_opt opts[] = {{"--store", true, &store, NULL}, {"--contest", true, &contest, NULL},
                           {"--seed", true, &seed, NULL}, {NULL, false, NULL, NULL}};
  if (!cli_parse(argc, argv, opts, pos, 0, &n, &help)) return 64;
  if (help) return fputs(LOT_HELP, stdout), 0;
  if (!contest || !seed) return cli_usage("lot", "give --contest and --seed");
  cv_election *e;
  int rc = cli_open(store, false, &e);
  if (rc) return rc;
  struct cv_error err = {0};
  char *text = NULL;
  if (cv_lot(e, contest, seed, &text, &err) != CV_OK) rc = cli_fail(&err);
  else fputs(text, stdout);
  cv_free(text);
  cv_election_close(e);
  return rc;
}

int cmd_certify(int argc, char **argv) {
  const char *store = NULL, *contest = NULL, *pos[1];
  bool all = false, help;
  size_t n;
  struct cli_opt opts[] = {{"--store", true, &store, NULL}, {"--contest", true, &contest, NULL},
                           {"--all", false, NULL, &all}, {NULL, false, NULL, NULL}};
  if (!cli_parse(argc, argv, opts, pos, 0, &n, &help)) return 64;
  if (help) return fputs(CERTIFY_HELP, stdout), 0;
  if (!contest == !all) return cli_usage("certify", "give --contest C or --all");
  cv_election *e;
  int rc = cli_open(store, false, &e);
  if (rc) return rc;
  struct cv_error err = {0};
  if (cv_certify(e, contest, &err) != CV_OK) rc = cli_fail(&err);
  else printf("certified %s\n", contest ? contest : "every contest that is tabulated");
  cv_election_close(e);
  return rc;
}
