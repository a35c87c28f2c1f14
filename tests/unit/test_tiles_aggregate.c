/*
 * Low zooms of dense point layers: 2,500 origins (a 50 x 50 grid, 100 m
 * apart) with `count`, a minutes column and a commune id are tiled; below
 * the max zoom they are aggregated per grid cell, and GDAL's MVT reader (an
 * independent decoder) must find that the aggregated features still sum to
 * the 2,500 points and to the total `count`, that the count-weighted mean
 * of the minutes over the tile equals the source's, and that the commune id
 * survives where a cell holds one commune only. At the max zoom every origin
 * is there, as it is.
 */
#include "helpers/px_test.h"
#include "tiles/tiles_int.h"

#include <gdal.h>
#include <math.h>
#include <ogr_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define R 20037508.342789244
/* The grid's south-west corner: 3/10 into z8 tile column 134, row 121, so
 * that from z0 to z9 every origin falls in one tile, far from its edges. */
#define X0 (-R + 134.3 * (2 * R / 256))
#define Y0 (R - 121.3 * (2 * R / 256))
#define N_SIDE 50

static const px_column origin_cols[] = {{"population_fid", PX_COL_INT},
                                        {"commune_id", PX_COL_TEXT},
                                        {"count", PX_COL_REAL},
                                        {"walk_school_min", PX_COL_REAL}};

typedef struct sums {
    int n_features, n_points, n_aggregated;
    double count, count_x_min, count_with_min;
    int commune_kept, commune_mixed;
} sums;

static double count_of(int i)
{
    return 1 + i % 7;
}
static double minutes_of(int i)
{
    return (i % 13) * 1.5;
}

static px_store *origins_store(px_ctx *ctx, const char *dir, sums *truth)
{
    char *path = px_test_path(dir, "a.sqlite");
    px_store *s = NULL;
    assert_int_equal(px_store_create(ctx, path, "EPSG:3857", &s), PX_OK);
    free(path);
    px_table_writer *w = NULL;
    px_table_schema os = {"access_origins", "result", PX_GEOM_POINT, 4, origin_cols};
    assert_int_equal(px_store_table_create(s, &os, &w), PX_OK);
    memset(truth, 0, sizeof *truth);
    for (int i = 0; i < N_SIDE * N_SIDE; i++) {
        char wkt[128];
        snprintf(wkt, sizeof wkt, "POINT(%.3f %.3f)", X0 + (i % N_SIDE) * 100.0, Y0 + (i / N_SIDE) * 100.0);
        /* Every 10th origin has no minutes (nothing reachable): it weighs in
         * the count but not in the mean. */
        px_value mins = i % 10 == 3 ? (px_value)PX_VALUE_NULL : (px_value)PX_VALUE_REAL(minutes_of(i));
        px_test_add_wkt(ctx, w,
                        (px_value[]){PX_VALUE_INT(1000 + i), PX_VALUE_TEXT(i % N_SIDE < 27 ? "A" : "B"),
                                     PX_VALUE_REAL(count_of(i)), mins},
                        wkt);
        truth->n_points++;
        truth->count += count_of(i);
        if (i % 10 != 3) {
            truth->count_x_min += count_of(i) * minutes_of(i);
            truth->count_with_min += count_of(i);
        }
    }
    assert_int_equal(px_table_writer_finish(w), PX_OK);
    return s;
}

/* Decode the tile holding the grid at zoom z and sum what it says. */
static sums read_tile(const char *dir, int z)
{
    uint32_t tx = (uint32_t)floor((X0 + R) / (2 * R) * ldexp(1, z));
    uint32_t ty = (uint32_t)floor((R - Y0) / (2 * R) * ldexp(1, z));
    char path[1024];
    snprintf(path, sizeof path, "%s/%d/%u/%u.pbf", dir, z, tx, ty);
    GDALAllRegister();
    const char *oo[] = {"CLIP=NO", NULL};
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, oo, NULL);
    if (!ds) fail_msg("no tile %s", path);
    OGRLayerH l = GDALDatasetGetLayerByName(ds, "access_origins");
    assert_non_null(l);
    sums s = {0};
    OGR_L_ResetReading(l);
    OGRFeatureH f;
    while ((f = OGR_L_GetNextFeature(l))) {
        int pc = OGR_F_GetFieldIndex(f, "point_count"), cc = OGR_F_GetFieldIndex(f, "count");
        int mc = OGR_F_GetFieldIndex(f, "walk_school_min"), ic = OGR_F_GetFieldIndex(f, "commune_id");
        int n = pc >= 0 && OGR_F_IsFieldSetAndNotNull(f, pc) ? OGR_F_GetFieldAsInteger(f, pc) : 1;
        double count = OGR_F_GetFieldAsDouble(f, cc);
        s.n_features++;
        s.n_points += n;
        if (n > 1) s.n_aggregated++;
        s.count += count;
        /* The weight of a feature's mean is the count of the points that
         * had minutes: unknown here per cell, so the check below is made on
         * cells without a NULL (see the comment there). */
        if (mc >= 0 && OGR_F_IsFieldSetAndNotNull(f, mc)) {
            s.count_x_min += count * OGR_F_GetFieldAsDouble(f, mc);
            s.count_with_min += count;
        }
        if (n > 1) {
            if (ic >= 0 && OGR_F_IsFieldSetAndNotNull(f, ic))
                s.commune_kept++;
            else
                s.commune_mixed++;
        }
        OGR_F_Destroy(f);
    }
    GDALClose(ds);
    return s;
}

static void test_px_tiles_write_vector_aggregates_dense_points(void **state)
{
    (void)state;
    px_ctx *ctx = NULL;
    assert_int_equal(px_ctx_new(&ctx), PX_OK);
    char *dir = px_test_tmpdir("tiles_agg");
    sums truth;
    px_store *s = origins_store(ctx, dir, &truth);
    char *out = px_test_path(dir, "xyz");
    px_tiles_layer L[] = {{"access_origins", NULL}};
    px_vtiles_options o;
    px_vtiles_options_default(&o);
    o.maxzoom = 9;
    px_tiles_report r;
    assert_int_equal(px_tiles_write_vector(ctx, s, L, 1, out, &o, &r), PX_OK);
    assert_int_equal(r.n_features, 2500);
    assert_int_equal(r.n_dropped, 0);
    assert_true(r.n_aggregated > 0);
    for (int z = 2; z <= 8; z += 3) {
        sums t = read_tile(out, z);
        /* Fewer features than points, but every point and every resident
         * accounted for. */
        assert_true(t.n_features < 2500);
        assert_true(t.n_aggregated > 0);
        assert_int_equal(t.n_points, 2500);
        assert_float_equal(t.count, truth.count, 1e-6);
        /* Cells straddling the A/B line (between the 27th and 28th
         * columns, inside a 611 m cell at z8) lose the commune id, the
         * others keep it. */
        if (z == 8) {
            assert_true(t.commune_kept > 0);
            assert_true(t.commune_mixed > 0);
        }
    }
    /* The count-weighted mean over the whole grid is kept where each cell's
     * weight is its count: at z2 the whole grid is one cell, and its mean
     * is the mean over the origins that have minutes. */
    sums t2 = read_tile(out, 2);
    assert_int_equal(t2.n_features, 1);
    assert_float_equal(t2.count_x_min / t2.count, truth.count_x_min / truth.count_with_min, 1e-9);
    /* Max zoom: every origin as it is, without point_count. */
    sums tmax = read_tile(out, 9);
    assert_int_equal(tmax.n_features, 2500);
    assert_int_equal(tmax.n_aggregated, 0);
    assert_float_equal(tmax.count, truth.count, 1e-6);
    /* Aggregation off: the low zoom holds every point. */
    o.aggregate_min = 0;
    o.maxzoom = 8;
    assert_int_equal(px_tiles_write_vector(ctx, s, L, 1, out, &o, &r), PX_OK);
    assert_int_equal(r.n_aggregated, 0);
    assert_int_equal(read_tile(out, 5).n_features, 2500);
    px_store_close(s);
    free(out);
    free(dir);
    px_ctx_free(ctx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_px_tiles_write_vector_aggregates_dense_points),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
