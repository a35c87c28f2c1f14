/*
 * Multi-source bounded Dijkstra on one mode and direction of the graph, and
 * the cost at a snapped point from the node costs (partial edges, same-edge
 * sources). A 4-ary heap with lazy deletion: stale entries are skipped when
 * popped, which beats decrease-key bookkeeping on sparse road graphs.
 * The k-nearest variant is in search_k.c. No allocation but the heap.
 */
#include "search_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- heap ------------------------------------------------------------------ */

/* A 4-ary heap: half the depth of a binary heap, and the four children of
 * a node share a cache line or two, which pays off on million-node graphs. */
int px__heap_push(px__heap *h, double key, int32_t node, int32_t src)
{
    if (h->n == h->cap) {
        size_t cap = h->cap ? 2 * h->cap : 1024;
        px__heap_item *it = realloc(h->items, cap * sizeof *it);
        if (!it) return -1;
        h->items = it;
        h->cap = cap;
    }
    size_t i = h->n++;
    px__heap_item x = {key, node, src};
    while (i > 0) {
        size_t p = (i - 1) / 4;
        if (h->items[p].key <= key) break;
        h->items[i] = h->items[p];
        i = p;
    }
    h->items[i] = x;
    return 0;
}

px__heap_item px__heap_pop(px__heap *h)
{
    px__heap_item top = h->items[0];
    px__heap_item last = h->items[--h->n];
    size_t i = 0, n = h->n;
    for (;;) {
        size_t c = 4 * i + 1;
        if (c >= n) break;
        size_t end = c + 4 < n ? c + 4 : n, best = c;
        for (size_t k = c + 1; k < end; k++)
            if (h->items[k].key < h->items[best].key) best = k;
        if (last.key <= h->items[best].key) break;
        h->items[i] = h->items[best];
        i = best;
    }
    if (n) h->items[i] = last;
    return top;
}

/* ---- seeds ----------------------------------------------------------------- */

int px__seed(const px_graph *g, px_mode mode, px_direction dir, const px_snap *s, const uint8_t *edge_mask,
             px__seed_out out[2])
{
    int32_t e = s->edge;
    double f = s->fraction < 0 ? 0 : s->fraction > 1 ? 1 : s->fraction;
    double c = g->ecost[mode][e];
    unsigned fl = g->eflags[e];
    int open = !edge_mask || edge_mask[e];
    /* FROM: reaching to-node needs a forward move, from-node a backward one.
     * TO: the from-node reaches the point moving forward, the to-node backward. */
    int to_ok = open && (fl & (dir == PX_DIR_FROM_SOURCES ? PX_EDGE_FWD(mode) : PX_EDGE_BWD(mode)));
    int from_ok = open && (fl & (dir == PX_DIR_FROM_SOURCES ? PX_EDGE_BWD(mode) : PX_EDGE_FWD(mode)));
    int n = 0;
    /* A point exactly on a node is that node, whatever the edge allows. */
    if (from_ok || f == 0) out[n++] = (px__seed_out){g->efrom[e], f * c};
    if (to_ok || f == 1) out[n++] = (px__seed_out){g->eto[e], (1 - f) * c};
    return n;
}

static int bad_args(const px_graph *g, px_mode mode, px_direction dir, const px_snap *sources, size_t n_sources)
{
    if (!g || (unsigned)mode >= PX_MODE_COUNT || (dir != PX_DIR_FROM_SOURCES && dir != PX_DIR_TO_SOURCES)) return 1;
    if (!g->csr[mode][dir].off) return 1; /* a part px__graph_index was not asked for */
    if (n_sources && !sources) return 1;
    for (size_t i = 0; i < n_sources; i++)
        if (sources[i].edge < 0 || sources[i].edge >= g->n_edges) return 1;
    return 0;
}

px_status px_graph_search(const px_graph *g, px_mode mode, px_direction dir, const px_snap *sources,
                          size_t n_sources, double cutoff_s, const uint8_t *edge_mask, double *node_cost_s)
{
    if (!node_cost_s || bad_args(g, mode, dir, sources, n_sources)) return PX_EINVAL;
    int32_t n = g->n_nodes;
    for (int32_t v = 0; v < n; v++) node_cost_s[v] = INFINITY;
    px__heap h = {0};
    px_status rc = PX_OK;
    for (size_t i = 0; i < n_sources; i++) {
        px__seed_out sd[2];
        int ns = px__seed(g, mode, dir, &sources[i], edge_mask, sd);
        for (int j = 0; j < ns; j++)
            if (sd[j].cost <= cutoff_s && sd[j].cost < node_cost_s[sd[j].node]) {
                node_cost_s[sd[j].node] = sd[j].cost;
                if (px__heap_push(&h, sd[j].cost, sd[j].node, 0)) rc = PX_ENOMEM;
            }
    }
    const px__csr *c = &g->csr[mode][dir];
    while (rc == PX_OK && h.n) {
        px__heap_item it = px__heap_pop(&h);
        int32_t u = it.node;
        /* On a million nodes the search waits on memory, not arithmetic:
         * ask early for what the next pop and this node's moves will read. */
        if (h.n) {
            __builtin_prefetch(&node_cost_s[h.items[0].node]);
            __builtin_prefetch(&c->off[h.items[0].node]);
        }
        if (it.key > node_cost_s[u]) continue; /* stale */
        int32_t i0 = c->off[u], i1 = c->off[u + 1];
        for (int32_t i = i0; i < i1; i++) __builtin_prefetch(&node_cost_s[c->arc[i].to]);
        for (int32_t i = i0; i < i1; i++) {
            if (edge_mask && !edge_mask[c->edge[i]]) continue;
            double d = it.key + c->arc[i].cost;
            int32_t v = c->arc[i].to;
            if (d < node_cost_s[v] && d <= cutoff_s) {
                node_cost_s[v] = d;
                if (px__heap_push(&h, d, v, 0)) {
                    rc = PX_ENOMEM;
                    break;
                }
            }
        }
        if (h.n) __builtin_prefetch(&c->arc[c->off[h.items[0].node]]);
    }
    free(h.items);
    return rc;
}

/* ---- cost at a point ------------------------------------------------------- */

size_t px__snap_lower_bound(const px_snap *s, size_t n, int32_t edge)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (s[mid].edge < edge) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

int px__same_edge_cost(const px_graph *g, px_mode mode, px_direction dir, const px_snap *src, const px_snap *at,
                       double *cost)
{
    double c = g->ecost[mode][at->edge];
    unsigned fl = g->eflags[at->edge];
    /* Travel goes from the source to the point (FROM) or the point to the
     * source (TO); forward means increasing fraction. */
    double a = dir == PX_DIR_FROM_SOURCES ? src->fraction : at->fraction;
    double b = dir == PX_DIR_FROM_SOURCES ? at->fraction : src->fraction;
    if (b == a || (b > a && (fl & PX_EDGE_FWD(mode))) || (b < a && (fl & PX_EDGE_BWD(mode)))) {
        *cost = fabs(b - a) * c;
        return 1;
    }
    return 0;
}

int px__via_ends(const px_graph *g, px_mode mode, px_direction dir, const uint8_t *edge_mask, const px_snap *at,
                 double *c_from, double *c_to)
{
    /* The same geometry as seeding, mirrored: the point is reached through
     * the from-node (partial f*c) and/or the to-node (partial (1-f)*c). For
     * FROM searches, reaching the point from the from-node is a forward move;
     * for TO searches, leaving the point to the from-node is a backward move. */
    int32_t e = at->edge;
    double f = at->fraction < 0 ? 0 : at->fraction > 1 ? 1 : at->fraction;
    double c = g->ecost[mode][e];
    unsigned fl = g->eflags[e];
    int open = !edge_mask || edge_mask[e];
    int from_ok = open && (fl & (dir == PX_DIR_FROM_SOURCES ? PX_EDGE_FWD(mode) : PX_EDGE_BWD(mode)));
    int to_ok = open && (fl & (dir == PX_DIR_FROM_SOURCES ? PX_EDGE_BWD(mode) : PX_EDGE_FWD(mode)));
    *c_from = (from_ok || f == 0) ? f * c : INFINITY;
    *c_to = (to_ok || f == 1) ? (1 - f) * c : INFINITY;
    return 0;
}

double px_graph_cost_at(const px_graph *g, px_mode mode, px_direction dir, const double *node_cost_s,
                        const px_snap *sources, size_t n_sources, double cutoff_s, const uint8_t *edge_mask,
                        const px_snap *at)
{
    if (!g || !node_cost_s || !at || at->edge < 0 || at->edge >= g->n_edges || (unsigned)mode >= PX_MODE_COUNT)
        return INFINITY;
    double pf, pt;
    px__via_ends(g, mode, dir, edge_mask, at, &pf, &pt);
    double best = fmin(node_cost_s[g->efrom[at->edge]] + pf, node_cost_s[g->eto[at->edge]] + pt);
    if (sources && (!edge_mask || edge_mask[at->edge])) {
        for (size_t i = px__snap_lower_bound(sources, n_sources, at->edge);
             i < n_sources && sources[i].edge == at->edge; i++) {
            double d;
            if (px__same_edge_cost(g, mode, dir, &sources[i], at, &d) && d < best) best = d;
        }
    }
    return best <= cutoff_s ? best : INFINITY;
}

/* ---- sorting snaps ---------------------------------------------------------- */

typedef struct snap_id {
    px_snap s;
    int64_t id;
} snap_id;

static int snap_cmp(const void *a, const void *b)
{
    const snap_id *x = a, *y = b;
    if (x->s.edge != y->s.edge) return x->s.edge < y->s.edge ? -1 : 1;
    if (x->s.fraction != y->s.fraction) return x->s.fraction < y->s.fraction ? -1 : 1;
    return x->id < y->id ? -1 : x->id > y->id;
}

void px_snap_sort(px_snap *snaps, int64_t *ids, size_t n)
{
    if (!snaps || n < 2) return;
    snap_id *tmp = malloc(n * sizeof *tmp);
    if (!tmp) {
        /* Without memory, fall back to an in-place insertion sort: slow but
         * correct, and px_snap_sort has no status to report. */
        for (size_t i = 1; i < n; i++)
            for (size_t j = i; j > 0 && (snaps[j - 1].edge > snaps[j].edge ||
                                         (snaps[j - 1].edge == snaps[j].edge &&
                                          snaps[j - 1].fraction > snaps[j].fraction));
                 j--) {
                px_snap t = snaps[j];
                snaps[j] = snaps[j - 1];
                snaps[j - 1] = t;
                if (ids) {
                    int64_t ti = ids[j];
                    ids[j] = ids[j - 1];
                    ids[j - 1] = ti;
                }
            }
        return;
    }
    for (size_t i = 0; i < n; i++) tmp[i] = (snap_id){snaps[i], ids ? ids[i] : (int64_t)i};
    qsort(tmp, n, sizeof *tmp, snap_cmp);
    for (size_t i = 0; i < n; i++) {
        snaps[i] = tmp[i].s;
        if (ids) ids[i] = tmp[i].id;
    }
    free(tmp);
}
