/*
 * Fixture shared by the tiles unit tests: a project store in EPSG:3857 (so
 * that tile coordinates can be worked out by hand) with three small layers.
 * R is the Web Mercator half-width: x in [-R, R] spans the world.
 *
 *  zones (POLYGON; name TEXT, score REAL, rank INT):
 *    fid 1 "square": x, y in [R/4, R/2]. At z1 it lies in tile 1/1/0 at tile
 *          coordinates x 1024..2048, y 2048..3072 (y down).
 *    fid 2 "holed": x, y in [-R/2, -R/4] (tile 1/0/1) with a hole of half its
 *          width in the middle.
 *    fid 3 "tiny": a 1 m square near the first one, simplified away below z14.
 *  paths (LINESTRING; kind TEXT): fid 1 from (-R/2, R/2) to (R/2, R/2),
 *    crossing from tile 1/0/0 into 1/1/0.
 *  sites (POINT; name TEXT, beds INT): fid 1 (R/8, R/8) in 1/1/0; fid 2
 *    (-R/8, R/8) in 1/0/0; fid 3 (R/8, -R/8) in 1/1/1.
 *
 * Header-only: each test file that includes it gets its own static copy.
 */
#ifndef PX_TILES_FIXTURE_H
#define PX_TILES_FIXTURE_H

#include "helpers/px_test.h"
#include "geom/geom_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define R 20037508.342789244

static const px_column fx_zone_cols[] = {{"name", PX_COL_TEXT}, {"score", PX_COL_REAL}, {"rank", PX_COL_INT}};
static const px_column fx_path_cols[] = {{"kind", PX_COL_TEXT}};
static const px_column fx_site_cols[] = {{"name", PX_COL_TEXT}, {"beds", PX_COL_INT}};

static px_store *fx_store(px_ctx *ctx, const char *dir)
{
    char *path = px_test_path(dir, "p.sqlite");
    px_store *s = NULL;
    assert_int_equal(px_store_create(ctx, path, "EPSG:3857", &s), PX_OK);
    free(path);
    char wkt[512];
    px_table_writer *w = NULL;
    px_table_schema zs = {"zones", "result", PX_GEOM_POLYGON, 3, fx_zone_cols};
    assert_int_equal(px_store_table_create(s, &zs, &w), PX_OK);
    snprintf(wkt, sizeof wkt, "POLYGON((%.6f %.6f, %.6f %.6f, %.6f %.6f, %.6f %.6f, %.6f %.6f))", R / 4,
             R / 4, R / 2, R / 4, R / 2, R / 2, R / 4, R / 2, R / 4, R / 4);
    px_test_add_wkt(ctx, w, (px_value[]){PX_VALUE_TEXT("square"), PX_VALUE_REAL(0.5), PX_VALUE_INT(1)}, wkt);
    double a = -R / 2, b = -R / 4, q = R / 16;
    snprintf(wkt, sizeof wkt,
             "POLYGON((%.6f %.6f, %.6f %.6f, %.6f %.6f, %.6f %.6f, %.6f %.6f),"
             "(%.6f %.6f, %.6f %.6f, %.6f %.6f, %.6f %.6f, %.6f %.6f))",
             a, a, b, a, b, b, a, b, a, a, a + q, a + q, a + q, b - q, b - q, b - q, b - q, a + q, a + q,
             a + q);
    px_test_add_wkt(ctx, w, (px_value[]){PX_VALUE_TEXT("holed"), PX_VALUE_REAL(-1.25), PX_VALUE_INT(2)}, wkt);
    snprintf(wkt, sizeof wkt, "POLYGON((%.6f %.6f, %.6f %.6f, %.6f %.6f, %.6f %.6f, %.6f %.6f))", R / 3,
             R / 3, R / 3 + 1, R / 3, R / 3 + 1, R / 3 + 1, R / 3, R / 3 + 1, R / 3, R / 3);
    px_test_add_wkt(ctx, w, (px_value[]){PX_VALUE_TEXT("tiny"), PX_VALUE_NULL, PX_VALUE_INT(3)}, wkt);
    assert_int_equal(px_table_writer_finish(w), PX_OK);

    px_table_schema ps = {"paths", "layer", PX_GEOM_LINESTRING, 1, fx_path_cols};
    assert_int_equal(px_store_table_create(s, &ps, &w), PX_OK);
    snprintf(wkt, sizeof wkt, "LINESTRING(%.6f %.6f, %.6f %.6f)", -R / 2, R / 2, R / 2, R / 2);
    px_test_add_wkt(ctx, w, (px_value[]){PX_VALUE_TEXT("cycleway")}, wkt);
    assert_int_equal(px_table_writer_finish(w), PX_OK);

    px_table_schema ss = {"sites", "layer", PX_GEOM_POINT, 2, fx_site_cols};
    assert_int_equal(px_store_table_create(s, &ss, &w), PX_OK);
    snprintf(wkt, sizeof wkt, "POINT(%.6f %.6f)", R / 8, R / 8);
    px_test_add_wkt(ctx, w, (px_value[]){PX_VALUE_TEXT("school"), PX_VALUE_INT(40)}, wkt);
    snprintf(wkt, sizeof wkt, "POINT(%.6f %.6f)", -R / 8, R / 8);
    px_test_add_wkt(ctx, w, (px_value[]){PX_VALUE_TEXT("clinic"), PX_VALUE_INT(12)}, wkt);
    snprintf(wkt, sizeof wkt, "POINT(%.6f %.6f)", R / 8, -R / 8);
    px_test_add_wkt(ctx, w, (px_value[]){PX_VALUE_TEXT("library"), PX_VALUE_NULL}, wkt);
    assert_int_equal(px_table_writer_finish(w), PX_OK);
    return s;
}

#endif
