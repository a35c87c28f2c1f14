/*
 * What the equity, brownfield and flood analyses share: reading their inputs
 * from the store (points with a weight and a category, commune polygons),
 * locating points in communes, supply-side catchment searches on the
 * network, small table-writing helpers and identifier cleaning.
 * Library-internal.
 */
#ifndef PX_EQUITY_INT_H
#define PX_EQUITY_INT_H

#include "proxima/equity.h"
#include "proxima/net.h"
#include "../geom/geom_int.h"

/* ---- inputs (an_inputs.c) ---------------------------------------------------- */

/* Points read from a layer: a representative point per row (the point
 * itself, or a point on the surface of a polygon / on a line). */
typedef struct px__points {
    size_t n;
    int64_t *fid;
    double *x, *y;
    double *weight; /* the weight column, or the default where NULL/<= 0 */
    char **id;      /* the `id` column (may hold NULLs) */
    char **cat;     /* the category column when asked, else NULL */
} px__points;

/* Representative point of a WKB geometry: itself for a point, else a point
 * on its surface. PX_EGEOS for bad or empty geometry. */
px_status px__rep_point(px_ctx *ctx, const unsigned char *wkb, size_t len, double *x, double *y);

/* Read `table`. `weight_col` (may be NULL: all weights = default_weight) and
 * `cat_col` (may be NULL) name columns. Rows without geometry are skipped.
 * Returns PX_ENOTFOUND (no table/column), PX_EGEOS, PX_ENOMEM. */
px_status px__points_load(px_ctx *ctx, px_store *store, const char *table, const char *weight_col,
                          double default_weight, const char *cat_col, px__points *out);
void px__points_free(px__points *p);

/* Distinct non-NULL categories of `p`, sorted; *out caller-frees with
 * px__strings_free (strings point into a new allocation each). */
px_status px__points_categories(px_ctx *ctx, const px__points *p, char ***out, size_t *n_out);
void px__strings_free(char **v, size_t n);

/* Commune polygons with an index for locating points. */
typedef struct px__an_communes {
    px_ctx *ctx;
    size_t n;
    int64_t *fid;
    char **id, **name;
    unsigned char **wkb;
    size_t *wkb_len;
    GEOSGeometry **g;
    const GEOSPreparedGeometry **pg;
    GEOSSTRtree *tree;
} px__an_communes;

/* Read the `communes` layer (PX_ENOTFOUND if absent). */
px_status px__an_communes_load(px_ctx *ctx, px_store *store, px__an_communes *out);
void px__an_communes_free(px__an_communes *c);
/* Index of the commune covering (x, y), the lowest index on shared borders;
 * -1 outside every commune. */
int px__an_communes_locate(const px__an_communes *c, double x, double y);

/* ---- catchments (catchment.c) ---------------------------------------------- */

/* Demand points attached to one mode of the graph, and scratch space for
 * bounded searches toward one supply at a time (costs "from the demand
 * point to the supply", i.e. the reverse graph). Only the nodes a search
 * touched are reset afterwards, so each search costs its catchment's size,
 * not the graph's. */
typedef struct px__catch px__catch;

/* `snaps` (n_demand, borrowed: must outlive the catchment) locate the demand
 * points; `ok[i]` zero means point i is off the network (never reached).
 * `edge_mask` (borrowed, may be NULL) closes edges whose byte is 0. */
px_status px__catch_new(px_ctx *ctx, const px_graph *g, px_mode mode, const px_snap *snaps, const uint8_t *ok,
                        size_t n_demand, const uint8_t *edge_mask, px__catch **out);
void px__catch_free(px__catch *c);

/* Growable list of pairs. */
typedef struct px__pairs {
    px_fca_pair *v;
    size_t n, cap;
} px__pairs;

/* Append to `pairs` every demand point that reaches `supply` (snapped) within
 * `cutoff_s`, with its time in minutes, tagged with `supply_index`. */
px_status px__catch_supply(px__catch *c, const px_snap *supply, double cutoff_s, uint32_t supply_index,
                           px__pairs *pairs);

/* ---- helpers (an_util.c) --------------------------------------------------- */

/* Lower-case [a-z0-9_] form of `s` ("Public services" -> "public_services",
 * "props.pollution" -> "props_pollution"); caller-frees; NULL on OOM. */
char *px__ident(const char *s);

/* px__ident of names[i], made unique among names[0..i]: when an earlier name
 * cleans to the same identifier, "_2", "_3"... is appended ("Health" and
 * "health" -> "health", "health_2"), so built column names never clash. */
char *px__ident_nth(const char *const *names, size_t i);

/* Snap every point of `p` for `mode` within max_dist_m; ok[i] = 1 if snapped.
 * `snaps` and `ok` are caller-provided (p->n entries). Returns the number
 * snapped in *n_ok. */
void px__snap_points(const px_graph *g, px_mode mode, const px__points *p, double max_dist_m, px_snap *snaps,
                     uint8_t *ok, size_t *n_ok);

#endif
