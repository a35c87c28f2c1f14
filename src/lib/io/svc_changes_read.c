/*
 * px_svc_changes_read: the changes of a service what-if from a vector file
 * (GeoJSON or anything GDAL opens), first layer: one feature per change
 * with the attributes `action` (add, close, move), `id` (close, move) and
 * `capacity` (add, optional), and a Point geometry (add, move) reprojected
 * to the project CRS (a file without a CRS is WGS84, as GeoJSON is).
 * GDAL stays in src/lib/io.
 */
#include "../core/core_int.h"
#include "proxima/services.h"

#include "io_gdal.h"

#include <gdal.h>
#include <math.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <stdlib.h>
#include <string.h>

void px_svc_changes_free(px_svc_change *changes, size_t n)
{
    for (size_t i = 0; changes && i < n; i++) free((char *)changes[i].id);
    free(changes);
}

static const char *field(OGRFeatureH f, const char *name)
{
    int i = OGR_F_GetFieldIndex(f, name);
    return i >= 0 && OGR_F_IsFieldSetAndNotNull(f, i) ? OGR_F_GetFieldAsString(f, i) : NULL;
}

px_status px_svc_changes_read(px_ctx *ctx, px_store *store, const char *path, px_svc_change **out, size_t *n_out)
{
    if (!ctx || !store || !path || !out || !n_out) return px__error(ctx, PX_EINVAL, "px_svc_changes_read: NULL argument");
    px_status rc = PX_OK;
    px_svc_change *ch = NULL;
    size_t n = 0, cap = 0;
    GDALDatasetH ds = NULL;
    OGRLayerH layer = NULL;
    OGRCoordinateTransformationH ct = NULL;
    rc = px__io_open_first_layer(ctx, path, px_store_crs(store), &ds, &layer, &ct);
    if (rc != PX_OK) goto done;
    OGR_L_ResetReading(layer);
    OGRFeatureH f;
    while (rc == PX_OK && (f = OGR_L_GetNextFeature(layer)) != NULL) {
        long long fid = (long long)OGR_F_GetFID(f);
        const char *act = field(f, "action"), *id = field(f, "id"), *capt = field(f, "capacity");
        OGRGeometryH g = OGR_F_GetGeometryRef(f);
        px_svc_change c = {0};
        if (n == cap) {
            cap = cap ? 2 * cap : 16;
            px_svc_change *nc = realloc(ch, cap * sizeof *nc);
            if (!nc) rc = px__error(ctx, PX_ENOMEM, "out of memory");
            else ch = nc;
        }
        if (rc != PX_OK) {
        } else if (!act || (strcmp(act, "add") && strcmp(act, "close") && strcmp(act, "move")))
            rc = px__error(ctx, PX_EARG, "%s: feature %lld: action '%s': want add, close or move", path, fid,
                           act ? act : "");
        else {
            c.kind = !strcmp(act, "add") ? PX_SVC_ADD : !strcmp(act, "close") ? PX_SVC_CLOSE : PX_SVC_MOVE;
            if (c.kind != PX_SVC_ADD && !id)
                rc = px__error(ctx, PX_EARG, "%s: feature %lld: %s needs an id", path, fid, act);
            if (rc == PX_OK && c.kind != PX_SVC_CLOSE) {
                if (!g || wkbFlatten(OGR_G_GetGeometryType(g)) != wkbPoint || OGR_G_IsEmpty(g))
                    rc = px__error(ctx, PX_EARG, "%s: feature %lld: %s needs a Point geometry", path, fid, act);
                else if (OGR_G_Transform(g, ct) != OGRERR_NONE)
                    rc = px__error(ctx, PX_ECRS, "%s: feature %lld: cannot transform to %s", path, fid,
                                   px_store_crs(store));
                else {
                    c.x = OGR_G_GetX(g, 0);
                    c.y = OGR_G_GetY(g, 0);
                }
            }
            if (rc == PX_OK && capt) {
                char *end = NULL;
                c.capacity = strtod(capt, &end);
                if (end == capt || *end || !(c.capacity > 0) || !isfinite(c.capacity))
                    rc = px__error(ctx, PX_EARG, "%s: feature %lld: capacity '%s': want a number > 0", path, fid, capt);
            }
            if (rc == PX_OK && id && !(c.id = px__strdup(id))) rc = px__error(ctx, PX_ENOMEM, "out of memory");
            if (rc == PX_OK) ch[n++] = c;
        }
        OGR_F_Destroy(f);
    }
    if (rc == PX_OK && n == 0) rc = px__error(ctx, PX_EARG, "%s: no change in the file", path);
done:
    if (ct) OCTDestroyCoordinateTransformation(ct);
    if (ds) GDALClose(ds);
    if (rc != PX_OK) {
        px_svc_changes_free(ch, n);
        return rc;
    }
    *out = ch;
    *n_out = n;
    return PX_OK;
}
