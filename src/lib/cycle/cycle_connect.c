/*
 * Low-stress connectivity in the manner of the PeopleForBikes Bicycle
 * Network Analysis. A destination counts for an origin when the shortest
 * bike route on all bikeable edges is within the biking distance, and it is
 * low-stress reachable when the route on edges of LTS <= max_low_stress is at
 * most detour_ratio times that shortest route. A category's score is the
 * share (0..100) of its reachable destinations that are low-stress
 * reachable; the origin's score is the weighted mean over the categories
 * that have at least one reachable destination.
 *
 * The work is done from the destinations: one reverse search per distinct
 * destination node on all edges and one on low-stress edges, each bounded,
 * adding to counters of the origin nodes reached. There are usually far
 * fewer destination nodes than origins, and searches split evenly across
 * threads, each with its own search state and counters summed at the end.
 * Not done here: the BNA's stepped scoring by absolute counts (a share is
 * used instead, which a planner can check by hand).
 */
#include "cycle_int.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

/* What every worker reads, and the counters each one owns. */
typedef struct job {
    const px__cinput *in;
    const px__cparams *p;
    const int32_t *dnodes; /* distinct destination nodes */
    const uint32_t *doff;  /* destination node k has categories dcat[doff[k] .. doff[k+1]) */
    const uint32_t *dcat;
    const uint32_t *dcnt; /* how many destinations of that category sit there */
    size_t n_dnodes;
    const int32_t *onode_of; /* graph node -> origin-node slot, -1 if none */
    size_t n_onodes;
    atomic_size_t next; /* next destination node to take */
    atomic_int stop;
} job;

typedef struct worker {
    job *j;
    px__csearch *all, *low;
    uint32_t *n_all, *n_low; /* [slot * n_cats + c] */
    px_ctx *ctx;             /* only worker 0 reports progress */
    px_status rc;
} worker;

static void *work(void *arg)
{
    worker *w = arg;
    job *j = w->j;
    const px__cgraph *g = j->in->g;
    size_t nc = j->in->n_cats;
    double cut = j->p->bike_distance_m, ratio = j->p->detour_ratio;
    for (;;) {
        if (atomic_load(&j->stop)) break;
        size_t k = atomic_fetch_add(&j->next, 1);
        if (k >= j->n_dnodes) break;
        if (w->ctx && (k & 63) == 0) {
            px_status st = px__progress(w->ctx, "cycle connectivity", k, j->n_dnodes);
            if (st != PX_OK) {
                w->rc = st;
                atomic_store(&j->stop, 1);
                break;
            }
        }
        int32_t d = j->dnodes[k];
        px__csearch_run(w->all, g, &d, NULL, 1, 4, PX__DIR_IN, cut);
        px__csearch_run(w->low, g, &d, NULL, 1, j->p->max_low_stress, PX__DIR_IN, cut * ratio);
        /* The categories present at this node (usually one), so the loop
         * over the nodes reached does not scan every category. */
        const uint32_t *cats = j->dcat + j->doff[k], *cnts = j->dcnt + j->doff[k];
        size_t n_cats = j->doff[k + 1] - j->doff[k];
        for (size_t t = 0; t < w->all->n_touched; t++) {
            int32_t v = w->all->touched[t];
            int32_t slot = j->onode_of[v];
            if (slot < 0) continue;
            double da = w->all->dist[v], dl = w->low->dist[v];
            int low = dl <= ratio * da + 1e-9;
            uint32_t *na = w->n_all + (size_t)slot * nc, *nl = w->n_low + (size_t)slot * nc;
            for (size_t i = 0; i < n_cats; i++) {
                na[cats[i]] += cnts[i];
                if (low) nl[cats[i]] += cnts[i];
            }
        }
    }
    return NULL;
}

static int cmp_i32(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x > y) - (x < y);
}

void px__cconn_clear(px__cconn *c)
{
    if (!c) return;
    free(c->n_all), free(c->n_low), free(c->score);
    memset(c, 0, sizeof *c);
}

px_status px__cycle_connectivity(px_ctx *ctx, const px__cinput *in, const px__cparams *p, px__cconn *out)
{
    const px__cgraph *g = in->g;
    size_t nc = in->n_cats, nn = g->n_nodes;
    px_status rc = PX_OK;
    int nt = p->threads > 0 ? p->threads : 1;
    int32_t *dsorted = malloc((in->n_dests + 1) * sizeof *dsorted);
    int32_t *dnodes = malloc((in->n_dests + 1) * sizeof *dnodes);
    int32_t *dslot = malloc((nn + 1) * sizeof *dslot);
    int32_t *onode_of = malloc((nn + 1) * sizeof *onode_of);
    uint32_t *dcount = NULL, *doff = NULL, *dcat = NULL, *dcnt = NULL;
    worker *ws = calloc((size_t)nt, sizeof *ws);
    pthread_t *tids = calloc((size_t)nt, sizeof *tids);
    px__cconn res = {.n_origins = in->n_origins, .n_cats = nc};
    job j = {.in = in, .p = p};
    if (!dsorted || !dnodes || !dslot || !onode_of || !ws || !tids) {
        rc = px__error(ctx, PX_ENOMEM, "out of memory");
        goto done;
    }
    /* Distinct destination nodes and how many of each category sit there. */
    for (size_t i = 0; i < in->n_dests; i++)
        dsorted[i] = in->dests[i].node;
    qsort(dsorted, in->n_dests, sizeof *dsorted, cmp_i32);
    size_t nd = 0;
    for (size_t i = 0; i < in->n_dests; i++)
        if (i == 0 || dsorted[i] != dsorted[i - 1]) dnodes[nd++] = dsorted[i];
    for (size_t v = 0; v < nn; v++)
        dslot[v] = -1, onode_of[v] = -1;
    for (size_t k = 0; k < nd; k++)
        dslot[dnodes[k]] = (int32_t)k;
    dcount = calloc(nd * nc + 1, sizeof *dcount);
    if (!dcount) {
        rc = px__error(ctx, PX_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < in->n_dests; i++)
        dcount[(size_t)dslot[in->dests[i].node] * nc + in->dests[i].cat]++;
    doff = malloc((nd + 1) * sizeof *doff);
    dcat = malloc((in->n_dests + 1) * sizeof *dcat);
    dcnt = malloc((in->n_dests + 1) * sizeof *dcnt);
    if (!doff || !dcat || !dcnt) {
        rc = px__error(ctx, PX_ENOMEM, "out of memory");
        goto done;
    }
    doff[0] = 0;
    for (size_t k = 0; k < nd; k++) {
        doff[k + 1] = doff[k];
        for (size_t c = 0; c < nc; c++)
            if (dcount[k * nc + c]) dcat[doff[k + 1]] = (uint32_t)c, dcnt[doff[k + 1]++] = dcount[k * nc + c];
    }
    size_t no = 0;
    for (size_t o = 0; o < in->n_origins; o++)
        if (onode_of[in->origins[o].node] < 0) onode_of[in->origins[o].node] = (int32_t)no++;

    j.dnodes = dnodes, j.doff = doff, j.dcat = dcat, j.dcnt = dcnt, j.n_dnodes = nd, j.onode_of = onode_of,
    j.n_onodes = no;
    atomic_init(&j.next, 0);
    atomic_init(&j.stop, 0);
    for (int t = 0; t < nt && rc == PX_OK; t++) {
        ws[t].j = &j;
        ws[t].ctx = t == 0 ? ctx : NULL;
        ws[t].n_all = calloc(no * nc + 1, sizeof *ws[t].n_all);
        ws[t].n_low = calloc(no * nc + 1, sizeof *ws[t].n_low);
        if (!ws[t].n_all || !ws[t].n_low) rc = px__error(ctx, PX_ENOMEM, "out of memory");
        if (rc == PX_OK) rc = px__csearch_new(ctx, g, &ws[t].all);
        if (rc == PX_OK) rc = px__csearch_new(ctx, g, &ws[t].low);
    }
    if (rc != PX_OK) goto done;
    /* Worker 0 runs on this thread so that only it touches the context. */
    int started = 1;
    for (int t = 1; t < nt; t++) {
        if (pthread_create(&tids[t], NULL, work, &ws[t]) != 0) break;
        started++;
    }
    work(&ws[0]);
    for (int t = 1; t < started; t++)
        pthread_join(tids[t], NULL);
    if (ws[0].rc != PX_OK) {
        rc = ws[0].rc;
        goto done;
    }
    /* A thread that could not start left its share to the others through
     * the shared `next` counter, so nothing is lost. Sum into worker 0. */
    for (int t = 1; t < nt; t++)
        for (size_t i = 0; i < no * nc; i++)
            ws[0].n_all[i] += ws[t].n_all[i], ws[0].n_low[i] += ws[t].n_low[i];

    res.n_all = malloc((in->n_origins * nc + 1) * sizeof *res.n_all);
    res.n_low = malloc((in->n_origins * nc + 1) * sizeof *res.n_low);
    res.score = malloc((in->n_origins + 1) * sizeof *res.score);
    if (!res.n_all || !res.n_low || !res.score) {
        rc = px__error(ctx, PX_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t o = 0; o < in->n_origins; o++) {
        size_t slot = (size_t)onode_of[in->origins[o].node];
        double wsum = 0, ssum = 0;
        for (size_t c = 0; c < nc; c++) {
            uint32_t a = ws[0].n_all[slot * nc + c], l = ws[0].n_low[slot * nc + c];
            res.n_all[o * nc + c] = a;
            res.n_low[o * nc + c] = l;
            if (!a) continue;
            wsum += in->cat_weights[c];
            ssum += in->cat_weights[c] * 100.0 * l / a;
        }
        res.score[o] = wsum > 0 ? ssum / wsum : NAN;
    }
    *out = res;
    memset(&res, 0, sizeof res);
    px__progress(ctx, "cycle connectivity", nd, nd);
done:
    for (int t = 0; ws && t < nt; t++) {
        free(ws[t].n_all), free(ws[t].n_low);
        px__csearch_free(ws[t].all), px__csearch_free(ws[t].low);
    }
    px__cconn_clear(&res);
    free(ws), free(tids), free(dsorted), free(dnodes), free(dslot), free(onode_of), free(dcount);
    free(doff), free(dcat), free(dcnt);
    return rc;
}

px_status px__cycle_aggregate(px_ctx *ctx, const px__cinput *in, const double *origin_value,
                              double *per_commune, double *pop_out, double *region)
{
    size_t nc = in->n_communes;
    double *wsum = calloc(nc + 1, sizeof *wsum), *vsum = calloc(nc + 1, sizeof *vsum);
    if (!wsum || !vsum) {
        free(wsum), free(vsum);
        return px__error(ctx, PX_ENOMEM, "out of memory");
    }
    double rw = 0, rv = 0;
    for (size_t o = 0; o < in->n_origins; o++) {
        const px__corigin *og = &in->origins[o];
        int32_t c = og->commune;
        int in_commune = c >= 0 && (size_t)c < nc;
        if (pop_out && in_commune) pop_out[c] += og->pop;
        if (isnan(origin_value[o]) || og->pop <= 0) continue;
        rw += og->pop, rv += og->pop * origin_value[o];
        if (in_commune) wsum[c] += og->pop, vsum[c] += og->pop * origin_value[o];
    }
    for (size_t c = 0; per_commune && c < nc; c++)
        per_commune[c] = wsum[c] > 0 ? vsum[c] / wsum[c] : NAN;
    *region = rw > 0 ? rv / rw : NAN;
    free(wsum), free(vsum);
    return PX_OK;
}
