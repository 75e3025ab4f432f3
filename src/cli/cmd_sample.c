/* cli/cmd_sample.c: `canvass sample`, the standalone public samplers. It
 * translates arguments into struct cv_sample_options and prints what the
 * library renders; the samplers themselves live in src/lib/audit. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "canvass/audit.h"
#include "cli.h"

static const char HELP[] =
    "usage: canvass sample --seed SEED --take N [--method METHOD] [options]\n\n"
    "Draws a random sample from a public seed with a published SHA-256 sampler,\n"
    "reproducing the reference implementations bit for bit (docs/sampling.md).\n"
    "Needs no election store.\n\n"
    "  --method consistent     Rivest's consistent sampler as Arlo uses it (default):\n"
    "      --ids FILE          the ids to sample, one id string per line, exactly\n"
    "                          as hashed (Arlo: ((jurisdiction, tabulator, batch), n))\n"
    "      --digits D          ticket digits kept after leading 9s (default 9;\n"
    "                          Arlo prints 18)\n"
    "  --method rivest2011     Rivest's 2011 sampler as ColoradoRLA uses it:\n"
    "                          pick i = MIN + SHA-256(\"SEED,i\") mod (MAX - MIN + 1)\n"
    "      --range N           the numbers 1..N, or --min A --max B\n"
    "  --method cryptorandom   SHANGRLA's PRNG: output k = SHA-256(\"SEED,\" + k zero bytes)\n"
    "      --output KIND       index (default: numbers in --range, as randint and\n"
    "                          sample_by_index draw them), float (random()),\n"
    "                          integer (SHANGRLA's sample_num) or hex\n\n"
    "  --take N                how many draws to print\n"
    "  --drop K                first skip K draws (those of earlier rounds)\n"
    "  --without-replacement   never draw the same item twice (default: with)\n"
    "  --format text|json      text (default) or JSON: consistent prints\n"
    "                          [[ticket, id, generation], ...], the others a list\n\n"
    "Any seed string is accepted so that published vectors can be reproduced;\n"
    "a seed for a real audit is 20 or more digits rolled with dice in public, and\n"
    "canvass warns on stderr when it is not.\n";

/* Parses a decimal integer in [lo, hi]; false on anything else. */
static bool parse_int(const char *s, long long lo, long long hi, long long *out) {
  if (!s || !*s) return false;
  char *end;
  errno = 0;
  long long v = strtoll(s, &end, 10);
  if (errno || *end || v < lo || v > hi) return false;
  *out = v;
  return true;
}

static int bad_number(const char *opt, const char *val) {
  char msg[256];
  snprintf(msg, sizeof msg, "%s needs a whole number in range, not \"%.80s\"", opt, val);
  return cli_usage("sample", msg);
}

int cmd_sample(int argc, char **argv) {
  const char *method = NULL, *seed = NULL, *ids_path = NULL, *take = NULL, *drop = NULL,
             *digits = NULL, *range = NULL, *min = NULL, *max = NULL, *output = NULL,
             *format = NULL;
  bool without = false;
  const char *pos[1];
  size_t n_pos;
  bool help;
  struct cli_opt opts[] = {{"--method", true, &method, NULL},
                           {"--seed", true, &seed, NULL},
                           {"--ids", true, &ids_path, NULL},
                           {"--take", true, &take, NULL},
                           {"--drop", true, &drop, NULL},
                           {"--digits", true, &digits, NULL},
                           {"--range", true, &range, NULL},
                           {"--min", true, &min, NULL},
                           {"--max", true, &max, NULL},
                           {"--output", true, &output, NULL},
                           {"--format", true, &format, NULL},
                           {"--without-replacement", false, NULL, &without},
                           {NULL, false, NULL, NULL}};
  if (!cli_parse(argc, argv, opts, pos, 0, &n_pos, &help)) return 64;
  if (help) return fputs(HELP, stdout), 0;

  struct cv_sample_options o = {.method = CV_SAMPLE_CONSISTENT};
  if (!method || strcmp(method, "consistent") == 0) o.method = CV_SAMPLE_CONSISTENT;
  else if (strcmp(method, "rivest2011") == 0) o.method = CV_SAMPLE_RIVEST2011;
  else if (strcmp(method, "cryptorandom") == 0) o.method = CV_SAMPLE_CRYPTORANDOM;
  else return cli_usage("sample", "--method is consistent, rivest2011 or cryptorandom");
  if (!seed) return cli_usage("sample", "give the public seed with --seed");
  if (!take) return cli_usage("sample", "give the number of draws with --take");
  enum cv_format fmt;
  if (!cli_format(format, &fmt) || fmt == CV_FORMAT_CSV)
    return cli_usage("sample", "--format is text or json");
  long long v;
  if (!parse_int(take, 0, CV_SAMPLE_MAX_DRAWS, &v)) return bad_number("--take", take);
  o.take = (uint64_t)v;
  if (drop) {
    if (!parse_int(drop, 0, CV_SAMPLE_MAX_DRAWS, &v)) return bad_number("--drop", drop);
    o.drop = (uint64_t)v;
  }
  o.without_replacement = without;
  o.seed = seed;
  o.seed_len = strlen(seed);

  bool consistent = o.method == CV_SAMPLE_CONSISTENT;
  if (consistent != (ids_path != NULL))
    return cli_usage("sample", consistent ? "the consistent sampler needs --ids FILE"
                                          : "--ids goes with --method consistent");
  if (digits) {
    if (!consistent) return cli_usage("sample", "--digits goes with --method consistent");
    if (!parse_int(digits, 1, CV_SAMPLE_MAX_DIGITS, &v)) return bad_number("--digits", digits);
    o.digits = (uint32_t)v;
  }
  if (output) {
    if (o.method != CV_SAMPLE_CRYPTORANDOM)
      return cli_usage("sample", "--output goes with --method cryptorandom");
    if (strcmp(output, "index") == 0) o.prng_output = CV_PRNG_INDEX;
    else if (strcmp(output, "float") == 0) o.prng_output = CV_PRNG_FLOAT;
    else if (strcmp(output, "integer") == 0) o.prng_output = CV_PRNG_INTEGER;
    else if (strcmp(output, "hex") == 0) o.prng_output = CV_PRNG_HEX;
    else return cli_usage("sample", "--output is index, float, integer or hex");
  }
  if (without && o.method == CV_SAMPLE_CRYPTORANDOM && o.prng_output != CV_PRNG_INDEX)
    return cli_usage("sample", "--without-replacement goes with draws of numbers (--output index)");
  bool ranged = o.method == CV_SAMPLE_RIVEST2011 ||
                (o.method == CV_SAMPLE_CRYPTORANDOM && o.prng_output == CV_PRNG_INDEX);
  if (!ranged && (range || min || max))
    return cli_usage("sample", "--range, --min and --max go with rivest2011 or cryptorandom index");
  if (ranged) {
    if (range && (min || max)) return cli_usage("sample", "give --range N or --min A --max B");
    if (range) {
      if (!parse_int(range, 1, INT64_MAX, &v)) return bad_number("--range", range);
      o.min = 1, o.max = v;
    } else if (min && max) {
      if (!parse_int(min, INT64_MIN, INT64_MAX, &v)) return bad_number("--min", min);
      o.min = v;
      if (!parse_int(max, INT64_MIN, INT64_MAX, &v)) return bad_number("--max", max);
      o.max = v;
    } else {
      return cli_usage("sample", "give the range with --range N (1..N) or --min A --max B");
    }
  }
  if (!cv_sample_seed_ok(seed, o.seed_len))
    fputs("canvass sample: warning: the seed is not 20 or more decimal digits; an audit's "
          "seed is rolled with dice in public\n",
          stderr);

  struct cv_error err = {0};
  cv_ids *ids = NULL;
  if (consistent && cv_ids_load(ids_path, &ids, &err) != CV_OK) return cli_fail(&err);
  cv_sample *s = NULL;
  cv_status rc = cv_sample_draw(&o, ids, &s, &err);
  size_t ids_n = cv_ids_count(ids);
  cv_ids_free(ids);
  if (rc != CV_OK) return cli_fail(&err);
  if (consistent && cv_sample_count(s) < o.take)
    fprintf(stderr,
            "canvass sample: warning: %zu draws, not %" PRIu64
            ": without replacement the %zu ids are all drawn\n",
            cv_sample_count(s), o.take, ids_n);
  char *text;
  size_t len;
  rc = cv_sample_render(s, fmt, &text, &len, &err);
  cv_sample_free(s);
  if (rc != CV_OK) return cli_fail(&err);
  cli_print(text, len);
  return 0;
}
