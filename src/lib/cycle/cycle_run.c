/*
 * px_cycle_run: the cycle network analyses end to end. Reads the project,
 * evaluates coverage and connectivity, finds the low-stress islands, ranks
 * the missing links and, with planned links, evaluates the network again
 * with them; then writes every table in one transaction. The analyses are
 * in their own files; this one only sequences them and times the two that
 * the benchmark follows.
 */
#include "cycle_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Farthest a planned link's end may be from a network node. */
#define PLANNED_SNAP_M 100.0

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + t.tv_nsec / 1e9;
}

/* CPU time of the whole process (all threads): on a shared machine the wall
 * time says little, so the benchmark records both. */
static double cpu_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + t.tv_nsec / 1e9;
}

void px__ceval_clear(px__ceval *e)
{
    free(e->covered);
    px__cconn_clear(&e->conn);
    memset(e, 0, sizeof *e);
}

px_status px__cycle_evaluate(px_ctx *ctx, const px__cinput *in, const px__cparams *p, px__ceval *out)
{
    px__ceval e = {0};
    e.covered = calloc(in->n_origins + 1, 1);
    if (!e.covered) return px__error(ctx, PX_ENOMEM, "out of memory");
    px_status rc = px__cycle_coverage(ctx, in, p, e.covered);
    if (rc == PX_OK) rc = px__cycle_connectivity(ctx, in, p, &e.conn);
    if (rc != PX_OK) {
        px__ceval_clear(&e);
        return rc;
    }
    *out = e;
    return PX_OK;
}

static double covered_pop(const px__cinput *in, const uint8_t *covered)
{
    double s = 0;
    for (size_t o = 0; o < in->n_origins; o++)
        if (covered[o]) s += in->origins[o].pop;
    return s;
}

px_status px__cycle_report_fill(px_ctx *ctx, const px__cinput *in, const px__cresults *res, px_cycle_report *rep)
{
    const px__cgraph *g = in->g;
    for (size_t e = 0; e < res->n_edges_before_whatif; e++)
        rep->n_lts[g->e_lts[e] <= 4 ? g->e_lts[e] : 0]++;
    rep->n_edges = (int64_t)res->n_edges_before_whatif;
    rep->n_islands = (int64_t)res->isl.n;
    for (size_t o = 0; o < in->n_origins; o++)
        rep->population += in->origins[o].pop;
    rep->n_destinations = (int64_t)in->n_dests;
    rep->n_categories = (int64_t)in->n_cats;
    rep->covered_population = covered_pop(in, res->base.covered);
    double region;
    px_status rc = px__cycle_aggregate(ctx, in, res->base.conn.score, NULL, NULL, &region);
    if (rc != PX_OK) return rc;
    rep->score = isnan(region) ? -1 : region;
    rep->n_links = (int64_t)res->links.n;
    if (res->has_whatif) {
        rep->n_added = (int64_t)res->n_added;
        if ((rc = px__cycle_aggregate(ctx, in, res->whatif.conn.score, NULL, NULL, &region)) != PX_OK) return rc;
        rep->score_whatif = isnan(region) ? -1 : region;
        rep->covered_whatif = covered_pop(in, res->whatif.covered);
    }
    return PX_OK;
}

px_status px_cycle_run(px_ctx *ctx, px_store *store, const px_cycle_options *opts, px_cycle_report *report)
{
    if (!ctx || !store) return px__error(ctx, PX_EINVAL, "px_cycle_run: NULL argument");
    px__cparams p;
    px_status rc = px__cycle_params(ctx, opts, &p);
    if (rc != PX_OK) return rc;
    if (opts && (opts->part_n || opts->part_k)) {
        if (!(opts->part_n >= 1 && opts->part_n <= 10000 && opts->part_k >= 1 && opts->part_k <= opts->part_n))
            return px__error(ctx, PX_EINVAL, "cycle: part %d/%d: want K/N with 1 <= K <= N <= 10000", opts->part_k,
                             opts->part_n);
        return px__cycle_part_run(ctx, store, &p, opts, report);
    }
    px__cproject pr = {0};
    px__cresults res = {0};
    px_cycle_report rep = {.score = -1, .score_whatif = -1, .covered_whatif = -1};
    double tl = now_s();
    if ((rc = px__cproject_load(ctx, store, &p, opts, &pr)) != PX_OK) goto done;
    px__log(ctx, PX_LOG_INFO, "cycle: read the project in %.2f s", now_s() - tl);
    if (pr.n_unplaced)
        px__log(ctx, PX_LOG_WARN,
                "cycle: %lld population units (%.0f residents) farther than %.0f m from the network",
                (long long)pr.n_unplaced, pr.pop_unplaced, p.snap_m);
    px__cinput *in = &pr.in;

    if ((rc = px__cycle_islands(ctx, in, &p, &res.isl)) != PX_OK) goto done;
    double t0 = now_s(), c0 = cpu_s();
    if ((rc = px__cycle_evaluate(ctx, in, &p, &res.base)) != PX_OK) goto done;
    double t1 = now_s(), c1 = cpu_s();
    if ((rc = px__cycle_links(ctx, in, &p, &res.isl, &res.links)) != PX_OK) goto done;
    double t2 = now_s(), c2 = cpu_s();
    rep.seconds_connectivity = t1 - t0;
    rep.seconds_links = t2 - t1;
    rep.cpu_seconds_connectivity = c1 - c0;
    rep.cpu_seconds_links = c2 - c1;
    px__log(ctx, PX_LOG_INFO,
            "cycle: coverage and connectivity %.2f s (CPU %.2f s), missing links %.2f s (CPU %.2f s, %zu "
            "candidates)",
            t1 - t0, c1 - c0, t2 - t1, c2 - c1, res.links.n_candidates);

    res.n_edges_before_whatif = in->g->n_edges;
    if (opts && opts->add_links) {
        if ((rc = px__cycle_add_links(ctx, store, in, opts->add_links, PLANNED_SNAP_M, &res.n_added)) !=
            PX_OK)
            goto done;
        if ((rc = px__cycle_evaluate(ctx, in, &p, &res.whatif)) != PX_OK) goto done;
        res.has_whatif = 1;
    }

    double tw = now_s();
    if ((rc = px__cycle_write(ctx, store, &pr, &p, &res)) != PX_OK) goto done;
    px__log(ctx, PX_LOG_INFO, "cycle: wrote the result tables in %.2f s", now_s() - tw);

    if ((rc = px__cycle_report_fill(ctx, in, &res, &rep)) != PX_OK) goto done;
    if (report) *report = rep;
done:
    px__cislands_clear(&res.isl);
    px__ceval_clear(&res.base);
    px__ceval_clear(&res.whatif);
    px__clinks_clear(&res.links);
    px__cproject_clear(&pr);
    return rc;
}
