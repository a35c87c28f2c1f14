/*
 * Low-stress islands: the connected components of the edges of LTS 1 to
 * max_low_stress, direction ignored (a one-way low-stress street still
 * joins its two ends for a cyclist who may walk the bike back), with the
 * residents and destinations whose nearest node lies on each. Nodes that no
 * low-stress edge touches belong to no island.
 */
#include "cycle_int.h"

#include <stdlib.h>
#include <string.h>

static int32_t find(int32_t *parent, int32_t v)
{
    while (parent[v] != v) {
        parent[v] = parent[parent[v]];
        v = parent[v];
    }
    return v;
}

void px__cislands_clear(px__cislands *is)
{
    if (!is) return;
    free(is->node), free(is->n_edges), free(is->length_m), free(is->pop), free(is->n_dest);
    memset(is, 0, sizeof *is);
}

px_status px__cycle_islands(px_ctx *ctx, const px__cinput *in, const px__cparams *p, px__cislands *out)
{
    const px__cgraph *g = in->g;
    size_t nn = g->n_nodes;
    px__cislands r = {0};
    int32_t *parent = malloc((nn + 1) * sizeof *parent);
    r.node = malloc((nn + 1) * sizeof *r.node);
    if (!parent || !r.node) {
        free(parent);
        px__cislands_clear(&r);
        return px__error(ctx, PX_ENOMEM, "out of memory");
    }
    for (size_t v = 0; v < nn; v++)
        parent[v] = (int32_t)v, r.node[v] = -1;
    for (size_t e = 0; e < g->n_edges; e++) {
        if (g->e_lts[e] == 0 || g->e_lts[e] > p->max_low_stress) continue;
        int32_t a = find(parent, g->e_from[e]), b = find(parent, g->e_to[e]);
        if (a != b) parent[a < b ? b : a] = a < b ? a : b;
        r.node[g->e_from[e]] = r.node[g->e_to[e]] = 0; /* marks "on an island" */
    }
    /* Number the islands densely in node order of their roots. */
    int32_t *id_of_root = malloc((nn + 1) * sizeof *id_of_root);
    if (!id_of_root) {
        free(parent);
        px__cislands_clear(&r);
        return px__error(ctx, PX_ENOMEM, "out of memory");
    }
    for (size_t v = 0; v < nn; v++)
        id_of_root[v] = -1;
    for (size_t v = 0; v < nn; v++) {
        if (r.node[v] < 0) continue;
        int32_t root = find(parent, (int32_t)v);
        if (id_of_root[root] < 0) id_of_root[root] = (int32_t)r.n++;
        r.node[v] = id_of_root[root];
    }
    free(parent);
    free(id_of_root);
    r.n_edges = calloc(r.n + 1, sizeof *r.n_edges);
    r.length_m = calloc(r.n + 1, sizeof *r.length_m);
    r.pop = calloc(r.n + 1, sizeof *r.pop);
    r.n_dest = calloc(r.n + 1, sizeof *r.n_dest);
    if (!r.n_edges || !r.length_m || !r.pop || !r.n_dest) {
        px__cislands_clear(&r);
        return px__error(ctx, PX_ENOMEM, "out of memory");
    }
    for (size_t e = 0; e < g->n_edges; e++) {
        if (g->e_lts[e] == 0 || g->e_lts[e] > p->max_low_stress) continue;
        int32_t i = r.node[g->e_from[e]];
        r.n_edges[i]++;
        r.length_m[i] += g->e_len[e];
    }
    for (size_t o = 0; o < in->n_origins; o++) {
        int32_t i = r.node[in->origins[o].node];
        if (i >= 0) r.pop[i] += in->origins[o].pop;
    }
    for (size_t d = 0; d < in->n_dests; d++) {
        int32_t i = r.node[in->dests[d].node];
        if (i >= 0) r.n_dest[i] += in->cat_weights[in->dests[d].cat];
    }
    *out = r;
    return PX_OK;
}
