/*
 * The network near a box, for split runs (`--part K/N`): the edges whose
 * box meets it, read through the spatial index in fid order, and their end
 * nodes, renumbered in fid order so that the sub-graph keeps the whole
 * graph's order (snapping breaks ties by edge order). Also the fastest speed
 * of each mode, which bounds how far a search reaches. What is deliberately
 * not here: choosing the box (the analyses add their reach to their part).
 */
#include "net_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

px_status px__net_max_speed(px_ctx *ctx, px_store *store, double mps[PX_MODE_COUNT])
{
    char *v = NULL;
    if (px_store_get_setting(store, PX__NET_MAX_MPS, &v) == PX_OK && v) {
        double w = 0, b = 0;
        int ok = sscanf(v, "%lf %lf", &w, &b) == 2 && w > 0 && b > 0 && isfinite(w) && isfinite(b);
        free(v);
        if (ok) {
            mps[PX_MODE_WALK] = w;
            mps[PX_MODE_BIKE] = b;
            return PX_OK;
        }
    }
    /* A network built before the setting existed: scan the edges once. */
    px__log(ctx, PX_LOG_WARN, "%s: the network does not record its speeds: reading every edge (run `proxima "
                              "network` again to avoid it)", px_store_path(store));
    static const char *const cols[] = {"length_m", "walk_s", "bike_s", NULL};
    px_table_reader *r = NULL;
    px_status rc = px_store_reader_open(store, "net_edges", cols, 0, NULL, &r);
    if (rc != PX_OK) return rc;
    double m[PX_MODE_COUNT] = {0};
    int has = 0;
    while ((rc = px_table_reader_next(r, &has)) == PX_OK && has) {
        double len = px_table_reader_real(r, 0), ws = px_table_reader_real(r, 1), bs = px_table_reader_real(r, 2);
        if (ws > 0 && len / ws > m[PX_MODE_WALK]) m[PX_MODE_WALK] = len / ws;
        if (bs > 0 && len / bs > m[PX_MODE_BIKE]) m[PX_MODE_BIKE] = len / bs;
    }
    px_table_reader_close(r);
    if (rc != PX_OK) return rc;
    memcpy(mps, m, sizeof m);
    return PX_OK;
}

typedef struct erow {
    int64_t fid, from, to;
    double len, walk_s, bike_s;
    uint8_t flags;
} erow;

static int i64_cmp(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

static int32_t node_at(const int64_t *fids, size_t n, int64_t f)
{
    const int64_t *p = bsearch(&f, fids, n, sizeof *fids, i64_cmp);
    return p ? (int32_t)(p - fids) : -1;
}

px_status px__graph_load_box(px_ctx *ctx, px_store *store, const px_bbox *box, unsigned parts, px_graph **out,
                             int64_t *n_edges_total)
{
    if (!ctx || !store || !box || !out) return px__error(ctx, PX_EINVAL, "px__graph_load_box: NULL argument");
    if (!px_store_has_table(store, "net_nodes") || !px_store_has_table(store, "net_edges"))
        return px__error(ctx, PX_ENOTFOUND, "%s: no network: run `proxima network` first", px_store_path(store));
    px_table_info *info = NULL;
    if (n_edges_total) {
        *n_edges_total = -1;
        if (px_store_table_info(store, "net_edges", &info) == PX_OK) *n_edges_total = info->n_rows;
        px_table_info_free(info, 1);
    }
    erow *e = NULL;
    int64_t *nodes = NULL;
    size_t ne = 0, cap = 0, nn = 0;
    double *xy = NULL;
    uint8_t *seen = NULL;
    px_graph *g = NULL;
    px_table_reader *r = NULL;
    static const char *const edge_cols[] = {"from_node", "to_node", "length_m", "walk_fwd", "walk_bwd",
                                            "bike_fwd",  "bike_bwd", "walk_s",  "bike_s",   NULL};
    px_status rc = px_store_reader_open(store, "net_edges", edge_cols, 0, box, &r);
    int has = 0;
    double max_len = 0;
    while (rc == PX_OK && (rc = px_table_reader_next(r, &has)) == PX_OK && has) {
        if (ne == cap) {
            cap = cap ? 2 * cap : 4096;
            erow *v = realloc(e, cap * sizeof *v);
            if (!v) {
                rc = px__error(ctx, PX_ENOMEM, "out of memory");
                break;
            }
            e = v;
        }
        erow *x = &e[ne++];
        x->fid = px_table_reader_fid(r);
        x->from = px_table_reader_int(r, 0);
        x->to = px_table_reader_int(r, 1);
        x->len = px_table_reader_real(r, 2);
        x->flags = (uint8_t)((px_table_reader_int(r, 3) ? PX_EDGE_WALK_FWD : 0) |
                             (px_table_reader_int(r, 4) ? PX_EDGE_WALK_BWD : 0) |
                             (px_table_reader_int(r, 5) ? PX_EDGE_BIKE_FWD : 0) |
                             (px_table_reader_int(r, 6) ? PX_EDGE_BIKE_BWD : 0));
        x->walk_s = px_table_reader_real(r, 7);
        x->bike_s = px_table_reader_real(r, 8);
        if (!(x->walk_s >= 0) || !(x->bike_s >= 0)) {
            rc = px__error(ctx, PX_EDOMAIN, "%s:net_edges:%lld: negative cost", px_store_path(store),
                           (long long)x->fid);
            break;
        }
        if (x->len > max_len) max_len = x->len;
    }
    px_table_reader_close(r);
    r = NULL;
    if (rc != PX_OK) goto done;
    /* The end nodes, by fid; each lies within an edge's length of the box. */
    nodes = malloc((2 * ne + 1) * sizeof *nodes);
    if (!nodes) {
        rc = px__error(ctx, PX_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < ne; i++) nodes[nn++] = e[i].from, nodes[nn++] = e[i].to;
    qsort(nodes, nn, sizeof *nodes, i64_cmp);
    size_t u = 0;
    for (size_t i = 0; i < nn; i++)
        if (u == 0 || nodes[i] != nodes[u - 1]) nodes[u++] = nodes[i];
    nn = u;
    xy = malloc((2 * nn + 1) * sizeof *xy);
    seen = calloc(nn + 1, 1);
    if (!xy || !seen) {
        rc = px__error(ctx, PX_ENOMEM, "out of memory");
        goto done;
    }
    double pad = max_len + 1.0;
    px_bbox nb = {box->minx - pad, box->miny - pad, box->maxx + pad, box->maxy + pad};
    static const char *const node_cols[] = {"x", "y", NULL};
    rc = nn ? px_store_reader_open(store, "net_nodes", node_cols, 0, &nb, &r) : PX_OK;
    while (nn && rc == PX_OK && (rc = px_table_reader_next(r, &has)) == PX_OK && has) {
        int32_t i = node_at(nodes, nn, px_table_reader_fid(r));
        if (i < 0) continue;
        xy[2 * i] = px_table_reader_real(r, 0);
        xy[2 * i + 1] = px_table_reader_real(r, 1);
        seen[i] = 1;
    }
    px_table_reader_close(r);
    r = NULL;
    if (rc != PX_OK) goto done;
    for (size_t i = 0; i < nn; i++)
        if (!seen[i]) {
            rc = px__error(ctx, PX_EDOMAIN, "%s: net_edges names node %lld, which net_nodes lacks near it",
                           px_store_path(store), (long long)nodes[i]);
            goto done;
        }
    if ((rc = px__graph_alloc(ctx, nn, ne, &g)) != PX_OK) goto done;
    memcpy(g->xy, xy, 2 * nn * sizeof *xy);
    for (size_t i = 0; i < ne; i++) {
        g->efrom[i] = node_at(nodes, nn, e[i].from);
        g->eto[i] = node_at(nodes, nn, e[i].to);
        g->elen[i] = e[i].len;
        g->eflags[i] = e[i].flags;
        g->ecost[PX_MODE_WALK][i] = (float)e[i].walk_s;
        g->ecost[PX_MODE_BIKE][i] = (float)e[i].bike_s;
        g->efid[i] = e[i].fid;
    }
    if ((rc = px__graph_index(g, parts, 1)) != PX_OK)
        rc = px__error(ctx, rc, "%s: network: %s", px_store_path(store),
                       rc == PX_EINVAL ? "an edge has a node out of range" : "out of memory");
done:
    px_table_reader_close(r);
    free(e);
    free(nodes);
    free(xy);
    free(seen);
    if (rc != PX_OK) {
        px_graph_free(g);
        return rc;
    }
    *out = g;
    return PX_OK;
}
