/*
 * Proxima I/O: reading layer definitions, loading sources into the project
 * store through GDAL, and exporting tables to standard vector formats.
 *
 * All GDAL use lives behind this header. A load is one transaction: either
 * every layer of the definition is replaced, or the project is unchanged.
 */
#ifndef PROXIMA_IO_H
#define PROXIMA_IO_H

#include "proxima/core.h"
#include "proxima/store.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The canonical layers a definition may fill. */
typedef enum px_layer_id {
    PX_LAYER_COMMUNES = 0,
    PX_LAYER_BROWNFIELDS,
    PX_LAYER_CYCLE_ROUTES,
    PX_LAYER_FLOOD_ZONES,
    PX_LAYER_ROADS,
    PX_LAYER_SERVICES,
    PX_LAYER_POPULATION,
    PX_LAYER_WATER, /* rivers, streams (lines) and lakes (polygons), for the base map */
    PX_LAYER_COUNT
} px_layer_id;

/* Table name of a canonical layer ("communes"); static. */
const char *px_layer_name(px_layer_id id);
/* Look up a canonical layer by table name; PX_ENOTFOUND if unknown. */
px_status px_layer_lookup(const char *name, px_layer_id *out);
/* Schema of a canonical layer (static, never freed). */
const px_table_schema *px_layer_schema(px_layer_id id);

typedef struct px_layerdef px_layerdef;

/* Parse a layer definition (YAML, or JSON by extension .json). Relative source
 * paths resolve against the definition's folder. On success *out is
 * caller-frees with px_layerdef_free. PX_EPARSE names the file and line,
 * PX_EDOMAIN an unknown key or layer, PX_EIO an unreadable file. The format
 * is described in the README ("Layer definitions"); nothing is opened here:
 * sources, layers and fields are checked by px_load. `path` is borrowed. */
px_status px_layerdef_read(px_ctx *ctx, const char *path, px_layerdef **out);
void px_layerdef_free(px_layerdef *def);

/* Per-layer outcome of a load. */
typedef struct px_load_report {
    char layer[32];
    int64_t n_read;      /* features read from the sources (after filters) */
    int64_t n_loaded;    /* rows written */
    int64_t n_repaired;  /* invalid geometries made valid */
    int64_t n_rejected;  /* not loaded; reasons were logged as warnings */
} px_load_report;

typedef struct px_load_options {
    int strict;          /* non-zero: any rejection, and any thin-data warning (a filter or
                          * join that matches nothing, a layer left empty), fails the whole
                          * load (PX_EREJECTED) */
    int allow_empty;     /* non-zero: a layer may be replaced by nothing (0 features, or every
                          * feature rejected); otherwise that fails the load (PX_EDOMAIN) */
} px_load_options;

/* Load every layer of `def` into `store`, replacing those layers in one
 * transaction. On success *reports (caller-frees, free()) gets one entry per
 * loaded layer and *n_reports their count. On failure the store is unchanged.
 * `store` and `def` are borrowed; `opts` may be NULL (defaults).
 * Features that cannot be used are rejected, counted and logged as warnings
 * "SOURCE:LAYER:FID: reason"; invalid geometries are repaired and counted.
 * Thin data is said out loud as warnings naming the source: a filter that
 * matches no feature, a join that matches none (the id then falls back to the
 * feature id), a layer left empty (only with allow_empty).
 * Returns PX_EIO (missing source), PX_EGDAL (GDAL cannot open a source, bad
 * filter or SQL, or reports an error while reading one: a truncated file),
 * PX_EDOMAIN (a layer would be left empty and allow_empty is not set),
 * PX_ENOTFOUND (source layer or mapped field absent, or the
 * totals layer of a population proxy not loaded), PX_ECRS (source without CRS
 * and no `srs:`), PX_EREJECTED (strict and something was rejected),
 * PX_ECANCELLED, PX_ESQLITE, PX_EGEOS, PX_ENOMEM. */
px_status px_load(px_ctx *ctx, px_store *store, const px_layerdef *def,
                  const px_load_options *opts, px_load_report **reports, size_t *n_reports);

typedef struct px_export_options {
    const char *format;  /* "GeoJSON", "GeoJSONSeq", "GPKG", "FlatGeobuf", "CSV" (attributes
                          * only), or NULL: by extension */
    int precision;       /* GeoJSON decimals; 0 means the default 7 */
} px_export_options;

/* Write table `table` of `store` to `path`: GeoJSON is RFC 7946 (WGS84
 * lon/lat, right-hand rule, no crs member). Written to a temporary file in the
 * same folder and renamed: an interrupted export leaves no partial file, and
 * every write, flush and close is checked: on a failed write (full disk) the
 * temporary file is removed and an existing `path` is kept as it was.
 * Temporary files of earlier exports whose process is dead are removed.
 * Each feature carries the table's fid: the GeoJSON feature `id`, the
 * GeoPackage fid, and a first column `fid` in CSV and FlatGeobuf (unless the
 * table has a column of that name), so that references such as
 * net_edges.from_node resolve. In CSV and GeoJSON, real numbers are rounded
 * by px_export_decimals (the stored values are not).
 * Returns PX_ENOTFOUND (no table), PX_EINVAL (unknown format), PX_EIO
 * (folder not writable, a write failed), PX_EGDAL. */
px_status px_export(px_ctx *ctx, px_store *store, const char *table, const char *path,
                    const px_export_options *opts);

/* ---- queries for the map server (query.c) ------------------------------ */

/* RFC 7946 GeoJSON FeatureCollection (lon/lat, 7 decimals) of table `table`
 * of `store`: features whose geometry meets `bbox_lonlat` (west, south, east,
 * north in degrees; NULL: every feature), at most `limit` of them (0: no
 * limit) in fid order, each with its columns but `props` as properties
 * (reals rounded by px_export_decimals) and its fid as id. `as_points` non-zero writes each geometry's point on
 * surface instead (label points). *out caller-frees (free()), *len its size,
 * *n_features (may be NULL) the count, *truncated (may be NULL) 1 when
 * `limit` cut the result. Returns PX_EINVAL (bad box), PX_ENOTFOUND (no such
 * table), PX_EDOMAIN (no geometry), PX_EGDAL, PX_ESQLITE, PX_ENOMEM. */
px_status px_features_geojson(px_ctx *ctx, px_store *store, const char *table, const double *bbox_lonlat,
                              size_t limit, int as_points, char **out, size_t *len, size_t *n_features,
                              int *truncated);

/* The same query with its coordinate transformations made once, for a
 * caller that runs many (the map server keeps one per thread): creating them
 * is most of a small query's cost. `store` is borrowed and must outlive the
 * query; one query per thread. *out caller-frees with
 * px_features_query_free. Returns PX_ECRS, PX_ENOMEM. */
typedef struct px_features_query px_features_query;
px_status px_features_query_new(px_ctx *ctx, px_store *store, px_features_query **out);
/* As px_features_geojson on the query's store. */
px_status px_features_query_run(px_ctx *ctx, px_features_query *q, const char *table, const double *bbox_lonlat,
                                size_t limit, int as_points, char **out, size_t *len, size_t *n_features,
                                int *truncated);
void px_features_query_free(px_features_query *q);

/* Every row of table `table` as CSV text (GDAL's CSV writer: header line,
 * RFC 4180 quoting, no geometry, reals rounded by px_export_decimals). *out caller-frees (free()). Returns
 * PX_ENOTFOUND, PX_EGDAL, PX_ESQLITE, PX_ENOMEM. */
px_status px_table_csv(px_ctx *ctx, px_store *store, const char *table, char **out, size_t *len);

/* Write `len` bytes of `data` (borrowed) to `path` (borrowed) as every
 * output is written: to PATH.tmp-<pid>, every write, the sync and the close
 * checked, then renamed into place. On failure the temporary file is removed
 * and an existing `path` is left as it was; temporary files that dead
 * processes left for the same `path` are removed first.
 * Returns PX_EIO (with the system's reason), PX_ENOMEM, PX_EINVAL. */
px_status px_file_write(px_ctx *ctx, const char *path, const void *data, size_t len);

/* Decimals kept for real column `column` of table `table` in CSV and
 * GeoJSON output, by the unit in the name (README, "Result tables"):
 * `_min` 1, `_share` 4, `_pct` 1, `_m` 1, `_m2` 0, `_km`/`_km2` 3, `_s` 1,
 * counts (population, residents, count...) 0, other reals (scores, indices,
 * ratios) 2, except columns a table declares otherwise (2SFCA values and
 * inequality indices: 4). Both arguments borrowed; `table` may be NULL. */
int px_export_decimals(const char *table, const char *column);

/* `v` rounded to `decimals` (0-9) decimals; non-finite values and values
 * too large to have a fraction are returned unchanged, -0 becomes 0. */
double px_export_round(double v, int decimals);

#ifdef __cplusplus
}
#endif
#endif
