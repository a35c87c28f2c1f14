/*
 * Proxima flood exposure: what lies in flood hazard zones, and what a flood
 * does to accessibility.
 *
 * Hazard zones (the `flood_zones` layer) are read into an overlay index of
 * three hazard classes, high, medium and low. Classes are made exclusive by
 * severity: a place inside a high zone and a medium zone counts as high only,
 * so the shares of a site per class add up to its share in any zone.
 *
 * The overlay functions measure one geometry at a time (area share of a
 * polygon, length of a line, class of a point). px_flood_run (further down)
 * is the whole analysis on a project: exposure per commune and class, and
 * the flood scenario where network edges in a class are closed.
 */
#ifndef PROXIMA_FLOOD_H
#define PROXIMA_FLOOD_H

#include "proxima/core.h"
#include "proxima/store.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Hazard classes, most severe first. */
typedef enum px_hazard { PX_HAZARD_HIGH = 0, PX_HAZARD_MEDIUM, PX_HAZARD_LOW, PX_HAZARD_COUNT } px_hazard;

/* Index of "inside any zone" in the share/length arrays below. */
#define PX_HAZARD_ANY PX_HAZARD_COUNT

/* Name of a class ("high", "medium", "low"; "any" for PX_HAZARD_ANY); static. */
const char *px_hazard_name(int hazard);

/* Class of a hazard label, case-insensitive: high / fort / tres fort / very
 * high / eleve; medium / moyen / moderate / modere; low / faible / very low.
 * Accents may be written or not. PX_ENOTFOUND (no error set) otherwise. */
px_status px_hazard_parse(const char *label, px_hazard *out);

typedef struct px_flood_zones px_flood_zones;

/* One zone given to px_flood_zones_new: polygon or multipolygon WKB in the
 * project CRS (borrowed) and its hazard label. */
typedef struct px_flood_zone_input {
    const unsigned char *wkb;
    size_t wkb_len;
    const char *hazard;
} px_flood_zone_input;

/* Build the overlay index from zones (n may be 0: nothing is flooded). Zones
 * whose label px_hazard_parse does not know are skipped with a warning and
 * counted in *n_skipped (may be NULL). On success *out is caller-frees with
 * px_flood_zones_free. Returns PX_EINVAL (NULL), PX_EGEOS (bad WKB or a GEOS
 * failure, naming the zone), PX_ENOMEM. */
px_status px_flood_zones_new(px_ctx *ctx, const px_flood_zone_input *zones, size_t n, px_flood_zones **out,
                             size_t *n_skipped);

/* Same from the project's `flood_zones` layer (columns hazard and geom).
 * Returns PX_ENOTFOUND if the layer is absent, and px_flood_zones_new's. */
px_status px_flood_zones_load(px_ctx *ctx, px_store *store, px_flood_zones **out, size_t *n_skipped);

void px_flood_zones_free(px_flood_zones *z);

/* Area of polygon `wkb` (borrowed) and the share of it (0..1) in each class,
 * shares[PX_HAZARD_ANY] in any zone; `shares` has PX_HAZARD_COUNT + 1
 * entries, caller-provided. A point or line has area 0 and shares 0.
 * Returns PX_EGEOS for bad WKB. */
px_status px_flood_polygon_shares(px_ctx *ctx, const px_flood_zones *z, const unsigned char *wkb, size_t len,
                                  double *area_m2, double *shares);

/* Length of line `wkb` (borrowed) and its length in metres in each class,
 * `inside_m` having PX_HAZARD_COUNT + 1 entries (last: any zone). */
px_status px_flood_line_lengths(px_ctx *ctx, const px_flood_zones *z, const unsigned char *wkb, size_t len,
                                double *length_m, double *inside_m);

/* Class of the point (x, y): *out is the px_hazard of the zone containing it
 * (boundary included), or -1 outside every zone. */
px_status px_flood_point_class(px_ctx *ctx, const px_flood_zones *z, double x, double y, int *out);

/* Does the straight segment (x0,y0)-(x1,y1) touch a zone of class `level`
 * or a more severe one? (*out 1/0). Used to close network edges. */
px_status px_flood_segment_hits(px_ctx *ctx, const px_flood_zones *z, double x0, double y0, double x1, double y1,
                                px_hazard level, int *out);

#ifdef __cplusplus
}
#endif
#endif
