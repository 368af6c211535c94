/* hpcrun MPI kernels: command-line arguments. Every rank parses the same argv,
 * so all ranks agree on the outcome without communicating. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hk.h"

static int parse_long(const char *s, long min, long max, long *out) {
  char *end;
  errno = 0;
  long v = strtol(s, &end, 10);
  if (errno || end == s || *end != '\0' || v < min || v > max) return 0;
  *out = v;
  return 1;
}

static int parse_double(const char *s, double min, double max, double *out) {
  char *end;
  errno = 0;
  double v = strtod(s, &end);
  if (errno || end == s || *end != '\0' || !(v >= min && v <= max)) return 0;
  *out = v;
  return 1;
}

static int parse_kind(const char *s, hk_kind *k) {
  const hk_kind all[] = {HK_LATENCY, HK_BW, HK_BIBW, HK_MBW};
  for (int i = 0; i < 4; i++)
    if (strcmp(s, hk_kind_name(all[i])) == 0) return *k = all[i], 1;
  return 0;
}

/* Splits a comma list in place and calls item() on each element; an empty
 * list or an empty element (leading, trailing or doubled comma) fails. */
static int each_item(char *list, int (*item)(const char *, hk_options *), hk_options *o) {
  for (char *p = list;;) {
    char *comma = strchr(p, ',');
    if (comma) *comma = '\0';
    if (*p == '\0' || !item(p, o)) return 0;
    if (!comma) return 1;
    p = comma + 1;
  }
}

static int add_kind(const char *s, hk_options *o) {
  hk_kind k;
  if (o->nkinds >= HK_MAX_KINDS || !parse_kind(s, &k)) return 0;
  for (int i = 0; i < o->nkinds; i++)
    if (o->kinds[i] == k) return 0;
  o->kinds[o->nkinds++] = k;
  return 1;
}

static int add_size(const char *s, hk_options *o) {
  long v;
  if (o->nsizes >= HK_MAX_SIZES || !parse_long(s, 0, HK_MAX_BYTES, &v)) return 0;
  o->sizes[o->nsizes++] = v;
  return 1;
}

#define FAIL(...) return snprintf(err, errlen, __VA_ARGS__), 0

int hk_parse_args(int argc, char **argv, hk_options *o, char *err, size_t errlen) {
  *o = (hk_options){.warmup = -1, .max_samples = -1, .window = 64};
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (i + 1 >= argc) FAIL("%s needs a value", a);
    char *v = argv[++i];
    char copy[4096];
    if (strlen(v) >= sizeof copy) FAIL("value of %s is too long", a);
    strcpy(copy, v);
    if (strcmp(a, "--kind") == 0) {
      if (!each_item(copy, add_kind, o))
        FAIL("--kind %s: expected a comma list of distinct latency, bw, bibw, mbw", v);
    } else if (strcmp(a, "--sizes") == 0) {
      if (!each_item(copy, add_size, o))
        FAIL("--sizes %s: expected up to %d byte counts from 0 to %ld", v, HK_MAX_SIZES,
             HK_MAX_BYTES);
    } else if (strcmp(a, "--warmup") == 0) {
      if (!parse_long(v, 0, HK_MAX_SAMPLES, &o->warmup)) FAIL("--warmup %s: expected 0 to %ld", v, HK_MAX_SAMPLES);
    } else if (strcmp(a, "--max-samples") == 0) {
      if (!parse_long(v, 1, HK_MAX_SAMPLES, &o->max_samples)) FAIL("--max-samples %s: expected 1 to %ld", v, HK_MAX_SAMPLES);
    } else if (strcmp(a, "--batch") == 0) {
      if (!parse_long(v, 1, HK_MAX_SAMPLES, &o->batch)) FAIL("--batch %s: expected 1 to %ld", v, HK_MAX_SAMPLES);
    } else if (strcmp(a, "--window") == 0) {
      if (!parse_long(v, 1, 4096, &o->window)) FAIL("--window %s: expected 1 to 4096", v);
    } else if (strcmp(a, "--target-ci") == 0) {
      if (!parse_double(v, 0.0, 1.0, &o->target_ci)) FAIL("--target-ci %s: expected a fraction from 0 to 1, e.g. 0.05", v);
    } else if (strcmp(a, "--max-time") == 0) {
      if (!parse_double(v, 0.0, 1e6, &o->max_time)) FAIL("--max-time %s: expected seconds from 0 to 1e6", v);
    } else {
      FAIL("unknown argument %s", a);
    }
  }
  if (o->nkinds == 0) FAIL("--kind is required");
  if (o->nsizes == 0) FAIL("--sizes is required");
  for (int k = 0; k < o->nkinds; k++)
    for (int s = 0; s < o->nsizes; s++)
      if (o->kinds[k] != HK_LATENCY && o->sizes[s] == 0)
        FAIL("--sizes: %s needs sizes of at least 1 byte", hk_kind_name(o->kinds[k]));
  return 1;
}
