/*
 * Missing links: candidate links that would join two low-stress islands,
 * ranked by benefit per km with greedy re-evaluation.
 *
 * Candidates are (a) chains of higher-stress edges whose two ends lie on
 * different islands, the chain passing only through nodes with no other
 * edge (upgrading the chain, e.g. with a track, joins the islands), and (b)
 * straight gaps of at most gap_m between nodes of two islands that no chain
 * joins, one per island pair (the shortest).
 *
 * The benefit of a link from node u to node v of length L is the number of
 * resident-destination pairs it newly joins within the biking distance C:
 * residents o and destinations d (weighted by category) with low-stress
 * distance(o, u) + L + distance(v, d) <= C, plus the same from v to u.
 * Since u and v lie on different islands, every such pair is new. Ranking
 * is lazy greedy: an island-total upper bound orders the queue, exact
 * benefits are computed only for entries that reach the top, and after each
 * pick every candidate touching the merged island within reach of the new
 * link is re-queued with a fresh bound (its benefit may have grown: it now
 * reaches the other island too). A picked gap edge is appended to the graph
 * and searched as an extra edge; the graph is restored on return.
 * Not considered: links joining three or more islands at once, and the
 * detour rule of the connectivity score (the joined pairs had no low-stress
 * route at all before).
 */
#include "cycle_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct cand {
    int kind;
    int32_t a, b;
    double len;
    size_t first_edge, n_edges;
} cand;

typedef struct entry {
    double key;
    uint32_t cand;
    uint32_t stamp;
    int exact;
    double benefit;
} entry;

typedef struct state {
    px_ctx *ctx;
    px__cinput *in;
    const px__cparams *p;
    const px__cislands *isl;
    cand *c;
    size_t n_c, cap_c;
    uint32_t *cedges;
    size_t n_ce, cap_ce;
    entry *heap;
    size_t n_heap, cap_heap;
    int32_t *uf;          /* island union-find */
    uint32_t *cver;       /* per candidate: pick count when its benefit last changed */
    double *ipop, *idest; /* per island root: totals */
    double *node_pop, *node_dest;
    px__csearch *s1, *s2;
    double (*pa)[2], (*pb)[2];
    size_t cap_pairs;
} state;

static int32_t uf_find(int32_t *uf, int32_t v)
{
    while (uf[v] != v) {
        uf[v] = uf[uf[v]];
        v = uf[v];
    }
    return v;
}

static px_status push_cand(state *S, cand c)
{
    if (S->n_c == S->cap_c) {
        size_t cap = S->cap_c ? 2 * S->cap_c : 256;
        cand *nc = realloc(S->c, cap * sizeof *nc);
        if (!nc) return px__error(S->ctx, PX_ENOMEM, "out of memory");
        S->c = nc, S->cap_c = cap;
    }
    S->c[S->n_c++] = c;
    return PX_OK;
}

static px_status push_cedge(state *S, uint32_t e)
{
    if (S->n_ce == S->cap_ce) {
        size_t cap = S->cap_ce ? 2 * S->cap_ce : 1024;
        uint32_t *ne = realloc(S->cedges, cap * sizeof *ne);
        if (!ne) return px__error(S->ctx, PX_ENOMEM, "out of memory");
        S->cedges = ne, S->cap_ce = cap;
    }
    S->cedges[S->n_ce++] = e;
    return PX_OK;
}

static int high(const px__cgraph *g, size_t e, int max_low)
{
    return g->e_lts[e] > max_low;
}

/* (a) chains of higher-stress edges between two islands. */
static px_status find_chains(state *S)
{
    const px__cgraph *g = S->in->g;
    size_t nn = g->n_nodes, m = g->n_edges;
    int ml = S->p->max_low_stress;
    const int32_t *isl = S->isl->node;
    px_status rc = PX_OK;
    /* Incidence of higher-stress edges, and the degree over all bikeable edges. */
    uint32_t *off = calloc(nn + 2, sizeof *off), *deg = calloc(nn + 1, sizeof *deg);
    uint32_t *inc = malloc((2 * m + 1) * sizeof *inc);
    uint8_t *used = calloc(m + 1, 1);
    if (!off || !deg || !inc || !used) {
        rc = px__error(S->ctx, PX_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t e = 0; e < m; e++) {
        if (g->e_lts[e] == 0) continue;
        deg[g->e_from[e]]++, deg[g->e_to[e]]++;
        if (high(g, e, ml)) off[g->e_from[e] + 2]++, off[g->e_to[e] + 2]++;
    }
    for (size_t v = 0; v < nn; v++)
        off[v + 2] += off[v + 1];
    for (size_t e = 0; e < m; e++)
        if (g->e_lts[e] && high(g, e, ml))
            inc[off[g->e_from[e] + 1]++] = (uint32_t)e, inc[off[g->e_to[e] + 1]++] = (uint32_t)e;
    /* off[v]..off[v+1] now spans v's higher-stress edges. */
    for (size_t e0 = 0; e0 < m && rc == PX_OK; e0++) {
        if ((e0 & 65535) == 0 && (rc = px__progress(S->ctx, "cycle: link candidates", e0, m)) != PX_OK) break;
        if (!g->e_lts[e0] || !high(g, e0, ml) || used[e0]) continue;
        size_t first = S->n_ce;
        used[e0] = 1;
        rc = push_cedge(S, (uint32_t)e0);
        int32_t ends[2] = {g->e_from[e0], g->e_to[e0]};
        double len = g->e_len[e0];
        /* Walk outward from each end through pass-through nodes. */
        for (int side = 0; side < 2 && rc == PX_OK; side++) {
            int32_t v = ends[side];
            uint32_t prev = (uint32_t)e0;
            while (isl[v] < 0 && deg[v] == 2 && off[v + 1] - off[v] == 2) {
                uint32_t next = inc[off[v]] == prev ? inc[off[v] + 1] : inc[off[v]];
                if (used[next]) break; /* a ring of higher-stress edges */
                used[next] = 1;
                if ((rc = push_cedge(S, next)) != PX_OK) break;
                len += g->e_len[next];
                v = g->e_from[next] == v ? g->e_to[next] : g->e_from[next];
                prev = next;
            }
            ends[side] = v;
        }
        if (rc != PX_OK) break;
        int32_t ia = isl[ends[0]], ib = isl[ends[1]];
        if (ia < 0 || ib < 0 || ia == ib) {
            S->n_ce = first;
            continue;
        }
        /* An upgrade is taken to give a two-way facility, whatever the
         * one-way tags of the road: that is what a planner would build. */
        cand c = {.kind = 0,
                  .a = ends[0],
                  .b = ends[1],
                  .len = len,
                  .first_edge = first,
                  .n_edges = S->n_ce - first};
        rc = push_cand(S, c);
    }
done:
    free(off), free(deg), free(inc), free(used);
    return rc;
}

/* Open-addressing map from an island pair to a candidate slot. */
typedef struct pairmap {
    uint64_t *keys; /* 0 = empty; key = ((a+1) << 32) | (b+1) */
    int64_t *val;
    size_t cap;
} pairmap;

static int64_t *pm_slot(pairmap *m, uint64_t key)
{
    size_t i = (size_t)((key * 0x9E3779B97F4A7C15ull) >> 20) & (m->cap - 1);
    while (m->keys[i] && m->keys[i] != key)
        i = (i + 1) & (m->cap - 1);
    if (!m->keys[i]) m->keys[i] = key, m->val[i] = -1;
    return &m->val[i];
}

static uint64_t pair_key(int32_t a, int32_t b)
{
    if (a > b) {
        int32_t t = a;
        a = b, b = t;
    }
    return ((uint64_t)(uint32_t)(a + 1) << 32) | (uint32_t)(b + 1);
}

static int cmp_cell(const void *x, const void *y)
{
    const uint64_t *a = x, *b = y;
    return (a[0] > b[0]) - (a[0] < b[0]);
}

/* Grid cell of a point, as one sortable key (cells may be negative). */
static uint64_t cell_key(int64_t cx, int64_t cy)
{
    return ((uint64_t)(uint32_t)cx << 32) | (uint32_t)cy;
}

/* (b) straight gaps between islands no chain joins. */
static px_status find_gaps(state *S)
{
    const px__cgraph *g = S->in->g;
    const int32_t *isl = S->isl->node;
    double gap = S->p->gap_m;
    size_t nn = g->n_nodes, n_on = 0;
    for (size_t v = 0; v < nn; v++)
        n_on += isl[v] >= 0;
    if (gap <= 0 || n_on == 0) return PX_OK;
    px_status rc = PX_OK;
    pairmap pm = {0};
    pm.cap = 1024;
    while (pm.cap < 4 * (S->n_c + n_on))
        pm.cap *= 2;
    pm.keys = calloc(pm.cap, sizeof *pm.keys);
    pm.val = malloc(pm.cap * sizeof *pm.val);
    uint64_t(*cells)[2] = malloc((n_on + 1) * sizeof *cells); /* (cell key, node) sorted */
    if (!pm.keys || !pm.val || !cells) {
        rc = px__error(S->ctx, PX_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < S->n_c; i++)
        *pm_slot(&pm, pair_key(isl[S->c[i].a], isl[S->c[i].b])) = -2;
    size_t k = 0;
    for (size_t v = 0; v < nn; v++) {
        if (isl[v] < 0) continue;
        int64_t cx = (int64_t)floor(g->x[v] / gap), cy = (int64_t)floor(g->y[v] / gap);
        cells[k][0] = cell_key(cx, cy);
        cells[k++][1] = (uint64_t)v;
    }
    qsort(cells, k, sizeof *cells, cmp_cell);
    for (size_t i = 0; i < k && rc == PX_OK; i++) {
        if ((i & 65535) == 0 && (rc = px__progress(S->ctx, "cycle: gap candidates", i, k)) != PX_OK) break;
        int32_t u = (int32_t)cells[i][1];
        int64_t cx = (int64_t)floor(g->x[u] / gap), cy = (int64_t)floor(g->y[u] / gap);
        for (int dx = -1; dx <= 1; dx++)
            for (int dy = -1; dy <= 1 && rc == PX_OK; dy++) {
                uint64_t key = cell_key(cx + dx, cy + dy);
                /* Binary search for the first entry of that cell. */
                size_t lo = 0, hi = k;
                while (lo < hi) {
                    size_t mid = (lo + hi) / 2;
                    if (cells[mid][0] < key)
                        lo = mid + 1;
                    else
                        hi = mid;
                }
                for (size_t j = lo; j < k && cells[j][0] == key; j++) {
                    int32_t w = (int32_t)cells[j][1];
                    if (isl[w] <= isl[u]) continue; /* each pair once, never within an island */
                    double d = hypot(g->x[w] - g->x[u], g->y[w] - g->y[u]);
                    if (d > gap) continue;
                    int64_t *slot = pm_slot(&pm, pair_key(isl[u], isl[w]));
                    if (*slot == -2) continue; /* a chain already joins these islands */
                    if (*slot >= 0) {
                        cand *c = &S->c[*slot];
                        if (d < c->len) c->a = u, c->b = w, c->len = d;
                        continue;
                    }
                    cand c = {.kind = 1, .a = u, .b = w, .len = d};
                    *slot = (int64_t)S->n_c;
                    rc = push_cand(S, c);
                }
            }
    }
done:
    free(pm.keys), free(pm.val), free(cells);
    return rc;
}

/* Pairs (origin, destination) with dist_o + dist_d <= budget, weighted:
 * sum of pop * dest. Both lists sorted by distance ascending. */
static double count_pairs(double (*o)[2], size_t no, double (*d)[2], size_t nd, double budget)
{
    /* prefix sums of destination weight */
    double total = 0, acc = 0;
    size_t j = nd;
    for (size_t i = 0; i < nd; i++)
        acc += d[i][1];
    /* walk origins nearest first; the destination pointer only moves back */
    for (size_t i = 0; i < no; i++) {
        while (j > 0 && o[i][0] + d[j - 1][0] > budget + 1e-9)
            acc -= d[--j][1];
        if (j == 0) break;
        total += o[i][1] * acc;
    }
    return total;
}

static int cmp_pair(const void *x, const void *y)
{
    const double *a = x, *b = y;
    return (a[0] > b[0]) - (a[0] < b[0]);
}

/* Collect (distance, weight) of the nodes the last search reached. */
static size_t collect(const px__csearch *s, const double *w, double (*out)[2])
{
    size_t n = 0;
    for (size_t t = 0; t < s->n_touched; t++) {
        int32_t v = s->touched[t];
        if (w[v] > 0) out[n][0] = s->dist[v], out[n++][1] = w[v];
    }
    qsort(out, n, sizeof *out, cmp_pair);
    return n;
}

static double exact_benefit(state *S, const cand *c)
{
    double budget = S->p->bike_distance_m - c->len;
    if (budget < 0) return 0;
    const px__cgraph *g = S->in->g;
    int ml = S->p->max_low_stress;
    double total = 0;
    for (int dir = 0; dir < 2; dir++) {
        int32_t from = dir ? c->b : c->a, to = dir ? c->a : c->b;
        px__csearch_run(S->s1, g, &from, NULL, 1, ml, PX__DIR_IN, budget);
        px__csearch_run(S->s2, g, &to, NULL, 1, ml, PX__DIR_OUT, budget);
        size_t no = collect(S->s1, S->node_pop, S->pa);
        size_t nd = collect(S->s2, S->node_dest, S->pb);
        total += count_pairs(S->pa, no, S->pb, nd, budget);
    }
    return total;
}

static double upper_bound(state *S, const cand *c)
{
    int32_t A = uf_find(S->uf, S->isl->node[c->a]), B = uf_find(S->uf, S->isl->node[c->b]);
    if (A == B) return 0;
    return S->ipop[A] * S->idest[B] + S->ipop[B] * S->idest[A];
}

static px_status heap_push(state *S, entry e)
{
    if (S->n_heap == S->cap_heap) {
        size_t cap = S->cap_heap ? 2 * S->cap_heap : 256;
        entry *nh = realloc(S->heap, cap * sizeof *nh);
        if (!nh) return px__error(S->ctx, PX_ENOMEM, "out of memory");
        S->heap = nh, S->cap_heap = cap;
    }
    size_t i = S->n_heap++;
    while (i > 0 && S->heap[(i - 1) / 2].key < e.key) {
        S->heap[i] = S->heap[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    S->heap[i] = e;
    return PX_OK;
}

static entry heap_pop(state *S)
{
    entry top = S->heap[0], last = S->heap[--S->n_heap];
    size_t i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= S->n_heap) break;
        if (c + 1 < S->n_heap && S->heap[c + 1].key > S->heap[c].key) c++;
        if (S->heap[c].key <= last.key) break;
        S->heap[i] = S->heap[c];
        i = c;
    }
    if (S->n_heap) S->heap[i] = last;
    return top;
}

/* Is an end of candidate o within `reach` metres (straight) of an end of c? */
static int near(const px__cgraph *g, const cand *o, const cand *c, double reach)
{
    int32_t oe[2] = {o->a, o->b}, ce[2] = {c->a, c->b};
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 2; j++)
            if (hypot(g->x[oe[i]] - g->x[ce[j]], g->y[oe[i]] - g->y[ce[j]]) <= reach) return 1;
    return 0;
}

static double per_km(double benefit, double len)
{
    return benefit / fmax(len / 1000.0, 0.001);
}

void px__clinks_clear(px__clinks *l)
{
    if (!l) return;
    free(l->links), free(l->edges);
    memset(l, 0, sizeof *l);
}

/* Apply a picked link to the graph (lower upgrades to LTS 1, two-way; add a
 * gap edge) and merge its islands. Undone by restore(). */
static px_status apply(state *S, const cand *c, uint8_t *saved)
{
    px__cgraph *g = S->in->g;
    px_status rc = PX_OK;
    int reindex = 0; /* a gap edge is searchable as appended; only new arc directions need a rebuild */
    if (c->kind == 0) {
        for (size_t k = 0; k < c->n_edges; k++) {
            uint32_t e = S->cedges[c->first_edge + k];
            saved[3 * e] = g->e_lts[e], saved[3 * e + 1] = g->e_fwd[e], saved[3 * e + 2] = g->e_bwd[e];
            reindex |= !g->e_fwd[e] || !g->e_bwd[e];
            g->e_lts[e] = 1, g->e_fwd[e] = g->e_bwd[e] = 1;
        }
    } else {
        rc = px__cgraph_add_edge(S->ctx, g, c->a, c->b, c->len, 1, 1, 1, PX_CYCLE_TRACK, -1);
    }
    if (rc == PX_OK && reindex) rc = px__cgraph_index(S->ctx, g);
    int32_t A = uf_find(S->uf, S->isl->node[c->a]), B = uf_find(S->uf, S->isl->node[c->b]);
    if (rc == PX_OK && A != B) {
        S->uf[B] = A;
        S->ipop[A] += S->ipop[B], S->idest[A] += S->idest[B];
    }
    return rc;
}

px_status px__cycle_links(px_ctx *ctx, px__cinput *in, const px__cparams *p, const px__cislands *isl,
                          px__clinks *out)
{
    px__cgraph *g = in->g;
    size_t nn = g->n_nodes, m0 = g->n_edges, ni = isl->n;
    state S = {.ctx = ctx, .in = in, .p = p, .isl = isl};
    px__clinks res = {0};
    uint8_t *saved = NULL;
    px_status rc = find_chains(&S);
    if (rc == PX_OK) rc = find_gaps(&S);
    if (rc != PX_OK) goto done;
    S.uf = malloc((ni + 1) * sizeof *S.uf);
    S.cver = calloc(S.n_c + 1, sizeof *S.cver);
    S.ipop = malloc((ni + 1) * sizeof *S.ipop);
    S.idest = malloc((ni + 1) * sizeof *S.idest);
    S.node_pop = calloc(nn + 1, sizeof *S.node_pop);
    S.node_dest = calloc(nn + 1, sizeof *S.node_dest);
    S.pa = malloc((nn + 1) * sizeof *S.pa);
    S.pb = malloc((nn + 1) * sizeof *S.pb);
    saved = malloc(3 * m0 + 3);
    res.links = calloc((size_t)p->top_links + 1, sizeof *res.links);
    if (!S.uf || !S.cver || !S.ipop || !S.idest || !S.node_pop || !S.node_dest || !S.pa || !S.pb || !saved ||
        !res.links) {
        rc = px__error(ctx, PX_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < ni; i++)
        S.uf[i] = (int32_t)i, S.ipop[i] = isl->pop[i], S.idest[i] = isl->n_dest[i];
    for (size_t o = 0; o < in->n_origins; o++)
        S.node_pop[in->origins[o].node] += in->origins[o].pop;
    for (size_t d = 0; d < in->n_dests; d++)
        S.node_dest[in->dests[d].node] += in->cat_weights[in->dests[d].cat];
    if ((rc = px__csearch_new(ctx, g, &S.s1)) != PX_OK || (rc = px__csearch_new(ctx, g, &S.s2)) != PX_OK)
        goto done;
    res.n_candidates = S.n_c;
    for (size_t i = 0; i < S.n_c && rc == PX_OK; i++) {
        double ub = upper_bound(&S, &S.c[i]);
        if (ub > 0) rc = heap_push(&S, (entry){per_km(ub, S.c[i].len), (uint32_t)i, 0, 0, ub});
    }
    uint32_t picks = 0;
    size_t steps = 0;
    while (rc == PX_OK && S.n_heap && picks < (uint32_t)p->top_links) {
        if ((++steps & 31) == 0 &&
            (rc = px__progress(ctx, "cycle missing links", picks, (uint64_t)p->top_links)))
            break;
        entry e = heap_pop(&S);
        const cand *c = &S.c[e.cand];
        int32_t A = uf_find(S.uf, isl->node[c->a]), B = uf_find(S.uf, isl->node[c->b]);
        if (A == B) continue;
        if (e.stamp < S.cver[e.cand]) continue; /* superseded by a fresh entry */
        if (!e.exact) {
            double b = exact_benefit(&S, c);
            if (b > 0) rc = heap_push(&S, (entry){per_km(b, c->len), e.cand, picks, 1, b});
            continue;
        }
        px__clink *l = &res.links[res.n++];
        *l = (px__clink){.kind = c->kind,
                         .a = c->a,
                         .b = c->b,
                         .length_m = c->len,
                         .benefit = e.benefit,
                         .island_a = isl->node[c->a],
                         .island_b = isl->node[c->b],
                         .first_edge = c->first_edge,
                         .n_edges = c->n_edges};
        rc = apply(&S, c, saved);
        picks++;
        /* A candidate touching the merged island may now be worth more: its
         * searches can cross the new link. Only if an end of it lies within
         * the biking distance (plus the link's length) of the link's ends,
         * as the crow flies, since network distances are never shorter;
         * those get a fresh upper bound and their older entries go stale.
         * The others keep their entries: their benefit has not changed, so
         * an older bound still bounds it. */
        int32_t M = uf_find(S.uf, isl->node[c->a]);
        double reach = p->bike_distance_m + c->len;
        for (size_t i = 0; i < S.n_c && rc == PX_OK; i++) {
            const cand *o = &S.c[i];
            int32_t oa = uf_find(S.uf, isl->node[o->a]), ob = uf_find(S.uf, isl->node[o->b]);
            if (oa == ob || (oa != M && ob != M) || !near(g, o, c, reach)) continue;
            S.cver[i] = picks;
            double ub = upper_bound(&S, o);
            if (ub > 0) rc = heap_push(&S, (entry){per_km(ub, o->len), (uint32_t)i, picks, 0, ub});
        }
    }
    if (rc != PX_OK) goto done;
    /* The upgrade links keep their edge lists: copy those of the picks. */
    size_t n_e = 0;
    for (size_t i = 0; i < res.n; i++)
        n_e += res.links[i].n_edges;
    res.edges = malloc((n_e + 1) * sizeof *res.edges);
    if (!res.edges) {
        rc = px__error(ctx, PX_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < res.n; i++) {
        px__clink *l = &res.links[i];
        /* Gap links have no network edges (and cedges may be NULL). */
        if (l->n_edges)
            memcpy(res.edges + res.n_edge_ids, S.cedges + l->first_edge, l->n_edges * sizeof *res.edges);
        l->first_edge = res.n_edge_ids;
        res.n_edge_ids += l->n_edges;
    }
    *out = res;
    memset(&res, 0, sizeof res);
done:
    /* Undo the picks on the graph, newest first so a twice-touched edge
     * gets its original values back. */
    for (size_t i = res.n; i-- > 0;) {
        const px__clink *l = &res.links[i];
        for (size_t k = 0; l->kind == 0 && k < l->n_edges; k++) {
            uint32_t e = S.cedges[l->first_edge + k];
            g->e_lts[e] = saved[3 * e], g->e_fwd[e] = saved[3 * e + 1], g->e_bwd[e] = saved[3 * e + 2];
        }
    }
    if (rc == PX_OK && out->n) {
        for (size_t i = out->n; i-- > 0;) {
            const px__clink *l = &out->links[i];
            for (size_t k = 0; l->kind == 0 && k < l->n_edges; k++) {
                uint32_t e = out->edges[l->first_edge + k];
                g->e_lts[e] = saved[3 * e], g->e_fwd[e] = saved[3 * e + 1], g->e_bwd[e] = saved[3 * e + 2];
            }
        }
    }
    /* The adjacency must be rebuilt when an upgrade changed directions (the
     * index then also holds gap edges); otherwise dropping the appended
     * gap edges is enough. */
    int changed = g->n_indexed > m0;
    for (size_t i = 0; !changed && i < res.n; i++)
        changed = res.links[i].kind == 0;
    for (size_t i = 0; !changed && rc == PX_OK && i < out->n; i++)
        changed = out->links[i].kind == 0;
    if (!changed) px__cgraph_truncate(g, m0);
    g->n_edges = m0;
    if (changed) {
        px_status ri = px__cgraph_index(ctx, g);
        if (rc == PX_OK) rc = ri;
    }
    px__clinks_clear(&res);
    px__csearch_free(S.s1), px__csearch_free(S.s2);
    free(S.c), free(S.cedges), free(S.heap), free(S.uf), free(S.cver), free(S.ipop), free(S.idest);
    free(S.node_pop), free(S.node_dest), free(S.pa), free(S.pb), free(saved);
    return rc;
}
