/*
 * `px_flood_run`, exposure half: what lies inside the flood zones per commune
 * and hazard class (residents, services per category, brownfield area,
 * walk/bike network length), written as flood_exposure in the same
 * transaction as the scenario tables (flood_scenario.c). Also the loading of
 * the overlay index from the flood_zones layer. Population and services
 * count where their representative point falls; brownfields and network
 * edges by their area / length actually inside, assigned to the commune of
 * their representative point (edge: its midpoint), not split at borders.
 */
#include "flood_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

px_status px_flood_zones_load(px_ctx *ctx, px_store *store, px_flood_zones **out, size_t *n_skipped)
{
    if (!store || !out) return px__error(ctx, PX_EINVAL, "px_flood_zones_load: NULL argument");
    static const char *const cols[] = {"hazard", NULL};
    px_table_reader *r = NULL;
    px_status rc = px_store_reader_open(store, "flood_zones", cols, 1, NULL, &r);
    if (rc != PX_OK) return rc;
    px_flood_zone_input *in = NULL;
    unsigned char **bufs = NULL;
    char **labels = NULL;
    size_t n = 0, cap = 0;
    int has = 0;
    while ((rc = px_table_reader_next(r, &has)) == PX_OK && has) {
        size_t len = 0;
        const unsigned char *wkb = px_table_reader_wkb(r, &len);
        if (!wkb) continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 64;
            px_flood_zone_input *ni = realloc(in, cap * sizeof *ni);
            unsigned char **nb = realloc(bufs, cap * sizeof *nb);
            char **nl = realloc(labels, cap * sizeof *nl);
            if (ni) in = ni;
            if (nb) bufs = nb;
            if (nl) labels = nl;
            if (!ni || !nb || !nl) {
                rc = px__error(ctx, PX_ENOMEM, "out of memory");
                break;
            }
        }
        const char *hz = px_table_reader_text(r, 0);
        bufs[n] = malloc(len);
        labels[n] = hz ? px__strdup(hz) : NULL;
        if (!bufs[n] || (hz && !labels[n])) {
            free(bufs[n]);
            free(labels[n]);
            rc = px__error(ctx, PX_ENOMEM, "out of memory");
            break;
        }
        memcpy(bufs[n], wkb, len);
        in[n] = (px_flood_zone_input){bufs[n], len, labels[n]};
        n++;
    }
    px_table_reader_close(r);
    if (rc == PX_OK) rc = px_flood_zones_new(ctx, in, n, out, n_skipped);
    for (size_t i = 0; i < n; i++) {
        free(bufs[i]);
        free(labels[i]);
    }
    free(bufs);
    free(labels);
    free(in);
    return rc;
}

#define NCLS (PX_HAZARD_COUNT + 1)

/* Accumulators per group (commune, or outside) and class. */
typedef struct expo {
    size_t ng, nc;
    double *res, *res_total, *bf, *walk, *bike;
    double *svc; /* [(g * NCLS + cls) * nc + cat] */
} expo;

static void expo_free(expo *e)
{
    free(e->res);
    free(e->res_total);
    free(e->bf);
    free(e->walk);
    free(e->bike);
    free(e->svc);
}

static px_status count_points(px_ctx *ctx, const px__flood_in *in, expo *e)
{
    px_status rc = PX_OK;
    for (size_t i = 0; in->has_pop && i < in->pop.n && rc == PX_OK; i++) {
        int cls = -1;
        rc = px_flood_point_class(ctx, in->zones, in->pop.x[i], in->pop.y[i], &cls);
        size_t g = in->pop_group[i];
        e->res_total[g] += in->pop.weight[i];
        if (rc == PX_OK && cls >= 0) {
            e->res[g * NCLS + (size_t)cls] += in->pop.weight[i];
            e->res[g * NCLS + PX_HAZARD_ANY] += in->pop.weight[i];
        }
        if (rc == PX_OK && (i & 0x3fff) == 0) rc = px__progress(ctx, "flood: residents", i, in->pop.n);
    }
    for (size_t j = 0; in->has_svc && j < in->svc.n && rc == PX_OK; j++) {
        int cls = -1, c = in->svc.cat[j];
        rc = px_flood_point_class(ctx, in->zones, in->svc.x[j], in->svc.y[j], &cls);
        if (rc != PX_OK || cls < 0 || c < 0) continue;
        int k = in->svc.commune[j];
        size_t g = k >= 0 ? (size_t)k : in->com->n;
        e->svc[(g * NCLS + (size_t)cls) * e->nc + (size_t)c] += 1;
        e->svc[(g * NCLS + PX_HAZARD_ANY) * e->nc + (size_t)c] += 1;
    }
    return rc;
}

static px_status brownfield_area(px_ctx *ctx, px_store *store, const px__flood_in *in, expo *e)
{
    if (!px_store_has_table(store, "brownfields")) return PX_OK;
    static const char *const cols[] = {"id", NULL};
    px_table_reader *r = NULL;
    px_status rc = px_store_reader_open(store, "brownfields", cols, 1, NULL, &r);
    int has = 0;
    while (rc == PX_OK && (rc = px_table_reader_next(r, &has)) == PX_OK && has) {
        size_t len = 0;
        const unsigned char *wkb = px_table_reader_wkb(r, &len);
        double area = 0, sh[NCLS], x, y;
        if (!wkb || px_layer_point_of(ctx, wkb, len, &x, &y) != PX_OK) continue;
        if ((rc = px_flood_polygon_shares(ctx, in->zones, wkb, len, &area, sh)) != PX_OK) break;
        int k = px_layer_communes_locate(in->com, x, y);
        size_t g = k >= 0 ? (size_t)k : in->com->n;
        for (int c = 0; c < NCLS; c++)
            e->bf[g * NCLS + (size_t)c] += sh[c] * area;
    }
    px_table_reader_close(r);
    return rc;
}

static px_status network_length(px_ctx *ctx, const px_graph *g, const px__flood_in *in, expo *e)
{
    GEOSContextHandle_t h = px__geos(ctx);
    size_t ne = px_graph_n_edges(g);
    px_status rc = PX_OK;
    for (size_t k = 0; k < ne && rc == PX_OK; k++) {
        int32_t a, b;
        double x0, y0, x1, y1, len = 0, inside[NCLS];
        px_graph_edge_nodes(g, k, &a, &b);
        px_graph_node_xy(g, (size_t)a, &x0, &y0);
        px_graph_node_xy(g, (size_t)b, &x1, &y1);
        GEOSCoordSequence *cs = GEOSCoordSeq_create_r(h, 2, 2);
        GEOSGeometry *ln = NULL;
        if (cs) {
            GEOSCoordSeq_setXY_r(h, cs, 0, x0, y0);
            GEOSCoordSeq_setXY_r(h, cs, 1, x1, y1);
            ln = GEOSGeom_createLineString_r(h, cs);
        }
        if (!ln) return px__error(ctx, PX_EGEOS, "flood: cannot make edge %zu", k);
        rc = px__flood_measure(ctx, in->zones, ln, 0, &len, inside);
        GEOSGeom_destroy_r(h, ln);
        if (rc != PX_OK || inside[PX_HAZARD_ANY] <= 0) continue;
        int cm = px_layer_communes_locate(in->com, (x0 + x1) / 2, (y0 + y1) / 2);
        size_t gi = cm >= 0 ? (size_t)cm : in->com->n;
        unsigned fl = px_graph_edge_flags(g, k);
        for (int c = 0; c < NCLS; c++) {
            if (fl & (PX_EDGE_WALK_FWD | PX_EDGE_WALK_BWD)) e->walk[gi * NCLS + (size_t)c] += inside[c];
            if (fl & (PX_EDGE_BIKE_FWD | PX_EDGE_BIKE_BWD)) e->bike[gi * NCLS + (size_t)c] += inside[c];
        }
        if ((k & 0x3fff) == 0) rc = px__progress(ctx, "flood: network", k, ne);
    }
    return rc;
}

static px_status write_exposure(px_ctx *ctx, px_store *store, const px__flood_in *in, const expo *e, int has_net)
{
    size_t nc = 9 + in->n_cats;
    px_column *cols = calloc(nc, sizeof *cols);
    px_value *v = calloc(nc, sizeof *v);
    char **names = calloc(in->n_cats + 1, sizeof *names);
    px_status rc = cols && v && names ? PX_OK : px__error(ctx, PX_ENOMEM, "out of memory");
    px_table_writer *w = NULL;
    if (rc == PX_OK) {
        cols[0] = (px_column){"commune_id", PX_COL_TEXT};
        cols[1] = (px_column){"commune_name", PX_COL_TEXT};
        cols[2] = (px_column){"hazard", PX_COL_TEXT};
        cols[3] = (px_column){"residents", PX_COL_REAL};
        cols[4] = (px_column){"residents_share", PX_COL_REAL};
        cols[5] = (px_column){"services", PX_COL_INT};
        for (size_t c = 0; c < in->n_cats && rc == PX_OK; c++) {
            char *id = px__strdup(in->svc.cat_cols[c]);
            names[c] = id ? px__asprintf("services_%s", id) : NULL;
            free(id);
            if (!names[c])
                rc = px__error(ctx, PX_ENOMEM, "out of memory");
            else
                cols[6 + c] = (px_column){names[c], PX_COL_INT};
        }
        cols[6 + in->n_cats] = (px_column){"brownfield_area_m2", PX_COL_REAL};
        cols[7 + in->n_cats] = (px_column){"walk_network_m", PX_COL_REAL};
        cols[8 + in->n_cats] = (px_column){"bike_network_m", PX_COL_REAL};
    }
    px_table_schema schema = {"flood_exposure", "result", PX_GEOM_MULTIPOLYGON, nc, cols};
    if (rc == PX_OK) rc = px_store_table_create(store, &schema, &w);
    for (size_t g = 0; rc == PX_OK && g <= in->com->n; g++) {
        int outside = g == in->com->n;
        if (outside) { /* the "outside" group gets rows only if something lies there */
            double any = e->res[g * NCLS + PX_HAZARD_ANY] + e->bf[g * NCLS + PX_HAZARD_ANY];
            for (size_t c = 0; c < in->n_cats; c++)
                any += e->svc[(g * NCLS + PX_HAZARD_ANY) * e->nc + c];
            if (!(any > 0)) break;
        }
        for (size_t cls = 0; rc == PX_OK && cls < NCLS; cls++) {
            size_t k = g * NCLS + cls;
            double total = 0;
            for (size_t c = 0; c < in->n_cats; c++)
                total += e->svc[k * e->nc + c];
            v[0] = outside ? PX_VALUE_TEXT("(outside)") : PX_VALUE_TEXT(in->com->id[g]);
            v[1] = outside ? PX_VALUE_TEXT("") : PX_VALUE_TEXT(in->com->name[g]);
            v[2] = PX_VALUE_TEXT(px_hazard_name((int)cls));
            v[3] = in->has_pop ? PX_VALUE_REAL(e->res[k]) : PX_VALUE_NULL;
            v[4] = in->has_pop && e->res_total[g] > 0 ? PX_VALUE_REAL(e->res[k] / e->res_total[g])
                                                      : PX_VALUE_NULL;
            v[5] = PX_VALUE_INT((int64_t)total);
            for (size_t c = 0; c < in->n_cats; c++)
                v[6 + c] = PX_VALUE_INT((int64_t)e->svc[k * e->nc + c]);
            v[6 + in->n_cats] = PX_VALUE_REAL(e->bf[k]);
            v[7 + in->n_cats] = has_net ? PX_VALUE_REAL(e->walk[k]) : PX_VALUE_NULL;
            v[8 + in->n_cats] = has_net ? PX_VALUE_REAL(e->bike[k]) : PX_VALUE_NULL;
            rc = px_table_writer_add(w, v, outside ? NULL : in->com->wkb[g], outside ? 0 : in->com->wkb_len[g],
                                     NULL);
        }
    }
    if (w) {
        if (rc == PX_OK)
            rc = px_table_writer_finish(w);
        else
            px_table_writer_abort(w);
    }
    for (size_t c = 0; names && c < in->n_cats; c++)
        free(names[c]);
    free(names);
    free(cols);
    free(v);
    return rc;
}

static px_status read_inputs(px_ctx *ctx, px_store *store, const px_flood_options *o, px__flood_in *in,
                             px_flood_report *rep)
{
    px_status rc = px_flood_zones_load(ctx, store, &in->zones, &rep->n_zones_skipped);
    if (rc == PX_OK) rc = px_layer_communes_read(ctx, store, 1, &in->com);
    in->has_pop = rc == PX_OK && px_store_has_table(store, "population");
    in->has_svc = rc == PX_OK && px_store_has_table(store, "services");
    if (rc == PX_OK && o->categories && !in->has_svc)
        rc = px__error(ctx, PX_EARG, "flood: categories asked but the project has no services layer");
    const char **keep = NULL;
    if (rc == PX_OK && o->categories) {
        keep = calloc(o->n_categories + 1, sizeof *keep);
        if (!keep) return px__error(ctx, PX_ENOMEM, "out of memory");
        for (size_t c = 0; c < o->n_categories; c++) keep[c] = o->categories[c];
    }
    /* Services first: an unknown category asked is PX_EARG before any work. */
    if (rc == PX_OK && in->has_svc) rc = px_layer_services_read(ctx, store, NULL, keep, in->com, &in->svc);
    free(keep);
    if (rc == PX_OK && in->has_pop) rc = px_layer_population_read(ctx, store, NULL, in->com, PX_LAYER_WITH_IDS, &in->pop);
    if (rc != PX_OK) return rc;
    in->cats = in->svc.cats;
    in->n_cats = in->svc.n_cat;
    in->pop_group = malloc((in->pop.n ? in->pop.n : 1) * sizeof *in->pop_group);
    if (rc == PX_OK && !in->pop_group) rc = px__error(ctx, PX_ENOMEM, "out of memory");
    for (size_t i = 0; rc == PX_OK && i < in->pop.n; i++) {
        int k = in->pop.commune[i];
        in->pop_group[i] = k >= 0 ? (uint32_t)k : (uint32_t)in->com->n;
    }
    return rc;
}

px_status px_flood_run(px_ctx *ctx, px_store *store, const px_graph *graph, const px_flood_options *opts,
                       px_flood_report *report)
{
    px_flood_options o = opts ? *opts : (px_flood_options){0};
    if (!store || (o.scenario && !graph)) return px__error(ctx, PX_EINVAL, "px_flood_run: NULL argument");
    if ((unsigned)o.level >= PX_HAZARD_COUNT) return px__error(ctx, PX_EINVAL, "flood: bad hazard level");
    px__flood_in in = {0};
    px_flood_report rep = {0};
    expo e = {0};
    px_status rc = read_inputs(ctx, store, &o, &in, &rep);
    if (rc != PX_OK) goto done;
    e.ng = in.com->n + 1;
    e.nc = in.n_cats ? in.n_cats : 1;
    e.res = calloc(e.ng * NCLS, sizeof *e.res);
    e.res_total = calloc(e.ng, sizeof *e.res_total);
    e.bf = calloc(e.ng * NCLS, sizeof *e.bf);
    e.walk = calloc(e.ng * NCLS, sizeof *e.walk);
    e.bike = calloc(e.ng * NCLS, sizeof *e.bike);
    e.svc = calloc(e.ng * NCLS * e.nc, sizeof *e.svc);
    if (!e.res || !e.res_total || !e.bf || !e.walk || !e.bike || !e.svc) {
        rc = px__error(ctx, PX_ENOMEM, "out of memory");
        goto done;
    }
    rc = count_points(ctx, &in, &e);
    if (rc == PX_OK) rc = brownfield_area(ctx, store, &in, &e);
    if (rc == PX_OK && graph) rc = network_length(ctx, graph, &in, &e);
    if (rc != PX_OK) goto done;
    for (size_t g = 0; g < e.ng; g++)
        for (int c = 0; c < NCLS; c++)
            rep.residents[c] += e.res[g * NCLS + (size_t)c];
    if ((rc = px_store_begin(store)) != PX_OK) goto done;
    rc = write_exposure(ctx, store, &in, &e, graph != NULL);
    if (rc == PX_OK && o.scenario) rc = px__flood_scenario(ctx, store, graph, &o, &in, &rep);
    if (rc == PX_OK) rc = px_store_set_source(store, "flood_exposure", "proxima flood", NULL, NULL, NULL);
    if (rc == PX_OK && o.scenario)
        rc = px_store_set_source(store, "flood_scenario_origins", "proxima flood --hazard", NULL, NULL,
                                 px_hazard_name((int)o.level));
    if (rc == PX_OK && o.scenario)
        rc = px_store_set_source(store, "flood_scenario_communes", "proxima flood --hazard", NULL, NULL,
                                 px_hazard_name((int)o.level));
    if (rc == PX_OK)
        rc = px_store_commit(store);
    else
        px_store_rollback(store);
done:
    expo_free(&e);
    px_flood_zones_free(in.zones);
    px_layer_communes_free(in.com);
    px_layer_points_free(&in.pop);
    px_layer_points_free(&in.svc);
    free(in.pop_group);
    if (rc == PX_OK && report) *report = rep;
    return rc;
}
