/* Unit tests of the project store: create/open, tables, readers, metadata. */
#include "helpers/px_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const px_column cols[] = {{"name", PX_COL_TEXT}, {"n", PX_COL_INT}, {"x", PX_COL_REAL}};
static const px_table_schema schema = {"things", "result", PX_GEOM_POINT, 3, cols};

/* WKB of POINT(x y), little-endian. */
static void point_wkb(unsigned char out[21], double x, double y)
{
    out[0] = 1;
    uint32_t type = 1;
    memcpy(out + 1, &type, 4);
    memcpy(out + 5, &x, 8);
    memcpy(out + 13, &y, 8);
}

/* Per-test fixture: a context and a fresh project path in a new folder. */
typedef struct fixture {
    px_ctx *ctx;
    char *dir;
    char *path;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f || px_ctx_new(&f->ctx) != PX_OK) return -1;
    f->dir = px_test_tmpdir("store");
    f->path = px_test_path(f->dir, "p.sqlite");
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    px_ctx_free(f->ctx);
    free(f->path);
    free(f->dir);
    free(f);
    return 0;
}

static void test_px_store_create_then_open(void **state)
{
    fixture *f = *state;
    px_ctx *ctx = f->ctx;
    const char *path = f->path;
    px_store *s = NULL;
    assert_int_equal(px_store_create(ctx, path, "EPSG:2154", &s), PX_OK);
    assert_string_equal(px_store_crs(s), "EPSG:2154");
    assert_int_equal(px_store_srid(s), 2154);
    px_store_close(s);
    assert_int_equal(px_store_open(ctx, path, 1, &s), PX_OK);
    assert_int_equal(px_store_srid(s), 2154);
    px_store_close(s);
    /* Creating over an existing file is refused. */
    assert_int_equal(px_store_create(ctx, path, "EPSG:2154", &s), PX_EIO);
}

static void test_px_store_create_geographic_crs_refused(void **state)
{
    fixture *f = *state;
    px_ctx *ctx = f->ctx;
    const char *path = f->path;
    px_store *s = NULL;
    assert_int_equal(px_store_create(ctx, path, "EPSG:4326", &s), PX_ECRS);
    assert_non_null(strstr(px_ctx_errmsg(ctx), "not a projected CRS in metres"));
    assert_int_equal(px_store_create(ctx, path, "Lambert", &s), PX_ECRS);
}

static void test_px_store_open_not_a_project(void **state)
{
    fixture *f = *state;
    px_ctx *ctx = f->ctx;
    const char *dir = f->dir;
    char *path = px_test_path(dir, "junk.sqlite");
    FILE *fp = fopen(path, "w");
    fputs("this is not sqlite", fp);
    fclose(fp);
    px_store *s = NULL;
    assert_int_equal(px_store_open(ctx, path, 0, &s), PX_ENOTPROJECT);
    assert_non_null(strstr(px_ctx_errmsg(ctx), "junk.sqlite: not a Proxima project"));
    char *missing = px_test_path(dir, "missing.sqlite");
    assert_int_equal(px_store_open(ctx, missing, 0, &s), PX_EIO);
    free(missing);
    free(path);
}

static void test_px_table_writer_roundtrip(void **state)
{
    fixture *f = *state;
    px_ctx *ctx = f->ctx;
    const char *path = f->path;
    px_store *s = NULL;
    assert_int_equal(px_store_create(ctx, path, "EPSG:32632", &s), PX_OK);
    px_table_writer *w = NULL;
    assert_int_equal(px_store_table_create(s, &schema, &w), PX_OK);
    unsigned char wkb[21];
    for (int i = 0; i < 10; i++) {
        char name[16];
        snprintf(name, sizeof name, "p%d", i);
        px_value v[3] = {PX_VALUE_TEXT(name), PX_VALUE_INT(i), PX_VALUE_REAL(i * 0.5)};
        point_wkb(wkb, 1000.0 + i * 100, 2000.0);
        assert_int_equal(px_table_writer_add(w, v, wkb, sizeof wkb, NULL), PX_OK);
    }
    assert_int_equal(px_table_writer_finish(w), PX_OK);

    px_table_info *info = NULL;
    assert_int_equal(px_store_table_info(s, "things", &info), PX_OK);
    assert_int_equal(info->n_rows, 10);
    assert_int_equal(info->geom_type, PX_GEOM_POINT);
    assert_true(info->has_extent);
    assert_float_equal(info->extent.minx, 1000.0, 1e-3);
    assert_float_equal(info->extent.maxx, 1900.0, 1e-3);
    px_table_info_free(info, 1);

    /* Box query through the spatial index: x in [1250, 1550] -> p3, p4, p5. */
    px_bbox box = {1250, 1900, 1550, 2100};
    const char *want[] = {"name", "n", NULL};
    px_table_reader *r = NULL;
    assert_int_equal(px_store_reader_open(s, "things", want, 1, &box, &r), PX_OK);
    assert_int_equal(px_table_reader_n_columns(r), 2);
    int has = 0, count = 0;
    int64_t sum = 0;
    while (px_table_reader_next(r, &has) == PX_OK && has) {
        size_t len = 0;
        assert_non_null(px_table_reader_wkb(r, &len));
        assert_int_equal(len, 21);
        sum += px_table_reader_int(r, 1);
        count++;
    }
    px_table_reader_close(r);
    assert_int_equal(count, 3);
    assert_int_equal(sum, 3 + 4 + 5);

    /* Unknown columns and tables are named in the error. */
    const char *bad[] = {"nope", NULL};
    assert_int_equal(px_store_reader_open(s, "things", bad, 0, NULL, &r), PX_ENOTFOUND);
    assert_non_null(strstr(px_ctx_errmsg(ctx), "no column 'nope'"));
    assert_int_equal(px_store_reader_open(s, "ghost", NULL, 0, NULL, &r), PX_ENOTFOUND);
    px_store_close(s);
}

static void test_px_table_writer_abort_leaves_previous(void **state)
{
    fixture *f = *state;
    px_ctx *ctx = f->ctx;
    const char *path = f->path;
    px_store *s = NULL;
    assert_int_equal(px_store_create(ctx, path, "EPSG:32632", &s), PX_OK);
    px_table_writer *w = NULL;
    unsigned char wkb[21];
    point_wkb(wkb, 1, 2);
    px_value v[3] = {PX_VALUE_TEXT("a"), PX_VALUE_INT(1), PX_VALUE_REAL(1)};
    assert_int_equal(px_store_table_create(s, &schema, &w), PX_OK);
    assert_int_equal(px_table_writer_add(w, v, wkb, sizeof wkb, NULL), PX_OK);
    assert_int_equal(px_table_writer_finish(w), PX_OK);
    /* Replace, add two rows, abort: the one-row table must still be there. */
    assert_int_equal(px_store_table_create(s, &schema, &w), PX_OK);
    assert_int_equal(px_table_writer_add(w, v, wkb, sizeof wkb, NULL), PX_OK);
    assert_int_equal(px_table_writer_add(w, v, wkb, sizeof wkb, NULL), PX_OK);
    px_table_writer_abort(w);
    int64_t n = 0;
    assert_int_equal(px_store_count(s, "things", &n), PX_OK);
    assert_int_equal(n, 1);
    px_store_close(s);
}

static void test_px_table_writer_finish_wrong_geometry_type(void **state)
{
    fixture *f = *state;
    px_store *s = NULL;
    assert_int_equal(px_store_create(f->ctx, f->path, "EPSG:32632", &s), PX_OK);
    static const px_table_schema polys = {"zones", "result", PX_GEOM_POLYGON, 3, cols};
    px_table_writer *w = NULL;
    assert_int_equal(px_store_table_create(s, &polys, &w), PX_OK);
    unsigned char wkb[21];
    point_wkb(wkb, 1, 2);
    px_value v[3] = {PX_VALUE_TEXT("a"), PX_VALUE_INT(1), PX_VALUE_REAL(1)};
    assert_int_equal(px_table_writer_add(w, v, NULL, 0, NULL), PX_OK);
    assert_int_equal(px_table_writer_add(w, v, wkb, sizeof wkb, NULL), PX_OK);
    /* The point in a polygon table is found when the table is finished,
     * named by its row, and nothing is kept. */
    assert_int_equal(px_table_writer_finish(w), PX_EDOMAIN);
    assert_string_equal(px_ctx_errmsg(f->ctx), "zones: row 2: geometry is POINT, the table takes POLYGON");
    assert_false(px_store_has_table(s, "zones"));
    px_store_close(s);
}

/* A table written without an R*Tree still knows its extent and answers box
 * reads, by testing each row's MBR. */
static void test_px_table_writer_no_spatial_index(void **state)
{
    fixture *f = *state;
    px_store *s = NULL;
    assert_int_equal(px_store_create(f->ctx, f->path, "EPSG:32632", &s), PX_OK);
    px_table_writer *w = NULL;
    assert_int_equal(px_store_table_create(s, &schema, &w), PX_OK);
    px_table_writer_no_spatial_index(w);
    for (int i = 0; i < 10; i++) {
        unsigned char wkb[21];
        point_wkb(wkb, 100.0 * i, 50.0 + i);
        px_value v[3] = {PX_VALUE_TEXT("p"), PX_VALUE_INT(i), PX_VALUE_REAL(i)};
        assert_int_equal(px_table_writer_add(w, v, wkb, sizeof wkb, NULL), PX_OK);
    }
    assert_int_equal(px_table_writer_finish(w), PX_OK);
    assert_false(px_store_has_table(s, "idx_things_geom"));
    px_table_info *ti = NULL;
    assert_int_equal(px_store_table_info(s, "things", &ti), PX_OK);
    assert_true(ti->has_extent);
    assert_float_equal(ti->extent.minx, 0, 0);
    assert_float_equal(ti->extent.miny, 50, 0);
    assert_float_equal(ti->extent.maxx, 900, 0);
    assert_float_equal(ti->extent.maxy, 59, 0);
    px_table_info_free(ti, 1);
    static const char *const ncol[] = {"n", NULL};
    px_bbox box = {250, 0, 520, 100};
    px_table_reader *r = NULL;
    assert_int_equal(px_store_reader_open(s, "things", ncol, 1, &box, &r), PX_OK);
    int has = 0, n = 0;
    int64_t sum = 0;
    while (px_table_reader_next(r, &has) == PX_OK && has) {
        sum += px_table_reader_int(r, 0);
        n++;
    }
    px_table_reader_close(r);
    assert_int_equal(n, 3); /* x = 300, 400, 500 */
    assert_int_equal(sum, 3 + 4 + 5);
    px_store_close(s);
}

static void test_px_store_settings(void **state)
{
    fixture *f = *state;
    px_ctx *ctx = f->ctx;
    const char *path = f->path;
    px_store *s = NULL;
    assert_int_equal(px_store_create(ctx, path, "EPSG:3812", &s), PX_OK);
    assert_int_equal(px_store_set_setting(s, "region", "Bruxelles"), PX_OK);
    char *v = NULL;
    assert_int_equal(px_store_get_setting(s, "region", &v), PX_OK);
    assert_string_equal(v, "Bruxelles");
    free(v);
    assert_int_equal(px_store_get_setting(s, "nothing", &v), PX_ENOTFOUND);
    px_store_close(s);
}

/* Write a one-row table `name` (inside its own transaction). */
static void write_table(px_store *s, const char *name)
{
    px_table_schema sc = schema;
    sc.name = name;
    px_table_writer *w = NULL;
    assert_int_equal(px_store_table_create(s, &sc, &w), PX_OK);
    unsigned char wkb[21];
    point_wkb(wkb, 1, 2);
    px_value v[3] = {PX_VALUE_TEXT("a"), PX_VALUE_INT(1), PX_VALUE_REAL(0.5)};
    assert_int_equal(px_table_writer_add(w, v, wkb, sizeof wkb, NULL), PX_OK);
    assert_int_equal(px_table_writer_finish(w), PX_OK);
}

/* Read every row of `name` (noting it as an input of what is written next). */
static void read_table(px_store *s, const char *name)
{
    px_table_reader *r = NULL;
    assert_int_equal(px_store_reader_open(s, name, NULL, 0, NULL, &r), PX_OK);
    int has = 0;
    while (px_table_reader_next(r, &has) == PX_OK && has) continue;
    px_table_reader_close(r);
}

static char *stale_of(px_store *s, const char *name)
{
    px_table_info *t = NULL;
    assert_int_equal(px_store_table_info(s, name, &t), PX_OK);
    char *why = t->stale ? strdup(t->stale) : NULL;
    px_table_info_free(t, 1);
    return why;
}

static void test_px_store_tables_stale_after_input_rewritten(void **state)
{
    fixture *f = *state;
    px_store *s = NULL;
    assert_int_equal(px_store_create(f->ctx, f->path, "EPSG:2154", &s), PX_OK);
    write_table(s, "a");          /* an input layer */
    read_table(s, "a");
    write_table(s, "b");          /* made from a */
    read_table(s, "b");
    write_table(s, "c");          /* made from b */
    px_table_info *t = NULL;
    assert_int_equal(px_store_table_info(s, "b", &t), PX_OK);
    assert_string_equal(t->inputs, "{\"a\":1}");
    assert_int_equal(t->revision, 2);
    assert_null(t->stale);
    px_table_info_free(t, 1);
    assert_null(stale_of(s, "c"));
    write_table(s, "a");          /* a rewritten: b is stale, and c through b */
    char *why = stale_of(s, "b");
    assert_string_equal(why, "a changed since");
    free(why);
    why = stale_of(s, "c");
    assert_string_equal(why, "b is stale");
    free(why);
    assert_null(stale_of(s, "a"));
    read_table(s, "a");           /* b made again: current, and so is c */
    write_table(s, "b");
    assert_null(stale_of(s, "b"));
    why = stale_of(s, "c");
    assert_string_equal(why, "b changed since");
    free(why);
    assert_int_equal(px_store_drop_table(s, "a"), PX_OK);
    why = stale_of(s, "b");
    assert_string_equal(why, "a was dropped since");
    free(why);
    px_store_close(s);
}

/* A writable store that has read takes the project for itself: a second
 * writer cannot begin until the first is done, and says why. */
static void test_px_store_read_snapshot_blocks_other_writer(void **state)
{
    fixture *f = *state;
    px_store *s = NULL, *other = NULL;
    assert_int_equal(px_store_create(f->ctx, f->path, "EPSG:2154", &s), PX_OK);
    write_table(s, "a");
    read_table(s, "a");
    px_ctx *ctx2 = NULL;
    assert_int_equal(px_ctx_new(&ctx2), PX_OK);
    assert_int_equal(px_store_open(ctx2, f->path, 0, &other), PX_OK);
    assert_int_equal(px_store_begin(other), PX_EIO);
    assert_non_null(strstr(px_ctx_errmsg(ctx2), "the project is busy: another proxima command is writing to it"));
    /* A read-only store still reads. */
    px_store *ro = NULL;
    assert_int_equal(px_store_open(ctx2, f->path, 1, &ro), PX_OK);
    int64_t n = 0;
    assert_int_equal(px_store_count(ro, "a", &n), PX_OK);
    assert_int_equal(n, 1);
    px_store_close(ro);
    write_table(s, "b"); /* adopts the snapshot and commits: the project is free again */
    assert_int_equal(px_store_begin(other), PX_OK);
    px_store_rollback(other);
    px_store_close(other);
    px_store_close(s);
    px_ctx_free(ctx2);
}

/* px_store_copy, file to file: rows, fids, NULLs, geometry, the catalogue
 * verbatim (a stale result stays stale), settings; the per-table callback. */
static void count_table(void *user, const char *table, int64_t n_rows)
{
    (void)table;
    int64_t *n = user;
    n[0]++;
    n[1] += n_rows;
}

static void test_px_store_copy_file_to_file(void **state)
{
    fixture *f = *state;
    px_store *s = NULL;
    assert_int_equal(px_store_create(f->ctx, f->path, "EPSG:2154", &s), PX_OK);
    write_table(s, "a");
    read_table(s, "a");
    /* b: two rows, one with NULLs and no geometry. */
    px_table_schema sc = schema;
    sc.name = "b";
    px_table_writer *w = NULL;
    assert_int_equal(px_store_table_create(s, &sc, &w), PX_OK);
    unsigned char wkb[21];
    point_wkb(wkb, 651000.25, 6862000.5);
    px_value v1[3] = {PX_VALUE_TEXT("tab\there"), PX_VALUE_INT(-7), PX_VALUE_REAL(0.1)};
    px_value v2[3] = {PX_VALUE_NULL, PX_VALUE_NULL, PX_VALUE_NULL};
    assert_int_equal(px_table_writer_add(w, v1, wkb, sizeof wkb, NULL), PX_OK);
    assert_int_equal(px_table_writer_add(w, v2, NULL, 0, NULL), PX_OK);
    assert_int_equal(px_table_writer_finish(w), PX_OK);
    write_table(s, "a"); /* b is now stale */
    assert_int_equal(px_store_set_source(s, "a", "a.geojson", "lyr", NULL, "proxy: test"), PX_OK);
    assert_int_equal(px_store_set_setting(s, "region", "Test region"), PX_OK);
    px_store_close(s);

    char *dst = px_test_path(f->dir, "copy.sqlite");
    int64_t n[2] = {0, 0};
    assert_int_equal(px_store_copy(f->ctx, f->path, dst, 0, count_table, n), PX_OK);
    assert_int_equal(n[0], 2);
    assert_int_equal(n[1], 3);
    px_store *c = NULL;
    assert_int_equal(px_store_open(f->ctx, dst, 1, &c), PX_OK);
    assert_string_equal(px_store_crs(c), "EPSG:2154");
    char *why = stale_of(c, "b");
    assert_string_equal(why, "a changed since");
    free(why);
    px_table_info *t = NULL;
    assert_int_equal(px_store_table_info(c, "a", &t), PX_OK);
    assert_int_equal(t->revision, 3);
    assert_string_equal(t->source, "a.geojson");
    assert_string_equal(t->source_layer, "lyr");
    assert_string_equal(t->note, "proxy: test");
    px_table_info_free(t, 1);
    char *region = NULL;
    assert_int_equal(px_store_get_setting(c, "region", &region), PX_OK);
    assert_string_equal(region, "Test region");
    free(region);
    px_table_reader *r = NULL;
    assert_int_equal(px_store_reader_open(c, "b", NULL, 1, NULL, &r), PX_OK);
    int has = 0;
    assert_int_equal(px_table_reader_next(r, &has), PX_OK);
    assert_int_equal(has, 1);
    assert_int_equal(px_table_reader_fid(r), 1);
    assert_string_equal(px_table_reader_text(r, 0), "tab\there");
    assert_int_equal(px_table_reader_int(r, 1), -7);
    assert_true(px_table_reader_real(r, 2) == 0.1);
    size_t len = 0;
    const unsigned char *g = px_table_reader_wkb(r, &len);
    assert_int_equal(len, sizeof wkb);
    assert_memory_equal(g, wkb, sizeof wkb);
    assert_int_equal(px_table_reader_next(r, &has), PX_OK);
    assert_int_equal(px_table_reader_fid(r), 2);
    for (size_t i = 0; i < 3; i++) assert_true(px_table_reader_is_null(r, i));
    assert_null(px_table_reader_wkb(r, &len));
    assert_int_equal(px_table_reader_next(r, &has), PX_OK);
    assert_int_equal(has, 0);
    px_table_reader_close(r);
    px_store_close(c);

    /* Not over a project without --replace; never over something else. */
    assert_int_equal(px_store_copy(f->ctx, f->path, dst, 0, NULL, NULL), PX_EIO);
    assert_non_null(strstr(px_ctx_errmsg(f->ctx), "already a Proxima project; give --replace"));
    assert_int_equal(px_store_copy(f->ctx, f->path, dst, 1, NULL, NULL), PX_OK);
    char *junk = px_test_path(f->dir, "junk.sqlite");
    FILE *j = fopen(junk, "w");
    assert_non_null(j);
    fputs("junk\n", j);
    fclose(j);
    assert_int_equal(px_store_copy(f->ctx, f->path, junk, 1, NULL, NULL), PX_EIO);
    assert_non_null(strstr(px_ctx_errmsg(f->ctx), "is not a Proxima project; not overwriting it"));
    char buf[16] = "";
    j = fopen(junk, "r");
    assert_non_null(fgets(buf, sizeof buf, j));
    fclose(j);
    assert_string_equal(buf, "junk\n");
    assert_int_equal(px_store_copy(f->ctx, f->path, f->path, 1, NULL, NULL), PX_EINVAL);
    free(junk);
    free(dst);
}

/* Every password of a PostGIS string shown as ***, the rest as written. */
static void test_px_store_redact(void **state)
{
    (void)state;
    static const char *const cases[][2] = {
        {"out/demo/demo.sqlite", "out/demo/demo.sqlite"},
        {"PG:host=h password=s3cret dbname=d schemas=x", "PG:host=h password=*** dbname=d schemas=x"},
        {"PG:password = 'a b\\' c' host=h", "PG:password = *** host=h"},
        {"PG:postgresql://u:s3cret@h:5432/db?sslmode=require&password=x&user=u",
         "PG:postgresql://u:***@h:5432/db?sslmode=require&password=***&user=u"},
        {"PG:host=h mypassword=1 dbname=d", "PG:host=h mypassword=1 dbname=d"},
        {"PG:postgresql://u@h/db", "PG:postgresql://u@h/db"},
        {"password=x", "password=x"}, /* not a PG string */
        {"PG:password=", "PG:password=***"},
        {"PG:password=1 password=2 password=3 password=4 password=5 password=6 password=7 password=8 password=9 "
         "password=10",
         "PG:password=*** password=*** password=*** password=*** password=*** password=*** password=*** "
         "password=*** password=*** password=***"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *r = px_store_redact(cases[i][0]);
        assert_non_null(r);
        assert_string_equal(r, cases[i][1]);
        assert_null(strstr(r, "s3cret"));
        free(r);
    }
    assert_null(px_store_redact(NULL));
}

static void test_px_store_display_name(void **state)
{
    (void)state;
    char *n = px_store_display_name("out/demo/demo.sqlite");
    assert_string_equal(n, "demo.sqlite");
    free(n);
    n = px_store_display_name("PG:host=db port=5432 password=secret schemas=agglo dbname=plan");
    assert_string_equal(n, "agglo");
    free(n);
    n = px_store_display_name("PG:dbname=plan");
    assert_string_equal(n, "public");
    free(n);
    assert_true(px_store_is_conninfo("PG:dbname=plan"));
    assert_false(px_store_is_conninfo("pg.sqlite"));
    assert_false(px_store_is_conninfo(NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_px_store_create_then_open, setup, teardown),
        cmocka_unit_test_setup_teardown(test_px_store_create_geographic_crs_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_px_store_open_not_a_project, setup, teardown),
        cmocka_unit_test_setup_teardown(test_px_table_writer_roundtrip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_px_table_writer_abort_leaves_previous, setup, teardown),
        cmocka_unit_test_setup_teardown(test_px_table_writer_finish_wrong_geometry_type, setup, teardown),
        cmocka_unit_test_setup_teardown(test_px_table_writer_no_spatial_index, setup, teardown),
        cmocka_unit_test_setup_teardown(test_px_store_settings, setup, teardown),
        cmocka_unit_test_setup_teardown(test_px_store_tables_stale_after_input_rewritten, setup, teardown),
        cmocka_unit_test_setup_teardown(test_px_store_read_snapshot_blocks_other_writer, setup, teardown),
        cmocka_unit_test_setup_teardown(test_px_store_copy_file_to_file, setup, teardown),
        cmocka_unit_test(test_px_store_display_name),
        cmocka_unit_test(test_px_store_redact),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
