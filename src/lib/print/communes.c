/*
 * The communes as print maps see them: name, a label point inside each
 * (GEOS point on surface, in the project CRS, so the label sits where the
 * project's other tools would put it), and rings reprojected to world
 * (Web Mercator) units for outlines and atlas pages. Read through the store
 * like every other layer.
 *
 * Left out: holes are kept as rings but not told apart from shells (only
 * outlines are drawn from them).
 */
#include "print_int.h"
#include "../geom/geom_int.h"
#include "../tiles/tiles_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *px__name_column(px_store *store, const char *table)
{
    static const char *const names[] = {"commune_name", "name", "commune", NULL};
    px_table_reader *r = NULL;
    if (px_store_reader_open(store, table, NULL, 0, NULL, &r) != PX_OK) return NULL;
    const char *found = NULL;
    for (int i = 0; names[i] && !found; i++)
        if (px_table_reader_column_index(r, names[i]) >= 0) found = names[i];
    px_table_reader_close(r);
    return found;
}

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
    if (!px_store_has_table(store, "communes")) return PX_OK;
    const char *name_col = px__name_column(store, "communes");
    px_table_reader *r = NULL;
    px__xform *xf = NULL;
    px__mcommune *cs = NULL;
    size_t n = 0, cap = 0;
    GEOSContextHandle_t h = px__geos(ctx);
    px_status rc = px_store_reader_open(store, "communes", NULL, 1, NULL, &r);
    if (rc != PX_OK) goto done;
    if ((rc = px__xform_new(ctx, px_store_crs(store), "EPSG:4326", &xf)) != PX_OK) goto done;
    int i_id = px_table_reader_column_index(r, "id");
    if (i_id < 0) i_id = px_table_reader_column_index(r, "commune_id");
    int i_name = name_col ? px_table_reader_column_index(r, name_col) : -1;
    int i_pop = px_table_reader_column_index(r, "population");
    for (;;) {
        int has = 0;
        if ((rc = px_table_reader_next(r, &has)) != PX_OK || !has) break;
        size_t len = 0;
        const unsigned char *wkb = px_table_reader_wkb(r, &len);
        if (!wkb) continue;
        GEOSGeometry *g = px__geom_from_wkb(ctx, wkb, len);
        if (!g) {
            rc = PX_EGEOS;
            break;
        }
        GEOSGeometry *pos = GEOSPointOnSurface_r(h, g), *ll = px__xform_geom(ctx, xf, g);
        if (n == cap) {
            cap = cap ? 2 * cap : 32;
            px__mcommune *p = realloc(cs, cap * sizeof *p);
            if (!p) {
                if (pos) GEOSGeom_destroy_r(h, pos);
                if (ll) GEOSGeom_destroy_r(h, ll);
                GEOSGeom_destroy_r(h, g);
                rc = px__error(ctx, PX_ENOMEM, "out of memory");
                break;
            }
            cs = p;
        }
        px__mcommune *c = &cs[n++];
        memset(c, 0, sizeof *c);
        const char *id = i_id >= 0 ? px_table_reader_text(r, (size_t)i_id) : NULL;
        const char *nm = i_name >= 0 ? px_table_reader_text(r, (size_t)i_name) : NULL;
        c->id = px__strdup(id ? id : "");
        c->name = px__strdup(nm ? nm : (id ? id : ""));
        c->population = i_pop >= 0 && !px_table_reader_is_null(r, (size_t)i_pop) ? px_table_reader_real(r, (size_t)i_pop)
                                                                                   : NAN;
        size_t cap_xy = 0, n_xy = 0;
        int bad = !c->id || !c->name || !ll || add_rings(h, ll, c, &cap_xy, &n_xy);
        double x = 0, y = 0;
        if (!bad && pos && !GEOSisEmpty_r(h, pos) && GEOSGeomGetX_r(h, pos, &x) && GEOSGeomGetY_r(h, pos, &y) &&
            px__xform_point(xf, &x, &y) == PX_OK)
            px__lonlat_to_world(x, y, &c->label_wx, &c->label_wy);
        else if (!bad) {
            c->label_wx = (c->box[0] + c->box[2]) / 2;
            c->label_wy = (c->box[1] + c->box[3]) / 2;
        }
        if (pos) GEOSGeom_destroy_r(h, pos);
        if (ll) GEOSGeom_destroy_r(h, ll);
        GEOSGeom_destroy_r(h, g);
        if (bad) {
            rc = ll ? px__error(ctx, PX_ENOMEM, "out of memory") : PX_EPROJ;
            break;
        }
    }
done:
    px_table_reader_close(r);
    px__xform_free(xf);
    if (rc != PX_OK) {
        px__mcommunes_free(cs, n);
        return rc;
    }
    *out = cs;
    *n_out = n;
    return PX_OK;
}
