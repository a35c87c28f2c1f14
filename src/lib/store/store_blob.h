/*
 * Named binary blobs kept inside the project (added by the network module;
 * library-internal): caches derived from tables, such as the compact graph
 * that px_graph_load reads instead of two million rows. Each blob carries a
 * caller-defined stamp saying what it was derived from, so a reader can
 * tell a stale cache and ignore it. Blobs are not layers: they never show in
 * px_store_tables.
 */
#ifndef PX_STORE_BLOB_H
#define PX_STORE_BLOB_H

#include "proxima/store.h"

/* Store (replace) blob `name` with `stamp` (both borrowed, NUL-terminated) and
 * `len` bytes of `data` (borrowed). Use inside the transaction that wrote what
 * the blob derives from. Returns PX_ESQLITE, PX_EINVAL (len over 1 GB). */
px_status px__store_blob_put(px_store *store, const char *name, const char *stamp, const void *data, size_t len);

/* Read blob `name`: *stamp and *data are caller-frees (free()), *len its size.
 * Returns PX_ENOTFOUND when there is none, PX_ENOMEM, PX_ESQLITE. */
px_status px__store_blob_get(px_store *store, const char *name, char **stamp, void **data, size_t *len);

/* Stamp (caller-frees, free()) and size of blob `name`, without its data.
 * Returns PX_ENOTFOUND, PX_ENOMEM, PX_ESQLITE. */
px_status px__store_blob_info(px_store *store, const char *name, char **stamp, size_t *len);

/* Copy `n` bytes at `offset` of blob `name` into `buf` (caller-owned), by
 * SQLite's incremental blob I/O: no intermediate copy of a large blob.
 * Returns PX_ENOTFOUND, PX_EINVAL (past the end), PX_ESQLITE. */
px_status px__store_blob_read(px_store *store, const char *name, size_t offset, void *buf, size_t n);

/* Remove blob `name` if present. */
px_status px__store_blob_delete(px_store *store, const char *name);

#endif
