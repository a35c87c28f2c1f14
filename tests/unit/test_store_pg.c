/* Unit tests of the PostGIS store backend (pg_*.c) through the public store
 * calls, on a throwaway cluster started by tests/pg/start.sh: values that the
 * COPY text format must escape, NULLs, exact reals, fids, batches of the
 * cursor reader, box reads, rollback of an aborted writer, a geometry of the
 * wrong type, blobs, and the errors for a missing project or an existing one.
 * Skipped (every case) when PostgreSQL 15 + PostGIS are not installed. */
#define _GNU_SOURCE /* mkdtemp, popen */
#include "helpers/px_test.h"
#include "store/store_blob.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static char cluster[64];
static char project[256];
static int available;
static int n_schema;

static int group_setup(void **state)
{
    (void)state;
    snprintf(cluster, sizeof cluster, "/tmp/px-pg-unit-XXXXXX");
    if (!mkdtemp(cluster)) return -1;
    rmdir(cluster); /* start.sh makes it */
    char cmd[512], conninfo[200] = "";
    snprintf(cmd, sizeof cmd, "%s/tests/pg/start.sh %s", PX_SOURCE_DIR, cluster);
    FILE *p = popen(cmd, "r");
    if (!p) return -1;
    if (!fgets(conninfo, sizeof conninfo, p)) conninfo[0] = 0;
    int rc = pclose(p);
    if (WEXITSTATUS(rc) == 77) return 0; /* not installed: every case skips */
    if (rc != 0 || !conninfo[0]) return -1;
    conninfo[strcspn(conninfo, "\n")] = 0;
    snprintf(project, sizeof project, "PG:%s", conninfo);
    available = 1;
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    char cmd[512];
    snprintf(cmd, sizeof cmd, "%s/tests/pg/stop.sh %s", PX_SOURCE_DIR, cluster);
    return system(cmd) == 0 ? 0 : -1;
}

typedef struct fixture {
    px_ctx *ctx;
    char path[320]; /* a new schema per case */
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f || px_ctx_new(&f->ctx) != PX_OK) return -1;
    snprintf(f->path, sizeof f->path, "%s schemas=t%d", project, ++n_schema);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    px_ctx_free(f->ctx);
    free(f);
    return 0;
}

static void point_wkb(unsigned char out[21], double x, double y)
{
    out[0] = 1;
    uint32_t type = 1;
    memcpy(out + 1, &type, 4);
    memcpy(out + 5, &x, 8);
    memcpy(out + 13, &y, 8);
}

static const px_column cols[] = {{"name", PX_COL_TEXT}, {"n", PX_COL_INT}, {"x", PX_COL_REAL}};
static const px_table_schema schema = {"things", "result", PX_GEOM_POINT, 3, cols};

static void test_px_store_pg_create_open(void **state)
{
    if (!available) skip();
    fixture *f = *state;
    px_store *s = NULL;
    assert_int_equal(px_store_create(f->ctx, f->path, "EPSG:2154", &s), PX_OK);
    assert_int_equal(px_store_srid(s), 2154);
    assert_string_equal(px_store_path(s), f->path);
    px_store_close(s);
    assert_int_equal(px_store_create(f->ctx, f->path, "EPSG:2154", &s), PX_EIO);
    assert_non_null(strstr(px_ctx_errmsg(f->ctx), "already exists"));
    assert_int_equal(px_store_open(f->ctx, f->path, 1, &s), PX_OK);
    assert_string_equal(px_store_crs(s), "EPSG:2154");
    px_store_close(s);
    char other[400];
    snprintf(other, sizeof other, "%s schemas=nothing", project);
    assert_int_equal(px_store_open(f->ctx, other, 0, &s), PX_ENOTPROJECT);
    snprintf(other, sizeof other, "%s schemas=bad-name", project);
    assert_int_equal(px_store_open(f->ctx, other, 0, &s), PX_EINVAL);
    assert_int_equal(px_store_create(f->ctx, "PG:host=127.0.0.1 port=1 connect_timeout=2 schemas=x", "EPSG:2154", &s),
                     PX_ESQLITE);
    assert_non_null(strstr(px_ctx_errmsg(f->ctx), "cannot connect"));
}

/* 12,345 rows (more than two cursor batches), text COPY must escape, NULLs,
 * reals that must come back bit for bit, fids in order, and a box read. */
static void test_px_store_pg_roundtrip(void **state)
{
    if (!available) skip();
    fixture *f = *state;
    px_store *s = NULL;
    assert_int_equal(px_store_create(f->ctx, f->path, "EPSG:32632", &s), PX_OK);
    px_table_writer *w = NULL;
    assert_int_equal(px_store_table_create(s, &schema, &w), PX_OK);
    const char *names[] = {"tab\there", "line\nbreak\r", "back\\slash \\N", "Vaduz – Schaan é", ""};
    unsigned char wkb[21];
    const int n = 12345;
    for (int i = 0; i < n; i++) {
        px_value v[3] = {PX_VALUE_TEXT(names[i % 5]), PX_VALUE_INT((int64_t)i * 1000000007LL),
                         PX_VALUE_REAL(i * 0.1 + 1e-9)};
        if (i % 7 == 0) v[0] = PX_VALUE_NULL;
        int64_t fid = 0;
        point_wkb(wkb, 1000.0 + i, 2000.0 + (i % 10));
        assert_int_equal(px_table_writer_add(w, v, i % 11 == 5 ? NULL : wkb, sizeof wkb, &fid), PX_OK);
        assert_int_equal(fid, i + 1);
    }
    assert_int_equal(px_table_writer_finish(w), PX_OK);
    px_table_reader *r = NULL;
    assert_int_equal(px_store_reader_open(s, "things", NULL, 1, NULL, &r), PX_OK);
    assert_int_equal(px_table_reader_n_columns(r), 3);
    assert_int_equal(px_table_reader_column_type(r, 1), PX_COL_INT);
    assert_int_equal(px_table_reader_column_type(r, 2), PX_COL_REAL);
    int has = 0, i = 0;
    while (px_table_reader_next(r, &has) == PX_OK && has) {
        assert_int_equal(px_table_reader_fid(r), i + 1);
        if (i % 7 == 0) {
            assert_true(px_table_reader_is_null(r, 0));
            assert_null(px_table_reader_text(r, 0));
        } else {
            assert_string_equal(px_table_reader_text(r, 0), names[i % 5]);
        }
        assert_true(px_table_reader_int(r, 1) == (int64_t)i * 1000000007LL);
        assert_true(px_table_reader_real(r, 2) == i * 0.1 + 1e-9);
        size_t len = 0;
        const unsigned char *g = px_table_reader_wkb(r, &len);
        if (i % 11 == 5) {
            assert_null(g);
        } else {
            point_wkb(wkb, 1000.0 + i, 2000.0 + (i % 10));
            assert_int_equal(len, 21);
            assert_memory_equal(g, wkb, 21);
        }
        i++;
    }
    px_table_reader_close(r);
    assert_int_equal(i, n);
    /* x in [1250.5, 1260.5], y in [2000, 2003]: rows 251..260 with y <= 3, minus the NULL geometries. */
    px_bbox box = {1250.5, 2000, 1260.5, 2003};
    const char *want[] = {"n", NULL};
    assert_int_equal(px_store_reader_open(s, "things", want, 1, &box, &r), PX_OK);
    int count = 0;
    while (px_table_reader_next(r, &has) == PX_OK && has) {
        int64_t k = px_table_reader_fid(r) - 1;
        assert_true(k >= 251 && k <= 260 && k % 10 <= 3 && k % 11 != 5);
        count++;
    }
    px_table_reader_close(r);
    int expect = 0;
    for (int k = 251; k <= 260; k++) expect += k % 10 <= 3 && k % 11 != 5;
    assert_int_equal(count, expect);
    px_table_info *info = NULL;
    assert_int_equal(px_store_table_info(s, "things", &info), PX_OK);
    assert_int_equal(info->n_rows, n);
    assert_float_equal(info->extent.minx, 1000.0, 1e-3);
    assert_float_equal(info->extent.maxy, 2009.0, 1e-3);
    px_table_info_free(info, 1);
    px_store_close(s);
}

static void test_px_store_pg_abort_and_wrong_type(void **state)
{
    if (!available) skip();
    fixture *f = *state;
    px_store *s = NULL;
    assert_int_equal(px_store_create(f->ctx, f->path, "EPSG:32632", &s), PX_OK);
    px_table_writer *w = NULL;
    unsigned char wkb[21];
    point_wkb(wkb, 1, 2);
    px_value v[3] = {PX_VALUE_TEXT("a"), PX_VALUE_INT(1), PX_VALUE_REAL(1)};
    assert_int_equal(px_store_table_create(s, &schema, &w), PX_OK);
    assert_int_equal(px_table_writer_add(w, v, wkb, sizeof wkb, NULL), PX_OK);
    assert_int_equal(px_table_writer_finish(w), PX_OK);
    assert_int_equal(px_store_table_create(s, &schema, &w), PX_OK);
    assert_int_equal(px_table_writer_add(w, v, wkb, sizeof wkb, NULL), PX_OK);
    assert_int_equal(px_table_writer_add(w, v, wkb, sizeof wkb, NULL), PX_OK);
    px_table_writer_abort(w);
    int64_t n = 0;
    assert_int_equal(px_store_count(s, "things", &n), PX_OK);
    assert_int_equal(n, 1);
    px_store_rollback(s); /* the snapshot the count took */
    static const px_table_schema polys = {"zones", "result", PX_GEOM_POLYGON, 3, cols};
    assert_int_equal(px_store_table_create(s, &polys, &w), PX_OK);
    assert_int_equal(px_table_writer_add(w, v, NULL, 0, NULL), PX_OK);
    assert_int_equal(px_table_writer_add(w, v, wkb, sizeof wkb, NULL), PX_OK);
    assert_int_equal(px_table_writer_finish(w), PX_EDOMAIN);
    assert_non_null(strstr(px_ctx_errmsg(f->ctx), "zones: row 2: "));
    assert_false(px_store_has_table(s, "zones"));
    px_store_close(s);
}

static void test_px_store_pg_blobs(void **state)
{
    if (!available) skip();
    fixture *f = *state;
    px_store *s = NULL;
    assert_int_equal(px_store_create(f->ctx, f->path, "EPSG:32632", &s), PX_OK);
    char *stamp = NULL;
    size_t len = 0;
    assert_int_equal(px__store_blob_info(s, "g", &stamp, &len), PX_ENOTFOUND);
    unsigned char data[1000];
    for (int i = 0; i < 1000; i++) data[i] = (unsigned char)(i * 7);
    assert_int_equal(px_store_begin(s), PX_OK);
    assert_int_equal(px__store_blob_put(s, "g", "v1", data, sizeof data), PX_OK);
    assert_int_equal(px_store_commit(s), PX_OK);
    assert_int_equal(px__store_blob_info(s, "g", &stamp, &len), PX_OK);
    assert_string_equal(stamp, "v1");
    assert_int_equal(len, 1000);
    free(stamp);
    unsigned char part[10];
    assert_int_equal(px__store_blob_read(s, "g", 990, part, 10), PX_OK);
    assert_memory_equal(part, data + 990, 10);
    assert_int_equal(px__store_blob_read(s, "g", 995, part, 10), PX_EINVAL);
    void *all = NULL;
    assert_int_equal(px__store_blob_get(s, "g", &stamp, &all, &len), PX_OK);
    assert_int_equal(len, 1000);
    assert_memory_equal(all, data, 1000);
    free(all);
    free(stamp);
    assert_int_equal(px__store_blob_delete(s, "g"), PX_OK);
    assert_int_equal(px__store_blob_get(s, "g", &stamp, &all, &len), PX_ENOTFOUND);
    px_store_close(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_px_store_pg_create_open, setup, teardown),
        cmocka_unit_test_setup_teardown(test_px_store_pg_roundtrip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_px_store_pg_abort_and_wrong_type, setup, teardown),
        cmocka_unit_test_setup_teardown(test_px_store_pg_blobs, setup, teardown),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
