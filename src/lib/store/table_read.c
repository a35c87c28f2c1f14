/*
 * The row reader: a prepared SELECT over one table, optionally limited to a
 * box through the SpatiaLite R*Tree, geometry returned as WKB.
 */
#include "store_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct px_table_reader {
    px_store *store;
    sqlite3_stmt *st;
    size_t n_columns;
    char **names;
    px_col_type *types;
    int with_geom;
    px__pg_reader *pg; /* a PostGIS store's cursor (pg_table.c); st is then NULL */
};

static px_col_type decl_type(const char *decl)
{
    if (!decl) return PX_COL_TEXT;
    if (!strcasecmp(decl, "INTEGER") || !strcasecmp(decl, "INT")) return PX_COL_INT;
    if (!strcasecmp(decl, "REAL") || !strcasecmp(decl, "DOUBLE") || !strcasecmp(decl, "FLOAT")) return PX_COL_REAL;
    return PX_COL_TEXT;
}

/* Columns of a table except fid and geom, with declared types. */
static px_status table_columns(px_store *s, const char *name, char ***names, px_col_type **types, size_t *n)
{
    if (s->pg) return px__pg_table_columns(s, name, names, types, n);
    char *sql = px__asprintf("PRAGMA table_info(\"%s\")", name);
    if (!sql) return px__error(s->ctx, PX_ENOMEM, "out of memory");
    sqlite3_stmt *st = NULL;
    px_status rc = px__store_prepare(s, sql, &st);
    free(sql);
    if (rc != PX_OK) return rc;
    size_t cap = 16, cnt = 0;
    char **nm = malloc(cap * sizeof *nm);
    px_col_type *ty = malloc(cap * sizeof *ty);
    while (nm && ty && sqlite3_step(st) == SQLITE_ROW) {
        const char *c = (const char *)sqlite3_column_text(st, 1);
        if (!strcmp(c, "fid") || !strcmp(c, "geom")) continue;
        if (cnt == cap) {
            cap *= 2;
            char **nn = realloc(nm, cap * sizeof *nm);
            px_col_type *nt = realloc(ty, cap * sizeof *ty);
            if (nn) nm = nn;
            if (nt) ty = nt;
            if (!nn || !nt) break;
        }
        nm[cnt] = px__strdup(c);
        ty[cnt] = decl_type((const char *)sqlite3_column_text(st, 2));
        cnt++;
    }
    sqlite3_finalize(st);
    *names = nm;
    *types = ty;
    *n = cnt;
    return nm && ty ? PX_OK : px__error(s->ctx, PX_ENOMEM, "out of memory");
}

px_status px_store_reader_open(px_store *s, const char *name, const char *const *columns, int with_geom,
                               const px_bbox *bbox, px_table_reader **out)
{
    if (!s || !name || !out) return px__error(s ? s->ctx : NULL, PX_EINVAL, "px_store_reader_open: NULL argument");
    if (!px__store_ident_ok(name) || !px_store_has_table(s, name))
        return px__error(s->ctx, PX_ENOTFOUND, "%s: no layer or table '%s'", s->path, name);
    px_status snap = px__store_snapshot(s);
    if (snap == PX_OK) snap = px__store_note_read(s, name);
    if (snap != PX_OK) return snap;
    px_table_reader *r = calloc(1, sizeof *r);
    if (!r) return px__error(s->ctx, PX_ENOMEM, "out of memory");
    r->store = s;
    r->with_geom = with_geom;
    char **all = NULL;
    px_col_type *all_types = NULL;
    size_t n_all = 0;
    px_status rc = table_columns(s, name, &all, &all_types, &n_all);
    if (rc != PX_OK) {
        free(r);
        return rc;
    }
    if (!columns) {
        r->names = all;
        r->types = all_types;
        r->n_columns = n_all;
        all = NULL;
        all_types = NULL;
    } else {
        size_t n = 0;
        while (columns[n]) n++;
        r->names = calloc(n + 1, sizeof *r->names);
        r->types = calloc(n + 1, sizeof *r->types);
        for (size_t i = 0; r->names && r->types && i < n; i++) {
            size_t j = 0;
            while (j < n_all && strcmp(all[j], columns[i])) j++;
            if (j == n_all) {
                rc = px__error(s->ctx, PX_ENOTFOUND, "%s: table '%s' has no column '%s'", s->path, name, columns[i]);
                break;
            }
            r->names[i] = px__strdup(columns[i]);
            r->types[i] = all_types[j];
            r->n_columns = i + 1;
        }
        if (rc == PX_OK && (!r->names || !r->types)) rc = px__error(s->ctx, PX_ENOMEM, "out of memory");
    }
    for (size_t j = 0; all && j < n_all; j++) free(all[j]);
    free(all);
    free(all_types);
    if (rc == PX_OK && with_geom && s->pg) {
        if (!px__pg_has_geometry(s, name))
            rc = px__error(s->ctx, PX_ENOTFOUND, "%s: table '%s' has no geometry", s->path, name);
    } else if (rc == PX_OK && with_geom) {
        sqlite3_stmt *g = NULL;
        rc = px__store_prepare(s, "SELECT 1 FROM geometry_columns WHERE f_table_name = lower(?)", &g);
        if (rc == PX_OK) {
            sqlite3_bind_text(g, 1, name, -1, SQLITE_STATIC);
            if (sqlite3_step(g) != SQLITE_ROW)
                rc = px__error(s->ctx, PX_ENOTFOUND, "%s: table '%s' has no geometry", s->path, name);
            sqlite3_finalize(g);
        }
    }
    if (rc != PX_OK) {
        px_table_reader_close(r);
        return rc;
    }
    if (s->pg) {
        rc = px__pg_reader_open(s, name, r->names, r->types, r->n_columns, with_geom, bbox, &r->pg);
        if (rc != PX_OK) {
            px_table_reader_close(r);
            return rc;
        }
        *out = r;
        return PX_OK;
    }
    size_t cap = 256 + 70 * (r->n_columns + 1) + 3 * strlen(name);
    char *sql = malloc(cap);
    if (!sql) {
        px_table_reader_close(r);
        return px__error(s->ctx, PX_ENOMEM, "out of memory");
    }
    size_t n = (size_t)snprintf(sql, cap, "SELECT fid");
    for (size_t i = 0; i < r->n_columns; i++) n += (size_t)snprintf(sql + n, cap - n, ", \"%s\"", r->names[i]);
    if (with_geom) n += (size_t)snprintf(sql + n, cap - n, ", AsBinary(geom)");
    n += (size_t)snprintf(sql + n, cap - n, " FROM \"%s\"", name);
    if (bbox && px__store_has_spatial_index(s, name))
        n += (size_t)snprintf(sql + n, cap - n,
                              " WHERE fid IN (SELECT pkid FROM \"idx_%s_geom\" WHERE xmax >= ?1 AND xmin <= ?3"
                              " AND ymax >= ?2 AND ymin <= ?4)",
                              name);
    else if (bbox) /* a table written without an R*Tree: test every row's box */
        n += (size_t)snprintf(sql + n, cap - n,
                              " WHERE MbrMaxX(geom) >= ?1 AND MbrMinX(geom) <= ?3 AND MbrMaxY(geom) >= ?2"
                              " AND MbrMinY(geom) <= ?4");
    snprintf(sql + n, cap - n, " ORDER BY fid");
    rc = px__store_prepare(s, sql, &r->st);
    free(sql);
    if (rc != PX_OK) {
        px_table_reader_close(r);
        return rc;
    }
    if (bbox) {
        sqlite3_bind_double(r->st, 1, bbox->minx);
        sqlite3_bind_double(r->st, 2, bbox->miny);
        sqlite3_bind_double(r->st, 3, bbox->maxx);
        sqlite3_bind_double(r->st, 4, bbox->maxy);
    }
    *out = r;
    return PX_OK;
}

px_status px_table_reader_next(px_table_reader *r, int *has_row)
{
    if (r->pg) return px__pg_reader_next(r->pg, has_row);
    int rc = sqlite3_step(r->st);
    if (rc == SQLITE_ROW) {
        *has_row = 1;
        return PX_OK;
    }
    *has_row = 0;
    if (rc == SQLITE_DONE) return PX_OK;
    return px__store_sqlerr(r->store, "read");
}

size_t px_table_reader_n_columns(const px_table_reader *r) { return r->n_columns; }
const char *px_table_reader_column_name(const px_table_reader *r, size_t i) { return r->names[i]; }
px_col_type px_table_reader_column_type(const px_table_reader *r, size_t i) { return r->types[i]; }

int px_table_reader_column_index(const px_table_reader *r, const char *name)
{
    for (size_t i = 0; i < r->n_columns; i++)
        if (!strcmp(r->names[i], name)) return (int)i;
    return -1;
}

int64_t px_table_reader_fid(const px_table_reader *r)
{
    return r->pg ? px__pg_reader_fid(r->pg) : sqlite3_column_int64(r->st, 0);
}
int px_table_reader_is_null(const px_table_reader *r, size_t i)
{
    if (r->pg) return px__pg_reader_is_null(r->pg, i);
    return sqlite3_column_type(r->st, (int)i + 1) == SQLITE_NULL;
}
int64_t px_table_reader_int(const px_table_reader *r, size_t i)
{
    return r->pg ? px__pg_reader_int(r->pg, i) : sqlite3_column_int64(r->st, (int)i + 1);
}
double px_table_reader_real(const px_table_reader *r, size_t i)
{
    return r->pg ? px__pg_reader_real(r->pg, i) : sqlite3_column_double(r->st, (int)i + 1);
}
const char *px_table_reader_text(const px_table_reader *r, size_t i)
{
    if (r->pg) return px__pg_reader_text(r->pg, i);
    return (const char *)sqlite3_column_text(r->st, (int)i + 1);
}

const unsigned char *px_table_reader_wkb(const px_table_reader *r, size_t *len)
{
    if (r->pg) return px__pg_reader_wkb(r->pg, len);
    if (!r->with_geom) {
        *len = 0;
        return NULL;
    }
    int col = (int)r->n_columns + 1;
    const unsigned char *b = sqlite3_column_blob(r->st, col);
    *len = b ? (size_t)sqlite3_column_bytes(r->st, col) : 0;
    return b;
}

void px_table_reader_close(px_table_reader *r)
{
    if (!r) return;
    px__pg_reader_close(r->pg);
    sqlite3_finalize(r->st);
    for (size_t i = 0; r->names && i < r->n_columns; i++) free(r->names[i]);
    free(r->names);
    free(r->types);
    free(r);
}

px_status px_store_count(px_store *s, const char *name, int64_t *out)
{
    if (!px__store_ident_ok(name) || !px_store_has_table(s, name))
        return px__error(s->ctx, PX_ENOTFOUND, "%s: no layer or table '%s'", s->path, name ? name : "");
    px_status rc = px__store_snapshot(s);
    if (rc == PX_OK) rc = px__store_note_read(s, name);
    return rc == PX_OK ? px__store_count_rows(s, name, out) : rc;
}

px_status px__store_count_rows(px_store *s, const char *name, int64_t *out)
{
    if (s->pg) return px__pg_count_rows(s, name, out);
    char *sql = px__asprintf("SELECT count(*) FROM \"%s\"", name);
    if (!sql) return px__error(s->ctx, PX_ENOMEM, "out of memory");
    sqlite3_stmt *st = NULL;
    px_status rc = px__store_prepare(s, sql, &st);
    free(sql);
    if (rc != PX_OK) return rc;
    if (sqlite3_step(st) == SQLITE_ROW) *out = sqlite3_column_int64(st, 0);
    else rc = px__store_sqlerr(s, "count");
    sqlite3_finalize(st);
    return rc;
}
