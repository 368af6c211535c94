/* hpcrun MPI kernels: the timed steps (one step = one sample) and the median CI. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hk.h"

enum { TAG_DATA = 100, TAG_ACK = 101 };

const char *hk_kind_name(hk_kind kind) {
  switch (kind) {
    case HK_LATENCY: return "latency";
    case HK_BW: return "bw";
    case HK_BIBW: return "bibw";
    case HK_MBW: return "mbw";
  }
  return "?";
}

const char *hk_kind_unit(hk_kind kind) { return kind == HK_LATENCY ? "us" : "MB/s"; }

/* Ping-pong: rank 0 times one round trip; latency is half of it, in microseconds. */
static double step_latency(const hk_ctx *c, long bytes) {
  int n = (int)bytes;
  if (!c->active) return 0.0;
  if (c->sender) {
    double t0 = MPI_Wtime();
    MPI_Send(c->sbuf, n, MPI_CHAR, c->peer, TAG_DATA, MPI_COMM_WORLD);
    MPI_Recv(c->rbuf, n, MPI_CHAR, c->peer, TAG_DATA, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    return (MPI_Wtime() - t0) * 1e6 / 2.0;
  }
  MPI_Recv(c->rbuf, n, MPI_CHAR, c->peer, TAG_DATA, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  MPI_Send(c->sbuf, n, MPI_CHAR, c->peer, TAG_DATA, MPI_COMM_WORLD);
  return 0.0;
}

/* osu_bw: a window of MPI_Isend, the receiver's window of MPI_Irecv, then a
 * small acknowledgement. Returns the seconds the sender spent, 0 elsewhere. */
static double window_oneway(const hk_ctx *c, long bytes, long window) {
  int n = (int)bytes, w = (int)window;
  char ack[4] = {0};
  if (c->sender) {
    double t0 = MPI_Wtime();
    for (int j = 0; j < w; j++)
      MPI_Isend(c->sbuf, n, MPI_CHAR, c->peer, TAG_DATA, MPI_COMM_WORLD, &c->reqs[j]);
    MPI_Waitall(w, c->reqs, MPI_STATUSES_IGNORE);
    MPI_Recv(ack, 4, MPI_CHAR, c->peer, TAG_ACK, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    return MPI_Wtime() - t0;
  }
  for (int j = 0; j < w; j++)
    MPI_Irecv(c->rbuf, n, MPI_CHAR, c->peer, TAG_DATA, MPI_COMM_WORLD, &c->reqs[j]);
  MPI_Waitall(w, c->reqs, MPI_STATUSES_IGNORE);
  MPI_Send(ack, 4, MPI_CHAR, c->peer, TAG_ACK, MPI_COMM_WORLD);
  return 0.0;
}

/* osu_bibw: both sides post a window of receives and a window of sends. */
static double window_bidir(const hk_ctx *c, long bytes, long window) {
  int n = (int)bytes, w = (int)window;
  double t0 = MPI_Wtime();
  for (int j = 0; j < w; j++)
    MPI_Irecv(c->rbuf, n, MPI_CHAR, c->peer, TAG_DATA, MPI_COMM_WORLD, &c->reqs[j]);
  for (int j = 0; j < w; j++)
    MPI_Isend(c->sbuf, n, MPI_CHAR, c->peer, TAG_DATA, MPI_COMM_WORLD, &c->reqs[w + j]);
  MPI_Waitall(2 * w, c->reqs, MPI_STATUSES_IGNORE);
  return MPI_Wtime() - t0;
}

double hk_step(hk_kind kind, const hk_ctx *c, long bytes, long window, double *rate) {
  double t, tmax = 0.0, mb = (double)bytes * (double)window / 1e6;
  *rate = 0.0;
  switch (kind) {
    case HK_LATENCY:
      return step_latency(c, bytes);
    case HK_BW:
      if (!c->active) return 0.0;
      t = window_oneway(c, bytes, window);
      return c->rank == 0 ? mb / t : 0.0;
    case HK_BIBW:
      if (!c->active) return 0.0;
      t = window_bidir(c, bytes, window);
      return c->rank == 0 ? 2.0 * mb / t : 0.0;
    case HK_MBW:
      /* osu_mbw_mr: every pair streams a window at once. The aggregate uses
       * the slowest pair's time, so it never overstates the throughput. */
      MPI_Barrier(MPI_COMM_WORLD);
      t = window_oneway(c, bytes, window);
      MPI_Reduce(&t, &tmax, 1, MPI_DOUBLE, MPI_MAX, 0, MPI_COMM_WORLD);
      if (c->rank != 0) return 0.0;
      *rate = (double)c->half * (double)window / tmax;
      return (double)c->half * mb / tmax;
  }
  return 0.0;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Merges m new samples into the sorted prefix sorted[0..n); sorted has room
 * for n + m. Sorting only the new batch keeps each check O(n + m log m). */
void hk_sorted_add(double *sorted, long n, const double *add, long m) {
  double *tail = sorted + n;
  memcpy(tail, add, (size_t)m * sizeof(double));
  qsort(tail, (size_t)m, sizeof(double), cmp_double);
  long i = n - 1, j = m - 1, k = n + m - 1;
  double *b = malloc((size_t)(m > 0 ? m : 1) * sizeof(double));
  if (!b) { qsort(sorted, (size_t)(n + m), sizeof(double), cmp_double); return; }
  memcpy(b, tail, (size_t)m * sizeof(double));
  while (j >= 0) sorted[k--] = (i >= 0 && sorted[i] > b[j]) ? sorted[i--] : b[j--];
  free(b);
}

/* Hoefler & Belli (SC15): ranks ceil((n - 1.96 sqrt n)/2) and
 * ceil(1 + (n + 1.96 sqrt n)/2), 1-based, of the sorted samples. */
int hk_median_ci(const double *s, long n, double *median, double *lo, double *hi) {
  if (n <= 5) return 0;
  double z = 1.96 * sqrt((double)n);
  long l = (long)ceil(((double)n - z) / 2.0), h = (long)ceil(1.0 + ((double)n + z) / 2.0);
  if (l < 1) l = 1;
  if (h > n) h = n;
  *median = n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2.0;
  *lo = s[l - 1];
  *hi = s[h - 1];
  return 1;
}
