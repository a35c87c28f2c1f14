/*
 * The defaults and checks of px_cycle_options, in one place so the CLI help,
 * the README and the analyses agree: 300 m coverage, 2,680 m biking
 * distance (the Bicycle Network Analysis' 10 minutes at 16 km/h), detour
 * ratio 1.25, LTS <= 2 as low stress, 200 m gaps, top 20 links, and the
 * snapping distance every analysis uses (PX_LAYER_SNAP_M, 300 m).
 */
#include "cycle_int.h"

#include <math.h>

px_status px__cycle_params(px_ctx *ctx, const px_cycle_options *o, px__cparams *out)
{
    px_cycle_options z = {0};
    if (!o) o = &z;
    px__cparams p = {
        .coverage_m = o->coverage_m > 0 ? o->coverage_m : 300.0,
        .bike_distance_m = o->bike_distance_m > 0 ? o->bike_distance_m : 2680.0,
        .detour_ratio = o->detour_ratio > 0 ? o->detour_ratio : 1.25,
        .gap_m = o->gap_m > 0 ? o->gap_m : 200.0,
        .snap_m = o->snap_m > 0 ? o->snap_m : PX_LAYER_SNAP_M,
        .max_low_stress = o->max_low_stress > 0 ? o->max_low_stress : 2,
        .top_links = o->top_links > 0 ? o->top_links : 20,
        .threads = o->threads > 0 ? o->threads : 2,
    };
    if (o->coverage_m < 0 || o->bike_distance_m < 0 || o->gap_m < 0 || o->snap_m < 0 ||
        !isfinite(o->coverage_m) || !isfinite(o->bike_distance_m) || !isfinite(o->gap_m) ||
        !isfinite(o->snap_m))
        return px__error(ctx, PX_EINVAL, "cycle: distances must be positive numbers of metres");
    if (o->detour_ratio < 0 || (o->detour_ratio > 0 && o->detour_ratio < 1) || !isfinite(o->detour_ratio))
        return px__error(ctx, PX_EINVAL, "cycle: the detour ratio must be at least 1 (got %g)",
                         o->detour_ratio);
    if (o->max_low_stress < 0 || o->max_low_stress > 4)
        return px__error(ctx, PX_EINVAL, "cycle: low stress is LTS 1 to 4 (got %d)", o->max_low_stress);
    if (o->top_links < 0 || o->top_links > 10000)
        return px__error(ctx, PX_EINVAL, "cycle: top links must be 1 to 10000 (got %d)", o->top_links);
    if (o->threads < 0 || o->threads > 64)
        return px__error(ctx, PX_EINVAL, "cycle: threads must be 1 to 64 (got %d)", o->threads);
    for (size_t i = 0; i < o->n_weights; i++)
        if (!o->weight_names || !o->weight_values || !o->weight_names[i] || !(o->weight_values[i] >= 0) ||
            !isfinite(o->weight_values[i]))
            return px__error(ctx, PX_EINVAL, "cycle: category weight %zu must be a name and a number >= 0",
                             i);
    *out = p;
    return PX_OK;
}
