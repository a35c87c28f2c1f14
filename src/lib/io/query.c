/*
 * Read-only queries for the map server: a box query as RFC 7946 GeoJSON and
 * a table as CSV text, both built in memory. Geometries go through OGR
 * (reprojection with the traditional lon/lat axis order, the exact
 * intersection test, the GeoJSON geometry writer), attributes through
 * jansson, CSV through GDAL's CSV driver on /vsimem/: no hand-written
 * encoder.
 *
 * Left out: paging beyond `limit` (the caller narrows the box instead) and
 * the `props` column (raw source attributes stay out of web answers).
 */
#include "proxima/io.h"
#include "io_gdal.h"

#include <cpl_conv.h>
#include <cpl_vsi.h>
#include <gdal.h>
#include <jansson.h>
#include <math.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static OGRSpatialReferenceH srs_of(const char *def)
{
    OGRSpatialReferenceH s = OSRNewSpatialReference(NULL);
    if (s && OSRSetFromUserInput(s, def) != OGRERR_NONE) {
        OSRDestroySpatialReference(s);
        return NULL;
    }
    if (s) OSRSetAxisMappingStrategy(s, OAMS_TRADITIONAL_GIS_ORDER);
    return s;
}

static json_t *row_properties(px_table_reader *r, const char *table)
{
    json_t *p = json_object();
    size_t n = px_table_reader_n_columns(r);
    for (size_t i = 0; p && i < n; i++) {
        const char *name = px_table_reader_column_name(r, i);
        if (!strcmp(name, "props")) continue;
        json_t *v;
        if (px_table_reader_is_null(r, i))
            v = json_null();
        else if (px_table_reader_column_type(r, i) == PX_COL_INT)
            v = json_integer(px_table_reader_int(r, i));
        else if (px_table_reader_column_type(r, i) == PX_COL_REAL)
            v = json_real(px_export_round(px_table_reader_real(r, i), px_export_decimals(table, name)));
        else
            v = json_string(px_table_reader_text(r, i));
        if (!v || json_object_set_new(p, name, v)) {
            json_decref(p);
            return NULL;
        }
    }
    return p;
}

struct px_features_query {
    px_store *store;
    OGRSpatialReferenceH src, wgs;
    OGRCoordinateTransformationH ct, back;
};

void px_features_query_free(px_features_query *q)
{
    if (!q) return;
    if (q->ct) OCTDestroyCoordinateTransformation(q->ct);
    if (q->back) OCTDestroyCoordinateTransformation(q->back);
    if (q->src) OSRDestroySpatialReference(q->src);
    if (q->wgs) OSRDestroySpatialReference(q->wgs);
    free(q);
}

px_status px_features_query_new(px_ctx *ctx, px_store *store, px_features_query **out)
{
    if (!ctx || !store || !out) return px__error(ctx, PX_EINVAL, "px_features_query_new: NULL argument");
    px__gdal_init();
    px_features_query *q = calloc(1, sizeof *q);
    if (!q) return px__error(ctx, PX_ENOMEM, "out of memory");
    q->store = store;
    q->src = srs_of(px_store_crs(store));
    q->wgs = srs_of("EPSG:4326");
    if (!q->src || !q->wgs || !(q->ct = OCTNewCoordinateTransformation(q->src, q->wgs)) ||
        !(q->back = OCTNewCoordinateTransformation(q->wgs, q->src))) {
        px_status rc = px__gdal_error(ctx, PX_ECRS, "cannot transform %s to lon/lat", px_store_crs(store));
        px_features_query_free(q);
        return rc;
    }
    *out = q;
    return PX_OK;
}

px_status px_features_geojson(px_ctx *ctx, px_store *store, const char *table, const double *bbox_lonlat,
                              size_t limit, int as_points, char **out, size_t *len, size_t *n_features,
                              int *truncated)
{
    if (!ctx || !store || !table || !out || !len)
        return px__error(ctx, PX_EINVAL, "px_features_geojson: NULL argument");
    px_features_query *q = NULL;
    px_status rc = px_features_query_new(ctx, store, &q);
    if (rc == PX_OK) rc = px_features_query_run(ctx, q, table, bbox_lonlat, limit, as_points, out, len, n_features,
                                                truncated);
    px_features_query_free(q);
    return rc;
}

px_status px_features_query_run(px_ctx *ctx, px_features_query *q, const char *table, const double *bbox_lonlat,
                                size_t limit, int as_points, char **out, size_t *len, size_t *n_features,
                                int *truncated)
{
    if (!ctx || !q || !table || !out || !len)
        return px__error(ctx, PX_EINVAL, "px_features_query_run: NULL argument");
    px_store *store = q->store;
    if (bbox_lonlat) {
        const double *b = bbox_lonlat;
        if (!(b[0] >= -180 && b[2] <= 180 && b[1] >= -90 && b[3] <= 90 && b[0] <= b[2] && b[1] <= b[3]))
            return px__error(ctx, PX_EINVAL, "bbox %g,%g,%g,%g is not west,south,east,north in degrees", b[0], b[1],
                             b[2], b[3]);
    }
    px_status rc = PX_OK;
    px_table_reader *r = NULL;
    OGRCoordinateTransformationH ct = q->ct, back = q->back;
    OGRGeometryH box = NULL;
    json_t *fc = NULL, *feats = NULL;
    size_t n = 0;
    int cut = 0;
    px_bbox pb, *pbp = NULL;
    if (bbox_lonlat) {
        const double *b = bbox_lonlat;
        /* The box's outline, 21 points a side, in the project CRS: its
         * extent holds the box whatever the projection bends. (Done here
         * rather than with OCTTransformBounds, which builds new
         * transformations on every call.) */
        double xs[84], ys[84];
        for (int i = 0; i < 21; i++) {
            double t = i / 20.0;
            xs[i] = b[0] + t * (b[2] - b[0]), ys[i] = b[1];
            xs[21 + i] = b[2], ys[21 + i] = b[1] + t * (b[3] - b[1]);
            xs[42 + i] = b[2] - t * (b[2] - b[0]), ys[42 + i] = b[3];
            xs[63 + i] = b[0], ys[63 + i] = b[3] - t * (b[3] - b[1]);
        }
        int ok = OCTTransform(back, 84, xs, ys, NULL);
        pb.minx = pb.miny = HUGE_VAL;
        pb.maxx = pb.maxy = -HUGE_VAL;
        for (int i = 0; ok && i < 84; i++) {
            if (!isfinite(xs[i]) || !isfinite(ys[i])) ok = 0;
            pb.minx = fmin(pb.minx, xs[i]), pb.maxx = fmax(pb.maxx, xs[i]);
            pb.miny = fmin(pb.miny, ys[i]), pb.maxy = fmax(pb.maxy, ys[i]);
        }
        if (!ok) {
            rc = px__gdal_error(ctx, PX_EINVAL, "bbox %g,%g,%g,%g cannot be put in %s", b[0], b[1], b[2], b[3],
                                px_store_crs(store));
            goto done;
        }
        pbp = &pb;
        char wkt[512];
        snprintf(wkt, sizeof wkt, "POLYGON((%.12g %.12g,%.12g %.12g,%.12g %.12g,%.12g %.12g,%.12g %.12g))", b[0],
                 b[1], b[2], b[1], b[2], b[3], b[0], b[3], b[0], b[1]);
        char *p = wkt;
        if (OGR_G_CreateFromWkt(&p, NULL, &box) != OGRERR_NONE) {
            rc = px__error(ctx, PX_ENOMEM, "out of memory");
            goto done;
        }
    }
    rc = px_store_reader_open(store, table, NULL, 1, pbp, &r);
    if (rc == PX_ENOTFOUND && px_store_has_table(store, table))
        rc = px__error(ctx, PX_EDOMAIN, "table '%s' has no geometry", table);
    if (rc != PX_OK) goto done;
    fc = json_object();
    feats = json_array();
    if (!fc || !feats || json_object_set_new(fc, "type", json_string("FeatureCollection"))) {
        rc = px__error(ctx, PX_ENOMEM, "out of memory");
        goto done;
    }
    char *opts[] = {"COORDINATE_PRECISION=7", NULL};
    int has = 0;
    while ((rc = px_table_reader_next(r, &has)) == PX_OK && has) {
        size_t wl = 0;
        const unsigned char *wkb = px_table_reader_wkb(r, &wl);
        if (!wkb) continue;
        OGRGeometryH g = NULL;
        if (OGR_G_CreateFromWkb(wkb, NULL, &g, (int)wl) != OGRERR_NONE) {
            rc = px__error(ctx, PX_EGDAL, "%s:%lld: unreadable geometry", table, (long long)px_table_reader_fid(r));
            goto done;
        }
        if (OGR_G_Transform(g, ct) != OGRERR_NONE) {
            OGR_G_DestroyGeometry(g);
            rc = px__gdal_error(ctx, PX_ECRS, "%s:%lld: cannot transform", table, (long long)px_table_reader_fid(r));
            goto done;
        }
        if (box && !OGR_G_Intersects(g, box)) {
            OGR_G_DestroyGeometry(g);
            continue;
        }
        if (limit && n == limit) {
            OGR_G_DestroyGeometry(g);
            cut = 1;
            break;
        }
        if (as_points) {
            OGRGeometryH p = OGR_G_PointOnSurface(g);
            OGR_G_DestroyGeometry(g);
            g = p;
            if (!g) continue;
        }
        /* Without an SRS the GeoJSON writer skips its per-geometry axis-order
         * lookups in the EPSG database (a third of a small query's time). */
        OGR_G_AssignSpatialReference(g, NULL);
        char *gj = OGR_G_ExportToJsonEx(g, opts);
        OGR_G_DestroyGeometry(g);
        json_t *geom = gj ? json_loads(gj, 0, NULL) : NULL;
        CPLFree(gj);
        json_t *f = json_object();
        json_t *props = row_properties(r, table);
        if (!geom || !f || !props || json_object_set_new(f, "type", json_string("Feature")) ||
            json_object_set_new(f, "id", json_integer(px_table_reader_fid(r))) ||
            json_object_set_new(f, "geometry", geom) || json_object_set_new(f, "properties", props) ||
            json_array_append_new(feats, f)) {
            if (!f) json_decref(geom), json_decref(props);
            rc = px__error(ctx, PX_ENOMEM, "out of memory");
            goto done;
        }
        n++;
    }
    if (rc != PX_OK) goto done;
    if (json_object_set(fc, "features", feats)) {
        rc = px__error(ctx, PX_ENOMEM, "out of memory");
        goto done;
    }
    /* 10 significant digits: 7 decimals for longitudes over 100 degrees,
     * more below (jansson counts digits, not decimals). */
    char *s = json_dumps(fc, JSON_COMPACT | JSON_REAL_PRECISION(10));
    if (!s) {
        rc = px__error(ctx, PX_ENOMEM, "out of memory");
        goto done;
    }
    *out = s;
    *len = strlen(s);
    if (n_features) *n_features = n;
    if (truncated) *truncated = cut;
done:
    px_table_reader_close(r);
    json_decref(fc);
    json_decref(feats);
    if (box) OGR_G_DestroyGeometry(box);
    return rc;
}

px_status px_table_csv(px_ctx *ctx, px_store *store, const char *table, char **out, size_t *len)
{
    if (!ctx || !store || !table || !out || !len) return px__error(ctx, PX_EINVAL, "px_table_csv: NULL argument");
    px__gdal_init();
    static atomic_uint seq;
    char path[96];
    snprintf(path, sizeof path, "/vsimem/proxima-csv-%u.csv", atomic_fetch_add(&seq, 1));
    px_table_reader *r = NULL;
    GDALDatasetH ds = NULL;
    px_status rc = px_store_reader_open(store, table, NULL, 0, NULL, &r);
    if (rc != PX_OK) return rc;
    GDALDriverH drv = GDALGetDriverByName("CSV");
    if (!drv || !(ds = GDALCreate(drv, path, 0, 0, 0, GDT_Unknown, NULL))) {
        rc = px__gdal_error(ctx, PX_EGDAL, "%s: cannot start CSV", table);
        goto done;
    }
    char *lopts[] = {"LINEFORMAT=LF", "STRING_QUOTING=IF_NEEDED", NULL};
    OGRLayerH layer = GDALDatasetCreateLayer(ds, table, NULL, wkbNone, lopts);
    size_t n_cols = px_table_reader_n_columns(r);
    for (size_t i = 0; layer && i < n_cols; i++) {
        px_col_type t = px_table_reader_column_type(r, i);
        OGRFieldDefnH fd = OGR_Fld_Create(px_table_reader_column_name(r, i),
                                          t == PX_COL_INT ? OFTInteger64 : t == PX_COL_REAL ? OFTReal : OFTString);
        if (OGR_L_CreateField(layer, fd, 1) != OGRERR_NONE) layer = NULL;
        OGR_Fld_Destroy(fd);
    }
    if (!layer) {
        rc = px__gdal_error(ctx, PX_EGDAL, "%s: cannot start CSV", table);
        goto done;
    }
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(layer);
    int has = 0;
    while ((rc = px_table_reader_next(r, &has)) == PX_OK && has) {
        OGRFeatureH f = OGR_F_Create(defn);
        for (size_t i = 0; i < n_cols; i++) {
            if (px_table_reader_is_null(r, i)) {
                OGR_F_SetFieldNull(f, (int)i);
                continue;
            }
            switch (px_table_reader_column_type(r, i)) {
            case PX_COL_INT: OGR_F_SetFieldInteger64(f, (int)i, px_table_reader_int(r, i)); break;
            case PX_COL_REAL:
                OGR_F_SetFieldDouble(f, (int)i,
                                     px_export_round(px_table_reader_real(r, i),
                                                     px_export_decimals(table, px_table_reader_column_name(r, i))));
                break;
            case PX_COL_TEXT: OGR_F_SetFieldString(f, (int)i, px_table_reader_text(r, i)); break;
            }
        }
        OGRErr e = OGR_L_CreateFeature(layer, f);
        OGR_F_Destroy(f);
        if (e != OGRERR_NONE) {
            rc = px__gdal_error(ctx, PX_EGDAL, "%s: cannot write CSV row", table);
            goto done;
        }
    }
    if (rc != PX_OK) goto done;
    GDALClose(ds);
    ds = NULL;
    vsi_l_offset n = 0;
    GByte *buf = VSIGetMemFileBuffer(path, &n, FALSE);
    char *s = malloc((size_t)n + 1);
    if (!buf || !s) {
        free(s);
        rc = px__error(ctx, PX_ENOMEM, "%s: CSV: out of memory", table);
        goto done;
    }
    memcpy(s, buf, (size_t)n);
    s[n] = 0;
    *out = s;
    *len = (size_t)n;
done:
    if (ds) GDALClose(ds);
    VSIUnlink(path);
    px_table_reader_close(r);
    return rc;
}
