/*
 * px_map_write: a print-ready page (title, date, map frame, legend, commune
 * labels, scale bar, north arrow, sources and attribution), or an atlas of
 * one page per commune in one PDF. The page layout is px_map_page_layout's,
 * so tests and callers know where each element sits.
 *
 * Left out: several map frames per page, insets, custom layouts.
 */
#include "print_int.h"
#include "../tiles/tiles_frame.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void px_map_options_default(px_map_options *o)
{
    memset(o, 0, sizeof *o);
    o->page = PX_PAGE_A4;
    o->dpi = 150;
    o->labels = 1;
}

px_map_layout px_map_page_layout(px_page_size page, int landscape)
{
    px_map_layout L;
    px__page_size(page, landscape, &L.page_w, &L.page_h);
    double m = 28, W = L.page_w, H = L.page_h, k = W / 595.28 < H / 841.89 ? W / 595.28 : H / 841.89;
    if (landscape) k = H / 595.28;
    double title_h = 46, footer_h = 40;
    L.title = (px_rect){m, m, W - 2 * m, title_h};
    L.footer = (px_rect){m, H - m - footer_h, W - 2 * m, footer_h};
    double top = m + title_h + 6, bottom = L.footer.y - 8;
    if (landscape) {
        double lw = 170 * k;
        L.legend = (px_rect){W - m - lw, top, lw, bottom - top};
        L.frame = (px_rect){m, top, W - 2 * m - lw - 12, bottom - top};
    } else {
        double lh = 150 * k;
        L.legend = (px_rect){m, bottom - lh, W - 2 * m, lh};
        L.frame = (px_rect){m, top, W - 2 * m, bottom - lh - 10 - top};
    }
    return L;
}

static void header(cairo_t *cr, const px_map_layout *L, const char *title, const char *subtitle)
{
    /* The largest size at which the title holds on one line, down to 10 pt
     * (then it wraps). */
    static const char *const fonts[] = {"DejaVu Sans Bold 16", "DejaVu Sans Bold 14", "DejaVu Sans Bold 12",
                                        "DejaVu Sans Bold 10"};
    const char *font = fonts[3];
    for (int i = 0; i < 4; i++) {
        double w, h;
        px__text_size(cr, fonts[i], title, &w, &h);
        if (w <= L->title.w) {
            font = fonts[i];
            break;
        }
    }
    cairo_set_source_rgb(cr, 0.08, 0.08, 0.08);
    double h = px__text(cr, L->title.x, L->title.y, L->title.w, font, PX__LEFT, title);
    cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
    px__text(cr, L->title.x, L->title.y + fmin(h, 30) + 1, L->title.w, "DejaVu Sans 8", PX__LEFT, subtitle);
    cairo_set_source_rgb(cr, 0.6, 0.6, 0.6);
    cairo_set_line_width(cr, 0.6);
    cairo_move_to(cr, L->title.x, L->title.y + L->title.h);
    cairo_line_to(cr, L->title.x + L->title.w, L->title.y + L->title.h);
    cairo_stroke(cr);
}

static void footer(cairo_t *cr, const px_map_layout *L, const char *attribution, const char *date, double scale,
                   px_page_size page, const char *crs)
{
    char line[2048];
    snprintf(line, sizeof line,
             "Sources: %s\nMap: Proxima " PX_VERSION_STRING ", %s. Scale 1:%.0f on %s paper; "
             "frame in Web Mercator, scale bar in %s. Printed %s.",
             attribution && *attribution ? attribution : "not recorded", "MapLibre style drawn with cairo",
             scale >= 1000 ? round(scale / 100) * 100 : round(scale), page == PX_PAGE_A3 ? "A3" : "A4", crs,
             date);
    cairo_set_source_rgb(cr, 0.25, 0.25, 0.25);
    px__text(cr, L->footer.x, L->footer.y + 2, L->footer.w, "DejaVu Sans 6.5", PX__LEFT, line);
}

/* Everything a page needs, loaded once for all pages. */
typedef struct mapjob {
    px__styled *styled;
    px__mcommune *cs;
    size_t n_cs;
    double box[4];
    char *attribution;
    const char *title, *name, *date;
    char today[16];
} mapjob;

static void mapjob_free(mapjob *j)
{
    free(j->attribution);
    px__mcommunes_free(j->cs, j->n_cs);
    px__styled_free(j->styled);
    memset(j, 0, sizeof *j);
}

static px_status mapjob_load(px_ctx *ctx, px_store *store, const px_style *style, const px_map_options *o, mapjob *j)
{
    memset(j, 0, sizeof *j);
    px__today(j->today, sizeof j->today);
    j->date = o->date ? o->date : j->today;
    px_status rc = px__styled_load(ctx, store, style, &j->styled);
    if (rc == PX_OK) rc = px__mcommunes_load(ctx, store, &j->cs, &j->n_cs);
    if (rc != PX_OK) goto fail;
    if (o->atlas && !j->n_cs) {
        rc = px__error(ctx, PX_ENOTFOUND, "%s: an atlas needs the communes layer, which the project does not have",
                       px_store_path(store));
        goto fail;
    }
    if (px__map_extent(ctx, store, j->styled, o->extent, j->cs, j->n_cs, j->box)) {
        rc = px_ctx_errcode(ctx) != PX_OK ? px_ctx_errcode(ctx) : PX_EPROJ;
        goto fail;
    }
    j->name = px__style_name(style);
    const char *base = strrchr(px__style_path(style), '/');
    base = base ? base + 1 : px__style_path(style);
    j->title = o->title ? o->title : j->name ? j->name : base;
    if (!(j->attribution = o->attribution ? px__strdup(o->attribution) : px__map_attribution(store, style))) {
        rc = px__error(ctx, PX_ENOMEM, "out of memory");
        goto fail;
    }
    return PX_OK;
fail:
    mapjob_free(j);
    return rc;
}

/* Draw page `p` (atlas: commune p; else the whole map) onto `cr`. */
static px_status map_page(px_ctx *ctx, cairo_t *cr, px_store *store, const px_style *style, const px_map_options *o,
                          const mapjob *j, size_t p, px_map_report *rep)
{
    px_map_layout L = px_map_page_layout(o->page, o->landscape);
    px__mapdraw md = {.store = store, .style = style, .styled = j->styled, .communes = j->cs, .n_communes = j->n_cs,
                      /* A style with its own symbol layers labels the map itself. */
                      .labels = o->labels >= 0 && !px__style_has_labels(style), .highlight = -1};
    char sub[512];
    const char *t = j->title;
    double pbox[4];
    memcpy(pbox, j->box, sizeof pbox);
    if (o->atlas) {
        md.highlight = (long)p;
        memcpy(pbox, j->cs[p].box, sizeof pbox);
        t = j->cs[p].name;
        snprintf(sub, sizeof sub, "%s. Commune %s (%zu of %zu). %s", j->title, j->cs[p].id, p + 1, j->n_cs, j->date);
    } else {
        int both = j->name && o->title && strcmp(j->name, o->title);
        snprintf(sub, sizeof sub, "%s%s%s", both ? j->name : "", both ? ". " : "", j->date);
    }
    header(cr, &L, t, sub);
    double scale = 0, bar = 0;
    size_t nd = px__map_draw(ctx, cr, &md, pbox, L.frame, L.legend, &scale, &bar);
    if (nd == (size_t)-1) return px_ctx_errcode(ctx) != PX_OK ? px_ctx_errcode(ctx) : PX_EPROJ;
    footer(cr, &L, j->attribution, j->date, scale, o->page, px_store_crs(store));
    rep->n_features += nd;
    if (rep->n_pages == 0) rep->scale = scale, rep->scalebar_m = bar;
    rep->n_pages++;
    if (cairo_status(cr) != CAIRO_STATUS_SUCCESS)
        return px__error(ctx, PX_ENOMEM, "map: drawing failed: %s", cairo_status_to_string(cairo_status(cr)));
    return PX_OK;
}

px_status px__map_onto(px_ctx *ctx, cairo_t *cr, px_store *store, const px_style *style, const px_map_options *o,
                       px_map_report *report)
{
    mapjob j;
    px_map_options one = *o;
    one.atlas = 0;
    px_map_report rep = {0};
    px_status rc = mapjob_load(ctx, store, style, &one, &j);
    if (rc != PX_OK) return rc;
    rc = map_page(ctx, cr, store, style, &one, &j, 0, &rep);
    mapjob_free(&j);
    if (rc == PX_OK && report) *report = rep;
    return rc;
}

px_status px_map_write(px_ctx *ctx, px_store *store, const px_style *style, const char *out_path,
                       const px_map_options *opts, px_map_report *report)
{
    if (!ctx || !store || !style || !out_path) return px__error(ctx, PX_EINVAL, "px_map_write: NULL argument");
    px_map_options o;
    if (opts)
        o = *opts;
    else
        px_map_options_default(&o);
    if (o.dpi <= 0) o.dpi = 150;
    if (o.dpi < 30 || o.dpi > 1200) return px__error(ctx, PX_EINVAL, "map: dpi %g is not within 30..1200", o.dpi);
    if (px__print_format(out_path) < 0)
        return px__error(ctx, PX_EINVAL, "%s: the output must end in .pdf, .svg or .png", out_path);
    if (o.atlas && px__print_format(out_path) != PX__FMT_PDF)
        return px__error(ctx, PX_EINVAL, "%s: an atlas is one PDF of one page per commune: the output must end in .pdf",
                         out_path);
    mapjob j;
    px__page pg = {0};
    px_map_report rep = {0};
    px_status rc = mapjob_load(ctx, store, style, &o, &j);
    if (rc != PX_OK) return rc;
    px_map_layout L = px_map_page_layout(o.page, o.landscape);
    if ((rc = px__page_open(ctx, out_path, L.page_w, L.page_h, o.dpi, j.title, j.date, &pg)) != PX_OK) {
        mapjob_free(&j);
        return rc;
    }
    size_t n_pages = o.atlas ? j.n_cs : 1;
    for (size_t p = 0; p < n_pages && rc == PX_OK; p++) {
        if (p) px__page_next(&pg);
        rc = map_page(ctx, pg.cr, store, style, &o, &j, p, &rep);
        if (rc == PX_OK) rc = px__progress(ctx, "map: pages", p + 1, n_pages);
    }
    if (rc == PX_OK)
        rc = px__page_close(ctx, &pg);
    else
        px__page_abort(&pg);
    mapjob_free(&j);
    if (rc == PX_OK && report) *report = rep;
    return rc;
}
