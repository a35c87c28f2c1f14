/*
 * GDAL plumbing shared by the io module's files: one-time driver
 * registration, silencing GDAL's own stderr printing (the library never
 * prints), and turning GDAL's last error into a Proxima error. io-internal.
 */
#ifndef PX_IO_GDAL_H
#define PX_IO_GDAL_H

#include "../core/core_int.h"

/* Register GDAL's drivers once per process and install a quiet error
 * handler, so GDAL messages reach users only through px_ctx_errmsg. */
void px__gdal_init(void);

/* Set `status` on ctx with "<prefix>: <GDAL's last error message>". */
px_status px__gdal_error(px_ctx *ctx, px_status status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
