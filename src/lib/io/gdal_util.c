/*
 * One-time GDAL set-up and error translation (see io_gdal.h).
 */
#include "io_gdal.h"

#include <cpl_error.h>
#include <gdal.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>

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
