/*
 * One-time GDAL set-up and error translation (see io_gdal.h).
 */
#include "io_gdal.h"

#include <cpl_error.h>
#include <errno.h>
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static pthread_once_t gdal_once = PTHREAD_ONCE_INIT;

static void gdal_register(void)
{
    GDALAllRegister();
    /* Keep GDAL quiet: its messages are collected with CPLGetLastErrorMsg. */
    CPLSetErrorHandler(CPLQuietErrorHandler);
}

void px__gdal_init(void)
{
    pthread_once(&gdal_once, gdal_register);
}

static void CPL_STDCALL capture_handler(CPLErr cls, CPLErrorNum no, const char *msg)
{
    (void)no;
    px__gdal_capture *c = CPLGetErrorHandlerUserData();
    if (c && cls >= CE_Failure && !c->failed) {
        c->failed = 1;
        snprintf(c->msg, sizeof c->msg, "%s", msg ? msg : "unknown GDAL error");
    }
}

void px__gdal_capture_begin(px__gdal_capture *c)
{
    c->failed = 0;
    c->msg[0] = '\0';
    CPLPushErrorHandlerEx(capture_handler, c);
}

void px__gdal_capture_end(px__gdal_capture *c)
{
    (void)c;
    CPLPopErrorHandler();
}

px_status px__gdal_error(px_ctx *ctx, px_status status, const char *fmt, ...)
{
    char prefix[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    const char *msg = CPLGetLastErrorMsg();
    if (msg && *msg) return px__error(ctx, status, "%s: %s", prefix, msg);
    return px__error(ctx, status, "%s", prefix);
}

px_status px__io_open_first_layer(px_ctx *ctx, const char *path, const char *crs, void **ds_out, void **layer_out,
                                  void **ct_out)
{
    GDALAllRegister();
    px_status rc = PX_OK;
    OGRSpatialReferenceH dst = OSRNewSpatialReference(NULL), wgs84 = NULL;
    OGRCoordinateTransformationH ct = NULL;
    OGRLayerH layer = NULL;
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    if (!ds) {
        const char *why = CPLGetLastErrorMsg();
        struct stat sb;
        if (stat(path, &sb) != 0) why = strerror(errno);
        rc = px__error(ctx, PX_EIO, "%s: cannot open as a vector file: %s", path,
                       why && *why ? why : "not a format GDAL reads");
        goto done;
    }
    layer = GDALDatasetGetLayerCount(ds) > 0 ? GDALDatasetGetLayer(ds, 0) : NULL;
    if (!layer) {
        rc = px__error(ctx, PX_EDOMAIN, "%s: no layer", path);
        goto done;
    }
    OGRSpatialReferenceH src = OGR_L_GetSpatialRef(layer);
    if (!src) {
        wgs84 = OSRNewSpatialReference(NULL);
        OSRSetWellKnownGeogCS(wgs84, "WGS84");
        src = wgs84;
    }
    if (!dst || OSRSetFromUserInput(dst, crs) != OGRERR_NONE) {
        rc = px__error(ctx, PX_ECRS, "%s: cannot use the project CRS %s", path, crs);
        goto done;
    }
    OSRSetAxisMappingStrategy(dst, OAMS_TRADITIONAL_GIS_ORDER);
    OSRSetAxisMappingStrategy(src, OAMS_TRADITIONAL_GIS_ORDER);
    ct = OCTNewCoordinateTransformation(src, dst); /* keeps its own copies of both */
    if (!ct) rc = px__error(ctx, PX_ECRS, "%s: no transformation to %s: %s", path, crs, CPLGetLastErrorMsg());
done:
    if (dst) OSRDestroySpatialReference(dst);
    if (wgs84) OSRDestroySpatialReference(wgs84);
    if (rc != PX_OK) {
        if (ds) GDALClose(ds);
        return rc;
    }
    *ds_out = ds;
    *layer_out = layer;
    *ct_out = ct;
    return PX_OK;
}
