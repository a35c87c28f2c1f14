/* Unit tests of px_export: RFC 7946 GeoJSON, other formats, failures. */
#include "helpers/px_test.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const px_column cols[] = {{"name", PX_COL_TEXT}, {"props", PX_COL_TEXT}};
static const px_table_schema schema = {"zones", "result", PX_GEOM_POLYGON, 2, cols};

/* WKB POLYGON with one ring given clockwise (x, y pairs, closed). */
static size_t polygon_wkb(unsigned char *out, const double *xy, uint32_t n)
{
    size_t o = 0;
    out[o++] = 1;
    uint32_t type = 3, rings = 1;
    memcpy(out + o, &type, 4), o += 4;
    memcpy(out + o, &rings, 4), o += 4;
    memcpy(out + o, &n, 4), o += 4;
    memcpy(out + o, xy, 16 * n), o += 16 * n;
    return o;
}

/* A project in Lambert-93 with one clockwise 1 km square near Paris. */
static px_store *make_project(px_ctx *ctx, const char *dir)
{
    char *path = px_test_path(dir, "p.sqlite");
    px_store *s = NULL;
    assert_int_equal(px_store_create(ctx, path, "EPSG:2154", &s), PX_OK);
    free(path);
    px_table_writer *w = NULL;
    assert_int_equal(px_store_table_create(s, &schema, &w), PX_OK);
    const double cw[] = {652000, 6862000, 652000, 6863000, 653000, 6863000, 653000, 6862000, 652000, 6862000};
    unsigned char wkb[128];
    size_t n = polygon_wkb(wkb, cw, 5);
    px_value v[2] = {PX_VALUE_TEXT("Île-de-test"), PX_VALUE_TEXT("{\"alea\":\"F\",\"surface\":12.5}")};
    assert_int_equal(px_table_writer_add(w, v, wkb, n, NULL), PX_OK);
    assert_int_equal(px_table_writer_finish(w), PX_OK);
    return s;
}

static void test_px_export_geojson_rfc7946(void **state)
{
    (void)state;
    px_ctx *ctx = NULL;
    assert_int_equal(px_ctx_new(&ctx), PX_OK);
    char *dir = px_test_tmpdir("export");
    px_store *s = make_project(ctx, dir);
    char *out = px_test_path(dir, "zones.geojson");
    assert_int_equal(px_export(ctx, s, "zones", out, NULL), PX_OK);

    json_error_t jerr;
    json_t *doc = json_load_file(out, 0, &jerr);
    assert_non_null(doc);
    assert_null(json_object_get(doc, "crs"));
    json_t *f = json_array_get(json_object_get(doc, "features"), 0);
    json_t *props = json_object_get(f, "properties");
    assert_string_equal(json_string_value(json_object_get(props, "name")), "Île-de-test");
    /* Extra attributes arrive as a nested object, not a string. */
    assert_string_equal(json_string_value(json_object_get(json_object_get(props, "props"), "alea")), "F");
    json_t *ring = json_array_get(json_object_get(json_object_get(f, "geometry"), "coordinates"), 0);
    assert_int_equal(json_array_size(ring), 5);
    /* Lon/lat near Paris (Lambert-93 652000 6862000 is about 2.35E 48.85N). */
    double lon = json_real_value(json_array_get(json_array_get(ring, 0), 0));
    double lat = json_real_value(json_array_get(json_array_get(ring, 0), 1));
    assert_true(lon > 2.3 && lon < 2.4);
    assert_true(lat > 48.8 && lat < 48.9);
    /* Right-hand rule: the exterior ring is counter-clockwise (positive shoelace area). */
    double area2 = 0;
    for (size_t i = 0; i + 1 < json_array_size(ring); i++) {
        json_t *a = json_array_get(ring, i), *b = json_array_get(ring, i + 1);
        area2 += json_real_value(json_array_get(a, 0)) * json_real_value(json_array_get(b, 1)) -
                 json_real_value(json_array_get(b, 0)) * json_real_value(json_array_get(a, 1));
    }
    assert_true(area2 > 0);
    json_decref(doc);

    /* --precision 3 rounds coordinates to 3 decimals. */
    px_export_options o = {.precision = 3};
    assert_int_equal(px_export(ctx, s, "zones", out, &o), PX_OK);
    FILE *fp = fopen(out, "r");
    char buf[4096];
    size_t n = fread(buf, 1, sizeof buf - 1, fp);
    fclose(fp);
    buf[n] = '\0';
    assert_null(strstr(buf, "2.3500"));
    px_store_close(s);
    free(out);
    free(dir);
    px_ctx_free(ctx);
}

static void test_px_export_other_formats(void **state)
{
    (void)state;
    px_ctx *ctx = NULL;
    assert_int_equal(px_ctx_new(&ctx), PX_OK);
    char *dir = px_test_tmpdir("export");
    px_store *s = make_project(ctx, dir);
    const char *names[] = {"zones.gpkg", "zones.fgb", "zones.geojsonl"};
    for (int i = 0; i < 3; i++) {
        char *out = px_test_path(dir, names[i]);
        assert_int_equal(px_export(ctx, s, "zones", out, NULL), PX_OK);
        struct stat sb;
        assert_int_equal(stat(out, &sb), 0);
        assert_true(sb.st_size > 100);
        free(out);
    }
    px_store_close(s);
    free(dir);
    px_ctx_free(ctx);
}

static void test_px_export_csv_attributes_only(void **state)
{
    (void)state;
    px_ctx *ctx = NULL;
    assert_int_equal(px_ctx_new(&ctx), PX_OK);
    char *dir = px_test_tmpdir("export");
    px_store *s = make_project(ctx, dir);
    char *out = px_test_path(dir, "zones.csv");
    assert_int_equal(px_export(ctx, s, "zones", out, NULL), PX_OK);
    FILE *fp = fopen(out, "r");
    char buf[512];
    size_t n = fread(buf, 1, sizeof buf - 1, fp);
    fclose(fp);
    buf[n] = '\0';
    /* RFC 4180 quoting of the JSON text; no geometry column. */
    assert_string_equal(buf, "name,props\n\xc3\x8ele-de-test,\"{\"\"alea\"\":\"\"F\"\",\"\"surface\"\":12.5}\"\n");
    px_store_close(s);
    free(out);
    free(dir);
    px_ctx_free(ctx);
}

static void test_px_export_errors(void **state)
{
    (void)state;
    px_ctx *ctx = NULL;
    assert_int_equal(px_ctx_new(&ctx), PX_OK);
    char *dir = px_test_tmpdir("export");
    px_store *s = make_project(ctx, dir);
    char *out = px_test_path(dir, "x.geojson");
    assert_int_equal(px_export(ctx, s, "ghost", out, NULL), PX_ENOTFOUND);
    assert_non_null(strstr(px_ctx_errmsg(ctx), "no layer or table 'ghost'"));
    char *bad = px_test_path(dir, "x.shp");
    assert_int_equal(px_export(ctx, s, "zones", bad, NULL), PX_EINVAL);
    assert_int_equal(px_export(ctx, s, "zones", "/nonexistent-dir/x.geojson", NULL), PX_EIO);
    assert_non_null(strstr(px_ctx_errmsg(ctx), "cannot write to folder /nonexistent-dir"));
    /* Nothing was left behind by the failures. */
    struct stat sb;
    assert_int_not_equal(stat(out, &sb), 0);
    px_store_close(s);
    free(bad);
    free(out);
    free(dir);
    px_ctx_free(ctx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_px_export_geojson_rfc7946),
        cmocka_unit_test(test_px_export_other_formats),
        cmocka_unit_test(test_px_export_csv_attributes_only),
        cmocka_unit_test(test_px_export_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
