/* libFuzzer target for formats/csv: reads every record with small caps so the
 * limit paths are reached, and touches each field to catch bad pointers. */
#include <stddef.h>
#include <stdint.h>

#include "formats/csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct cv__csv_limits lim = {.max_field = 256, .max_fields = 64, .max_rows = 1000};
  struct cv__csv r;
  struct cv_error err = {0};
  volatile size_t sink = 0;
  cv__csv_init(&r, (const char *)data, size, "fuzz.csv", &lim);
  while (cv__csv_next(&r, &err) == CV_OK && r.n_fields > 0) {
    for (size_t i = 0; i < r.n_fields; i++)
      sink += r.fields[i].len + (unsigned char)r.fields[i].s[r.fields[i].len];
    sink += (size_t)cv__csv_find_column(r.fields, r.n_fields, "Batch Name");
    sink += cv__csv_record_line(&r);
  }
  cv__csv_fini(&r);
  (void)sink;
  return 0;
}
