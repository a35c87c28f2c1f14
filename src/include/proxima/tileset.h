/*
 * Proxima tilesets: vector tiles served one at a time, for the map server
 * and the static site. A tileset is either one store table, loaded into
 * memory once and tiled on request, or an existing MBTiles file read as is.
 *
 * Tiles come out gzipped (as HTTP servers send them with Content-Encoding
 * gzip, and as MBTiles holds them) or raw. Empty tiles are reported as such
 * (NULL data) so that a server can answer 204 and a site can skip them.
 * Numbering is XYZ.
 */
#ifndef PROXIMA_TILESET_H
#define PROXIMA_TILESET_H

#include "proxima/core.h"
#include "proxima/store.h"
#include "proxima/tiles.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct px_tileset px_tileset;

/* Load table `table` of `store` (both borrowed; the store is not used after
 * the call) into a tileset named after the table, with one MVT layer of the
 * same name holding every column but `props`. `opts` (NULL: defaults) gives
 * the zoom range, extent, buffer and simplification. *out caller-frees with
 * px_tileset_close. Returns PX_EINVAL, PX_ENOTFOUND (no such table),
 * PX_EDOMAIN (no geometry), PX_ESQLITE, PX_EPROJ, PX_EGEOS, PX_ENOMEM. */
px_status px_tileset_open_table(px_ctx *ctx, px_store *store, const char *table, const px_vtiles_options *opts,
                                px_tileset **out);

/* Open the MBTiles file `path` (borrowed) read-only as a tileset named
 * `name` (borrowed; NULL: the file's base name). Only vector tilesets
 * (format pbf) are accepted. Returns PX_EIO, PX_EPARSE, PX_EDOMAIN (not
 * vector tiles), PX_ENOMEM. */
px_status px_tileset_open_mbtiles(px_ctx *ctx, const char *path, const char *name, px_tileset **out);

/* Close; NULL accepted. */
void px_tileset_close(px_tileset *ts);

/* The tileset's name; borrowed. */
const char *px_tileset_name(const px_tileset *ts);

/* Zoom range, bounds (lon/lat: west, south, east, north) and attribution
 * (borrowed, "" when none). */
void px_tileset_zooms(const px_tileset *ts, int *minzoom, int *maxzoom);
/* 0 for a table tileset whose table has no feature (its bounds are then the
 * whole world: callers that walk every tile use the region's instead), 1
 * otherwise. */
int px_tileset_has_extent(const px_tileset *ts);
void px_tileset_bounds(const px_tileset *ts, double bounds[4]);
const char *px_tileset_attribution(const px_tileset *ts);

/* Does the tileset hold MVT layer `layer`? */
int px_tileset_has_layer(const px_tileset *ts, const char *layer);

/* Build or read tile `t`. `gzip` non-zero: gzipped MVT, else raw. *data is
 * caller-frees (free()); NULL with *len 0 for an empty tile, and for any tile
 * outside the zoom range or the bounds. Thread-safe: concurrent calls on one
 * tileset are fine, each with its own context. Returns PX_EINVAL (tile
 * outside its zoom), PX_ESQLITE, PX_EIO (an MBTiles tile that is not gzip
 * when raw is asked), PX_ENOMEM. */
px_status px_tileset_tile(px_ctx *ctx, const px_tileset *ts, px_tile t, int gzip, unsigned char **data,
                          size_t *len);

/* TileJSON 3.0.0 of the tileset with `tiles_url` (borrowed, e.g.
 * "tiles/communes/{z}/{x}/{y}.pbf") as its one tile URL, compact JSON in a
 * new string (caller-frees), or NULL when out of memory. */
char *px_tileset_tilejson(const px_tileset *ts, const char *tiles_url);

#ifdef __cplusplus
}
#endif
#endif
