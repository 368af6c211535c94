/* pingpong: a plain blocking ping-pong between rank 0 and rank size/2, as a
 * reference for hpcrun's latency kernel. 100 warm-up round trips, then N
 * (default 10,000) timed as one block; prints the latency, half the average
 * round trip, in microseconds:
 *   pingpong bytes=8 iterations=10000 latency_us=5.123
 * Usage: pingpong [bytes] [iterations]
 */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    int rank, size, peer, i, bytes = 8, iterations = 10000, warmup = 100;
    char *buffer;
    double start = 0.0, elapsed;

    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    if (argc > 1) bytes = atoi(argv[1]);
    if (argc > 2) iterations = atoi(argv[2]);
    if (size < 2 || bytes < 0 || iterations < 1) {
        if (rank == 0) fprintf(stderr, "pingpong: needs 2+ ranks, bytes >= 0, iterations >= 1\n");
        MPI_Abort(MPI_COMM_WORLD, 2);
    }
    buffer = calloc(bytes > 0 ? (size_t)bytes : 1, 1);
    peer = rank == 0 ? size / 2 : 0;
    if (rank == 0 || rank == size / 2) {
        for (i = 0; i < warmup + iterations; i++) {
            if (i == warmup) start = MPI_Wtime();
            if (rank == 0) {
                MPI_Send(buffer, bytes, MPI_CHAR, peer, 1, MPI_COMM_WORLD);
                MPI_Recv(buffer, bytes, MPI_CHAR, peer, 1, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            } else {
                MPI_Recv(buffer, bytes, MPI_CHAR, peer, 1, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
                MPI_Send(buffer, bytes, MPI_CHAR, peer, 1, MPI_COMM_WORLD);
            }
        }
        elapsed = MPI_Wtime() - start;
        if (rank == 0) printf("pingpong bytes=%d iterations=%d latency_us=%.3f\n", bytes, iterations, elapsed * 1e6 / (2.0 * iterations));
    }
    free(buffer);
    MPI_Finalize();
    return 0;
}
