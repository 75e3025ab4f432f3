/* libFuzzer target for the RCTab contest configuration reader. Oracles: no
 * crash, no leak, no sanitizer report; every refusal carries a message; an
 * accepted configuration has at least one source and one candidate. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tabulate/rctab.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct cv__rc_contest *c = cv__rc_contest_new();
  if (!c) return 0;
  c->cfg.config_path = "/nonexistent/fuzz_config.json";
  c->cfg.dir = "/nonexistent";
  c->cfg.stem = "fuzz";
  struct cv_error err = {0};
  cv_status st = cv__rc_config_parse(c, (const char *)data, size, &err);
  if (st != CV_OK && err.message[0] == '\0') abort();
  if (st == CV_OK && (c->cfg.n_sources == 0 || c->cfg.n_declared == 0)) abort();
  cv__rc_contest_free(c);
  return 0;
}
