/*
 * Proxima brownfield siting: Mutafriches-like multi-criteria scoring of
 * brownfield sites for several future uses, driven by a scenario file.
 *
 * A scenario (YAML, see layers/scenarios/README.md) names the uses, the
 * criteria with their rating thresholds, and per use the rating of each bin
 * and the criterion's weight, plus exclusion rules. Ratings are +2 (very
 * positive), +1 (positive), +0.5 (neutral), -1 (negative), -2 (very
 * negative); weights 0.5, 1 or 2. Per site and use:
 *   index       = advantages / (advantages + constraints) x 100, where the
 *                 advantages sum the positive rating x weight and the
 *                 constraints the magnitude of the negative ones;
 *   reliability = criteria filled / criteria of the use x 10.
 * A site matching an exclusion rule for a use keeps its index but gets no
 * rank for that use, and the rule's id is reported. The best use is the
 * non-excluded use with the highest index (first in scenario order on ties).
 * Ranks order sites by index, then advantages (the sum of positive rating x
 * weight: of two sites at index 100, the one meeting more criteria well),
 * then reliability (all descending), then site id, compared as numbers when
 * both ids are whole numbers ("221" before "1510"; numeric ids before
 * others): same input, same ranking. A scenario's `min_site_area_m2`
 * excludes smaller sites (criterion area_m2) from every use, with the rule
 * "site-area-below-N-m2" as the reason.
 *
 * px_bf_score is the engine on raw values; px_brownfields_run computes the
 * raw values from a project (areas, flood shares, network times...) and
 * writes the results (further down).
 */
#ifndef PROXIMA_BROWNFIELD_H
#define PROXIMA_BROWNFIELD_H

#include "proxima/core.h"
#include "proxima/net.h"
#include "proxima/store.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct px_bf_scenario px_bf_scenario;

/* Read a scenario file. On success *out is caller-frees with
 * px_bf_scenario_free. Returns PX_EIO (unreadable), PX_EPARSE (not YAML, or
 * not the expected shape; "FILE:LINE: reason"), PX_EDOMAIN (a rating, weight
 * or threshold out of range, an unknown use or criterion in a rule). */
px_status px_bf_scenario_read(px_ctx *ctx, const char *path, px_bf_scenario **out);

/* Same from text in memory (`text`, `len` bytes, borrowed); `name` (borrowed)
 * names the source in messages. */
px_status px_bf_scenario_parse(px_ctx *ctx, const char *text, size_t len, const char *name,
                               px_bf_scenario **out);

void px_bf_scenario_free(px_bf_scenario *sc);

/* Uses and criteria in scenario order; names borrowed from the scenario. */
size_t px_bf_scenario_n_uses(const px_bf_scenario *sc);
const char *px_bf_scenario_use(const px_bf_scenario *sc, size_t i);
size_t px_bf_scenario_n_criteria(const px_bf_scenario *sc);
const char *px_bf_scenario_criterion(const px_bf_scenario *sc, size_t i);
/* Is criterion i categorical (text values) rather than numeric? */
int px_bf_scenario_criterion_is_text(const px_bf_scenario *sc, size_t i);
/* Scenario name (its `name:` key, else the file name); borrowed. */
const char *px_bf_scenario_name(const px_bf_scenario *sc);

/* The raw value of one criterion at one site. A numeric criterion reads
 * `number` (NaN = not filled); a categorical one reads `text` (borrowed;
 * NULL, or a value the scenario does not list = not filled). */
typedef struct px_bf_value {
    double number;
    const char *text;
} px_bf_value;

/* One site: `id` (borrowed) and `values` (borrowed, one per scenario
 * criterion, in scenario order). */
typedef struct px_bf_site {
    const char *id;
    const px_bf_value *values;
} px_bf_site;

/* One criterion of one site for one use. */
typedef struct px_bf_crit_result {
    int applies;         /* the use rates this criterion */
    int filled;          /* the raw value was present and rated */
    double rating;       /* +2, +1, +0.5, -1, -2; 0 when not filled */
    double weight;       /* 0.5, 1, 2; 0 when the use does not rate it */
    double contribution; /* rating x weight */
} px_bf_crit_result;

/* One site for one use. */
typedef struct px_bf_use_result {
    double index;       /* 0..100 */
    double reliability; /* 0..10 */
    double advantages;
    double constraints;
    int excluded_rule; /* index of the exclusion rule, -1 if not excluded */
    int rank;          /* 1 = best; 0 when excluded */
} px_bf_use_result;

typedef struct px_bf_result {
    size_t n_sites, n_uses, n_criteria;
    px_bf_use_result *uses;  /* [site * n_uses + use] */
    px_bf_crit_result *crit; /* [(site * n_uses + use) * n_criteria + criterion] */
    int *best_use;           /* [site]: use index, -1 if every use is excluded */
} px_bf_result;

/* Score `sites` (n_sites, borrowed) under `sc` (borrowed). *out is
 * caller-frees with px_bf_result_free. Returns PX_EINVAL (NULL argument, a
 * site without id or values), PX_EDOMAIN (duplicate site id: ranks need
 * unique ids), PX_ENOMEM. */
px_status px_bf_score(px_ctx *ctx, const px_bf_scenario *sc, const px_bf_site *sites, size_t n_sites,
                      px_bf_result **out);

void px_bf_result_free(px_bf_result *res);

/* Id of exclusion rule i (borrowed), "" if out of range. */
const char *px_bf_scenario_rule(const px_bf_scenario *sc, int i);

/* ---- the analysis on a project ------------------------------------------- */

/* Options of px_brownfields_run; zero / NULL fields take the defaults. */
typedef struct px_bf_options {
    double threshold_min;         /* quarter hour for qh_score_*; 0 means 15 */
    double max_minutes;           /* network times are capped here; 0 means 60 */
    double snap_max_m;            /* site access point to network; 0 means PX_LAYER_SNAP_M (300 m) */
    const char *transit_category; /* services counted as transit stops; NULL means "transit" */
} px_bf_options;

typedef struct px_bf_report {
    size_t n_sites;
    size_t n_unsnapped;        /* sites with no access point on the network (network criteria unfilled) */
    size_t n_excluded;         /* (site, use) pairs excluded by a rule */
    size_t n_unknown_criteria; /* scenario criteria no source could fill (logged as warnings) */
} px_bf_report;

/* Score every site of the `brownfields` layer under `sc`. The raw value of
 * each criterion comes from, by its id:
 *   area_m2                      the area_m2 column, else the geometry's area;
 *   flood_share_high|medium|low|any  share of the site in each flood class
 *                                (flood_zones layer; unfilled without it);
 *   cycle_route_distance_m       distance to the nearest cycle route;
 *   transit_distance_m           distance to the nearest transit service;
 *   walk_min_CAT, bike_min_CAT   minutes from the site's access point (its
 *                                representative point snapped to the
 *                                network) to the nearest CAT service, capped
 *                                at max_minutes;
 *   qh_score_walk, qh_score_bike share of service categories within the
 *                                quarter hour;
 *   equity_deficit               mean over categories of max(0, 1 - ratio to
 *                                the regional mean) of the site's commune,
 *                                from equity_communes (walk, E2SFCA);
 *   props.KEY                    the inventory's attribute KEY;
 *   any other name               the brownfields column of that name.
 * `graph` (borrowed) may be NULL: network criteria are then unfilled.
 * Replaces, in one transaction, brownfield_sites (site geometry; best use,
 * index and rank per use, raw values) and brownfield_scores (per site and
 * use: index, reliability, rank, excluded_by, and per criterion the raw
 * value, rating and contribution), rows in a fixed order so the same input
 * gives the same bytes. Returns PX_ENOTFOUND (no brownfields layer),
 * PX_EINVAL, PX_EDOMAIN (duplicate site ids), PX_EGEOS, PX_ENOMEM,
 * PX_ESQLITE, PX_ECANCELLED; on error the store is unchanged. */
px_status px_brownfields_run(px_ctx *ctx, px_store *store, const px_graph *graph, const px_bf_scenario *sc,
                             const px_bf_options *opts, px_bf_report *report);

#ifdef __cplusplus
}
#endif
#endif
