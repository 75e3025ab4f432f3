/* bench/bench_cvr.c: reads cast vote record sources with formats/cvr and
 * prints how many records and marks they hold, for timing the readers
 * alone (e.g. /usr/bin/time -f "%e s %M KB" bench_cvr ess ... *.xlsx).
 *
 *   bench_cvr PROVIDER [key=value ...] PATH...
 *
 * keys: contest, fvc, fvr, id, precinct, batch, overvote, skipped, uwi,
 * delimiter, max (numbers are 1-based as in RCTab configurations); the flag
 * blank sets treatBlankAsUndeclaredWriteIn. Each PATH is one source. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/cvr.h"

static unsigned long long records, marks;

static cv_status count(void *ud, const struct cv__cvr_record *r, struct cv_error *err) {
  (void)ud, (void)err;
  records++;
  marks += r->n_marks;
  return CV_OK;
}

static uint32_t num(const char *v) { return (uint32_t)strtoul(v, NULL, 10); }

int main(int argc, char **argv) {
  struct cv__cvr_source s;
  memset(&s, 0, sizeof s);
  if (argc < 3 || !cv__cvr_provider_from_name(argv[1], &s.provider)) {
    fprintf(stderr, "usage: bench_cvr PROVIDER [key=value ...] PATH...\n");
    return 64;
  }
  int first_path = 2;
  for (int i = 2; i < argc; i++) {
    char *eq = strchr(argv[i], '=');
    if (strcmp(argv[i], "blank") == 0) {
      s.treat_blank_as_undeclared_write_in = true;
    } else if (eq) {
      *eq = '\0';
      const char *k = argv[i], *v = eq + 1;
      if (!strcmp(k, "contest")) s.contest_id = v;
      else if (!strcmp(k, "fvc")) s.first_vote_column = num(v);
      else if (!strcmp(k, "fvr")) s.first_vote_row = num(v);
      else if (!strcmp(k, "id")) s.id_column = num(v);
      else if (!strcmp(k, "precinct")) s.precinct_column = num(v);
      else if (!strcmp(k, "batch")) s.batch_column = num(v);
      else if (!strcmp(k, "overvote")) s.overvote_label = v;
      else if (!strcmp(k, "skipped")) s.skipped_rank_label = v;
      else if (!strcmp(k, "uwi")) s.undeclared_write_in_label = v;
      else if (!strcmp(k, "delimiter")) s.overvote_delimiter = v;
      else if (!strcmp(k, "max")) s.max_rankings = num(v);
      else {
        fprintf(stderr, "bench_cvr: unknown key %s\n", k);
        return 64;
      }
    } else {
      break;
    }
    first_path = i + 1;
  }
  for (int i = first_path; i < argc; i++) {
    struct cv_error err;
    memset(&err, 0, sizeof err);
    s.path = argv[i];
    if (cv__cvr_read(&s, count, NULL, NULL, &err) != CV_OK) {
      char msg[1200];
      fprintf(stderr, "bench_cvr: %s\n", cv_error_format(&err, msg, sizeof msg));
      return 65;
    }
  }
  printf("%llu records, %llu marks\n", records, marks);
  return 0;
}
