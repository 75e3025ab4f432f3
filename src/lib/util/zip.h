/* util/zip.h: reading entries of a zip archive held in memory.
 *
 * cv__zip_open reads the central directory and checks every entry's local
 * header: names match, data lies inside the archive before the central
 * directory, and no two entries share bytes (the "overlapping files" zip
 * bomb). Entries are stored (method 0) or deflated (method 8, inflated with
 * zlib). Refused, with an error naming the archive and the entry: ZIP64,
 * archives split over several disks, encrypted entries, other methods,
 * repeated names, an uncompressed size above the cap, and a compression
 * ratio above the cap (for entries over 1 MiB). While inflating, the output
 * may never exceed the declared size, and at the end its size and CRC-32
 * must match the directory.
 *
 * The archive's bytes are borrowed and must outlive the cv__zip and every
 * reader opened on it. */
#ifndef CV_UTIL_ZIP_H
#define CV_UTIL_ZIP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "canvass/status.h"
#include "util/strmap.h"

struct cv__zip_limits {
  uint64_t max_entry;   /* uncompressed bytes of one entry; 0: 1 GiB */
  uint32_t max_ratio;   /* uncompressed / compressed for entries > 1 MiB; 0: 1100
                         * (deflate cannot pass ~1032:1, so this refuses sizes
                         * that the data cannot hold before inflating) */
  size_t max_entries;   /* entries in the archive; 0: 65,535 */
};

struct cv__zip_entry {
  char *name;           /* NUL-terminated, as stored */
  uint64_t header;      /* offset of the local header */
  uint64_t data;        /* offset of the entry's data */
  uint64_t comp_size, size;
  uint32_t crc;
  uint16_t method, flags;
};

struct cv__zip {
  const unsigned char *data;
  size_t len;
  const char *file;     /* names the archive in errors */
  struct cv__zip_limits lim;
  struct cv__zip_entry *entries;
  size_t n;
  struct cv__strmap by_name;
};

/* Reads the directory of data[0..len). On error nothing needs closing. */
cv_status cv__zip_open(struct cv__zip *z, const void *data, size_t len, const char *file,
                       const struct cv__zip_limits *limits, struct cv_error *err);
void cv__zip_close(struct cv__zip *z);

/* The entry with exactly this name, or NULL. */
const struct cv__zip_entry *cv__zip_find(const struct cv__zip *z, const char *name);

/* A stream of one entry's uncompressed bytes. */
struct cv__zip_reader;

/* Opens entry e of z for reading. With read_ahead, a second thread inflates
 * ahead of the reader (worth it for large entries on a machine with a spare
 * core). Refuses encrypted entries and unknown methods. */
cv_status cv__zip_reader_open(struct cv__zip_reader **out, const struct cv__zip *z,
                              const struct cv__zip_entry *e, bool read_ahead,
                              struct cv_error *err);
/* Reads up to cap bytes; *got is 0 at the end, after the size and CRC-32
 * have been checked. The signature fits cv__xml_read_fn (ud is the reader). */
cv_status cv__zip_reader_read(void *reader, char *buf, size_t cap, size_t *got,
                              struct cv_error *err);
/* Accepts NULL. Stops the read-ahead thread if one runs. */
void cv__zip_reader_close(struct cv__zip_reader *r);

/* Inflates a whole entry into a new NUL-terminated buffer (free with
 * cv__free); for the small parts of a workbook. */
cv_status cv__zip_extract(const struct cv__zip *z, const struct cv__zip_entry *e, char **out,
                          size_t *len, struct cv_error *err);

#endif
