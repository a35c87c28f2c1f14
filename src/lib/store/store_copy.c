/*
 * px_store_copy: a whole project from one store to another (SpatiaLite or
 * PostGIS, either way), through the store's own readers and writers: every
 * table the catalogue lists (layers, the network, results) with its rows,
 * fids, geometry and spatial index as they were; the catalogue itself
 * verbatim (revisions, inputs, sources, dates, extents: what was stale stays
 * stale, and the graph cache's stamp still matches); the blobs; the run
 * records. The CRS is the source's.
 *
 * All or nothing: a SpatiaLite destination is written as a temporary file
 * beside it and renamed over it at the end; a PostGIS destination is written
 * in one transaction holding the project lock (with --replace, the old
 * project is dropped inside that same transaction). Not here: copying part
 * of a project, or merging two.
 */
#include "store_int.h"
#include "store_blob.h"
#include "store_runs.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The run records: fixed columns, copied in the order they were recorded. */
typedef struct rec_table {
    const char *name;
    const char *cols;
    size_t n;
    px_col_type types[10];
    const char *order_sl, *order_pg;
} rec_table;

static const rec_table RECORDS[] = {
    {"px_runs",
     "name, scenario, scenario_sha256, started_at, seconds, status, n_steps, n_ran, headline",
     9,
     {PX_COL_TEXT, PX_COL_TEXT, PX_COL_TEXT, PX_COL_TEXT, PX_COL_REAL, PX_COL_TEXT, PX_COL_INT, PX_COL_INT,
      PX_COL_TEXT},
     "rowid",
     "seq"},
    {"px_run_steps",
     "run, pos, step, hash, status, reason, params, seconds, cpu_seconds, peak_rss_kb",
     10,
     {PX_COL_TEXT, PX_COL_INT, PX_COL_TEXT, PX_COL_TEXT, PX_COL_TEXT, PX_COL_TEXT, PX_COL_TEXT, PX_COL_REAL,
      PX_COL_REAL, PX_COL_INT},
     "rowid",
     "run COLLATE \"C\", pos"},
    {"px_run_state",
     "step, hash, run, tables",
     4,
     {PX_COL_TEXT, PX_COL_TEXT, PX_COL_TEXT, PX_COL_TEXT},
     "rowid",
     "step COLLATE \"C\""},
    {"px_run_values",
     "run, result_table, commune_id, commune_name, key, indicator, value",
     7,
     {PX_COL_TEXT, PX_COL_TEXT, PX_COL_TEXT, PX_COL_TEXT, PX_COL_TEXT, PX_COL_TEXT, PX_COL_REAL},
     "rowid",
     "run COLLATE \"C\", result_table COLLATE \"C\", commune_id COLLATE \"C\", key COLLATE \"C\","
     " indicator COLLATE \"C\""},
};

#define BATCH_ROWS 200

/* INSERT the rows of `rows` into `table`(cols) on `dst`, BATCH_ROWS at a time. */
static px_status insert_rows(px_store *dst, const char *table, const char *cols, const px__rows *rows)
{
    px_status rc = PX_OK;
    size_t nc = rows->n_cols;
    for (size_t at = 0; rc == PX_OK && at < rows->n_rows; at += BATCH_ROWS) {
        size_t n = rows->n_rows - at < BATCH_ROWS ? rows->n_rows - at : BATCH_ROWS;
        size_t cap = 64 + strlen(table) + strlen(cols) + n * nc * 12;
        char *sql = malloc(cap);
        if (!sql) return px__error(dst->ctx, PX_ENOMEM, "out of memory");
        size_t len = (size_t)snprintf(sql, cap, "INSERT INTO %s(%s) VALUES", table, cols);
        for (size_t r = 0; r < n; r++) {
            len += (size_t)snprintf(sql + len, cap - len, "%s(", r ? ", " : "");
            for (size_t c = 0; c < nc; c++)
                len += (size_t)snprintf(sql + len, cap - len, "%s?%zu", c ? ", " : "", r * nc + c + 1);
            len += (size_t)snprintf(sql + len, cap - len, ")");
        }
        rc = px__store_sql(dst, sql, n * nc, rows->cells + at * nc, 0, NULL, NULL);
        free(sql);
    }
    return rc;
}

/* Does `name` have a spatial index in `s`? */
static int has_spatial_index(px_store *s, const char *name)
{
    if (!s->pg) return px__store_has_spatial_index(s, name);
    px__rows r;
    static const px_col_type t[] = {PX_COL_TEXT};
    px_value p[2] = {PX_VALUE_TEXT(s->pg->schema), PX_VALUE_TEXT(name)};
    if (px__store_sql(s,
                      "SELECT indexname FROM pg_indexes WHERE schemaname = ?1 AND tablename = ?2"
                      " AND indexdef LIKE '%USING gist (geom)%'",
                      2, p, 1, t, &r) != PX_OK)
        return 0;
    int found = r.n_rows > 0;
    px__rows_free(&r);
    return found;
}

/* One table: same columns, types, fids, geometry type, index. */
static px_status copy_table(px_store *src, px_store *dst, const px_table_info *ti, int64_t *n_rows)
{
    int with_geom = ti->geom_type != PX_GEOM_NONE;
    px_table_reader *r = NULL;
    px_status rc = px_store_reader_open(src, ti->name, NULL, with_geom, NULL, &r);
    if (rc != PX_OK) return rc;
    size_t nc = px_table_reader_n_columns(r);
    px_column *cols = calloc(nc + 1, sizeof *cols);
    px_value *vals = calloc(nc + 1, sizeof *vals);
    px_table_writer *w = NULL;
    if (!cols || !vals) rc = px__error(src->ctx, PX_ENOMEM, "out of memory");
    for (size_t i = 0; rc == PX_OK && i < nc; i++)
        cols[i] = (px_column){px_table_reader_column_name(r, i), px_table_reader_column_type(r, i)};
    px_table_schema schema = {ti->name, ti->kind ? ti->kind : "result", ti->geom_type, nc, cols};
    if (rc == PX_OK) rc = px_store_table_create(dst, &schema, &w);
    if (rc == PX_OK && with_geom && !has_spatial_index(src, ti->name)) px_table_writer_no_spatial_index(w);
    int64_t n = 0;
    int has_row = 0;
    while (rc == PX_OK && (rc = px_table_reader_next(r, &has_row)) == PX_OK && has_row) {
        for (size_t i = 0; i < nc; i++) {
            px_col_type t = cols[i].type;
            if (px_table_reader_is_null(r, i))
                vals[i] = (px_value){.type = t, .is_null = 1};
            else if (t == PX_COL_INT)
                vals[i] = PX_VALUE_INT(px_table_reader_int(r, i));
            else if (t == PX_COL_REAL)
                vals[i] = PX_VALUE_REAL(px_table_reader_real(r, i));
            else
                vals[i] = PX_VALUE_TEXT(px_table_reader_text(r, i));
        }
        size_t len = 0;
        const unsigned char *wkb = with_geom ? px_table_reader_wkb(r, &len) : NULL;
        int64_t fid = 0;
        rc = px_table_writer_add(w, vals, wkb, len, &fid);
        /* Writers number rows 1, 2, ...; every table is written whole, so the
         * source's fids are the same: a gap would renumber features. */
        if (rc == PX_OK && fid != px_table_reader_fid(r))
            rc =
                px__error(src->ctx, PX_EINVAL, "%s: table '%s': fid %lld follows a gap; cannot keep its fids",
                          src->path, ti->name, (long long)px_table_reader_fid(r));
        n++;
    }
    if (rc == PX_OK) {
        rc = px_table_writer_finish(w);
        w = NULL;
    }
    px_table_writer_abort(w);
    px_table_reader_close(r);
    free(cols);
    free(vals);
    if (rc == PX_OK) *n_rows = n;
    return rc;
}

/* The catalogue verbatim: px_meta, then px_tables (after the tables, whose
 * writers wrote rows of their own). */
static px_status copy_meta(px_store *src, px_store *dst)
{
    px__rows r;
    static const px_col_type t[] = {PX_COL_TEXT, PX_COL_TEXT};
    px_status rc = px__store_sql(src, "SELECT key, value FROM px_meta ORDER BY key", 0, NULL, 2, t, &r);
    for (size_t i = 0; rc == PX_OK && i < r.n_rows; i++)
        rc = px__store_sql(dst,
                           "INSERT INTO px_meta(key, value) VALUES(?1, ?2)"
                           " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                           2, PX__CELL(&r, i, 0), 0, NULL, NULL);
    px__rows_free(&r);
    return rc;
}

static px_status copy_catalogue(px_store *src, px_store *dst)
{
    static const char cols[] =
        "name, kind, geom_type, n_rows, minx, miny, maxx, maxy, source, source_layer, filter,"
        " note, updated_at, version, revision, inputs";
    static const px_col_type t[] = {PX_COL_TEXT, PX_COL_TEXT, PX_COL_TEXT, PX_COL_INT,
                                    PX_COL_REAL, PX_COL_REAL, PX_COL_REAL, PX_COL_REAL,
                                    PX_COL_TEXT, PX_COL_TEXT, PX_COL_TEXT, PX_COL_TEXT,
                                    PX_COL_TEXT, PX_COL_TEXT, PX_COL_INT,  PX_COL_TEXT};
    char *sql =
        px__asprintf("SELECT name, kind, geom_type, n_rows, minx, miny, maxx, maxy, source, source_layer,"
                     " filter, note, updated_at, version, %s FROM px_tables ORDER BY name",
                     src->has_revision ? "revision, inputs" : "0, NULL");
    if (!sql) return px__error(src->ctx, PX_ENOMEM, "out of memory");
    px__rows r;
    px_status rc = px__store_sql(src, sql, 0, NULL, 16, t, &r);
    free(sql);
    if (rc == PX_OK) rc = px__store_sql(dst, "DELETE FROM px_tables", 0, NULL, 0, NULL, NULL);
    if (rc == PX_OK) rc = insert_rows(dst, "px_tables", cols, &r);
    px__rows_free(&r);
    return rc;
}

static px_status copy_blobs(px_store *src, px_store *dst)
{
    if (!px_store_has_table(src, "px_blobs")) return PX_OK;
    px__rows r;
    static const px_col_type t[] = {PX_COL_TEXT};
    px_status rc = px__store_sql(src, "SELECT name FROM px_blobs ORDER BY name", 0, NULL, 1, t, &r);
    for (size_t i = 0; rc == PX_OK && i < r.n_rows; i++) {
        const char *name = PX__CELL(&r, i, 0)->v.s;
        char *stamp = NULL;
        void *data = NULL;
        size_t len = 0;
        rc = px__store_blob_get(src, name, &stamp, &data, &len);
        if (rc == PX_OK) rc = px__store_blob_put(dst, name, stamp, data, len);
        free(stamp);
        free(data);
    }
    px__rows_free(&r);
    return rc;
}

static px_status copy_records(px_store *src, px_store *dst, px_copy_fn on_table, void *user)
{
    if (!px_store_has_table(src, "px_runs")) return PX_OK;
    px_status rc = px__runs_schema(dst);
    for (size_t k = 0; rc == PX_OK && k < sizeof RECORDS / sizeof RECORDS[0]; k++) {
        const rec_table *t = &RECORDS[k];
        if (!px_store_has_table(src, t->name)) continue;
        char *sql = px__asprintf("SELECT %s FROM %s ORDER BY %s", t->cols, t->name,
                                 src->pg ? t->order_pg : t->order_sl);
        px__rows r;
        rc = sql ? px__store_sql(src, sql, 0, NULL, t->n, t->types, &r)
                 : px__error(src->ctx, PX_ENOMEM, "out of memory");
        free(sql);
        if (rc != PX_OK) break;
        rc = insert_rows(dst, t->name, t->cols, &r);
        if (rc == PX_OK && on_table) on_table(user, t->name, (int64_t)r.n_rows);
        px__rows_free(&r);
    }
    return rc;
}

static int same_project(const char *a, const char *b)
{
    if (px__pg_is_conninfo(a) || px__pg_is_conninfo(b)) return !strcmp(a, b);
    struct stat sa, sb;
    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/* Is `dst` free to write (or, with `replace`, a project that may go)? */
static px_status check_destination(px_ctx *ctx, const char *dst, int replace)
{
    int is_pg = px__pg_is_conninfo(dst);
    struct stat sb;
    if (!is_pg && stat(dst, &sb) != 0) return PX_OK;
    px_store *s = NULL;
    px_status rc = px_store_open(ctx, dst, 1, &s);
    px_store_close(s);
    if (rc == PX_OK && !replace)
        return px__error(ctx, PX_EIO, "%s: already a Proxima project; give --replace to overwrite it", dst);
    if (rc == PX_OK) return PX_OK;
    if (rc == PX_ENOTPROJECT && is_pg) {
        px_ctx_clear_error(ctx);
        return PX_OK;
    }
    if (rc == PX_ENOTPROJECT)
        return px__error(ctx, PX_EIO, "%s: exists and is not a Proxima project; not overwriting it", dst);
    return rc;
}

px_status px_store_copy(px_ctx *ctx, const char *src_path, const char *dst_path, int replace,
                        px_copy_fn on_table, void *user)
{
    if (!ctx || !src_path || !dst_path) return px__error(ctx, PX_EINVAL, "px_store_copy: NULL argument");
    px_store *src = NULL, *dst = NULL;
    char *tmp = NULL;
    px_table_info *infos = NULL;
    size_t n_infos = 0;
    px_status rc = px_store_open(ctx, src_path, 1, &src);
    if (rc == PX_OK && same_project(src_path, dst_path))
        rc = px__error(ctx, PX_EINVAL, "%s: source and destination are the same project", dst_path);
    if (rc == PX_OK) rc = check_destination(ctx, dst_path, replace);
    /* One view of the source for the whole copy. */
    if (rc == PX_OK) rc = px__store_snapshot(src);
    if (rc == PX_OK) rc = px_store_tables(src, &infos, &n_infos);
    if (rc == PX_OK && px__pg_is_conninfo(dst_path)) {
        rc = px__pg_create_ex(ctx, dst_path, px_store_crs(src), replace, 1, &dst);
    } else if (rc == PX_OK) {
        /* Beside the destination (same file system: rename is atomic). */
        tmp = px__asprintf("%s.copy-%ld.tmp", dst_path, (long)getpid());
        if (!tmp) rc = px__error(ctx, PX_ENOMEM, "out of memory");
        if (rc == PX_OK) rc = px_store_create(ctx, tmp, px_store_crs(src), &dst);
        if (rc == PX_OK) rc = px_store_begin(dst);
    }
    for (size_t i = 0; rc == PX_OK && i < n_infos; i++) {
        int64_t n = 0;
        if (!px__store_ident_ok(infos[i].name) || !px_store_has_table(src, infos[i].name)) continue;
        rc = copy_table(src, dst, &infos[i], &n);
        if (rc == PX_OK && on_table) on_table(user, infos[i].name, n);
    }
    /* After the tables: their writers advanced the revision counter. */
    if (rc == PX_OK) rc = copy_meta(src, dst);
    if (rc == PX_OK) rc = copy_catalogue(src, dst);
    if (rc == PX_OK) rc = copy_blobs(src, dst);
    if (rc == PX_OK) rc = copy_records(src, dst, on_table, user);
    if (rc == PX_OK) rc = px_store_commit(dst);
    px_table_info_free(infos, n_infos);
    px_store_close(src);
    px_store_close(dst); /* rolls back what was not committed */
    if (tmp) {
        if (rc == PX_OK && rename(tmp, dst_path) != 0)
            rc = px__error(ctx, PX_EIO, "%s: cannot replace it: %s", dst_path, strerror(errno));
        if (rc != PX_OK) {
            unlink(tmp);
            char *j = px__asprintf("%s-journal", tmp);
            if (j) unlink(j);
            free(j);
        }
        free(tmp);
    }
    return rc;
}
