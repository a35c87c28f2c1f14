/*
 * Export of a project table to a vector file through GDAL: GeoJSON (RFC 7946:
 * WGS84 lon/lat, counter-clockwise exteriors, no crs member), GeoJSONSeq,
 * GeoPackage and FlatGeobuf (both kept in the project CRS).
 *
 * The file is written under a temporary name in the destination folder and
 * renamed at the end, so a failed or interrupted export never leaves a
 * partial file. The `props` column (extra source attributes, JSON text) is
 * written as a JSON field, which GeoJSON renders as a nested object.
 */
#include "proxima/io.h"
#include "io_gdal.h"

#include <errno.h>
#include <libgen.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <gdal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

typedef struct format_info {
    const char *name;   /* GDAL driver */
    const char *ext;    /* extension of the temporary file */
    int rfc7946;        /* reproject to WGS84 and apply RFC 7946 */
    int attributes_only; /* no geometry column */
} format_info;

static const format_info formats[] = {
    {"GeoJSON", "geojson", 1, 0},
    {"GeoJSONSeq", "geojsonl", 1, 0},
    {"GPKG", "gpkg", 0, 0},
    {"FlatGeobuf", "fgb", 0, 0},
    {"CSV", "csv", 0, 1},
};

static const format_info *format_by_name(const char *name)
{
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++)
        if (!strcasecmp(formats[i].name, name)) return &formats[i];
    return NULL;
}

static const format_info *format_by_path(const char *path)
{
    const char *dot = strrchr(path, '.');
    if (!dot) return NULL;
    dot++;
    if (!strcasecmp(dot, "geojson") || !strcasecmp(dot, "json")) return &formats[0];
    if (!strcasecmp(dot, "geojsonl") || !strcasecmp(dot, "geojsons") || !strcasecmp(dot, "geojsonseq"))
        return &formats[1];
    if (!strcasecmp(dot, "gpkg")) return &formats[2];
    if (!strcasecmp(dot, "fgb")) return &formats[3];
    if (!strcasecmp(dot, "csv")) return &formats[4];
    return NULL;
}

static OGRwkbGeometryType ogr_type(px_geom_type t)
{
    switch (t) {
    case PX_GEOM_POINT: return wkbPoint;
    case PX_GEOM_LINESTRING: return wkbLineString;
    case PX_GEOM_POLYGON: return wkbPolygon;
    case PX_GEOM_MULTIPOINT: return wkbMultiPoint;
    case PX_GEOM_MULTILINESTRING: return wkbMultiLineString;
    case PX_GEOM_MULTIPOLYGON: return wkbMultiPolygon;
    case PX_GEOM_NONE: return wkbNone;
    case PX_GEOM_ANY: return wkbUnknown;
    }
    return wkbUnknown;
}

/* Copy every row of the reader into the layer. */
static px_status copy_rows(px_ctx *ctx, px_table_reader *r, OGRLayerH layer, const char *table, int has_geom)
{
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(layer);
    size_t n_cols = px_table_reader_n_columns(r);
    uint64_t done = 0;
    int has = 0;
    px_status st = PX_OK;
    while ((st = px_table_reader_next(r, &has)) == PX_OK && has) {
        OGRFeatureH f = OGR_F_Create(defn);
        for (size_t i = 0; i < n_cols; i++) {
            if (px_table_reader_is_null(r, i)) {
                OGR_F_SetFieldNull(f, (int)i);
                continue;
            }
            switch (px_table_reader_column_type(r, i)) {
            case PX_COL_INT: OGR_F_SetFieldInteger64(f, (int)i, px_table_reader_int(r, i)); break;
            case PX_COL_REAL: OGR_F_SetFieldDouble(f, (int)i, px_table_reader_real(r, i)); break;
            case PX_COL_TEXT: OGR_F_SetFieldString(f, (int)i, px_table_reader_text(r, i)); break;
            }
        }
        if (has_geom) {
            size_t len = 0;
            const unsigned char *wkb = px_table_reader_wkb(r, &len);
            if (wkb) {
                OGRGeometryH g = NULL;
                if (OGR_G_CreateFromWkb(wkb, NULL, &g, (int)len) != OGRERR_NONE) {
                    OGR_F_Destroy(f);
                    return px__error(ctx, PX_EGDAL, "%s:%lld: unreadable geometry", table,
                                     (long long)px_table_reader_fid(r));
                }
                OGR_F_SetGeometryDirectly(f, g);
            }
        }
        OGRErr e = OGR_L_CreateFeature(layer, f);
        OGR_F_Destroy(f);
        if (e != OGRERR_NONE)
            return px__gdal_error(ctx, PX_EGDAL, "%s:%lld: cannot write feature", table,
                                  (long long)px_table_reader_fid(r));
        if ((++done & 1023) == 0 && (st = px__progress(ctx, "export", done, 0)) != PX_OK) return st;
    }
    return st;
}

px_status px_export(px_ctx *ctx, px_store *store, const char *table, const char *path,
                    const px_export_options *opts)
{
    if (!ctx || !store || !table || !path) return px__error(ctx, PX_EINVAL, "px_export: NULL argument");
    px__gdal_init();
    const format_info *fmt = opts && opts->format ? format_by_name(opts->format) : format_by_path(path);
    if (!fmt) {
        if (opts && opts->format)
            return px__error(ctx, PX_EINVAL, "%s: unknown format '%s' (GeoJSON, GeoJSONSeq, GPKG, FlatGeobuf, CSV)",
                             path, opts->format);
        return px__error(ctx, PX_EINVAL,
                         "%s: cannot tell the format from the extension (.geojson, .geojsonl, .gpkg, .fgb)"
                         " .csv) or give --format",
                         path);
    }
    int precision = opts && opts->precision > 0 ? opts->precision : 7;

    px_status st = PX_OK;
    px_table_info *info = NULL;
    px_table_reader *r = NULL;
    GDALDatasetH ds = NULL;
    OGRSpatialReferenceH srs = NULL;
    char *tmp = NULL, *dircopy = NULL;
    int tmp_made = 0;

    if ((st = px_store_table_info(store, table, &info)) != PX_OK) goto cleanup;
    int has_geom = info->geom_type != PX_GEOM_NONE && !fmt->attributes_only;
    if ((st = px_store_reader_open(store, table, NULL, has_geom, NULL, &r)) != PX_OK) goto cleanup;

    dircopy = px__strdup(path);
    tmp = dircopy ? px__asprintf("%s/.%s.%d.tmp.%s", dirname(dircopy), table, (int)getpid(), fmt->ext) : NULL;
    if (!tmp) {
        st = px__error(ctx, PX_ENOMEM, "out of memory");
        goto cleanup;
    }
    strcpy(dircopy, path);
    const char *dir = dirname(dircopy);
    if (access(dir, W_OK) != 0) {
        st = px__error(ctx, PX_EIO, "%s: cannot write to folder %s: %s", path, dir, strerror(errno));
        goto cleanup;
    }
    unlink(tmp);

    GDALDriverH drv = GDALGetDriverByName(fmt->name);
    if (!drv) {
        st = px__error(ctx, PX_EGDAL, "%s: GDAL has no %s driver", path, fmt->name);
        goto cleanup;
    }
    CPLErrorReset();
    ds = GDALCreate(drv, tmp, 0, 0, 0, GDT_Unknown, NULL);
    if (!ds) {
        st = px__gdal_error(ctx, PX_EIO, "%s: cannot create", path);
        goto cleanup;
    }
    tmp_made = 1;

    srs = OSRNewSpatialReference(NULL);
    OSRSetAxisMappingStrategy(srs, OAMS_TRADITIONAL_GIS_ORDER);
    if (OSRImportFromEPSG(srs, px_store_srid(store)) != OGRERR_NONE) {
        st = px__error(ctx, PX_ECRS, "%s: GDAL does not know EPSG:%d", path, px_store_srid(store));
        goto cleanup;
    }
    char prec[32];
    snprintf(prec, sizeof prec, "COORDINATE_PRECISION=%d", precision);
    char *lco_rfc[] = {"RFC7946=YES", prec, "WRITE_NAME=NO", NULL};
    char *lco_seq[] = {"RFC7946=YES", prec, NULL};
    char *lco_csv[] = {"LINEFORMAT=LF", "STRING_QUOTING=IF_NEEDED", NULL};
    char **lco = fmt->attributes_only ? lco_csv : !fmt->rfc7946 ? NULL : !strcmp(fmt->name, "GeoJSON") ? lco_rfc : lco_seq;
    OGRLayerH layer = GDALDatasetCreateLayer(ds, table, has_geom ? srs : NULL,
                                             has_geom ? ogr_type(info->geom_type) : wkbNone, lco);
    if (!layer) {
        st = px__gdal_error(ctx, PX_EGDAL, "%s: cannot create layer %s", path, table);
        goto cleanup;
    }
    for (size_t i = 0; i < px_table_reader_n_columns(r); i++) {
        px_col_type t = px_table_reader_column_type(r, i);
        const char *name = px_table_reader_column_name(r, i);
        OGRFieldDefnH fd = OGR_Fld_Create(name, t == PX_COL_INT ? OFTInteger64 : t == PX_COL_REAL ? OFTReal : OFTString);
        if (!strcmp(name, "props") && !fmt->attributes_only) OGR_Fld_SetSubType(fd, OFSTJSON);
        OGRErr e = OGR_L_CreateField(layer, fd, TRUE);
        OGR_Fld_Destroy(fd);
        if (e != OGRERR_NONE) {
            st = px__gdal_error(ctx, PX_EGDAL, "%s: cannot create field %s", path, name);
            goto cleanup;
        }
    }
    /* Not every driver has transactions; where one has, it batches the writes. */
    int in_txn = OGR_L_StartTransaction(layer) == OGRERR_NONE;
    st = copy_rows(ctx, r, layer, table, has_geom);
    if (st == PX_OK && in_txn && OGR_L_CommitTransaction(layer) != OGRERR_NONE)
        st = px__gdal_error(ctx, PX_EIO, "%s: cannot write", path);
    if (st != PX_OK) goto cleanup;
    CPLErrorReset();
    GDALClose(ds);
    ds = NULL;
    if (CPLGetLastErrorType() >= CE_Failure) {
        st = px__gdal_error(ctx, PX_EIO, "%s: cannot finish writing", path);
        goto cleanup;
    }
    if (rename(tmp, path) != 0) {
        st = px__error(ctx, PX_EIO, "%s: cannot rename the finished file into place: %s", path, strerror(errno));
        goto cleanup;
    }
    tmp_made = 0;

cleanup:
    if (ds) GDALClose(ds);
    if (tmp_made) unlink(tmp);
    if (srs) OSRDestroySpatialReference(srs);
    px_table_reader_close(r);
    px_table_info_free(info, 1);
    free(tmp);
    free(dircopy);
    return st;
}
