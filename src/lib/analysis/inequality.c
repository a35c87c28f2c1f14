/*
 * Population-weighted inequality measures of an accessibility (or any
 * non-negative) variable: Lorenz curve, Gini, Palma, Theil T with its group
 * decomposition, Foster-Greer-Thorbecke, weighted median and per-group
 * indicators. Everything is computed from sorted (value, weight) pairs; no
 * sampling or binning, so results are exact for the data given. Bootstrap
 * confidence intervals are deliberately left out.
 */
#include "proxima/equity.h"
#include "../core/core_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct vw {
    double v, w;
} vw;

static int cmp_vw(const void *a, const void *b)
{
    double x = ((const vw *)a)->v, y = ((const vw *)b)->v;
    return (x > y) - (x < y);
}

/* Check the common contract and compute the totals. `need_value` asks for a
 * positive total value (shares of it are taken). */
static px_status check(px_ctx *ctx, const char *fn, const double *values, const double *weights, size_t n,
                       int need_value, double *sum_w, double *sum_vw)
{
    if (!values || !weights || n == 0) return px__error(ctx, PX_EINVAL, "%s: no data", fn);
    double sw = 0, sv = 0;
    for (size_t i = 0; i < n; i++) {
        if (!(values[i] >= 0) || !isfinite(values[i]))
            return px__error(ctx, PX_EDOMAIN, "%s: unit %zu: value %g is negative or not finite", fn, i,
                             values[i]);
        if (!(weights[i] >= 0) || !isfinite(weights[i]))
            return px__error(ctx, PX_EDOMAIN, "%s: unit %zu: weight %g is negative or not finite", fn, i,
                             weights[i]);
        sw += weights[i];
        sv += values[i] * weights[i];
    }
    if (!(sw > 0)) return px__error(ctx, PX_EDOMAIN, "%s: total population is zero", fn);
    if (need_value && !(sv > 0))
        return px__error(ctx, PX_EDOMAIN, "%s: total value is zero (nothing to share)", fn);
    *sum_w = sw;
    *sum_vw = sv;
    return PX_OK;
}

static vw *sorted_pairs(const double *values, const double *weights, size_t n)
{
    vw *p = malloc(n * sizeof *p);
    if (!p) return NULL;
    for (size_t i = 0; i < n; i++)
        p[i] = (vw){values[i], weights[i]};
    qsort(p, n, sizeof *p, cmp_vw);
    return p;
}

px_status px_lorenz(px_ctx *ctx, const double *values, const double *weights, size_t n, px_lorenz_point **out,
                    size_t *n_out)
{
    if (!out || !n_out) return px__error(ctx, PX_EINVAL, "px_lorenz: NULL argument");
    double sw, sv;
    px_status rc = check(ctx, "px_lorenz", values, weights, n, 1, &sw, &sv);
    if (rc != PX_OK) return rc;
    vw *p = sorted_pairs(values, weights, n);
    px_lorenz_point *pts = malloc((n + 2) * sizeof *pts);
    if (!p || !pts) {
        free(p);
        free(pts);
        return px__error(ctx, PX_ENOMEM, "out of memory");
    }
    size_t m = 0;
    pts[m++] = (px_lorenz_point){0.0, 0.0};
    double cw = 0, cv = 0;
    for (size_t i = 0; i < n; i++) {
        cw += p[i].w;
        cv += p[i].v * p[i].w;
        /* Equal values make one point: the curve is straight across them. */
        if (i + 1 < n && p[i + 1].v == p[i].v) continue;
        pts[m++] = (px_lorenz_point){cw / sw, cv / sv};
    }
    /* Rounding must not leave the curve short of (1,1). */
    pts[m - 1] = (px_lorenz_point){1.0, 1.0};
    free(p);
    *out = pts;
    *n_out = m;
    return PX_OK;
}

double px_lorenz_at(const px_lorenz_point *pts, size_t n, double p)
{
    if (!pts || n == 0) return 0.0;
    if (p <= pts[0].pop_share) return pts[0].value_share;
    for (size_t i = 1; i < n; i++) {
        if (p <= pts[i].pop_share) {
            double dp = pts[i].pop_share - pts[i - 1].pop_share;
            if (dp <= 0) return pts[i].value_share;
            double t = (p - pts[i - 1].pop_share) / dp;
            return pts[i - 1].value_share + t * (pts[i].value_share - pts[i - 1].value_share);
        }
    }
    return pts[n - 1].value_share;
}

double px_lorenz_gini(const px_lorenz_point *pts, size_t m)
{
    /* G = 1 - sum of trapezoids under the curve times two. */
    double area2 = 0;
    for (size_t i = 1; pts && i < m; i++)
        area2 += (pts[i].pop_share - pts[i - 1].pop_share) * (pts[i].value_share + pts[i - 1].value_share);
    double g = 1.0 - area2;
    return g < 0 ? 0.0 : g;
}

double px_lorenz_palma(const px_lorenz_point *pts, size_t m)
{
    double bottom40 = px_lorenz_at(pts, m, 0.4);
    double top10 = 1.0 - px_lorenz_at(pts, m, 0.9);
    return bottom40 > 0 ? top10 / bottom40 : INFINITY;
}

px_status px_gini(px_ctx *ctx, const double *values, const double *weights, size_t n, double *out)
{
    if (!out) return px__error(ctx, PX_EINVAL, "px_gini: NULL argument");
    px_lorenz_point *pts = NULL;
    size_t m = 0;
    px_status rc = px_lorenz(ctx, values, weights, n, &pts, &m);
    if (rc != PX_OK) return rc;
    *out = px_lorenz_gini(pts, m);
    free(pts);
    return PX_OK;
}

px_status px_palma(px_ctx *ctx, const double *values, const double *weights, size_t n, double *out)
{
    if (!out) return px__error(ctx, PX_EINVAL, "px_palma: NULL argument");
    px_lorenz_point *pts = NULL;
    size_t m = 0;
    px_status rc = px_lorenz(ctx, values, weights, n, &pts, &m);
    if (rc != PX_OK) return rc;
    *out = px_lorenz_palma(pts, m);
    free(pts);
    return PX_OK;
}

/* x ln(x) with its limit 0 at x = 0. */
static double xlogx(double x)
{
    return x > 0 ? x * log(x) : 0.0;
}

px_status px_theil_t(px_ctx *ctx, const double *values, const double *weights, const uint32_t *groups,
                     size_t n_groups, size_t n, px_theil *out)
{
    if (!out) return px__error(ctx, PX_EINVAL, "px_theil_t: NULL argument");
    if (groups && n_groups == 0)
        return px__error(ctx, PX_EINVAL, "px_theil_t: groups given but n_groups is 0");
    double sw = 0, sv = 0;
    px_status rc = check(ctx, "px_theil_t", values, weights, n, 1, &sw, &sv);
    if (rc != PX_OK) return rc;
    size_t ng = groups ? n_groups : 1;
    for (size_t i = 0; groups && i < n; i++)
        if (groups[i] >= n_groups)
            return px__error(ctx, PX_EINVAL, "px_theil_t: unit %zu: group out of range", i);
    double *gw = calloc(ng, sizeof *gw), *gv = calloc(ng, sizeof *gv), *gt = calloc(ng, sizeof *gt);
    if (!gw || !gv || !gt) {
        rc = px__error(ctx, PX_ENOMEM, "out of memory");
        goto done;
    }
    double mu = sv / sw, total = 0;
    for (size_t i = 0; i < n; i++) {
        size_t g = groups ? groups[i] : 0;
        gw[g] += weights[i];
        gv[g] += values[i] * weights[i];
        total += weights[i] * xlogx(values[i] / mu);
    }
    total /= sw;
    for (size_t i = 0; i < n; i++) {
        size_t g = groups ? groups[i] : 0;
        double mug = gv[g] / gw[g];
        if (mug > 0) gt[g] += weights[i] * xlogx(values[i] / mug);
    }
    double between = 0, within = 0;
    for (size_t g = 0; g < ng; g++) {
        if (!(gv[g] > 0)) continue; /* a group holding nothing has share 0 */
        double mug = gv[g] / gw[g];
        double share = gv[g] / sv;
        within += share * (gt[g] / gw[g]);
        between += share * log(mug / mu);
    }
    *out = (px_theil){total, between, within};
done:
    free(gw);
    free(gv);
    free(gt);
    return rc;
}

px_status px_fgt(px_ctx *ctx, const double *values, const double *weights, size_t n, double z, double alpha,
                 double *out)
{
    if (!out) return px__error(ctx, PX_EINVAL, "px_fgt: NULL argument");
    if (!(z > 0) || !isfinite(z))
        return px__error(ctx, PX_EDOMAIN, "px_fgt: standard z = %g must be positive", z);
    if (!(alpha >= 0) || !isfinite(alpha))
        return px__error(ctx, PX_EDOMAIN, "px_fgt: alpha = %g must be >= 0", alpha);
    double sw, sv;
    px_status rc = check(ctx, "px_fgt", values, weights, n, 0, &sw, &sv);
    if (rc != PX_OK) return rc;
    double s = 0;
    for (size_t i = 0; i < n; i++)
        if (values[i] < z) s += weights[i] * (alpha == 0 ? 1.0 : pow((z - values[i]) / z, alpha));
    *out = s / sw;
    return PX_OK;
}

px_status px_weighted_median(px_ctx *ctx, const double *values, const double *weights, size_t n, double *out)
{
    if (!out) return px__error(ctx, PX_EINVAL, "px_weighted_median: NULL argument");
    double sw, sv;
    px_status rc = check(ctx, "px_weighted_median", values, weights, n, 0, &sw, &sv);
    if (rc != PX_OK) return rc;
    vw *p = sorted_pairs(values, weights, n);
    if (!p) return px__error(ctx, PX_ENOMEM, "out of memory");
    double c = 0, m = p[n - 1].v;
    for (size_t i = 0; i < n; i++) {
        c += p[i].w;
        if (c >= 0.5 * sw) {
            m = p[i].v;
            break;
        }
    }
    free(p);
    *out = m;
    return PX_OK;
}

/* Order units by (group, value) so each group's median is one scan. */
typedef struct gvw {
    uint32_t g;
    double v, w;
} gvw;

static int cmp_gvw(const void *a, const void *b)
{
    const gvw *x = a, *y = b;
    if (x->g != y->g) return x->g < y->g ? -1 : 1;
    return (x->v > y->v) - (x->v < y->v);
}

px_status px_group_stats_compute(px_ctx *ctx, const double *values, const double *weights,
                                 const uint32_t *groups, size_t n_groups, size_t n, px_group_stats *out)
{
    if (!groups || !out || n_groups == 0)
        return px__error(ctx, PX_EINVAL, "px_group_stats_compute: NULL argument");
    double sw, sv;
    px_status rc = check(ctx, "px_group_stats_compute", values, weights, n, 0, &sw, &sv);
    if (rc != PX_OK) return rc;
    for (size_t i = 0; i < n; i++)
        if (groups[i] >= n_groups)
            return px__error(ctx, PX_EINVAL, "px_group_stats_compute: unit %zu: group out of range", i);
    gvw *p = malloc(n * sizeof *p);
    if (!p) return px__error(ctx, PX_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++)
        p[i] = (gvw){groups[i], values[i], weights[i]};
    qsort(p, n, sizeof *p, cmp_gvw);
    double mu = sv / sw;
    for (size_t g = 0; g < n_groups; g++)
        out[g] = (px_group_stats){0, 0, 0, 0, 0};
    size_t a = 0;
    while (a < n) {
        size_t b = a;
        double w = 0, v = 0, none = 0;
        while (b < n && p[b].g == p[a].g) {
            w += p[b].w;
            v += p[b].v * p[b].w;
            if (p[b].v == 0) none += p[b].w;
            b++;
        }
        px_group_stats *s = &out[p[a].g];
        s->population = w;
        if (w > 0) {
            s->mean = v / w;
            s->share_none = none / w;
            double c = 0;
            for (size_t k = a; k < b; k++) {
                c += p[k].w;
                if (c >= 0.5 * w) {
                    s->median = p[k].v;
                    break;
                }
            }
            s->ratio_to_mean = mu > 0 ? s->mean / mu : 0.0;
        }
        a = b;
    }
    free(p);
    return PX_OK;
}
