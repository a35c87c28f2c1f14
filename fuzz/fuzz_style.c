/*
 * libFuzzer target: a MapLibre style (the JSON reader, the expression
 * compiler and the property checks), then one 256 px tile of a small fixture
 * drawn with it (the evaluator and the cairo renderer). The fixture is a
 * project store made once per process with three tables the seed styles
 * name as source-layers: zones (polygons; name, score, rank), paths (a line;
 * kind) and sites (points; name, beds). Any status is fine; crashes, leaks,
 * undefined behaviour and hangs are not.
 */
#include "geom/geom_int.h"
#include "proxima/proxima.h"
#include "proxima/tiles.h"
#include "tiles/style_int.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define HALF 20037508.342789244

static void add(px_ctx *ctx, px_table_writer *w, const px_value *values, const char *wkt)
{
    GEOSContextHandle_t h = px__geos(ctx);
    GEOSWKTReader *r = GEOSWKTReader_create_r(h);
    GEOSGeometry *g = GEOSWKTReader_read_r(h, r, wkt);
    GEOSWKTReader_destroy_r(h, r);
    size_t len = 0;
    unsigned char *wkb = g ? px__geom_to_wkb(ctx, g, &len) : NULL;
    if (g) GEOSGeom_destroy_r(h, g);
    if (!wkb || px_table_writer_add(w, values, wkb, len, NULL) != PX_OK) abort();
    px__wkb_free(ctx, wkb);
}

static char fx_dir[64], fx_path[96];

static void cleanup(void)
{
    unlink(fx_path);
    rmdir(fx_dir);
}

static px_store *fixture(px_ctx *ctx)
{
    char *dir = fx_dir, *path = fx_path, wkt[512];
    snprintf(dir, sizeof fx_dir, "/tmp/px-fuzz-style-%d", (int)getpid());
    mkdir(dir, 0700);
    snprintf(path, sizeof fx_path, "%s/p.sqlite", dir);
    unlink(path);
    atexit(cleanup);
    px_store *s = NULL;
    if (px_store_create(ctx, path, "EPSG:3857", &s) != PX_OK) abort();
    static const px_column zc[] = {{"name", PX_COL_TEXT}, {"score", PX_COL_REAL}, {"rank", PX_COL_INT}};
    static const px_column pc[] = {{"kind", PX_COL_TEXT}};
    static const px_column sc[] = {{"name", PX_COL_TEXT}, {"beds", PX_COL_INT}};
    px_table_writer *w = NULL;
    px_table_schema zs = {"zones", "result", PX_GEOM_POLYGON, 3, zc};
    if (px_store_table_create(s, &zs, &w) != PX_OK) abort();
    double a = HALF / 8, b = HALF / 2;
    snprintf(wkt, sizeof wkt, "POLYGON((%f %f,%f %f,%f %f,%f %f,%f %f))", a, a, b, a, b, b, a, b, a, a);
    add(ctx, w, (px_value[]){PX_VALUE_TEXT("square"), PX_VALUE_REAL(0.5), PX_VALUE_INT(1)}, wkt);
    snprintf(wkt, sizeof wkt, "POLYGON((%f %f,%f %f,%f %f,%f %f,%f %f),(%f %f,%f %f,%f %f,%f %f,%f %f))", -b, -b,
             -a, -b, -a, -a, -b, -a, -b, -b, -b + a, -b + a, -b + a, -2 * a, -2 * a, -2 * a, -2 * a, -b + a,
             -b + a, -b + a);
    add(ctx, w, (px_value[]){PX_VALUE_TEXT("holed"), PX_VALUE_NULL, PX_VALUE_INT(2)}, wkt);
    if (px_table_writer_finish(w) != PX_OK) abort();
    px_table_schema ps = {"paths", "layer", PX_GEOM_LINESTRING, 1, pc};
    if (px_store_table_create(s, &ps, &w) != PX_OK) abort();
    snprintf(wkt, sizeof wkt, "LINESTRING(%f %f,%f %f,%f %f)", -b, b, b, b, b, -b);
    add(ctx, w, (px_value[]){PX_VALUE_TEXT("cycleway")}, wkt);
    if (px_table_writer_finish(w) != PX_OK) abort();
    px_table_schema ss = {"sites", "layer", PX_GEOM_POINT, 2, sc};
    if (px_store_table_create(s, &ss, &w) != PX_OK) abort();
    snprintf(wkt, sizeof wkt, "POINT(%f %f)", a, a);
    add(ctx, w, (px_value[]){PX_VALUE_TEXT("Hôpital"), PX_VALUE_INT(120)}, wkt);
    snprintf(wkt, sizeof wkt, "POINT(%f %f)", -a, a);
    add(ctx, w, (px_value[]){PX_VALUE_NULL, PX_VALUE_INT(-3)}, wkt);
    if (px_table_writer_finish(w) != PX_OK) abort();
    return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static px_ctx *fx_ctx;
    static px_store *store;
    if (!store) {
        if (px_ctx_new(&fx_ctx) != PX_OK) abort();
        store = fixture(fx_ctx);
    }
    json_error_t err;
    json_t *root = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES | JSON_DECODE_INT_AS_REAL, &err);
    if (!root) return 0;
    px_style *st = NULL;
    int debug = getenv("PX_FUZZ_DEBUG") != NULL; /* print why an input stops early */
    if (px__style_from_json(fx_ctx, "fuzz.json", root, &st) != PX_OK) {
        if (debug) fprintf(stderr, "style: %s\n", px_ctx_errmsg(fx_ctx));
        return 0;
    }
    px_rtiles_options o;
    px_rtiles_options_default(&o);
    unsigned char *png = NULL;
    size_t len = 0;
    /* Zoom 1, the tile with the square, a point and the line; zoom from the
     * input's size so that zoom expressions meet several values. */
    px_tile t = {1 + (int)(size % 3), 1, 0};
    t.x = (1 << t.z) / 2;
    if (px_tiles_render_png(fx_ctx, store, st, t, &o, &png, &len) == PX_OK) {
        if (debug) fprintf(stderr, "tile %d/%d/%d: %zu bytes of PNG\n", t.z, t.x, t.y, len);
        free(png);
    } else if (debug) {
        fprintf(stderr, "render: %s\n", px_ctx_errmsg(fx_ctx));
    }
    px_style_free(st);
    return 0;
}
