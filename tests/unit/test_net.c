/*
 * Unit tests of the network engine on synthetic graphs with known answers:
 * a straight line, a unit grid, a one-way bike street, a disconnected
 * island, snapping beyond the maximum distance, partial edges, the k-nearest
 * search, and random graphs checked against a brute-force per-origin
 * Dijkstra written independently here (O(n^2), no heap).
 */
#include "helpers/px_test.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BOTH (PX_EDGE_WALK_FWD | PX_EDGE_WALK_BWD | PX_EDGE_BIKE_FWD | PX_EDGE_BIKE_BWD)

/* A line of n nodes 100 m apart along x; walk 60 s and bike 20 s per edge. */
static px_graph *line_graph(px_ctx *ctx, int n, unsigned flags)
{
    double *xy = calloc(2 * (size_t)n, sizeof *xy);
    px_graph_edge *e = calloc((size_t)n, sizeof *e);
    for (int i = 0; i < n; i++) xy[2 * i] = 100.0 * i;
    for (int i = 0; i + 1 < n; i++) e[i] = (px_graph_edge){i, i + 1, 100, 60, 20, flags, 1000 + i};
    px_graph *g = NULL;
    assert_int_equal(px_graph_from_edges(ctx, (size_t)n, xy, (size_t)n - 1, e, &g), PX_OK);
    free(xy);
    free(e);
    return g;
}

static void test_px_graph_from_edges_bad_input(void **state)
{
    (void)state;
    px_ctx *ctx = NULL;
    assert_int_equal(px_ctx_new(&ctx), PX_OK);
    double xy[4] = {0, 0, 1, 0};
    px_graph_edge e = {0, 2, 1, 1, 1, BOTH, 1};
    px_graph *g = NULL;
    assert_int_equal(px_graph_from_edges(ctx, 2, xy, 1, &e, &g), PX_EINVAL);
    assert_non_null(strstr(px_ctx_errmsg(ctx), "node out of range"));
    e.to = 1;
    e.walk_s = -1;
    assert_int_equal(px_graph_from_edges(ctx, 2, xy, 1, &e, &g), PX_EINVAL);
    e.walk_s = 1;
    assert_int_equal(px_graph_from_edges(ctx, 2, xy, 1, &e, &g), PX_OK);
    assert_int_equal(px_graph_n_nodes(g), 2);
    assert_int_equal(px_graph_n_edges(g), 1);
    assert_int_equal(px_graph_edge_fid(g, 0), 1);
    px_graph_free(g);
    px_graph_free(NULL);
    px_ctx_free(ctx);
}

static void test_px_graph_search_line(void **state)
{
    (void)state;
    px_ctx *ctx = NULL;
    assert_int_equal(px_ctx_new(&ctx), PX_OK);
    px_graph *g = line_graph(ctx, 5, BOTH);
    double cost[5];
    px_snap src = {0, 0.0, 0}; /* node 0 */
    assert_int_equal(px_graph_search(g, PX_MODE_WALK, PX_DIR_FROM_SOURCES, &src, 1, 1e9, NULL, cost), PX_OK);
    for (int i = 0; i < 5; i++) assert_float_equal(cost[i], 60.0 * i, 1e-9);
    assert_int_equal(px_graph_search(g, PX_MODE_BIKE, PX_DIR_TO_SOURCES, &src, 1, 1e9, NULL, cost), PX_OK);
    for (int i = 0; i < 5; i++) assert_float_equal(cost[i], 20.0 * i, 1e-9);
    /* Cutoff at 130 s: nodes 3 and 4 (180 s, 240 s) are not reached. */
    assert_int_equal(px_graph_search(g, PX_MODE_WALK, PX_DIR_FROM_SOURCES, &src, 1, 130, NULL, cost), PX_OK);
    assert_float_equal(cost[2], 120.0, 1e-9);
    assert_true(isinf(cost[3]) && isinf(cost[4]));
    /* Closing edge 1 (nodes 1-2) cuts the line. */
    uint8_t mask[4] = {1, 0, 1, 1};
    assert_int_equal(px_graph_search(g, PX_MODE_WALK, PX_DIR_FROM_SOURCES, &src, 1, 1e9, mask, cost), PX_OK);
    assert_float_equal(cost[1], 60.0, 1e-9);
    assert_true(isinf(cost[2]));
    /* Bad arguments. */
    px_snap bad = {7, 0, 0};
    assert_int_equal(px_graph_search(g, PX_MODE_WALK, PX_DIR_FROM_SOURCES, &bad, 1, 1e9, NULL, cost), PX_EINVAL);
    assert_int_equal(px_graph_search(g, PX_MODE_COUNT, PX_DIR_FROM_SOURCES, &src, 1, 1e9, NULL, cost), PX_EINVAL);
    assert_int_equal(px_graph_search(g, PX_MODE_WALK, PX_DIR_FROM_SOURCES, &src, 1, 1e9, NULL, NULL), PX_EINVAL);
    px_graph_free(g);
    px_ctx_free(ctx);
}

static void test_px_graph_search_grid_unit_edges(void **state)
{
    (void)state;
    px_ctx *ctx = NULL;
    assert_int_equal(px_ctx_new(&ctx), PX_OK);
    /* 10 x 10 grid, unit edges of 1 s: cost from corner (0,0) is x + y;
     * with two sources at opposite corners it is min(x+y, 18-x-y). */
    enum { W = 10 };
    double xy[2 * W * W];
    px_graph_edge e[2 * W * (W - 1)];
    size_t ne = 0;
    for (int y = 0; y < W; y++)
        for (int x = 0; x < W; x++) {
            xy[2 * (y * W + x)] = x;
            xy[2 * (y * W + x) + 1] = y;
            if (x + 1 < W) e[ne++] = (px_graph_edge){y * W + x, y * W + x + 1, 1, 1, 1, BOTH, 0};
            if (y + 1 < W) e[ne++] = (px_graph_edge){y * W + x, (y + 1) * W + x, 1, 1, 1, BOTH, 0};
        }
    px_graph *g = NULL;
    assert_int_equal(px_graph_from_edges(ctx, W * W, xy, ne, e, &g), PX_OK);
    px_snap s[2];
    assert_int_equal(px_graph_snap(ctx, g, PX_MODE_WALK, 0, 0, 1, &s[0]), PX_OK);
    assert_int_equal(px_graph_snap(ctx, g, PX_MODE_WALK, 9, 9, 1, &s[1]), PX_OK);
    double cost[W * W];
    assert_int_equal(px_graph_search(g, PX_MODE_WALK, PX_DIR_TO_SOURCES, s, 2, 1e9, NULL, cost), PX_OK);
    for (int y = 0; y < W; y++)
        for (int x = 0; x < W; x++) assert_float_equal(cost[y * W + x], fmin(x + y, 18 - x - y), 1e-9);
    assert_int_equal(px_graph_node_component(g, 55), 0);
    px_graph_free(g);
    px_ctx_free(ctx);
}

static void test_px_graph_search_oneway_bike(void **state)
{
    (void)state;
    px_ctx *ctx = NULL;
    assert_int_equal(px_ctx_new(&ctx), PX_OK);
    /* A 3-node line whose bikes may only go 0 -> 1 -> 2; walkers both ways. */
    px_graph *g = line_graph(ctx, 3, PX_EDGE_WALK_FWD | PX_EDGE_WALK_BWD | PX_EDGE_BIKE_FWD);
    double cost[3];
    px_snap at2 = {1, 1.0, 0}; /* node 2 */
    /* Bike from node 2: nothing else reachable. To node 2: 40 s from node 0. */
    assert_int_equal(px_graph_search(g, PX_MODE_BIKE, PX_DIR_FROM_SOURCES, &at2, 1, 1e9, NULL, cost), PX_OK);
    assert_float_equal(cost[2], 0, 1e-9);
    assert_true(isinf(cost[0]) && isinf(cost[1]));
    assert_int_equal(px_graph_search(g, PX_MODE_BIKE, PX_DIR_TO_SOURCES, &at2, 1, 1e9, NULL, cost), PX_OK);
    assert_float_equal(cost[0], 40, 1e-9);
    assert_float_equal(cost[1], 20, 1e-9);
    /* Walking ignores the one-way. */
    assert_int_equal(px_graph_search(g, PX_MODE_WALK, PX_DIR_FROM_SOURCES, &at2, 1, 1e9, NULL, cost), PX_OK);
    assert_float_equal(cost[0], 120, 1e-9);
    /* Same edge, one-way: a bike at 0.75 of edge 0 cannot reach a source at
     * 0.25 of it, but the reverse is 0.5 * 20 s. */
    px_snap src = {0, 0.25, 0}, at = {0, 0.75, 0};
    assert_int_equal(px_graph_search(g, PX_MODE_BIKE, PX_DIR_TO_SOURCES, &src, 1, 1e9, NULL, cost), PX_OK);
    assert_true(isinf(px_graph_cost_at(g, PX_MODE_BIKE, PX_DIR_TO_SOURCES, cost, &src, 1, 1e9, NULL, &at)));
    assert_int_equal(px_graph_search(g, PX_MODE_BIKE, PX_DIR_FROM_SOURCES, &src, 1, 1e9, NULL, cost), PX_OK);
    assert_float_equal(px_graph_cost_at(g, PX_MODE_BIKE, PX_DIR_FROM_SOURCES, cost, &src, 1, 1e9, NULL, &at), 10,
                       1e-9);
    px_graph_free(g);
    px_ctx_free(ctx);
}

static void test_px_graph_search_island(void **state)
{
    (void)state;
    px_ctx *ctx = NULL;
    assert_int_equal(px_ctx_new(&ctx), PX_OK);
    /* Nodes 0-1-2 connected, 3-4 an island 1 km away. */
    double xy[10] = {0, 0, 100, 0, 200, 0, 1200, 0, 1300, 0};
    px_graph_edge e[3] = {{0, 1, 100, 60, 20, BOTH, 1}, {1, 2, 100, 60, 20, BOTH, 2}, {3, 4, 100, 60, 20, BOTH, 3}};
    px_graph *g = NULL;
    assert_int_equal(px_graph_from_edges(ctx, 5, xy, 3, e, &g), PX_OK);
    assert_int_equal(px_graph_node_component(g, 0), 0);
    assert_int_equal(px_graph_node_component(g, 4), 1);
    px_snap s;
    assert_int_equal(px_graph_snap(ctx, g, PX_MODE_WALK, 0, 0, 300, &s), PX_OK);
    double cost[5];
    assert_int_equal(px_graph_search(g, PX_MODE_WALK, PX_DIR_TO_SOURCES, &s, 1, 1e9, NULL, cost), PX_OK);
    assert_float_equal(cost[2], 120, 1e-9);
    assert_true(isinf(cost[3]) && isinf(cost[4]));
    px_graph_free(g);
    px_ctx_free(ctx);
}

static void test_px_graph_snap_beyond_and_partial(void **state)
{
    (void)state;
    px_ctx *ctx = NULL;
    assert_int_equal(px_ctx_new(&ctx), PX_OK);
    px_graph *g = line_graph(ctx, 3, BOTH);
    px_snap s = {-1, -1, -1};
    /* 50 m north of x=150: edge 1 at half, 50 m away. */
    assert_int_equal(px_graph_snap(ctx, g, PX_MODE_WALK, 150, 50, 300, &s), PX_OK);
    assert_int_equal(s.edge, 1);
    assert_float_equal(s.fraction, 0.5, 1e-12);
    assert_float_equal(s.distance_m, 50, 1e-9);
    /* 400 m away with a 300 m limit: not found, untouched. */
    px_snap t = {-1, -1, -1};
    assert_int_equal(px_graph_snap(ctx, g, PX_MODE_WALK, 150, 400, 300, &t), PX_ENOTFOUND);
    assert_int_equal(t.edge, -1);
    assert_non_null(strstr(px_ctx_errmsg(ctx), "no walk edge within 300 m"));
    assert_int_equal(px_graph_snap(ctx, g, PX_MODE_WALK, 150, 0, -1, &t), PX_EINVAL);
    /* Far beyond the grid's extent. */
    assert_int_equal(px_graph_snap(ctx, g, PX_MODE_BIKE, -5000, 0, 300, &t), PX_ENOTFOUND);
    /* Half an edge: a point at the middle of edge 1 is 30 s (walk) from
     * node 2 and 10 s (bike); the source node 2. */
    px_snap src = {1, 1.0, 0};
    double cost[3];
    assert_int_equal(px_graph_search(g, PX_MODE_WALK, PX_DIR_TO_SOURCES, &src, 1, 1e9, NULL, cost), PX_OK);
    assert_float_equal(px_graph_cost_at(g, PX_MODE_WALK, PX_DIR_TO_SOURCES, cost, &src, 1, 1e9, NULL, &s), 30, 1e-9);
    assert_int_equal(px_graph_search(g, PX_MODE_BIKE, PX_DIR_TO_SOURCES, &src, 1, 1e9, NULL, cost), PX_OK);
    assert_float_equal(px_graph_cost_at(g, PX_MODE_BIKE, PX_DIR_TO_SOURCES, cost, &src, 1, 1e9, NULL, &s), 10, 1e-9);
    /* A source at 0.25 of edge 0 seeds node 0 with 15 s and node 1 with 45 s. */
    px_snap q = {0, 0.25, 0};
    assert_int_equal(px_graph_search(g, PX_MODE_WALK, PX_DIR_FROM_SOURCES, &q, 1, 1e9, NULL, cost), PX_OK);
    assert_float_equal(cost[0], 15, 1e-9);
    assert_float_equal(cost[1], 45, 1e-9);
    assert_float_equal(cost[2], 105, 1e-9);
    /* Same edge: a point at 0.75 of edge 0 is 30 s from q directly. */
    px_snap p = {0, 0.75, 0};
    assert_float_equal(px_graph_cost_at(g, PX_MODE_WALK, PX_DIR_FROM_SOURCES, cost, &q, 1, 1e9, NULL, &p), 30, 1e-9);
    px_graph_free(g);
    px_ctx_free(ctx);
}

static void test_px_graph_search_k_line(void **state)
{
    (void)state;
    px_ctx *ctx = NULL;
    assert_int_equal(px_ctx_new(&ctx), PX_OK);
    px_graph *g = line_graph(ctx, 5, BOTH);
    /* Sources at nodes 0, 3 and 4 (sorted). Node 1: 60 (s0), 120 (s3), 180 (s4). */
    px_snap s[3] = {{0, 0.0, 0}, {2, 1.0, 0}, {3, 1.0, 0}};
    double cost[15];
    int32_t src[15];
    assert_int_equal(px_graph_search_k(g, PX_MODE_WALK, PX_DIR_TO_SOURCES, s, 3, 3, 1e9, NULL, cost, src), PX_OK);
    assert_float_equal(cost[1 * 3 + 0], 60, 1e-9);
    assert_float_equal(cost[1 * 3 + 1], 120, 1e-9);
    assert_float_equal(cost[1 * 3 + 2], 180, 1e-9);
    assert_int_equal(src[1 * 3 + 0], 0);
    assert_int_equal(src[1 * 3 + 2], 2);
    /* At 0.5 of edge 0 (30 s from node 0): 30, 150, 210. */
    px_snap at = {0, 0.5, 0};
    double out[3];
    px_graph_cost_at_k(g, PX_MODE_WALK, PX_DIR_TO_SOURCES, cost, src, s, 3, 3, 1e9, NULL, &at, out);
    assert_float_equal(out[0], 30, 1e-9);
    assert_float_equal(out[1], 150, 1e-9);
    assert_float_equal(out[2], 210, 1e-9);
    /* Cutoff 160 s: the third is out of reach. */
    assert_int_equal(px_graph_search_k(g, PX_MODE_WALK, PX_DIR_TO_SOURCES, s, 3, 3, 160, NULL, cost, src), PX_OK);
    px_graph_cost_at_k(g, PX_MODE_WALK, PX_DIR_TO_SOURCES, cost, src, s, 3, 3, 160, NULL, &at, out);
    assert_float_equal(out[1], 150, 1e-9);
    assert_true(isinf(out[2]));
    assert_int_equal(px_graph_search_k(g, PX_MODE_WALK, PX_DIR_TO_SOURCES, s, 3, 0, 1e9, NULL, cost, src), PX_EINVAL);
    px_graph_free(g);
    px_ctx_free(ctx);
}

/* ---- random graphs vs brute force ------------------------------------------ */

static uint64_t rng_state;
static double rnd(void)
{
    rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(rng_state >> 11) / 9007199254740992.0;
}

/* Plain O(n^2) Dijkstra from node `o` over the edge list, directions as flags say. */
static void brute_dijkstra(int n, const px_graph_edge *e, int ne, px_mode m, int o, double *d)
{
    char *done = calloc((size_t)n, 1);
    for (int i = 0; i < n; i++) d[i] = INFINITY;
    d[o] = 0;
    for (;;) {
        int u = -1;
        for (int i = 0; i < n; i++)
            if (!done[i] && isfinite(d[i]) && (u < 0 || d[i] < d[u])) u = i;
        if (u < 0) break;
        done[u] = 1;
        for (int k = 0; k < ne; k++) {
            double c = m == PX_MODE_WALK ? (double)(float)e[k].walk_s : (double)(float)e[k].bike_s;
            if (e[k].from == u && (e[k].flags & PX_EDGE_FWD(m)) && d[u] + c < d[e[k].to]) d[e[k].to] = d[u] + c;
            if (e[k].to == u && (e[k].flags & PX_EDGE_BWD(m)) && d[u] + c < d[e[k].from]) d[e[k].from] = d[u] + c;
        }
    }
    free(done);
}

static void test_px_graph_search_random_vs_brute_force(void **state)
{
    (void)state;
    px_ctx *ctx = NULL;
    assert_int_equal(px_ctx_new(&ctx), PX_OK);
    for (int round = 0; round < 20; round++) {
        rng_state = 12345 + (uint64_t)round;
        int n = 30 + (int)(rnd() * 40), ne = n + (int)(rnd() * 2 * n);
        double *xy = calloc(2 * (size_t)n, sizeof *xy);
        px_graph_edge *e = calloc((size_t)ne, sizeof *e);
        for (int i = 0; i < 2 * n; i++) xy[i] = rnd() * 1000;
        for (int k = 0; k < ne; k++) {
            int a = (int)(rnd() * n), b = (int)(rnd() * n);
            if (a == b) b = (a + 1) % n;
            unsigned fl = 0;
            for (int bit = 0; bit < 4; bit++)
                if (rnd() < 0.75) fl |= 1u << bit;
            e[k] = (px_graph_edge){a, b, 100, 10 + rnd() * 90, 3 + rnd() * 30, fl, k};
        }
        px_graph *g = NULL;
        assert_int_equal(px_graph_from_edges(ctx, (size_t)n, xy, (size_t)ne, e, &g), PX_OK);
        /* Sources at nodes (fraction 0 of an edge leaving the node). */
        int n_src = 1 + (int)(rnd() * 4);
        px_snap src[5];
        int src_node[5];
        for (int s = 0; s < n_src; s++) {
            int k = (int)(rnd() * ne);
            src[s] = (px_snap){k, 0.0, 0};
            src_node[s] = e[k].from;
        }
        px_snap_sort(src, NULL, (size_t)n_src);
        for (int s = 0; s < n_src; s++) src_node[s] = e[src[s].edge].from;
        double *cost = calloc((size_t)n, sizeof *cost), *bd = calloc((size_t)n, sizeof *bd);
        double *kc = calloc((size_t)n * 2, sizeof *kc);
        int32_t *ks = calloc((size_t)n * 2, sizeof *ks);
        for (int m = 0; m < PX_MODE_COUNT; m++) {
            assert_int_equal(px_graph_search(g, (px_mode)m, PX_DIR_TO_SOURCES, src, (size_t)n_src, 1e9, NULL, cost),
                             PX_OK);
            assert_int_equal(px_graph_search_k(g, (px_mode)m, PX_DIR_TO_SOURCES, src, (size_t)n_src, 2, 1e9, NULL,
                                               kc, ks),
                             PX_OK);
            for (int o = 0; o < n; o++) {
                brute_dijkstra(n, e, ne, (px_mode)m, o, bd);
                double best = INFINITY, second = INFINITY;
                for (int s = 0; s < n_src; s++) {
                    /* Distinct source rows may sit on one node: both count. */
                    double d = bd[src_node[s]];
                    if (d < best) second = best, best = d;
                    else if (d < second) second = d;
                }
                if (isinf(best)) assert_true(isinf(cost[o]));
                else assert_float_equal(cost[o], best, 1e-6);
                if (isinf(best)) assert_true(isinf(kc[2 * o]));
                else assert_float_equal(kc[2 * o], best, 1e-6);
                if (isinf(second)) assert_true(isinf(kc[2 * o + 1]));
                else assert_float_equal(kc[2 * o + 1], second, 1e-6);
            }
        }
        free(cost);
        free(bd);
        free(kc);
        free(ks);
        free(xy);
        free(e);
        px_graph_free(g);
    }
    px_ctx_free(ctx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_px_graph_from_edges_bad_input),
        cmocka_unit_test(test_px_graph_search_line),
        cmocka_unit_test(test_px_graph_search_grid_unit_edges),
        cmocka_unit_test(test_px_graph_search_oneway_bike),
        cmocka_unit_test(test_px_graph_search_island),
        cmocka_unit_test(test_px_graph_snap_beyond_and_partial),
        cmocka_unit_test(test_px_graph_search_k_line),
        cmocka_unit_test(test_px_graph_search_random_vs_brute_force),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
