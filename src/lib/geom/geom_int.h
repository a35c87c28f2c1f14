/*
 * GEOS and PROJ wrappers shared inside the library: WKB <-> GEOS, CRS
 * parsing, and reprojection of whole geometries. Library-internal.
 *
 * Ownership: every GEOSGeometry returned here is caller-frees with
 * GEOSGeom_destroy_r(px__geos(ctx), g); WKB buffers with px__wkb_free.
 */
#ifndef PX_GEOM_INT_H
#define PX_GEOM_INT_H

#include "../core/core_int.h"
#include "proxima/store.h"

/* Parse WKB; NULL (error set on ctx, PX_EGEOS) when it is not valid WKB. */
GEOSGeometry *px__geom_from_wkb(px_ctx *ctx, const unsigned char *wkb, size_t len);

/* ISO WKB of `g` (2D), caller-frees with px__wkb_free; NULL on failure. */
unsigned char *px__geom_to_wkb(px_ctx *ctx, const GEOSGeometry *g, size_t *len);
void px__wkb_free(px_ctx *ctx, unsigned char *wkb);
/* ISO WKB of the point (x, y) into *wkb (caller-frees with px__wkb_free);
 * PX_EGEOS (message set) on failure, *wkb then NULL. */
px_status px__point_wkb(px_ctx *ctx, double x, double y, unsigned char **wkb, size_t *len);

/* Box of a geometry; PX_EDOMAIN for an empty one. */
px_status px__geom_bbox(px_ctx *ctx, const GEOSGeometry *g, px_bbox *out);

/* A coordinate transformation between two CRSs, with axis order normalised
 * to x=easting/longitude, y=northing/latitude. */
typedef struct px__xform px__xform;

/* `from` and `to` are any PROJ definitions ("EPSG:4326", WKT, PROJJSON).
 * Returns PX_ECRS naming the definition that PROJ refused. */
px_status px__xform_new(px_ctx *ctx, const char *from, const char *to, px__xform **out);
void px__xform_free(px__xform *xf);

/* Transform one point in place. */
px_status px__xform_point(px__xform *xf, double *x, double *y);

/* New geometry: `g` transformed (borrowed). NULL with PX_EPROJ set on failure. */
GEOSGeometry *px__xform_geom(px_ctx *ctx, px__xform *xf, const GEOSGeometry *g);

/* The indexes 0..n-1 of the points `xy` (2n doubles) in the order of a
 * Hilbert curve over their box (ties by index), written to `order` (n).
 * PX_ENOMEM is the only failure. */
px_status px__hilbert_order(const double *xy, size_t n, int32_t *order);

/* Key of (x, y) on the Hilbert curve filling a 2^16 x 2^16 grid laid over
 * `grid` (a square of the box's larger side, from its lower-left corner);
 * points outside are clamped to the border cells. Keys run 0 .. 2^32 - 1. */
uint64_t px__hilbert_key(const px_bbox *grid, double x, double y);

/* The box of the grid cells whose keys lie in [lo, hi) (the same grid as
 * px__hilbert_key), widened by one cell so that every point given such a key
 * lies inside. Returns 0 (and leaves *out) when no key is in the range. */
int px__hilbert_range_box(const px_bbox *grid, uint64_t lo, uint64_t hi, px_bbox *out);

/* EPSG code of "EPSG:nnnn" (case-insensitive); 0 if not of that form. */
int px__epsg_code(const char *crs);

/* Is `crs` a projected CRS whose axes are in metres? */
int px__crs_is_metric(px_ctx *ctx, const char *crs);

#endif
