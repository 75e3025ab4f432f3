/* formats/manifest_csv.c: the ballot manifest (Arlo's columns plus the
 * polling place), one batch.added event per row, in one transaction. */
#include <string.h>

#include "formats/import_common.h"
#include "util/error.h"
#include "util/json.h"

enum { M_CONTAINER, M_TABULATOR, M_BATCH, M_BALLOTS, M_PP, N_M };
static const struct cv__column_spec SPEC[N_M] = {
    {"Container", "container", false},
    {"Tabulator", "tabulator", false},
    {"Batch Name", "batch", true},
    {"Number of Ballots", "ballots", true},
    {"Polling Place", "polling_place", true},
};

cv_status cv_import_manifest(cv_election *e, const char *path, uint64_t *added, struct cv_error *err) {
  struct cv__csv_import im;
  struct cv__buf data;
  cv__buf_init(&data, 1 << 20);
  uint64_t rows = 0;
  cv_status s = cv__election_fresh(e, err);
  if (s == CV_OK) s = cv__csv_import_open(&im, path, SPEC, N_M, NULL, NULL, err);
  else memset(&im, 0, sizeof im);
  if (s == CV_OK) s = cv__election_begin(e, err);
  bool more = s == CV_OK;
  while (s == CV_OK && more) {
    if ((s = cv__csv_import_row(&im, &more, err)) != CV_OK || !more) break;
    uint32_t line = cv__csv_record_line(&im.csv);
    uint64_t ballots;
    const struct cv__csv_field *bf = &im.csv.fields[im.col[M_BALLOTS]];
    if ((s = cv__parse_count(bf->s, path, line, bf->column, "Number of Ballots", &ballots, err)) != CV_OK)
      break;
    const char *batch = cv__csv_import_value(&im, M_BATCH);
    if (!batch[0]) {
      s = cv__fail(err, CV_EINVAL, path, line, im.csv.fields[im.col[M_BATCH]].column, "Batch Name",
                   "missing (every batch needs a name)");
      break;
    }
    cv__buf_reset(&data);
    struct cv__jw w;
    cv__jw_init(&w, &data, 0);
    cv__jw_obj(&w);
    cv__jw_key(&w, "ballots");
    cv__jw_uint(&w, ballots);
    cv__jw_key(&w, "batch");
    cv__jw_str(&w, batch);
    cv__jw_key(&w, "container");
    cv__jw_str(&w, cv__csv_import_value(&im, M_CONTAINER));
    cv__jw_key(&w, "polling_place");
    cv__jw_str(&w, cv__csv_import_value(&im, M_PP));
    cv__jw_key(&w, "tabulator");
    cv__jw_str(&w, cv__csv_import_value(&im, M_TABULATOR));
    cv__jw_obj_end(&w);
    if ((s = cv__jw_finish(&w)) != CV_OK) {
      s = cv__fail(err, s, path, line, 1, NULL, "row too large");
      break;
    }
    struct cv_error aerr = {0};
    s = cv__election_emit(e, CV__EV_BATCH, data.data, data.len, &aerr);
    if (s != CV_OK) {
      cv__csv_import_locate(&im, SPEC, N_M, &aerr, err);
      break;
    }
    rows++;
    cv__import_progress(e, &im, rows, false);
  }
  if (s == CV_OK && rows == 0) s = cv__fail(err, CV_EINVAL, path, 2, 1, NULL, "the manifest lists no batches");
  if (s == CV_OK) s = cv__election_commit(e, err);
  else cv__election_abandon(e);
  if (s == CV_OK) {
    cv__import_progress(e, &im, rows, true);
    if (added) *added = rows;
  }
  cv__csv_import_close(&im);
  cv__buf_fini(&data);
  return s;
}
