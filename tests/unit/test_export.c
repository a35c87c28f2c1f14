/* Unit tests of px_export: RFC 7946 GeoJSON, other formats, failures. */
#include "helpers/px_test.h"

#include <jansson.h>
#include <math.h>
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
    assert_string_equal(buf, "fid,name,props\n1,\xc3\x8ele-de-test,\"{\"\"alea\"\":\"\"F\"\",\"\"surface\"\":12.5}\"\n");
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
    assert_non_null(strstr(px_ctx_errmsg(ctx), "x.shp: cannot tell the format from the extension (.geojson, "
                                               ".geojsonl, .gpkg, .fgb, .csv); give --format"));
    assert_int_equal(px_export(ctx, s, "zones", out, &(px_export_options){.format = "KML"}), PX_EINVAL);
    assert_non_null(strstr(px_ctx_errmsg(ctx), "unknown format 'KML' (GeoJSON, GeoJSONSeq, GPKG, FlatGeobuf, CSV)"));
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

static void test_px_export_decimals_rule(void **state)
{
    (void)state;
    static const struct {
        const char *table, *column;
        int decimals;
    } cases[] = {
        {"access_communes", "walk_food_median_min", 1}, {"access_communes", "walk_all_share", 4},
        {"cycle_coverage", "covered_pct", 1},          {"net_edges", "length_m", 1},
        {"brownfields", "area_m2", 0},                 {"isochrones", "area_km2", 3},
        {"isochrones", "reached_km", 3},               {"net_edges", "walk_s", 1},
        {"communes", "population", 0},                 {"population", "count", 0},
        {"flood_exposure", "residents", 0},            {"flood_scenario_communes", "residents_losing_qh", 0},
        {"equity_communes", "underserved_population", 0}, {"flood_exposure", "residents_share", 4},
        {"equity_communes", "share_no_service", 4},    {"brownfield_sites", "flood_share_high", 4},
        {"flood_scenario_communes", "mean_minutes_lost", 1}, {"brownfield_sites", "walk_min_education", 1},
        {"brownfield_scores", "area_m2_raw", 0},       {"brownfield_scores", "area_m2_rating", 2},
        {"cycle_missing_links", "benefit_per_km", 2},  {"cycle_coverage", "track_m_per_1000", 2},
        {"cycle_connectivity", "score", 2},            {"equity_communes", "ratio_to_regional", 2},
        {"equity_communes", "mean_access", 4},         {"equity_summary", "gini", 4},
        {"equity_origins", "walk_health_e2sfca", 4},   {"net_nodes", "x", 2},
        {"anything", "gini", 2},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int got = px_export_decimals(cases[i].table, cases[i].column);
        if (got != cases[i].decimals)
            fail_msg("%s.%s: %d decimals, expected %d", cases[i].table, cases[i].column, got, cases[i].decimals);
    }
}

static void test_px_export_round_values(void **state)
{
    (void)state;
    assert_true(px_export_round(4642.00000000001, 0) == 4642.0);
    assert_true(px_export_round(0.1 + 0.2, 4) == 0.3);
    assert_true(px_export_round(2.46, 1) == 2.5);
    assert_true(px_export_round(12.3456, 3) == 12.346);
    double z = px_export_round(-0.001, 2);
    assert_true(z == 0.0 && !signbit(z));
    assert_true(px_export_round(1e300, 2) == 1e300);
    assert_true(isnan(px_export_round(NAN, 2)));
    assert_true(px_export_round(7.25, -1) == 7.25);
}

/* A result table with one point and reals of each unit; CSV and GeoJSON
 * give the rounded text, exactly. */
static void test_px_export_rounds_csv_and_geojson(void **state)
{
    (void)state;
    px_ctx *ctx = NULL;
    assert_int_equal(px_ctx_new(&ctx), PX_OK);
    char *dir = px_test_tmpdir("export_round");
    char *path = px_test_path(dir, "r.sqlite");
    px_store *s = NULL;
    assert_int_equal(px_store_create(ctx, path, "EPSG:2154", &s), PX_OK);
    static const px_column rc[] = {{"commune_id", PX_COL_TEXT},        {"population", PX_COL_REAL},
                                   {"walk_food_share", PX_COL_REAL},   {"walk_food_median_min", PX_COL_REAL},
                                   {"area_m2", PX_COL_REAL},           {"length_m", PX_COL_REAL},
                                   {"score", PX_COL_REAL},             {"n_sites", PX_COL_INT}};
    static const px_table_schema rs = {"res", "result", PX_GEOM_POINT, 8, rc};
    px_table_writer *w = NULL;
    assert_int_equal(px_store_table_create(s, &rs, &w), PX_OK);
    unsigned char wkb[21] = {1, 1, 0, 0, 0};
    const double xy[2] = {652000, 6862000};
    memcpy(wkb + 5, xy, 16);
    px_value v[8] = {PX_VALUE_TEXT("62001"),      PX_VALUE_REAL(4642.00000000001), PX_VALUE_REAL(0.1 + 0.2),
                     PX_VALUE_REAL(7.349999),     PX_VALUE_REAL(1234.5678),        PX_VALUE_REAL(-0.04),
                     PX_VALUE_REAL(66.666666667), PX_VALUE_INT(3)};
    assert_int_equal(px_table_writer_add(w, v, wkb, sizeof wkb, NULL), PX_OK);
    assert_int_equal(px_table_writer_finish(w), PX_OK);

    char *csv = px_test_path(dir, "r.csv");
    assert_int_equal(px_export(ctx, s, "res", csv, NULL), PX_OK);
    char buf[512] = "";
    FILE *f = fopen(csv, "rb");
    assert_non_null(f);
    buf[fread(buf, 1, sizeof buf - 1, f)] = '\0';
    fclose(f);
    assert_string_equal(buf, "fid,commune_id,population,walk_food_share,walk_food_median_min,area_m2,length_m,"
                             "score,n_sites\n1,62001,4642,0.3,7.3,1235,0,66.67,3\n");

    char *gj = px_test_path(dir, "r.geojson");
    assert_int_equal(px_export(ctx, s, "res", gj, NULL), PX_OK);
    json_error_t err;
    json_t *doc = json_load_file(gj, 0, &err);
    assert_non_null(doc);
    json_t *feat = json_array_get(json_object_get(doc, "features"), 0);
    assert_int_equal(json_integer_value(json_object_get(feat, "id")), 1);
    f = fopen(gj, "rb");
    char big[2048] = "";
    big[fread(big, 1, sizeof big - 1, f)] = '\0';
    fclose(f);
    assert_non_null(strstr(big, "\"population\": 4642.0, \"walk_food_share\": 0.3, \"walk_food_median_min\": 7.3, "
                                "\"area_m2\": 1235.0, \"length_m\": 0.0, \"score\": 66.67, \"n_sites\": 3"));
    assert_null(strstr(big, "4642.00000000001"));
    json_decref(doc);

    px_store_close(s);
    free(gj);
    free(csv);
    free(path);
    free(dir);
    px_ctx_free(ctx);
}

static void test_px_file_write_replaces_and_cleans(void **state)
{
    (void)state;
    px_ctx *ctx = NULL;
    assert_int_equal(px_ctx_new(&ctx), PX_OK);
    char *dir = px_test_tmpdir("file_write");
    char *path = px_test_path(dir, "out.bin");
    /* A temp file left by a process that cannot exist (pid above pid_max). */
    char *stale = px_test_path(dir, "out.bin.tmp-2147483000");
    FILE *f = fopen(stale, "wb");
    assert_non_null(f);
    fclose(f);
    assert_int_equal(px_file_write(ctx, path, "first", 5), PX_OK);
    assert_int_equal(px_file_write(ctx, path, "second!", 7), PX_OK);
    char buf[16] = "";
    f = fopen(path, "rb");
    assert_non_null(f);
    assert_int_equal(fread(buf, 1, sizeof buf - 1, f), 7);
    fclose(f);
    assert_string_equal(buf, "second!");
    struct stat sb;
    assert_int_not_equal(stat(stale, &sb), 0);
    /* A folder that does not exist: the system's words, nothing written. */
    assert_int_equal(px_file_write(ctx, "/nonexistent-dir/x.png", "x", 1), PX_EIO);
    assert_non_null(strstr(px_ctx_errmsg(ctx), "/nonexistent-dir/x.png: cannot create: No such file or directory"));
    free(stale);
    free(path);
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
        cmocka_unit_test(test_px_export_decimals_rule),
        cmocka_unit_test(test_px_export_round_values),
        cmocka_unit_test(test_px_export_rounds_csv_and_geojson),
        cmocka_unit_test(test_px_file_write_replaces_and_cleans),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
