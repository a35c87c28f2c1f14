/* End-to-end test of px_cycle_run on a project written through the store
 * writers (canonical layer schemas) and built with px_net_build: two
 * low-stress islands joined only by an LTS 4 primary road, checked in the
 * result tables against hand-computed values, then a what-if that adds a
 * planned track beside the road. */
#include "helpers/px_test.h"
#include "geom/geom_int.h"
#include "io/lines_read.h"

#include <math.h>
#include <stdio.h>
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

/* Origin of the local coordinates (Lambert-93, EPSG:2154). */
#define X0 700000.0
#define Y0 6600000.0

/* "MULTILINESTRING((x y, ...))" with local coordinates shifted to X0, Y0. */
static void road(px_table_writer *w, const char *id, const char *highway, const double *xs, int n)
{
    char wkt[512];
    int k = snprintf(wkt, sizeof wkt, "MULTILINESTRING((");
    for (int i = 0; i < n; i++)
        k += snprintf(wkt + k, sizeof wkt - (size_t)k, "%s%.1f %.1f", i ? ", " : "", X0 + xs[i], Y0);
    snprintf(wkt + k, sizeof wkt - (size_t)k, "))");
    px_value v[20];
    for (int i = 0; i < 20; i++)
        v[i] = PX_VALUE_NULL;
    v[0] = PX_VALUE_TEXT(id);
    v[1] = PX_VALUE_TEXT(highway);
    px_test_add_wkt(ctx, w, v, wkt);
}

static void point_row(px_table_writer *w, px_value *v, double x, double y)
{
    char wkt[128];
    snprintf(wkt, sizeof wkt, "POINT(%.1f %.1f)", X0 + x, Y0 + y);
    px_test_add_wkt(ctx, w, v, wkt);
}

/* Roads: residential 0-100-200 (island A, LTS 1), primary 200-300 (LTS 4
 * by its 70 km/h default), cycleway 300-400-500 (island B, a track).
 * Residents: 100 at x=0, 300 at x=500 (10 m off the road). Services: schools
 * at x=100 and x=400, a shop at x=500. Communes: A = x < 250, B = x >= 250;
 * their centres (points on surface) fall on x=100 and x=400. */
static px_store *make_project(const char *dir)
{
    char *path = px_test_path(dir, "p.sqlite");
    px_store *s = NULL;
    assert_int_equal(px_store_create(ctx, path, "EPSG:2154", &s), PX_OK);
    free(path);
    px_table_writer *w = NULL;
    assert_int_equal(px_store_table_create(s, px_layer_schema(PX_LAYER_ROADS), &w), PX_OK);
    road(w, "a", "residential", (double[]){0, 100, 200}, 3);
    road(w, "link", "primary", (double[]){200, 300}, 2);
    road(w, "b", "cycleway", (double[]){300, 400, 500}, 3);
    assert_int_equal(px_table_writer_finish(w), PX_OK);

    assert_int_equal(px_store_table_create(s, px_layer_schema(PX_LAYER_POPULATION), &w), PX_OK);
    px_value pv[4] = {PX_VALUE_TEXT("p1"), PX_VALUE_REAL(100), PX_VALUE_TEXT("test"), PX_VALUE_NULL};
    point_row(w, pv, 0, 10);
    pv[0] = PX_VALUE_TEXT("p2"), pv[1] = PX_VALUE_REAL(300);
    point_row(w, pv, 500, 10);
    assert_int_equal(px_table_writer_finish(w), PX_OK);

    assert_int_equal(px_store_table_create(s, px_layer_schema(PX_LAYER_SERVICES), &w), PX_OK);
    px_value sv[5] = {PX_VALUE_TEXT("s1"), PX_VALUE_TEXT("school"), PX_VALUE_NULL, PX_VALUE_NULL,
                      PX_VALUE_NULL};
    point_row(w, sv, 100, 5);
    sv[0] = PX_VALUE_TEXT("s2");
    point_row(w, sv, 400, 5);
    sv[0] = PX_VALUE_TEXT("s3"), sv[1] = PX_VALUE_TEXT("shop");
    point_row(w, sv, 500, 5);
    assert_int_equal(px_table_writer_finish(w), PX_OK);

    assert_int_equal(px_store_table_create(s, px_layer_schema(PX_LAYER_COMMUNES), &w), PX_OK);
    char wkt[256];
    px_value cv[4] = {PX_VALUE_TEXT("A"), PX_VALUE_TEXT("West"), PX_VALUE_NULL, PX_VALUE_NULL};
    snprintf(wkt, sizeof wkt, "MULTIPOLYGON(((%f %f, %f %f, %f %f, %f %f, %f %f)))", X0 - 50, Y0 - 50,
             X0 + 250, Y0 - 50, X0 + 250, Y0 + 50, X0 - 50, Y0 + 50, X0 - 50, Y0 - 50);
    px_test_add_wkt(ctx, w, cv, wkt);
    cv[0] = PX_VALUE_TEXT("B"), cv[1] = PX_VALUE_TEXT("East");
    snprintf(wkt, sizeof wkt, "MULTIPOLYGON(((%f %f, %f %f, %f %f, %f %f, %f %f)))", X0 + 250, Y0 - 50,
             X0 + 550, Y0 - 50, X0 + 550, Y0 + 50, X0 + 250, Y0 + 50, X0 + 250, Y0 - 50);
    px_test_add_wkt(ctx, w, cv, wkt);
    assert_int_equal(px_table_writer_finish(w), PX_OK);

    assert_int_equal(px_net_build(ctx, s, NULL, NULL), PX_OK);
    return s;
}

/* Value of column `col` in the row of `table` whose `key` column is `keyval`. */
static double lookup(px_store *s, const char *table, const char *key, const char *keyval, const char *col)
{
    const char *cols[] = {key, col, NULL};
    px_table_reader *r = NULL;
    assert_int_equal(px_store_reader_open(s, table, cols, 0, NULL, &r), PX_OK);
    int has = 0;
    double out = NAN;
    while (px_table_reader_next(r, &has) == PX_OK && has) {
        const char *k = px_table_reader_text(r, 0);
        if (k && !strcmp(k, keyval)) out = px_table_reader_is_null(r, 1) ? NAN : px_table_reader_real(r, 1);
    }
    px_table_reader_close(r);
    return out;
}

static void test_px_cycle_run_two_islands(void **state)
{
    (void)state;
    char *dir = px_test_tmpdir("cycle_run");
    px_store *s = make_project(dir);
    px_cycle_report r;
    assert_int_equal(px_cycle_run(ctx, s, NULL, &r), PX_OK);
    /* Edges: 2 residential + 1 primary + 2 cycleway segments. */
    assert_int_equal(r.n_edges, 5);
    assert_int_equal(r.n_lts[1], 4);
    assert_int_equal(r.n_lts[4], 1);
    assert_int_equal(r.n_islands, 2);
    /* Coverage: the track's nodes are x=300..500. The resident at x=500 is
     * 10 m off it: covered; the one at x=0 is 300 m + 10 m away: not. */
    px_assert_near(r.population, 400, 1e-9);
    px_assert_near(r.covered_population, 300, 1e-9);
    /* Categories school, shop, commune_centre. x=0: schools 1 of 2 (50),
     * shop 0 of 1 (0), centres 1 of 2 (50) -> 33.33; x=500: 50, 100, 50 ->
     * 66.67; region (100 * 33.33 + 300 * 66.67) / 400 = 58.33. */
    px_assert_near(r.score, 175.0 / 3.0, 1e-9);
    px_assert_near(lookup(s, "cycle_connectivity", "commune_id", "A", "score"), 100.0 / 3.0, 1e-9);
    px_assert_near(lookup(s, "cycle_connectivity", "commune_id", "B", "score"), 200.0 / 3.0, 1e-9);
    px_assert_near(lookup(s, "cycle_connectivity", "commune_id", "*", "score_shop"), 75.0, 1e-9);
    px_assert_near(lookup(s, "cycle_coverage", "commune_id", "B", "track_m"), 200.0, 1e-6);
    /* 200 m of track for East's 300 residents: 666.7 m per 1,000. */
    px_assert_near(lookup(s, "cycle_coverage", "commune_id", "B", "track_m_per_1000"), 2000.0 / 3.0, 1e-6);
    px_assert_near(lookup(s, "cycle_coverage", "commune_id", "A", "route_m"), 0.0, 1e-9);
    px_assert_near(lookup(s, "cycle_coverage", "commune_id", "*", "covered_pct"), 75.0, 1e-9);
    /* The top missing link is the primary road: 200 -> 300 joins 100
     * residents to 3 destinations (school, shop, centre east), 300 -> 200
     * joins 300 residents to 2 (school, centre west): 900, 9,000 per km. */
    assert_int_equal(r.n_links, 1);
    const char *cols[] = {"rank", "kind", "benefit", "benefit_per_km", "length_m", NULL};
    px_table_reader *rd = NULL;
    assert_int_equal(px_store_reader_open(s, "cycle_missing_links", cols, 1, NULL, &rd), PX_OK);
    int has = 0;
    assert_int_equal(px_table_reader_next(rd, &has), PX_OK);
    assert_true(has);
    assert_int_equal(px_table_reader_int(rd, 0), 1);
    assert_string_equal(px_table_reader_text(rd, 1), "upgrade");
    px_assert_near(px_table_reader_real(rd, 2), 900.0, 1e-9);
    px_assert_near(px_table_reader_real(rd, 3), 9000.0, 1e-6);
    px_assert_near(px_table_reader_real(rd, 4), 100.0, 1e-6);
    px_table_reader_close(rd);
    /* No what-if asked: no what-if table. */
    assert_false(px_store_has_table(s, "cycle_whatif"));
    px_store_close(s);
    free(dir);
}

static void test_px_cycle_run_whatif(void **state)
{
    (void)state;
    char *dir = px_test_tmpdir("cycle_run");
    px_store *s = make_project(dir);
    /* A planned track beside the primary road, in the project CRS. */
    char *plan = px_test_path(dir, "plan.geojson");
    FILE *f = fopen(plan, "w");
    assert_non_null(f);
    fprintf(f,
            "{\"type\":\"FeatureCollection\",\"crs\":{\"type\":\"name\",\"properties\":{\"name\":"
            "\"urn:ogc:def:crs:EPSG::2154\"}},\"features\":[{\"type\":\"Feature\",\"properties\":{},"
            "\"geometry\":{\"type\":\"LineString\",\"coordinates\":[[%.1f,%.1f],[%.1f,%.1f]]}}]}\n",
            X0 + 201, Y0 + 3, X0 + 299, Y0 + 3);
    fclose(f);
    px_cycle_report r;
    px_cycle_options o = {.add_links = plan};
    assert_int_equal(px_cycle_run(ctx, s, &o, &r), PX_OK);
    assert_int_equal(r.n_added, 1);
    /* With the track every destination is reachable on low stress: 100.
     * The track's end at x=200 brings the x=0 resident within 210 m: all 400. */
    px_assert_near(r.score, 175.0 / 3.0, 1e-9);
    px_assert_near(r.score_whatif, 100.0, 1e-9);
    px_assert_near(r.covered_whatif, 400.0, 1e-9);
    px_assert_near(lookup(s, "cycle_whatif", "commune_id", "A", "score_delta"), 200.0 / 3.0, 1e-9);
    px_assert_near(lookup(s, "cycle_whatif", "commune_id", "B", "score_after"), 100.0, 1e-9);
    px_assert_near(lookup(s, "cycle_whatif", "commune_id", "*", "covered_delta"), 25.0, 1e-9);
    /* reach: x=0 had 2 low-stress destinations (school, centre west), now 5. */
    px_assert_near(lookup(s, "cycle_whatif", "commune_id", "A", "reach_delta"), 3.0, 1e-9);

    /* A planned link far from the network is refused and the tables stay. */
    f = fopen(plan, "w");
    fprintf(f,
            "{\"type\":\"FeatureCollection\",\"crs\":{\"type\":\"name\",\"properties\":{\"name\":"
            "\"urn:ogc:def:crs:EPSG::2154\"}},\"features\":[{\"type\":\"Feature\",\"properties\":{},"
            "\"geometry\":{\"type\":\"LineString\",\"coordinates\":[[%.1f,%.1f],[%.1f,%.1f]]}}]}\n",
            X0 + 200, Y0 + 5000, X0 + 300, Y0 + 5000);
    fclose(f);
    assert_int_equal(px_cycle_run(ctx, s, &o, &r), PX_EDOMAIN);
    assert_non_null(strstr(px_ctx_errmsg(ctx), "from the network"));
    assert_true(px_store_has_table(s, "cycle_whatif"));
    px_store_close(s);
    free(plan);
    free(dir);
}

static void test_px_cycle_run_bad_input(void **state)
{
    (void)state;
    char *dir = px_test_tmpdir("cycle_run");
    char *path = px_test_path(dir, "empty.sqlite");
    px_store *s = NULL;
    assert_int_equal(px_store_create(ctx, path, "EPSG:2154", &s), PX_OK);
    assert_int_equal(px_cycle_run(ctx, s, NULL, NULL), PX_ENOTFOUND);
    assert_non_null(strstr(px_ctx_errmsg(ctx), "cycle needs the roads, population and services layers"));
    assert_int_equal(px_cycle_run(ctx, NULL, NULL, NULL), PX_EINVAL);
    assert_int_equal(px_cycle_run(ctx, s, &(px_cycle_options){.detour_ratio = 0.5}, NULL), PX_EINVAL);
    px_store_close(s);
    free(path);
    free(dir);
}

/* Progress sink that asks to stop at the connectivity stage. */
static int stop_at_connectivity(void *user, const char *stage, uint64_t done, uint64_t total)
{
    (void)done, (void)total;
    int *seen = user;
    if (strcmp(stage, "cycle connectivity") != 0) return 0;
    (*seen)++;
    return 1;
}

static void test_px_cycle_run_cancelled(void **state)
{
    (void)state;
    /* A context of its own: cancellation is sticky on a context. */
    px_ctx *c2 = NULL;
    assert_int_equal(px_ctx_new(&c2), PX_OK);
    px_ctx *keep = ctx;
    ctx = c2;
    char *dir = px_test_tmpdir("cycle_run");
    px_store *s = make_project(dir);
    int seen = 0;
    px_ctx_set_progress(c2, stop_at_connectivity, &seen);
    assert_int_equal(px_cycle_run(c2, s, NULL, NULL), PX_ECANCELLED);
    assert_true(seen > 0);
    /* Nothing was written. */
    assert_false(px_store_has_table(s, "net_edge_lts"));
    assert_false(px_store_has_table(s, "cycle_connectivity"));
    px_store_close(s);
    free(dir);
    ctx = keep;
    px_ctx_free(c2);
}

static void test_px__io_read_lines_wgs84_multi(void **state)
{
    (void)state;
    char *dir = px_test_tmpdir("cycle_run");
    char *path = px_test_path(dir, "lines.geojson");
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    /* No crs member: WGS84. (3, 46.5) is the origin of Lambert-93: (700000, 6600000). */
    fputs("{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":{},"
          "\"geometry\":{\"type\":\"MultiLineString\",\"coordinates\":[[[3,46.5],[3.001,46.5]],"
          "[[3,46.5],[3,46.501],[3.001,46.501]]]}}]}\n",
          f);
    fclose(f);
    px__io_lines l;
    assert_int_equal(px__io_read_lines(ctx, path, "EPSG:2154", &l), PX_OK);
    assert_int_equal(l.n, 2); /* one feature, two parts */
    assert_int_equal(l.off[1], 2);
    assert_int_equal(l.off[2], 5);
    px_assert_near(l.xy[0], 700000.0, 1e-3);
    px_assert_near(l.xy[1], 6600000.0, 1e-3);
    assert_true(l.xy[2] > 700070 && l.xy[2] < 700080); /* 0.001 deg of longitude at 46.5 N: ~76.5 m */
    px__io_lines_clear(&l);

    /* A point is not a planned link. */
    f = fopen(path, "w");
    fputs("{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":{},"
          "\"geometry\":{\"type\":\"Point\",\"coordinates\":[3,46.5]}}]}\n",
          f);
    fclose(f);
    assert_int_equal(px__io_read_lines(ctx, path, "EPSG:2154", &l), PX_EDOMAIN);
    assert_non_null(strstr(px_ctx_errmsg(ctx), "a planned link must be a line, not POINT"));
    free(path);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_px_cycle_run_two_islands),      cmocka_unit_test(test_px_cycle_run_whatif),
        cmocka_unit_test(test_px_cycle_run_bad_input),        cmocka_unit_test(test_px_cycle_run_cancelled),
        cmocka_unit_test(test_px__io_read_lines_wgs84_multi),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
