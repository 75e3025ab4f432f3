/* election/reports.c: cv_report, the public face of formats/report.h. */
#include "election/election.h"
#include "formats/report.h"
#include "util/error.h"

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
