/*
 * Proxima standard layers: the ONE reader of the canonical input layers every
 * analysis uses (communes, population units, services) and the rules they
 * share, so that every analysis agrees on where a resident is, which commune
 * holds them, what a category's column is called and what the quarter-hour
 * score means.
 *
 *  - Placing a feature as a point: a point stays itself; any other geometry
 *    (a polygon, a line) is placed at its GEOS point-on-surface, a point that
 *    lies inside the polygon (on the line), unlike a centroid, which can fall
 *    outside a concave shape (a crescent-shaped district, a commune around a
 *    lake).
 *  - Locating a point in a commune: one index (an STRtree of prepared
 *    polygons) built once per read; a point on a border shared by two
 *    communes goes to the first in fid order.
 *  - Commune centres: the population-weighted mean of the residents located
 *    in the commune; when that point falls outside the commune (a commune in
 *    two parts, a crescent), the resident point nearest to it; a commune
 *    without residents falls back to its point on surface.
 *  - Column names: a category (or mode) becomes a column token by lowercasing
 *    ASCII letters, keeping ASCII digits, and turning every other character
 *    (one UTF-8 character, not byte) into '_' ("Santé" -> "sant_",
 *    "Public services" -> "public_services"). Two categories giving the same token get "_2",
 *    "_3"... in sorted order. Wide columns are `<mode>_<token>_<measure>`.
 *  - Quarter-hour score of a resident for a mode: the number of categories
 *    whose nearest service is within the threshold (minutes <= threshold;
 *    unreachable never counts).
 *  - Snapping: PX_LAYER_SNAP_M (300 m) is the default distance within which
 *    a point is attached to the network, in every analysis.
 *
 * Depends on the store, geometry and core modules only; reads, never writes.
 */
#ifndef PROXIMA_LAYER_H
#define PROXIMA_LAYER_H

#include "proxima/core.h"
#include "proxima/store.h"

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The one snapping default (metres) of every analysis. */
#define PX_LAYER_SNAP_M 300.0

/* The id and name of the whole-region row of per-commune result tables. */
#define PX_LAYER_REGION_ID "*"
#define PX_LAYER_REGION_NAME "All communes"

/* The point of a WKB geometry (borrowed) by the placement rule above.
 * Returns PX_EGEOS (unreadable or empty geometry; message on ctx). */
px_status px_layer_point_of(px_ctx *ctx, const unsigned char *wkb, size_t len, double *x, double *y);

/* ---- communes ---------------------------------------------------------- */

typedef struct px__locator px__locator;

/* The communes layer, read once. Fields are read-only for callers. */
typedef struct px_communes {
    size_t n;
    int64_t *fid;
    char **id;              /* the `id` column, or the fid as text where NULL */
    char **name;            /* the `name` column, or "" where NULL */
    unsigned char **wkb;    /* the polygon (ISO WKB), wkb_len[i] bytes */
    size_t *wkb_len;
    double *cx, *cy;        /* centre: point on surface, until px_layer_communes_centres */
    int *centre_weighted;   /* non-zero where the centre is population-weighted */
    px__locator *loc;       /* the point-in-commune index (internal) */
} px_communes;

/* Read the `communes` layer of `store`. Without the layer: when `required`
 * is zero, an empty set (n = 0); otherwise PX_ENOTFOUND. *out is
 * caller-frees (px_layer_communes_free). The locator uses ctx's GEOS handle:
 * locate from the thread that owns ctx only, and free before ctx.
 * Returns PX_ENOTFOUND, PX_EGEOS (unreadable polygon: names the commune),
 * PX_ENOMEM, PX_ESQLITE. */
px_status px_layer_communes_read(px_ctx *ctx, px_store *store, int required, px_communes **out);
void px_layer_communes_free(px_communes *c);

/* Index of the commune holding (x, y) (project CRS), the first in fid order
 * on a shared border; -1 outside every commune or when c is NULL or empty. */
int32_t px_layer_communes_locate(const px_communes *c, double x, double y);

/* ---- population and services -------------------------------------------- */

/* Points read from a layer, one per row with a usable geometry, in fid order. */
typedef struct px_points {
    size_t n;
    int64_t *fid;
    double *x, *y;     /* placed by the rule above */
    double *weight;    /* population: `count` (NULL -> 0); services: `capacity`
                          where the layer has it and the value is > 0, else 1 */
    char **id;         /* the `id` column (entries may be NULL) */
    int32_t *commune;  /* index into the communes given to the reader; -1 outside */
    int32_t *cat;      /* services: index into cats; NULL for population */
    size_t n_cat;
    char **cats;       /* services: category names (sorted, or in the order asked) */
    char **cat_cols;   /* the column token of each (unique) */
} px_points;

/* What px_layer_population_read keeps besides points, weights and communes. */
#define PX_LAYER_WITH_IDS 1u /* the `id` column (a million strings cost time and memory) */

/* Population units of `layer` (NULL: "population"), located in `communes`
 * (borrowed, may be NULL); p->id is filled only with PX_LAYER_WITH_IDS in
 * `flags` (else all NULL). Rows without geometry are skipped with a warning.
 * On success *out is filled (free with px_layer_points_free).
 * Returns PX_ENOTFOUND (no layer), PX_EGEOS, PX_ENOMEM, PX_ESQLITE,
 * PX_ECANCELLED. */
px_status px_layer_population_read(px_ctx *ctx, px_store *store, const char *layer, const px_communes *communes,
                                   unsigned flags, px_points *out);

/* Services: the rows of `layers` (NULL-terminated, borrowed; NULL means
 * {"services"}); a layer with a `category` column is split by it, otherwise
 * its name is its one category. `keep` (NULL-terminated, borrowed; NULL:
 * every category found) selects categories, checked against those found
 * BEFORE anything else: an unknown one is PX_EARG with the message
 * "unknown category 'helth' (known: culture, education, ...)". Rows of other
 * categories, or without one, are left out. Located in `communes` (may be NULL).
 * Returns PX_EARG, PX_ENOTFOUND (no layer), PX_EGEOS, PX_ENOMEM, PX_ESQLITE. */
px_status px_layer_services_read(px_ctx *ctx, px_store *store, const char *const *layers, const char *const *keep,
                                 const px_communes *communes, px_points *out);

/* The same two readers, keeping only the rows whose geometry's box meets
 * `box` (read through the spatial index) and whose placed point lies inside
 * it (borders included); NULL reads everything. For split runs: a part reads
 * what lies near it. Same statuses. */
px_status px_layer_population_read_in(px_ctx *ctx, px_store *store, const char *layer, const px_communes *communes,
                                      unsigned flags, const px_bbox *box, px_points *out);
px_status px_layer_services_read_in(px_ctx *ctx, px_store *store, const char *const *layers, const char *const *keep,
                                    const px_communes *communes, const px_bbox *box, px_points *out);

/* The distinct categories of the services layers (as above), sorted, without
 * reading geometry: for validating options before any work. *cats is
 * caller-frees (px_layer_strings_free). Returns PX_ENOTFOUND, PX_ENOMEM, PX_ESQLITE. */
px_status px_layer_categories(px_ctx *ctx, px_store *store, const char *const *layers, char ***cats, size_t *n);

/* PX_EARG with "unknown category 'X' (known: a, b, c)" when some entry of
 * `asked` (n_asked, borrowed) is not in `known` (n_known); PX_OK otherwise. */
px_status px_layer_check_categories(px_ctx *ctx, const char *const *asked, size_t n_asked,
                                    const char *const *known, size_t n_known);

/* Give every commune its population-weighted centre (rule above) from the
 * residents in `pop` (borrowed; located in these communes). Returns PX_OK,
 * PX_EGEOS, PX_ENOMEM. */
px_status px_layer_communes_centres(px_ctx *ctx, px_communes *c, const px_points *pop);

void px_layer_points_free(px_points *p);
void px_layer_strings_free(char **v, size_t n);

/* Representative points of any layer, in fid order, by the placement rule;
 * rows without geometry are skipped. *fids (n) and *xy (2n: x0, y0, ...) are
 * caller-frees (free()). Returns PX_ENOTFOUND (no layer), PX_EGEOS, PX_ENOMEM. */
px_status px_layer_points(px_ctx *ctx, px_store *store, const char *layer, int64_t **fids, double **xy, size_t *n);

/* ---- partitions (--part K/N) -------------------------------------------- */

/* One part of a split run. The communes are put in the order of their
 * centres (point on surface) along a Hilbert curve over the grid (the
 * communes' extent joined with the origin layer's), ties in commune order,
 * and that sequence is cut into n runs of about equal weight: commune i goes
 * to part floor(n * (W_before_i + w_i / 2) / W) + 1, w being the commune's
 * `population` column where the layer has one with a positive total, else 1
 * per commune. Part k also owns the curve's keys from its first commune's
 * key to the next part's (part 1 from 0, part n to the end): an origin
 * outside every commune belongs to the part owning its own key. So every
 * origin has exactly one part, whichever process computes it. */
typedef struct px_layer_part {
    int k, n;                  /* this part, 1..n, of n */
    int32_t *commune_part;     /* per commune of the set given: its part, 1..n */
    size_t n_communes;         /* communes in part k */
    double weight, weight_total; /* weight of part k and of all communes */
    int by_population;         /* weights are the communes' population column */
    px_bbox grid;              /* the Hilbert grid */
    uint64_t key_lo, key_hi;   /* part k owns keys [key_lo, key_hi) */
    int has_area;              /* part k owns some commune or key */
    px_bbox area;              /* a box holding every origin part k owns */
} px_layer_part;

/* What a part of a split run read and wrote (access, equity and cycle
 * reports): the buffer overhead is rows read against rows of the part. */
typedef struct px_part_stats {
    int k, n;                    /* this part of n; n == 0: not a split run */
    int parts_present;           /* parts of this split in the store now (this one included) */
    int merged;                  /* non-zero: this part completed the set and wrote the region's tables */
    char parts_missing[256];     /* "1,3" ("..." when long); "" when none */
    int64_t communes;            /* communes of the part */
    double reach_m;              /* fastest edge speed of the modes run x the search cutoff x 1.001 */
    double buffer_m;             /* how far around the part's origins the network was read */
    int64_t origins_read, origins_in_part;           /* population rows read; those the part owns */
    int64_t destinations_read, destinations_in_part; /* services read; those in the part's box */
    int64_t edges_read, edges_in_part, edges_total;  /* edges read; meeting the part's box; whole network */
} px_part_stats;

/* Part k of n (1 <= k <= n <= 10000) of the communes `com` (borrowed, read
 * from `store`); `origins_layer` (NULL: "population") only widens the grid.
 * *out is caller-frees (px_layer_part_free).
 * Returns PX_EINVAL (k or n out of range), PX_EGEOS, PX_ENOMEM, PX_ESQLITE. */
px_status px_layer_partition(px_ctx *ctx, px_store *store, const px_communes *com, const char *origins_layer, int k,
                             int n, px_layer_part *out);

/* Does part `p` own an origin at (x, y) located in commune `commune` (an
 * index in the communes given to px_layer_partition, -1 outside all)? */
int px_layer_part_owns(const px_layer_part *p, int32_t commune, double x, double y);

void px_layer_part_free(px_layer_part *p);

/* Is (x, y) inside box `b` (borders included)? */
static inline int px_bbox_has(const px_bbox *b, double x, double y)
{
    return x >= b->minx && x <= b->maxx && y >= b->miny && y <= b->maxy;
}

/* ---- names and scores ------------------------------------------------------ */

/* The column token of a category or mode name (rule above); caller-frees;
 * NULL on allocation failure. An empty name gives "x". */
char *px_layer_column_token(const char *name);

/* Does `minutes` count for the quarter-hour score at `threshold_min`? */
static inline int px_layer_qh_within(double minutes, double threshold_min)
{
    return minutes == minutes && minutes <= threshold_min;
}

/* Quarter-hour score: how many of n_cat minutes (minutes[c * stride]) are
 * within threshold_min. NaN (unreachable) never counts. */
int px_layer_qh_score(const float *minutes, size_t stride, size_t n_cat, double threshold_min);

#ifdef __cplusplus
}
#endif
#endif
