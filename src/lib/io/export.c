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

/* How rows are written: which reader column goes to which field, how many
 * decimals each real keeps (-1: as stored), and where the fid goes. */
typedef struct copy_plan {
    const char *table;
    const char *path;
    int has_geom;
    int fid_field;  /* field index of the added `fid` column, or -1 */
    int field0;     /* field index of the reader's first column */
    int *decimals;  /* per reader column */
    px__gdal_capture *cap;
} copy_plan;

/* Copy every row of the reader into the layer. */
static px_status copy_rows(px_ctx *ctx, px_table_reader *r, OGRLayerH layer, const copy_plan *cp)
{
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(layer);
    size_t n_cols = px_table_reader_n_columns(r);
    uint64_t done = 0;
    int has = 0;
    px_status st = PX_OK;
    while ((st = px_table_reader_next(r, &has)) == PX_OK && has) {
        OGRFeatureH f = OGR_F_Create(defn);
        if (!f) return px__error(ctx, PX_ENOMEM, "out of memory");
        int64_t fid = px_table_reader_fid(r);
        OGR_F_SetFID(f, (GIntBig)fid);
        if (cp->fid_field >= 0) OGR_F_SetFieldInteger64(f, cp->fid_field, fid);
        for (size_t i = 0; i < n_cols; i++) {
            int fi = cp->field0 + (int)i;
            if (px_table_reader_is_null(r, i)) {
                OGR_F_SetFieldNull(f, fi);
                continue;
            }
            switch (px_table_reader_column_type(r, i)) {
            case PX_COL_INT: OGR_F_SetFieldInteger64(f, fi, px_table_reader_int(r, i)); break;
            case PX_COL_REAL: {
                double v = px_table_reader_real(r, i);
                OGR_F_SetFieldDouble(f, fi, cp->decimals[i] >= 0 ? px_export_round(v, cp->decimals[i]) : v);
                break;
            }
            case PX_COL_TEXT: OGR_F_SetFieldString(f, fi, px_table_reader_text(r, i)); break;
            }
        }
        if (cp->has_geom) {
            size_t len = 0;
            const unsigned char *wkb = px_table_reader_wkb(r, &len);
            if (wkb) {
                OGRGeometryH g = NULL;
                if (OGR_G_CreateFromWkb(wkb, NULL, &g, (int)len) != OGRERR_NONE) {
                    OGR_F_Destroy(f);
                    return px__error(ctx, PX_EGDAL, "%s:%lld: unreadable geometry", cp->table, (long long)fid);
                }
                OGR_F_SetGeometryDirectly(f, g);
            }
        }
        OGRErr e = OGR_L_CreateFeature(layer, f);
        OGR_F_Destroy(f);
        if (cp->cap->failed)
            return px__error(ctx, PX_EIO, "%s: %s; nothing was replaced", cp->path, cp->cap->msg);
        if (e != OGRERR_NONE)
            return px__error(ctx, PX_EIO, "%s: %s:%lld: cannot write feature: %s; nothing was replaced", cp->path,
                             cp->table, (long long)fid, CPLGetLastErrorMsg());
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
                         "%s: cannot tell the format from the extension (.geojson, .geojsonl, .gpkg, .fgb,"
                         " .csv); give --format",
                         path);
    }
    int precision = opts && opts->precision > 0 ? opts->precision : 7;
    /* Text formats are the ones people read and diff: their numbers are
     * rounded to what the column's unit makes meaningful. */
    int rounded = fmt->rfc7946 || fmt->attributes_only;
    /* GDAL's GeoJSON writers ignore failed writes, and its CSV writer does
     * not say why one failed: write them through the checked file handler.
     * FlatGeobuf checks its own writes, and GeoPackage goes through SQLite,
     * which does. */
    int checked = fmt->rfc7946 || fmt->attributes_only;

    px_status st = PX_OK;
    px_table_info *info = NULL;
    px_table_reader *r = NULL;
    GDALDatasetH ds = NULL;
    OGRSpatialReferenceH srs = NULL;
    char *tmp = NULL, *dircopy = NULL, *prefix = NULL, *suffix = NULL, *gdal_name = NULL;
    int *decimals = NULL;
    int tmp_made = 0;
    px__gdal_capture cap;
    px__gdal_capture_begin(&cap);

    if ((st = px_store_table_info(store, table, &info)) != PX_OK) goto cleanup;
    int has_geom = info->geom_type != PX_GEOM_NONE && !fmt->attributes_only;
    if ((st = px_store_reader_open(store, table, NULL, has_geom, NULL, &r)) != PX_OK) goto cleanup;

    dircopy = px__strdup(path);
    prefix = px__asprintf(".%s.", table);
    suffix = px__asprintf(".tmp.%s", fmt->ext);
    tmp = dircopy ? px__asprintf("%s/%s%d%s", dirname(dircopy), prefix, (int)getpid(), suffix) : NULL;
    size_t n_cols = px_table_reader_n_columns(r);
    decimals = calloc(n_cols + 1, sizeof *decimals);
    if (!tmp || !prefix || !suffix || !decimals) {
        st = px__error(ctx, PX_ENOMEM, "out of memory");
        goto cleanup;
    }
    strcpy(dircopy, path);
    const char *dir = dirname(dircopy);
    if (access(dir, W_OK) != 0) {
        st = px__error(ctx, PX_EIO, "%s: cannot write to folder %s: %s", path, dir, strerror(errno));
        goto cleanup;
    }
    /* A killed export of this table left its temporary file: remove it. */
    px__remove_stale_temps(dir, prefix, suffix);
    char *stale_journal = px__asprintf("%s-journal", suffix); /* GeoPackage */
    if (stale_journal) px__remove_stale_temps(dir, prefix, stale_journal);
    free(stale_journal);
    unlink(tmp);

    GDALDriverH drv = GDALGetDriverByName(fmt->name);
    if (!drv) {
        st = px__error(ctx, PX_EGDAL, "%s: GDAL has no %s driver", path, fmt->name);
        goto cleanup;
    }
    gdal_name = checked ? px__vsi_checked_path(tmp) : px__strdup(tmp);
    if (!gdal_name) {
        st = px__error(ctx, PX_EGDAL, "%s: cannot set up checked writing", path);
        goto cleanup;
    }
    CPLErrorReset();
    ds = GDALCreate(drv, gdal_name, 0, 0, 0, GDT_Unknown, NULL);
    tmp_made = 1;
    if (!ds) {
        st = px__error(ctx, PX_EIO, "%s: cannot create: %s", path, cap.failed ? cap.msg : CPLGetLastErrorMsg());
        goto cleanup;
    }

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
    /* GeoJSON carries the fid as the feature id and GeoPackage as its own
     * fid; CSV and FlatGeobuf have no such place, so they get a column. */
    copy_plan cp = {.table = table, .path = path, .has_geom = has_geom, .fid_field = -1, .decimals = decimals, .cap = &cap};
    int fid_column = fmt->attributes_only || !strcmp(fmt->name, "FlatGeobuf");
    for (size_t i = 0; i < n_cols; i++)
        if (!strcmp(px_table_reader_column_name(r, i), "fid")) fid_column = 0;
    if (fid_column) {
        OGRFieldDefnH fd = OGR_Fld_Create("fid", OFTInteger64);
        OGRErr e = OGR_L_CreateField(layer, fd, TRUE);
        OGR_Fld_Destroy(fd);
        if (e != OGRERR_NONE) {
            st = px__gdal_error(ctx, PX_EGDAL, "%s: cannot create field fid", path);
            goto cleanup;
        }
        cp.fid_field = 0;
        cp.field0 = 1;
    }
    for (size_t i = 0; i < n_cols; i++) {
        px_col_type t = px_table_reader_column_type(r, i);
        const char *name = px_table_reader_column_name(r, i);
        decimals[i] = rounded && t == PX_COL_REAL ? px_export_decimals(table, name) : -1;
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
    st = copy_rows(ctx, r, layer, &cp);
    if (st == PX_OK && in_txn && OGR_L_CommitTransaction(layer) != OGRERR_NONE)
        st = px__error(ctx, PX_EIO, "%s: %s; nothing was replaced", path, cap.failed ? cap.msg : CPLGetLastErrorMsg());
    if (st != PX_OK) goto cleanup;
    CPLErrorReset();
    GDALClose(ds);
    ds = NULL;
    if (cap.failed || CPLGetLastErrorType() >= CE_Failure) {
        st = px__error(ctx, PX_EIO, "%s: %s; nothing was replaced", path, cap.failed ? cap.msg : CPLGetLastErrorMsg());
        goto cleanup;
    }
    if (rename(tmp, path) != 0) {
        st = px__error(ctx, PX_EIO, "%s: cannot rename the finished file into place: %s", path, strerror(errno));
        goto cleanup;
    }
    tmp_made = 0;

cleanup:
    if (ds) GDALClose(ds);
    if (tmp_made) {
        unlink(tmp);
        char *journal = px__asprintf("%s-journal", tmp);
        if (journal) unlink(journal);
        free(journal);
    }
    px__gdal_capture_end(&cap);
    if (srs) OSRDestroySpatialReference(srs);
    px_table_reader_close(r);
    px_table_info_free(info, 1);
    free(decimals);
    free(gdal_name);
    free(prefix);
    free(suffix);
    free(tmp);
    free(dircopy);
    return st;
}
