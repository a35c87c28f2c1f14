/*
 * The derived parts of a graph, built from its edge arrays: the CSR
 * adjacency per mode and direction, the components and the snapping grid.
 * They are independent, so px__graph_index hands them to up to two threads,
 * and a caller may ask only for the parts it will read (an accessibility run
 * needs the reverse adjacency of its modes and the grid, nothing else).
 * No px_ctx here: the helpers run off the caller's thread, and the caller
 * words the error.
 */
#include "net_int.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

typedef struct index_job {
    px_graph *g;
    int parts[2 * PX_MODE_COUNT + 2];
    int n_parts;
    atomic_int next;
    atomic_int status;
} index_job;

enum { PART_COMP = 2 * PX_MODE_COUNT, PART_GRID };

static px_status build_part(px_graph *g, int part)
{
    if (part == PART_GRID) return px__grid_build(NULL, g);
    if (part == PART_COMP) {
        g->n_comp = px__components(g->n_nodes, g->n_edges, g->efrom, g->eto, g->comp);
        return g->n_comp < 0 ? PX_ENOMEM : PX_OK;
    }
    return px__csr_build(g, (px_mode)(part / 2), (px_direction)(part % 2));
}

static void *index_worker(void *arg)
{
    index_job *job = arg;
    for (;;) {
        int k = atomic_fetch_add(&job->next, 1);
        if (k >= job->n_parts) break;
        px_status rc = build_part(job->g, job->parts[k]);
        if (rc != PX_OK) {
            int expected = PX_OK;
            atomic_compare_exchange_strong(&job->status, &expected, (int)rc);
        }
    }
    return NULL;
}

px_status px__graph_index(px_graph *g, unsigned parts, int n_threads)
{
    for (int32_t e = 0; e < g->n_edges; e++)
        if (g->efrom[e] < 0 || g->efrom[e] >= g->n_nodes || g->eto[e] < 0 || g->eto[e] >= g->n_nodes)
            return PX_EINVAL;
    index_job *job = calloc(1, sizeof *job);
    if (!job) return PX_ENOMEM;
    job->g = g;
    /* The grid first: it is the longest part, so it should not start last. */
    if (parts & PX__INDEX_GRID) job->parts[job->n_parts++] = PART_GRID;
    for (int m = 0; m < PX_MODE_COUNT; m++)
        for (int d = 0; d < 2; d++)
            if (parts & PX__INDEX_CSR((px_mode)m, (px_direction)d)) job->parts[job->n_parts++] = 2 * m + d;
    if (parts & PX__INDEX_COMP) job->parts[job->n_parts++] = PART_COMP;
    pthread_t helper;
    int started = n_threads > 1 && job->n_parts > 1 && pthread_create(&helper, NULL, index_worker, job) == 0;
    index_worker(job);
    if (started) pthread_join(helper, NULL);
    px_status rc = (px_status)atomic_load(&job->status);
    free(job);
    return rc;
}
