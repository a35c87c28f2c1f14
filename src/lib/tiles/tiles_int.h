/*
 * What the tiles module's files share: the in-memory feature set (features
 * read once from the store, reprojected once to Web Mercator and kept in
 * "world" coordinates, [0,1] x [0,1] with y down), the geometry steps of the
 * vector pipeline, the tile sinks (MBTiles or XYZ folder), the thread pool,
 * and the style engine used by the raster renderer. Library-internal.
 *
 * World coordinates make every zoom a plain scale: tile-space x at zoom z is
 * wx * 2^z * extent - tx * extent.
 */
#ifndef PX_TILES_INT_H
#define PX_TILES_INT_H

#include "../core/core_int.h"
#include "proxima/tiles.h"

#include <jansson.h>

#define PX__GEOM_POINT 1
#define PX__GEOM_LINE 2
#define PX__GEOM_POLY 3

/* A geometry in world coordinates: parts are points (type POINT: one point
 * per part), lines, or rings (outer[i] = 1 starts a new polygon). */
typedef struct px__tgeom {
    uint8_t type;
    uint32_t n_parts;
    uint32_t *part_n; /* points per part */
    uint8_t *outer;   /* polygons only: 1 for an exterior ring */
    double *xy;       /* 2 * sum(part_n) values */
    double minx, miny, maxx, maxy;
} px__tgeom;

void px__tgeom_clear(px__tgeom *g);

/* An attribute value, interned per layer (so a tile's value table is built
 * from small integers). */
typedef struct px__tval {
    px_col_type type;
    int64_t i;
    double d;
    char *s;
} px__tval;

#define PX__NOVAL UINT32_MAX

/* One source layer, loaded whole. */
typedef struct px__tlayer {
    char *name;
    size_t n_cols;
    char **cols;
    px_col_type *types;
    size_t n_feat;
    px__tgeom *geoms; /* n_feat; type 0 for a NULL/empty geometry */
    int64_t *fids;
    uint32_t *vals; /* n_feat * n_cols value ids, PX__NOVAL for NULL */
    size_t n_values;
    px__tval *values;
    int has_extent;
    double minx, miny, maxx, maxy; /* world coordinates */
    int types_seen;                /* bit (1 << PX__GEOM_*) per geometry type found */
} px__tlayer;

/* Read `table` of `store` (columns NULL-terminated or NULL for all but
 * `props`), reproject to EPSG:3857 and keep in world coordinates.
 * *out caller-frees with px__tlayer_free. */
px_status px__tlayer_load(px_ctx *ctx, px_store *store, const char *table, const char *const *columns,
                          px__tlayer **out);
void px__tlayer_free(px__tlayer *l);
/* Index of column `name`, or -1. */
int px__tlayer_col(const px__tlayer *l, const char *name);

/* ---- aggregation of dense point layers (tagg.c) -------------------------- */

/* Is `l` a layer of points only with more than `min_features` features
 * (0: never)? */
int px__tlayer_is_dense_points(const px__tlayer *l, size_t min_features);

/* The points of `src` aggregated per grid cell of `cell` tile units at zoom
 * z (extent units per tile), by the rule stated in tagg.c; the result has
 * the source's columns plus `point_count`. *out caller-frees with
 * px__tlayer_free; *n_merged gets the number of source points that went
 * into multi-point cells. 0 or -1 (out of memory). */
int px__tlayer_aggregate(const px__tlayer *src, int z, int extent, int cell, px__tlayer **out,
                         uint64_t *n_merged);

/* World <-> lon/lat (spherical Mercator, exact inverse formulas). */
void px__world_to_lonlat(double wx, double wy, double *lon, double *lat);
void px__lonlat_to_world(double lon, double lat, double *wx, double *wy);

/* ---- vector geometry steps (tgeom.c); all thread-safe, no context ------- */

/* Douglas-Peucker simplification of `in` with tolerance `tol` (world units)
 * into `out` (cleared first). Rings that collapse below 4 points are dropped
 * with their holes, lines below 2, unless `keep_all` (the max zoom, where
 * every source feature must stay): then the part is kept unsimplified.
 * 0 or -1 (out of memory). */
int px__tgeom_simplify(const px__tgeom *in, double tol, int keep_all, px__tgeom *out);

/* A growable uint32 array for MVT command streams. */
typedef struct px__u32buf {
    uint32_t *v;
    size_t n, cap;
} px__u32buf;
int px__u32buf_push(px__u32buf *b, uint32_t x);

/* Scratch space a worker reuses between features. */
typedef struct px__clipbuf {
    double *a, *b;
    size_t cap;
    int32_t *q;
    size_t qcap;
    GEOSContextHandle_t geos; /* the worker's own GEOS context, made on first use */
} px__clipbuf;
void px__clipbuf_free(px__clipbuf *c);

/* An MVT command stream being written: the cursor carries over between
 * parts of a feature. */
typedef struct px__enc {
    px__u32buf *cmds;
    int32_t cx, cy;
} px__enc;

/* Append MoveTo, LineTo(n - 1) and, with `close`, ClosePath for the n
 * integer points `q`. 0 or -1 (out of memory). */
int px__enc_path(px__enc *e, const int32_t *q, size_t n, int close);

/* Twice the signed area (surveyor's formula) of an open integer ring of n
 * points in tile coordinates: positive when clockwise on screen (y down). */
double px__ring_area2(const int32_t *q, size_t n);

/* Reverse an open ring's direction in place, keeping its first point first. */
void px__ring_reverse(int32_t *q, size_t n);

/* Polygons of `g` (PX__GEOM_POLY; world units) to tile space by `scale`
 * and the offset (ox, oy), clipped to [lo, hi]^2 and snap-rounded to the
 * integer grid in one GEOS overlay (OverlayNG, grid size 1), which leaves
 * them valid as MVT 2.1 section 4.3.4.4 asks; inputs that simplification
 * made invalid are repaired with GEOSMakeValid first. Exterior rings are
 * written clockwise on screen (positive area with y down), holes
 * anticlockwise, each polygon's exterior before its holes; rings that snap
 * to nothing are gone. *area2 gets twice the written area. Returns 1 if
 * something was written, 0 if nothing is left, -1 out of memory, -2 when
 * GEOS fails on the geometry (the caller falls back to plain clipping). */
int px__tpoly_encode(const px__tgeom *g, double scale, double ox, double oy, double lo, double hi,
                     px__clipbuf *c, px__enc *e, double *area2);

/* Clip `g` to tile (z, tx, ty) grown by `buffer`, quantise to `extent`, fix
 * polygon winding (exterior positive area with y down), drop degenerate
 * parts and append the MVT command stream to `cmds`. *importance gets the
 * clipped area (polygons, extent units^2) or length (lines); 0 for points.
 * With `keep_tiny` (max zoom), a line or polygon that quantises to nothing
 * becomes a 1-unit segment or square in the tile holding its box centre.
 * Returns 1 if something was emitted, 0 if the feature misses the tile, -1 on
 * allocation failure. */
int px__tgeom_encode(const px__tgeom *g, int z, uint32_t tx, uint32_t ty, int extent, int buffer,
                     int keep_tiny, px__clipbuf *scratch, px__u32buf *cmds, double *importance);

/* ---- one MVT tile (mvt_encode.c) ---------------------------------------- */

/* A feature placed in a tile: its layer and index. */
typedef struct px__tentry {
    uint32_t layer, feat;
} px__tentry;

typedef struct px__ttile_out {
    unsigned char *data; /* malloc'd; NULL when the tile is empty */
    size_t len;
    uint32_t n_dropped; /* features dropped to respect the cap */
    int capped;         /* it was over the cap */
    int failed;         /* allocation or compression failure */
} px__ttile_out;

typedef struct px__vt_job {
    px__tlayer **layers;
    size_t n_layers;
    px__tgeom **zgeoms; /* per layer: the zoom's simplified geometries */
    int z, extent, buffer, gzip;
    int keep_tiny;   /* max zoom: no feature may vanish */
    int feature_ids; /* write fids as MVT ids */
    size_t max_bytes;
} px__vt_job;

/* Build, pack, (gzip) and cap one tile from `entries` (sorted by layer).
 * Thread-safe; result in *out. */
void px__mvt_tile(const px__vt_job *job, uint32_t tx, uint32_t ty, const px__tentry *entries, size_t n,
                  px__ttile_out *out);

/* gzip `in` into a new buffer (*out malloc'd), at level 9 or `level`. 0 or -1. */
int px__gzip(const unsigned char *in, size_t len, unsigned char **out, size_t *out_len);
int px__gzip_level(const unsigned char *in, size_t len, int level, unsigned char **out, size_t *out_len);

/* ---- tile sinks (tsink.c) ----------------------------------------------- */

typedef struct px__tsink px__tsink;

/* Open an MBTiles file (path ends in .mbtiles) or a folder; `ext` is the
 * tile file extension ("pbf", "png", "@2x.png"). */
px_status px__tsink_open(px_ctx *ctx, const char *path, const char *ext, px__tsink **out);
px_status px__tsink_put(px__tsink *s, int z, uint32_t x, uint32_t y, const unsigned char *data, size_t len);

/* Tileset description written as MBTiles metadata or TileJSON. */
typedef struct px__tmeta {
    const char *name, *format, *attribution, *description;
    double bounds[4]; /* lon/lat */
    int minzoom, maxzoom;
    json_t *vector_layers; /* borrowed; NULL for raster */
} px__tmeta;

/* Write the metadata, then commit/rename. Frees `s` in every case. */
px_status px__tsink_finish(px__tsink *s, const px__tmeta *meta);
void px__tsink_abort(px__tsink *s);

/* Base name of `path` without folder and extension, into a new string. */
char *px__tiles_basename(const char *path);

/* ---- parallel for (tpool.c) --------------------------------------------- */

/* Run fn(user, i, thread) for i in [0, n) on `threads` threads (the caller's
 * being one of them). Items are taken in order from a shared counter. */
void px__parallel_for(size_t n, int threads, void (*fn)(void *user, size_t i, int thread), void *user);

#endif
