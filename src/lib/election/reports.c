/* election/reports.c: cv_report, the public face of formats/report.h. */
#include "election/election.h"
#include "count/agreement.h"
#include "formats/report.h"
#include "util/error.h"

cv_status cv_batch_summary(cv_election *e, const char *batch, char **out, struct cv_error *err) {
  cv_status s = cv__election_fresh(e, err);
  if (s != CV_OK) return s;
  const struct cv__state *st = &e->st;
  uint32_t b;
  if (!cv__state_batch(st, batch, &b))
    return cv__fail(err, CV_ENOENT, NULL, 0, 0, "batch", "unknown batch \"%.100s\"", batch);
  const struct cv__batch *bt = &st->batches[b];
  const struct cv__style *style = &st->def.styles[st->def.units[bt->unit].style];
  struct cv__buf buf;
  cv__buf_init(&buf, 1 << 20);
  for (uint32_t k = 0; k < style->n_contests; k++) {
    const struct cv__contest *ct = &st->def.contests[style->contests[k]];
    const char *word;
    bool ranked = cv__contest_is_ranked(ct);
    switch (cv__cell_status(st, bt->cell0 + k, NULL)) {
    case CV__CELL_NOT_COUNTED: word = ranked ? "ranked, not keyed" : "not counted"; break;
    case CV__CELL_WAITING:
      word = ranked ? "waiting for another team's keying" : "waiting for another team's count";
      break;
    case CV__CELL_AGREED: word = "agreed"; break;
    case CV__CELL_DISPUTED: word = "DISPUTED: see canvass status"; break;
    default: word = "resolved by the coordinator"; break;
    }
    cv__buf_printf(&buf, "batch %s, %s: %s\n", bt->id, ct->id, word);
  }
  char *text = cv__buf_take(&buf, NULL);
  if (!text) return cv__failf(err, CV_ENOMEM, "out of memory");
  *out = text;
  return CV_OK;
}

cv_status cv_report(cv_election *e, enum cv_report_kind kind, const struct cv_report_options *opt,
                    char **out, size_t *len, struct cv_error *err) {
  cv_status s = cv__election_fresh(e, err);
  if (s != CV_OK) return s;
  struct cv_report_options def = {CV_FORMAT_TEXT, NULL, false, false};
  if (!opt) opt = &def;
  if (opt->contest) {
    uint32_t ci;
    if (!cv__state_contest(&e->st, opt->contest, &ci))
      return cv__fail(err, CV_ENOENT, NULL, 0, 0, "contest", "unknown contest \"%.64s\"", opt->contest);
  }
  struct cv__buf b;
  cv__buf_init(&b, (size_t)4 << 30);
  switch (kind) {
  case CV_REPORT_STATUS: s = cv__report_status(&e->st, opt->format, &b); break;
  case CV_REPORT_RESULTS: s = cv__report_results(&e->st, opt, &b); break;
  case CV_REPORT_NIST: s = cv__report_nist(&e->st, &b); break;
  default: s = CV_EUSAGE; break;
  }
  if (s != CV_OK) {
    cv__buf_fini(&b);
    return cv__failf(err, s, "cannot build the report (%s)", cv_status_name(s));
  }
  char *text = cv__buf_take(&b, len);
  if (!text) return cv__failf(err, CV_ENOMEM, "out of memory");
  *out = text;
  return CV_OK;
}
