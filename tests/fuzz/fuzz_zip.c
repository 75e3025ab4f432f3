/* libFuzzer target for util/zip: opens the input as an archive with small
 * caps and inflates every entry, whole and through a reader (with and
 * without the read-ahead thread), so size, CRC and method checks run. */
#include <stddef.h>
#include <stdint.h>

#include "util/alloc.h"
#include "util/zip.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct cv__zip_limits lim = {.max_entry = 1 << 22, .max_ratio = 0, .max_entries = 64};
  struct cv__zip z;
  struct cv_error err = {0};
  volatile size_t sink = 0;
  if (cv__zip_open(&z, data, size, "fuzz.zip", &lim, &err) != CV_OK) return 0;
  for (size_t i = 0; i < z.n; i++) {
    char *out = NULL;
    size_t len = 0;
    if (cv__zip_extract(&z, &z.entries[i], &out, &len, &err) == CV_OK)
      sink += len + (size_t)out[len];
    cv__free(out);
    struct cv__zip_reader *r;
    if (cv__zip_reader_open(&r, &z, &z.entries[i], i % 2 == 1, &err) != CV_OK) continue;
    char buf[333];
    size_t got;
    while (cv__zip_reader_read(r, buf, sizeof buf, &got, &err) == CV_OK && got > 0) sink += got;
    cv__zip_reader_close(r);
  }
  sink += cv__zip_find(&z, "xl/workbook.xml") != NULL;
  cv__zip_close(&z);
  (void)sink;
  return 0;
}
