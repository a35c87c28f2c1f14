/*
 * The in-memory graph: allocation, CSR adjacency per mode and direction,
 * connected components, accessors, and px_graph_from_edges. Loading from the
 * store is in graph_load.c; snapping in snap.c; searches in search*.c.
 * This file leaves out any notion of geometry beyond node coordinates: every
 * edge is a straight segment between its two nodes.
 */
#include "net_int.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const mode_names[PX_MODE_COUNT] = {"walk", "bike"};

const char *px_mode_name(px_mode mode) { return (unsigned)mode < PX_MODE_COUNT ? mode_names[mode] : ""; }

px_status px_mode_lookup(const char *name, px_mode *out)
{
    for (int m = 0; m < PX_MODE_COUNT; m++)
        if (name && out && !strcmp(name, mode_names[m])) {
            *out = (px_mode)m;
            return PX_OK;
        }
    return PX_ENOTFOUND;
}

px_status px_modes_check(px_ctx *ctx, const char *what, unsigned modes)
{
    if (modes >> PX_MODE_COUNT)
        return px__error(ctx, PX_EARG, "%s: unknown mode bit %#x (known: walk, bike)", what ? what : "modes",
                         modes & ~((1u << PX_MODE_COUNT) - 1));
    return PX_OK;
}

px_status px_modes_parse(px_ctx *ctx, const char *list, unsigned *modes)
{
    if (!list || !modes) return px__error(ctx, PX_EINVAL, "px_modes_parse: NULL argument");
    unsigned bits = 0;
    const char *p = list;
    for (;;) {
        const char *e = strchr(p, ',');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        int found = -1;
        for (int m = 0; m < PX_MODE_COUNT && found < 0; m++)
            if (strlen(mode_names[m]) == n && !strncmp(p, mode_names[m], n)) found = m;
        if (found < 0) return px__error(ctx, PX_EARG, "unknown mode '%.*s' (known: walk, bike)", (int)n, p);
        bits |= 1u << found;
        if (!e) break;
        p = e + 1;
    }
    *modes = bits;
    return PX_OK;
}

px_status px__graph_alloc(px_ctx *ctx, size_t n_nodes, size_t n_edges, px_graph **out)
{
    if (n_nodes > INT32_MAX / 2 || n_edges > INT32_MAX / 4)
        return px__error(ctx, PX_EDOMAIN, "network: too large (%zu nodes, %zu edges)", n_nodes, n_edges);
    px_graph *g = calloc(1, sizeof *g);
    if (!g) return px__error(ctx, PX_ENOMEM, "network: out of memory");
    g->n_nodes = (int32_t)n_nodes;
    g->n_edges = (int32_t)n_edges;
    size_t nn = n_nodes ? n_nodes : 1, ne = n_edges ? n_edges : 1;
    g->xy = calloc(2 * nn, sizeof *g->xy);
    g->comp = calloc(nn, sizeof *g->comp);
    g->efrom = calloc(ne, sizeof *g->efrom);
    g->eto = calloc(ne, sizeof *g->eto);
    g->elen = calloc(ne, sizeof *g->elen);
    g->eflags = calloc(ne, sizeof *g->eflags);
    g->efid = calloc(ne, sizeof *g->efid);
    int ok = g->xy && g->comp && g->efrom && g->eto && g->elen && g->eflags && g->efid;
    for (int m = 0; m < PX_MODE_COUNT; m++) {
        g->ecost[m] = calloc(ne, sizeof *g->ecost[m]);
        ok = ok && g->ecost[m];
    }
    if (!ok) {
        px_graph_free(g);
        return px__error(ctx, PX_ENOMEM, "network: out of memory");
    }
    *out = g;
    return PX_OK;
}

static void csr_free(px__csr *c)
{
    free(c->off);
    free(c->arc);
    free(c->edge);
    memset(c, 0, sizeof *c);
}

void px_graph_free(px_graph *g)
{
    if (!g) return;
    free(g->xy);
    free(g->comp);
    free(g->efrom);
    free(g->eto);
    free(g->elen);
    free(g->eflags);
    free(g->efid);
    for (int m = 0; m < PX_MODE_COUNT; m++) {
        free(g->ecost[m]);
        csr_free(&g->csr[m][0]);
        csr_free(&g->csr[m][1]);
    }
    px__grid_free(&g->grid);
    free(g);
}

/* Counting sort of the allowed (u -> v) moves of `mode` into a CSR. For the
 * reverse direction an allowed move a -> b is stored at b, pointing to a. */
px_status px__csr_build(px_graph *g, px_mode mode, px_direction dir)
{
    px__csr *c = &g->csr[mode][dir];
    unsigned fwd = PX_EDGE_FWD(mode), bwd = PX_EDGE_BWD(mode);
    c->off = px__calloc_big((size_t)g->n_nodes + 2, sizeof *c->off);
    if (!c->off) return PX_ENOMEM;
    size_t n = 0;
    for (int32_t e = 0; e < g->n_edges; e++) {
        /* Move from -> to is allowed by fwd, to -> from by bwd. Outbound CSR
         * stores a move at its start; the reverse CSR at its end. */
        if (g->eflags[e] & fwd) c->off[(dir == PX_DIR_FROM_SOURCES ? g->efrom[e] : g->eto[e]) + 1]++, n++;
        if (g->eflags[e] & bwd) c->off[(dir == PX_DIR_FROM_SOURCES ? g->eto[e] : g->efrom[e]) + 1]++, n++;
    }
    for (int32_t u = 0; u < g->n_nodes; u++) c->off[u + 1] += c->off[u];
    size_t cap = n ? n : 1;
    c->arc = px__alloc_big(cap * sizeof *c->arc);
    c->edge = px__alloc_big(cap * sizeof *c->edge);
    int32_t *fill = malloc(((size_t)g->n_nodes + 1) * sizeof *fill);
    if (!c->arc || !c->edge || !fill) {
        free(fill);
        return PX_ENOMEM;
    }
    memcpy(fill, c->off, ((size_t)g->n_nodes + 1) * sizeof *fill);
    for (int32_t e = 0; e < g->n_edges; e++) {
        int32_t a = g->efrom[e], b = g->eto[e];
        for (int side = 0; side < 2; side++) {
            if (!(g->eflags[e] & (side == 0 ? fwd : bwd))) continue;
            int32_t start = side == 0 ? a : b, end = side == 0 ? b : a;
            int32_t at = dir == PX_DIR_FROM_SOURCES ? start : end;
            int32_t other = dir == PX_DIR_FROM_SOURCES ? end : start;
            int32_t i = fill[at]++;
            c->arc[i] = (px__arc){other, g->ecost[mode][e]};
            c->edge[i] = e;
        }
    }
    free(fill);
    return PX_OK;
}

px_status px__graph_finish(px_ctx *ctx, px_graph *g)
{
    px_status rc = px__graph_index(g, PX__INDEX_ALL, 2);
    if (rc == PX_EINVAL) return px__error(ctx, rc, "network: an edge has a node out of range");
    if (rc != PX_OK) return px__error(ctx, rc, "network: out of memory");
    return PX_OK;
}

px_status px_graph_from_edges(px_ctx *ctx, size_t n_nodes, const double *node_xy, size_t n_edges,
                              const px_graph_edge *edges, px_graph **out)
{
    if (!out || (n_nodes && !node_xy) || (n_edges && !edges))
        return px__error(ctx, PX_EINVAL, "px_graph_from_edges: NULL argument");
    for (size_t e = 0; e < n_edges; e++) {
        const px_graph_edge *ed = &edges[e];
        if (ed->from < 0 || (size_t)ed->from >= n_nodes || ed->to < 0 || (size_t)ed->to >= n_nodes)
            return px__error(ctx, PX_EINVAL, "px_graph_from_edges: edge %zu: node out of range", e);
        if (!(ed->walk_s >= 0) || !(ed->bike_s >= 0) || !(ed->length_m >= 0))
            return px__error(ctx, PX_EINVAL, "px_graph_from_edges: edge %zu: negative or NaN cost", e);
    }
    px_graph *g = NULL;
    px_status rc = px__graph_alloc(ctx, n_nodes, n_edges, &g);
    if (rc != PX_OK) return rc;
    if (n_nodes) memcpy(g->xy, node_xy, 2 * n_nodes * sizeof *g->xy);
    for (size_t e = 0; e < n_edges; e++) {
        g->efrom[e] = edges[e].from;
        g->eto[e] = edges[e].to;
        g->elen[e] = edges[e].length_m;
        g->ecost[PX_MODE_WALK][e] = (float)edges[e].walk_s;
        g->ecost[PX_MODE_BIKE][e] = (float)edges[e].bike_s;
        g->eflags[e] = (uint8_t)(edges[e].flags & 0xf);
        g->efid[e] = edges[e].fid;
    }
    rc = px__graph_finish(ctx, g);
    if (rc != PX_OK) {
        px_graph_free(g);
        return rc;
    }
    *out = g;
    return PX_OK;
}

size_t px_graph_n_nodes(const px_graph *g) { return g ? (size_t)g->n_nodes : 0; }
size_t px_graph_n_edges(const px_graph *g) { return g ? (size_t)g->n_edges : 0; }

int64_t px_graph_edge_fid(const px_graph *g, size_t e)
{
    assert(e < (size_t)g->n_edges);
    return g->efid[e];
}

void px_graph_edge_nodes(const px_graph *g, size_t e, int32_t *from, int32_t *to)
{
    assert(e < (size_t)g->n_edges);
    if (from) *from = g->efrom[e];
    if (to) *to = g->eto[e];
}

double px_graph_edge_length_m(const px_graph *g, size_t e)
{
    assert(e < (size_t)g->n_edges);
    return g->elen[e];
}

double px_graph_edge_cost_s(const px_graph *g, size_t e, px_mode mode)
{
    assert(e < (size_t)g->n_edges && (unsigned)mode < PX_MODE_COUNT);
    return g->ecost[mode][e];
}

unsigned px_graph_edge_flags(const px_graph *g, size_t e)
{
    assert(e < (size_t)g->n_edges);
    return g->eflags[e];
}

void px_graph_node_xy(const px_graph *g, size_t node, double *x, double *y)
{
    assert(node < (size_t)g->n_nodes);
    if (x) *x = g->xy[2 * node];
    if (y) *y = g->xy[2 * node + 1];
}

int32_t px_graph_node_component(const px_graph *g, size_t node)
{
    assert(node < (size_t)g->n_nodes);
    return g->comp[node];
}
