/*
 * px_net_build: read the ways (net_read.c), find the nodes
 * (net_topology.c), then cut every line into one edge per segment, compute
 * lengths, per-mode travel times and components, and write net_nodes and
 * net_edges in one transaction, with the graph cache px_graph_load reads
 * (graph_cache.c). Costs are rounded to float precision before
 * they are stored so that the in-memory graph (float costs) and any other
 * tool reading the table see exactly the same numbers.
 */
#include "net_build_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct edge_rec {
    int32_t a, b, line;
} edge_rec;

static px_status write_tables(px__netb *b, px_store *store, const edge_rec *edges, size_t n_edges,
                              const int32_t *comp, const int32_t *comp_size, const int32_t *degree,
                              px_net_report *rep)
{
    px_ctx *ctx = b->ctx;
    px__wkbw *wk = NULL;
    px_table_writer *w = NULL;
    px_graph *cache = NULL; /* the arrays px_graph_load will read back (graph_cache.c) */
    double max_mps[PX_MODE_COUNT] = {0};
    px_status rc = px__graph_alloc(ctx, (size_t)b->n_nodes, n_edges, &cache);
    if (rc != PX_OK) return rc;
    memcpy(cache->xy, b->node_xy, 2 * (size_t)b->n_nodes * sizeof *cache->xy);
    if ((rc = px__wkbw_new(ctx, &wk)) != PX_OK) goto done;
    int64_t island_max = b->opts.island_max_nodes;
    if ((rc = px_store_begin(store)) != PX_OK) goto done;
    if ((rc = px_store_table_create(store, px__net_nodes_schema(), &w)) != PX_OK) goto done;
    for (int32_t i = 0; i < b->n_nodes && rc == PX_OK; i++) {
        if ((i & 65535) == 0 && (rc = px__progress(ctx, "network: write nodes", (uint64_t)i, (uint64_t)b->n_nodes)))
            break;
        double x = b->node_xy[2 * i], y = b->node_xy[2 * i + 1];
        px_value v[5] = {PX_VALUE_INT(comp[i]), PX_VALUE_INT(comp[i] != 0 && comp_size[comp[i]] <= island_max),
                         PX_VALUE_INT(degree[i]), PX_VALUE_REAL(x), PX_VALUE_REAL(y)};
        size_t len = 0;
        unsigned char *wkb = px__wkbw_point(wk, x, y, &len);
        if (!wkb) {
            rc = PX_EGEOS;
            break;
        }
        rc = px_table_writer_add(w, v, wkb, len, NULL);
        px__wkbw_buf_free(wk, wkb);
    }
    if (rc != PX_OK) goto done;
    rc = px_table_writer_finish(w);
    w = NULL;
    if (rc != PX_OK || (rc = px_store_table_create(store, px__net_edges_schema(), &w)) != PX_OK) goto done;
    for (size_t e = 0; e < n_edges && rc == PX_OK; e++) {
        if ((e & 65535) == 0 && (rc = px__progress(ctx, "network: write edges", e, n_edges))) break;
        const edge_rec *er = &edges[e];
        const px__line *ln = &b->lines[er->line];
        const double *pa = &b->node_xy[2 * er->a], *pb = &b->node_xy[2 * er->b];
        double len_m = hypot(pb[0] - pa[0], pb[1] - pa[1]);
        double walk_s = (float)(len_m / (ln->walk_kmh / 3.6)), bike_s = (float)(len_m / (ln->bike_kmh / 3.6));
        int32_t c = comp[er->a];
        int island = c != 0 && comp_size[c] <= island_max; /* the main network is never an island */
        px_value v[18] = {PX_VALUE_INT(er->a + 1),
                          PX_VALUE_INT(er->b + 1),
                          PX_VALUE_REAL(len_m),
                          PX_VALUE_TEXT(ln->highway >= 0 ? b->highways[ln->highway] : NULL),
                          PX_VALUE_INT((ln->flags & PX_EDGE_WALK_FWD) != 0),
                          PX_VALUE_INT((ln->flags & PX_EDGE_WALK_BWD) != 0),
                          PX_VALUE_INT((ln->flags & PX_EDGE_BIKE_FWD) != 0),
                          PX_VALUE_INT((ln->flags & PX_EDGE_BIKE_BWD) != 0),
                          PX_VALUE_REAL(walk_s),
                          PX_VALUE_REAL(bike_s),
                          PX_VALUE_TEXT(ln->source ? "cycle_routes" : "roads"),
                          PX_VALUE_INT(ln->src_fid),
                          PX_VALUE_TEXT(ln->id_off >= 0 ? b->pool + ln->id_off : NULL),
                          PX_VALUE_INT(ln->layer),
                          PX_VALUE_INT(ln->bridge),
                          PX_VALUE_INT(ln->tunnel),
                          PX_VALUE_INT(c),
                          PX_VALUE_INT(island)};
        size_t len = 0;
        unsigned char *wkb = px__wkbw_segment(wk, pa[0], pa[1], pb[0], pb[1], &len);
        if (!wkb) {
            rc = PX_EGEOS;
            break;
        }
        int64_t fid = 0;
        rc = px_table_writer_add(w, v, wkb, len, &fid);
        px__wkbw_buf_free(wk, wkb);
        cache->efrom[e] = er->a;
        cache->eto[e] = er->b;
        cache->elen[e] = len_m;
        cache->ecost[PX_MODE_WALK][e] = (float)walk_s;
        cache->ecost[PX_MODE_BIKE][e] = (float)bike_s;
        cache->eflags[e] = ln->flags;
        cache->efid[e] = fid;
        if (walk_s > 0 && len_m / walk_s > max_mps[PX_MODE_WALK]) max_mps[PX_MODE_WALK] = len_m / walk_s;
        if (bike_s > 0 && len_m / bike_s > max_mps[PX_MODE_BIKE]) max_mps[PX_MODE_BIKE] = len_m / bike_s;
        rep->total_length_m += len_m;
        if (island) rep->n_island_edges++;
    }
    if (rc != PX_OK) goto done;
    rc = px_table_writer_finish(w);
    w = NULL;
    if (rc == PX_OK) rc = px_store_set_source(store, "net_nodes", "proxima network", NULL, NULL, NULL);
    if (rc == PX_OK)
        rc = px_store_set_source(store, "net_edges", "proxima network", "roads,cycle_routes", NULL,
                                 "one straight segment per edge");
    /* The fastest edge of each mode bounds how far a search can go: split
     * runs (--part) read that far around their part. */
    char speeds[64];
    snprintf(speeds, sizeof speeds, "%.17g %.17g", max_mps[PX_MODE_WALK], max_mps[PX_MODE_BIKE]);
    if (rc == PX_OK) rc = px_store_set_setting(store, PX__NET_MAX_MPS, speeds);
    if (rc == PX_OK) rc = px__graph_cache_put(ctx, store, cache);
    if (rc == PX_OK) rc = px_store_commit(store);
done:
    px_table_writer_abort(w);
    if (rc != PX_OK) px_store_rollback(store);
    px__wkbw_free(wk);
    px_graph_free(cache);
    return rc;
}

px_status px_net_build(px_ctx *ctx, px_store *store, const px_net_options *opts, px_net_report *out)
{
    if (!ctx || !store) return px__error(ctx, PX_EINVAL, "px_net_build: NULL argument");
    px__netb b = {.ctx = ctx, .opts = px__net_options_resolve(opts)};
    px_net_report rep = {0};
    edge_rec *edges = NULL;
    int32_t *efrom = NULL, *eto = NULL, *comp = NULL, *comp_size = NULL, *degree = NULL;
    size_t n_edges = 0;
    px_status rc = px__netb_read(&b, store);
    if (rc == PX_OK) rc = px__netb_topology(&b);
    if (rc != PX_OK) goto done;
    size_t cap = b.n_v ? b.n_v : 1;
    edges = malloc(cap * sizeof *edges);
    if (!edges) {
        rc = px__error(ctx, PX_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t l = 0; l < b.n_lines; l++) {
        const px__line *ln = &b.lines[l];
        for (int32_t k = 0; k + 1 < ln->nv; k++) {
            int32_t a = b.node_of[ln->v0 + k], c = b.node_of[ln->v0 + k + 1];
            if (a != c) edges[n_edges++] = (edge_rec){a, c, (int32_t)l};
        }
    }
    if (n_edges == 0) {
        rc = px__error(ctx, PX_EDOMAIN, "%s: roads: no way usable on foot or by bike", px_store_path(store));
        goto done;
    }
    size_t nn = (size_t)b.n_nodes;
    efrom = malloc(n_edges * sizeof *efrom);
    eto = malloc(n_edges * sizeof *eto);
    comp = malloc(nn * sizeof *comp);
    comp_size = calloc(nn, sizeof *comp_size);
    degree = calloc(nn, sizeof *degree);
    if (!efrom || !eto || !comp || !comp_size || !degree) {
        rc = px__error(ctx, PX_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t e = 0; e < n_edges; e++) {
        efrom[e] = edges[e].a;
        eto[e] = edges[e].b;
        degree[edges[e].a]++;
        degree[edges[e].b]++;
    }
    int32_t n_comp = px__components(b.n_nodes, (int32_t)n_edges, efrom, eto, comp);
    if (n_comp < 0) {
        rc = px__error(ctx, PX_ENOMEM, "out of memory");
        goto done;
    }
    /* Nodes used by no edge (a way reduced to one point) are kept in
     * net_nodes as their own component: rare, and harmless for routing. */
    for (size_t i = 0; i < nn; i++) comp_size[comp[i]]++;
    rep.n_roads = b.n_roads;
    rep.n_cycle_routes = b.n_cycle_routes;
    rep.n_cycle_in_roads = b.n_cycle_in_roads;
    rep.n_excluded = b.n_excluded;
    rep.n_nodes = b.n_nodes;
    rep.n_edges = (int64_t)n_edges;
    rep.n_snapped_ends = b.n_snapped_ends;
    rep.n_components = n_comp;
    rep.largest_component_nodes = n_comp ? comp_size[0] : 0;
    for (int32_t c = 1; c < n_comp; c++)
        if (comp_size[c] <= b.opts.island_max_nodes) rep.n_islands++;
    rc = write_tables(&b, store, edges, n_edges, comp, comp_size, degree, &rep);
    if (rc == PX_OK && out) *out = rep;
done:
    free(edges);
    free(efrom);
    free(eto);
    free(comp);
    free(comp_size);
    free(degree);
    px__netb_free(&b);
    return rc;
}
