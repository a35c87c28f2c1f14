/*
 * Loading one source of a canonical layer: open it with GDAL, pick its layer
 * (or run its SQL), apply its attribute filter, work out the reprojection to
 * the project CRS, then read every feature: fit its geometry, fill its
 * columns, and write it, or reject it with a logged reason. Dissolving and
 * the population proxy collect features instead of writing them at once.
 * The transaction and the per-layer report belong to load.c.
 */
#include "io_int.h"
#include "io_gdal.h"

#include <cpl_conv.h>
#include <cpl_error.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

px_status px__ogr_open(px_ctx *ctx, const char *path, const char *text, GDALDatasetH *out)
{
    struct stat st;
    /* A local path that does not exist gets the system's words, which are
     * clearer than GDAL's "not recognized as a supported file format". */
    if (strncmp(path, "/vsi", 4) && (path[0] == '/' || !strchr(path, ':'))) {
        if (stat(path, &st) != 0) return px__error(ctx, PX_EIO, "%s: cannot open: %s", text, strerror(errno));
    }
    CPLErrorReset();
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    if (!ds) {
        const char *msg = CPLGetLastErrorMsg();
        return px__error(ctx, PX_EGDAL, "%s: GDAL cannot open it as a vector source%s%s", text,
                         *msg ? ": " : "", msg);
    }
    *out = ds;
    return PX_OK;
}

static px_status pick_layer(px_ctx *ctx, const px__source *src, GDALDatasetH ds, OGRLayerH *out, int *is_sql)
{
    *is_sql = 0;
    if (src->sql) {
        CPLErrorReset();
        OGRLayerH l = GDALDatasetExecuteSQL(ds, src->sql, NULL, src->dialect);
        if (!l)
            return px__error(ctx, PX_EGDAL, "%s: sql failed: %s", src->source_text,
                             *CPLGetLastErrorMsg() ? CPLGetLastErrorMsg() : "no result layer");
        *is_sql = 1;
        *out = l;
        return PX_OK;
    }
    OGRLayerH l = src->layer ? GDALDatasetGetLayerByName(ds, src->layer) : GDALDatasetGetLayer(ds, 0);
    if (!l) {
        char list[300] = "";
        for (int i = 0; i < GDALDatasetGetLayerCount(ds); i++) {
            strncat(list, i ? ", " : "", sizeof list - strlen(list) - 1);
            strncat(list, OGR_L_GetName(GDALDatasetGetLayer(ds, i)), sizeof list - strlen(list) - 1);
        }
        return px__error(ctx, PX_ENOTFOUND, "%s: no layer '%s' (layers: %s)", src->source_text,
                         src->layer ? src->layer : "(first)", *list ? list : "none");
    }
    *out = l;
    return PX_OK;
}

/* The transformation from the source's CRS (or its `srs:` override) to the
 * project's; *out stays NULL when they are the same. */
static px_status make_xform(px__layer_load *ll, const px__source *src, OGRLayerH lyr, px__xform **out)
{
    px_ctx *ctx = ll->ctx;
    OGRSpatialReferenceH over = NULL, proj = OSRNewSpatialReference(NULL);
    OGRSpatialReferenceH srs = OGR_L_GetSpatialRef(lyr);
    char *wkt = NULL;
    px_status rc = PX_OK;
    if (src->srs) {
        over = OSRNewSpatialReference(NULL);
        if (OSRSetFromUserInput(over, src->srs) != OGRERR_NONE) {
            rc = px__error(ctx, PX_ECRS, "%s:%s: srs '%s' is not a CRS GDAL knows", src->source_text,
                           OGR_L_GetName(lyr), src->srs);
            goto done;
        }
        srs = over;
    }
    if (!srs) {
        rc = px__error(ctx, PX_ECRS, "%s:%s: the source has no CRS and the definition gives no 'srs:'",
                       src->source_text, OGR_L_GetName(lyr));
        goto done;
    }
    if (OSRSetFromUserInput(proj, px_store_crs(ll->store)) == OGRERR_NONE && OSRIsSame(srs, proj)) goto done;
    const char *opts[] = {"FORMAT=WKT2_2019", NULL};
    if (OSRExportToWktEx(srs, &wkt, opts) != OGRERR_NONE || !wkt) {
        rc = px__error(ctx, PX_ECRS, "%s:%s: cannot describe the source CRS", src->source_text,
                       OGR_L_GetName(lyr));
        goto done;
    }
    rc = px__xform_new(ctx, wkt, px_store_crs(ll->store), out);
    if (rc != PX_OK)
        rc = px__error(ctx, rc, "%s:%s: %s", src->source_text, OGR_L_GetName(lyr), px_ctx_errmsg(ctx));
done:
    CPLFree(wkt);
    if (over) OSRDestroySpatialReference(over);
    OSRDestroySpatialReference(proj);
    return rc;
}

/* State of one source's read loop. */
typedef struct reader {
    px__layer_load *ll;
    const px__source *src;
    const char *layer_name;
    px__plan *plan;
    px__xform *xf;
    px__dist *dist;
    px__row row;
    px__row keep;         /* dissolve: the first feature's values */
    GEOSGeometry **parts; /* dissolve: every geometry */
    size_t n_parts, cap_parts;
    char stage[64];
} reader;

static void reject(reader *r, int64_t fid, const char *why)
{
    r->ll->report->n_rejected++;
    px__log(r->ll->ctx, PX_LOG_WARN, "%s:%s:%lld: %s", r->src->source_text, r->layer_name, (long long)fid,
            why);
}

static px_status keep_part(reader *r)
{
    px_ctx *ctx = r->ll->ctx;
    if (r->n_parts == r->cap_parts) {
        size_t nc = r->cap_parts ? 2 * r->cap_parts : 16;
        GEOSGeometry **np = realloc(r->parts, nc * sizeof *np);
        if (!np) return px__error(ctx, PX_ENOMEM, "out of memory");
        r->parts = np;
        r->cap_parts = nc;
    }
    r->parts[r->n_parts++] = r->row.geom;
    r->row.geom = NULL;
    if (r->n_parts == 1) {
        /* The first feature's values stand for the dissolved whole. */
        r->keep = r->row;
        return px__row_init(ctx, r->ll->schema, &r->row);
    }
    return PX_OK;
}

static px_status write_dissolved(reader *r)
{
    px_ctx *ctx = r->ll->ctx;
    GEOSContextHandle_t h = px__geos(ctx);
    if (!r->n_parts) return PX_OK;
    /* The mapped columns of the first feature stand for the whole; its other
     * attributes would not, so props says what was merged instead. */
    json_t *props = json_pack("{s:I}", "dissolved_features", (json_int_t)r->n_parts);
    if (!props) return px__error(ctx, PX_ENOMEM, "out of memory");
    if (r->keep.props) json_decref(r->keep.props);
    r->keep.props = props;
    GEOSGeometry *coll =
        GEOSGeom_createCollection_r(h, GEOS_GEOMETRYCOLLECTION, r->parts, (unsigned)r->n_parts);
    if (!coll) return px__error(ctx, PX_EGEOS, "%s: GEOS: %s", r->src->source_text, px__geos_message(ctx));
    r->n_parts = 0; /* the collection owns them now */
    GEOSGeometry *u = GEOSUnaryUnion_r(h, coll);
    GEOSGeom_destroy_r(h, coll);
    if (!u) return px__error(ctx, PX_EGEOS, "%s: dissolve: %s", r->src->source_text, px__geos_message(ctx));
    r->keep.geom = px__geom_promote(ctx, r->ll->id, u);
    if (!r->keep.geom) return px__error(ctx, PX_ENOMEM, "out of memory");
    return px__row_write(r->ll, &r->keep);
}

static px_status read_features(reader *r, OGRLayerH lyr)
{
    px__layer_load *ll = r->ll;
    px_ctx *ctx = ll->ctx;
    uint64_t total =
        OGR_L_TestCapability(lyr, OLCFastFeatureCount) ? (uint64_t)OGR_L_GetFeatureCount(lyr, 0) : 0;
    uint64_t done = 0;
    char why[320];
    /* Checked once before reading too, so that a cancel is seen even for a
     * source smaller than the progress step. */
    px_status rc = px__progress(ctx, r->stage, 0, total);
    OGRFeatureH f;
    /* Drivers report a damaged file only through CPLError (then stop
     * returning features): watch for it while reading. */
    if (ll->cap) ll->cap->failed = 0;
    OGR_L_ResetReading(lyr);
    while (rc == PX_OK && (f = OGR_L_GetNextFeature(lyr))) {
        ll->report->n_read++;
        if ((++done & 255) == 0) rc = px__progress(ctx, r->stage, done, total);
        int repaired = 0;
        why[0] = '\0';
        int64_t fid = OGR_F_GetFID(f);
        if (rc == PX_OK)
            rc = px__geom_fit(ctx, ll->id, r->src, OGR_F_GetGeometryRef(f), r->xf, &r->row.geom, &repaired,
                              why, sizeof why);
        if (rc == PX_OK && !r->row.geom) {
            reject(r, fid, why);
        } else if (rc == PX_OK) {
            rc = px__plan_row(r->plan, f, &r->row, why, sizeof why);
            double factor = 1;
            if (rc == PX_OK && r->dist) rc = px__plan_factor(r->plan, f, &factor, why, sizeof why);
            if (rc == PX_EDOMAIN) {
                rc = PX_OK;
                reject(r, fid, why);
            } else if (rc == PX_OK) {
                if (repaired) {
                    ll->report->n_repaired++;
                    px__log(ctx, PX_LOG_INFO, "%s:%s:%lld: invalid geometry repaired", r->src->source_text,
                            r->layer_name, (long long)fid);
                }
                r->row.fid = fid;
                if (r->dist)
                    rc = px__dist_add(r->dist, &r->row, factor);
                else if (r->src->dissolve)
                    rc = keep_part(r);
                else
                    rc = px__row_write(ll, &r->row);
            }
        }
        px__row_reset(ctx, &r->row);
        OGR_F_Destroy(f);
    }
    if (rc == PX_OK && ll->cap && ll->cap->failed)
        rc = px__error(ctx, PX_EGDAL, "%s:%s: GDAL error while reading (after %llu features): %s",
                       r->src->source_text, r->layer_name, (unsigned long long)done, ll->cap->msg);
    if (rc == PX_OK) rc = px__progress(ctx, r->stage, done, total ? total : done);
    if (rc == PX_OK && r->src->dissolve && !r->dist) rc = write_dissolved(r);
    if (rc == PX_OK && r->dist) rc = px__dist_finish(r->dist);
    return rc;
}

px_status px__load_source(px__layer_load *ll, const px__source *src)
{
    px_ctx *ctx = ll->ctx;
    GDALDatasetH ds = NULL;
    OGRLayerH lyr = NULL;
    int is_sql = 0;
    px__join_table *join = NULL;
    reader r = {.ll = ll, .src = src};
    px_status rc = px__dscache_get(ll->cache, src->path, src->source_text, &ds);
    if (rc == PX_OK) rc = pick_layer(ctx, src, ds, &lyr, &is_sql);
    if (rc != PX_OK) goto done;
    r.layer_name = OGR_L_GetName(lyr);
    snprintf(r.stage, sizeof r.stage, "load %s", ll->schema->name);
    /* Always set: a cached layer may still carry another source's filter. */
    CPLErrorReset();
    if (OGR_L_SetAttributeFilter(lyr, src->where) != OGRERR_NONE) {
        rc = px__error(ctx, PX_EGDAL, "%s:%s: bad where filter \"%s\": %s", src->source_text, r.layer_name,
                       src->where, CPLGetLastErrorMsg());
        goto done;
    }
    rc = make_xform(ll, src, lyr, &r.xf);
    if (rc == PX_OK && src->join) rc = px__join_open(ctx, src->join, &join);
    if (rc == PX_OK) rc = px__plan_new(ll, src, lyr, r.layer_name, join, &r.plan);
    if (rc == PX_OK && src->distribute) rc = px__dist_new(ll, src, r.layer_name, &r.dist);
    if (rc == PX_OK) rc = px__row_init(ctx, ll->schema, &r.row);
    int64_t read_before = ll->report->n_read;
    if (rc == PX_OK) rc = read_features(&r, lyr);
    if (rc == PX_OK && ll->report->n_read == read_before) {
        if (src->where || src->sql)
            px__load_thin(ll, "%s:%s: the %s \"%s\" matches no feature", src->source_text, r.layer_name,
                          src->where ? "filter" : "sql", src->where ? src->where : src->sql);
        else
            px__load_thin(ll, "%s:%s: the source has no feature", src->source_text, r.layer_name);
    }
    int64_t looked_up = 0, missed = 0;
    if (rc == PX_OK && r.plan) px__plan_join_stats(r.plan, &looked_up, &missed);
    if (rc == PX_OK && looked_up > 0 && missed == looked_up)
        px__load_thin(ll,
                      "%s:%s: the join with %s ('%s' = '%s') matched none of the %lld features: its columns "
                      "are empty and ids fall back to the feature id",
                      src->source_text, r.layer_name, src->join->source_text, src->join->field, src->join->key,
                      (long long)looked_up);
done:
    px__row_clear(ctx, &r.row);
    px__row_clear(ctx, &r.keep);
    for (size_t i = 0; i < r.n_parts; i++)
        GEOSGeom_destroy_r(px__geos(ctx), r.parts[i]);
    free(r.parts);
    px__dist_free(r.dist);
    px__plan_free(r.plan);
    px__join_free(join);
    px__xform_free(r.xf);
    if (is_sql)
        GDALDatasetReleaseResultSet(ds, lyr);
    else if (lyr)
        OGR_L_SetAttributeFilter(lyr, NULL);
    return rc;
}
