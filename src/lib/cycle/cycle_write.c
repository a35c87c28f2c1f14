/*
 * The cycle analyses' result tables, written in one store transaction so a
 * failed or cancelled run leaves the previous results in place:
 *   net_edge_lts               LTS, rule, facility and island per bikeable edge
 *   cycle_islands              low-stress islands with residents and destinations
 *   cycle_coverage             residents covered and route length per class, per commune
 *   cycle_connectivity         connectivity score per commune, overall and per category
 *   cycle_connectivity_origins score per population unit
 *   cycle_missing_links        ranked missing links with their benefit
 *   cycle_whatif               per-commune deltas with the planned links (only with them)
 * Per-commune tables end with the region row (commune_id "*", commune_name
 * "All communes", proxima/layer.h). Geometry
 * is built with GEOS from node coordinates (net edges are straight).
 */
#include "cycle_int.h"
#include "../geom/geom_int.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define COLS(a) (sizeof a / sizeof a[0]), a

typedef struct wctx {
    px_ctx *ctx;
    px_store *store;
    const px__cproject *pr;
    const px__cparams *p;
    const px__cresults *res;
    GEOSWKBWriter *wkbw;
} wctx;

static px_value real_or_null(double v)
{
    return isnan(v) ? PX_VALUE_NULL : PX_VALUE_REAL(v);
}

/* WKB of a geometry through the shared writer; caller frees with GEOSFree_r. */
static unsigned char *to_wkb(wctx *w, GEOSGeometry *geom, size_t *len)
{
    unsigned char *out = GEOSWKBWriter_write_r(px__geos(w->ctx), w->wkbw, geom, len);
    if (!out) px__error(w->ctx, PX_EGEOS, "GEOS: cannot write WKB: %s", px__geos_message(w->ctx));
    return out;
}

static GEOSGeometry *segment(wctx *w, int32_t a, int32_t b)
{
    GEOSContextHandle_t h = px__geos(w->ctx);
    const px__cgraph *g = w->pr->in.g;
    GEOSCoordSequence *cs = GEOSCoordSeq_create_r(h, 2, 2);
    if (!cs) return NULL;
    GEOSCoordSeq_setXY_r(h, cs, 0, g->x[a], g->y[a]);
    GEOSCoordSeq_setXY_r(h, cs, 1, g->x[b], g->y[b]);
    return GEOSGeom_createLineString_r(h, cs);
}

/* MULTILINESTRING of the edges listed (or of a single a-b segment when
 * edges is NULL). */
static GEOSGeometry *multi(wctx *w, const uint32_t *edges, size_t n, int32_t a, int32_t b)
{
    GEOSContextHandle_t h = px__geos(w->ctx);
    const px__cgraph *g = w->pr->in.g;
    size_t k = edges ? n : 1;
    GEOSGeometry **parts = malloc((k + 1) * sizeof *parts);
    if (!parts) return NULL;
    size_t made = 0;
    for (; made < k; made++) {
        parts[made] = edges ? segment(w, g->e_from[edges[made]], g->e_to[edges[made]]) : segment(w, a, b);
        if (!parts[made]) break;
    }
    GEOSGeometry *m =
        made == k ? GEOSGeom_createCollection_r(h, GEOS_MULTILINESTRING, parts, (unsigned)k) : NULL;
    if (!m)
        for (size_t i = 0; i < made; i++)
            GEOSGeom_destroy_r(h, parts[i]);
    free(parts);
    return m;
}

/* Add a row whose geometry is `geom` (taken and destroyed; NULL = error). */
static px_status add_geom_row(wctx *w, px_table_writer *tw, const px_value *v, GEOSGeometry *geom)
{
    GEOSContextHandle_t h = px__geos(w->ctx);
    if (!geom)
        return px__error(w->ctx, PX_EGEOS, "GEOS: cannot build a geometry: %s", px__geos_message(w->ctx));
    size_t len = 0;
    unsigned char *wkb = to_wkb(w, geom, &len);
    GEOSGeom_destroy_r(h, geom);
    if (!wkb) return PX_EGEOS;
    px_status rc = px_table_writer_add(tw, v, wkb, len, NULL);
    GEOSFree_r(h, wkb);
    return rc;
}

/* Finish a table (or abort it after an error) and record where it came from. */
static px_status finish_named(wctx *w, px_table_writer *tw, const char *name, px_status rc)
{
    if (rc != PX_OK) {
        px_table_writer_abort(tw);
        return rc;
    }
    rc = px_table_writer_finish(tw);
    if (rc == PX_OK) rc = px_store_set_source(w->store, name, "proxima cycle", NULL, NULL, NULL);
    return rc;
}

static px_status write_edge_lts(wctx *w)
{
    static const px_column cols[] = {{"edge_fid", PX_COL_INT},
                                     {"lts", PX_COL_INT},
                                     {"rule", PX_COL_TEXT},
                                     {"facility", PX_COL_TEXT},
                                     {"island", PX_COL_INT}};
    static const px_table_schema schema = {"net_edge_lts", "result", PX_GEOM_LINESTRING, COLS(cols)};
    const px__cgraph *g = w->pr->in.g;
    px_table_writer *tw = NULL;
    px_status rc = px_store_table_create(w->store, &schema, &tw);
    if (rc != PX_OK) return rc;
    for (size_t e = 0; e < w->res->n_edges_before_whatif && rc == PX_OK; e++) {
        if ((e & 65535) == 0 && (rc = px__progress(w->ctx, "cycle: write edges", e, g->n_edges))) break;
        int r = w->pr->e_rule[e];
        int32_t isl =
            g->e_lts[e] >= 1 && g->e_lts[e] <= w->p->max_low_stress ? w->res->isl.node[g->e_from[e]] : -1;
        px_value v[5] = {PX_VALUE_INT(g->e_fid[e]), PX_VALUE_INT(g->e_lts[e]),
                         PX_VALUE_TEXT(r < (int)px__n_lts_rules ? px__lts_rules[r].id : "cycle-route"),
                         PX_VALUE_TEXT(px_cycle_class_name((px_cycle_class)g->e_fac[e])),
                         isl >= 0 ? PX_VALUE_INT(isl) : PX_VALUE_NULL};
        rc = add_geom_row(w, tw, v, segment(w, g->e_from[e], g->e_to[e]));
    }
    return finish_named(w, tw, "net_edge_lts", rc);
}

static px_status write_islands(wctx *w)
{
    static const px_column cols[] = {{"island", PX_COL_INT},
                                     {"n_edges", PX_COL_INT},
                                     {"length_m", PX_COL_REAL},
                                     {"population", PX_COL_REAL},
                                     {"destinations", PX_COL_REAL}};
    static const px_table_schema schema = {"cycle_islands", "result", PX_GEOM_MULTILINESTRING, COLS(cols)};
    const px__cgraph *g = w->pr->in.g;
    const px__cislands *is = &w->res->isl;
    size_t m = w->res->n_edges_before_whatif;
    /* Edges grouped by island: counting sort. */
    uint32_t *start = calloc(is->n + 2, sizeof *start), *order = malloc((m + 1) * sizeof *order);
    px_table_writer *tw = NULL;
    px_status rc = !start || !order ? px__error(w->ctx, PX_ENOMEM, "out of memory")
                                    : px_store_table_create(w->store, &schema, &tw);
    if (rc == PX_OK) {
        for (size_t e = 0; e < m; e++)
            if (g->e_lts[e] >= 1 && g->e_lts[e] <= w->p->max_low_stress) start[is->node[g->e_from[e]] + 2]++;
        for (size_t i = 0; i < is->n; i++)
            start[i + 2] += start[i + 1];
        for (size_t e = 0; e < m; e++)
            if (g->e_lts[e] >= 1 && g->e_lts[e] <= w->p->max_low_stress)
                order[start[is->node[g->e_from[e]] + 1]++] = (uint32_t)e;
        for (size_t i = 0; i < is->n && rc == PX_OK; i++) {
            px_value v[5] = {PX_VALUE_INT((int64_t)i), PX_VALUE_INT(is->n_edges[i]),
                             PX_VALUE_REAL(is->length_m[i]), PX_VALUE_REAL(is->pop[i]),
                             PX_VALUE_REAL(is->n_dest[i])};
            rc = add_geom_row(w, tw, v, multi(w, order + start[i], start[i + 1] - start[i], 0, 0));
        }
    }
    free(start), free(order);
    return tw ? finish_named(w, tw, "cycle_islands", rc) : rc;
}

/* Per commune (and region): residents, covered residents, route length per class. */
static px_status write_coverage(wctx *w)
{
    static const px_column cols[] = {{"commune_id", PX_COL_TEXT},
                                     {"commune_name", PX_COL_TEXT},
                                     {"population", PX_COL_REAL},
                                     {"covered", PX_COL_REAL},
                                     {"covered_pct", PX_COL_REAL},
                                     {"track_m", PX_COL_REAL},
                                     {"lane_m", PX_COL_REAL},
                                     {"shared_m", PX_COL_REAL},
                                     {"path_m", PX_COL_REAL},
                                     {"route_m", PX_COL_REAL},
                                     {"track_m_per_1000", PX_COL_REAL},
                                     {"lane_m_per_1000", PX_COL_REAL},
                                     {"shared_m_per_1000", PX_COL_REAL},
                                     {"path_m_per_1000", PX_COL_REAL},
                                     {"route_m_per_1000", PX_COL_REAL}};
    static const px_table_schema schema = {"cycle_coverage", "result", PX_GEOM_NONE, COLS(cols)};
    const px__cinput *in = &w->pr->in;
    const px__cgraph *g = in->g;
    size_t nc = in->n_communes;
    /* Row nc is the region. */
    double *pop = calloc(nc + 1, sizeof *pop), *cov = calloc(nc + 1, sizeof *cov);
    double(*len)[PX_CYCLE_CLASS_COUNT] = calloc(nc + 1, sizeof *len);
    px_table_writer *tw = NULL;
    px_status rc = !pop || !cov || !len ? px__error(w->ctx, PX_ENOMEM, "out of memory")
                                        : px_store_table_create(w->store, &schema, &tw);
    if (rc == PX_OK) {
        for (size_t o = 0; o < in->n_origins; o++) {
            const px__corigin *og = &in->origins[o];
            size_t rows[2] = {og->commune >= 0 ? (size_t)og->commune : nc, nc};
            for (int k = 0; k < (rows[0] == nc ? 1 : 2); k++) {
                pop[rows[k]] += og->pop;
                if (w->res->base.covered[o]) cov[rows[k]] += og->pop;
            }
        }
        for (size_t e = 0; e < w->res->n_edges_before_whatif; e++) {
            if (g->e_fac[e] == PX_CYCLE_NONE || g->e_lts[e] == 0) continue;
            int32_t c = in->edge_commune[e];
            if (c >= 0) len[c][g->e_fac[e]] += g->e_len[e];
            len[nc][g->e_fac[e]] += g->e_len[e];
        }
        for (size_t c = 0; c <= nc && rc == PX_OK; c++) {
            double route = 0;
            for (int k = 1; k < PX_CYCLE_CLASS_COUNT; k++)
                route += len[c][k];
            /* Lengths in the order of the columns: track, lane, shared, path, all. */
            double lens[5] = {len[c][PX_CYCLE_TRACK], len[c][PX_CYCLE_LANE], len[c][PX_CYCLE_SHARED],
                              len[c][PX_CYCLE_PATH], route};
            px_value v[15] = {PX_VALUE_TEXT(c < nc ? in->commune_ids[c] : PX_LAYER_REGION_ID),
                              PX_VALUE_TEXT(c < nc ? in->commune_names[c] : PX_LAYER_REGION_NAME), PX_VALUE_REAL(pop[c]),
                              PX_VALUE_REAL(cov[c]),
                              real_or_null(pop[c] > 0 ? 100.0 * cov[c] / pop[c] : NAN)};
            for (int k = 0; k < 5; k++) {
                v[5 + k] = PX_VALUE_REAL(lens[k]);
                v[10 + k] = real_or_null(pop[c] > 0 ? lens[k] / (pop[c] / 1000.0) : NAN);
            }
            rc = px_table_writer_add(tw, v, NULL, 0, NULL);
        }
    }
    free(pop), free(cov), free(len);
    return tw ? finish_named(w, tw, "cycle_coverage", rc) : rc;
}

/* "score_" + the category's column token (proxima/layer.h). */
static char *cat_column(const char *name)
{
    char *t = px_layer_column_token(name);
    char *s = t ? px__asprintf("score_%.40s", t) : NULL;
    free(t);
    return s;
}

/* Per-origin share of category c (0..100), NAN when none reachable. */
static double share(const px__cconn *c, size_t o, size_t k)
{
    uint32_t a = c->n_all[o * c->n_cats + k];
    return a ? 100.0 * c->n_low[o * c->n_cats + k] / a : NAN;
}

static px_status write_connectivity(wctx *w)
{
    const px__cinput *in = &w->pr->in;
    const px__cconn *cc = &w->res->base.conn;
    size_t nk = in->n_cats, nc = in->n_communes, no = in->n_origins;
    px_column *cols = calloc(nk + 4, sizeof *cols), *ocols = calloc(nk + 4, sizeof *ocols);
    char **names = calloc(nk + 1, sizeof *names);
    double *vals = malloc((no + 1) * sizeof *vals);
    double *per = malloc((nk + 1) * (nc + 1) * sizeof *per), *pop = calloc(nc + 1, sizeof *pop);
    px_value *v = calloc(nk + 4, sizeof *v);
    px_table_writer *tw = NULL;
    px_status rc = PX_OK;
    if (!cols || !ocols || !names || !vals || !per || !pop || !v) {
        rc = px__error(w->ctx, PX_ENOMEM, "out of memory");
        goto done;
    }
    cols[0] = (px_column){"commune_id", PX_COL_TEXT};
    cols[1] = (px_column){"commune_name", PX_COL_TEXT};
    cols[2] = (px_column){"population", PX_COL_REAL};
    cols[3] = (px_column){"score", PX_COL_REAL};
    ocols[0] = (px_column){"population_fid", PX_COL_INT};
    ocols[1] = (px_column){"commune_id", PX_COL_TEXT};
    ocols[2] = (px_column){"population", PX_COL_REAL};
    ocols[3] = (px_column){"score", PX_COL_REAL};
    for (size_t k = 0; k < nk; k++) {
        if (!(names[k] = cat_column(in->cat_names[k]))) {
            rc = px__error(w->ctx, PX_ENOMEM, "out of memory");
            goto done;
        }
        cols[4 + k] = ocols[4 + k] = (px_column){names[k], PX_COL_REAL};
    }
    /* Column k of per: category k; column nk: the overall score. Row nc: region. */
    for (size_t k = 0; k <= nk && rc == PX_OK; k++) {
        for (size_t o = 0; o < no; o++)
            vals[o] = k < nk ? share(cc, o, k) : cc->score[o];
        rc = px__cycle_aggregate(w->ctx, in, vals, per + k * (nc + 1), k == nk ? pop : NULL,
                                 per + k * (nc + 1) + nc);
    }
    if (rc != PX_OK) goto done;
    px_table_schema schema = {"cycle_connectivity", "result", PX_GEOM_NONE, nk + 4, cols};
    if ((rc = px_store_table_create(w->store, &schema, &tw)) != PX_OK) goto done;
    double region_pop = 0;
    for (size_t o = 0; o < no; o++)
        region_pop += in->origins[o].pop;
    for (size_t c = 0; c <= nc && rc == PX_OK; c++) {
        v[0] = PX_VALUE_TEXT(c < nc ? in->commune_ids[c] : PX_LAYER_REGION_ID);
        v[1] = PX_VALUE_TEXT(c < nc ? in->commune_names[c] : PX_LAYER_REGION_NAME);
        v[2] = PX_VALUE_REAL(c < nc ? pop[c] : region_pop);
        v[3] = real_or_null(per[nk * (nc + 1) + c]);
        for (size_t k = 0; k < nk; k++)
            v[4 + k] = real_or_null(per[k * (nc + 1) + c]);
        rc = px_table_writer_add(tw, v, NULL, 0, NULL);
    }
    rc = finish_named(w, tw, "cycle_connectivity", rc);
    tw = NULL;
    if (rc != PX_OK) goto done;
    /* No geometry: join population_fid to the population layer to map it.
     * Writing a point per unit doubled the time of the whole write. */
    px_table_schema oschema = {"cycle_connectivity_origins", "result", PX_GEOM_NONE, nk + 4, ocols};
    if ((rc = px_store_table_create(w->store, &oschema, &tw)) != PX_OK) goto done;
    for (size_t o = 0; o < no && rc == PX_OK; o++) {
        if ((o & 65535) == 0 && (rc = px__progress(w->ctx, "cycle: write origins", o, no))) break;
        const px__corigin *og = &in->origins[o];
        v[0] = PX_VALUE_INT(og->fid);
        v[1] = og->commune >= 0 ? PX_VALUE_TEXT(in->commune_ids[og->commune]) : PX_VALUE_NULL;
        v[2] = PX_VALUE_REAL(og->pop);
        v[3] = real_or_null(cc->score[o]);
        for (size_t k = 0; k < nk; k++)
            v[4 + k] = real_or_null(share(cc, o, k));
        rc = px_table_writer_add(tw, v, NULL, 0, NULL);
    }
    rc = finish_named(w, tw, "cycle_connectivity_origins", rc);
    tw = NULL;
done:
    for (size_t k = 0; names && k < nk; k++)
        free(names[k]);
    free(cols), free(ocols), free(names), free(vals), free(per), free(pop), free(v);
    return rc;
}

static px_status write_links(wctx *w)
{
    static const px_column cols[] = {
        {"rank", PX_COL_INT},     {"kind", PX_COL_TEXT},           {"length_m", PX_COL_REAL},
        {"benefit", PX_COL_REAL}, {"benefit_per_km", PX_COL_REAL}, {"island_a", PX_COL_INT},
        {"island_b", PX_COL_INT}, {"edge_fids", PX_COL_TEXT}};
    static const px_table_schema schema = {"cycle_missing_links", "result", PX_GEOM_MULTILINESTRING,
                                           COLS(cols)};
    const px__clinks *l = &w->res->links;
    const px__cgraph *g = w->pr->in.g;
    px_table_writer *tw = NULL;
    px_status rc = px_store_table_create(w->store, &schema, &tw);
    for (size_t i = 0; i < l->n && rc == PX_OK; i++) {
        const px__clink *k = &l->links[i];
        /* Edge fids as text, "" for a gap; long chains are cut at 1 KiB. */
        char fids[1024] = "";
        size_t n = 0;
        for (size_t j = 0; j < k->n_edges && n + 24 < sizeof fids; j++)
            n += (size_t)snprintf(fids + n, sizeof fids - n, "%s%lld", j ? "," : "",
                                  (long long)g->e_fid[l->edges[k->first_edge + j]]);
        px_value v[8] = {PX_VALUE_INT((int64_t)i + 1),
                         PX_VALUE_TEXT(k->kind ? "gap" : "upgrade"),
                         PX_VALUE_REAL(k->length_m),
                         PX_VALUE_REAL(k->benefit),
                         PX_VALUE_REAL(k->benefit / fmax(k->length_m / 1000.0, 0.001)),
                         PX_VALUE_INT(k->island_a),
                         PX_VALUE_INT(k->island_b),
                         PX_VALUE_TEXT(fids)};
        rc = add_geom_row(w, tw, v,
                          k->kind ? multi(w, NULL, 0, k->a, k->b)
                                  : multi(w, l->edges + k->first_edge, k->n_edges, 0, 0));
    }
    return tw ? finish_named(w, tw, "cycle_missing_links", rc) : rc;
}

/* Mean number of low-stress reachable destinations per origin. */
static void reach(const px__cconn *c, double *out)
{
    for (size_t o = 0; o < c->n_origins; o++) {
        double s = 0;
        for (size_t k = 0; k < c->n_cats; k++)
            s += c->n_low[o * c->n_cats + k];
        out[o] = s;
    }
}

static px_status write_whatif(wctx *w)
{
    static const px_column cols[] = {
        {"commune_id", PX_COL_TEXT},     {"commune_name", PX_COL_TEXT},       {"population", PX_COL_REAL},
        {"score_before", PX_COL_REAL},   {"score_after", PX_COL_REAL},   {"score_delta", PX_COL_REAL},
        {"covered_before", PX_COL_REAL}, {"covered_after", PX_COL_REAL}, {"covered_delta", PX_COL_REAL},
        {"reach_before", PX_COL_REAL},   {"reach_after", PX_COL_REAL},   {"reach_delta", PX_COL_REAL}};
    static const px_table_schema schema = {"cycle_whatif", "result", PX_GEOM_NONE, COLS(cols)};
    const px__cinput *in = &w->pr->in;
    size_t nc = in->n_communes, no = in->n_origins;
    /* m[q][c]: q = 0/1 score before/after, 2/3 covered share, 4/5 reach; row nc = region. */
    double *m = malloc(6 * (nc + 1) * sizeof *m), *vals = malloc((no + 1) * sizeof *vals);
    double *pop = calloc(nc + 1, sizeof *pop);
    px_table_writer *tw = NULL;
    px_status rc = !m || !vals || !pop ? px__error(w->ctx, PX_ENOMEM, "out of memory") : PX_OK;
    const px__ceval *ev[2] = {&w->res->base, &w->res->whatif};
    for (int q = 0; q < 6 && rc == PX_OK; q++) {
        const px__ceval *e = ev[q % 2];
        for (size_t o = 0; o < no && q >= 2 && q < 4; o++)
            vals[o] = e->covered[o] ? 100.0 : 0.0;
        if (q < 2) memcpy(vals, e->conn.score, no * sizeof *vals);
        if (q >= 4) reach(&e->conn, vals);
        rc = px__cycle_aggregate(w->ctx, in, vals, m + q * (nc + 1), q == 0 ? pop : NULL,
                                 m + q * (nc + 1) + nc);
    }
    if (rc == PX_OK) rc = px_store_table_create(w->store, &schema, &tw);
    double region_pop = 0;
    for (size_t o = 0; o < no; o++)
        region_pop += in->origins[o].pop;
    for (size_t c = 0; c <= nc && rc == PX_OK; c++) {
        px_value v[12];
        v[0] = PX_VALUE_TEXT(c < nc ? in->commune_ids[c] : PX_LAYER_REGION_ID);
        v[1] = PX_VALUE_TEXT(c < nc ? in->commune_names[c] : PX_LAYER_REGION_NAME);
        v[2] = PX_VALUE_REAL(c < nc ? pop[c] : region_pop);
        for (int q = 0; q < 3; q++) {
            double b = m[(2 * q) * (nc + 1) + c], a = m[(2 * q + 1) * (nc + 1) + c];
            v[3 + 3 * q] = real_or_null(b);
            v[4 + 3 * q] = real_or_null(a);
            v[5 + 3 * q] = real_or_null(a - b);
        }
        rc = px_table_writer_add(tw, v, NULL, 0, NULL);
    }
    free(m), free(vals), free(pop);
    return tw ? finish_named(w, tw, "cycle_whatif", rc) : rc;
}

px_status px__cycle_write(px_ctx *ctx, px_store *store, const px__cproject *pr, const px__cparams *p,
                          const px__cresults *res)
{
    px_status rc = px_store_begin(store);
    if (rc == PX_OK) rc = px__cycle_write_tables(ctx, store, pr, p, res);
    if (rc == PX_OK)
        rc = px_store_commit(store);
    else
        px_store_rollback(store);
    return rc;
}

px_status px__cycle_write_tables(px_ctx *ctx, px_store *store, const px__cproject *pr, const px__cparams *p,
                                 const px__cresults *res)
{
    GEOSContextHandle_t h = px__geos(ctx);
    wctx w = {ctx, store, pr, p, res, GEOSWKBWriter_create_r(h)};
    if (!w.wkbw) return px__error(ctx, PX_ENOMEM, "GEOS: cannot create a WKB writer");
    GEOSWKBWriter_setOutputDimension_r(h, w.wkbw, 2);
    GEOSWKBWriter_setByteOrder_r(h, w.wkbw, GEOS_WKB_NDR);
    GEOSWKBWriter_setFlavor_r(h, w.wkbw, GEOS_WKB_ISO);
    px_status rc = PX_OK;
    static const struct {
        const char *name;
        px_status (*fn)(wctx *);
    } steps[] = {{"net_edge_lts", write_edge_lts},
                 {"cycle_islands", write_islands},
                 {"cycle_coverage", write_coverage},
                 {"cycle_connectivity", write_connectivity},
                 {"cycle_missing_links", write_links}};
    for (size_t i = 0; i < sizeof steps / sizeof steps[0] && rc == PX_OK; i++) {
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        rc = steps[i].fn(&w);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        px__log(ctx, PX_LOG_DEBUG, "cycle: wrote %s in %.2f s", steps[i].name,
                (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
    }
    if (rc == PX_OK) rc = res->has_whatif ? write_whatif(&w) : px_store_drop_table(store, "cycle_whatif");
    GEOSWKBWriter_destroy_r(h, w.wkbw);
    return rc;
}
