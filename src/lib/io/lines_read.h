/*
 * Reading the lines of a vector file (GeoJSON, GeoPackage... anything GDAL
 * opens) into plain coordinate arrays in the project CRS: what the cycle
 * what-if needs for planned links. Library-internal; GDAL stays in src/lib/io.
 */
#ifndef PX_IO_LINES_READ_H
#define PX_IO_LINES_READ_H

#include "../core/core_int.h"

/* Every line part of the file's first layer: part i has the coordinates
 * xy[2*off[i] .. 2*off[i+1]) and came from feature fid[i]. */
typedef struct px__io_lines {
    size_t n;    /* parts */
    size_t *off; /* n + 1 entries */
    double *xy;
    int64_t *fid;
} px__io_lines;

/* Read `path` (borrowed) and transform to `crs` ("EPSG:32632"). A file
 * without a CRS is taken as WGS84 lon/lat (as GeoJSON is by definition).
 * Non-line features are refused. On success *out is filled (clear with
 * px__io_lines_clear). Returns PX_EIO (cannot open), PX_ECRS, PX_EDOMAIN
 * (a feature that is not a line, or an empty file), PX_ENOMEM. */
px_status px__io_read_lines(px_ctx *ctx, const char *path, const char *crs, px__io_lines *out);
void px__io_lines_clear(px__io_lines *l);

#endif
