/*
 * MBTiles 1.3 reader (see proxima/mbtiles.h): one read-only SQLite
 * connection, two prepared statements, one lock. The map server reads its
 * tiles through here; it caches what it serves, so the lock is not on the
 * hot path of cached tiles. Opened with SQLITE_OPEN_READONLY so that a
 * server can never change a user's tileset.
 *
 * Left out: the deduplicated images/map layout some writers use (the `tiles`
 * view they create reads the same), and UTFGrid.
 */
#include "store_int.h"
#include "proxima/mbtiles.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct px_mbtiles_reader {
    sqlite3 *db;
    sqlite3_stmt *tile, *meta;
    pthread_mutex_t lock;
    char *path;
};

void px_mbtiles_close(px_mbtiles_reader *r)
{
    if (!r) return;
    sqlite3_finalize(r->tile);
    sqlite3_finalize(r->meta);
    if (r->db) sqlite3_close(r->db);
    pthread_mutex_destroy(&r->lock);
    free(r->path);
    free(r);
}

px_status px_mbtiles_open(px_ctx *ctx, const char *path, px_mbtiles_reader **out)
{
    if (!ctx || !path || !out) return px__error(ctx, PX_EINVAL, "px_mbtiles_open: NULL argument");
    px_mbtiles_reader *r = calloc(1, sizeof *r);
    if (!r) return px__error(ctx, PX_ENOMEM, "out of memory");
    pthread_mutex_init(&r->lock, NULL);
    px_status rc = PX_OK;
    if (!(r->path = px__strdup(path))) {
        rc = px__error(ctx, PX_ENOMEM, "out of memory");
        goto done;
    }
    if (sqlite3_open_v2(path, &r->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
        rc = px__error(ctx, PX_EIO, "%s: cannot open: %s", path, r->db ? sqlite3_errmsg(r->db) : "out of memory");
        goto done;
    }
    if (sqlite3_prepare_v2(r->db,
                           "SELECT tile_data FROM tiles WHERE zoom_level = ?1 AND tile_column = ?2 AND tile_row = ?3",
                           -1, &r->tile, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(r->db, "SELECT value FROM metadata WHERE name = ?1", -1, &r->meta, NULL) != SQLITE_OK) {
        int code = sqlite3_errcode(r->db);
        rc = code == SQLITE_NOTADB || code == SQLITE_CANTOPEN
                 ? px__error(ctx, PX_EIO, "%s: not an SQLite file: %s", path, sqlite3_errmsg(r->db))
                 : px__error(ctx, PX_EPARSE, "%s: not an MBTiles file (no tiles/metadata table): %s", path,
                             sqlite3_errmsg(r->db));
    }
done:
    if (rc != PX_OK) {
        px_mbtiles_close(r);
        return rc;
    }
    *out = r;
    return PX_OK;
}

px_status px_mbtiles_get(px_mbtiles_reader *r, px_ctx *ctx, int z, uint32_t x, uint32_t y, unsigned char **data,
                         size_t *len)
{
    if (!r || !data || !len) return px__error(ctx, PX_EINVAL, "px_mbtiles_get: NULL argument");
    if (z < 0 || z > 24 || x >= (1u << z) || y >= (1u << z))
        return px__error(ctx, PX_EINVAL, "%s: tile %d/%u/%u is outside its zoom", r->path, z, x, y);
    px_status rc = PX_OK;
    unsigned char *buf = NULL;
    size_t n = 0;
    pthread_mutex_lock(&r->lock);
    sqlite3_reset(r->tile);
    sqlite3_bind_int(r->tile, 1, z);
    sqlite3_bind_int64(r->tile, 2, x);
    sqlite3_bind_int64(r->tile, 3, (int64_t)(1u << z) - 1 - y);
    int s = sqlite3_step(r->tile);
    if (s == SQLITE_ROW) {
        const void *blob = sqlite3_column_blob(r->tile, 0);
        n = (size_t)sqlite3_column_bytes(r->tile, 0);
        if (n) {
            if (!(buf = malloc(n)))
                rc = px__error(ctx, PX_ENOMEM, "out of memory");
            else
                memcpy(buf, blob, n);
        }
    } else if (s != SQLITE_DONE) {
        rc = px__error(ctx, PX_ESQLITE, "%s: read tile %d/%u/%u: %s", r->path, z, x, y, sqlite3_errmsg(r->db));
    }
    sqlite3_reset(r->tile);
    pthread_mutex_unlock(&r->lock);
    if (rc != PX_OK) return rc;
    *data = buf;
    *len = buf ? n : 0;
    return PX_OK;
}

px_status px_mbtiles_get_metadata(px_mbtiles_reader *r, px_ctx *ctx, const char *key, char **value)
{
    if (!r || !key || !value) return px__error(ctx, PX_EINVAL, "px_mbtiles_get_metadata: NULL argument");
    px_status rc = PX_OK;
    char *v = NULL;
    pthread_mutex_lock(&r->lock);
    sqlite3_reset(r->meta);
    sqlite3_bind_text(r->meta, 1, key, -1, SQLITE_TRANSIENT);
    int s = sqlite3_step(r->meta);
    if (s == SQLITE_ROW) {
        const char *t = (const char *)sqlite3_column_text(r->meta, 0);
        if (!(v = px__strdup(t ? t : ""))) rc = px__error(ctx, PX_ENOMEM, "out of memory");
    } else if (s == SQLITE_DONE) {
        rc = px__error(ctx, PX_ENOTFOUND, "%s: no metadata '%s'", r->path, key);
    } else {
        rc = px__error(ctx, PX_ESQLITE, "%s: read metadata: %s", r->path, sqlite3_errmsg(r->db));
    }
    sqlite3_reset(r->meta);
    pthread_mutex_unlock(&r->lock);
    if (rc == PX_OK) *value = v;
    return rc;
}
