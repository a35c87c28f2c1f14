/*
 * Named blobs in the table px_blobs (see store_blob.h), created on first
 * use. One row per blob; SQLite keeps large blobs in overflow pages, read
 * back in one sqlite3_column_blob call.
 */
#include "store_blob.h"
#include "store_int.h"

#include <stdlib.h>
#include <string.h>

static px_status ensure_table(px_store *s)
{
    return px__store_exec(s, "CREATE TABLE IF NOT EXISTS px_blobs(name TEXT PRIMARY KEY, stamp TEXT NOT NULL,"
                             " data BLOB NOT NULL)");
}

px_status px__store_blob_put(px_store *s, const char *name, const char *stamp, const void *data, size_t len)
{
    if (!s || !name || !stamp || (len && !data)) return px__error(s ? s->ctx : NULL, PX_EINVAL, "blob: NULL argument");
    if (s->pg) return px__pg_blob_put(s, name, stamp, data, len);
    if (len > 1000000000) return px__error(s->ctx, PX_EINVAL, "%s: blob '%s' over 1 GB", s->path, name);
    px_status rc = ensure_table(s);
    sqlite3_stmt *st = NULL;
    if (rc == PX_OK) rc = px__store_prepare(s, "INSERT OR REPLACE INTO px_blobs(name, stamp, data) VALUES(?, ?, ?)", &st);
    if (rc != PX_OK) return rc;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, stamp, -1, SQLITE_STATIC);
    sqlite3_bind_blob64(st, 3, len ? data : "", (sqlite3_uint64)len, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE) rc = px__store_sqlerr(s, "write blob");
    sqlite3_finalize(st);
    return rc;
}

px_status px__store_blob_get(px_store *s, const char *name, char **stamp, void **data, size_t *len)
{
    if (!s || !name || !stamp || !data || !len) return px__error(s ? s->ctx : NULL, PX_EINVAL, "blob: NULL argument");
    if (s->pg) return px__pg_blob_get(s, name, stamp, data, len);
    if (!px_store_has_table(s, "px_blobs")) return PX_ENOTFOUND;
    sqlite3_stmt *st = NULL;
    px_status rc = px__store_prepare(s, "SELECT stamp, data FROM px_blobs WHERE name = ?", &st);
    if (rc != PX_OK) return rc;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    int r = sqlite3_step(st);
    if (r == SQLITE_ROW) {
        const void *b = sqlite3_column_blob(st, 1);
        size_t n = (size_t)sqlite3_column_bytes(st, 1);
        char *sp = px__strdup((const char *)sqlite3_column_text(st, 0));
        void *d = malloc(n ? n : 1);
        if (!sp || !d) {
            free(sp);
            free(d);
            rc = px__error(s->ctx, PX_ENOMEM, "out of memory");
        } else {
            if (n) memcpy(d, b, n);
            *stamp = sp;
            *data = d;
            *len = n;
        }
    } else {
        rc = r == SQLITE_DONE ? PX_ENOTFOUND : px__store_sqlerr(s, "read blob");
    }
    sqlite3_finalize(st);
    return rc;
}

px_status px__store_blob_info(px_store *s, const char *name, char **stamp, size_t *len)
{
    if (!s || !name || !stamp || !len) return px__error(s ? s->ctx : NULL, PX_EINVAL, "blob: NULL argument");
    if (s->pg) return px__pg_blob_info(s, name, stamp, len);
    if (!px_store_has_table(s, "px_blobs")) return PX_ENOTFOUND;
    sqlite3_stmt *st = NULL;
    px_status rc = px__store_prepare(s, "SELECT stamp, length(data) FROM px_blobs WHERE name = ?", &st);
    if (rc != PX_OK) return rc;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    int r = sqlite3_step(st);
    if (r == SQLITE_ROW) {
        *stamp = px__strdup((const char *)sqlite3_column_text(st, 0));
        *len = (size_t)sqlite3_column_int64(st, 1);
        if (!*stamp) rc = px__error(s->ctx, PX_ENOMEM, "out of memory");
    } else {
        rc = r == SQLITE_DONE ? PX_ENOTFOUND : px__store_sqlerr(s, "read blob");
    }
    sqlite3_finalize(st);
    return rc;
}

px_status px__store_blob_read(px_store *s, const char *name, size_t offset, void *buf, size_t n)
{
    if (!s || !name || (n && !buf)) return px__error(s ? s->ctx : NULL, PX_EINVAL, "blob: NULL argument");
    if (s->pg) return px__pg_blob_read(s, name, offset, buf, n);
    sqlite3_stmt *st = NULL;
    px_status rc = px__store_prepare(s, "SELECT rowid FROM px_blobs WHERE name = ?", &st);
    if (rc != PX_OK) return rc;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    int r = sqlite3_step(st);
    sqlite3_int64 rowid = r == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_finalize(st);
    if (r != SQLITE_ROW) return r == SQLITE_DONE ? PX_ENOTFOUND : px__store_sqlerr(s, "read blob");
    sqlite3_blob *b = NULL;
    if (sqlite3_blob_open(s->db, "main", "px_blobs", "data", rowid, 0, &b) != SQLITE_OK) {
        rc = px__store_sqlerr(s, "open blob");
        sqlite3_blob_close(b);
        return rc;
    }
    if (offset + n > (size_t)sqlite3_blob_bytes(b)) rc = px__error(s->ctx, PX_EINVAL, "%s: blob '%s': read past its end", s->path, name);
    /* sqlite3_blob_read takes an int count: read in chunks of up to 512 MiB. */
    for (size_t done = 0; rc == PX_OK && done < n;) {
        int chunk = n - done > (1u << 29) ? (1 << 29) : (int)(n - done);
        if (sqlite3_blob_read(b, (char *)buf + done, chunk, (int)(offset + done)) != SQLITE_OK)
            rc = px__store_sqlerr(s, "read blob");
        done += (size_t)chunk;
    }
    sqlite3_blob_close(b);
    return rc;
}

px_status px__store_blob_delete(px_store *s, const char *name)
{
    if (s->pg) return px__pg_blob_delete(s, name);
    if (!px_store_has_table(s, "px_blobs")) return PX_OK;
    sqlite3_stmt *st = NULL;
    px_status rc = px__store_prepare(s, "DELETE FROM px_blobs WHERE name = ?", &st);
    if (rc != PX_OK) return rc;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE) rc = px__store_sqlerr(s, "delete blob");
    sqlite3_finalize(st);
    return rc;
}
