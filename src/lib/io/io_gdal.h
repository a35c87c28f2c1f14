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

/* GDAL errors (CE_Failure and worse) raised on this thread between begin
 * and end: the first one's message is kept; nothing is printed. Drivers that
 * only report a problem through CPLError (a truncated OSM file, a failed
 * write) are caught this way. Reset `failed` to watch a new step. */
typedef struct px__gdal_capture {
    int failed;
    char msg[512];
} px__gdal_capture;
void px__gdal_capture_begin(px__gdal_capture *c);
void px__gdal_capture_end(px__gdal_capture *c);

/* The GDAL name under which `path` is written with every write, flush and
 * close checked (vsi_checked.c): a failure raises a CPLError (CE_Failure)
 * naming `path` and the system's reason. Caller-frees; NULL if the handler
 * could not be installed or on allocation failure. */
char *px__vsi_checked_path(const char *path);

/* Open `path` (borrowed) as a vector file and its first layer, with the
 * transformation from the layer's CRS (WGS84 when it has none, as GeoJSON)
 * to `crs` in traditional GIS axis order. On success *ds (GDALDatasetH:
 * caller closes with GDALClose; the layer lives as long) , *layer and *ct
 * (OGRCoordinateTransformationH: caller destroys) are set. Returns PX_EIO
 * (cannot open), PX_EDOMAIN (no layer), PX_ECRS; nothing to free then. */
px_status px__io_open_first_layer(px_ctx *ctx, const char *path, const char *crs, void **ds, void **layer,
                                  void **ct);

#endif
