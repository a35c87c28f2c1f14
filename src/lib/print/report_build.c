/*
 * px_report_write: builds the report's document from the project (the
 * analysis sections, the print maps of the styles whose tables the project
 * holds, a comparison of two runs when given, and the data-quality box) and
 * writes report.md, report.html and report.pdf from it.
 *
 * Data quality: feature counts per layer and per service category, the
 * layers' sources, notes and dates (px_tables), and warnings for thin data
 * (categories with fewer than 3 services, communes with fewer than 5
 * population units), proxies, residents beyond the snapping distance and
 * results the store marks stale (an input changed since); what each layer's
 * last load read, loaded, repaired and rejected (settings "load:LAYER").
 */
#include "report_int.h"
#include "../tiles/tiles_frame.h"

#include <dirent.h>
#include <glib.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#ifndef PX_SOURCE_DIR
#define PX_SOURCE_DIR "."
#endif

void px_report_options_default(px_report_options *o)
{
    memset(o, 0, sizeof *o);
    o->top_sites = 5;
}

char *px__report_source(px_store *store, const char *table)
{
    px_table_info *ti = NULL;
    if (px_store_table_info(store, table, &ti) != PX_OK) return px__asprintf("Source: %s", table);
    char *s = px__asprintf("Source: %s (%s%s%s%s%s)", table, ti->source ? ti->source : "unknown",
                           ti->source_layer && *ti->source_layer ? " from " : "",
                           ti->source_layer ? ti->source_layer : "", ti->note && *ti->note ? "; " : "",
                           ti->note ? ti->note : "");
    px_table_info_free(ti, 1);
    return s;
}

double px__report_note_number(px_store *store, const char *table, const char *key, double def)
{
    px_table_info *ti = NULL;
    double v = def;
    if (px_store_table_info(store, table, &ti) != PX_OK) return def;
    const char *p = ti->note ? strstr(ti->note, key) : NULL;
    if (p) v = strtod(p + strlen(key), NULL);
    px_table_info_free(ti, 1);
    return v > 0 ? v : def;
}

/* ---- maps --------------------------------------------------------------------------- */

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

px_status px__report_maps(px__rbuild *b)
{
    px__rdoc *doc = b->doc;
    const px_report_options *o = b->opts;
    char *found[64];
    size_t n = 0;
    if (o->map_styles) {
        for (size_t i = 0; o->map_styles[i] && n < 64; i++)
            if ((found[n] = px__strdup(o->map_styles[i]))) n++;
    } else {
        const char *dir = o->styles_dir ? o->styles_dir : PX_SOURCE_DIR "/styles";
        DIR *dh = opendir(dir);
        struct dirent *e;
        while (dh && (e = readdir(dh)) && n < 64) {
            size_t len = strlen(e->d_name);
            if (len > 5 && !strcmp(e->d_name + len - 5, ".json") && (found[n] = px__asprintf("%s/%s", dir, e->d_name)))
                n++;
        }
        if (dh) closedir(dh);
        qsort(found, n, sizeof *found, cmp_str);
    }
    px__rdoc_heading(doc, 1, "Maps");
    char *maps_dir = px__asprintf("%s/maps", b->out_dir);
    px_status rc = maps_dir ? PX_OK : px__error(b->ctx, PX_ENOMEM, "out of memory");
    if (rc == PX_OK && mkdir(maps_dir, 0777) && errno != EEXIST)
        rc = px__error(b->ctx, PX_EIO, "%s: cannot create: %s", maps_dir, strerror(errno));
    px__buf skipped = {0};
    for (size_t i = 0; i < n && rc == PX_OK; i++) {
        px_style *st = NULL;
        if (px_style_read(b->ctx, found[i], &st) != PX_OK) {
            /* An explicit style that does not read is an error; a shipped one a note. */
            if (o->map_styles) {
                rc = px_ctx_errcode(b->ctx);
                break;
            }
            px__buf_printf(&skipped, "%s%s (%s)", skipped.n ? "; " : "", found[i], px_ctx_errmsg(b->ctx));
            px_ctx_clear_error(b->ctx);
            continue;
        }
        int ok = px_style_n_tables(st) > 0;
        int64_t rows = 0;
        for (size_t k = 0; k < px_style_n_tables(st) && ok; k++) {
            int64_t c = 0;
            ok = px_store_has_table(b->store, px_style_table(st, k)) &&
                 px_store_count(b->store, px_style_table(st, k), &c) == PX_OK;
            rows += c;
        }
        const char *base = strrchr(found[i], '/');
        base = base ? base + 1 : found[i];
        if (!ok || !rows) {
            px_ctx_clear_error(b->ctx);
            px__buf_printf(&skipped, "%s%s", skipped.n ? ", " : "", base);
            px_style_free(st);
            continue;
        }
        char stem[128];
        snprintf(stem, sizeof stem, "%.*s", (int)(strlen(base) > 5 ? strlen(base) - 5 : strlen(base)), base);
        char *file = px__asprintf("maps/%s.png", stem), *path = px__asprintf("%s/maps/%s.png", b->out_dir, stem);
        px_map_options mo;
        px_map_options_default(&mo);
        mo.date = doc->date;
        mo.dpi = 96;
        if (!file || !path)
            rc = px__error(b->ctx, PX_ENOMEM, "out of memory");
        else
            rc = px_map_write(b->ctx, b->store, st, path, &mo, NULL);
        if (rc == PX_OK) {
            px__rblock *m = px__rdoc_add(doc, PX__RB_MAP);
            if (m) {
                const char *nm = px__style_name(st);
                m->text = px__strdup(nm ? nm : stem);
                m->style_path = px__strdup(found[i]);
                m->file = file;
                file = NULL;
                doc->n_maps++;
            }
        }
        free(file);
        free(path);
        px_style_free(st);
    }
    if (skipped.n) px__rdoc_para(doc, "Styles not mapped (their tables are missing or empty in this project): %s.", skipped.p);
    if (!doc->n_maps) px__rdoc_para(doc, "No map: no style's tables are in this project.");
    px__buf_free(&skipped);
    free(maps_dir);
    for (size_t i = 0; i < n; i++)
        free(found[i]);
    return rc;
}

/* ---- data quality ----------------------------------------------------------------------- */

static void warn(px__rdoc *d, px__buf *lines, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void warn(px__rdoc *d, px__buf *lines, const char *fmt, ...)
{
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    px__buf_printf(lines, "%sWarning: %s", lines->n ? "\n" : "", line);
    d->n_warnings++;
}

px_status px__report_quality(px__rbuild *b)
{
    px__rdoc *doc = b->doc;
    px_table_info *ti = NULL;
    size_t n = 0;
    px_status rc = px_store_tables(b->store, &ti, &n);
    if (rc != PX_OK) return rc;
    px__buf lines = {0}, layers = {0};
    for (size_t i = 0; i < n; i++) {
        if (!ti[i].kind || strcmp(ti[i].kind, "layer")) continue;
        px__buf_printf(&layers, "%s%s %lld", layers.n ? ", " : "", ti[i].name, (long long)ti[i].n_rows);
    }
    px__buf_printf(&lines, "Features per layer: %s.", layers.n ? layers.p : "no layer loaded");
    /* Services per category. */
    if (px_store_has_table(b->store, "services")) {
        const char *cols[] = {"category", NULL};
        px_table_reader *r = NULL;
        char *cats[64];
        size_t nc = 0;
        if (px_store_reader_open(b->store, "services", cols, 0, NULL, &r) == PX_OK) {
            int has = 0;
            while (px_table_reader_next(r, &has) == PX_OK && has) {
                const char *c = px_table_reader_text(r, 0);
                c = c ? c : "(none)";
                size_t k = 0;
                while (k < nc && strcmp(cats[k], c))
                    k++;
                if (k == nc && nc < 64 && (cats[nc] = px__strdup(c))) nc++;
            }
            px_table_reader_close(r);
        } else {
            px_ctx_clear_error(b->ctx);
        }
        qsort(cats, nc, sizeof *cats, cmp_str);
        px__buf_printf(&lines, "\nServices per category: ");
        /* Count in a second pass, categories now in name order. */
        px_table_reader *r2 = NULL;
        int64_t sorted_counts[64] = {0};
        if (px_store_reader_open(b->store, "services", cols, 0, NULL, &r2) == PX_OK) {
            int has = 0;
            while (px_table_reader_next(r2, &has) == PX_OK && has) {
                const char *c = px_table_reader_text(r2, 0);
                c = c ? c : "(none)";
                for (size_t k = 0; k < nc; k++)
                    if (!strcmp(cats[k], c)) sorted_counts[k]++;
            }
            px_table_reader_close(r2);
        }
        for (size_t k = 0; k < nc; k++)
            px__buf_printf(&lines, "%s%s %lld", k ? ", " : "", cats[k], (long long)sorted_counts[k]);
        px__buf_printf(&lines, ".");
        for (size_t k = 0; k < nc; k++) {
            if (sorted_counts[k] < 3)
                warn(doc, &lines, "thin data: only %lld service(s) of category '%s': its shares and equity rest on very few points",
                     (long long)sorted_counts[k], cats[k]);
            free(cats[k]);
        }
    }
    /* What the last load of each layer read, loaded, repaired and rejected
     * (recorded by px_load; layers loaded by older versions have no record). */
    px__buf loads = {0};
    int64_t n_rej = 0;
    for (size_t i = 0; i < n; i++) {
        if (!ti[i].kind || strcmp(ti[i].kind, "layer")) continue;
        char key[160], *v = NULL;
        snprintf(key, sizeof key, "load:%s", ti[i].name);
        if (px_store_get_setting(b->store, key, &v) != PX_OK || !v) {
            px_ctx_clear_error(b->ctx);
            continue;
        }
        const char *rj = strstr(v, "repaired, ");
        long long k = rj ? atoll(rj + 10) : 0;
        n_rej += k;
        px__buf_printf(&loads, "%s%s: %s", loads.n ? "; " : "", ti[i].name, v);
        if (k > 0)
            warn(doc, &lines, "%lld feature(s) of %s were rejected at load (`proxima load` names each one with its reason)",
                 k, ti[i].name);
        free(v);
    }
    if (loads.n)
        px__buf_printf(&lines, "\nLast loads: %s. Rejected features in all: %lld.", loads.p, (long long)n_rej);
    else
        px__buf_printf(&lines, "\nRejected features: not recorded for these layers (loaded before Proxima kept "
                               "load records); `proxima load` names each one on stderr.");
    if (loads.failed) doc->failed = 1;
    px__buf_free(&loads);
    /* Population units per commune, and residents beyond the snapping distance. */
    if (px_store_has_table(b->store, "access_origins")) {
        px_table_reader *r = NULL;
        if (px_store_reader_open(b->store, "access_origins", NULL, 0, NULL, &r) == PX_OK) {
            int ic = px_table_reader_column_index(r, "commune_id"), icount = px_table_reader_column_index(r, "count");
            int iw = px_table_reader_column_index(r, "walk_snap_m"), ib = px_table_reader_column_index(r, "bike_snap_m");
            /* Population units per commune, counted through a hash of the ids
             * (a million origins make a list search too slow). */
            GHashTable *per = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
            double unsnapped[2] = {0, 0};
            int has = 0;
            while (px_table_reader_next(r, &has) == PX_OK && has) {
                const char *id = ic >= 0 ? px_table_reader_text(r, (size_t)ic) : NULL;
                double cnt = icount >= 0 && !px_table_reader_is_null(r, (size_t)icount)
                                 ? px_table_reader_real(r, (size_t)icount)
                                 : 0;
                if (iw >= 0 && px_table_reader_is_null(r, (size_t)iw)) unsnapped[0] += cnt;
                if (ib >= 0 && px_table_reader_is_null(r, (size_t)ib)) unsnapped[1] += cnt;
                if (!id) continue;
                gpointer old = g_hash_table_lookup(per, id);
                if (old)
                    g_hash_table_replace(per, g_strdup(id), GSIZE_TO_POINTER(GPOINTER_TO_SIZE(old) + 1));
                else
                    g_hash_table_insert(per, g_strdup(id), GSIZE_TO_POINTER(1));
            }
            px_table_reader_close(r);
            /* In id order, so the report reads the same every time. */
            GList *keys = g_list_sort(g_hash_table_get_keys(per), (GCompareFunc)strcmp);
            for (GList *k = keys; k; k = k->next) {
                size_t units = GPOINTER_TO_SIZE(g_hash_table_lookup(per, k->data));
                if (units < 5)
                    warn(doc, &lines, "thin data: commune %s has only %zu population unit(s): its shares are coarse",
                         (const char *)k->data, units);
            }
            g_list_free(keys);
            g_hash_table_destroy(per);
            if (unsnapped[0] > 0)
                warn(doc, &lines, "%.0f residents are farther than the snapping distance from the walking network "
                     "(counted as unserved)", round(unsnapped[0]));
            if (unsnapped[1] > 0)
                warn(doc, &lines, "%.0f residents are farther than the snapping distance from the cycling network "
                     "(counted as unserved)", round(unsnapped[1]));
        } else {
            px_ctx_clear_error(b->ctx);
        }
    }
    for (size_t i = 0; i < n; i++) {
        if (ti[i].note && (!strncmp(ti[i].note, "proxy", 5) || !strncmp(ti[i].note, "candidates", 10)))
            warn(doc, &lines, "%s is derived data: %s", ti[i].name, ti[i].note);
        if (ti[i].stale && *ti[i].stale)
            warn(doc, &lines, "%s is out of date: %s; rerun its analysis", ti[i].name, ti[i].stale);
    }
    px__rdoc_heading(doc, 1, "Data quality");
    px__rblock *box = px__rdoc_add(doc, PX__RB_BOX);
    if (box) {
        box->text = px__strdup("Data quality");
        box->source = lines.p ? px__strdup(lines.p) : px__strdup("");
        if (!box->text || !box->source) doc->failed = 1;
    }
    const char *head[] = {"Table", "Kind", "Rows", "Source", "Note", "Updated (UTC)"};
    unsigned char right[] = {0, 0, 1, 0, 0, 0};
    size_t ncols = b->opts->omit_times ? 5 : 6;
    px__rblock *t = px__rdoc_table(doc, b->opts->omit_times ? "Sources of the project's tables" : "Sources and dates of the project's tables",
                                   "Source: px_tables (the project's catalogue)", ncols, head, right);
    for (size_t i = 0; i < n; i++) {
        char rows[32];
        snprintf(rows, sizeof rows, "%lld", (long long)ti[i].n_rows);
        char *src = px__asprintf("%s%s%s", ti[i].source ? ti[i].source : "", ti[i].source_layer && *ti[i].source_layer ? " : " : "",
                                 ti[i].source_layer ? ti[i].source_layer : "");
        const char *row[] = {ti[i].name, ti[i].kind ? ti[i].kind : "", rows, src ? src : "", ti[i].note ? ti[i].note : "",
                             ti[i].updated_at ? ti[i].updated_at : ""};
        px__rdoc_row(doc, t, row);
        free(src);
    }
    if (lines.failed || layers.failed) doc->failed = 1;
    px__buf_free(&lines);
    px__buf_free(&layers);
    px_table_info_free(ti, n);
    return PX_OK;
}

/* ---- comparison ------------------------------------------------------------------------ */

px_status px__report_compare(px__rbuild *b)
{
    const px_report_compare *c = b->opts->compare;
    if (!c) return PX_OK;
    px__rdoc *doc = b->doc;
    px__rdoc_heading(doc, 1, "What changed: %s compared with %s", c->run_b ? c->run_b : "B", c->run_a ? c->run_a : "A");
    px__rdoc_para(doc, "%zu per-commune value(s) differ between run %s and run %s.", c->n_changes,
                  c->run_a ? c->run_a : "A", c->run_b ? c->run_b : "B");
    const char *head[] = {"Table", "Commune", "Row", "Indicator", c->run_a ? c->run_a : "A", c->run_b ? c->run_b : "B",
                          "Change"};
    unsigned char right[] = {0, 0, 0, 0, 1, 1, 1};
    px__rblock *t = px__rdoc_table(doc, "Per-commune changes between the two runs", "Source: the runs' records (proxima compare)",
                                   7, head, right);
    size_t shown = c->n_changes < 500 ? c->n_changes : 500;
    for (size_t i = 0; i < shown; i++) {
        const px_report_change *ch = &c->changes[i];
        char a[40] = "", bb[40] = "", d[40] = "";
        if (ch->has_a) snprintf(a, sizeof a, "%.4g", ch->a);
        if (ch->has_b) snprintf(bb, sizeof bb, "%.4g", ch->b);
        if (ch->has_a && ch->has_b) snprintf(d, sizeof d, "%+.4g", ch->b - ch->a);
        const char *cm = ch->commune_id && !strcmp(ch->commune_id, "*") ? "All communes"
                         : ch->commune_name                              ? ch->commune_name
                                                                         : ch->commune_id;
        const char *row[] = {ch->table, cm, ch->key, ch->indicator, a, bb, d};
        px__rdoc_row(doc, t, row);
    }
    if (shown < c->n_changes) px__rdoc_para(doc, "(%zu more changes not listed.)", c->n_changes - shown);
    doc->n_sections++;
    return PX_OK;
}

/* ---- headline figures ------------------------------------------------------------------- */

static int region_row(const px__rdata *d)
{
    int c = px__rdata_col(d, "commune_id");
    for (size_t r = 0; d && r < d->n_rows; r++) {
        const char *id = px__rdata_txt(d, r, c);
        if (id && (!strcmp(id, "*") || !strcmp(id, "region"))) return (int)r;
    }
    return -1;
}

static void headline(px__rdoc *doc, px__rblock *t, const char *what, const char *fmt, double v, const char *from)
{
    if (isnan(v)) return;
    char val[64];
    snprintf(val, sizeof val, fmt, v);
    const char *row[] = {what, val, from};
    px__rdoc_row(doc, t, row);
}

/* The whole region in a few figures, each from the table named beside it. */
px_status px__report_headlines(px__rbuild *b)
{
    px__rdoc *doc = b->doc;
    px__rdata *d = NULL;
    const char *head[] = {"Indicator (whole region)", "Value", "From"};
    unsigned char right[] = {0, 1, 0};
    px__rdoc_heading(doc, 1, "Headline figures");
    px__rblock *t = px__rdoc_table(doc, "Headline figures for the whole region", "Source: the tables named in the last column", 3,
                                   head, right);
    size_t before = t ? t->n_rows : 0;
    if (px__rdata_load(b->ctx, b->store, "access_communes", &d) == PX_OK) {
        int r = region_row(d);
        double minutes = px__report_note_number(b->store, "access_communes", "threshold ", 15);
        char on_foot[128], by_bike[128];
        snprintf(on_foot, sizeof on_foot, "Residents with every category within %.0f minutes on foot (%%)", minutes);
        snprintf(by_bike, sizeof by_bike, "Residents with every category within %.0f minutes by bike (%%)", minutes);
        if (r >= 0) {
            headline(doc, t, "Residents", "%.0f", px__rdata_num(d, (size_t)r, px__rdata_col(d, "population")), "access_communes");
            headline(doc, t, on_foot, "%.1f",
                     px__rdata_num(d, (size_t)r, px__rdata_col(d, "walk_all_share")) * 100, "access_communes");
            headline(doc, t, by_bike, "%.1f",
                     px__rdata_num(d, (size_t)r, px__rdata_col(d, "bike_all_share")) * 100, "access_communes");
        }
        px__rdata_free(d);
        d = NULL;
    }
    px_ctx_clear_error(b->ctx);
    if (px__rdata_load(b->ctx, b->store, "equity_summary", &d) == PX_OK) {
        /* The most unequal service: highest Gini of the E2SFCA runs (2SFCA if none). */
        int cg = px__rdata_col(d, "gini"), cm = px__rdata_col(d, "mode"), cc = px__rdata_col(d, "category"),
            cme = px__rdata_col(d, "method");
        long best = -1;
        int e2 = 0;
        for (size_t r = 0; r < d->n_rows; r++)
            e2 |= px__rdata_txt(d, r, cme) && !strcmp(px__rdata_txt(d, r, cme), "e2sfca");
        for (size_t r = 0; r < d->n_rows; r++) {
            const char *me = px__rdata_txt(d, r, cme);
            double g = px__rdata_num(d, r, cg);
            if (!me || strcmp(me, e2 ? "e2sfca" : "2sfca") || isnan(g)) continue;
            if (best < 0 || g > px__rdata_num(d, (size_t)best, cg)) best = (long)r;
        }
        if (best >= 0) {
            char what[160];
            snprintf(what, sizeof what, "Most unequal access: %s %s, Gini", px__rdata_txt(d, (size_t)best, cc),
                     !strcmp(px__rdata_txt(d, (size_t)best, cm), "walk") ? "on foot" : "by bike");
            headline(doc, t, what, "%.3f", px__rdata_num(d, (size_t)best, cg), "equity_summary");
        }
        px__rdata_free(d);
        d = NULL;
    }
    px_ctx_clear_error(b->ctx);
    if (px__rdata_load(b->ctx, b->store, "flood_exposure", &d) == PX_OK) {
        int ch = px__rdata_col(d, "hazard"), cr = px__rdata_col(d, "residents"), cid = px__rdata_col(d, "commune_id");
        double sum = 0;
        for (size_t r = 0; r < d->n_rows; r++) {
            const char *h = px__rdata_txt(d, r, ch), *id = px__rdata_txt(d, r, cid);
            double v = px__rdata_num(d, r, cr);
            if (h && !strcmp(h, "any") && id && strcmp(id, "*") && strcmp(id, "region") && !isnan(v)) sum += v;
        }
        headline(doc, t, "Residents in flood zones", "%.0f", sum, "flood_exposure");
        px__rdata_free(d);
        d = NULL;
    }
    px_ctx_clear_error(b->ctx);
    if (px__rdata_load(b->ctx, b->store, "cycle_coverage", &d) == PX_OK) {
        int r = region_row(d);
        if (r >= 0)
            headline(doc, t, "Residents near a cycle facility (%)", "%.1f", px__rdata_num(d, (size_t)r, px__rdata_col(d, "covered_pct")),
                     "cycle_coverage");
        px__rdata_free(d);
        d = NULL;
    }
    px_ctx_clear_error(b->ctx);
    if (px__rdata_load(b->ctx, b->store, "cycle_connectivity", &d) == PX_OK) {
        int r = region_row(d);
        if (r >= 0)
            headline(doc, t, "Low-stress cycling connectivity (0-100)", "%.1f", px__rdata_num(d, (size_t)r, px__rdata_col(d, "score")),
                     "cycle_connectivity");
        px__rdata_free(d);
        d = NULL;
    }
    px_ctx_clear_error(b->ctx);
    int64_t n_sites = 0;
    if (px_store_has_table(b->store, "brownfield_sites") && px_store_count(b->store, "brownfield_sites", &n_sites) == PX_OK)
        headline(doc, t, "Brownfield sites scored", "%.0f", (double)n_sites, "brownfield_sites");
    px_ctx_clear_error(b->ctx);
    if (t && t->n_rows == before) px__rdoc_para(doc, "No analysis has run on this project yet.");
    return PX_OK;
}

/* ---- the whole report ------------------------------------------------------------------- */

px_status px_report_write(px_ctx *ctx, px_store *store, const char *out_dir, const px_report_options *opts,
                          px_report_summary *summary)
{
    if (!ctx || !store || !out_dir) return px__error(ctx, PX_EINVAL, "px_report_write: NULL argument");
    px_report_options o;
    if (opts)
        o = *opts;
    else
        px_report_options_default(&o);
    int formats = o.formats ? o.formats : PX_REPORT_MD | PX_REPORT_HTML | PX_REPORT_PDF;
    if (mkdir(out_dir, 0777) && errno != EEXIST)
        return px__error(ctx, PX_EIO, "%s: cannot create: %s", out_dir, strerror(errno));
    px__rdoc doc = {0};
    char today[16];
    px__today(today, sizeof today);
    char *proj = px_store_display_name(px_store_path(store));
    doc.project = proj ? px__strdup(proj) : NULL;
    doc.date = px__strdup(o.date ? o.date : today);
    doc.title = o.title ? px__strdup(o.title) : px__asprintf("Council report: %s", proj ? proj : "");
    free(proj);
    if (!doc.project || !doc.date || !doc.title) {
        px__rdoc_free(&doc);
        return px__error(ctx, PX_ENOMEM, "out of memory");
    }
    px__rbuild b = {.ctx = ctx, .store = store, .opts = &o, .out_dir = out_dir, .doc = &doc};
    px_status (*const steps[])(px__rbuild *) = {px__report_headlines, px__report_compare, px__report_access,      px__report_equity,
                                                 px__report_flood,   px__report_brownfields, px__report_cycle,
                                                 px__report_services, px__report_maps,    px__report_quality};
    px_status rc = PX_OK;
    for (size_t i = 0; i < sizeof steps / sizeof steps[0] && rc == PX_OK; i++) {
        rc = steps[i](&b);
        if (rc == PX_OK) rc = px__progress(ctx, "report: sections", i + 1, sizeof steps / sizeof steps[0]);
    }
    if (rc == PX_OK && doc.failed) rc = px__error(ctx, PX_ENOMEM, "out of memory");
    if (rc == PX_OK && (formats & PX_REPORT_MD)) rc = px__report_md(ctx, &doc, out_dir);
    if (rc == PX_OK && (formats & PX_REPORT_HTML)) rc = px__report_html(ctx, &doc, out_dir);
    if (rc == PX_OK && (formats & PX_REPORT_PDF)) rc = px__report_pdf(ctx, store, &doc, out_dir);
    if (rc == PX_OK && summary)
        *summary = (px_report_summary){.n_sections = doc.n_sections, .n_charts = doc.n_charts, .n_maps = doc.n_maps,
                                       .n_warnings = doc.n_warnings};
    px__rdoc_free(&doc);
    return rc;
}
