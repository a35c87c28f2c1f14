/*
 * MBTiles 1.3 writer (see proxima/mbtiles.h). Plain SQLite, no SpatiaLite:
 * a tileset is not a project store. Tiles go in through one prepared INSERT
 * inside one transaction, which is what makes writing thousands of tiles
 * cheap; the journal is off because the file is a temporary one until
 * px_mbtiles_finish renames it. Deduplication of identical tiles (the
 * images/map split some writers use) is left out: the flat `tiles` table is
 * what every reader understands.
 */
#include "store_int.h"
#include "proxima/mbtiles.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct px_mbtiles {
    px_ctx *ctx;
    sqlite3 *db;
    sqlite3_stmt *put;
    sqlite3_stmt *meta;
    char *path;
    char *tmp;
};

static px_status mb_sqlerr(px_mbtiles *m, const char *what)
{
    return px__error(m->ctx, PX_ESQLITE, "%s: %s: %s", m->path, what,
                     m->db ? sqlite3_errmsg(m->db) : "no database");
}

static void mb_free(px_mbtiles *m)
{
    sqlite3_finalize(m->put);
    sqlite3_finalize(m->meta);
    if (m->db) sqlite3_close(m->db);
    free(m->path);
    free(m->tmp);
    free(m);
}

px_status px_mbtiles_create(px_ctx *ctx, const char *path, px_mbtiles **out)
{
    if (!ctx || !path || !*path || !out) return px__error(ctx, PX_EINVAL, "px_mbtiles_create: NULL argument");
    px_mbtiles *m = calloc(1, sizeof *m);
    if (!m) return px__error(ctx, PX_ENOMEM, "out of memory");
    m->ctx = ctx;
    m->path = px__strdup(path);
    m->tmp = px__asprintf("%s.tmp-%ld", path, (long)getpid());
    px_status rc = PX_OK;
    if (!m->path || !m->tmp) {
        rc = px__error(ctx, PX_ENOMEM, "out of memory");
        goto done;
    }
    unlink(m->tmp);
    /* A killed run left its temporary file (and journal): remove them. */
    px__remove_stale_siblings(path, NULL);
    px__remove_stale_siblings(path, "-journal");
    if (sqlite3_open_v2(m->tmp, &m->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
        rc = px__error(ctx, PX_EIO, "%s: cannot create: %s", path,
                       m->db ? sqlite3_errmsg(m->db) : "out of memory");
        goto done;
    }
    static const char schema[] =
        "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA page_size = 4096;"
        "CREATE TABLE metadata (name TEXT PRIMARY KEY, value TEXT);"
        "CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB);"
        "BEGIN;";
    if (sqlite3_exec(m->db, schema, NULL, NULL, NULL) != SQLITE_OK) {
        rc = sqlite3_errcode(m->db) == SQLITE_CANTOPEN || sqlite3_errcode(m->db) == SQLITE_READONLY
                 ? px__error(ctx, PX_EIO, "%s: cannot write: %s", path, sqlite3_errmsg(m->db))
                 : mb_sqlerr(m, "create tables");
        goto done;
    }
    if (sqlite3_prepare_v2(m->db, "INSERT INTO tiles VALUES (?1, ?2, ?3, ?4)", -1, &m->put, NULL) !=
            SQLITE_OK ||
        sqlite3_prepare_v2(m->db, "INSERT OR REPLACE INTO metadata VALUES (?1, ?2)", -1, &m->meta, NULL) !=
            SQLITE_OK)
        rc = mb_sqlerr(m, "prepare");
done:
    if (rc != PX_OK) {
        if (m->tmp) unlink(m->tmp);
        mb_free(m);
        return rc;
    }
    *out = m;
    return PX_OK;
}

px_status px_mbtiles_set_metadata(px_mbtiles *m, const char *key, const char *value)
{
    if (!m || !key || !value)
        return px__error(m ? m->ctx : NULL, PX_EINVAL, "px_mbtiles_set_metadata: NULL argument");
    sqlite3_reset(m->meta);
    sqlite3_bind_text(m->meta, 1, key, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(m->meta, 2, value, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(m->meta) != SQLITE_DONE) return mb_sqlerr(m, "write metadata");
    return PX_OK;
}

px_status px_mbtiles_put(px_mbtiles *m, int z, uint32_t x, uint32_t y, const void *data, size_t len)
{
    if (!m || (!data && len)) return px__error(m ? m->ctx : NULL, PX_EINVAL, "px_mbtiles_put: NULL argument");
    if (z < 0 || z > 24 || x >= (1u << z) || y >= (1u << z))
        return px__error(m->ctx, PX_EINVAL, "%s: tile %d/%u/%u is outside its zoom", m->path, z, x, y);
    uint32_t row = (1u << z) - 1 - y; /* TMS: rows count from the south */
    sqlite3_reset(m->put);
    sqlite3_bind_int(m->put, 1, z);
    sqlite3_bind_int64(m->put, 2, x);
    sqlite3_bind_int64(m->put, 3, row);
    sqlite3_bind_blob(m->put, 4, data, (int)len, SQLITE_STATIC);
    int rc = sqlite3_step(m->put);
    sqlite3_clear_bindings(m->put);
    if (rc != SQLITE_DONE) return mb_sqlerr(m, "write tile");
    return PX_OK;
}

px_status px_mbtiles_finish(px_mbtiles *m)
{
    if (!m) return PX_EINVAL;
    px_status rc = PX_OK;
    sqlite3_finalize(m->put);
    sqlite3_finalize(m->meta);
    m->put = m->meta = NULL;
    /* The unique index readers expect; built once at the end, which is faster
     * than maintaining it during the inserts. */
    if (sqlite3_exec(m->db,
                     "CREATE UNIQUE INDEX tile_index ON tiles (zoom_level, tile_column, tile_row);"
                     "COMMIT;",
                     NULL, NULL, NULL) != SQLITE_OK) {
        rc = mb_sqlerr(m, "finish");
        goto done;
    }
    if (sqlite3_close(m->db) != SQLITE_OK) {
        rc = mb_sqlerr(m, "close");
        goto done;
    }
    m->db = NULL;
    if (rename(m->tmp, m->path) != 0)
        rc = px__error(m->ctx, PX_EIO, "%s: cannot rename into place: %s", m->path, strerror(errno));
done:
    if (rc != PX_OK) unlink(m->tmp);
    mb_free(m);
    return rc;
}

void px_mbtiles_abort(px_mbtiles *m)
{
    if (!m) return;
    char *tmp = m->tmp;
    m->tmp = NULL;
    mb_free(m);
    if (tmp) unlink(tmp);
    free(tmp);
}
