/*
 * Inputs of the equity, brownfield and flood analyses, read through the
 * store's readers: weighted points (population units, services) reduced to
 * one representative point each, and the commune polygons with an STRtree
 * to locate points. Attribute cleaning beyond "NULL or <= 0 weight means the
 * default" is the loader's job and is not repeated here.
 */
#include "equity_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void px__strings_free(char **v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        free(v[i]);
    free(v);
}

void px__points_free(px__points *p)
{
    if (!p) return;
    free(p->fid);
    free(p->x);
    free(p->y);
    free(p->weight);
    px__strings_free(p->id, p->n);
    px__strings_free(p->cat, p->n);
    memset(p, 0, sizeof *p);
}

/* Representative point of a WKB geometry: itself for a point, else a point
 * on its surface (inside a polygon, on a line). */
px_status px__rep_point(px_ctx *ctx, const unsigned char *wkb, size_t len, double *x, double *y)
{
    GEOSContextHandle_t h = px__geos(ctx);
    GEOSGeometry *g = px__geom_from_wkb(ctx, wkb, len);
    if (!g) return PX_EGEOS;
    GEOSGeometry *pt = GEOSGeomTypeId_r(h, g) == GEOS_POINT ? g : GEOSPointOnSurface_r(h, g);
    int ok = pt && !GEOSisEmpty_r(h, pt) && GEOSGeomGetX_r(h, pt, x) == 1 && GEOSGeomGetY_r(h, pt, y) == 1;
    if (pt && pt != g) GEOSGeom_destroy_r(h, pt);
    GEOSGeom_destroy_r(h, g);
    return ok ? PX_OK : PX_EGEOS;
}

static int grow(px__points *p, size_t cap, int with_cat)
{
    int64_t *f = realloc(p->fid, cap * sizeof *f);
    if (f) p->fid = f;
    double *x = realloc(p->x, cap * sizeof *x);
    if (x) p->x = x;
    double *y = realloc(p->y, cap * sizeof *y);
    if (y) p->y = y;
    double *w = realloc(p->weight, cap * sizeof *w);
    if (w) p->weight = w;
    char **id = realloc(p->id, cap * sizeof *id);
    if (id) p->id = id;
    char **cat = with_cat ? realloc(p->cat, cap * sizeof *cat) : NULL;
    if (cat) p->cat = cat;
    return f && x && y && w && id && (!with_cat || cat);
}

px_status px__points_load(px_ctx *ctx, px_store *store, const char *table, const char *weight_col,
                          double default_weight, const char *cat_col, px__points *out)
{
    const char *cols[4] = {"id", NULL, NULL, NULL};
    size_t nc = 1;
    int iw = -1, ic = -1;
    if (weight_col) {
        iw = (int)nc;
        cols[nc++] = weight_col;
    }
    if (cat_col) {
        ic = (int)nc;
        cols[nc++] = cat_col;
    }
    px_table_reader *r = NULL;
    px_status rc = px_store_reader_open(store, table, cols, 1, NULL, &r);
    if (rc != PX_OK) return rc;
    px__points p = {0};
    size_t cap = 0;
    int has = 0;
    while ((rc = px_table_reader_next(r, &has)) == PX_OK && has) {
        size_t len = 0;
        const unsigned char *wkb = px_table_reader_wkb(r, &len);
        if (!wkb) continue;
        double x, y;
        if (px__rep_point(ctx, wkb, len, &x, &y) != PX_OK) {
            px__log(ctx, PX_LOG_WARN, "%s:%lld: geometry unreadable, row skipped", table,
                    (long long)px_table_reader_fid(r));
            continue;
        }
        if (p.n == cap) {
            cap = cap ? 2 * cap : 1024;
            if (!grow(&p, cap, cat_col != NULL)) {
                rc = px__error(ctx, PX_ENOMEM, "out of memory");
                break;
            }
        }
        double w = default_weight;
        if (iw >= 0 && !px_table_reader_is_null(r, (size_t)iw)) {
            double v = px_table_reader_real(r, (size_t)iw);
            if (v > 0) w = v;
        }
        const char *id = px_table_reader_text(r, 0);
        const char *cat = ic >= 0 ? px_table_reader_text(r, (size_t)ic) : NULL;
        p.fid[p.n] = px_table_reader_fid(r);
        p.x[p.n] = x;
        p.y[p.n] = y;
        p.weight[p.n] = w;
        p.id[p.n] = id ? px__strdup(id) : NULL;
        if (cat_col) p.cat[p.n] = cat ? px__strdup(cat) : NULL;
        p.n++;
        if ((id && !p.id[p.n - 1]) || (cat && !p.cat[p.n - 1])) {
            rc = px__error(ctx, PX_ENOMEM, "out of memory");
            break;
        }
        if ((p.n & 0xffff) == 0 && (rc = px__progress(ctx, table, p.n, 0)) != PX_OK) break;
    }
    px_table_reader_close(r);
    if (rc != PX_OK) {
        px__points_free(&p);
        return rc;
    }
    *out = p;
    return PX_OK;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

px_status px__points_categories(px_ctx *ctx, const px__points *p, char ***out, size_t *n_out)
{
    char **v = malloc((p->n ? p->n : 1) * sizeof *v);
    if (!v) return px__error(ctx, PX_ENOMEM, "out of memory");
    size_t n = 0;
    for (size_t i = 0; p->cat && i < p->n; i++)
        if (p->cat[i] && *p->cat[i]) v[n++] = p->cat[i];
    qsort(v, n, sizeof *v, cmp_str);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (k == 0 || strcmp(v[i], v[k - 1])) v[k++] = v[i];
    for (size_t i = 0; i < k; i++)
        if (!(v[i] = px__strdup(v[i]))) {
            px__strings_free(v, i);
            return px__error(ctx, PX_ENOMEM, "out of memory");
        }
    *out = v;
    *n_out = k;
    return PX_OK;
}

/* ---- communes ------------------------------------------------------------- */

void px__an_communes_free(px__an_communes *c)
{
    if (!c || !c->ctx) return;
    GEOSContextHandle_t h = px__geos(c->ctx);
    if (c->tree) GEOSSTRtree_destroy_r(h, c->tree);
    for (size_t i = 0; i < c->n; i++) {
        if (c->pg && c->pg[i]) GEOSPreparedGeom_destroy_r(h, c->pg[i]);
        if (c->g && c->g[i]) GEOSGeom_destroy_r(h, c->g[i]);
        if (c->wkb) free(c->wkb[i]);
    }
    free(c->pg);
    free(c->g);
    free(c->wkb);
    free(c->wkb_len);
    free(c->fid);
    px__strings_free(c->id, c->n);
    px__strings_free(c->name, c->n);
    memset(c, 0, sizeof *c);
}

px_status px__an_communes_load(px_ctx *ctx, px_store *store, px__an_communes *out)
{
    int64_t count = 0;
    px_status rc = px_store_count(store, "communes", &count);
    if (rc != PX_OK) return rc;
    size_t n = (size_t)count, n1 = n ? n : 1;
    px__an_communes c = {.ctx = ctx};
    c.fid = calloc(n1, sizeof *c.fid);
    c.id = calloc(n1, sizeof *c.id);
    c.name = calloc(n1, sizeof *c.name);
    c.wkb = calloc(n1, sizeof *c.wkb);
    c.wkb_len = calloc(n1, sizeof *c.wkb_len);
    c.g = calloc(n1, sizeof *c.g);
    c.pg = calloc(n1, sizeof *c.pg);
    GEOSContextHandle_t h = px__geos(ctx);
    c.tree = GEOSSTRtree_create_r(h, 10);
    if (!c.fid || !c.id || !c.name || !c.wkb || !c.wkb_len || !c.g || !c.pg || !c.tree) {
        px__an_communes_free(&c);
        return px__error(ctx, PX_ENOMEM, "out of memory");
    }
    static const char *const cols[] = {"id", "name", NULL};
    px_table_reader *r = NULL;
    rc = px_store_reader_open(store, "communes", cols, 1, NULL, &r);
    int has = 0;
    while (rc == PX_OK && (rc = px_table_reader_next(r, &has)) == PX_OK && has && c.n < n) {
        size_t len = 0;
        const unsigned char *wkb = px_table_reader_wkb(r, &len);
        if (!wkb) continue;
        size_t i = c.n;
        c.fid[i] = px_table_reader_fid(r);
        const char *id = px_table_reader_text(r, 0), *name = px_table_reader_text(r, 1);
        char fidtxt[32];
        snprintf(fidtxt, sizeof fidtxt, "%lld", (long long)c.fid[i]);
        c.id[i] = px__strdup(id ? id : fidtxt);
        c.name[i] = px__strdup(name ? name : "");
        c.wkb[i] = malloc(len);
        c.wkb_len[i] = len;
        c.n++;
        if (!c.id[i] || !c.name[i] || !c.wkb[i]) {
            rc = px__error(ctx, PX_ENOMEM, "out of memory");
            break;
        }
        memcpy(c.wkb[i], wkb, len);
        c.g[i] = px__geom_from_wkb(ctx, wkb, len);
        c.pg[i] = c.g[i] ? GEOSPrepare_r(h, c.g[i]) : NULL;
        if (!c.pg[i]) {
            rc = px__error(ctx, PX_EGEOS, "communes:%s: unreadable geometry", c.id[i]);
            break;
        }
        /* The tree hands back the index, stored as a pointer-sized integer. */
        GEOSSTRtree_insert_r(h, c.tree, c.g[i], (void *)(uintptr_t)(i + 1));
    }
    px_table_reader_close(r);
    if (rc != PX_OK) {
        px__an_communes_free(&c);
        return rc;
    }
    *out = c;
    return PX_OK;
}

typedef struct locate_q {
    const px__an_communes *c;
    GEOSGeometry *pt;
    int best;
} locate_q;

static void locate_cb(void *item, void *user)
{
    locate_q *q = user;
    int i = (int)((uintptr_t)item - 1);
    if (q->best >= 0 && i > q->best) return;
    if (GEOSPreparedCovers_r(px__geos(q->c->ctx), q->c->pg[i], q->pt) == 1) q->best = i;
}

int px__an_communes_locate(const px__an_communes *c, double x, double y)
{
    if (!c || c->n == 0) return -1;
    GEOSContextHandle_t h = px__geos(c->ctx);
    locate_q q = {c, GEOSGeom_createPointFromXY_r(h, x, y), -1};
    if (!q.pt) return -1;
    GEOSSTRtree_query_r(h, c->tree, q.pt, locate_cb, &q);
    GEOSGeom_destroy_r(h, q.pt);
    return q.best;
}
