/*
 * Proxima equity: service coverage measured by floating catchments (2SFCA and
 * its enhanced, distance-decayed form E2SFCA) and the inequality of that
 * coverage between residents (Gini, Theil T with its between/within-group
 * decomposition, Palma ratio, Foster-Greer-Thorbecke measures, Lorenz curve).
 *
 * The math functions work on plain arrays and never touch the store: values
 * are borrowed, results go to caller-provided arrays or to caller-frees
 * allocations as each function says. px_equity_run (further down) is the
 * whole analysis on a project: catchments on the network, results written to
 * store tables in one transaction.
 *
 * Weights are population counts: every measure is population-weighted, so a
 * point holding 300 residents counts as 300 residents at that value.
 */
#ifndef PROXIMA_EQUITY_H
#define PROXIMA_EQUITY_H

#include "proxima/core.h"
#include "proxima/layer.h"
#include "proxima/net.h"
#include "proxima/store.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- floating catchments ------------------------------------------------ */

/* One distance-decay band: a travel time up to `max_minutes` (inclusive, and
 * above the previous band's maximum) weighs `weight` (0..1). 2SFCA is one
 * band {threshold, 1.0}; the E2SFCA default is {5, 1.00}, {10, 0.68},
 * {15, 0.22}. Times above the last band are outside the catchment. */
typedef struct px_decay_band {
    double max_minutes;
    double weight;
} px_decay_band;

/* A demand point `demand` that reaches supply `supply` in `minutes`. Only
 * pairs inside the catchment need be listed; others are ignored. */
typedef struct px_fca_pair {
    uint32_t demand;
    uint32_t supply;
    double minutes;
} px_fca_pair;

/* The E2SFCA default bands (three entries); static. */
const px_decay_band *px_fca_default_bands(size_t *n_bands);

/* Two-step floating catchment on a sparse list of reachable pairs.
 * Step 1: R_j = supply_j / sum over pairs (i, j) of demand_i * w(t_ij).
 * Step 2: A_i = sum over pairs (i, j) of R_j * w(t_ij).
 * A supply nobody reaches (no pair, or only demand 0) gets R_j = 0: its
 * capacity serves no one and is counted in *n_unreached.
 * `demand` (n_demand), `supply` (n_supply), `pairs` (n_pairs) and `bands`
 * (n_bands, ascending max_minutes) are borrowed. `supply_ratio` (n_supply
 * entries, may be NULL) receives R_j; `access` (n_demand entries) A_i;
 * `n_unreached` may be NULL. Outputs are written only on success.
 * Returns PX_EINVAL (NULL array, no band, pair index out of range) or
 * PX_EDOMAIN (negative or non-finite demand, supply or minutes; bands not
 * ascending; weight outside 0..1), PX_ENOMEM. */
px_status px_fca(px_ctx *ctx, const double *demand, size_t n_demand, const double *supply, size_t n_supply,
                 const px_fca_pair *pairs, size_t n_pairs, const px_decay_band *bands, size_t n_bands,
                 double *supply_ratio, double *access, size_t *n_unreached);

/* ---- inequality ---------------------------------------------------------- */

/* Every function below takes `values` and `weights` (n entries, borrowed):
 * values >= 0, weights >= 0 with a positive total. They return PX_EINVAL for
 * NULL arrays or n == 0, PX_EDOMAIN for a negative or non-finite value or
 * weight, a zero total weight, or (where a share of the total is needed) a
 * zero total value, with the reason on the context. */

/* Population-weighted Gini coefficient, from the Lorenz curve (trapezoids),
 * so that n equal weights with everything on one unit give (n-1)/n. */
px_status px_gini(px_ctx *ctx, const double *values, const double *weights, size_t n, double *out);

/* Theil T and its decomposition over groups: total = between + within, where
 * within = sum_g s_g T_g and between = sum_g s_g ln(mu_g / mu), s_g being the
 * share of the total value held by group g. */
typedef struct px_theil {
    double total;
    double between;
    double within;
} px_theil;

/* `groups` (n entries, borrowed) gives each unit's group in 0..n_groups-1;
 * NULL puts everyone in one group. */
px_status px_theil_t(px_ctx *ctx, const double *values, const double *weights, const uint32_t *groups,
                     size_t n_groups, size_t n, px_theil *out);

/* One point of the Lorenz curve: cumulative population share, cumulative
 * value share, both 0..1. */
typedef struct px_lorenz_point {
    double pop_share;
    double value_share;
} px_lorenz_point;

/* The Lorenz curve: (0,0), one point per distinct value in ascending order,
 * ending at (1,1). *out is caller-frees (free()), *n_out its length. */
px_status px_lorenz(px_ctx *ctx, const double *values, const double *weights, size_t n, px_lorenz_point **out,
                    size_t *n_out);

/* Value share at population share p (0..1) on a Lorenz curve, interpolating
 * linearly between points (a unit's population spread evenly). */
double px_lorenz_at(const px_lorenz_point *points, size_t n_points, double p);

/* Gini and Palma of an already computed Lorenz curve (`points` borrowed),
 * so that a caller needing all three sorts the data once. */
double px_lorenz_gini(const px_lorenz_point *points, size_t n_points);
double px_lorenz_palma(const px_lorenz_point *points, size_t n_points);

/* Palma ratio: value share of the top 10% over that of the bottom 40%.
 * +INFINITY when the bottom 40% hold nothing (documented, not an error). */
px_status px_palma(px_ctx *ctx, const double *values, const double *weights, size_t n, double *out);

/* Foster-Greer-Thorbecke P_alpha for the standard `z` > 0: the population-
 * weighted mean of ((z - x) / z)^alpha over units with x < z (0 otherwise).
 * alpha 0: share below the standard; 1: depth (poverty gap); 2: severity.
 * PX_EDOMAIN if z <= 0 or alpha < 0. */
px_status px_fgt(px_ctx *ctx, const double *values, const double *weights, size_t n, double z, double alpha,
                 double *out);

/* Population-weighted median: the smallest value at which the cumulative
 * weight reaches half the total. */
px_status px_weighted_median(px_ctx *ctx, const double *values, const double *weights, size_t n, double *out);

/* Indicators of one group (a commune). */
typedef struct px_group_stats {
    double population;    /* sum of weights */
    double mean;          /* population-weighted mean; 0 for an empty group */
    double median;        /* population-weighted median; 0 for an empty group */
    double share_none;    /* share of the population whose value is 0 */
    double ratio_to_mean; /* mean / mean over everyone; 0 if that mean is 0 */
} px_group_stats;

/* Per-group indicators. `groups` (n, borrowed) in 0..n_groups-1; `out`
 * (n_groups entries, caller-provided) is filled on success. */
px_status px_group_stats_compute(px_ctx *ctx, const double *values, const double *weights,
                                 const uint32_t *groups, size_t n_groups, size_t n, px_group_stats *out);

/* ---- the analysis on a project ------------------------------------------- */

/* Options of px_equity_run; zero / NULL fields take the defaults. */
typedef struct px_equity_options {
    double threshold_min;       /* catchment of 2SFCA, minutes; 0 means 15 */
    const px_decay_band *bands; /* E2SFCA bands (borrowed); NULL means px_fca_default_bands */
    size_t n_bands;
    const char *const
        *categories; /* service categories (borrowed); NULL means every category in `services` */
    size_t n_categories;
    unsigned modes;           /* bit (1u << px_mode) per mode; 0 means walk and bike */
    double underserved_share; /* underserved below this share of the regional mean; 0 means 0.5 */
    double snap_max_m;        /* farthest a point may be from the network; 0 means PX_LAYER_SNAP_M (300 m) */
    int n_threads;            /* worker threads for the catchments; 0 means 2 (max 16) */
    int part_k, part_n;       /* split run: part k (1..n) of n; 0, 0: the whole region */
} px_equity_options;

typedef struct px_equity_report {
    size_t n_origins;   /* population units read */
    size_t n_unsnapped; /* of those, off the network for at least one mode */
    size_t n_communes;
    size_t n_categories;
    size_t n_services;
    size_t n_pairs; /* (origin, service) pairs inside catchments, all runs */
    double population;
    double underserved_population; /* walk, E2SFCA, summed over categories */
    px_part_stats part;            /* split runs only (the counts above are then the part's) */
} px_equity_report;

/* Service coverage equity on a project: for each mode and category, 2SFCA
 * and E2SFCA from supply-side catchments on `graph` (borrowed; from
 * px_graph_load on the same store) with supply = services.capacity (1 when
 * NULL or <= 0) and demand = population.count; then per commune and overall
 * the indicators and inequality measures. Accessibility ratios are written
 * as supply per 1,000 residents. Replaces, in one transaction, the tables
 *   equity_origins  one row per population unit (no geometry: join on
 *                   population_fid), a column MODE_CATEGORY_2sfca /
 *                   _e2sfca per run;
 *   equity_communes (MULTIPOLYGON) per commune, mode, category and method:
 *                   population, mean, median, share with no service,
 *                   ratio to the regional mean, underserved flag and
 *                   population, rank_least_served (1 = least served);
 *   equity_summary  per mode, category and method: Gini, Theil T (between,
 *                   within), Palma (NULL when the bottom 40% have nothing),
 *                   FGT 0/1/2 against the standard underserved_share x the
 *                   regional mean, underserved communes and population;
 *   equity_lorenz   101 Lorenz points per mode, category and method;
 *   equity_underserved (MULTIPOLYGON) the E2SFCA rows of underserved
 *                   communes, least served first, with their population.
 * `opts` may be NULL; `report` may be NULL. Returns PX_ENOTFOUND (a layer
 * missing: population, services or communes), PX_EINVAL / PX_EDOMAIN (bad
 * options), PX_ENOMEM, PX_EGEOS, PX_ESQLITE, PX_ECANCELLED; on error the
 * store is unchanged.
 *
 * Split runs (opts->part_k/part_n; `graph` may then be NULL: the part reads
 * its own): the origins of part part_k of the communes (px_layer_partition)
 * are computed through a read-only connection of the part's own, from the
 * services within R + 2S of the box B of the origins and services it owns,
 * the residents within 2R + 4S (every catchment of those services) and the
 * network within 2R + 5S (R: the fastest edge speed of the modes run x the
 * catchment cutoff x 1.001; S: the snapping distance): the values are those
 * of a whole run. Its rows go to equity_part_K_of_N (and its services'
 * counts to equity_part_K_of_N_supplies) in one transaction; the part that
 * completes the set rebuilds every equity_* table from the parts' rows in
 * that transaction, identical to a whole run's (the indicators over all
 * communes included); an incomplete set drops them. */
px_status px_equity_run(px_ctx *ctx, px_store *store, const px_graph *graph, const px_equity_options *opts,
                        px_equity_report *report);

/* CSV copies of the result tables: px_export with format "CSV" (io.h). */

#ifdef __cplusplus
}
#endif
#endif
