/* rankhost: each rank prints its rank, the communicator size and the host it
 * runs on, in rank order. Used by `hpcrun demo` and the launch tests.
 *   rank 3 of 6 on node02
 */
#include <mpi.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    int rank, size, len, r;
    char host[MPI_MAX_PROCESSOR_NAME];

    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    MPI_Get_processor_name(host, &len);
    /* Take turns so that lines arrive in rank order. */
    for (r = 0; r < size; r++) {
        if (r == rank) {
            printf("rank %d of %d on %s\n", rank, size, host);
            fflush(stdout);
        }
        MPI_Barrier(MPI_COMM_WORLD);
    }
    MPI_Finalize();
    return 0;
}
