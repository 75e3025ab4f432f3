/* Conformance of `canvass sample` against the published sampler vectors.
 *
 * sampler suite (testdata/sampler):
 *   consistent-sampler.json  every case through the real CLI:
 *       canvass sample --method consistent --seed S --ids FILE --take N
 *                      --drop K [--without-replacement] --digits D --format json
 *     and the output [[ticket, id, generation], ...] must equal "expected"
 *     exactly (strings byte for byte). The case's seed_sha256_hex is checked
 *     too, which proves the seed was read as the generator hashed it.
 *   rivest2011-tests.json    every test through the CLI, with replacement
 *     ("allowing duplicates", as that suite says): picks equal "expected".
 * prng suite (the PRNG entries of testdata/rla/published-vectors.json):
 *   cryptorandom_sha256_prng  --method cryptorandom --output float: each
 *     value must be the same double as the published decimal.
 *   rivest_2011_sampler       ColoradoRLA's draw without replacement.
 * That file also holds floats the project's JSON reader refuses, so the two
 * entries are picked out of its text by key. */
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "conformance.h"
#include "election/election.h"
#include "util/arena.h"
#include "util/json.h"
#include "util/sha256.h"

struct ctx {
  const char *canvass, *out;
  char err[512];
};

/* Runs canvass with argv, stdout into path; returns the exit status or -1. */
static int run_to(const char *const *argv, const char *path) {
  fflush(stdout);
  pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int null = open("/dev/null", O_WRONLY);
    if (fd < 0 || null < 0) _exit(126);
    dup2(fd, 1);
    dup2(null, 2); /* the seed warnings are expected here */
    execv(argv[0], (char *const *)(uintptr_t)argv);
    _exit(127);
  }
  int st;
  if (waitpid(pid, &st, 0) < 0) return -1;
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static const struct cv__jval *load_json(struct cv__arena *a, const char *path, char *why, size_t n) {
  char *text = NULL;
  size_t len = 0;
  struct cv_error err = {0};
  struct cv__jval *root = NULL;
  if (cv__read_file(path, (size_t)64 << 20, &text, &len, &err) != CV_OK ||
      cv__json_parse(a, text, len, CV__JSON_INPUT, NULL, path, &root, &err) != CV_OK) {
    snprintf(why, n, "%.200s: %.300s", path, err.message);
    root = NULL;
  }
  free(text);
  return root;
}

static const struct cv__jval *get(const struct cv__jval *o, const char *k, enum cv__jkind kind) {
  const struct cv__jval *v = cv__json_get(o, k);
  return v && v->kind == kind ? v : NULL;
}

/* Runs one CLI sample and parses its JSON output into *out. */
static bool sample_json(struct ctx *c, struct cv__arena *a, const char **args, const char *tag,
                        const struct cv__jval **out) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s.json", c->out, tag);
  int rc = run_to(args, path);
  if (rc != 0) {
    snprintf(c->err, sizeof c->err, "canvass sample exited with %d", rc);
    return false;
  }
  *out = load_json(a, path, c->err, sizeof c->err);
  return *out != NULL;
}

static bool write_ids(const struct cv__jval *ids, const char *path) {
  FILE *f = fopen(path, "wb");
  if (!f) return false;
  for (size_t i = 0; i < ids->u.arr.n; i++) {
    const struct cv__jval *v = ids->u.arr.items[i];
    if (v->kind != CV__J_STR) return fclose(f), false;
    fwrite(v->u.str.s, 1, v->u.str.len, f);
    fputc('\n', f);
  }
  return fclose(f) == 0;
}

static bool same_str(const struct cv__jval *a, const struct cv__jval *b) {
  return a && b && a->kind == CV__J_STR && b->kind == CV__J_STR && a->u.str.len == b->u.str.len &&
         memcmp(a->u.str.s, b->u.str.s, a->u.str.len) == 0;
}

/* One consistent-sampler case; returns NULL or why it failed (in c->err). */
static bool consistent_case(struct ctx *c, const struct cv__jval *cs, const char *name) {
  struct cv__arena a;
  cv__arena_init(&a, 0);
  bool ok = false;
  const struct cv__jval *seed = get(cs, "seed", CV__J_STR), *ids = get(cs, "ids", CV__J_ARR),
                        *take = get(cs, "take", CV__J_INT), *drop = get(cs, "drop", CV__J_INT),
                        *repl = get(cs, "with_replacement", CV__J_BOOL),
                        *digits = get(cs, "digits", CV__J_INT),
                        *hex = get(cs, "seed_sha256_hex", CV__J_STR),
                        *want = get(cs, "expected", CV__J_ARR), *got = NULL;
  char idpath[4096], t[32], d[32], g[32];
  if (!seed || !ids || !take || !drop || !repl || !digits || !want) {
    snprintf(c->err, sizeof c->err, "the case lacks a field");
    goto out;
  }
  if (hex) {
    uint8_t h[32];
    char hx[CV__SHA256_HEX];
    cv__sha256(seed->u.str.s, seed->u.str.len, h);
    cv__hex(h, 32, hx);
    if (strcmp(hx, hex->u.str.s) != 0) {
      snprintf(c->err, sizeof c->err, "seed hashes to %s, the case says %s", hx, hex->u.str.s);
      goto out;
    }
  }
  snprintf(idpath, sizeof idpath, "%s/%s.ids", c->out, name);
  if (!write_ids(ids, idpath)) {
    snprintf(c->err, sizeof c->err, "cannot write %.400s", idpath);
    goto out;
  }
  snprintf(t, sizeof t, "%lld", (long long)take->u.i);
  snprintf(d, sizeof d, "%lld", (long long)drop->u.i);
  snprintf(g, sizeof g, "%lld", (long long)digits->u.i);
  const char *args[] = {c->canvass, "sample", "--method", "consistent", "--seed",
                  seed->u.str.s, "--ids", idpath, "--take", t, "--drop", d, "--digits", g,
                  "--format", "json", repl->u.b ? NULL : "--without-replacement", NULL};
  if (!sample_json(c, &a, args, name, &got)) goto out;
  if (got->kind != CV__J_ARR || got->u.arr.n != want->u.arr.n) {
    snprintf(c->err, sizeof c->err, "%zu draws, expected %zu",
             got->kind == CV__J_ARR ? got->u.arr.n : 0, want->u.arr.n);
    goto out;
  }
  for (size_t i = 0; i < want->u.arr.n; i++) {
    const struct cv__jval *w = want->u.arr.items[i], *o = got->u.arr.items[i];
    bool same = w->kind == CV__J_ARR && o->kind == CV__J_ARR && w->u.arr.n == 3 &&
                o->u.arr.n == 3 && same_str(w->u.arr.items[0], o->u.arr.items[0]) &&
                same_str(w->u.arr.items[1], o->u.arr.items[1]) &&
                w->u.arr.items[2]->kind == CV__J_INT && o->u.arr.items[2]->kind == CV__J_INT &&
                w->u.arr.items[2]->u.i == o->u.arr.items[2]->u.i;
    if (!same) {
      snprintf(c->err, sizeof c->err, "draw %zu differs (expected ticket %s)", i + 1,
               w->kind == CV__J_ARR && w->u.arr.n && w->u.arr.items[0]->kind == CV__J_STR
                   ? w->u.arr.items[0]->u.str.s
                   : "?");
      goto out;
    }
  }
  ok = true;
out:
  cv__arena_fini(&a);
  return ok;
}

/* A rivest2011 draw of 1..total (or min..max) compared with picks. */
static bool rivest_case(struct ctx *c, const char *seed, long long min, long long max, size_t n,
                        bool without, const long long *want, const char *tag) {
  struct cv__arena a;
  cv__arena_init(&a, 0);
  char smin[32], smax[32], take[32];
  snprintf(smin, sizeof smin, "%lld", min);
  snprintf(smax, sizeof smax, "%lld", max);
  snprintf(take, sizeof take, "%zu", n);
  const char *args[] = {c->canvass, "sample", "--method", "rivest2011", "--seed", seed,
                  "--min", smin, "--max", smax, "--take", take, "--format", "json",
                  without ? "--without-replacement" : NULL, NULL};
  const struct cv__jval *got = NULL;
  bool ok = sample_json(c, &a, args, tag, &got);
  if (ok && (got->kind != CV__J_ARR || got->u.arr.n != n)) {
    snprintf(c->err, sizeof c->err, "wrong number of picks");
    ok = false;
  }
  for (size_t i = 0; ok && i < n; i++)
    if (got->u.arr.items[i]->kind != CV__J_INT || got->u.arr.items[i]->u.i != want[i]) {
      snprintf(c->err, sizeof c->err, "pick %zu is %lld, expected %lld", i + 1,
               (long long)got->u.arr.items[i]->u.i, want[i]);
      ok = false;
    }
  cv__arena_fini(&a);
  return ok;
}

static void run_sampler_suite(struct ctx *c, const char *dir, struct conf_suite *s) {
  char path[4096], why[512] = "";
  struct cv__arena a;
  cv__arena_init(&a, 0);
  snprintf(path, sizeof path, "%s/consistent-sampler.json", dir);
  const struct cv__jval *root = load_json(&a, path, why, sizeof why);
  const struct cv__jval *cases = root ? get(root, "cases", CV__J_ARR) : NULL;
  if (!cases) conf_fail(s, "consistent-sampler.json", "unreadable: %s", why);
  for (size_t i = 0; cases && i < cases->u.arr.n; i++) {
    const struct cv__jval *n = get(cases->u.arr.items[i], "name", CV__J_STR);
    char name[128];
    snprintf(name, sizeof name, "consistent-%s", n ? n->u.str.s : "case");
    c->err[0] = '\0';
    if (consistent_case(c, cases->u.arr.items[i], name)) conf_pass(s);
    else conf_fail(s, name, "%s", c->err);
  }
  snprintf(path, sizeof path, "%s/rivest2011-tests.json", dir);
  root = load_json(&a, path, why, sizeof why);
  const struct cv__jval *tests = root ? get(root, "tests", CV__J_ARR) : NULL;
  if (!tests) conf_fail(s, "rivest2011-tests.json", "unreadable: %s", why);
  for (size_t i = 0; tests && i < tests->u.arr.n; i++) {
    const struct cv__jval *t = tests->u.arr.items[i], *data = get(t, "data", CV__J_OBJ),
                          *exp = get(t, "expected", CV__J_ARR);
    const struct cv__jval *seed = get(data, "seed", CV__J_STR), *count = get(data, "count", CV__J_INT),
                          *total = get(data, "total", CV__J_INT);
    char name[64];
    snprintf(name, sizeof name, "rivest2011-%zu", i + 1);
    long long want[64];
    if (!seed || !count || !total || !exp || exp->u.arr.n > 64 ||
        exp->u.arr.n != (size_t)count->u.i) {
      conf_fail(s, name, "malformed test");
      continue;
    }
    for (size_t k = 0; k < exp->u.arr.n; k++) want[k] = exp->u.arr.items[k]->u.i;
    c->err[0] = '\0';
    if (rivest_case(c, seed->u.str.s, 1, total->u.i, exp->u.arr.n, false, want, name)) conf_pass(s);
    else conf_fail(s, name, "seed \"%s\": %s", seed->u.str.s, c->err);
  }
  cv__arena_fini(&a);
}

/* The text of the object after "key": in text (up to its closing brace). */
static const char *entry(const char *text, const char *key) {
  char k[128];
  snprintf(k, sizeof k, "\"%s\"", key);
  const char *p = strstr(text, k);
  return p ? strchr(p, '{') : NULL;
}

/* Reads the numbers of the array after "key": inside obj. */
static size_t numbers(const char *obj, const char *key, double *out, size_t max) {
  char k[128];
  snprintf(k, sizeof k, "\"%s\"", key);
  const char *p = strstr(obj, k);
  const char *end = strchr(obj, '}');
  if (!p || (end && p > end) || !(p = strchr(p, '['))) return 0;
  size_t n = 0;
  for (p++; n < max && *p && *p != ']';) {
    char *e;
    double v = strtod(p, &e);
    if (e == p) break;
    out[n++] = v;
    p = e;
    while (*p == ',' || *p == ' ' || *p == '\n') p++;
  }
  return n;
}

/* The raw text of the scalar after "key": inside obj (quotes removed). */
static bool scalar(const char *obj, const char *key, char *out, size_t n) {
  char k[128];
  snprintf(k, sizeof k, "\"%s\"", key);
  const char *p = strstr(obj, k);
  if (!p) return false;
  p += strlen(k);
  while (*p == ':' || *p == ' ') p++;
  bool quoted = *p == '"';
  if (quoted) p++;
  size_t l = 0;
  while (p[l] && (quoted ? p[l] != '"' : (p[l] != ',' && p[l] != '}' && p[l] != ' '))) l++;
  if (l >= n) return false;
  memcpy(out, p, l);
  out[l] = '\0';
  return true;
}

static void run_prng_suite(struct ctx *c, const char *dir, struct conf_suite *s) {
  char path[4096], *text = NULL;
  size_t len;
  struct cv_error err = {0};
  snprintf(path, sizeof path, "%s/published-vectors.json", dir);
  if (cv__read_file(path, (size_t)16 << 20, &text, &len, &err) != CV_OK) {
    conf_fail(s, "published-vectors.json", "%s", err.message);
    return;
  }
  const char *cr = entry(text, "cryptorandom_sha256_prng");
  char seed[256];
  double want[16];
  size_t n = cr ? numbers(cr, "random_2", want, 16) : 0;
  if (!cr || !n || !scalar(cr, "seed", seed, sizeof seed)) {
    conf_fail(s, "cryptorandom_sha256_prng", "entry missing or malformed");
  } else {
    struct cv__arena a;
    cv__arena_init(&a, 0);
    char take[32];
    snprintf(take, sizeof take, "%zu", n);
    const char *args[] = {c->canvass, "sample", "--method", "cryptorandom", "--seed", seed,
                    "--output", "float", "--take", take, "--format", "text", NULL};
    char out[4096];
    snprintf(out, sizeof out, "%s/cryptorandom.txt", c->out);
    int rc = run_to(args, out);
    FILE *f = rc == 0 ? fopen(out, "r") : NULL;
    size_t bad = f ? 0 : n + 1, k = 0;
    char line[256];
    while (f && k < n && fgets(line, sizeof line, f)) {
      char *p = strchr(line, '.');
      double v = p ? strtod(p + 1, NULL) : -1;
      if (v != want[k] && !bad) bad = k + 1;
      k++;
    }
    if (f) fclose(f);
    if (k != n && !bad) bad = k + 1;
    if (!bad) conf_pass(s);
    else conf_fail(s, "cryptorandom_sha256_prng", "random() output %zu differs (exit %d)", bad, rc);
    cv__arena_fini(&a);
  }
  const char *rv = entry(text, "rivest_2011_sampler");
  char rseed[256], rmin[32], rmax[32], repl[16];
  double first[64];
  size_t m = rv ? numbers(rv, "first_47", first, 64) : 0;
  if (!rv || !m || !scalar(rv, "seed", rseed, sizeof rseed) || !scalar(rv, "min", rmin, sizeof rmin) ||
      !scalar(rv, "max", rmax, sizeof rmax) || !scalar(rv, "with_replacement", repl, sizeof repl)) {
    conf_fail(s, "rivest_2011_sampler", "entry missing or malformed");
  } else {
    long long w[64];
    for (size_t i = 0; i < m; i++) w[i] = (long long)first[i];
    c->err[0] = '\0';
    if (rivest_case(c, rseed, atoll(rmin), atoll(rmax), m, strcmp(repl, "false") == 0, w,
                    "coloradorla"))
      conf_pass(s);
    else
      conf_fail(s, "rivest_2011_sampler", "%s", c->err);
  }
  free(text);
}

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: conf_sampler TESTDATA CANVASS OUTDIR\n");
    return 64;
  }
  struct ctx c = {.canvass = argv[2], .out = argv[3]};
  char cmd[4200];
  snprintf(cmd, sizeof cmd, "mkdir -p '%s'", argv[3]);
  if (system(cmd) != 0) return fprintf(stderr, "cannot create %s\n", argv[3]), 73;
  struct conf_suite sampler = {"sampler", 0, 0}, prng = {"prng", 0, 0};
  int rc = 0;
  const char *dir = conf_testdata(argv[1], "sampler", "sampler");
  if (dir) {
    run_sampler_suite(&c, dir, &sampler);
    rc |= conf_report(&sampler);
  }
  dir = conf_testdata(argv[1], "rla", "prng");
  if (dir) {
    run_prng_suite(&c, dir, &prng);
    rc |= conf_report(&prng);
  }
  return rc;
}
