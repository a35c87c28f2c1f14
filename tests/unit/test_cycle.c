/* Unit tests of the cycle analyses on small hand-built graphs (through the
 * module's internal header): connectivity with the detour rule, islands,
 * coverage on a grid with known populations, missing links with greedy
 * re-evaluation, and option checks. Every expected value is worked out in
 * the comment above its assertion. */
#include "helpers/px_test.h"
#include "cycle/cycle_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static px_ctx *ctx;

static int setup(void **state)
{
    (void)state;
    return px_ctx_new(&ctx) == PX_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    px_ctx_free(ctx);
    return 0;
}

/* A problem under construction: graph plus origins, destinations, categories. */
typedef struct fx {
    px__cinput in;
    px__corigin origins[64];
    px__cdest dests[64];
    char *cats[4];
    double weights[4];
    px__cparams p;
} fx;

static void fx_init(fx *f, size_t n_nodes)
{
    memset(f, 0, sizeof *f);
    assert_int_equal(px__cgraph_new(ctx, n_nodes, &f->in.g), PX_OK);
    f->in.origins = f->origins;
    f->in.dests = f->dests;
    f->in.cat_names = f->cats;
    f->in.cat_weights = f->weights;
    static char school[] = "school", shop[] = "shop";
    f->cats[0] = school, f->cats[1] = shop;
    f->weights[0] = f->weights[1] = 1;
    f->in.n_cats = 2;
    assert_int_equal(px__cycle_params(ctx, NULL, &f->p), PX_OK);
}

static void edge(fx *f, int a, int b, double len, int lts, int fac)
{
    assert_int_equal(
        px__cgraph_add_edge(ctx, f->in.g, a, b, len, 1, 1, lts, fac, (int64_t)f->in.g->n_edges + 1), PX_OK);
}

static void origin(fx *f, int node, double pop, double snap)
{
    f->origins[f->in.n_origins++] = (px__corigin){
        .fid = (int64_t)f->in.n_origins + 1, .node = node, .snap_m = snap, .pop = pop, .commune = -1};
}

static void dest(fx *f, int node, int cat)
{
    f->dests[f->in.n_dests++] = (px__cdest){node, cat};
}

/* Nodes 0..5 on a line, 100 m apart. Island A = 0-1-2, island B = 3-4-5
 * (LTS 1), joined only by the LTS 4 road 2-3. 100 residents at node 0, 300
 * at node 5; schools at nodes 1 and 4, a shop at node 5. */
static void two_islands(fx *f)
{
    fx_init(f, 6);
    for (int i = 0; i < 6; i++)
        f->in.g->x[i] = 100.0 * i;
    edge(f, 0, 1, 100, 1, PX_CYCLE_PATH);
    edge(f, 1, 2, 100, 1, PX_CYCLE_PATH);
    edge(f, 2, 3, 100, 4, PX_CYCLE_NONE);
    edge(f, 3, 4, 100, 1, PX_CYCLE_PATH);
    edge(f, 4, 5, 100, 1, PX_CYCLE_PATH);
    assert_int_equal(px__cgraph_index(ctx, f->in.g), PX_OK);
    origin(f, 0, 100, 0);
    origin(f, 5, 300, 0);
    dest(f, 1, 0);
    dest(f, 4, 0);
    dest(f, 5, 1);
}

static void test_px__cycle_connectivity_two_islands(void **state)
{
    (void)state;
    fx f;
    two_islands(&f);
    px__cconn c;
    assert_int_equal(px__cycle_connectivity(ctx, &f.in, &f.p, &c), PX_OK);
    /* Origin 0: schools 2 reachable, 1 on low stress -> 50; shop 1 reachable,
     * 0 on low stress -> 0; mean of the two categories (weights 1) = 25. */
    assert_int_equal(c.n_all[0 * 2 + 0], 2);
    assert_int_equal(c.n_low[0 * 2 + 0], 1);
    assert_int_equal(c.n_all[0 * 2 + 1], 1);
    assert_int_equal(c.n_low[0 * 2 + 1], 0);
    px_assert_near(c.score[0], 25.0, 1e-9);
    /* Origin 5: schools 1 of 2 -> 50; shop at its own node -> 100; mean 75. */
    px_assert_near(c.score[1], 75.0, 1e-9);
    /* Region: (100 * 25 + 300 * 75) / 400 = 62.5. */
    double region;
    assert_int_equal(px__cycle_aggregate(ctx, &f.in, c.score, NULL, NULL, &region), PX_OK);
    px_assert_near(region, 62.5, 1e-9);
    px__cconn_clear(&c);

    /* What-if: the road 2-3 becomes low stress -> every destination counts: 100. */
    f.in.g->e_lts[2] = 1;
    assert_int_equal(px__cycle_connectivity(ctx, &f.in, &f.p, &c), PX_OK);
    assert_int_equal(px__cycle_aggregate(ctx, &f.in, c.score, NULL, NULL, &region), PX_OK);
    px_assert_near(region, 100.0, 1e-9);
    px__cconn_clear(&c);
    px__cgraph_free(f.in.g);
}

static void test_px__cycle_connectivity_weights_and_threads(void **state)
{
    (void)state;
    fx f;
    two_islands(&f);
    /* School weighs 3, shop 1: origin 0 = (3*50 + 0)/4 = 37.5, origin 5 =
     * (3*50 + 100)/4 = 62.5; region (100*37.5 + 300*62.5)/400 = 56.25. One
     * thread or four give the same counts. */
    f.weights[0] = 3;
    for (int t = 1; t <= 4; t += 3) {
        f.p.threads = t;
        px__cconn c;
        assert_int_equal(px__cycle_connectivity(ctx, &f.in, &f.p, &c), PX_OK);
        px_assert_near(c.score[0], 37.5, 1e-9);
        px_assert_near(c.score[1], 62.5, 1e-9);
        double region;
        assert_int_equal(px__cycle_aggregate(ctx, &f.in, c.score, NULL, NULL, &region), PX_OK);
        px_assert_near(region, 56.25, 1e-9);
        px__cconn_clear(&c);
    }
    px__cgraph_free(f.in.g);
}

/* Origin at node 0, a destination at node 1: the direct road 0-1 is LTS 4
 * and 1,000 m long; the low-stress way round 0-2-1 is `around` metres. */
static double detour_score(double around)
{
    fx f;
    fx_init(&f, 3);
    f.in.n_cats = 1;
    edge(&f, 0, 1, 1000, 4, PX_CYCLE_NONE);
    edge(&f, 0, 2, around / 2, 1, PX_CYCLE_TRACK);
    edge(&f, 2, 1, around / 2, 1, PX_CYCLE_TRACK);
    assert_int_equal(px__cgraph_index(ctx, f.in.g), PX_OK);
    origin(&f, 0, 10, 0);
    dest(&f, 1, 0);
    px__cconn c;
    assert_int_equal(px__cycle_connectivity(ctx, &f.in, &f.p, &c), PX_OK);
    double s = c.score[0];
    px__cconn_clear(&c);
    px__cgraph_free(f.in.g);
    return s;
}

static void test_px__cycle_connectivity_detour_limit(void **state)
{
    (void)state;
    /* 1.3 x 1,000 m exceeds the 1.25 ratio: not low-stress reachable. */
    px_assert_near(detour_score(1300), 0.0, 1e-9);
    /* 1.2 x 1,000 m is within it. */
    px_assert_near(detour_score(1200), 100.0, 1e-9);
    /* Exactly 1.25 x counts (the rule is "no longer than"). */
    px_assert_near(detour_score(1250), 100.0, 1e-9);
}

static void test_px__cycle_connectivity_out_of_reach(void **state)
{
    (void)state;
    /* A destination 3,000 m away is beyond the 2,680 m biking distance: no
     * category has anything within reach, so the origin has no score. */
    fx f;
    fx_init(&f, 2);
    f.in.n_cats = 1;
    edge(&f, 0, 1, 3000, 1, PX_CYCLE_TRACK);
    assert_int_equal(px__cgraph_index(ctx, f.in.g), PX_OK);
    origin(&f, 0, 10, 0);
    dest(&f, 1, 0);
    px__cconn c;
    assert_int_equal(px__cycle_connectivity(ctx, &f.in, &f.p, &c), PX_OK);
    assert_true(isnan(c.score[0]));
    double region = 0;
    assert_int_equal(px__cycle_aggregate(ctx, &f.in, c.score, NULL, NULL, &region), PX_OK);
    assert_true(isnan(region));
    px__cconn_clear(&c);
    px__cgraph_free(f.in.g);
}

static void test_px__cycle_islands_two_islands(void **state)
{
    (void)state;
    fx f;
    two_islands(&f);
    px__cislands is;
    assert_int_equal(px__cycle_islands(ctx, &f.in, &f.p, &is), PX_OK);
    assert_int_equal(is.n, 2);
    assert_int_equal(is.node[0], 0);
    assert_int_equal(is.node[2], 0);
    assert_int_equal(is.node[3], 1);
    assert_int_equal(is.n_edges[0], 2);
    px_assert_near(is.length_m[1], 200.0, 1e-9);
    px_assert_near(is.pop[0], 100.0, 1e-9);
    px_assert_near(is.pop[1], 300.0, 1e-9);
    px_assert_near(is.n_dest[0], 1.0, 1e-9); /* the school at node 1 */
    px_assert_near(is.n_dest[1], 2.0, 1e-9); /* school at 4, shop at 5 */
    px__cislands_clear(&is);
    px__cgraph_free(f.in.g);
}

static void test_px__cycle_links_two_islands(void **state)
{
    (void)state;
    fx f;
    two_islands(&f);
    px__cislands is;
    assert_int_equal(px__cycle_islands(ctx, &f.in, &f.p, &is), PX_OK);
    px__clinks l;
    assert_int_equal(px__cycle_links(ctx, &f.in, &f.p, &is, &l), PX_OK);
    /* One candidate: the road 2-3 (no gap is proposed where a road joins). */
    assert_int_equal(l.n_candidates, 1);
    assert_int_equal(l.n, 1);
    assert_int_equal(l.links[0].kind, 0);
    assert_int_equal(l.links[0].n_edges, 1);
    assert_int_equal(l.edges[l.links[0].first_edge], 2);
    px_assert_near(l.links[0].length_m, 100.0, 1e-9);
    /* 2 -> 3: 100 residents (node 0) x 2 destinations (nodes 4, 5) = 200;
     * 3 -> 2: 300 residents (node 5) x 1 destination (node 1) = 300. */
    px_assert_near(l.links[0].benefit, 500.0, 1e-9);
    /* The graph is given back unchanged. */
    assert_int_equal(f.in.g->e_lts[2], 4);
    assert_int_equal(f.in.g->n_edges, 5);
    px__clinks_clear(&l);
    px__cislands_clear(&is);
    px__cgraph_free(f.in.g);
}

static void test_px__cycle_links_greedy_reevaluation(void **state)
{
    (void)state;
    /* Islands A = 0-1, B = 2-3, C = 4-5 (LTS 1, 100 m edges), joined by LTS 4
     * roads 1-2 (A-B, 100 m), 3-4 (B-C, 100 m) and 0-5 (A-C, 300 m).
     * 100 residents at node 0; one destination at node 3 (B), one at 5 (C). */
    fx f;
    fx_init(&f, 6);
    f.in.n_cats = 1;
    for (int i = 0; i < 6; i++)
        f.in.g->x[i] = 1000.0 * i; /* far apart: no gaps */
    edge(&f, 0, 1, 100, 1, PX_CYCLE_TRACK);
    edge(&f, 2, 3, 100, 1, PX_CYCLE_TRACK);
    edge(&f, 4, 5, 100, 1, PX_CYCLE_TRACK);
    edge(&f, 1, 2, 100, 4, PX_CYCLE_NONE);
    edge(&f, 3, 4, 100, 4, PX_CYCLE_NONE);
    edge(&f, 0, 5, 300, 4, PX_CYCLE_NONE);
    assert_int_equal(px__cgraph_index(ctx, f.in.g), PX_OK);
    origin(&f, 0, 100, 0);
    dest(&f, 3, 0);
    dest(&f, 5, 0);
    px__cislands is;
    assert_int_equal(px__cycle_islands(ctx, &f.in, &f.p, &is), PX_OK);
    assert_int_equal(is.n, 3);
    px__clinks l;
    assert_int_equal(px__cycle_links(ctx, &f.in, &f.p, &is, &l), PX_OK);
    assert_int_equal(l.n_candidates, 3);
    /* First A-B: 100 x 1 = 100 per 0.1 km = 1,000/km, against A-C 100 per
     * 0.3 km. B-C is worth nothing before (no one lives on B or C); after
     * A-B, B-C joins A's 100 residents to C's destination: 100, 1,000/km, and
     * beats A-C, which then joins one island to itself and drops out. */
    assert_int_equal(l.n, 2);
    assert_int_equal(l.edges[l.links[0].first_edge], 3);
    px_assert_near(l.links[0].benefit, 100.0, 1e-9);
    assert_int_equal(l.edges[l.links[1].first_edge], 4);
    px_assert_near(l.links[1].benefit, 100.0, 1e-9);
    px__clinks_clear(&l);
    px__cislands_clear(&is);
    px__cgraph_free(f.in.g);
}

static void test_px__cycle_links_gap(void **state)
{
    (void)state;
    /* Two islands with no road between them: node 1 at x=100 and node 2 at
     * x=250 are 150 m apart (a gap link); nodes 3 (x=600) of a third island
     * is 350 m from node 2: beyond the 200 m gap limit. */
    fx f;
    fx_init(&f, 5);
    f.in.n_cats = 1;
    double xs[5] = {0, 100, 250, 350, 700};
    for (int i = 0; i < 5; i++)
        f.in.g->x[i] = xs[i];
    edge(&f, 0, 1, 100, 1, PX_CYCLE_TRACK);
    edge(&f, 2, 3, 100, 2, PX_CYCLE_NONE);
    edge(&f, 4, 4, 0, 1, PX_CYCLE_NONE); /* a lone node island */
    assert_int_equal(px__cgraph_index(ctx, f.in.g), PX_OK);
    origin(&f, 0, 50, 0);
    dest(&f, 3, 0);
    dest(&f, 4, 0);
    px__cislands is;
    assert_int_equal(px__cycle_islands(ctx, &f.in, &f.p, &is), PX_OK);
    assert_int_equal(is.n, 3);
    px__clinks l;
    assert_int_equal(px__cycle_links(ctx, &f.in, &f.p, &is, &l), PX_OK);
    assert_int_equal(l.n_candidates, 1);
    assert_int_equal(l.n, 1);
    assert_int_equal(l.links[0].kind, 1);
    assert_int_equal(l.links[0].a, 1);
    assert_int_equal(l.links[0].b, 2);
    px_assert_near(l.links[0].length_m, 150.0, 1e-9);
    /* 50 residents x 1 destination (node 3) = 50; nothing the other way. */
    px_assert_near(l.links[0].benefit, 50.0, 1e-9);
    assert_int_equal(f.in.g->n_edges, 3); /* the gap edge was removed again */
    px__clinks_clear(&l);
    px__cislands_clear(&is);
    px__cgraph_free(f.in.g);
}

static void test_px__cycle_links_gap_after_gap(void **state)
{
    (void)state;
    /* Islands A = 0-1 (x 0, 100), B = 2-3 (x 250, 350), C = 4-5 (x 500, 600),
     * no road between them: gaps 1-2 and 3-4 (150 m each). 100 residents at
     * node 0, a destination at node 2 (B) and one at node 5 (C).
     * First pick A-B: 100 x 1 = 100. B-C is worth nothing until then; after
     * it, the residents reach node 3 over the new gap link (0 -> 1 -> 2 -> 3,
     * 350 m) and node 5 beyond 3-4: 100 more. */
    fx f;
    fx_init(&f, 6);
    f.in.n_cats = 1;
    double xs[6] = {0, 100, 250, 350, 500, 600};
    for (int i = 0; i < 6; i++)
        f.in.g->x[i] = xs[i];
    edge(&f, 0, 1, 100, 1, PX_CYCLE_TRACK);
    edge(&f, 2, 3, 100, 1, PX_CYCLE_TRACK);
    edge(&f, 4, 5, 100, 1, PX_CYCLE_TRACK);
    assert_int_equal(px__cgraph_index(ctx, f.in.g), PX_OK);
    origin(&f, 0, 100, 0);
    dest(&f, 2, 0);
    dest(&f, 5, 0);
    px__cislands is;
    assert_int_equal(px__cycle_islands(ctx, &f.in, &f.p, &is), PX_OK);
    px__clinks l;
    assert_int_equal(px__cycle_links(ctx, &f.in, &f.p, &is, &l), PX_OK);
    assert_int_equal(l.n_candidates, 2);
    assert_int_equal(l.n, 2);
    assert_int_equal(l.links[0].kind, 1);
    assert_int_equal(l.links[0].a, 1);
    assert_int_equal(l.links[0].b, 2);
    px_assert_near(l.links[0].benefit, 100.0, 1e-9);
    assert_int_equal(l.links[1].kind, 1);
    assert_int_equal(l.links[1].a, 3);
    assert_int_equal(l.links[1].b, 4);
    px_assert_near(l.links[1].benefit, 100.0, 1e-9);
    /* The appended gap edges are gone again and searches no longer see them. */
    assert_int_equal(f.in.g->n_edges, 3);
    px__csearch *s = NULL;
    assert_int_equal(px__csearch_new(ctx, f.in.g, &s), PX_OK);
    int32_t src = 0;
    px__csearch_run(s, f.in.g, &src, NULL, 1, 4, PX__DIR_BOTH, 10000);
    assert_true(isinf(s->dist[2]));
    px__csearch_free(s);
    px__clinks_clear(&l);
    px__cislands_clear(&is);
    px__cgraph_free(f.in.g);
}

static void test_px__cgraph_add_edge_after_index(void **state)
{
    (void)state;
    /* An edge appended after indexing is searched at once, both ways and
     * one-way, and px__cgraph_index folds it into the CSR. */
    px__cgraph *g = NULL;
    assert_int_equal(px__cgraph_new(ctx, 3, &g), PX_OK);
    assert_int_equal(px__cgraph_add_edge(ctx, g, 0, 1, 10, 1, 1, 1, 0, 1), PX_OK);
    assert_int_equal(px__cgraph_index(ctx, g), PX_OK);
    assert_int_equal(px__cgraph_add_edge(ctx, g, 1, 2, 5, 1, 0, 1, 0, -1), PX_OK); /* one-way 1 -> 2 */
    px__csearch *s = NULL;
    assert_int_equal(px__csearch_new(ctx, g, &s), PX_OK);
    int32_t src = 0;
    px__csearch_run(s, g, &src, NULL, 1, 4, PX__DIR_OUT, 100);
    px_assert_near(s->dist[2], 15.0, 1e-9);
    px__csearch_run(s, g, &src, NULL, 1, 4, PX__DIR_IN, 100);
    assert_true(isinf(s->dist[2])); /* nothing goes 2 -> 1 */
    src = 2;
    px__csearch_run(s, g, &src, NULL, 1, 4, PX__DIR_IN, 100);
    px_assert_near(s->dist[0], 15.0, 1e-9);
    px__csearch_run(s, g, &src, NULL, 1, 1, PX__DIR_IN, 100);
    px_assert_near(s->dist[1], 5.0, 1e-9);
    assert_int_equal(px__cgraph_index(ctx, g), PX_OK);
    src = 0;
    px__csearch_run(s, g, &src, NULL, 1, 4, PX__DIR_OUT, 100);
    px_assert_near(s->dist[2], 15.0, 1e-9);
    px__csearch_free(s);
    px__cgraph_free(g);
}

static void test_px__cycle_coverage_grid(void **state)
{
    (void)state;
    /* 5 x 5 grid, 100 m spacing, node r*5+c at (100c, 100r). A track runs
     * along row 0; every other edge is a plain street. Residents: 10*(r+1)
     * at each node of row r: rows 0..3 are within 300 m of the track
     * (5 * (10+20+30+40) = 500 of 750). One more unit of 7 residents sits
     * 50 m off a row-3 node: 300 + 50 > 300, not covered. */
    fx f;
    fx_init(&f, 25);
    for (int r = 0; r < 5; r++)
        for (int c = 0; c < 5; c++) {
            f.in.g->x[r * 5 + c] = 100.0 * c, f.in.g->y[r * 5 + c] = 100.0 * r;
            if (c < 4)
                edge(&f, r * 5 + c, r * 5 + c + 1, 100, r == 0 ? 1 : 2,
                     r == 0 ? PX_CYCLE_TRACK : PX_CYCLE_NONE);
            if (r < 4) edge(&f, r * 5 + c, (r + 1) * 5 + c, 100, 2, PX_CYCLE_NONE);
        }
    assert_int_equal(px__cgraph_index(ctx, f.in.g), PX_OK);
    for (int v = 0; v < 25; v++)
        origin(&f, v, 10.0 * (v / 5 + 1), 0);
    origin(&f, 17, 7, 50);
    uint8_t covered[26];
    assert_int_equal(px__cycle_coverage(ctx, &f.in, &f.p, covered), PX_OK);
    double pop = 0, cov = 0;
    for (size_t o = 0; o < f.in.n_origins; o++)
        pop += f.origins[o].pop, cov += covered[o] ? f.origins[o].pop : 0;
    px_assert_near(pop, 757.0, 1e-9);
    px_assert_near(cov, 500.0, 1e-9);
    assert_false(covered[25]);
    /* At 400 m the fifth row is covered too: 750 (the off-network unit still
     * needs 350 m, so it is in as well: 757). */
    f.p.coverage_m = 400;
    assert_int_equal(px__cycle_coverage(ctx, &f.in, &f.p, covered), PX_OK);
    cov = 0;
    for (size_t o = 0; o < f.in.n_origins; o++)
        cov += covered[o] ? f.origins[o].pop : 0;
    px_assert_near(cov, 757.0, 1e-9);
    px__cgraph_free(f.in.g);
}

static void test_px__cycle_params_defaults_and_errors(void **state)
{
    (void)state;
    px__cparams p;
    assert_int_equal(px__cycle_params(ctx, NULL, &p), PX_OK);
    px_assert_near(p.coverage_m, 300, 0);
    px_assert_near(p.bike_distance_m, 2680, 0);
    px_assert_near(p.detour_ratio, 1.25, 0);
    assert_int_equal(p.max_low_stress, 2);
    assert_int_equal(p.top_links, 20);
    /* The one snapping default of every analysis (issue 10: was 500 m here). */
    px_assert_near(p.snap_m, PX_LAYER_SNAP_M, 0);
    px_assert_near(p.snap_m, 300, 0);
    assert_int_equal(px__cycle_params(ctx, &(px_cycle_options){.detour_ratio = 0.9}, &p), PX_EINVAL);
    assert_non_null(strstr(px_ctx_errmsg(ctx), "detour ratio must be at least 1"));
    assert_int_equal(px__cycle_params(ctx, &(px_cycle_options){.max_low_stress = 5}, &p), PX_EINVAL);
    assert_int_equal(px__cycle_params(ctx, &(px_cycle_options){.coverage_m = -1}, &p), PX_EINVAL);
}

static void test_px__cgraph_add_edge_out_of_range(void **state)
{
    (void)state;
    px__cgraph *g = NULL;
    assert_int_equal(px__cgraph_new(ctx, 2, &g), PX_OK);
    assert_int_equal(px__cgraph_add_edge(ctx, g, 0, 2, 10, 1, 1, 1, 0, 1), PX_EDOMAIN);
    assert_int_equal(px__cgraph_add_edge(ctx, g, 0, 1, -1, 1, 1, 1, 0, 1), PX_EDOMAIN);
    assert_int_equal(px__cgraph_add_edge(ctx, g, 0, 1, 10, 1, 0, 1, 0, 1), PX_OK);
    assert_int_equal(px__cgraph_index(ctx, g), PX_OK);
    /* One-way 0 -> 1: reachable forward, not backward. */
    px__csearch *s = NULL;
    assert_int_equal(px__csearch_new(ctx, g, &s), PX_OK);
    int32_t src = 1;
    px__csearch_run(s, g, &src, NULL, 1, 4, PX__DIR_OUT, 100);
    assert_true(isinf(s->dist[0]));
    px__csearch_run(s, g, &src, NULL, 1, 4, PX__DIR_IN, 100);
    px_assert_near(s->dist[0], 10.0, 1e-9);
    px__csearch_run(s, g, &src, NULL, 1, 4, PX__DIR_BOTH, 5);
    assert_true(isinf(s->dist[0])); /* beyond the 5 m cutoff */
    px__csearch_free(s);
    px__cgraph_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_px__cycle_connectivity_two_islands),
        cmocka_unit_test(test_px__cycle_connectivity_weights_and_threads),
        cmocka_unit_test(test_px__cycle_connectivity_detour_limit),
        cmocka_unit_test(test_px__cycle_connectivity_out_of_reach),
        cmocka_unit_test(test_px__cycle_islands_two_islands),
        cmocka_unit_test(test_px__cycle_links_two_islands),
        cmocka_unit_test(test_px__cycle_links_greedy_reevaluation),
        cmocka_unit_test(test_px__cycle_links_gap),
        cmocka_unit_test(test_px__cycle_links_gap_after_gap),
        cmocka_unit_test(test_px__cgraph_add_edge_after_index),
        cmocka_unit_test(test_px__cycle_coverage_grid),
        cmocka_unit_test(test_px__cycle_params_defaults_and_errors),
        cmocka_unit_test(test_px__cgraph_add_edge_out_of_range),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
