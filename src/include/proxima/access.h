/*
 * Proxima quarter-hour accessibility: for every population unit, mode and
 * service category, the minutes to the nearest (and n-th nearest) service on
 * the walk/bike network; per unit, the quarter-hour score; per commune and
 * for the whole region, population-weighted shares and median minutes.
 *
 * One bounded multi-source search per (category, mode), seeded at the
 * services on the reverse graph, gives every origin's minutes at once; the
 * jobs are shared between threads. Origins and services are snapped to the
 * nearest edge the mode may use (partial edges counted); anything farther
 * than the snapping distance is unreachable (NULL minutes), never dropped.
 */
#ifndef PROXIMA_ACCESS_H
#define PROXIMA_ACCESS_H

#include "proxima/core.h"
#include "proxima/layer.h"
#include "proxima/net.h"
#include "proxima/store.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct px_access_options {
    unsigned modes;                 /* bit (1u << px_mode) per mode; 0 means walk and bike */
    double minutes;                 /* quarter-hour threshold; 0 means 15 */
    double cutoff_minutes;          /* searches stop here; beyond: NULL minutes. 0 means
                                       max(2 * minutes, 30) */
    int nth;                        /* also minutes to the n-th nearest (2..16); 0 or 1: not computed */
    const char *const *categories;  /* NULL-terminated list to keep; NULL means every
                                       category found. Borrowed. */
    const char *const *layers;      /* opportunity layers, NULL-terminated; NULL means
                                       {"services"}. A layer with a `category` column is split by
                                       it; otherwise the layer name is its one category. Borrowed. */
    const char *origins;            /* origin layer; NULL means "population" (column `count`:
                                       residents; placed and located by proxima/layer.h) */
    double max_snap_m;              /* snapping distance; 0 means PX_LAYER_SNAP_M (300 m) */
    int n_threads;                  /* 0 means 2 */
    int no_origins_table;           /* non-zero: write access_communes only (per-origin minutes
                                       are computed but not stored: for very large runs, where
                                       writing a million-row table costs more than the searches) */
    int part_k, part_n;             /* split run: part k (1..n) of n (n <= 10000); 0, 0: the whole
                                       region. See px_access_run and README "Scaling out". */
} px_access_options;

#define PX_ACCESS_THIN_DESTINATIONS 3

typedef struct px_access_report {
    int64_t n_origins;
    double residents;                       /* sum of counts */
    int64_t n_unsnapped[PX_MODE_COUNT];     /* origins beyond the snapping distance */
    int64_t n_destinations;
    int64_t n_dest_unsnapped[PX_MODE_COUNT];
    int n_categories;
    int n_communes;
    /* Per category (at most 64, in column order): its column token and how
     * many destinations it has. A category with fewer than
     * PX_ACCESS_THIN_DESTINATIONS also gets a warning: its shares rest on
     * very few places. */
    char category[64][48];
    int64_t n_category_destinations[64];
    /* Region-wide population-weighted share of residents with every category
     * within the threshold, per mode (NaN for modes not run). */
    double share_all[PX_MODE_COUNT];
    /* Split runs only (part.n > 0); the counts above are then the part's. */
    px_part_stats part;
} px_access_report;

/* Run the analysis on the network of `store` (px_graph_load) and write the
 * tables `access_origins` (POINT: one row per origin) and `access_communes`
 * (MULTIPOLYGON: one row per commune plus a row with commune_id "*" for the
 * whole region, NULL geometry) in one transaction, replacing earlier ones
 * (with no_origins_table, access_origins is dropped in that transaction).
 * Column names: see README (accessibility section). `opts` may be NULL;
 * `out` may be NULL. All pointers borrowed.
 * Returns PX_EARG (an unknown category or mode in `opts`, found before any
 * other work; the message lists the known ones), PX_EINVAL (bad option),
 * PX_ENOTFOUND (no network, origin or opportunity layer, or a missing
 * column), PX_EDOMAIN (a category name too long for a column), PX_ENOMEM, PX_EGEOS, PX_ESQLITE, PX_ECANCELLED.
 * On error the store is unchanged.
 *
 * Split runs (opts->part_k/part_n): the communes are cut into part_n parts
 * (px_layer_partition, proxima/layer.h); this call computes the origins of
 * part part_k only, reading through its own read-only connection the
 * origins in the part's box, the destinations within reach + 2 x snapping
 * of it and the network within reach + 3 x snapping (reach: the fastest
 * edge speed of the modes run x the cutoff, x 1.001), which holds every
 * path and snap that can matter: the minutes are exactly those of a whole
 * run. It then writes table access_part_K_of_N (its rows; replaced on a
 * rerun) in one short transaction; the part that completes the set (all
 * part_n tables with the same options and inputs) rebuilds access_origins
 * and access_communes from them in that transaction, identical to a whole
 * run's; an incomplete set drops them. Parts may run in any order and at
 * the same time. Also PX_EINVAL for a bad part. */
px_status px_access_run(px_ctx *ctx, px_store *store, const px_access_options *opts, px_access_report *out);

/* ---- isochrones ------------------------------------------------------------ */

/* One isochrone origin with a label (borrowed): x, y in the project CRS, or
 * WGS84 longitude, latitude when `lonlat` is non-zero. */
typedef struct px_iso_origin {
    double x, y;
    int lonlat;
    const char *label;
} px_iso_origin;

typedef struct px_iso_options {
    px_mode mode;
    const double *minutes;  /* band limits, ascending, > 0; borrowed */
    size_t n_minutes;       /* 1..16 */
    double buffer_m;        /* half-width of the buffer around reached edges; 0 means 40 m */
    double max_snap_m;      /* 0 means PX_LAYER_SNAP_M (300 m) */
    const char *table;      /* result table; NULL means "isochrones" */
    int commune_centres;    /* non-zero: also one origin per commune, at its centre: the
                               population-weighted centre of its residents (the resident
                               nearest to it when it falls outside the commune; the point on
                               surface for a commune without residents), see proxima/layer.h;
                               labelled with the commune's name */
} px_iso_options;

/* Isochrones by the "buffered reached network" method: one search from each
 * origin (snapped onto the network, partial edge counted) bounded by the
 * largest band; for each band, every edge part reachable within the band's
 * minutes (an edge whose budget ends inside it counts up to the reached
 * fraction) is buffered by buffer_m and the buffers are unioned into one
 * (multi)polygon. Bands are nested: the 15-minute polygon contains the
 * 10-minute one. Writes one MULTIPOLYGON row per origin and band to the table
 * (columns: origin, mode, minutes, residents (population counts whose point,
 * placed by proxima/layer.h, lies inside or on the boundary), area_km2, reached_km), replacing it, in one
 * transaction. `origins` borrowed. Origins farther than max_snap_m from an
 * edge of the mode get rows with NULL geometry and 0 residents, and a warning.
 * Returns PX_EINVAL (bad option, no origin at all), PX_ENOTFOUND (no network),
 * PX_EPROJ (lon/lat outside the CRS), PX_EGEOS, PX_ESQLITE, PX_ENOMEM, PX_ECANCELLED. */
px_status px_isochrones(px_ctx *ctx, px_store *store, const px_iso_origin *origins, size_t n_origins,
                        const px_iso_options *opts);

#ifdef __cplusplus
}
#endif
#endif
