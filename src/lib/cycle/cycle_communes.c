/*
 * Communes for the cycle analyses: which commune a point lies in (a GEOS
 * STRtree over prepared polygons) and a point inside each commune, used as
 * its "commune centre" destination. Points on a shared border go to the
 * first commune in fid order. Nothing here writes.
 */
#include "cycle_int.h"
#include "../geom/geom_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct px__ccommunes {
    px_ctx *ctx;
    size_t n, cap;
    char **ids, **names;
    GEOSGeometry **geoms;
    const GEOSPreparedGeometry **prep;
    double *cx, *cy;
    GEOSSTRtree *tree;
};

px_status px__cycle_wkb_point(px_ctx *ctx, const unsigned char *wkb, size_t len, double *x, double *y)
{
    GEOSContextHandle_t h = px__geos(ctx);
    GEOSGeometry *g = px__geom_from_wkb(ctx, wkb, len);
    if (!g) return PX_EGEOS;
    GEOSGeometry *pt = GEOSGeomTypeId_r(h, g) == GEOS_POINT ? NULL : GEOSPointOnSurface_r(h, g);
    const GEOSGeometry *use = pt ? pt : g;
    px_status rc = PX_OK;
    if (GEOSisEmpty_r(h, use) || !GEOSGeomGetX_r(h, use, x) || !GEOSGeomGetY_r(h, use, y))
        rc = px__error(ctx, PX_EGEOS, "GEOS: no point for a geometry: %s", px__geos_message(ctx));
    if (pt) GEOSGeom_destroy_r(h, pt);
    GEOSGeom_destroy_r(h, g);
    return rc;
}

void px__ccommunes_free(px__ccommunes *cs)
{
    if (!cs) return;
    GEOSContextHandle_t h = px__geos(cs->ctx);
    if (cs->tree) GEOSSTRtree_destroy_r(h, cs->tree);
    for (size_t i = 0; i < cs->n; i++) {
        if (cs->prep && cs->prep[i]) GEOSPreparedGeom_destroy_r(h, cs->prep[i]);
        if (cs->geoms && cs->geoms[i]) GEOSGeom_destroy_r(h, cs->geoms[i]);
        free(cs->ids[i]), free(cs->names[i]);
    }
    free(cs->ids), free(cs->names), free(cs->geoms), free(cs->prep), free(cs->cx), free(cs->cy);
    free(cs);
}

static px_status grow(px__ccommunes *cs)
{
    if (cs->n < cs->cap) return PX_OK;
    size_t cap = cs->cap ? 2 * cs->cap : 64;
    char **ni = realloc(cs->ids, cap * sizeof *ni);
    if (ni) cs->ids = ni;
    char **nn = realloc(cs->names, cap * sizeof *nn);
    if (nn) cs->names = nn;
    GEOSGeometry **ng = realloc(cs->geoms, cap * sizeof *ng);
    if (ng) cs->geoms = ng;
    const GEOSPreparedGeometry **np = realloc(cs->prep, cap * sizeof *np);
    if (np) cs->prep = np;
    double *nx = realloc(cs->cx, cap * sizeof *nx);
    if (nx) cs->cx = nx;
    double *ny = realloc(cs->cy, cap * sizeof *ny);
    if (ny) cs->cy = ny;
    if (!ni || !nn || !ng || !np || !nx || !ny) return px__error(cs->ctx, PX_ENOMEM, "out of memory");
    cs->cap = cap;
    return PX_OK;
}

px_status px__ccommunes_read(px_ctx *ctx, px_store *store, px__ccommunes **out)
{
    *out = NULL;
    if (!px_store_has_table(store, "communes")) return PX_OK;
    GEOSContextHandle_t h = px__geos(ctx);
    px__ccommunes *cs = calloc(1, sizeof *cs);
    if (!cs) return px__error(ctx, PX_ENOMEM, "out of memory");
    cs->ctx = ctx;
    static const char *const cols[] = {"id", "name", NULL};
    px_table_reader *r = NULL;
    px_status rc = px_store_reader_open(store, "communes", cols, 1, NULL, &r);
    int has = 0;
    while (rc == PX_OK && (rc = px_table_reader_next(r, &has)) == PX_OK && has) {
        size_t len = 0;
        const unsigned char *wkb = px_table_reader_wkb(r, &len);
        if (!wkb) continue;
        if ((rc = grow(cs)) != PX_OK) break;
        size_t i = cs->n;
        cs->geoms[i] = px__geom_from_wkb(ctx, wkb, len);
        if (!cs->geoms[i]) {
            rc = px__error(ctx, PX_EGEOS, "%s:communes:%lld: %s", px_store_path(store),
                           (long long)px_table_reader_fid(r), px_ctx_errmsg(ctx));
            break;
        }
        const char *id = px_table_reader_text(r, 0), *name = px_table_reader_text(r, 1);
        char fid_text[32];
        snprintf(fid_text, sizeof fid_text, "%lld", (long long)px_table_reader_fid(r));
        cs->ids[i] = px__strdup(id ? id : fid_text);
        cs->names[i] = px__strdup(name ? name : "");
        cs->prep[i] = GEOSPrepare_r(h, cs->geoms[i]);
        cs->n++;
        if (!cs->ids[i] || !cs->names[i] || !cs->prep[i]) {
            rc = px__error(ctx, PX_ENOMEM, "out of memory");
            break;
        }
        GEOSGeometry *pt = GEOSPointOnSurface_r(h, cs->geoms[i]);
        if (!pt || !GEOSGeomGetX_r(h, pt, &cs->cx[i]) || !GEOSGeomGetY_r(h, pt, &cs->cy[i]))
            cs->cx[i] = cs->cy[i] = 0;
        if (pt) GEOSGeom_destroy_r(h, pt);
    }
    px_table_reader_close(r);
    if (rc == PX_OK && cs->n) {
        cs->tree = GEOSSTRtree_create_r(h, 10);
        if (!cs->tree) rc = px__error(ctx, PX_ENOMEM, "out of memory");
        for (size_t i = 0; rc == PX_OK && i < cs->n; i++)
            GEOSSTRtree_insert_r(h, cs->tree, cs->geoms[i], (void *)(uintptr_t)(i + 1));
    }
    if (rc != PX_OK) {
        px__ccommunes_free(cs);
        return rc;
    }
    *out = cs;
    return PX_OK;
}

typedef struct hit {
    px__ccommunes *cs;
    const GEOSGeometry *pt;
    size_t best; /* 1-based, 0 = none */
} hit;

static void visit(void *item, void *user)
{
    hit *q = user;
    size_t i = (size_t)(uintptr_t)item;
    if (q->best && q->best < i) return; /* keep the lowest index on a border */
    if (GEOSPreparedIntersects_r(px__geos(q->cs->ctx), q->cs->prep[i - 1], q->pt) == 1) q->best = i;
}

int32_t px__ccommunes_find(px__ccommunes *cs, double x, double y)
{
    if (!cs || !cs->tree) return -1;
    GEOSContextHandle_t h = px__geos(cs->ctx);
    GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(h, x, y);
    if (!pt) return -1;
    hit q = {cs, pt, 0};
    GEOSSTRtree_query_r(h, cs->tree, pt, visit, &q);
    GEOSGeom_destroy_r(h, pt);
    return (int32_t)q.best - 1;
}

size_t px__ccommunes_count(const px__ccommunes *cs)
{
    return cs ? cs->n : 0;
}
const char *px__ccommunes_id(const px__ccommunes *cs, size_t i)
{
    return cs->ids[i];
}
const char *px__ccommunes_name(const px__ccommunes *cs, size_t i)
{
    return cs->names[i];
}
void px__ccommunes_centre(const px__ccommunes *cs, size_t i, double *x, double *y)
{
    *x = cs->cx[i];
    *y = cs->cy[i];
}
