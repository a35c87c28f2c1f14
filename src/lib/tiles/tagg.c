/*
 * Low zooms keep the picture of dense point layers: instead of letting the
 * size cap drop features (85,000 from the demo's analysis tiles before this
 * file), the points of a dense layer are aggregated per grid cell at every
 * zoom below the max zoom, as tippecanoe's coalescing does.
 *
 * The rule (README, "Map tiles"): cells are `cell` tile units square (16 of
 * 4096 by default: one CSS pixel of a 256-px tile). A cell holding one point
 * keeps that feature as it is. A cell holding several becomes one feature at
 * their mean position (weighted as below), without feature id, with
 *  - `point_count`: how many points it stands for;
 *  - `count` (if the layer has a numeric `count` column, e.g. the residents
 *    an origin stands for): the sum, so totals read from any zoom agree;
 *  - other numeric columns: the mean of the non-NULL values weighted by
 *    `count` (by 1 where there is no `count`), e.g. the population-weighted
 *    mean of minutes to the nearest school;
 *  - text columns and identifiers (`id`, names ending in `_id` or `_fid`):
 *    the value where every point of the cell agrees, else NULL.
 * Multi-point features are kept as they are. Nothing here uses a context.
 */
#include "tiles_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct keyed {
    uint64_t key;
    uint32_t feat;
} keyed;

static int by_key(const void *a, const void *b)
{
    const keyed *x = a, *y = b;
    if (x->key != y->key) return x->key < y->key ? -1 : 1;
    return x->feat < y->feat ? -1 : x->feat > y->feat;
}

static int is_ident(const char *c)
{
    size_t n = strlen(c);
    return !strcmp(c, "id") || (n > 3 && !strcmp(c + n - 3, "_id")) || (n > 4 && !strcmp(c + n - 4, "_fid"));
}

static double num(const px__tval *v)
{
    return v->type == PX_COL_INT ? (double)v->i : v->d;
}

/* Append a value to l's table (no interning: aggregates are mostly unique). */
static int add_value(px__tlayer *l, size_t *cap, px__tval v, uint32_t *id)
{
    if (l->n_values == *cap) {
        size_t c = *cap ? 2 * *cap : 256;
        px__tval *nv = realloc(l->values, c * sizeof *nv);
        if (!nv) return -1;
        l->values = nv;
        *cap = c;
    }
    l->values[l->n_values] = v;
    *id = (uint32_t)l->n_values++;
    return 0;
}

int px__tlayer_is_dense_points(const px__tlayer *l, size_t min_features)
{
    return min_features && l->types_seen == (1 << PX__GEOM_POINT) && l->n_feat > min_features;
}

int px__tlayer_aggregate(const px__tlayer *src, int z, int extent, int cell, px__tlayer **out,
                         uint64_t *n_merged)
{
    *out = NULL;
    *n_merged = 0;
    px__tlayer *l = calloc(1, sizeof *l);
    keyed *ks = malloc((src->n_feat + 1) * sizeof *ks);
    double *sum_w = malloc((src->n_cols + 1) * sizeof *sum_w), *sum_wv = malloc((src->n_cols + 1) * sizeof *sum_wv);
    size_t values_cap = 0;
    if (!l || !ks || !sum_w || !sum_wv) goto fail;
    /* Columns: the source's, plus point_count. */
    l->n_cols = src->n_cols + 1;
    l->cols = calloc(l->n_cols, sizeof *l->cols);
    l->types = calloc(l->n_cols, sizeof *l->types);
    l->name = px__strdup(src->name);
    if (!l->cols || !l->types || !l->name) goto fail;
    for (size_t c = 0; c < src->n_cols; c++) {
        if (!(l->cols[c] = px__strdup(src->cols[c]))) goto fail;
        l->types[c] = src->types[c];
    }
    if (!(l->cols[src->n_cols] = px__strdup("point_count"))) goto fail;
    l->types[src->n_cols] = PX_COL_INT;
    /* The source's values first, so that kept features keep their ids. */
    values_cap = src->n_values + 16;
    if (!(l->values = calloc(values_cap, sizeof *l->values))) goto fail;
    for (size_t i = 0; i < src->n_values; i++) {
        l->values[i] = src->values[i];
        if (src->values[i].type == PX_COL_TEXT && !(l->values[i].s = px__strdup(src->values[i].s))) goto fail;
        l->n_values++;
    }
    int count_col = px__tlayer_col(src, "count");
    if (count_col >= 0 && src->types[count_col] == PX_COL_TEXT) count_col = -1;
    double cells = ldexp((double)extent / cell, z);
    size_t n = 0;
    for (size_t k = 0; k < src->n_feat; k++) {
        const px__tgeom *g = &src->geoms[k];
        if (!g->n_parts) continue;
        uint64_t key = UINT64_MAX; /* multi-points sort last, alone */
        if (g->n_parts == 1) {
            double cx = floor(g->xy[0] * cells), cy = floor(g->xy[1] * cells);
            key = (uint64_t)fmax(0, cx) << 32 | (uint64_t)fmax(0, cy);
        }
        ks[n++] = (keyed){key, (uint32_t)k};
    }
    qsort(ks, n, sizeof *ks, by_key);
    size_t cap = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        while (ks[i].key != UINT64_MAX && j < n && ks[j].key == ks[i].key)
            j++;
        if (l->n_feat == cap) {
            size_t c2 = cap ? 2 * cap : 256;
            px__tgeom *ng = realloc(l->geoms, c2 * sizeof *ng);
            if (ng) l->geoms = ng;
            int64_t *nf = realloc(l->fids, c2 * sizeof *nf);
            if (nf) l->fids = nf;
            uint32_t *nv = realloc(l->vals, c2 * l->n_cols * sizeof *nv);
            if (nv) l->vals = nv;
            if (!ng || !nf || !nv) goto fail;
            cap = c2;
        }
        size_t f = l->n_feat;
        px__tgeom *g = &l->geoms[f];
        memset(g, 0, sizeof *g);
        uint32_t *vals = l->vals + f * l->n_cols;
        if (j - i == 1) {
            /* Alone in its cell: the feature as it is. */
            const px__tgeom *sg = &src->geoms[ks[i].feat];
            size_t np = 0;
            for (uint32_t p = 0; p < sg->n_parts; p++)
                np += sg->part_n[p];
            g->part_n = malloc(sg->n_parts * sizeof *g->part_n);
            g->outer = calloc(sg->n_parts, 1);
            g->xy = malloc(2 * np * sizeof *g->xy);
            if (!g->part_n || !g->outer || !g->xy) goto fail_geom;
            memcpy(g->part_n, sg->part_n, sg->n_parts * sizeof *g->part_n);
            memcpy(g->xy, sg->xy, 2 * np * sizeof *g->xy);
            g->n_parts = sg->n_parts;
            g->type = sg->type;
            g->minx = sg->minx;
            g->miny = sg->miny;
            g->maxx = sg->maxx;
            g->maxy = sg->maxy;
            memcpy(vals, src->vals + (size_t)ks[i].feat * src->n_cols, src->n_cols * sizeof *vals);
            vals[src->n_cols] = PX__NOVAL;
            l->fids[f] = src->fids[ks[i].feat];
        } else {
            double wsum = 0, x = 0, y = 0;
            for (size_t c = 0; c < src->n_cols; c++)
                sum_w[c] = sum_wv[c] = 0;
            for (size_t k = i; k < j; k++) {
                uint32_t fe = ks[k].feat;
                const uint32_t *sv = src->vals + (size_t)fe * src->n_cols;
                double w = 1;
                if (count_col >= 0 && sv[count_col] != PX__NOVAL) w = num(&src->values[sv[count_col]]);
                if (!(w >= 0)) w = 0;
                /* Position: weighted by count, but never by a zero weight
                 * only (a cell of empty origins still has a place). */
                double pw = w > 0 ? w : 1e-9;
                x += pw * src->geoms[fe].xy[0];
                y += pw * src->geoms[fe].xy[1];
                wsum += pw;
                for (size_t c = 0; c < src->n_cols; c++) {
                    if (sv[c] == PX__NOVAL || src->types[c] == PX_COL_TEXT) continue;
                    const px__tval *v = &src->values[sv[c]];
                    if (v->type == PX_COL_TEXT) continue;
                    if ((int)c == count_col) {
                        sum_wv[c] += num(v);
                        sum_w[c] = 1;
                    } else {
                        sum_wv[c] += w * num(v);
                        sum_w[c] += w;
                    }
                }
            }
            g->part_n = malloc(sizeof *g->part_n);
            g->outer = calloc(1, 1);
            g->xy = malloc(2 * sizeof *g->xy);
            if (!g->part_n || !g->outer || !g->xy) goto fail_geom;
            g->type = PX__GEOM_POINT;
            g->n_parts = 1;
            g->part_n[0] = 1;
            g->xy[0] = g->minx = g->maxx = x / wsum;
            g->xy[1] = g->miny = g->maxy = y / wsum;
            l->fids[f] = -1;
            for (size_t c = 0; c < src->n_cols; c++) {
                vals[c] = PX__NOVAL;
                const uint32_t first = src->vals[(size_t)ks[i].feat * src->n_cols + c];
                if (src->types[c] == PX_COL_TEXT || is_ident(src->cols[c])) {
                    int same = 1;
                    for (size_t k = i + 1; same && k < j; k++)
                        same = src->vals[(size_t)ks[k].feat * src->n_cols + c] == first;
                    if (same) vals[c] = first; /* interned: equal ids are equal values */
                    continue;
                }
                if (sum_w[c] <= 0) continue;
                px__tval v = {.type = PX_COL_REAL};
                if ((int)c == count_col && src->types[c] == PX_COL_INT) {
                    v.type = PX_COL_INT;
                    v.i = (int64_t)llround(sum_wv[c]);
                } else {
                    v.d = (int)c == count_col ? sum_wv[c] : sum_wv[c] / sum_w[c];
                }
                if (add_value(l, &values_cap, v, &vals[c])) goto fail_geom;
            }
            px__tval pc = {.type = PX_COL_INT, .i = (int64_t)(j - i)};
            if (add_value(l, &values_cap, pc, &vals[src->n_cols])) goto fail_geom;
            *n_merged += j - i;
        }
        l->n_feat++;
        i = j;
        continue;
    fail_geom:
        px__tgeom_clear(g);
        goto fail;
    }
    l->types_seen = src->types_seen;
    l->has_extent = src->has_extent;
    l->minx = src->minx;
    l->miny = src->miny;
    l->maxx = src->maxx;
    l->maxy = src->maxy;
    free(ks);
    free(sum_w);
    free(sum_wv);
    *out = l;
    return 0;
fail:
    free(ks);
    free(sum_w);
    free(sum_wv);
    px__tlayer_free(l);
    return -1;
}
