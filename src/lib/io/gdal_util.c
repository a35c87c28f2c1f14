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
