/*
 * The report's flood, brownfield and cycling sections: flood exposure per
 * commune (residents by hazard class, services and brownfield area exposed;
 * most exposed first), the top brownfield sites per future use (rank,
 * index, reliability), and cycle coverage with low-stress connectivity per
 * commune (best connected first).
 *
 * Left out: the flood scenario (minutes lost), missing links (their own
 * GeoJSON), brownfield criteria (brownfield_scores.csv has every one).
 */
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

/* Indexes of rows, by value descending (NaN last), ties by text key. */
static void sort_desc(size_t *idx, size_t n, const double *v, const char *const *key)
{
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0; j--) {
            size_t a = idx[j - 1], b = idx[j];
            int swap = (isnan(v[a]) && !isnan(v[b])) || (!isnan(v[a]) && !isnan(v[b]) && v[b] > v[a]) ||
                       ((v[a] == v[b] || (isnan(v[a]) && isnan(v[b]))) && strcmp(key[a], key[b]) > 0);
            if (!swap) break;
            idx[j] = a;
            idx[j - 1] = b;
        }
}

/* ---- flood -------------------------------------------------------------------------- */

px_status px__report_flood(px__rbuild *b)
{
    px__rdoc *doc = b->doc;
    px__rdoc_heading(doc, 1, "Flood exposure");
    if (!px_store_has_table(b->store, "flood_exposure")) {
        px__rdoc_para(doc, "Flood exposure: not in this project (run `proxima flood PROJECT`).");
        return PX_OK;
    }
    px__rdata *d = NULL;
    px_status rc = px__rdata_load(b->ctx, b->store, "flood_exposure", &d);
    if (rc != PX_OK) return rc;
    char *src = px__report_source(b->store, "flood_exposure");
    int cid = px__rdata_col(d, "commune_id"), cnm = px__rdata_name_col(d), ch = px__rdata_col(d, "hazard"),
        cr = px__rdata_col(d, "residents"), cs = px__rdata_col(d, "residents_share"), csv = px__rdata_col(d, "services"),
        cba = px__rdata_col(d, "brownfield_area_m2");
    /* One line per commune from its rows per class. */
    /* One line per commune: its rows per class gathered through a hash of the ids. */
    size_t n = 0, m = d->n_rows + 1;
    const char **ids = calloc(m, sizeof *ids), **names = calloc(m, sizeof *names);
    double *vals = calloc(7 * m, sizeof *vals);
    size_t *idx = calloc(m, sizeof *idx);
    GHashTable *where = g_hash_table_new(g_str_hash, g_str_equal);
    if (!ids || !names || !vals || !idx) {
        free(ids), free(names), free(vals), free(idx);
        g_hash_table_destroy(where);
        free(src);
        px__rdata_free(d);
        return px__error(b->ctx, PX_ENOMEM, "out of memory");
    }
    double *any = vals, *share = vals + m, *high = vals + 2 * m, *med = vals + 3 * m, *low = vals + 4 * m,
           *serv = vals + 5 * m, *bf = vals + 6 * m;
    for (size_t r = 0; r < d->n_rows; r++) {
        const char *id = px__rdata_txt(d, r, cid);
        if (!id || px__rdata_is_region(id)) continue;
        size_t k = GPOINTER_TO_SIZE(g_hash_table_lookup(where, id));
        k = k ? k - 1 : n;
        if (k == n) {
            g_hash_table_insert(where, (gpointer)id, GSIZE_TO_POINTER(n + 1));
            ids[n] = id;
            const char *nm = px__rdata_txt(d, r, cnm);
            names[n] = nm ? nm : id;
            any[n] = share[n] = high[n] = med[n] = low[n] = serv[n] = bf[n] = NAN;
            n++;
        }
        const char *h = px__rdata_txt(d, r, ch);
        double v = px__rdata_num(d, r, cr);
        if (same(h, "any")) {
            any[k] = v;
            share[k] = px__rdata_num(d, r, cs);
            serv[k] = px__rdata_num(d, r, csv);
            bf[k] = px__rdata_num(d, r, cba);
        } else if (same(h, "high"))
            high[k] = v;
        else if (same(h, "medium"))
            med[k] = v;
        else if (same(h, "low"))
            low[k] = v;
    }
    for (size_t i = 0; i < n; i++)
        idx[i] = i;
    sort_desc(idx, n, share, names);
    px__rdoc_para(doc, "Residents, services and brownfield land inside the flood zones, per commune (hazard classes "
                       "are exclusive, so high + medium + low = any). Ranked by the share of residents exposed.");
    const char *head[] = {"Rank", "Commune", "Residents exposed", "Share (%)", "High", "Medium", "Low",
                          "Services exposed", "Brownfield area (m²)"};
    unsigned char right[] = {1, 0, 1, 1, 1, 1, 1, 1, 1};
    px__rblock *t = px__rdoc_table(doc, "Flood exposure per commune", src, 9, head, right);
    double tot[6] = {0};
    for (size_t i = 0; i < n; i++) {
        size_t k = idx[i];
        char c[9][40];
        snprintf(c[0], sizeof c[0], "%zu", i + 1);
        snprintf(c[1], sizeof c[1], "%.39s", names[k]);
        px__fmt_num(c[2], sizeof c[2], "%.0f", any[k]);
        px__fmt_num(c[3], sizeof c[3], "%.1f", share[k] * 100);
        px__fmt_num(c[4], sizeof c[4], "%.0f", high[k]);
        px__fmt_num(c[5], sizeof c[5], "%.0f", med[k]);
        px__fmt_num(c[6], sizeof c[6], "%.0f", low[k]);
        px__fmt_num(c[7], sizeof c[7], "%.0f", serv[k]);
        px__fmt_num(c[8], sizeof c[8], "%.0f", bf[k]);
        const char *row[] = {c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8]};
        px__rdoc_row(doc, t, row);
        double add[6] = {any[k], high[k], med[k], low[k], serv[k], bf[k]};
        for (int j = 0; j < 6; j++)
            if (!isnan(add[j])) tot[j] += add[j];
    }
    char c[9][40];
    for (int j = 0; j < 6; j++)
        snprintf(c[j], sizeof c[j], "%.0f", tot[j]);
    const char *row[] = {"", "All communes", c[0], "", c[1], c[2], c[3], c[4], c[5]};
    px__rdoc_row(doc, t, row);
    g_hash_table_destroy(where);
    free(ids), free(names), free(vals), free(idx);
    free(src);
    px__rdata_free(d);
    doc->n_sections++;
    return PX_OK;
}

/* ---- brownfields ------------------------------------------------------------------- */

px_status px__report_brownfields(px__rbuild *b)
{
    px__rdoc *doc = b->doc;
    px__rdoc_heading(doc, 1, "Brownfield sites");
    if (!px_store_has_table(b->store, "brownfield_scores")) {
        px__rdoc_para(doc, "Brownfield sites: not in this project (run `proxima brownfields PROJECT --scenario ...`).");
        return PX_OK;
    }
    px__rdata *d = NULL;
    px_status rc = px__rdata_load(b->ctx, b->store, "brownfield_scores", &d);
    if (rc != PX_OK) return rc;
    char *src = px__report_source(b->store, "brownfield_scores");
    int cu = px__rdata_col(d, "use"), crk = px__rdata_col(d, "rank"), cid = px__rdata_col(d, "site_id"),
        cnm = px__rdata_col(d, "site_name"), cix = px__rdata_col(d, "index"), crl = px__rdata_col(d, "reliability");
    int top = b->opts->top_sites > 0 ? b->opts->top_sites : 5;
    px__rdoc_para(doc, "The %d best-ranked sites for each future use (index 0-100: advantages / (advantages + "
                       "constraints); reliability 0-10: share of the criteria that could be filled). Sites excluded "
                       "for a use by a rule are not ranked for it.",
                  top);
    const char *head[] = {"Use", "Rank", "Site", "Name", "Index", "Reliability"};
    unsigned char right[] = {0, 1, 0, 0, 1, 1};
    px__rblock *t = px__rdoc_table(doc, "Top brownfield sites per use", src, 6, head, right);
    const char *uses[32];
    size_t n_uses = 0;
    for (size_t r = 0; r < d->n_rows; r++) {
        const char *u = px__rdata_txt(d, r, cu);
        size_t k = 0;
        while (k < n_uses && !same(uses[k], u))
            k++;
        if (k == n_uses && n_uses < 32 && u) uses[n_uses++] = u;
    }
    for (size_t k = 0; k < n_uses; k++) {
        for (int want = 1; want <= top; want++)
            for (size_t r = 0; r < d->n_rows; r++) {
                if (!same(px__rdata_txt(d, r, cu), uses[k]) || px__rdata_num(d, r, crk) != want) continue;
                char rk[16], ix[32], rl[32];
                snprintf(rk, sizeof rk, "%d", want);
                px__fmt_num(ix, sizeof ix, "%.1f", px__rdata_num(d, r, cix));
                px__fmt_num(rl, sizeof rl, "%.1f", px__rdata_num(d, r, crl));
                const char *nm = px__rdata_txt(d, r, cnm);
                const char *row[] = {uses[k], rk, px__rdata_txt(d, r, cid), nm ? nm : "", ix, rl};
                px__rdoc_row(doc, t, row);
            }
    }
    free(src);
    px__rdata_free(d);
    doc->n_sections++;
    return PX_OK;
}

/* ---- cycling -------------------------------------------------------------------------- */

px_status px__report_cycle(px__rbuild *b)
{
    px__rdoc *doc = b->doc;
    px__rdoc_heading(doc, 1, "Cycling");
    if (!px_store_has_table(b->store, "cycle_coverage") && !px_store_has_table(b->store, "cycle_connectivity")) {
        px__rdoc_para(doc, "Cycling: not in this project (run `proxima cycle PROJECT`).");
        return PX_OK;
    }
    px__rdata *cov = NULL, *con = NULL;
    px_status rc = PX_OK;
    if (px_store_has_table(b->store, "cycle_coverage")) rc = px__rdata_load(b->ctx, b->store, "cycle_coverage", &cov);
    if (rc == PX_OK && px_store_has_table(b->store, "cycle_connectivity"))
        rc = px__rdata_load(b->ctx, b->store, "cycle_connectivity", &con);
    if (rc != PX_OK) {
        px__rdata_free(cov);
        return rc;
    }
    char *s1 = px__report_source(b->store, "cycle_coverage"), *s2 = px__report_source(b->store, "cycle_connectivity");
    char *src = px__asprintf("%s; %s", s1 ? s1 : "", s2 ? s2 : "");
    const px__rdata *base = cov ? cov : con;
    int bid = px__rdata_col(base, "commune_id"), bnm = px__rdata_name_col(base), bpo = px__rdata_col(base, "population");
    int vid = px__rdata_col(cov, "commune_id"), vpct = px__rdata_col(cov, "covered_pct"),
        vrt = px__rdata_col(cov, "route_m_per_1000");
    int nid = px__rdata_col(con, "commune_id"), nsc = px__rdata_col(con, "score");
    size_t n = 0, m = base->n_rows + 1;
    long region = -1;
    size_t *idx = calloc(m, sizeof *idx);
    double *vals = calloc(3 * m, sizeof *vals);
    const char **keys = calloc(m, sizeof *keys);
    if (!idx || !vals || !keys) {
        free(idx), free(vals), free(keys), free(s1), free(s2), free(src);
        px__rdata_free(cov);
        px__rdata_free(con);
        return px__error(b->ctx, PX_ENOMEM, "out of memory");
    }
    double *score = vals, *pct = vals + m, *route = vals + 2 * m;
    for (size_t r = 0; r < base->n_rows; r++) {
        const char *id = px__rdata_txt(base, r, bid);
        score[r] = pct[r] = route[r] = NAN;
        for (size_t q = 0; cov && q < cov->n_rows; q++)
            if (same(px__rdata_txt(cov, q, vid), id)) pct[r] = px__rdata_num(cov, q, vpct), route[r] = px__rdata_num(cov, q, vrt);
        for (size_t q = 0; con && q < con->n_rows; q++)
            if (same(px__rdata_txt(con, q, nid), id)) score[r] = px__rdata_num(con, q, nsc);
        const char *nm = px__rdata_txt(base, r, bnm);
        keys[r] = nm ? nm : id ? id : "";
        if (px__rdata_is_region(id))
            region = (long)r;
        else
            idx[n++] = r;
    }
    sort_desc(idx, n, con ? score : pct, keys);
    px__rdoc_para(doc, "Residents within 300 m (network) of a cycle facility, cycle route length per 1,000 residents, "
                       "and the low-stress connectivity score (0-100: share of the destinations within biking "
                       "distance that a resident reaches on low-stress streets). Ranked by connectivity.");
    const char *head[] = {"Rank", "Commune", "Residents", "Covered (%)", "Cycle routes (m per 1,000)",
                          "Connectivity (0-100)"};
    unsigned char right[] = {1, 0, 1, 1, 1, 1};
    px__rblock *t = px__rdoc_table(doc, "Cycle coverage and connectivity per commune", src, 6, head, right);
    for (size_t i = 0; i <= n; i++) {
        long r = i < n ? (long)idx[i] : region;
        if (r < 0) continue;
        char c[6][48];
        if (i < n)
            snprintf(c[0], sizeof c[0], "%zu", i + 1);
        else
            c[0][0] = 0;
        snprintf(c[1], sizeof c[1], "%.47s", i < n ? keys[r] : "All communes");
        px__fmt_num(c[2], sizeof c[2], "%.0f", px__rdata_num(base, (size_t)r, bpo));
        px__fmt_num(c[3], sizeof c[3], "%.1f", pct[r]);
        px__fmt_num(c[4], sizeof c[4], "%.0f", route[r]);
        px__fmt_num(c[5], sizeof c[5], "%.1f", score[r]);
        const char *row[] = {c[0], c[1], c[2], c[3], c[4], c[5]};
        px__rdoc_row(doc, t, row);
    }
    free(idx), free(vals), free(keys);
    free(s1);
    free(s2);
    free(src);
    px__rdata_free(cov);
    px__rdata_free(con);
    doc->n_sections++;
    return PX_OK;
}
