/* hpcrun MPI kernels: driver, adaptive stopping and output (README.md). */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hk.h"

static const char *USAGE =
    "usage: mpirun -np 2K hpcrun-kernels --kind latency|bw|bibw|mbw[,...] --sizes B[,B...]\n"
    "       [--warmup W] [--max-samples N] [--batch B] [--target-ci F] [--max-time S]\n"
    "       [--window W]\n";

static const char *STOP_NAMES[] = {"continue", "ci", "cap", "time"};

/* Replaces control characters so a value fits on one output line. */
static void one_line(char *s) {
  for (; *s; s++)
    if ((unsigned char)*s < 32) *s = ' ';
  for (long n = (long)strlen(s) - 1; n >= 0 && s[n] == ' '; n--) s[n] = '\0';
}

/* Smallest nonzero step of MPI_Wtime seen over many tries, in seconds. */
static double measured_resolution(void) {
  double best = 1.0;
  for (int i = 0; i < 1000; i++) {
    double t0 = MPI_Wtime(), t1;
    while ((t1 = MPI_Wtime()) == t0) {}
    if (t1 - t0 < best) best = t1 - t0;
  }
  return best;
}

static void print_header(const hk_ctx *c, const hk_options *o) {
  char lib[MPI_MAX_LIBRARY_VERSION_STRING], name[MPI_MAX_PROCESSOR_NAME] = {0};
  int len, major, minor;
  char *names = c->rank == 0 ? calloc((size_t)c->size, MPI_MAX_PROCESSOR_NAME) : NULL;
  MPI_Get_processor_name(name, &len);
  MPI_Gather(name, MPI_MAX_PROCESSOR_NAME, MPI_CHAR, names, MPI_MAX_PROCESSOR_NAME, MPI_CHAR,
             0, MPI_COMM_WORLD);
  double res = measured_resolution();
  if (c->rank != 0) return;
  MPI_Get_library_version(lib, &len);
  one_line(lib);
  MPI_Get_version(&major, &minor);
  printf("hpcrun-kernels %d\n", HK_FORMAT_VERSION);
  printf("meta mpi_library %s\n", lib);
  printf("meta mpi_version %d.%d\n", major, minor);
  printf("meta ranks %d\n", c->size);
  printf("meta wtick_us %.6g\n", MPI_Wtick() * 1e6);
  printf("meta timer_resolution_us %.6g\n", res * 1e6);
  printf("meta target_ci %.6g\n", o->target_ci);
  printf("meta max_time_s %.6g\n", o->max_time);
  for (int r = 0; r < c->size; r++) {
    char *h = names + (size_t)r * MPI_MAX_PROCESSOR_NAME;
    h[MPI_MAX_PROCESSOR_NAME - 1] = '\0';
    for (char *p = h; *p; p++)
      if (*p == ' ' || (unsigned char)*p < 32) *p = '_';
    printf("host %d %s\n", r, h);
  }
  free(names);
  fflush(stdout);
}

static void print_series(hk_kind kind, long bytes, const char *unit, const double *v, long n,
                         const char *fmt) {
  for (long i = 0; i < n; i += 1000) {
    long m = n - i < 1000 ? n - i : 1000;
    printf("samples %s %ld %s %ld", hk_kind_name(kind), bytes, unit, m);
    for (long j = 0; j < m; j++) printf(fmt, v[i + j]);
    putchar('\n');
  }
}

/* Runs one kind at one size: warm-up, then batches until a stop rule fires. */
static void run_one(hk_kind kind, long bytes, const hk_options *o, hk_ctx *c, double *v,
                    double *rate, double *scratch) {
  int small = bytes <= HK_SMALL_LIMIT, lat = kind == HK_LATENCY;
  long warmup = o->warmup >= 0 ? o->warmup : lat ? (small ? 100 : 10) : (small ? 10 : 2);
  long max = o->max_samples > 0 ? o->max_samples : lat ? (small ? 10000 : 1000) : (small ? 100 : 20);
  long batch = o->batch > 0 ? o->batch : lat ? 100 : 10;
  long window = lat ? 1 : o->window, n = 0;
  double r, median = 0, lo = 0, hi = 0;
  int stop = HK_CONTINUE, have_ci = 0;

  if (c->rank == 0)
    printf("run %s %ld warmup=%ld max_samples=%ld batch=%ld window=%ld pairs=%d\n",
           hk_kind_name(kind), bytes, warmup, max, batch, window, kind == HK_MBW ? c->half : 1);
  MPI_Barrier(MPI_COMM_WORLD);
  double w0 = MPI_Wtime();
  for (long i = 0; i < warmup; i++) hk_step(kind, c, bytes, window, &r);
  MPI_Barrier(MPI_COMM_WORLD);
  double t0 = MPI_Wtime();
  while (stop == HK_CONTINUE) {
    long m = max - n < batch ? max - n : batch;
    for (long i = 0; i < m; i++) v[n + i] = hk_step(kind, c, bytes, window, &rate[n + i]);
    if (c->rank == 0) hk_sorted_add(scratch, n, v + n, m);
    n += m;
    if (c->rank == 0) {
      have_ci = hk_median_ci(scratch, n, &median, &lo, &hi);
      if (o->target_ci > 0 && have_ci && lo >= median * (1 - o->target_ci) &&
          hi <= median * (1 + o->target_ci))
        stop = HK_STOP_CI;
      else if (n >= max) stop = HK_STOP_CAP;
      else if (o->max_time > 0 && MPI_Wtime() - t0 >= o->max_time) stop = HK_STOP_TIME;
    }
    MPI_Bcast(&stop, 1, MPI_INT, 0, MPI_COMM_WORLD);
  }
  double t1 = MPI_Wtime();
  if (c->rank != 0) return;
  print_series(kind, bytes, hk_kind_unit(kind), v, n, lat ? " %.4f" : " %.3f");
  if (kind == HK_MBW) print_series(kind, bytes, "msg/s", rate, n, " %.1f");
  printf("stop %s %ld reason=%s n=%ld", hk_kind_name(kind), bytes, STOP_NAMES[stop], n);
  if (have_ci) printf(" median=%.6g ci_low=%.6g ci_high=%.6g", median, lo, hi);
  printf(" warmup_s=%.6f elapsed_s=%.6f\n", t0 - w0, t1 - t0);
  fflush(stdout);
}

int main(int argc, char **argv) {
  hk_options o;
  hk_ctx c = {0};
  char err[512];
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &c.rank);
  MPI_Comm_size(MPI_COMM_WORLD, &c.size);
  int ok = hk_parse_args(argc, argv, &o, err, sizeof err);
  if (ok && (c.size < 2 || c.size % 2)) {
    snprintf(err, sizeof err, "needs an even number of ranks, at least 2 (got %d)", c.size);
    ok = 0;
  }
  if (!ok) {
    if (c.rank == 0) fprintf(stderr, "hpcrun-kernels: error: %s\n%s", err, USAGE);
    MPI_Finalize();
    return 2;
  }
  c.half = c.size / 2;
  c.sender = c.rank < c.half;
  c.peer = c.sender ? c.rank + c.half : c.rank - c.half;

  long maxbytes = 1, maxn = 1;
  for (int s = 0; s < o.nsizes; s++)
    if (o.sizes[s] > maxbytes) maxbytes = o.sizes[s];
  maxn = o.max_samples > 0 ? o.max_samples : 10000;
  c.sbuf = malloc((size_t)maxbytes);
  c.rbuf = malloc((size_t)maxbytes);
  c.reqs = malloc(2 * (size_t)o.window * sizeof(MPI_Request));
  double *v = malloc((size_t)maxn * sizeof(double)), *rate = malloc((size_t)maxn * sizeof(double));
  double *scratch = malloc((size_t)maxn * sizeof(double));
  if (!c.sbuf || !c.rbuf || !c.reqs || !v || !rate || !scratch) {
    fprintf(stderr, "hpcrun-kernels: error: out of memory on rank %d\n", c.rank);
    MPI_Abort(MPI_COMM_WORLD, 3);
  }
  memset(c.sbuf, 'a', (size_t)maxbytes);
  memset(c.rbuf, 'b', (size_t)maxbytes);

  print_header(&c, &o);
  for (int k = 0; k < o.nkinds; k++) {
    /* latency, bw and bibw use one pair: rank 0 and rank size/2, which sit on
     * different nodes when ranks are placed in blocks. mbw uses every pair. */
    c.active = o.kinds[k] == HK_MBW || c.rank == 0 || c.rank == c.half;
    for (int s = 0; s < o.nsizes; s++) run_one(o.kinds[k], o.sizes[s], &o, &c, v, rate, scratch);
  }
  if (c.rank == 0) printf("end\n");
  free(c.sbuf), free(c.rbuf), free(c.reqs), free(v), free(rate), free(scratch);
  MPI_Finalize();
  return 0;
}
