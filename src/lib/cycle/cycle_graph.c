/*
 * The cycle analyses' graph: a compact edge list with CSR adjacency in both
 * directions, and a bounded Dijkstra on distance restricted to edges up to a
 * given LTS. It is deliberately separate from the net module's px_graph: the
 * cycle analyses route on metres (not seconds), switch the usable LTS per
 * search, add planned links on the fly, and run one search state per thread.
 */
#include "cycle_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

px_status px__cgraph_new(px_ctx *ctx, size_t n_nodes, px__cgraph **out)
{
    px__cgraph *g = calloc(1, sizeof *g);
    if (!g) return px__error(ctx, PX_ENOMEM, "out of memory");
    g->n_nodes = n_nodes;
    g->x = calloc(n_nodes + 1, sizeof *g->x);
    g->y = calloc(n_nodes + 1, sizeof *g->y);
    if (!g->x || !g->y) {
        px__cgraph_free(g);
        return px__error(ctx, PX_ENOMEM, "out of memory");
    }
    *out = g;
    return PX_OK;
}

void px__cgraph_free(px__cgraph *g)
{
    if (!g) return;
    free(g->x), free(g->y);
    free(g->e_from), free(g->e_to), free(g->e_len), free(g->e_fwd), free(g->e_bwd);
    free(g->e_lts), free(g->e_fac), free(g->e_fid);
    free(g->out_off), free(g->out_edge), free(g->out_to);
    free(g->in_off), free(g->in_edge), free(g->in_from);
    free(g->has_extra);
    free(g);
}

#define GROW(p, n)                                                                                           \
    do {                                                                                                     \
        void *np_ = realloc((p), (n) * sizeof *(p));                                                         \
        if (!np_) return px__error(ctx, PX_ENOMEM, "out of memory");                                         \
        (p) = np_;                                                                                           \
    } while (0)

px_status px__cgraph_add_edge(px_ctx *ctx, px__cgraph *g, int32_t from, int32_t to, double len_m, int fwd,
                              int bwd, int lts, int fac, int64_t fid)
{
    if (from < 0 || to < 0 || (size_t)from >= g->n_nodes || (size_t)to >= g->n_nodes || !(len_m >= 0))
        return px__error(ctx, PX_EDOMAIN, "cycle: edge %d-%d (%.1f m) outside the graph", from, to, len_m);
    if (g->n_edges == g->cap_edges) {
        size_t cap = g->cap_edges ? 2 * g->cap_edges : 1024;
        GROW(g->e_from, cap);
        GROW(g->e_to, cap);
        GROW(g->e_len, cap);
        GROW(g->e_fwd, cap);
        GROW(g->e_bwd, cap);
        GROW(g->e_lts, cap);
        GROW(g->e_fac, cap);
        GROW(g->e_fid, cap);
        g->cap_edges = cap;
    }
    size_t e = g->n_edges++;
    g->e_from[e] = from;
    g->e_to[e] = to;
    g->e_len[e] = len_m;
    g->e_fwd[e] = (uint8_t)(fwd != 0);
    g->e_bwd[e] = (uint8_t)(bwd != 0);
    g->e_lts[e] = (uint8_t)lts;
    g->e_fac[e] = (uint8_t)fac;
    g->e_fid[e] = fid;
    if (g->out_off) {
        if (!g->has_extra && !(g->has_extra = calloc(g->n_nodes + 1, 1))) {
            g->n_edges--;
            return px__error(ctx, PX_ENOMEM, "out of memory");
        }
        g->has_extra[from] = g->has_extra[to] = 1;
    }
    return PX_OK;
}

void px__cgraph_truncate(px__cgraph *g, size_t n)
{
    if (n < g->n_indexed || n >= g->n_edges) return;
    for (size_t e = g->n_indexed; e < g->n_edges; e++)
        if (g->has_extra) g->has_extra[g->e_from[e]] = g->has_extra[g->e_to[e]] = 0;
    g->n_edges = n;
    /* Endpoints of the edges that stay appended keep their mark. */
    for (size_t e = g->n_indexed; e < n; e++)
        g->has_extra[g->e_from[e]] = g->has_extra[g->e_to[e]] = 1;
}

px_status px__cgraph_index(px_ctx *ctx, px__cgraph *g)
{
    size_t n = g->n_nodes, m = g->n_edges;
    uint32_t *oo = calloc(n + 1, sizeof *oo), *io = calloc(n + 1, sizeof *io);
    uint32_t *oe = malloc((2 * m + 1) * sizeof *oe), *ie = malloc((2 * m + 1) * sizeof *ie);
    int32_t *ot = malloc((2 * m + 1) * sizeof *ot), *it = malloc((2 * m + 1) * sizeof *it);
    if (!oo || !io || !oe || !ie || !ot || !it) {
        free(oo), free(io), free(oe), free(ie), free(ot), free(it);
        return px__error(ctx, PX_ENOMEM, "out of memory");
    }
    /* Count, prefix-sum, fill: an arc u->v exists for each allowed direction. */
    for (size_t e = 0; e < m; e++) {
        if (g->e_fwd[e]) oo[g->e_from[e] + 1]++, io[g->e_to[e] + 1]++;
        if (g->e_bwd[e]) oo[g->e_to[e] + 1]++, io[g->e_from[e] + 1]++;
    }
    for (size_t u = 0; u < n; u++)
        oo[u + 1] += oo[u], io[u + 1] += io[u];
    uint32_t *fo = malloc((n + 1) * sizeof *fo), *fi = malloc((n + 1) * sizeof *fi);
    if (!fo || !fi) {
        free(oo), free(io), free(oe), free(ie), free(ot), free(it), free(fo), free(fi);
        return px__error(ctx, PX_ENOMEM, "out of memory");
    }
    memcpy(fo, oo, (n + 1) * sizeof *fo);
    memcpy(fi, io, (n + 1) * sizeof *fi);
    for (size_t e = 0; e < m; e++) {
        int32_t a = g->e_from[e], b = g->e_to[e];
        if (g->e_fwd[e]) {
            oe[fo[a]] = (uint32_t)e, ot[fo[a]++] = b;
            ie[fi[b]] = (uint32_t)e, it[fi[b]++] = a;
        }
        if (g->e_bwd[e]) {
            oe[fo[b]] = (uint32_t)e, ot[fo[b]++] = a;
            ie[fi[a]] = (uint32_t)e, it[fi[a]++] = b;
        }
    }
    free(fo), free(fi);
    free(g->out_off), free(g->out_edge), free(g->out_to);
    free(g->in_off), free(g->in_edge), free(g->in_from);
    g->out_off = oo, g->out_edge = oe, g->out_to = ot;
    g->in_off = io, g->in_edge = ie, g->in_from = it;
    g->n_indexed = m;
    if (g->has_extra) memset(g->has_extra, 0, g->n_nodes);
    return PX_OK;
}

px_status px__csearch_new(px_ctx *ctx, const px__cgraph *g, px__csearch **out)
{
    px__csearch *s = calloc(1, sizeof *s);
    size_t n = g->n_nodes + 1;
    if (s) {
        s->n = g->n_nodes;
        s->dist = malloc(n * sizeof *s->dist);
        s->touched = malloc(n * sizeof *s->touched);
        s->heap = malloc(n * sizeof *s->heap);
        s->pos = malloc(n * sizeof *s->pos);
    }
    if (!s || !s->dist || !s->touched || !s->heap || !s->pos) {
        px__csearch_free(s);
        return px__error(ctx, PX_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < n; i++)
        s->dist[i] = INFINITY, s->pos[i] = -1;
    *out = s;
    return PX_OK;
}

void px__csearch_free(px__csearch *s)
{
    if (!s) return;
    free(s->dist), free(s->touched), free(s->heap), free(s->pos);
    free(s);
}

static void heap_up(px__csearch *s, size_t i)
{
    int32_t v = s->heap[i];
    double d = s->dist[v];
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (s->dist[s->heap[p]] <= d) break;
        s->heap[i] = s->heap[p];
        s->pos[s->heap[i]] = (int32_t)i;
        i = p;
    }
    s->heap[i] = v;
    s->pos[v] = (int32_t)i;
}

static int32_t heap_pop(px__csearch *s)
{
    int32_t top = s->heap[0];
    s->pos[top] = -1;
    int32_t last = s->heap[--s->n_heap];
    if (s->n_heap == 0) return top;
    double d = s->dist[last];
    size_t i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= s->n_heap) break;
        if (c + 1 < s->n_heap && s->dist[s->heap[c + 1]] < s->dist[s->heap[c]]) c++;
        if (s->dist[s->heap[c]] >= d) break;
        s->heap[i] = s->heap[c];
        s->pos[s->heap[i]] = (int32_t)i;
        i = c;
    }
    s->heap[i] = last;
    s->pos[last] = (int32_t)i;
    return top;
}

static void relax(px__csearch *s, int32_t v, double d)
{
    if (d >= s->dist[v]) return;
    if (s->dist[v] == INFINITY) s->touched[s->n_touched++] = v;
    s->dist[v] = d;
    if (s->pos[v] < 0) {
        s->heap[s->n_heap] = v;
        s->pos[v] = (int32_t)s->n_heap++;
    }
    heap_up(s, (size_t)s->pos[v]);
}

/* The appended edges at node u, walked as the CSR would: outward along
 * allowed directions, or inward (the arcs that enter u). Few (picked links). */
static void extra_arcs(px__csearch *s, const px__cgraph *g, int32_t u, double du, int inward, int max_lts,
                       double cutoff_m)
{
    for (size_t e = g->n_indexed; e < g->n_edges; e++) {
        if (g->e_lts[e] == 0 || g->e_lts[e] > max_lts) continue;
        double dv = du + g->e_len[e];
        if (dv > cutoff_m) continue;
        /* From u along the edge: forward when u is its start; inward the roles swap. */
        if (g->e_from[e] == u && (inward ? g->e_bwd[e] : g->e_fwd[e])) relax(s, g->e_to[e], dv);
        if (g->e_to[e] == u && (inward ? g->e_fwd[e] : g->e_bwd[e])) relax(s, g->e_from[e], dv);
    }
}

void px__csearch_run(px__csearch *s, const px__cgraph *g, const int32_t *src, const double *src_d,
                     size_t n_src, int max_lts, int dir, double cutoff_m)
{
    for (size_t i = 0; i < s->n_touched; i++)
        s->dist[s->touched[i]] = INFINITY;
    for (size_t i = 0; i < s->n_heap; i++)
        s->pos[s->heap[i]] = -1;
    s->n_touched = s->n_heap = 0;
    for (size_t i = 0; i < n_src; i++) {
        double d = src_d ? src_d[i] : 0.0;
        if (d <= cutoff_m) relax(s, src[i], d);
    }
    const uint8_t *lts = g->e_lts;
    while (s->n_heap) {
        int32_t u = heap_pop(s);
        double du = s->dist[u];
        for (int pass = 0; pass < 2; pass++) {
            int inward = dir == PX__DIR_IN || (dir == PX__DIR_BOTH && pass == 1);
            if (pass == 1 && dir != PX__DIR_BOTH) break;
            const uint32_t *off = inward ? g->in_off : g->out_off;
            const uint32_t *edge = inward ? g->in_edge : g->out_edge;
            const int32_t *to = inward ? g->in_from : g->out_to;
            for (uint32_t a = off[u]; a < off[u + 1]; a++) {
                uint32_t e = edge[a];
                if (lts[e] == 0 || lts[e] > max_lts) continue;
                double dv = du + g->e_len[e];
                if (dv <= cutoff_m) relax(s, to[a], dv);
            }
            if (g->has_extra && g->has_extra[u]) extra_arcs(s, g, u, du, inward, max_lts, cutoff_m);
        }
    }
}
