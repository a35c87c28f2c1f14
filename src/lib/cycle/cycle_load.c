/*
 * Reading a project for the cycle analyses: the network (px_graph_load),
 * the LTS of every edge from the tags of the road it came from (or the kind
 * of the cycle route), the residents (population layer), the destinations
 * (services by category, plus one "commune_centre" per commune) and the
 * communes. Origins and destinations are attached to the nearer end of the
 * nearest bikeable edge; a unit beyond the snapping distance is left out
 * and counted. Edges the net module does not open to bikes are left out.
 */
#include "cycle_int.h"
#include "proxima/net.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Per-source-row LTS, indexed by fid (grown as fids are seen). */
typedef struct rowlts {
    uint8_t *lts, *fac, *rule;
    int64_t cap;
} rowlts;

static px_status rowlts_set(px_ctx *ctx, rowlts *t, int64_t fid, int lts, int fac, int rule)
{
    if (fid < 0) return PX_OK;
    if (fid >= t->cap) {
        int64_t cap = t->cap ? t->cap : 1024;
        while (cap <= fid)
            cap *= 2;
        uint8_t *a = realloc(t->lts, (size_t)cap), *b = realloc(t->fac, (size_t)cap),
                *c = realloc(t->rule, (size_t)cap);
        if (a) t->lts = a;
        if (b) t->fac = b;
        if (c) t->rule = c;
        if (!a || !b || !c) return px__error(ctx, PX_ENOMEM, "out of memory");
        memset(t->lts + t->cap, 0, (size_t)(cap - t->cap));
        memset(t->fac + t->cap, 0, (size_t)(cap - t->cap));
        memset(t->rule + t->cap, 255, (size_t)(cap - t->cap));
        t->cap = cap;
    }
    t->lts[fid] = (uint8_t)lts, t->fac[fid] = (uint8_t)fac, t->rule[fid] = (uint8_t)rule;
    return PX_OK;
}

static void rowlts_free(rowlts *t)
{
    free(t->lts), free(t->fac), free(t->rule);
}

static int rule_index(const char *id)
{
    for (size_t i = 0; i < px__n_lts_rules; i++)
        if (px__lts_rules[i].id == id) return (int)i;
    return 255;
}

/* LTS of every road row. */
static px_status read_roads(px_ctx *ctx, px_store *store, rowlts *t)
{
    static const char *const cols[] = {
        "highway",       "bicycle",  "cycleway", "cycleway_left", "cycleway_right",
        "cycleway_both", "maxspeed", "lanes",    "oneway",        NULL};
    px_table_reader *r = NULL;
    px_status rc = px_store_reader_open(store, "roads", cols, 0, NULL, &r);
    int has = 0;
    int64_t n = 0;
    while (rc == PX_OK && (rc = px_table_reader_next(r, &has)) == PX_OK && has) {
        if ((++n & 16383) == 0 && (rc = px__progress(ctx, "cycle: read roads", (uint64_t)n, 0))) break;
#define T(i) px_table_reader_text(r, i)
        px_lts_tags tags = {T(0), T(1), T(2), T(3), T(4), T(5), T(6), T(7), T(8)};
#undef T
        px_lts_result res;
        if ((rc = px_lts_classify(ctx, &tags, &res)) != PX_OK) break;
        rc = rowlts_set(ctx, t, px_table_reader_fid(r), res.lts, res.facility, rule_index(res.rule));
    }
    px_table_reader_close(r);
    return rc;
}

/* Cycle routes: LTS and class from their kind. A route without a known kind
 * is taken as a track: the layer holds signed, dedicated routes. */
static void route_class(const char *kind, int *lts, int *fac)
{
    *lts = 1, *fac = PX_CYCLE_TRACK;
    if (!kind) return;
    if (!strcmp(kind, "lane"))
        *lts = 2, *fac = PX_CYCLE_LANE;
    else if (!strcmp(kind, "shared") || !strcmp(kind, "shared_lane"))
        *lts = 2, *fac = PX_CYCLE_SHARED;
    else if (!strcmp(kind, "path") || !strcmp(kind, "greenway"))
        *fac = PX_CYCLE_PATH;
}

static px_status read_routes(px_ctx *ctx, px_store *store, rowlts *t)
{
    if (!px_store_has_table(store, "cycle_routes")) return PX_OK;
    static const char *const cols[] = {"kind", NULL};
    px_table_reader *r = NULL;
    px_status rc = px_store_reader_open(store, "cycle_routes", cols, 0, NULL, &r);
    int has = 0;
    while (rc == PX_OK && (rc = px_table_reader_next(r, &has)) == PX_OK && has) {
        int lts, fac;
        route_class(px_table_reader_text(r, 0), &lts, &fac);
        rc = rowlts_set(ctx, t, px_table_reader_fid(r), lts, fac, 255);
    }
    px_table_reader_close(r);
    return rc;
}

/* Per net_edges fid: LTS, class and rule, from its source row. */
static px_status read_edges(px_ctx *ctx, px_store *store, const rowlts *roads, const rowlts *routes,
                            rowlts *edges)
{
    static const char *const cols[] = {"source", "source_fid", NULL};
    px_table_reader *r = NULL;
    px_status rc = px_store_reader_open(store, "net_edges", cols, 0, NULL, &r);
    int has = 0;
    while (rc == PX_OK && (rc = px_table_reader_next(r, &has)) == PX_OK && has) {
        const char *src = px_table_reader_text(r, 0);
        int64_t sf =
            px_table_reader_fid(r) >= 0 && !px_table_reader_is_null(r, 1) ? px_table_reader_int(r, 1) : -1;
        const rowlts *t = src && !strcmp(src, "cycle_routes") ? routes : roads;
        if (sf < 0 || sf >= t->cap) continue; /* LTS 0: unknown source, left out */
        rc = rowlts_set(ctx, edges, px_table_reader_fid(r), t->lts[sf], t->fac[sf], t->rule[sf]);
    }
    px_table_reader_close(r);
    return rc;
}

/* Attach a point to the network: the nearer end of the nearest bike edge. */
static int attach(px_ctx *ctx, const px_graph *pg, double x, double y, double max_m, int32_t *node,
                  double *off_m)
{
    px_snap sn;
    if (px_graph_snap(ctx, pg, PX_MODE_BIKE, x, y, max_m, &sn) != PX_OK) return 0;
    int32_t a, b;
    px_graph_edge_nodes(pg, (size_t)sn.edge, &a, &b);
    double len = px_graph_edge_length_m(pg, (size_t)sn.edge);
    *node = sn.fraction <= 0.5 ? a : b;
    *off_m = sn.distance_m + len * (sn.fraction <= 0.5 ? sn.fraction : 1 - sn.fraction);
    return 1;
}

static px_status read_origins(px_ctx *ctx, const px_graph *pg, const px_points *pop, const px__cparams *p,
                              px__cproject *pr)
{
    pr->in.origins = calloc(pop->n + 1, sizeof *pr->in.origins);
    if (!pr->in.origins) return px__error(ctx, PX_ENOMEM, "out of memory");
    px_status rc = PX_OK;
    for (size_t i = 0; i < pop->n && rc == PX_OK; i++) {
        if ((i & 16383) == 0 && (rc = px__progress(ctx, "cycle: place residents", i, pop->n))) break;
        if (!(pop->weight[i] > 0)) continue;
        px__corigin o = {.fid = pop->fid[i], .pop = pop->weight[i], .commune = pop->commune[i], .x = pop->x[i],
                         .y = pop->y[i]};
        if (!attach(ctx, pg, pop->x[i], pop->y[i], p->snap_m, &o.node, &o.snap_m)) {
            pr->n_unplaced++, pr->pop_unplaced += pop->weight[i];
            continue;
        }
        pr->in.origins[pr->in.n_origins++] = o;
    }
    return rc;
}

static px_status add_category(px_ctx *ctx, px__cinput *in, const char *name, const px_cycle_options *o,
                              int32_t *out)
{
    for (size_t c = 0; c < in->n_cats; c++)
        if (!strcmp(in->cat_names[c], name)) {
            *out = (int32_t)c;
            return PX_OK;
        }
    char **nn = realloc(in->cat_names, (in->n_cats + 1) * sizeof *nn);
    if (nn) in->cat_names = nn;
    double *nw = realloc(in->cat_weights, (in->n_cats + 1) * sizeof *nw);
    if (nw) in->cat_weights = nw;
    char *dup = px__strdup(name);
    if (!nn || !nw || !dup) {
        free(dup);
        return px__error(ctx, PX_ENOMEM, "out of memory");
    }
    double w = 1.0;
    for (size_t i = 0; o && i < o->n_weights; i++)
        if (!strcmp(o->weight_names[i], name)) w = o->weight_values[i];
    in->cat_names[in->n_cats] = dup;
    in->cat_weights[in->n_cats] = w;
    *out = (int32_t)in->n_cats++;
    return PX_OK;
}

static px_status push_dest(px_ctx *ctx, px__cinput *in, size_t *cap, px__cdest d)
{
    if (in->n_dests == *cap) {
        size_t nc = *cap ? 2 * *cap : 1024;
        px__cdest *nd = realloc(in->dests, nc * sizeof *nd);
        if (!nd) return px__error(ctx, PX_ENOMEM, "out of memory");
        in->dests = nd, *cap = nc;
    }
    in->dests[in->n_dests++] = d;
    return PX_OK;
}

/* Services, then one "commune_centre" destination per commune at its
 * centre (proxima/layer.h: population-weighted). */
static px_status read_dests(px_ctx *ctx, const px_graph *pg, const px_communes *cs, const px_points *svc,
                            const px__cparams *p, const px_cycle_options *o, px__cproject *pr)
{
    size_t cap = 0;
    px_status rc = PX_OK;
    for (size_t i = 0; i < svc->n && rc == PX_OK; i++) {
        double off;
        px__cdest d;
        if (!attach(ctx, pg, svc->x[i], svc->y[i], p->snap_m, &d.node, &off)) {
            pr->n_dest_unplaced++;
            continue;
        }
        if ((rc = add_category(ctx, &pr->in, svc->cats[svc->cat[i]], o, &d.cat)) == PX_OK)
            rc = push_dest(ctx, &pr->in, &cap, d);
    }
    for (size_t i = 0; rc == PX_OK && i < cs->n; i++) {
        double off;
        px__cdest d;
        if (!isfinite(cs->cx[i]) || !attach(ctx, pg, cs->cx[i], cs->cy[i], p->snap_m, &d.node, &off)) continue;
        if ((rc = add_category(ctx, &pr->in, "commune_centre", o, &d.cat)) == PX_OK)
            rc = push_dest(ctx, &pr->in, &cap, d);
    }
    return rc;
}

void px__cproject_clear(px__cproject *pr)
{
    if (!pr) return;
    px__cinput *in = &pr->in;
    px__cgraph_free(in->g);
    free(in->origins), free(in->dests);
    for (size_t c = 0; c < in->n_cats; c++)
        free(in->cat_names[c]);
    free(in->cat_names), free(in->cat_weights);
    for (size_t c = 0; c < in->n_communes; c++)
        free(in->commune_ids[c]), free(in->commune_names[c]);
    free(in->commune_ids), free(in->commune_names), free(in->edge_commune);
    free(pr->e_rule);
    memset(pr, 0, sizeof *pr);
}

px_status px__cproject_load(px_ctx *ctx, px_store *store, const px__cparams *p, const px_cycle_options *o,
                            px__cproject *out)
{
    px__cproject pr = {0};
    px_graph *pg = NULL;
    px_communes *cs = NULL;
    px_points pop = {0}, svc = {0};
    rowlts roads = {0}, routes = {0}, edges = {0};
    px_status rc = PX_OK;
    if (!px_store_has_table(store, "population") || !px_store_has_table(store, "services") ||
        !px_store_has_table(store, "roads")) {
        rc = px__error(ctx, PX_ENOTFOUND, "%s: cycle needs the roads, population and services layers",
                       px_store_path(store));
        goto done;
    }
    if ((rc = px_graph_load(ctx, store, &pg)) != PX_OK) goto done;
    if ((rc = read_roads(ctx, store, &roads)) != PX_OK) goto done;
    if ((rc = read_routes(ctx, store, &routes)) != PX_OK) goto done;
    if ((rc = read_edges(ctx, store, &roads, &routes, &edges)) != PX_OK) goto done;
    if ((rc = px_layer_communes_read(ctx, store, 0, &cs)) != PX_OK) goto done;
    if ((rc = px_layer_population_read(ctx, store, NULL, cs, 0, &pop)) != PX_OK) goto done;
    if ((rc = px_layer_services_read(ctx, store, NULL, NULL, NULL, &svc)) != PX_OK) goto done;
    if ((rc = px_layer_communes_centres(ctx, cs, &pop)) != PX_OK) goto done;

    size_t nn = px_graph_n_nodes(pg), ne = px_graph_n_edges(pg);
    if ((rc = px__cgraph_new(ctx, nn, &pr.in.g)) != PX_OK) goto done;
    for (size_t v = 0; v < nn; v++)
        px_graph_node_xy(pg, v, &pr.in.g->x[v], &pr.in.g->y[v]);
    pr.e_rule = malloc(ne + 1);
    if (!pr.e_rule) {
        rc = px__error(ctx, PX_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t e = 0; e < ne && rc == PX_OK; e++) {
        unsigned fl = px_graph_edge_flags(pg, e);
        int fwd = (fl & PX_EDGE_BIKE_FWD) != 0, bwd = (fl & PX_EDGE_BIKE_BWD) != 0;
        if (!fwd && !bwd) continue;
        int64_t fid = px_graph_edge_fid(pg, e);
        int lts = fid >= 0 && fid < edges.cap ? edges.lts[fid] : 0;
        int fac = fid >= 0 && fid < edges.cap ? edges.fac[fid] : 0;
        int32_t a, b;
        px_graph_edge_nodes(pg, e, &a, &b);
        pr.e_rule[pr.in.g->n_edges] = fid >= 0 && fid < edges.cap ? edges.rule[fid] : 255;
        rc = px__cgraph_add_edge(ctx, pr.in.g, a, b, px_graph_edge_length_m(pg, e), fwd, bwd, lts, fac, fid);
    }
    if (rc == PX_OK) rc = px__cgraph_index(ctx, pr.in.g);
    if (rc != PX_OK) goto done;

    /* Communes, and the commune of the midpoint of every cycle-facility edge
     * (route lengths per commune); other edges get -1. */
    size_t nc = cs->n;
    pr.has_communes = px_store_has_table(store, "communes");
    pr.in.commune_ids = calloc(nc + 1, sizeof *pr.in.commune_ids);
    pr.in.commune_names = calloc(nc + 1, sizeof *pr.in.commune_names);
    pr.in.edge_commune = malloc((pr.in.g->n_edges + 1) * sizeof *pr.in.edge_commune);
    if (!pr.in.commune_ids || !pr.in.commune_names || !pr.in.edge_commune) {
        rc = px__error(ctx, PX_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t c = 0; c < nc; c++) {
        pr.in.commune_ids[c] = px__strdup(cs->id[c]);
        pr.in.commune_names[c] = px__strdup(cs->name[c]);
        pr.in.n_communes = c + 1;
        if (!pr.in.commune_ids[c] || !pr.in.commune_names[c]) {
            rc = px__error(ctx, PX_ENOMEM, "out of memory");
            goto done;
        }
    }
    const px__cgraph *g = pr.in.g;
    for (size_t e = 0; e < g->n_edges; e++) {
        if ((e & 65535) == 0 && (rc = px__progress(ctx, "cycle: communes of edges", e, g->n_edges)))
            goto done;
        pr.in.edge_commune[e] = g->e_fac[e] == PX_CYCLE_NONE
                                    ? -1
                                    : px_layer_communes_locate(cs, (g->x[g->e_from[e]] + g->x[g->e_to[e]]) / 2,
                                                                (g->y[g->e_from[e]] + g->y[g->e_to[e]]) / 2);
    }
    if ((rc = read_origins(ctx, pg, &pop, p, &pr)) != PX_OK) goto done;
    if ((rc = read_dests(ctx, pg, cs, &svc, p, o, &pr)) != PX_OK) goto done;
    *out = pr;
    memset(&pr, 0, sizeof pr);
done:
    px__cproject_clear(&pr);
    px_graph_free(pg);
    px_layer_points_free(&pop);
    px_layer_points_free(&svc);
    px_layer_communes_free(cs);
    rowlts_free(&roads), rowlts_free(&routes), rowlts_free(&edges);
    return rc;
}
