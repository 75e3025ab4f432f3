/* util/xml.h: a small, fast, non-validating XML pull parser.
 *
 * The reader hands out one event at a time: the start of an element (with its
 * attributes), its end, or a run of character data. It checks that the input
 * is well-formed (nesting, one root, names, quoting, references, UTF-8, no
 * control characters) but knows no schema. Supported: the five predefined
 * entities and numeric character references, CDATA sections (reported as
 * text), comments and processing instructions (skipped), and an XML
 * declaration whose encoding, if named, is UTF-8 or US-ASCII. A DOCTYPE is
 * skipped without reading its declarations, so no entity is ever expanded: a
 * reference to an entity it declares is an error. Namespaces are not
 * resolved: a name is reported as written ("cdf:CVR"); cv__xml_local gives
 * the part after the prefix.
 *
 * Input comes from memory or from a read callback (e.g. an inflating zip
 * entry) through a window buffer; nothing is allocated per event. Every
 * event knows its line and column (1-based, columns count code points).
 * Names, attribute values and text are unescaped in place and NUL-terminated;
 * they stay valid only until the next call to cv__xml_next.
 *
 * Caps: element depth, attributes per element, and the size of one token (a
 * tag, or one run of text); beyond them the reader fails with CV_ELIMIT. */
#ifndef CV_UTIL_XML_H
#define CV_UTIL_XML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "canvass/status.h"
#include "util/buf.h"

struct cv__xml_limits {
  size_t max_depth;  /* open elements; 0: 256 */
  size_t max_attrs;  /* attributes on one element; 0: 256 */
  size_t max_token;  /* bytes in one tag or text run; 0: 16 MiB */
  size_t buffer;     /* initial window size; 0: 256 KiB (tests use tiny ones) */
};

/* Fills buf with up to cap bytes and sets *got (0 at the end of input). On
 * failure returns an error status with err filled. */
typedef cv_status (*cv__xml_read_fn)(void *ud, char *buf, size_t cap, size_t *got,
                                     struct cv_error *err);

enum cv__xml_event {
  CV__XML_NONE,  /* before the first call */
  CV__XML_START, /* <name attr="v">, or the start of <name/> */
  CV__XML_END,   /* </name>, or the end of <name/> */
  CV__XML_TEXT,  /* character data (may come in several pieces) */
  CV__XML_EOF    /* the end of the document */
};

struct cv__xml_attr {
  const char *name, *value; /* NUL-terminated */
  size_t name_len, value_len;
  uint32_t line, column;
};

/* Private bookkeeping of one attribute while its tag is scanned. */
struct cv__xml_araw {
  size_t name, name_end, value, value_end;
  uint32_t line, column;
  bool escaped;
};

struct cv__xml {
  /* The current event; pointers are valid until the next cv__xml_next. */
  enum cv__xml_event event;
  const char *name;           /* START, END */
  size_t name_len;
  const char *local;          /* START, END: the name after its prefix */
  const char *text;           /* TEXT */
  size_t text_len;
  struct cv__xml_attr *attrs; /* START */
  size_t n_attrs;
  uint32_t line, column;      /* where the event starts */
  size_t depth;               /* elements open after this event */

  /* private */
  const char *file;
  struct cv__xml_limits lim;
  cv__xml_read_fn read;
  void *read_ud;
  const char *mem;
  size_t mem_len, mem_pos;
  char *buf;
  size_t cap, len, pos;
  uint64_t base;              /* input offset of buf[0] */
  bool eof;
  uint32_t line_no;
  uint64_t line_start;        /* input offset where the current line starts */
  uint64_t cont;              /* UTF-8 continuation bytes on it so far */
  bool pending_end, lt_pending, seen_root, seen_doctype, started, bom;
  size_t lt_pos;
  char *stack;                /* names of open elements, NUL-separated */
  size_t stack_len, stack_cap;
  size_t *stack_off;
  size_t stack_ocap;
  size_t attr_cap;
  struct cv__xml_araw *araw;
  cv_status status;           /* sticky: the first error stops the reader */
};

/* Starts reading data[0..len) (borrowed; never modified). file names the
 * input in errors; limits may be NULL for the defaults. */
void cv__xml_init_mem(struct cv__xml *x, const char *data, size_t len, const char *file,
                      const struct cv__xml_limits *limits);
/* Starts reading what fn delivers. */
void cv__xml_init_reader(struct cv__xml *x, cv__xml_read_fn fn, void *ud, const char *file,
                         const struct cv__xml_limits *limits);
void cv__xml_fini(struct cv__xml *x);

/* Moves to the next event. Returns CV_OK (x->event says which; CV__XML_EOF
 * at the end, stable), or CV_EINVAL / CV_ELIMIT / CV_ENOMEM (or the read
 * callback's status) with file:line:column in err; after an error every call
 * returns the same status. */
cv_status cv__xml_next(struct cv__xml *x, struct cv_error *err);

/* The value of the current START event's attribute called name (compared as
 * written, prefix included), or NULL. */
const char *cv__xml_attr(const struct cv__xml *x, const char *name);

/* The part of a name after its namespace prefix ("cdf:CVR" -> "CVR"). */
const char *cv__xml_local(const char *name);

/* After a START event: skips everything up to and including its END. */
cv_status cv__xml_skip(struct cv__xml *x, struct cv_error *err);

/* After a START event: appends the element's text (all pieces, CDATA
 * included) to out and stops at its END. A child element is an error naming
 * where it starts; comments are allowed. out's cap applies (CV_ELIMIT). */
cv_status cv__xml_text(struct cv__xml *x, struct cv__buf *out, struct cv_error *err);

/* Input bytes consumed so far (for progress reports). */
uint64_t cv__xml_offset(const struct cv__xml *x);

/* Records an error at the current event's position (for consumers that find
 * a meaning error, e.g. an unknown element). Returns code. */
cv_status cv__xml_fail(struct cv__xml *x, struct cv_error *err, cv_status code, const char *fmt,
                       ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

#endif
