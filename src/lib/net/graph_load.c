/*
 * px_graph_load: the graph from the cache px_net_build left (graph_cache.c)
 * when it is still current, else from net_nodes and net_edges, numeric
 * columns only (x, y of the nodes; endpoints, length, flags and costs of the
 * edges), through the store reader: no geometry is parsed. Node fids are expected to be 1..n (as
 * px_net_build writes them); any other numbering is mapped through a sorted
 * fid table.
 */
#include "net_int.h"

#include <stdlib.h>
#include <string.h>

static int fid_cmp(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

/* Index of node fid `f`: direct when fids are 1..n, else binary search. */
static int32_t node_index(const int64_t *fids, int32_t n, int64_t f)
{
    if (!fids) return f >= 1 && f <= n ? (int32_t)(f - 1) : -1;
    const int64_t *p = bsearch(&f, fids, (size_t)n, sizeof *fids, fid_cmp);
    return p ? (int32_t)(p - fids) : -1;
}

/* Fill the arrays of `g` (allocated with the tables' counts) from the rows. */
static px_status load_rows(px_ctx *ctx, px_store *store, px_graph *g)
{
    int64_t n_nodes = g->n_nodes, n_edges = g->n_edges;
    px_table_reader *r = NULL;
    int64_t *fids = NULL;
    static const char *const node_cols[] = {"x", "y", NULL};
    px_status rc = px_store_reader_open(store, "net_nodes", node_cols, 0, NULL, &r);
    if (rc != PX_OK) goto done;
    int has = 0, contiguous = 1;
    int64_t i = 0;
    fids = malloc((size_t)(n_nodes ? n_nodes : 1) * sizeof *fids);
    if (!fids) {
        rc = px__error(ctx, PX_ENOMEM, "out of memory");
        goto done;
    }
    while ((rc = px_table_reader_next(r, &has)) == PX_OK && has && i < n_nodes) {
        fids[i] = px_table_reader_fid(r);
        if (fids[i] != i + 1) contiguous = 0;
        g->xy[2 * i] = px_table_reader_real(r, 0);
        g->xy[2 * i + 1] = px_table_reader_real(r, 1);
        i++;
    }
    px_table_reader_close(r);
    r = NULL;
    if (rc != PX_OK) goto done;
    if (contiguous) {
        free(fids);
        fids = NULL;
    }
    if ((rc = px__progress(ctx, "network: load", 1, 3))) goto done;
    static const char *const edge_cols[] = {"from_node", "to_node", "length_m", "walk_fwd", "walk_bwd",
                                            "bike_fwd",  "bike_bwd", "walk_s",  "bike_s",   NULL};
    if ((rc = px_store_reader_open(store, "net_edges", edge_cols, 0, NULL, &r)) != PX_OK) goto done;
    int64_t e = 0;
    while ((rc = px_table_reader_next(r, &has)) == PX_OK && has && e < n_edges) {
        int32_t a = node_index(fids, g->n_nodes, px_table_reader_int(r, 0));
        int32_t b = node_index(fids, g->n_nodes, px_table_reader_int(r, 1));
        double ws = px_table_reader_real(r, 7), bs = px_table_reader_real(r, 8);
        if (a < 0 || b < 0 || !(ws >= 0) || !(bs >= 0)) {
            rc = px__error(ctx, PX_EDOMAIN, "%s:net_edges:%lld: unknown node or negative cost",
                           px_store_path(store), (long long)px_table_reader_fid(r));
            goto done;
        }
        g->efrom[e] = a;
        g->eto[e] = b;
        g->elen[e] = px_table_reader_real(r, 2);
        g->eflags[e] = (uint8_t)((px_table_reader_int(r, 3) ? PX_EDGE_WALK_FWD : 0) |
                                 (px_table_reader_int(r, 4) ? PX_EDGE_WALK_BWD : 0) |
                                 (px_table_reader_int(r, 5) ? PX_EDGE_BIKE_FWD : 0) |
                                 (px_table_reader_int(r, 6) ? PX_EDGE_BIKE_BWD : 0));
        g->ecost[PX_MODE_WALK][e] = (float)ws;
        g->ecost[PX_MODE_BIKE][e] = (float)bs;
        g->efid[e] = px_table_reader_fid(r);
        e++;
    }
    if (rc == PX_OK && (e != n_edges || i != n_nodes))
        rc = px__error(ctx, PX_EDOMAIN, "%s: network changed while loading", px_store_path(store));
done:
    px_table_reader_close(r);
    free(fids);
    return rc;
}

px_status px__graph_load_arrays(px_ctx *ctx, px_store *store, px_graph **out)
{
    if (!ctx || !store || !out) return px__error(ctx, PX_EINVAL, "px_graph_load: NULL argument");
    if (!px_store_has_table(store, "net_nodes") || !px_store_has_table(store, "net_edges"))
        return px__error(ctx, PX_ENOTFOUND, "%s: no network: run `proxima network` first", px_store_path(store));
    double t0 = px__now();
    /* A current cache gives the counts too: no scan of the tables at all. */
    int64_t n_nodes = 0, n_edges = 0;
    int cached = px__graph_cache_peek(ctx, store, &n_nodes, &n_edges);
    px_status rc = PX_OK;
    if (!cached) rc = px_store_count(store, "net_nodes", &n_nodes);
    if (!cached && rc == PX_OK) rc = px_store_count(store, "net_edges", &n_edges);
    if (rc != PX_OK) return rc;
    px_graph *g = NULL;
    if ((rc = px__graph_alloc(ctx, (size_t)n_nodes, (size_t)n_edges, &g)) != PX_OK) return rc;
    if (!cached || !px__graph_cache_get(ctx, store, g)) {
        /* A cache that failed half-way may have counts the tables disagree
         * with: start again from the tables' own counts. */
        if (cached) {
            px_graph_free(g);
            g = NULL;
            rc = px_store_count(store, "net_nodes", &n_nodes);
            if (rc == PX_OK) rc = px_store_count(store, "net_edges", &n_edges);
            if (rc == PX_OK) rc = px__graph_alloc(ctx, (size_t)n_nodes, (size_t)n_edges, &g);
        }
        if (rc == PX_OK) rc = load_rows(ctx, store, g);
    }
    if (rc == PX_OK) rc = px__progress(ctx, "network: load", 2, 3);
    px__log(ctx, PX_LOG_DEBUG, "network: arrays read in %.3f s (%s)", px__now() - t0, cached ? "cache" : "tables");
    if (rc != PX_OK) {
        px_graph_free(g);
        return rc;
    }
    *out = g;
    return PX_OK;
}

px_status px_graph_load(px_ctx *ctx, px_store *store, px_graph **out)
{
    px_graph *g = NULL;
    double t0 = px__now();
    /* Whatever is made from the graph is made from these two tables. */
    px_status rc = store ? px_store_note_input(store, "net_nodes") : PX_OK;
    if (rc == PX_OK && store) rc = px_store_note_input(store, "net_edges");
    if (rc == PX_OK) rc = px__graph_load_arrays(ctx, store, &g);
    if (rc == PX_OK) rc = px__graph_finish(ctx, g);
    px__log(ctx, PX_LOG_DEBUG, "network: graph ready in %.3f s", px__now() - t0);
    if (rc != PX_OK) {
        px_graph_free(g);
        return rc;
    }
    *out = g;
    return PX_OK;
}
