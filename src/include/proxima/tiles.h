/*
 * Proxima map tiles: Mapbox Vector Tiles (MVT 2.1) and styled PNG tiles, to
 * an MBTiles 1.3 file or to an XYZ folder with a TileJSON 3.0 file, plus the
 * MapLibre GL styles the raster renderer and the web viewer share.
 *
 * Tiles are numbered XYZ (y = 0 at the north, Web Mercator EPSG:3857); the
 * MBTiles writer flips rows to TMS. Features are read from the project store
 * once, reprojected once, then simplified once per zoom and clipped per tile.
 * The raster renderer draws text labels of symbol layers; icons, sprites and
 * glyph ranges are not supported. px_render_map draws a style over any view
 * (print maps).
 */
#ifndef PROXIMA_TILES_H
#define PROXIMA_TILES_H

#include "proxima/core.h"
#include "proxima/store.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One tile, XYZ numbering. */
typedef struct px_tile {
    int z;
    uint32_t x, y;
} px_tile;

/* Tile containing lon/lat (degrees) at zoom z (0..24). */
px_tile px_tile_from_lonlat(double lon, double lat, int z);

/* A layer to tile: a store table, written as the MVT layer of the same name. */
typedef struct px_tiles_layer {
    const char *table;          /* borrowed */
    const char *const *columns; /* borrowed, NULL-terminated attributes to keep;
                                   NULL: every column except `props` */
} px_tiles_layer;

typedef struct px_vtiles_options {
    int minzoom, maxzoom;    /* default 0 and 14; 0 <= min <= max <= 20 */
    int extent;              /* tile extent in integer units, default 4096 */
    int buffer;              /* clip buffer in extent units, default 64 */
    double simplify;         /* Douglas-Peucker tolerance in extent units,
                                default 4 (a quarter pixel of a 256 px tile) */
    size_t max_tile_bytes;   /* cap on a stored (gzipped) tile, default 500 KiB */
    int threads;             /* worker threads, default 2 */
    int feature_ids;         /* write the store fid as the MVT feature id
                                (default 1; web maps use it for feature-state) */
    const char *name;        /* tileset name; default: the output's base name */
    const char *attribution; /* default: px_tiles_attribution of the layers */
    size_t aggregate_min;    /* a layer of points with more features than this
                                (default 2000; 0: never) is aggregated per grid
                                cell below the max zoom: one feature per cell
                                with point_count, the sum of `count` and
                                count-weighted means of numeric columns */
    int aggregate_cell;      /* cell size in extent units, default 16 */
} px_vtiles_options;

/* Fill `o` with the defaults above. */
void px_vtiles_options_default(px_vtiles_options *o);

/* What a tiling run did. */
typedef struct px_tiles_report {
    uint64_t n_features;     /* source features read (all layers) */
    uint64_t n_tiles;        /* tiles written */
    uint64_t n_bytes;        /* sum of stored tile sizes */
    uint64_t n_tiles_capped; /* tiles that were over the size cap */
    uint64_t n_dropped;      /* features dropped from those tiles to fit */
    uint64_t max_tile_bytes; /* largest stored tile */
    uint64_t n_aggregated;   /* point features merged into cells (all zooms) */
} px_tiles_report;

/* Write vector tiles of `layers` (n_layers >= 1, borrowed) of `store` to
 * `out_path`: an MBTiles file if it ends in ".mbtiles", else a folder
 * {z}/{x}/{y}.pbf (gzip-free) with `tiles.json` (TileJSON 3.0) in it; a folder
 * that exists must be an earlier Proxima tile folder (it has tiles.json) and
 * is replaced. `opts` may be NULL (defaults). On success *report (may be NULL)
 * is filled. Returns PX_EINVAL (bad option or argument), PX_ENOTFOUND (no
 * such table or column), PX_EDOMAIN (a table without geometry), PX_EIO,
 * PX_ESQLITE, PX_EPROJ, PX_EGEOS, PX_ENOMEM, PX_ECANCELLED. */
px_status px_tiles_write_vector(px_ctx *ctx, px_store *store, const px_tiles_layer *layers, size_t n_layers,
                                const char *out_path, const px_vtiles_options *opts, px_tiles_report *report);

/* The combined credit line of the sources behind `tables` (n_tables,
 * borrowed; store table names): the project's "attribution" setting if any,
 * then each table's sources' `attribution:` from the layer definition, a
 * result table being credited with every loaded layer it derives from;
 * "; "-separated, each credit once. This is what tilesets (MBTiles metadata,
 * TileJSON) and maps carry when no attribution is given. *out caller-frees
 * (free()); "" when nothing is known. Returns PX_EINVAL, PX_ESQLITE,
 * PX_ENOMEM. */
px_status px_tiles_attribution(px_ctx *ctx, px_store *store, const char *const *tables, size_t n_tables,
                               char **out);

/* ---- styles ------------------------------------------------------------- */

typedef struct px_style px_style;

/* Read a MapLibre GL style (JSON, version 8): layer types background, fill,
 * line, circle, symbol (text labels: text-field, text-size, text-font,
 * text-color, text-opacity, text-halo-color, text-halo-width); their paint
 * and layout properties that Proxima draws; a layer whose "metadata" has
 * "proxima:optional": true draws nothing where its table is missing; filters
 * and values as constants, legacy zoom functions or expressions, compiled
 * with the style specification's typing (README, "Styles"). A construct
 * Proxima does not implement (a layer type, a property it does not draw, an
 * operator such as feature-state) is refused with PX_EUNSUPPORTED; a style
 * that breaks the specification (wrong arity or type, unordered stops, a
 * value out of range, "zoom" misplaced) with PX_EPARSE; both name
 * "FILE: layer 'ID': paint 'PROPERTY': what". Returns also PX_EIO
 * (unreadable), PX_EPARSE (not JSON / not a style). *out caller-frees with
 * px_style_free. */
px_status px_style_read(px_ctx *ctx, const char *path, px_style **out);
void px_style_free(px_style *style);

/* The store tables (source-layer names) the style draws, in first-use order;
 * borrowed from the style. */
size_t px_style_n_tables(const px_style *style);
const char *px_style_table(const px_style *style, size_t i);

typedef struct px_rtiles_options {
    int minzoom, maxzoom;           /* default 0 and 14 */
    int tile_size;                  /* 256 (default) or 512 CSS pixels per tile */
    int pixel_ratio;                /* 1 (default) or 2 (@2x: twice the pixels) */
    int threads;                    /* default 2 */
    const char *name, *attribution; /* as px_vtiles_options */
} px_rtiles_options;

void px_rtiles_options_default(px_rtiles_options *o);

/* Render one tile of `store` styled by `style` (both borrowed) to PNG.
 * *png is caller-frees (free()), *len its size. Style zoom is
 * max(0, z + log2(tile_size / 512)), as MapLibre sees a tile of that size.
 * Returns
 * PX_EINVAL, PX_ENOTFOUND (a style's table is missing), PX_EIO, PX_ENOMEM. */
px_status px_tiles_render_png(px_ctx *ctx, px_store *store, const px_style *style, px_tile tile,
                              const px_rtiles_options *opts, unsigned char **png, size_t *len);

/* Render every tile between the zooms over the extent of the style's tables
 * to `out_path`: MBTiles (format=png) if it ends in ".mbtiles", else a folder
 * {z}/{x}/{y}.png (with "@2x" before ".png" when pixel_ratio is 2) and
 * tiles.json. Tiles that draw nothing are skipped; tables without features
 * give an empty tileset at once. Statuses as px_tiles_write_vector. */
px_status px_tiles_write_raster(px_ctx *ctx, px_store *store, const px_style *style, const char *out_path,
                                const px_rtiles_options *opts, px_tiles_report *report);

/* ---- maps: the same renderer over any view ------------------------------ */

/* What a map shows: a box in Web Mercator metres (EPSG:3857, the tiles'
 * projection; a box in another CRS must be reprojected by the caller), drawn
 * into width_px x height_px device units with `scale` device units per CSS
 * pixel (1 for a screen, 2 for @2x, 300/96 for 300 dpi print with PNG, 1 for
 * PDF/SVG whose unit is the point). The box is fitted inside the page,
 * centred, keeping its aspect. The style zoom is what MapLibre would use for
 * that many CSS pixels over that box, so line widths, circle radii and text
 * sizes are those of the web map. */
typedef struct px_map_view {
    double minx, miny, maxx, maxy;
    int width_px, height_px; /* 1..20000 */
    double scale;            /* > 0; 0 means 1 */
} px_map_view;

/* Draw `style` (borrowed) over `view` from `store` onto the caller's cairo
 * context `cairo_cr` (a cairo_t *, borrowed: Proxima draws on it, saving and
 * restoring its state, and never destroys it or its surface), so a print
 * layout can place the map and then add its title, legend and scale bar.
 * Every layer type of the style is drawn, labels included. Returns
 * PX_EINVAL (bad view or argument), PX_ENOTFOUND (a style table is missing),
 * PX_EIO, PX_ESQLITE, PX_EPROJ, PX_ENOMEM. */
px_status px_render_map(px_ctx *ctx, px_store *store, const px_style *style, const px_map_view *view,
                        void *cairo_cr);

/* The same into a file chosen by the extension of `path` (borrowed): .png,
 * .pdf or .svg, written under a temporary name and renamed into place.
 * Statuses as px_render_map, plus PX_EINVAL for another extension. */
px_status px_render_map_file(px_ctx *ctx, px_store *store, const px_style *style, const px_map_view *view,
                             const char *path);

#ifdef __cplusplus
}
#endif
#endif
