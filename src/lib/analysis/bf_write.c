/*
 * `px_brownfields_run`: raw values (bf_inputs.c), scoring (bf_score.c), then
 * the brownfield_sites and brownfield_scores tables in one transaction.
 * Row order is fixed (sites by best index then id; scores by use, rank, id)
 * and every number goes through the same arithmetic in the same order, so
 * the same project and scenario give the same tables and files byte for
 * byte. Column names are built from use and criterion ids.
 */
#include "bf_run_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct names {
    char **v;
    size_t n;
} names;

static void names_free(names *nm)
{
    px_layer_strings_free(nm->v, nm->n);
    nm->v = NULL;
    nm->n = 0;
}

/* Append "PREFIX_SUFFIX" (identifier-cleaned) to nm and a column to cols. */
static int add_col(names *nm, px_column *cols, size_t *nc, const char *a, const char *b, px_col_type t)
{
    char *raw = b ? px__asprintf("%s_%s", a, b) : px__strdup(a);
    char *id = raw ? px_layer_column_token(raw) : NULL;
    free(raw);
    if (!id) return -1;
    nm->v[nm->n++] = id;
    cols[(*nc)++] = (px_column){id, t};
    return 0;
}

/* Rows ordered by key desc, then key2 desc (the same tie-break as the
 * ranking: advantages), then site id (as numbers when numeric). */
typedef struct order_item {
    double key, key2;
    const char *id;
    size_t i;
} order_item;

static int cmp_desc(const void *a, const void *b)
{
    const order_item *x = a, *y = b;
    if (x->key != y->key) return x->key > y->key ? -1 : 1;
    if (x->key2 != y->key2) return x->key2 > y->key2 ? -1 : 1;
    return px__bf_id_cmp(x->id, y->id);
}

static px_value raw_value(const px__bf_sites *s, const px_bf_scenario *sc, size_t i, size_t c)
{
    if (px_bf_scenario_criterion_is_text(sc, c)) return PX_VALUE_TEXT(s->txt[i * s->nc + c]);
    double v = s->num[i * s->nc + c];
    return isnan(v) ? PX_VALUE_NULL : PX_VALUE_REAL(v);
}

static px_status write_sites(px_ctx *ctx, px_store *store, const px_bf_scenario *sc, const px__bf_sites *s,
                             const px_bf_result *res)
{
    size_t nu = res->n_uses, ncr = res->n_criteria, cap = 5 + 3 * nu + ncr;
    px_column *cols = calloc(cap, sizeof *cols);
    px_value *v = calloc(cap, sizeof *v);
    names nm = {calloc(cap, sizeof(char *)), 0};
    order_item *ord = malloc((s->n ? s->n : 1) * sizeof *ord);
    px_status rc = cols && v && nm.v && ord ? PX_OK : px__error(ctx, PX_ENOMEM, "out of memory");
    size_t nc = 0;
    if (rc == PX_OK) {
        cols[nc++] = (px_column){"site_id", PX_COL_TEXT};
        cols[nc++] = (px_column){"site_name", PX_COL_TEXT};
        cols[nc++] = (px_column){"best_use", PX_COL_TEXT};
        cols[nc++] = (px_column){"best_index", PX_COL_REAL};
        cols[nc++] = (px_column){"uses_excluded", PX_COL_INT};
        for (size_t u = 0; u < nu && rc == PX_OK; u++)
            if (add_col(&nm, cols, &nc, px_bf_scenario_use(sc, u), "index", PX_COL_REAL) ||
                add_col(&nm, cols, &nc, px_bf_scenario_use(sc, u), "rank", PX_COL_INT) ||
                add_col(&nm, cols, &nc, px_bf_scenario_use(sc, u), "excluded_by", PX_COL_TEXT))
                rc = px__error(ctx, PX_ENOMEM, "out of memory");
        for (size_t c = 0; c < ncr && rc == PX_OK; c++)
            if (add_col(&nm, cols, &nc, px_bf_scenario_criterion(sc, c), NULL,
                        px_bf_scenario_criterion_is_text(sc, c) ? PX_COL_TEXT : PX_COL_REAL))
                rc = px__error(ctx, PX_ENOMEM, "out of memory");
    }
    px_table_schema schema = {"brownfield_sites", "result", PX_GEOM_ANY, nc, cols};
    px_table_writer *w = NULL;
    if (rc == PX_OK) rc = px_store_table_create(store, &schema, &w);
    for (size_t i = 0; i < s->n; i++) {
        int b = res->best_use[i];
        ord[i] = (order_item){b >= 0 ? res->uses[i * nu + (size_t)b].index : -1.0,
                              b >= 0 ? res->uses[i * nu + (size_t)b].advantages : 0, s->id[i], i};
    }
    qsort(ord, s->n, sizeof *ord, cmp_desc);
    for (size_t k = 0; rc == PX_OK && k < s->n; k++) {
        size_t i = ord[k].i, j = 0;
        int b = res->best_use[i];
        int64_t n_ex = 0;
        for (size_t u = 0; u < nu; u++)
            n_ex += res->uses[i * nu + u].excluded_rule >= 0;
        v[j++] = PX_VALUE_TEXT(s->id[i]);
        v[j++] = PX_VALUE_TEXT(s->name[i]);
        v[j++] = b >= 0 ? PX_VALUE_TEXT(px_bf_scenario_use(sc, (size_t)b)) : PX_VALUE_NULL;
        v[j++] = b >= 0 ? PX_VALUE_REAL(res->uses[i * nu + (size_t)b].index) : PX_VALUE_NULL;
        v[j++] = PX_VALUE_INT(n_ex);
        for (size_t u = 0; u < nu; u++) {
            const px_bf_use_result *ur = &res->uses[i * nu + u];
            v[j++] = PX_VALUE_REAL(ur->index);
            v[j++] = ur->rank ? PX_VALUE_INT(ur->rank) : PX_VALUE_NULL;
            v[j++] = ur->excluded_rule >= 0 ? PX_VALUE_TEXT(px_bf_scenario_rule(sc, ur->excluded_rule))
                                            : PX_VALUE_NULL;
        }
        for (size_t c = 0; c < ncr; c++)
            v[j++] = raw_value(s, sc, i, c);
        rc = px_table_writer_add(w, v, s->wkb[i], s->wkb_len[i], NULL);
    }
    if (w) {
        if (rc == PX_OK)
            rc = px_table_writer_finish(w);
        else
            px_table_writer_abort(w);
    }
    names_free(&nm);
    free(cols);
    free(v);
    free(ord);
    return rc;
}

static px_status write_scores(px_ctx *ctx, px_store *store, const px_bf_scenario *sc, const px__bf_sites *s,
                              const px_bf_result *res)
{
    size_t nu = res->n_uses, ncr = res->n_criteria, cap = 10 + 3 * ncr;
    px_column *cols = calloc(cap, sizeof *cols);
    px_value *v = calloc(cap, sizeof *v);
    names nm = {calloc(cap, sizeof(char *)), 0};
    order_item *ord = malloc((s->n ? s->n : 1) * sizeof *ord);
    px_status rc = cols && v && nm.v && ord ? PX_OK : px__error(ctx, PX_ENOMEM, "out of memory");
    size_t nc = 0;
    if (rc == PX_OK) {
        static const px_column fixed[10] = {{"site_id", PX_COL_TEXT},     {"site_name", PX_COL_TEXT},
                                            {"use", PX_COL_TEXT},         {"index", PX_COL_REAL},
                                            {"reliability", PX_COL_REAL}, {"rank", PX_COL_INT},
                                            {"excluded_by", PX_COL_TEXT}, {"advantages", PX_COL_REAL},
                                            {"constraints", PX_COL_REAL}, {"is_best_use", PX_COL_INT}};
        for (; nc < 10; nc++)
            cols[nc] = fixed[nc];
        for (size_t c = 0; c < ncr && rc == PX_OK; c++) {
            const char *cid = px_bf_scenario_criterion(sc, c);
            if (add_col(&nm, cols, &nc, cid, "raw",
                        px_bf_scenario_criterion_is_text(sc, c) ? PX_COL_TEXT : PX_COL_REAL) ||
                add_col(&nm, cols, &nc, cid, "rating", PX_COL_REAL) ||
                add_col(&nm, cols, &nc, cid, "contribution", PX_COL_REAL))
                rc = px__error(ctx, PX_ENOMEM, "out of memory");
        }
    }
    px_table_schema schema = {"brownfield_scores", "result", PX_GEOM_NONE, nc, cols};
    px_table_writer *w = NULL;
    if (rc == PX_OK) rc = px_store_table_create(store, &schema, &w);
    for (size_t u = 0; rc == PX_OK && u < nu; u++) {
        /* Ranked sites first (rank ascending), excluded ones after, by id. */
        for (size_t i = 0; i < s->n; i++) {
            int rank = res->uses[i * nu + u].rank;
            ord[i] = (order_item){rank ? -(double)rank : -1e18, 0, s->id[i], i};
        }
        qsort(ord, s->n, sizeof *ord, cmp_desc);
        for (size_t k = 0; rc == PX_OK && k < s->n; k++) {
            size_t i = ord[k].i, j = 0;
            const px_bf_use_result *ur = &res->uses[i * nu + u];
            v[j++] = PX_VALUE_TEXT(s->id[i]);
            v[j++] = PX_VALUE_TEXT(s->name[i]);
            v[j++] = PX_VALUE_TEXT(px_bf_scenario_use(sc, u));
            v[j++] = PX_VALUE_REAL(ur->index);
            v[j++] = PX_VALUE_REAL(ur->reliability);
            v[j++] = ur->rank ? PX_VALUE_INT(ur->rank) : PX_VALUE_NULL;
            v[j++] = ur->excluded_rule >= 0 ? PX_VALUE_TEXT(px_bf_scenario_rule(sc, ur->excluded_rule))
                                            : PX_VALUE_NULL;
            v[j++] = PX_VALUE_REAL(ur->advantages);
            v[j++] = PX_VALUE_REAL(ur->constraints);
            v[j++] = PX_VALUE_INT(res->best_use[i] == (int)u);
            for (size_t c = 0; c < ncr; c++) {
                const px_bf_crit_result *cr = &res->crit[(i * nu + u) * ncr + c];
                v[j++] = raw_value(s, sc, i, c);
                v[j++] = cr->filled ? PX_VALUE_REAL(cr->rating) : PX_VALUE_NULL;
                v[j++] = cr->filled ? PX_VALUE_REAL(cr->contribution) : PX_VALUE_NULL;
            }
            rc = px_table_writer_add(w, v, NULL, 0, NULL);
        }
    }
    if (w) {
        if (rc == PX_OK)
            rc = px_table_writer_finish(w);
        else
            px_table_writer_abort(w);
    }
    names_free(&nm);
    free(cols);
    free(v);
    free(ord);
    return rc;
}

px_status px_brownfields_run(px_ctx *ctx, px_store *store, const px_graph *graph, const px_bf_scenario *sc,
                             const px_bf_options *opts, px_bf_report *report)
{
    if (!store || !sc) return px__error(ctx, PX_EINVAL, "px_brownfields_run: NULL argument");
    px__bf_resolved o = {15.0, 60.0, PX_LAYER_SNAP_M, "transit"};
    if (opts && opts->threshold_min > 0) o.threshold_min = opts->threshold_min;
    if (opts && opts->max_minutes > 0) o.max_minutes = opts->max_minutes;
    if (opts && opts->snap_max_m > 0) o.snap_max_m = opts->snap_max_m;
    if (opts && opts->transit_category) o.transit_category = opts->transit_category;
    px_bf_report rep = {0};
    px__bf_sites s = {0};
    px_bf_value *vals = NULL;
    px_bf_site *sites = NULL;
    px_bf_result *res = NULL;
    px_status rc = px__bf_sites_read(ctx, store, graph, sc, &o, &s, &rep);
    size_t nc = px_bf_scenario_n_criteria(sc);
    if (rc == PX_OK) {
        vals = malloc((s.n * nc + 1) * sizeof *vals);
        sites = malloc((s.n ? s.n : 1) * sizeof *sites);
        if (!vals || !sites) rc = px__error(ctx, PX_ENOMEM, "out of memory");
    }
    for (size_t c = 0; rc == PX_OK && c < nc; c++) {
        size_t filled = 0;
        for (size_t i = 0; i < s.n; i++) {
            vals[i * nc + c] = (px_bf_value){s.num[i * nc + c], s.txt[i * nc + c]};
            filled += !isnan(s.num[i * nc + c]) || s.txt[i * nc + c];
        }
        if (s.n && !filled) {
            rep.n_unknown_criteria++;
            px__log(ctx, PX_LOG_WARN,
                    "brownfields: criterion '%s': no site has a value (unknown source or missing layer)",
                    px_bf_scenario_criterion(sc, c));
        }
    }
    for (size_t i = 0; rc == PX_OK && i < s.n; i++)
        sites[i] = (px_bf_site){s.id[i], &vals[i * nc]};
    if (rc == PX_OK) rc = px_bf_score(ctx, sc, sites, s.n, &res);
    if (rc == PX_OK) {
        rep.n_sites = s.n;
        for (size_t k = 0; k < s.n * res->n_uses; k++)
            rep.n_excluded += res->uses[k].excluded_rule >= 0;
        rc = px_store_begin(store);
        if (rc == PX_OK) {
            rc = write_sites(ctx, store, sc, &s, res);
            if (rc == PX_OK) rc = write_scores(ctx, store, sc, &s, res);
            if (rc == PX_OK)
                rc = px_store_set_source(store, "brownfield_sites", "proxima brownfields", NULL, NULL,
                                         px_bf_scenario_name(sc));
            if (rc == PX_OK)
                rc = px_store_set_source(store, "brownfield_scores", "proxima brownfields", NULL, NULL,
                                         px_bf_scenario_name(sc));
            if (rc == PX_OK)
                rc = px_store_commit(store);
            else
                px_store_rollback(store);
        }
    }
    px_bf_result_free(res);
    free(vals);
    free(sites);
    px__bf_sites_free(&s);
    if (rc == PX_OK && report) *report = rep;
    return rc;
}
