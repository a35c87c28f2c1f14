/*
 * Unit tests of the flood overlay: hazard labels, area shares (a site half
 * inside a zone reports 50%), classes made exclusive by severity, line
 * lengths, point classes and segment tests. Geometries are written as WKT
 * and turned into WKB with the test's own GEOS handle.
 */
#include "helpers/px_test.h"
#include "proxima/flood.h"

#include <geos_c.h>
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

static void wkb_free(wkb *w) { GEOSFree_r(gh, w->b); }

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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_px_hazard_parse_labels),
        cmocka_unit_test(test_px_flood_polygon_shares_half_inside),
        cmocka_unit_test(test_px_flood_line_lengths_and_points),
        cmocka_unit_test(test_px_flood_zones_new_empty_and_bad),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
