/*
 * The communes as print maps see them, from the layer module's one reader
 * (px_layer_communes_read): name, a label point at the commune's centre by
 * the placement rule every analysis uses, rings reprojected to world (Web
 * Mercator) units for outlines and atlas pages, and the population where the
 * layer has one (label priority).
 *
 * Left out: holes are kept as rings but not told apart from shells (only
 * outlines are drawn from them).
 */
#include "print_int.h"
#include "proxima/layer.h"
#include "../geom/geom_int.h"
#include "../tiles/tiles_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void px__mcommunes_free(px__mcommune *c, size_t n)
{
    for (size_t i = 0; c && i < n; i++) {
        free(c[i].id);
        free(c[i].name);
        free(c[i].xy);
        free(c[i].ring_n);
    }
    free(c);
}

/* Append the rings of polygonal `g` (lon/lat) as world rings to `c`. */
static int add_rings(GEOSContextHandle_t h, const GEOSGeometry *g, px__mcommune *c, size_t *cap_xy, size_t *n_xy)
{
    int t = GEOSGeomTypeId_r(h, g);
    if (t == GEOS_MULTIPOLYGON || t == GEOS_GEOMETRYCOLLECTION) {
        int n = GEOSGetNumGeometries_r(h, g);
        for (int i = 0; i < n; i++)
            if (add_rings(h, GEOSGetGeometryN_r(h, g, i), c, cap_xy, n_xy)) return -1;
        return 0;
    }
    if (t != GEOS_POLYGON) return 0;
    int n_holes = GEOSGetNumInteriorRings_r(h, g);
    for (int r = -1; r < n_holes; r++) {
        const GEOSGeometry *ring = r < 0 ? GEOSGetExteriorRing_r(h, g) : GEOSGetInteriorRingN_r(h, g, r);
        const GEOSCoordSequence *seq = ring ? GEOSGeom_getCoordSeq_r(h, ring) : NULL;
        unsigned n = 0;
        if (!seq || !GEOSCoordSeq_getSize_r(h, seq, &n) || n == 0) continue;
        if (*n_xy + 2 * (size_t)n > *cap_xy) {
            size_t cap = *cap_xy ? *cap_xy : 256;
            while (cap < *n_xy + 2 * (size_t)n)
                cap *= 2;
            double *p = realloc(c->xy, cap * sizeof *p);
            if (!p) return -1;
            c->xy = p;
            *cap_xy = cap;
        }
        size_t *rn = realloc(c->ring_n, (c->n_rings + 1) * sizeof *rn);
        if (!rn) return -1;
        c->ring_n = rn;
        for (unsigned i = 0; i < n; i++) {
            double lon, lat, wx, wy;
            GEOSCoordSeq_getXY_r(h, seq, i, &lon, &lat);
            px__lonlat_to_world(lon, lat, &wx, &wy);
            c->xy[(*n_xy)++] = wx;
            c->xy[(*n_xy)++] = wy;
            if (c->n_rings == 0 && i == 0 && *n_xy == 2) {
                c->box[0] = c->box[2] = wx;
                c->box[1] = c->box[3] = wy;
            }
            c->box[0] = fmin(c->box[0], wx), c->box[1] = fmin(c->box[1], wy);
            c->box[2] = fmax(c->box[2], wx), c->box[3] = fmax(c->box[3], wy);
        }
        c->ring_n[c->n_rings++] = n;
    }
    return 0;
}

px_status px__mcommunes_load(px_ctx *ctx, px_store *store, px__mcommune **out, size_t *n_out)
{
    *out = NULL;
    *n_out = 0;
    px_communes *cm = NULL;
    px__xform *xf = NULL;
    px__mcommune *cs = NULL;
    size_t n = 0;
    GEOSContextHandle_t h = px__geos(ctx);
    /* The one reader of the communes layer (id, name, polygon, centre by the
     * placement rule); none is not an error here. */
    px_status rc = px_layer_communes_read(ctx, store, 0, &cm);
    if (rc != PX_OK || !cm->n) goto done;
    if ((rc = px__xform_new(ctx, px_store_crs(store), "EPSG:4326", &xf)) != PX_OK) goto done;
    if (!(cs = calloc(cm->n, sizeof *cs))) {
        rc = px__error(ctx, PX_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < cm->n; i++) {
        px__mcommune *c = &cs[n++];
        c->population = NAN;
        c->id = px__strdup(cm->id[i] ? cm->id[i] : "");
        c->name = px__strdup(cm->name[i] && *cm->name[i] ? cm->name[i] : c->id ? c->id : "");
        GEOSGeometry *g = px__geom_from_wkb(ctx, cm->wkb[i], cm->wkb_len[i]);
        GEOSGeometry *ll = g ? px__xform_geom(ctx, xf, g) : NULL;
        size_t cap_xy = 0, n_xy = 0;
        int bad = !c->id || !c->name || !ll || add_rings(h, ll, c, &cap_xy, &n_xy);
        double x = cm->cx[i], y = cm->cy[i];
        if (!bad && px__xform_point(xf, &x, &y) == PX_OK)
            px__lonlat_to_world(x, y, &c->label_wx, &c->label_wy);
        else if (!bad) {
            c->label_wx = (c->box[0] + c->box[2]) / 2;
            c->label_wy = (c->box[1] + c->box[3]) / 2;
        }
        if (ll) GEOSGeom_destroy_r(h, ll);
        if (g) GEOSGeom_destroy_r(h, g);
        if (bad) {
            rc = !g ? PX_EGEOS : !ll ? PX_EPROJ : px__error(ctx, PX_ENOMEM, "out of memory");
            goto done;
        }
    }
    /* Populations, where the layer has them: labels of the larger towns first. */
    const char *cols[] = {"population", NULL};
    px_table_reader *r = NULL;
    if (px_store_reader_open(store, "communes", cols, 0, NULL, &r) == PX_OK) {
        int has = 0;
        for (size_t i = 0; i < n && px_table_reader_next(r, &has) == PX_OK && has;) {
            int64_t fid = px_table_reader_fid(r);
            while (i < n && cm->fid[i] < fid)
                i++;
            if (i < n && cm->fid[i] == fid && !px_table_reader_is_null(r, 0)) cs[i].population = px_table_reader_real(r, 0);
        }
        px_table_reader_close(r);
    } else {
        px_ctx_clear_error(ctx);
    }
done:
    px__xform_free(xf);
    px_layer_communes_free(cm);
    if (rc != PX_OK) {
        px__mcommunes_free(cs, n);
        return rc;
    }
    *out = cs;
    *n_out = n;
    return PX_OK;
}
