#include "record/journal.h"

#include <stdio.h>
#include <string.h>

#include "util/error.h"

void cv__chain_init(struct cv__chain *c) { memset(c, 0, sizeof *c); }

static const char *where_of(char *buf, size_t n, const struct cv__chain *c) {
  snprintf(buf, n, "event %llu", (unsigned long long)(c->seq + 1));
  return buf;
}

bool cv__time_valid(const char *s) {
  static const char pat[] = "dddd-dd-ddTdd:dd:ddZ";
  if (strlen(s) != sizeof pat - 1) return false;
  for (size_t i = 0; pat[i]; i++) {
    if (pat[i] == 'd') {
      if (s[i] < '0' || s[i] > '9') return false;
    } else if (s[i] != pat[i]) {
      return false;
    }
  }
  int mon = (s[5] - '0') * 10 + s[6] - '0', day = (s[8] - '0') * 10 + s[9] - '0';
  int hh = (s[11] - '0') * 10 + s[12] - '0', mm = (s[14] - '0') * 10 + s[15] - '0';
  int ss = (s[17] - '0') * 10 + s[18] - '0';
  return mon >= 1 && mon <= 12 && day >= 1 && day <= 31 && hh < 24 && mm < 60 && ss < 61;
}

cv_status cv__event_encode(struct cv__buf *out, const struct cv__chain *c, const char *time,
                           const char *actor, const char *type, const char *data, size_t data_len) {
  char prev[CV__SHA256_HEX];
  cv__hex(c->head, CV__SHA256_LEN, prev);
  cv__buf_adds(out, "{\"actor\":");
  cv__json_escape(out, actor, strlen(actor));
  cv__buf_adds(out, ",\"data\":");
  cv__buf_add(out, data, data_len);
  cv__buf_adds(out, ",\"prev\":\"");
  cv__buf_adds(out, prev);
  cv__buf_adds(out, "\",\"seq\":");
  cv__buf_addu(out, c->seq + 1);
  cv__buf_adds(out, ",\"time\":");
  cv__json_escape(out, time, strlen(time));
  cv__buf_adds(out, ",\"type\":");
  cv__json_escape(out, type, strlen(type));
  return cv__buf_addc(out, '}');
}

static const char *const ENVELOPE_KEYS[] = {"actor", "data", "prev", "seq", "time", "type", NULL};

cv_status cv__event_next(struct cv__chain *c, struct cv__arena *a, const char *bytes, size_t len,
                         const char *file, uint32_t line, struct cv__event *ev,
                         struct cv_error *err) {
  return cv__event_next_hashed(c, a, bytes, len, NULL, file, line, ev, err);
}

cv_status cv__event_next_hashed(struct cv__chain *c, struct cv__arena *a, const char *bytes,
                                size_t len, const uint8_t *hash, const char *file, uint32_t line,
                                struct cv__event *ev, struct cv_error *err) {
  /* Named in errors only; formatted here because errors are rare and cheap to
   * reach, while formatting it per event is not. */
#define WHERE where_of(where, sizeof where, c)
  char where[48];
  if (len > CV__MAX_EVENT_BYTES)
    return cv__fail(err, CV_ELIMIT, file, line, 0, WHERE, "event larger than %zu bytes",
                    CV__MAX_EVENT_BYTES);
  struct cv__jval *root;
  struct cv_error perr = {0};
  cv_status s = cv__json_parse(a, bytes, len, CV__JSON_CANONICAL, NULL, NULL, &root, &perr);
  if (s != CV_OK)
    return cv__fail(err, s == CV_ENOMEM ? s : CV_EVERIFY, file, line, line ? perr.column : 0, WHERE,
                    "%s (column %u)", perr.message, (unsigned)perr.column);
  if (root->kind != CV__J_OBJ)
    return cv__fail(err, CV_EVERIFY, file, line, 0, WHERE, "an event must be a JSON object");
  for (size_t i = 0; i < root->u.obj.n; i++) {
    bool ok = false;
    for (const char *const *k = ENVELOPE_KEYS; *k; k++)
      if (strcmp(*k, root->u.obj.members[i].key) == 0) ok = true;
    if (!ok)
      return cv__fail(err, CV_EVERIFY, file, line, 0, WHERE, "unknown envelope field \"%s\"",
                      root->u.obj.members[i].key);
  }
  const struct cv__jval *actor = cv__json_get(root, "actor"), *data = cv__json_get(root, "data"),
                        *prev = cv__json_get(root, "prev"), *seq = cv__json_get(root, "seq"),
                        *time = cv__json_get(root, "time"), *type = cv__json_get(root, "type");
  if (!actor || actor->kind != CV__J_STR || !data || data->kind != CV__J_OBJ || !prev ||
      prev->kind != CV__J_STR || !seq || seq->kind != CV__J_INT || !time ||
      time->kind != CV__J_STR || !type || type->kind != CV__J_STR)
    return cv__fail(err, CV_EVERIFY, file, line, 0, WHERE,
                    "envelope must have actor, data, prev, seq, time and type of the right types");
  if (seq->u.i < 1 || (uint64_t)seq->u.i != c->seq + 1)
    return cv__fail(err, CV_EVERIFY, file, line, 0, WHERE, "sequence number %lld, expected %llu",
                    (long long)seq->u.i, (unsigned long long)(c->seq + 1));
  /* Compare as text: the previous hash in hex must be exactly prev. */
  char want[CV__SHA256_HEX];
  cv__hex(c->head, CV__SHA256_LEN, want);
  if (prev->u.str.len != 64 || memcmp(prev->u.str.s, want, 64) != 0) {
    uint8_t p[CV__SHA256_LEN];
    if (!cv__unhex32(prev->u.str.s, prev->u.str.len, p))
      return cv__fail(err, CV_EVERIFY, file, line, 0, WHERE, "prev is not 64 lowercase hex digits");
    return cv__fail(err, CV_EVERIFY, file, line, 0, WHERE,
                    "chain broken: prev is %.64s but the previous event hashes to %s", prev->u.str.s,
                    want);
  }
  if (!cv__time_valid(time->u.str.s))
    return cv__fail(err, CV_EVERIFY, file, line, 0, WHERE, "time \"%.40s\" is not YYYY-MM-DDTHH:MM:SSZ",
                    time->u.str.s);
  if (actor->u.str.len == 0 || actor->u.str.len > CV__MAX_ACTOR)
    return cv__fail(err, CV_EVERIFY, file, line, 0, WHERE, "actor must be 1 to %u bytes", CV__MAX_ACTOR);
  ev->seq = (uint64_t)seq->u.i;
  ev->type = type->u.str.s;
  ev->time = time->u.str.s;
  ev->actor = actor->u.str.s;
  ev->data = data;
  memcpy(ev->prev, c->head, CV__SHA256_LEN);
  if (hash)
    memcpy(ev->hash, hash, CV__SHA256_LEN);
  else
    cv__sha256(bytes, len, ev->hash);
  c->seq = ev->seq;
  memcpy(c->head, ev->hash, CV__SHA256_LEN);
  size_t tl = strlen(ev->time);
  memcpy(c->last_time, ev->time, tl + 1); /* checked: 20 bytes */
  return CV_OK;
#undef WHERE
}
