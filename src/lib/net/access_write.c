/*
 * Writing the accessibility results, in one transaction:
 *  - access_origins: one row per origin (its point), minutes per mode and
 *    category (NULL when unreachable or beyond the cutoff), the n-th nearest
 *    when asked, the snapping distance, and the quarter-hour score;
 *  - access_communes: per commune and for the region ("*"), the
 *    population-weighted share of residents within the threshold per category
 *    and for all of them, and the weighted median minutes (to 0.1 minute,
 *    from a histogram; NULL when the median resident is beyond the cutoff).
 * Residents that could not be snapped count in the denominators as
 * unreachable: nobody is silently dropped.
 */
#include "access_int.h"
#include "net_build_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NAME_LEN 64

typedef struct colset {
    size_t n;
    px_column *cols;
    char (*names)[NAME_LEN];
} colset;

static int colset_add(colset *cs, const char *name, px_col_type t)
{
    snprintf(cs->names[cs->n], NAME_LEN, "%s", name);
    cs->cols[cs->n] = (px_column){cs->names[cs->n], t};
    cs->n++;
    return (int)cs->n - 1;
}

static int colset_init(colset *cs, size_t cap)
{
    cs->n = 0;
    cs->cols = calloc(cap, sizeof *cs->cols);
    cs->names = calloc(cap, sizeof *cs->names);
    return cs->cols && cs->names ? 0 : -1;
}

static void colset_free(colset *cs)
{
    free(cs->cols);
    free(cs->names);
}

static px_value real_or_null(double v) { return isfinite(v) ? PX_VALUE_REAL(v) : PX_VALUE_NULL; }

px_status px__access_write_origins(px_ctx *ctx, px_store *store, const char *table, int with_ix,
                                   const px_points *orig, const px_communes *com, const px__dests *dests,
                                   const px__access_res *res)
{
    size_t nc = res->n_cat, per_mode = 2 + nc * (res->o.nth > 1 ? 2 : 1);
    colset cs = {0};
    px_value *v = NULL;
    px__wkbw *wk = NULL;
    px_table_writer *w = NULL;
    px_status rc = PX_OK;
    if (colset_init(&cs, 4 + PX_MODE_COUNT * per_mode) ||
        !(v = calloc(4 + PX_MODE_COUNT * per_mode, sizeof *v))) {
        rc = px__error(ctx, PX_ENOMEM, "out of memory");
        goto done;
    }
    colset_add(&cs, "population_fid", PX_COL_INT);
    colset_add(&cs, "commune_id", PX_COL_TEXT);
    colset_add(&cs, "count", PX_COL_REAL);
    char name[NAME_LEN];
    for (int m = 0; m < PX_MODE_COUNT; m++) {
        if (!res->modes[m]) continue;
        const char *mn = px_mode_name((px_mode)m);
        for (size_t c = 0; c < nc; c++) {
            snprintf(name, sizeof name, "%s_%s_min", mn, dests->col[c]);
            colset_add(&cs, name, PX_COL_REAL);
            if (res->o.nth > 1) {
                snprintf(name, sizeof name, "%s_%s_n%d_min", mn, dests->col[c], res->o.nth);
                colset_add(&cs, name, PX_COL_REAL);
            }
        }
        snprintf(name, sizeof name, "%s_score", mn);
        colset_add(&cs, name, PX_COL_INT);
        snprintf(name, sizeof name, "%s_snap_m", mn);
        colset_add(&cs, name, PX_COL_REAL);
    }
    if (with_ix) colset_add(&cs, PX__ACCESS_IX_COL, PX_COL_INT);
    px_table_schema schema = {table, "result", PX_GEOM_POINT, cs.n, cs.cols};
    if ((rc = px__wkbw_new(ctx, &wk)) != PX_OK) goto done;
    if ((rc = px_store_table_create(store, &schema, &w)) != PX_OK) goto done;
    /* No R*Tree: a million origins would spend ten seconds building one for a
     * table that is read whole (export, tiles, joins on population_fid). */
    px_table_writer_no_spatial_index(w);
    for (size_t i = 0; i < orig->n && rc == PX_OK; i++) {
        if ((i & 65535) == 0 && (rc = px__progress(ctx, "access: write origins", i, orig->n))) break;
        size_t k = 0;
        v[k++] = PX_VALUE_INT(orig->fid[i]);
        v[k++] = orig->commune[i] >= 0 ? PX_VALUE_TEXT(com->id[orig->commune[i]]) : PX_VALUE_NULL;
        v[k++] = PX_VALUE_REAL(orig->weight[i]);
        for (int m = 0; m < PX_MODE_COUNT; m++) {
            if (!res->modes[m]) continue;
            for (size_t c = 0; c < nc; c++) {
                v[k++] = real_or_null(res->min[m][c * res->n_orig + i]);
                if (res->o.nth > 1) v[k++] = real_or_null(res->nth[m][c * res->n_orig + i]);
            }
            v[k++] = PX_VALUE_INT(px_layer_qh_score(res->min[m] + i, res->n_orig, nc, res->o.minutes));
            v[k++] = real_or_null(res->snap_m[m][i]);
        }
        if (with_ix) v[k++] = PX_VALUE_INT(orig->commune[i]);
        size_t len = 0;
        unsigned char *wkb = px__wkbw_point(wk, orig->x[i], orig->y[i], &len);
        if (!wkb) {
            rc = px_ctx_errcode(ctx);
            break;
        }
        rc = px_table_writer_add(w, v, wkb, len, NULL);
        px__wkbw_buf_free(wk, wkb);
    }
    if (rc == PX_OK) {
        rc = px_table_writer_finish(w);
        w = NULL;
    }
done:
    px_table_writer_abort(w);
    px__wkbw_free(wk);
    free(v);
    colset_free(&cs);
    return rc;
}

/* Bins of 0.1 minute up to the cutoff, plus one for "beyond / unreachable". */
static size_t n_bins(const px__access_res *res) { return (size_t)ceil(res->o.cutoff_minutes * 10.0) + 2; }

static size_t bin_of(const px__access_res *res, float minutes)
{
    size_t nb = n_bins(res);
    if (!isfinite(minutes)) return nb - 1;
    size_t b = (size_t)(minutes * 10.0f);
    return b < nb - 1 ? b : nb - 2;
}

/* Weighted median of a histogram row: midpoint of the bin where half the
 * weight is reached; NaN if that is the unreachable bin or no weight. */
static double hist_median(const double *h, size_t nb, double total)
{
    if (!(total > 0)) return NAN;
    double cum = 0;
    for (size_t b = 0; b < nb; b++) {
        cum += h[b];
        if (cum >= total / 2) return b == nb - 1 ? NAN : (b + 0.5) / 10.0;
    }
    return NAN;
}

static px_status write_communes(px_ctx *ctx, px_store *store, const px_points *orig, const px_communes *com,
                                const px__dests *dests, const px__access_res *res, px_access_report *rep)
{
    size_t nc = res->n_cat, nrow = com->n + 1; /* last row: the region */
    size_t nb = n_bins(res);
    colset cs = {0};
    px_value *v = NULL;
    double *pop = calloc(nrow, sizeof *pop);
    double *within = calloc(nrow * (nc + 1) * PX_MODE_COUNT, sizeof *within); /* [m][row][c], c == nc: all */
    double *median = calloc(nrow * nc * PX_MODE_COUNT, sizeof *median);
    double *hist = malloc(nrow * nb * sizeof *hist);
    px_table_writer *w = NULL;
    px_status rc = PX_OK;
    if (!pop || !within || !median || !hist || colset_init(&cs, 3 + PX_MODE_COUNT * (2 * nc + 2)) ||
        !(v = calloc(3 + PX_MODE_COUNT * (2 * nc + 2), sizeof *v))) {
        rc = px__error(ctx, PX_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < orig->n; i++) {
        pop[nrow - 1] += orig->weight[i];
        if (orig->commune[i] >= 0) pop[orig->commune[i]] += orig->weight[i];
    }
#define WITHIN(m, r, c) within[((size_t)(m) * nrow + (r)) * (nc + 1) + (c)]
#define MEDIAN(m, r, c) median[((size_t)(m) * nrow + (r)) * nc + (c)]
    for (int m = 0; m < PX_MODE_COUNT; m++) {
        if (!res->modes[m]) continue;
        for (size_t i = 0; i < orig->n; i++) {
            size_t all = 1;
            for (size_t c = 0; c < nc; c++) {
                int ok = px_layer_qh_within(res->min[m][c * res->n_orig + i], res->o.minutes);
                all &= (size_t)ok;
                if (!ok) continue;
                WITHIN(m, nrow - 1, c) += orig->weight[i];
                if (orig->commune[i] >= 0) WITHIN(m, orig->commune[i], c) += orig->weight[i];
            }
            if (all) {
                WITHIN(m, nrow - 1, nc) += orig->weight[i];
                if (orig->commune[i] >= 0) WITHIN(m, orig->commune[i], nc) += orig->weight[i];
            }
        }
        for (size_t c = 0; c < nc; c++) {
            memset(hist, 0, nrow * nb * sizeof *hist);
            for (size_t i = 0; i < orig->n; i++) {
                size_t b = bin_of(res, res->min[m][c * res->n_orig + i]);
                hist[(nrow - 1) * nb + b] += orig->weight[i];
                if (orig->commune[i] >= 0) hist[(size_t)orig->commune[i] * nb + b] += orig->weight[i];
            }
            for (size_t r = 0; r < nrow; r++) MEDIAN(m, r, c) = hist_median(hist + r * nb, nb, pop[r]);
        }
        rep->share_all[m] = pop[nrow - 1] > 0 ? WITHIN(m, nrow - 1, nc) / pop[nrow - 1] : NAN;
    }
    colset_add(&cs, "commune_id", PX_COL_TEXT);
    colset_add(&cs, "commune_name", PX_COL_TEXT);
    colset_add(&cs, "population", PX_COL_REAL);
    char name[NAME_LEN];
    for (int m = 0; m < PX_MODE_COUNT; m++) {
        if (!res->modes[m]) continue;
        const char *mn = px_mode_name((px_mode)m);
        for (size_t c = 0; c < nc; c++) {
            snprintf(name, sizeof name, "%s_%s_share", mn, dests->col[c]);
            colset_add(&cs, name, PX_COL_REAL);
            snprintf(name, sizeof name, "%s_%s_median_min", mn, dests->col[c]);
            colset_add(&cs, name, PX_COL_REAL);
        }
        snprintf(name, sizeof name, "%s_all_share", mn);
        colset_add(&cs, name, PX_COL_REAL);
    }
    px_table_schema schema = {"access_communes", "result", PX_GEOM_MULTIPOLYGON, cs.n, cs.cols};
    if ((rc = px_store_table_create(store, &schema, &w)) != PX_OK) goto done;
    for (size_t r = 0; r < nrow && rc == PX_OK; r++) {
        int region = r == nrow - 1;
        size_t k = 0;
        v[k++] = PX_VALUE_TEXT(region ? PX_LAYER_REGION_ID : com->id[r]);
        v[k++] = PX_VALUE_TEXT(region ? PX_LAYER_REGION_NAME : com->name[r]);
        v[k++] = PX_VALUE_REAL(pop[r]);
        for (int m = 0; m < PX_MODE_COUNT; m++) {
            if (!res->modes[m]) continue;
            for (size_t c = 0; c < nc; c++) {
                v[k++] = pop[r] > 0 ? PX_VALUE_REAL(WITHIN(m, r, c) / pop[r]) : PX_VALUE_NULL;
                v[k++] = real_or_null(MEDIAN(m, r, c));
            }
            v[k++] = pop[r] > 0 ? PX_VALUE_REAL(WITHIN(m, r, nc) / pop[r]) : PX_VALUE_NULL;
        }
        rc = px_table_writer_add(w, v, region ? NULL : com->wkb[r], region ? 0 : com->wkb_len[r], NULL);
    }
#undef WITHIN
#undef MEDIAN
    if (rc == PX_OK) {
        rc = px_table_writer_finish(w);
        w = NULL;
    }
done:
    px_table_writer_abort(w);
    free(v);
    colset_free(&cs);
    free(pop);
    free(within);
    free(median);
    free(hist);
    return rc;
}

px_status px__access_write_tables(px_ctx *ctx, px_store *store, const px_points *orig, const px_communes *com,
                                  const px__dests *dests, const px__access_res *res, px_access_report *rep,
                                  const char *note_extra)
{
    px_status rc = PX_OK;
    if (res->o.no_origins_table) rc = px_store_drop_table(store, "access_origins");
    else rc = px__access_write_origins(ctx, store, "access_origins", 0, orig, com, dests, res);
    if (rc == PX_OK) rc = write_communes(ctx, store, orig, com, dests, res, rep);
    char note[512];
    snprintf(note, sizeof note, "threshold %.4g min, cutoff %.4g min, snapping %.0f m%s", res->o.minutes,
             res->o.cutoff_minutes, res->o.max_snap_m, note_extra ? note_extra : "");
    if (rc == PX_OK && !res->o.no_origins_table)
        rc = px_store_set_source(store, "access_origins", "proxima access", res->o.origins, NULL, note);
    if (rc == PX_OK) rc = px_store_set_source(store, "access_communes", "proxima access", "communes", NULL, note);
    return rc;
}

px_status px__access_write(px_ctx *ctx, px_store *store, const px_points *orig, const px_communes *com,
                           const px__dests *dests, const px__access_res *res, px_access_report *rep)
{
    px_status rc = px_store_begin(store);
    if (rc == PX_OK) rc = px__access_write_tables(ctx, store, orig, com, dests, res, rep, NULL);
    if (rc == PX_OK) rc = px_store_commit(store);
    else px_store_rollback(store);
    return rc;
}
