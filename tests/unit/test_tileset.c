/*
 * Unit tests of what the map server reads through: the MBTiles reader
 * (store), tilesets served one tile at a time (tiles), and the in-memory
 * GeoJSON box query and table CSV (io). Fixture: tiles_fixture.h (EPSG:3857,
 * so positions are worked out by hand).
 */
#include "tiles_fixture.h"

#include <jansson.h>
#include <sys/stat.h>

static unsigned char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    struct stat st;
    assert_int_equal(fstat(fileno(f), &st), 0);
    unsigned char *b = malloc((size_t)st.st_size + 1);
    assert_non_null(b);
    assert_int_equal(fread(b, 1, (size_t)st.st_size, f), (size_t)st.st_size);
    fclose(f);
    *len = (size_t)st.st_size;
    return b;
}

static void test_px_mbtiles_open_get_metadata(void **state)
{
    (void)state;
    px_ctx *ctx = NULL;
    assert_int_equal(px_ctx_new(&ctx), PX_OK);
    char *dir = px_test_tmpdir("mbread");
    char *path = px_test_path(dir, "a.mbtiles");
    px_mbtiles *m = NULL;
    assert_int_equal(px_mbtiles_create(ctx, path, &m), PX_OK);
    assert_int_equal(px_mbtiles_set_metadata(m, "format", "pbf"), PX_OK);
    assert_int_equal(px_mbtiles_put(m, 3, 2, 1, "abc", 3), PX_OK);
    assert_int_equal(px_mbtiles_finish(m), PX_OK);

    px_mbtiles_reader *r = NULL;
    assert_int_equal(px_mbtiles_open(ctx, path, &r), PX_OK);
    unsigned char *data = NULL;
    size_t len = 0;
    assert_int_equal(px_mbtiles_get(r, ctx, 3, 2, 1, &data, &len), PX_OK); /* XYZ in, TMS row 6 inside */
    assert_int_equal(len, 3);
    assert_memory_equal(data, "abc", 3);
    free(data);
    assert_int_equal(px_mbtiles_get(r, ctx, 3, 2, 6, &data, &len), PX_OK); /* the TMS row, read as XYZ: absent */
    assert_null(data);
    assert_int_equal(len, 0);
    assert_int_equal(px_mbtiles_get(r, ctx, 3, 8, 0, &data, &len), PX_EINVAL);
    assert_non_null(strstr(px_ctx_errmsg(ctx), "tile 3/8/0 is outside its zoom"));
    char *v = NULL;
    assert_int_equal(px_mbtiles_get_metadata(r, ctx, "format", &v), PX_OK);
    assert_string_equal(v, "pbf");
    free(v);
    assert_int_equal(px_mbtiles_get_metadata(r, ctx, "nope", &v), PX_ENOTFOUND);
    px_mbtiles_close(r);
    px_mbtiles_close(NULL);

    char *missing = px_test_path(dir, "missing.mbtiles");
    assert_int_equal(px_mbtiles_open(ctx, missing, &r), PX_EIO);
    /* A project store is SQLite but not MBTiles. */
    px_store *s = fx_store(ctx, dir);
    char *sp = px_test_path(dir, "p.sqlite");
    assert_int_equal(px_mbtiles_open(ctx, sp, &r), PX_EPARSE);
    assert_non_null(strstr(px_ctx_errmsg(ctx), "not an MBTiles file"));
    px_store_close(s);
    free(sp);
    free(missing);
    free(path);
    free(dir);
    px_ctx_free(ctx);
}

/* A tile served by a table tileset is byte for byte the tile the batch
 * writer puts in an XYZ folder with the same options. */
static void test_px_tileset_tile_matches_writer(void **state)
{
    (void)state;
    px_ctx *ctx = NULL;
    assert_int_equal(px_ctx_new(&ctx), PX_OK);
    char *dir = px_test_tmpdir("tileset");
    px_store *s = fx_store(ctx, dir);
    char *xyz = px_test_path(dir, "xyz");
    const char *tables[] = {"zones", "paths", "sites"};
    for (int k = 0; k < 3; k++) {
        px_tiles_layer layer = {tables[k], NULL};
        px_vtiles_options o;
        px_vtiles_options_default(&o);
        o.maxzoom = 3;
        assert_int_equal(px_tiles_write_vector(ctx, s, &layer, 1, xyz, &o, NULL), PX_OK);
        px_tileset *ts = NULL;
        assert_int_equal(px_tileset_open_table(ctx, s, tables[k], &o, &ts), PX_OK);
        assert_string_equal(px_tileset_name(ts), tables[k]);
        assert_true(px_tileset_has_layer(ts, tables[k]));
        assert_false(px_tileset_has_layer(ts, "other"));
        int n_files = 0;
        for (int z = 0; z <= 3; z++)
            for (uint32_t x = 0; x < (1u << z); x++)
                for (uint32_t y = 0; y < (1u << z); y++) {
                    char rel[64];
                    snprintf(rel, sizeof rel, "xyz/%d/%u/%u.pbf", z, x, y);
                    char *p = px_test_path(dir, rel);
                    struct stat st;
                    unsigned char *data = NULL;
                    size_t len = 0;
                    assert_int_equal(px_tileset_tile(ctx, ts, (px_tile){z, x, y}, 0, &data, &len), PX_OK);
                    if (stat(p, &st) == 0) {
                        size_t flen = 0;
                        unsigned char *f = slurp(p, &flen);
                        assert_int_equal(len, flen);
                        assert_memory_equal(data, f, len);
                        free(f);
                        n_files++;
                    } else {
                        assert_null(data); /* no file: an empty tile */
                        assert_int_equal(len, 0);
                    }
                    free(data);
                    free(p);
                }
        assert_true(n_files >= 4);
        /* gzip on request; beyond the zoom range: empty; outside the zoom: refused. */
        unsigned char *gz = NULL;
        size_t gz_len = 0;
        assert_int_equal(px_tileset_tile(ctx, ts, (px_tile){0, 0, 0}, 1, &gz, &gz_len), PX_OK);
        assert_non_null(gz);
        assert_int_equal(gz[0], 0x1f);
        assert_int_equal(gz[1], 0x8b);
        free(gz);
        assert_int_equal(px_tileset_tile(ctx, ts, (px_tile){4, 0, 0}, 1, &gz, &gz_len), PX_OK);
        assert_null(gz);
        assert_int_equal(px_tileset_tile(ctx, ts, (px_tile){2, 4, 0}, 1, &gz, &gz_len), PX_EINVAL);
        px_tileset_close(ts);
    }
    /* Bounds and TileJSON of the sites: lon +-22.5, lat +-21.9430 (R/8: atan(sinh(pi/8))). */
    px_tileset *ts = NULL;
    assert_int_equal(px_tileset_open_table(ctx, s, "sites", NULL, &ts), PX_OK);
    double b[4];
    px_tileset_bounds(ts, b);
    px_assert_near(b[0], -22.5, 1e-6);
    px_assert_near(b[2], 22.5, 1e-6);
    px_assert_near(b[1], -21.9430455, 1e-6);
    px_assert_near(b[3], 21.9430455, 1e-6);
    int minz, maxz;
    px_tileset_zooms(ts, &minz, &maxz);
    assert_int_equal(minz, 0);
    assert_int_equal(maxz, 14);
    char *tj = px_tileset_tilejson(ts, "tiles/sites/{z}/{x}/{y}.pbf");
    json_t *j = json_loads(tj, 0, NULL);
    assert_non_null(j);
    assert_string_equal(json_string_value(json_object_get(j, "tilejson")), "3.0.0");
    assert_string_equal(json_string_value(json_array_get(json_object_get(j, "tiles"), 0)),
                        "tiles/sites/{z}/{x}/{y}.pbf");
    assert_int_equal(json_integer_value(json_object_get(j, "maxzoom")), 14);
    px_assert_near(json_real_value(json_array_get(json_object_get(j, "bounds"), 2)), 22.5, 1e-6);
    json_t *fields = json_object_get(json_array_get(json_object_get(j, "vector_layers"), 0), "fields");
    assert_string_equal(json_string_value(json_object_get(fields, "beds")), "Number");
    assert_string_equal(json_string_value(json_object_get(fields, "name")), "String");
    json_decref(j);
    free(tj);
    px_tileset_close(ts);
    px_tileset_close(NULL);
    assert_int_equal(px_tileset_open_table(ctx, s, "nope", NULL, &ts), PX_ENOTFOUND);
    px_store_close(s);
    free(xyz);
    free(dir);
    px_ctx_free(ctx);
}

static void test_px_tileset_open_mbtiles(void **state)
{
    (void)state;
    px_ctx *ctx = NULL;
    assert_int_equal(px_ctx_new(&ctx), PX_OK);
    char *dir = px_test_tmpdir("tileset-mb");
    px_store *s = fx_store(ctx, dir);
    char *path = px_test_path(dir, "both.mbtiles");
    px_tiles_layer layers[] = {{"zones", NULL}, {"sites", NULL}};
    px_vtiles_options o;
    px_vtiles_options_default(&o);
    o.maxzoom = 2;
    assert_int_equal(px_tiles_write_vector(ctx, s, layers, 2, path, &o, NULL), PX_OK);
    px_tileset *ts = NULL;
    assert_int_equal(px_tileset_open_mbtiles(ctx, path, NULL, &ts), PX_OK);
    assert_string_equal(px_tileset_name(ts), "both");
    assert_true(px_tileset_has_layer(ts, "zones"));
    assert_true(px_tileset_has_layer(ts, "sites"));
    assert_false(px_tileset_has_layer(ts, "paths"));
    int minz, maxz;
    px_tileset_zooms(ts, &minz, &maxz);
    assert_int_equal(maxz, 2);
    /* The stored (gzipped) tile as is; raw is not offered. */
    px_mbtiles_reader *r = NULL;
    assert_int_equal(px_mbtiles_open(ctx, path, &r), PX_OK);
    unsigned char *a = NULL, *b = NULL;
    size_t la = 0, lb = 0;
    assert_int_equal(px_mbtiles_get(r, ctx, 1, 1, 0, &a, &la), PX_OK);
    assert_int_equal(px_tileset_tile(ctx, ts, (px_tile){1, 1, 0}, 1, &b, &lb), PX_OK);
    assert_non_null(a);
    assert_int_equal(la, lb);
    assert_memory_equal(a, b, la);
    free(a);
    free(b);
    px_mbtiles_close(r);
    assert_int_equal(px_tileset_tile(ctx, ts, (px_tile){1, 1, 0}, 0, &b, &lb), PX_EINVAL);
    px_tileset_close(ts);
    assert_int_equal(px_tileset_open_mbtiles(ctx, path, "named", &ts), PX_OK);
    assert_string_equal(px_tileset_name(ts), "named");
    px_tileset_close(ts);
    /* Raster MBTiles are refused. */
    char *png = px_test_path(dir, "r.mbtiles");
    px_mbtiles *m = NULL;
    assert_int_equal(px_mbtiles_create(ctx, png, &m), PX_OK);
    assert_int_equal(px_mbtiles_set_metadata(m, "format", "png"), PX_OK);
    assert_int_equal(px_mbtiles_finish(m), PX_OK);
    assert_int_equal(px_tileset_open_mbtiles(ctx, png, NULL, &ts), PX_EDOMAIN);
    assert_non_null(strstr(px_ctx_errmsg(ctx), "not a vector tileset"));
    px_store_close(s);
    free(png);
    free(path);
    free(dir);
    px_ctx_free(ctx);
}

static void test_px_features_geojson_box(void **state)
{
    (void)state;
    px_ctx *ctx = NULL;
    assert_int_equal(px_ctx_new(&ctx), PX_OK);
    char *dir = px_test_tmpdir("features");
    px_store *s = fx_store(ctx, dir);
    char *out = NULL;
    size_t len = 0, n = 0;
    int cut = -1;
    /* Only the school lies in this box (22.5, 21.943). */
    double box[4] = {20, 20, 25, 25};
    assert_int_equal(px_features_geojson(ctx, s, "sites", box, 0, 0, &out, &len, &n, &cut), PX_OK);
    assert_int_equal(n, 1);
    assert_int_equal(cut, 0);
    json_t *j = json_loads(out, 0, NULL);
    assert_non_null(j);
    assert_int_equal(len, strlen(out));
    assert_string_equal(json_string_value(json_object_get(j, "type")), "FeatureCollection");
    json_t *f = json_array_get(json_object_get(j, "features"), 0);
    assert_int_equal(json_integer_value(json_object_get(f, "id")), 1);
    assert_string_equal(json_string_value(json_object_get(json_object_get(f, "properties"), "name")), "school");
    assert_int_equal(json_integer_value(json_object_get(json_object_get(f, "properties"), "beds")), 40);
    json_t *c = json_object_get(json_object_get(f, "geometry"), "coordinates");
    px_assert_near(json_real_value(json_array_get(c, 0)), 22.5, 1e-7);
    px_assert_near(json_real_value(json_array_get(c, 1)), 21.9430455, 1e-7);
    json_decref(j);
    free(out);
    /* A query object reused: the same answer, run after run. */
    px_features_query *q = NULL;
    assert_int_equal(px_features_query_new(ctx, s, &q), PX_OK);
    assert_int_equal(px_features_geojson(ctx, s, "sites", box, 0, 0, &out, &len, &n, NULL), PX_OK);
    for (int k = 0; k < 3; k++) {
        char *again = NULL;
        size_t len2 = 0, n2 = 0;
        assert_int_equal(px_features_query_run(ctx, q, "sites", box, 0, 0, &again, &len2, &n2, NULL), PX_OK);
        assert_string_equal(again, out);
        assert_int_equal(n2, 1);
        free(again);
    }
    free(out);
    px_features_query_free(q);
    px_features_query_free(NULL);
    /* The line from (-R/2, R/2) to (R/2, R/2) crosses a box around (0, 66.5) without a vertex in it. */
    double across[4] = {-1, 60, 1, 70};
    assert_int_equal(px_features_geojson(ctx, s, "paths", across, 0, 0, &out, &len, &n, NULL), PX_OK);
    assert_int_equal(n, 1);
    free(out);
    /* A box whose corners miss the holed zone's ring but sit in its hole: no feature. */
    assert_int_equal(px_features_geojson(ctx, s, "zones", (double[]){-60, -40, -59, -39}, 0, 0, &out, &len, &n, NULL),
                     PX_OK);
    assert_int_equal(n, 0);
    free(out);
    /* Limit: the first N in fid order, said to be cut. */
    assert_int_equal(px_features_geojson(ctx, s, "sites", NULL, 2, 0, &out, &len, &n, &cut), PX_OK);
    assert_int_equal(n, 2);
    assert_int_equal(cut, 1);
    free(out);
    /* Label points: one point on each polygon's surface. */
    assert_int_equal(px_features_geojson(ctx, s, "zones", NULL, 0, 1, &out, &len, &n, NULL), PX_OK);
    assert_int_equal(n, 3);
    j = json_loads(out, 0, NULL);
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(j, "features"), i, v)
        assert_string_equal(json_string_value(json_object_get(json_object_get(v, "geometry"), "type")), "Point");
    json_decref(j);
    free(out);
    /* Bad input. */
    assert_int_equal(px_features_geojson(ctx, s, "sites", (double[]){10, 0, 5, 1}, 0, 0, &out, &len, &n, NULL),
                     PX_EINVAL);
    assert_non_null(strstr(px_ctx_errmsg(ctx), "is not west,south,east,north"));
    assert_int_equal(px_features_geojson(ctx, s, "sites", (double[]){-200, 0, 5, 1}, 0, 0, &out, &len, &n, NULL),
                     PX_EINVAL);
    assert_int_equal(px_features_geojson(ctx, s, "nope", NULL, 0, 0, &out, &len, &n, NULL), PX_ENOTFOUND);
    px_store_close(s);
    free(dir);
    px_ctx_free(ctx);
}

static void test_px_table_csv(void **state)
{
    (void)state;
    px_ctx *ctx = NULL;
    assert_int_equal(px_ctx_new(&ctx), PX_OK);
    char *dir = px_test_tmpdir("csv");
    px_store *s = fx_store(ctx, dir);
    char *out = NULL;
    size_t len = 0;
    assert_int_equal(px_table_csv(ctx, s, "sites", &out, &len), PX_OK);
    assert_string_equal(out, "name,beds\nschool,40\nclinic,12\nlibrary,\n");
    assert_int_equal(len, strlen(out));
    free(out);
    assert_int_equal(px_table_csv(ctx, s, "nope", &out, &len), PX_ENOTFOUND);
    px_store_close(s);
    free(dir);
    px_ctx_free(ctx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_px_mbtiles_open_get_metadata),
        cmocka_unit_test(test_px_tileset_tile_matches_writer),
        cmocka_unit_test(test_px_tileset_open_mbtiles),
        cmocka_unit_test(test_px_features_geojson_box),
        cmocka_unit_test(test_px_table_csv),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
