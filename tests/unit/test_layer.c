/*
 * Unit tests of the standard-layer reader (proxima/layer.h) on a hand-made
 * project whose answers are worked out by hand:
 *
 *   communes: W = square (0,0)-(100,100); E = square (100,0)-(200,100)
 *             (the border x = 100 is shared: W comes first in fid order);
 *             U = a U shape x 300..600, y 0..300, open at the top: its arms
 *             x 300..400 and 500..600, its base y 0..100; N = (700,0)-(800,100),
 *             nobody lives there.
 *   population: w1 (10,10) x1, w2 (90,90) x3, b (100,50) x4 on the W/E border,
 *             e1 = an L-shaped polygon in E (its centroid falls outside it) x2,
 *             u1 (350,250) x5 on the left arm, u2 (550,250) x5 on the right arm,
 *             z (1000,1000) x7 outside every commune, g: NULL geometry.
 *   services: health (10,20) capacity 3, Health (20,20) NULL capacity,
 *             food (150,50) capacity 0, Santé (30,30), "" category (40,40).
 */
#include "helpers/px_test.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static px_store *project(px_ctx *ctx, char **path_out)
{
    char *dir = px_test_tmpdir("layer");
    char *path = px_test_path(dir, "p.sqlite");
    free(dir);
    px_store *s = NULL;
    assert_int_equal(px_store_create(ctx, path, "EPSG:2154", &s), PX_OK);
    px_table_writer *w = NULL;
    assert_int_equal(px_store_table_create(s, px_layer_schema(PX_LAYER_COMMUNES), &w), PX_OK);
    px_value cv[4] = {PX_VALUE_TEXT("W"), PX_VALUE_TEXT("West"), PX_VALUE_NULL, PX_VALUE_NULL};
    px_test_add_wkt(ctx, w, cv, "MULTIPOLYGON(((0 0, 100 0, 100 100, 0 100, 0 0)))");
    cv[0] = PX_VALUE_TEXT("E");
    cv[1] = PX_VALUE_NULL;
    px_test_add_wkt(ctx, w, cv, "MULTIPOLYGON(((100 0, 200 0, 200 100, 100 100, 100 0)))");
    cv[0] = PX_VALUE_TEXT("U");
    cv[1] = PX_VALUE_TEXT("Vallée");
    px_test_add_wkt(ctx, w, cv,
                    "MULTIPOLYGON(((300 0, 600 0, 600 300, 500 300, 500 100, 400 100, 400 300, 300 300, 300 0)))");
    cv[0] = PX_VALUE_NULL;
    cv[1] = PX_VALUE_TEXT("Nobody");
    px_test_add_wkt(ctx, w, cv, "MULTIPOLYGON(((700 0, 800 0, 800 100, 700 100, 700 0)))");
    assert_int_equal(px_table_writer_finish(w), PX_OK);

    assert_int_equal(px_store_table_create(s, px_layer_schema(PX_LAYER_POPULATION), &w), PX_OK);
    px_value pv[4] = {PX_VALUE_TEXT("w1"), PX_VALUE_REAL(1), PX_VALUE_NULL, PX_VALUE_NULL};
    px_test_add_wkt(ctx, w, pv, "POINT(10 10)");
    pv[0] = PX_VALUE_TEXT("w2"), pv[1] = PX_VALUE_REAL(3);
    px_test_add_wkt(ctx, w, pv, "POINT(90 90)");
    pv[0] = PX_VALUE_TEXT("b"), pv[1] = PX_VALUE_REAL(4);
    px_test_add_wkt(ctx, w, pv, "POINT(100 50)");
    pv[0] = PX_VALUE_TEXT("e1"), pv[1] = PX_VALUE_REAL(2);
    px_test_add_wkt(ctx, w, pv, "POLYGON((110 10, 190 10, 190 20, 120 20, 120 90, 110 90, 110 10))");
    pv[0] = PX_VALUE_TEXT("u1"), pv[1] = PX_VALUE_REAL(5);
    px_test_add_wkt(ctx, w, pv, "POINT(350 250)");
    pv[0] = PX_VALUE_TEXT("u2");
    px_test_add_wkt(ctx, w, pv, "POINT(550 250)");
    pv[0] = PX_VALUE_TEXT("z"), pv[1] = PX_VALUE_REAL(7);
    px_test_add_wkt(ctx, w, pv, "POINT(1000 1000)");
    pv[0] = PX_VALUE_TEXT("g"), pv[1] = PX_VALUE_NULL;
    assert_int_equal(px_table_writer_add(w, pv, NULL, 0, NULL), PX_OK);
    assert_int_equal(px_table_writer_finish(w), PX_OK);

    assert_int_equal(px_store_table_create(s, px_layer_schema(PX_LAYER_SERVICES), &w), PX_OK);
    px_value sv[5] = {PX_VALUE_TEXT("s1"), PX_VALUE_TEXT("health"), PX_VALUE_NULL, PX_VALUE_REAL(3), PX_VALUE_NULL};
    px_test_add_wkt(ctx, w, sv, "POINT(10 20)");
    sv[0] = PX_VALUE_TEXT("s2"), sv[1] = PX_VALUE_TEXT("Health"), sv[3] = PX_VALUE_NULL;
    px_test_add_wkt(ctx, w, sv, "POINT(20 20)");
    sv[0] = PX_VALUE_TEXT("s3"), sv[1] = PX_VALUE_TEXT("food"), sv[3] = PX_VALUE_REAL(0);
    px_test_add_wkt(ctx, w, sv, "POINT(150 50)");
    sv[0] = PX_VALUE_TEXT("s4"), sv[1] = PX_VALUE_TEXT("Santé"), sv[3] = PX_VALUE_NULL;
    px_test_add_wkt(ctx, w, sv, "POINT(30 30)");
    sv[0] = PX_VALUE_TEXT("s5"), sv[1] = PX_VALUE_TEXT("");
    px_test_add_wkt(ctx, w, sv, "POINT(40 40)");
    assert_int_equal(px_table_writer_finish(w), PX_OK);
    *path_out = path;
    return s;
}

static void test_px_layer_column_token_rule(void **state)
{
    (void)state;
    const char *in[] = {"Public services", "Health", "Santé", "", "a-b.c", "école 2"};
    const char *want[] = {"public_services", "health", "sant_", "x", "a_b_c", "_cole_2"};
    for (size_t i = 0; i < sizeof in / sizeof in[0]; i++) {
        char *t = px_layer_column_token(in[i]);
        assert_string_equal(t, want[i]);
        free(t);
    }
}

static void test_px_layer_communes_read_and_locate(void **state)
{
    (void)state;
    px_ctx *ctx = NULL;
    assert_int_equal(px_ctx_new(&ctx), PX_OK);
    char *path = NULL;
    px_store *s = project(ctx, &path);
    px_communes *c = NULL;
    assert_int_equal(px_layer_communes_read(ctx, s, 1, &c), PX_OK);
    assert_int_equal(c->n, 4);
    assert_string_equal(c->id[0], "W");
    assert_string_equal(c->name[1], ""); /* NULL name */
    assert_string_equal(c->id[3], "4");  /* NULL id: the fid */
    assert_int_equal(px_layer_communes_locate(c, 50, 50), 0);
    assert_int_equal(px_layer_communes_locate(c, 150, 50), 1);
    assert_int_equal(px_layer_communes_locate(c, 100, 50), 0); /* shared border: the first */
    assert_int_equal(px_layer_communes_locate(c, 450, 250), -1); /* inside the U's gap */
    assert_int_equal(px_layer_communes_locate(c, 350, 250), 2);
    assert_int_equal(px_layer_communes_locate(NULL, 50, 50), -1);
    px_layer_communes_free(c);
    /* Without the layer: empty when optional, PX_ENOTFOUND when required. */
    char *dir = px_test_tmpdir("layer-empty");
    char *p2 = px_test_path(dir, "e.sqlite");
    px_store *e = NULL;
    assert_int_equal(px_store_create(ctx, p2, "EPSG:2154", &e), PX_OK);
    assert_int_equal(px_layer_communes_read(ctx, e, 0, &c), PX_OK);
    assert_int_equal(c->n, 0);
    assert_int_equal(px_layer_communes_locate(c, 50, 50), -1);
    px_layer_communes_free(c);
    assert_int_equal(px_layer_communes_read(ctx, e, 1, &c), PX_ENOTFOUND);
    assert_non_null(strstr(px_ctx_errmsg(ctx), "no communes layer"));
    px_store_close(e);
    free(p2);
    free(dir);
    px_store_close(s);
    free(path);
    px_ctx_free(ctx);
}

static void test_px_layer_population_read_placed(void **state)
{
    (void)state;
    px_ctx *ctx = NULL;
    assert_int_equal(px_ctx_new(&ctx), PX_OK);
    char *path = NULL;
    px_store *s = project(ctx, &path);
    px_communes *c = NULL;
    assert_int_equal(px_layer_communes_read(ctx, s, 1, &c), PX_OK);
    px_points p;
    assert_int_equal(px_layer_population_read(ctx, s, NULL, c, PX_LAYER_WITH_IDS, &p), PX_OK);
    assert_int_equal(p.n, 7); /* g (no geometry) skipped */
    assert_string_equal(p.id[0], "w1");
    assert_float_equal(p.weight[1], 3, 0);
    assert_int_equal(p.commune[2], 0); /* b on the W/E border: W */
    /* e1, an L: its centroid (~(133, 37)) is outside the L; the point on
     * surface is inside it and in E. */
    assert_int_equal(p.commune[3], 1);
    assert_true(p.x[3] >= 110 && p.x[3] <= 190 && p.y[3] >= 10 && p.y[3] <= 90);
    assert_true(p.x[3] <= 120 || p.y[3] <= 20);
    assert_int_equal(p.commune[6], -1); /* z outside every commune */
    assert_null(p.cat);
    /* Centres: W weighted (1*(10,10) + 3*(90,90) + 4*(100,50)) / 8 = (85, 60);
     * E: e1's point; U: the weighted mean (450, 250) falls in the gap, so the
     * nearest resident, u1 (first at equal distance); N: nobody, its point on
     * surface. */
    assert_int_equal(px_layer_communes_centres(ctx, c, &p), PX_OK);
    assert_float_equal(c->cx[0], 85, 1e-9);
    assert_float_equal(c->cy[0], 60, 1e-9);
    assert_true(c->centre_weighted[0]);
    assert_float_equal(c->cx[1], p.x[3], 1e-9);
    assert_float_equal(c->cx[2], 350, 1e-9);
    assert_float_equal(c->cy[2], 250, 1e-9);
    assert_false(c->centre_weighted[3]);
    assert_int_equal(px_layer_communes_locate(c, c->cx[3], c->cy[3]), 3);
    px_layer_points_free(&p);
    px_layer_communes_free(c);
    px_store_close(s);
    free(path);
    px_ctx_free(ctx);
}

static void test_px_layer_services_read_categories(void **state)
{
    (void)state;
    px_ctx *ctx = NULL;
    assert_int_equal(px_ctx_new(&ctx), PX_OK);
    char *path = NULL;
    px_store *s = project(ctx, &path);
    px_points p;
    assert_int_equal(px_layer_services_read(ctx, s, NULL, NULL, NULL, &p), PX_OK);
    /* Sorted (bytewise): Health, Santé, food, health; the empty category left out.
     * "Health" and "health" share a token: the later one gets "_2". */
    assert_int_equal(p.n_cat, 4);
    assert_int_equal(p.n, 4);
    const char *cats[] = {"Health", "Santé", "food", "health"};
    const char *cols[] = {"health", "sant_", "food", "health_2"};
    for (size_t k = 0; k < 4; k++) {
        assert_string_equal(p.cats[k], cats[k]);
        assert_string_equal(p.cat_cols[k], cols[k]);
    }
    assert_int_equal(p.cat[0], 3);
    assert_float_equal(p.weight[0], 3, 0); /* capacity 3 */
    assert_float_equal(p.weight[1], 1, 0); /* NULL capacity: 1 */
    assert_float_equal(p.weight[2], 1, 0); /* capacity 0: 1 */
    assert_int_equal(p.commune[0], -1);    /* no communes given */
    px_layer_points_free(&p);
    /* Asked categories keep their order; a typo is PX_EARG listing the known ones. */
    const char *keep[] = {"food", "health", NULL};
    assert_int_equal(px_layer_services_read(ctx, s, NULL, keep, NULL, &p), PX_OK);
    assert_int_equal(p.n_cat, 2);
    assert_string_equal(p.cats[0], "food");
    assert_int_equal(p.n, 2);
    assert_int_equal(p.cat[0], 1); /* s1, health */
    assert_int_equal(p.cat[1], 0); /* s3, food */
    px_layer_points_free(&p);
    const char *typo[] = {"food", "helth", NULL};
    assert_int_equal(px_layer_services_read(ctx, s, NULL, typo, NULL, &p), PX_EARG);
    assert_string_equal(px_ctx_errmsg(ctx), "unknown category 'helth' (known: Health, Santé, food, health)");
    /* A layer without a category column is its own one category. */
    const char *layers[] = {"population", NULL};
    char **names = NULL;
    size_t n = 0;
    assert_int_equal(px_layer_categories(ctx, s, layers, &names, &n), PX_OK);
    assert_int_equal(n, 1);
    assert_string_equal(names[0], "population");
    px_layer_strings_free(names, n);
    const char *missing[] = {"schools", NULL};
    assert_int_equal(px_layer_services_read(ctx, s, missing, NULL, NULL, &p), PX_ENOTFOUND);
    px_store_close(s);
    free(path);
    px_ctx_free(ctx);
}

static void test_px_layer_qh_score_rule(void **state)
{
    (void)state;
    /* Three categories for two residents, stored [c * 2 + i]. */
    const float m[6] = {5.0f, 15.0f, 15.0f, NAN, 15.01f, 0.0f};
    assert_int_equal(px_layer_qh_score(m, 2, 3, 15), 2);     /* 5, 15 in; 15.01 out */
    assert_int_equal(px_layer_qh_score(m + 1, 2, 3, 15), 2); /* 15, 0 in; NaN never */
    assert_true(px_layer_qh_within(15, 15));
    assert_false(px_layer_qh_within(NAN, 15));
    assert_false(px_layer_qh_within(INFINITY, 15));
}

static void test_px_layer_point_of_rule(void **state)
{
    (void)state;
    px_ctx *ctx = NULL;
    assert_int_equal(px_ctx_new(&ctx), PX_OK);
    /* Little-endian WKB POINT(3 4) read directly. */
    unsigned char wkb[21] = {1, 1, 0, 0, 0};
    double x = 3, y = 4;
    memcpy(wkb + 5, &x, 8);
    memcpy(wkb + 13, &y, 8);
    double px = 0, py = 0;
    assert_int_equal(px_layer_point_of(ctx, wkb, sizeof wkb, &px, &py), PX_OK);
    assert_float_equal(px, 3, 0);
    assert_float_equal(py, 4, 0);
    unsigned char bad[5] = {1, 1, 0, 0, 0};
    assert_int_equal(px_layer_point_of(ctx, bad, sizeof bad, &px, &py), PX_EGEOS);
    px_ctx_free(ctx);
}

/* Partitions (--part K/N): every commune and every origin (the one outside
 * every commune too) in exactly one part, whichever part is asked; equal
 * weights cut into parts of equal size give sizes that differ by one at
 * most; the part's box holds every origin it owns; bad K/N refused. */
static void test_px_layer_partition_rule(void **state)
{
    (void)state;
    px_ctx *ctx = NULL;
    assert_int_equal(px_ctx_new(&ctx), PX_OK);
    char *path = NULL;
    px_store *s = project(ctx, &path);
    px_communes *c = NULL;
    assert_int_equal(px_layer_communes_read(ctx, s, 1, &c), PX_OK);
    px_points p;
    assert_int_equal(px_layer_population_read(ctx, s, NULL, c, 0, &p), PX_OK);
    px_layer_part part;
    for (int n = 1; n <= 6; n++) {
        size_t total = 0, smallest = 99, largest = 0;
        int owners[7] = {0};
        int32_t first[4];
        for (int k = 1; k <= n; k++) {
            assert_int_equal(px_layer_partition(ctx, s, c, NULL, k, n, &part), PX_OK);
            assert_int_equal(part.by_population, 0); /* the population column is all NULL */
            assert_float_equal(part.weight_total, 4, 0);
            for (size_t i = 0; i < 4; i++) {
                if (k == 1) first[i] = part.commune_part[i];
                assert_int_equal(part.commune_part[i], first[i]); /* the same cut in every part */
                assert_true(part.commune_part[i] >= 1 && part.commune_part[i] <= n);
            }
            total += part.n_communes;
            if (part.n_communes < smallest) smallest = part.n_communes;
            if (part.n_communes > largest) largest = part.n_communes;
            for (size_t i = 0; i < p.n; i++)
                if (px_layer_part_owns(&part, p.commune[i], p.x[i], p.y[i])) {
                    owners[i]++;
                    assert_true(part.has_area);
                    assert_true(px_bbox_has(&part.area, p.x[i], p.y[i]));
                }
            px_layer_part_free(&part);
        }
        assert_int_equal(total, 4);
        if (n <= 4) assert_true(largest - smallest <= 1);
        for (size_t i = 0; i < p.n; i++) assert_int_equal(owners[i], 1);
    }
    /* Points anywhere on the grid: one owner each, inside its box. */
    px_layer_part parts[3];
    for (int k = 1; k <= 3; k++) assert_int_equal(px_layer_partition(ctx, s, c, NULL, k, 3, &parts[k - 1]), PX_OK);
    for (int i = 0; i < 2000; i++) {
        double x = -50 + (i * 7919 % 1100), y = -50 + (i * 104729 % 1100);
        int n_own = 0;
        for (int k = 0; k < 3; k++)
            if (px_layer_part_owns(&parts[k], -1, x, y)) {
                n_own++;
                if (x >= 0 && x <= 1000 && y >= 0 && y <= 1000) assert_true(px_bbox_has(&parts[k].area, x, y));
            }
        assert_int_equal(n_own, 1);
    }
    for (int k = 0; k < 3; k++) px_layer_part_free(&parts[k]);
    assert_int_equal(px_layer_partition(ctx, s, c, NULL, 0, 3, &part), PX_EINVAL);
    assert_int_equal(px_layer_partition(ctx, s, c, NULL, 4, 3, &part), PX_EINVAL);
    assert_int_equal(px_layer_partition(ctx, s, c, NULL, 1, 10001, &part), PX_EINVAL);
    assert_non_null(strstr(px_ctx_errmsg(ctx), "want K/N"));
    px_layer_points_free(&p);
    px_layer_communes_free(c);
    px_store_close(s);
    free(path);
    px_ctx_free(ctx);
}

/* With a population column, parts are cut by residents. */
static void test_px_layer_partition_by_population(void **state)
{
    (void)state;
    px_ctx *ctx = NULL;
    assert_int_equal(px_ctx_new(&ctx), PX_OK);
    char *dir = px_test_tmpdir("layer-part");
    char *path = px_test_path(dir, "w.sqlite");
    free(dir);
    px_store *s = NULL;
    assert_int_equal(px_store_create(ctx, path, "EPSG:2154", &s), PX_OK);
    px_table_writer *w = NULL;
    assert_int_equal(px_store_table_create(s, px_layer_schema(PX_LAYER_COMMUNES), &w), PX_OK);
    const double pop[4] = {1, 1, 1, 1000};
    char wkt[160];
    for (int i = 0; i < 4; i++) {
        px_value cv[4] = {PX_VALUE_NULL, PX_VALUE_NULL, PX_VALUE_REAL(pop[i]), PX_VALUE_NULL};
        snprintf(wkt, sizeof wkt, "MULTIPOLYGON(((%d 0, %d 0, %d 100, %d 100, %d 0)))", 100 * i, 100 * i + 100,
                 100 * i + 100, 100 * i, 100 * i);
        px_test_add_wkt(ctx, w, cv, wkt);
    }
    assert_int_equal(px_table_writer_finish(w), PX_OK);
    px_communes *c = NULL;
    assert_int_equal(px_layer_communes_read(ctx, s, 1, &c), PX_OK);
    px_layer_part a, b;
    assert_int_equal(px_layer_partition(ctx, s, c, NULL, 1, 2, &a), PX_OK);
    assert_int_equal(px_layer_partition(ctx, s, c, NULL, 2, 2, &b), PX_OK);
    assert_int_equal(a.by_population, 1);
    assert_float_equal(a.weight_total, 1003, 0);
    assert_float_equal(a.weight + b.weight, 1003, 0);
    /* The commune of 1000 (half the total and more) shares its part with at
     * most one other (one resident before it at most). */
    const px_layer_part *big = a.commune_part[3] == 1 ? &a : &b;
    assert_true(big->weight >= 1000 && big->weight <= 1001);
    px_layer_part_free(&a);
    px_layer_part_free(&b);
    px_layer_communes_free(c);
    px_store_close(s);
    free(path);
    px_ctx_free(ctx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_px_layer_column_token_rule),
        cmocka_unit_test(test_px_layer_communes_read_and_locate),
        cmocka_unit_test(test_px_layer_population_read_placed),
        cmocka_unit_test(test_px_layer_services_read_categories),
        cmocka_unit_test(test_px_layer_qh_score_rule),
        cmocka_unit_test(test_px_layer_point_of_rule),
        cmocka_unit_test(test_px_layer_partition_rule),
        cmocka_unit_test(test_px_layer_partition_by_population),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
