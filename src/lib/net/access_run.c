/*
 * px_access_run: load the graph and the inputs, snap the origins (per mode),
 * then run one job per (mode, category): snap that category's destinations,
 * one bounded multi-source search on the reverse graph seeded at them (the
 * k-nearest search when --nth asks for it), and read every origin's minutes
 * off the node costs, partial edges and same-edge destinations counted.
 * Jobs are shared between threads through an atomic counter; the calling
 * thread works too and is the only one that reports progress (a px_ctx is
 * not thread-safe). Writing the tables is access_write.c.
 */
#include "access_int.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct shared {
    px_ctx *ctx;
    const px_graph *g;
    const px_points *orig;
    const px__dests *dests;
    px__access_res *res;
    px_snap *osnap[PX_MODE_COUNT]; /* per origin; edge -1 when not snapped */
    int n_jobs;
    int job_mode[64 * PX_MODE_COUNT];
    int job_cat[64 * PX_MODE_COUNT];
    atomic_int next_job;
    atomic_int n_done;
    atomic_int stop;          /* set on error or cancellation */
    atomic_int status;        /* first error status */
    atomic_llong dest_unsnapped[PX_MODE_COUNT];
    atomic_size_t snap_next;  /* phase 1: next origin chunk */
} shared;

#define SNAP_CHUNK 8192

static void snap_origins(shared *sh)
{
    size_t n = sh->orig->n;
    for (;;) {
        size_t lo = atomic_fetch_add(&sh->snap_next, SNAP_CHUNK);
        if (lo >= n || atomic_load(&sh->stop)) break;
        size_t hi = lo + SNAP_CHUNK < n ? lo + SNAP_CHUNK : n;
        for (int m = 0; m < PX_MODE_COUNT; m++) {
            if (!sh->res->modes[m]) continue;
            for (size_t i = lo; i < hi; i++) {
                px_snap s;
                if (px_graph_snap(NULL, sh->g, (px_mode)m, sh->orig->x[i], sh->orig->y[i],
                                  sh->res->o.max_snap_m, &s) == PX_OK) {
                    sh->osnap[m][i] = s;
                    sh->res->snap_m[m][i] = (float)s.distance_m;
                } else {
                    sh->osnap[m][i] = (px_snap){-1, 0, 0};
                    sh->res->snap_m[m][i] = NAN;
                }
            }
        }
    }
}

/* One (mode, category) job with the thread's own buffers. */
static px_status run_job(shared *sh, int j, double *cost, int32_t *src)
{
    px_mode m = (px_mode)sh->job_mode[j];
    size_t c = (size_t)sh->job_cat[j];
    const px__dests *d = sh->dests;
    const px_graph *g = sh->g;
    px__access_res *res = sh->res;
    size_t k = res->o.nth > 1 ? (size_t)res->o.nth : 1;
    double cutoff_s = res->o.cutoff_minutes * 60.0;
    size_t n_src = d->start[c + 1] - d->start[c];
    px_snap *srcs = malloc((n_src ? n_src : 1) * sizeof *srcs);
    if (!srcs) return PX_ENOMEM;
    size_t ns = 0;
    for (size_t i = d->start[c]; i < d->start[c + 1]; i++)
        if (px_graph_snap(NULL, g, m, d->xy[2 * i], d->xy[2 * i + 1], res->o.max_snap_m, &srcs[ns]) == PX_OK) ns++;
    atomic_fetch_add(&sh->dest_unsnapped[m], (long long)(n_src - ns));
    px_snap_sort(srcs, NULL, ns);
    px_status rc = k > 1 ? px_graph_search_k(g, m, PX_DIR_TO_SOURCES, srcs, ns, k, cutoff_s, NULL, cost, src)
                         : px_graph_search(g, m, PX_DIR_TO_SOURCES, srcs, ns, cutoff_s, NULL, cost);
    if (rc == PX_OK) {
        float *mn = res->min[m] + c * res->n_orig;
        float *nt = res->nth[m] ? res->nth[m] + c * res->n_orig : NULL;
        const px_snap *os = sh->osnap[m];
        double kc[16];
        for (size_t i = 0; i < res->n_orig; i++) {
            if (os[i].edge < 0) {
                mn[i] = NAN;
                if (nt) nt[i] = NAN;
                continue;
            }
            if (k > 1) {
                px_graph_cost_at_k(g, m, PX_DIR_TO_SOURCES, cost, src, srcs, ns, k, cutoff_s, NULL, &os[i], kc);
                mn[i] = isfinite(kc[0]) ? (float)(kc[0] / 60.0) : NAN;
                nt[i] = isfinite(kc[k - 1]) ? (float)(kc[k - 1] / 60.0) : NAN;
            } else {
                double s = px_graph_cost_at(g, m, PX_DIR_TO_SOURCES, cost, srcs, ns, cutoff_s, NULL, &os[i]);
                mn[i] = isfinite(s) ? (float)(s / 60.0) : NAN;
            }
        }
    }
    free(srcs);
    return rc;
}

static void fail(shared *sh, px_status rc)
{
    int expected = PX_OK;
    atomic_compare_exchange_strong(&sh->status, &expected, (int)rc);
    atomic_store(&sh->stop, 1);
}

/* Worker loop; `is_main` reports progress and watches for cancellation. */
static void work(shared *sh, int is_main)
{
    size_t k = sh->res->o.nth > 1 ? (size_t)sh->res->o.nth : 1;
    size_t nn = px_graph_n_nodes(sh->g);
    double *cost = px__alloc_big((nn ? nn : 1) * k * sizeof *cost);
    int32_t *src = k > 1 ? malloc((nn ? nn : 1) * k * sizeof *src) : NULL;
    if (!cost || (k > 1 && !src)) {
        fail(sh, PX_ENOMEM);
        goto done;
    }
    for (;;) {
        if (atomic_load(&sh->stop)) break;
        if (is_main && px__progress(sh->ctx, "access: searches", (uint64_t)atomic_load(&sh->n_done),
                                    (uint64_t)sh->n_jobs) != PX_OK) {
            fail(sh, PX_ECANCELLED);
            break;
        }
        int j = atomic_fetch_add(&sh->next_job, 1);
        if (j >= sh->n_jobs) break;
        px_status rc = run_job(sh, j, cost, src);
        if (rc != PX_OK) {
            fail(sh, rc);
            break;
        }
        atomic_fetch_add(&sh->n_done, 1);
    }
done:
    free(cost);
    free(src);
}

static void *thread_search(void *arg)
{
    work(arg, 0);
    return NULL;
}

static void *thread_snap(void *arg)
{
    snap_origins(arg);
    return NULL;
}

/* Run `fn` on up to n_threads - 1 helper threads and `main_fn` here; join. */
static void run_phase(shared *sh, int n_threads, void *(*fn)(void *), void (*main_fn)(shared *))
{
    pthread_t th[64];
    int n_started = 0;
    for (int t = 1; t < n_threads; t++) {
        if (pthread_create(&th[n_started], NULL, fn, sh) != 0) break; /* fewer threads is fine */
        n_started++;
    }
    main_fn(sh);
    for (int t = 0; t < n_started; t++) pthread_join(th[t], NULL);
}

static void work_main(shared *sh) { work(sh, 1); }

/* The graph, loaded on a helper thread with a context and a read-only
 * connection of its own (a px_ctx and its SQLite handle are not shared
 * between threads) while the calling thread reads the other inputs. */
typedef struct graph_task {
    const char *path;
    unsigned parts;
    px_graph *g;
    px_status rc;
    char *errmsg; /* when rc != PX_OK */
} graph_task;

static void *thread_graph(void *arg)
{
    graph_task *t = arg;
    px_ctx *ctx = NULL;
    px_store *store = NULL;
    if ((t->rc = px_ctx_new(&ctx)) != PX_OK) return NULL;
    t->rc = px_store_open(ctx, t->path, 1, &store);
    if (t->rc == PX_OK) t->rc = px__graph_load_arrays(ctx, store, &t->g);
    px_store_close(store);
    if (t->rc == PX_OK && (t->rc = px__graph_index(t->g, t->parts, 1)) != PX_OK) {
        char *shown = px_store_redact(t->path); /* t->path may hold a password */
        px__error(ctx, t->rc, "%s: network: %s", shown ? shown : "project",
                  t->rc == PX_EINVAL ? "an edge has a node out of range" : "out of memory");
        free(shown);
    }
    if (t->rc != PX_OK) t->errmsg = px__strdup(px_ctx_errmsg(ctx));
    px_ctx_free(ctx);
    return NULL;
}

/* Destinations grouped by category (a counting sort, stable: input order
 * is kept within a category). Names borrowed from `svc`. */
static px_status dests_group(px_ctx *ctx, const px_points *svc, px__dests *d)
{
    d->n_cat = svc->n_cat;
    d->cat = svc->cats;
    d->col = svc->cat_cols;
    d->start = calloc(svc->n_cat + 2, sizeof *d->start);
    d->xy = malloc(2 * (svc->n ? svc->n : 1) * sizeof *d->xy);
    size_t *count = calloc(svc->n_cat + 1, sizeof *count);
    if (!d->start || !d->xy || !count) {
        free(count);
        return px__error(ctx, PX_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < svc->n; i++) d->start[svc->cat[i] + 1]++;
    for (size_t c = 0; c < svc->n_cat; c++) d->start[c + 1] += d->start[c];
    for (size_t i = 0; i < svc->n; i++) {
        size_t at = d->start[svc->cat[i]] + count[svc->cat[i]]++;
        d->xy[2 * at] = svc->x[i];
        d->xy[2 * at + 1] = svc->y[i];
    }
    d->n = svc->n;
    free(count);
    return PX_OK;
}

static px_status resolve(px_ctx *ctx, const px_access_options *in, px__access_res *res)
{
    px_access_options o = in ? *in : (px_access_options){0};
    if (o.modes == 0) o.modes = (1u << PX_MODE_WALK) | (1u << PX_MODE_BIKE);
    px_status rc = px_modes_check(ctx, "access", o.modes);
    if (rc != PX_OK) return rc;
    if (o.minutes == 0) o.minutes = 15;
    if (!(o.minutes > 0) || o.minutes > 600) return px__error(ctx, PX_EINVAL, "access: minutes must be in (0, 600]");
    if (o.cutoff_minutes == 0) o.cutoff_minutes = fmax(2 * o.minutes, 30);
    if (!(o.cutoff_minutes >= o.minutes) || o.cutoff_minutes > 1440)
        return px__error(ctx, PX_EINVAL, "access: the cutoff must be at least the threshold (and at most 1440 min)");
    if (o.nth < 0 || o.nth > 16) return px__error(ctx, PX_EINVAL, "access: nth must be 1..16");
    if (o.nth == 1) o.nth = 0;
    if (o.max_snap_m == 0) o.max_snap_m = PX_LAYER_SNAP_M;
    if (!(o.max_snap_m > 0)) return px__error(ctx, PX_EINVAL, "access: the snapping distance must be > 0");
    if (o.n_threads <= 0) o.n_threads = 2;
    if (o.n_threads > 64) o.n_threads = 64;
    if (!o.origins) o.origins = "population";
    if ((o.part_n != 0 || o.part_k != 0) && !(o.part_n >= 1 && o.part_n <= 10000 && o.part_k >= 1 && o.part_k <= o.part_n))
        return px__error(ctx, PX_EINVAL, "access: part %d/%d: want K/N with 1 <= K <= N <= 10000", o.part_k, o.part_n);
    res->o = o;
    for (int m = 0; m < PX_MODE_COUNT; m++) res->modes[m] = (o.modes >> m) & 1;
    return PX_OK;
}

static void res_free(px__access_res *r)
{
    for (int m = 0; m < PX_MODE_COUNT; m++) {
        free(r->min[m]);
        free(r->nth[m]);
        free(r->snap_m[m]);
    }
}

px_status px_access_run(px_ctx *ctx, px_store *store, const px_access_options *opts, px_access_report *out)
{
    if (!ctx || !store) return px__error(ctx, PX_EINVAL, "px_access_run: NULL argument");
    px__access_res res = {0};
    px_status rc = resolve(ctx, opts, &res);
    if (rc != PX_OK) return rc;
    px_graph *g = NULL;
    px_communes *com = NULL;
    px_points orig = {0}, svc = {0};
    px__dests dests = {0};
    shared *sh = NULL;
    px_access_report rep = {0};
    px_store *ro = NULL;
    graph_task gt = {0};
    double t0 = px__now();
    if (res.o.part_n > 0) {
        /* A split run reads through a read-only connection of its own, so
         * that no lock is held while it computes: parts run side by side. */
        rc = px_store_open(ctx, px_store_location(store), 1, &ro);
        if (rc == PX_OK) rc = px__access_part_inputs(ctx, ro, &res, &com, &orig, &svc, &g, &rep);
        if (rc == PX_OK) rc = dests_group(ctx, &svc, &dests);
        if (rc != PX_OK) goto done;
        goto inputs_ready;
    }
    /* The destinations first: an unknown category in the options is a usage
     * error (PX_EARG) found before any other work. */
    rc = px_layer_services_read(ctx, store, res.o.layers, res.o.categories, NULL, &svc);
    if (rc != PX_OK) goto done;
    if (!px_store_has_table(store, "net_nodes") || !px_store_has_table(store, "net_edges")) {
        rc = px__error(ctx, PX_ENOTFOUND, "%s: no network: run `proxima network` first", px_store_path(store));
        goto done;
    }
    /* The graph (with only the reverse adjacency of the modes run, and the
     * snapping grid) loads on a helper thread while this one reads the
     * origins and destinations: the two share no data. */
    gt = (graph_task){px_store_location(store), PX__INDEX_GRID, NULL, PX_OK, NULL};
    for (int m = 0; m < PX_MODE_COUNT; m++)
        if (res.modes[m]) gt.parts |= PX__INDEX_CSR((px_mode)m, PX_DIR_TO_SOURCES);
    /* The network is an input of the results; noting it takes this command's
     * snapshot of the project before the helper's own connection reads it. */
    rc = px_store_note_input(store, "net_nodes");
    if (rc == PX_OK) rc = px_store_note_input(store, "net_edges");
    if (rc != PX_OK) goto done;
    pthread_t loader;
    int loading = pthread_create(&loader, NULL, thread_graph, &gt) == 0;
    if (!loading) thread_graph(&gt);
    rc = px_layer_communes_read(ctx, store, 0, &com);
    if (rc == PX_OK) rc = px_layer_population_read(ctx, store, res.o.origins, com, 0, &orig);
    px__log(ctx, PX_LOG_DEBUG, "access: origins read at %.3f s (cpu %.3f s)", px__now() - t0, px__cpu_now());
    if (rc == PX_OK) rc = dests_group(ctx, &svc, &dests);
    if (loading) pthread_join(loader, NULL);
    g = gt.g;
    px__log(ctx, PX_LOG_DEBUG, "access: destinations read, graph ready at %.3f s (cpu %.3f s)", px__now() - t0,
            px__cpu_now());
    if (rc == PX_OK && gt.rc != PX_OK)
        rc = px__error(ctx, gt.rc, "%s", gt.errmsg ? gt.errmsg : "network: cannot load the graph");
    free(gt.errmsg);
    if (rc != PX_OK) goto done;
inputs_ready:
    if (dests.n_cat == 0) {
        rc = px__error(ctx, PX_ENOTFOUND, "%s: no destination in the opportunity layers", px_store_path(store));
        goto done;
    }
    if (dests.n_cat > 64) {
        rc = px__error(ctx, PX_EDOMAIN, "access: %zu categories: at most 64 per run", dests.n_cat);
        goto done;
    }
    for (size_t c = 0; c < dests.n_cat; c++) {
        if (strlen(dests.col[c]) > 40) {
            rc = px__error(ctx, PX_EDOMAIN, "access: category '%s': name too long for a column", dests.cat[c]);
            goto done;
        }
        for (size_t c2 = 0; c2 < c; c2++)
            if (!strcmp(dests.col[c], dests.col[c2])) {
                rc = px__error(ctx, PX_EDOMAIN, "access: categories '%s' and '%s' give the same column name",
                               dests.cat[c2], dests.cat[c]);
                goto done;
            }
        size_t n_c = (size_t)(dests.start[c + 1] - dests.start[c]);
        snprintf(rep.category[c], sizeof rep.category[c], "%s", dests.col[c]);
        rep.n_category_destinations[c] = (int64_t)n_c;
        if (n_c == 0)
            px__log(ctx, PX_LOG_WARN, "access: no destination of category '%s': its minutes are all NULL",
                    dests.cat[c]);
        else if (n_c < PX_ACCESS_THIN_DESTINATIONS)
            px__log(ctx, PX_LOG_WARN,
                    "access: category '%s' has only %zu destination(s): its quarter-hour shares rest on very few "
                    "places",
                    dests.cat[c], n_c);
    }
    res.n_cat = dests.n_cat;
    res.n_orig = orig.n;
    sh = calloc(1, sizeof *sh);
    if (!sh) {
        rc = px__error(ctx, PX_ENOMEM, "out of memory");
        goto done;
    }
    *sh = (shared){.ctx = ctx, .g = g, .orig = &orig, .dests = &dests, .res = &res};
    size_t no = orig.n ? orig.n : 1;
    for (int m = 0; m < PX_MODE_COUNT; m++) {
        if (!res.modes[m]) continue;
        res.min[m] = malloc(no * res.n_cat * sizeof(float));
        res.nth[m] = res.o.nth > 1 ? malloc(no * res.n_cat * sizeof(float)) : NULL;
        res.snap_m[m] = malloc(no * sizeof(float));
        sh->osnap[m] = malloc(no * sizeof(px_snap));
        if (!res.min[m] || (res.o.nth > 1 && !res.nth[m]) || !res.snap_m[m] || !sh->osnap[m]) {
            rc = px__error(ctx, PX_ENOMEM, "out of memory");
            goto done;
        }
        for (size_t c = 0; c < res.n_cat; c++) {
            sh->job_mode[sh->n_jobs] = m;
            sh->job_cat[sh->n_jobs] = (int)c;
            sh->n_jobs++;
        }
    }
    /* Phase 1 snaps the origins in chunks, phase 2 runs the searches: the
     * searches read every origin's snap, hence two phases. */
    run_phase(sh, res.o.n_threads, thread_snap, snap_origins);
    px__log(ctx, PX_LOG_DEBUG, "access: origins snapped at %.3f s (cpu %.3f s)", px__now() - t0, px__cpu_now());
    int n_threads = res.o.n_threads < sh->n_jobs ? res.o.n_threads : sh->n_jobs;
    run_phase(sh, n_threads, thread_search, work_main);
    px__log(ctx, PX_LOG_DEBUG, "access: %d searches done at %.3f s (cpu %.3f s)", sh->n_jobs, px__now() - t0, px__cpu_now());
    rc = (px_status)atomic_load(&sh->status);
    if (rc == PX_ECANCELLED) rc = px__error(ctx, PX_ECANCELLED, "access: cancelled");
    else if (rc != PX_OK) rc = px__error(ctx, rc, "access: search failed: %s", px_strerror(rc));
    if (rc != PX_OK) goto done;
    rep.n_origins = (int64_t)orig.n;
    rep.n_destinations = (int64_t)dests.n;
    rep.n_categories = (int)dests.n_cat;
    rep.n_communes = (int)com->n;
    for (int m = 0; m < PX_MODE_COUNT; m++) {
        rep.share_all[m] = NAN;
        rep.n_dest_unsnapped[m] = res.modes[m] ? atomic_load(&sh->dest_unsnapped[m]) : 0;
        if (!res.modes[m]) continue;
        if (rep.n_dest_unsnapped[m])
            px__log(ctx, PX_LOG_WARN, "access: %lld destination(s) farther than %.0f m from any %s edge: not used",
                    (long long)rep.n_dest_unsnapped[m], res.o.max_snap_m, px_mode_name((px_mode)m));
        for (size_t i = 0; i < orig.n; i++) rep.n_unsnapped[m] += sh->osnap[m][i].edge < 0;
        if (rep.n_unsnapped[m])
            px__log(ctx, PX_LOG_WARN, "access: %lld origin(s) farther than %.0f m from any %s edge: unreachable",
                    (long long)rep.n_unsnapped[m], res.o.max_snap_m, px_mode_name((px_mode)m));
    }
    for (size_t i = 0; i < orig.n; i++) rep.residents += orig.weight[i];
    if (res.o.part_n > 0) rc = px__access_part_write(ctx, store, ro, &orig, com, &dests, &res, &rep);
    else rc = px__access_write(ctx, store, &orig, com, &dests, &res, &rep);
    px__log(ctx, PX_LOG_DEBUG, "access: tables written at %.3f s (cpu %.3f s)", px__now() - t0, px__cpu_now());
    if (rc == PX_OK && out) *out = rep;
done:
    if (sh)
        for (int m = 0; m < PX_MODE_COUNT; m++) free(sh->osnap[m]);
    free(sh);
    res_free(&res);
    free(dests.start);
    free(dests.xy);
    px_layer_points_free(&svc);
    px_layer_points_free(&orig);
    px_layer_communes_free(com);
    px_graph_free(g);
    px_store_close(ro);
    return rc;
}
