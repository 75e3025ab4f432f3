/* libFuzzer target for formats/xlsx: reads the input as a workbook and
 * touches every cell the sink sees. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "formats/xlsx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static volatile size_t sink;

static cv_status row(void *ud, uint32_t r, struct cv_error *err) {
  (void)ud, (void)err;
  sink += r;
  return CV_OK;
}

static cv_status cell(void *ud, const struct cv__xlsx_cell *c, struct cv_error *err) {
  (void)ud, (void)err;
  sink += c->row + c->col + strlen(c->ref) + strlen(c->text) + c->len + strlen(c->file);
  return CV_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct cv__xlsx_sink s = {row, cell, row, NULL};
  struct cv_error err = {0};
  uint32_t r, c;
  cv__xlsx_read("fuzz.xlsx", data, size, &s, NULL, &err);
  if (size < 12) {
    char ref[13];
    memcpy(ref, data, size);
    ref[size] = '\0';
    if (cv__xlsx_parse_ref(ref, &r, &c)) sink += r + c;
  }
  return 0;
}
