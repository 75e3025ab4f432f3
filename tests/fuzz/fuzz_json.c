/* libFuzzer target for util/json. Oracles: canonical input is a fixed point
 * of the writer; input JSON written canonically reads back in canonical mode
 * and writes the same bytes again; pretty output reads back to the same. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Writes v with the given indent into b (initialised here); aborts on failure. */
static void write_tree(const struct cv__jval *v, int indent, struct cv__buf *b) {
  struct cv__jw w;
  cv__buf_init(b, 0);
  cv__jw_init(&w, b, indent);
  cv__jw_value(&w, v);
  if (cv__jw_finish(&w) != CV_OK) abort();
}

static void same(const struct cv__buf *a, const char *p, size_t n) {
  if (a->len != n || memcmp(a->data, p, n) != 0) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct cv__arena a;
  struct cv__jval *canon = NULL, *v = NULL, *v2 = NULL, *v3 = NULL;
  struct cv__buf b1, b2, b3, b4;
  const char *in = (const char *)data;
  cv__arena_init(&a, 0);
  cv_status cs = cv__json_parse(&a, in, size, CV__JSON_CANONICAL, NULL, NULL, &canon, NULL);
  if (cv__json_parse(&a, in, size, CV__JSON_INPUT, NULL, NULL, &v, NULL) == CV_OK) {
    write_tree(v, 0, &b1);
    if (cs == CV_OK) same(&b1, in, size);
    if (cv__json_parse(&a, b1.data, b1.len, CV__JSON_CANONICAL, NULL, NULL, &v2, NULL) != CV_OK)
      abort();
    write_tree(v2, 0, &b2);
    same(&b2, b1.data, b1.len);
    write_tree(v, 2, &b3);
    if (cv__json_parse(&a, b3.data, b3.len, CV__JSON_INPUT, NULL, NULL, &v3, NULL) != CV_OK)
      abort();
    write_tree(v3, 0, &b4);
    same(&b4, b1.data, b1.len);
    cv__buf_fini(&b1);
    cv__buf_fini(&b2);
    cv__buf_fini(&b3);
    cv__buf_fini(&b4);
  } else if (cs == CV_OK) {
    abort(); /* canonical JSON is JSON */
  }
  cv__arena_fini(&a);
  return 0;
}
