/*
 * Unit tests of the MBTiles writer (store module), tile numbering and the
 * option defaults of the tiles module.
 */
#include "helpers/px_test.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void test_px_mbtiles_write_and_tms_rows(void **state)
{
    (void)state;
    px_ctx *ctx = NULL;
    assert_int_equal(px_ctx_new(&ctx), PX_OK);
    char *dir = px_test_tmpdir("mbtiles");
    char *path = px_test_path(dir, "a.mbtiles");
    px_mbtiles *m = NULL;
    assert_int_equal(px_mbtiles_create(ctx, path, &m), PX_OK);
    /* Nothing at the destination until finished. */
    struct stat st;
    assert_int_not_equal(stat(path, &st), 0);
    assert_int_equal(px_mbtiles_set_metadata(m, "name", "first"), PX_OK);
    assert_int_equal(px_mbtiles_set_metadata(m, "name", "a"), PX_OK); /* replaced */
    assert_int_equal(px_mbtiles_put(m, 3, 2, 1, "abc", 3), PX_OK);
    assert_int_equal(px_mbtiles_put(m, 0, 0, 0, "z", 1), PX_OK);
    /* Outside the zoom: refused with the tile named. */
    assert_int_equal(px_mbtiles_put(m, 3, 8, 0, "x", 1), PX_EINVAL);
    assert_non_null(strstr(px_ctx_errmsg(ctx), "tile 3/8/0 is outside its zoom"));
    assert_int_equal(px_mbtiles_put(m, 25, 0, 0, "x", 1), PX_EINVAL);
    assert_int_equal(px_mbtiles_finish(m), PX_OK);
    assert_int_equal(stat(path, &st), 0);

    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    sqlite3_stmt *q = NULL;
    /* XYZ 3/2/1 is TMS row 8 - 1 - 1 = 6. */
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "SELECT tile_column, tile_row, CAST(tile_data AS TEXT) FROM tiles "
                                        "WHERE zoom_level = 3",
                                        -1, &q, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(q, 0), 2);
    assert_int_equal(sqlite3_column_int(q, 1), 6);
    assert_string_equal((const char *)sqlite3_column_text(q, 2), "abc");
    sqlite3_finalize(q);
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT value FROM metadata WHERE name = 'name'", -1, &q, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(q, 0), "a");
    assert_int_equal(sqlite3_step(q), SQLITE_DONE);
    sqlite3_finalize(q);
    /* The unique index readers rely on. */
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND "
                                        "name = 'tile_index'",
                                        -1, &q, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(q, 0), 1);
    sqlite3_finalize(q);
    sqlite3_close(db);

    /* An aborted tileset leaves the previous file untouched and no temp file. */
    assert_int_equal(px_mbtiles_create(ctx, path, &m), PX_OK);
    assert_int_equal(px_mbtiles_put(m, 0, 0, 0, "new", 3), PX_OK);
    px_mbtiles_abort(m);
    px_mbtiles_abort(NULL);
    assert_int_equal(stat(path, &st), 0);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "test $(ls '%s' | wc -l) -eq 1", dir);
    assert_int_equal(system(cmd), 0);
    /* Bad arguments; an unwritable folder. */
    assert_int_equal(px_mbtiles_create(ctx, NULL, &m), PX_EINVAL);
    assert_int_equal(px_mbtiles_create(ctx, "/nonexistent-dir/x.mbtiles", &m), PX_EIO);
    assert_non_null(strstr(px_ctx_errmsg(ctx), "/nonexistent-dir/x.mbtiles: cannot create"));
    free(path);
    free(dir);
    px_ctx_free(ctx);
}

static void test_px_tile_from_lonlat_values(void **state)
{
    (void)state;
    px_tile t = px_tile_from_lonlat(2.31, 48.81, 10);
    assert_int_equal(t.z, 10);
    assert_int_equal(t.x, 518);
    assert_int_equal(t.y, 352);
    t = px_tile_from_lonlat(9.52, 47.14, 14);
    assert_int_equal(t.x, 8625);
    assert_int_equal(t.y, 5753);
    /* Edges of the world clamp into it. */
    t = px_tile_from_lonlat(-180, 89, 3);
    assert_int_equal(t.x, 0);
    assert_int_equal(t.y, 0);
    t = px_tile_from_lonlat(180, -89, 3);
    assert_int_equal(t.x, 7);
    assert_int_equal(t.y, 7);
    t = px_tile_from_lonlat(0, 0, 0);
    assert_int_equal(t.x, 0);
    assert_int_equal(t.y, 0);
}

static void test_px_tiles_options_default_values(void **state)
{
    (void)state;
    px_vtiles_options v;
    px_vtiles_options_default(&v);
    assert_int_equal(v.minzoom, 0);
    assert_int_equal(v.maxzoom, 14);
    assert_int_equal(v.extent, 4096);
    assert_int_equal(v.buffer, 64);
    assert_float_equal(v.simplify, 4.0, 0);
    assert_int_equal(v.max_tile_bytes, 500 * 1024);
    assert_int_equal(v.threads, 2);
    assert_int_equal(v.feature_ids, 1);
    assert_null(v.name);
    px_rtiles_options r;
    px_rtiles_options_default(&r);
    assert_int_equal(r.tile_size, 256);
    assert_int_equal(r.pixel_ratio, 1);
    assert_int_equal(r.maxzoom, 14);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_px_mbtiles_write_and_tms_rows),
        cmocka_unit_test(test_px_tile_from_lonlat_values),
        cmocka_unit_test(test_px_tiles_options_default_values),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
