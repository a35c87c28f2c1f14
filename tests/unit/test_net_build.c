/*
 * Unit tests of the network builder: the OSM tag rules (who may go where,
 * which way, how fast), and px_net_build + px_graph_load on small hand-made
 * road layers whose nodes, lengths, times and components are known.
 */
#include "helpers/px_test.h"
#include "net/net_build_int.h"
#include "geom/geom_int.h"
#include "store/store_blob.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WALK (PX_EDGE_WALK_FWD | PX_EDGE_WALK_BWD)
#define BIKE (PX_EDGE_BIKE_FWD | PX_EDGE_BIKE_BWD)

static px__way_rule rule(px__way_tags t)
{
    px__way_rule r;
    px__way_rule_road(&t, NULL, &r);
    return r;
}

static void test_px__way_rule_road_access(void **state)
{
    (void)state;
    assert_int_equal(rule((px__way_tags){.highway = "residential"}).flags, WALK | BIKE);
    assert_int_equal(rule((px__way_tags){.highway = "motorway"}).flags, 0);
    assert_int_equal(rule((px__way_tags){.highway = "motorway", .foot = "yes"}).flags, 0);
    assert_int_equal(rule((px__way_tags){.highway = "construction"}).flags, 0);
    assert_int_equal(rule((px__way_tags){.highway = "footway"}).flags, WALK);
    assert_int_equal(rule((px__way_tags){.highway = "footway", .bicycle = "yes"}).flags, WALK | BIKE);
    assert_int_equal(rule((px__way_tags){.highway = "cycleway", .foot = "no"}).flags, BIKE);
    assert_int_equal(rule((px__way_tags){.highway = "cycleway"}).flags, WALK | BIKE);
    assert_int_equal(rule((px__way_tags){.highway = "service", .access = "private"}).flags, 0);
    assert_int_equal(rule((px__way_tags){.highway = "track", .access = "no", .foot = "yes"}).flags, WALK);
    assert_int_equal(rule((px__way_tags){.highway = "primary", .bicycle = "use_sidepath"}).flags, WALK);
    assert_int_equal(rule((px__way_tags){.highway = "primary", .foot = "no"}).flags, BIKE);
}

static void test_px__way_rule_road_oneway(void **state)
{
    (void)state;
    assert_int_equal(rule((px__way_tags){.highway = "residential", .oneway = "yes"}).flags, WALK | PX_EDGE_BIKE_FWD);
    assert_int_equal(rule((px__way_tags){.highway = "residential", .oneway = "-1"}).flags, WALK | PX_EDGE_BIKE_BWD);
    assert_int_equal(rule((px__way_tags){.highway = "residential", .oneway = "no"}).flags, WALK | BIKE);
    assert_int_equal(rule((px__way_tags){.highway = "residential", .oneway = "yes", .oneway_bicycle = "no"}).flags,
                     WALK | BIKE);
    assert_int_equal(rule((px__way_tags){.highway = "residential", .oneway = "yes", .cycleway = "opposite_lane"}).flags,
                     WALK | BIKE);
    assert_int_equal(
        rule((px__way_tags){.highway = "residential", .oneway = "yes", .cycleway_left = "opposite_track"}).flags,
        WALK | BIKE);
    assert_int_equal(rule((px__way_tags){.highway = "primary", .junction = "roundabout"}).flags,
                     WALK | PX_EDGE_BIKE_FWD);
}

static void test_px__way_rule_road_speeds_layers(void **state)
{
    (void)state;
    px__way_rule r = rule((px__way_tags){.highway = "residential"});
    assert_float_equal(r.walk_kmh, 4.8, 1e-12);
    assert_float_equal(r.bike_kmh, 15, 1e-12);
    assert_float_equal(rule((px__way_tags){.highway = "track"}).bike_kmh, 10, 1e-12);
    assert_float_equal(rule((px__way_tags){.highway = "residential", .surface = "gravel"}).bike_kmh, 10, 1e-12);
    r = rule((px__way_tags){.highway = "steps"});
    assert_int_equal(r.flags, WALK | BIKE);
    assert_float_equal(r.bike_kmh, 2, 1e-12);
    assert_int_equal(rule((px__way_tags){.highway = "steps", .bicycle = "no"}).flags, WALK);
    r = rule((px__way_tags){.highway = "primary", .bridge = "yes"});
    assert_int_equal(r.layer, 1);
    assert_int_equal(r.bridge, 1);
    assert_int_equal(rule((px__way_tags){.highway = "primary", .tunnel = "yes"}).layer, -1);
    assert_int_equal(rule((px__way_tags){.highway = "primary", .bridge = "yes", .layer = "2"}).layer, 2);
    assert_int_equal(rule((px__way_tags){.highway = "primary", .bridge = "no"}).layer, 0);
    px_net_options o = {.walk_kmh = 3.6};
    px__way_tags t = {.highway = "residential"};
    px__way_rule_road(&t, &o, &r);
    assert_float_equal(r.walk_kmh, 3.6, 1e-12);
}

/* ---- px_net_build on hand-made layers ---------------------------------------- */

typedef struct road {
    const char *id, *highway, *oneway, *foot, *layer, *bridge;
    int n;
    double xy[8];
} road;

static unsigned char *line_wkb(px_ctx *ctx, const double *xy, int n, size_t *len)
{
    GEOSContextHandle_t h = px__geos(ctx);
    GEOSCoordSequence *cs = GEOSCoordSeq_create_r(h, (unsigned)n, 2);
    for (int i = 0; i < n; i++) GEOSCoordSeq_setXY_r(h, cs, (unsigned)i, xy[2 * i], xy[2 * i + 1]);
    GEOSGeometry *ls = GEOSGeom_createLineString_r(h, cs);
    GEOSGeometry *m = GEOSGeom_createCollection_r(h, GEOS_MULTILINESTRING, &ls, 1);
    unsigned char *wkb = px__geom_to_wkb(ctx, m, len);
    GEOSGeom_destroy_r(h, m);
    return wkb;
}

static px_store *store_with_roads(px_ctx *ctx, char **path_out, const road *roads, int n)
{
    char *dir = px_test_tmpdir("netb");
    char *path = px_test_path(dir, "p.sqlite");
    free(dir);
    px_store *s = NULL;
    assert_int_equal(px_store_create(ctx, path, "EPSG:2154", &s), PX_OK);
    px_table_writer *w = NULL;
    assert_int_equal(px_store_table_create(s, px_layer_schema(PX_LAYER_ROADS), &w), PX_OK);
    for (int i = 0; i < n; i++) {
        px_value v[20];
        for (int k = 0; k < 20; k++) v[k] = PX_VALUE_NULL;
        v[0] = PX_VALUE_TEXT(roads[i].id);
        v[1] = PX_VALUE_TEXT(roads[i].highway);
        v[3] = PX_VALUE_TEXT(roads[i].oneway);
        v[6] = PX_VALUE_TEXT(roads[i].foot);
        v[14] = PX_VALUE_TEXT(roads[i].layer);
        v[15] = PX_VALUE_TEXT(roads[i].bridge);
        size_t len = 0;
        unsigned char *wkb = line_wkb(ctx, roads[i].xy, roads[i].n, &len);
        assert_int_equal(px_table_writer_add(w, v, wkb, len, NULL), PX_OK);
        px__wkb_free(ctx, wkb);
    }
    assert_int_equal(px_table_writer_finish(w), PX_OK);
    *path_out = path;
    return s;
}

/* The Hilbert order: the four corners go round the square, and on a full
 * 16 x 16 grid (given shuffled) every step of the order is to a neighbour. */
static void test_px__hilbert_order(void **state)
{
    (void)state;
    const double corners[] = {0, 0, 10, 0, 10, 10, 0, 10};
    int32_t order[256];
    assert_int_equal(px__hilbert_order(corners, 4, order), PX_OK);
    const int32_t want[] = {0, 3, 2, 1}; /* (0,0) (0,10) (10,10) (10,0) */
    for (int i = 0; i < 4; i++) assert_int_equal(order[i], want[i]);
    double grid[2 * 256];
    for (int k = 0; k < 256; k++) {
        int cell = (k * 97 + 13) % 256; /* a fixed shuffle: 97 is prime to 256 */
        grid[2 * k] = cell % 16;
        grid[2 * k + 1] = cell / 16;
    }
    assert_int_equal(px__hilbert_order(grid, 256, order), PX_OK);
    int seen[256] = {0};
    for (int i = 0; i < 256; i++) seen[order[i]]++;
    for (int i = 0; i < 256; i++) assert_int_equal(seen[i], 1);
    for (int i = 1; i < 256; i++) {
        double d = fabs(grid[2 * order[i]] - grid[2 * order[i - 1]]) +
                   fabs(grid[2 * order[i] + 1] - grid[2 * order[i - 1] + 1]);
        assert_float_equal(d, 1, 0);
    }
}

static void test_px_net_build_topology(void **state)
{
    (void)state;
    px_ctx *ctx = NULL;
    assert_int_equal(px_ctx_new(&ctx), PX_OK);
    const road roads[] = {
        /* A: west-east 0..200 through (100,0); B: south-north through (100,0): a junction. */
        {"A", "residential", NULL, NULL, NULL, NULL, 3, {0, 0, 100, 0, 200, 0}},
        {"B", "residential", NULL, NULL, NULL, NULL, 3, {100, -100, 100, 0, 100, 100}},
        /* C: a bridge over A at (50,0) sharing the coordinate as an inner vertex: no junction. */
        {"C", "primary", NULL, NULL, "1", "yes", 3, {50, -100, 50, 0, 50, 100}},
        /* D: ends 0.4 m from A's east end (un-noded source): joined. */
        {"D", "footway", NULL, NULL, NULL, NULL, 2, {200.4, 0, 300, 0}},
        /* E: an island 5 km away; F: a motorway, excluded. */
        {"E", "residential", NULL, NULL, NULL, NULL, 2, {5000, 0, 5100, 0}},
        {"F", "motorway", NULL, NULL, NULL, NULL, 2, {0, 50, 200, 50}},
    };
    char *path = NULL;
    px_store *s = store_with_roads(ctx, &path, roads, 6);
    px_net_report r;
    assert_int_equal(px_net_build(ctx, s, NULL, &r), PX_OK);
    assert_int_equal(r.n_roads, 6);
    assert_int_equal(r.n_excluded, 1);
    /* Nodes: A 3 (0,0 100,0 200,0) + B 2 more + C 3 (its middle kept apart)
     * + A's inner (50,0)? no: A has no vertex there. D 1 more (300,0), E 2. */
    assert_int_equal(r.n_nodes, 3 + 2 + 3 + 1 + 2);
    assert_int_equal(r.n_edges, 2 + 2 + 2 + 1 + 1);
    assert_int_equal(r.n_snapped_ends, 1);
    assert_int_equal(r.n_components, 3); /* main (A, B, D), bridge C, island E */
    assert_int_equal(r.largest_component_nodes, 6);
    assert_int_equal(r.n_islands, 2);
    /* A and D meet at one node (either end point): together 300 m. */
    assert_float_equal(r.total_length_m, 300 + 200 + 200 + 100, 1e-6);

    px_graph *g = NULL;
    assert_int_equal(px_graph_load(ctx, s, &g), PX_OK);
    assert_int_equal(px_graph_n_nodes(g), 11);
    assert_int_equal(px_graph_n_edges(g), 8);
    /* From (0,0), walking to (300,0) through the joined ends: 300 m at
     * 4.8 km/h = 225 s. */
    px_snap src, dst;
    assert_int_equal(px_graph_snap(ctx, g, PX_MODE_WALK, 0, 0, 1, &src), PX_OK);
    assert_int_equal(px_graph_snap(ctx, g, PX_MODE_WALK, 300, 0, 1, &dst), PX_OK);
    double *cost = calloc(px_graph_n_nodes(g), sizeof *cost);
    assert_int_equal(px_graph_search(g, PX_MODE_WALK, PX_DIR_FROM_SOURCES, &src, 1, 1e9, NULL, cost), PX_OK);
    assert_float_equal(px_graph_cost_at(g, PX_MODE_WALK, PX_DIR_FROM_SOURCES, cost, &src, 1, 1e9, NULL, &dst), 225,
                       1e-3);
    /* Bikes may not use the footway D: (300,0) snaps nowhere within 1 m for bikes. */
    assert_int_equal(px_graph_snap(ctx, g, PX_MODE_BIKE, 300, 0, 1, &dst), PX_ENOTFOUND);
    /* The bridge C is not reachable from A by walking. */
    assert_int_equal(px_graph_snap(ctx, g, PX_MODE_WALK, 50, 100, 1, &dst), PX_OK);
    assert_true(isinf(px_graph_cost_at(g, PX_MODE_WALK, PX_DIR_FROM_SOURCES, cost, &src, 1, 1e9, NULL, &dst)));
    free(cost);
    px_graph_free(g);
    px_store_close(s);
    free(path);
    px_ctx_free(ctx);
}

static void test_px_net_build_no_roads(void **state)
{
    (void)state;
    px_ctx *ctx = NULL;
    assert_int_equal(px_ctx_new(&ctx), PX_OK);
    char *dir = px_test_tmpdir("netb");
    char *path = px_test_path(dir, "p.sqlite");
    px_store *s = NULL;
    assert_int_equal(px_store_create(ctx, path, "EPSG:2154", &s), PX_OK);
    assert_int_equal(px_net_build(ctx, s, NULL, NULL), PX_ENOTFOUND);
    assert_non_null(strstr(px_ctx_errmsg(ctx), "no 'roads' layer"));
    px_graph *g = NULL;
    assert_int_equal(px_graph_load(ctx, s, &g), PX_ENOTFOUND);
    assert_non_null(strstr(px_ctx_errmsg(ctx), "run `proxima network`"));
    px_store_close(s);
    /* Only a motorway: nothing usable. */
    const road only[] = {{"F", "motorway", NULL, NULL, NULL, NULL, 2, {0, 0, 100, 0}}};
    char *p2 = NULL;
    s = store_with_roads(ctx, &p2, only, 1);
    assert_int_equal(px_net_build(ctx, s, NULL, NULL), PX_EDOMAIN);
    assert_int_equal(px_store_has_table(s, "net_edges"), 0);
    px_store_close(s);
    free(p2);
    free(path);
    free(dir);
    px_ctx_free(ctx);
}

static void test_px_net_build_oneway_costs(void **state)
{
    (void)state;
    px_ctx *ctx = NULL;
    assert_int_equal(px_ctx_new(&ctx), PX_OK);
    /* 150 m one-way street drawn west to east: bike 15 km/h = 36 s one way only. */
    const road r1[] = {{"A", "residential", "yes", NULL, NULL, NULL, 2, {0, 0, 150, 0}}};
    char *path = NULL;
    px_store *s = store_with_roads(ctx, &path, r1, 1);
    assert_int_equal(px_net_build(ctx, s, NULL, NULL), PX_OK);
    px_graph *g = NULL;
    assert_int_equal(px_graph_load(ctx, s, &g), PX_OK);
    assert_int_equal(px_graph_n_edges(g), 1);
    assert_int_equal(px_graph_edge_flags(g, 0), WALK | PX_EDGE_BIKE_FWD);
    assert_float_equal(px_graph_edge_cost_s(g, 0, PX_MODE_BIKE), 36, 1e-4);
    assert_float_equal(px_graph_edge_cost_s(g, 0, PX_MODE_WALK), 112.5, 1e-4);
    assert_float_equal(px_graph_edge_length_m(g, 0), 150, 1e-9);
    px_graph_free(g);
    px_store_close(s);
    free(path);
    px_ctx_free(ctx);
}

static void test_px_graph_load_cache_matches_tables(void **state)
{
    (void)state;
    px_ctx *ctx = NULL;
    assert_int_equal(px_ctx_new(&ctx), PX_OK);
    const road roads[] = {
        {"A", "residential", "yes", NULL, NULL, NULL, 3, {0, 0, 100, 0, 200, 0}},
        {"B", "footway", NULL, NULL, NULL, NULL, 3, {100, -100, 100, 0, 100, 100}},
        {"C", "cycleway", NULL, "no", NULL, NULL, 2, {200, 0, 200, 300}},
    };
    char *path = NULL;
    px_store *s = store_with_roads(ctx, &path, roads, 3);
    assert_int_equal(px_net_build(ctx, s, NULL, NULL), PX_OK);
    char *stamp = NULL;
    void *data = NULL;
    size_t len = 0;
    assert_int_equal(px__store_blob_get(s, "graph", &stamp, &data, &len), PX_OK);
    assert_non_null(strstr(stamp, "edges:5@"));
    free(stamp);
    free(data);
    px_graph *cached = NULL, *rows = NULL;
    assert_int_equal(px_graph_load(ctx, s, &cached), PX_OK);
    assert_int_equal(px__store_blob_delete(s, "graph"), PX_OK);
    assert_int_equal(px__store_blob_get(s, "graph", &stamp, &data, &len), PX_ENOTFOUND);
    assert_int_equal(px_graph_load(ctx, s, &rows), PX_OK);
    assert_int_equal(px_graph_n_nodes(cached), px_graph_n_nodes(rows));
    assert_int_equal(px_graph_n_edges(cached), 5);
    assert_int_equal(px_graph_n_edges(rows), 5);
    for (size_t e = 0; e < 5; e++) {
        int32_t a1, b1, a2, b2;
        px_graph_edge_nodes(cached, e, &a1, &b1);
        px_graph_edge_nodes(rows, e, &a2, &b2);
        assert_int_equal(a1, a2);
        assert_int_equal(b1, b2);
        assert_int_equal(px_graph_edge_fid(cached, e), px_graph_edge_fid(rows, e));
        assert_int_equal(px_graph_edge_flags(cached, e), px_graph_edge_flags(rows, e));
        assert_true(px_graph_edge_cost_s(cached, e, PX_MODE_BIKE) == px_graph_edge_cost_s(rows, e, PX_MODE_BIKE));
        assert_true(px_graph_edge_length_m(cached, e) == px_graph_edge_length_m(rows, e));
    }
    for (size_t v = 0; v < px_graph_n_nodes(rows); v++) {
        double x1, y1, x2, y2;
        px_graph_node_xy(cached, v, &x1, &y1);
        px_graph_node_xy(rows, v, &x2, &y2);
        assert_true(x1 == x2 && y1 == y2);
    }
    px_graph_free(cached);
    px_graph_free(rows);
    /* A cache whose stamp no longer matches the tables is ignored: rebuild
     * (new cache), then replace net_edges by hand with an empty table. */
    assert_int_equal(px_net_build(ctx, s, NULL, NULL), PX_OK);
    px_table_writer *w = NULL;
    assert_int_equal(px_store_table_create(s, px__net_edges_schema(), &w), PX_OK);
    assert_int_equal(px_table_writer_finish(w), PX_OK);
    assert_int_equal(px_graph_load(ctx, s, &rows), PX_OK);
    assert_int_equal(px_graph_n_edges(rows), 0);
    px_graph_free(rows);
    px_store_close(s);
    free(path);
    px_ctx_free(ctx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_px__way_rule_road_access),
        cmocka_unit_test(test_px__way_rule_road_oneway),
        cmocka_unit_test(test_px__way_rule_road_speeds_layers),
        cmocka_unit_test(test_px__hilbert_order),
        cmocka_unit_test(test_px_net_build_topology),
        cmocka_unit_test(test_px_net_build_no_roads),
        cmocka_unit_test(test_px_net_build_oneway_costs),
        cmocka_unit_test(test_px_graph_load_cache_matches_tables),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
