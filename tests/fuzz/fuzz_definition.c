/* libFuzzer target for election/definition. Oracle: a definition that init
 * accepts (input JSON, decoded) is also accepted on the journal path, where
 * the same tree arrives as canonical bytes and is decoded again. */
#include <stdint.h>
#include <stdlib.h>

#include "election/definition.h"
#include "util/json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct cv__arena a;
  struct cv__definition def = {0}, def2 = {0};
  struct cv__jval *root = NULL, *root2 = NULL;
  struct cv_error err = {0};
  cv__arena_init(&a, 0);
  if (cv__json_parse(&a, (const char *)data, size, CV__JSON_INPUT, NULL, "fuzz.json", &root,
                     &err) == CV_OK &&
      cv__definition_decode(&def, &a, root, "fuzz.json", &err) == CV_OK) {
    struct cv__buf b;
    struct cv__jw w;
    cv__buf_init(&b, 0);
    cv__jw_init(&w, &b, 0);
    cv__jw_value(&w, root);
    if (cv__jw_finish(&w) != CV_OK) abort();
    if (cv__json_parse(&a, b.data, b.len, CV__JSON_CANONICAL, NULL, "journal", &root2, NULL) !=
            CV_OK ||
        cv__definition_decode(&def2, &a, root2, "journal", NULL) != CV_OK ||
        def2.n_units != def.n_units || def2.n_contests != def.n_contests ||
        def2.n_styles != def.n_styles)
      abort(); /* the journal would refuse (or read otherwise) what init accepted */
    cv__buf_fini(&b);
  }
  cv__definition_fini(&def);
  cv__definition_fini(&def2);
  cv__arena_fini(&a);
  return 0;
}
