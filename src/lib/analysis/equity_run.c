/*
 * `px_equity_run`: reads population, services and communes, snaps them to
 * the network, builds the supply-side catchments per mode and category,
 * runs 2SFCA and E2SFCA on the pairs, and hands the accessibility arrays to
 * equity_write.c, which computes the indicators and writes the tables in one
 * transaction. Runs are sequential: the machine this targets shares its
 * cores, and each catchment is small.
 */
#include "equity_run_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static px_status resolve_options(px_ctx *ctx, const px_equity_options *o, px__eq_run *run)
{
    px_equity_options d = {0};
    if (!o) o = &d;
    run->threshold_min = o->threshold_min > 0 ? o->threshold_min : 15.0;
    run->bands = o->bands ? o->bands : px_fca_default_bands(&run->n_bands);
    if (o->bands) run->n_bands = o->n_bands;
    run->modes = o->modes ? o->modes : (1u << PX_MODE_WALK) | (1u << PX_MODE_BIKE);
    run->underserved_share = o->underserved_share > 0 ? o->underserved_share : 0.5;
    run->snap_max_m = o->snap_max_m > 0 ? o->snap_max_m : 500.0;
    if (o->threshold_min < 0 || o->underserved_share < 0 || o->snap_max_m < 0 || !isfinite(o->threshold_min))
        return px__error(ctx, PX_EDOMAIN, "equity: threshold, share and snapping distance must be positive");
    if (run->modes >> PX_MODE_COUNT) return px__error(ctx, PX_EINVAL, "equity: unknown mode bit");
    if (run->n_bands == 0) return px__error(ctx, PX_EINVAL, "equity: no decay band");
    for (size_t b = 0; b < run->n_bands; b++)
        if (!(run->bands[b].weight >= 0 && run->bands[b].weight <= 1) || !(run->bands[b].max_minutes > 0) ||
            (b > 0 && run->bands[b].max_minutes <= run->bands[b - 1].max_minutes))
            return px__error(ctx, PX_EDOMAIN, "equity: band %zu: maxima must ascend and weights lie in 0..1", b + 1);
    run->cutoff_s = 60.0 * fmax(run->threshold_min, run->bands[run->n_bands - 1].max_minutes);
    return PX_OK;
}

static px_status read_inputs(px__eq_run *run, const px_equity_options *o)
{
    px_ctx *ctx = run->ctx;
    px_status rc = px__points_load(ctx, run->store, "population", "count", 0.0, NULL, &run->pop);
    if (rc == PX_OK) rc = px__points_load(ctx, run->store, "services", "capacity", 1.0, "category", &run->svc);
    if (rc == PX_OK) rc = px__an_communes_load(ctx, run->store, &run->com);
    if (rc != PX_OK) return rc;
    if (o && o->categories) {
        run->cats = calloc(o->n_categories ? o->n_categories : 1, sizeof *run->cats);
        if (!run->cats) return px__error(ctx, PX_ENOMEM, "out of memory");
        for (size_t i = 0; i < o->n_categories; i++) {
            if (!(run->cats[i] = px__strdup(o->categories[i]))) return px__error(ctx, PX_ENOMEM, "out of memory");
            run->n_cats = i + 1;
        }
    } else if ((rc = px__points_categories(ctx, &run->svc, &run->cats, &run->n_cats)) != PX_OK) {
        return rc;
    }
    if (run->n_cats == 0) return px__error(ctx, PX_EDOMAIN, "services: no service has a category");
    if (run->pop.n == 0) return px__error(ctx, PX_EDOMAIN, "population: no population unit with a geometry");
    /* Origins outside every commune form one extra group, so that Theil's
     * decomposition still covers everyone. */
    run->n_groups = run->com.n + 1;
    run->group = malloc(run->pop.n * sizeof *run->group);
    if (!run->group) return px__error(ctx, PX_ENOMEM, "out of memory");
    for (size_t i = 0; i < run->pop.n; i++) {
        int k = px__an_communes_locate(&run->com, run->pop.x[i], run->pop.y[i]);
        run->group[i] = k >= 0 ? (uint32_t)k : (uint32_t)run->com.n;
        if ((i & 0x3fff) == 0 && (rc = px__progress(ctx, "locate origins in communes", i, run->pop.n)) != PX_OK)
            return rc;
    }
    return PX_OK;
}

/* Both methods for one mode and category: catchments, then px_fca twice. */
static px_status run_category(px__eq_run *run, size_t m, size_t c, px__catch *catchment, px__pairs *pairs,
                              px_snap *sup_snap, uint32_t *sup_idx, double *sup_cap, double *acc)
{
    px_ctx *ctx = run->ctx;
    px_mode mode = (px_mode)run->mode_list[m];
    size_t ns = 0, n_off = 0;
    for (size_t j = 0; j < run->svc.n; j++) {
        if (!run->svc.cat[j] || strcmp(run->svc.cat[j], run->cats[c])) continue;
        px_snap s;
        if (px_graph_snap(NULL, run->g, mode, run->svc.x[j], run->svc.y[j], run->snap_max_m, &s) != PX_OK) {
            n_off++;
            continue;
        }
        sup_snap[ns] = s;
        sup_idx[ns] = (uint32_t)j;
        sup_cap[ns] = run->svc.weight[j];
        ns++;
    }
    pairs->n = 0;
    px_status rc = PX_OK;
    for (size_t k = 0; k < ns && rc == PX_OK; k++) {
        rc = px__catch_supply(catchment, &sup_snap[k], run->cutoff_s, (uint32_t)k, pairs);
        if (rc == PX_OK && (k & 0xff) == 0) rc = px__progress(ctx, "equity catchments", k, ns);
    }
    if (rc != PX_OK) return rc;
    run->report.n_pairs += pairs->n;
    size_t unreached = 0;
    const px_decay_band one = {run->threshold_min, 1.0};
    size_t base = (m * run->n_cats + c) * 2;
    double *a2 = acc, *ae = acc + run->pop.n;
    rc = px_fca(ctx, run->pop.weight, run->pop.n, sup_cap, ns, pairs->v, pairs->n, &one, 1, NULL, a2, &unreached);
    if (rc == PX_OK)
        rc = px_fca(ctx, run->pop.weight, run->pop.n, sup_cap, ns, pairs->v, pairs->n, run->bands, run->n_bands,
                    NULL, ae, NULL);
    if (rc != PX_OK) return rc;
    for (size_t i = 0; i < run->pop.n; i++) {
        /* Ratios per 1,000 residents read better than per resident. */
        run->acc[(base + 0) * run->pop.n + i] = (float)(a2[i] * 1000.0);
        run->acc[(base + 1) * run->pop.n + i] = (float)(ae[i] * 1000.0);
    }
    run->n_supplies[m * run->n_cats + c] = ns + n_off;
    run->n_unreached[m * run->n_cats + c] = unreached + n_off;
    return PX_OK;
}

static px_status run_all(px__eq_run *run)
{
    px_ctx *ctx = run->ctx;
    size_t n = run->pop.n, nsv = run->svc.n ? run->svc.n : 1;
    px_snap *snaps = malloc(n * sizeof *snaps);
    uint8_t *ok = malloc(n);
    px_snap *sup_snap = malloc(nsv * sizeof *sup_snap);
    uint32_t *sup_idx = malloc(nsv * sizeof *sup_idx);
    double *sup_cap = malloc(nsv * sizeof *sup_cap);
    double *acc = malloc(2 * n * sizeof *acc);
    uint8_t *unsnapped = calloc(n, 1);
    px__pairs pairs = {0};
    px_status rc = PX_OK;
    if (!snaps || !ok || !sup_snap || !sup_idx || !sup_cap || !acc || !unsnapped) {
        rc = px__error(ctx, PX_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t m = 0; m < run->n_modes && rc == PX_OK; m++) {
        size_t n_ok = 0;
        px__snap_points(run->g, (px_mode)run->mode_list[m], &run->pop, run->snap_max_m, snaps, ok, &n_ok);
        for (size_t i = 0; i < n; i++) unsnapped[i] |= !ok[i];
        px__catch *catchment = NULL;
        rc = px__catch_new(ctx, run->g, (px_mode)run->mode_list[m], snaps, ok, n, NULL, &catchment);
        for (size_t c = 0; c < run->n_cats && rc == PX_OK; c++)
            rc = run_category(run, m, c, catchment, &pairs, sup_snap, sup_idx, sup_cap, acc);
        px__catch_free(catchment);
    }
    for (size_t i = 0; i < n; i++) run->report.n_unsnapped += unsnapped[i];
done:
    free(snaps);
    free(ok);
    free(sup_snap);
    free(sup_idx);
    free(sup_cap);
    free(acc);
    free(unsnapped);
    free(pairs.v);
    return rc;
}

static void run_free(px__eq_run *run)
{
    px__points_free(&run->pop);
    px__points_free(&run->svc);
    px__an_communes_free(&run->com);
    px__strings_free(run->cats, run->n_cats);
    free(run->group);
    free(run->acc);
    free(run->n_supplies);
    free(run->n_unreached);
}

px_status px_equity_run(px_ctx *ctx, px_store *store, const px_graph *graph, const px_equity_options *opts,
                        px_equity_report *report)
{
    if (!store || !graph) return px__error(ctx, PX_EINVAL, "px_equity_run: NULL argument");
    px__eq_run run = {.ctx = ctx, .store = store, .g = graph};
    px_status rc = resolve_options(ctx, opts, &run);
    if (rc == PX_OK) rc = read_inputs(&run, opts);
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
    run.report.n_communes = run.com.n;
    run.report.n_categories = run.n_cats;
    run.report.n_services = run.svc.n;
    for (size_t i = 0; i < run.pop.n; i++) run.report.population += run.pop.weight[i];
    rc = run_all(&run);
    if (rc == PX_OK) rc = px__equity_write(&run);
    if (rc == PX_OK && report) *report = run.report;
done:
    run_free(&run);
    return rc;
}
