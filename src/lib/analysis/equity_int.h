/*
 * What the equity, brownfield and flood analyses share: supply-side
 * catchment searches on the network and snapping a set of points. Their
 * inputs come from proxima/layer.h.
 * Library-internal.
 */
#ifndef PX_EQUITY_INT_H
#define PX_EQUITY_INT_H

#include "proxima/equity.h"
#include "proxima/net.h"
#include "proxima/layer.h"
#include "../geom/geom_int.h"

/* Inputs (communes, population, services) come from the one reader of the
 * standard layers, proxima/layer.h (px_communes, px_points). */

/* ---- catchments (catchment.c) ---------------------------------------------- */

/* Demand points attached to one mode of the graph, and scratch space for
 * bounded searches toward one supply at a time (costs "from the demand
 * point to the supply", i.e. the reverse graph). Only the nodes a search
 * touched are reset afterwards, so each search costs its catchment's size,
 * not the graph's. */
typedef struct px__catch px__catch;

/* `snaps` (n_demand, borrowed: must outlive the catchment) locate the demand
 * points; `ok[i]` zero means point i is off the network (never reached).
 * `edge_mask` (borrowed, may be NULL) closes edges whose byte is 0. */
px_status px__catch_new(px_ctx *ctx, const px_graph *g, px_mode mode, const px_snap *snaps, const uint8_t *ok,
                        size_t n_demand, const uint8_t *edge_mask, px__catch **out);
void px__catch_free(px__catch *c);

/* Growable list of pairs. */
typedef struct px__pairs {
    px_fca_pair *v;
    size_t n, cap;
} px__pairs;

/* Append to `pairs` every demand point that reaches `supply` (snapped) within
 * `cutoff_s`, with its time in minutes, tagged with `supply_index`. */
px_status px__catch_supply(px__catch *c, const px_snap *supply, double cutoff_s, uint32_t supply_index,
                           px__pairs *pairs);

/* ---- helpers (an_util.c) --------------------------------------------------- */

/* Snap every point of `p` for `mode` within max_dist_m; ok[i] = 1 if snapped.
 * `snaps` and `ok` are caller-provided (p->n entries). Returns the number
 * snapped in *n_ok. */
void px__snap_points(const px_graph *g, px_mode mode, const px_points *p, double max_dist_m, px_snap *snaps,
                     uint8_t *ok, size_t *n_ok);

#endif
