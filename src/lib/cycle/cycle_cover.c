/*
 * Coverage: which residents live within a network distance of a cycle
 * route. One multi-source search from every node of an edge with a cycle
 * facility (track, lane, shared, path), over every bikeable edge with
 * direction ignored, bounded by the coverage distance; an origin is covered
 * when its node's distance plus its own straight distance to that node is
 * within it. Route lengths per class and commune are summed in cycle_run.c.
 */
#include "cycle_int.h"

#include <stdlib.h>

px_status px__cycle_coverage(px_ctx *ctx, const px__cinput *in, const px__cparams *p, uint8_t *covered)
{
    const px__cgraph *g = in->g;
    int32_t *src = malloc((2 * g->n_edges + 1) * sizeof *src);
    uint8_t *seen = calloc(g->n_nodes + 1, 1);
    px__csearch *s = NULL;
    px_status rc = !src || !seen ? px__error(ctx, PX_ENOMEM, "out of memory") : px__csearch_new(ctx, g, &s);
    if (rc == PX_OK) {
        size_t n = 0;
        for (size_t e = 0; e < g->n_edges; e++) {
            if (g->e_fac[e] == PX_CYCLE_NONE || g->e_lts[e] == 0) continue;
            int32_t ends[2] = {g->e_from[e], g->e_to[e]};
            for (int k = 0; k < 2; k++)
                if (!seen[ends[k]]) seen[ends[k]] = 1, src[n++] = ends[k];
        }
        px__csearch_run(s, g, src, NULL, n, 4, PX__DIR_BOTH, p->coverage_m);
        for (size_t o = 0; o < in->n_origins; o++)
            covered[o] = s->dist[in->origins[o].node] + in->origins[o].snap_m <= p->coverage_m + 1e-9;
    }
    px__csearch_free(s);
    free(src);
    free(seen);
    return rc;
}
