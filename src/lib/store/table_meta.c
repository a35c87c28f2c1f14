/*
 * The px_tables catalogue: what each table is, how many rows, its extent and
 * where it came from. Written in the same transaction as the table itself.
 */
#include "store_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void iso_now(char *buf, size_t n)
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

px_status px__store_touch_table(px_store *s, const char *name, const char *kind, px_geom_type geom_type)
{
    char now[32];
    iso_now(now, sizeof now);
    int64_t n_rows = 0;
    px_status rc = px_store_count(s, name, &n_rows);
    if (rc != PX_OK) return rc;
    double ext[4] = {0, 0, 0, 0};
    int has_extent = 0;
    if (geom_type != PX_GEOM_NONE && n_rows > 0) {
        /* The R*Tree holds every box: scanning it beats scanning geometries. */
        char *sql = px__store_has_spatial_index(s, name)
                        ? px__asprintf("SELECT min(xmin), min(ymin), max(xmax), max(ymax) FROM \"idx_%s_geom\"", name)
                        : px__asprintf("SELECT min(MbrMinX(geom)), min(MbrMinY(geom)), max(MbrMaxX(geom)),"
                                       " max(MbrMaxY(geom)) FROM \"%s\"",
                                       name);
        sqlite3_stmt *st = NULL;
        rc = sql ? px__store_prepare(s, sql, &st) : px__error(s->ctx, PX_ENOMEM, "out of memory");
        free(sql);
        if (rc != PX_OK) return rc;
        if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
            for (int i = 0; i < 4; i++) ext[i] = sqlite3_column_double(st, i);
            has_extent = 1;
        }
        sqlite3_finalize(st);
    }
    sqlite3_stmt *up = NULL;
    rc = px__store_prepare(s,
                           "INSERT INTO px_tables(name, kind, geom_type, n_rows, minx, miny, maxx, maxy, updated_at,"
                           " version) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
                           " ON CONFLICT(name) DO UPDATE SET kind = ?2, geom_type = ?3, n_rows = ?4, minx = ?5,"
                           " miny = ?6, maxx = ?7, maxy = ?8, updated_at = ?9, version = ?10",
                           &up);
    if (rc != PX_OK) return rc;
    sqlite3_bind_text(up, 1, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(up, 2, kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(up, 3, px_geom_type_name(geom_type), -1, SQLITE_STATIC);
    sqlite3_bind_int64(up, 4, n_rows);
    for (int i = 0; i < 4; i++) {
        if (has_extent) sqlite3_bind_double(up, 5 + i, ext[i]);
        else sqlite3_bind_null(up, 5 + i);
    }
    sqlite3_bind_text(up, 9, now, -1, SQLITE_STATIC);
    sqlite3_bind_text(up, 10, PX_VERSION_STRING, -1, SQLITE_STATIC);
    if (sqlite3_step(up) != SQLITE_DONE) rc = px__store_sqlerr(s, "update px_tables");
    sqlite3_finalize(up);
    return rc;
}

px_status px_store_set_source(px_store *s, const char *name, const char *source, const char *source_layer,
                              const char *filter, const char *note)
{
    sqlite3_stmt *st = NULL;
    px_status rc = px__store_prepare(
        s, "UPDATE px_tables SET source = ?2, source_layer = ?3, filter = ?4, note = ?5 WHERE name = ?1", &st);
    if (rc != PX_OK) return rc;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    const char *vals[4] = {source, source_layer, filter, note};
    for (int i = 0; i < 4; i++) {
        if (vals[i]) sqlite3_bind_text(st, 2 + i, vals[i], -1, SQLITE_STATIC);
        else sqlite3_bind_null(st, 2 + i);
    }
    if (sqlite3_step(st) != SQLITE_DONE) rc = px__store_sqlerr(s, "update px_tables");
    else if (sqlite3_changes(s->db) != 1)
        rc = px__error(s->ctx, PX_ENOTFOUND, "%s: no table '%s' to describe", s->path, name);
    sqlite3_finalize(st);
    return rc;
}

static char *col_dup(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    return t ? px__strdup((const char *)t) : NULL;
}

static px_status query_infos(px_store *s, const char *only, px_table_info **out, size_t *n_out)
{
    sqlite3_stmt *st = NULL;
    px_status rc = px__store_prepare(s,
                                     "SELECT name, kind, geom_type, n_rows, minx, miny, maxx, maxy, source,"
                                     " source_layer, filter, note, updated_at, version FROM px_tables"
                                     " WHERE ?1 IS NULL OR name = ?1 ORDER BY name",
                                     &st);
    if (rc != PX_OK) return rc;
    if (only) sqlite3_bind_text(st, 1, only, -1, SQLITE_STATIC);
    size_t cap = 8, n = 0;
    px_table_info *v = calloc(cap, sizeof *v);
    int r;
    while (v && (r = sqlite3_step(st)) == SQLITE_ROW) {
        if (n == cap) {
            px_table_info *nv = realloc(v, 2 * cap * sizeof *v);
            if (!nv) break;
            v = nv;
            memset(v + cap, 0, cap * sizeof *v);
            cap *= 2;
        }
        px_table_info *t = &v[n++];
        t->name = col_dup(st, 0);
        t->kind = col_dup(st, 1);
        t->geom_type = px__geom_type_from_name((const char *)sqlite3_column_text(st, 2));
        t->n_rows = sqlite3_column_int64(st, 3);
        t->has_extent = sqlite3_column_type(st, 4) != SQLITE_NULL;
        t->extent = (px_bbox){sqlite3_column_double(st, 4), sqlite3_column_double(st, 5),
                              sqlite3_column_double(st, 6), sqlite3_column_double(st, 7)};
        t->source = col_dup(st, 8);
        t->source_layer = col_dup(st, 9);
        t->filter = col_dup(st, 10);
        t->note = col_dup(st, 11);
        t->updated_at = col_dup(st, 12);
        t->version = col_dup(st, 13);
    }
    sqlite3_finalize(st);
    if (!v) return px__error(s->ctx, PX_ENOMEM, "out of memory");
    *out = v;
    *n_out = n;
    return PX_OK;
}

px_status px_store_tables(px_store *s, px_table_info **out, size_t *n_out)
{
    return query_infos(s, NULL, out, n_out);
}

px_status px_store_table_info(px_store *s, const char *name, px_table_info **out)
{
    px_table_info *v = NULL;
    size_t n = 0;
    px_status rc = query_infos(s, name, &v, &n);
    if (rc != PX_OK) return rc;
    if (n == 0) {
        free(v);
        return px__error(s->ctx, PX_ENOTFOUND, "%s: no layer or table '%s'", s->path, name);
    }
    *out = v;
    return PX_OK;
}

void px_table_info_free(px_table_info *v, size_t n)
{
    if (!v) return;
    for (size_t i = 0; i < n; i++) {
        free(v[i].name);
        free(v[i].kind);
        free(v[i].source);
        free(v[i].source_layer);
        free(v[i].filter);
        free(v[i].note);
        free(v[i].updated_at);
        free(v[i].version);
    }
    free(v);
}
