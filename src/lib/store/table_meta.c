/*
 * The px_tables catalogue: what each table is, how many rows, its extent and
 * where it came from. Written in the same transaction as the table itself.
 */
#include "store_int.h"

#include <jansson.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

px_status px_store_set_clock(px_store *store, const char *when)
{
    if (!store) return PX_EINVAL;
    char *c = NULL;
    if (when && !(c = px__strdup(when))) return px__error(store->ctx, PX_ENOMEM, "out of memory");
    free(store->clock);
    store->clock = c;
    return PX_OK;
}

void px__store_now(const px_store *s, char *buf, size_t n)
{
    if (s->clock) {
        snprintf(buf, n, "%s", s->clock);
        return;
    }
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* The project-wide write counter, advanced by one (px_meta "revision"): a
 * table dropped and written again never gets a revision it had before. */
static px_status next_revision(px_store *s, int64_t *out)
{
    px_status rc = px__store_exec(s, "INSERT INTO px_meta(key, value) VALUES('revision', '1')"
                                     " ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1");
    sqlite3_stmt *st = NULL;
    if (rc == PX_OK) rc = px__store_prepare(s, "SELECT CAST(value AS INTEGER) FROM px_meta WHERE key = 'revision'", &st);
    if (rc == PX_OK && sqlite3_step(st) == SQLITE_ROW) *out = sqlite3_column_int64(st, 0);
    else if (rc == PX_OK) rc = px__store_sqlerr(s, "read the revision counter");
    sqlite3_finalize(st);
    return rc;
}

/* The tables read in this transaction (but `name` itself) with their
 * current revisions, as a JSON object; NULL when nothing was read. */
static px_status inputs_json(px_store *s, const char *name, char **out)
{
    *out = NULL;
    if (s->n_reads == 0) return PX_OK;
    json_t *o = json_object();
    sqlite3_stmt *st = NULL;
    px_status rc = o ? px__store_prepare(s, "SELECT revision FROM px_tables WHERE name = ?1", &st)
                     : px__error(s->ctx, PX_ENOMEM, "out of memory");
    for (size_t i = 0; rc == PX_OK && i < s->n_reads; i++) {
        if (!strcmp(s->reads[i], name)) continue;
        sqlite3_reset(st);
        sqlite3_bind_text(st, 1, s->reads[i], -1, SQLITE_STATIC);
        json_int_t rev = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
        if (json_object_set_new(o, s->reads[i], json_integer(rev))) rc = px__error(s->ctx, PX_ENOMEM, "out of memory");
    }
    sqlite3_finalize(st);
    if (rc == PX_OK && json_object_size(o) > 0 &&
        !(*out = json_dumps(o, JSON_SORT_KEYS | JSON_COMPACT)))
        rc = px__error(s->ctx, PX_ENOMEM, "out of memory");
    json_decref(o);
    return rc;
}

px_status px__store_touch_table(px_store *s, const char *name, const char *kind, px_geom_type geom_type)
{
    char now[32];
    px__store_now(s, now, sizeof now);
    int64_t n_rows = 0;
    px_status rc = px__store_count_rows(s, name, &n_rows);
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
    if (!s->has_revision) { /* a project made before revisions: gains them inside this write */
        rc = px__store_exec(s, "ALTER TABLE px_tables ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;"
                               "ALTER TABLE px_tables ADD COLUMN inputs TEXT");
        if (rc != PX_OK) return rc;
        s->has_revision = 1;
    }
    char *inputs = NULL;
    int64_t revision = 0;
    rc = next_revision(s, &revision);
    if (rc == PX_OK) rc = inputs_json(s, name, &inputs);
    if (rc != PX_OK) return rc;
    sqlite3_stmt *up = NULL;
    rc = px__store_prepare(s,
                           "INSERT INTO px_tables(name, kind, geom_type, n_rows, minx, miny, maxx, maxy, updated_at,"
                           " version, revision, inputs) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?12, ?11)"
                           " ON CONFLICT(name) DO UPDATE SET kind = ?2, geom_type = ?3, n_rows = ?4, minx = ?5,"
                           " miny = ?6, maxx = ?7, maxy = ?8, updated_at = ?9, version = ?10,"
                           " revision = ?12, inputs = ?11",
                           &up);
    if (rc != PX_OK) {
        free(inputs);
        return rc;
    }
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
    sqlite3_bind_int64(up, 12, revision);
    if (inputs) sqlite3_bind_text(up, 11, inputs, -1, SQLITE_TRANSIENT);
    else sqlite3_bind_null(up, 11);
    free(inputs);
    if (sqlite3_step(up) != SQLITE_DONE) rc = px__store_sqlerr(s, "update px_tables");
    sqlite3_finalize(up);
    return rc;
}

px_status px_store_set_source(px_store *s, const char *name, const char *source, const char *source_layer,
                              const char *filter, const char *note)
{
    if (s->pg) return px__pg_set_source(s, name, source, source_layer, filter, note);
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

static void free_fields(px_table_info *t);

static px_status query_infos(px_store *s, px_table_info **out, size_t *n_out)
{
    if (s->pg) return px__pg_query_infos(s, out, n_out);
    sqlite3_stmt *st = NULL;
    char *sql = px__asprintf("SELECT name, kind, geom_type, n_rows, minx, miny, maxx, maxy, source,"
                             " source_layer, filter, note, updated_at, version, %s FROM px_tables ORDER BY name",
                             s->has_revision ? "revision, inputs" : "0, NULL");
    px_status rc = sql ? px__store_prepare(s, sql, &st) : px__error(s->ctx, PX_ENOMEM, "out of memory");
    free(sql);
    if (rc != PX_OK) return rc;
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
        t->revision = sqlite3_column_int64(st, 14);
        t->inputs = col_dup(st, 15);
    }
    sqlite3_finalize(st);
    if (!v) return px__error(s->ctx, PX_ENOMEM, "out of memory");
    *out = v;
    *n_out = n;
    return PX_OK;
}

static px_table_info *find_info(px_table_info *v, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(v[i].name, name)) return &v[i];
    return NULL;
}

/* A table is stale when one of its inputs was rewritten (or dropped) since it
 * was made, or is stale itself: results of results (access on the network
 * built from the roads) follow their inputs. Repeated until nothing changes;
 * the chains are a few tables long. */
static void mark_stale(px_table_info *v, size_t n)
{
    for (int changed = 1, round = 0; changed && round < 16; round++) {
        changed = 0;
        for (size_t i = 0; i < n; i++) {
            if (v[i].stale || !v[i].inputs) continue;
            json_t *o = json_loads(v[i].inputs, 0, NULL);
            const char *key;
            json_t *val;
            char *why = NULL;
            json_object_foreach(o, key, val)
            {
                const px_table_info *in = find_info(v, n, key);
                if (!in) why = px__asprintf("%s was dropped since", key);
                else if (in->revision != json_integer_value(val)) why = px__asprintf("%s changed since", key);
                else if (in->stale) why = px__asprintf("%s is stale", key);
                if (why) break;
            }
            json_decref(o);
            if (why) {
                v[i].stale = why;
                changed = 1;
            }
        }
    }
}

px_status px_store_tables(px_store *s, px_table_info **out, size_t *n_out)
{
    px_status rc = query_infos(s, out, n_out);
    if (rc == PX_OK) mark_stale(*out, *n_out);
    return rc;
}

px_status px_store_table_info(px_store *s, const char *name, px_table_info **out)
{
    px_table_info *v = NULL;
    size_t n = 0;
    px_status rc = px_store_tables(s, &v, &n);
    if (rc != PX_OK) return rc;
    px_table_info *t = name ? find_info(v, n, name) : NULL;
    if (!t) {
        px_table_info_free(v, n);
        return px__error(s->ctx, PX_ENOTFOUND, "%s: no layer or table '%s'", s->path, name ? name : "");
    }
    /* Hand back just that one: move it to the front, free the others. */
    px_table_info keep = *t;
    *t = v[0];
    v[0] = keep;
    for (size_t i = 1; i < n; i++) free_fields(&v[i]);
    *out = v;
    return PX_OK;
}

/* Free what one info owns (not the info itself). */
static void free_fields(px_table_info *t)
{
    free(t->name);
    free(t->kind);
    free(t->source);
    free(t->source_layer);
    free(t->filter);
    free(t->note);
    free(t->updated_at);
    free(t->version);
    free(t->inputs);
    free(t->stale);
}

void px_table_info_free(px_table_info *v, size_t n)
{
    if (!v) return;
    for (size_t i = 0; i < n; i++) free_fields(&v[i]);
    free(v);
}
