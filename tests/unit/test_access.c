/*
 * Unit tests of the accessibility analysis and isochrones on a hand-made
 * region whose answers are computed by hand:
 *
 *   A: residential (0,0)-(1200,0)       walk 900 s, bike 288 s
 *   B: one-way east (1200,0)-(2400,0)   walk 900 s, bike 288 s (east only)
 *   health service at (0,10), food service at (2400,0)
 *   p1 (600,20) x10: halfway along A; p2 (1800,0) x20: halfway along B;
 *   p3 (600,500) x5: 500 m from any road (beyond the 300 m snapping)
 *   communes: C1 = x in [-100,1200], C2 = x in [1200,2500]
 */
#include "helpers/px_test.h"
#include "geom/geom_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static px_store *region(px_ctx *ctx, char **path_out)
{
    char *dir = px_test_tmpdir("access");
    char *path = px_test_path(dir, "p.sqlite");
    free(dir);
    px_store *s = NULL;
    assert_int_equal(px_store_create(ctx, path, "EPSG:2154", &s), PX_OK);
    px_table_writer *w = NULL;
    px_value v[20];
    for (int i = 0; i < 20; i++) v[i] = PX_VALUE_NULL;
    assert_int_equal(px_store_table_create(s, px_layer_schema(PX_LAYER_ROADS), &w), PX_OK);
    v[0] = PX_VALUE_TEXT("A");
    v[1] = PX_VALUE_TEXT("residential");
    px_test_add_wkt(ctx, w, v, "MULTILINESTRING((0 0, 1200 0))");
    v[0] = PX_VALUE_TEXT("B");
    v[3] = PX_VALUE_TEXT("yes");
    px_test_add_wkt(ctx, w, v, "MULTILINESTRING((1200 0, 2400 0))");
    assert_int_equal(px_table_writer_finish(w), PX_OK);

    px_value sv[5] = {PX_VALUE_TEXT("s1"), PX_VALUE_TEXT("health"), PX_VALUE_TEXT("Doctor"), PX_VALUE_NULL,
                      PX_VALUE_NULL};
    assert_int_equal(px_store_table_create(s, px_layer_schema(PX_LAYER_SERVICES), &w), PX_OK);
    px_test_add_wkt(ctx, w, sv, "POINT(0 10)");
    sv[0] = PX_VALUE_TEXT("s2");
    sv[1] = PX_VALUE_TEXT("food");
    px_test_add_wkt(ctx, w, sv, "POINT(2400 0)");
    assert_int_equal(px_table_writer_finish(w), PX_OK);

    assert_int_equal(px_store_table_create(s, px_layer_schema(PX_LAYER_POPULATION), &w), PX_OK);
    px_value pv[4] = {PX_VALUE_TEXT("p1"), PX_VALUE_REAL(10), PX_VALUE_NULL, PX_VALUE_NULL};
    px_test_add_wkt(ctx, w, pv, "POINT(600 20)");
    pv[0] = PX_VALUE_TEXT("p2");
    pv[1] = PX_VALUE_REAL(20);
    px_test_add_wkt(ctx, w, pv, "POINT(1800 0)");
    pv[0] = PX_VALUE_TEXT("p3");
    pv[1] = PX_VALUE_REAL(5);
    px_test_add_wkt(ctx, w, pv, "POINT(600 500)");
    assert_int_equal(px_table_writer_finish(w), PX_OK);

    assert_int_equal(px_store_table_create(s, px_layer_schema(PX_LAYER_COMMUNES), &w), PX_OK);
    px_value cv[4] = {PX_VALUE_TEXT("C1"), PX_VALUE_TEXT("West"), PX_VALUE_NULL, PX_VALUE_NULL};
    px_test_add_wkt(ctx, w, cv, "MULTIPOLYGON(((-100 -1000, 1200 -1000, 1200 1000, -100 1000, -100 -1000)))");
    cv[0] = PX_VALUE_TEXT("C2");
    cv[1] = PX_VALUE_TEXT("East");
    px_test_add_wkt(ctx, w, cv, "MULTIPOLYGON(((1200 -1000, 2500 -1000, 2500 1000, 1200 1000, 1200 -1000)))");
    assert_int_equal(px_table_writer_finish(w), PX_OK);
    assert_int_equal(px_net_build(ctx, s, NULL, NULL), PX_OK);
    *path_out = path;
    return s;
}

/* Value of `col` in the row of `table` where `key_col` = key (NAN for NULL). */
static double cell(px_store *s, const char *table, const char *key_col, const char *key, const char *col)
{
    const char *cols[] = {key_col, col, NULL};
    px_table_reader *r = NULL;
    assert_int_equal(px_store_reader_open(s, table, cols, 0, NULL, &r), PX_OK);
    int has = 0;
    double out = -999;
    char buf[32];
    while (px_table_reader_next(r, &has) == PX_OK && has) {
        const char *k = px_table_reader_text(r, 0);
        if (px_table_reader_column_type(r, 0) == PX_COL_INT) {
            snprintf(buf, sizeof buf, "%lld", (long long)px_table_reader_int(r, 0));
            k = buf;
        }
        if (k && !strcmp(k, key)) out = px_table_reader_is_null(r, 1) ? NAN : px_table_reader_real(r, 1);
    }
    px_table_reader_close(r);
    return out;
}

#define ASSERT_NULL(x) assert_true(isnan(x))

static void test_px_access_run_hand_checked(void **state)
{
    (void)state;
    px_ctx *ctx = NULL;
    assert_int_equal(px_ctx_new(&ctx), PX_OK);
    char *path = NULL;
    px_store *s = region(ctx, &path);
    px_access_report rep;
    assert_int_equal(px_access_run(ctx, s, NULL, &rep), PX_OK);
    assert_int_equal(rep.n_origins, 3);
    assert_int_equal(rep.n_unsnapped[PX_MODE_WALK], 1);
    assert_int_equal(rep.n_categories, 2);
    assert_int_equal(rep.n_communes, 2);
    /* p1 (fid 1), halfway along A: half of A's 15 min walk = 7.5 min; bike 2.4 min. */
    const char *T = "access_origins", *K = "population_fid";
    assert_float_equal(cell(s, T, K, "1", "walk_health_min"), 7.5, 1e-4);
    assert_float_equal(cell(s, T, K, "1", "bike_health_min"), 2.4, 1e-4);
    assert_float_equal(cell(s, T, K, "1", "walk_food_min"), 22.5, 1e-4);
    assert_float_equal(cell(s, T, K, "1", "bike_food_min"), 7.2, 1e-4);
    assert_float_equal(cell(s, T, K, "1", "walk_score"), 1, 0);
    assert_float_equal(cell(s, T, K, "1", "bike_score"), 2, 0);
    assert_float_equal(cell(s, T, K, "1", "walk_snap_m"), 20, 1e-6);
    /* p2 on the one-way street: no way west by bike, so no health by bike. */
    assert_float_equal(cell(s, T, K, "2", "walk_health_min"), 22.5, 1e-4);
    ASSERT_NULL(cell(s, T, K, "2", "bike_health_min"));
    assert_float_equal(cell(s, T, K, "2", "walk_food_min"), 7.5, 1e-4);
    assert_float_equal(cell(s, T, K, "2", "bike_food_min"), 2.4, 1e-4);
    assert_float_equal(cell(s, T, K, "2", "bike_score"), 1, 0);
    /* p3 beyond the snapping distance: unreachable, not dropped. */
    ASSERT_NULL(cell(s, T, K, "3", "walk_health_min"));
    ASSERT_NULL(cell(s, T, K, "3", "walk_snap_m"));
    assert_float_equal(cell(s, T, K, "3", "walk_score"), 0, 0);
    assert_float_equal(cell(s, T, K, "3", "count"), 5, 0);
    /* Communes: C1 = p1 (10) + p3 (5), C2 = p2 (20). */
    const char *C = "access_communes", *CK = "commune_id";
    assert_float_equal(cell(s, C, CK, "C1", "population"), 15, 1e-9);
    assert_float_equal(cell(s, C, CK, "C1", "walk_health_share"), 10.0 / 15, 1e-9);
    assert_float_equal(cell(s, C, CK, "C1", "walk_all_share"), 0, 1e-9);
    assert_float_equal(cell(s, C, CK, "C1", "bike_all_share"), 10.0 / 15, 1e-9);
    /* Weighted median of {7.5 x10, unreachable x5}: the 0.1-min bin of 7.5, reported at its middle. */
    assert_float_equal(cell(s, C, CK, "C1", "walk_health_median_min"), 7.55, 1e-9);
    assert_float_equal(cell(s, C, CK, "C2", "walk_food_share"), 1, 1e-9);
    assert_float_equal(cell(s, C, CK, "C2", "bike_health_share"), 0, 1e-9);
    ASSERT_NULL(cell(s, C, CK, "C2", "bike_health_median_min"));
    assert_float_equal(cell(s, C, CK, "*", "population"), 35, 1e-9);
    assert_float_equal(cell(s, C, CK, "*", "bike_all_share"), 10.0 / 35, 1e-9);
    assert_float_equal(rep.share_all[PX_MODE_BIKE], 10.0 / 35, 1e-9);
    px_store_close(s);
    free(path);
    px_ctx_free(ctx);
}

static void test_px_access_run_options(void **state)
{
    (void)state;
    px_ctx *ctx = NULL;
    assert_int_equal(px_ctx_new(&ctx), PX_OK);
    char *path = NULL;
    px_store *s = region(ctx, &path);
    /* Walk only, one thread, cutoff 20 min: 22.5 min becomes NULL; nth 2
     * with one service per category gives NULL n-th minutes. */
    const char *cats[] = {"health", NULL};
    px_access_options o = {.modes = 1u << PX_MODE_WALK, .cutoff_minutes = 20, .nth = 2, .categories = cats,
                           .n_threads = 1};
    px_access_report rep;
    assert_int_equal(px_access_run(ctx, s, &o, &rep), PX_OK);
    assert_int_equal(rep.n_categories, 1);
    assert_true(isnan(rep.share_all[PX_MODE_BIKE]));
    const char *T = "access_origins", *K = "population_fid";
    assert_float_equal(cell(s, T, K, "1", "walk_health_min"), 7.5, 1e-4);
    ASSERT_NULL(cell(s, T, K, "1", "walk_health_n2_min"));
    ASSERT_NULL(cell(s, T, K, "2", "walk_health_min"));
    /* A typo in the categories (issue 10, 2.1): PX_EARG naming the known
     * ones, found before anything is written: the walk-only table stays. */
    const char *typo[] = {"health", "helth", NULL};
    px_access_options bad = {.categories = typo};
    assert_int_equal(px_access_run(ctx, s, &bad, NULL), PX_EARG);
    assert_string_equal(px_ctx_errmsg(ctx), "unknown category 'helth' (known: food, health)");
    assert_float_equal(cell(s, T, K, "1", "walk_health_min"), 7.5, 1e-4);
    ASSERT_NULL(cell(s, T, K, "1", "walk_health_n2_min"));
    /* An unknown mode bit is PX_EARG too. */
    bad = (px_access_options){.modes = 1u << 5};
    assert_int_equal(px_access_run(ctx, s, &bad, NULL), PX_EARG);
    assert_non_null(strstr(px_ctx_errmsg(ctx), "(known: walk, bike)"));
    /* Bad options. */
    bad = (px_access_options){.minutes = -1};
    assert_int_equal(px_access_run(ctx, s, &bad, NULL), PX_EINVAL);
    bad = (px_access_options){.minutes = 15, .cutoff_minutes = 10};
    assert_int_equal(px_access_run(ctx, s, &bad, NULL), PX_EINVAL);
    const char *layers[] = {"schools", NULL};
    bad = (px_access_options){.layers = layers};
    assert_int_equal(px_access_run(ctx, s, &bad, NULL), PX_ENOTFOUND);
    assert_non_null(strstr(px_ctx_errmsg(ctx), "schools"));
    px_store_close(s);
    free(path);
    px_ctx_free(ctx);
}

static void test_px_isochrones_partial_edge(void **state)
{
    (void)state;
    px_ctx *ctx = NULL;
    assert_int_equal(px_ctx_new(&ctx), PX_OK);
    char *path = NULL;
    px_store *s = region(ctx, &path);
    /* From (600,0), walking 5 min (400 m) reaches x in [200, 1000] of A:
     * 0.8 km of network, inside A only; p1 (x10) lies within 40 m of it. */
    double minutes[2] = {5, 20};
    px_iso_origin o = {600, 0, 0, "mid"};
    px_iso_options opt = {.mode = PX_MODE_WALK, .minutes = minutes, .n_minutes = 2};
    assert_int_equal(px_isochrones(ctx, s, &o, 1, &opt), PX_OK);
    const char *T = "isochrones", *K = "minutes";
    assert_float_equal(cell(s, T, K, "5.0", "reached_km"), 0.8, 1e-6);
    assert_float_equal(cell(s, T, K, "5.0", "residents"), 10, 0);
    /* 20 min = 1600 m: all of A (1200 m) and 1000 m of B -> 2.2 km; p2 (x20) inside. */
    assert_float_equal(cell(s, T, K, "20.0", "reached_km"), 2.2, 1e-6);
    assert_float_equal(cell(s, T, K, "20.0", "residents"), 30, 0);
    /* The 5-minute band is a 40 m buffer of 800 m: 800*80 + pi*40^2 (ends
     * drawn with 2 segments per quarter circle: a bit less). */
    double area = cell(s, T, K, "5.0", "area_km2") * 1e6;
    assert_true(area > 800 * 80 + 0.9 * 3.0 * 1600 && area <= 800 * 80 + M_PI * 1600);
    /* The 20-minute band is built as the 5-minute polygon united with the
     * buffers of what lies beyond it; it must equal one buffer of the whole
     * reached line x in [0, 2200]: a 2200 x 80 band plus two half octagons
     * (2 segments per quarter circle), 2 * sqrt(2) * 40^2 in all. */
    assert_float_equal(cell(s, T, K, "20.0", "area_km2") * 1e6, 2200.0 * 80 + 2 * M_SQRT2 * 1600, 1e-3);
    /* By bike, B is one-way eastwards: from (1800,0), 1 min = 250 m eastwards only. */
    double one[1] = {1};
    px_iso_origin ob = {1800, 0, 0, "east"};
    px_iso_options optb = {.mode = PX_MODE_BIKE, .minutes = one, .n_minutes = 1, .table = "iso_bike"};
    assert_int_equal(px_isochrones(ctx, s, &ob, 1, &optb), PX_OK);
    assert_float_equal(cell(s, "iso_bike", "origin", "east", "reached_km"), 0.25, 1e-6);
    double bad_minutes[2] = {10, 5};
    opt.minutes = bad_minutes;
    assert_int_equal(px_isochrones(ctx, s, &o, 1, &opt), PX_EINVAL);
    px_store_close(s);
    free(path);
    px_ctx_free(ctx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_px_access_run_hand_checked),
        cmocka_unit_test(test_px_access_run_options),
        cmocka_unit_test(test_px_isochrones_partial_edge),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
