/*
 * Isochrones: the area reached on the network within each band of minutes,
 * by buffering the reached edge parts and unioning the buffers (GEOS). The
 * reached segments are merged into lines, each line is buffered alone and the
 * buffers are unioned at once; each band adds only what it reaches beyond the
 * previous band to that band's polygon (about 10x faster than one buffer of
 * every reached segment per band, same polygons to within the buffer's
 * round-join approximation).
 * Partial edges are exact: where the budget ends inside an edge, the reached
 * fraction of it is kept, from either end the direction allows (and from the
 * origin along its own edge). Left out: concave hulls and "holes" analysis;
 * a buffer of the network is what a planner can explain in one sentence.
 */
#include "access_int.h"
#include "net_build_int.h"
#include "search_int.h"
#include "../geom/geom_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const px_column iso_cols[] = {{"origin", PX_COL_TEXT},    {"mode", PX_COL_TEXT},
                                     {"minutes", PX_COL_REAL},   {"residents", PX_COL_REAL},
                                     {"area_km2", PX_COL_REAL},  {"reached_km", PX_COL_REAL}};

typedef struct segs {
    GEOSGeometry **g;
    size_t n, cap;
    double km;
} segs;

static int segs_add(GEOSContextHandle_t h, segs *s, const double *a, const double *b, double f0, double f1,
                    double len_m)
{
    if (f1 <= f0) return 0;
    if (s->n == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 256;
        GEOSGeometry **g = realloc(s->g, cap * sizeof *g);
        if (!g) return -1;
        s->g = g;
        s->cap = cap;
    }
    GEOSCoordSequence *cs = GEOSCoordSeq_create_r(h, 2, 2);
    if (!cs) return -1;
    GEOSCoordSeq_setXY_r(h, cs, 0, a[0] + f0 * (b[0] - a[0]), a[1] + f0 * (b[1] - a[1]));
    GEOSCoordSeq_setXY_r(h, cs, 1, a[0] + f1 * (b[0] - a[0]), a[1] + f1 * (b[1] - a[1]));
    GEOSGeometry *ls = GEOSGeom_createLineString_r(h, cs);
    if (!ls) return -1;
    s->g[s->n++] = ls;
    s->km += (f1 - f0) * len_m / 1000.0;
    return 0;
}

/* The reached fraction intervals of edge `e` within `budget_s`, merged and
 * sorted (at most three): from the from-end (forward moves), from the to-end
 * (backward moves) and, on the origin's own edge, around the origin. Returns
 * how many. */
static int edge_intervals(const px_graph *g, px_mode m, const double *cost, const px_snap *origin, int32_t e,
                          double budget_s, double iv[3][2])
{
    unsigned fwd = PX_EDGE_FWD(m), bwd = PX_EDGE_BWD(m), fl = g->eflags[e];
    double c = g->ecost[m][e];
    int32_t a = g->efrom[e], b = g->eto[e];
    int n = 0;
    if ((fl & fwd) && cost[a] <= budget_s) iv[n][0] = 0, iv[n][1] = c > 0 ? fmin(1, (budget_s - cost[a]) / c) : 1, n++;
    if ((fl & bwd) && cost[b] <= budget_s) iv[n][0] = c > 0 ? fmax(0, 1 - (budget_s - cost[b]) / c) : 0, iv[n][1] = 1, n++;
    if (e == origin->edge) {
        double f = origin->fraction, reach = c > 0 ? budget_s / c : 1;
        iv[n][0] = (fl & bwd) ? fmax(0, f - reach) : f;
        iv[n][1] = (fl & fwd) ? fmin(1, f + reach) : f;
        n++;
    }
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && iv[j][0] < iv[j - 1][0]; j--) {
            double t0 = iv[j][0], t1 = iv[j][1];
            iv[j][0] = iv[j - 1][0], iv[j][1] = iv[j - 1][1];
            iv[j - 1][0] = t0, iv[j - 1][1] = t1;
        }
    int k = 0;
    for (int i = 0; i < n;) {
        double lo = iv[i][0], hi = iv[i][1];
        int j = i + 1;
        while (j < n && iv[j][0] <= hi) hi = fmax(hi, iv[j][1]), j++;
        iv[k][0] = lo, iv[k][1] = hi, k++;
        i = j;
    }
    return k;
}

/* The parts of every edge reached within `budget_s` but not within
 * `prev_s` (prev_s < 0: none before), as segments. Bands are nested, so a
 * band's polygon is the previous band's polygon united with the buffer of
 * these new parts: buffer(A u B) = buffer(A) u buffer(B). `out->km` grows by
 * the new length only, so it stays the total reached length. */
static int reached_segments(GEOSContextHandle_t h, const px_graph *g, px_mode m, const double *cost,
                            const px_snap *origin, double budget_s, double prev_s, segs *out)
{
    unsigned fwd = PX_EDGE_FWD(m), bwd = PX_EDGE_BWD(m);
    for (int32_t e = 0; e < g->n_edges; e++) {
        if (!(g->eflags[e] & (fwd | bwd))) continue;
        double now[3][2], before[3][2];
        int n = edge_intervals(g, m, cost, origin, e, budget_s, now);
        int nb = prev_s >= 0 && n ? edge_intervals(g, m, cost, origin, e, prev_s, before) : 0;
        const double *a = &g->xy[2 * g->efrom[e]], *b = &g->xy[2 * g->eto[e]];
        for (int i = 0; i < n; i++) {
            /* now[i] minus the earlier intervals (sorted, disjoint). */
            double lo = now[i][0];
            for (int j = 0; j < nb && lo < now[i][1]; j++) {
                if (before[j][1] <= lo || before[j][0] >= now[i][1]) continue;
                if (before[j][0] > lo && segs_add(h, out, a, b, lo, before[j][0], g->elen[e])) return -1;
                lo = fmax(lo, before[j][1]);
            }
            if (lo < now[i][1] && segs_add(h, out, a, b, lo, now[i][1], g->elen[e])) return -1;
        }
    }
    return 0;
}

/* The residents, read once (proxima/layer.h: placed and located by the one
 * rule), with their indices sorted by x so that a polygon's bbox selects a
 * slice. */
typedef struct xi {
    double x;
    size_t i;
} xi;

typedef struct residents {
    px_points pop;
    xi *by_x;
} residents;

static int cmp_x(const void *a, const void *b)
{
    double xa = ((const xi *)a)->x, xb = ((const xi *)b)->x;
    return (xa > xb) - (xa < xb);
}

static px_status residents_read(px_ctx *ctx, px_store *store, const px_communes *com, residents *r)
{
    memset(r, 0, sizeof *r);
    if (!px_store_has_table(store, "population")) return PX_OK;
    px_status rc = px_layer_population_read(ctx, store, NULL, com, 0, &r->pop);
    if (rc != PX_OK) return rc;
    r->by_x = malloc((r->pop.n ? r->pop.n : 1) * sizeof *r->by_x);
    if (!r->by_x) return px__error(ctx, PX_ENOMEM, "out of memory");
    for (size_t i = 0; i < r->pop.n; i++) r->by_x[i] = (xi){r->pop.x[i], i};
    qsort(r->by_x, r->pop.n, sizeof *r->by_x, cmp_x);
    return PX_OK;
}

/* Residents inside `poly` (points on the boundary count). */
static px_status residents_in(px_ctx *ctx, const residents *r, const GEOSGeometry *poly, double *out)
{
    *out = 0;
    if (r->pop.n == 0) return PX_OK;
    GEOSContextHandle_t h = px__geos(ctx);
    px_bbox box;
    px_status rc = px__geom_bbox(ctx, poly, &box);
    if (rc != PX_OK) return rc;
    const GEOSPreparedGeometry *prep = GEOSPrepare_r(h, poly);
    if (!prep) return px__error(ctx, PX_EGEOS, "GEOS: cannot prepare an isochrone");
    size_t lo = 0, hi = r->pop.n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (r->by_x[mid].x < box.minx) lo = mid + 1;
        else hi = mid;
    }
    for (size_t k = lo; k < r->pop.n && rc == PX_OK; k++) {
        size_t i = r->by_x[k].i;
        if (r->by_x[k].x > box.maxx) break;
        if (r->pop.y[i] < box.miny || r->pop.y[i] > box.maxy || !(r->pop.weight[i] > 0)) continue;
        GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(h, r->pop.x[i], r->pop.y[i]);
        if (!pt) rc = px__error(ctx, PX_EGEOS, "GEOS: cannot make a point");
        else if (GEOSPreparedIntersects_r(h, prep, pt) == 1) *out += r->pop.weight[i];
        if (pt) GEOSGeom_destroy_r(h, pt);
    }
    GEOSPreparedGeom_destroy_r(h, prep);
    return rc;
}

/* Union of buffered segments and of `prev` (the previous band's polygon,
 * borrowed; NULL for the first band) as a MULTIPOLYGON; takes the segments. */
static GEOSGeometry *band_polygon(px_ctx *ctx, segs *s, double buffer_m, const GEOSGeometry *prev)
{
    GEOSContextHandle_t h = px__geos(ctx);
    GEOSGeometry *lines = GEOSGeom_createCollection_r(h, GEOS_MULTILINESTRING, s->g, (unsigned)s->n);
    if (!lines) return NULL;
    s->n = 0; /* owned by `lines` now */
    /* Each edge is one straight segment: merging chains of them into long
     * lines first leaves far fewer end caps and overlaps to node. Each merged
     * line is buffered alone (cheap), then the buffers are unioned at once
     * (overlay NG's cascaded union) - much faster than one buffer of a
     * geometry whose parts overlap everywhere. */
    GEOSGeometry *merged = GEOSLineMerge_r(h, lines);
    GEOSGeom_destroy_r(h, lines);
    if (!merged) return NULL;
    int n = GEOSGetNumGeometries_r(h, merged);
    if (n < 0) n = 0;
    GEOSGeometry **parts = calloc((size_t)n + 1, sizeof *parts);
    int ok = parts != NULL, k = 0;
    for (; ok && k < n; k++) ok = (parts[k] = GEOSBuffer_r(h, GEOSGetGeometryN_r(h, merged, k), buffer_m, 2)) != NULL;
    if (ok && prev) ok = (parts[k++] = GEOSGeom_clone_r(h, prev)) != NULL;
    GEOSGeom_destroy_r(h, merged);
    GEOSGeometry *coll = ok ? GEOSGeom_createCollection_r(h, GEOS_GEOMETRYCOLLECTION, parts, (unsigned)k) : NULL;
    if (!coll)
        for (int i = 0; parts && i < k; i++)
            if (parts[i]) GEOSGeom_destroy_r(h, parts[i]);
    free(parts);
    GEOSGeometry *buf = coll ? GEOSUnaryUnion_r(h, coll) : NULL;
    GEOSGeom_destroy_r(h, coll);
    if (!buf) return NULL;
    if (GEOSGeomTypeId_r(h, buf) == GEOS_MULTIPOLYGON) return buf;
    if (GEOSisEmpty_r(h, buf) == 1) { /* nothing reached (origin on a dead end) */
        GEOSGeom_destroy_r(h, buf);
        return GEOSGeom_createEmptyCollection_r(h, GEOS_MULTIPOLYGON);
    }
    GEOSGeometry *m = GEOSGeom_createCollection_r(h, GEOS_MULTIPOLYGON, &buf, 1);
    if (!m) GEOSGeom_destroy_r(h, buf);
    return m;
}

static px_status check_opts(px_ctx *ctx, const px_iso_origin *origins, size_t n, const px_iso_options *o)
{
    if (!ctx || !o || (n && !origins) || (unsigned)o->mode >= PX_MODE_COUNT || !o->minutes || o->n_minutes < 1 ||
        o->n_minutes > 16 || o->buffer_m < 0 || o->max_snap_m < 0)
        return px__error(ctx, PX_EINVAL, "px_isochrones: bad argument");
    for (size_t i = 0; i < o->n_minutes; i++)
        if (!(o->minutes[i] > 0) || (i && !(o->minutes[i] > o->minutes[i - 1])) || o->minutes[i] > 600)
            return px__error(ctx, PX_EINVAL, "isochrone: minutes must be ascending, each in (0, 600]");
    return PX_OK;
}

/* All origins in the project CRS: the given ones (lon/lat transformed) then
 * the commune centres if asked: the population-weighted centre of each
 * commune's residents (proxima/layer.h; its point on surface when it has
 * none), snapped to the network by the caller like any origin. Labels stay
 * borrowed, except the communes' names, which live in `com` (kept alive by
 * the caller). */
static px_status gather_origins(px_ctx *ctx, px_store *store, const px_iso_origin *in, size_t n_in,
                                const px_iso_options *opts, const px_communes *com, px_iso_origin **out,
                                size_t *n_out)
{
    px__xform *xf = NULL;
    px_status rc = PX_OK;
    size_t n_com = opts->commune_centres ? com->n : 0;
    size_t n = n_in + n_com;
    if (n == 0) return px__error(ctx, PX_EINVAL, "isochrone: no origin (and no commune)");
    px_iso_origin *o = calloc(n, sizeof *o);
    if (!o) return px__error(ctx, PX_ENOMEM, "out of memory");
    for (size_t i = 0; i < n_in && rc == PX_OK; i++) {
        o[i] = in[i];
        o[i].lonlat = 0;
        if (!in[i].lonlat) continue;
        if (!xf) rc = px__xform_new(ctx, "EPSG:4326", px_store_crs(store), &xf);
        if (rc == PX_OK) rc = px__xform_point(xf, &o[i].x, &o[i].y);
    }
    for (size_t c = 0; c < n_com && rc == PX_OK; c++) {
        if (!isfinite(com->cx[c])) rc = px__error(ctx, PX_EGEOS, "communes:%s: no point inside", com->id[c]);
        o[n_in + c].x = com->cx[c];
        o[n_in + c].y = com->cy[c];
        o[n_in + c].label = com->name[c][0] ? com->name[c] : com->id[c];
    }
    px__xform_free(xf);
    if (rc != PX_OK) {
        free(o);
        return rc;
    }
    *out = o;
    *n_out = n;
    return PX_OK;
}

px_status px_isochrones(px_ctx *ctx, px_store *store, const px_iso_origin *in_origins, size_t n_in,
                        const px_iso_options *opts)
{
    px_status rc = check_opts(ctx, in_origins, n_in, opts);
    if (rc != PX_OK) return rc;
    if (!store) return px__error(ctx, PX_EINVAL, "px_isochrones: NULL store");
    px_communes *com = NULL;
    residents res = {0};
    px_iso_origin *origins = NULL;
    size_t n_origins = 0;
    rc = px_layer_communes_read(ctx, store, 0, &com);
    if (rc == PX_OK) rc = residents_read(ctx, store, com, &res);
    if (rc == PX_OK && opts->commune_centres) rc = px_layer_communes_centres(ctx, com, &res.pop);
    if (rc == PX_OK) rc = gather_origins(ctx, store, in_origins, n_in, opts, com, &origins, &n_origins);
    if (rc != PX_OK) {
        px_layer_points_free(&res.pop);
        free(res.by_x);
        px_layer_communes_free(com);
        return rc;
    }
    double buffer_m = opts->buffer_m > 0 ? opts->buffer_m : 40;
    double max_snap = opts->max_snap_m > 0 ? opts->max_snap_m : PX_LAYER_SNAP_M;
    px_table_schema schema = {opts->table ? opts->table : "isochrones", "result", PX_GEOM_MULTIPOLYGON,
                              sizeof iso_cols / sizeof iso_cols[0], iso_cols};
    GEOSContextHandle_t h = px__geos(ctx);
    px_graph *g = NULL;
    double *cost = NULL;
    px_table_writer *w = NULL;
    segs sg = {0};
    if ((rc = px_graph_load(ctx, store, &g)) != PX_OK) goto done;
    cost = malloc((size_t)(g->n_nodes ? g->n_nodes : 1) * sizeof *cost);
    if (!cost) {
        rc = px__error(ctx, PX_ENOMEM, "out of memory");
        goto done;
    }
    if ((rc = px_store_begin(store)) != PX_OK) goto done;
    if ((rc = px_store_table_create(store, &schema, &w)) != PX_OK) goto done;
    double max_s = opts->minutes[opts->n_minutes - 1] * 60.0;
    for (size_t o = 0; o < n_origins && rc == PX_OK; o++) {
        if ((rc = px__progress(ctx, "isochrones", o, n_origins))) break;
        const char *label = origins[o].label ? origins[o].label : "";
        px_snap sn;
        int snapped = px_graph_snap(NULL, g, opts->mode, origins[o].x, origins[o].y, max_snap, &sn) == PX_OK;
        if (!snapped)
            px__log(ctx, PX_LOG_WARN, "isochrone: origin '%s' is farther than %.0f m from any %s edge", label,
                    max_snap, px_mode_name(opts->mode));
        else if ((rc = px_graph_search(g, opts->mode, PX_DIR_FROM_SOURCES, &sn, 1, max_s, NULL, cost)) != PX_OK) {
            rc = px__error(ctx, rc, "isochrone: search failed");
            break;
        }
        GEOSGeometry *prev = NULL; /* the previous band's polygon: bands are nested */
        sg.km = 0;
        for (size_t b = 0; b < opts->n_minutes && rc == PX_OK; b++) {
            GEOSGeometry *poly = NULL;
            if (snapped) {
                double prev_s = b ? opts->minutes[b - 1] * 60.0 : -1;
                if (reached_segments(h, g, opts->mode, cost, &sn, opts->minutes[b] * 60.0, prev_s, &sg) ||
                    !(poly = band_polygon(ctx, &sg, buffer_m, prev))) {
                    rc = px__error(ctx, PX_EGEOS, "isochrone '%s': cannot build the polygon: %s", label,
                                   px__geos_message(ctx));
                    break;
                }
            }
            double n_res = 0, area = 0;
            if (poly) {
                GEOSArea_r(h, poly, &area);
                rc = residents_in(ctx, &res, poly, &n_res);
            }
            unsigned char *wkb = NULL;
            size_t len = 0;
            if (rc == PX_OK && poly && !(wkb = px__geom_to_wkb(ctx, poly, &len))) rc = PX_EGEOS;
            px_value v[6] = {PX_VALUE_TEXT(label),         PX_VALUE_TEXT(px_mode_name(opts->mode)),
                             PX_VALUE_REAL(opts->minutes[b]), PX_VALUE_REAL(n_res),
                             PX_VALUE_REAL(area / 1e6),    PX_VALUE_REAL(sg.km)};
            if (rc == PX_OK) rc = px_table_writer_add(w, v, wkb, len, NULL);
            px__wkb_free(ctx, wkb);
            if (prev) GEOSGeom_destroy_r(h, prev);
            prev = poly;
        }
        if (prev) GEOSGeom_destroy_r(h, prev);
    }
    if (rc == PX_OK) {
        rc = px_table_writer_finish(w);
        w = NULL;
    }
    if (rc == PX_OK) rc = px_store_set_source(store, schema.name, "proxima isochrone", "net_edges", NULL,
                                              "buffer of the reached network, partial edges included");
    if (rc == PX_OK) rc = px_store_commit(store);
done:
    px_table_writer_abort(w);
    if (rc != PX_OK) px_store_rollback(store);
    for (size_t i = 0; i < sg.n; i++) GEOSGeom_destroy_r(h, sg.g[i]);
    free(sg.g);
    free(cost);
    px_graph_free(g);
    free(origins);
    px_layer_points_free(&res.pop);
    free(res.by_x);
    px_layer_communes_free(com);
    return rc;
}
