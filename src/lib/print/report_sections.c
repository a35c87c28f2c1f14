/*
 * The report's analysis sections, each from the result tables it names:
 * quarter-hour access (access_communes, access_origins), equity
 * (equity_summary, equity_communes, equity_lorenz), flood exposure
 * (flood_exposure), brownfield sites (brownfield_scores) and cycling
 * (cycle_coverage, cycle_connectivity). Communes are ranked (best served
 * first, except equity and flood: most in need first); the whole-region row
 * ("*" or "region") comes last as "All communes". A table that is absent
 * gives one sentence naming the command that makes it.
 *
 * Left out: per-category histograms (one per mode, for "every category"),
 * flood scenario tables (exposure only).
 */
#define _GNU_SOURCE /* qsort_r */
#include "report_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void missing(px__rbuild *b, const char *what, const char *cmd)
{
    px__rdoc_para(b->doc, "%s: not in this project (run `%s`).", what, cmd);
}

/* Rows of `d` sorted by column `key` (descending unless `asc`), NaN last,
 * ties by commune name; the region row excluded and returned in *region. */
typedef struct sortctx {
    const px__rdata *d;
    int key, name, asc;
} sortctx;
static int cmp_rows(const void *a, const void *b, void *user)
{
    const sortctx g_sort = *(const sortctx *)user;
    size_t ra = *(const size_t *)a, rb = *(const size_t *)b;
    double va = px__rdata_num(g_sort.d, ra, g_sort.key), vb = px__rdata_num(g_sort.d, rb, g_sort.key);
    if (isnan(va) != isnan(vb)) return isnan(va) ? 1 : -1;
    if (!isnan(va) && va != vb) return (va < vb) == g_sort.asc ? -1 : 1;
    const char *na = px__rdata_txt(g_sort.d, ra, g_sort.name), *nb = px__rdata_txt(g_sort.d, rb, g_sort.name);
    return strcmp(na ? na : "", nb ? nb : "");
}

static size_t *ranked(const px__rdata *d, int key, int asc, long *region, size_t *n)
{
    size_t *idx = malloc((d->n_rows + 1) * sizeof *idx);
    int idc = px__rdata_col(d, "commune_id");
    *region = -1;
    *n = 0;
    if (!idx) return NULL;
    for (size_t r = 0; r < d->n_rows; r++) {
        if (px__rdata_is_region(px__rdata_txt(d, r, idc)))
            *region = (long)r;
        else
            idx[(*n)++] = r;
    }
    sortctx sc = {d, key, px__rdata_name_col(d), asc};
    qsort_r(idx, *n, sizeof *idx, cmp_rows, &sc);
    return idx;
}

static const char *mode_words(const char *mode)
{
    return !strcmp(mode, "walk") ? "on foot" : !strcmp(mode, "bike") ? "by bike" : mode;
}

/* ---- quarter-hour access ------------------------------------------------------------ */

static px_status histogram(px__rbuild *b, const char *mode, char **cats, size_t n_cats, double minutes, double cutoff)
{
    if (!px_store_has_table(b->store, "access_origins")) return PX_OK;
    px_table_reader *r = NULL;
    px_status rc = px_store_reader_open(b->store, "access_origins", NULL, 0, NULL, &r);
    if (rc != PX_OK) return rc;
    int ic = px_table_reader_column_index(r, "count");
    int cols[64];
    size_t nc = 0;
    for (size_t k = 0; k < n_cats && nc < 64; k++) {
        char name[128];
        snprintf(name, sizeof name, "%s_%s_min", mode, cats[k]);
        int c = px_table_reader_column_index(r, name);
        if (c >= 0) cols[nc++] = c;
    }
    px__chart_hist *h = calloc(1, sizeof *h);
    size_t nb = (size_t)fmin(60, ceil(cutoff));
    if (!h || !(h->weights = calloc(nb, sizeof *h->weights)) || !nc) {
        px__chart_hist_free(h);
        px_table_reader_close(r);
        return nc ? px__error(b->ctx, PX_ENOMEM, "out of memory") : PX_OK;
    }
    h->n_bins = nb;
    h->x0 = 0;
    h->bin_w = cutoff / (double)nb;
    h->marker = minutes;
    for (;;) {
        int has = 0;
        if ((rc = px_table_reader_next(r, &has)) != PX_OK || !has) break;
        double w = ic >= 0 && !px_table_reader_is_null(r, (size_t)ic) ? px_table_reader_real(r, (size_t)ic) : 1;
        double worst = 0;
        int none = 0;
        for (size_t k = 0; k < nc; k++) {
            if (px_table_reader_is_null(r, (size_t)cols[k])) {
                none = 1;
                break;
            }
            worst = fmax(worst, px_table_reader_real(r, (size_t)cols[k]));
        }
        size_t bin = (size_t)(worst / h->bin_w);
        if (none || bin >= nb)
            h->beyond += w;
        else
            h->weights[bin] += w;
    }
    px_table_reader_close(r);
    if (rc != PX_OK) {
        px__chart_hist_free(h);
        return rc;
    }
    h->title = px__asprintf("Minutes %s to the farthest of the %zu service categories (each resident's slowest "
                            "category), residents per %.0f-minute band",
                            mode_words(mode), nc, h->bin_w);
    h->xlabel = px__asprintf("minutes %s (network time to the nearest service of the slowest category)", mode_words(mode));
    h->ylabel = px__strdup("residents");
    h->marker_label = px__asprintf("%.0f min", minutes);
    h->source = px__asprintf("Source: access_origins (proxima access), weighted by residents (count); grey: beyond "
                             "the %.0f-minute cutoff or a category out of reach.", cutoff);
    char name[64], cap[160];
    snprintf(name, sizeof name, "minutes-%s", mode);
    snprintf(cap, sizeof cap, "Distribution of minutes %s", mode_words(mode));
    px__rdoc_chart(b->doc, name, cap, px__chart_hist_draw, h, px__chart_hist_free, 0.5);
    return PX_OK;
}

px_status px__report_access(px__rbuild *b)
{
    px__rdoc *doc = b->doc;
    px__rdoc_heading(doc, 1, "Quarter-hour access");
    if (!px_store_has_table(b->store, "access_communes")) {
        missing(b, "Quarter-hour access", "proxima access PROJECT");
        return PX_OK;
    }
    px__rdata *d = NULL;
    px_status rc = px__rdata_load(b->ctx, b->store, "access_communes", &d);
    if (rc != PX_OK) return rc;
    double minutes = px__report_note_number(b->store, "access_communes", "threshold ", 15);
    double cutoff = px__report_note_number(b->store, "access_communes", "cutoff ", 2 * minutes);
    char *src = px__report_source(b->store, "access_communes");
    /* Categories: the <mode>_<cat>_share columns of the first mode, in table order. */
    static const char *const modes[] = {"walk", "bike"};
    char *cats[64];
    size_t n_cats = 0;
    for (size_t c = 0; c < d->n_cols && n_cats < 64; c++) {
        const char *col = d->cols[c];
        size_t len = strlen(col);
        for (int m = 0; m < 2; m++) {
            size_t ml = strlen(modes[m]);
            if (strncmp(col, modes[m], ml) || col[ml] != '_' || len < ml + 7 || strcmp(col + len - 6, "_share") ||
                !strcmp(col + ml + 1, "all_share"))
                continue;
            char cat[96];
            snprintf(cat, sizeof cat, "%.*s", (int)(len - ml - 7), col + ml + 1);
            int seen = 0;
            for (size_t k = 0; k < n_cats; k++)
                seen |= !strcmp(cats[k], cat);
            if (!seen && (cats[n_cats] = px__strdup(cat))) n_cats++;
        }
    }
    px__rdoc_para(doc,
                  "Share of residents with a service of each category within %.0f minutes on the network, per "
                  "commune (percent of the commune's residents; \"all\" = every category within %.0f minutes). "
                  "Communes are ranked by the \"all\" share, best served first.",
                  minutes, minutes);
    int idc = px__rdata_col(d, "commune_id"), inm = px__rdata_name_col(d), ipop = px__rdata_col(d, "population");
    for (int m = 0; m < 2; m++) {
        char col[128];
        snprintf(col, sizeof col, "%s_all_share", modes[m]);
        int iall = px__rdata_col(d, col);
        if (iall < 0) continue;
        long region;
        size_t n = 0, *idx = ranked(d, iall, 0, &region, &n);
        if (!idx) {
            rc = px__error(b->ctx, PX_ENOMEM, "out of memory");
            break;
        }
        size_t nc = 4 + n_cats;
        const char *head[70];
        unsigned char right[70];
        char heads[64][128];
        head[0] = "Rank", head[1] = "Commune", head[2] = "Residents", head[3] = "All (%)";
        for (size_t k = 0; k < n_cats; k++) {
            snprintf(heads[k], sizeof heads[k], "%s (%%)", cats[k]);
            head[4 + k] = heads[k];
        }
        for (size_t k = 0; k < nc; k++)
            right[k] = k != 1;
        char cap[160];
        snprintf(cap, sizeof cap, "Residents within %.0f minutes %s, per commune", minutes, mode_words(modes[m]));
        px__rblock *t = px__rdoc_table(doc, cap, src, nc, head, right);
        for (size_t i = 0; i <= n; i++) {
            long r = i < n ? (long)idx[i] : region;
            if (r < 0) continue;
            char cells[70][48];
            const char *row[70];
            if (i < n)
                snprintf(cells[0], sizeof cells[0], "%zu", i + 1);
            else
                cells[0][0] = 0;
            snprintf(cells[1], sizeof cells[1], "%.47s", i < n ? px__rdata_txt(d, (size_t)r, inm) : "All communes");
            px__fmt_num(cells[2], sizeof cells[2], "%.0f", px__rdata_num(d, (size_t)r, ipop));
            px__fmt_num(cells[3], sizeof cells[3], "%.1f", px__rdata_num(d, (size_t)r, iall) * 100);
            for (size_t k = 0; k < n_cats; k++) {
                snprintf(col, sizeof col, "%s_%s_share", modes[m], cats[k]);
                px__fmt_num(cells[4 + k], sizeof cells[4 + k], "%.1f", px__rdata_num(d, (size_t)r, px__rdata_col(d, col)) * 100);
            }
            for (size_t k = 0; k < nc; k++)
                row[k] = cells[k];
            px__rdoc_row(doc, t, row);
        }
        free(idx);
    }
    /* Bars: walk and bike "all" shares per commune, ranked by the first mode
     * present; beyond 40 communes, the 20 best and the 20 least served. */
    px__chart_bars *c = calloc(1, sizeof *c);
    int iw = px__rdata_col(d, "walk_all_share"), ib = px__rdata_col(d, "bike_all_share");
    long region;
    size_t n = 0, *idx = ranked(d, iw >= 0 ? iw : ib, 0, &region, &n);
    size_t shown = n > 40 ? 40 : n;
    if (c && idx && (iw >= 0 || ib >= 0) && (c->labels = calloc(shown + 1, sizeof *c->labels)) &&
        (c->values = calloc(2 * (shown + 1), sizeof *c->values))) {
        c->n = shown;
        c->vmax = 100;
        int cols2[2];
        if (iw >= 0) c->series[c->n_series] = px__strdup("on foot"), cols2[c->n_series++] = iw;
        if (ib >= 0) c->series[c->n_series] = px__strdup("by bike"), cols2[c->n_series++] = ib;
        for (size_t i = 0; i < shown; i++) {
            size_t row = idx[shown < n && i >= 20 ? n - 40 + i : i];
            const char *nm = px__rdata_txt(d, row, inm);
            c->labels[i] = px__strdup(nm ? nm : px__rdata_txt(d, row, idc));
            for (size_t s = 0; s < c->n_series; s++)
                c->values[s * shown + i] = px__rdata_num(d, row, cols2[s]) * 100;
        }
        if (shown < n)
            c->title = px__asprintf("Residents with every service category within %.0f minutes: the 20 best and the "
                                    "20 least served of %zu communes",
                                    minutes, n);
        else
            c->title = px__asprintf("Residents with every service category within %.0f minutes, by commune", minutes);
        c->xlabel = px__strdup("share of the commune's residents (%)");
        c->source = px__asprintf("%s", src ? src : "Source: access_communes");
        px__rdoc_chart(doc, "quarter-hour-shares", "Quarter-hour shares per commune", px__chart_bars_draw, c,
                       px__chart_bars_free, fmin(1.4, 0.22 + 0.045 * (double)shown));
    } else {
        px__chart_bars_free(c);
    }
    free(idx);
    for (int m = 0; m < 2 && rc == PX_OK; m++) {
        char col[64];
        snprintf(col, sizeof col, "%s_all_share", modes[m]);
        if (px__rdata_col(d, col) >= 0) rc = histogram(b, modes[m], cats, n_cats, minutes, cutoff);
    }
    for (size_t k = 0; k < n_cats; k++)
        free(cats[k]);
    free(src);
    px__rdata_free(d);
    doc->n_sections++;
    return rc;
}
