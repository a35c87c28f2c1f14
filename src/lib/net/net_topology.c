/*
 * Second step of the network build: which vertices are the same node.
 * 1. Vertices at exactly the same coordinates are one node (OSM ways share
 *    their junction vertices), except that INNER vertices on different
 *    vertical layers stay apart (a bridge crossing a road without a junction).
 *    A line END joins the node of its own layer if there is one, else the
 *    lowest-|layer| node at that point: that is how bridge ends meet the road.
 * 2. A line end that is alone (a dangling end) is joined to the nearest node
 *    within the snapping tolerance, for sources that are not noded.
 * Deliberately left out: splitting a segment where another line ends on its
 * middle without a shared vertex (T-junctions in un-noded data); such ends
 * stay dangling and are reported as small components if they matter.
 */
#include "net_build_int.h"
#include "../geom/geom_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct occ {
    double x, y;
    int32_t v;
    int8_t layer;
    uint8_t end;
} occ;

static int occ_cmp(const void *a, const void *b)
{
    const occ *p = a, *q = b;
    if (p->x != q->x) return p->x < q->x ? -1 : 1;
    if (p->y != q->y) return p->y < q->y ? -1 : 1;
    if (p->layer != q->layer) return p->layer < q->layer ? -1 : 1;
    return p->v < q->v ? -1 : p->v > q->v;
}

typedef struct cell_node {
    int64_t cx, cy;
    int32_t node;
} cell_node;

static int cell_cmp(const void *a, const void *b)
{
    const cell_node *p = a, *q = b;
    if (p->cx != q->cx) return p->cx < q->cx ? -1 : 1;
    if (p->cy != q->cy) return p->cy < q->cy ? -1 : 1;
    return p->node < q->node ? -1 : p->node > q->node;
}

static int32_t uf_find(int32_t *parent, int32_t x)
{
    while (parent[x] != x) {
        parent[x] = parent[parent[x]];
        x = parent[x];
    }
    return x;
}

/* Join dangling ends (`alone[n]`) to the nearest other node within tol. */
static px_status snap_ends(px__netb *b, const uint8_t *alone, int32_t *parent)
{
    double tol = b->opts.snap_tol_m;
    int32_t n = b->n_nodes;
    cell_node *cells = malloc((size_t)(n ? n : 1) * sizeof *cells);
    if (!cells) return px__error(b->ctx, PX_ENOMEM, "out of memory");
    for (int32_t i = 0; i < n; i++)
        cells[i] = (cell_node){(int64_t)floor(b->node_xy[2 * i] / tol), (int64_t)floor(b->node_xy[2 * i + 1] / tol), i};
    qsort(cells, (size_t)n, sizeof *cells, cell_cmp);
    for (int32_t d = 0; d < n; d++) {
        if (!alone[d]) continue;
        double x = b->node_xy[2 * d], y = b->node_xy[2 * d + 1];
        int64_t cx = (int64_t)floor(x / tol), cy = (int64_t)floor(y / tol);
        int32_t best = -1;
        double best_d2 = tol * tol;
        for (int64_t gx = cx - 1; gx <= cx + 1; gx++)
            for (int64_t gy = cy - 1; gy <= cy + 1; gy++) {
                /* Binary search the first entry of cell (gx, gy). */
                size_t lo = 0, hi = (size_t)n;
                while (lo < hi) {
                    size_t mid = (lo + hi) / 2;
                    if (cells[mid].cx < gx || (cells[mid].cx == gx && cells[mid].cy < gy)) lo = mid + 1;
                    else hi = mid;
                }
                for (size_t i = lo; i < (size_t)n && cells[i].cx == gx && cells[i].cy == gy; i++) {
                    int32_t o = cells[i].node;
                    if (o == d) continue;
                    double dx = b->node_xy[2 * o] - x, dy = b->node_xy[2 * o + 1] - y, d2 = dx * dx + dy * dy;
                    if (d2 < best_d2 || (d2 == best_d2 && best >= 0 && o < best)) best_d2 = d2, best = o;
                }
            }
        if (best < 0) continue;
        int32_t rd = uf_find(parent, d), rb = uf_find(parent, best);
        if (rd == rb) continue;
        parent[rd] = rb; /* the dangling end moves onto the other node */
        b->n_snapped_ends++;
    }
    free(cells);
    return PX_OK;
}

/* Number the nodes along a Hilbert curve: a search then touches nearby
 * nodes at nearby indexes, which keeps the million-node searches in cache. */
static px_status renumber_spatially(px__netb *b)
{
    size_t n = (size_t)b->n_nodes;
    int32_t *order = malloc((n ? n : 1) * sizeof *order), *rank = malloc((n ? n : 1) * sizeof *rank);
    double *xy = malloc(2 * (n ? n : 1) * sizeof *xy);
    px_status rc = order && rank && xy ? px__hilbert_order(b->node_xy, n, order) : PX_ENOMEM;
    if (rc == PX_OK) {
        for (size_t i = 0; i < n; i++) {
            rank[order[i]] = (int32_t)i;
            xy[2 * i] = b->node_xy[2 * order[i]];
            xy[2 * i + 1] = b->node_xy[2 * order[i] + 1];
        }
        for (size_t v = 0; v < b->n_v; v++) b->node_of[v] = rank[b->node_of[v]];
        free(b->node_xy);
        b->node_xy = xy;
        xy = NULL;
    }
    free(order);
    free(rank);
    free(xy);
    return rc == PX_OK ? PX_OK : px__error(b->ctx, rc, "out of memory");
}

px_status px__netb_topology(px__netb *b)
{
    px_status rc = PX_OK;
    size_t n_occ = b->n_v;
    occ *o = malloc((n_occ ? n_occ : 1) * sizeof *o);
    uint8_t *alone = NULL;
    int32_t *parent = NULL, *remap = NULL;
    b->node_of = malloc((n_occ ? n_occ : 1) * sizeof *b->node_of);
    b->node_xy = malloc(2 * (n_occ ? n_occ : 1) * sizeof *b->node_xy);
    alone = calloc(n_occ ? n_occ : 1, 1);
    if (!o || !b->node_of || !b->node_xy || !alone) {
        rc = px__error(b->ctx, PX_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t l = 0; l < b->n_lines; l++) {
        const px__line *ln = &b->lines[l];
        for (int32_t k = 0; k < ln->nv; k++) {
            int32_t v = ln->v0 + k;
            o[v] = (occ){b->xy[2 * v], b->xy[2 * v + 1], v, ln->layer, (uint8_t)(k == 0 || k == ln->nv - 1)};
        }
    }
    qsort(o, n_occ, sizeof *o, occ_cmp);
    if ((rc = px__progress(b->ctx, "network: topology", 1, 3))) goto done;
    int32_t n_nodes = 0;
    for (size_t i = 0; i < n_occ;) {
        size_t j = i;
        while (j < n_occ && o[j].x == o[i].x && o[j].y == o[i].y) j++;
        /* Inner vertices: one node per layer (sorted by layer). */
        int8_t layers[16];
        int32_t lnode[16];
        int nl = 0;
        for (size_t k = i; k < j; k++) {
            if (o[k].end) continue;
            if (nl && layers[nl - 1] == o[k].layer) {
                b->node_of[o[k].v] = lnode[nl - 1];
                continue;
            }
            if (nl == 16) { /* more layers than exist in practice: share the last node */
                b->node_of[o[k].v] = lnode[nl - 1];
                continue;
            }
            layers[nl] = o[k].layer;
            lnode[nl] = n_nodes++;
            b->node_xy[2 * lnode[nl]] = o[i].x;
            b->node_xy[2 * lnode[nl] + 1] = o[i].y;
            b->node_of[o[k].v] = lnode[nl];
            nl++;
        }
        int32_t ends_node = -1;
        for (size_t k = i; k < j; k++) {
            if (!o[k].end) continue;
            int32_t nd = -1;
            for (int q = 0; q < nl && nd < 0; q++)
                if (layers[q] == o[k].layer) nd = lnode[q];
            if (nd < 0 && nl > 0) { /* lowest |layer|: the ground, if present */
                int best = 0;
                for (int q = 1; q < nl; q++)
                    if (abs(layers[q]) < abs(layers[best])) best = q;
                nd = lnode[best];
            }
            if (nd < 0) {
                if (ends_node < 0) {
                    ends_node = n_nodes++;
                    b->node_xy[2 * ends_node] = o[i].x;
                    b->node_xy[2 * ends_node + 1] = o[i].y;
                    alone[ends_node] = (j - i) == 1;
                }
                nd = ends_node;
            }
            b->node_of[o[k].v] = nd;
        }
        i = j;
    }
    b->n_nodes = n_nodes;
    free(o);
    o = NULL;
    if ((rc = px__progress(b->ctx, "network: topology", 2, 3))) goto done;
    if (b->opts.snap_tol_m > 0) {
        parent = malloc((size_t)(n_nodes ? n_nodes : 1) * sizeof *parent);
        remap = malloc((size_t)(n_nodes ? n_nodes : 1) * sizeof *remap);
        if (!parent || !remap) {
            rc = px__error(b->ctx, PX_ENOMEM, "out of memory");
            goto done;
        }
        for (int32_t i = 0; i < n_nodes; i++) parent[i] = i;
        if ((rc = snap_ends(b, alone, parent))) goto done;
        if (b->n_snapped_ends) {
            /* Renumber the surviving roots in their original order. */
            int32_t m = 0;
            for (int32_t i = 0; i < n_nodes; i++)
                if (uf_find(parent, i) == i) {
                    remap[i] = m;
                    b->node_xy[2 * m] = b->node_xy[2 * i];
                    b->node_xy[2 * m + 1] = b->node_xy[2 * i + 1];
                    m++;
                }
            for (size_t v = 0; v < n_occ; v++) b->node_of[v] = remap[uf_find(parent, b->node_of[v])];
            b->n_nodes = m;
        }
    }
    rc = renumber_spatially(b);
done:
    free(o);
    free(alone);
    free(parent);
    free(remap);
    return rc;
}
