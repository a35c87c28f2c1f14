/*
 * The council report's service-planning section, present only when the
 * project holds its tables: the proposed sites ranked (services_sites, from
 * `proxima site-services`), the what-if per commune (services_whatif_communes,
 * from `proxima services`: residents gaining and losing a service within
 * the threshold, shares before and after) and the sites shared by several
 * communes (services_shared). Figures are the tables' own, formatted.
 */
#include "report_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int same(const char *a, const char *b)
{
    return a && b && !strcmp(a, b);
}

static const char *mode_words(const char *m)
{
    return same(m, "walk") ? "on foot" : same(m, "bike") ? "by bike" : (m ? m : "");
}

static px_status sites(px__rbuild *b)
{
    px__rdoc *doc = b->doc;
    px__rdata *d = NULL;
    px_status rc = px__rdata_load(b->ctx, b->store, "services_sites", &d);
    if (rc != PX_OK) return rc;
    char *src = px__report_source(b->store, "services_sites");
    int crk = px__rdata_col(d, "rank"), cid = px__rdata_col(d, "candidate_id"), cg = px__rdata_col(d, "gain"),
        co = px__rdata_col(d, "objective"), cm = px__rdata_col(d, "mode"), cc = px__rdata_col(d, "category"),
        con = px__rdata_col(d, "objective_name");
    const char *obj = d->n_rows ? px__rdata_txt(d, 0, con) : NULL;
    const char *cat = d->n_rows ? px__rdata_txt(d, 0, cc) : NULL;
    const char *mode = d->n_rows ? px__rdata_txt(d, 0, cm) : NULL;
    int cov = !obj || same(obj, "coverage"), pmed = same(obj, "pmedian");
    const char *gain_h = cov ? "Residents gained" : pmed ? "Mean minutes saved" : "Lowest commune share gained (points)";
    const char *obj_h = cov ? "Residents gained, cumulative" : pmed ? "Mean minutes after" : "Lowest commune share after (%)";
    px__rdoc_heading(doc, 2, "Proposed sites");
    px__rdoc_para(doc,
                  "%zu new %s site(s) chosen %s for the %s objective (%s), by greedy selection with lazy evaluation "
                  "and a 1-swap improvement (`proxima site-services`). Ranks order the sites by what each adds.",
                  d->n_rows, cat ? cat : "service", mode_words(mode), obj ? obj : "coverage",
                  cov    ? "residents newly within the threshold"
                  : pmed ? "population-weighted mean minutes to the nearest service"
                         : "the lowest commune share within the threshold");
    const char *head[] = {"Rank", "Site", gain_h, obj_h};
    unsigned char right[] = {1, 0, 1, 1};
    px__rblock *t = px__rdoc_table(doc, "Proposed service sites, ranked", src, 4, head, right);
    for (int want = 1; want <= (int)d->n_rows; want++)
        for (size_t r = 0; r < d->n_rows; r++) {
            if (px__rdata_num(d, r, crk) != want) continue;
            char rk[16], g[32], o[32];
            snprintf(rk, sizeof rk, "%d", want);
            double gv = px__rdata_num(d, r, cg), ov = px__rdata_num(d, r, co);
            if (pmed) gv = -gv;
            px__fmt_num(g, sizeof g, cov ? "%.0f" : pmed ? "%.2f" : "%.1f", cov || pmed ? gv : gv * 100);
            px__fmt_num(o, sizeof o, cov ? "%.0f" : pmed ? "%.2f" : "%.1f", cov || pmed ? ov : ov * 100);
            const char *id = px__rdata_txt(d, r, cid);
            const char *row[] = {rk, id ? id : "", g, o};
            px__rdoc_row(doc, t, row);
        }
    free(src);
    px__rdata_free(d);
    return PX_OK;
}

static px_status whatif(px__rbuild *b)
{
    px__rdoc *doc = b->doc;
    px__rdata *d = NULL;
    px_status rc = px__rdata_load(b->ctx, b->store, "services_whatif_communes", &d);
    if (rc != PX_OK) return rc;
    char *src = px__report_source(b->store, "services_whatif_communes");
    int cid = px__rdata_col(d, "commune_id"), cnm = px__rdata_name_col(d), cm = px__rdata_col(d, "mode"),
        cc = px__rdata_col(d, "category"), cg = px__rdata_col(d, "residents_gaining"),
        cl = px__rdata_col(d, "residents_losing"), cb = px__rdata_col(d, "share_before"),
        ca = px__rdata_col(d, "share_after");
    const char *cat = d->n_rows ? px__rdata_txt(d, 0, cc) : NULL;
    px__rdoc_heading(doc, 2, "What-if on %s services", cat ? cat : "the");
    px__rdoc_para(doc, "Residents gaining and losing a %s service within the threshold with the services opened, "
                       "closed or moved (`proxima services`), per commune, ordered by residents gaining; shares "
                       "of residents within the threshold before and after.",
                  cat ? cat : "");
    const char *head[] = {"Commune", "Mode", "Residents gaining", "Residents losing", "Share before (%)",
                          "Share after (%)"};
    unsigned char right[] = {0, 0, 1, 1, 1, 1};
    px__rblock *t = px__rdoc_table(doc, "What-if: residents gaining and losing a service within reach", src, 6, head,
                                   right);
    /* Per mode: communes by gain descending, then name; the region last. */
    size_t *idx = calloc(d->n_rows + 1, sizeof *idx);
    if (!idx) {
        free(src);
        px__rdata_free(d);
        return px__error(b->ctx, PX_ENOMEM, "out of memory");
    }
    static const char *const modes[] = {"walk", "bike"};
    for (int m = 0; m < 2; m++) {
        size_t n = 0;
        long region = -1;
        for (size_t r = 0; r < d->n_rows; r++) {
            if (!same(px__rdata_txt(d, r, cm), modes[m])) continue;
            if (px__rdata_is_region(px__rdata_txt(d, r, cid)))
                region = (long)r;
            else
                idx[n++] = r;
        }
        for (size_t i = 1; i < n; i++) /* insertion sort: a few dozen communes */
            for (size_t j = i; j > 0; j--) {
                size_t x = idx[j - 1], y = idx[j];
                double gx = px__rdata_num(d, x, cg), gy = px__rdata_num(d, y, cg);
                const char *nx = px__rdata_txt(d, x, cnm), *ny = px__rdata_txt(d, y, cnm);
                int swap = gy > gx || (gy == gx && nx && ny && strcmp(ny, nx) < 0);
                if (!swap) break;
                idx[j - 1] = y;
                idx[j] = x;
            }
        if (region >= 0) idx[n++] = (size_t)region;
        for (size_t i = 0; i < n; i++) {
            size_t r = idx[i];
            char g[32], l[32], sb[32], sa[32];
            px__fmt_num(g, sizeof g, "%.0f", px__rdata_num(d, r, cg));
            px__fmt_num(l, sizeof l, "%.0f", px__rdata_num(d, r, cl));
            px__fmt_num(sb, sizeof sb, "%.1f", px__rdata_num(d, r, cb) * 100);
            px__fmt_num(sa, sizeof sa, "%.1f", px__rdata_num(d, r, ca) * 100);
            const char *nm = px__rdata_is_region(px__rdata_txt(d, r, cid)) ? "All communes" : px__rdata_txt(d, r, cnm);
            const char *row[] = {nm ? nm : "", mode_words(modes[m]), g, l, sb, sa};
            px__rdoc_row(doc, t, row);
        }
    }
    free(idx);
    free(src);
    px__rdata_free(d);
    return PX_OK;
}

static px_status shared(px__rbuild *b)
{
    px__rdoc *doc = b->doc;
    px__rdata *d = NULL;
    px_status rc = px__rdata_load(b->ctx, b->store, "services_shared", &d);
    if (rc != PX_OK) return rc;
    char *src = px__report_source(b->store, "services_shared");
    int crk = px__rdata_col(d, "rank"), cid = px__rdata_col(d, "candidate_id"),
        cr = px__rdata_col(d, "residents_served"), cw = px__rdata_col(d, "worst_centre_min"),
        cm = px__rdata_col(d, "mode");
    px__rdoc_heading(doc, 2, "Shared services between communes");
    px__rdoc_para(doc, "Sites that every commune of the group reaches within the threshold %s from its centre "
                       "(`proxima shared-services`), ranked by the group's residents within the threshold of the site.",
                  mode_words(d->n_rows ? px__rdata_txt(d, 0, cm) : NULL));
    if (!d->n_rows) px__rdoc_para(doc, "No site serves every commune of the group within the threshold.");
    const char *head[] = {"Rank", "Site", "Residents served", "Minutes from the farthest centre"};
    unsigned char right[] = {1, 0, 1, 1};
    px__rblock *t = d->n_rows ? px__rdoc_table(doc, "Shared service sites", src, 4, head, right) : NULL;
    for (size_t r = 0; t && r < d->n_rows; r++) {
        char rk[16], s[32], w[32];
        px__fmt_num(rk, sizeof rk, "%.0f", px__rdata_num(d, r, crk));
        px__fmt_num(s, sizeof s, "%.0f", px__rdata_num(d, r, cr));
        px__fmt_num(w, sizeof w, "%.1f", px__rdata_num(d, r, cw));
        const char *id = px__rdata_txt(d, r, cid);
        const char *row[] = {rk, id ? id : "", s, w};
        px__rdoc_row(doc, t, row);
    }
    free(src);
    px__rdata_free(d);
    return PX_OK;
}

px_status px__report_services(px__rbuild *b)
{
    int has_sites = px_store_has_table(b->store, "services_sites"),
        has_whatif = px_store_has_table(b->store, "services_whatif_communes"),
        has_shared = px_store_has_table(b->store, "services_shared");
    if (!has_sites && !has_whatif && !has_shared) return PX_OK; /* no section: nothing was planned */
    px__rdoc_heading(b->doc, 1, "Service planning");
    px_status rc = PX_OK;
    if (has_sites) rc = sites(b);
    if (rc == PX_OK && has_whatif) rc = whatif(b);
    if (rc == PX_OK && has_shared) rc = shared(b);
    if (rc == PX_OK) b->doc->n_sections++;
    return rc;
}
