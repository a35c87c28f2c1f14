/*
 * `px_equity_run`: reads population, services and communes, snaps them to
 * the network, builds the supply-side catchments per mode and category,
 * runs 2SFCA and E2SFCA on the pairs, and hands the accessibility arrays to
 * equity_write.c, which computes the indicators and writes the tables in one
 * transaction. The (mode, category) runs are shared between n_threads
 * threads (default 2) over one read-only graph.
 */
#include "equity_run_int.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static px_status resolve_options(px_ctx *ctx, const px_equity_options *o, px__eq_run *run)
{
    px_equity_options d = {0};
    if (!o) o = &d;
    run->threshold_min = o->threshold_min > 0 ? o->threshold_min : 15.0;
    run->bands = o->bands ? o->bands : px_fca_default_bands(&run->n_bands);
    if (o->bands) run->n_bands = o->n_bands;
    run->modes = o->modes ? o->modes : (1u << PX_MODE_WALK) | (1u << PX_MODE_BIKE);
    run->underserved_share = o->underserved_share > 0 ? o->underserved_share : 0.5;
    run->snap_max_m = o->snap_max_m > 0 ? o->snap_max_m : PX_LAYER_SNAP_M;
    run->n_threads = o->n_threads > 0 ? (o->n_threads > 16 ? 16 : o->n_threads) : 2;
    if (o->threshold_min < 0 || o->underserved_share < 0 || o->snap_max_m < 0 ||
        !isfinite(o->threshold_min) || o->n_threads < 0)
        return px__error(ctx, PX_EDOMAIN, "equity: threshold, share and snapping distance must be positive");
    px_status rc = px_modes_check(ctx, "equity", run->modes);
    if (rc != PX_OK) return rc;
    if (run->n_bands == 0) return px__error(ctx, PX_EINVAL, "equity: no decay band");
    for (size_t b = 0; b < run->n_bands; b++)
        if (!(run->bands[b].weight >= 0 && run->bands[b].weight <= 1) || !(run->bands[b].max_minutes > 0) ||
            (b > 0 && run->bands[b].max_minutes <= run->bands[b - 1].max_minutes))
            return px__error(ctx, PX_EDOMAIN, "equity: band %zu: maxima must ascend and weights lie in 0..1",
                             b + 1);
    run->cutoff_s = 60.0 * fmax(run->threshold_min, run->bands[run->n_bands - 1].max_minutes);
    return PX_OK;
}

static px_status read_inputs(px__eq_run *run, const px_equity_options *o)
{
    px_ctx *ctx = run->ctx;
    /* Services first: an unknown category asked is PX_EARG before any work. */
    const char **keep = NULL;
    if (o && o->categories) {
        keep = calloc(o->n_categories + 1, sizeof *keep);
        if (!keep) return px__error(ctx, PX_ENOMEM, "out of memory");
        for (size_t i = 0; i < o->n_categories; i++) keep[i] = o->categories[i];
    }
    px_status rc = px_layer_communes_read(ctx, run->store, 1, &run->com);
    if (rc == PX_OK) rc = px_layer_services_read(ctx, run->store, NULL, keep, run->com, &run->svc);
    free(keep);
    if (rc == PX_OK) rc = px_layer_population_read(ctx, run->store, NULL, run->com, PX_LAYER_WITH_IDS, &run->pop);
    if (rc != PX_OK) return rc;
    run->cats = run->svc.cats;
    run->n_cats = run->svc.n_cat;
    if (run->n_cats == 0) return px__error(ctx, PX_EDOMAIN, "services: no service has a category");
    if (run->pop.n == 0) return px__error(ctx, PX_EDOMAIN, "population: no population unit with a geometry");
    double total = 0;
    for (size_t i = 0; i < run->pop.n; i++) total += run->pop.weight[i];
    if (!(total > 0)) return px__error(ctx, PX_EDOMAIN, "population: every count is zero or missing");
    /* Origins outside every commune form one extra group, so that Theil's
     * decomposition still covers everyone. */
    run->n_groups = run->com->n + 1;
    run->group = malloc(run->pop.n * sizeof *run->group);
    if (!run->group) return px__error(ctx, PX_ENOMEM, "out of memory");
    for (size_t i = 0; i < run->pop.n; i++) {
        int k = run->pop.commune[i];
        run->group[i] = k >= 0 ? (uint32_t)k : (uint32_t)run->com->n;
        if ((i & 0x3fff) == 0 &&
            (rc = px__progress(ctx, "locate origins in communes", i, run->pop.n)) != PX_OK)
            return rc;
    }
    return PX_OK;
}

/* Buffers of one worker thread. */
typedef struct worker_buf {
    px_snap *sup_snap;
    uint32_t *sup_idx;
    double *sup_cap, *acc, *ratio;
    px__pairs pairs;
    px__catch *catchment;
    int catchment_mode; /* index in mode_list of the catchment, -1 none */
} worker_buf;

/* What the workers share. Jobs are (mode, category) pairs, mode-major, taken
 * from an atomic counter; each thread keeps one catchment for its current
 * mode. Only the calling thread reports progress and sets errors: a px_ctx
 * is not thread-safe, so helpers work with a NULL context and leave their
 * status in job_rc. */
typedef struct shared {
    px__eq_run *run;
    const px_snap *snaps; /* [m * n + i] */
    const uint8_t *ok;    /* [m * n + i] */
    size_t n_jobs;
    atomic_size_t next, done;
    px_status *job_rc;
    size_t *job_pairs;
} shared;

/* Both methods for one mode and category: catchments, then px_fca twice.
 * `ctx` is the run's context on the calling thread, NULL on helpers. */
static px_status run_category(shared *sh, px_ctx *ctx, size_t m, size_t c, worker_buf *wb)
{
    px__eq_run *run = sh->run;
    px_mode mode = (px_mode)run->mode_list[m];
    size_t ns = 0, n_off = 0, n = run->pop.n, ns_owned = 0;
    for (size_t j = 0; j < run->svc.n; j++) {
        if (run->svc.cat[j] != (int32_t)c) continue;
        px_snap s;
        /* A split run counts only the services its part owns (each is
         * counted by exactly one part); a whole run owns them all. */
        int owned = !run->svc_owned || run->svc_owned[j];
        if (px_graph_snap(NULL, run->g, mode, run->svc.x[j], run->svc.y[j], run->snap_max_m, &s) != PX_OK) {
            n_off += (size_t)owned;
            continue;
        }
        ns_owned += (size_t)owned;
        wb->sup_snap[ns] = s;
        wb->sup_idx[ns] = (uint32_t)j;
        wb->sup_cap[ns] = run->svc.weight[j];
        ns++;
    }
    px_status rc = PX_OK;
    if (wb->catchment_mode != (int)m) {
        px__catch_free(wb->catchment);
        wb->catchment = NULL;
        wb->catchment_mode = (int)m;
        rc = px__catch_new(ctx, run->g, mode, &sh->snaps[m * n], &sh->ok[m * n], n, NULL, &wb->catchment);
    }
    wb->pairs.n = 0;
    for (size_t k = 0; k < ns && rc == PX_OK; k++) {
        rc = px__catch_supply(wb->catchment, &wb->sup_snap[k], run->cutoff_s, (uint32_t)k, &wb->pairs);
        if (rc == PX_OK && (k & 0xff) == 0 && px__cancelled(run->ctx)) rc = PX_ECANCELLED;
    }
    if (rc != PX_OK) return rc;
    size_t unreached = 0;
    const px_decay_band one = {run->threshold_min, 1.0};
    size_t base = (m * run->n_cats + c) * 2;
    double *a2 = wb->acc, *ae = wb->acc + n;
    /* A part of a split run may have no resident near it at all. */
    static const double no_demand = 0;
    const double *demand = run->pop.weight ? run->pop.weight : &no_demand;
    rc = px_fca(ctx, demand, n, wb->sup_cap, ns, wb->pairs.v, wb->pairs.n, &one, 1,
                run->svc_owned ? wb->ratio : NULL, a2, &unreached);
    if (rc == PX_OK && run->svc_owned) {
        unreached = 0;
        for (size_t k = 0; k < ns; k++) unreached += run->svc_owned[wb->sup_idx[k]] && !(wb->ratio[k] > 0);
    }
    if (rc == PX_OK)
        rc = px_fca(ctx, demand, n, wb->sup_cap, ns, wb->pairs.v, wb->pairs.n, run->bands,
                    run->n_bands, NULL, ae, NULL);
    if (rc != PX_OK) return rc;
    for (size_t i = 0; i < n; i++) {
        /* Ratios per 1,000 residents read better than per resident. */
        run->acc[(base + 0) * n + i] = (float)(a2[i] * 1000.0);
        run->acc[(base + 1) * n + i] = (float)(ae[i] * 1000.0);
    }
    run->n_supplies[m * run->n_cats + c] = (run->svc_owned ? ns_owned : ns) + n_off;
    run->n_unreached[m * run->n_cats + c] = unreached + n_off;
    return PX_OK;
}

static void work(shared *sh, px_ctx *ctx)
{
    px__eq_run *run = sh->run;
    size_t nsv = run->svc.n ? run->svc.n : 1;
    worker_buf wb = {.catchment_mode = -1};
    wb.sup_snap = malloc(nsv * sizeof *wb.sup_snap);
    wb.sup_idx = malloc(nsv * sizeof *wb.sup_idx);
    wb.sup_cap = malloc(nsv * sizeof *wb.sup_cap);
    wb.acc = malloc(2 * (run->pop.n ? run->pop.n : 1) * sizeof *wb.acc);
    wb.ratio = malloc(nsv * sizeof *wb.ratio);
    int oom = !wb.sup_snap || !wb.sup_idx || !wb.sup_cap || !wb.acc || !wb.ratio;
    for (;;) {
        size_t j = atomic_fetch_add(&sh->next, 1);
        if (j >= sh->n_jobs) break;
        px_status rc = oom ? PX_ENOMEM : run_category(sh, ctx, j / run->n_cats, j % run->n_cats, &wb);
        sh->job_rc[j] = rc;
        sh->job_pairs[j] = wb.pairs.n;
        size_t done = atomic_fetch_add(&sh->done, 1) + 1;
        if (ctx && px__progress(ctx, "equity catchments", done, sh->n_jobs) != PX_OK)
            sh->job_rc[j] = PX_ECANCELLED;
    }
    px__catch_free(wb.catchment);
    free(wb.sup_snap);
    free(wb.sup_idx);
    free(wb.sup_cap);
    free(wb.acc);
    free(wb.ratio);
    free(wb.pairs.v);
}

static void *helper(void *arg)
{
    work(arg, NULL);
    return NULL;
}

static px_status run_all(px__eq_run *run)
{
    px_ctx *ctx = run->ctx;
    size_t n = run->pop.n, nm = run->n_modes;
    shared sh = {.run = run, .n_jobs = nm * run->n_cats};
    px_snap *snaps = malloc(nm * n * sizeof *snaps);
    uint8_t *ok = malloc(nm * n), *unsnapped = calloc(n, 1);
    sh.job_rc = calloc(sh.n_jobs, sizeof *sh.job_rc);
    sh.job_pairs = calloc(sh.n_jobs, sizeof *sh.job_pairs);
    if (!snaps || !ok || !unsnapped || !sh.job_rc || !sh.job_pairs) {
        free(snaps);
        free(ok);
        free(unsnapped);
        free(sh.job_rc);
        free(sh.job_pairs);
        return px__error(ctx, PX_ENOMEM, "out of memory");
    }
    for (size_t m = 0; m < nm; m++) {
        px__snap_points(run->g, (px_mode)run->mode_list[m], &run->pop, run->snap_max_m, &snaps[m * n],
                        &ok[m * n], NULL);
        for (size_t i = 0; i < n; i++)
            unsnapped[i] |= !ok[m * n + i];
    }
    for (size_t i = 0; i < n; i++)
        run->report.n_unsnapped += unsnapped[i];
    sh.snaps = snaps;
    sh.ok = ok;
    atomic_init(&sh.next, 0);
    atomic_init(&sh.done, 0);
    pthread_t th[16];
    int n_started = 0;
    for (int t = 1; t < run->n_threads && t < 16; t++)
        if (pthread_create(&th[n_started], NULL, helper, &sh) == 0) n_started++; /* fewer threads is fine */
    work(&sh, ctx);
    for (int t = 0; t < n_started; t++)
        pthread_join(th[t], NULL);
    px_status rc = PX_OK;
    for (size_t j = 0; j < sh.n_jobs; j++) {
        run->report.n_pairs += sh.job_pairs[j];
        if (rc == PX_OK && sh.job_rc[j] != PX_OK) {
            rc = sh.job_rc[j];
            /* A helper's failure has no message yet: name the run. */
            if (px_ctx_errcode(ctx) != rc)
                px__error(ctx, rc, "equity: %s, %s: %s",
                          px_mode_name((px_mode)run->mode_list[j / run->n_cats]), run->cats[j % run->n_cats],
                          px_strerror(rc));
        }
    }
    free(snaps);
    free(ok);
    free(unsnapped);
    free(sh.job_rc);
    free(sh.job_pairs);
    return rc;
}

static void run_free(px__eq_run *run)
{
    px_layer_points_free(&run->pop);
    px_layer_points_free(&run->svc);
    px_layer_communes_free(run->com);
    free(run->group);
    free(run->acc);
    free(run->n_supplies);
    free(run->n_unreached);
    free(run->svc_owned);
    free(run->pop_owned);
    px_graph_free(run->own_graph);
    px_store_close(run->ro);
}

px_status px_equity_run(px_ctx *ctx, px_store *store, const px_graph *graph, const px_equity_options *opts,
                        px_equity_report *report)
{
    int split = opts && (opts->part_n || opts->part_k);
    if (!store || (!graph && !split)) return px__error(ctx, PX_EINVAL, "px_equity_run: NULL argument");
    px__eq_run run = {.ctx = ctx, .store = store, .g = graph};
    px_status rc = resolve_options(ctx, opts, &run);
    if (rc == PX_OK && split) {
        if (!(opts->part_n >= 1 && opts->part_n <= 10000 && opts->part_k >= 1 && opts->part_k <= opts->part_n))
            rc = px__error(ctx, PX_EINVAL, "equity: part %d/%d: want K/N with 1 <= K <= N <= 10000", opts->part_k,
                           opts->part_n);
        run.part_k = opts->part_k;
        run.part_n = opts->part_n;
    }
    double t0 = seconds();
    if (rc == PX_OK) rc = split ? px__equity_part_inputs(&run, opts) : read_inputs(&run, opts);
    double t1 = seconds();
    if (rc != PX_OK) goto done;
    for (int m = 0; m < PX_MODE_COUNT; m++)
        if (run.modes & (1u << m)) run.mode_list[run.n_modes++] = m;
    size_t runs = run.n_modes * run.n_cats;
    run.acc = malloc(runs * 2 * run.pop.n * sizeof *run.acc);
    run.n_supplies = calloc(runs, sizeof *run.n_supplies);
    run.n_unreached = calloc(runs, sizeof *run.n_unreached);
    if (!run.acc || !run.n_supplies || !run.n_unreached) {
        rc = px__error(ctx, PX_ENOMEM, "out of memory (%zu origins x %zu runs)", run.pop.n, runs);
        goto done;
    }
    run.report.n_origins = run.pop.n;
    run.report.n_communes = run.com ? run.com->n : 0;
    run.report.n_categories = run.n_cats;
    run.report.n_services = run.svc.n;
    for (size_t i = 0; i < run.pop.n; i++)
        run.report.population += run.pop.weight[i];
    rc = run_all(&run);
    double t2 = seconds();
    if (rc == PX_OK) rc = split ? px__equity_part_write(&run) : px__equity_write(&run);
    /* Phase timings for benchmarks (--verbose). */
    px__log(ctx, PX_LOG_DEBUG,
            "equity: read and locate %.2f s, snap and catchments %.2f s, indicators and tables %.2f s",
            t1 - t0, t2 - t1, seconds() - t2);
    if (rc == PX_OK && report) *report = run.report;
done:
    run_free(&run);
    return rc;
}
