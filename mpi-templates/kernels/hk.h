/* hpcrun MPI kernels: shared declarations. See README.md for the output format. */
#ifndef HK_H
#define HK_H

#include <stddef.h>
#include <mpi.h>

#define HK_FORMAT_VERSION 1
#define HK_MAX_SIZES 64
#define HK_MAX_KINDS 4
#define HK_MAX_BYTES (1L << 30)
#define HK_MAX_SAMPLES 10000000L
#define HK_SMALL_LIMIT 8192 /* OSU's boundary between small and large messages */

typedef enum { HK_LATENCY = 0, HK_BW, HK_BIBW, HK_MBW } hk_kind;

typedef enum { HK_CONTINUE = 0, HK_STOP_CI, HK_STOP_CAP, HK_STOP_TIME } hk_stop;

typedef struct {
  hk_kind kinds[HK_MAX_KINDS];
  int nkinds;
  long sizes[HK_MAX_SIZES];
  int nsizes;
  long warmup;      /* -1: OSU default for the kind and size */
  long max_samples; /* -1: OSU default for the kind and size */
  long batch;       /* 0: default for the kind */
  long window;      /* messages per window for the bandwidth kinds */
  double target_ci; /* relative half-width, 0 = no adaptive stopping */
  double max_time;  /* seconds per size, 0 = no limit */
} hk_options;

/* Who does what in one run. Ranks [0, half) are senders, [half, 2*half) receivers. */
typedef struct {
  int rank, size, half;
  int active; /* takes part in the point-to-point traffic of this kind */
  int sender; /* rank < half */
  int peer;
  char *sbuf, *rbuf;
  MPI_Request *reqs;
} hk_ctx;

/* One step = one sample. Returns the sample on rank 0 (us or MB/s), and for
 * HK_MBW also stores the message rate in *rate. Other ranks get 0. */
double hk_step(hk_kind kind, const hk_ctx *c, long bytes, long window, double *rate);

const char *hk_kind_name(hk_kind kind);
const char *hk_kind_unit(hk_kind kind);

/* Merges m samples into the sorted array sorted[0..n) (room for n + m). */
void hk_sorted_add(double *sorted, long n, const double *add, long m);

/* Median and its nonparametric 95% CI from sorted samples. Returns 0 if n <= 5. */
int hk_median_ci(const double *sorted, long n, double *median, double *lo, double *hi);

int hk_parse_args(int argc, char **argv, hk_options *o, char *err, size_t errlen);

#endif
