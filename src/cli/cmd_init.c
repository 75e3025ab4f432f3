#include <stdio.h>
#include <stdlib.h>

#include "cli.h"

static const char HELP[] =
    "usage: canvass init FILE.canvass --definition election.json\n\n"
    "Creates the election store FILE.canvass (one SQLite file) from an election\n"
    "definition: reporting units, contests, choices, ballot styles and local\n"
    "rules (docs/formats.md). The definition becomes the journal's first event.\n"
    "Nothing is created when the definition has an error; an existing file is\n"
    "never overwritten.\n";

int cmd_init(int argc, char **argv) {
  const char *definition = NULL, *pos[1];
  size_t n;
  bool help;
  struct cli_opt opts[] = {{"--definition", true, &definition, NULL}, {NULL, false, NULL, NULL}};
  if (!cli_parse(argc, argv, opts, pos, 1, &n, &help)) return 64;
  if (help) return fputs(HELP, stdout), 0;
  if (n != 1 || !definition) return cli_usage("init", "give FILE.canvass and --definition");
  struct cv_error err = {0};
  cv_election *e;
  const char *now = getenv("CANVASS_NOW");
  if (cv_election_create(pos[0], definition, cli_actor(), now && *now ? now : NULL, &e, &err) != CV_OK)
    return cli_fail(&err);
  char head[80];
  cv_election_head(e, head, NULL);
  printf("created %s\njournal head: %s\n", pos[0], head);
  cv_election_close(e);
  return 0;
}
