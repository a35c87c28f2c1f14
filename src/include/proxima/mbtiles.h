/*
 * MBTiles 1.3 writer: a tileset in one SQLite file (tables `metadata` and
 * `tiles`, TMS row order). It lives in the store module because all of
 * Proxima's SQL does; the tiles module only hands it finished tile blobs.
 *
 * The file is written under a temporary name in the destination folder and
 * renamed over `path` by px_mbtiles_finish, so an interrupted run never leaves
 * a half-written tileset at `path`. Reading MBTiles is left to GDAL and the
 * viewer.
 */
#ifndef PROXIMA_MBTILES_H
#define PROXIMA_MBTILES_H

#include "proxima/core.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct px_mbtiles px_mbtiles;

/* Start a new tileset that will replace `path` (borrowed) when finished.
 * On success *out must be finished or aborted.
 * Returns PX_EINVAL (NULL argument), PX_EIO (folder not writable),
 * PX_ESQLITE, PX_ENOMEM. */
px_status px_mbtiles_create(px_ctx *ctx, const char *path, px_mbtiles **out);

/* Set metadata `key` to `value` (both borrowed), replacing an earlier value.
 * Returns PX_EINVAL, PX_ESQLITE. */
px_status px_mbtiles_set_metadata(px_mbtiles *m, const char *key, const char *value);

/* Store one tile given in XYZ numbering (y = 0 at the north); the row is
 * flipped to TMS here, the only place that knows MBTiles counts from the
 * south. `data` (borrowed) is stored as is (the caller gzips vector tiles).
 * Returns PX_EINVAL (zoom outside 0..24 or x/y outside the zoom), PX_ESQLITE. */
px_status px_mbtiles_put(px_mbtiles *m, int z, uint32_t x, uint32_t y, const void *data, size_t len);

/* Commit, close, and rename the file over the destination. Frees `m` in every
 * case; on failure the temporary file is removed and the destination is left
 * as it was. Returns PX_ESQLITE, PX_EIO. */
px_status px_mbtiles_finish(px_mbtiles *m);

/* Discard the tileset and its temporary file; NULL accepted. */
void px_mbtiles_abort(px_mbtiles *m);

/* ---- reading (mbtiles_read.c) ------------------------------------------- */

typedef struct px_mbtiles_reader px_mbtiles_reader;

/* Open the MBTiles file `path` (borrowed) read-only; nothing is ever written
 * to it. The reader may be shared between threads: its calls serialise on an
 * internal lock. On success *out is caller-frees with px_mbtiles_close.
 * Returns PX_EINVAL (NULL argument), PX_EIO (missing or not SQLite),
 * PX_EPARSE (no `tiles` or `metadata` table). */
px_status px_mbtiles_open(px_ctx *ctx, const char *path, px_mbtiles_reader **out);

/* Tile z/x/y in XYZ numbering (the row is flipped to TMS here). *data is
 * caller-frees (free()) and NULL with *len 0 when the tileset has no such
 * tile. Errors go on `ctx` (the caller's, so that each thread uses its own).
 * Returns PX_EINVAL (tile outside its zoom), PX_ESQLITE, PX_ENOMEM. */
px_status px_mbtiles_get(px_mbtiles_reader *r, px_ctx *ctx, int z, uint32_t x, uint32_t y, unsigned char **data,
                         size_t *len);

/* Metadata value of `key`; *value caller-frees. Returns PX_ENOTFOUND when
 * the key is absent, PX_ESQLITE, PX_ENOMEM. */
px_status px_mbtiles_get_metadata(px_mbtiles_reader *r, px_ctx *ctx, const char *key, char **value);

/* Close; NULL accepted. */
void px_mbtiles_close(px_mbtiles_reader *r);

#ifdef __cplusplus
}
#endif
#endif
