/*
 * k-nearest multi-source search: each node keeps the k smallest costs from
 * DISTINCT sources ("dual" accessibility: minutes to the 3rd nearest
 * doctor). A node is settled up to k times, once per source label, so the
 * work is about k times that of the plain search. k is small (<= 16): the
 * labels of a node are scanned linearly.
 */
#include "search_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define PX_K_MAX 16

static int has_src(const int32_t *src, uint8_t n, int32_t s)
{
    for (uint8_t j = 0; j < n; j++)
        if (src[j] == s) return 1;
    return 0;
}

px_status px_graph_search_k(const px_graph *g, px_mode mode, px_direction dir, const px_snap *sources,
                            size_t n_sources, size_t k, double cutoff_s, const uint8_t *edge_mask,
                            double *node_cost_s, int32_t *node_src)
{
    if (!g || !node_cost_s || !node_src || k < 1 || k > PX_K_MAX || (unsigned)mode >= PX_MODE_COUNT ||
        (dir != PX_DIR_FROM_SOURCES && dir != PX_DIR_TO_SOURCES) || (n_sources && !sources) ||
        n_sources > INT32_MAX || !g->csr[mode][dir].off)
        return PX_EINVAL;
    for (size_t i = 0; i < n_sources; i++)
        if (sources[i].edge < 0 || sources[i].edge >= g->n_edges) return PX_EINVAL;
    size_t n = (size_t)g->n_nodes;
    for (size_t i = 0; i < n * k; i++) {
        node_cost_s[i] = INFINITY;
        node_src[i] = -1;
    }
    uint8_t *cnt = calloc(n ? n : 1, 1);
    if (!cnt) return PX_ENOMEM;
    px__heap h = {0};
    px_status rc = PX_OK;
    for (size_t i = 0; i < n_sources && rc == PX_OK; i++) {
        px__seed_out sd[2];
        int ns = px__seed(g, mode, dir, &sources[i], edge_mask, sd);
        for (int j = 0; j < ns; j++)
            if (sd[j].cost <= cutoff_s && px__heap_push(&h, sd[j].cost, sd[j].node, (int32_t)i)) rc = PX_ENOMEM;
    }
    const px__csr *c = &g->csr[mode][dir];
    while (rc == PX_OK && h.n) {
        px__heap_item it = px__heap_pop(&h);
        int32_t u = it.node;
        size_t base = (size_t)u * k;
        if (cnt[u] >= k || has_src(node_src + base, cnt[u], it.src)) continue;
        node_cost_s[base + cnt[u]] = it.key;
        node_src[base + cnt[u]] = it.src;
        cnt[u]++;
        for (int32_t i = c->off[u]; i < c->off[u + 1]; i++) {
            if (edge_mask && !edge_mask[c->edge[i]]) continue;
            int32_t v = c->arc[i].to;
            double d = it.key + c->arc[i].cost;
            /* Prune: v full with k labels all no worse, or already labelled by this source. */
            if (d > cutoff_s || cnt[v] >= k || has_src(node_src + (size_t)v * k, cnt[v], it.src)) continue;
            if (px__heap_push(&h, d, v, it.src)) {
                rc = PX_ENOMEM;
                break;
            }
        }
    }
    free(h.items);
    free(cnt);
    return rc;
}

typedef struct cand {
    double cost;
    int32_t src;
} cand;

static int cand_cmp(const void *a, const void *b)
{
    const cand *x = a, *y = b;
    if (x->cost != y->cost) return x->cost < y->cost ? -1 : 1;
    return x->src < y->src ? -1 : x->src > y->src;
}

void px_graph_cost_at_k(const px_graph *g, px_mode mode, px_direction dir, const double *node_cost_s,
                        const int32_t *node_src, const px_snap *sources, size_t n_sources, size_t k,
                        double cutoff_s, const uint8_t *edge_mask, const px_snap *at, double *out_cost_s)
{
    if (!out_cost_s || k < 1 || k > PX_K_MAX) return;
    for (size_t j = 0; j < k; j++) out_cost_s[j] = INFINITY;
    if (!g || !node_cost_s || !node_src || !at || at->edge < 0 || at->edge >= g->n_edges ||
        (unsigned)mode >= PX_MODE_COUNT)
        return;
    /* Candidates: k labels through each end, plus same-edge sources. A
     * source seen several times keeps its smallest cost. */
    cand stack_c[2 * PX_K_MAX + 8];
    cand *cs = stack_c;
    size_t cap = sizeof stack_c / sizeof stack_c[0], nc = 0;
    size_t lo = sources ? px__snap_lower_bound(sources, n_sources, at->edge) : 0, hi = lo;
    while (sources && hi < n_sources && sources[hi].edge == at->edge) hi++;
    if (2 * k + (hi - lo) > cap) {
        cs = malloc((2 * k + (hi - lo)) * sizeof *cs);
        if (!cs) return; /* no memory: leave INFINITY rather than a wrong cost */
    }
    double pf, pt;
    px__via_ends(g, mode, dir, edge_mask, at, &pf, &pt);
    int32_t ends[2] = {g->efrom[at->edge], g->eto[at->edge]};
    double part[2] = {pf, pt};
    for (int s = 0; s < 2; s++)
        for (size_t j = 0; j < k && isfinite(part[s]); j++) {
            size_t i = (size_t)ends[s] * k + j;
            if (node_src[i] < 0) break;
            cs[nc++] = (cand){node_cost_s[i] + part[s], node_src[i]};
        }
    if (!edge_mask || edge_mask[at->edge])
        for (size_t i = lo; i < hi; i++) {
            double d;
            if (px__same_edge_cost(g, mode, dir, &sources[i], at, &d)) cs[nc++] = (cand){d, (int32_t)i};
        }
    qsort(cs, nc, sizeof *cs, cand_cmp);
    size_t out = 0;
    for (size_t i = 0; i < nc && out < k; i++) {
        int dup = 0;
        for (size_t j = 0; j < i && !dup; j++) dup = cs[j].src == cs[i].src;
        if (dup || cs[i].cost > cutoff_s) continue;
        out_cost_s[out++] = cs[i].cost;
    }
    if (cs != stack_c) free(cs);
}
