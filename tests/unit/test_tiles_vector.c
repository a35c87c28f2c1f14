/*
 * Unit tests of the vector tiler. Written tiles are decoded by an
 * independent reader, GDAL's MVT and MBTiles drivers (the library itself
 * never reads tiles), and the command streams of single features are
 * compared with the examples of the MVT 2.1 specification.
 */
#include "tiles_fixture.h"
#include "tiles/tiles_int.h"

#include <gdal.h>
#include <ogr_api.h>
#include <sqlite3.h>
#include <sys/stat.h>

/* ---- helpers ------------------------------------------------------------ */

typedef struct decoded {
    GDALDatasetH ds;
} decoded;

static GDALDatasetH open_tiles(const char *path, const char *zoom)
{
    GDALAllRegister();
    char opt[32];
    snprintf(opt, sizeof opt, "ZOOM_LEVEL=%s", zoom ? zoom : "0");
    /* CLIP=NO: show the buffer GDAL would otherwise cut off. */
    const char *oo_mb[] = {opt, NULL}, *oo_tile[] = {"CLIP=NO", NULL};
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, zoom ? oo_mb : oo_tile, NULL);
    assert_non_null(ds);
    return ds;
}

static int layer_count(GDALDatasetH ds, const char *name)
{
    OGRLayerH l = GDALDatasetGetLayerByName(ds, name);
    if (!l) return 0;
    return (int)OGR_L_GetFeatureCount(l, 1);
}

static px_status write_fixture(px_ctx *ctx, px_store *s, const char *out, int maxzoom, px_tiles_report *r)
{
    px_tiles_layer L[] = {{"zones", NULL}, {"paths", NULL}, {"sites", NULL}};
    px_vtiles_options o;
    px_vtiles_options_default(&o);
    o.maxzoom = maxzoom;
    return px_tiles_write_vector(ctx, s, L, 3, out, &o, r);
}

/* ---- tests -------------------------------------------------------------- */

static void test_px_tiles_write_vector_tile_content(void **state)
{
    (void)state;
    px_ctx *ctx = NULL;
    assert_int_equal(px_ctx_new(&ctx), PX_OK);
    char *dir = px_test_tmpdir("tiles");
    px_store *s = fx_store(ctx, dir);
    char *out = px_test_path(dir, "xyz");
    px_tiles_report r;
    assert_int_equal(write_fixture(ctx, s, out, 3, &r), PX_OK);
    assert_int_equal(r.n_features, 3 + 1 + 3);
    assert_int_equal(r.n_tiles_capped, 0);

    /* Tile 1/1/0 (north-east quadrant): the square, the east half of the
     * path, the school. */
    char *t = px_test_path(out, "1/1/0.pbf");
    GDALDatasetH ds = open_tiles(t, NULL);
    assert_int_equal(GDALDatasetGetLayerCount(ds), 3);
    assert_int_equal(layer_count(ds, "zones"), 1);
    assert_int_equal(layer_count(ds, "paths"), 1);
    assert_int_equal(layer_count(ds, "sites"), 1);
    OGRLayerH zl = GDALDatasetGetLayerByName(ds, "zones");
    OGR_L_ResetReading(zl);
    OGRFeatureH f = OGR_L_GetNextFeature(zl);
    assert_string_equal(OGR_F_GetFieldAsString(f, OGR_F_GetFieldIndex(f, "name")), "square");
    assert_float_equal(OGR_F_GetFieldAsDouble(f, OGR_F_GetFieldIndex(f, "score")), 0.5, 1e-12);
    assert_int_equal(OGR_F_GetFieldAsInteger(f, OGR_F_GetFieldIndex(f, "rank")), 1);
    /* At z1 a tile unit is R/4096 m; the square's corners fall on the grid,
     * so they come back exactly where they were. */
    OGREnvelope e;
    OGR_G_GetEnvelope(OGR_F_GetGeometryRef(f), &e);
    assert_float_equal(e.MinX, R / 4, 1e-3);
    assert_float_equal(e.MaxX, R / 2, 1e-3);
    assert_float_equal(e.MinY, R / 4, 1e-3);
    assert_float_equal(e.MaxY, R / 2, 1e-3);
    OGR_F_Destroy(f);
    /* The path is clipped to the tile plus its 64-unit buffer. */
    OGRLayerH pl = GDALDatasetGetLayerByName(ds, "paths");
    OGR_L_ResetReading(pl);
    f = OGR_L_GetNextFeature(pl);
    OGR_G_GetEnvelope(OGR_F_GetGeometryRef(f), &e);
    double unit = R / 4096;
    assert_float_equal(e.MinX, -64 * unit, 1e-3);
    assert_float_equal(e.MaxX, R / 2, 1e-3);
    assert_string_equal(OGR_F_GetFieldAsString(f, OGR_F_GetFieldIndex(f, "kind")), "cycleway");
    OGR_F_Destroy(f);
    OGRLayerH sl = GDALDatasetGetLayerByName(ds, "sites");
    OGR_L_ResetReading(sl);
    f = OGR_L_GetNextFeature(sl);
    assert_string_equal(OGR_F_GetFieldAsString(f, OGR_F_GetFieldIndex(f, "name")), "school");
    assert_int_equal(OGR_F_GetFieldAsInteger(f, OGR_F_GetFieldIndex(f, "beds")), 40);
    OGR_G_GetEnvelope(OGR_F_GetGeometryRef(f), &e);
    assert_float_equal(e.MinX, R / 8, 1e-3);
    assert_float_equal(e.MinY, R / 8, 1e-3);
    OGR_F_Destroy(f);
    GDALClose(ds);
    free(t);

    /* Tile 1/0/1 (south-west): the holed polygon keeps its hole, which
     * proves the winding (readers tell holes by their orientation). */
    t = px_test_path(out, "1/0/1.pbf");
    ds = open_tiles(t, NULL);
    assert_int_equal(layer_count(ds, "zones"), 1);
    assert_int_equal(layer_count(ds, "sites"), 0);
    zl = GDALDatasetGetLayerByName(ds, "zones");
    OGR_L_ResetReading(zl);
    f = OGR_L_GetNextFeature(zl);
    OGRGeometryH g = OGR_F_GetGeometryRef(f);
    if (wkbFlatten(OGR_G_GetGeometryType(g)) == wkbMultiPolygon) g = OGR_G_GetGeometryRef(g, 0);
    assert_int_equal(OGR_G_GetGeometryCount(g), 2); /* exterior + one hole */
    assert_float_equal(OGR_G_Area(g), (R / 4) * (R / 4) - (R / 8) * (R / 8), 1e-6 * R * R);
    OGR_F_Destroy(f);
    GDALClose(ds);
    free(t);

    /* Every feature stays within the tile plus buffer, at every zoom: the
     * tile 3/5/2 (which holds the tiny square at max zoom) has it as a
     * 1-unit mark, and the big square spans it. */
    t = px_test_path(out, "3/5/2.pbf");
    ds = open_tiles(t, NULL);
    assert_int_equal(layer_count(ds, "zones"), 2);
    GDALClose(ds);
    free(t);
    /* Below max zoom the 1 m square is simplified away. */
    t = px_test_path(out, "2/2/1.pbf");
    ds = open_tiles(t, NULL);
    assert_int_equal(layer_count(ds, "zones"), 1);
    GDALClose(ds);
    free(t);
    /* No tile where there is nothing. */
    t = px_test_path(out, "3/0/0.pbf");
    struct stat st;
    assert_int_not_equal(stat(t, &st), 0);
    free(t);

    free(out);
    px_store_close(s);
    free(dir);
    px_ctx_free(ctx);
}

static void test_px_tiles_write_vector_max_zoom_counts_match_source(void **state)
{
    (void)state;
    px_ctx *ctx = NULL;
    assert_int_equal(px_ctx_new(&ctx), PX_OK);
    char *dir = px_test_tmpdir("tiles");
    px_store *s = fx_store(ctx, dir);
    char *out = px_test_path(dir, "xyz");
    assert_int_equal(write_fixture(ctx, s, out, 4, NULL), PX_OK);
    /* For every max-zoom tile, the features GDAL decodes per layer equal the
     * source features whose geometry intersects the tile's box plus buffer
     * (the store's spatial index, then GEOS), counted independently here. */
    int checked = 0;
    const char *names[] = {"zones", "paths", "sites"};
    for (uint32_t x = 0; x < 16; x++)
        for (uint32_t y = 0; y < 16; y++) {
            char rel[64];
            snprintf(rel, sizeof rel, "4/%u/%u.pbf", x, y);
            char *t = px_test_path(out, rel);
            struct stat st;
            px_bbox box = {-R + x * (R / 8), R - (y + 1) * (R / 8), -R + (x + 1) * (R / 8), R - y * (R / 8)};
            /* A tile's area includes its 64-unit buffer. */
            double buf = 64.0 / 4096 * (R / 8);
            box.minx -= buf;
            box.miny -= buf;
            box.maxx += buf;
            box.maxy += buf;
            int want_total = 0, want[3] = {0};
            GEOSContextHandle_t h = px__geos(ctx);
            GEOSGeometry *tile_box = GEOSGeom_createRectangle_r(h, box.minx, box.miny, box.maxx, box.maxy);
            for (int l = 0; l < 3; l++) {
                px_table_reader *rd = NULL;
                assert_int_equal(px_store_reader_open(s, names[l], NULL, 1, &box, &rd), PX_OK);
                int has = 0;
                while (px_table_reader_next(rd, &has) == PX_OK && has) {
                    size_t len = 0;
                    const unsigned char *wkb = px_table_reader_wkb(rd, &len);
                    GEOSGeometry *g = px__geom_from_wkb(ctx, wkb, len);
                    want[l] += GEOSIntersects_r(h, g, tile_box) == 1;
                    GEOSGeom_destroy_r(h, g);
                }
                px_table_reader_close(rd);
                want_total += want[l];
            }
            GEOSGeom_destroy_r(h, tile_box);
            if (stat(t, &st) != 0) {
                assert_int_equal(want_total, 0);
                free(t);
                continue;
            }
            GDALDatasetH ds = open_tiles(t, NULL);
            for (int l = 0; l < 3; l++)
                assert_int_equal(layer_count(ds, names[l]), want[l]);
            GDALClose(ds);
            free(t);
            checked++;
        }
    assert_true(checked >= 8);
    free(out);
    px_store_close(s);
    free(dir);
    px_ctx_free(ctx);
}

static void test_px_tiles_write_vector_mbtiles_metadata_and_tms(void **state)
{
    (void)state;
    px_ctx *ctx = NULL;
    assert_int_equal(px_ctx_new(&ctx), PX_OK);
    char *dir = px_test_tmpdir("tiles");
    px_store *s = fx_store(ctx, dir);
    char *out = px_test_path(dir, "fx.mbtiles");
    assert_int_equal(write_fixture(ctx, s, out, 2, NULL), PX_OK);

    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open_v2(out, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT value FROM metadata WHERE name = ?", -1, &st, NULL),
                     SQLITE_OK);
    const char *keys[] = {"name", "format", "bounds", "center", "minzoom", "maxzoom", "json", "attribution"};
    const char *want[] = {"fx", "pbf", "-90.000000,-66.513260,90.000000,66.513260", NULL, "0", "2", NULL, ""};
    char *json = NULL;
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        sqlite3_reset(st);
        sqlite3_bind_text(st, 1, keys[i], -1, SQLITE_STATIC);
        assert_int_equal(sqlite3_step(st), SQLITE_ROW);
        const char *v = (const char *)sqlite3_column_text(st, 0);
        if (want[i]) assert_string_equal(v, want[i]);
        if (!strcmp(keys[i], "json")) json = strdup(v);
    }
    sqlite3_finalize(st);
    /* vector_layers lists each layer with the fields the tiles carry. */
    json_error_t err;
    json_t *j = json_loads(json, 0, &err);
    assert_non_null(j);
    json_t *vl = json_object_get(j, "vector_layers");
    assert_int_equal(json_array_size(vl), 3);
    json_t *z = json_array_get(vl, 0);
    assert_string_equal(json_string_value(json_object_get(z, "id")), "zones");
    json_t *fields = json_object_get(z, "fields");
    assert_int_equal(json_object_size(fields), 3);
    assert_string_equal(json_string_value(json_object_get(fields, "name")), "String");
    assert_string_equal(json_string_value(json_object_get(fields, "score")), "Number");
    assert_string_equal(json_string_value(json_object_get(fields, "rank")), "Number");
    json_decref(j);
    free(json);

    /* TMS rows: the south-west tile 1/0/1 (XYZ) is row 0; 1/0/0 is row 1. */
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "SELECT count(*) FROM tiles WHERE zoom_level = 1 AND tile_column = 0"
                                        " AND tile_row = 0 AND hex(substr(tile_data, 1, 2)) = '1F8B'",
                                        -1, &st, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(st, 0), 1); /* gzipped, as MBTiles wants */
    sqlite3_finalize(st);
    sqlite3_close(db);

    /* GDAL reads the MBTiles back with the holed zone in the south-west. */
    GDALDatasetH ds = open_tiles(out, "1");
    OGRLayerH zl = GDALDatasetGetLayerByName(ds, "zones");
    assert_non_null(zl);
    OGR_L_SetAttributeFilter(zl, "name = 'holed'");
    OGRFeatureH f = OGR_L_GetNextFeature(zl);
    assert_non_null(f);
    OGREnvelope e;
    OGR_G_GetEnvelope(OGR_F_GetGeometryRef(f), &e);
    assert_float_equal(e.MinX, -R / 2, 1e-3);
    assert_float_equal(e.MaxY, -R / 4, 1e-3);
    OGR_F_Destroy(f);
    GDALClose(ds);
    free(out);
    px_store_close(s);
    free(dir);
    px_ctx_free(ctx);
}

static void test_px_tiles_write_vector_size_cap(void **state)
{
    (void)state;
    px_ctx *ctx = NULL;
    assert_int_equal(px_ctx_new(&ctx), PX_OK);
    char *dir = px_test_tmpdir("tiles");
    char *path = px_test_path(dir, "p.sqlite");
    px_store *s = NULL;
    assert_int_equal(px_store_create(ctx, path, "EPSG:3857", &s), PX_OK);
    px_table_writer *w = NULL;
    px_table_schema ss = {"sites", "layer", PX_GEOM_POINT, 2, fx_site_cols};
    assert_int_equal(px_store_table_create(s, &ss, &w), PX_OK);
    /* 3000 points with distinct names in one z0 tile. */
    for (int i = 0; i < 3000; i++) {
        char wkt[96], name[32];
        snprintf(wkt, sizeof wkt, "POINT(%d %d)", (i % 60) * 100000, (i / 60) * 100000);
        snprintf(name, sizeof name, "site number %d", i);
        px_test_add_wkt(ctx, w, (px_value[]){PX_VALUE_TEXT(name), PX_VALUE_INT(i)}, wkt);
    }
    assert_int_equal(px_table_writer_finish(w), PX_OK);
    px_tiles_layer L[] = {{"sites", NULL}};
    px_vtiles_options o;
    px_vtiles_options_default(&o);
    o.maxzoom = 0;
    o.max_tile_bytes = 8000;
    char *out = px_test_path(dir, "cap");
    px_tiles_report r;
    assert_int_equal(px_tiles_write_vector(ctx, s, L, 1, out, &o, &r), PX_OK);
    assert_int_equal(r.n_tiles, 1);
    assert_int_equal(r.n_tiles_capped, 1);
    assert_true(r.n_dropped > 0 && r.n_dropped < 3000);
    assert_true(r.max_tile_bytes <= 8000);
    char *t = px_test_path(out, "0/0/0.pbf");
    struct stat st;
    assert_int_equal(stat(t, &st), 0);
    assert_true(st.st_size <= 8000);
    GDALDatasetH ds = open_tiles(t, NULL);
    assert_int_equal(layer_count(ds, "sites"), 3000 - (int)r.n_dropped);
    GDALClose(ds);
    free(t);
    /* Without a cap every point is there. */
    o.max_tile_bytes = 0;
    assert_int_equal(px_tiles_write_vector(ctx, s, L, 1, out, &o, &r), PX_OK);
    assert_int_equal(r.n_dropped, 0);
    assert_true(r.max_tile_bytes > 8000);
    free(out);
    free(path);
    px_store_close(s);
    free(dir);
    px_ctx_free(ctx);
}

/* Regression: when the first feature of a layer is the one the cap drops,
 * the tile must still hold every layer (the layer count once skipped such a
 * layer and overflowed a buffer). */
static void test_px_tiles_write_vector_cap_drops_first_feature_of_layers(void **state)
{
    (void)state;
    px_ctx *ctx = NULL;
    assert_int_equal(px_ctx_new(&ctx), PX_OK);
    char *dir = px_test_tmpdir("tiles");
    char *path = px_test_path(dir, "p.sqlite");
    px_store *s = NULL;
    assert_int_equal(px_store_create(ctx, path, "EPSG:3857", &s), PX_OK);
    const char *names[] = {"a", "b"};
    for (int l = 0; l < 2; l++) {
        px_table_writer *w = NULL;
        px_table_schema ps = {names[l], "layer", PX_GEOM_LINESTRING, 1, fx_path_cols};
        assert_int_equal(px_store_table_create(s, &ps, &w), PX_OK);
        char wkt[160], kind[48];
        /* fid 1: the shortest line of the layer, dropped first. */
        px_test_add_wkt(ctx, w, (px_value[]){PX_VALUE_TEXT("short")}, "LINESTRING(0 0, 20000 0)");
        for (int i = 0; i < 150; i++) {
            snprintf(wkt, sizeof wkt, "LINESTRING(%d %d, %d %d)", -9000000 + i * 100000,
                     -8000000 + ((i + l) % 2) * 300000, -9000000 + i * 100000 + 2000000 + i * 10000, 8000000);
            snprintf(kind, sizeof kind, "a long attribute value number %d", i);
            px_test_add_wkt(ctx, w, (px_value[]){PX_VALUE_TEXT(kind)}, wkt);
        }
        assert_int_equal(px_table_writer_finish(w), PX_OK);
    }
    px_tiles_layer L[] = {{"a", NULL}, {"b", NULL}};
    px_vtiles_options o;
    px_vtiles_options_default(&o);
    o.maxzoom = 0;
    o.max_tile_bytes = 4000;
    char *out = px_test_path(dir, "cap");
    px_tiles_report r;
    assert_int_equal(px_tiles_write_vector(ctx, s, L, 2, out, &o, &r), PX_OK);
    assert_int_equal(r.n_tiles_capped, 1);
    assert_true(r.n_dropped >= 2 && r.n_dropped < 300);
    char *t = px_test_path(out, "0/0/0.pbf");
    GDALDatasetH ds = open_tiles(t, NULL);
    int na = layer_count(ds, "a"), nb = layer_count(ds, "b");
    assert_true(na > 0 && nb > 0);
    assert_int_equal(na + nb, 302 - (int)r.n_dropped);
    /* The short lines went first. */
    OGRLayerH la = GDALDatasetGetLayerByName(ds, "a");
    OGR_L_SetAttributeFilter(la, "kind = 'short'");
    assert_int_equal(OGR_L_GetFeatureCount(la, 1), 0);
    GDALClose(ds);
    free(t);
    free(out);
    free(path);
    px_store_close(s);
    free(dir);
    px_ctx_free(ctx);
}

static void test_px_tiles_write_vector_bad_input(void **state)
{
    (void)state;
    px_ctx *ctx = NULL;
    assert_int_equal(px_ctx_new(&ctx), PX_OK);
    char *dir = px_test_tmpdir("tiles");
    px_store *s = fx_store(ctx, dir);
    char *out = px_test_path(dir, "bad.mbtiles");
    px_tiles_layer ghost[] = {{"ghost", NULL}};
    assert_int_equal(px_tiles_write_vector(ctx, s, ghost, 1, out, NULL, NULL), PX_ENOTFOUND);
    assert_non_null(strstr(px_ctx_errmsg(ctx), "'ghost'"));
    const char *cols[] = {"name", "nope", NULL};
    px_tiles_layer badcol[] = {{"zones", cols}};
    assert_int_equal(px_tiles_write_vector(ctx, s, badcol, 1, out, NULL, NULL), PX_ENOTFOUND);
    assert_non_null(strstr(px_ctx_errmsg(ctx), "no column 'nope'"));
    px_tiles_layer ok[] = {{"zones", NULL}};
    px_vtiles_options o;
    px_vtiles_options_default(&o);
    o.minzoom = 5;
    o.maxzoom = 3;
    assert_int_equal(px_tiles_write_vector(ctx, s, ok, 1, out, &o, NULL), PX_EINVAL);
    assert_non_null(strstr(px_ctx_errmsg(ctx), "zoom range 5..3"));
    assert_int_equal(px_tiles_write_vector(ctx, s, ok, 0, out, NULL, NULL), PX_EINVAL);
    px_tiles_layer twice[] = {{"zones", NULL}, {"zones", NULL}};
    assert_int_equal(px_tiles_write_vector(ctx, s, twice, 2, out, NULL, NULL), PX_EINVAL);
    assert_non_null(strstr(px_ctx_errmsg(ctx), "layer 'zones' is named twice"));
    assert_int_equal(px_tiles_write_vector(ctx, NULL, ok, 1, out, NULL, NULL), PX_EINVAL);
    /* Nothing was left behind by the refused runs. */
    struct stat st;
    assert_int_not_equal(stat(out, &st), 0);
    /* A folder that is not a tile folder is not replaced. */
    char *keep = px_test_path(dir, "precious");
    mkdir(keep, 0755);
    o.minzoom = 0;
    o.maxzoom = 1;
    assert_int_equal(px_tiles_write_vector(ctx, s, ok, 1, keep, &o, NULL), PX_EIO);
    assert_non_null(strstr(px_ctx_errmsg(ctx), "not a Proxima tile folder"));
    free(keep);
    free(out);
    px_store_close(s);
    free(dir);
    px_ctx_free(ctx);
}

/* Build a one-part geometry from tile-unit coordinates at z0, extent 4096. */
static void tile_geom(px__tgeom *g, int type, const double *pts, uint32_t n)
{
    memset(g, 0, sizeof *g);
    g->type = (uint8_t)type;
    g->n_parts = 1;
    g->part_n = malloc(sizeof *g->part_n);
    g->outer = malloc(1);
    g->xy = malloc(2 * n * sizeof *g->xy);
    g->part_n[0] = n;
    g->outer[0] = 1;
    g->minx = g->miny = 1;
    for (uint32_t i = 0; i < 2 * n; i++)
        g->xy[i] = pts[i] / 4096.0;
}

static void test_px__tgeom_encode_spec_examples(void **state)
{
    (void)state;
    px__clipbuf cb = {0};
    px__u32buf cmds = {0};
    double imp = 0;
    px__tgeom g;
    /* MVT 2.1, 4.3.5 example 2: a line (2,2) (2,10) (10,10). */
    tile_geom(&g, PX__GEOM_LINE, (double[]){2, 2, 2, 10, 10, 10}, 3);
    assert_int_equal(px__tgeom_encode(&g, 0, 0, 0, 4096, 64, 0, &cb, &cmds, &imp), 1);
    uint32_t line[] = {9, 4, 4, 18, 0, 16, 16, 0};
    assert_int_equal(cmds.n, 8);
    assert_memory_equal(cmds.v, line, sizeof line);
    assert_float_equal(imp, 16.0, 1e-9);
    px__tgeom_clear(&g);
    /* Example 4: polygon (3,6) (8,12) (20,34), given here the other way
     * round: the encoder must restore the exterior's positive area. */
    cmds.n = 0;
    tile_geom(&g, PX__GEOM_POLY, (double[]){3, 6, 20, 34, 8, 12, 3, 6}, 4);
    assert_int_equal(px__tgeom_encode(&g, 0, 0, 0, 4096, 64, 0, &cb, &cmds, &imp), 1);
    uint32_t poly[] = {9, 6, 12, 18, 10, 12, 24, 44, 15};
    assert_int_equal(cmds.n, 9);
    assert_memory_equal(cmds.v, poly, sizeof poly);
    assert_float_equal(imp, 19.0, 1e-9); /* area 38/2 */
    px__tgeom_clear(&g);
    /* A line entirely outside tile + buffer emits nothing; a degenerate
     * polygon (zero area) neither. */
    cmds.n = 0;
    tile_geom(&g, PX__GEOM_LINE, (double[]){5000, 5000, 6000, 6000}, 2);
    assert_int_equal(px__tgeom_encode(&g, 0, 0, 0, 4096, 64, 0, &cb, &cmds, &imp), 0);
    px__tgeom_clear(&g);
    tile_geom(&g, PX__GEOM_POLY, (double[]){1, 1, 5, 5, 9, 9, 1, 1}, 4);
    assert_int_equal(px__tgeom_encode(&g, 0, 0, 0, 4096, 64, 0, &cb, &cmds, &imp), 0);
    assert_int_equal(cmds.n, 0);
    px__tgeom_clear(&g);
    /* Clipping: a line from (-1000, 100) to (1000, 100) starts at the buffer
     * edge x = -64. */
    tile_geom(&g, PX__GEOM_LINE, (double[]){-1000, 100, 1000, 100}, 2);
    assert_int_equal(px__tgeom_encode(&g, 0, 0, 0, 4096, 64, 0, &cb, &cmds, &imp), 1);
    uint32_t clipped[] = {9, 127, 200, 10, 2128, 0}; /* zigzag(-64)=127, zigzag(1064)=2128 */
    assert_memory_equal(cmds.v, clipped, sizeof clipped);
    px__tgeom_clear(&g);
    free(cmds.v);
    px__clipbuf_free(&cb);
}

static void test_px__tgeom_simplify_drops_collapsed_rings(void **state)
{
    (void)state;
    px__tgeom g, out;
    /* A 2-unit square with a nearly collinear extra vertex. */
    tile_geom(&g, PX__GEOM_POLY, (double[]){0, 0, 100, 0, 100, 100, 50, 101, 0, 100, 0, 0}, 6);
    assert_int_equal(px__tgeom_simplify(&g, 2.0 / 4096, 0, &out), 0);
    assert_int_equal(out.n_parts, 1);
    assert_int_equal(out.part_n[0], 5); /* (50,101) is within 2 units */
    px__tgeom_clear(&out);
    /* With a tolerance above its size it collapses, unless keep_all. */
    assert_int_equal(px__tgeom_simplify(&g, 200.0 / 4096, 0, &out), 0);
    assert_int_equal(out.n_parts, 0);
    assert_int_equal(px__tgeom_simplify(&g, 200.0 / 4096, 1, &out), 0);
    assert_int_equal(out.n_parts, 1);
    assert_int_equal(out.part_n[0], 6);
    px__tgeom_clear(&out);
    px__tgeom_clear(&g);
}

/* Credits: the project's own first, then each table's, each piece once; a
 * result table (zones) carries every loaded layer's credits. */
static void test_px_tiles_attribution_combines_sources(void **state)
{
    (void)state;
    px_ctx *ctx = NULL;
    assert_int_equal(px_ctx_new(&ctx), PX_OK);
    char *dir = px_test_tmpdir("attrib");
    px_store *s = fx_store(ctx, dir);
    char *a = NULL;
    const char *sites[] = {"sites"}, *zones[] = {"zones"}, *both[] = {"sites", "paths"};
    assert_int_equal(px_tiles_attribution(ctx, s, sites, 1, &a), PX_OK);
    assert_string_equal(a, "");
    free(a);
    assert_int_equal(px_store_set_setting(s, "attribution:paths", "OSM; Survey"), PX_OK);
    assert_int_equal(px_store_set_setting(s, "attribution:sites", "Survey; Registry"), PX_OK);
    assert_int_equal(px_tiles_attribution(ctx, s, sites, 1, &a), PX_OK);
    assert_string_equal(a, "Survey; Registry");
    free(a);
    assert_int_equal(px_tiles_attribution(ctx, s, both, 2, &a), PX_OK);
    assert_string_equal(a, "Survey; Registry; OSM");
    free(a);
    assert_int_equal(px_store_set_setting(s, "attribution", "Agglo planning team"), PX_OK);
    assert_int_equal(px_tiles_attribution(ctx, s, zones, 1, &a), PX_OK);
    assert_string_equal(a, "Agglo planning team; OSM; Survey; Registry");
    free(a);
    /* And it is what the MBTiles metadata says. */
    char *out = px_test_path(dir, "a.mbtiles");
    px_tiles_layer L[] = {{"sites", NULL}};
    px_vtiles_options o;
    px_vtiles_options_default(&o);
    o.maxzoom = 1;
    assert_int_equal(px_tiles_write_vector(ctx, s, L, 1, out, &o, NULL), PX_OK);
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open_v2(out, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    sqlite3_stmt *q = NULL;
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT value FROM metadata WHERE name = 'attribution'", -1, &q, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(q, 0), "Agglo planning team; Survey; Registry");
    sqlite3_finalize(q);
    sqlite3_close(db);
    free(out);
    px_store_close(s);
    free(dir);
    px_ctx_free(ctx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_px_tiles_write_vector_tile_content),
        cmocka_unit_test(test_px_tiles_write_vector_max_zoom_counts_match_source),
        cmocka_unit_test(test_px_tiles_write_vector_mbtiles_metadata_and_tms),
        cmocka_unit_test(test_px_tiles_write_vector_size_cap),
        cmocka_unit_test(test_px_tiles_write_vector_cap_drops_first_feature_of_layers),
        cmocka_unit_test(test_px_tiles_write_vector_bad_input),
        cmocka_unit_test(test_px__tgeom_encode_spec_examples),
        cmocka_unit_test(test_px__tgeom_simplify_drops_collapsed_rings),
        cmocka_unit_test(test_px_tiles_attribution_combines_sources),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
