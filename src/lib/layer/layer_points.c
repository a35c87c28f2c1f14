/*
 * Population units and services read once, placed as points by the one rule
 * (a point stays itself, anything else goes to its point on surface) and
 * located in the communes. Attribute cleaning beyond "NULL count is 0" and
 * "NULL or non-positive capacity is 1" is the loader's job and is not
 * repeated here. Nothing here writes.
 */
#include "layer_int.h"

#include <stdlib.h>
#include <string.h>

/* A 2D ISO WKB point is 21 bytes: byte order, type 1, x, y. Read directly:
 * a million origins need no GEOS object each. */
static int wkb_point(const unsigned char *wkb, size_t len, double *x, double *y)
{
    if (len != 21 || (wkb[0] != 0 && wkb[0] != 1)) return 0;
    int little = wkb[0] == 1;
    uint32_t type = little ? (uint32_t)wkb[1] | (uint32_t)wkb[2] << 8 | (uint32_t)wkb[3] << 16 | (uint32_t)wkb[4] << 24
                           : (uint32_t)wkb[4] | (uint32_t)wkb[3] << 8 | (uint32_t)wkb[2] << 16 | (uint32_t)wkb[1] << 24;
    if (type != 1) return 0;
    unsigned char b[16];
    for (int i = 0; i < 16; i++) b[i] = little ? wkb[5 + i] : wkb[5 + (i / 8) * 8 + 7 - (i % 8)];
    uint16_t probe = 1;
    if (*(unsigned char *)&probe != 1) /* big-endian host */
        for (int i = 0; i < 8; i++) {
            unsigned char t = b[i];
            b[i] = b[7 - i], b[7 - i] = t;
            t = b[8 + i], b[8 + i] = b[15 - i], b[15 - i] = t;
        }
    memcpy(x, b, 8);
    memcpy(y, b + 8, 8);
    return *x == *x && *y == *y; /* an empty point is NaN, NaN */
}

px_status px_layer_point_of(px_ctx *ctx, const unsigned char *wkb, size_t len, double *x, double *y)
{
    if (!ctx || !wkb || !x || !y) return px__error(ctx, PX_EINVAL, "px_layer_point_of: NULL argument");
    if (wkb_point(wkb, len, x, y)) return PX_OK;
    GEOSContextHandle_t h = px__geos(ctx);
    GEOSGeometry *g = px__geom_from_wkb(ctx, wkb, len);
    if (!g) return PX_EGEOS;
    GEOSGeometry *pt = GEOSGeomTypeId_r(h, g) == GEOS_POINT ? NULL : GEOSPointOnSurface_r(h, g);
    const GEOSGeometry *use = pt ? pt : g;
    int ok = !GEOSisEmpty_r(h, use) && GEOSGeomGetX_r(h, use, x) == 1 && GEOSGeomGetY_r(h, use, y) == 1;
    if (pt) GEOSGeom_destroy_r(h, pt);
    GEOSGeom_destroy_r(h, g);
    return ok ? PX_OK : px__error(ctx, PX_EGEOS, "empty geometry: no point to place");
}

void px_layer_strings_free(char **v, size_t n)
{
    for (size_t i = 0; v && i < n; i++) free(v[i]);
    free(v);
}

void px_layer_points_free(px_points *p)
{
    if (!p) return;
    free(p->fid);
    free(p->x);
    free(p->y);
    free(p->weight);
    px_layer_strings_free(p->id, p->n);
    free(p->commune);
    free(p->cat);
    px_layer_strings_free(p->cats, p->n_cat);
    px_layer_strings_free(p->cat_cols, p->n_cat);
    memset(p, 0, sizeof *p);
}

static int grow(px_points *p, size_t *cap, int with_cat)
{
    if (p->n < *cap) return 1;
    size_t c = *cap ? 2 * *cap : 1024;
    int64_t *f = realloc(p->fid, c * sizeof *f);
    if (f) p->fid = f;
    double *x = realloc(p->x, c * sizeof *x);
    if (x) p->x = x;
    double *y = realloc(p->y, c * sizeof *y);
    if (y) p->y = y;
    double *w = realloc(p->weight, c * sizeof *w);
    if (w) p->weight = w;
    char **id = realloc(p->id, c * sizeof *id);
    if (id) p->id = id;
    int32_t *cm = realloc(p->commune, c * sizeof *cm);
    if (cm) p->commune = cm;
    int32_t *ct = with_cat ? realloc(p->cat, c * sizeof *ct) : NULL;
    if (ct) p->cat = ct;
    if (!f || !x || !y || !w || !id || !cm || (with_cat && !ct)) return 0;
    *cap = c;
    return 1;
}

/* Columns of `layer` among `want` (NULL-terminated): the reader is opened on
 * those present; idx[k] is each one's index in the reader or -1. */
static px_status open_present(px_store *store, const char *layer, const char *const *want, int with_geom,
                              const px_bbox *box, int *idx, px_table_reader **out)
{
    px_table_reader *probe = NULL;
    px_status rc = px_store_reader_open(store, layer, NULL, 0, NULL, &probe);
    if (rc != PX_OK) return rc;
    const char *cols[8];
    size_t n = 0;
    for (size_t k = 0; want[k]; k++) {
        idx[k] = -1;
        if (px_table_reader_column_index(probe, want[k]) >= 0) {
            idx[k] = (int)n;
            cols[n++] = want[k];
        }
    }
    cols[n] = NULL;
    px_table_reader_close(probe);
    return px_store_reader_open(store, layer, cols, with_geom, box, out);
}

px_status px_layer_population_read(px_ctx *ctx, px_store *store, const char *layer, const px_communes *communes,
                                   unsigned flags, px_points *out)
{
    return px_layer_population_read_in(ctx, store, layer, communes, flags, NULL, out);
}

px_status px_layer_population_read_in(px_ctx *ctx, px_store *store, const char *layer, const px_communes *communes,
                                      unsigned flags, const px_bbox *box, px_points *out)
{
    if (!ctx || !store || !out) return px__error(ctx, PX_EINVAL, "px_layer_population_read: NULL argument");
    memset(out, 0, sizeof *out);
    if (!layer) layer = "population";
    static const char *const with_id[] = {"count", "id", NULL}, *const no_id[] = {"count", NULL};
    const char *const *want = flags & PX_LAYER_WITH_IDS ? with_id : no_id;
    int idx[2] = {-1, -1};
    int64_t total = 0;
    px_table_reader *r = NULL;
    px_status rc = px_store_count(store, layer, &total);
    if (rc == PX_OK) rc = open_present(store, layer, want, 1, box, idx, &r);
    if (rc != PX_OK) return rc;
    if (idx[0] < 0) {
        px_table_reader_close(r);
        return px__error(ctx, PX_ENOTFOUND, "%s: layer '%s' has no column 'count' (residents)", px_store_path(store),
                         layer);
    }
    px_points p = {0};
    size_t cap = 0;
    int has = 0;
    while ((rc = px_table_reader_next(r, &has)) == PX_OK && has) {
        if ((p.n & 16383) == 0 && (rc = px__progress(ctx, "read population", p.n, (uint64_t)total)) != PX_OK) break;
        size_t len = 0;
        const unsigned char *wkb = px_table_reader_wkb(r, &len);
        double x, y;
        if (!wkb || px_layer_point_of(ctx, wkb, len, &x, &y) != PX_OK) {
            px__log(ctx, PX_LOG_WARN, "%s:%lld: no usable geometry: skipped", layer, (long long)px_table_reader_fid(r));
            continue;
        }
        if (box && !px_bbox_has(box, x, y)) continue;
        if (!grow(&p, &cap, 0)) {
            rc = px__error(ctx, PX_ENOMEM, "out of memory");
            break;
        }
        size_t i = p.n++;
        const char *id = idx[1] >= 0 ? px_table_reader_text(r, (size_t)idx[1]) : NULL;
        p.fid[i] = px_table_reader_fid(r);
        p.x[i] = x;
        p.y[i] = y;
        p.weight[i] = px_table_reader_is_null(r, (size_t)idx[0]) ? 0 : px_table_reader_real(r, (size_t)idx[0]);
        p.id[i] = id ? px__strdup(id) : NULL;
        p.commune[i] = px_layer_communes_locate(communes, x, y);
        if (id && !p.id[i]) {
            rc = px__error(ctx, PX_ENOMEM, "out of memory");
            break;
        }
    }
    px_table_reader_close(r);
    if (rc != PX_OK) {
        px_layer_points_free(&p);
        return rc;
    }
    *out = p;
    return PX_OK;
}

static const char *const default_layers[] = {"services", NULL};

px_status px_layer_categories(px_ctx *ctx, px_store *store, const char *const *layers, char ***cats, size_t *n)
{
    if (!ctx || !store || !cats || !n) return px__error(ctx, PX_EINVAL, "px_layer_categories: NULL argument");
    char **names = NULL;
    size_t nn = 0, cap = 0;
    px_status rc = PX_OK;
    for (const char *const *l = layers ? layers : default_layers; rc == PX_OK && *l; l++) {
        static const char *const want[] = {"category", NULL};
        int idx[1];
        px_table_reader *r = NULL;
        if ((rc = open_present(store, *l, want, 0, NULL, idx, &r)) != PX_OK) break;
        int has = 0;
        while ((rc = px_table_reader_next(r, &has)) == PX_OK && has) {
            const char *c = idx[0] >= 0 ? px_table_reader_text(r, (size_t)idx[0]) : *l;
            if (!c || !*c) continue;
            if (nn > 0 && !strcmp(names[nn - 1], c)) continue; /* cheap run-length dedup */
            if (nn == cap) {
                cap = cap ? 2 * cap : 64;
                char **v = realloc(names, cap * sizeof *v);
                if (!v) {
                    rc = px__error(ctx, PX_ENOMEM, "out of memory");
                    break;
                }
                names = v;
            }
            if (!(names[nn++] = px__strdup(c))) rc = px__error(ctx, PX_ENOMEM, "out of memory");
            if (rc != PX_OK) break;
            if (idx[0] < 0) break; /* the layer's name is its one category */
        }
        px_table_reader_close(r);
    }
    char **cols = NULL;
    if (rc == PX_OK) rc = px__layer_category_list(ctx, names, nn, 1, cats, &cols);
    if (rc == PX_OK) {
        size_t k = 0;
        while ((*cats)[k]) k++;
        px_layer_strings_free(cols, k);
        *n = k;
    }
    px_layer_strings_free(names, nn);
    return rc;
}

px_status px_layer_services_read(px_ctx *ctx, px_store *store, const char *const *layers, const char *const *keep,
                                 const px_communes *communes, px_points *out)
{
    return px_layer_services_read_in(ctx, store, layers, keep, communes, NULL, out);
}

px_status px_layer_services_read_in(px_ctx *ctx, px_store *store, const char *const *layers, const char *const *keep,
                                    const px_communes *communes, const px_bbox *box, px_points *out)
{
    if (!ctx || !store || !out) return px__error(ctx, PX_EINVAL, "px_layer_services_read: NULL argument");
    memset(out, 0, sizeof *out);
    if (!layers) layers = default_layers;
    char **known = NULL;
    size_t n_known = 0, n_keep = 0;
    px_status rc = px_layer_categories(ctx, store, layers, &known, &n_known);
    if (rc != PX_OK) return rc;
    while (keep && keep[n_keep]) n_keep++;
    if (keep) rc = px_layer_check_categories(ctx, keep, n_keep, (const char *const *)known, n_known);
    px_points p = {0};
    char **cols = NULL;
    if (rc == PX_OK)
        rc = px__layer_category_list(ctx, keep ? (char **)keep : known, keep ? n_keep : n_known, keep == NULL,
                                     &p.cats, &cols);
    px_layer_strings_free(known, n_known);
    if (rc != PX_OK) return rc;
    while (p.cats[p.n_cat]) p.n_cat++;
    p.cat_cols = cols;
    size_t cap = 0;
    for (const char *const *l = layers; rc == PX_OK && *l; l++) {
        static const char *const want[] = {"category", "capacity", "id", NULL};
        int idx[3];
        px_table_reader *r = NULL;
        if ((rc = open_present(store, *l, want, 1, box, idx, &r)) != PX_OK) break;
        int has = 0;
        while ((rc = px_table_reader_next(r, &has)) == PX_OK && has) {
            const char *cat = idx[0] >= 0 ? px_table_reader_text(r, (size_t)idx[0]) : *l;
            if (!cat || !*cat) continue;
            int32_t c = -1;
            for (size_t k = 0; k < p.n_cat && c < 0; k++)
                if (!strcmp(p.cats[k], cat)) c = (int32_t)k;
            if (c < 0) continue;
            size_t len = 0;
            const unsigned char *wkb = px_table_reader_wkb(r, &len);
            double x, y;
            if (!wkb || px_layer_point_of(ctx, wkb, len, &x, &y) != PX_OK) {
                px__log(ctx, PX_LOG_WARN, "%s:%lld: no usable geometry: skipped", *l, (long long)px_table_reader_fid(r));
                continue;
            }
            if (box && !px_bbox_has(box, x, y)) continue;
            if (!grow(&p, &cap, 1)) {
                rc = px__error(ctx, PX_ENOMEM, "out of memory");
                break;
            }
            size_t i = p.n++;
            double w = 1.0;
            if (idx[1] >= 0 && !px_table_reader_is_null(r, (size_t)idx[1])) {
                double v = px_table_reader_real(r, (size_t)idx[1]);
                if (v > 0) w = v;
            }
            const char *id = idx[2] >= 0 ? px_table_reader_text(r, (size_t)idx[2]) : NULL;
            p.fid[i] = px_table_reader_fid(r);
            p.x[i] = x;
            p.y[i] = y;
            p.weight[i] = w;
            p.cat[i] = c;
            p.id[i] = id ? px__strdup(id) : NULL;
            p.commune[i] = px_layer_communes_locate(communes, x, y);
            if (id && !p.id[i]) {
                rc = px__error(ctx, PX_ENOMEM, "out of memory");
                break;
            }
        }
        px_table_reader_close(r);
    }
    if (rc != PX_OK) {
        px_layer_points_free(&p);
        return rc;
    }
    *out = p;
    return PX_OK;
}

px_status px_layer_points(px_ctx *ctx, px_store *store, const char *layer, int64_t **fids, double **xy, size_t *n)
{
    if (!ctx || !store || !layer || !fids || !xy || !n) return px__error(ctx, PX_EINVAL, "px_layer_points: NULL argument");
    int64_t total = 0;
    px_status rc = px_store_count(store, layer, &total);
    if (rc != PX_OK) return rc;
    size_t cap = total > 0 ? (size_t)total : 1, k = 0;
    int64_t *f = malloc(cap * sizeof *f);
    double *p = malloc(2 * cap * sizeof *p);
    px_table_reader *r = NULL;
    static const char *const no_cols[] = {NULL};
    if (!f || !p) rc = px__error(ctx, PX_ENOMEM, "out of memory");
    if (rc == PX_OK) rc = px_store_reader_open(store, layer, no_cols, 1, NULL, &r);
    int has = 0;
    while (rc == PX_OK && (rc = px_table_reader_next(r, &has)) == PX_OK && has && k < cap) {
        size_t len = 0;
        const unsigned char *wkb = px_table_reader_wkb(r, &len);
        if (!wkb) continue;
        if (px_layer_point_of(ctx, wkb, len, &p[2 * k], &p[2 * k + 1]) == PX_OK) f[k++] = px_table_reader_fid(r);
    }
    px_table_reader_close(r);
    if (rc != PX_OK) {
        free(f);
        free(p);
        return rc;
    }
    *fids = f;
    *xy = p;
    *n = k;
    return PX_OK;
}
