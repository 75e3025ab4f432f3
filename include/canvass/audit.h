/* canvass/audit.h: public random samplers for audits and lots.
 *
 * Three published SHA-256 samplers, each reproducing its reference
 * implementation bit for bit (docs/sampling.md states them normatively):
 *
 *   CV_SAMPLE_CONSISTENT   Rivest's consistent sampler as Arlo uses it: each id
 *                          gets a ticket number from SHA-256 of the seed's hex
 *                          digest followed by the id string; ids are drawn in
 *                          increasing ticket order, with or without replacement.
 *   CV_SAMPLE_RIVEST2011   Rivest's 2011 sampler (as ColoradoRLA uses it):
 *                          pick i = min + SHA-256("seed,i") mod (max - min + 1).
 *   CV_SAMPLE_CRYPTORANDOM SHANGRLA's PRNG (statlab cryptorandom): output k is
 *                          SHA-256("seed," followed by k zero bytes).
 *
 * Ownership: arguments are borrowed; a cv_sample or cv_ids returned through an
 * out-parameter belongs to the caller and is freed with its _free function
 * (which accepts NULL). Pointers read from a cv_sample stay valid until it is
 * freed. Functions never keep a pointer to their arguments. */
#ifndef CANVASS_AUDIT_H
#define CANVASS_AUDIT_H

#include "canvass/election.h"
#include "canvass/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Caps: beyond them functions fail with CV_ELIMIT and change nothing. */
#define CV_SAMPLE_MAX_SEED 4096          /* bytes in a seed */
#define CV_SAMPLE_MAX_ID 4096            /* bytes in one id string */
#define CV_SAMPLE_MAX_IDS 100000000u     /* ids in one list */
#define CV_SAMPLE_MAX_IDS_BYTES 0xFFFFFF00u /* bytes of ids in one list (4 GiB less 256) */
#define CV_SAMPLE_MAX_DRAWS 10000000u    /* drop + take */
#define CV_SAMPLE_MAX_DIGITS 1000u       /* significant digits of a ticket */

enum cv_sample_method {
  CV_SAMPLE_CONSISTENT = 1,
  CV_SAMPLE_RIVEST2011 = 2,
  CV_SAMPLE_CRYPTORANDOM = 3
};

/* What the cryptorandom method gives for each draw. */
enum cv_prng_output {
  CV_PRNG_INDEX = 0,   /* integers in min..max: randint (with replacement) or
                          sample_by_index (without), as cryptorandom draws them */
  CV_PRNG_FLOAT = 1,   /* random(): the 256-bit output times 2^-256, as a double */
  CV_PRNG_INTEGER = 2, /* the 256-bit output as an integer (SHANGRLA's sample_num) */
  CV_PRNG_HEX = 3      /* the raw 32-byte output in lowercase hex */
};

struct cv_sample_options {
  enum cv_sample_method method;
  const char *seed;         /* any UTF-8 string, hashed as given (no trimming) */
  size_t seed_len;
  uint64_t take;            /* draws to return, after the dropped ones */
  uint64_t drop;            /* draws of earlier rounds to skip first */
  bool without_replacement; /* default: with replacement */
  uint32_t digits;          /* consistent: significant digits kept after the
                               leading 9s of a ticket; 0 means 9 (the
                               reference's default; Arlo uses 18) */
  int64_t min, max;         /* rivest2011 and cryptorandom index: the range,
                               inclusive */
  enum cv_prng_output prng_output; /* cryptorandom only */
};

/* One draw. Fields that do not apply to the method are 0 or NULL. */
struct cv_draw {
  const char *ticket;  /* consistent: trimmed ticket number "0.ddd..." */
  const char *id;      /* consistent: the id string drawn (NUL-terminated) */
  size_t id_len;
  uint64_t id_index;   /* consistent: 0-based position of the id in the list */
  uint64_t generation; /* consistent: how often this id has been drawn so far,
                          this draw included (always 1 without replacement) */
  int64_t pick;        /* rivest2011, cryptorandom index: the number drawn */
  uint64_t counter;    /* rivest2011: the i of "seed,i" that gave the pick;
                          cryptorandom: the output number k used (0-based;
                          for index draws, the last output consumed) */
  double value;        /* cryptorandom float */
  const char *text;    /* cryptorandom integer (decimal) or hex */
};

typedef struct cv_ids cv_ids;
typedef struct cv_sample cv_sample;

/* A new empty id list. Returns CV_ENOMEM. */
CV_API cv_status cv_ids_new(cv_ids **out, struct cv_error *err);

/* Reads an id list: one id string per line, exactly the bytes hashed (a final
 * "\r" before "\n" is part of the line ending, not of the id). Empty lines,
 * NUL bytes and invalid UTF-8 are errors naming name:line (name may be NULL);
 * repeated ids are found, by line, when the sample is drawn. */
CV_API cv_status cv_ids_parse(const char *data, size_t len, const char *name, cv_ids **out,
                              struct cv_error *err);
/* The same from a file, which is mapped rather than copied when it is a
 * regular file (it must not change while the list lives); CV_ENOENT/CV_EIO
 * when it cannot be read. */
CV_API cv_status cv_ids_load(const char *path, cv_ids **out, struct cv_error *err);

/* Appends one id (copied) to a list made by cv_ids_new (a list read from a
 * file is refused). Duplicates are found when the sample is drawn.
 * CV_EINVAL for an empty id, NUL, newline or invalid UTF-8; CV_ELIMIT. */
CV_API cv_status cv_ids_add(cv_ids *ids, const char *id, size_t len, struct cv_error *err);

/* Appends the id Arlo hashes for ballot `position` of a batch: the Python
 * rendering of ((jurisdiction, tabulator, batch), position), where a NULL
 * tabulator renders as None. CV_EINVAL when a name holds a character whose
 * Python rendering is not pinned down (see docs/sampling.md). */
CV_API cv_status cv_ids_add_arlo(cv_ids *ids, const char *jurisdiction, const char *tabulator,
                                 const char *batch, uint64_t position, struct cv_error *err);

/* The number of ids (0 for NULL). */
CV_API size_t cv_ids_count(const cv_ids *ids);
/* The i-th id and its length in bytes (not NUL-terminated: it points into
 * the list, which may be a mapped file); NULL when i is out of range. */
CV_API const char *cv_ids_get(const cv_ids *ids, size_t i, size_t *len);
/* Frees the list. Accepts NULL. */
CV_API void cv_ids_free(cv_ids *ids);

/* Draws a sample. ids is required by the consistent method and ignored by the
 * others. Errors: CV_EINVAL (bad options, duplicate ids: the first repeated
 * one is named; a rivest2011 or cryptorandom sample without replacement
 * larger than the range), CV_ELIMIT, CV_ENOMEM. The consistent sampler
 * without replacement, like its reference, stops when every id has been
 * drawn: the sample may then hold fewer than take draws. May use a second
 * thread for long id lists; the draws never depend on it. */
CV_API cv_status cv_sample_draw(const struct cv_sample_options *opt, const cv_ids *ids,
                                cv_sample **out, struct cv_error *err);

/* The number of draws (0 for NULL). */
CV_API size_t cv_sample_count(const cv_sample *s);
/* The i-th draw, or NULL when i is out of range. */
CV_API const struct cv_draw *cv_sample_get(const cv_sample *s, size_t i);

/* Renders a sample. JSON: consistent [[ticket, id, generation], ...];
 * rivest2011 and cryptorandom index [pick, ...]; cryptorandom float
 * [value, ...] (shortest round-trip form), integer and hex ["...", ...].
 * CV_FORMAT_TEXT: one numbered line per draw; CV_FORMAT_CSV is CV_EINVAL.
 * *out is NUL-terminated and freed with cv_free. */
CV_API cv_status cv_sample_render(const cv_sample *s, enum cv_format format, char **out, size_t *len,
                                  struct cv_error *err);
/* Frees the sample and the strings its draws point to. Accepts NULL. */
CV_API void cv_sample_free(cv_sample *s);

/* True when a seed is what the rules ask of a public seed: at least 20
 * characters, all decimal digits (dice rolled in public). */
CV_API bool cv_sample_seed_ok(const char *seed, size_t len);

#ifdef __cplusplus
}
#endif
#endif
