/*
 * Reprojection through PROJ. Axis order is normalised for visualisation so
 * that x is always easting/longitude, whatever the CRS's official order.
 */
#include "geom_int.h"

#include <math.h>
#include <strings.h>
#include <stdlib.h>
#include <string.h>

struct px__xform {
    px_ctx *ctx;
    PJ *pj;
};

px_status px__xform_new(px_ctx *ctx, const char *from, const char *to, px__xform **out)
{
    PJ_CONTEXT *pc = px__proj(ctx);
    PJ *raw = proj_create_crs_to_crs(pc, from, to, NULL);
    if (!raw) {
        int e = proj_context_errno(pc);
        return px__error(ctx, PX_ECRS, "cannot transform from '%.200s' to '%.200s': %s", from, to,
                         proj_context_errno_string(pc, e));
    }
    PJ *pj = proj_normalize_for_visualization(pc, raw);
    proj_destroy(raw);
    if (!pj) return px__error(ctx, PX_ECRS, "cannot normalise axis order of '%.200s'", from);
    px__xform *xf = malloc(sizeof *xf);
    if (!xf) {
        proj_destroy(pj);
        return px__error(ctx, PX_ENOMEM, "out of memory");
    }
    xf->ctx = ctx;
    xf->pj = pj;
    *out = xf;
    return PX_OK;
}

void px__xform_free(px__xform *xf)
{
    if (!xf) return;
    proj_destroy(xf->pj);
    free(xf);
}

px_status px__xform_point(px__xform *xf, double *x, double *y)
{
    PJ_COORD c = proj_coord(*x, *y, 0, 0);
    c = proj_trans(xf->pj, PJ_FWD, c);
    if (c.xy.x == HUGE_VAL || c.xy.y == HUGE_VAL)
        return px__error(xf->ctx, PX_EPROJ, "cannot transform point (%g, %g)", *x, *y);
    *x = c.xy.x;
    *y = c.xy.y;
    return PX_OK;
}

static int xform_cb(double *x, double *y, void *user)
{
    px__xform *xf = user;
    PJ_COORD c = proj_coord(*x, *y, 0, 0);
    c = proj_trans(xf->pj, PJ_FWD, c);
    if (c.xy.x == HUGE_VAL || c.xy.y == HUGE_VAL) return 0;
    *x = c.xy.x;
    *y = c.xy.y;
    return 1;
}

GEOSGeometry *px__xform_geom(px_ctx *ctx, px__xform *xf, const GEOSGeometry *g)
{
    GEOSGeometry *r = GEOSGeom_transformXY_r(px__geos(ctx), g, xform_cb, xf);
    if (!r) px__error(ctx, PX_EPROJ, "cannot transform geometry: a coordinate is outside the CRS's area of use");
    return r;
}

int px__epsg_code(const char *crs)
{
    if (!crs || strncasecmp(crs, "EPSG:", 5) != 0) return 0;
    char *end = NULL;
    long code = strtol(crs + 5, &end, 10);
    if (end == crs + 5 || *end != '\0' || code <= 0 || code > 999999) return 0;
    return (int)code;
}

int px__crs_is_metric(px_ctx *ctx, const char *crs)
{
    PJ_CONTEXT *pc = px__proj(ctx);
    PJ *pj = proj_create(pc, crs);
    if (!pj) return 0;
    int ok = 0;
    if (proj_get_type(pj) == PJ_TYPE_PROJECTED_CRS) {
        PJ *cs = proj_crs_get_coordinate_system(pc, pj);
        if (cs) {
            double factor = 0;
            if (proj_cs_get_axis_info(pc, cs, 0, NULL, NULL, NULL, &factor, NULL, NULL, NULL) &&
                factor == 1.0)
                ok = 1;
            proj_destroy(cs);
        }
    }
    proj_destroy(pj);
    return ok;
}
