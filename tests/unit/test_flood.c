/*
 * Unit tests of the flood overlay: hazard labels, area shares (a site half
 * inside a zone reports 50%), classes made exclusive by severity, line
 * lengths, point classes and segment tests. Geometries are written as WKT
 * and turned into WKB with the test's own GEOS handle.
 */
#include "helpers/px_test.h"
#include "proxima/flood.h"

#include <geos_c.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct wkb {
    unsigned char *b;
    size_t n;
} wkb;

static GEOSContextHandle_t gh;

static wkb from_wkt(const char *wkt)
{
    GEOSWKTReader *r = GEOSWKTReader_create_r(gh);
    GEOSGeometry *g = GEOSWKTReader_read_r(gh, r, wkt);
    assert_non_null(g);
    GEOSWKBWriter *w = GEOSWKBWriter_create_r(gh);
    wkb out;
    out.b = GEOSWKBWriter_write_r(gh, w, g, &out.n);
    GEOSWKBWriter_destroy_r(gh, w);
    GEOSGeom_destroy_r(gh, g);
    GEOSWKTReader_destroy_r(gh, r);
    return out;
}

static void wkb_free(wkb *w)
{
    GEOSFree_r(gh, w->b);
}

static int setup(void **state)
{
    (void)state;
    gh = GEOS_init_r();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    GEOS_finish_r(gh);
    return 0;
}

/* High zone: the square 0..100 x 0..100. Medium zone: 0..300 x 0..100,
 * which overlaps the high one; exclusive, medium is 100..300 x 0..100. */
static px_flood_zones *two_zones(px_ctx *ctx, size_t *skipped)
{
    wkb hi = from_wkt("POLYGON((0 0,100 0,100 100,0 100,0 0))");
    wkb me = from_wkt("POLYGON((0 0,300 0,300 100,0 100,0 0))");
    wkb odd = from_wkt("POLYGON((0 0,10 0,10 10,0 0))");
    px_flood_zone_input in[3] = {{hi.b, hi.n, "Fort"}, {me.b, me.n, "moyen"}, {odd.b, odd.n, "residual"}};
    px_flood_zones *z = NULL;
    assert_int_equal(px_flood_zones_new(ctx, in, 3, &z, skipped), PX_OK);
    wkb_free(&hi);
    wkb_free(&me);
    wkb_free(&odd);
    return z;
}

static void test_px_hazard_parse_labels(void **state)
{
    (void)state;
    px_hazard h;
    assert_int_equal(px_hazard_parse("high", &h), PX_OK);
    assert_int_equal(h, PX_HAZARD_HIGH);
    assert_int_equal(px_hazard_parse("Tr\xc3\xa8s fort", &h), PX_OK);
    assert_int_equal(h, PX_HAZARD_HIGH);
    assert_int_equal(px_hazard_parse("MOYEN", &h), PX_OK);
    assert_int_equal(h, PX_HAZARD_MEDIUM);
    assert_int_equal(px_hazard_parse("very_low", &h), PX_OK);
    assert_int_equal(h, PX_HAZARD_LOW);
    assert_int_equal(px_hazard_parse("residual", &h), PX_ENOTFOUND);
    assert_int_equal(px_hazard_parse(NULL, &h), PX_ENOTFOUND);
    assert_string_equal(px_hazard_name(PX_HAZARD_ANY), "any");
}

static void test_px_flood_polygon_shares_half_inside(void **state)
{
    (void)state;
    px_ctx *ctx = NULL;
    assert_int_equal(px_ctx_new(&ctx), PX_OK);
    size_t skipped = 99;
    px_flood_zones *z = two_zones(ctx, &skipped);
    assert_int_equal(skipped, 1);
    /* Site 50..150 x 0..100: half in high (50..100), half in medium. */
    wkb site = from_wkt("POLYGON((50 0,150 0,150 100,50 100,50 0))");
    double area = 0, s[PX_HAZARD_COUNT + 1];
    assert_int_equal(px_flood_polygon_shares(ctx, z, site.b, site.n, &area, s), PX_OK);
    assert_float_equal(area, 10000.0, 1e-6);
    assert_float_equal(s[PX_HAZARD_HIGH], 0.5, 0.001);
    assert_float_equal(s[PX_HAZARD_MEDIUM], 0.5, 0.001);
    assert_float_equal(s[PX_HAZARD_LOW], 0.0, 0);
    assert_float_equal(s[PX_HAZARD_ANY], 1.0, 1e-9);
    wkb_free(&site);
    /* Site 250..350 x 50..150: a quarter of it in medium (250..300 x 50..100). */
    site = from_wkt("POLYGON((250 50,350 50,350 150,250 150,250 50))");
    assert_int_equal(px_flood_polygon_shares(ctx, z, site.b, site.n, &area, s), PX_OK);
    assert_float_equal(s[PX_HAZARD_HIGH], 0.0, 0);
    assert_float_equal(s[PX_HAZARD_MEDIUM], 0.25, 0.001);
    assert_float_equal(s[PX_HAZARD_ANY], 0.25, 0.001);
    wkb_free(&site);
    /* Wholly inside high. */
    site = from_wkt("MULTIPOLYGON(((10 10,20 10,20 20,10 20,10 10)))");
    assert_int_equal(px_flood_polygon_shares(ctx, z, site.b, site.n, &area, s), PX_OK);
    assert_float_equal(s[PX_HAZARD_HIGH], 1.0, 1e-12);
    assert_float_equal(s[PX_HAZARD_MEDIUM], 0.0, 0);
    wkb_free(&site);
    /* Bad WKB beside good. */
    const unsigned char junk[5] = {1, 2, 3, 4, 5};
    assert_int_equal(px_flood_polygon_shares(ctx, z, junk, 5, &area, s), PX_EGEOS);
    px_flood_zones_free(z);
    px_ctx_free(ctx);
}

static void test_px_flood_line_lengths_and_points(void **state)
{
    (void)state;
    px_ctx *ctx = NULL;
    assert_int_equal(px_ctx_new(&ctx), PX_OK);
    px_flood_zones *z = two_zones(ctx, NULL);
    /* A road along y = 50 from x = -100 to 400: 100 m in high (0..100),
     * 200 m in medium (100..300), 300 m in any, 500 m long. */
    wkb road = from_wkt("LINESTRING(-100 50,400 50)");
    double len = 0, in[PX_HAZARD_COUNT + 1];
    assert_int_equal(px_flood_line_lengths(ctx, z, road.b, road.n, &len, in), PX_OK);
    assert_float_equal(len, 500.0, 1e-9);
    assert_float_equal(in[PX_HAZARD_HIGH], 100.0, 1e-6);
    assert_float_equal(in[PX_HAZARD_MEDIUM], 200.0, 1e-6);
    assert_float_equal(in[PX_HAZARD_ANY], 300.0, 1e-6);
    wkb_free(&road);
    int cls = 7;
    assert_int_equal(px_flood_point_class(ctx, z, 50, 50, &cls), PX_OK);
    assert_int_equal(cls, PX_HAZARD_HIGH);
    assert_int_equal(px_flood_point_class(ctx, z, 200, 50, &cls), PX_OK);
    assert_int_equal(cls, PX_HAZARD_MEDIUM);
    assert_int_equal(px_flood_point_class(ctx, z, 200, 500, &cls), PX_OK);
    assert_int_equal(cls, -1);
    /* A segment crossing only the medium band hits at level medium (and
     * low, which includes the more severe classes), not at level high. */
    int hit = -1;
    assert_int_equal(px_flood_segment_hits(ctx, z, 200, -50, 200, 150, PX_HAZARD_HIGH, &hit), PX_OK);
    assert_int_equal(hit, 0);
    assert_int_equal(px_flood_segment_hits(ctx, z, 200, -50, 200, 150, PX_HAZARD_MEDIUM, &hit), PX_OK);
    assert_int_equal(hit, 1);
    assert_int_equal(px_flood_segment_hits(ctx, z, 200, -50, 200, 150, PX_HAZARD_LOW, &hit), PX_OK);
    assert_int_equal(hit, 1);
    assert_int_equal(px_flood_segment_hits(ctx, z, 0, 0, 1, 1, PX_HAZARD_COUNT, &hit), PX_EINVAL);
    px_flood_zones_free(z);
    px_ctx_free(ctx);
}

static void test_px_flood_zones_new_empty_and_bad(void **state)
{
    (void)state;
    px_ctx *ctx = NULL;
    assert_int_equal(px_ctx_new(&ctx), PX_OK);
    px_flood_zones *z = NULL;
    assert_int_equal(px_flood_zones_new(ctx, NULL, 0, &z, NULL), PX_OK);
    int cls = 0;
    assert_int_equal(px_flood_point_class(ctx, z, 0, 0, &cls), PX_OK);
    assert_int_equal(cls, -1);
    px_flood_zones_free(z);
    const unsigned char junk[3] = {9, 9, 9};
    px_flood_zone_input bad[1] = {{junk, 3, "high"}};
    assert_int_equal(px_flood_zones_new(ctx, bad, 1, &z, NULL), PX_EGEOS);
    assert_string_equal(px_ctx_errmsg(ctx), "flood_zones:1: not a valid geometry");
    assert_int_equal(px_flood_zones_new(ctx, NULL, 0, NULL, NULL), PX_EINVAL);
    px_ctx_free(ctx);
}

/* Street of three edges (x = 0, 600, 1200, 1800; 300 s each on foot); the
 * middle one is a bridge over a high-hazard zone x 800..1000. The health
 * service is at x = 0; p0 at 600 (100), p1 at 1200 (200), p2 at 1800 (50),
 * p3 on the bridge at 950 (10). Communes A x < 1000, B x > 1000. A school
 * stands in the zone; a brownfield x 700..900 is half in it. */
static px_store *bridge_project(px_ctx *ctx, px_graph **g)
{
    char *dir = px_test_tmpdir("flood_run");
    char *path = px_test_path(dir, "p.sqlite");
    px_store *s = NULL;
    assert_int_equal(px_store_create(ctx, path, "EPSG:2154", &s), PX_OK);
    free(path);
    free(dir);
    px_table_writer *w = NULL;
    assert_int_equal(px_store_table_create(s, px_layer_schema(PX_LAYER_POPULATION), &w), PX_OK);
    const char *ids[4] = {"p0", "p1", "p2", "p3"};
    const double cnt[4] = {100, 200, 50, 10};
    const char *pts[4] = {"POINT(600 0)", "POINT(1200 0)", "POINT(1800 0)", "POINT(950 40)"};
    for (int i = 0; i < 4; i++) {
        px_value v[4] = {PX_VALUE_TEXT(ids[i]), PX_VALUE_REAL(cnt[i]), PX_VALUE_NULL, PX_VALUE_NULL};
        px_test_add_wkt(ctx, w, v, pts[i]);
    }
    assert_int_equal(px_table_writer_finish(w), PX_OK);
    assert_int_equal(px_store_table_create(s, px_layer_schema(PX_LAYER_SERVICES), &w), PX_OK);
    px_value h[5] = {PX_VALUE_TEXT("h"), PX_VALUE_TEXT("health"), PX_VALUE_NULL, PX_VALUE_NULL,
                     PX_VALUE_NULL};
    px_test_add_wkt(ctx, w, h, "POINT(0 0)");
    px_value sc[5] = {PX_VALUE_TEXT("s"), PX_VALUE_TEXT("school"), PX_VALUE_NULL, PX_VALUE_NULL,
                      PX_VALUE_NULL};
    px_test_add_wkt(ctx, w, sc, "POINT(900 0)");
    assert_int_equal(px_table_writer_finish(w), PX_OK);
    assert_int_equal(px_store_table_create(s, px_layer_schema(PX_LAYER_COMMUNES), &w), PX_OK);
    px_value ca[4] = {PX_VALUE_TEXT("A"), PX_VALUE_TEXT("Aville"), PX_VALUE_NULL, PX_VALUE_NULL};
    px_test_add_wkt(ctx, w, ca, "MULTIPOLYGON(((-100 -100,1000 -100,1000 100,-100 100,-100 -100)))");
    px_value cb[4] = {PX_VALUE_TEXT("B"), PX_VALUE_TEXT("Bbourg"), PX_VALUE_NULL, PX_VALUE_NULL};
    px_test_add_wkt(ctx, w, cb, "MULTIPOLYGON(((1000 -100,2000 -100,2000 100,1000 100,1000 -100)))");
    assert_int_equal(px_table_writer_finish(w), PX_OK);
    assert_int_equal(px_store_table_create(s, px_layer_schema(PX_LAYER_FLOOD_ZONES), &w), PX_OK);
    px_value z[4] = {PX_VALUE_TEXT("z"), PX_VALUE_TEXT("high"), PX_VALUE_NULL, PX_VALUE_NULL};
    px_test_add_wkt(ctx, w, z, "MULTIPOLYGON(((800 -50,1000 -50,1000 50,800 50,800 -50)))");
    assert_int_equal(px_table_writer_finish(w), PX_OK);
    assert_int_equal(px_store_table_create(s, px_layer_schema(PX_LAYER_BROWNFIELDS), &w), PX_OK);
    px_value b[5] = {PX_VALUE_TEXT("b"), PX_VALUE_NULL, PX_VALUE_NULL, PX_VALUE_NULL, PX_VALUE_NULL};
    px_test_add_wkt(ctx, w, b, "POLYGON((700 -50,900 -50,900 50,700 50,700 -50))");
    assert_int_equal(px_table_writer_finish(w), PX_OK);
    const double xy[8] = {0, 0, 600, 0, 1200, 0, 1800, 0};
    const unsigned all = PX_EDGE_WALK_FWD | PX_EDGE_WALK_BWD | PX_EDGE_BIKE_FWD | PX_EDGE_BIKE_BWD;
    const px_graph_edge e[3] = {
        {0, 1, 600, 300, 100, all, 1}, {1, 2, 600, 300, 100, all, 2}, {2, 3, 600, 300, 100, all, 3}};
    assert_int_equal(px_graph_from_edges(ctx, 4, xy, 3, e, g), PX_OK);
    return s;
}

static void test_px_flood_run_bridge_closed(void **state)
{
    (void)state;
    px_ctx *ctx = NULL;
    assert_int_equal(px_ctx_new(&ctx), PX_OK);
    px_graph *g = NULL;
    px_store *s = bridge_project(ctx, &g);
    px_flood_options o = {.scenario = 1, .level = PX_HAZARD_HIGH, .modes = 1u << PX_MODE_WALK};
    px_flood_report rep = {0};
    assert_int_equal(px_flood_run(ctx, s, g, &o, &rep), PX_OK);
    /* Only the bridge (edge 1-2) touches the zone. */
    assert_int_equal(rep.n_closed_edges, 1);
    assert_float_equal(rep.residents[PX_HAZARD_HIGH], 10, 0);
    /* Exposure of commune A, high: p3's 10 residents, the school, half the
     * brownfield (200 x 100 m, 100 m of it in the zone: 10000 m2), and the
     * 200 m of the bridge inside the zone (its midpoint x = 900 is in A). */
    const char *cols[] = {"commune_id",         "hazard",         "residents", "services_school",
                          "brownfield_area_m2", "walk_network_m", NULL};
    px_table_reader *r = NULL;
    assert_int_equal(px_store_reader_open(s, "flood_exposure", cols, 0, NULL, &r), PX_OK);
    int has = 0, seen = 0;
    while (px_table_reader_next(r, &has) == PX_OK && has) {
        if (strcmp(px_table_reader_text(r, 0), "A") || strcmp(px_table_reader_text(r, 1), "high")) continue;
        seen++;
        assert_float_equal(px_table_reader_real(r, 2), 10, 0);
        assert_int_equal(px_table_reader_int(r, 3), 1);
        assert_float_equal(px_table_reader_real(r, 4), 10000, 1e-3);
        assert_float_equal(px_table_reader_real(r, 5), 200, 1e-6);
    }
    px_table_reader_close(r);
    assert_int_equal(seen, 1);
    /* Scenario, health on foot: p0 (5 min, before the bridge) unchanged; p1
     * (10 min), p2 (15 min) and p3 (on the bridge) are cut off and lose
     * quarter-hour access: 10 in A, 250 in B. */
    const char *oc[] = {"population_id", "category", "base_min", "cut_off", "lost_quarter_hour", NULL};
    assert_int_equal(px_store_reader_open(s, "flood_scenario_origins", oc, 0, NULL, &r), PX_OK);
    int n_health = 0;
    while (px_table_reader_next(r, &has) == PX_OK && has) {
        if (strcmp(px_table_reader_text(r, 1), "health")) continue;
        n_health++;
        const char *id = px_table_reader_text(r, 0);
        assert_string_not_equal(id, "p0");
        assert_int_equal(px_table_reader_int(r, 3), 1);
        assert_int_equal(px_table_reader_int(r, 4), 1);
        if (!strcmp(id, "p2")) assert_float_equal(px_table_reader_real(r, 2), 15.0, 1e-9);
    }
    px_table_reader_close(r);
    assert_int_equal(n_health, 3);
    const char *cc[] = {"commune_id", "category", "residents_losing_qh", NULL};
    assert_int_equal(px_store_reader_open(s, "flood_scenario_communes", cc, 0, NULL, &r), PX_OK);
    while (px_table_reader_next(r, &has) == PX_OK && has) {
        if (strcmp(px_table_reader_text(r, 1), "health")) continue;
        double want = !strcmp(px_table_reader_text(r, 0), "A") ? 10 : 250;
        assert_float_equal(px_table_reader_real(r, 2), want, 0);
    }
    px_table_reader_close(r);
    /* Without the flood_zones layer: not found, store unchanged. */
    assert_int_equal(px_store_drop_table(s, "flood_zones"), PX_OK);
    assert_int_equal(px_flood_run(ctx, s, g, &o, NULL), PX_ENOTFOUND);
    assert_int_equal(px_flood_run(ctx, s, NULL, &o, NULL), PX_EINVAL);
    px_graph_free(g);
    px_store_close(s);
    px_ctx_free(ctx);
}

/* Issue 10, 2.4: residents losing quarter-hour access are counted once each,
 * however many modes and categories they lose, and those living inside the
 * closed zone are reported apart from those outside it who are cut off. */
static void test_px_flood_run_distinct_residents(void **state)
{
    (void)state;
    px_ctx *ctx = NULL;
    assert_int_equal(px_ctx_new(&ctx), PX_OK);
    px_graph *g = NULL;
    px_store *s = bridge_project(ctx, &g);
    px_flood_options o = {.scenario = 1, .level = PX_HAZARD_HIGH}; /* walk and bike, health and school */
    px_flood_report rep = {0};
    assert_int_equal(px_flood_run(ctx, s, g, &o, &rep), PX_OK);
    /* p3 (10) lives in the zone; p1 (200) and p2 (50) are beyond the bridge,
     * cut off from health (x = 0) by both modes; the school stands on the
     * closed bridge (open, but no open edge reaches it), so p0 (100), who
     * keeps health within 5 min, loses the school by both modes too. Every
     * one of the 360 residents loses quarter-hour access, each counted once:
     * the sum over modes x categories would give 260 + 260 + 360 + 360 = 1240. */
    assert_float_equal(rep.residents_in_closed_zones, 10, 0);
    assert_float_equal(rep.residents_losing_qh, 360, 0);
    assert_float_equal(rep.residents_losing_qh_outside, 350, 0);
    assert_float_equal(rep.residents_cut_off_outside, 350, 0);
    /* The per-row table still has one row per origin, mode and category. */
    assert_true(rep.n_origin_rows >= 6);
    /* The high class alone, or high and medium: the same zone here. */
    px_flood_report rep2 = {0};
    o.level = PX_HAZARD_MEDIUM;
    assert_int_equal(px_flood_run(ctx, s, g, &o, &rep2), PX_OK);
    assert_float_equal(rep2.residents_in_closed_zones, 10, 0);
    assert_float_equal(rep2.residents_losing_qh, 360, 0);
    /* Health only: p1, p2 outside, p3 inside; p0 keeps it. */
    const char *health[] = {"health"};
    px_flood_report rep3 = {0};
    o.categories = health;
    o.n_categories = 1;
    assert_int_equal(px_flood_run(ctx, s, g, &o, &rep3), PX_OK);
    assert_float_equal(rep3.residents_losing_qh, 260, 0);
    assert_float_equal(rep3.residents_losing_qh_outside, 250, 0);
    assert_float_equal(rep3.residents_cut_off_outside, 250, 0);
    /* A category typo is PX_EARG naming the known ones, before any table is written. */
    const char *typo[] = {"helth"};
    px_flood_options bad = {.scenario = 1, .categories = typo, .n_categories = 1};
    assert_int_equal(px_flood_run(ctx, s, g, &bad, NULL), PX_EARG);
    assert_string_equal(px_ctx_errmsg(ctx), "unknown category 'helth' (known: health, school)");
    px_graph_free(g);
    px_store_close(s);
    px_ctx_free(ctx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_px_hazard_parse_labels),
        cmocka_unit_test(test_px_flood_polygon_shares_half_inside),
        cmocka_unit_test(test_px_flood_line_lengths_and_points),
        cmocka_unit_test(test_px_flood_zones_new_empty_and_bad),
        cmocka_unit_test(test_px_flood_run_bridge_closed),
        cmocka_unit_test(test_px_flood_run_distinct_residents),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
