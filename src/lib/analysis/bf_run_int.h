/*
 * What bf_inputs.c (raw values from the project) and bf_write.c (scoring
 * and tables) share. Library-internal.
 */
#ifndef PX_BF_RUN_INT_H
#define PX_BF_RUN_INT_H

#include "bf_int.h"
#include "equity_int.h"

typedef struct px__bf_resolved {
    double threshold_min, max_minutes, snap_max_m;
    const char *transit_category;
} px__bf_resolved;

/* The sites and their raw values: num/txt[site * nc + criterion]; num is
 * NaN and txt NULL where unfilled. All owned. */
typedef struct px__bf_sites {
    px_ctx *ctx;
    size_t n, nc;
    int64_t *fid;
    char **id, **name;
    unsigned char **wkb;
    size_t *wkb_len;
    double *x, *y;
    double *num;
    char **txt;
} px__bf_sites;

px_status px__bf_sites_read(px_ctx *ctx, px_store *store, const px_graph *g, const px_bf_scenario *sc,
                            const px__bf_resolved *o, px__bf_sites *s, px_bf_report *rep);
void px__bf_sites_free(px__bf_sites *s);

#endif
