/*
 * px_equity_run end to end on a project built by hand: a straight street of
 * three 5-minute edges, three population points, one service, two
 * communes. The catchment times, 2SFCA/E2SFCA ratios and commune means are
 * worked out in the comments; a second category whose only service is off
 * the network checks the "nothing in reach" path.
 */
#include "helpers/px_test.h"
#include "analysis/equity_int.h"

#include <geos_c.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Nodes at x = 0, 600, 1200, 1800; edges 0-1, 1-2, 2-3 of 300 s on foot. */
static px_graph *street(px_ctx *ctx)
{
    const double xy[8] = {0, 0, 600, 0, 1200, 0, 1800, 0};
    const unsigned all = PX_EDGE_WALK_FWD | PX_EDGE_WALK_BWD | PX_EDGE_BIKE_FWD | PX_EDGE_BIKE_BWD;
    const px_graph_edge e[3] = {
        {0, 1, 600, 300, 100, all, 1}, {1, 2, 600, 300, 100, all, 2}, {2, 3, 600, 300, 100, all, 3}};
    px_graph *g = NULL;
    assert_int_equal(px_graph_from_edges(ctx, 4, xy, 3, e, &g), PX_OK);
    return g;
}

static px_store *project(px_ctx *ctx, char **dir_out)
{
    char *dir = px_test_tmpdir("equity_run");
    char *path = px_test_path(dir, "p.sqlite");
    px_store *s = NULL;
    assert_int_equal(px_store_create(ctx, path, "EPSG:2154", &s), PX_OK);
    free(path);
    *dir_out = dir;
    px_table_writer *w = NULL;
    assert_int_equal(px_store_table_create(s, px_layer_schema(PX_LAYER_POPULATION), &w), PX_OK);
    px_value p0[4] = {PX_VALUE_TEXT("p0"), PX_VALUE_REAL(100), PX_VALUE_NULL, PX_VALUE_NULL};
    px_test_add_wkt(ctx, w, p0, "POINT(0 0)");
    px_value p1[4] = {PX_VALUE_TEXT("p1"), PX_VALUE_REAL(200), PX_VALUE_NULL, PX_VALUE_NULL};
    px_test_add_wkt(ctx, w, p1, "POINT(600 10)");
    px_value p2[4] = {PX_VALUE_TEXT("p2"), PX_VALUE_REAL(50), PX_VALUE_NULL, PX_VALUE_NULL};
    px_test_add_wkt(ctx, w, p2, "POINT(1800 0)");
    assert_int_equal(px_table_writer_finish(w), PX_OK);
    assert_int_equal(px_store_table_create(s, px_layer_schema(PX_LAYER_SERVICES), &w), PX_OK);
    px_value s0[5] = {PX_VALUE_TEXT("s0"), PX_VALUE_TEXT("health"), PX_VALUE_NULL, PX_VALUE_REAL(10),
                      PX_VALUE_NULL};
    px_test_add_wkt(ctx, w, s0, "POINT(1200 0)");
    px_value s1[5] = {PX_VALUE_TEXT("s1"), PX_VALUE_TEXT("school"), PX_VALUE_NULL, PX_VALUE_NULL,
                      PX_VALUE_NULL};
    px_test_add_wkt(ctx, w, s1, "POINT(1200 5000)");
    assert_int_equal(px_table_writer_finish(w), PX_OK);
    assert_int_equal(px_store_table_create(s, px_layer_schema(PX_LAYER_COMMUNES), &w), PX_OK);
    px_value ca[4] = {PX_VALUE_TEXT("A"), PX_VALUE_TEXT("Aville"), PX_VALUE_NULL, PX_VALUE_NULL};
    px_test_add_wkt(ctx, w, ca, "MULTIPOLYGON(((-100 -100,900 -100,900 100,-100 100,-100 -100)))");
    px_value cb[4] = {PX_VALUE_TEXT("B"), PX_VALUE_TEXT("Bbourg"), PX_VALUE_NULL, PX_VALUE_NULL};
    px_test_add_wkt(ctx, w, cb, "MULTIPOLYGON(((900 -100,2000 -100,2000 100,900 100,900 -100)))");
    assert_int_equal(px_table_writer_finish(w), PX_OK);
    return s;
}

/* Read column `col` of the equity_communes row for (commune, category, method), walk. */
static double commune_value(px_store *s, const char *commune, const char *cat, const char *method,
                            const char *col)
{
    const char *cols[] = {"commune_id", "mode", "category", "method", col, NULL};
    px_table_reader *r = NULL;
    assert_int_equal(px_store_reader_open(s, "equity_communes", cols, 0, NULL, &r), PX_OK);
    int has = 0;
    double v = NAN;
    while (px_table_reader_next(r, &has) == PX_OK && has)
        if (!strcmp(px_table_reader_text(r, 0), commune) && !strcmp(px_table_reader_text(r, 1), "walk") &&
            !strcmp(px_table_reader_text(r, 2), cat) && !strcmp(px_table_reader_text(r, 3), method))
            v = px_table_reader_real(r, 4);
    px_table_reader_close(r);
    return v;
}

static void test_px_equity_run_street(void **state)
{
    (void)state;
    px_ctx *ctx = NULL;
    assert_int_equal(px_ctx_new(&ctx), PX_OK);
    char *dir = NULL;
    px_store *s = project(ctx, &dir);
    px_graph *g = street(ctx);
    px_equity_options o = {.modes = 1u << PX_MODE_WALK};
    px_equity_report rep = {0};
    assert_int_equal(px_equity_run(ctx, s, g, &o, &rep), PX_OK);
    assert_int_equal(rep.n_origins, 3);
    assert_int_equal(rep.n_communes, 2);
    assert_int_equal(rep.n_categories, 2);
    /* Walk times to the health service at x = 1200: p0 10 min, p1 5, p2 5.
     * 2SFCA: R = 10 / 350, everyone gets it: 28.5714 per 1,000.
     * E2SFCA: weights 0.68, 1, 1: R = 10 / (68 + 200 + 50) = 10/318;
     *   p0: 0.68 x 10/318 = 21.3836 per 1,000; p1 = p2 = 31.4465.
     *   Commune A (p0, p1): (100 x 21.3836 + 200 x 31.4465) / 300 = 28.0922;
     *   commune B (p2): 31.4465; regional mean 10 / 350 x 1000 = 28.5714. */
    assert_float_equal(commune_value(s, "A", "health", "2sfca", "mean_access"), 1e4 / 350, 1e-4);
    assert_float_equal(commune_value(s, "A", "health", "e2sfca", "mean_access"), 28.0922, 1e-4);
    assert_float_equal(commune_value(s, "B", "health", "e2sfca", "mean_access"), 31.4465, 1e-4);
    assert_float_equal(commune_value(s, "A", "health", "e2sfca", "median_access"), 31.4465, 1e-4);
    assert_float_equal(commune_value(s, "A", "health", "e2sfca", "ratio_to_regional"), 28.0922 / 28.5714,
                       1e-4);
    assert_float_equal(commune_value(s, "A", "health", "e2sfca", "rank_least_served"), 1, 0);
    assert_float_equal(commune_value(s, "B", "health", "e2sfca", "rank_least_served"), 2, 0);
    /* The school is 5 km off the network: nobody has it, every commune is
     * underserved with all its residents. */
    assert_float_equal(commune_value(s, "A", "school", "e2sfca", "share_no_service"), 1.0, 0);
    assert_float_equal(commune_value(s, "A", "school", "e2sfca", "underserved"), 1, 0);
    assert_float_equal(commune_value(s, "A", "school", "e2sfca", "underserved_population"), 300, 0);
    /* Summary of the school: one supply, unreached; no Gini (nothing shared). */
    const char *cols[] = {"category", "method", "n_supplies", "n_supplies_unreached", "gini", NULL};
    px_table_reader *r = NULL;
    assert_int_equal(px_store_reader_open(s, "equity_summary", cols, 0, NULL, &r), PX_OK);
    int has = 0, seen = 0;
    while (px_table_reader_next(r, &has) == PX_OK && has) {
        if (strcmp(px_table_reader_text(r, 0), "school")) continue;
        seen++;
        assert_int_equal(px_table_reader_int(r, 2), 1);
        assert_int_equal(px_table_reader_int(r, 3), 1);
        assert_true(px_table_reader_is_null(r, 4));
    }
    px_table_reader_close(r);
    assert_int_equal(seen, 2);
    int64_t n = 0;
    assert_int_equal(px_store_count(s, "equity_lorenz", &n), PX_OK);
    assert_int_equal(n, 2 * 101); /* health x two methods; the school has no curve */
    /* Underserved list: health is above half the regional mean in both
     * communes (28.09 and 31.45 against 14.29); the school leaves A and B. */
    assert_int_equal(px_store_count(s, "equity_underserved", &n), PX_OK);
    assert_int_equal(n, 2);
    /* The CSV of the communes: header, then rows; same run, same bytes. */
    char *csv = px_test_path(dir, "c.csv");
    assert_int_equal(px_export(ctx, s, "equity_communes", csv, &(px_export_options){.format = "CSV"}), PX_OK);
    FILE *f = fopen(csv, "r");
    char line[512];
    assert_non_null(fgets(line, sizeof line, f));
    assert_string_equal(line,
                        "fid,commune_id,commune_name,mode,category,method,population,mean_access,median_access,"
                        "share_no_service,ratio_to_regional,underserved,underserved_population,"
                        "rank_least_served\n");
    fclose(f);
    free(csv);
    /* A category typo and an unknown mode bit (issue 10, 2.1): PX_EARG naming
     * the known ones, found before anything is written: the tables stay. */
    const char *typo[] = {"helth"};
    px_equity_options ot = {.modes = 1u << PX_MODE_WALK, .categories = typo, .n_categories = 1};
    assert_int_equal(px_equity_run(ctx, s, g, &ot, NULL), PX_EARG);
    assert_string_equal(px_ctx_errmsg(ctx), "unknown category 'helth' (known: health, school)");
    assert_float_equal(commune_value(s, "A", "health", "2sfca", "mean_access"), 1e4 / 350, 1e-4);
    px_equity_options om = {.modes = 1u << 3};
    assert_int_equal(px_equity_run(ctx, s, g, &om, NULL), PX_EARG);
    assert_non_null(strstr(px_ctx_errmsg(ctx), "(known: walk, bike)"));
    /* Bad input beside good: a missing layer, bad bands. */
    px_decay_band bad[2] = {{10, 1}, {5, 0.5}};
    px_equity_options ob = {.bands = bad, .n_bands = 2};
    assert_int_equal(px_equity_run(ctx, s, g, &ob, NULL), PX_EDOMAIN);
    assert_int_equal(px_store_drop_table(s, "services"), PX_OK);
    assert_int_equal(px_equity_run(ctx, s, g, &o, NULL), PX_ENOTFOUND);
    px_graph_free(g);
    px_store_close(s);
    free(dir);
    px_ctx_free(ctx);
}

/* Find the minutes of demand point d in `pairs`, or -1. */
static double pair_minutes(const px__pairs *p, uint32_t d)
{
    for (size_t k = 0; k < p->n; k++)
        if (p->v[k].demand == d) return p->v[k].minutes;
    return -1;
}

static void test_px__catch_supply_one_way_and_same_edge(void **state)
{
    (void)state;
    px_ctx *ctx = NULL;
    assert_int_equal(px_ctx_new(&ctx), PX_OK);
    /* Bike: edge 0 is 0 -> 1 one-way (x 0..600), edge 1 is 1 - 2 both ways
     * (x 600..1200); 100 s each. Demand: d0 at node 0, d1 at x = 300
     * (edge 0, half way), d2 at node 2, d3 at x = 480 (edge 0, 0.8). */
    const double xy[6] = {0, 0, 600, 0, 1200, 0};
    const unsigned both = PX_EDGE_BIKE_FWD | PX_EDGE_BIKE_BWD;
    const px_graph_edge e[2] = {{0, 1, 600, 0, 100, PX_EDGE_BIKE_FWD, 1}, {1, 2, 600, 0, 100, both, 2}};
    px_graph *g = NULL;
    assert_int_equal(px_graph_from_edges(ctx, 3, xy, 2, e, &g), PX_OK);
    const px_snap d[4] = {{0, 0.0, 0}, {0, 0.5, 0}, {1, 1.0, 0}, {0, 0.8, 0}};
    const uint8_t ok[4] = {1, 1, 1, 1};
    px__catch *c = NULL;
    assert_int_equal(px__catch_new(ctx, g, PX_MODE_BIKE, d, ok, 4, NULL, &c), PX_OK);
    px__pairs pairs = {0};
    /* Supply at x = 900 (edge 1, 0.5): d0 100 + 50 = 150 s = 2.5 min;
     * d1 50 + 50 = 100 s; d2 50 s back along edge 1; d3 20 + 50 = 70 s. */
    const px_snap s1 = {1, 0.5, 0};
    assert_int_equal(px__catch_supply(c, &s1, 900, 0, &pairs), PX_OK);
    assert_int_equal(pairs.n, 4);
    assert_float_equal(pair_minutes(&pairs, 0), 150 / 60.0, 1e-12);
    assert_float_equal(pair_minutes(&pairs, 1), 100 / 60.0, 1e-12);
    assert_float_equal(pair_minutes(&pairs, 2), 50 / 60.0, 1e-12);
    assert_float_equal(pair_minutes(&pairs, 3), 70 / 60.0, 1e-12);
    /* Supply at x = 300 on the one-way edge: d0 50 s forward, d1 0 s (same
     * point); d2 and d3 would have to ride edge 0 backwards: unreached. */
    pairs.n = 0;
    const px_snap s2 = {0, 0.5, 0};
    assert_int_equal(px__catch_supply(c, &s2, 900, 1, &pairs), PX_OK);
    assert_int_equal(pairs.n, 2);
    assert_float_equal(pair_minutes(&pairs, 0), 50 / 60.0, 1e-12);
    assert_float_equal(pair_minutes(&pairs, 1), 0.0, 0);
    assert_float_equal(pair_minutes(&pairs, 2), -1, 0);
    /* A 60 s cutoff keeps only d2 (50 s); d3 (70 s) is beyond it. */
    pairs.n = 0;
    assert_int_equal(px__catch_supply(c, &s1, 60, 2, &pairs), PX_OK);
    assert_int_equal(pairs.n, 1);
    assert_float_equal(pair_minutes(&pairs, 2), 50 / 60.0, 1e-12);
    free(pairs.v);
    px__catch_free(c);
    px_graph_free(g);
    px_ctx_free(ctx);
}

static int cancel_at_indicators(void *user, const char *stage, uint64_t done, uint64_t total)
{
    (void)user;
    (void)done;
    (void)total;
    return strcmp(stage, "equity indicators") == 0;
}

static void test_px_equity_run_cancelled_writes_nothing(void **state)
{
    (void)state;
    px_ctx *ctx = NULL;
    assert_int_equal(px_ctx_new(&ctx), PX_OK);
    char *dir = NULL;
    px_store *s = project(ctx, &dir);
    px_graph *g = street(ctx);
    /* Cancelled once the first indicators are written inside the
     * transaction: the whole run is rolled back, no equity table remains. */
    px_ctx_set_progress(ctx, cancel_at_indicators, NULL);
    assert_int_equal(px_equity_run(ctx, s, g, NULL, NULL), PX_ECANCELLED);
    assert_false(px_store_has_table(s, "equity_origins"));
    assert_false(px_store_has_table(s, "equity_communes"));
    assert_false(px_store_has_table(s, "equity_summary"));
    px_graph_free(g);
    px_store_close(s);
    free(dir);
    px_ctx_free(ctx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_px_equity_run_street),
        cmocka_unit_test(test_px__catch_supply_one_way_and_same_edge),
        cmocka_unit_test(test_px_equity_run_cancelled_writes_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
