/*
 * px_site_mip: the siting problem of px_site_solve as a mixed-integer
 * programme solved by GLPK (Debian libglpk), for the optimality gap of
 * greedy + swap on instances too large to enumerate:
 *
 *  - coverage (maximal covering location problem): x_j binary (site j
 *    opened), y_i in [0, 1] (demand point i newly within the threshold);
 *    max sum w_i y_i, y_i <= sum_{j reaches i} x_j, sum x_j = k. Points
 *    already within reach of an existing service, or of no candidate, get no
 *    variable.
 *  - pmedian: z_ij in [0, 1] (i served by j) for each pair where j beats
 *    the existing services' (capped) minutes c_i; max sum w_i (c_i - m_ij)
 *    z_ij (the minutes saved), sum_j z_ij <= 1, z_ij <= x_j, sum x_j = k;
 *    the natural value is (sum w_i c_i - saved) / sum w_i, as px_site_solve.
 *  - equity (max-min): t in [0, 1], y_i as coverage;
 *    max t, W_g t - sum_{i in g} w_i y_i <= (residents of g already within
 *    reach) for every commune g with residents. Only the lowest share: the
 *    tie-breaks of px_site_solve (fewer communes at it, then coverage) are
 *    not part of the programme.
 *
 * The LP relaxation is solved first (its value is the bound reported when
 * branch and bound stops at the time limit), then branch and bound. The
 * coverage rule is px_site_solve's (minutes rounded to float, as `access`
 * stores them). GLPK's terminal output is switched off: the library never
 * prints.
 */
#include "svc_int.h"

#include <glpk.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static int covered(double minutes, double t)
{
    return px_layer_qh_within((double)(float)minutes, t);
}

/* Growing triplet arrays for glp_load_matrix (1-based). */
typedef struct trip {
    int *ia, *ja;
    double *ar;
    size_t n, cap;
} trip;

static int trip_add(trip *t, int i, int j, double v)
{
    if (t->n + 1 >= t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 1024;
        int *a = realloc(t->ia, cap * sizeof *a);
        if (!a) return -1;
        t->ia = a;
        int *b = realloc(t->ja, cap * sizeof *b);
        if (!b) return -1;
        t->ja = b;
        double *c = realloc(t->ar, cap * sizeof *c);
        if (!c) return -1;
        t->ar = c;
        t->cap = cap;
    }
    t->n++;
    t->ia[t->n] = i;
    t->ja[t->n] = j;
    t->ar[t->n] = v;
    return 0;
}

static int silent(void *info, const char *s)
{
    (void)info;
    (void)s;
    return 1; /* GLPK: "handled", nothing printed */
}

px_status px_site_mip(px_ctx *ctx, const px_site_problem *p, px_site_objective obj, size_t k, double max_seconds,
                      size_t max_pairs, px_site_mip_result *out)
{
    if (!ctx) return PX_EINVAL;
    if (!p || !out || k == 0 || !(p->threshold > 0) || !(p->cap_minutes >= p->threshold))
        return px__error(ctx, PX_EINVAL, "px_site_mip: bad argument");
    px_site_mip_result r = {.status = PX_SITE_MIP_SKIPPED, .value = NAN, .bound = NAN};
    size_t n_pairs = p->cand_off[p->n_cand];
    if (p->n_cand < k || (max_pairs && n_pairs > max_pairs) || !(max_seconds > 0) || p->n_cand > (size_t)INT32_MAX / 4) {
        *out = r;
        return PX_OK;
    }
    if (obj == PX_SITE_EQUITY && (!p->group || !p->n_groups)) {
        *out = r;
        return PX_OK;
    }
    double t0 = px__now();
    size_t nd = p->n_demand;
    double *c0 = malloc((nd ? nd : 1) * sizeof *c0);  /* capped minutes with the existing services */
    int *ycol = calloc(nd ? nd : 1, sizeof *ycol);    /* column of y_i, 0: none */
    int *yrow = calloc(nd ? nd : 1, sizeof *yrow);    /* row "y_i - sum x_j <= 0" or "sum_j z_ij <= 1" */
    double *gpop = calloc(p->n_groups + 1, sizeof *gpop), *gcov = calloc(p->n_groups + 1, sizeof *gcov);
    trip tr = {0};
    glp_prob *lp = NULL;
    px_status rc = c0 && ycol && yrow && gpop && gcov ? PX_OK : px__error(ctx, PX_ENOMEM, "out of memory");
    double total_w = 0, sum_c0 = 0;
    for (size_t i = 0; rc == PX_OK && i < nd; i++) {
        double w = p->weight[i];
        c0[i] = p->base_minutes[i] < p->cap_minutes ? p->base_minutes[i] : p->cap_minutes;
        total_w += w;
        sum_c0 += w * c0[i];
        if (p->group && p->group[i] >= 0 && (size_t)p->group[i] < p->n_groups) {
            gpop[p->group[i]] += w;
            if (covered(c0[i], p->threshold)) gcov[p->group[i]] += w;
        }
    }
    glp_term_hook(silent, NULL);
    if (rc == PX_OK && !(lp = glp_create_prob())) rc = px__error(ctx, PX_ENOMEM, "out of memory");
    int n_cols = 0, n_rows = 0;
    if (rc == PX_OK) {
        glp_set_obj_dir(lp, GLP_MAX);
        /* x_j: columns 1..n_cand; the cardinality row 1. */
        n_cols = (int)p->n_cand;
        glp_add_cols(lp, n_cols);
        for (int j = 1; j <= n_cols; j++)
            glp_set_col_kind(lp, j, GLP_BV);
        n_rows = 1;
        glp_add_rows(lp, 1);
        glp_set_row_bnds(lp, 1, GLP_FX, (double)k, (double)k);
        for (int j = 1; j <= n_cols && rc == PX_OK; j++)
            if (trip_add(&tr, 1, j, 1.0)) rc = px__error(ctx, PX_ENOMEM, "out of memory");
    }
    int tcol = 0;
    if (rc == PX_OK && obj == PX_SITE_EQUITY) {
        tcol = ++n_cols;
        glp_add_cols(lp, 1);
        glp_set_col_bnds(lp, tcol, GLP_DB, 0.0, 1.0);
        glp_set_obj_coef(lp, tcol, 1.0);
    }
    if (rc == PX_OK && obj != PX_SITE_PMEDIAN) {
        /* y_i for every point some candidate brings within the threshold. */
        for (size_t j = 0; j < p->n_cand && rc == PX_OK; j++)
            for (size_t q = p->cand_off[j]; q < p->cand_off[j + 1] && rc == PX_OK; q++) {
                uint32_t i = p->cand_demand[q];
                if (i >= nd) {
                    rc = px__error(ctx, PX_EINVAL, "px_site_mip: demand index out of range");
                    break;
                }
                if (!covered(p->cand_minutes[q], p->threshold) || covered(c0[i], p->threshold)) continue;
                if (obj == PX_SITE_EQUITY && !(p->group[i] >= 0 && (size_t)p->group[i] < p->n_groups)) continue;
                if (!ycol[i]) {
                    ycol[i] = ++n_cols;
                    glp_add_cols(lp, 1);
                    glp_set_col_bnds(lp, ycol[i], GLP_DB, 0.0, 1.0);
                    if (obj == PX_SITE_COVERAGE) glp_set_obj_coef(lp, ycol[i], p->weight[i]);
                    yrow[i] = ++n_rows;
                    glp_add_rows(lp, 1);
                    glp_set_row_bnds(lp, yrow[i], GLP_UP, 0.0, 0.0);
                    if (trip_add(&tr, yrow[i], ycol[i], 1.0)) rc = px__error(ctx, PX_ENOMEM, "out of memory");
                }
                if (rc == PX_OK && trip_add(&tr, yrow[i], (int)j + 1, -1.0))
                    rc = px__error(ctx, PX_ENOMEM, "out of memory");
            }
        if (rc == PX_OK && obj == PX_SITE_EQUITY) {
            int first = n_rows + 1;
            size_t n_g = 0;
            for (size_t g = 0; g < p->n_groups; g++)
                n_g += gpop[g] > 0;
            if (n_g) glp_add_rows(lp, (int)n_g);
            int *grow = calloc(p->n_groups + 1, sizeof *grow);
            if (!grow) rc = px__error(ctx, PX_ENOMEM, "out of memory");
            for (size_t g = 0, at = 0; rc == PX_OK && g < p->n_groups; g++) {
                if (!(gpop[g] > 0)) continue;
                grow[g] = first + (int)at++;
                glp_set_row_bnds(lp, grow[g], GLP_UP, 0.0, gcov[g]);
                if (trip_add(&tr, grow[g], tcol, gpop[g])) rc = px__error(ctx, PX_ENOMEM, "out of memory");
            }
            n_rows += (int)n_g;
            for (size_t i = 0; rc == PX_OK && i < nd; i++)
                if (ycol[i] && trip_add(&tr, grow[p->group[i]], ycol[i], -p->weight[i]))
                    rc = px__error(ctx, PX_ENOMEM, "out of memory");
            free(grow);
        }
    }
    if (rc == PX_OK && obj == PX_SITE_PMEDIAN) {
        /* z_ij where j saves minutes on the existing services; one row
         * "sum_j z_ij <= 1" per point, one "z_ij - x_j <= 0" per pair. */
        for (size_t j = 0; j < p->n_cand && rc == PX_OK; j++)
            for (size_t q = p->cand_off[j]; q < p->cand_off[j + 1] && rc == PX_OK; q++) {
                uint32_t i = p->cand_demand[q];
                if (i >= nd) {
                    rc = px__error(ctx, PX_EINVAL, "px_site_mip: demand index out of range");
                    break;
                }
                double m = p->cand_minutes[q] < p->cap_minutes ? p->cand_minutes[q] : p->cap_minutes;
                double save = c0[i] - m;
                if (!(save > 0) || !(p->weight[i] > 0)) continue;
                int z = ++n_cols;
                glp_add_cols(lp, 1);
                glp_set_col_bnds(lp, z, GLP_DB, 0.0, 1.0);
                glp_set_obj_coef(lp, z, p->weight[i] * save);
                if (!yrow[i]) {
                    yrow[i] = ++n_rows;
                    glp_add_rows(lp, 1);
                    glp_set_row_bnds(lp, yrow[i], GLP_UP, 0.0, 1.0);
                }
                int link = ++n_rows;
                glp_add_rows(lp, 1);
                glp_set_row_bnds(lp, link, GLP_UP, 0.0, 0.0);
                if (trip_add(&tr, yrow[i], z, 1.0) || trip_add(&tr, link, z, 1.0) ||
                    trip_add(&tr, link, (int)j + 1, -1.0))
                    rc = px__error(ctx, PX_ENOMEM, "out of memory");
            }
    }
    if (rc == PX_OK) {
        glp_load_matrix(lp, (int)tr.n, tr.ia, tr.ja, tr.ar);
        r.n_rows = (size_t)n_rows;
        r.n_cols = (size_t)n_cols;
        glp_smcp sp;
        glp_init_smcp(&sp);
        sp.msg_lev = GLP_MSG_OFF;
        sp.meth = GLP_DUALP;
        sp.presolve = GLP_ON;
        sp.tm_lim = (int)(max_seconds * 1000 > 1 ? max_seconds * 1000 : 1);
        int e = glp_simplex(lp, &sp);
        double lpv = glp_get_obj_val(lp);
        px__log(ctx, PX_LOG_INFO, "site-services: MIP of %d rows x %d columns, LP relaxation %s in %.2f s", n_rows, n_cols,
                e == 0 && glp_get_status(lp) == GLP_OPT ? "solved" : "not solved", px__now() - t0);
        if (e != 0 || glp_get_status(lp) != GLP_OPT) {
            r.status = PX_SITE_MIP_FAILED;
        } else {
            glp_iocp ip;
            glp_init_iocp(&ip);
            ip.msg_lev = GLP_MSG_OFF;
            ip.presolve = GLP_OFF; /* the LP is solved */
            double left = max_seconds - (px__now() - t0);
            ip.tm_lim = (int)(left * 1000 > 1 ? left * 1000 : 1);
            e = glp_intopt(lp, &ip);
            int ms = glp_mip_status(lp);
            double mv = glp_mip_obj_val(lp);
            double bound = lpv;
            if (ms == GLP_OPT && e == 0) {
                r.status = PX_SITE_MIP_OPTIMAL;
                bound = mv;
            } else {
                r.status = PX_SITE_MIP_TIME_LIMIT;
            }
            /* Natural units, as px_site_solve. */
            int have = ms == GLP_OPT || ms == GLP_FEAS;
            if (obj == PX_SITE_PMEDIAN) {
                r.bound = total_w > 0 ? (sum_c0 - bound) / total_w : 0;
                r.value = have ? (total_w > 0 ? (sum_c0 - mv) / total_w : 0) : NAN;
            } else if (obj == PX_SITE_EQUITY) {
                r.bound = bound;
                r.value = have ? mv : NAN;
            } else {
                r.bound = bound;
                r.value = have ? mv : NAN;
            }
            if (have) {
                r.chosen = calloc(k + 1, sizeof *r.chosen);
                if (!r.chosen) rc = px__error(ctx, PX_ENOMEM, "out of memory");
                for (size_t j = 0; rc == PX_OK && j < p->n_cand && r.n_chosen < k; j++)
                    if (glp_mip_col_val(lp, (int)j + 1) > 0.5) r.chosen[r.n_chosen++] = j;
            }
        }
    }
    glp_term_hook(NULL, NULL);
    if (lp) glp_delete_prob(lp);
    free(tr.ia);
    free(tr.ja);
    free(tr.ar);
    free(c0);
    free(ycol);
    free(yrow);
    free(gpop);
    free(gcov);
    r.seconds = px__now() - t0;
    if (rc != PX_OK) {
        free(r.chosen);
        return rc;
    }
    *out = r;
    return PX_OK;
}

void px_site_mip_result_free(px_site_mip_result *r)
{
    if (!r) return;
    free(r->chosen);
    r->chosen = NULL;
    r->n_chosen = 0;
}

const char *px_site_mip_status_name(px_site_mip_status s)
{
    switch (s) {
    case PX_SITE_MIP_OPTIMAL: return "optimal";
    case PX_SITE_MIP_TIME_LIMIT: return "time limit";
    case PX_SITE_MIP_FAILED: return "failed";
    default: return "skipped";
    }
}
