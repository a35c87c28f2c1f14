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

/* The per-origin rows of `res` as table `table` (access_origins' columns;
 * with_ix: also PX__ACCESS_IX_COL, the origin's commune index), replacing
 * it, inside the caller's transaction. */
#define PX__ACCESS_IX_COL "commune_ix"
px_status px__access_write_origins(px_ctx *ctx, px_store *store, const char *table, int with_ix,
                                   const px_points *orig, const px_communes *com, const px__dests *dests,
                                   const px__access_res *res);

/* access_origins (unless no_origins_table) and access_communes with their
 * sources, inside the caller's transaction; `note_extra` (may be NULL) is
 * appended to the tables' note. */
px_status px__access_write_tables(px_ctx *ctx, px_store *store, const px_points *orig, const px_communes *com,
                                  const px__dests *dests, const px__access_res *res, px_access_report *rep,
                                  const char *note_extra);

/* Split runs (access_part.c). The inputs of part k/n: communes (all),
 * origins the part owns, destinations and network within the reach, read
 * through `ro` (a read-only connection: no lock is held while computing).
 * Fills the report's part fields. */
px_status px__access_part_inputs(px_ctx *ctx, px_store *ro, const px__access_res *res, px_communes **com,
                                 px_points *orig, px_points *svc, px_graph **g, px_access_report *rep);

/* Write part k/n's rows (table access_part_K_of_N) in one transaction on
 * `store`; when that makes the set complete (all n parts, with the same
 * options and inputs), rebuild access_origins and access_communes from the
 * parts' rows in the same transaction, exactly as a whole run writes them;
 * otherwise drop them, so that no table is partial or stale.
 * Sets rep->parts_present and rep->merged. */
px_status px__access_part_write(px_ctx *ctx, px_store *store, px_store *ro, const px_points *orig,
                                const px_communes *com, const px__dests *dests, const px__access_res *res,
                                px_access_report *rep);

/* Write access_origins and access_communes in one transaction. */
px_status px__access_write(px_ctx *ctx, px_store *store, const px_points *orig, const px_communes *com,
                           const px__dests *dests, const px__access_res *res, px_access_report *rep);

#endif
