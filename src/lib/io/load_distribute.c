/*
 * The population proxy (`distribute:`): each total of an already loaded
 * layer (e.g. communes.population) is shared out over the source features
 * (e.g. building footprints) whose centroid lies inside it, in proportion to
 * footprint area x a per-feature factor (residential kinds 1, obviously
 * non-residential 0). Output: one point per feature with its share, so the
 * shares of a commune add up to its total. A commune with no weighted feature
 * gets its whole total at one point on its surface, so no one is lost.
 * Features of weight 0 are skipped (not people); features outside every
 * commune are rejected. Density models beyond area x factor are left out.
 */
#include "io_int.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct total {
    GEOSGeometry *geom;
    const GEOSPreparedGeometry *prep;
    char *id;
    int has_total;
    double total;
    double weight_sum;
    size_t n_items;
} total;

typedef struct item {
    px__row row; /* values of the source feature; geom is its point */
    double weight;
    size_t owner;
} item;

struct px__dist {
    px__layer_load *ll;
    const px__source *src;
    const char *layer_name;
    size_t n_totals;
    total *totals;
    GEOSSTRtree *tree;
    size_t n_items, cap_items;
    item *items;
    int64_t n_zero;
    int count_col, method_col;
};

static int col_index(const px_table_schema *sc, const char *name)
{
    for (size_t i = 0; i < sc->n_columns; i++)
        if (!strcmp(sc->columns[i].name, name)) return (int)i;
    return -1;
}

static px_status read_totals(px__dist *d)
{
    px_ctx *ctx = d->ll->ctx;
    GEOSContextHandle_t h = px__geos(ctx);
    const px__distribute *dd = d->src->distribute;
    if (!px_store_has_table(d->ll->store, dd->total_layer))
        return px__error(ctx, PX_ENOTFOUND,
                         "%s: distribute: layer '%s' is not loaded (load it in this definition or before)",
                         d->src->source_text, dd->total_layer);
    const char *cols[] = {"id", dd->total_column, NULL};
    px_table_reader *rd = NULL;
    px_status rc = px_store_reader_open(d->ll->store, dd->total_layer, cols, 1, NULL, &rd);
    size_t cap = 0;
    int has = 0;
    while (rc == PX_OK && (rc = px_table_reader_next(rd, &has)) == PX_OK && has) {
        size_t len = 0;
        const unsigned char *wkb = px_table_reader_wkb(rd, &len);
        if (!wkb) continue;
        if (d->n_totals == cap) {
            size_t nc = cap ? 2 * cap : 32;
            total *nt = realloc(d->totals, nc * sizeof *nt);
            if (!nt) {
                rc = px__error(ctx, PX_ENOMEM, "out of memory");
                break;
            }
            d->totals = nt;
            cap = nc;
        }
        total *t = &d->totals[d->n_totals];
        memset(t, 0, sizeof *t);
        t->geom = px__geom_from_wkb(ctx, wkb, len);
        if (!t->geom) {
            rc = px_ctx_errcode(ctx);
            break;
        }
        d->n_totals++;
        t->id = px__strdup(px_table_reader_text(rd, 0) ? px_table_reader_text(rd, 0) : "");
        t->prep = GEOSPrepare_r(h, t->geom);
        if (!t->id || !t->prep) {
            rc = px__error(ctx, PX_ENOMEM, "out of memory");
            break;
        }
        t->has_total = !px_table_reader_is_null(rd, 1);
        t->total = t->has_total ? px_table_reader_real(rd, 1) : 0;
        if (t->has_total && !(t->total >= 0 && t->total <= PX__MAX_QUANTITY)) {
            rc = px__error(ctx, PX_EDOMAIN, "%s:%s: distribute: %s '%s' has %s %g: not a total to share (0 to 1e12)",
                           d->src->source_text, d->layer_name, dd->total_layer, t->id, dd->total_column, t->total);
            break;
        }
        if (!t->has_total)
            px__log(ctx, PX_LOG_WARN, "%s:%s: %s '%s' has no %s: nothing to distribute there",
                    d->src->source_text, d->layer_name, dd->total_layer, t->id, dd->total_column);
    }
    px_table_reader_close(rd);
    if (rc != PX_OK) return rc;
    d->tree = GEOSSTRtree_create_r(h, 10);
    if (!d->tree) return px__error(ctx, PX_ENOMEM, "out of memory");
    for (size_t i = 0; i < d->n_totals; i++)
        GEOSSTRtree_insert_r(h, d->tree, d->totals[i].geom, (void *)(uintptr_t)(i + 1));
    return PX_OK;
}

px_status px__dist_new(px__layer_load *ll, const px__source *src, const char *layer_name, px__dist **out)
{
    px__dist *d = calloc(1, sizeof *d);
    if (!d) return px__error(ll->ctx, PX_ENOMEM, "out of memory");
    d->ll = ll;
    d->src = src;
    d->layer_name = layer_name;
    d->count_col = col_index(ll->schema, "count");
    d->method_col = col_index(ll->schema, "method");
    px_status rc =
        d->count_col < 0 || d->method_col < 0
            ? px__error(ll->ctx, PX_EINVAL, "distribute: layer '%s' has no count/method", ll->schema->name)
            : read_totals(d);
    if (rc != PX_OK) {
        px__dist_free(d);
        return rc;
    }
    *out = d;
    return PX_OK;
}

typedef struct probe {
    px__dist *d;
    const GEOSGeometry *pt;
    size_t found; /* index + 1 */
} probe;

static void probe_cb(void *item_ptr, void *user)
{
    probe *p = user;
    size_t i = (size_t)(uintptr_t)item_ptr - 1;
    /* Lowest index wins so that a point on a shared border always goes to
     * the same commune whatever order the tree returns. */
    if (p->found && i + 1 >= p->found) return;
    if (GEOSPreparedIntersects_r(px__geos(p->d->ll->ctx), p->d->totals[i].prep, p->pt) == 1) p->found = i + 1;
}

px_status px__dist_add(px__dist *d, px__row *row, double factor)
{
    px_ctx *ctx = d->ll->ctx;
    GEOSContextHandle_t h = px__geos(ctx);
    double area = 0;
    int t = GEOSGeomTypeId_r(h, row->geom);
    int areal = t == GEOS_POLYGON || t == GEOS_MULTIPOLYGON;
    if (areal) GEOSArea_r(h, row->geom, &area);
    double weight = (areal ? area : 1.0) * factor;
    if (!(weight > 0)) {
        d->n_zero++;
        return PX_OK;
    }
    GEOSGeometry *pt = areal ? GEOSGetCentroid_r(h, row->geom) : GEOSGeom_clone_r(h, row->geom);
    if (!pt) return px__error(ctx, PX_EGEOS, "%s: centroid: %s", d->src->source_text, px__geos_message(ctx));
    probe p = {d, pt, 0};
    GEOSSTRtree_query_r(h, d->tree, pt, probe_cb, &p);
    if (!p.found) {
        GEOSGeom_destroy_r(h, pt);
        d->ll->report->n_rejected++;
        px__log(ctx, PX_LOG_WARN, "%s:%s:%lld: outside every %s feature: no total to share",
                d->src->source_text, d->layer_name, (long long)row->fid, d->src->distribute->total_layer);
        return PX_OK;
    }
    if (d->n_items == d->cap_items) {
        size_t nc = d->cap_items ? 2 * d->cap_items : 256;
        item *ni = realloc(d->items, nc * sizeof *ni);
        if (!ni) {
            GEOSGeom_destroy_r(h, pt);
            return px__error(ctx, PX_ENOMEM, "out of memory");
        }
        d->items = ni;
        d->cap_items = nc;
    }
    item *it = &d->items[d->n_items++];
    it->row = *row;
    GEOSGeom_destroy_r(h, it->row.geom);
    it->row.geom = pt;
    it->weight = weight;
    it->owner = p.found - 1;
    d->totals[it->owner].weight_sum += weight;
    d->totals[it->owner].n_items++;
    /* The caller's row now belongs to the item: give the caller a new one. */
    return px__row_init(ctx, d->ll->schema, row);
}

static px_status set_text(px_ctx *ctx, px__row *row, int col, const char *text)
{
    free(row->owned[col]);
    row->owned[col] = px__strdup(text);
    if (!row->owned[col]) return px__error(ctx, PX_ENOMEM, "out of memory");
    row->values[col] = PX_VALUE_TEXT(row->owned[col]);
    return PX_OK;
}

px_status px__dist_finish(px__dist *d)
{
    px_ctx *ctx = d->ll->ctx;
    GEOSContextHandle_t h = px__geos(ctx);
    const px__distribute *dd = d->src->distribute;
    px_status rc = PX_OK;
    char method[200];
    snprintf(method, sizeof method, "proxy: %s.%s shared over footprint area x factor", dd->total_layer,
             dd->total_column);
    if (d->n_zero)
        px__log(ctx, PX_LOG_INFO, "%s:%s: %lld features of weight 0 (factor 0) received no one",
                d->src->source_text, d->layer_name, (long long)d->n_zero);
    for (size_t i = 0; rc == PX_OK && i < d->n_items; i++) {
        item *it = &d->items[i];
        const total *t = &d->totals[it->owner];
        if (!t->has_total) continue;
        it->row.values[d->count_col] = PX_VALUE_REAL(t->total * it->weight / t->weight_sum);
        if (it->row.values[d->method_col].is_null) rc = set_text(ctx, &it->row, d->method_col, method);
        if (rc == PX_OK && !it->row.props && !(it->row.props = json_object()))
            rc = px__error(ctx, PX_ENOMEM, "out of memory");
        if (rc == PX_OK && (json_object_set_new(it->row.props, dd->total_layer, json_string(t->id)) ||
                            json_object_set_new(it->row.props, "weight", json_real(it->weight))))
            rc = px__error(ctx, PX_ENOMEM, "out of memory");
        if (rc == PX_OK) rc = px__row_write(d->ll, &it->row);
        if (rc == PX_OK && (i & 255) == 0) rc = px__progress(ctx, "load population", i, d->n_items);
    }
    /* Totals nobody received: all at one point, so the sum still holds. */
    px__row row = {0};
    if (rc == PX_OK) rc = px__row_init(ctx, d->ll->schema, &row);
    for (size_t i = 0; rc == PX_OK && i < d->n_totals; i++) {
        const total *t = &d->totals[i];
        if (!t->has_total || t->n_items || t->total == 0) continue;
        px__row_reset(ctx, &row);
        row.geom = GEOSPointOnSurface_r(h, t->geom);
        if (!row.geom) rc = px__error(ctx, PX_EGEOS, "point on surface: %s", px__geos_message(ctx));
        if (rc == PX_OK) rc = set_text(ctx, &row, 0, t->id);
        if (rc == PX_OK)
            rc = set_text(ctx, &row, d->method_col,
                          "proxy: whole total at one point (no weighted feature inside)");
        row.values[d->count_col] = PX_VALUE_REAL(t->total);
        if (rc == PX_OK) {
            px__log(ctx, PX_LOG_WARN,
                    "%s:%s: %s '%s' holds no weighted feature: its %g people are put at one point",
                    d->src->source_text, d->layer_name, dd->total_layer, t->id, t->total);
            rc = px__row_write(d->ll, &row);
        }
    }
    px__row_clear(ctx, &row);
    return rc;
}

void px__dist_free(px__dist *d)
{
    if (!d) return;
    px_ctx *ctx = d->ll->ctx;
    GEOSContextHandle_t h = px__geos(ctx);
    for (size_t i = 0; i < d->n_items; i++)
        px__row_clear(ctx, &d->items[i].row);
    free(d->items);
    if (d->tree) GEOSSTRtree_destroy_r(h, d->tree);
    for (size_t i = 0; i < d->n_totals; i++) {
        if (d->totals[i].prep) GEOSPreparedGeom_destroy_r(h, d->totals[i].prep);
        GEOSGeom_destroy_r(h, d->totals[i].geom);
        free(d->totals[i].id);
    }
    free(d->totals);
    free(d);
}
