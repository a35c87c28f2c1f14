/*
 * px_site_services: the siting problem of a project. Residents' minutes to
 * the nearest existing service of the category (one multi-source search on
 * the reverse graph, the rule of `access`), candidates from a layer or a
 * grid, one bounded catchment search per candidate (catchment.c, split in
 * contiguous blocks between threads, each with its own context and
 * scratch), then px_site_solve and the services_sites table.
 * Candidates farther than the snapping distance from the network are left
 * out (counted in the report).
 */
#include "svc_int.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct block {
    const px_graph *g;
    px_mode mode;
    const px_snap *osnap;
    const uint8_t *ook;
    size_t n_orig;
    const px_snap *csnap;
    size_t lo, hi;
    double cutoff_s;
    px__pairs pairs;
    px_status rc;
} block;

static void *run_block(void *arg);

px_status px__svc_catchments(px_ctx *ctx, const px_graph *g, px_mode mode, const px_snap *osnap, const uint8_t *ook,
                             size_t n_dem, const px_snap *csnap, size_t n_cand, double cutoff_s, int n_threads,
                             px__svc_csr *out)
{
    int nt = n_threads < 1 ? 1 : n_threads > 64 ? 64 : n_threads;
    block *blocks = calloc((size_t)nt, sizeof *blocks);
    px__svc_csr c = {0};
    if (!blocks) return px__error(ctx, PX_ENOMEM, "out of memory");
    pthread_t th[64];
    int started[64] = {0};
    for (int t = 0; t < nt; t++) {
        blocks[t] = (block){g, mode, osnap, ook, n_dem, csnap, n_cand * (size_t)t / (size_t)nt,
                            n_cand * (size_t)(t + 1) / (size_t)nt, cutoff_s, {0}, PX_OK};
        if (t > 0) started[t] = pthread_create(&th[t], NULL, run_block, &blocks[t]) == 0;
        if (t > 0 && !started[t]) run_block(&blocks[t]);
    }
    run_block(&blocks[0]);
    for (int t = 1; t < nt; t++)
        if (started[t]) pthread_join(th[t], NULL);
    px_status rc = PX_OK;
    for (int t = 0; t < nt; t++) {
        if (blocks[t].rc != PX_OK && rc == PX_OK) rc = px__error(ctx, blocks[t].rc, "catchment search failed");
        c.n_pairs += blocks[t].pairs.n;
    }
    if (rc == PX_OK) {
        c.off = calloc(n_cand + 1, sizeof *c.off);
        c.dem = malloc((c.n_pairs ? c.n_pairs : 1) * sizeof *c.dem);
        c.mins = malloc((c.n_pairs ? c.n_pairs : 1) * sizeof *c.mins);
        if (!c.off || !c.dem || !c.mins) rc = px__error(ctx, PX_ENOMEM, "out of memory");
    }
    /* Blocks hold their candidates' pairs consecutively, in candidate order. */
    size_t k = 0;
    for (int t = 0; rc == PX_OK && t < nt; t++)
        for (size_t j = 0; j < blocks[t].pairs.n; j++, k++) {
            const px_fca_pair *p = &blocks[t].pairs.v[j];
            c.off[p->supply + 1]++;
            c.dem[k] = p->demand;
            c.mins[k] = (double)(float)p->minutes;
        }
    for (size_t j = 0; rc == PX_OK && j < n_cand; j++) c.off[j + 1] += c.off[j];
    for (int t = 0; t < nt; t++) free(blocks[t].pairs.v);
    free(blocks);
    if (rc != PX_OK) {
        free(c.off), free(c.dem), free(c.mins);
        return rc;
    }
    *out = c;
    return PX_OK;
}

static void *run_block(void *arg)
{
    block *b = arg;
    px_ctx *ctx = NULL;
    px__catch *c = NULL;
    b->rc = px_ctx_new(&ctx);
    if (b->rc == PX_OK) b->rc = px__catch_new(ctx, b->g, b->mode, b->osnap, b->ook, b->n_orig, NULL, &c);
    for (size_t j = b->lo; b->rc == PX_OK && j < b->hi; j++)
        b->rc = px__catch_supply(c, &b->csnap[j], b->cutoff_s, (uint32_t)j, &b->pairs);
    px__catch_free(c);
    px_ctx_free(ctx);
    return NULL;
}

/* Candidate points: a layer's, or a grid over the residents' extent. */
px_status px__svc_candidates(px_ctx *ctx, px_store *store, const char *layer, double grid_m, const px_points *pop,
                             double **xy, char ***ids, size_t *n)
{
    if (layer) {
        int64_t *fids = NULL;
        px_status rc = px_layer_points(ctx, store, layer, &fids, xy, n);
        if (rc != PX_OK) return rc;
        *ids = calloc(*n ? *n : 1, sizeof **ids);
        for (size_t i = 0; *ids && i < *n; i++)
            if (!((*ids)[i] = px__asprintf("%lld", (long long)fids[i]))) break;
        free(fids);
        return *ids && (!*n || (*ids)[*n - 1]) ? PX_OK : px__error(ctx, PX_ENOMEM, "out of memory");
    }
    double x0 = INFINITY, y0 = INFINITY, x1 = -INFINITY, y1 = -INFINITY;
    for (size_t i = 0; i < pop->n; i++) {
        x0 = fmin(x0, pop->x[i]);
        y0 = fmin(y0, pop->y[i]);
        x1 = fmax(x1, pop->x[i]);
        y1 = fmax(y1, pop->y[i]);
    }
    if (!(x1 >= x0)) return px__error(ctx, PX_ENOTFOUND, "siting: no resident to lay a grid over");
    double nx = floor((x1 - x0) / grid_m) + 1, ny = floor((y1 - y0) / grid_m) + 1;
    if (nx * ny > 5e6) return px__error(ctx, PX_EINVAL, "siting: grid of %.0f candidates: use a wider spacing", nx * ny);
    *n = (size_t)(nx * ny);
    *xy = malloc(2 * *n * sizeof **xy);
    *ids = calloc(*n, sizeof **ids);
    if (!*xy || !*ids) return px__error(ctx, PX_ENOMEM, "out of memory");
    size_t k = 0;
    for (size_t a = 0; a < (size_t)ny; a++)
        for (size_t b = 0; b < (size_t)nx; b++, k++) {
            (*xy)[2 * k] = x0 + (double)b * grid_m;
            (*xy)[2 * k + 1] = y0 + (double)a * grid_m;
            if (!((*ids)[k] = px__asprintf("grid-%zu", k + 1))) return px__error(ctx, PX_ENOMEM, "out of memory");
        }
    return PX_OK;
}

static px_status write_sites(px_ctx *ctx, px_store *store, const px_site_options *o, const px_site_solution *s,
                             const size_t *used, const double *xy, char **ids)
{
    static const px_column cols[] = {{"rank", PX_COL_INT},     {"candidate_id", PX_COL_TEXT},
                                     {"x", PX_COL_REAL},       {"y", PX_COL_REAL},
                                     {"gain", PX_COL_REAL},    {"objective", PX_COL_REAL},
                                     {"mode", PX_COL_TEXT},    {"category", PX_COL_TEXT},
                                     {"objective_name", PX_COL_TEXT}};
    px_table_writer *w = NULL;
    px_table_schema schema = {"services_sites", "result", PX_GEOM_POINT, 9, cols};
    px_status rc = px_store_table_create(store, &schema, &w);
    for (size_t r = 0; rc == PX_OK && r < s->k; r++) {
        size_t c = used[s->chosen[r]];
        double x = xy[2 * c], y = xy[2 * c + 1];
        size_t len = 0;
        unsigned char *wkb = NULL;
        if (rc == PX_OK) rc = px__point_wkb(ctx, x, y, &wkb, &len);
        px_value v[9] = {PX_VALUE_INT((int64_t)r + 1), PX_VALUE_TEXT(ids[c]), PX_VALUE_REAL(x), PX_VALUE_REAL(y),
                         PX_VALUE_REAL(s->gain[r]), PX_VALUE_REAL(s->objective[r]),
                         PX_VALUE_TEXT(px_mode_name(o->mode)), PX_VALUE_TEXT(o->category),
                         PX_VALUE_TEXT(px_site_objective_name(o->objective))};
        if (rc == PX_OK) rc = px_table_writer_add(w, v, wkb, len, NULL);
        px__wkb_free(ctx, wkb);
    }
    if (!w) return rc;
    if (rc == PX_OK) return px_table_writer_finish(w);
    px_table_writer_abort(w);
    return rc;
}

/* Per candidate on the network: the residents it alone brings within the
 * threshold (not already within reach of an existing service), for the
 * brownfield ranking's `service_gain` criterion. */
static px_status write_gains(px_ctx *ctx, px_store *store, const px_site_options *o, const px_site_problem *pb,
                             const size_t *used, const double *xy, char **ids)
{
    static const px_column cols[] = {{"candidate_id", PX_COL_TEXT}, {"layer", PX_COL_TEXT},
                                     {"x", PX_COL_REAL},            {"y", PX_COL_REAL},
                                     {"mode", PX_COL_TEXT},         {"category", PX_COL_TEXT},
                                     {"minutes", PX_COL_REAL},      {"residents_gained", PX_COL_REAL}};
    px_table_writer *w = NULL;
    px_table_schema schema = {"services_site_gains", "result", PX_GEOM_POINT, 8, cols};
    px_status rc = px_store_table_create(store, &schema, &w);
    for (size_t j = 0; rc == PX_OK && j < pb->n_cand; j++) {
        double g = 0;
        for (size_t q = pb->cand_off[j]; q < pb->cand_off[j + 1]; q++) {
            uint32_t i = pb->cand_demand[q];
            if (px_layer_qh_within((double)(float)pb->cand_minutes[q], pb->threshold) &&
                !px_layer_qh_within(pb->base_minutes[i], pb->threshold))
                g += pb->weight[i];
        }
        size_t c = used[j];
        size_t len = 0;
        unsigned char *wkb = NULL;
        if (rc == PX_OK) rc = px__point_wkb(ctx, xy[2 * c], xy[2 * c + 1], &wkb, &len);
        px_value v[8] = {PX_VALUE_TEXT(ids[c]),
                         PX_VALUE_TEXT(o->candidates_layer ? o->candidates_layer : "grid"),
                         PX_VALUE_REAL(xy[2 * c]),
                         PX_VALUE_REAL(xy[2 * c + 1]),
                         PX_VALUE_TEXT(px_mode_name(o->mode)),
                         PX_VALUE_TEXT(o->category),
                         PX_VALUE_REAL(o->minutes),
                         PX_VALUE_REAL(g)};
        if (rc == PX_OK) rc = px_table_writer_add(w, v, wkb, len, NULL);
        px__wkb_free(ctx, wkb);
    }
    if (!w) return rc;
    if (rc == PX_OK) return px_table_writer_finish(w);
    px_table_writer_abort(w);
    return rc;
}

px_status px_site_services(px_ctx *ctx, px_store *store, const px_site_options *opts, px_site_report *out)
{
    if (!ctx || !store || !opts) return px__error(ctx, PX_EINVAL, "px_site_services: NULL argument");
    px_site_options o = *opts;
    if (!o.category || !*o.category) return px__error(ctx, PX_EARG, "site-services: give a category");
    if (o.minutes == 0) o.minutes = 15;
    if (o.cap_minutes == 0) o.cap_minutes = fmax(2 * o.minutes, 30);
    if (o.max_snap_m == 0) o.max_snap_m = PX_LAYER_SNAP_M;
    if (o.n_threads <= 0) o.n_threads = 2;
    if (o.n_threads > 64) o.n_threads = 64;
    if (!(o.minutes > 0 && o.minutes <= 600) || !(o.cap_minutes >= o.minutes && o.cap_minutes <= 1440) ||
        !(o.max_snap_m > 0) || o.k == 0 || (unsigned)o.mode >= PX_MODE_COUNT)
        return px__error(ctx, PX_EINVAL, "site-services: bad option (minutes, cap, snapping distance, K or mode)");
    if (!o.candidates_layer == !(o.grid_m > 0))
        return px__error(ctx, PX_EINVAL, "site-services: give one candidate source: a layer or a grid spacing");
    px__svc_run r = {.ctx = ctx, .store = store};
    const char *keep[2] = {o.category, NULL};
    double *cxy = NULL, *base = NULL, *cost = NULL;
    char **cids = NULL;
    size_t n_cand = 0, n_used = 0, *used = NULL, *off = NULL;
    px_snap *osnap = NULL, *ssnap = NULL, *csnap = NULL;
    uint8_t *ook = NULL;
    uint32_t *dem = NULL;
    double *mins = NULL;
    px_site_solution sol = {0};
    px_site_report rep = {0};
    px_status rc = px_layer_services_read(ctx, store, NULL, keep, NULL, &r.svc);
    if (rc == PX_OK) rc = px_graph_load(ctx, store, &r.g);
    if (rc == PX_OK) rc = px_layer_communes_read(ctx, store, 0, &r.com);
    if (rc == PX_OK) rc = px_layer_population_read(ctx, store, NULL, r.com, 0, &r.pop);
    if (rc == PX_OK) rc = px__svc_candidates(ctx, store, o.candidates_layer, o.grid_m, &r.pop, &cxy, &cids, &n_cand);
    if (rc != PX_OK) goto done;
    size_t n = r.pop.n, nn = px_graph_n_nodes(r.g);
    osnap = malloc((n ? n : 1) * sizeof *osnap);
    ook = malloc(n ? n : 1);
    base = malloc((n ? n : 1) * sizeof *base);
    ssnap = malloc((r.svc.n ? r.svc.n : 1) * sizeof *ssnap);
    cost = malloc((nn ? nn : 1) * sizeof *cost);
    csnap = malloc((n_cand ? n_cand : 1) * sizeof *csnap);
    used = malloc((n_cand ? n_cand : 1) * sizeof *used);
    if (!osnap || !ook || !base || !ssnap || !cost || !csnap || !used) {
        rc = px__error(ctx, PX_ENOMEM, "out of memory");
        goto done;
    }
    double t0 = px__now();
    /* Minutes to the nearest existing service, as `access` computes them. */
    px__snap_points(r.g, o.mode, &r.pop, o.max_snap_m, osnap, ook, NULL);
    size_t ns = 0;
    for (size_t s = 0; s < r.svc.n; s++)
        if (px_graph_snap(NULL, r.g, o.mode, r.svc.x[s], r.svc.y[s], o.max_snap_m, &ssnap[ns]) == PX_OK) ns++;
    px_snap_sort(ssnap, NULL, ns);
    double cut_s = o.cap_minutes * 60.0;
    rc = px_graph_search(r.g, o.mode, PX_DIR_TO_SOURCES, ssnap, ns, cut_s, NULL, cost);
    if (rc != PX_OK) {
        rc = px__error(ctx, rc, "site-services: search failed: %s", px_strerror(rc));
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        double c = ook[i] ? px_graph_cost_at(r.g, o.mode, PX_DIR_TO_SOURCES, cost, ssnap, ns, cut_s, NULL, &osnap[i])
                          : INFINITY;
        base[i] = isfinite(c) ? (double)(float)(c / 60.0) : INFINITY;
    }
    for (size_t c = 0; c < n_cand; c++)
        if (px_graph_snap(NULL, r.g, o.mode, cxy[2 * c], cxy[2 * c + 1], o.max_snap_m, &csnap[n_used]) == PX_OK)
            used[n_used++] = c;
    /* Catchments: contiguous blocks, one per thread. */
    double ccut = o.objective == PX_SITE_PMEDIAN ? cut_s : o.minutes * 60.0 * (1 + 1e-9);
    px__svc_csr csr = {0};
    rc = px__svc_catchments(ctx, r.g, o.mode, osnap, ook, n, csnap, n_used, ccut, o.n_threads, &csr);
    if (rc != PX_OK) goto done;
    off = csr.off;
    dem = csr.dem;
    mins = csr.mins;
    size_t np = csr.n_pairs;
    rep.catchment_s = px__now() - t0;
    px_site_problem pb = {.n_demand = n, .weight = r.pop.weight, .n_groups = r.com ? r.com->n : 0,
                          .base_minutes = base, .n_cand = n_used, .cand_off = off, .cand_demand = dem,
                          .cand_minutes = mins, .threshold = o.minutes, .cap_minutes = o.cap_minutes};
    pb.group = r.pop.commune;
    double t1 = px__now();
    rc = px_site_solve(ctx, &pb, o.objective, o.k, o.flags, o.max_subsets, &sol);
    rep.solve_s = px__now() - t1;
    rep.mip_status = PX_SITE_MIP_SKIPPED;
    rep.mip_value = rep.mip_bound = NAN;
    if (rc == PX_OK && o.mip_seconds > 0) {
        px_site_mip_result mr = {0};
        rc = px_site_mip(ctx, &pb, o.objective, o.k, o.mip_seconds, o.mip_max_pairs ? o.mip_max_pairs : 50000, &mr);
        rep.mip_status = mr.status;
        rep.mip_value = mr.value;
        rep.mip_bound = mr.bound;
        rep.mip_seconds = mr.seconds;
        px_site_mip_result_free(&mr);
    }
    if (rc == PX_OK && (rc = px_store_begin(store)) == PX_OK) {
        rc = write_sites(ctx, store, &o, &sol, used, cxy, cids);
        if (rc == PX_OK) rc = write_gains(ctx, store, &o, &pb, used, cxy, cids);
        if (rc == PX_OK)
            rc = px_store_commit(store);
        else
            px_store_rollback(store);
    }
    if (rc != PX_OK) goto done;
    rep.n_candidates = n_cand;
    rep.n_candidates_used = n_used;
    rep.n_pairs = np;
    rep.base = sol.base;
    rep.greedy = sol.greedy;
    rep.final = sol.final;
    rep.exact = sol.exact;
    rep.k = sol.k;
    rep.n_swaps = sol.n_swaps;
    rep.n_evals = sol.n_evals;
    if (out) *out = rep;
done:
    px_site_solution_free(&sol);
    for (size_t i = 0; cids && i < n_cand; i++) free(cids[i]);
    free(cids);
    free(cxy);
    free(base);
    free(cost);
    free(osnap);
    free(ook);
    free(ssnap);
    free(csnap);
    free(used);
    free(off);
    free(dem);
    free(mins);
    px_layer_points_free(&r.svc);
    px_layer_points_free(&r.pop);
    px_layer_communes_free(r.com);
    px_graph_free(r.g);
    return rc;
}
