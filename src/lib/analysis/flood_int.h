/*
 * What the flood files share: measuring a GEOS geometry against the overlay
 * index, and the scenario half of px_flood_run. Library-internal.
 */
#ifndef PX_FLOOD_INT_H
#define PX_FLOOD_INT_H

#include "proxima/flood.h"
#include "equity_int.h"

/* Area (use_area) or length of `g` (borrowed) in *total, and inside each
 * class in inside[0..PX_HAZARD_COUNT] (last: any zone). */
px_status px__flood_measure(px_ctx *ctx, const px_flood_zones *z, const GEOSGeometry *g, int use_area,
                            double *total, double *inside);

/* Inputs of a flood run, read once. */
typedef struct px__flood_in {
    px_flood_zones *zones;
    px_communes *com;
    px_points pop, svc;
    int has_pop, has_svc;
    uint32_t *pop_group; /* commune per population unit (com->n = outside) */
    char **cats;         /* borrowed from svc */
    size_t n_cats;
} px__flood_in;

/* The scenario: closes the edges, searches, writes flood_scenario_origins
 * and flood_scenario_communes (inside the caller's transaction). */
px_status px__flood_scenario(px_ctx *ctx, px_store *store, const px_graph *g, const px_flood_options *o,
                             const px__flood_in *in, px_flood_report *rep);

#endif
