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
#include "proxima/net.h"
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
px_status px_flood_segment_hits(px_ctx *ctx, const px_flood_zones *z, double x0, double y0, double x1,
                                double y1, px_hazard level, int *out);

/* ---- the analysis on a project ------------------------------------------- */

/* Options of px_flood_run; zero / NULL fields take the defaults. */
typedef struct px_flood_options {
    int scenario;                  /* non-zero: also run the flood scenario (needs a graph) */
    px_hazard level;               /* scenario: close edges touching zones of this class or a
                                      more severe one (PX_HAZARD_HIGH = 0 is the default) */
    double threshold_min;          /* quarter-hour threshold; 0 means 15 */
    double max_minutes;            /* search cutoff for minutes lost; 0 means 60 */
    double snap_max_m;             /* 0 means PX_LAYER_SNAP_M (300 m) */
    unsigned modes;                /* bit (1u << px_mode); 0 means walk and bike */
    const char *const *categories; /* NULL: every category in `services` */
    size_t n_categories;
} px_flood_options;

typedef struct px_flood_report {
    size_t n_zones_skipped;                /* zones whose hazard label is not a known class */
    double residents[PX_HAZARD_COUNT + 1]; /* in each class, and in any zone */
    size_t n_closed_edges;                 /* scenario: edges closed */
    size_t n_origin_rows;                  /* scenario: (origin, mode, category) rows whose time changed */
    /* Scenario, in residents, each counted once however many modes and
     * categories they lose (a population unit counts where its point lies): */
    double residents_in_closed_zones;      /* living inside a zone of the closed class or worse */
    double residents_losing_qh;            /* losing quarter-hour access to at least one category
                                              by at least one mode, inside or outside the zones */
    double residents_losing_qh_outside;    /* of those, living outside the closed zones */
    double residents_cut_off_outside;      /* living outside the closed zones, and left with no
                                              service of some category within max_minutes by some
                                              mode while they had one before */
} px_flood_report;

/* Flood exposure on a project, replacing in one transaction:
 *   flood_exposure  (MULTIPOLYGON, the commune's) per commune and class
 *                   (high, medium, low, any): residents, share of the
 *                   commune's residents, services in total and per category
 *                   (columns services_CATEGORY), brownfield area, walk and
 *                   bike network length inside the zones (network columns
 *                   NULL without a graph). Brownfields and services count
 *                   in the commune holding their representative point.
 * and with opts->scenario:
 *   flood_scenario_origins (POINT) per population unit, mode and category
 *                   whose time to the nearest service changed: base and
 *                   flooded minutes, minutes lost, cut_off (no service
 *                   within max_minutes any more), lost_quarter_hour;
 *   flood_scenario_communes per commune, mode and category: residents who
 *                   lose quarter-hour access, residents cut off, mean
 *                   minutes lost over the residents affected.
 * `graph` (borrowed) may be NULL when opts->scenario is 0. Layers used:
 * flood_zones (required), communes (required), population, services,
 * brownfields (each optional for the exposure). `opts`, `report` may be
 * NULL. Returns PX_ENOTFOUND (no flood_zones or communes), PX_EINVAL,
 * PX_EGEOS, PX_ENOMEM, PX_ESQLITE, PX_ECANCELLED; on error the store is
 * unchanged. */
px_status px_flood_run(px_ctx *ctx, px_store *store, const px_graph *graph, const px_flood_options *opts,
                       px_flood_report *report);

#ifdef __cplusplus
}
#endif
#endif
