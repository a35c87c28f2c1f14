/*
 * What the accessibility files share: the inputs as flat arrays (origins,
 * destinations grouped by category, communes) and the results per job.
 * Library-internal to src/lib/net.
 */
#ifndef PX_ACCESS_INT_H
#define PX_ACCESS_INT_H

#include "net_int.h"
#include "proxima/access.h"

typedef struct px__origins {
    size_t n;
    int64_t *fid;
    double *xy;
    double *count;
    int32_t *commune; /* index into communes, -1 outside all */
} px__origins;

typedef struct px__communes {
    size_t n;
    char **id, **name;
    unsigned char **wkb;
    size_t *wkb_len;
} px__communes;

typedef struct px__dests {
    size_t n_cat;
    char **cat;      /* category names as found */
    char **col;      /* the same made into column-name parts */
    size_t *start;   /* n_cat + 1: destinations of category c are [start[c], start[c+1]) */
    size_t n;
    double *xy;
} px__dests;

/* Read the origin layer: points (or polygon centroids) and counts, with the
 * commune each falls in (GEOS STRtree over prepared communes). */
px_status px__access_read_origins(px_ctx *ctx, px_store *store, const char *layer, const px__communes *communes,
                                  px__origins *out);
/* Read the communes layer if present (none is not an error). */
px_status px__access_read_communes(px_ctx *ctx, px_store *store, px__communes *out);
/* Read the opportunity layers grouped by category, keeping only `keep`
 * (NULL: all). Requested categories with no destination are kept, empty. */
px_status px__access_read_dests(px_ctx *ctx, px_store *store, const char *const *layers, const char *const *keep,
                                px__dests *out);
void px__origins_free(px__origins *o);
void px__communes_free(px__communes *c);
void px__dests_free(px__dests *d);

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
px_status px__access_write(px_ctx *ctx, px_store *store, const px__origins *orig, const px__communes *com,
                           const px__dests *dests, const px__access_res *res, px_access_report *rep);

#endif
