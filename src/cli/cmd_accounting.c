#include <stdio.h>

#include "cli.h"

static const char HELP[] =
    "usage: canvass accounting --polling-place P --received N --issued N --spoiled N\n"
    "                          --unused N --pollbook-signatures N [--note TEXT] [--store S]\n"
    "       canvass accounting --file ACCOUNTING.csv\n\n"
    "Records a polling place's ballot accounting. A later record for the same\n"
    "polling place supersedes the earlier one (both stay in the journal).\n"
    "Differences (received != issued + spoiled + unused, issued != pollbook\n"
    "signatures, counted != issued) become warnings to acknowledge, never zeros.\n";

int cmd_accounting(int argc, char **argv) {
  const char *store = NULL, *file = NULL, *v[7] = {0}, *pos[1];
  size_t n;
  bool help;
  struct cli_opt opts[] = {{"--store", true, &store, NULL},
                           {"--file", true, &file, NULL},
                           {"--polling-place", true, &v[0], NULL},
                           {"--received", true, &v[1], NULL},
                           {"--issued", true, &v[2], NULL},
                           {"--spoiled", true, &v[3], NULL},
                           {"--unused", true, &v[4], NULL},
                           {"--pollbook-signatures", true, &v[5], NULL},
                           {"--note", true, &v[6], NULL},
                           {NULL, false, NULL, NULL}};
  if (!cli_parse(argc, argv, opts, pos, 0, &n, &help)) return 64;
  if (help) return fputs(HELP, stdout), 0;
  static const char *const fields[7] = {"polling_place", "received", "issued", "spoiled",
                                        "unused", "pollbook_signatures", "note"};
  cv_election *e;
  int rc = cli_open(store, false, &e);
  if (rc) return rc;
  struct cv_error err = {0};
  cv_status s;
  if (file) {
    uint64_t added;
    s = cv_import_accounting(e, file, &added, &err);
  } else {
    /* Every field is passed, given or not, so a missing one is reported. */
    const char *values[7];
    for (int i = 0; i < 7; i++) values[i] = v[i] ? v[i] : "";
    s = cv_record_accounting(e, fields, values, 7, &err);
  }
  if (s != CV_OK) rc = cli_fail(&err);
  else printf("recorded ballot accounting\n");
  cv_election_close(e);
  return rc;
}
