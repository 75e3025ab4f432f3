/* formats/report_common.h: pieces shared by the report renderers.
 *
 * The report header, the status words, numbers with thousands separators,
 * integer percentages, CSV rows and text tables with aligned columns. All of
 * it is deterministic: no clock, no locale, no floating point. Table cells
 * are copied into the table's arena; a table that ran out of memory remembers
 * it and reports it once, from cv__rtab_status. */
#ifndef CV_FORMATS_REPORT_COMMON_H
#define CV_FORMATS_REPORT_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "election/state.h"
#include "tabulate/outcome.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/json.h"

/* ---- status words ---- */

enum cv__rstatus { CV__RS_PARTIAL, CV__RS_COMPLETE, CV__RS_CERTIFIED };

/* "unofficial-partial", "unofficial-complete", "certified" (also the NIST
 * ResultsStatus values). */
const char *cv__rstatus_name(enum cv__rstatus s);

/* certified: every non-ranked contest is certified; unofficial-complete:
 * every non-ranked batch x contest result is settled (and there is one);
 * otherwise unofficial-partial. Ranked contests are not counted in this
 * release, so they can neither complete nor hold back the election. */
enum cv__rstatus cv__report_election_status(const struct cv__state *st);

/* The same words for contest ci, given its total tally. */
enum cv__rstatus cv__report_contest_status(const struct cv__state *st, uint32_t ci,
                                           const struct cv__tally *total);

/* Index of the jurisdiction (the root of the unit tree). */
uint32_t cv__report_root(const struct cv__state *st);

/* True when unit u is a polling place whose ballot style carries contest ci. */
bool cv__report_carries(const struct cv__state *st, uint32_t u, uint32_t ci);

/* The children of every unit in definition order: first[u] and next[c] are
 * unit indices or -1. Arrays come from a; false when it is out of memory. */
struct cv__report_tree {
  int32_t *first, *next;
};
bool cv__report_tree(const struct cv__state *st, struct cv__arena *a, struct cv__report_tree *tr);

/* ---- numbers ---- */

#define CV__NUM_LEN 32

/* "1,234,567" into out; returns out. */
char *cv__report_num(uint64_t v, char out[CV__NUM_LEN]);
/* part / whole as a percentage with two decimals rounded half up ("33.33%");
 * "-" when whole is 0. Returns out. */
char *cv__report_pct(uint64_t part, uint64_t whole, char out[CV__NUM_LEN]);
/* a - b with its sign: "+3", "-2", "0" (thousands separated). Returns out. */
char *cv__report_diff(uint64_t a, uint64_t b, char out[CV__NUM_LEN]);
/* a - b as a signed JSON integer (values are capped far below INT64_MAX). */
int64_t cv__report_sdiff(uint64_t a, uint64_t b);

/* ---- the header every report starts with ---- */

/* Text: election name, date, status word and journal head, then the title. */
void cv__report_header(struct cv__buf *out, const struct cv__state *st, const char *title);
/* CSV: the ELECTION INFO section, which opens every CSV report. */
void cv__report_csv_info(struct cv__buf *out, const struct cv__state *st);
/* JSON: the members election, status, journal_head and events of an open
 * object. */
void cv__report_json_head(struct cv__jw *w, const struct cv__state *st);

/* ---- CSV ---- */

/* An empty record, then "######## NAME ########" (every section after
 * ELECTION INFO). */
void cv__report_csv_section(struct cv__buf *out, const char *name);
/* One record of n fields, quoted per RFC 4180 where needed, ended by CRLF.
 * A NULL field is written empty. */
/* One CSV field, quoted per RFC 4180 when it holds a comma, quote, CR or LF. */
void cv__report_csv_field(struct cv__buf *out, const char *s);
void cv__report_csv_row(struct cv__buf *out, const char *const *fields, size_t n);

/* ---- text tables ---- */

struct cv__rtab_row {
  struct cv__rtab_row *next;
  const char **cells; /* NULL for a free line */
  const char *line;
};

struct cv__rtab {
  struct cv__arena *a;
  const char *align; /* one letter per column: 'l' left, 'r' right */
  size_t ncols;
  struct cv__rtab_row *head, *tail;
  bool failed;
};

void cv__rtab_init(struct cv__rtab *t, struct cv__arena *a, const char *align);
/* Starts a row; its cells are "" until set. */
void cv__rtab_row(struct cv__rtab *t);
/* Set a cell of the current row (the text is copied). */
void cv__rtab_set(struct cv__rtab *t, size_t col, const char *s);
void cv__rtab_setu(struct cv__rtab *t, size_t col, uint64_t v); /* thousands separated */
void cv__rtab_setf(struct cv__rtab *t, size_t col, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
/* A line printed as it is, in its place among the rows, outside the columns. */
void cv__rtab_line(struct cv__rtab *t, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* Prints the rows, each indented; columns are separated by two spaces and
 * padded to the widest cell (in code points); no line ends in spaces. */
void cv__rtab_print(struct cv__rtab *t, struct cv__buf *out, size_t indent);
/* CV_OK, or why a cell could not be stored. */
cv_status cv__rtab_status(const struct cv__rtab *t);

/* Ends a report begun at out->len == start: folds in the buffer's own
 * failure and, on any failure, takes back what the report appended. */
cv_status cv__report_end(struct cv__buf *out, size_t start, cv_status s);

#endif
