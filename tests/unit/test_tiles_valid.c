/*
 * Polygons in vector tiles are valid per MVT 2.1 section 4.3.4.4 at every
 * zoom. Real boundaries (35 communes of Pas-de-Calais, IGN Admin Express via
 * france-geojson, layers/data) and two shapes made to break naive clipping
 * (a comb whose teeth leave and re-enter a tile, a ring narrower than a tile
 * unit) are tiled z0-14 into a folder; every tile is decoded by GDAL's MVT
 * driver (an independent reader, which tells holes by their winding) and
 * every polygon is checked with GEOS (OGR_G_IsValid). A second pass decodes
 * the command streams by hand to check what GDAL forgives: every exterior
 * ring clockwise on screen, every ring closed with at least three points.
 */
#include "helpers/px_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tiles/tiles_int.h"
#include "vector_tile.pb-c.h"

#include <dirent.h>
#include <gdal.h>
#include <ogr_api.h>
#include <cpl_conv.h>
#include <ogr_srs_api.h>

typedef struct tally {
    int n_tiles, n_polys, n_invalid, n_bad_winding, n_features;
    char first_bad[2048];
} tally;

static unsigned char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *b = malloc((size_t)n + 1);
    assert_non_null(b);
    assert_int_equal(fread(b, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *len = (size_t)n;
    return b;
}

static int32_t unzz(uint32_t v)
{
    return (int32_t)(v >> 1) ^ -(int32_t)(v & 1);
}

/* Decode the polygon command streams of one tile by the spec and count the
 * rings whose winding or shape is wrong. The first ring of a feature must
 * be an exterior (positive area with y down). */
static void check_streams(const char *path, tally *t)
{
    size_t len = 0;
    unsigned char *buf = slurp(path, &len);
    VectorTile__Tile *tile = vector_tile__tile__unpack(NULL, len, buf);
    assert_non_null(tile);
    for (size_t l = 0; l < tile->n_layers; l++)
        for (size_t f = 0; f < tile->layers[l]->n_features; f++) {
            const VectorTile__Tile__Feature *ft = tile->layers[l]->features[f];
            if (ft->type != VECTOR_TILE__TILE__GEOM_TYPE__POLYGON) continue;
            int32_t cx = 0, cy = 0, ring_no = 0;
            double xs[8192], ys[8192];
            size_t n = 0;
            for (size_t i = 0; i < ft->n_geometry;) {
                uint32_t id = ft->geometry[i] & 7, count = ft->geometry[i] >> 3;
                i++;
                if (id == 7) {
                    double a = 0;
                    for (size_t k = 0, j = n - 1; k < n; j = k++)
                        a += xs[j] * ys[k] - xs[k] * ys[j];
                    if (n < 3 || a == 0 || (ring_no == 0 && a < 0)) {
                        t->n_bad_winding++;
                        if (!t->first_bad[0]) snprintf(t->first_bad, sizeof t->first_bad, "%s: winding", path);
                    }
                    ring_no++;
                    n = 0;
                    continue;
                }
                for (uint32_t k = 0; k < count; k++) {
                    cx += unzz(ft->geometry[i++]);
                    cy += unzz(ft->geometry[i++]);
                    if (n < 8192) {
                        xs[n] = cx;
                        ys[n] = cy;
                        n++;
                    }
                }
            }
        }
    vector_tile__tile__free_unpacked(tile, NULL);
    free(buf);
}

static void check_tile(const char *path, tally *t)
{
    const char *oo[] = {"CLIP=NO", NULL};
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, oo, NULL);
    assert_non_null(ds);
    t->n_tiles++;
    for (int i = 0; i < GDALDatasetGetLayerCount(ds); i++) {
        OGRLayerH l = GDALDatasetGetLayer(ds, i);
        OGR_L_ResetReading(l);
        OGRFeatureH f;
        while ((f = OGR_L_GetNextFeature(l))) {
            OGRGeometryH g = OGR_F_GetGeometryRef(f);
            OGRwkbGeometryType gt = g ? wkbFlatten(OGR_G_GetGeometryType(g)) : wkbUnknown;
            t->n_features++;
            if (gt == wkbPolygon || gt == wkbMultiPolygon) {
                t->n_polys++;
                if (!OGR_G_IsValid(g)) {
                    t->n_invalid++;
                    if (!t->first_bad[0])
                        snprintf(t->first_bad, sizeof t->first_bad, "%s: feature %lld invalid", path,
                                 (long long)OGR_F_GetFID(f));
                }
            }
            OGR_F_Destroy(f);
        }
    }
    GDALClose(ds);
    check_streams(path, t);
}

/* Walk DIR/z/x/y.pbf for one zoom. */
static void check_zoom(const char *dir, int z, tally *t)
{
    char zdir[1024];
    snprintf(zdir, sizeof zdir, "%s/%d", dir, z);
    DIR *dz = opendir(zdir);
    if (!dz) return;
    struct dirent *ex;
    while ((ex = readdir(dz))) {
        if (ex->d_name[0] == '.') continue;
        char xdir[1280];
        snprintf(xdir, sizeof xdir, "%s/%s", zdir, ex->d_name);
        DIR *dx = opendir(xdir);
        assert_non_null(dx);
        struct dirent *ey;
        while ((ey = readdir(dx))) {
            if (ey->d_name[0] == '.') continue;
            char p[1600];
            snprintf(p, sizeof p, "%s/%s", xdir, ey->d_name);
            check_tile(p, t);
        }
        closedir(dx);
    }
    closedir(dz);
}

static const px_column commune_cols[] = {{"code", PX_COL_TEXT}};

static void add_projected(px_ctx *ctx, px_table_writer *w, OGRCoordinateTransformationH ct, const char *code,
                          const char *wkt_lonlat)
{
    OGRGeometryH g = NULL;
    char *p = (char *)wkt_lonlat;
    assert_int_equal(OGR_G_CreateFromWkt(&p, NULL, &g), OGRERR_NONE);
    assert_int_equal(OGR_G_Transform(g, ct), OGRERR_NONE);
    char *wkt = NULL;
    OGR_G_ExportToWkt(g, &wkt);
    px_test_add_wkt(ctx, w, (px_value[]){PX_VALUE_TEXT(code)}, wkt);
    CPLFree(wkt);
    OGR_G_DestroyGeometry(g);
}

/* 35 communes of the shipped Pas-de-Calais file, read with OGR, in a store
 * in EPSG:3857; and the two made-up shapes in a second table. */
static px_store *real_store(px_ctx *ctx, const char *dir, int *n_communes)
{
    char *path = px_test_path(dir, "v.sqlite");
    px_store *s = NULL;
    assert_int_equal(px_store_create(ctx, path, "EPSG:3857", &s), PX_OK);
    free(path);
    GDALAllRegister();
    /* The store wants metres: Web Mercator, reprojected here with OGR. */
    OGRSpatialReferenceH wgs = OSRNewSpatialReference(NULL), merc = OSRNewSpatialReference(NULL);
    OSRImportFromEPSG(wgs, 4326);
    OSRImportFromEPSG(merc, 3857);
    OSRSetAxisMappingStrategy(wgs, OAMS_TRADITIONAL_GIS_ORDER);
    OSRSetAxisMappingStrategy(merc, OAMS_TRADITIONAL_GIS_ORDER);
    OGRCoordinateTransformationH ct = OCTNewCoordinateTransformation(wgs, merc);
    assert_non_null(ct);
    char *src = px_test_source_path("layers/data/communes-62-pas-de-calais.geojson");
    GDALDatasetH in = GDALOpenEx(src, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    assert_non_null(in);
    free(src);
    OGRLayerH il = GDALDatasetGetLayer(in, 0);
    px_table_writer *w = NULL;
    px_table_schema cs = {"communes", "layer", PX_GEOM_MULTIPOLYGON, 1, commune_cols};
    assert_int_equal(px_store_table_create(s, &cs, &w), PX_OK);
    /* Neighbours: the communes whose box centre is within 0.12 degree of
     * Arras (2.78, 50.29), so that boundaries meet and cross tile edges. */
    OGR_L_SetSpatialFilterRect(il, 2.66, 50.21, 2.90, 50.37);
    OGR_L_ResetReading(il);
    OGRFeatureH f;
    int n = 0;
    while ((f = OGR_L_GetNextFeature(il)) && n < 35) {
        char *wkt = NULL;
        OGRGeometryH g = OGR_G_ForceToMultiPolygon(OGR_F_StealGeometry(f));
        assert_int_equal(OGR_G_Transform(g, ct), OGRERR_NONE);
        OGR_G_ExportToWkt(g, &wkt);
        px_test_add_wkt(ctx, w, (px_value[]){PX_VALUE_TEXT(OGR_F_GetFieldAsString(f, 0))}, wkt);
        CPLFree(wkt);
        OGR_G_DestroyGeometry(g);
        OGR_F_Destroy(f);
        n++;
    }
    if (f) OGR_F_Destroy(f);
    GDALClose(in);
    if (px_table_writer_finish(w) != PX_OK) fail_msg("%s", px_ctx_errmsg(ctx));
    *n_communes = n;

    /* A comb near Arras: a bar with five 200 m teeth 400 m apart and 3 km
     * long, so that tile edges from z12 up cut the teeth off the bar; and
     * a 0.3 m wide sliver; in degrees. */
    px_table_schema ss = {"shapes", "layer", PX_GEOM_POLYGON, 1, commune_cols};
    assert_int_equal(px_store_table_create(s, &ss, &w), PX_OK);
    char wkt[4096];
    double x0 = 2.7601, y0 = 50.2901, dx = 400.0 / 71000, tw = 200.0 / 71000, th = 3000.0 / 111000,
           bar = 100.0 / 111000;
    int k = snprintf(wkt, sizeof wkt, "POLYGON((%.8f %.8f", x0, y0);
    for (int i = 0; i < 5; i++) {
        double a = x0 + i * dx, b = a + tw;
        k += snprintf(wkt + k, sizeof wkt - (size_t)k, ", %.8f %.8f, %.8f %.8f, %.8f %.8f", a, y0 + bar + th, b,
                      y0 + bar + th, b, y0 + bar);
    }
    k += snprintf(wkt + k, sizeof wkt - (size_t)k, ", %.8f %.8f, %.8f %.8f, %.8f %.8f))", x0 + 5 * dx, y0 + bar,
                  x0 + 5 * dx, y0, x0, y0);
    add_projected(ctx, w, ct, "comb", wkt);
    add_projected(ctx, w, ct, "sliver",
                  "POLYGON((2.7700 50.3000, 2.7800 50.3000, 2.7800 50.300003, 2.7700 50.300003, 2.7700 50.3000))");
    OCTDestroyCoordinateTransformation(ct);
    OSRDestroySpatialReference(wgs);
    OSRDestroySpatialReference(merc);
    assert_int_equal(px_table_writer_finish(w), PX_OK);
    return s;
}

static void test_px_tiles_write_vector_polygons_valid_every_zoom(void **state)
{
    (void)state;
    px_ctx *ctx = NULL;
    assert_int_equal(px_ctx_new(&ctx), PX_OK);
    char *dir = px_test_tmpdir("tiles_valid");
    int n_communes = 0;
    px_store *s = real_store(ctx, dir, &n_communes);
    assert_int_equal(n_communes, 35);
    char *out = px_test_path(dir, "xyz");
    px_tiles_layer L[] = {{"communes", NULL}, {"shapes", NULL}};
    px_vtiles_options o;
    px_vtiles_options_default(&o);
    o.maxzoom = 14;
    px_tiles_report r;
    assert_int_equal(px_tiles_write_vector(ctx, s, L, 2, out, &o, &r), PX_OK);
    assert_int_equal(r.n_features, 35 + 2);
    tally all = {0};
    for (int z = 0; z <= 14; z++) {
        tally t = {0};
        check_zoom(out, z, &t);
        /* From z4 (where these communes are a few pixels wide) every zoom has
         * polygons; below, simplification leaves these small areas out. */
        if (z >= 4 && !t.n_polys) fail_msg("z%d: no polygon at all", z);
        if (t.n_invalid || t.n_bad_winding)
            fail_msg("z%d: %d of %d polygons invalid, %d rings with a bad winding; first: %s", z, t.n_invalid,
                     t.n_polys, t.n_bad_winding, t.first_bad);
        all.n_tiles += t.n_tiles;
        all.n_polys += t.n_polys;
    }
    /* 282 tiles and 900 polygons when written: the check saw real volume. */
    assert_true(all.n_tiles > 250);
    assert_true(all.n_polys > 800);
    px_store_close(s);
    free(out);
    free(dir);
    px_ctx_free(ctx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_px_tiles_write_vector_polygons_valid_every_zoom),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
