#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char HELP[] =
    "usage: canvass import manifest|sheets|accounting FILE [--store S]\n\n"
    "  manifest    ballot manifest CSV: Container, Tabulator (optional), Batch Name,\n"
    "              Number of Ballots, Polling Place\n"
    "  sheets      tally sheets, CSV (Sheet, Batch, Team, Members, Kind, Rekey Of,\n"
    "              Contest, Ballots, Blank, Invalid, Undervotes, Overvotes, and one\n"
    "              column per choice id) or JSON (.json)\n"
    "  accounting  ballot accounting CSV: Polling Place, Received, Issued, Spoiled,\n"
    "              Unused, Pollbook Signatures, Note\n\n"
    "An import is one transaction: on any error nothing is recorded, and the\n"
    "message names file:line:column.\n";

int cmd_import(int argc, char **argv) {
  const char *store = NULL, *pos[2];
  size_t n;
  bool help;
  struct cli_opt opts[] = {{"--store", true, &store, NULL}, {NULL, false, NULL, NULL}};
  if (!cli_parse(argc, argv, opts, pos, 2, &n, &help)) return 64;
  if (help) return fputs(HELP, stdout), 0;
  if (n != 2) return cli_usage("import", "give what to import and the file");
  cv_status (*fn)(cv_election *, const char *, uint64_t *, struct cv_error *);
  const char *one, *many;
  if (strcmp(pos[0], "manifest") == 0) fn = cv_import_manifest, one = "batch", many = "batches";
  else if (strcmp(pos[0], "sheets") == 0) fn = cv_import_sheets, one = "tally sheet", many = "tally sheets";
  else if (strcmp(pos[0], "accounting") == 0)
    fn = cv_import_accounting, one = "accounting record", many = "accounting records";
  else return cli_usage("import", "import manifest, sheets or accounting");
  cv_election *e;
  int rc = cli_open(store, false, &e);
  if (rc) return rc;
  cv_election_set_progress(e, cli_progress, NULL);
  struct cv_error err = {0};
  uint64_t added = 0, before;
  char head[80];
  cv_election_head(e, head, &before);
  if (fn(e, pos[1], &added, &err) != CV_OK) {
    cv_election_close(e);
    return cli_fail(&err);
  }
  cli_progress_done();
  uint64_t after;
  cv_election_head(e, head, &after);
  printf("imported %llu %s from %s\n", (unsigned long long)added, added == 1 ? one : many, pos[1]);
  /* Each sheet is one event, so its number follows from the journal's length. */
  if (fn == cv_import_sheets && added)
    printf("sheet numbers %llu to %llu\n", (unsigned long long)(before + 1), (unsigned long long)after);
  printf("journal head: %s\n", head);
  cv_election_close(e);
  return 0;
}
