/* cmd_reports.c: canvass status and canvass results (both print a report). */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char STATUS_HELP[] =
    "usage: canvass status [--format text|csv|json] [--store S]\n\n"
    "Shows the progress of the count: batch x contest results not counted,\n"
    "waiting, agreed, disputed (with the differing fields) or resolved; open\n"
    "errors and warnings with their codes (docs/validation-codes.md); ballot\n"
    "accounting differences; and whether certification is possible.\n";

static const char RESULTS_HELP[] =
    "usage: canvass results [--format text|csv|json] [--contest C]\n"
    "                       [--by polling-place|batch] [--store S]\n\n"
    "Totals per contest from agreed and resolved counts only, the winners\n"
    "(vote for N: the N highest; measures: pass or fail), ties that need a lot,\n"
    "and with --by the results per polling place or per batch. Every report\n"
    "carries the journal head hash.\n";

static int report(int argc, char **argv, enum cv_report_kind kind, const char *help_text) {
  const char *store = NULL, *format = NULL, *contest = NULL, *by = NULL, *pos[1];
  size_t n;
  bool help;
  struct cli_opt opts[] = {{"--store", true, &store, NULL},
                           {"--format", true, &format, NULL},
                           {"--contest", true, &contest, NULL},
                           {"--by", true, &by, NULL},
                           {NULL, false, NULL, NULL}};
  if (kind == CV_REPORT_STATUS) opts[2].name = NULL;
  if (!cli_parse(argc, argv, opts, pos, 0, &n, &help)) return 64;
  if (help) return fputs(help_text, stdout), 0;
  struct cv_report_options o = {CV_FORMAT_TEXT, contest, false, false};
  if (!cli_format(format, &o.format)) return cli_usage(argv[0], "--format is text, csv or json");
  if (by && strcmp(by, "polling-place") == 0) o.by_unit = true;
  else if (by && strcmp(by, "batch") == 0) o.by_batch = true;
  else if (by) return cli_usage(argv[0], "--by is polling-place or batch");
  cv_election *e;
  int rc = cli_open(store, true, &e);
  if (rc) return rc;
  struct cv_error err = {0};
  char *text;
  size_t len;
  if (cv_report(e, kind, &o, &text, &len, &err) != CV_OK) rc = cli_fail(&err);
  else cli_print(text, len);
  cv_election_close(e);
  return rc;
}

int cmd_status(int argc, char **argv) { return report(argc, argv, CV_REPORT_STATUS, STATUS_HELP); }
int cmd_results(int argc, char **argv) { return report(argc, argv, CV_REPORT_RESULTS, RESULTS_HELP); }
