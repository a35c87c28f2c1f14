/*
 * The flood scenario of px_flood_run: every network edge touching a zone of
 * the chosen class (or a more severe one) is closed through the search's
 * edge mask; for each mode and category, one search toward the services on
 * the whole network and one on the flooded network give each origin its
 * minutes to the nearest service before and after. Origins whose time
 * changed are written to flood_scenario_origins; per commune, the residents
 * who lose quarter-hour access or are cut off. Services standing in the
 * water stay open: closing them is a different question (which services
 * to relocate) that this file leaves out.
 */
#include "flood_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const px_column origin_cols[] = {{"population_fid", PX_COL_INT},
                                        {"population_id", PX_COL_TEXT},
                                        {"commune_id", PX_COL_TEXT},
                                        {"population", PX_COL_REAL},
                                        {"mode", PX_COL_TEXT},
                                        {"category", PX_COL_TEXT},
                                        {"base_min", PX_COL_REAL},
                                        {"flood_min", PX_COL_REAL},
                                        {"minutes_lost", PX_COL_REAL},
                                        {"cut_off", PX_COL_INT},
                                        {"lost_quarter_hour", PX_COL_INT}};
static const px_column commune_cols[] = {{"commune_id", PX_COL_TEXT},
                                         {"commune_name", PX_COL_TEXT},
                                         {"mode", PX_COL_TEXT},
                                         {"category", PX_COL_TEXT},
                                         {"residents", PX_COL_REAL},
                                         {"residents_losing_qh", PX_COL_REAL},
                                         {"residents_cut_off", PX_COL_REAL},
                                         {"mean_minutes_lost", PX_COL_REAL},
                                         {"closed_edges", PX_COL_INT}};
#define NCOLS(a) (sizeof a / sizeof a[0])

/* Per commune, mode and category. */
typedef struct acc {
    double losing, cut, lost_sum, lost_pop;
} acc;

static px_status close_edges(px_ctx *ctx, const px_graph *g, const px_flood_zones *z, px_hazard level,
                             uint8_t *mask, size_t *n_closed)
{
    size_t ne = px_graph_n_edges(g), n = 0;
    for (size_t k = 0; k < ne; k++) {
        int32_t a, b;
        double x0, y0, x1, y1;
        int hit = 0;
        px_graph_edge_nodes(g, k, &a, &b);
        px_graph_node_xy(g, (size_t)a, &x0, &y0);
        px_graph_node_xy(g, (size_t)b, &x1, &y1);
        px_status rc = px_flood_segment_hits(ctx, z, x0, y0, x1, y1, level, &hit);
        if (rc != PX_OK) return rc;
        mask[k] = (uint8_t)!hit;
        n += (size_t)hit;
        if ((k & 0x3fff) == 0 && (rc = px__progress(ctx, "flood: close edges", k, ne)) != PX_OK) return rc;
    }
    *n_closed = n;
    return PX_OK;
}

static px_value minutes_or_null(double s)
{
    return isfinite(s) ? PX_VALUE_REAL(s / 60.0) : PX_VALUE_NULL;
}

/* The state of one scenario: settings, the closed-edge mask, the search
 * buffers (base and flooded costs per node), the writers. */
typedef struct scen {
    px_ctx *ctx;
    const px_graph *g;
    const px__flood_in *in;
    const uint8_t *mask;
    double thr_s, cutoff_s, snap_max;
    px_snap *osnap, *src;
    uint8_t *ook;
    double *cb, *cf;
    acc *a;
    px_table_writer *w;
    px_flood_report *rep;
    uint8_t *lost; /* per population unit: bit 0 lost quarter-hour access, bit 1 cut off (any mode, category) */
} scen;

/* One mode and category: two searches, then the origins whose time changed. */
static px_status one_run(scen *S, px_mode mode, size_t c)
{
    px_ctx *ctx = S->ctx;
    const px_graph *g = S->g;
    const px__flood_in *in = S->in;
    const uint8_t *mask = S->mask;
    double thr_s = S->thr_s, cutoff_s = S->cutoff_s;
    const px_snap *osnap = S->osnap;
    px_snap *src = S->src;
    double *cb = S->cb, *cf = S->cf;
    size_t n_cats = in->n_cats;
    px_flood_report *rep = S->rep;
    size_t ns = 0;
    for (size_t j = 0; j < in->svc.n; j++)
        if (in->svc.cat[j] == (int32_t)c &&
            px_graph_snap(NULL, g, mode, in->svc.x[j], in->svc.y[j], S->snap_max, &src[ns]) == PX_OK)
            ns++;
    px_snap_sort(src, NULL, ns);
    px_status rc = px_graph_search(g, mode, PX_DIR_TO_SOURCES, src, ns, cutoff_s, NULL, cb);
    if (rc == PX_OK) rc = px_graph_search(g, mode, PX_DIR_TO_SOURCES, src, ns, cutoff_s, mask, cf);
    if (rc != PX_OK) return px__error(ctx, rc, "flood: search failed");
    for (size_t i = 0; i < in->pop.n && rc == PX_OK; i++) {
        if (!S->ook[i]) continue;
        double b = px_graph_cost_at(g, mode, PX_DIR_TO_SOURCES, cb, src, ns, cutoff_s, NULL, &osnap[i]);
        double f = px_graph_cost_at(g, mode, PX_DIR_TO_SOURCES, cf, src, ns, cutoff_s, mask, &osnap[i]);
        if (b == f || (!isfinite(b) && !isfinite(f)) || fabs(f - b) < 1e-6) continue;
        int cut = isfinite(b) && !isfinite(f);
        int lost_qh = px_layer_qh_within(b / 60.0, thr_s / 60.0) && !px_layer_qh_within(f / 60.0, thr_s / 60.0);
        double pop = in->pop.weight[i];
        uint32_t gi = in->pop_group[i];
        acc *ac = &S->a[gi * n_cats + c];
        if (lost_qh) ac->losing += pop;
        if (cut) ac->cut += pop;
        if (isfinite(b) && isfinite(f)) {
            ac->lost_sum += pop * (f - b) / 60.0;
            ac->lost_pop += pop;
        }
        S->lost[i] |= (uint8_t)(lost_qh | cut << 1);
        px_value v[NCOLS(origin_cols)] = {PX_VALUE_INT(in->pop.fid[i]),
                                          PX_VALUE_TEXT(in->pop.id[i]),
                                          gi < in->com->n ? PX_VALUE_TEXT(in->com->id[gi]) : PX_VALUE_NULL,
                                          PX_VALUE_REAL(pop),
                                          PX_VALUE_TEXT(px_mode_name(mode)),
                                          PX_VALUE_TEXT(in->cats[c]),
                                          minutes_or_null(b),
                                          minutes_or_null(f),
                                          isfinite(b) && isfinite(f) ? PX_VALUE_REAL((f - b) / 60.0)
                                                                     : PX_VALUE_NULL,
                                          PX_VALUE_INT(cut),
                                          PX_VALUE_INT(lost_qh)};
        GEOSContextHandle_t h = px__geos(ctx);
        GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(h, in->pop.x[i], in->pop.y[i]);
        size_t len = 0;
        unsigned char *wkb = pt ? px__geom_to_wkb(ctx, pt, &len) : NULL;
        if (pt) GEOSGeom_destroy_r(h, pt);
        rc = wkb ? px_table_writer_add(S->w, v, wkb, len, NULL)
                 : px__error(ctx, PX_EGEOS, "flood: cannot encode a point");
        if (wkb) px__wkb_free(ctx, wkb);
        rep->n_origin_rows++;
    }
    return rc;
}

static px_status write_communes(const px__flood_in *in, px_mode mode, const acc *a, const double *res_total,
                                size_t n_closed, px_table_writer *w)
{
    px_status rc = PX_OK;
    for (size_t g = 0; g < in->com->n && rc == PX_OK; g++)
        for (size_t c = 0; c < in->n_cats && rc == PX_OK; c++) {
            const acc *ac = &a[g * in->n_cats + c];
            px_value v[NCOLS(commune_cols)] = {PX_VALUE_TEXT(in->com->id[g]),
                                               PX_VALUE_TEXT(in->com->name[g]),
                                               PX_VALUE_TEXT(px_mode_name(mode)),
                                               PX_VALUE_TEXT(in->cats[c]),
                                               PX_VALUE_REAL(res_total[g]),
                                               PX_VALUE_REAL(ac->losing),
                                               PX_VALUE_REAL(ac->cut),
                                               ac->lost_pop > 0 ? PX_VALUE_REAL(ac->lost_sum / ac->lost_pop)
                                                                : PX_VALUE_REAL(0),
                                               PX_VALUE_INT((int64_t)n_closed)};
            rc = px_table_writer_add(w, v, NULL, 0, NULL);
        }
    return rc;
}

px_status px__flood_scenario(px_ctx *ctx, px_store *store, const px_graph *g, const px_flood_options *o,
                             const px__flood_in *in, px_flood_report *rep)
{
    double thr_s = 60.0 * (o->threshold_min > 0 ? o->threshold_min : 15.0);
    double cutoff_s = 60.0 * (o->max_minutes > 0 ? o->max_minutes : 60.0);
    double snap_max = o->snap_max_m > 0 ? o->snap_max_m : PX_LAYER_SNAP_M;
    unsigned modes = o->modes ? o->modes : (1u << PX_MODE_WALK) | (1u << PX_MODE_BIKE);
    if (cutoff_s < thr_s) cutoff_s = thr_s;
    size_t nn = px_graph_n_nodes(g), ne = px_graph_n_edges(g), n = in->pop.n, nc = in->n_cats;
    const px_table_schema so = {"flood_scenario_origins", "result", PX_GEOM_POINT, NCOLS(origin_cols),
                                origin_cols};
    const px_table_schema sc = {"flood_scenario_communes", "result", PX_GEOM_NONE, NCOLS(commune_cols),
                                commune_cols};
    uint8_t *mask = malloc(ne ? ne : 1), *ook = malloc(n ? n : 1);
    double *cb = malloc((nn ? nn : 1) * sizeof *cb), *cf = malloc((nn ? nn : 1) * sizeof *cf);
    double *res_total = calloc(in->com->n + 1, sizeof *res_total);
    px_snap *osnap = malloc((n ? n : 1) * sizeof *osnap),
            *src = malloc((in->svc.n ? in->svc.n : 1) * sizeof *src);
    acc *a = malloc((in->com->n + 1) * (nc ? nc : 1) * sizeof *a);
    uint8_t *lost = calloc(n ? n : 1, 1);
    px_table_writer *wo = NULL, *wc = NULL;
    px_status rc = mask && ook && cb && cf && res_total && osnap && src && a && lost
                       ? PX_OK
                       : px__error(ctx, PX_ENOMEM, "out of memory");
    if (rc == PX_OK) rc = close_edges(ctx, g, in->zones, o->level, mask, &rep->n_closed_edges);
    if (rc == PX_OK) rc = px_store_table_create(store, &so, &wo);
    if (rc == PX_OK) rc = px_store_table_create(store, &sc, &wc);
    for (size_t i = 0; rc == PX_OK && i < n; i++)
        res_total[in->pop_group[i]] += in->pop.weight[i];
    for (int m = 0; rc == PX_OK && m < PX_MODE_COUNT; m++) {
        if (!(modes & (1u << m)) || !in->has_pop || !in->has_svc) continue;
        px__snap_points(g, (px_mode)m, &in->pop, snap_max, osnap, ook, NULL);
        memset(a, 0, (in->com->n + 1) * (nc ? nc : 1) * sizeof *a);
        for (size_t c = 0; rc == PX_OK && c < nc; c++) {
            scen S = {ctx, g, in, mask, thr_s, cutoff_s, snap_max, osnap, src, ook, cb, cf, a, wo, rep, lost};
            rc = one_run(&S, (px_mode)m, c);
            if (rc == PX_OK) rc = px__progress(ctx, "flood scenario", (uint64_t)(m * (int)nc) + c, 2 * nc);
        }
        if (rc == PX_OK) rc = write_communes(in, (px_mode)m, a, res_total, rep->n_closed_edges, wc);
    }
    /* Distinct residents: each population unit once, inside the closed zones
     * (its point in a zone of the closed class or worse) or outside them. */
    for (size_t i = 0; rc == PX_OK && i < n; i++) {
        int cls = -1;
        rc = px_flood_point_class(ctx, in->zones, in->pop.x[i], in->pop.y[i], &cls);
        int inside = cls >= 0 && cls <= (int)o->level;
        double pop = in->pop.weight[i];
        if (inside) rep->residents_in_closed_zones += pop;
        if (lost[i] & 1) rep->residents_losing_qh += pop;
        if ((lost[i] & 1) && !inside) rep->residents_losing_qh_outside += pop;
        if ((lost[i] & 2) && !inside) rep->residents_cut_off_outside += pop;
    }
    if (wo) {
        if (rc == PX_OK)
            rc = px_table_writer_finish(wo);
        else
            px_table_writer_abort(wo);
    }
    if (wc) {
        if (rc == PX_OK)
            rc = px_table_writer_finish(wc);
        else
            px_table_writer_abort(wc);
    }
    free(mask);
    free(ook);
    free(cb);
    free(cf);
    free(res_total);
    free(osnap);
    free(src);
    free(a);
    free(lost);
    return rc;
}
