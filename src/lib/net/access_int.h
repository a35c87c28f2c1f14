/*
 * What the accessibility files share: destinations grouped by category
 * (origins and communes come from the standard-layer reader, proxima/layer.h)
 * and the results per job.
 * Library-internal to src/lib/net.
 */
#ifndef PX_ACCESS_INT_H
#define PX_ACCESS_INT_H

#include "net_int.h"
#include "proxima/access.h"
#include "proxima/layer.h"

/* Destinations grouped by category (from px_layer_services_read): the
 * points of category c are xy[2 * start[c] ...] up to start[c + 1]. */
typedef struct px__dests {
    size_t n_cat;
    char **cat;      /* category names (borrowed from the px_points) */
    char **col;      /* their column tokens (borrowed) */
    size_t *start;   /* n_cat + 1 */
    size_t n;
    double *xy;
} px__dests;

/* Results of the searches: per mode and category, minutes per origin
 * (NAN = unreachable or beyond the cutoff); nth likewise when asked. */
typedef struct px__access_res {
    px_access_options o;      /* resolved */
    int modes[PX_MODE_COUNT]; /* run or not */
    size_t n_cat, n_orig;
    float *min[PX_MODE_COUNT];    /* n_cat * n_orig, [c * n_orig + i] */
    float *nth[PX_MODE_COUNT];    /* same, or NULL */
    float *snap_m[PX_MODE_COUNT]; /* n_orig, NAN when not snapped */
} px__access_res;

/* Write access_origins and access_communes in one transaction. */
px_status px__access_write(px_ctx *ctx, px_store *store, const px_points *orig, const px_communes *com,
                           const px__dests *dests, const px__access_res *res, px_access_report *rep);

#endif
