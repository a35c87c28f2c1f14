/*
 * The communes layer read once: ids, names, polygons, the one
 * point-in-commune locator (a GEOS STRtree over prepared polygons, built at
 * read time) and the commune centres (point on surface, then
 * population-weighted on request). Nothing here writes.
 */
#include "layer_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct px__locator {
    px_ctx *ctx;
    GEOSSTRtree *tree;
    GEOSGeometry **g;
    const GEOSPreparedGeometry **pg;
    size_t n;
};

static void locator_free(px__locator *lc)
{
    if (!lc) return;
    GEOSContextHandle_t h = px__geos(lc->ctx);
    if (lc->tree) GEOSSTRtree_destroy_r(h, lc->tree);
    for (size_t i = 0; i < lc->n; i++) {
        if (lc->pg && lc->pg[i]) GEOSPreparedGeom_destroy_r(h, lc->pg[i]);
        if (lc->g && lc->g[i]) GEOSGeom_destroy_r(h, lc->g[i]);
    }
    free(lc->g);
    free(lc->pg);
    free(lc);
}

void px_layer_communes_free(px_communes *c)
{
    if (!c) return;
    locator_free(c->loc);
    for (size_t i = 0; i < c->n; i++) {
        free(c->id[i]);
        free(c->name[i]);
        free(c->wkb[i]);
    }
    free(c->fid);
    free(c->id);
    free(c->name);
    free(c->wkb);
    free(c->wkb_len);
    free(c->cx);
    free(c->cy);
    free(c->centre_weighted);
    free(c);
}

px_status px_layer_communes_read(px_ctx *ctx, px_store *store, int required, px_communes **out)
{
    if (!ctx || !store || !out) return px__error(ctx, PX_EINVAL, "px_layer_communes_read: NULL argument");
    *out = NULL;
    px_communes *c = calloc(1, sizeof *c);
    if (!c) return px__error(ctx, PX_ENOMEM, "out of memory");
    if (!px_store_has_table(store, "communes")) {
        if (!required) {
            *out = c;
            return PX_OK;
        }
        free(c);
        return px__error(ctx, PX_ENOTFOUND, "%s: no communes layer: load one first", px_store_path(store));
    }
    int64_t total = 0;
    px_status rc = px_store_count(store, "communes", &total);
    if (rc != PX_OK) {
        free(c);
        return rc;
    }
    size_t cap = total > 0 ? (size_t)total : 1;
    GEOSContextHandle_t h = px__geos(ctx);
    c->fid = calloc(cap, sizeof *c->fid);
    c->id = calloc(cap, sizeof *c->id);
    c->name = calloc(cap, sizeof *c->name);
    c->wkb = calloc(cap, sizeof *c->wkb);
    c->wkb_len = calloc(cap, sizeof *c->wkb_len);
    c->cx = calloc(cap, sizeof *c->cx);
    c->cy = calloc(cap, sizeof *c->cy);
    c->centre_weighted = calloc(cap, sizeof *c->centre_weighted);
    c->loc = calloc(1, sizeof *c->loc);
    if (c->loc) {
        c->loc->ctx = ctx;
        c->loc->g = calloc(cap, sizeof *c->loc->g);
        c->loc->pg = calloc(cap, sizeof *c->loc->pg);
        c->loc->tree = GEOSSTRtree_create_r(h, 10);
    }
    if (!c->fid || !c->id || !c->name || !c->wkb || !c->wkb_len || !c->cx || !c->cy || !c->centre_weighted ||
        !c->loc || !c->loc->g || !c->loc->pg || !c->loc->tree) {
        px_layer_communes_free(c);
        return px__error(ctx, PX_ENOMEM, "out of memory");
    }
    static const char *const cols[] = {"id", "name", NULL};
    px_table_reader *r = NULL;
    rc = px_store_reader_open(store, "communes", cols, 1, NULL, &r);
    int has = 0;
    while (rc == PX_OK && (rc = px_table_reader_next(r, &has)) == PX_OK && has && c->n < cap) {
        size_t len = 0;
        const unsigned char *wkb = px_table_reader_wkb(r, &len);
        if (!wkb) continue;
        size_t i = c->n;
        c->fid[i] = px_table_reader_fid(r);
        const char *id = px_table_reader_text(r, 0), *name = px_table_reader_text(r, 1);
        char fid_text[32];
        snprintf(fid_text, sizeof fid_text, "%lld", (long long)c->fid[i]);
        c->id[i] = px__strdup(id ? id : fid_text);
        c->name[i] = px__strdup(name ? name : "");
        c->wkb[i] = malloc(len);
        c->wkb_len[i] = len;
        c->n++;
        c->loc->n = c->n;
        if (!c->id[i] || !c->name[i] || !c->wkb[i]) {
            rc = px__error(ctx, PX_ENOMEM, "out of memory");
            break;
        }
        memcpy(c->wkb[i], wkb, len);
        c->loc->g[i] = px__geom_from_wkb(ctx, wkb, len);
        c->loc->pg[i] = c->loc->g[i] ? GEOSPrepare_r(h, c->loc->g[i]) : NULL;
        if (!c->loc->pg[i]) {
            rc = px__error(ctx, PX_EGEOS, "%s:communes:%s: unreadable geometry", px_store_path(store), c->id[i]);
            break;
        }
        GEOSGeometry *pt = GEOSPointOnSurface_r(h, c->loc->g[i]);
        if (!pt || GEOSisEmpty_r(h, pt) || !GEOSGeomGetX_r(h, pt, &c->cx[i]) || !GEOSGeomGetY_r(h, pt, &c->cy[i]))
            c->cx[i] = c->cy[i] = NAN;
        if (pt) GEOSGeom_destroy_r(h, pt);
        /* The tree hands back the index, stored as a pointer-sized integer. */
        GEOSSTRtree_insert_r(h, c->loc->tree, c->loc->g[i], (void *)(uintptr_t)(i + 1));
    }
    px_table_reader_close(r);
    if (rc != PX_OK) {
        px_layer_communes_free(c);
        return rc;
    }
    *out = c;
    return PX_OK;
}

typedef struct locate_q {
    const px__locator *lc;
    const GEOSGeometry *pt;
    size_t best; /* 1-based, 0 = none */
} locate_q;

static void locate_cb(void *item, void *user)
{
    locate_q *q = user;
    size_t i = (size_t)(uintptr_t)item;
    if (q->best && q->best < i) return; /* the lowest index wins on a shared border */
    if (GEOSPreparedIntersects_r(px__geos(q->lc->ctx), q->lc->pg[i - 1], q->pt) == 1) q->best = i;
}

int32_t px_layer_communes_locate(const px_communes *c, double x, double y)
{
    if (!c || c->n == 0 || !c->loc || !c->loc->tree) return -1;
    GEOSContextHandle_t h = px__geos(c->loc->ctx);
    GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(h, x, y);
    if (!pt) return -1;
    locate_q q = {c->loc, pt, 0};
    GEOSSTRtree_query_r(h, c->loc->tree, pt, locate_cb, &q);
    GEOSGeom_destroy_r(h, pt);
    return (int32_t)q.best - 1;
}

px_status px_layer_communes_centres(px_ctx *ctx, px_communes *c, const px_points *pop)
{
    if (!ctx || !c || !pop) return px__error(ctx, PX_EINVAL, "px_layer_communes_centres: NULL argument");
    if (c->n == 0) return PX_OK;
    double *sw = calloc(c->n, sizeof *sw), *sx = calloc(c->n, sizeof *sx), *sy = calloc(c->n, sizeof *sy);
    double *best = malloc(c->n * sizeof *best);
    if (!sw || !sx || !sy || !best) {
        free(sw), free(sx), free(sy), free(best);
        return px__error(ctx, PX_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < pop->n; i++) {
        int32_t k = pop->commune ? pop->commune[i] : -1;
        double w = pop->weight ? pop->weight[i] : 1.0;
        if (k < 0 || (size_t)k >= c->n || !(w > 0)) continue;
        sw[k] += w;
        sx[k] += w * pop->x[i];
        sy[k] += w * pop->y[i];
    }
    GEOSContextHandle_t h = px__geos(ctx);
    for (size_t k = 0; k < c->n; k++) {
        best[k] = INFINITY;
        if (!(sw[k] > 0)) continue;
        sx[k] /= sw[k];
        sy[k] /= sw[k];
        GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(h, sx[k], sy[k]);
        int inside = pt && GEOSPreparedIntersects_r(h, c->loc->pg[k], pt) == 1;
        if (pt) GEOSGeom_destroy_r(h, pt);
        if (inside) {
            c->cx[k] = sx[k];
            c->cy[k] = sy[k];
            c->centre_weighted[k] = 1;
            sw[k] = 0; /* done: no nearest resident needed */
        }
    }
    /* Weighted mean outside its commune: the resident point nearest to it. */
    for (size_t i = 0; i < pop->n; i++) {
        int32_t k = pop->commune ? pop->commune[i] : -1;
        double w = pop->weight ? pop->weight[i] : 1.0;
        if (k < 0 || (size_t)k >= c->n || !(w > 0) || !(sw[k] > 0)) continue;
        double d = hypot(pop->x[i] - sx[k], pop->y[i] - sy[k]);
        if (d < best[k]) {
            best[k] = d;
            c->cx[k] = pop->x[i];
            c->cy[k] = pop->y[i];
            c->centre_weighted[k] = 1;
        }
    }
    free(sw), free(sx), free(sy), free(best);
    return PX_OK;
}
