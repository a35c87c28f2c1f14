/*
 * px_site_solve: K new sites among candidates on plain arrays (no store,
 * no network): greedy with lazy evaluation (CELF), a 1-swap local search,
 * and the exact optimum by enumeration on small instances.
 *
 * Values are compared lexicographically as (primary, secondary), both to be
 * maximised: coverage (residents within the threshold, 0), p-median (minus
 * the weighted sum of capped minutes), equity (lowest commune share, then
 * fewer communes at that share, then residents within the threshold). The state of a set of sites is every
 * demand point's best minutes and, for equity, the residents covered per
 * commune; a candidate's gain is read from its pair list against a state.
 * What it leaves out: catchments (svc_site_run.c builds them).
 */
#include "svc_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct val {
    double p, s, t;
} val;

typedef struct st {
    const px_site_problem *pb;
    px_site_objective obj;
    double *best;   /* n_demand: minutes (capped for pmedian) */
    double *gpop;   /* n_groups: residents */
    double *gcov;   /* n_groups: residents within the threshold */
    double *delta;  /* n_groups scratch */
    int32_t *touched;
    double cov;     /* residents within the threshold */
    double sum_min; /* sum of w * capped minutes */
    size_t n_evals;
} st;

static int covered(double minutes, double t)
{
    return px_layer_qh_within((double)(float)minutes, t);
}

static double capped(const st *s, double m)
{
    return m < s->pb->cap_minutes ? m : s->pb->cap_minutes;
}

/* The lowest commune share and (negated) how many communes sit at it:
 * lifting one of several communes at the minimum is progress too. */
static double min_share(const st *s, const double *extra, double *neg_count)
{
    double m = INFINITY, n_at = 0;
    for (size_t g = 0; g < s->pb->n_groups; g++)
        if (s->gpop[g] > 0) {
            double sh = (s->gcov[g] + (extra ? extra[g] : 0)) / s->gpop[g];
            if (sh < m - 1e-12) {
                m = sh;
                n_at = 1;
            } else if (sh <= m + 1e-12)
                n_at++;
        }
    *neg_count = -n_at;
    return isfinite(m) ? m : 0;
}

static val value(const st *s)
{
    switch (s->obj) {
    case PX_SITE_COVERAGE: return (val){s->cov, 0, 0};
    case PX_SITE_PMEDIAN: return (val){-s->sum_min, 0, 0};
    default: {
        val v = {0, 0, s->cov};
        v.p = min_share(s, NULL, &v.s);
        return v;
    }
    }
}

static void reset(st *s)
{
    const px_site_problem *pb = s->pb;
    s->cov = s->sum_min = 0;
    if (pb->n_groups) memset(s->gcov, 0, pb->n_groups * sizeof *s->gcov);
    for (size_t i = 0; i < pb->n_demand; i++) {
        double m = capped(s, pb->base_minutes[i]);
        s->best[i] = m;
        s->sum_min += pb->weight[i] * m;
        if (covered(m, pb->threshold)) {
            s->cov += pb->weight[i];
            if (pb->group && pb->group[i] >= 0) s->gcov[pb->group[i]] += pb->weight[i];
        }
    }
}

static void apply(st *s, size_t c)
{
    const px_site_problem *pb = s->pb;
    for (size_t k = pb->cand_off[c]; k < pb->cand_off[c + 1]; k++) {
        uint32_t i = pb->cand_demand[k];
        double m = capped(s, pb->cand_minutes[k]);
        if (!(m < s->best[i])) continue;
        double w = pb->weight[i];
        s->sum_min -= w * (s->best[i] - m);
        if (!covered(s->best[i], pb->threshold) && covered(m, pb->threshold)) {
            s->cov += w;
            if (pb->group && pb->group[i] >= 0) s->gcov[pb->group[i]] += w;
        }
        s->best[i] = m;
    }
}

/* The value of the state with candidate c added, without changing it. */
static val with(st *s, size_t c, val cur)
{
    const px_site_problem *pb = s->pb;
    double dcov = 0, dsum = 0;
    size_t nt = 0;
    s->n_evals++;
    for (size_t k = pb->cand_off[c]; k < pb->cand_off[c + 1]; k++) {
        uint32_t i = pb->cand_demand[k];
        double m = capped(s, pb->cand_minutes[k]);
        if (!(m < s->best[i])) continue;
        double w = pb->weight[i];
        dsum += w * (s->best[i] - m);
        if (!covered(s->best[i], pb->threshold) && covered(m, pb->threshold)) {
            dcov += w;
            if (s->obj == PX_SITE_EQUITY && pb->group && pb->group[i] >= 0) {
                int32_t g = pb->group[i];
                if (s->delta[g] == 0) s->touched[nt++] = g;
                s->delta[g] += w;
            }
        }
    }
    switch (s->obj) {
    case PX_SITE_COVERAGE: return (val){cur.p + dcov, 0, 0};
    case PX_SITE_PMEDIAN: return (val){cur.p + dsum, 0, 0};
    default: {
        val v = {0, 0, cur.t + dcov};
        v.p = min_share(s, s->delta, &v.s);
        for (size_t t = 0; t < nt; t++) s->delta[s->touched[t]] = 0;
        return v;
    }
    }
}

/* a better than b, with a relative tolerance against summation order. */
static int better(val a, val b)
{
    if (b.p == -INFINITY) return a.p > b.p;
    double ep = 1e-9 * (fabs(a.p) + fabs(b.p) + 1e-300), es = 1e-9 * (fabs(a.s) + fabs(b.s) + 1e-300),
           et = 1e-9 * (fabs(a.t) + fabs(b.t) + 1e-300);
    if (a.p > b.p + ep) return 1;
    if (a.p < b.p - ep) return 0;
    if (a.s > b.s + es) return 1;
    if (a.s < b.s - es) return 0;
    return a.t > b.t + et;
}

static double natural(const st *s, val v, val base, double total_w)
{
    switch (s->obj) {
    case PX_SITE_COVERAGE: return v.p - base.p;
    case PX_SITE_PMEDIAN: return total_w > 0 ? -v.p / total_w : 0;
    default: return v.p;
    }
}

static val set_value(st *s, const size_t *set, size_t n, size_t skip)
{
    reset(s);
    for (size_t j = 0; j < n; j++)
        if (j != skip) apply(s, set[j]);
    return value(s);
}

static void greedy(st *s, size_t k, unsigned flags, uint8_t *in, size_t *set, size_t *n_set, double *ub,
                   size_t *fresh)
{
    size_t nc = s->pb->n_cand;
    int lazy = !(flags & PX_SITE_NO_LAZY) && s->obj != PX_SITE_EQUITY;
    reset(s);
    val cur = value(s);
    for (size_t c = 0; c < nc; c++) {
        ub[c] = INFINITY;
        fresh[c] = SIZE_MAX;
    }
    for (size_t r = 0; r < k && *n_set < nc; r++) {
        size_t pick = SIZE_MAX;
        val pv = {0, 0, 0};
        if (lazy) {
            for (;;) {
                size_t c = SIZE_MAX;
                for (size_t j = 0; j < nc; j++)
                    if (!in[j] && (c == SIZE_MAX || ub[j] > ub[c])) c = j;
                if (fresh[c] == r) {
                    pick = c;
                    pv = (val){cur.p + ub[c], 0, 0};
                    break;
                }
                ub[c] = with(s, c, cur).p - cur.p;
                fresh[c] = r;
            }
        } else
            for (size_t c = 0; c < nc; c++) {
                if (in[c]) continue;
                val v = with(s, c, cur);
                if (pick == SIZE_MAX || better(v, pv)) {
                    pick = c;
                    pv = v;
                }
            }
        in[pick] = 1;
        set[(*n_set)++] = pick;
        apply(s, pick);
        cur = value(s);
    }
}

/* Best improving single swaps until none improves (at most 100 rounds). */
static size_t swaps(st *s, uint8_t *in, size_t *set, size_t n)
{
    size_t n_swaps = 0;
    for (int round = 0; round < 100 && n; round++) {
        val cur = set_value(s, set, n, SIZE_MAX), bestv = cur;
        size_t ba = SIZE_MAX, bc = SIZE_MAX;
        for (size_t a = 0; a < n; a++) {
            val v0 = set_value(s, set, n, a);
            for (size_t c = 0; c < s->pb->n_cand; c++) {
                if (in[c]) continue;
                val v = with(s, c, v0);
                if (better(v, bestv)) {
                    bestv = v;
                    ba = a;
                    bc = c;
                }
            }
        }
        if (ba == SIZE_MAX) break;
        in[set[ba]] = 0;
        in[bc] = 1;
        set[ba] = bc;
        n_swaps++;
    }
    return n_swaps;
}

static val exact(st *s, size_t k, size_t *idx, size_t *best_set)
{
    size_t n = s->pb->n_cand;
    val bestv = {-INFINITY, -INFINITY, -INFINITY};
    for (size_t j = 0; j < k; j++) idx[j] = j;
    for (;;) {
        val v = set_value(s, idx, k, SIZE_MAX);
        if (better(v, bestv)) {
            bestv = v;
            memcpy(best_set, idx, k * sizeof *idx);
        }
        size_t j = k;
        while (j > 0 && idx[j - 1] == n - k + j - 1) j--;
        if (j == 0) break;
        idx[j - 1]++;
        for (size_t t = j; t < k; t++) idx[t] = idx[t - 1] + 1;
    }
    return bestv;
}

static double n_subsets(size_t n, size_t k)
{
    double c = 1;
    for (size_t j = 0; j < k; j++) c = c * (double)(n - j) / (double)(j + 1);
    return c;
}

static int cmp_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? -1 : x > y;
}

static px_status check(px_ctx *ctx, const px_site_problem *p, size_t k)
{
    if (!p || k == 0 || !p->weight || !p->base_minutes || !p->cand_off || (p->n_groups && !p->group))
        return px__error(ctx, PX_EINVAL, "siting: NULL array or K = 0");
    if (!(p->threshold > 0) || !(p->cap_minutes >= p->threshold) || !isfinite(p->cap_minutes))
        return px__error(ctx, PX_EINVAL, "siting: want threshold > 0 and a finite cap >= threshold");
    for (size_t i = 0; i < p->n_demand; i++) {
        if (!(p->weight[i] >= 0) || !isfinite(p->weight[i]) || p->base_minutes[i] < 0 || isnan(p->base_minutes[i]))
            return px__error(ctx, PX_EDOMAIN, "siting: demand %zu: negative or non-finite weight or minutes", i);
        if (p->group && p->group[i] >= (int32_t)p->n_groups)
            return px__error(ctx, PX_EINVAL, "siting: demand %zu: group out of range", i);
    }
    for (size_t c = 0; c < p->n_cand; c++)
        for (size_t j = p->cand_off[c]; j < p->cand_off[c + 1]; j++) {
            if (p->cand_demand[j] >= p->n_demand)
                return px__error(ctx, PX_EINVAL, "siting: candidate %zu: demand index out of range", c);
            if (!(p->cand_minutes[j] >= 0))
                return px__error(ctx, PX_EDOMAIN, "siting: candidate %zu: negative or NaN minutes", c);
        }
    return PX_OK;
}

px_status px_site_solve(px_ctx *ctx, const px_site_problem *p, px_site_objective obj, size_t k, unsigned flags,
                        double max_subsets, px_site_solution *out)
{
    if (!out || (unsigned)obj > PX_SITE_EQUITY) return px__error(ctx, PX_EINVAL, "siting: bad argument");
    px_status rc = check(ctx, p, k);
    if (rc != PX_OK) return rc;
    if (k > p->n_cand) k = p->n_cand;
    size_t nd = p->n_demand ? p->n_demand : 1, ng = p->n_groups ? p->n_groups : 1, nc = p->n_cand ? p->n_cand : 1;
    st s = {.pb = p, .obj = obj};
    s.best = malloc(nd * sizeof *s.best);
    s.gpop = calloc(ng, sizeof *s.gpop);
    s.gcov = calloc(ng, sizeof *s.gcov);
    s.delta = calloc(ng, sizeof *s.delta);
    s.touched = malloc(ng * sizeof *s.touched);
    uint8_t *in = calloc(nc, 1);
    double *ub = malloc(nc * sizeof *ub);
    size_t *fresh = malloc(nc * sizeof *fresh);
    size_t *set = malloc((k ? k : 1) * sizeof *set), *idx = malloc((k ? k : 1) * sizeof *idx),
           *bset = malloc((k ? k : 1) * sizeof *bset);
    px_site_solution sol = {0};
    sol.chosen = malloc((k ? k : 1) * sizeof *sol.chosen);
    sol.gain = malloc((k ? k : 1) * sizeof *sol.gain);
    sol.objective = malloc((k ? k : 1) * sizeof *sol.objective);
    if (!s.best || !s.gpop || !s.gcov || !s.delta || !s.touched || !in || !ub || !fresh || !set || !idx || !bset ||
        !sol.chosen || !sol.gain || !sol.objective) {
        rc = px__error(ctx, PX_ENOMEM, "out of memory");
        goto done;
    }
    double total_w = 0;
    for (size_t i = 0; i < p->n_demand; i++) {
        total_w += p->weight[i];
        if (p->group && p->group[i] >= 0) s.gpop[p->group[i]] += p->weight[i];
    }
    reset(&s);
    val base = value(&s);
    sol.base = natural(&s, base, base, total_w);
    size_t n_set = 0;
    greedy(&s, k, flags, in, set, &n_set, ub, fresh);
    sol.greedy = natural(&s, set_value(&s, set, n_set, SIZE_MAX), base, total_w);
    if (!(flags & PX_SITE_NO_SWAP)) sol.n_swaps = swaps(&s, in, set, n_set);
    sol.final = natural(&s, set_value(&s, set, n_set, SIZE_MAX), base, total_w);
    sol.exact = NAN;
    if (n_set == k && max_subsets > 0 && n_subsets(p->n_cand, k) <= max_subsets)
        sol.exact = natural(&s, exact(&s, k, idx, bset), base, total_w);
    /* Rank order of the final set: each next site the one adding most (ties:
     * the lower candidate index, hence the sort). */
    qsort(set, n_set, sizeof *set, cmp_size);
    memset(in, 0, nc);
    reset(&s);
    val cur = value(&s);
    for (size_t r = 0; r < n_set; r++) {
        size_t pick = SIZE_MAX;
        val pv = {0, 0, 0};
        for (size_t j = 0; j < n_set; j++) {
            if (in[set[j]]) continue;
            val v = with(&s, set[j], cur);
            if (pick == SIZE_MAX || better(v, pv)) {
                pick = set[j];
                pv = v;
            }
        }
        in[pick] = 1;
        apply(&s, pick);
        val nv = value(&s);
        sol.chosen[r] = pick;
        sol.objective[r] = natural(&s, nv, base, total_w);
        sol.gain[r] = sol.objective[r] - natural(&s, cur, base, total_w);
        cur = nv;
    }
    sol.k = n_set;
    sol.n_evals = s.n_evals;
    *out = sol;
    sol = (px_site_solution){0};
done:
    px_site_solution_free(&sol);
    free(s.best);
    free(s.gpop);
    free(s.gcov);
    free(s.delta);
    free(s.touched);
    free(in);
    free(ub);
    free(fresh);
    free(set);
    free(idx);
    free(bset);
    return rc;
}

void px_site_solution_free(px_site_solution *s)
{
    if (!s) return;
    free(s->chosen);
    free(s->gain);
    free(s->objective);
    s->chosen = NULL;
    s->gain = s->objective = NULL;
}

static const char *const obj_names[] = {"coverage", "pmedian", "equity"};

const char *px_site_objective_name(px_site_objective o)
{
    return (unsigned)o <= PX_SITE_EQUITY ? obj_names[o] : "";
}

px_status px_site_objective_lookup(px_ctx *ctx, const char *name, px_site_objective *out)
{
    for (int i = 0; i < 3; i++)
        if (name && !strcmp(name, obj_names[i])) {
            *out = (px_site_objective)i;
            return PX_OK;
        }
    return px__error(ctx, PX_EARG, "unknown objective '%s' (known: coverage, pmedian, equity)", name ? name : "");
}
