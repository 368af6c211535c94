/* hpcrun halo mini-app: a Cartesian halo exchange, timed per step (README.md). */
#define _POSIX_C_SOURCE 200809L
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HALO_FORMAT_VERSION 2
#define MAX_DIMS 8
#define MAX_BYTES (1L << 30)
#define MAX_STEPS 10000000L

static const char *USAGE =
    "usage: mpirun -np N hpcrun-halo --grid AxB[xC...] --halo-bytes B [--periodic]\n"
    "       [--steps N] [--block K] [--warmup W] [--compute-us C]\n";

typedef struct {
  int ndims, dims[MAX_DIMS], periodic;
  long bytes, steps, block, warmup;
  double compute_us;
} options;

static int parse_long(const char *text, long min, long max, long *out) {
  char *end;
  if (!text || !*text) return 0;
  long v = strtol(text, &end, 10);
  if (*end || v < min || v > max) return 0;
  *out = v;
  return 1;
}

static int parse_grid(const char *text, options *o) {
  o->ndims = 0;
  if (!text || !*text) return 0;
  const char *p = text;
  while (*p) {
    char *end;
    long v = strtol(p, &end, 10);
    if (end == p || v < 1 || v > 1 << 24 || o->ndims == MAX_DIMS) return 0;
    o->dims[o->ndims++] = (int)v;
    if (*end == 'x') p = end + 1;
    else if (*end == '\0') p = end;
    else return 0;
    if (*end == 'x' && !*p) return 0;
  }
  return o->ndims > 0;
}

static int parse_args(int argc, char **argv, options *o, char *err, size_t n) {
  memset(o, 0, sizeof *o);
  o->steps = 100;
  o->block = 10;
  o->warmup = 10;
  o->bytes = -1;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (!strcmp(a, "--periodic")) {
      o->periodic = 1;
      continue;
    }
    if (!v) return snprintf(err, n, "%s needs a value", a), 0;
    i++;
    if (!strcmp(a, "--grid")) {
      if (!parse_grid(v, o)) return snprintf(err, n, "--grid %s: give extents such as 4x2 (at most %d)", v, MAX_DIMS), 0;
    } else if (!strcmp(a, "--halo-bytes")) {
      if (!parse_long(v, 1, MAX_BYTES, &o->bytes)) return snprintf(err, n, "--halo-bytes %s: a whole number from 1 to %ld", v, MAX_BYTES), 0;
    } else if (!strcmp(a, "--steps")) {
      if (!parse_long(v, 1, MAX_STEPS, &o->steps)) return snprintf(err, n, "--steps %s: a whole number from 1 to %ld", v, MAX_STEPS), 0;
    } else if (!strcmp(a, "--block")) {
      if (!parse_long(v, 1, MAX_STEPS, &o->block)) return snprintf(err, n, "--block %s: a whole number from 1 to %ld", v, MAX_STEPS), 0;
    } else if (!strcmp(a, "--warmup")) {
      if (!parse_long(v, 0, MAX_STEPS, &o->warmup)) return snprintf(err, n, "--warmup %s: a whole number from 0 to %ld", v, MAX_STEPS), 0;
    } else if (!strcmp(a, "--compute-us")) {
      char *end;
      o->compute_us = strtod(v, &end);
      if (*end || !(o->compute_us >= 0 && o->compute_us <= 1e9)) return snprintf(err, n, "--compute-us %s: a number of microseconds from 0 to 1e9", v), 0;
    } else {
      return snprintf(err, n, "unknown argument %s", a), 0;
    }
  }
  if (o->ndims == 0) return snprintf(err, n, "--grid is required"), 0;
  if (o->bytes < 0) return snprintf(err, n, "--halo-bytes is required"), 0;
  if (o->block > o->steps) return snprintf(err, n, "--block %ld: more than the %ld steps", o->block, o->steps), 0;
  return 1;
}

/* Busy-waits for us microseconds: the stand-in for a step's computation. */
static void spin(double us) {
  if (us <= 0) return;
  double until = MPI_Wtime() + us * 1e-6;
  while (MPI_Wtime() < until) {}
}

/* Blanks and control characters in a processor name become '_'. */
static void one_word(char *s) {
  for (; *s; s++)
    if (*s == ' ' || (unsigned char)*s < 32) *s = '_';
}

int main(int argc, char **argv) {
  options o;
  char err[512];
  int rank, size;
  MPI_Init(&argc, &argv);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  int ok = parse_args(argc, argv, &o, err, sizeof err);
  if (ok) {
    long total = 1;
    for (int d = 0; d < o.ndims; d++) total *= o.dims[d];
    if (total != size) {
      snprintf(err, sizeof err, "the grid has %ld ranks but mpirun started %d", total, size);
      ok = 0;
    }
  }
  if (!ok) {
    if (rank == 0) fprintf(stderr, "hpcrun-halo: error: %s\n%s", err, USAGE);
    MPI_Finalize();
    return 2;
  }

  /* Coordinates in the row-major grid (last dimension fastest), as
   * MPI_Cart_create numbers ranks without reorder. */
  int coords[MAX_DIMS], stride[MAX_DIMS];
  stride[o.ndims - 1] = 1;
  for (int d = o.ndims - 2; d >= 0; d--) stride[d] = stride[d + 1] * o.dims[d + 1];
  for (int d = 0, r = rank; d < o.ndims; d++) coords[d] = r / stride[d], r %= stride[d];

  /* One message to each neighbour per direction: an extent of 1 has none, a
   * periodic extent of 2 sends two messages to the same rank (as src/core/plan/grid.ts counts). */
  int peer[2 * MAX_DIMS], sendtag[2 * MAX_DIMS], recvtag[2 * MAX_DIMS], nmsg = 0;
  for (int d = 0; d < o.ndims; d++) {
    if (o.dims[d] < 2) continue;
    for (int dir = -1; dir <= 1; dir += 2) {
      int c = coords[d] + dir;
      if (c < 0 || c >= o.dims[d]) {
        if (!o.periodic) continue;
        c = (c + o.dims[d]) % o.dims[d];
      }
      peer[nmsg] = rank + (c - coords[d]) * stride[d];
      sendtag[nmsg] = 2 * d + (dir > 0);
      recvtag[nmsg] = 2 * d + (dir < 0); /* the neighbour sent it in the opposite direction */
      nmsg++;
    }
  }

  char *sbuf = malloc((size_t)o.bytes * (nmsg ? nmsg : 1));
  char *rbuf = malloc((size_t)o.bytes * (nmsg ? nmsg : 1));
  double *local = malloc((size_t)o.steps * sizeof(double));
  double *slowest = rank == 0 ? malloc((size_t)o.steps * sizeof(double)) : NULL;
  MPI_Request reqs[4 * MAX_DIMS];
  if (!sbuf || !rbuf || !local || (rank == 0 && !slowest)) {
    fprintf(stderr, "hpcrun-halo: error: out of memory on rank %d\n", rank);
    MPI_Abort(MPI_COMM_WORLD, 3);
  }
  memset(sbuf, 'a', (size_t)o.bytes * (nmsg ? nmsg : 1));
  memset(rbuf, 'b', (size_t)o.bytes * (nmsg ? nmsg : 1));

  /* Header, host and neighbour lines, from rank 0. */
  char name[MPI_MAX_PROCESSOR_NAME] = {0}, lib[MPI_MAX_LIBRARY_VERSION_STRING];
  int len, major, minor;
  MPI_Get_processor_name(name, &len);
  one_word(name);
  char line[MPI_MAX_PROCESSOR_NAME + 32 * MAX_DIMS + 16 * 2 * MAX_DIMS] = {0};
  int at = snprintf(line, sizeof line, "rank %d host=%s coords=", rank, name);
  for (int d = 0; d < o.ndims; d++) at += snprintf(line + at, sizeof line - (size_t)at, "%s%d", d ? "," : "", coords[d]);
  at += snprintf(line + at, sizeof line - (size_t)at, " neighbours=%s", nmsg ? "" : "-");
  for (int m = 0; m < nmsg; m++) at += snprintf(line + at, sizeof line - (size_t)at, "%s%d", m ? "," : "", peer[m]);
  char *lines = rank == 0 ? calloc((size_t)size, sizeof line) : NULL;
  MPI_Gather(line, (int)sizeof line, MPI_CHAR, lines, (int)sizeof line, MPI_CHAR, 0, MPI_COMM_WORLD);
  if (rank == 0) {
    MPI_Get_library_version(lib, &len);
    for (char *p = lib; *p; p++)
      if ((unsigned char)*p < 32) *p = ' ';
    for (long n = (long)strlen(lib) - 1; n >= 0 && lib[n] == ' '; n--) lib[n] = '\0';
    MPI_Get_version(&major, &minor);
    printf("hpcrun-halo %d\n", HALO_FORMAT_VERSION);
    printf("meta mpi_library %s\n", lib);
    printf("meta mpi_version %d.%d\n", major, minor);
    printf("meta ranks %d\n", size);
    printf("meta grid ");
    for (int d = 0; d < o.ndims; d++) printf("%s%d", d ? "x" : "", o.dims[d]);
    printf("\nmeta periodic %d\n", o.periodic);
    printf("meta halo_bytes %ld\n", o.bytes);
    printf("meta steps %ld\n", o.steps);
    printf("meta block %ld\n", o.block);
    printf("meta warmup %ld\n", o.warmup);
    printf("meta compute_us %.6g\n", o.compute_us);
    printf("meta wtick_us %.6g\n", MPI_Wtick() * 1e6);
    printf("meta timing back to back, no barrier; a sample is the slowest rank's mean step over a block of consecutive steps\n");
    for (int r = 0; r < size; r++) printf("%s\n", lines + (size_t)r * sizeof line);
    fflush(stdout);
    free(lines);
  }

  /* Steps run back to back, as a stencil code's do: no barrier between them,
   * so the ranks are held together only by their halos and the links never
   * sit idle between steps. One barrier starts the warm-up together. A rank's
   * step runs from the end of its previous step to the end of its Waitall:
   * the spin of --compute-us, a receive and a send per neighbour, and the
   * wait for all of them (and so any time spent waiting for a late neighbour). */
  MPI_Barrier(MPI_COMM_WORLD);
  double w0 = MPI_Wtime(), t0 = w0, a = w0;
  for (long s = -o.warmup; s < o.steps; s++) {
    if (s == 0) t0 = a;
    spin(o.compute_us);
    for (int m = 0; m < nmsg; m++)
      MPI_Irecv(rbuf + (size_t)m * o.bytes, (int)o.bytes, MPI_CHAR, peer[m], recvtag[m], MPI_COMM_WORLD, &reqs[m]);
    for (int m = 0; m < nmsg; m++)
      MPI_Isend(sbuf + (size_t)m * o.bytes, (int)o.bytes, MPI_CHAR, peer[m], sendtag[m], MPI_COMM_WORLD, &reqs[nmsg + m]);
    MPI_Waitall(2 * nmsg, reqs, MPI_STATUSES_IGNORE);
    double b = MPI_Wtime();
    if (s >= 0) local[s] = (b - a) * 1e6;
    a = b;
  }
  double t1 = a;
  /* A sample is a block of --block consecutive steps (steps left over after
   * the last whole block are run but not sampled): each rank's mean step over the block, and the slowest rank's of
   * those. Without a barrier a rank's single steps alternate long and short
   * as its neighbours' halos arrive early or late, so one step is not a
   * measure of the period; a block is. One reduction after the run. */
  long nblocks = o.steps / o.block;
  for (long j = 0; j < nblocks; j++) {
    double sum = 0;
    for (long i = j * o.block; i < (j + 1) * o.block; i++) sum += local[i];
    local[j] = sum / (double)o.block;
  }
  MPI_Reduce(local, slowest, (int)nblocks, MPI_DOUBLE, MPI_MAX, 0, MPI_COMM_WORLD);
  if (rank == 0) {
    for (long i = 0; i < nblocks; i += 1000) {
      long m = nblocks - i < 1000 ? nblocks - i : 1000;
      printf("samples us %ld", m);
      for (long j = 0; j < m; j++) printf(" %.3f", slowest[i + j]);
      putchar('\n');
    }
    printf("stop n=%ld warmup_s=%.6f elapsed_s=%.6f\n", o.steps, t0 - w0, t1 - t0);
    printf("end\n");
    fflush(stdout);
  }
  free(sbuf), free(rbuf), free(local), free(slowest);
  MPI_Finalize();
  return 0;
}
