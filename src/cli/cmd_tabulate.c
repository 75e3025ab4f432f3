#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "canvass/tabulate.h"
#include "cli.h"

static const char HELP[] =
    "usage: canvass tabulate --rctab-config DIR/STEM_config.json --output OUT [--tiebreak NAMES]\n"
    "       canvass tabulate --blt FILE --rule RULE [--option KEY=VALUE ...] --output OUT\n\n"
    "Counts a ranked contest from files, without an election store.\n\n"
    "With --rctab-config, reads an RCTab contest configuration and the cast vote\n"
    "record files it names (cdf, dominion, ess, hart, clearBallot, genericCsv),\n"
    "applies its rules, and writes RCTab's reports into OUT:\n"
    "STEM_detailed_report.json and .csv, per-precinct and per-batch reports and\n"
    "the CDF CVR export when the configuration asks for them. Under the\n"
    "interactive tiebreak modes a tie stops the count with exit status 3 and the\n"
    "tied candidates' names; --tiebreak \"NAME|NAME...\" gives the decisions, one\n"
    "per tie, in order.\n\n"
    "With --blt, reads a BLT ballot file and counts it by single transferable\n"
    "vote under RULE (scotland, wigm, wigm-prf, meek, meek-prf, warren, mpls,\n"
    "irish; see docs/stv.md). --option passes one of droop's option keys\n"
    "(arithmetic=fixed|guarded|rational, precision=N, guard=N, display=N,\n"
    "omega=N, ...) and may be repeated. Writes OUT/report.json: the candidates\n"
    "elected in order and each round's tallies as exact decimal strings.\n";

#define MAX_OPTIONS 64

int cmd_tabulate(int argc, char **argv) {
  const char *rctab = NULL, *blt = NULL, *rule = NULL, *output = NULL, *tiebreak = NULL;
  const char *options[MAX_OPTIONS];
  size_t n_options = 0;
  /* --option may repeat: collect its values, pass the rest to cli_parse. */
  char **rest = calloc((size_t)argc + 1, sizeof *rest);
  if (!rest) return fputs("canvass: out of memory\n", stderr), 71;
  int n_rest = 0;
  for (int i = 0; i < argc; i++) {
    const char *a = argv[i];
    if (i > 0 && strcmp(a, "--option") == 0) {
      if (i + 1 >= argc) {
        free(rest);
        return cli_usage("tabulate", "--option needs KEY=VALUE");
      }
      if (n_options == MAX_OPTIONS) {
        free(rest);
        return cli_usage("tabulate", "too many --option values");
      }
      options[n_options++] = argv[++i];
    } else if (i > 0 && strncmp(a, "--option=", 9) == 0) {
      if (n_options == MAX_OPTIONS) {
        free(rest);
        return cli_usage("tabulate", "too many --option values");
      }
      options[n_options++] = a + 9;
    } else {
      rest[n_rest++] = argv[i];
    }
  }
  const char *pos[1];
  size_t n;
  bool help;
  struct cli_opt opts[] = {{"--rctab-config", true, &rctab, NULL},
                           {"--blt", true, &blt, NULL},
                           {"--rule", true, &rule, NULL},
                           {"--output", true, &output, NULL},
                           {"--tiebreak", true, &tiebreak, NULL},
                           {NULL, false, NULL, NULL}};
  bool parsed = cli_parse(n_rest, rest, opts, pos, 0, &n, &help);
  free(rest);
  if (!parsed) return 64;
  if (help) return fputs(HELP, stdout), 0;
  if (!output) return cli_usage("tabulate", "give --output OUT");
  if ((rctab != NULL) == (blt != NULL)) return cli_usage("tabulate", "give either --rctab-config or --blt");
  struct cv_error err = {0};
  cv_status s;
  if (rctab) {
    if (rule || n_options) return cli_usage("tabulate", "--rule and --option go with --blt");
    s = cv_tabulate_rctab(rctab, output, tiebreak, cli_progress, NULL, &err);
  } else {
    if (!rule) return cli_usage("tabulate", "give --rule with --blt");
    if (tiebreak) return cli_usage("tabulate", "--tiebreak goes with --rctab-config");
    s = cv_tabulate_blt(blt, rule, options, n_options, output, cli_progress, NULL, &err);
  }
  cli_progress_done();
  if (s != CV_OK) return cli_fail(&err);
  printf("wrote the reports into %s\n", output);
  return 0;
}
