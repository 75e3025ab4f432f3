/* libFuzzer target for formats/blt and the STV count: parses with small
 * caps, and when the file is good counts it under a rule picked from the
 * input's length, so the rules meet odd ballots too. */
#include <stddef.h>
#include <stdint.h>

#include "formats/blt.h"
#include "tabulate/stv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const char *const rules[] = {"scotland", "wigm", "wigm-prf", "wigm-prf-batch",
                                      "mpls",     "meek", "warren",   "meek-prf",
                                      "irish",    "qpq",  "cfer",     "cfer-batch"};
  struct cv__blt_limits lim = {
      .max_candidates = 12, .max_rankings = 64, .max_name = 64, .max_options = 8};
  struct cv__blt b;
  struct cv_error err = {0};
  if (cv__blt_parse(&b, (const char *)data, size, "fuzz.blt", &lim, &err) == CV_OK) {
    struct cv__stv_config cfg;
    const char *rule = rules[size % (sizeof rules / sizeof rules[0])];
    if (cv__stv_configure(&cfg, rule, NULL, 0, b.options, b.option_lines, b.n_options, "fuzz.blt",
                          &err) == CV_OK) {
      struct cv__stv_count k;
      (void)cv__stv_count(&k, &b, &cfg, "fuzz.blt", &err);
      cv__stv_fini(&k);
    }
  }
  cv__blt_fini(&b);
  return 0;
}
