/* libFuzzer target for the importers, through the public API. The first byte
 * picks the importer (% 4: manifest CSV, sheets CSV, sheets JSON, accounting
 * CSV; seeds use '0'..'3'); the rest is the file. Each input gets a fresh
 * store of a fixed definition, with a fixed manifest for all but the manifest
 * importer. Oracle: whatever an import recorded replays to the same head. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "canvass/election.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* tests/data/good/definition.json and manifest.csv */
static const char DEFINITION[] =
    "{\"canvass_definition\": 1,\n"
    " \"election\": {\"id\": \"testville-2026\", \"name\": \"Testville Election\", "
    "\"date\": \"2026-11-03\"},\n"
    " \"rules\": {\"agreement_count\": 2, \"blank_ballots\": \"separate\", "
    "\"invalid_warn_percent\": 3, \"blank_warn_percent\": 5},\n"
    " \"units\": [{\"id\": \"testville\", \"name\": \"Testville\", \"type\": \"jurisdiction\"},\n"
    "  {\"id\": \"east\", \"name\": \"East Ward\", \"type\": \"district\", "
    "\"parent\": \"testville\"},\n"
    "  {\"id\": \"west\", \"name\": \"West Ward\", \"type\": \"district\", "
    "\"parent\": \"testville\"},\n"
    "  {\"id\": \"p1\", \"name\": \"School Gym\", \"type\": \"polling_place\", "
    "\"parent\": \"east\"},\n"
    "  {\"id\": \"p2\", \"name\": \"Fire Hall\", \"type\": \"polling_place\", "
    "\"parent\": \"east\"},\n"
    "  {\"id\": \"p3\", \"name\": \"Library\", \"type\": \"polling_place\", "
    "\"parent\": \"west\"}],\n"
    " \"contests\": [{\"id\": \"mayor\", \"name\": \"Mayor\", \"type\": \"plurality\", "
    "\"votes_allowed\": 1, \"seats\": 1, \"district\": \"testville\", \"choices\": [\n"
    "   {\"id\": \"ann\", \"name\": \"Ann Alder\"}, {\"id\": \"bob\", \"name\": \"Bob Birch\"},\n"
    "   {\"id\": \"wi\", \"name\": \"Write-in\", \"write_in\": true}]},\n"
    "  {\"id\": \"council\", \"name\": \"East Council\", \"type\": \"plurality\", "
    "\"votes_allowed\": 2, \"seats\": 2, \"district\": \"east\", \"choices\": [\n"
    "   {\"id\": \"cy\", \"name\": \"Cy Cedar\"}, {\"id\": \"di\", \"name\": \"Di Dogwood\"},\n"
    "   {\"id\": \"ed\", \"name\": \"Ed Elm\"}]},\n"
    "  {\"id\": \"prop-1\", \"name\": \"Proposition 1\", \"type\": \"measure\", "
    "\"district\": \"testville\", \"choices\": [\n"
    "   {\"id\": \"yes\", \"name\": \"Yes\"}, {\"id\": \"no\", \"name\": \"No\"}]},\n"
    "  {\"id\": \"rcv\", \"name\": \"West Commissioner\", \"type\": \"irv\", \"seats\": 1, "
    "\"district\": \"west\", \"choices\": [\n"
    "   {\"id\": \"fay\", \"name\": \"Fay Fir\"}, {\"id\": \"gus\", \"name\": \"Gus Gum\"}]}],\n"
    " \"ballot_styles\": [\n"
    "  {\"id\": \"east\", \"contests\": [\"mayor\", \"council\", \"prop-1\"], "
    "\"polling_places\": [\"p1\", \"p2\"]},\n"
    "  {\"id\": \"west\", \"contests\": [\"mayor\", \"prop-1\", \"rcv\"], "
    "\"polling_places\": [\"p3\"]}]}\n";
static const char MANIFEST[] = "Container,Tabulator,Batch Name,Number of Ballots,Polling Place\n"
                               "C1,T1,p1-a,100,p1\nC1,T1,p1-b,50,p1\nC2,T2,p2-a,80,p2\n"
                               "C3,T3,p3-a,60,p3\n";
#define TIME "2026-11-03T20:00:00Z"

static char dir[256], def_path[300], manifest_path[300], store_path[300], input_path[300];

static void write_file(const char *path, const void *p, size_t n) {
  FILE *f = fopen(path, "wb");
  if (!f || fwrite(p, 1, n, f) != n || fclose(f) != 0) abort(); /* the harness, not canvass */
}

static void cleanup(void) {
  unlink(def_path);
  unlink(manifest_path);
  rmdir(dir);
}

/* Makes the per-process folder (under $TMPDIR, else /tmp) and its fixed files, once. */
static void setup(void) {
  const char *tmp = getenv("TMPDIR");
  snprintf(dir, sizeof dir, "%s/canvass-fuzz-XXXXXX", tmp && *tmp ? tmp : "/tmp");
  if (!mkdtemp(dir)) abort();
  snprintf(def_path, sizeof def_path, "%s/definition.json", dir);
  snprintf(manifest_path, sizeof manifest_path, "%s/manifest.csv", dir);
  snprintf(store_path, sizeof store_path, "%s/fuzz.canvass", dir);
  write_file(def_path, DEFINITION, sizeof DEFINITION - 1);
  write_file(manifest_path, MANIFEST, sizeof MANIFEST - 1);
  atexit(cleanup);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  cv_election *e = NULL;
  struct cv_error err = {0};
  uint64_t added = 0, events = 0, events2 = 0;
  char head[80], head2[80];
  if (size == 0) return 0;
  if (!dir[0]) setup();
  int which = data[0] % 4;
  snprintf(input_path, sizeof input_path, "%s/input.%s", dir, which == 2 ? "json" : "csv");
  write_file(input_path, data + 1, size - 1);
  if (cv_election_create(store_path, def_path, "fuzz", TIME, &e, &err) != CV_OK ||
      (which != 0 && cv_import_manifest(e, manifest_path, &added, &err) != CV_OK))
    abort();
  cv_status s = which == 0   ? cv_import_manifest(e, input_path, &added, &err)
                : which == 3 ? cv_import_accounting(e, input_path, &added, &err)
                             : cv_import_sheets(e, input_path, &added, &err);
  cv_election_head(e, head, &events);
  cv_election_close(e);
  if (s == CV_OK) {
    if (cv_election_open(store_path, true, NULL, NULL, &e, &err) != CV_OK) abort();
    cv_election_head(e, head2, &events2);
    if (events2 != events || strcmp(head, head2) != 0) abort();
    cv_election_close(e);
  }
  unlink(store_path);
  unlink(input_path);
  return 0;
}
