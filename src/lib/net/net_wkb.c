/*
 * WKB in and out for the network tables through GEOS (never by hand): one
 * writer reused for the millions of points and segments a network holds,
 * and the coordinates of a (multi)linestring read into flat arrays.
 */
#include "net_build_int.h"
#include "../geom/geom_int.h"

#include <stdlib.h>

struct px__wkbw {
    px_ctx *ctx;
    GEOSContextHandle_t h;
    GEOSWKBWriter *w;
};

px_status px__wkbw_new(px_ctx *ctx, px__wkbw **out)
{
    px__wkbw *w = calloc(1, sizeof *w);
    if (!w) return px__error(ctx, PX_ENOMEM, "out of memory");
    w->ctx = ctx;
    w->h = px__geos(ctx);
    w->w = GEOSWKBWriter_create_r(w->h);
    if (!w->w) {
        free(w);
        return px__error(ctx, PX_ENOMEM, "GEOS: cannot create a WKB writer");
    }
    GEOSWKBWriter_setOutputDimension_r(w->h, w->w, 2);
    GEOSWKBWriter_setByteOrder_r(w->h, w->w, GEOS_WKB_NDR);
    GEOSWKBWriter_setFlavor_r(w->h, w->w, GEOS_WKB_ISO);
    *out = w;
    return PX_OK;
}

void px__wkbw_free(px__wkbw *w)
{
    if (!w) return;
    GEOSWKBWriter_destroy_r(w->h, w->w);
    free(w);
}

static unsigned char *write_geom(px__wkbw *w, GEOSGeometry *g, size_t *len)
{
    if (!g) {
        px__error(w->ctx, PX_EGEOS, "GEOS: cannot build a geometry: %s", px__geos_message(w->ctx));
        return NULL;
    }
    unsigned char *buf = GEOSWKBWriter_write_r(w->h, w->w, g, len);
    GEOSGeom_destroy_r(w->h, g);
    if (!buf) px__error(w->ctx, PX_EGEOS, "GEOS: cannot write WKB: %s", px__geos_message(w->ctx));
    return buf;
}

unsigned char *px__wkbw_point(px__wkbw *w, double x, double y, size_t *len)
{
    return write_geom(w, GEOSGeom_createPointFromXY_r(w->h, x, y), len);
}

unsigned char *px__wkbw_segment(px__wkbw *w, double ax, double ay, double bx, double by, size_t *len)
{
    GEOSCoordSequence *cs = GEOSCoordSeq_create_r(w->h, 2, 2);
    if (!cs) return write_geom(w, NULL, len);
    GEOSCoordSeq_setXY_r(w->h, cs, 0, ax, ay);
    GEOSCoordSeq_setXY_r(w->h, cs, 1, bx, by);
    return write_geom(w, GEOSGeom_createLineString_r(w->h, cs), len);
}

void px__wkbw_buf_free(px__wkbw *w, unsigned char *buf)
{
    if (buf) GEOSFree_r(w->h, buf);
}

static int grow(void **p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap) return 0;
    size_t c = *cap ? *cap : 1024;
    while (c < need) c *= 2;
    void *q = realloc(*p, c * size);
    if (!q) return -1;
    *p = q;
    *cap = c;
    return 0;
}

px_status px__wkb_line_coords(px_ctx *ctx, const unsigned char *wkb, size_t len, double **xy, size_t *n, size_t *cap,
                              int32_t **parts, size_t *np, size_t *pcap)
{
    GEOSGeometry *g = px__geom_from_wkb(ctx, wkb, len);
    if (!g) return PX_EGEOS;
    GEOSContextHandle_t h = px__geos(ctx);
    px_status rc = PX_OK;
    int n_parts = GEOSGetNumGeometries_r(h, g);
    for (int p = 0; p < n_parts && rc == PX_OK; p++) {
        const GEOSGeometry *part = GEOSGetGeometryN_r(h, g, p);
        if (GEOSGeomTypeId_r(h, part) != GEOS_LINESTRING) {
            rc = px__error(ctx, PX_EDOMAIN, "not a line");
            break;
        }
        const GEOSCoordSequence *cs = GEOSGeom_getCoordSeq_r(h, part);
        unsigned int m = 0;
        if (!cs || !GEOSCoordSeq_getSize_r(h, cs, &m)) {
            rc = px__error(ctx, PX_EGEOS, "GEOS: cannot read coordinates");
            break;
        }
        if (m < 2) continue;
        if (grow((void **)xy, cap, 2 * (*n + m), sizeof **xy) || grow((void **)parts, pcap, *np + 1, sizeof **parts)) {
            rc = px__error(ctx, PX_ENOMEM, "out of memory");
            break;
        }
        (*parts)[(*np)++] = (int32_t)*n;
        for (unsigned int i = 0; i < m; i++) {
            double x, y;
            GEOSCoordSeq_getXY_r(h, cs, i, &x, &y);
            (*xy)[2 * *n] = x;
            (*xy)[2 * *n + 1] = y;
            (*n)++;
        }
    }
    GEOSGeom_destroy_r(h, g);
    return rc;
}

static GEOSGeometry *segment(px__wkbw *w, double ax, double ay, double bx, double by)
{
    GEOSCoordSequence *cs = GEOSCoordSeq_create_r(w->h, 2, 2);
    if (!cs) return NULL;
    GEOSCoordSeq_setXY_r(w->h, cs, 0, ax, ay);
    GEOSCoordSeq_setXY_r(w->h, cs, 1, bx, by);
    return GEOSGeom_createLineString_r(w->h, cs);
}

unsigned char *px__wkbw_multi_segment(px__wkbw *w, double ax, double ay, double bx, double by, size_t *len)
{
    GEOSGeometry *ls = segment(w, ax, ay, bx, by);
    GEOSGeometry *m = ls ? GEOSGeom_createCollection_r(w->h, GEOS_MULTILINESTRING, &ls, 1) : NULL;
    if (ls && !m) GEOSGeom_destroy_r(w->h, ls);
    return write_geom(w, m, len);
}

unsigned char *px__wkbw_multi_box(px__wkbw *w, double x0, double y0, double x1, double y1, size_t *len)
{
    /* Counter-clockwise shell, as RFC 7946 wants it on export. */
    GEOSCoordSequence *cs = GEOSCoordSeq_create_r(w->h, 5, 2);
    if (!cs) return write_geom(w, NULL, len);
    GEOSCoordSeq_setXY_r(w->h, cs, 0, x0, y0);
    GEOSCoordSeq_setXY_r(w->h, cs, 1, x1, y0);
    GEOSCoordSeq_setXY_r(w->h, cs, 2, x1, y1);
    GEOSCoordSeq_setXY_r(w->h, cs, 3, x0, y1);
    GEOSCoordSeq_setXY_r(w->h, cs, 4, x0, y0);
    GEOSGeometry *ring = GEOSGeom_createLinearRing_r(w->h, cs);
    GEOSGeometry *poly = ring ? GEOSGeom_createPolygon_r(w->h, ring, NULL, 0) : NULL;
    GEOSGeometry *m = poly ? GEOSGeom_createCollection_r(w->h, GEOS_MULTIPOLYGON, &poly, 1) : NULL;
    if (poly && !m) GEOSGeom_destroy_r(w->h, poly);
    return write_geom(w, m, len);
}
