/*
 * Lines of a vector file through GDAL/OGR, reprojected to the project CRS
 * with traditional GIS axis order (x = easting / longitude). Only what the
 * cycle what-if needs: the geometry of line features of the first layer;
 * attributes are not read. Curves are linearised by OGR.
 */
#include "lines_read.h"

#include "io_gdal.h"

#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <stdlib.h>
#include <string.h>

void px__io_lines_clear(px__io_lines *l)
{
    if (!l) return;
    free(l->off), free(l->xy), free(l->fid);
    memset(l, 0, sizeof *l);
}

typedef struct acc {
    px__io_lines l;
    size_t cap_parts, cap_xy;
} acc;

static px_status add_part(px_ctx *ctx, acc *a, OGRGeometryH part, int64_t fid)
{
    int np = OGR_G_GetPointCount(part);
    if (a->l.n + 2 > a->cap_parts) {
        size_t cap = a->cap_parts ? 2 * a->cap_parts : 64;
        size_t *no = realloc(a->l.off, cap * sizeof *no);
        if (no) a->l.off = no;
        int64_t *nf = realloc(a->l.fid, cap * sizeof *nf);
        if (nf) a->l.fid = nf;
        if (!no || !nf) return px__error(ctx, PX_ENOMEM, "out of memory");
        a->cap_parts = cap;
    }
    size_t start = a->l.n ? a->l.off[a->l.n] : 0;
    if (start + (size_t)np > a->cap_xy) {
        size_t cap = a->cap_xy ? a->cap_xy : 256;
        while (cap < start + (size_t)np)
            cap *= 2;
        double *nx = realloc(a->l.xy, 2 * cap * sizeof *nx);
        if (!nx) return px__error(ctx, PX_ENOMEM, "out of memory");
        a->l.xy = nx, a->cap_xy = cap;
    }
    for (int i = 0; i < np; i++) {
        a->l.xy[2 * (start + (size_t)i)] = OGR_G_GetX(part, i);
        a->l.xy[2 * (start + (size_t)i) + 1] = OGR_G_GetY(part, i);
    }
    a->l.off[0] = 0;
    a->l.fid[a->l.n] = fid;
    a->l.off[++a->l.n] = start + (size_t)np;
    return PX_OK;
}

px_status px__io_read_lines(px_ctx *ctx, const char *path, const char *crs, px__io_lines *out)
{
    acc a = {0};
    px_status rc = PX_OK;
    GDALDatasetH ds = NULL;
    OGRLayerH layer = NULL;
    OGRCoordinateTransformationH ct = NULL;
    rc = px__io_open_first_layer(ctx, path, crs, &ds, &layer, &ct);
    if (rc != PX_OK) goto done;
    OGR_L_ResetReading(layer);
    OGRFeatureH f;
    while (rc == PX_OK && (f = OGR_L_GetNextFeature(layer)) != NULL) {
        int64_t fid = OGR_F_GetFID(f);
        OGRGeometryH g = OGR_F_GetGeometryRef(f);
        OGRwkbGeometryType t = g ? wkbFlatten(OGR_G_GetGeometryType(g)) : wkbUnknown;
        if (t != wkbLineString && t != wkbMultiLineString) {
            rc = px__error(ctx, PX_EDOMAIN, "%s:%lld: a planned link must be a line, not %s", path,
                           (long long)fid, g ? OGR_G_GetGeometryName(g) : "an empty geometry");
        } else if (OGR_G_Transform(g, ct) != OGRERR_NONE) {
            rc = px__error(ctx, PX_ECRS, "%s:%lld: cannot transform to %s", path, (long long)fid, crs);
        } else if (t == wkbLineString) {
            rc = add_part(ctx, &a, g, fid);
        } else {
            for (int i = 0; rc == PX_OK && i < OGR_G_GetGeometryCount(g); i++)
                rc = add_part(ctx, &a, OGR_G_GetGeometryRef(g, i), fid);
        }
        OGR_F_Destroy(f);
    }
    if (rc == PX_OK && a.l.n == 0) rc = px__error(ctx, PX_EDOMAIN, "%s: no line features", path);
done:
    if (ct) OCTDestroyCoordinateTransformation(ct);
    if (ds) GDALClose(ds);
    if (rc != PX_OK) {
        px__io_lines_clear(&a.l);
        return rc;
    }
    *out = a.l;
    return PX_OK;
}
