/*
 * The state of one px_equity_run, shared by equity_run.c (inputs and
 * catchments) and equity_write.c (indicators and tables). Library-internal.
 */
#ifndef PX_EQUITY_RUN_INT_H
#define PX_EQUITY_RUN_INT_H

#include "equity_int.h"

typedef struct px__eq_run {
    px_ctx *ctx;
    px_store *store;
    const px_graph *g;
    /* resolved options */
    double threshold_min, cutoff_s, underserved_share, snap_max_m;
    const px_decay_band *bands;
    size_t n_bands;
    unsigned modes;
    int n_threads;
    int mode_list[PX_MODE_COUNT];
    size_t n_modes;
    /* inputs */
    px_points pop, svc;
    px_communes *com;
    uint32_t *group; /* per origin: commune index, or com.n outside every commune */
    size_t n_groups; /* com.n + 1 */
    char **cats; /* borrowed from svc */
    size_t n_cats;
    /* results: acc[((m * n_cats + c) * 2 + method) * pop.n + i], method 0 = 2SFCA,
     * 1 = E2SFCA, supply per 1,000 residents */
    float *acc;
    size_t *n_supplies, *n_unreached; /* [m * n_cats + c] */
    px_equity_report report;
} px__eq_run;

/* Compute the indicators and write the equity_* tables in one transaction. */
px_status px__equity_write(px__eq_run *run);

#endif
