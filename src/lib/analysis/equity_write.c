/*
 * The second half of px_equity_run: from the accessibility arrays, the
 * per-commune indicators, the inequality measures and the Lorenz points,
 * written as the equity_origins, equity_communes, equity_summary and
 * equity_lorenz tables inside one store transaction (all or nothing).
 * Column names of equity_origins are built from mode and category names.
 */
#include "equity_run_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const method_names[2] = {"2sfca", "e2sfca"};

static px_value real_or_null(double v)
{
    return isfinite(v) ? PX_VALUE_REAL(v) : PX_VALUE_NULL;
}

/* ---- equity_origins ------------------------------------------------------- */

static px_status write_origins(px__eq_run *run)
{
    px_ctx *ctx = run->ctx;
    size_t nr = run->n_modes * run->n_cats * 2, nc = 4 + nr, n = run->pop.n;
    px_column *cols = calloc(nc, sizeof *cols);
    char **names = calloc(nr ? nr : 1, sizeof *names);
    px_value *vals = calloc(nc, sizeof *vals);
    px_table_writer *w = NULL;
    px_status rc = cols && names && vals ? PX_OK : px__error(ctx, PX_ENOMEM, "out of memory");
    if (rc == PX_OK) {
        cols[0] = (px_column){"population_fid", PX_COL_INT};
        cols[1] = (px_column){"population_id", PX_COL_TEXT};
        cols[2] = (px_column){"commune_id", PX_COL_TEXT};
        cols[3] = (px_column){"population", PX_COL_REAL};
    }
    for (size_t m = 0, k = 0; rc == PX_OK && m < run->n_modes; m++)
        for (size_t c = 0; rc == PX_OK && c < run->n_cats; c++)
            for (int me = 0; me < 2; me++, k++) {
                char *cat = px__strdup(run->svc.cat_cols[c]);
                names[k] = cat ? px__asprintf("%s_%s_%s", px_mode_name((px_mode)run->mode_list[m]), cat,
                                              method_names[me])
                               : NULL;
                free(cat);
                if (!names[k])
                    rc = px__error(ctx, PX_ENOMEM, "out of memory");
                else
                    cols[4 + k] = (px_column){names[k], PX_COL_REAL};
            }
    /* No geometry: population_fid joins the population layer, and a spatial
     * index over every origin would cost more than the whole analysis. */
    px_table_schema schema = {"equity_origins", "result", PX_GEOM_NONE, nc, cols};
    if (rc == PX_OK) rc = px_store_table_create(run->store, &schema, &w);
    for (size_t i = 0; rc == PX_OK && i < n; i++) {
        uint32_t gi = run->group[i];
        vals[0] = PX_VALUE_INT(run->pop.fid[i]);
        vals[1] = PX_VALUE_TEXT(run->pop.id[i]);
        vals[2] = gi < run->com->n ? PX_VALUE_TEXT(run->com->id[gi]) : PX_VALUE_NULL;
        vals[3] = PX_VALUE_REAL(run->pop.weight[i]);
        for (size_t k = 0; k < nr; k++)
            vals[4 + k] = PX_VALUE_REAL((double)run->acc[k * n + i]);
        rc = px_table_writer_add(w, vals, NULL, 0, NULL);
        if (rc == PX_OK && (i & 0xffff) == 0) rc = px__progress(ctx, "write equity_origins", i, n);
    }
    if (w) {
        if (rc == PX_OK)
            rc = px_table_writer_finish(w);
        else
            px_table_writer_abort(w);
    }
    for (size_t k = 0; names && k < nr; k++)
        free(names[k]);
    free(names);
    free(cols);
    free(vals);
    return rc;
}

/* ---- per run indicators ---------------------------------------------------- */

typedef struct run_stats {
    double mean, z, gini, palma, fgt[3];
    px_theil theil;
    double pop_none, under_pop;
    size_t under_communes;
    int has_share; /* total value > 0: Gini, Theil, Palma and Lorenz exist */
} run_stats;

typedef struct rank_item {
    double mean;
    size_t k;
    const char *id;
} rank_item;

static int cmp_rank(const void *a, const void *b)
{
    const rank_item *x = a, *y = b;
    if (x->mean != y->mean) return x->mean < y->mean ? -1 : 1;
    return strcmp(x->id, y->id);
}

typedef struct writers {
    px_table_writer *communes, *summary, *lorenz, *underserved;
} writers;

/* The underserved list: E2SFCA rows of underserved communes only, least
 * served first, for a council that wants the list and not the whole table. */
static const px_column underserved_cols[] = {{"commune_id", PX_COL_TEXT},
                                             {"commune_name", PX_COL_TEXT},
                                             {"mode", PX_COL_TEXT},
                                             {"category", PX_COL_TEXT},
                                             {"population", PX_COL_REAL},
                                             {"mean_access", PX_COL_REAL},
                                             {"ratio_to_regional", PX_COL_REAL},
                                             {"share_no_service", PX_COL_REAL},
                                             {"underserved_population", PX_COL_REAL}};

static const px_column communes_cols[] = {{"commune_id", PX_COL_TEXT},
                                          {"commune_name", PX_COL_TEXT},
                                          {"mode", PX_COL_TEXT},
                                          {"category", PX_COL_TEXT},
                                          {"method", PX_COL_TEXT},
                                          {"population", PX_COL_REAL},
                                          {"mean_access", PX_COL_REAL},
                                          {"median_access", PX_COL_REAL},
                                          {"share_no_service", PX_COL_REAL},
                                          {"ratio_to_regional", PX_COL_REAL},
                                          {"underserved", PX_COL_INT},
                                          {"underserved_population", PX_COL_REAL},
                                          {"rank_least_served", PX_COL_INT}};
static const px_column summary_cols[] = {{"mode", PX_COL_TEXT},
                                         {"category", PX_COL_TEXT},
                                         {"method", PX_COL_TEXT},
                                         {"n_supplies", PX_COL_INT},
                                         {"n_supplies_unreached", PX_COL_INT},
                                         {"population", PX_COL_REAL},
                                         {"population_no_service", PX_COL_REAL},
                                         {"regional_mean", PX_COL_REAL},
                                         {"gini", PX_COL_REAL},
                                         {"theil_t", PX_COL_REAL},
                                         {"theil_between", PX_COL_REAL},
                                         {"theil_within", PX_COL_REAL},
                                         {"palma", PX_COL_REAL},
                                         {"standard", PX_COL_REAL},
                                         {"fgt0", PX_COL_REAL},
                                         {"fgt1", PX_COL_REAL},
                                         {"fgt2", PX_COL_REAL},
                                         {"underserved_communes", PX_COL_INT},
                                         {"underserved_population", PX_COL_REAL}};
static const px_column lorenz_cols[] = {{"mode", PX_COL_TEXT},
                                        {"category", PX_COL_TEXT},
                                        {"method", PX_COL_TEXT},
                                        {"pop_share", PX_COL_REAL},
                                        {"value_share", PX_COL_REAL}};
#define NCOLS(a) (sizeof a / sizeof a[0])

static px_status one_run(px__eq_run *run, size_t m, size_t c, int me, const double *v, writers *wr,
                         px_group_stats *gs, double *under_by_group, rank_item *items)
{
    px_ctx *ctx = run->ctx;
    size_t n = run->pop.n, ng = run->n_groups;
    const double *w = run->pop.weight;
    const char *mode = px_mode_name((px_mode)run->mode_list[m]), *cat = run->cats[c],
               *meth = method_names[me];
    run_stats st = {0};
    px_status rc = px_group_stats_compute(ctx, v, w, run->group, ng, n, gs);
    if (rc != PX_OK) return rc;
    double sw = 0, sv = 0;
    for (size_t i = 0; i < n; i++) {
        sw += w[i];
        sv += v[i] * w[i];
        if (v[i] == 0) st.pop_none += w[i];
    }
    st.mean = sv / sw;
    st.z = run->underserved_share * st.mean;
    st.has_share = sv > 0;
    st.gini = st.palma = st.fgt[0] = st.fgt[1] = st.fgt[2] = NAN;
    st.theil = (px_theil){NAN, NAN, NAN};
    px_lorenz_point *pts = NULL;
    size_t npts = 0;
    if (st.has_share) {
        rc = px_lorenz(ctx, v, w, n, &pts, &npts);
        if (rc == PX_OK) {
            st.gini = px_lorenz_gini(pts, npts);
            st.palma = px_lorenz_palma(pts, npts);
            rc = px_theil_t(ctx, v, w, run->group, ng, n, &st.theil);
        }
        for (int a = 0; rc == PX_OK && a < 3; a++)
            rc = px_fgt(ctx, v, w, n, st.z, a, &st.fgt[a]);
    }
    for (size_t g = 0; g < ng; g++)
        under_by_group[g] = 0;
    for (size_t i = 0; i < n; i++)
        if (v[i] == 0 || v[i] < st.z) {
            under_by_group[run->group[i]] += w[i];
            st.under_pop += w[i];
        }
    /* equity_communes rows, least served first. */
    for (size_t k = 0; k < run->com->n; k++)
        items[k] = (rank_item){gs[k].mean, k, run->com->id[k]};
    qsort(items, run->com->n, sizeof *items, cmp_rank);
    for (size_t r = 0; rc == PX_OK && r < run->com->n; r++) {
        size_t k = items[r].k;
        int under = gs[k].population > 0 && (gs[k].mean < st.z || gs[k].share_none >= 0.5 || st.mean == 0);
        st.under_communes += (size_t)under;
        px_value row[NCOLS(communes_cols)] = {PX_VALUE_TEXT(run->com->id[k]),
                                              PX_VALUE_TEXT(run->com->name[k]),
                                              PX_VALUE_TEXT(mode),
                                              PX_VALUE_TEXT(cat),
                                              PX_VALUE_TEXT(meth),
                                              PX_VALUE_REAL(gs[k].population),
                                              PX_VALUE_REAL(gs[k].mean),
                                              PX_VALUE_REAL(gs[k].median),
                                              PX_VALUE_REAL(gs[k].share_none),
                                              PX_VALUE_REAL(gs[k].ratio_to_mean),
                                              PX_VALUE_INT(under),
                                              PX_VALUE_REAL(under_by_group[k]),
                                              PX_VALUE_INT((int64_t)r + 1)};
        rc = px_table_writer_add(wr->communes, row, run->com->wkb[k], run->com->wkb_len[k], NULL);
        if (rc == PX_OK && under && me == 1) {
            px_value u[NCOLS(underserved_cols)] = {PX_VALUE_TEXT(run->com->id[k]),
                                                   PX_VALUE_TEXT(run->com->name[k]),
                                                   PX_VALUE_TEXT(mode),
                                                   PX_VALUE_TEXT(cat),
                                                   PX_VALUE_REAL(gs[k].population),
                                                   PX_VALUE_REAL(gs[k].mean),
                                                   PX_VALUE_REAL(gs[k].ratio_to_mean),
                                                   PX_VALUE_REAL(gs[k].share_none),
                                                   PX_VALUE_REAL(under_by_group[k])};
            rc = px_table_writer_add(wr->underserved, u, run->com->wkb[k], run->com->wkb_len[k], NULL);
        }
    }
    if (rc == PX_OK) {
        size_t idx = m * run->n_cats + c;
        px_value row[NCOLS(summary_cols)] = {PX_VALUE_TEXT(mode),
                                             PX_VALUE_TEXT(cat),
                                             PX_VALUE_TEXT(meth),
                                             PX_VALUE_INT((int64_t)run->n_supplies[idx]),
                                             PX_VALUE_INT((int64_t)run->n_unreached[idx]),
                                             PX_VALUE_REAL(sw),
                                             PX_VALUE_REAL(st.pop_none),
                                             PX_VALUE_REAL(st.mean),
                                             real_or_null(st.gini),
                                             real_or_null(st.theil.total),
                                             real_or_null(st.theil.between),
                                             real_or_null(st.theil.within),
                                             real_or_null(st.palma),
                                             PX_VALUE_REAL(st.z),
                                             real_or_null(st.fgt[0]),
                                             real_or_null(st.fgt[1]),
                                             real_or_null(st.fgt[2]),
                                             PX_VALUE_INT((int64_t)st.under_communes),
                                             PX_VALUE_REAL(st.under_pop)};
        rc = px_table_writer_add(wr->summary, row, NULL, 0, NULL);
    }
    /* The Lorenz curve at every percentile: 101 rows whatever the number of
     * origins, which is what a chart needs. */
    for (int p = 0; rc == PX_OK && pts && p <= 100; p++) {
        px_value row[NCOLS(lorenz_cols)] = {PX_VALUE_TEXT(mode), PX_VALUE_TEXT(cat), PX_VALUE_TEXT(meth),
                                            PX_VALUE_REAL(p / 100.0),
                                            PX_VALUE_REAL(px_lorenz_at(pts, npts, p / 100.0))};
        rc = px_table_writer_add(wr->lorenz, row, NULL, 0, NULL);
    }
    free(pts);
    if (me == 1 && m == 0) run->report.underserved_population += st.under_pop;
    return rc;
}

static px_status write_indicators(px__eq_run *run)
{
    px_ctx *ctx = run->ctx;
    size_t n = run->pop.n, ng = run->n_groups;
    const px_table_schema sc_c = {"equity_communes", "result", PX_GEOM_MULTIPOLYGON, NCOLS(communes_cols),
                                  communes_cols};
    const px_table_schema sc_s = {"equity_summary", "result", PX_GEOM_NONE, NCOLS(summary_cols),
                                  summary_cols};
    const px_table_schema sc_l = {"equity_lorenz", "result", PX_GEOM_NONE, NCOLS(lorenz_cols), lorenz_cols};
    const px_table_schema sc_u = {"equity_underserved", "result", PX_GEOM_MULTIPOLYGON,
                                  NCOLS(underserved_cols), underserved_cols};
    writers wr = {0};
    double *v = malloc(n * sizeof *v), *under = malloc(ng * sizeof *under);
    px_group_stats *gs = malloc(ng * sizeof *gs);
    rank_item *items = malloc(ng * sizeof *items);
    px_status rc = v && under && gs && items ? PX_OK : px__error(ctx, PX_ENOMEM, "out of memory");
    /* Four writers open at once inside the caller's transaction: each
     * table is created first, rows follow run by run. */
    if (rc == PX_OK) rc = px_store_table_create(run->store, &sc_c, &wr.communes);
    if (rc == PX_OK) rc = px_store_table_create(run->store, &sc_s, &wr.summary);
    if (rc == PX_OK) rc = px_store_table_create(run->store, &sc_l, &wr.lorenz);
    if (rc == PX_OK) rc = px_store_table_create(run->store, &sc_u, &wr.underserved);
    for (size_t m = 0; rc == PX_OK && m < run->n_modes; m++)
        for (size_t c = 0; rc == PX_OK && c < run->n_cats; c++)
            for (int me = 0; rc == PX_OK && me < 2; me++) {
                const float *a = &run->acc[((m * run->n_cats + c) * 2 + (size_t)me) * n];
                for (size_t i = 0; i < n; i++)
                    v[i] = a[i];
                rc = one_run(run, m, c, me, v, &wr, gs, under, items);
                if (rc == PX_OK)
                    rc = px__progress(ctx, "equity indicators", (m * run->n_cats + c) * 2 + (size_t)me + 1,
                                      run->n_modes * run->n_cats * 2);
            }
    px_table_writer *all[4] = {wr.communes, wr.summary, wr.lorenz, wr.underserved};
    for (int k = 0; k < 4; k++) {
        if (!all[k]) continue;
        if (rc == PX_OK)
            rc = px_table_writer_finish(all[k]);
        else
            px_table_writer_abort(all[k]);
    }
    free(v);
    free(under);
    free(gs);
    free(items);
    return rc;
}

static double seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

px_status px__equity_write_tables(px__eq_run *run)
{
    double t0 = seconds();
    px_status rc = write_origins(run);
    double t1 = seconds();
    if (rc == PX_OK) rc = write_indicators(run);
    px__log(run->ctx, PX_LOG_DEBUG, "equity: equity_origins %.2f s, indicators %.2f s", t1 - t0,
            seconds() - t1);
    static const char *const tables[] = {"equity_origins", "equity_communes", "equity_summary",
                                         "equity_lorenz", "equity_underserved"};
    for (size_t k = 0; rc == PX_OK && k < 5; k++)
        rc = px_store_set_source(run->store, tables[k], "proxima equity", NULL, NULL, NULL);
    return rc;
}

px_status px__equity_write(px__eq_run *run)
{
    px_status rc = px_store_begin(run->store);
    if (rc != PX_OK) return rc;
    rc = px__equity_write_tables(run);
    if (rc == PX_OK)
        rc = px_store_commit(run->store);
    else
        px_store_rollback(run->store);
    return rc;
}
