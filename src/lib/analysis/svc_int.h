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
    px_whatif_report rep;
} px__svc_run;

/* Write the what-if tables (and `save_layer` when non-NULL) in one transaction. */
px_status px__svc_whatif_write(px__svc_run *r, const char *save_layer);

#endif
