/*
 * Creating, opening and closing a project store; transactions; settings.
 * A project is a SpatiaLite database with two Proxima tables: px_meta
 * (key/value: format, crs, srid, version, settings) and px_tables (one row per
 * layer or result: kind, counts, extent, source).
 */
#include "store_int.h"
#include "../geom/geom_int.h"

#include <errno.h>
#include <math.h>
#include <spatialite.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

px_status px__store_sqlerr(px_store *s, const char *what)
{
    return px__error(s->ctx, PX_ESQLITE, "%s: %s: %s", s->path, what, sqlite3_errmsg(s->db));
}

px_status px__store_exec(px_store *s, const char *sql)
{
    char *err = NULL;
    if (sqlite3_exec(s->db, sql, NULL, NULL, &err) != SQLITE_OK) {
        px_status st = px__error(s->ctx, PX_ESQLITE, "%s: %s", s->path, err ? err : "SQL error");
        sqlite3_free(err);
        return st;
    }
    return PX_OK;
}

px_status px__store_prepare(px_store *s, const char *sql, sqlite3_stmt **out)
{
    if (sqlite3_prepare_v2(s->db, sql, -1, out, NULL) != SQLITE_OK)
        return px__store_sqlerr(s, "prepare");
    return PX_OK;
}

int px__store_ident_ok(const char *name)
{
    if (!name || !*name || strlen(name) > 64) return 0;
    for (const char *p = name; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_'))
            return 0;
    return 1;
}

static px_status get_meta(px_store *s, const char *key, char **out)
{
    if (s->pg) return px__pg_get_meta(s, key, out);
    sqlite3_stmt *st = NULL;
    px_status rc = px__store_prepare(s, "SELECT value FROM px_meta WHERE key = ?", &st);
    if (rc != PX_OK) return rc;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    int r = sqlite3_step(st);
    if (r == SQLITE_ROW) {
        *out = px__strdup((const char *)sqlite3_column_text(st, 0));
        rc = *out ? PX_OK : px__error(s->ctx, PX_ENOMEM, "out of memory");
    } else if (r == SQLITE_DONE) {
        rc = PX_ENOTFOUND;
    } else {
        rc = px__store_sqlerr(s, "read px_meta");
    }
    sqlite3_finalize(st);
    return rc;
}

static px_status set_meta(px_store *s, const char *key, const char *value)
{
    if (s->pg) return px__pg_set_meta(s, key, value);
    sqlite3_stmt *st = NULL;
    px_status rc = px__store_prepare(s, "INSERT OR REPLACE INTO px_meta(key, value) VALUES(?, ?)", &st);
    if (rc != PX_OK) return rc;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE) rc = px__store_sqlerr(s, "write px_meta");
    sqlite3_finalize(st);
    return rc;
}

static px_status connect(px_ctx *ctx, const char *path, int flags, px_store **out)
{
    px_store *s = calloc(1, sizeof *s);
    if (!s) return px__error(ctx, PX_ENOMEM, "out of memory");
    s->ctx = ctx;
    s->path = px__strdup(path);
    if (!s->path) {
        free(s);
        return px__error(ctx, PX_ENOMEM, "out of memory");
    }
    /* NOMUTEX: a store is used by one thread at a time (store.h, "Threads"; the server
     * hands each worker's store to one request at a time), so SQLite's
     * per-call connection mutex only costs: 6 % of `access` on a million
     * origins went to locking and unlocking it around every bind and step. */
    if (sqlite3_open_v2(path, &s->db, flags | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
        px_status st = px__error(ctx, PX_EIO, "%s: cannot open: %s", path,
                                 s->db ? sqlite3_errmsg(s->db) : "out of memory");
        sqlite3_close(s->db);
        free(s->path);
        free(s);
        return st;
    }
    sqlite3_extended_result_codes(s->db, 1);
    sqlite3_busy_timeout(s->db, PX_STORE_BUSY_MS);
    s->spatialite_cache = spatialite_alloc_connection();
    spatialite_init_ex(s->db, s->spatialite_cache, 0);
    /* Up to 256 MiB of page cache (used only as needed): building the R*Tree
     * of a million-row table thrashes SQLite's default 2 MiB cache. */
    /* secure_delete FAST: Debian's SQLite zeroes every freed page by default,
     * so replacing a result table copied the whole old table into the
     * rollback journal and overwrote it (250 MB per million origins).
     * FAST still clears deleted rows from the pages it writes anyway
     * and leaves only the free-list pages as they were. */
    sqlite3_exec(s->db, "PRAGMA cache_size = -262144; PRAGMA temp_store = MEMORY; PRAGMA secure_delete = FAST",
                 NULL, NULL, NULL);
    *out = s;
    return PX_OK;
}

px_status px_store_create(px_ctx *ctx, const char *path, const char *crs, px_store **out)
{
    if (!ctx || !path || !crs || !out) return px__error(ctx, PX_EINVAL, "px_store_create: NULL argument");
    if (px__pg_is_conninfo(path)) return px__pg_create(ctx, path, crs, out);
    struct stat sb;
    if (stat(path, &sb) == 0)
        return px__error(ctx, PX_EIO, "%s: already exists; choose a new project file", path);
    int srid = px__epsg_code(crs);
    if (!srid) return px__error(ctx, PX_ECRS, "%s: CRS must be given as EPSG:CODE, not '%s'", path, crs);
    if (!px__crs_is_metric(ctx, crs))
        return px__error(ctx, PX_ECRS,
                         "%s: %s is not a projected CRS in metres (use e.g. EPSG:2154, EPSG:3812 or a UTM zone)",
                         path, crs);
    px_store *s = NULL;
    px_status rc = connect(ctx, path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, &s);
    if (rc != PX_OK) return rc;
    s->srid = srid;
    s->has_revision = 1;
    char code[32];
    snprintf(code, sizeof code, "EPSG:%d", srid);
    s->crs = px__strdup(code);
    char *sql = px__asprintf(
        "BEGIN;"
        "SELECT InitSpatialMetadata(0, 'NONE');"
        "SELECT InsertEpsgSrid(4326);"
        "SELECT InsertEpsgSrid(%d);"
        "CREATE TABLE px_meta(key TEXT PRIMARY KEY, value TEXT);"
        "CREATE TABLE px_tables(name TEXT PRIMARY KEY, kind TEXT, geom_type TEXT, n_rows INTEGER,"
        " minx REAL, miny REAL, maxx REAL, maxy REAL, source TEXT, source_layer TEXT, filter TEXT,"
        " note TEXT, updated_at TEXT, version TEXT, revision INTEGER NOT NULL DEFAULT 0, inputs TEXT);",
        srid);
    if (!s->crs || !sql) {
        free(sql);
        px_store_close(s);
        unlink(path);
        return px__error(ctx, PX_ENOMEM, "out of memory");
    }
    rc = px__store_exec(s, sql);
    free(sql);
    char srid_text[16];
    snprintf(srid_text, sizeof srid_text, "%d", srid);
    if (rc == PX_OK) rc = set_meta(s, "format", PX_STORE_FORMAT);
    if (rc == PX_OK) rc = set_meta(s, "crs", s->crs);
    if (rc == PX_OK) rc = set_meta(s, "srid", srid_text);
    if (rc == PX_OK) rc = set_meta(s, "created_by", "proxima " PX_VERSION_STRING);
    if (rc == PX_OK) rc = px__store_exec(s, "COMMIT");
    if (rc == PX_OK) {
        /* InsertEpsgSrid succeeds silently on an unknown code: check. */
        sqlite3_stmt *st = NULL;
        rc = px__store_prepare(s, "SELECT count(*) FROM spatial_ref_sys WHERE srid = ?", &st);
        if (rc == PX_OK) {
            sqlite3_bind_int(st, 1, srid);
            if (sqlite3_step(st) != SQLITE_ROW || sqlite3_column_int(st, 0) != 1)
                rc = px__error(ctx, PX_ECRS, "%s: SpatiaLite does not know EPSG:%d", path, srid);
            sqlite3_finalize(st);
        }
    }
    if (rc != PX_OK) {
        px_status keep = rc;
        px_store_close(s);
        unlink(path);
        return keep;
    }
    *out = s;
    return PX_OK;
}

px_status px_store_open(px_ctx *ctx, const char *path, int read_only, px_store **out)
{
    if (!ctx || !path || !out) return px__error(ctx, PX_EINVAL, "px_store_open: NULL argument");
    if (px__pg_is_conninfo(path)) return px__pg_open(ctx, path, read_only, out);
    struct stat sb;
    if (stat(path, &sb) != 0)
        return px__error(ctx, PX_EIO, "%s: %s (create a project with 'proxima init')", path, strerror(errno));
    if (!S_ISREG(sb.st_mode)) return px__error(ctx, PX_ENOTPROJECT, "%s: not a file", path);
    px_store *s = NULL;
    px_status rc = connect(ctx, path, read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE, &s);
    if (rc != PX_OK) return rc;
    s->read_only = read_only;
    char *format = NULL, *crs = NULL;
    /* Any SQLite failure here (not a database, no px_meta) means "not ours". */
    sqlite3_stmt *probe = NULL;
    if (sqlite3_prepare_v2(s->db, "SELECT value FROM px_meta WHERE key = 'format'", -1, &probe, NULL) != SQLITE_OK ||
        sqlite3_step(probe) != SQLITE_ROW ||
        strcmp((const char *)sqlite3_column_text(probe, 0), PX_STORE_FORMAT) != 0) {
        sqlite3_finalize(probe);
        px_store_close(s);
        return px__error(ctx, PX_ENOTPROJECT, "%s: not a Proxima project (create one with 'proxima init')", path);
    }
    sqlite3_finalize(probe);
    rc = get_meta(s, "crs", &crs);
    if (rc != PX_OK) {
        px_store_close(s);
        return px__error(ctx, PX_ENOTPROJECT, "%s: Proxima project without a CRS", path);
    }
    free(format);
    s->crs = crs;
    s->has_revision = sqlite3_table_column_metadata(s->db, NULL, "px_tables", "revision", NULL, NULL, NULL, NULL,
                                                    NULL) == SQLITE_OK;
    s->srid = px__epsg_code(crs);
    sqlite3_busy_timeout(s->db, PX_STORE_BUSY_MS);
    *out = s;
    return PX_OK;
}

void px_store_close(px_store *s)
{
    if (!s) return;
    if (s->pg) {
        px__pg_close(s);
        return;
    }
    if (s->in_txn) px_store_rollback(s);
    px__store_clear_reads(s);
    free(s->reads);
    sqlite3_close(s->db);
    if (s->spatialite_cache) spatialite_cleanup_ex(s->spatialite_cache);
    free(s->path);
    free(s->location);
    free(s->crs);
    free(s->clock);
    free(s);
}

const char *px_store_crs(const px_store *s) { return s->crs; }
int px_store_srid(const px_store *s) { return s->srid; }
const char *px_store_path(const px_store *s) { return s->path; }
const char *px_store_location(const px_store *s) { return s->location ? s->location : s->path; }
int px_store_is_conninfo(const char *path) { return px__pg_is_conninfo(path); }

/* Length of a conninfo value starting at v: '...' with \ escapes, or up to a
 * space (keyword/value form) or '&' (URI query). */
static size_t value_len(const char *v, int uri)
{
    const char *e = v;
    if (!uri && *e == '\'') {
        for (e++; *e && *e != '\''; e++)
            if (*e == '\\' && e[1]) e++;
        if (*e) e++;
    } else {
        while (*e && *e != ' ' && !(uri && *e == '&')) e++;
    }
    return (size_t)(e - v);
}

char *px_store_redact(const char *path)
{
    if (!path) return NULL;
    if (!px__pg_is_conninfo(path)) return px__strdup(path);
    /* Rebuilt with every password value as "***": "password=..." keys (also
     * in a URI's query) and a URI's "user:password@". */
    size_t n = strlen(path);
    /* Each mask adds at most 3 bytes and needs at least 9 of input ("password="). */
    char *out = malloc(n + 3 * (n / 9 + 2) + 1), *o = out;
    if (!out) return NULL;
    const char *p = path, *uri = strstr(path, "://");
    const char *at = uri ? strchr(uri + 3, '@') : NULL, *slash = uri ? strchr(uri + 3, '/') : NULL;
    if (at && slash && slash < at) at = NULL;
    while (*p) {
        if (at && p == uri + 3) { /* user[:password]@ */
            const char *colon = memchr(p, ':', (size_t)(at - p));
            if (colon) {
                memcpy(o, p, (size_t)(colon - p + 1)), o += colon - p + 1;
                memcpy(o, "***", 3), o += 3;
                p = at;
                continue;
            }
        }
        int key_start = p >= path + 3 && (p == path + 3 || p[-1] == ' ' || p[-1] == '?' || p[-1] == '&');
        if (key_start && !strncmp(p, "password", 8)) {
            const char *q = p + 8;
            while (*q == ' ') q++;
            if (*q == '=') {
                q++;
                while (*q == ' ') q++;
                memcpy(o, p, (size_t)(q - p)), o += q - p;
                memcpy(o, "***", 3), o += 3;
                p = q + value_len(q, uri != NULL);
                continue;
            }
        }
        *o++ = *p++;
    }
    *o = 0;
    return out;
}

char *px_store_display_name(const char *path)
{
    if (!path) return NULL;
    if (px__pg_is_conninfo(path)) return px__pg_schema_of(path);
    const char *b = strrchr(path, '/');
    return px__strdup(b ? b + 1 : path);
}

/* BEGIN IMMEDIATE, with a message a user understands when another command
 * holds the project past the busy timeout. */
static px_status begin_immediate(px_store *s)
{
    int rc = sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
    if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED)
        return px__error(s->ctx, PX_EIO,
                         "%s: the project is busy: another proxima command is writing to it (waited %d s); "
                         "run this one again when it has finished",
                         s->path, PX_STORE_BUSY_MS / 1000);
    if (rc != SQLITE_OK) return px__store_sqlerr(s, "begin a transaction");
    return PX_OK;
}

px_status px_store_begin(px_store *s)
{
    if (s->pg) return px__pg_begin(s);
    if (s->in_txn == 2) { /* the snapshot taken at the first read becomes the write transaction */
        s->in_txn = 1;
        return PX_OK;
    }
    if (s->in_txn) return px__error(s->ctx, PX_EINVAL, "%s: a transaction is already open", s->path);
    if (s->read_only) return px__error(s->ctx, PX_EIO, "%s: opened read-only", s->path);
    px_status rc = begin_immediate(s);
    if (rc == PX_OK) s->in_txn = 1;
    return rc;
}

px_status px__store_snapshot(px_store *s)
{
    if (s->pg) return px__pg_snapshot(s);
    if (s->read_only || s->in_txn) return PX_OK;
    px_status rc = begin_immediate(s);
    if (rc == PX_OK) s->in_txn = 2;
    return rc;
}

px_status px__store_note_read(px_store *s, const char *name)
{
    if (!name || !strncmp(name, "px_", 3)) return PX_OK;
    for (size_t i = 0; i < s->n_reads; i++)
        if (!strcmp(s->reads[i], name)) return PX_OK;
    if (s->n_reads == s->cap_reads) {
        size_t cap = s->cap_reads ? 2 * s->cap_reads : 8;
        char **v = realloc(s->reads, cap * sizeof *v);
        if (!v) return px__error(s->ctx, PX_ENOMEM, "out of memory");
        s->reads = v;
        s->cap_reads = cap;
    }
    if (!(s->reads[s->n_reads] = px__strdup(name))) return px__error(s->ctx, PX_ENOMEM, "out of memory");
    s->n_reads++;
    return PX_OK;
}

void px__store_clear_reads(px_store *s)
{
    for (size_t i = 0; i < s->n_reads; i++) free(s->reads[i]);
    s->n_reads = 0;
}

px_status px_store_note_input(px_store *s, const char *name)
{
    if (!s || !name) return PX_EINVAL;
    px_status rc = px__store_snapshot(s);
    return rc == PX_OK ? px__store_note_read(s, name) : rc;
}

px_status px_store_commit(px_store *s)
{
    if (s->pg) return px__pg_commit(s);
    if (!s->in_txn) return px__error(s->ctx, PX_EINVAL, "%s: no transaction to commit", s->path);
    px_status rc = px__store_exec(s, "COMMIT");
    if (rc != PX_OK) {
        px_store_rollback(s);
        return rc;
    }
    s->in_txn = 0;
    px__store_clear_reads(s);
    return PX_OK;
}

void px_store_rollback(px_store *s)
{
    if (!s || !s->in_txn) return;
    if (s->pg) {
        px__pg_rollback(s);
        return;
    }
    sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    s->in_txn = 0;
    px__store_clear_reads(s);
}

px_status px_store_set_setting(px_store *s, const char *key, const char *value)
{
    char *k = px__asprintf("setting.%s", key);
    if (!k) return px__error(s->ctx, PX_ENOMEM, "out of memory");
    px_status rc = set_meta(s, k, value);
    free(k);
    return rc;
}

px_status px_store_get_setting(px_store *s, const char *key, char **out)
{
    char *k = px__asprintf("setting.%s", key);
    if (!k) return px__error(s->ctx, PX_ENOMEM, "out of memory");
    px_status rc = get_meta(s, k, out);
    if (rc == PX_ENOTFOUND) px__error(s->ctx, rc, "%s: no setting '%s'", s->path, key);
    free(k);
    return rc;
}

px_status px_store_lonlat_to_xy(px_ctx *ctx, const px_store *store, double lon, double lat, double *x, double *y)
{
    if (!ctx || !store || !x || !y) return px__error(ctx, PX_EINVAL, "px_store_lonlat_to_xy: NULL argument");
    if (!(lon >= -180 && lon <= 180 && lat >= -90 && lat <= 90))
        return px__error(ctx, PX_EINVAL, "longitude/latitude %g,%g out of range", lon, lat);
    px__xform *xf = NULL;
    px_status st = px__xform_new(ctx, "EPSG:4326", px_store_crs(store), &xf);
    double px = lon, py = lat;
    if (st == PX_OK) st = px__xform_point(xf, &px, &py);
    px__xform_free(xf);
    if (st == PX_OK && !(isfinite(px) && isfinite(py)))
        st = px__error(ctx, PX_EPROJ, "%g,%g cannot be placed in %s", lon, lat, px_store_crs(store));
    if (st != PX_OK) return st;
    *x = px;
    *y = py;
    return PX_OK;
}
