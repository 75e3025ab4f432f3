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
 *   GENERIC_CSV  one CSV file, one row per ballot, one column per candidate
 *
 * What a CANDIDATE mark's text is: CDF the candidate's Name; ESS the cell
 * (trimmed; one part of a delimited cell); Dominion the candidate Id ("9")
 * and Hart the option Id (configurations map Ids with aliases); Clear Ballot
 * the choice name of the column header; generic CSV the column header.
 * docs/cvr-formats.md describes each provider's files and rules. */
#ifndef CV_FORMATS_CVR_H
#define CV_FORMATS_CVR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "canvass/status.h"
#include "util/buf.h"

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
  /* Optional in-memory input for the one-file providers (CDF, ESS, Clear
   * Ballot, generic CSV; for Hart, one XML file instead of the folder): when
   * data is not NULL it is read instead of the file, and path only names it
   * in errors (and, for CDF, says JSON or XML by its extension). Used by the
   * fuzz targets and the tests; Dominion has cv__cvr_read_dominion_mem. */
  const void *data;
  size_t data_len;
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
  /* Added fields (NULL / 0 when the provider has none): */
  const char *computed_id;        /* RCTab's own id for the record (CDF "file(n)",
                                   * ESS "file-n", generic CSV "n", Dominion
                                   * "tabulator-batch-record"); RCTab's CVR id is
                                   * computed_id when set, else id */
  const char *tabulator;          /* Dominion TabulatorId, Clear Ballot ScanComputerName */
  const char *precinct_portion;   /* Dominion precinct portion, Hart PrecinctSplit Id */
  uint32_t source_max_rank;       /* Dominion: the contest's NumOfRanks (RCTab refuses a
                                   * record ranking beyond it), 0 when none */
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

/* ---- shared by the provider files (not for other modules) ---------------- */

#define CV__CVR_MAX_MARKS 4096        /* marks in one record */
#define CV__CVR_MAX_RANK 1000000u     /* the largest rank number accepted */

/* A growable array of marks plus a text pool for their strings, reused from
 * record to record so reading does not allocate per record. Texts are kept as
 * offsets until cv__cvr_marks_seal turns them into pointers. */
struct cv__cvr_marks {
  struct cv__cvr_mark *items;
  size_t n, cap;
  size_t *offs;                   /* text offset in pool, or SIZE_MAX: borrowed text */
  size_t offs_cap;
  struct cv__buf pool;            /* copied texts, NUL-separated */
};

void cv__cvr_marks_init(struct cv__cvr_marks *m);
void cv__cvr_marks_fini(struct cv__cvr_marks *m);
void cv__cvr_marks_reset(struct cv__cvr_marks *m);
/* Adds a mark; text is copied into the pool when copy is true, else borrowed
 * (it must outlive the record callback). CV_ELIMIT past CV__CVR_MAX_MARKS. */
cv_status cv__cvr_marks_add(struct cv__cvr_marks *m, uint32_t rank, enum cv__mark_kind kind,
                            const char *text, size_t len, bool copy, uint32_t line,
                            uint32_t column);
/* Adds a mark whose text is already in the pool at off (len bytes). */
cv_status cv__cvr_marks_add_pooled(struct cv__cvr_marks *m, uint32_t rank, enum cv__mark_kind kind,
                                   size_t off, size_t len, uint32_t line, uint32_t column);
/* Copies s into the pool; *off gets its offset (read back with cv__cvr_pool_str
 * after the last add, as the pool may move). */
cv_status cv__cvr_pool_add(struct cv__cvr_marks *m, const char *s, size_t len, size_t *off);
const char *cv__cvr_pool_str(const struct cv__cvr_marks *m, size_t off);
/* Points every copied mark text into the pool (call once before the callback). */
void cv__cvr_marks_seal(struct cv__cvr_marks *m);

/* Reads a whole input (src->data when given, else the file at path). *owned
 * is what to free (NULL for src->data). */
cv_status cv__cvr_load(const struct cv__cvr_source *src, const char *path, size_t max,
                       const char **data, size_t *len, char **owned, struct cv_error *err);
/* The last path component (after the final '/'). */
const char *cv__cvr_basename(const char *path);
/* A rank written as a decimal integer (Java Integer.parseInt rules: optional
 * sign, digits only). True with *out in [1, CV__CVR_MAX_RANK]; false for
 * anything else, including 0 and negatives. */
bool cv__cvr_parse_rank(const char *s, size_t len, uint32_t *out);
/* True when the optional string s is NULL or "". */
bool cv__cvr_unset(const char *s);

/* Per-provider readers (cv__cvr_read dispatches here). */
cv_status cv__cvr_read_cdf_json(const struct cv__cvr_source *src, cv__cvr_fn fn, void *ud,
                                struct cv_error *err);
cv_status cv__cvr_read_cdf_xml(const struct cv__cvr_source *src, cv__cvr_fn fn, void *ud,
                               struct cv_error *err);
cv_status cv__cvr_read_dominion(const struct cv__cvr_source *src, cv__cvr_fn fn, void *ud,
                                struct cv_error *err);
/* Dominion from memory (fuzzing and tests): the manifests' texts (precinct
 * may be NULL, as in older exports) and one CvrExport text. */
struct cv__dominion_mem {
  const char *precinct;
  size_t precinct_len;
  const char *portion;
  size_t portion_len;
  const char *contest;
  size_t contest_len;
  const char *candidate;
  size_t candidate_len;
  const char *cvr;
  size_t cvr_len;
};
cv_status cv__cvr_read_dominion_mem(const struct cv__cvr_source *src,
                                    const struct cv__dominion_mem *m, cv__cvr_fn fn, void *ud,
                                    struct cv_error *err);
cv_status cv__cvr_read_ess(const struct cv__cvr_source *src, cv__cvr_fn fn, void *ud,
                           void (*progress)(void *ud, uint64_t done, uint64_t total),
                           struct cv_error *err);
cv_status cv__cvr_read_hart(const struct cv__cvr_source *src, cv__cvr_fn fn, void *ud,
                            struct cv_error *err);
cv_status cv__cvr_read_clear_ballot(const struct cv__cvr_source *src, cv__cvr_fn fn,
                                    void *ud, struct cv_error *err);
cv_status cv__cvr_read_generic_csv(const struct cv__cvr_source *src, cv__cvr_fn fn, void *ud,
                                   struct cv_error *err);

#endif
