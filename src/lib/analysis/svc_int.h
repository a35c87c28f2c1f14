/*
 * What the service-planning files share: one what-if run (inputs, the
 * changes applied, per-origin results per mode). Library-internal.
 */
#ifndef PX_SVC_INT_H
#define PX_SVC_INT_H

#include "equity_int.h"
#include "proxima/services.h"

typedef struct px__svc_run {
    px_ctx *ctx;
    px_store *store;
    const char *category; /* borrowed */
    double minutes, max_snap_m;
    px_graph *g;
    px_communes *com;
    px_points pop, svc;
    uint8_t *removed;     /* svc.n: closed or moved away */
    size_t n_new;         /* added and moved-to places */
    double *new_x, *new_y, *new_cap;
    char **new_id;        /* "new-1"... for added, the service's id for moved */
    int8_t *change[PX_MODE_COUNT];   /* pop.n: +1 gains, -1 loses, 0 */
    uint8_t *in_before[PX_MODE_COUNT], *in_after[PX_MODE_COUNT];
    size_t n_searches;
    int n_threads;
    px_whatif_report rep;
} px__svc_run;

/* Write the what-if tables (and `save_layer` when non-NULL) in one transaction. */
px_status px__svc_whatif_write(px__svc_run *r, const char *save_layer);

/* Candidate catchments as CSR: candidate j reaches demand dem[off[j] ..
 * off[j+1]) in mins (minutes, rounded to float as `access` stores them). */
typedef struct px__svc_csr {
    size_t *off; /* n_cand + 1 */
    uint32_t *dem;
    double *mins;
    size_t n_pairs;
} px__svc_csr;

/* One bounded catchment search per candidate snap (csnap, n_cand) toward
 * the demand snaps (osnap / ook, n_dem), split in contiguous blocks between
 * n_threads threads (each with its own context). *out caller-frees (free
 * each array). Returns PX_ENOMEM. */
px_status px__svc_catchments(px_ctx *ctx, const px_graph *g, px_mode mode, const px_snap *osnap, const uint8_t *ook,
                             size_t n_dem, const px_snap *csnap, size_t n_cand, double cutoff_s, int n_threads,
                             px__svc_csr *out);

/* Candidate points: the features of `layer` (ids: fids as text) or, when
 * layer is NULL, a grid of spacing grid_m over the extent of `pop` (ids
 * "grid-N"). *xy (2n) and *ids (n strings) caller-frees, also on error.
 * Returns PX_ENOTFOUND, PX_EINVAL (grid too large), PX_EGEOS, PX_ENOMEM. */
px_status px__svc_candidates(px_ctx *ctx, px_store *store, const char *layer, double grid_m, const px_points *pop,
                             double **xy, char ***ids, size_t *n);

#endif
