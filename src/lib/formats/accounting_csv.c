/* formats/accounting_csv.c: ballot accounting per polling place, one
 * accounting.recorded event per row, in one transaction. */
#include <string.h>

#include "formats/import_common.h"
#include "util/error.h"

enum { A_PP, A_RECEIVED, A_ISSUED, A_SPOILED, A_UNUSED, A_POLLBOOK, A_NOTE, N_A };
static const struct cv__column_spec SPEC[N_A] = {
    {"Polling Place", "polling_place", true},
    {"Received", "received", true},
    {"Issued", "issued", true},
    {"Spoiled", "spoiled", true},
    {"Unused", "unused", true},
    {"Pollbook Signatures", "pollbook_signatures", true},
    {"Note", "note", false},
};

cv_status cv_import_accounting(cv_election *e, const char *path, uint64_t *added,
                               struct cv_error *err) {
  struct cv__csv_import im;
  uint64_t rows = 0;
  cv_status s = cv__election_fresh(e, err);
  if (s == CV_OK) s = cv__csv_import_open(&im, path, SPEC, N_A, NULL, NULL, err);
  else memset(&im, 0, sizeof im);
  if (s == CV_OK) s = cv__election_begin(e, err);
  bool more = s == CV_OK;
  while (s == CV_OK && more) {
    if ((s = cv__csv_import_row(&im, &more, err)) != CV_OK || !more) break;
    const char *fields[N_A], *values[N_A];
    size_t n = 0;
    for (size_t k = 0; k < N_A; k++) {
      if (im.col[k] < 0) continue;
      fields[n] = SPEC[k].field;
      values[n++] = cv__csv_import_value(&im, k);
    }
    struct cv_error aerr = {0};
    s = cv_record_accounting(e, fields, values, n, &aerr);
    if (s != CV_OK) {
      cv__csv_import_locate(&im, SPEC, N_A, &aerr, err);
      break;
    }
    rows++;
  }
  if (s == CV_OK && rows == 0) s = cv__fail(err, CV_EINVAL, path, 2, 1, NULL, "the file has no rows");
  if (s == CV_OK) s = cv__election_commit(e, err);
  else cv__election_abandon(e);
  if (s == CV_OK && added) *added = rows;
  cv__csv_import_close(&im);
  return s;
}
