/* util/json.h: one JSON reader (two modes) and one JSON writer.
 *
 * The reader builds a tree in a caller-owned arena; every value and member
 * knows the line and column (1-based, columns count code points) where it
 * starts, so meaning errors found later can still name file:line:column.
 *
 * CV__JSON_INPUT accepts RFC 8259 JSON as people and tools write it, with
 * these limits: integers only (int64 range; fractions and exponents are an
 * error), duplicate keys are an error, strings must be valid UTF-8 without
 * NUL, and depth / string length / node count are capped.
 *
 * CV__JSON_CANONICAL accepts only the canonical bytes of docs/journal-format.md:
 * no whitespace, object keys in strictly ascending byte order, integers without
 * leading zeros or "-0", and strings escaped exactly as cv__jw writes them.
 *
 * The writer appends to a cv__buf. In canonical mode it writes exactly the
 * bytes the canonical reader accepts (callers emit keys in ascending order;
 * cv__jw_value sorts a parsed tree's keys itself). */
#ifndef CV_UTIL_JSON_H
#define CV_UTIL_JSON_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "canvass/status.h"
#include "util/arena.h"
#include "util/buf.h"

enum cv__jkind { CV__J_NULL, CV__J_BOOL, CV__J_INT, CV__J_STR, CV__J_ARR, CV__J_OBJ };

struct cv__jmember;

struct cv__jval {
  enum cv__jkind kind;
  uint32_t line, column;
  union {
    bool b;
    int64_t i;
    struct { const char *s; size_t len; } str;            /* NUL-terminated */
    struct { struct cv__jval **items; size_t n; } arr;
    struct { struct cv__jmember *members; size_t n; } obj; /* in input order */
  } u;
};

struct cv__jmember {
  const char *key;  /* NUL-terminated */
  size_t key_len;
  uint32_t line, column; /* of the key */
  struct cv__jval *val;
};

enum cv__json_mode { CV__JSON_INPUT, CV__JSON_CANONICAL };

struct cv__json_limits {
  size_t max_depth;   /* 0: 64 */
  size_t max_string;  /* bytes after unescaping; 0: 1 MiB */
  size_t max_nodes;   /* values in the document; 0: 4,000,000 */
};

/* Parses data[0..len) into a tree allocated from a. file names the input in
 * errors (may be NULL). limits may be NULL for the defaults. On error returns
 * CV_EINVAL (syntax, with line and column), CV_ELIMIT (a cap, with position)
 * or CV_ENOMEM, and leaves *out untouched. */
cv_status cv__json_parse(struct cv__arena *a, const char *data, size_t len,
                         enum cv__json_mode mode, const struct cv__json_limits *limits,
                         const char *file, struct cv__jval **out, struct cv_error *err);

/* The member value for key, or NULL when obj is not an object or lacks key. */
const struct cv__jval *cv__json_get(const struct cv__jval *obj, const char *key);

/* Human name of a kind ("an integer", "a string", ...), for messages. */
const char *cv__json_kind_name(enum cv__jkind k);

/* ---- writer ---- */
#define CV__JW_MAX_DEPTH 64

struct cv__jw {
  struct cv__buf *out;
  int indent;          /* 0: compact (canonical); n: pretty, n spaces per level */
  int depth;
  bool first[CV__JW_MAX_DEPTH];
  bool after_key;
  cv_status status;
};

void cv__jw_init(struct cv__jw *w, struct cv__buf *out, int indent);
void cv__jw_obj(struct cv__jw *w);
void cv__jw_obj_end(struct cv__jw *w);
void cv__jw_arr(struct cv__jw *w);
void cv__jw_arr_end(struct cv__jw *w);
void cv__jw_key(struct cv__jw *w, const char *key);
void cv__jw_str(struct cv__jw *w, const char *s);
void cv__jw_strn(struct cv__jw *w, const char *s, size_t n);
void cv__jw_int(struct cv__jw *w, int64_t v);
void cv__jw_uint(struct cv__jw *w, uint64_t v);
void cv__jw_bool(struct cv__jw *w, bool v);
void cv__jw_null(struct cv__jw *w);
/* Writes a parsed tree; object members are written in ascending byte order of
 * their keys (so the result is canonical when indent is 0). */
void cv__jw_value(struct cv__jw *w, const struct cv__jval *v);
/* CV_OK, or the first failure (CV_ENOMEM, CV_ELIMIT, CV_EINTERNAL for misuse
 * such as unbalanced containers). */
cv_status cv__jw_finish(struct cv__jw *w);

/* Appends s as a JSON string literal (with quotes), escaped canonically. */
void cv__json_escape(struct cv__buf *b, const char *s, size_t n);

#endif
