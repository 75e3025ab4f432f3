/* cmd_demo.c: an example county's count, end to end, through the public API.
 * The input files are examples/demo/, compiled into the binary. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

struct canvass_embedded_file {
  const char *name;
  const unsigned char *data;
  size_t size;
};
extern const struct canvass_embedded_file canvass_demo_files[];

static const char HELP[] =
    "usage: canvass demo [--dir DIR]\n\n"
    "Counts the example county of examples/demo: 13 polling places, 26 batches,\n"
    "five contests (a vote-for-2 council, a yes/no measure, a district contest,\n"
    "and a ranked contest declared for a later release). Two teams count every\n"
    "batch; one disagreement is settled by a third count; one ballot-accounting\n"
    "warning is acknowledged. Prints the results, certifies, exports the public\n"
    "record to DIR/public and verifies it. DIR defaults to a new temporary\n"
    "folder; the store is left as DIR/example-county.canvass to explore.\n";

static int step_fail(const char *what, const struct cv_error *err) {
  fprintf(stderr, "canvass demo: %s failed\n", what);
  return cli_fail(err);
}

static void banner(const char *s) { printf("\n==> %s\n", s); }

int cmd_demo(int argc, char **argv) {
  const char *dir = NULL, *pos[1];
  size_t n;
  bool help;
  struct cli_opt opts[] = {{"--dir", true, &dir, NULL}, {NULL, false, NULL, NULL}};
  if (!cli_parse(argc, argv, opts, pos, 0, &n, &help)) return 64;
  if (help) return fputs(HELP, stdout), 0;
  char tmpl[] = "/tmp/canvass-demo-XXXXXX";
  if (!dir) {
    if (!mkdtemp(tmpl)) return perror("canvass demo: mkdtemp"), 73;
    dir = tmpl;
  } else if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
    fprintf(stderr, "canvass demo: cannot create %s: %s\n", dir, strerror(errno));
    return 73;
  }
  if (strlen(dir) > 2000) return cli_usage("demo", "--dir is too long");
  char store[8192];
  snprintf(store, sizeof store, "%s/example-county.canvass", dir);
  if (access(store, F_OK) == 0) {
    fprintf(stderr, "canvass demo: %s already exists; give a new --dir\n", store);
    return 73;
  }
  struct timespec t0;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  printf("canvass demo in %s\n", dir);
  char path[8192], input[4096];
  snprintf(input, sizeof input, "%s/input", dir);
  if (mkdir(input, 0777) != 0 && errno != EEXIST) return perror("canvass demo: mkdir"), 73;
  for (const struct canvass_embedded_file *f = canvass_demo_files; f->name; f++) {
    snprintf(path, sizeof path, "%s/%s", input, f->name);
    FILE *out = fopen(path, "wb");
    if (!out || fwrite(f->data, 1, f->size, out) != f->size || fclose(out) != 0) {
      fprintf(stderr, "canvass demo: cannot write %s\n", path);
      return 73;
    }
  }
  struct cv_error err = {0};
  cv_election *e;
  snprintf(path, sizeof path, "%s/definition.json", input);
  banner("canvass init example-county.canvass --definition input/definition.json");
  if (cv_election_create(store, path, "coordinator", NULL, &e, &err) != CV_OK)
    return step_fail("init", &err);
  static const struct {
    const char *title, *file, *actor;
    cv_status (*fn)(cv_election *, const char *, uint64_t *, struct cv_error *);
  } IMPORTS[] = {
      {"canvass import manifest input/manifest.csv", "manifest.csv", "coordinator", cv_import_manifest},
      {"canvass import sheets input/sheets-team-a.csv   (team A counts every batch)",
       "sheets-team-a.csv", "typist-1", cv_import_sheets},
      {"canvass import sheets input/sheets-team-b.csv   (team B counts every batch again)",
       "sheets-team-b.csv", "typist-2", cv_import_sheets},
  };
  char *text;
  size_t len;
  for (size_t i = 0; i < sizeof IMPORTS / sizeof IMPORTS[0]; i++) {
    banner(IMPORTS[i].title);
    snprintf(path, sizeof path, "%s/%s", input, IMPORTS[i].file);
    uint64_t added;
    if (cv_election_set_actor(e, IMPORTS[i].actor, &err) != CV_OK ||
        IMPORTS[i].fn(e, path, &added, &err) != CV_OK)
      return step_fail(IMPORTS[i].title, &err);
    printf("imported %llu\n", (unsigned long long)added);
  }
  banner("canvass status   (team B's count of batch pp-04-2 differs from team A's)");
  struct cv_report_options text_opts = {CV_FORMAT_TEXT, NULL, false, false};
  if (cv_report(e, CV_REPORT_STATUS, &text_opts, &text, &len, &err) != CV_OK)
    return step_fail("status", &err);
  cli_print(text, len);
  banner("canvass import sheets input/sheets-recount.csv   (team C counts pp-04-2 a third time)");
  snprintf(path, sizeof path, "%s/sheets-recount.csv", input);
  uint64_t added;
  if (cv_election_set_actor(e, "typist-3", &err) != CV_OK || cv_import_sheets(e, path, &added, &err) != CV_OK)
    return step_fail("recount", &err);
  banner("canvass import accounting input/accounting.csv");
  snprintf(path, sizeof path, "%s/accounting.csv", input);
  if (cv_election_set_actor(e, "coordinator", &err) != CV_OK ||
      cv_import_accounting(e, path, &added, &err) != CV_OK)
    return step_fail("accounting", &err);
  banner("canvass ack W203/pp-07 --reason ...   (the coordinator explains the pollbook difference)");
  if (cv_ack(e, "W203/pp-07",
             "Poll worker statement: one voter was issued a ballot and left without signing",
             &err) != CV_OK)
    return step_fail("ack", &err);
  banner("canvass certify --all");
  if (cv_certify(e, NULL, &err) != CV_OK) return step_fail("certify", &err);
  printf("certified every contest that is tabulated\n");
  banner("canvass results");
  if (cv_report(e, CV_REPORT_RESULTS, &text_opts, &text, &len, &err) != CV_OK)
    return step_fail("results", &err);
  cli_print(text, len);
  char pub[8192];
  snprintf(pub, sizeof pub, "%s/public", dir);
  banner("canvass export --public public");
  if (cv_export_public(e, pub, &err) != CV_OK) return step_fail("export", &err);
  cv_election_close(e);
  banner("canvass verify public");
  struct cv_verify_summary sum;
  if (cv_verify_public(pub, NULL, NULL, &sum, &err) != CV_OK) return step_fail("verify", &err);
  printf("verified: %llu events replayed, %zu files match\njournal head: %s\n",
         (unsigned long long)sum.events, sum.files, sum.head);
  struct timespec t1;
  clock_gettime(CLOCK_MONOTONIC, &t1);
  double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
  /* Name the binary as it can be run from anywhere: it is usually not on
   * the PATH right after `make demo`. */
  char self[4096] = "canvass";
  ssize_t len_self = readlink("/proc/self/exe", self, sizeof self - 1);
  if (len_self > 0) self[len_self] = '\0';
  printf("\nThe demo took %.2f s. Explore it:\n"
         "  cd %s\n"
         "  %s status            (the store is example-county.canvass)\n"
         "  %s results --by polling-place\n"
         "  %s verify public\n",
         secs, dir, self, self, self);
  return 0;
}
