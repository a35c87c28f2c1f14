/*
 * The PostGIS store's px_tables catalogue (same columns and meaning as the
 * SpatiaLite one in table_meta.c, whose staleness rule reads what this
 * returns) and its blobs (px_blobs, data as bytea, created on first use).
 */
#include "store_int.h"

#include <jansson.h>

#include <math.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

px_status px__pg_touch_table(px_store *s, const char *name, const char *kind, px_geom_type geom_type, int indexed)
{
    char now[32], ext[4][40] = {{0}}, n_text[32], rev_text[32];
    px__store_now(s, now, sizeof now); /* a scenario run's date, as on SpatiaLite */
    int64_t n_rows = 0;
    px_status rc = px__pg_count_rows(s, name, &n_rows);
    if (rc != PX_OK) return rc;
    snprintf(n_text, sizeof n_text, "%lld", (long long)n_rows);
    int has_extent = 0;
    PGresult *r = NULL;
    if (geom_type != PX_GEOM_NONE && n_rows > 0) {
        char *sql = px__asprintf("SELECT min(ST_XMin(geom)), min(ST_YMin(geom)), max(ST_XMax(geom)),"
                                 " max(ST_YMax(geom)) FROM \"%s\"",
                                 name);
        rc = sql ? px__pg_query(s, sql, 0, NULL, 0, &r) : px__error(s->ctx, PX_ENOMEM, "out of memory");
        free(sql);
        if (rc != PX_OK) return rc;
        if (!PQgetisnull(r, 0, 0)) {
            has_extent = 1;
            for (int i = 0; i < 4; i++) {
                double v = strtod(PQgetvalue(r, 0, i), NULL);
                if (indexed) {
                    /* SQLite's R*Tree keeps single-precision boxes: a value
                     * that does not round the safe way is first scaled by
                     * 1 -/+ 2^-23 (toward/away from zero), then rounded. */
                    const double toward = 1.0 - 1.0 / 8388608.0, away = 1.0 + 1.0 / 8388608.0;
                    float f = (float)v;
                    if (i < 2 && (double)f > v) f = (float)(v * (v < 0 ? away : toward));
                    if (i >= 2 && (double)f < v) f = (float)(v * (v < 0 ? toward : away));
                    v = f;
                }
                snprintf(ext[i], sizeof ext[i], "%.17g", v);
            }
        }
        PQclear(r);
    }
    rc = px__pg_query(s,
                      "INSERT INTO px_meta(key, value) VALUES('revision', '1') ON CONFLICT(key)"
                      " DO UPDATE SET value = (px_meta.value::bigint + 1)::text RETURNING value",
                      0, NULL, 0, &r);
    if (rc != PX_OK) return rc;
    snprintf(rev_text, sizeof rev_text, "%s", PQgetvalue(r, 0, 0));
    PQclear(r);
    /* The inputs: the tables read in this transaction, at their revisions. */
    char *inputs = NULL;
    if (s->n_reads > 0) {
        json_t *o = json_object();
        for (size_t i = 0; o && rc == PX_OK && i < s->n_reads; i++) {
            if (!strcmp(s->reads[i], name)) continue;
            const char *p[1] = {s->reads[i]};
            rc = px__pg_query(s, "SELECT revision FROM px_tables WHERE name = $1", 1, p, 0, &r);
            if (rc != PX_OK) break;
            json_int_t rev = PQntuples(r) ? atoll(PQgetvalue(r, 0, 0)) : 0;
            PQclear(r);
            if (json_object_set_new(o, s->reads[i], json_integer(rev))) rc = px__error(s->ctx, PX_ENOMEM, "out of memory");
        }
        if (!o) rc = px__error(s->ctx, PX_ENOMEM, "out of memory");
        if (rc == PX_OK && json_object_size(o) > 0 && !(inputs = json_dumps(o, JSON_SORT_KEYS | JSON_COMPACT)))
            rc = px__error(s->ctx, PX_ENOMEM, "out of memory");
        json_decref(o);
        if (rc != PX_OK) return rc;
    }
    const char *p[12] = {name,
                         kind,
                         px_geom_type_name(geom_type),
                         n_text,
                         has_extent ? ext[0] : NULL,
                         has_extent ? ext[1] : NULL,
                         has_extent ? ext[2] : NULL,
                         has_extent ? ext[3] : NULL,
                         now,
                         PX_VERSION_STRING,
                         inputs,
                         rev_text};
    rc = px__pg_query(s,
                      "INSERT INTO px_tables(name, kind, geom_type, n_rows, minx, miny, maxx, maxy, updated_at,"
                      " version, revision, inputs) VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $12, $11)"
                      " ON CONFLICT(name) DO UPDATE SET kind = $2, geom_type = $3, n_rows = $4, minx = $5,"
                      " miny = $6, maxx = $7, maxy = $8, updated_at = $9, version = $10,"
                      " revision = $12, inputs = $11",
                      12, p, 0, NULL);
    free(inputs);
    return rc;
}

px_status px__pg_set_source(px_store *s, const char *name, const char *source, const char *source_layer,
                            const char *filter, const char *note)
{
    const char *p[5] = {name, source, source_layer, filter, note};
    PGresult *r = NULL;
    px_status rc = px__pg_query(
        s, "UPDATE px_tables SET source = $2, source_layer = $3, filter = $4, note = $5 WHERE name = $1", 5, p, 0, &r);
    if (rc != PX_OK) return rc;
    if (atoi(PQcmdTuples(r)) != 1) rc = px__error(s->ctx, PX_ENOTFOUND, "%s: no table '%s' to describe", s->path, name);
    PQclear(r);
    return rc;
}

static char *dup_or_null(const PGresult *r, int row, int col)
{
    return PQgetisnull(r, row, col) ? NULL : px__strdup(PQgetvalue(r, row, col));
}

px_status px__pg_query_infos(px_store *s, px_table_info **out, size_t *n_out)
{
    PGresult *r = NULL;
    /* Sorted as SQLite sorts text (bytewise), whatever the database collation. */
    px_status rc = px__pg_query(s,
                                "SELECT name, kind, geom_type, n_rows, minx, miny, maxx, maxy, source, source_layer,"
                                " filter, note, updated_at, version, revision, inputs FROM px_tables"
                                " ORDER BY name COLLATE \"C\"",
                                0, NULL, 0, &r);
    if (rc != PX_OK) return rc;
    int n = PQntuples(r);
    px_table_info *v = calloc((size_t)n + 1, sizeof *v);
    if (!v) {
        PQclear(r);
        return px__error(s->ctx, PX_ENOMEM, "out of memory");
    }
    for (int i = 0; i < n; i++) {
        px_table_info *t = &v[i];
        t->name = dup_or_null(r, i, 0);
        t->kind = dup_or_null(r, i, 1);
        t->geom_type = px__geom_type_from_name(PQgetvalue(r, i, 2));
        t->n_rows = atoll(PQgetvalue(r, i, 3));
        t->has_extent = !PQgetisnull(r, i, 4);
        if (t->has_extent)
            t->extent = (px_bbox){strtod(PQgetvalue(r, i, 4), NULL), strtod(PQgetvalue(r, i, 5), NULL),
                                  strtod(PQgetvalue(r, i, 6), NULL), strtod(PQgetvalue(r, i, 7), NULL)};
        t->source = dup_or_null(r, i, 8);
        t->source_layer = dup_or_null(r, i, 9);
        t->filter = dup_or_null(r, i, 10);
        t->note = dup_or_null(r, i, 11);
        t->updated_at = dup_or_null(r, i, 12);
        t->version = dup_or_null(r, i, 13);
        t->revision = atoll(PQgetvalue(r, i, 14));
        t->inputs = dup_or_null(r, i, 15);
    }
    PQclear(r);
    *out = v;
    *n_out = (size_t)n;
    return PX_OK;
}

/* ---- blobs -------------------------------------------------------------- */

px_status px__pg_blob_put(px_store *s, const char *name, const char *stamp, const void *data, size_t len)
{
    px_status rc = px__pg_exec(s, "CREATE TABLE IF NOT EXISTS px_blobs(name TEXT PRIMARY KEY, stamp TEXT NOT NULL,"
                                  " data BYTEA NOT NULL)");
    if (rc != PX_OK) return rc;
    const char *vals[3] = {name, stamp, len ? data : ""};
    int lens[3] = {0, 0, (int)len};
    int fmts[3] = {0, 0, 1};
    PGresult *r = PQexecParams(s->pg->conn,
                               "INSERT INTO px_blobs(name, stamp, data) VALUES($1, $2, $3)"
                               " ON CONFLICT(name) DO UPDATE SET stamp = EXCLUDED.stamp, data = EXCLUDED.data",
                               3, NULL, vals, lens, fmts, 0);
    if (PQresultStatus(r) != PGRES_COMMAND_OK)
        rc = px__error(s->ctx, PX_ESQLITE, "%s: write blob: %s", s->path, PQresultErrorMessage(r));
    PQclear(r);
    return rc;
}

/* One query on blob `name` (binary results); PX_ENOTFOUND when absent. */
static px_status blob_query(px_store *s, const char *sql, const char *name, const char *a, const char *b,
                            PGresult **out)
{
    if (!px__pg_has_table(s, "px_blobs")) return PX_ENOTFOUND;
    const char *p[3] = {name, a, b};
    PGresult *r = NULL;
    px_status rc = px__pg_query(s, sql, a ? (b ? 3 : 2) : 1, p, 1, &r);
    if (rc != PX_OK) return rc;
    if (PQntuples(r) == 0) {
        PQclear(r);
        return PX_ENOTFOUND;
    }
    *out = r;
    return PX_OK;
}

px_status px__pg_blob_get(px_store *s, const char *name, char **stamp, void **data, size_t *len)
{
    PGresult *r = NULL;
    px_status rc = blob_query(s, "SELECT stamp, data FROM px_blobs WHERE name = $1", name, NULL, NULL, &r);
    if (rc != PX_OK) return rc;
    size_t n = (size_t)PQgetlength(r, 0, 1);
    char *sp = px__strdup(PQgetvalue(r, 0, 0));
    void *d = malloc(n ? n : 1);
    if (!sp || !d) {
        free(sp);
        free(d);
        PQclear(r);
        return px__error(s->ctx, PX_ENOMEM, "out of memory");
    }
    memcpy(d, PQgetvalue(r, 0, 1), n);
    PQclear(r);
    *stamp = sp;
    *data = d;
    *len = n;
    return PX_OK;
}

px_status px__pg_blob_info(px_store *s, const char *name, char **stamp, size_t *len)
{
    PGresult *r = NULL;
    px_status rc = blob_query(s, "SELECT stamp, length(data)::int8 FROM px_blobs WHERE name = $1", name, NULL,
                              NULL, &r);
    if (rc != PX_OK) return rc;
    const unsigned char *b = (const unsigned char *)PQgetvalue(r, 0, 1);
    uint64_t v = 0;
    for (int i = 0; i < 8; i++) v = v << 8 | b[i];
    char *sp = px__strdup(PQgetvalue(r, 0, 0));
    PQclear(r);
    if (!sp) return px__error(s->ctx, PX_ENOMEM, "out of memory");
    *stamp = sp;
    *len = (size_t)v;
    return PX_OK;
}

px_status px__pg_blob_read(px_store *s, const char *name, size_t offset, void *buf, size_t n)
{
    char off[32], cnt[32];
    snprintf(off, sizeof off, "%zu", offset + 1);
    snprintf(cnt, sizeof cnt, "%zu", n);
    PGresult *r = NULL;
    px_status rc = blob_query(s, "SELECT substring(data FROM $2::int FOR $3::int) FROM px_blobs WHERE name = $1",
                              name, off, cnt, &r);
    if (rc != PX_OK) return rc;
    if ((size_t)PQgetlength(r, 0, 0) != n)
        rc = px__error(s->ctx, PX_EINVAL, "%s: blob '%s': read past the end", s->path, name);
    else
        memcpy(buf, PQgetvalue(r, 0, 0), n);
    PQclear(r);
    return rc;
}

px_status px__pg_blob_delete(px_store *s, const char *name)
{
    if (!px__pg_has_table(s, "px_blobs")) return PX_OK;
    const char *p[1] = {name};
    return px__pg_query(s, "DELETE FROM px_blobs WHERE name = $1", 1, p, 0, NULL);
}
