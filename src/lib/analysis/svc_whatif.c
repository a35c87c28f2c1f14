/*
 * px_services_whatif: the baseline catchment of every service of the
 * category (one bounded search each, reverse graph, catchment.c), per
 * resident the number of services within the threshold; then the changes:
 * a closed or moved service's pairs are dropped (no search), an added or
 * moved-to service gets one catchment search. Gains and losses follow from
 * the counts crossing zero. 2SFCA before and after from the two pair lists
 * (px_fca, one band at the threshold), then Gini and Palma of the ratios.
 * Tables are written by svc_whatif_write.c. The baseline catchments are
 * shared between threads; the changes are a handful of searches, run here.
 */
#include "svc_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static px_status find_service(px_ctx *ctx, const px_points *svc, const char *id, const char *cat, size_t *out)
{
    char buf[32];
    for (size_t i = 0; i < svc->n; i++) {
        const char *sid = svc->id[i];
        if (!sid) {
            snprintf(buf, sizeof buf, "%lld", (long long)svc->fid[i]);
            sid = buf;
        }
        if (!strcmp(sid, id)) {
            *out = i;
            return PX_OK;
        }
    }
    return px__error(ctx, PX_EARG, "services: no service with id '%s' in category '%s'", id ? id : "", cat);
}

/* Within the threshold by the rule of `access`: the minutes as stored
 * (float), compared with px_layer_qh_within. */
static int within(double minutes, double threshold)
{
    return px_layer_qh_within((double)(float)minutes, threshold);
}

static void indicators(px_ctx *ctx, const double *acc, const double *w, size_t n, double *mean, double *gini,
                       double *palma)
{
    double sw = 0, s = 0;
    for (size_t i = 0; i < n; i++) {
        sw += w[i];
        s += w[i] * acc[i];
    }
    *mean = sw > 0 ? s / sw : NAN;
    if (px_gini(ctx, acc, w, n, gini) != PX_OK) *gini = NAN;
    if (px_palma(ctx, acc, w, n, palma) != PX_OK || !isfinite(*palma)) *palma = NAN;
}

/* 2SFCA (one band at the threshold) per 1,000 residents. */
static px_status fca(px_ctx *ctx, const px_points *pop, const double *cap, size_t n_cap, const px__pairs *p,
                     double threshold, double *acc)
{
    px_decay_band one = {threshold, 1.0};
    px_status rc = px_fca(ctx, pop->weight, pop->n, cap, n_cap, p->v, p->n, &one, 1, NULL, acc, NULL);
    if (rc == PX_OK)
        for (size_t i = 0; i < pop->n; i++) acc[i] *= 1000.0;
    return rc;
}

static px_status run_mode(px__svc_run *r, px_mode m)
{
    px_ctx *ctx = r->ctx;
    size_t n = r->pop.n, ns = r->svc.n, na = r->n_new;
    double cutoff_s = r->minutes * 60.0 * (1 + 1e-9);
    px_snap *osnap = malloc((n ? n : 1) * sizeof *osnap);
    uint8_t *ok = malloc(n ? n : 1);
    int32_t *cnt = calloc(n ? n : 1, sizeof *cnt);
    double *cap = malloc((ns + na + 1) * sizeof *cap);
    double *acc = malloc((n ? n : 1) * sizeof *acc);
    px__pairs before = {0}, after = {0}, added = {0};
    px__catch *c = NULL;
    px_status rc = osnap && ok && cnt && cap && acc ? PX_OK : px__error(ctx, PX_ENOMEM, "out of memory");
    if (rc == PX_OK) {
        px__snap_points(r->g, m, &r->pop, r->max_snap_m, osnap, ok, NULL);
        rc = px__catch_new(ctx, r->g, m, osnap, ok, n, NULL, &c);
    }
    /* Baseline: one catchment per service, shared between threads. */
    px_snap *ssnap = rc == PX_OK ? malloc((ns ? ns : 1) * sizeof *ssnap) : NULL;
    uint32_t *smap = rc == PX_OK ? malloc((ns ? ns : 1) * sizeof *smap) : NULL;
    px__svc_csr csr = {0};
    size_t n_sn = 0;
    if (rc == PX_OK && (!ssnap || !smap)) rc = px__error(ctx, PX_ENOMEM, "out of memory");
    for (size_t s = 0; rc == PX_OK && s < ns; s++) {
        cap[s] = r->svc.weight[s];
        if (px_graph_snap(NULL, r->g, m, r->svc.x[s], r->svc.y[s], r->max_snap_m, &ssnap[n_sn]) == PX_OK)
            smap[n_sn++] = (uint32_t)s;
    }
    if (rc == PX_OK) rc = px__svc_catchments(ctx, r->g, m, osnap, ok, n, ssnap, n_sn, cutoff_s, r->n_threads, &csr);
    if (rc == PX_OK) {
        before.cap = csr.n_pairs + 1;
        before.v = malloc(before.cap * sizeof *before.v);
        if (!before.v) rc = px__error(ctx, PX_ENOMEM, "out of memory");
    }
    for (size_t j = 0; rc == PX_OK && j < n_sn; j++)
        for (size_t k = csr.off[j]; k < csr.off[j + 1]; k++)
            before.v[before.n++] = (px_fca_pair){csr.dem[k], smap[j], csr.mins[k]};
    free(csr.off);
    free(csr.dem);
    free(csr.mins);
    free(ssnap);
    free(smap);
    /* The new places: one search each. */
    for (size_t a = 0; rc == PX_OK && a < na; a++) {
        px_snap sn;
        cap[ns + a] = r->new_cap[a];
        r->n_searches++;
        if (px_graph_snap(NULL, r->g, m, r->new_x[a], r->new_y[a], r->max_snap_m, &sn) != PX_OK) continue;
        rc = px__catch_supply(c, &sn, cutoff_s, (uint32_t)(ns + a), &added);
    }
    /* Counts of services within the threshold, before; pairs kept after. */
    for (size_t k = 0; rc == PX_OK && k < before.n; k++) {
        const px_fca_pair *p = &before.v[k];
        if (!within(p->minutes, r->minutes)) continue;
        cnt[p->demand]++;
    }
    int32_t *cnt_after = rc == PX_OK ? malloc((n ? n : 1) * sizeof *cnt_after) : NULL;
    if (rc == PX_OK && !cnt_after) rc = px__error(ctx, PX_ENOMEM, "out of memory");
    if (rc == PX_OK) {
        memcpy(cnt_after, cnt, n * sizeof *cnt);
        after.cap = before.n + added.n + 1;
        after.v = malloc(after.cap * sizeof *after.v);
        if (!after.v) rc = px__error(ctx, PX_ENOMEM, "out of memory");
    }
    for (size_t k = 0; rc == PX_OK && k < before.n; k++) {
        const px_fca_pair *p = &before.v[k];
        if (r->removed[p->supply]) {
            if (within(p->minutes, r->minutes)) cnt_after[p->demand]--;
        } else
            after.v[after.n++] = *p;
    }
    for (size_t k = 0; rc == PX_OK && k < added.n; k++) {
        const px_fca_pair *p = &added.v[k];
        if (within(p->minutes, r->minutes)) cnt_after[p->demand]++;
        after.v[after.n++] = *p;
    }
    px_whatif_mode *rm = &r->rep.m[m];
    if (rc == PX_OK) {
        double in_b = 0, in_a = 0, tot = 0;
        for (size_t i = 0; i < n; i++) {
            int b = cnt[i] > 0, a = cnt_after[i] > 0;
            double w = r->pop.weight[i];
            tot += w;
            in_b += b ? w : 0;
            in_a += a ? w : 0;
            r->change[m][i] = (int8_t)(a - b);
            if (a > b) rm->residents_gaining += w;
            if (a < b) rm->residents_losing += w;
        }
        rm->residents = tot;
        rm->share_before = tot > 0 ? in_b / tot : NAN;
        rm->share_after = tot > 0 ? in_a / tot : NAN;
        /* Removed services keep their index but lose every pair: supply
         * without demand, which px_fca counts as unreached and ignores. */
        rc = fca(ctx, &r->pop, cap, ns + na, &before, r->minutes, acc);
        if (rc == PX_OK) indicators(ctx, acc, r->pop.weight, n, &rm->fca_mean_before, &rm->gini_before, &rm->palma_before);
        if (rc == PX_OK) rc = fca(ctx, &r->pop, cap, ns + na, &after, r->minutes, acc);
        if (rc == PX_OK) indicators(ctx, acc, r->pop.weight, n, &rm->fca_mean_after, &rm->gini_after, &rm->palma_after);
    }
    if (rc == PX_OK) {
        /* Per-origin "within" flags for the per-commune shares. */
        r->in_before[m] = malloc((n ? n : 1));
        r->in_after[m] = malloc((n ? n : 1));
        if (!r->in_before[m] || !r->in_after[m]) rc = px__error(ctx, PX_ENOMEM, "out of memory");
        for (size_t i = 0; rc == PX_OK && i < n; i++) {
            r->in_before[m][i] = cnt[i] > 0;
            r->in_after[m][i] = cnt_after[i] > 0;
        }
    }
    px__catch_free(c);
    free(cnt_after);
    free(before.v);
    free(after.v);
    free(added.v);
    free(osnap);
    free(ok);
    free(cnt);
    free(cap);
    free(acc);
    return rc;
}

/* Apply the changes to the run: removed flags, new places. */
static px_status plan(px__svc_run *r, const px_svc_change *ch, size_t n_ch, const char *cat)
{
    px_ctx *ctx = r->ctx;
    size_t ns = r->svc.n;
    r->removed = calloc(ns ? ns : 1, 1);
    r->new_x = malloc((n_ch ? n_ch : 1) * sizeof *r->new_x);
    r->new_y = malloc((n_ch ? n_ch : 1) * sizeof *r->new_y);
    r->new_cap = malloc((n_ch ? n_ch : 1) * sizeof *r->new_cap);
    r->new_id = calloc(n_ch ? n_ch : 1, sizeof *r->new_id);
    if (!r->removed || !r->new_x || !r->new_y || !r->new_cap || !r->new_id)
        return px__error(ctx, PX_ENOMEM, "out of memory");
    for (size_t k = 0; k < n_ch; k++) {
        const px_svc_change *c = &ch[k];
        if (c->kind == PX_SVC_ADD) {
            if (!isfinite(c->x) || !isfinite(c->y) || c->capacity < 0 || !isfinite(c->capacity))
                return px__error(ctx, PX_EARG, "services: change %zu: bad place or capacity", k + 1);
            r->new_x[r->n_new] = c->x;
            r->new_y[r->n_new] = c->y;
            r->new_cap[r->n_new] = c->capacity > 0 ? c->capacity : 1;
            r->new_id[r->n_new] = px__asprintf("new-%zu", r->rep.n_added + 1);
            if (!r->new_id[r->n_new]) return px__error(ctx, PX_ENOMEM, "out of memory");
            r->n_new++;
            r->rep.n_added++;
            continue;
        }
        if (c->kind != PX_SVC_CLOSE && c->kind != PX_SVC_MOVE)
            return px__error(ctx, PX_EINVAL, "services: change %zu: unknown kind", k + 1);
        if (!c->id) return px__error(ctx, PX_EARG, "services: change %zu: no service id", k + 1);
        size_t s = 0;
        px_status rc = find_service(ctx, &r->svc, c->id, cat, &s);
        if (rc != PX_OK) return rc;
        if (r->removed[s])
            return px__error(ctx, PX_EARG, "services: service '%s' is closed or moved twice", c->id);
        r->removed[s] = 1;
        if (c->kind == PX_SVC_CLOSE) {
            r->rep.n_closed++;
            continue;
        }
        if (!isfinite(c->x) || !isfinite(c->y))
            return px__error(ctx, PX_EARG, "services: change %zu: bad place", k + 1);
        r->new_x[r->n_new] = c->x;
        r->new_y[r->n_new] = c->y;
        r->new_cap[r->n_new] = r->svc.weight[s];
        r->new_id[r->n_new] = px__strdup(c->id);
        if (!r->new_id[r->n_new]) return px__error(ctx, PX_ENOMEM, "out of memory");
        r->n_new++;
        r->rep.n_moved++;
    }
    return PX_OK;
}

static void run_free(px__svc_run *r)
{
    for (int m = 0; m < PX_MODE_COUNT; m++) {
        free(r->change[m]);
        free(r->in_before[m]);
        free(r->in_after[m]);
    }
    for (size_t a = 0; r->new_id && a < r->n_new; a++) free(r->new_id[a]);
    free(r->new_id);
    free(r->removed);
    free(r->new_x);
    free(r->new_y);
    free(r->new_cap);
    px_layer_points_free(&r->svc);
    px_layer_points_free(&r->pop);
    px_layer_communes_free(r->com);
    px_graph_free(r->g);
}

px_status px_services_whatif(px_ctx *ctx, px_store *store, const px_svc_change *changes, size_t n_changes,
                             const px_whatif_options *opts, px_whatif_report *out)
{
    if (!ctx || !store || !opts || (n_changes && !changes))
        return px__error(ctx, PX_EINVAL, "px_services_whatif: NULL argument");
    if (!opts->category || !*opts->category)
        return px__error(ctx, PX_EARG, "services: give a category");
    px__svc_run r = {.ctx = ctx, .store = store};
    r.minutes = opts->minutes > 0 ? opts->minutes : 15;
    r.max_snap_m = opts->max_snap_m > 0 ? opts->max_snap_m : PX_LAYER_SNAP_M;
    r.category = opts->category;
    r.n_threads = opts->n_threads > 0 ? (opts->n_threads > 64 ? 64 : opts->n_threads) : 2;
    unsigned modes = opts->modes ? opts->modes : (1u << PX_MODE_WALK) | (1u << PX_MODE_BIKE);
    if (opts->minutes < 0 || opts->minutes > 600 || opts->max_snap_m < 0)
        return px__error(ctx, PX_EINVAL, "services: minutes must be in (0, 600], the snapping distance > 0");
    px_status rc = px_modes_check(ctx, "services", modes);
    if (rc != PX_OK) return rc;
    const char *keep[2] = {opts->category, NULL};
    rc = px_layer_services_read(ctx, store, NULL, keep, NULL, &r.svc);
    if (rc == PX_OK) rc = plan(&r, changes, n_changes, opts->category);
    if (rc == PX_OK) rc = px_graph_load(ctx, store, &r.g);
    if (rc == PX_OK) rc = px_layer_communes_read(ctx, store, 0, &r.com);
    if (rc == PX_OK) rc = px_layer_population_read(ctx, store, NULL, r.com, 0, &r.pop);
    r.rep.n_services = r.svc.n;
    for (int m = 0; rc == PX_OK && m < PX_MODE_COUNT; m++) {
        if (!((modes >> m) & 1)) continue;
        r.rep.run[m] = 1;
        r.change[m] = malloc(r.pop.n ? r.pop.n : 1);
        if (!r.change[m]) rc = px__error(ctx, PX_ENOMEM, "out of memory");
        if (rc == PX_OK) rc = run_mode(&r, (px_mode)m);
        if (rc == PX_OK) rc = px__progress(ctx, "services: what-if", (uint64_t)m + 1, PX_MODE_COUNT);
    }
    r.rep.n_change_searches = r.n_searches;
    if (rc == PX_OK) rc = px__svc_whatif_write(&r, opts->save_layer);
    if (rc == PX_OK && out) *out = r.rep;
    run_free(&r);
    return rc;
}
