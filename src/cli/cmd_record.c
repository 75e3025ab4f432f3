/* cmd_record.c: canvass export and canvass verify. */
#include <stdio.h>

#include "cli.h"

static const char EXPORT_HELP[] =
    "usage: canvass export --public DIR [--store S]\n\n"
    "Writes the public record into DIR (absent or empty): journal.jsonl, HEAD,\n"
    "results.txt, results.csv, results-nist.json (NIST SP 1500-100 v2),\n"
    "status.txt, README.txt and MANIFEST.sha256. The folder appears complete or\n"
    "not at all.\n";
static const char VERIFY_HELP[] =
    "usage: canvass verify DIR\n\n"
    "Re-checks a public record without trusting the store that made it: replays\n"
    "journal.jsonl from nothing (canonical bytes, SHA-256 chain, every event's\n"
    "rules), recomputes every published file and compares it byte for byte, and\n"
    "checks MANIFEST.sha256. Exits 0 only when everything matches; otherwise\n"
    "exits 1 and names the first event or file that differs (66 when the folder\n"
    "or its manifest is missing, 74 when a file cannot be read).\n";

int cmd_export(int argc, char **argv) {
  const char *store = NULL, *dir = NULL, *pos[1];
  size_t n;
  bool help;
  struct cli_opt opts[] = {{"--store", true, &store, NULL}, {"--public", true, &dir, NULL},
                           {NULL, false, NULL, NULL}};
  if (!cli_parse(argc, argv, opts, pos, 0, &n, &help)) return 64;
  if (help) return fputs(EXPORT_HELP, stdout), 0;
  if (!dir) return cli_usage("export", "give --public DIR");
  cv_election *e;
  int rc = cli_open(store, true, &e);
  if (rc) return rc;
  struct cv_error err = {0};
  if (cv_export_public(e, dir, &err) != CV_OK) {
    rc = cli_fail(&err);
  } else {
    char head[80];
    uint64_t events;
    cv_election_head(e, head, &events);
    printf("exported the public record to %s\njournal head: %s (%llu events)\n", dir, head,
           (unsigned long long)events);
  }
  cv_election_close(e);
  return rc;
}

int cmd_verify(int argc, char **argv) {
  const char *pos[1];
  size_t n;
  bool help;
  struct cli_opt opts[] = {{NULL, false, NULL, NULL}};
  if (!cli_parse(argc, argv, opts, pos, 1, &n, &help)) return 64;
  if (help) return fputs(VERIFY_HELP, stdout), 0;
  if (n != 1) return cli_usage("verify", "give the public record's folder");
  struct cv_error err = {0};
  struct cv_verify_summary sum;
  if (cv_verify_public(pos[0], cli_progress, NULL, &sum, &err) != CV_OK) {
    cli_progress_done();
    if (err.code == CV_EVERIFY) fprintf(stderr, "canvass verify: MISMATCH\n");
    return cli_fail(&err);
  }
  cli_progress_done();
  printf("verified %s: %llu events replayed, %zu files match\njournal head: %s\n", pos[0],
         (unsigned long long)sum.events, sum.files, sum.head);
  return 0;
}
