/*
 * The report's equity section: the inequality summary of each run (Gini,
 * Theil, Palma, underserved communes and residents), per mode a table of
 * communes with their ratio to the regional mean and their rank per
 * category (least served first), and the Lorenz curves with their Gini.
 * E2SFCA runs are shown when the project has them, else 2SFCA.
 *
 * Left out: FGT indices and the Theil decomposition (in equity_summary.csv).
 */
#define _GNU_SOURCE /* qsort_r */
#include "report_int.h"

#include <glib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int same(const char *a, const char *b)
{
    return a && b && !strcmp(a, b);
}

/* Communes by mean ratio ascending (NaN last), ties by commune id. */
typedef struct rowsort {
    const double *mean;
    const px__rdata *c;
    int cid;
    const size_t *first;
} rowsort;

static int cmp_mean(const void *a, const void *b, void *user)
{
    const rowsort *s = user;
    size_t i = *(const size_t *)a, j = *(const size_t *)b;
    double x = s->mean[i], y = s->mean[j];
    if (isnan(x) != isnan(y)) return isnan(x) ? 1 : -1;
    if (!isnan(x) && x != y) return x < y ? -1 : 1;
    const char *p = px__rdata_txt(s->c, s->first[i], s->cid), *q = px__rdata_txt(s->c, s->first[j], s->cid);
    return strcmp(p ? p : "", q ? q : "");
}

px_status px__report_equity(px__rbuild *b)
{
    px__rdoc *doc = b->doc;
    px__rdoc_heading(doc, 1, "Service equity");
    if (!px_store_has_table(b->store, "equity_summary") || !px_store_has_table(b->store, "equity_communes")) {
        px__rdoc_para(doc, "Service equity: not in this project (run `proxima equity PROJECT`).");
        return PX_OK;
    }
    px__rdata *s = NULL, *c = NULL, *l = NULL;
    char *src_s = px__report_source(b->store, "equity_summary");
    char *src_c = px__report_source(b->store, "equity_communes");
    char *src_l = px__report_source(b->store, "equity_lorenz");
    px_status rc = px__rdata_load(b->ctx, b->store, "equity_summary", &s);
    if (rc == PX_OK) rc = px__rdata_load(b->ctx, b->store, "equity_communes", &c);
    if (rc == PX_OK && px_store_has_table(b->store, "equity_lorenz")) rc = px__rdata_load(b->ctx, b->store, "equity_lorenz", &l);
    if (rc != PX_OK) goto done;
    int sm = px__rdata_col(s, "mode"), sc = px__rdata_col(s, "category"), sme = px__rdata_col(s, "method");
    const char *method = "2sfca";
    for (size_t r = 0; r < s->n_rows; r++)
        if (same(px__rdata_txt(s, r, sme), "e2sfca")) method = "e2sfca";
    px__rdoc_para(doc,
                  "Supply of each service category within reach of each resident (%s: services per 1,000 "
                  "residents, weighted by travel time), compared between residents (Gini 0 = every resident "
                  "equally served, 1 = everything for one) and between communes (ratio of the commune's mean "
                  "to the regional mean; rank 1 = least served).",
                  !strcmp(method, "e2sfca") ? "E2SFCA" : "2SFCA");
    const char *head[] = {"Mode", "Category", "Gini", "Theil T", "Palma", "Underserved communes",
                          "Underserved residents"};
    unsigned char right[] = {0, 0, 1, 1, 1, 1, 1};
    px__rdoc_heading(doc, 2, "Inequality between residents");
    px__rblock *t = px__rdoc_table(doc, "Inequality of access per mode and category", src_s, 7, head, right);
    int cg = px__rdata_col(s, "gini"), ct = px__rdata_col(s, "theil_t"), cp = px__rdata_col(s, "palma"),
        cu = px__rdata_col(s, "underserved_communes"), cup = px__rdata_col(s, "underserved_population");
    for (size_t r = 0; r < s->n_rows; r++) {
        if (!same(px__rdata_txt(s, r, sme), method)) continue;
        char g[32], th[32], pa[32], uc[32], up[32];
        px__fmt_num(g, sizeof g, "%.3f", px__rdata_num(s, r, cg));
        px__fmt_num(th, sizeof th, "%.3f", px__rdata_num(s, r, ct));
        px__fmt_num(pa, sizeof pa, "%.2f", px__rdata_num(s, r, cp));
        px__fmt_num(uc, sizeof uc, "%.0f", px__rdata_num(s, r, cu));
        px__fmt_num(up, sizeof up, "%.0f", px__rdata_num(s, r, cup));
        const char *row[] = {px__rdata_txt(s, r, sm), px__rdata_txt(s, r, sc), g, th, pa, uc, up};
        px__rdoc_row(doc, t, row);
    }
    /* Per mode: communes x categories, "ratio (rank)". */
    int cm = px__rdata_col(c, "mode"), cc = px__rdata_col(c, "category"), cme = px__rdata_col(c, "method");
    int cid = px__rdata_col(c, "commune_id"), cnm = px__rdata_col(c, "commune_name");
    if (cnm < 0) cnm = px__rdata_col(c, "name");
    int cra = px__rdata_col(c, "ratio_to_regional"), crk = px__rdata_col(c, "rank_least_served"),
        cpo = px__rdata_col(c, "population");
    static const char *const modes[] = {"walk", "bike"};
    for (int m = 0; m < 2 && !doc->failed; m++) {
        /* Categories (in table order) and communes of this mode, each row put
         * in its (commune, category) cell through a hash of the ids. */
        const char *cats[32];
        size_t n_cats = 0, n_ids = 0;
        GHashTable *where = g_hash_table_new(g_str_hash, g_str_equal);
        size_t *first = malloc((c->n_rows + 1) * sizeof *first);
        double *ratio = NULL, *rank = NULL, *mean = NULL;
        size_t *order = NULL;
        for (size_t r = 0; first && r < c->n_rows; r++) {
            if (!same(px__rdata_txt(c, r, cm), modes[m]) || !same(px__rdata_txt(c, r, cme), method)) continue;
            const char *cat = px__rdata_txt(c, r, cc), *id = px__rdata_txt(c, r, cid);
            size_t k = 0;
            while (k < n_cats && !same(cats[k], cat))
                k++;
            if (k == n_cats && n_cats < 32 && cat) cats[n_cats++] = cat;
            if (id && !g_hash_table_contains(where, id)) {
                g_hash_table_insert(where, (gpointer)id, GSIZE_TO_POINTER(n_ids + 1));
                first[n_ids++] = r;
            }
        }
        if (n_cats && first) {
            ratio = malloc(n_ids * n_cats * sizeof *ratio);
            rank = malloc(n_ids * n_cats * sizeof *rank);
            mean = malloc((n_ids + 1) * sizeof *mean);
            order = malloc((n_ids + 1) * sizeof *order);
        }
        if (!first || (n_cats && (!ratio || !rank || !mean || !order))) {
            rc = px__error(b->ctx, PX_ENOMEM, "out of memory");
        } else if (n_cats) {
            for (size_t i = 0; i < n_ids * n_cats; i++)
                ratio[i] = rank[i] = NAN;
            for (size_t r = 0; r < c->n_rows; r++) {
                if (!same(px__rdata_txt(c, r, cm), modes[m]) || !same(px__rdata_txt(c, r, cme), method)) continue;
                const char *cat = px__rdata_txt(c, r, cc), *id = px__rdata_txt(c, r, cid);
                size_t ci = id ? GPOINTER_TO_SIZE(g_hash_table_lookup(where, id)) : 0, k = 0;
                while (k < n_cats && !same(cats[k], cat))
                    k++;
                if (!ci || k == n_cats) continue;
                ratio[(ci - 1) * n_cats + k] = px__rdata_num(c, r, cra);
                rank[(ci - 1) * n_cats + k] = px__rdata_num(c, r, crk);
            }
            /* Mean ratio per commune ranks the rows, least served first. */
            for (size_t i = 0; i < n_ids; i++) {
                double sum = 0;
                int k = 0;
                for (size_t j = 0; j < n_cats; j++)
                    if (!isnan(ratio[i * n_cats + j])) sum += ratio[i * n_cats + j], k++;
                mean[i] = k ? sum / k : NAN;
                order[i] = i;
            }
            rowsort rs = {mean, c, cid, first};
            qsort_r(order, n_ids, sizeof *order, cmp_mean, &rs);
            const char *h2[40];
            char hb[32][96];
            unsigned char r2[40];
            h2[0] = "Commune", h2[1] = "Residents", h2[2] = "Mean ratio";
            r2[0] = 0, r2[1] = r2[2] = 1;
            for (size_t k = 0; k < n_cats; k++) {
                snprintf(hb[k], sizeof hb[k], "%s ratio (rank)", cats[k]);
                h2[3 + k] = hb[k];
                r2[3 + k] = 1;
            }
            char cap[160];
            snprintf(cap, sizeof cap, "Ratio to the regional mean per commune, %s (rank 1 = least served)",
                     !strcmp(modes[m], "walk") ? "on foot" : "by bike");
            px__rblock *t2 = px__rdoc_table(doc, cap, src_c, 3 + n_cats, h2, r2);
            for (size_t i = 0; i < n_ids; i++) {
                size_t ci = order[i];
                char cells[40][48];
                const char *row[40];
                const char *nm = px__rdata_txt(c, first[ci], cnm);
                snprintf(cells[0], sizeof cells[0], "%.47s", nm ? nm : px__rdata_txt(c, first[ci], cid));
                px__fmt_num(cells[1], sizeof cells[1], "%.0f", px__rdata_num(c, first[ci], cpo));
                px__fmt_num(cells[2], sizeof cells[2], "%.2f", mean[ci]);
                for (size_t k = 0; k < n_cats; k++) {
                    double v = ratio[ci * n_cats + k], rk = rank[ci * n_cats + k];
                    if (isnan(v))
                        snprintf(cells[3 + k], sizeof cells[3 + k], "n/a");
                    else
                        snprintf(cells[3 + k], sizeof cells[3 + k], "%.2f (%.0f)", v, rk);
                }
                for (size_t k = 0; k < 3 + n_cats; k++)
                    row[k] = cells[k];
                px__rdoc_row(doc, t2, row);
            }
        }
        g_hash_table_destroy(where);
        free(first);
        free(ratio);
        free(rank);
        free(mean);
        free(order);
        if (rc != PX_OK) break;
        if (!n_cats) continue;
        /* Lorenz curves of this mode. */
        if (!l) continue;
        px__chart_lorenz *lz = calloc(1, sizeof *lz);
        if (!lz) {
            rc = px__error(b->ctx, PX_ENOMEM, "out of memory");
            break;
        }
        int lm = px__rdata_col(l, "mode"), lc = px__rdata_col(l, "category"), lme = px__rdata_col(l, "method"),
            lx = px__rdata_col(l, "pop_share"), ly = px__rdata_col(l, "value_share");
        for (size_t k = 0; k < n_cats && lz->n_curves < 8; k++) {
            size_t cnt = 0;
            for (size_t r = 0; r < l->n_rows; r++)
                cnt += same(px__rdata_txt(l, r, lm), modes[m]) && same(px__rdata_txt(l, r, lme), method) &&
                       same(px__rdata_txt(l, r, lc), cats[k]);
            if (!cnt) continue;
            size_t j = lz->n_curves;
            lz->x[j] = malloc(cnt * sizeof(double));
            lz->y[j] = malloc(cnt * sizeof(double));
            lz->names[j] = px__strdup(cats[k]);
            if (!lz->x[j] || !lz->y[j] || !lz->names[j]) {
                doc->failed = 1;
                break;
            }
            for (size_t r = 0; r < l->n_rows; r++)
                if (same(px__rdata_txt(l, r, lm), modes[m]) && same(px__rdata_txt(l, r, lme), method) &&
                    same(px__rdata_txt(l, r, lc), cats[k])) {
                    lz->x[j][lz->n_pts[j]] = px__rdata_num(l, r, lx);
                    lz->y[j][lz->n_pts[j]++] = px__rdata_num(l, r, ly);
                }
            lz->gini[j] = NAN;
            for (size_t r = 0; r < s->n_rows; r++)
                if (same(px__rdata_txt(s, r, sm), modes[m]) && same(px__rdata_txt(s, r, sme), method) &&
                    same(px__rdata_txt(s, r, sc), cats[k]))
                    lz->gini[j] = px__rdata_num(s, r, cg);
            lz->n_curves++;
        }
        lz->title = px__asprintf("Lorenz curves of access to services %s (%s), with their Gini coefficient",
                                 !strcmp(modes[m], "walk") ? "on foot" : "by bike",
                                 !strcmp(method, "e2sfca") ? "E2SFCA" : "2SFCA");
        lz->source = px__asprintf("%s; Gini from equity_summary.", src_l ? src_l : "Source: equity_lorenz");
        char name[32];
        snprintf(name, sizeof name, "lorenz-%s", modes[m]);
        px__rdoc_chart(doc, name, lz->title ? lz->title : "Lorenz curves", px__chart_lorenz_draw, lz,
                       px__chart_lorenz_free, 0.62);
    }
    doc->n_sections++;
done:
    free(src_s);
    free(src_c);
    free(src_l);
    px__rdata_free(s);
    px__rdata_free(c);
    px__rdata_free(l);
    return rc;
}
