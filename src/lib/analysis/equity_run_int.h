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
    /* split runs (equity_part.c); zero / NULL for a whole run */
    int part_k, part_n;
    px_store *ro;         /* the part's read-only connection */
    px_graph *own_graph;  /* the part's sub-graph, freed with the run */
    uint8_t *svc_owned;   /* per service: counted in n_supplies / n_unreached by this part */
    uint8_t *pop_owned;   /* per origin: written by this part */
} px__eq_run;

/* Compute the indicators and write the equity_* tables in one transaction. */
px_status px__equity_write(px__eq_run *run);
/* The same inside the caller's transaction. */
px_status px__equity_write_tables(px__eq_run *run);

/* Split runs (equity_part.c): read the part's inputs (run->ro open), then
 * write its rows and, when it completes the set, every equity_* table. */
px_status px__equity_part_inputs(px__eq_run *run, const px_equity_options *o);
px_status px__equity_part_write(px__eq_run *run);

#endif
