/*
 * Fitting a source geometry to a canonical layer: GDAL geometry to GEOS
 * (closing unclosed rings on the way), reprojection to the project CRS,
 * validity check and repair with GEOS MakeValid, the source's transform
 * (point on surface, centroid, buffer), keeping only the parts of the
 * layer's kind (polygons for communes, lines for roads...), and promotion to
 * the stored type (Polygon -> MultiPolygon). What cannot be used is refused
 * with a reason; nothing is silently dropped. Simplification is left out.
 */
#include "io_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum family { FAM_NONE = 0, FAM_POINT = 1, FAM_LINE = 2, FAM_POLY = 4 } family;

static int families_allowed(px_layer_id id)
{
    switch (id) {
    case PX_LAYER_COMMUNES:
    case PX_LAYER_FLOOD_ZONES:
        return FAM_POLY;
    case PX_LAYER_ROADS:
    case PX_LAYER_CYCLE_ROUTES:
        return FAM_LINE;
    case PX_LAYER_SERVICES:
        return FAM_POINT;
    case PX_LAYER_BROWNFIELDS:
    case PX_LAYER_POPULATION:
        return FAM_POINT | FAM_POLY;
    case PX_LAYER_WATER:
        return FAM_LINE | FAM_POLY;
    case PX_LAYER_COUNT:
        break;
    }
    return 0;
}

static const char *family_name(int f)
{
    return f == FAM_POINT ? "a point" : f == FAM_LINE ? "a line" : f == FAM_POLY ? "a polygon" : "a mix";
}

static int geos_family(int t)
{
    switch (t) {
    case GEOS_POINT:
    case GEOS_MULTIPOINT:
        return FAM_POINT;
    case GEOS_LINESTRING:
    case GEOS_LINEARRING:
    case GEOS_MULTILINESTRING:
        return FAM_LINE;
    case GEOS_POLYGON:
    case GEOS_MULTIPOLYGON:
        return FAM_POLY;
    }
    return FAM_NONE;
}

/* Families present in `g` (a bit set). */
static int families_of(GEOSContextHandle_t h, const GEOSGeometry *g)
{
    int t = GEOSGeomTypeId_r(h, g);
    if (t != GEOS_GEOMETRYCOLLECTION) return geos_family(t);
    int fams = 0, n = GEOSGetNumGeometries_r(h, g);
    for (int i = 0; i < n; i++)
        fams |= families_of(h, GEOSGetGeometryN_r(h, g, i));
    return fams;
}

/* Collect clones of the non-empty simple parts of family `fam` in `g`. */
static int collect(GEOSContextHandle_t h, const GEOSGeometry *g, int fam, GEOSGeometry ***parts, size_t *n,
                   size_t *cap)
{
    int t = GEOSGeomTypeId_r(h, g);
    if (t == GEOS_GEOMETRYCOLLECTION || t == GEOS_MULTIPOINT || t == GEOS_MULTILINESTRING ||
        t == GEOS_MULTIPOLYGON) {
        int k = GEOSGetNumGeometries_r(h, g);
        for (int i = 0; i < k; i++)
            if (!collect(h, GEOSGetGeometryN_r(h, g, i), fam, parts, n, cap)) return 0;
        return 1;
    }
    if (geos_family(t) != fam || GEOSisEmpty_r(h, g)) return 1;
    if (*n == *cap) {
        size_t nc = *cap ? 2 * *cap : 4;
        GEOSGeometry **np = realloc(*parts, nc * sizeof *np);
        if (!np) return 0;
        *parts = np;
        *cap = nc;
    }
    GEOSGeometry *c =
        t == GEOS_LINEARRING
            ? GEOSGeom_createLineString_r(h, GEOSCoordSeq_clone_r(h, GEOSGeom_getCoordSeq_r(h, g)))
            : GEOSGeom_clone_r(h, g);
    if (!c) return 0;
    (*parts)[(*n)++] = c;
    return 1;
}

/* The parts of `g` of family `fam` as one Multi* geometry (NULL if none).
 * `g` is borrowed. Sets *oom on allocation failure. */
static GEOSGeometry *extract(GEOSContextHandle_t h, const GEOSGeometry *g, int fam, int *oom)
{
    GEOSGeometry **parts = NULL;
    size_t n = 0, cap = 0;
    if (!collect(h, g, fam, &parts, &n, &cap)) {
        for (size_t i = 0; i < n; i++)
            GEOSGeom_destroy_r(h, parts[i]);
        free(parts);
        *oom = 1;
        return NULL;
    }
    if (n == 0) {
        free(parts);
        return NULL;
    }
    int type = fam == FAM_POINT  ? GEOS_MULTIPOINT
               : fam == FAM_LINE ? GEOS_MULTILINESTRING
                                 : GEOS_MULTIPOLYGON;
    GEOSGeometry *m = GEOSGeom_createCollection_r(h, type, parts, (unsigned)n);
    if (!m) {
        for (size_t i = 0; i < n; i++)
            GEOSGeom_destroy_r(h, parts[i]);
        *oom = 1;
    }
    free(parts);
    return m;
}

GEOSGeometry *px__geom_promote(px_ctx *ctx, px_layer_id id, GEOSGeometry *g)
{
    GEOSContextHandle_t h = px__geos(ctx);
    px_geom_type want = px_layer_schema(id)->geom_type;
    int t = GEOSGeomTypeId_r(h, g);
    int multi = (want == PX_GEOM_MULTIPOLYGON && t == GEOS_POLYGON) ||
                (want == PX_GEOM_MULTILINESTRING && t == GEOS_LINESTRING) ||
                (want == PX_GEOM_ANY && t == GEOS_POLYGON);
    if (!multi) return g;
    GEOSGeometry *parts[1] = {g};
    GEOSGeometry *m = GEOSGeom_createCollection_r(
        h, t == GEOS_POLYGON ? GEOS_MULTIPOLYGON : GEOS_MULTILINESTRING, parts, 1);
    if (!m) GEOSGeom_destroy_r(h, g);
    return m;
}

static GEOSGeometry *from_ogr(px_ctx *ctx, OGRGeometryH g, int *closed_rings)
{
    size_t len = (size_t)OGR_G_WkbSize(g);
    unsigned char *buf = malloc(len ? len : 1);
    if (!buf) return NULL;
    GEOSGeometry *out = NULL;
    if (OGR_G_ExportToIsoWkb(g, wkbNDR, buf) == OGRERR_NONE) {
        GEOSContextHandle_t h = px__geos(ctx);
        GEOSWKBReader *r = GEOSWKBReader_create_r(h);
        if (r) out = GEOSWKBReader_read_r(h, r, buf, len);
        if (!out && r && OGR_GT_Flatten(OGR_G_GetGeometryType(g)) != wkbPoint) {
            /* GEOS refuses rings whose ends differ; close them and say so. */
            OGRGeometryH c = OGR_G_Clone(g);
            OGR_G_CloseRings(c);
            size_t l2 = (size_t)OGR_G_WkbSize(c);
            unsigned char *b2 = malloc(l2 ? l2 : 1);
            if (b2 && OGR_G_ExportToIsoWkb(c, wkbNDR, b2) == OGRERR_NONE)
                out = GEOSWKBReader_read_r(h, r, b2, l2);
            if (out) *closed_rings = 1;
            free(b2);
            OGR_G_DestroyGeometry(c);
        }
        if (r) GEOSWKBReader_destroy_r(h, r);
    }
    free(buf);
    return out;
}

px_status px__geom_fit(px_ctx *ctx, px_layer_id id, const px__source *src, OGRGeometryH og, px__xform *xf,
                       GEOSGeometry **out, int *repaired, char *why, size_t why_len)
{
    GEOSContextHandle_t h = px__geos(ctx);
    *out = NULL;
    *repaired = 0;
    if (!og) {
        snprintf(why, why_len, "no geometry (NULL)");
        return PX_OK;
    }
    if (OGR_G_IsEmpty(og)) {
        snprintf(why, why_len, "empty geometry");
        return PX_OK;
    }
    OGRGeometryH linear = NULL;
    if (OGR_GT_IsNonLinear(OGR_G_GetGeometryType(og))) og = linear = OGR_G_GetLinearGeometry(og, 0, NULL);
    int closed = 0;
    GEOSGeometry *g = og ? from_ogr(ctx, og, &closed) : NULL;
    if (linear) OGR_G_DestroyGeometry(linear);
    if (!g) {
        snprintf(why, why_len, "unreadable geometry: %s", px__geos_message(ctx));
        return PX_OK;
    }
    px_status rc = PX_OK;
    int oom = 0;
    int allowed = families_allowed(id);
    const char *takes = allowed == (FAM_POINT | FAM_POLY) ? "points or polygons" : family_name(allowed);
    int transformed = src->buffer_m > 0 || src->geom_op != PX__GEOM_AS_IS;
    int fams = families_of(h, g);
    int fam = fams == FAM_POINT || fams == FAM_LINE || fams == FAM_POLY ? fams : 0;
    /* Without a transform the source must already be of the layer's kind;
     * a mixed collection keeps its parts of that kind. */
    if (!transformed && !(fams & allowed)) {
        snprintf(why, why_len, "geometry is %s, layer '%s' takes %s", family_name(fam ? fam : fams),
                 px_layer_name(id), takes);
        goto done;
    }
    if (xf) {
        GEOSGeometry *t = px__xform_geom(ctx, xf, g);
        if (!t) {
            snprintf(why, why_len, "cannot reproject: a coordinate is outside the source CRS's area of use");
            px_ctx_clear_error(ctx);
            goto done;
        }
        GEOSGeom_destroy_r(h, g);
        g = t;
    }
    char valid = GEOSisValid_r(h, g);
    if (valid == 2) {
        rc = px__error(ctx, PX_EGEOS, "%s: GEOS validity check failed: %s", src->source_text,
                       px__geos_message(ctx));
        goto done;
    }
    if (!valid) {
        GEOSGeometry *v = GEOSMakeValid_r(h, g);
        if (!v) {
            snprintf(why, why_len, "invalid geometry that MakeValid cannot repair: %s",
                     px__geos_message(ctx));
            goto done;
        }
        GEOSGeom_destroy_r(h, g);
        g = v;
        *repaired = 1;
    } else if (closed) {
        *repaired = 1;
    }
    /* Keep the parts of the layer's kind: a repaired polygon can throw off
     * lines or points where it collapsed; those are not areas. */
    int keep = fam && (transformed || (fam & allowed)) ? fam
               : fams & allowed & FAM_POLY             ? FAM_POLY
               : fams & allowed & FAM_LINE             ? FAM_LINE
                                                       : FAM_POINT;
    GEOSGeometry *kept = extract(h, g, keep, &oom);
    if (oom) {
        rc = px__error(ctx, PX_ENOMEM, "out of memory");
        goto done;
    }
    if (!kept) {
        snprintf(why, why_len, "unusable after repair: no %s left",
                 keep == FAM_POLY   ? "area"
                 : keep == FAM_LINE ? "line"
                                    : "point");
        goto done;
    }
    GEOSGeom_destroy_r(h, g);
    g = kept;
    if (GEOSGetNumGeometries_r(h, g) == 1) {
        GEOSGeometry *one = GEOSGeom_clone_r(h, GEOSGetGeometryN_r(h, g, 0));
        if (!one) {
            rc = px__error(ctx, PX_ENOMEM, "out of memory");
            goto done;
        }
        GEOSGeom_destroy_r(h, g);
        g = one;
    }
    for (int step = 0; step < 2; step++) {
        GEOSGeometry *t = NULL;
        if (step == 0 && src->buffer_m > 0)
            t = GEOSBuffer_r(h, g, src->buffer_m, 8);
        else if (step == 1 && src->geom_op == PX__GEOM_CENTROID)
            t = GEOSGetCentroid_r(h, g);
        else if (step == 1 && src->geom_op == PX__GEOM_POINT_ON_SURFACE)
            t = GEOSPointOnSurface_r(h, g);
        else
            continue;
        if (!t) {
            rc = px__error(ctx, PX_EGEOS, "%s: GEOS: %s", src->source_text, px__geos_message(ctx));
            goto done;
        }
        GEOSGeom_destroy_r(h, g);
        g = t;
    }
    int final = families_of(h, g);
    if (!(final & allowed) || GEOSisEmpty_r(h, g)) {
        snprintf(why, why_len, "geometry is %s after the source's transform, layer '%s' takes %s",
                 family_name(final), px_layer_name(id), takes);
        goto done;
    }
    if (id == PX_LAYER_SERVICES && GEOSGeomTypeId_r(h, g) != GEOS_POINT) {
        snprintf(why, why_len,
                 "geometry has several points, layer 'services' takes one (use geometry: centroid)");
        goto done;
    }
    *out = px__geom_promote(ctx, id, g);
    g = NULL;
    if (!*out) rc = px__error(ctx, PX_ENOMEM, "out of memory");
done:
    if (g) GEOSGeom_destroy_r(h, g);
    return rc;
}
