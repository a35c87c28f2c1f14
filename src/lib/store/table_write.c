/*
 * Creating and dropping tables, and the row writer. Rows are inserted with a
 * prepared statement; the spatial index is built once at the end, which is
 * much faster than maintaining it row by row.
 *
 * Replacing a table: the new rows go into a table under a temporary name and
 * the old table is dropped and the new one renamed at finish, in the same
 * transaction. Dropping first would hand the old table's pages to the new
 * rows, and SQLite must copy into the rollback journal every page freed and
 * reused within one transaction: a million-origin access_origins journaled
 * 250 MB (and fsynced it) for nothing. Pages freed by an earlier, committed
 * transaction are reused without journaling, so in steady state a re-run
 * fills the pages the previous run freed. The file keeps about one copy of
 * the largest replaced table as free pages.
 */
#include "store_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct px_table_writer {
    px_store *store;
    char *name;
    char *tmp;  /* where the rows go while an older `name` still exists; NULL: straight into `name` */
    char *kind;
    px_geom_type geom_type;
    size_t n_columns;
    px_col_type *types;
    sqlite3_stmt *insert;
    int own_txn;
    int no_spatial_index;
    int64_t n_rows;
    px__pg_writer *pg; /* a PostGIS store's writer (pg_table.c); insert is then NULL */
};

static const char *col_sql_type(px_col_type t)
{
    return t == PX_COL_INT ? "INTEGER" : t == PX_COL_REAL ? "REAL" : "TEXT";
}

const char *px_geom_type_name(px_geom_type t)
{
    switch (t) {
    case PX_GEOM_NONE: return "NONE";
    case PX_GEOM_POINT: return "POINT";
    case PX_GEOM_LINESTRING: return "LINESTRING";
    case PX_GEOM_POLYGON: return "POLYGON";
    case PX_GEOM_MULTIPOINT: return "MULTIPOINT";
    case PX_GEOM_MULTILINESTRING: return "MULTILINESTRING";
    case PX_GEOM_MULTIPOLYGON: return "MULTIPOLYGON";
    case PX_GEOM_ANY: return "GEOMETRY";
    }
    return "NONE";
}

px_geom_type px__geom_type_from_name(const char *name)
{
    for (int t = PX_GEOM_NONE; t <= PX_GEOM_ANY; t++)
        if (name && !strcmp(name, px_geom_type_name((px_geom_type)t))) return (px_geom_type)t;
    return PX_GEOM_NONE;
}

int px_store_has_table(px_store *s, const char *name)
{
    if (s->pg) return px__pg_has_table(s, name);
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", -1, &st,
                           NULL) != SQLITE_OK)
        return 0;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    int found = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    return found;
}

int px__store_has_spatial_index(px_store *s, const char *name)
{
    if (s->pg) return 0;
    char *idx = px__asprintf("idx_%s_geom", name);
    int found = idx && px_store_has_table(s, idx);
    free(idx);
    return found;
}

px_status px_store_drop_table(px_store *s, const char *name)
{
    if (!px__store_ident_ok(name)) return px__error(s->ctx, PX_EINVAL, "bad table name '%s'", name ? name : "");
    if (!strncmp(name, "px_", 3) || !strcmp(name, "spatial_ref_sys") || !strcmp(name, "geometry_columns"))
        return px__error(s->ctx, PX_EINVAL, "%s: '%s' is an internal table", s->path, name);
    if (s->pg) return px__pg_drop_table(s, name);
    if (!px_store_has_table(s, name)) return PX_OK;
    /* Plain SQL rather than SpatiaLite's DisableSpatialIndex() and
     * DiscardGeometryColumn(): those print their failures on stderr (a
     * read-only or full disk gave 'DiscardGeometryColumn() error: "(null)"'
     * before our own message). Dropping the table drops its triggers; the
     * metadata rows go explicitly. */
    static const char *const meta[] = {"geometry_columns_auth", "geometry_columns_statistics",
                                       "geometry_columns_field_infos", "geometry_columns_time",
                                       "geometry_columns"};
    char *del = px__strdup("");
    for (size_t i = 0; del && i < sizeof meta / sizeof meta[0]; i++) {
        if (!px_store_has_table(s, meta[i])) continue;
        char *next = px__asprintf("%sDELETE FROM %s WHERE f_table_name = lower('%s');", del, meta[i], name);
        free(del);
        del = next;
    }
    char *sql = del ? px__asprintf("DROP TABLE IF EXISTS \"idx_%s_geom\";"
                                   "%s"
                                   "DROP TABLE \"%s\";"
                                   "DELETE FROM px_tables WHERE name = '%s';",
                                   name, del, name, name)
                    : NULL;
    free(del);
    if (!sql) return px__error(s->ctx, PX_ENOMEM, "out of memory");
    px_status rc = px__store_exec(s, sql);
    free(sql);
    return rc;
}

/* Drop a writer's temporary table (never registered anywhere: plain SQL). */
static px_status drop_plain(px_store *s, const char *table)
{
    char *sql = px__asprintf("DROP TABLE IF EXISTS \"%s\"", table);
    px_status rc = sql ? px__store_exec(s, sql) : px__error(s->ctx, PX_ENOMEM, "out of memory");
    free(sql);
    return rc;
}

static px_status build_insert(px_table_writer *w, const px_table_schema *schema, const char *table)
{
    size_t cap = 256 + 80 * (schema->n_columns + 1);
    char *sql = malloc(cap);
    if (!sql) return PX_ENOMEM;
    size_t n = (size_t)snprintf(sql, cap, "INSERT INTO \"%s\"(", table);
    for (size_t i = 0; i < schema->n_columns; i++)
        n += (size_t)snprintf(sql + n, cap - n, "%s\"%s\"", i ? ", " : "", schema->columns[i].name);
    if (schema->geom_type != PX_GEOM_NONE)
        n += (size_t)snprintf(sql + n, cap - n, "%sgeom", schema->n_columns ? ", " : "");
    n += (size_t)snprintf(sql + n, cap - n, ") VALUES(");
    for (size_t i = 0; i < schema->n_columns; i++) n += (size_t)snprintf(sql + n, cap - n, "%s?", i ? ", " : "");
    if (schema->geom_type != PX_GEOM_NONE)
        n += (size_t)snprintf(sql + n, cap - n, "%sGeomFromWKB(?, %d)", schema->n_columns ? ", " : "",
                              w->store->srid);
    snprintf(sql + n, cap - n, ")");
    px_status rc = px__store_prepare(w->store, sql, &w->insert);
    free(sql);
    return rc;
}

px_status px_store_table_create(px_store *s, const px_table_schema *schema, px_table_writer **out)
{
    if (!s || !schema || !out) return px__error(s ? s->ctx : NULL, PX_EINVAL, "px_store_table_create: NULL argument");
    if (s->read_only) return px__error(s->ctx, PX_EIO, "%s: opened read-only", s->path);
    if (!px__store_ident_ok(schema->name))
        return px__error(s->ctx, PX_EINVAL, "bad table name '%s'", schema->name ? schema->name : "");
    for (size_t i = 0; i < schema->n_columns; i++)
        if (!px__store_ident_ok(schema->columns[i].name) || !strcmp(schema->columns[i].name, "fid") ||
            !strcmp(schema->columns[i].name, "geom"))
            return px__error(s->ctx, PX_EINVAL, "%s: bad column name '%s'", schema->name,
                             schema->columns[i].name ? schema->columns[i].name : "");

    px_table_writer *w = calloc(1, sizeof *w);
    if (!w) return px__error(s->ctx, PX_ENOMEM, "out of memory");
    w->store = s;
    w->name = px__strdup(schema->name);
    w->kind = px__strdup(schema->kind ? schema->kind : "result");
    w->geom_type = schema->geom_type;
    w->n_columns = schema->n_columns;
    w->types = calloc(schema->n_columns + 1, sizeof *w->types);
    if (!w->name || !w->kind || !w->types) {
        px_table_writer_abort(w);
        return px__error(s->ctx, PX_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < schema->n_columns; i++) w->types[i] = schema->columns[i].type;

    px_status rc = PX_OK;
    if (s->in_txn != 1) { /* none, or only the snapshot of a first read: this writer commits */
        rc = px_store_begin(s);
        if (rc != PX_OK) {
            px_table_writer_abort(w);
            return rc;
        }
        w->own_txn = 1;
    }
    if (s->pg) {
        rc = px__pg_writer_open(s, schema, &w->pg);
        if (rc != PX_OK) {
            px_table_writer_abort(w);
            return rc;
        }
        *out = w;
        return PX_OK;
    }
    if (!strncmp(schema->name, "px_", 3) || !strcmp(schema->name, "spatial_ref_sys") ||
        !strcmp(schema->name, "geometry_columns"))
        rc = px__error(s->ctx, PX_EINVAL, "%s: '%s' is an internal table", s->path, schema->name);
    if (rc == PX_OK && px_store_has_table(s, schema->name)) {
        w->tmp = px__asprintf("%s__px_new", schema->name);
        if (!w->tmp) rc = px__error(s->ctx, PX_ENOMEM, "out of memory");
        else rc = drop_plain(s, w->tmp);
    }
    const char *table = w->tmp ? w->tmp : schema->name;
    size_t cap = 128 + 80 * (schema->n_columns + 1);
    char *sql = malloc(cap);
    if (rc == PX_OK && !sql) rc = px__error(s->ctx, PX_ENOMEM, "out of memory");
    if (rc == PX_OK) {
        size_t n = (size_t)snprintf(sql, cap, "CREATE TABLE \"%s\"(fid INTEGER PRIMARY KEY", table);
        for (size_t i = 0; i < schema->n_columns; i++)
            n += (size_t)snprintf(sql + n, cap - n, ", \"%s\" %s", schema->columns[i].name,
                                  col_sql_type(schema->columns[i].type));
        /* A plain BLOB while rows go in; registered with SpatiaLite at finish. */
        snprintf(sql + n, cap - n, "%s)", schema->geom_type != PX_GEOM_NONE ? ", geom BLOB" : "");
        rc = px__store_exec(s, sql);
    }
    free(sql);
    if (rc == PX_OK) rc = build_insert(w, schema, table);
    if (rc != PX_OK) {
        px_table_writer_abort(w);
        return rc;
    }
    *out = w;
    return PX_OK;
}

px_status px_table_writer_add(px_table_writer *w, const px_value *values, const unsigned char *wkb,
                              size_t wkb_len, int64_t *fid_out)
{
    if (w->pg) {
        px_status rc = px__pg_writer_add(w->pg, values, wkb, wkb_len, fid_out);
        if (rc == PX_OK) w->n_rows++;
        return rc;
    }
    sqlite3_stmt *st = w->insert;
    for (size_t i = 0; i < w->n_columns; i++) {
        const px_value *v = &values[i];
        int col = (int)i + 1;
        if (v->is_null) sqlite3_bind_null(st, col);
        else if (v->type == PX_COL_INT) sqlite3_bind_int64(st, col, v->v.i);
        else if (v->type == PX_COL_REAL) sqlite3_bind_double(st, col, v->v.d);
        else if (!v->v.s) sqlite3_bind_null(st, col);
        else sqlite3_bind_text(st, col, v->v.s, -1, SQLITE_STATIC);
    }
    if (w->geom_type != PX_GEOM_NONE) {
        if (wkb) sqlite3_bind_blob(st, (int)w->n_columns + 1, wkb, (int)wkb_len, SQLITE_STATIC);
        else sqlite3_bind_null(st, (int)w->n_columns + 1);
    }
    int r = sqlite3_step(st);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    if (r != SQLITE_DONE) {
        const char *why = sqlite3_errmsg(w->store->db);
        if ((r & 0xff) == SQLITE_CONSTRAINT && w->geom_type != PX_GEOM_NONE)
            return px__error(w->store->ctx, PX_EDOMAIN, "%s: row %lld: geometry is not a %s (%s)", w->name,
                             (long long)w->n_rows + 1, px_geom_type_name(w->geom_type), why);
        return px__error(w->store->ctx, PX_ESQLITE, "%s: %s: insert row %lld: %s", w->store->path, w->name,
                         (long long)w->n_rows + 1, why);
    }
    w->n_rows++;
    if (fid_out) *fid_out = sqlite3_last_insert_rowid(w->store->db);
    return PX_OK;
}

/* Register the geometry column with SpatiaLite once all rows are in. One
 * RecoverGeometryColumn pass checks every row's type and SRID; doing it with
 * AddGeometryColumn up front instead fires SpatiaLite's checking triggers on
 * every insert, about ten times slower for large tables. */
static px_status register_geometry(px_table_writer *w)
{
    px_store *s = w->store;
    const char *type = px_geom_type_name(w->geom_type);
    char *sql = px__asprintf("SELECT RecoverGeometryColumn('%s', 'geom', %d, '%s', 'XY')", w->name, s->srid, type);
    if (!sql) return px__error(s->ctx, PX_ENOMEM, "out of memory");
    sqlite3_stmt *st = NULL;
    px_status rc = px__store_prepare(s, sql, &st);
    free(sql);
    if (rc != PX_OK) return rc;
    int ok = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) == 1;
    sqlite3_finalize(st);
    if (ok) return PX_OK;
    /* Name the first row that does not fit, for the message. */
    sql = px__asprintf("SELECT fid, GeometryType(geom) FROM \"%s\" WHERE geom IS NOT NULL AND"
                       " (GeometryType(geom) IS NULL OR ('%s' <> 'GEOMETRY' AND GeometryType(geom) <> '%s'))"
                       " ORDER BY fid LIMIT 1",
                       w->name, type, type);
    if (!sql) return px__error(s->ctx, PX_ENOMEM, "out of memory");
    rc = px__store_prepare(s, sql, &st);
    free(sql);
    if (rc != PX_OK) return rc;
    if (sqlite3_step(st) == SQLITE_ROW) {
        const char *got = (const char *)sqlite3_column_text(st, 1);
        rc = px__error(s->ctx, PX_EDOMAIN, "%s: row %lld: geometry is %s, the table takes %s", w->name,
                       (long long)sqlite3_column_int64(st, 0), got ? got : "not valid WKB", type);
    } else {
        rc = px__error(s->ctx, PX_ESQLITE, "%s: cannot register the geometry column of '%s'", s->path, w->name);
    }
    sqlite3_finalize(st);
    return rc;
}

px_status px_table_writer_finish(px_table_writer *w)
{
    if (!w) return PX_EINVAL;
    px_store *s = w->store;
    sqlite3_finalize(w->insert);
    w->insert = NULL;
    px_status rc = PX_OK;
    double t0 = px__now();
    if (w->pg) {
        rc = px__pg_writer_finish(w->pg, !w->no_spatial_index);
        if (rc == PX_OK) rc = px__pg_touch_table(s, w->name, w->kind, w->geom_type,
                                                    w->geom_type != PX_GEOM_NONE && !w->no_spatial_index);
    } else if (w->tmp) {
        /* The old table goes and the new one takes its name (see the top). */
        rc = px_store_drop_table(s, w->name);
        char *sql = rc == PX_OK ? px__asprintf("ALTER TABLE \"%s\" RENAME TO \"%s\"", w->tmp, w->name) : NULL;
        if (rc == PX_OK) rc = sql ? px__store_exec(s, sql) : px__error(s->ctx, PX_ENOMEM, "out of memory");
        free(sql);
        if (rc == PX_OK) {
            free(w->tmp);
            w->tmp = NULL;
        }
        px__log(s->ctx, PX_LOG_DEBUG, "%s: previous table replaced in %.3f s", w->name, px__now() - t0);
    }
    if (rc == PX_OK && !w->pg && w->geom_type != PX_GEOM_NONE) {
        rc = register_geometry(w);
        px__log(s->ctx, PX_LOG_DEBUG, "%s: geometry column registered in %.3f s", w->name, px__now() - t0);
        if (rc == PX_OK && !w->no_spatial_index) {
            char *sql = px__asprintf("SELECT CreateSpatialIndex('%s', 'geom')", w->name);
            rc = sql ? px__store_exec(s, sql) : px__error(s->ctx, PX_ENOMEM, "out of memory");
            free(sql);
            px__log(s->ctx, PX_LOG_DEBUG, "%s: spatial index built in %.3f s", w->name, px__now() - t0);
        }
    }
    if (rc == PX_OK && !w->pg) rc = px__store_touch_table(s, w->name, w->kind, w->geom_type);
    if (rc == PX_OK && w->own_txn) {
        w->own_txn = 0;
        rc = px_store_commit(s);
    }
    px__log(s->ctx, PX_LOG_DEBUG, "%s: finished in %.3f s", w->name, px__now() - t0);
    px_table_writer_abort(w);
    return rc;
}

void px_table_writer_no_spatial_index(px_table_writer *w)
{
    if (w) w->no_spatial_index = 1;
}

void px_table_writer_abort(px_table_writer *w)
{
    if (!w) return;
    if (w->insert) sqlite3_finalize(w->insert);
    px__pg_writer_free(w->pg);
    if (w->own_txn) px_store_rollback(w->store);
    else if (w->tmp) drop_plain(w->store, w->tmp); /* inside the caller's transaction: leave nothing behind */
    free(w->tmp);
    free(w->name);
    free(w->kind);
    free(w->types);
    free(w);
}
