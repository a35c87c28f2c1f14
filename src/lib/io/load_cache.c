/*
 * Opened sources, shared by every source of one load that names the same
 * file. Most datasets are simply kept open. An OSM file is different: GDAL's
 * OSM driver parses the whole file again for every layer read, so a
 * definition with nine OSM sources would parse it nine times. Instead it is
 * read once, interleaved (GDALDatasetGetNextFeature), into in-memory layers
 * of the same names, keeping only features that some source's filter wants
 * (the OR of their `where`s), so memory follows what is loaded, not the size
 * of the file. Sources then filter those layers as usual.
 */
#include "io_int.h"
#include "io_gdal.h"

#include <cpl_error.h>
#include <stdlib.h>
#include <string.h>

typedef struct entry {
    char *path;
    GDALDatasetH ds;
} entry;

struct px__dscache {
    px_ctx *ctx;
    const px_layerdef *def;
    px__gdal_capture *cap; /* may be NULL */
    size_t n;
    entry *items;
};

px_status px__dscache_new(px_ctx *ctx, const px_layerdef *def, struct px__gdal_capture *cap, px__dscache **out)
{
    px__dscache *c = calloc(1, sizeof *c);
    if (!c) return px__error(ctx, PX_ENOMEM, "out of memory");
    c->ctx = ctx;
    c->def = def;
    c->cap = cap;
    *out = c;
    return PX_OK;
}

void px__dscache_free(px__dscache *c)
{
    if (!c) return;
    for (size_t i = 0; i < c->n; i++) {
        GDALClose(c->items[i].ds);
        free(c->items[i].path);
    }
    free(c->items);
    free(c);
}

/* The OR of the `where`s of every source reading `layer` of `path`; NULL
 * when one of them reads it unfiltered. *wanted says if any source reads it
 * at all (sources with `sql:` want every layer). Caller-frees. */
static char *union_filter(const px_layerdef *def, const char *path, const char *layer, int is_first,
                          int *wanted)
{
    *wanted = 0;
    char *acc = NULL;
    int unfiltered = 0;
    for (int l = 0; l < PX_LAYER_COUNT; l++)
        for (size_t s = 0; s < def->n_sources[l]; s++) {
            const px__source *src = &def->sources[l][s];
            if (strcmp(src->path, path)) continue;
            int reads = src->sql || (src->layer ? !strcmp(src->layer, layer) : is_first);
            if (!reads) continue;
            *wanted = 1;
            if (src->sql || !src->where) {
                unfiltered = 1;
                continue;
            }
            char *next = acc ? px__asprintf("%s OR (%s)", acc, src->where) : px__asprintf("(%s)", src->where);
            free(acc);
            acc = next;
        }
    if (unfiltered) {
        free(acc);
        return NULL;
    }
    return acc;
}

/* Read an OSM dataset once into a Memory dataset with the same layers. */
static px_status osm_to_memory(px__dscache *c, const char *path, const char *text, GDALDatasetH osm,
                               GDALDatasetH *out)
{
    px_ctx *ctx = c->ctx;
    GDALDriverH mem_drv = GDALGetDriverByName("Memory");
    if (!mem_drv) return px__error(ctx, PX_EGDAL, "%s: GDAL has no Memory driver", text);
    GDALDatasetH mem = GDALCreate(mem_drv, "", 0, 0, 0, GDT_Unknown, NULL);
    if (!mem) return px__error(ctx, PX_EGDAL, "%s: cannot create a memory dataset", text);
    int n_layers = GDALDatasetGetLayerCount(osm);
    OGRLayerH *dst = calloc((size_t)n_layers + 1, sizeof *dst);
    px_status rc = dst ? PX_OK : px__error(ctx, PX_ENOMEM, "out of memory");
    for (int i = 0; rc == PX_OK && i < n_layers; i++) {
        OGRLayerH src = GDALDatasetGetLayer(osm, i);
        int wanted = 0;
        char *filter = union_filter(c->def, path, OGR_L_GetName(src), i == 0, &wanted);
        dst[i] = GDALDatasetCreateLayer(mem, OGR_L_GetName(src), OGR_L_GetSpatialRef(src), wkbUnknown, NULL);
        if (!dst[i]) rc = px__error(ctx, PX_EGDAL, "%s: cannot create memory layer", text);
        OGRFeatureDefnH fd = OGR_L_GetLayerDefn(src);
        for (int f = 0; rc == PX_OK && f < OGR_FD_GetFieldCount(fd); f++)
            if (OGR_L_CreateField(dst[i], OGR_FD_GetFieldDefn(fd, f), 1) != OGRERR_NONE)
                rc = px__error(ctx, PX_EGDAL, "%s: cannot copy the fields of %s", text, OGR_L_GetName(src));
        /* A filter that GDAL refuses is reported by the source that wrote it;
         * here it only means reading that layer whole. */
        if (rc == PX_OK && wanted && filter && OGR_L_SetAttributeFilter(src, filter) != OGRERR_NONE)
            OGR_L_SetAttributeFilter(src, NULL);
        /* Layers nobody reads are skipped by the parser as much as it can. */
        if (rc == PX_OK && !wanted) OGR_L_SetAttributeFilter(src, "0 = 1");
        if (!wanted) dst[i] = NULL;
        free(filter);
    }
    OGRLayerH from = NULL;
    OGRFeatureH f;
    uint64_t done = 0;
    /* The OSM driver reports a damaged or truncated file only through
     * CPLError, then simply stops returning features. */
    if (c->cap) c->cap->failed = 0;
    GDALDatasetResetReading(osm);
    while (rc == PX_OK && (f = GDALDatasetGetNextFeature(osm, &from, NULL, NULL, NULL))) {
        int i = 0;
        while (i < n_layers && GDALDatasetGetLayer(osm, i) != from)
            i++;
        if (i < n_layers && dst[i]) {
            OGRFeatureH copy = OGR_F_Create(OGR_L_GetLayerDefn(dst[i]));
            if (!copy || OGR_F_SetFrom(copy, f, 1) != OGRERR_NONE)
                rc = px__error(ctx, PX_ENOMEM, "out of memory");
            if (rc == PX_OK) {
                OGR_F_SetFID(copy, OGR_F_GetFID(f));
                if (OGR_L_CreateFeature(dst[i], copy) != OGRERR_NONE)
                    rc = px__error(ctx, PX_EGDAL, "%s: cannot keep feature %lld in memory: %s", text,
                                   (long long)OGR_F_GetFID(f), CPLGetLastErrorMsg());
            }
            OGR_F_Destroy(copy);
        }
        OGR_F_Destroy(f);
        if (rc == PX_OK && (++done & 4095) == 0) rc = px__progress(ctx, "read OSM", done, 0);
    }
    free(dst);
    if (rc == PX_OK && c->cap && c->cap->failed)
        rc = px__error(ctx, PX_EGDAL, "%s: GDAL error while reading: %s", text, c->cap->msg);
    if (rc != PX_OK) {
        GDALClose(mem);
        return rc;
    }
    *out = mem;
    return PX_OK;
}

px_status px__dscache_get(px__dscache *c, const char *path, const char *text, GDALDatasetH *out)
{
    for (size_t i = 0; i < c->n; i++)
        if (!strcmp(c->items[i].path, path)) {
            *out = c->items[i].ds;
            return PX_OK;
        }
    GDALDatasetH ds = NULL;
    px_status rc = px__ogr_open(c->ctx, path, text, &ds);
    if (rc != PX_OK) return rc;
    GDALDriverH drv = GDALGetDatasetDriver(ds);
    if (drv && !strcmp(GDALGetDriverShortName(drv), "OSM")) {
        GDALDatasetH mem = NULL;
        rc = osm_to_memory(c, path, text, ds, &mem);
        GDALClose(ds);
        if (rc != PX_OK) return rc;
        ds = mem;
    }
    entry *ni = realloc(c->items, (c->n + 1) * sizeof *ni);
    char *p = px__strdup(path);
    if (!ni || !p) {
        if (ni) c->items = ni;
        free(p);
        GDALClose(ds);
        return px__error(c->ctx, PX_ENOMEM, "out of memory");
    }
    c->items = ni;
    c->items[c->n].path = p;
    c->items[c->n].ds = ds;
    c->n++;
    *out = ds;
    return PX_OK;
}
