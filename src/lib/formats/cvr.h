/* formats/cvr.h: reading cast vote records (CVRs) of ranked contests from
 * other systems' files.
 *
 * A reader streams the records of one source to a callback, one record at a
 * time, in file order; it keeps nothing after the callback returns, so the
 * consumer decides what to keep (distinct rankings with weights, per-precinct
 * slices, the ids for a CVR export). Readers know file formats only: they
 * turn a provider's way of writing "rank r goes to X" into marks, and leave
 * every counting rule (overvotes, skipped ranks, duplicates, aliases,
 * unknown names) to the tabulator. Every mark carries the place it came
 * from, so the tabulator's errors can name file:line:column too.
 *
 * Providers and what a source's path names:
 *   CDF          NIST SP 1500-103 CVR report, one JSON or XML file
 *   DOMINION     a folder with CvrExport*.json and the manifests
 *   ESS          one XLSX workbook (first sheet)
 *   HART         a folder of Hart XML CVR files (one per ballot)
 *   CLEAR_BALLOT one Clear Ballot CSV export
 *   GENERIC_CSV  one CSV file, one row per ballot, one column per rank */
#ifndef CV_FORMATS_CVR_H
#define CV_FORMATS_CVR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "canvass/status.h"

enum cv__cvr_provider {
  CV__CVR_CDF,
  CV__CVR_DOMINION,
  CV__CVR_ESS,
  CV__CVR_HART,
  CV__CVR_CLEAR_BALLOT,
  CV__CVR_GENERIC_CSV
};

/* One source, as an RCTab configuration's cvrFileSources entry gives it.
 * Column and row numbers are 1-based as in RCTab; 0 means not given.
 * Strings may be NULL or "" for not given. */
struct cv__cvr_source {
  enum cv__cvr_provider provider;
  const char *path;               /* resolved by the caller */
  const char *contest_id;         /* CDF, Dominion, Hart, Clear Ballot: which contest */
  uint32_t first_vote_column;     /* ESS, generic CSV: column of rank 1 */
  uint32_t first_vote_row;        /* ESS, generic CSV: first row holding a ballot */
  uint32_t id_column;             /* ESS, generic CSV: the record id, 0 none */
  uint32_t precinct_column;       /* ESS, generic CSV: the precinct, 0 none */
  uint32_t batch_column;          /* ESS, generic CSV: the batch, 0 none */
  const char *overvote_delimiter; /* ESS: a cell "A|B" names two candidates at one rank */
  const char *overvote_label;     /* ESS: a cell with this text is an overvote */
  const char *skipped_rank_label; /* ESS: a cell with this text is a skipped rank */
  const char *undeclared_write_in_label; /* a cell or name with this text is a UWI */
  bool treat_blank_as_undeclared_write_in;
  uint32_t max_rankings;          /* rules.maxRankingsAllowed; 0: no limit or "max" */
};

enum cv__mark_kind {
  CV__MARK_CANDIDATE, /* text names a candidate (name, code or alias: unchecked) */
  CV__MARK_OVERVOTE,  /* the source itself marks this rank as overvoted */
  CV__MARK_UWI        /* an undeclared write-in */
};

struct cv__cvr_mark {
  uint32_t rank;                  /* 1-based */
  enum cv__mark_kind kind;
  const char *text;               /* CANDIDATE: as written in the source */
  size_t text_len;
  uint32_t line, column;          /* where it was read (XLSX: row, column) */
};

/* One ballot. Pointers are valid only during the callback. Marks are in
 * source order, which need not be rank order; a rank may have several marks
 * (an overvote) or none (a skipped rank). */
struct cv__cvr_record {
  const char *file;               /* the file it came from */
  uint32_t line, column;          /* where the record starts */
  const char *id;                 /* the record's id, NULL when the source has none */
  const char *precinct;           /* NULL when the source has none */
  const char *batch;              /* NULL when the source has none */
  const struct cv__cvr_mark *marks;
  size_t n_marks;
};

typedef cv_status (*cv__cvr_fn)(void *ud, const struct cv__cvr_record *rec, struct cv_error *err);

/* Reads every record of src and hands it to fn. Stops at the first error
 * (its own, naming file:line:column, or fn's). progress may be NULL; it is
 * called now and then with bytes done and total. */
cv_status cv__cvr_read(const struct cv__cvr_source *src, cv__cvr_fn fn, void *ud,
                       void (*progress)(void *ud, uint64_t done, uint64_t total),
                       struct cv_error *err);

/* The provider named as in RCTab configurations ("cdf", "dominion", "ess",
 * "hart", "clearBallot", "genericCsv"); false when unknown. */
bool cv__cvr_provider_from_name(const char *name, enum cv__cvr_provider *out);

#endif
