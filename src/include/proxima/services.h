/*
 * Proxima service planning: what-ifs on the services of one category (add,
 * close, move) measured as residents gaining and losing quarter-hour access,
 * per mode and per commune, and as the change in the equity indicators
 * (2SFCA ratio mean, Gini, Palma) against the baseline.
 *
 * The baseline is one supply-side catchment per service (bounded search on
 * the reverse graph toward the service, as in proxima/equity.h), which gives
 * every resident the number of services within the threshold. A change then
 * costs one catchment search per added or moved service; a closure costs no
 * search at all (its catchment is already known). A resident loses access
 * when the count falls to zero, gains it when it rises from zero. The
 * catchment rule (partial edges, one-way bike edges, snapping) is the one of
 * `access`, so the counts equal a full re-run of `access` on the modified
 * services (tests/cli/test_services.sh checks that value by value).
 *
 * Optimal siting (px_site_solve on arrays, px_site_services on a project):
 * choose K new sites among candidates for one of three objectives:
 *  - coverage (maximal covering location problem): residents newly within
 *    the threshold;
 *  - pmedian: the population-weighted mean minutes to the nearest service,
 *    each resident's minutes capped at cap_minutes (unreachable = the cap);
 *  - equity: the lowest commune share within the threshold (ties broken by
 *    coverage).
 * Greedy with lazy evaluation (CELF: a candidate's last gain bounds its next
 * one, valid because coverage and p-median savings are submodular; equity
 * is not, so its greedy re-evaluates every candidate each round), then a
 * 1-swap local search: replace one chosen site by one unchosen candidate
 * while the best such swap improves the objective. For small instances an
 * exact optimum by enumeration of every K-subset gives the optimality gap.
 *
 * Deliberately left out: shared services between communes.
 */
#ifndef PROXIMA_SERVICES_H
#define PROXIMA_SERVICES_H

#include "proxima/core.h"
#include "proxima/net.h"
#include "proxima/store.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum px_svc_change_kind { PX_SVC_ADD = 0, PX_SVC_CLOSE, PX_SVC_MOVE } px_svc_change_kind;

/* One change to the services of the category. */
typedef struct px_svc_change {
    px_svc_change_kind kind;
    const char *id;  /* CLOSE, MOVE: the service's `id` column (its fid as text where NULL); borrowed */
    double x, y;     /* ADD, MOVE: the new place, project CRS */
    double capacity; /* ADD: 2SFCA supply; 0 means 1. MOVE keeps the service's own. */
} px_svc_change;

typedef struct px_whatif_options {
    const char *category;   /* required; borrowed */
    unsigned modes;         /* bits 1u << px_mode; 0 means walk and bike */
    double minutes;         /* threshold; 0 means 15 */
    double max_snap_m;      /* 0 means PX_LAYER_SNAP_M */
    const char *save_layer; /* non-NULL: also write the category's services after the changes
                               to this table (id, category, capacity, POINT), e.g. for
                               `proxima access --layers TABLE` */
    int n_threads;          /* baseline catchments; 0 means 2 */
} px_whatif_options;

typedef struct px_whatif_mode {
    double residents;                       /* all residents of the region */
    double residents_gaining, residents_losing;
    double share_before, share_after;       /* region share within the threshold */
    double fca_mean_before, fca_mean_after; /* 2SFCA ratio per 1,000 residents, population-weighted mean */
    double gini_before, gini_after;         /* of the 2SFCA ratios; NaN when all are 0 */
    double palma_before, palma_after;       /* NaN when undefined (bottom 40% hold nothing) */
} px_whatif_mode;

typedef struct px_whatif_report {
    int run[PX_MODE_COUNT];
    px_whatif_mode m[PX_MODE_COUNT];
    size_t n_services;        /* of the category, before */
    size_t n_added, n_closed, n_moved;
    size_t n_change_searches; /* catchment searches for the changes (all modes) */
} px_whatif_report;

/* Run the what-if on `store` (network from `proxima network`) and write, in
 * one transaction, replacing earlier ones:
 *   services_whatif_communes  commune_id, commune_name, mode, category,
 *       residents_gaining, residents_losing, share_before, share_after,
 *       residents_before, residents_after (residents within the threshold)
 *       (MULTIPOLYGON; the region row '*' has NULL geometry);
 *   services_whatif_origins   population_fid, commune_id, mode, category,
 *       change (+1 gains, -1 loses): only residents whose access changes;
 *   services_whatif_summary   mode, category, n_added, n_closed, n_moved,
 *       residents_gaining, residents_losing, share_before, share_after,
 *       fca_mean_before, fca_mean_after, gini_before, gini_after,
 *       palma_before, palma_after;
 * and the save_layer table when asked. `changes` (n_changes) borrowed.
 * Returns PX_EARG (unknown category, or a CLOSE/MOVE id not among the
 * category's services, or the same service changed twice: the message names
 * it), PX_EINVAL (bad option), PX_ENOTFOUND (no network or layer), PX_ENOMEM,
 * PX_EGEOS, PX_ESQLITE. On error the store is unchanged. `out` may be NULL. */
px_status px_services_whatif(px_ctx *ctx, px_store *store, const px_svc_change *changes, size_t n_changes,
                             const px_whatif_options *opts, px_whatif_report *out);

/* The changes of a what-if from a vector file (`path` borrowed; GeoJSON or
 * anything GDAL opens; first layer; no CRS means WGS84): per feature the
 * attributes `action` (add, close, move), `id` (close, move), `capacity`
 * (add, optional, > 0) and a Point (add, move), reprojected to the CRS of
 * `store`. *out (n_out entries) is caller-frees with px_svc_changes_free.
 * Returns PX_EIO (cannot open), PX_EARG (a bad feature: the message names
 * the file, the feature and the reason; or no feature), PX_ECRS, PX_ENOMEM. */
px_status px_svc_changes_read(px_ctx *ctx, px_store *store, const char *path, px_svc_change **out, size_t *n_out);
void px_svc_changes_free(px_svc_change *changes, size_t n);

/* ---- optimal siting ------------------------------------------------------ */

typedef enum px_site_objective { PX_SITE_COVERAGE = 0, PX_SITE_PMEDIAN, PX_SITE_EQUITY } px_site_objective;

/* A siting instance on plain arrays (all borrowed). Candidate c reaches the
 * demand points cand_demand[cand_off[c] .. cand_off[c+1]) in cand_minutes
 * (same index); only pairs within the threshold (coverage, equity) or the
 * cap (pmedian) matter, others are ignored. */
typedef struct px_site_problem {
    size_t n_demand;
    const double *weight;       /* residents, >= 0 */
    const int32_t *group;       /* commune of each demand point (-1: none); equity only, may be NULL */
    size_t n_groups;
    const double *base_minutes; /* minutes to the nearest existing service (INFINITY: none) */
    size_t n_cand;
    const size_t *cand_off;     /* n_cand + 1 */
    const uint32_t *cand_demand;
    const double *cand_minutes;
    double threshold;           /* minutes; > 0 */
    double cap_minutes;         /* pmedian cap; >= threshold */
} px_site_problem;

#define PX_SITE_NO_LAZY 1u /* plain greedy (every candidate every round): the check on CELF */
#define PX_SITE_NO_SWAP 2u /* skip the 1-swap local search */

typedef struct px_site_solution {
    size_t k;                /* sites chosen (fewer than asked when candidates run out) */
    size_t *chosen;          /* k candidate indices in rank order; caller-frees (free()) */
    double *gain;            /* k: objective change each site brings in rank order */
    double *objective;       /* k: objective after ranks 1..r (natural units, see above) */
    double base;             /* objective of the existing services alone */
    double greedy;           /* objective after the greedy step */
    double final;            /* after the swaps */
    double exact;            /* the optimum by enumeration; NaN when not computed */
    size_t n_swaps;          /* improving swaps applied */
    size_t n_evals;          /* candidate gain evaluations (greedy and swaps) */
} px_site_solution;

/* Solve. `max_subsets`: enumerate the exact optimum when C(n_cand, k) is at
 * most this (0: never). Returns PX_EINVAL (NULL, k == 0, bad threshold or
 * cap, demand index out of range), PX_EDOMAIN (negative weight or minutes),
 * PX_ENOMEM. On success *out is filled; free with px_site_solution_free. */
px_status px_site_solve(px_ctx *ctx, const px_site_problem *p, px_site_objective obj, size_t k, unsigned flags,
                        double max_subsets, px_site_solution *out);
void px_site_solution_free(px_site_solution *s);

/* ---- the exact optimum as a mixed-integer programme (GLPK) ----------------- */

typedef enum px_site_mip_status {
    PX_SITE_MIP_SKIPPED = 0, /* not attempted: beyond max_pairs, no time, fewer candidates than k */
    PX_SITE_MIP_OPTIMAL,     /* solved: value = bound = the optimum */
    PX_SITE_MIP_TIME_LIMIT,  /* stopped at the time limit: value the best found (NaN: none), bound the LP's */
    PX_SITE_MIP_FAILED       /* the LP relaxation did not solve (time limit inside it) */
} px_site_mip_status;

typedef struct px_site_mip_result {
    px_site_mip_status status;
    double value;     /* best integer solution found, natural units (as px_site_solution) */
    double bound;     /* OPTIMAL: the optimum; else the LP relaxation's value, a bound on it */
    size_t *chosen;   /* the sites of `value`, candidate indices (px_site_mip_result_free) */
    size_t n_chosen;
    size_t n_rows, n_cols;
    double seconds;
} px_site_mip_result;

/* Solve the siting problem `p` for `obj` and `k` sites exactly as a MIP
 * (formulations in svc_mip.c: MCLP; p-median with assignment variables;
 * max-min share for equity, without px_site_solve's tie-breaks) with GLPK:
 * LP relaxation, then branch and bound, within max_seconds (wall clock)
 * in all. Skipped (status SKIPPED, PX_OK) when the instance has more than
 * max_pairs (candidate, resident) pairs (0: no limit). Returns PX_EINVAL
 * (bad argument), PX_ENOMEM. On success *out is filled (free with
 * px_site_mip_result_free). */
px_status px_site_mip(px_ctx *ctx, const px_site_problem *p, px_site_objective obj, size_t k, double max_seconds,
                      size_t max_pairs, px_site_mip_result *out);
void px_site_mip_result_free(px_site_mip_result *r);
const char *px_site_mip_status_name(px_site_mip_status s); /* "skipped", "optimal", "time limit", "failed" */

/* Options of px_site_services; zero fields take the defaults. */
typedef struct px_site_options {
    const char *category;         /* required; borrowed */
    px_mode mode;                 /* walk (0) by default */
    double minutes;               /* threshold; 0 means 15 */
    double cap_minutes;           /* p-median cap; 0 means max(2 * minutes, 30) */
    double max_snap_m;            /* 0 means PX_LAYER_SNAP_M */
    size_t k;                     /* sites to choose, >= 1 */
    px_site_objective objective;
    const char *candidates_layer; /* candidates: the points of this layer (placed by the layer rule) */
    double grid_m;                /* or, when > 0, a square grid of this spacing over the residents' extent */
    unsigned flags;               /* PX_SITE_NO_LAZY, PX_SITE_NO_SWAP */
    double max_subsets;           /* exact optimum when C(candidates, k) <= this; 0: never */
    int n_threads;                /* candidate catchments; 0 means 2 */
    double mip_seconds;           /* > 0: also px_site_mip within this time; 0: not */
    size_t mip_max_pairs;         /* px_site_mip's max_pairs; 0 means 50,000 */
} px_site_options;

typedef struct px_site_report {
    size_t n_candidates;          /* read or generated */
    size_t n_candidates_used;     /* snapped onto the network */
    size_t n_pairs;               /* (candidate, resident) pairs within the cutoff */
    double base, greedy, final, exact; /* as px_site_solution */
    size_t k, n_swaps, n_evals;
    double catchment_s, solve_s;  /* wall-clock seconds of the two phases */
    px_site_mip_status mip_status; /* SKIPPED unless opts->mip_seconds > 0 and within the limits */
    double mip_value, mip_bound, mip_seconds; /* as px_site_mip_result; NaN when skipped */
} px_site_report;

/* Choose opts->k new sites for the services of opts->category on `store`:
 * minutes from every resident to the nearest existing service (one search),
 * one bounded catchment search per candidate (threads), px_site_solve; then
 * writes, replacing it, the table services_sites (POINT): rank,
 * candidate_id (the layer's fid, or "grid-N"), x, y, gain, objective
 * (cumulative, natural units), mode, category, objective_name.
 * Returns PX_EARG (unknown category), PX_EINVAL (bad option, no candidate
 * source or two), PX_ENOTFOUND (no network or layer), PX_ENOMEM, PX_EGEOS,
 * PX_ESQLITE. On error the store is unchanged. `out` may be NULL. */
px_status px_site_services(px_ctx *ctx, px_store *store, const px_site_options *opts, px_site_report *out);

/* ---- shared services between communes ------------------------------------ */

typedef struct px_shared_options {
    const char *const *communes;  /* commune ids (the `id` column), n_communes >= 1; borrowed */
    size_t n_communes;
    px_mode mode;
    double minutes;               /* 0 means 15 */
    double max_snap_m;            /* 0 means PX_LAYER_SNAP_M */
    const char *candidates_layer; /* as px_site_options: a layer, */
    double grid_m;                /* or a grid spacing */
    size_t top;                   /* rows kept; 0 means 20 */
    int n_threads;                /* 0 means 2 */
} px_shared_options;

typedef struct px_shared_report {
    size_t n_candidates, n_candidates_used;
    size_t n_serving;             /* candidates serving every commune given */
    double residents;             /* residents of the communes given */
} px_shared_report;

/* Sites that serve ALL the given communes: a site serves a commune when the
 * commune's centre (population-weighted, proxima/layer.h) reaches it within
 * the threshold. Ranked by residents of those communes within the threshold
 * of the site (then by the worst centre's minutes, then candidate order).
 * Writes, replacing it, services_shared (POINT): rank, candidate_id, x, y,
 * residents_served, worst_centre_min, mode.
 * Returns PX_EARG (an unknown commune id: the message lists a few known),
 * PX_EINVAL (bad option), PX_ENOTFOUND (no network, communes or layer),
 * PX_ENOMEM, PX_EGEOS, PX_ESQLITE. `out` may be NULL. */
px_status px_shared_services(px_ctx *ctx, px_store *store, const px_shared_options *opts, px_shared_report *out);

/* Name of an objective ("coverage", "pmedian", "equity"); lookup by name:
 * PX_EARG with the known names on an unknown one. */
const char *px_site_objective_name(px_site_objective o);
px_status px_site_objective_lookup(px_ctx *ctx, const char *name, px_site_objective *out);

#ifdef __cplusplus
}
#endif
#endif
