/* libFuzzer target for the Dominion reader: the input is one CvrExport
 * JSON, read against manifests built into the target (contest 5 with
 * candidates 51, 52 and the write-in 59; precincts 1-2, portions 10, 20). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "formats/cvr.h"
#include "fuzz_cvr_touch.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char precincts[] =
    "{\"List\":[{\"Id\":1,\"Description\":\"P1\"},{\"Id\":2,\"Description\":\"P2\"}]}";
static const char portions[] =
    "{\"List\":[{\"Id\":10,\"Description\":\"A\"},{\"Id\":20,\"Description\":\"B\"}]}";
static const char contests[] = "{\"List\":[{\"Id\":5,\"Description\":\"M\",\"NumOfRanks\":3}]}";
static const char candidates[] =
    "{\"List\":[{\"Id\":51,\"ContestId\":5},{\"Id\":52,\"ContestId\":5},"
    "{\"Id\":59,\"ContestId\":5},{\"Id\":61,\"ContestId\":6}]}";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct cv__cvr_source s = {0};
  struct cv_error err = {0};
  s.provider = CV__CVR_DOMINION;
  s.path = "fuzz";
  s.contest_id = "5";
  s.undeclared_write_in_label = "59";
  struct cv__dominion_mem m = {precincts, sizeof precincts - 1, portions, sizeof portions - 1,
                               contests, sizeof contests - 1, candidates, sizeof candidates - 1,
                               (const char *)data, size};
  cv__cvr_read_dominion_mem(&s, &m, fuzz_touch, NULL, &err);
  return 0;
}
