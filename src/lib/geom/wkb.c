/*
 * WKB in and out of GEOS. ISO flavour, 2D, little-endian: what SpatiaLite's
 * GeomFromWKB and GDAL both read.
 */
#include "geom_int.h"

GEOSGeometry *px__geom_from_wkb(px_ctx *ctx, const unsigned char *wkb, size_t len)
{
    GEOSContextHandle_t h = px__geos(ctx);
    GEOSWKBReader *r = GEOSWKBReader_create_r(h);
    if (!r) {
        px__error(ctx, PX_ENOMEM, "GEOS: cannot create a WKB reader");
        return NULL;
    }
    GEOSGeometry *g = GEOSWKBReader_read_r(h, r, wkb, len);
    GEOSWKBReader_destroy_r(h, r);
    if (!g) px__error(ctx, PX_EGEOS, "GEOS: bad WKB: %s", px__geos_message(ctx));
    return g;
}

unsigned char *px__geom_to_wkb(px_ctx *ctx, const GEOSGeometry *g, size_t *len)
{
    GEOSContextHandle_t h = px__geos(ctx);
    GEOSWKBWriter *w = GEOSWKBWriter_create_r(h);
    if (!w) {
        px__error(ctx, PX_ENOMEM, "GEOS: cannot create a WKB writer");
        return NULL;
    }
    GEOSWKBWriter_setOutputDimension_r(h, w, 2);
    GEOSWKBWriter_setByteOrder_r(h, w, GEOS_WKB_NDR);
    GEOSWKBWriter_setFlavor_r(h, w, GEOS_WKB_ISO);
    unsigned char *out = GEOSWKBWriter_write_r(h, w, g, len);
    GEOSWKBWriter_destroy_r(h, w);
    if (!out) px__error(ctx, PX_EGEOS, "GEOS: cannot write WKB: %s", px__geos_message(ctx));
    return out;
}

px_status px__point_wkb(px_ctx *ctx, double x, double y, unsigned char **wkb, size_t *len)
{
    GEOSGeometry *p = GEOSGeom_createPointFromXY_r(px__geos(ctx), x, y);
    *wkb = p ? px__geom_to_wkb(ctx, p, len) : NULL;
    if (p) GEOSGeom_destroy_r(px__geos(ctx), p);
    return *wkb ? PX_OK : px__error(ctx, PX_EGEOS, "GEOS: cannot write a point: %s", px__geos_message(ctx));
}

void px__wkb_free(px_ctx *ctx, unsigned char *wkb)
{
    if (wkb) GEOSFree_r(px__geos(ctx), wkb);
}

px_status px__geom_bbox(px_ctx *ctx, const GEOSGeometry *g, px_bbox *out)
{
    GEOSContextHandle_t h = px__geos(ctx);
    if (GEOSisEmpty_r(h, g)) return px__error(ctx, PX_EDOMAIN, "empty geometry has no extent");
    if (!GEOSGeom_getXMin_r(h, g, &out->minx) || !GEOSGeom_getYMin_r(h, g, &out->miny) ||
        !GEOSGeom_getXMax_r(h, g, &out->maxx) || !GEOSGeom_getYMax_r(h, g, &out->maxy))
        return px__error(ctx, PX_EGEOS, "GEOS: extent: %s", px__geos_message(ctx));
    return PX_OK;
}
