/*
 * Inputs of the accessibility analysis, read through the store readers into
 * flat arrays: origins (population points or cell centroids, counts, and
 * the commune each falls in), opportunities grouped by category, and
 * communes. Geometry goes through GEOS (WKB in, centroid, point-in-polygon
 * with prepared geometries under an STRtree); nothing is written here.
 * A population-weighted point for cells is left out: cells use centroids.
 */
#include "access_int.h"
#include "../geom/geom_int.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int grow(void **p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap) return 0;
    size_t c = *cap ? *cap : 1024;
    while (c < need) c *= 2;
    void *q = realloc(*p, c * size);
    if (!q) return -1;
    *p = q;
    *cap = c;
    return 0;
}

/* Representative point of a geometry: itself for a point, else its centroid. */
static px_status rep_point(px_ctx *ctx, const GEOSGeometry *g, double *x, double *y)
{
    GEOSContextHandle_t h = px__geos(ctx);
    if (GEOSGeomTypeId_r(h, g) == GEOS_POINT) {
        if (GEOSGeomGetX_r(h, g, x) && GEOSGeomGetY_r(h, g, y)) return PX_OK;
        return PX_EDOMAIN;
    }
    GEOSGeometry *c = GEOSGetCentroid_r(h, g);
    if (!c || GEOSisEmpty_r(h, c)) {
        if (c) GEOSGeom_destroy_r(h, c);
        return PX_EDOMAIN;
    }
    int ok = GEOSGeomGetX_r(h, c, x) && GEOSGeomGetY_r(h, c, y);
    GEOSGeom_destroy_r(h, c);
    return ok ? PX_OK : PX_EDOMAIN;
}

/* ---- communes ---------------------------------------------------------------- */

px_status px__access_read_communes(px_ctx *ctx, px_store *store, px__communes *out)
{
    memset(out, 0, sizeof *out);
    if (!px_store_has_table(store, "communes")) return PX_OK;
    static const char *const cols[] = {"id", "name", NULL};
    px_table_reader *r = NULL;
    px_status rc = px_store_reader_open(store, "communes", cols, 1, NULL, &r);
    if (rc != PX_OK) return rc;
    int64_t total = 0;
    if ((rc = px_store_count(store, "communes", &total)) != PX_OK) {
        px_table_reader_close(r);
        return rc;
    }
    size_t cap = total > 0 ? (size_t)total : 1;
    out->id = calloc(cap, sizeof *out->id);
    out->name = calloc(cap, sizeof *out->name);
    out->wkb = calloc(cap, sizeof *out->wkb);
    out->wkb_len = calloc(cap, sizeof *out->wkb_len);
    if (!out->id || !out->name || !out->wkb || !out->wkb_len) rc = px__error(ctx, PX_ENOMEM, "out of memory");
    int has = 0;
    while (rc == PX_OK && (rc = px_table_reader_next(r, &has)) == PX_OK && has && out->n < cap) {
        size_t len = 0;
        const unsigned char *wkb = px_table_reader_wkb(r, &len);
        if (!wkb) continue;
        size_t n = out->n;
        const char *id = px_table_reader_text(r, 0), *name = px_table_reader_text(r, 1);
        char fallback[32];
        snprintf(fallback, sizeof fallback, "%lld", (long long)px_table_reader_fid(r));
        out->id[n] = px__strdup(id ? id : fallback);
        out->name[n] = px__strdup(name ? name : "");
        out->wkb[n] = malloc(len);
        out->wkb_len[n] = len;
        out->n = n + 1;
        if (!out->id[n] || !out->name[n] || !out->wkb[n]) rc = px__error(ctx, PX_ENOMEM, "out of memory");
        else memcpy(out->wkb[n], wkb, len);
    }
    px_table_reader_close(r);
    return rc;
}

void px__communes_free(px__communes *c)
{
    for (size_t i = 0; i < c->n; i++) {
        free(c->id[i]);
        free(c->name[i]);
        free(c->wkb[i]);
    }
    free(c->id);
    free(c->name);
    free(c->wkb);
    free(c->wkb_len);
    memset(c, 0, sizeof *c);
}

/* ---- origins ----------------------------------------------------------------- */

typedef struct locator {
    GEOSContextHandle_t h;
    GEOSSTRtree *tree;
    GEOSGeometry **geoms;
    const GEOSPreparedGeometry **prep;
    size_t n;
} locator;

typedef struct loc_query {
    const locator *lc;
    const GEOSGeometry *pt;
    int32_t best;
} loc_query;

static void loc_cb(void *item, void *user)
{
    loc_query *q = user;
    int32_t i = (int32_t)(intptr_t)item;
    /* Lowest index wins where communes overlap, so the result is stable. */
    if ((q->best < 0 || i < q->best) && GEOSPreparedIntersects_r(q->lc->h, q->lc->prep[i], q->pt) == 1) q->best = i;
}

static void locator_free(locator *lc)
{
    if (lc->tree) GEOSSTRtree_destroy_r(lc->h, lc->tree);
    for (size_t i = 0; i < lc->n; i++) {
        if (lc->prep && lc->prep[i]) GEOSPreparedGeom_destroy_r(lc->h, lc->prep[i]);
        if (lc->geoms && lc->geoms[i]) GEOSGeom_destroy_r(lc->h, lc->geoms[i]);
    }
    free(lc->geoms);
    free(lc->prep);
}

static px_status locator_new(px_ctx *ctx, const px__communes *c, locator *lc)
{
    memset(lc, 0, sizeof *lc);
    lc->h = px__geos(ctx);
    if (c->n == 0) return PX_OK;
    lc->geoms = calloc(c->n, sizeof *lc->geoms);
    lc->prep = calloc(c->n, sizeof *lc->prep);
    lc->tree = GEOSSTRtree_create_r(lc->h, 10);
    lc->n = c->n;
    if (!lc->geoms || !lc->prep || !lc->tree) return px__error(ctx, PX_ENOMEM, "out of memory");
    for (size_t i = 0; i < c->n; i++) {
        lc->geoms[i] = px__geom_from_wkb(ctx, c->wkb[i], c->wkb_len[i]);
        if (!lc->geoms[i]) return px__error(ctx, PX_EGEOS, "communes:%s: bad geometry", c->id[i]);
        lc->prep[i] = GEOSPrepare_r(lc->h, lc->geoms[i]);
        if (!lc->prep[i]) return px__error(ctx, PX_EGEOS, "communes:%s: cannot prepare", c->id[i]);
        GEOSSTRtree_insert_r(lc->h, lc->tree, lc->geoms[i], (void *)(intptr_t)i);
    }
    return PX_OK;
}

px_status px__access_read_origins(px_ctx *ctx, px_store *store, const char *layer, const px__communes *communes,
                                  px__origins *out)
{
    memset(out, 0, sizeof *out);
    int64_t total = 0;
    px_status rc = px_store_count(store, layer, &total);
    if (rc != PX_OK) return rc;
    locator lc;
    px_table_reader *r = NULL;
    GEOSContextHandle_t h = px__geos(ctx);
    rc = locator_new(ctx, communes, &lc);
    size_t n = total > 0 ? (size_t)total : 1;
    out->fid = malloc(n * sizeof *out->fid);
    out->xy = malloc(2 * n * sizeof *out->xy);
    out->count = malloc(n * sizeof *out->count);
    out->commune = malloc(n * sizeof *out->commune);
    if (rc == PX_OK && (!out->fid || !out->xy || !out->count || !out->commune))
        rc = px__error(ctx, PX_ENOMEM, "out of memory");
    static const char *const cols[] = {"count", NULL};
    if (rc == PX_OK) rc = px_store_reader_open(store, layer, cols, 1, NULL, &r);
    int has = 0;
    while (rc == PX_OK && (rc = px_table_reader_next(r, &has)) == PX_OK && has && out->n < (size_t)total) {
        if ((out->n & 16383) == 0 && (rc = px__progress(ctx, "access: read origins", out->n, (uint64_t)total)))
            break;
        size_t len = 0;
        const unsigned char *wkb = px_table_reader_wkb(r, &len);
        if (!wkb) {
            px__log(ctx, PX_LOG_WARN, "%s:%lld: no geometry: skipped", layer, (long long)px_table_reader_fid(r));
            continue;
        }
        GEOSGeometry *g = px__geom_from_wkb(ctx, wkb, len);
        if (!g) {
            rc = px__error(ctx, PX_EGEOS, "%s:%s:%lld: bad geometry", px_store_path(store), layer,
                           (long long)px_table_reader_fid(r));
            break;
        }
        size_t i = out->n;
        double x = 0, y = 0;
        if (rep_point(ctx, g, &x, &y) != PX_OK) {
            px__log(ctx, PX_LOG_WARN, "%s:%lld: empty geometry: skipped", layer, (long long)px_table_reader_fid(r));
            GEOSGeom_destroy_r(h, g);
            continue;
        }
        loc_query q = {&lc, g, -1};
        if (lc.n) {
            /* Query by the representative point so a cell lands in one commune. */
            GEOSGeometry *pt = GEOSGeomTypeId_r(h, g) == GEOS_POINT ? NULL : GEOSGeom_createPointFromXY_r(h, x, y);
            if (pt) q.pt = pt;
            GEOSSTRtree_query_r(h, lc.tree, q.pt, loc_cb, &q);
            if (pt) GEOSGeom_destroy_r(h, pt);
        }
        GEOSGeom_destroy_r(h, g);
        out->fid[i] = px_table_reader_fid(r);
        out->xy[2 * i] = x;
        out->xy[2 * i + 1] = y;
        out->count[i] = px_table_reader_is_null(r, 0) ? 0 : px_table_reader_real(r, 0);
        out->commune[i] = q.best;
        out->n++;
    }
    px_table_reader_close(r);
    locator_free(&lc);
    return rc;
}

void px__origins_free(px__origins *o)
{
    free(o->fid);
    free(o->xy);
    free(o->count);
    free(o->commune);
    memset(o, 0, sizeof *o);
}

/* ---- destinations ------------------------------------------------------------- */

typedef struct dest_row {
    int32_t cat;
    double x, y;
} dest_row;

/* Column part of a category: lowercase ASCII letters, digits and '_'. */
static char *col_name(const char *cat)
{
    size_t n = strlen(cat);
    char *s = malloc(n + 1);
    if (!s) return NULL;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)cat[i];
        s[i] = isalnum(ch) && ch < 128 ? (char)tolower(ch) : '_';
    }
    s[n] = '\0';
    return s;
}

static int cat_index(px__dests *d, const char *name, int add)
{
    for (size_t c = 0; c < d->n_cat; c++)
        if (!strcmp(d->cat[c], name)) return (int)c;
    if (!add) return -1;
    char **nc = realloc(d->cat, (d->n_cat + 1) * sizeof *nc);
    if (!nc) return -2;
    d->cat = nc;
    char **ncol = realloc(d->col, (d->n_cat + 1) * sizeof *ncol);
    if (!ncol) return -2;
    d->col = ncol;
    d->cat[d->n_cat] = px__strdup(name);
    d->col[d->n_cat] = col_name(name);
    if (!d->cat[d->n_cat] || !d->col[d->n_cat]) return -2;
    return (int)d->n_cat++;
}

px_status px__access_read_dests(px_ctx *ctx, px_store *store, const char *const *layers, const char *const *keep,
                                px__dests *out)
{
    static const char *const default_layers[] = {"services", NULL};
    memset(out, 0, sizeof *out);
    px_status rc = PX_OK;
    dest_row *rows = NULL;
    size_t n_rows = 0, cap = 0;
    GEOSContextHandle_t h = px__geos(ctx);
    for (const char *const *k = keep; rc == PX_OK && k && *k; k++)
        if (cat_index(out, *k, 1) == -2) rc = px__error(ctx, PX_ENOMEM, "out of memory");
    for (const char *const *l = layers ? layers : default_layers; rc == PX_OK && *l; l++) {
        px_table_reader *r = NULL;
        rc = px_store_reader_open(store, *l, NULL, 1, NULL, &r);
        if (rc != PX_OK) break;
        int cat_col = px_table_reader_column_index(r, "category");
        int has = 0;
        while ((rc = px_table_reader_next(r, &has)) == PX_OK && has) {
            const char *cat = cat_col >= 0 ? px_table_reader_text(r, (size_t)cat_col) : *l;
            if (!cat || !*cat) continue;
            int c = cat_index(out, cat, keep == NULL);
            if (c == -2) {
                rc = px__error(ctx, PX_ENOMEM, "out of memory");
                break;
            }
            if (c < 0) continue;
            size_t len = 0;
            const unsigned char *wkb = px_table_reader_wkb(r, &len);
            GEOSGeometry *g = wkb ? px__geom_from_wkb(ctx, wkb, len) : NULL;
            double x, y;
            int ok = g && rep_point(ctx, g, &x, &y) == PX_OK;
            if (g) GEOSGeom_destroy_r(h, g);
            if (!ok) {
                px__log(ctx, PX_LOG_WARN, "%s:%lld: no usable geometry: skipped", *l, (long long)px_table_reader_fid(r));
                continue;
            }
            if (grow((void **)&rows, &cap, n_rows + 1, sizeof *rows)) {
                rc = px__error(ctx, PX_ENOMEM, "out of memory");
                break;
            }
            rows[n_rows++] = (dest_row){c, x, y};
        }
        px_table_reader_close(r);
    }
    if (rc == PX_OK) {
        /* Counting sort by category: stable, so input order is kept within a category. */
        size_t *count = calloc(out->n_cat + 1, sizeof *count);
        out->start = calloc(out->n_cat + 1, sizeof *out->start);
        out->xy = malloc(2 * (n_rows ? n_rows : 1) * sizeof *out->xy);
        if (!count || !out->start || !out->xy) rc = px__error(ctx, PX_ENOMEM, "out of memory");
        else {
            for (size_t i = 0; i < n_rows; i++) out->start[rows[i].cat + 1]++;
            for (size_t c = 0; c < out->n_cat; c++) out->start[c + 1] += out->start[c];
            for (size_t i = 0; i < n_rows; i++) {
                size_t at = out->start[rows[i].cat] + count[rows[i].cat]++;
                out->xy[2 * at] = rows[i].x;
                out->xy[2 * at + 1] = rows[i].y;
            }
            out->n = n_rows;
        }
        free(count);
    }
    free(rows);
    return rc;
}

void px__dests_free(px__dests *d)
{
    for (size_t c = 0; c < d->n_cat; c++) {
        free(d->cat[c]);
        free(d->col[c]);
    }
    free(d->cat);
    free(d->col);
    free(d->start);
    free(d->xy);
    memset(d, 0, sizeof *d);
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
    GEOSContextHandle_t h = px__geos(ctx);
    if (!f || !p) rc = px__error(ctx, PX_ENOMEM, "out of memory");
    if (rc == PX_OK) rc = px_store_reader_open(store, layer, no_cols, 1, NULL, &r);
    int has = 0;
    while (rc == PX_OK && (rc = px_table_reader_next(r, &has)) == PX_OK && has && k < cap) {
        size_t len = 0;
        const unsigned char *wkb = px_table_reader_wkb(r, &len);
        if (!wkb) continue;
        GEOSGeometry *g = px__geom_from_wkb(ctx, wkb, len);
        if (!g) {
            rc = px__error(ctx, PX_EGEOS, "%s:%lld: bad geometry", layer, (long long)px_table_reader_fid(r));
            break;
        }
        if (rep_point(ctx, g, &p[2 * k], &p[2 * k + 1]) == PX_OK) f[k++] = px_table_reader_fid(r);
        GEOSGeom_destroy_r(h, g);
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
