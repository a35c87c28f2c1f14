/*
 * Partitions of the communes for split runs (`--part K/N`): the Hilbert
 * order of the commune centres cut into N runs of about equal population,
 * the curve's key range each part owns (for origins outside every commune),
 * and a box holding everything a part owns, so that a part reads only what
 * lies near it. The rule is stated in proxima/layer.h. What is deliberately
 * not here: the buffer around the box (it depends on the analysis's reach)
 * and anything about results.
 */
#include "layer_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void px_layer_part_free(px_layer_part *p)
{
    if (!p) return;
    free(p->commune_part);
    memset(p, 0, sizeof *p);
}

static void box_add(px_bbox *b, int *any, const px_bbox *a)
{
    if (!*any) {
        *b = *a;
        *any = 1;
        return;
    }
    b->minx = fmin(b->minx, a->minx), b->miny = fmin(b->miny, a->miny);
    b->maxx = fmax(b->maxx, a->maxx), b->maxy = fmax(b->maxy, a->maxy);
}

/* The `population` column of the communes, by fid order (com is in fid
 * order too); NULL or negative is 0. Returns 0 (and w untouched) when the
 * layer has no such column or its total is not positive. */
static int commune_weights(px_store *store, const px_communes *com, double *w)
{
    static const char *const cols[] = {"population", NULL};
    px_table_reader *r = NULL;
    if (px_store_reader_open(store, "communes", cols, 0, NULL, &r) != PX_OK) return 0;
    for (size_t i = 0; i < com->n; i++) w[i] = 0;
    size_t i = 0;
    int has = 0;
    double total = 0;
    while (px_table_reader_next(r, &has) == PX_OK && has) {
        int64_t fid = px_table_reader_fid(r);
        while (i < com->n && com->fid[i] < fid) i++;
        if (i < com->n && com->fid[i] == fid && !px_table_reader_is_null(r, 0)) {
            double v = px_table_reader_real(r, 0);
            w[i] = v > 0 && isfinite(v) ? v : 0;
            total += w[i];
        }
    }
    px_table_reader_close(r);
    return total > 0;
}

typedef struct keyed {
    uint64_t key;
    size_t index;
} keyed;

static int keyed_cmp(const void *a, const void *b)
{
    const keyed *p = a, *q = b;
    if (p->key != q->key) return p->key < q->key ? -1 : 1;
    return (p->index > q->index) - (p->index < q->index);
}

px_status px_layer_partition(px_ctx *ctx, px_store *store, const px_communes *com, const char *origins_layer, int k,
                             int n, px_layer_part *out)
{
    if (!ctx || !store || !com || !out) return px__error(ctx, PX_EINVAL, "px_layer_partition: NULL argument");
    if (n < 1 || n > 10000 || k < 1 || k > n)
        return px__error(ctx, PX_EINVAL, "part %d/%d: want K/N with 1 <= K <= N <= 10000", k, n);
    px_layer_part p = {.k = k, .n = n};
    size_t nc = com->n;
    px_bbox *env = malloc((nc ? nc : 1) * sizeof *env);
    double *w = malloc((nc ? nc : 1) * sizeof *w);
    keyed *order = malloc((nc ? nc : 1) * sizeof *order);
    p.commune_part = malloc((nc ? nc : 1) * sizeof *p.commune_part);
    px_status rc = PX_OK;
    if (!env || !w || !order || !p.commune_part) {
        rc = px__error(ctx, PX_ENOMEM, "out of memory");
        goto done;
    }
    /* The grid: every commune's envelope and the origin layer's extent. */
    GEOSContextHandle_t h = px__geos(ctx);
    int any = 0;
    for (size_t i = 0; i < nc; i++) {
        GEOSGeometry *g = px__geom_from_wkb(ctx, com->wkb[i], com->wkb_len[i]);
        if (!g || GEOSGeom_getXMin_r(h, g, &env[i].minx) != 1 || GEOSGeom_getYMin_r(h, g, &env[i].miny) != 1 ||
            GEOSGeom_getXMax_r(h, g, &env[i].maxx) != 1 || GEOSGeom_getYMax_r(h, g, &env[i].maxy) != 1) {
            if (g) GEOSGeom_destroy_r(h, g);
            rc = px__error(ctx, PX_EGEOS, "communes:%lld: no envelope", (long long)com->fid[i]);
            goto done;
        }
        GEOSGeom_destroy_r(h, g);
        box_add(&p.grid, &any, &env[i]);
    }
    px_table_info *info = NULL;
    if (px_store_table_info(store, origins_layer ? origins_layer : "population", &info) == PX_OK) {
        if (info->has_extent) box_add(&p.grid, &any, &info->extent);
        px_table_info_free(info, 1);
    }
    if (!any) p.grid = (px_bbox){0, 0, 0, 0};
    /* Cut the Hilbert sequence of the centres by weight (midpoint rule). */
    p.by_population = commune_weights(store, com, w);
    if (!p.by_population)
        for (size_t i = 0; i < nc; i++) w[i] = 1;
    for (size_t i = 0; i < nc; i++) {
        order[i] = (keyed){px__hilbert_key(&p.grid, com->cx[i], com->cy[i]), i};
        p.weight_total += w[i];
    }
    qsort(order, nc, sizeof *order, keyed_cmp);
    /* lo[j]: the first key of part j (1-based); an empty part starts where the next does. */
    uint64_t *lo = malloc(((size_t)n + 2) * sizeof *lo);
    if (!lo) {
        rc = px__error(ctx, PX_ENOMEM, "out of memory");
        goto done;
    }
    const uint64_t end = (uint64_t)1 << 32;
    for (int j = 0; j <= n + 1; j++) lo[j] = end;
    double before = 0;
    for (size_t s = 0; s < nc; s++) {
        size_t i = order[s].index;
        double mid = p.weight_total > 0 ? (before + w[i] / 2) / p.weight_total : 0;
        int part = (int)floor(mid * n) + 1;
        if (part > n) part = n;
        if (part < 1) part = 1;
        before += w[i];
        p.commune_part[i] = part;
        if (lo[part] == end) lo[part] = order[s].key;
    }
    lo[1] = 0;
    for (int j = n; j >= 2; j--)
        if (lo[j] == end || lo[j] > lo[j + 1]) lo[j] = lo[j + 1];
    p.key_lo = lo[k];
    p.key_hi = lo[k + 1];
    free(lo);
    /* What part k owns: its communes' envelopes and its key cells. */
    any = 0;
    for (size_t i = 0; i < nc; i++)
        if (p.commune_part[i] == k) {
            p.n_communes++;
            p.weight += w[i];
            box_add(&p.area, &any, &env[i]);
        }
    px_bbox kb;
    if (px__hilbert_range_box(&p.grid, p.key_lo, p.key_hi, &kb)) box_add(&p.area, &any, &kb);
    p.has_area = any;
done:
    free(env);
    free(w);
    free(order);
    if (rc != PX_OK) {
        px_layer_part_free(&p);
        return rc;
    }
    *out = p;
    return PX_OK;
}

int px_layer_part_owns(const px_layer_part *p, int32_t commune, double x, double y)
{
    if (commune >= 0) return p->commune_part[commune] == p->k;
    uint64_t key = px__hilbert_key(&p->grid, x, y);
    return key >= p->key_lo && key < p->key_hi;
}
