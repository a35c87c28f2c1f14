/*
 * Two-step floating catchment area (2SFCA) and its enhanced form (E2SFCA) on
 * a sparse list of (demand, supply, minutes) pairs. Finding the pairs is the
 * caller's business (bounded network searches from each supply, see
 * equity_run.c); this file is the arithmetic only, so it can be checked by
 * hand. Ratios are per unit of demand (e.g. places per resident).
 */
#include "proxima/equity.h"
#include "../core/core_int.h"

#include <math.h>
#include <stdlib.h>

static const px_decay_band default_bands[] = {{5.0, 1.00}, {10.0, 0.68}, {15.0, 0.22}};

const px_decay_band *px_fca_default_bands(size_t *n_bands)
{
    if (n_bands) *n_bands = sizeof default_bands / sizeof default_bands[0];
    return default_bands;
}

/* Weight of a travel time: the first band whose maximum it does not exceed;
 * -1 when it is beyond the last band (outside the catchment). */
static double band_weight(const px_decay_band *bands, size_t n_bands, double minutes)
{
    for (size_t b = 0; b < n_bands; b++)
        if (minutes <= bands[b].max_minutes) return bands[b].weight;
    return -1.0;
}

static px_status check_inputs(px_ctx *ctx, const double *demand, size_t n_demand, const double *supply,
                              size_t n_supply, const px_fca_pair *pairs, size_t n_pairs,
                              const px_decay_band *bands, size_t n_bands)
{
    if (n_bands == 0) return px__error(ctx, PX_EINVAL, "px_fca: no decay band");
    for (size_t b = 0; b < n_bands; b++) {
        if (!isfinite(bands[b].max_minutes) || bands[b].max_minutes <= 0 ||
            (b > 0 && bands[b].max_minutes <= bands[b - 1].max_minutes))
            return px__error(ctx, PX_EDOMAIN, "px_fca: band %zu: maxima must be positive and ascending",
                             b + 1);
        if (!(bands[b].weight >= 0.0 && bands[b].weight <= 1.0))
            return px__error(ctx, PX_EDOMAIN, "px_fca: band %zu: weight %g is outside 0..1", b + 1,
                             bands[b].weight);
    }
    for (size_t i = 0; i < n_demand; i++)
        if (!(demand[i] >= 0.0) || !isfinite(demand[i]))
            return px__error(ctx, PX_EDOMAIN, "px_fca: demand %zu: %g is not a count", i, demand[i]);
    for (size_t j = 0; j < n_supply; j++)
        if (!(supply[j] >= 0.0) || !isfinite(supply[j]))
            return px__error(ctx, PX_EDOMAIN, "px_fca: supply %zu: %g is not a capacity", j, supply[j]);
    for (size_t k = 0; k < n_pairs; k++) {
        if (pairs[k].demand >= n_demand || pairs[k].supply >= n_supply)
            return px__error(ctx, PX_EINVAL, "px_fca: pair %zu: index out of range", k);
        if (!(pairs[k].minutes >= 0.0) || !isfinite(pairs[k].minutes))
            return px__error(ctx, PX_EDOMAIN, "px_fca: pair %zu: %g is not a travel time", k,
                             pairs[k].minutes);
    }
    return PX_OK;
}

px_status px_fca(px_ctx *ctx, const double *demand, size_t n_demand, const double *supply, size_t n_supply,
                 const px_fca_pair *pairs, size_t n_pairs, const px_decay_band *bands, size_t n_bands,
                 double *supply_ratio, double *access, size_t *n_unreached)
{
    if (!demand || !supply || (!pairs && n_pairs) || !bands || !access)
        return px__error(ctx, PX_EINVAL, "px_fca: NULL argument");
    px_status rc = check_inputs(ctx, demand, n_demand, supply, n_supply, pairs, n_pairs, bands, n_bands);
    if (rc != PX_OK) return rc;

    /* Step 1 accumulates weighted demand per supply; the ratio array doubles
     * as that accumulator so the whole run needs one allocation. */
    double *ratio = calloc(n_supply ? n_supply : 1, sizeof *ratio);
    if (!ratio) return px__error(ctx, PX_ENOMEM, "out of memory");
    for (size_t k = 0; k < n_pairs; k++) {
        double w = band_weight(bands, n_bands, pairs[k].minutes);
        if (w > 0) ratio[pairs[k].supply] += demand[pairs[k].demand] * w;
    }
    size_t unreached = 0;
    for (size_t j = 0; j < n_supply; j++) {
        if (ratio[j] > 0) {
            ratio[j] = supply[j] / ratio[j];
        } else {
            ratio[j] = 0.0;
            unreached++;
        }
    }
    for (size_t i = 0; i < n_demand; i++)
        access[i] = 0.0;
    for (size_t k = 0; k < n_pairs; k++) {
        double w = band_weight(bands, n_bands, pairs[k].minutes);
        if (w > 0) access[pairs[k].demand] += ratio[pairs[k].supply] * w;
    }
    if (supply_ratio)
        for (size_t j = 0; j < n_supply; j++)
            supply_ratio[j] = ratio[j];
    if (n_unreached) *n_unreached = unreached;
    free(ratio);
    return PX_OK;
}
