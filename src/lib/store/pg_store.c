/*
 * The PostGIS project store: connecting, creating the catalogue, and
 * transactions. A project is one schema of one database holding px_meta and
 * px_tables with the same columns as the SpatiaLite store, and the tables.
 *
 * Writers serialise on a transaction-scoped advisory lock keyed on the
 * schema (the counterpart of SQLite's BEGIN IMMEDIATE), waiting at most
 * PX_STORE_BUSY_MS; read-only stores read in one REPEATABLE READ, READ ONLY
 * transaction. Everything a command writes commits at once or not at all:
 * PostgreSQL's DDL is transactional. Not here yet: copying between stores.
 */
#include "store_int.h"
#include "../geom/geom_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int px__pg_is_conninfo(const char *path) { return path && !strncmp(path, "PG:", 3); }

static px_status pg_err(px_store *s, const char *what, const PGresult *res)
{
    const char *msg = res ? PQresultErrorMessage(res) : PQerrorMessage(s->pg->conn);
    char *m = px__strdup(msg && *msg ? msg : "PostgreSQL error");
    size_t n = m ? strlen(m) : 0;
    while (n && (m[n - 1] == '\n' || m[n - 1] == ' ')) m[--n] = 0;
    px_status st = px__error(s->ctx, PX_ESQLITE, "%s: %s: %s", s->path, what, m ? m : "PostgreSQL error");
    free(m);
    return st;
}

px_status px__pg_query(px_store *s, const char *sql, int n_params, const char *const *params, int binary,
                       PGresult **res)
{
    /* Several statements in one string need the simple protocol (PQexec). */
    PGresult *r = n_params == 0 && !binary ? PQexec(s->pg->conn, sql)
                                           : PQexecParams(s->pg->conn, sql, n_params, NULL, params, NULL, NULL, binary);
    ExecStatusType t = PQresultStatus(r);
    if (t != PGRES_TUPLES_OK && t != PGRES_COMMAND_OK) {
        const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
        px_status st;
        if (state && !strcmp(state, "55P03")) /* lock_not_available: lock_timeout passed */
            st = px__error(s->ctx, PX_EIO,
                           "%s: the project is busy: another proxima command is writing to it (waited %d s); "
                           "run this one again when it has finished",
                           s->path, PX_STORE_BUSY_MS / 1000);
        else
            st = pg_err(s, "query", r);
        PQclear(r);
        return st;
    }
    if (res) *res = r;
    else PQclear(r);
    return PX_OK;
}

px_status px__pg_exec(px_store *s, const char *sql) { return px__pg_query(s, sql, 0, NULL, 0, NULL); }

px_status px__pg_get_meta(px_store *s, const char *key, char **out)
{
    PGresult *r = NULL;
    const char *p[1] = {key};
    px_status rc = px__pg_query(s, "SELECT value FROM px_meta WHERE key = $1", 1, p, 0, &r);
    if (rc != PX_OK) return rc;
    if (PQntuples(r) == 0 || PQgetisnull(r, 0, 0)) rc = PX_ENOTFOUND;
    else if (!(*out = px__strdup(PQgetvalue(r, 0, 0)))) rc = px__error(s->ctx, PX_ENOMEM, "out of memory");
    PQclear(r);
    return rc;
}

px_status px__pg_set_meta(px_store *s, const char *key, const char *value)
{
    const char *p[2] = {key, value};
    return px__pg_query(s,
                        "INSERT INTO px_meta(key, value) VALUES($1, $2)"
                        " ON CONFLICT(key) DO UPDATE SET value = EXCLUDED.value",
                        2, p, 0, NULL);
}

/* Split "PG:<conninfo> schemas=NAME" into the conninfo and the schema. */
static px_status parse(px_ctx *ctx, const char *path, char **conninfo, char **schema)
{
    char *ci = px__strdup(path + 3), *sc = NULL;
    if (!ci) return px__error(ctx, PX_ENOMEM, "out of memory");
    char *p = strstr(ci, "schemas=");
    while (p && p != ci && p[-1] != ' ') p = strstr(p + 1, "schemas=");
    if (p) {
        char *end = p + 8;
        while (*end && *end != ' ') end++;
        sc = px__asprintf("%.*s", (int)(end - p - 8), p + 8);
        memmove(p, end, strlen(end) + 1);
    } else {
        sc = px__strdup("public");
    }
    if (!sc || !px__store_ident_ok(sc)) {
        char *shown = px_store_redact(path);
        px_status st = sc ? px__error(ctx, PX_EINVAL, "%s: bad schema name '%s' (letters, digits, _)",
                                      shown ? shown : "PG:", sc)
                          : px__error(ctx, PX_ENOMEM, "out of memory");
        free(shown);
        free(ci);
        free(sc);
        return st;
    }
    *conninfo = ci;
    *schema = sc;
    return PX_OK;
}

char *px__pg_schema_of(const char *path)
{
    char *ci = NULL, *schema = NULL;
    if (parse(NULL, path, &ci, &schema) != PX_OK) return px__strdup("?");
    free(ci);
    return schema;
}

static px_status connect_pg(px_ctx *ctx, const char *path, px_store **out)
{
    char *ci = NULL, *schema = NULL;
    px_status rc = parse(ctx, path, &ci, &schema);
    if (rc != PX_OK) return rc;
    px_store *s = calloc(1, sizeof *s);
    struct px__pg *pg = calloc(1, sizeof *pg);
    if (!s || !pg || !(s->path = px_store_redact(path)) || !(s->location = px__strdup(path))) {
        if (s) free(s->path), free(s->location);
        free(s);
        free(pg);
        free(ci);
        free(schema);
        return px__error(ctx, PX_ENOMEM, "out of memory");
    }
    s->ctx = ctx;
    s->pg = pg;
    pg->schema = schema;
    pg->conn = PQconnectdb(ci);
    free(ci);
    if (PQstatus(pg->conn) != CONNECTION_OK) {
        rc = pg_err(s, "cannot connect", NULL);
        px__pg_close(s);
        return rc;
    }
    char *sql = px__asprintf("SET search_path TO \"%s\", public; SET lock_timeout = '%ds';"
                             " SET client_encoding = 'UTF8'; SET client_min_messages = warning",
                             schema, PX_STORE_BUSY_MS / 1000);
    rc = sql ? px__pg_exec(s, sql) : px__error(ctx, PX_ENOMEM, "out of memory");
    free(sql);
    if (rc != PX_OK) {
        px__pg_close(s);
        return rc;
    }
    *out = s;
    return PX_OK;
}

/* The advisory lock every writer of this project takes, held to the end of
 * the transaction. */
static px_status lock_project(px_store *s)
{
    const char *p[1] = {s->pg->schema};
    return px__pg_query(s, "SELECT pg_advisory_xact_lock(hashtext('proxima:' || $1))", 1, p, 0, NULL);
}

/* Drop every table of the project in this schema (the tables its catalogue
 * lists, then the catalogue and the records); other objects in the schema
 * are left alone (a view of the user's on a project table makes the drop,
 * and so the whole transaction, fail: nothing is lost). */
static px_status drop_project(px_store *s)
{
    PGresult *r = NULL;
    px_status rc = px__pg_query(s, "SELECT name FROM px_tables", 0, NULL, 0, &r);
    for (int i = 0; rc == PX_OK && i < PQntuples(r); i++) {
        const char *name = PQgetvalue(r, i, 0);
        if (!px__store_ident_ok(name) || !strncmp(name, "px_", 3)) continue;
        char *sql = px__asprintf("DROP TABLE IF EXISTS \"%s\"", name);
        rc = sql ? px__pg_exec(s, sql) : px__error(s->ctx, PX_ENOMEM, "out of memory");
        free(sql);
    }
    PQclear(r);
    if (rc == PX_OK)
        rc = px__pg_exec(s, "DROP TABLE IF EXISTS px_meta, px_tables, px_blobs, px_runs, px_run_steps, px_run_state,"
                            " px_run_values");
    return rc;
}

px_status px__pg_create(px_ctx *ctx, const char *path, const char *crs, px_store **out)
{
    return px__pg_create_ex(ctx, path, crs, 0, 0, out);
}

px_status px__pg_create_ex(px_ctx *ctx, const char *path, const char *crs, int replace, int keep_txn,
                           px_store **out)
{
    int srid = px__epsg_code(crs);
    if (!srid || !px__crs_is_metric(ctx, crs)) {
        char *shown = px_store_redact(path);
        px_status st =
            !srid ? px__error(ctx, PX_ECRS, "%s: CRS must be given as EPSG:CODE, not '%s'", shown ? shown : "PG:", crs)
                  : px__error(ctx, PX_ECRS,
                              "%s: %s is not a projected CRS in metres (use e.g. EPSG:2154, EPSG:3812 or a UTM zone)",
                              shown ? shown : "PG:", crs);
        free(shown);
        return st;
    }
    px_store *s = NULL;
    px_status rc = connect_pg(ctx, path, &s);
    if (rc != PX_OK) return rc;
    s->srid = srid;
    s->has_revision = 1;
    s->crs = px__asprintf("EPSG:%d", srid);
    char srid_text[16];
    snprintf(srid_text, sizeof srid_text, "%d", srid);
    PGresult *r = NULL;
    rc = s->crs ? px__pg_exec(s, "BEGIN") : px__error(ctx, PX_ENOMEM, "out of memory");
    if (rc == PX_OK) {
        s->in_txn = 1;
        rc = lock_project(s);
    }
    if (rc == PX_OK) rc = px__pg_query(s, "SELECT 1 FROM pg_extension WHERE extname = 'postgis'", 0, NULL, 0, &r);
    if (rc == PX_OK && PQntuples(r) == 0) rc = px__pg_exec(s, "CREATE EXTENSION postgis");
    PQclear(r);
    r = NULL;
    const char *p[1] = {s->pg->schema};
    if (rc == PX_OK)
        rc = px__pg_query(s, "SELECT 1 FROM pg_tables WHERE schemaname = $1 AND tablename = 'px_meta'", 1, p, 0, &r);
    int exists = rc == PX_OK && PQntuples(r) > 0;
    PQclear(r);
    if (exists && replace) rc = drop_project(s);
    else if (exists) rc = px__error(ctx, PX_EIO, "%s: already exists; choose a new schema", s->path);
    r = NULL;
    char *sql = px__asprintf(
        "CREATE SCHEMA IF NOT EXISTS \"%s\";"
        "CREATE TABLE \"%s\".px_meta(key TEXT PRIMARY KEY, value TEXT);"
        "CREATE TABLE \"%s\".px_tables(name TEXT PRIMARY KEY, kind TEXT, geom_type TEXT, n_rows BIGINT,"
        " minx DOUBLE PRECISION, miny DOUBLE PRECISION, maxx DOUBLE PRECISION, maxy DOUBLE PRECISION,"
        " source TEXT, source_layer TEXT, filter TEXT, note TEXT, updated_at TEXT, version TEXT,"
        " revision BIGINT NOT NULL DEFAULT 0, inputs TEXT);",
        s->pg->schema, s->pg->schema, s->pg->schema);
    if (rc == PX_OK) rc = sql ? px__pg_exec(s, sql) : px__error(ctx, PX_ENOMEM, "out of memory");
    free(sql);
    if (rc == PX_OK) {
        const char *q[1] = {srid_text};
        rc = px__pg_query(s, "SELECT 1 FROM spatial_ref_sys WHERE srid = $1::int", 1, q, 0, &r);
        if (rc == PX_OK && PQntuples(r) != 1)
            rc = px__error(ctx, PX_ECRS, "%s: PostGIS does not know EPSG:%d", s->path, srid);
        PQclear(r);
    }
    if (rc == PX_OK) rc = px__pg_set_meta(s, "format", PX_STORE_FORMAT);
    if (rc == PX_OK) rc = px__pg_set_meta(s, "crs", s->crs);
    if (rc == PX_OK) rc = px__pg_set_meta(s, "srid", srid_text);
    if (rc == PX_OK) rc = px__pg_set_meta(s, "created_by", "proxima " PX_VERSION_STRING);
    if (rc == PX_OK && !keep_txn) rc = px__pg_commit(s);
    if (rc != PX_OK) {
        px__pg_close(s); /* rolls back: nothing of the project is left */
        return rc;
    }
    *out = s;
    return PX_OK;
}

px_status px__pg_open(px_ctx *ctx, const char *path, int read_only, px_store **out)
{
    px_store *s = NULL;
    px_status rc = connect_pg(ctx, path, &s);
    if (rc != PX_OK) return rc;
    s->read_only = read_only;
    PGresult *r = NULL;
    const char *p[1] = {s->pg->schema};
    rc = px__pg_query(s, "SELECT 1 FROM pg_tables WHERE schemaname = $1 AND tablename = 'px_meta'", 1, p, 0, &r);
    int ours = rc == PX_OK && PQntuples(r) == 1;
    PQclear(r);
    char *format = NULL;
    if (ours) ours = px__pg_get_meta(s, "format", &format) == PX_OK && !strcmp(format, PX_STORE_FORMAT);
    free(format);
    if (ours) ours = px__pg_get_meta(s, "crs", &s->crs) == PX_OK;
    if (!ours) {
        rc = px__error(ctx, PX_ENOTPROJECT, "%s: not a Proxima project (create one with 'proxima init')", s->path);
        px__pg_close(s);
        return rc;
    }
    s->srid = px__epsg_code(s->crs);
    s->has_revision = 1;
    *out = s;
    return PX_OK;
}

void px__pg_close(px_store *s)
{
    if (!s) return;
    if (s->in_txn) px__pg_rollback(s);
    px__store_clear_reads(s);
    free(s->reads);
    if (s->pg) {
        PQfinish(s->pg->conn);
        free(s->pg->schema);
        free(s->pg);
    }
    free(s->path);
    free(s->location);
    free(s->crs);
    free(s->clock);
    free(s);
}

px_status px__pg_begin(px_store *s)
{
    if (s->in_txn == 2) {
        s->in_txn = 1;
        return PX_OK;
    }
    if (s->in_txn) return px__error(s->ctx, PX_EINVAL, "%s: a transaction is already open", s->path);
    if (s->read_only) return px__error(s->ctx, PX_EIO, "%s: opened read-only", s->path);
    px_status rc = px__pg_exec(s, "BEGIN");
    if (rc != PX_OK) return rc;
    s->in_txn = 1;
    rc = lock_project(s);
    if (rc != PX_OK) px__pg_rollback(s);
    return rc;
}

px_status px__pg_snapshot(px_store *s)
{
    if (s->in_txn) return PX_OK;
    if (s->read_only) { /* one consistent view for the whole command, no lock */
        px_status rc = px__pg_exec(s, "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY");
        if (rc == PX_OK) s->in_txn = 2;
        return rc;
    }
    px_status rc = px__pg_begin(s);
    if (rc == PX_OK) s->in_txn = 2;
    return rc;
}

px_status px__pg_commit(px_store *s)
{
    if (!s->in_txn) return px__error(s->ctx, PX_EINVAL, "%s: no transaction to commit", s->path);
    px_status rc = px__pg_exec(s, "COMMIT");
    if (rc != PX_OK) {
        px__pg_rollback(s);
        return rc;
    }
    s->in_txn = 0;
    px__store_clear_reads(s);
    return PX_OK;
}

void px__pg_rollback(px_store *s)
{
    if (!s || !s->in_txn) return;
    PQclear(PQexec(s->pg->conn, "ROLLBACK"));
    s->in_txn = 0;
    px__store_clear_reads(s);
}
