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
 * Deliberately left out: optimal siting (not yet built), changes read from
 * a file.
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
 *       residents_gaining, residents_losing, share_before, share_after
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

#ifdef __cplusplus
}
#endif
#endif
