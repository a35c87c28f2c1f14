/*
 * Supply-side catchments: for one supply at a time, a Dijkstra search on
 * the reverse graph (time from each node TO the supply), bounded by the
 * catchment's cutoff, then the demand points attached to the touched nodes
 * (partial edges counted, direction flags respected) and those on the
 * supply's own edge. Scratch arrays are allocated once and only touched
 * entries are reset, so a search costs the catchment's size: this is what
 * keeps E2SFCA close to one plain accessibility run.
 * It reads the graph's CSR arrays directly (net_int.h); it leaves out any
 * notion of categories or capacities, which are the caller's business.
 */
#include "equity_int.h"
#include "../net/net_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct hitem {
    double key;
    int32_t node;
} hitem;

struct px__catch {
    px_ctx *ctx;
    const px_graph *g;
    px_mode mode;
    const uint8_t *mask;
    const px_snap *snaps;
    size_t n_demand;
    /* demand points reachable from each node: [inc_off[u], inc_off[u+1]) */
    int32_t *inc_off, *inc_dem;
    double *inc_pc;
    /* snapped demand points sorted by edge, for same-edge pairs */
    int32_t *by_edge;
    size_t n_by_edge;
    /* scratch */
    double *cost;
    int32_t *touched;
    size_t n_touched, cap_touched;
    double *dbest;
    int32_t *dtouched;
    size_t n_dt;
    hitem *heap;
    size_t n_heap, cap_heap;
};

void px__catch_free(px__catch *c)
{
    if (!c) return;
    free(c->inc_off);
    free(c->inc_dem);
    free(c->inc_pc);
    free(c->by_edge);
    free(c->cost);
    free(c->touched);
    free(c->dbest);
    free(c->dtouched);
    free(c->heap);
    free(c);
}

static int edge_open(const px__catch *c, int32_t e)
{
    return !c->mask || c->mask[e];
}

/* Partial costs from a point on edge e at fraction f to the edge's from- and
 * to-node (INFINITY where the direction forbids it). A point exactly on a
 * node is that node whatever the edge allows. */
static void to_ends(const px__catch *c, int32_t e, double f, double *c_from, double *c_to)
{
    const px_graph *g = c->g;
    double cost = g->ecost[c->mode][e];
    unsigned fl = g->eflags[e];
    int open = edge_open(c, e);
    *c_from = (f == 0) ? 0 : (open && (fl & PX_EDGE_BWD(c->mode))) ? f * cost : INFINITY;
    *c_to = (f == 1) ? 0 : (open && (fl & PX_EDGE_FWD(c->mode))) ? (1 - f) * cost : INFINITY;
}

typedef struct edge_dem {
    int32_t edge, dem;
} edge_dem;

static int cmp_edge_dem(const void *a, const void *b)
{
    const edge_dem *x = a, *y = b;
    if (x->edge != y->edge) return x->edge < y->edge ? -1 : 1;
    return (x->dem > y->dem) - (x->dem < y->dem);
}

px_status px__catch_new(px_ctx *ctx, const px_graph *g, px_mode mode, const px_snap *snaps, const uint8_t *ok,
                        size_t n_demand, const uint8_t *edge_mask, px__catch **out)
{
    px__catch *c = calloc(1, sizeof *c);
    if (!c) return px__error(ctx, PX_ENOMEM, "out of memory");
    *c = (px__catch){
        .ctx = ctx, .g = g, .mode = mode, .mask = edge_mask, .snaps = snaps, .n_demand = n_demand};
    size_t nn = (size_t)g->n_nodes, nd1 = n_demand ? n_demand : 1;
    c->inc_off = calloc(nn + 1, sizeof *c->inc_off);
    c->inc_dem = malloc(2 * nd1 * sizeof *c->inc_dem);
    c->inc_pc = malloc(2 * nd1 * sizeof *c->inc_pc);
    c->by_edge = malloc(nd1 * sizeof *c->by_edge);
    c->cost = malloc((nn ? nn : 1) * sizeof *c->cost);
    c->dbest = malloc(nd1 * sizeof *c->dbest);
    c->dtouched = malloc(nd1 * sizeof *c->dtouched);
    if (!c->inc_off || !c->inc_dem || !c->inc_pc || !c->by_edge || !c->cost || !c->dbest || !c->dtouched) {
        px__catch_free(c);
        return px__error(ctx, PX_ENOMEM, "out of memory");
    }
    for (size_t v = 0; v < nn; v++)
        c->cost[v] = INFINITY;
    for (size_t i = 0; i < n_demand; i++)
        c->dbest[i] = INFINITY;
    /* Two passes (count, fill) build the node -> demand incidence CSR. */
    for (size_t i = 0; i < n_demand; i++) {
        if (!ok[i]) continue;
        double cf, ct;
        to_ends(c, snaps[i].edge, snaps[i].fraction, &cf, &ct);
        if (isfinite(cf)) c->inc_off[g->efrom[snaps[i].edge] + 1]++;
        if (isfinite(ct)) c->inc_off[g->eto[snaps[i].edge] + 1]++;
        c->by_edge[c->n_by_edge++] = (int32_t)i;
    }
    for (size_t v = 0; v < nn; v++)
        c->inc_off[v + 1] += c->inc_off[v];
    int32_t *fill = malloc((nn ? nn : 1) * sizeof *fill);
    if (!fill) {
        px__catch_free(c);
        return px__error(ctx, PX_ENOMEM, "out of memory");
    }
    memcpy(fill, c->inc_off, nn * sizeof *fill);
    for (size_t i = 0; i < n_demand; i++) {
        if (!ok[i]) continue;
        double cf, ct;
        to_ends(c, snaps[i].edge, snaps[i].fraction, &cf, &ct);
        if (isfinite(cf)) {
            int32_t k = fill[g->efrom[snaps[i].edge]]++;
            c->inc_dem[k] = (int32_t)i;
            c->inc_pc[k] = cf;
        }
        if (isfinite(ct)) {
            int32_t k = fill[g->eto[snaps[i].edge]]++;
            c->inc_dem[k] = (int32_t)i;
            c->inc_pc[k] = ct;
        }
    }
    free(fill);
    edge_dem *ed = malloc((c->n_by_edge ? c->n_by_edge : 1) * sizeof *ed);
    if (!ed) {
        px__catch_free(c);
        return px__error(ctx, PX_ENOMEM, "out of memory");
    }
    for (size_t k = 0; k < c->n_by_edge; k++)
        ed[k] = (edge_dem){snaps[c->by_edge[k]].edge, c->by_edge[k]};
    qsort(ed, c->n_by_edge, sizeof *ed, cmp_edge_dem);
    for (size_t k = 0; k < c->n_by_edge; k++)
        c->by_edge[k] = ed[k].dem;
    free(ed);
    *out = c;
    return PX_OK;
}

static int heap_push(px__catch *c, double key, int32_t node)
{
    if (c->n_heap == c->cap_heap) {
        size_t cap = c->cap_heap ? 2 * c->cap_heap : 4096;
        hitem *nh = realloc(c->heap, cap * sizeof *nh);
        if (!nh) return -1;
        c->heap = nh;
        c->cap_heap = cap;
    }
    size_t i = c->n_heap++;
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (c->heap[p].key <= key) break;
        c->heap[i] = c->heap[p];
        i = p;
    }
    c->heap[i] = (hitem){key, node};
    return 0;
}

static hitem heap_pop(px__catch *c)
{
    hitem top = c->heap[0], last = c->heap[--c->n_heap];
    size_t i = 0, n = c->n_heap;
    for (;;) {
        size_t k = 2 * i + 1;
        if (k >= n) break;
        if (k + 1 < n && c->heap[k + 1].key < c->heap[k].key) k++;
        if (last.key <= c->heap[k].key) break;
        c->heap[i] = c->heap[k];
        i = k;
    }
    if (n) c->heap[i] = last;
    return top;
}

/* Lower cost[v] to d, remembering v for the reset. */
static int relax(px__catch *c, int32_t v, double d)
{
    if (!isfinite(c->cost[v])) {
        if (c->n_touched == c->cap_touched) {
            size_t cap = c->cap_touched ? 2 * c->cap_touched : 4096;
            int32_t *nt = realloc(c->touched, cap * sizeof *nt);
            if (!nt) return -1;
            c->touched = nt;
            c->cap_touched = cap;
        }
        c->touched[c->n_touched++] = v;
    }
    c->cost[v] = d;
    return heap_push(c, d, v);
}

static void offer(px__catch *c, int32_t i, double t)
{
    if (t < c->dbest[i]) {
        if (!isfinite(c->dbest[i])) c->dtouched[c->n_dt++] = i;
        c->dbest[i] = t;
    }
}

static int pairs_push(px__pairs *p, uint32_t demand, uint32_t supply, double minutes)
{
    if (p->n == p->cap) {
        size_t cap = p->cap ? 2 * p->cap : 4096;
        px_fca_pair *nv = realloc(p->v, cap * sizeof *nv);
        if (!nv) return -1;
        p->v = nv;
        p->cap = cap;
    }
    p->v[p->n++] = (px_fca_pair){demand, supply, minutes};
    return 0;
}

px_status px__catch_supply(px__catch *c, const px_snap *s, double cutoff_s, uint32_t supply_index,
                           px__pairs *pairs)
{
    const px_graph *g = c->g;
    int32_t e = s->edge;
    double f = s->fraction < 0 ? 0 : s->fraction > 1 ? 1 : s->fraction;
    double ec = g->ecost[c->mode][e];
    unsigned fl = g->eflags[e];
    int open = edge_open(c, e), oom = 0;
    /* Seeds: the from-node reaches the supply moving forward, the to-node
     * moving backward. */
    if (f == 0 || (open && (fl & PX_EDGE_FWD(c->mode))))
        if (f * ec <= cutoff_s) oom |= relax(c, g->efrom[e], f * ec);
    if (f == 1 || (open && (fl & PX_EDGE_BWD(c->mode))))
        if ((1 - f) * ec <= cutoff_s && (1 - f) * ec < c->cost[g->eto[e]])
            oom |= relax(c, g->eto[e], (1 - f) * ec);
    const px__csr *csr = &g->csr[c->mode][PX_DIR_TO_SOURCES];
    while (!oom && c->n_heap) {
        hitem it = heap_pop(c);
        int32_t u = it.node;
        if (it.key > c->cost[u]) continue; /* stale entry */
        for (int32_t k = csr->off[u]; k < csr->off[u + 1]; k++) {
            if (c->mask && !c->mask[csr->edge[k]]) continue;
            double d = it.key + csr->arc[k].cost;
            int32_t v = csr->arc[k].to;
            if (d <= cutoff_s && d < c->cost[v] && relax(c, v, d)) {
                oom = 1;
                break;
            }
        }
    }
    c->n_heap = 0;
    /* Demand points through the nodes, then along the supply's own edge. */
    for (size_t t = 0; t < c->n_touched; t++) {
        int32_t u = c->touched[t];
        for (int32_t k = c->inc_off[u]; k < c->inc_off[u + 1]; k++) {
            double tt = c->cost[u] + c->inc_pc[k];
            if (tt <= cutoff_s) offer(c, c->inc_dem[k], tt);
        }
    }
    if (open) {
        size_t lo = 0, hi = c->n_by_edge;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (c->snaps[c->by_edge[mid]].edge < e)
                lo = mid + 1;
            else
                hi = mid;
        }
        for (size_t k = lo; k < c->n_by_edge && c->snaps[c->by_edge[k]].edge == e; k++) {
            int32_t i = c->by_edge[k];
            double fd = c->snaps[i].fraction;
            int fwd = f >= fd;
            if (f == fd || (fwd && (fl & PX_EDGE_FWD(c->mode))) || (!fwd && (fl & PX_EDGE_BWD(c->mode)))) {
                double tt = fabs(f - fd) * ec;
                if (tt <= cutoff_s) offer(c, i, tt);
            }
        }
    }
    for (size_t k = 0; k < c->n_dt; k++) {
        int32_t i = c->dtouched[k];
        if (!oom && pairs_push(pairs, (uint32_t)i, supply_index, c->dbest[i] / 60.0)) oom = 1;
        c->dbest[i] = INFINITY;
    }
    c->n_dt = 0;
    for (size_t t = 0; t < c->n_touched; t++)
        c->cost[c->touched[t]] = INFINITY;
    c->n_touched = 0;
    return oom ? px__error(c->ctx, PX_ENOMEM, "out of memory") : PX_OK;
}
