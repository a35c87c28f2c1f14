/*
 * A style drawn over any world box onto any cairo context: the print maps'
 * map frame (PDF, SVG or PNG page), where raster.c draws square tiles. The
 * drawing rules are raster.c's (layer order, zoom range, filter, paint
 * evaluated per feature, even-odd fills, dashes in line widths); only the
 * transform differs: world (wx, wy) -> ((wx - wx0) * scale, (wy - wy0) * scale)
 * and one CSS pixel = `css_px` user units.
 *
 * Left out, as in raster.c: labels (the print module sets its own), patterns,
 * line offsets, circles on line or polygon vertices.
 */
#include "style_int.h"
#include "tiles_frame.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct px__styled {
    const px_style *style;
    px__tlayer **tables; /* per style table */
};

px_status px__styled_load(px_ctx *ctx, px_store *store, const px_style *style, px__styled **out)
{
    px__styled *s = calloc(1, sizeof *s);
    if (!s || !(s->tables = calloc(style->n_tables + 1, sizeof *s->tables))) {
        free(s);
        return px__error(ctx, PX_ENOMEM, "out of memory");
    }
    s->style = style;
    px_status rc = PX_OK;
    for (size_t i = 0; i < style->n_tables && rc == PX_OK; i++) {
        rc = px__tlayer_load(ctx, store, style->tables[i], NULL, &s->tables[i]);
        if (rc == PX_ENOTFOUND)
            rc = px__error(ctx, PX_ENOTFOUND, "%s: the style draws source-layer '%s', which %s does not have",
                           style->path, style->tables[i], px_store_path(store));
    }
    if (rc != PX_OK) {
        px__styled_free(s);
        return rc;
    }
    *out = s;
    return PX_OK;
}

void px__styled_free(px__styled *s)
{
    if (!s) return;
    for (size_t i = 0; s->tables && i < s->style->n_tables; i++)
        px__tlayer_free(s->tables[i]);
    free(s->tables);
    free(s);
}

int px__styled_extent(const px__styled *s, double b[4])
{
    int any = 0;
    for (size_t i = 0; i < s->style->n_tables; i++) {
        const px__tlayer *t = s->tables[i];
        if (!t || !t->has_extent) continue;
        if (!any) {
            b[0] = t->minx, b[1] = t->miny, b[2] = t->maxx, b[3] = t->maxy;
            any = 1;
            continue;
        }
        b[0] = fmin(b[0], t->minx), b[1] = fmin(b[1], t->miny);
        b[2] = fmax(b[2], t->maxx), b[3] = fmax(b[3], t->maxy);
    }
    return any;
}

static const px__tlayer *table_of(const px__styled *s, const char *name)
{
    for (size_t i = 0; i < s->style->n_tables; i++)
        if (!strcmp(s->style->tables[i], name)) return s->tables[i];
    return NULL;
}

typedef struct xf {
    double x0, y0, k;
} xf;

static void path_parts(cairo_t *cr, const px__tgeom *g, const xf *t, int close)
{
    size_t off = 0;
    for (uint32_t p = 0; p < g->n_parts; p++) {
        const double *xy = g->xy + 2 * off;
        off += g->part_n[p];
        for (uint32_t i = 0; i < g->part_n[p]; i++) {
            double x = (xy[2 * i] - t->x0) * t->k, y = (xy[2 * i + 1] - t->y0) * t->k;
            if (i == 0)
                cairo_move_to(cr, x, y);
            else
                cairo_line_to(cr, x, y);
        }
        if (close) cairo_close_path(cr);
    }
}

static void set_rgba(cairo_t *cr, const double c[4], double opacity)
{
    cairo_set_source_rgba(cr, c[0], c[1], c[2], c[3] * opacity);
}

static double clamp01(double v)
{
    return v > 0 ? (v < 1 ? v : 1) : 0;
}

/* A width or radius in user units, bounded as raster.c bounds it. */
static double size_u(double css, double css_px)
{
    double v = css * css_px;
    return v > 0 ? (v < 8192 ? v : 8192) : 0;
}

static void draw_fill(cairo_t *cr, const px__slayer *l, px__sctx *c, const px__tgeom *g, const xf *t, double css_px)
{
    static const double black[4] = {0, 0, 0, 1}, transparent[4] = {0, 0, 0, 0};
    double col[4];
    px__style_color(l->paint[PX__P_FILL_COLOR], c, black, col);
    double op = clamp01(px__style_number(l->paint[PX__P_FILL_OPACITY], c, 1));
    int aa = px__style_bool(l->paint[PX__P_FILL_ANTIALIAS], c, 1);
    cairo_set_antialias(cr, aa ? CAIRO_ANTIALIAS_DEFAULT : CAIRO_ANTIALIAS_NONE);
    cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
    path_parts(cr, g, t, 1);
    set_rgba(cr, col, op);
    if (l->paint[PX__P_FILL_OUTLINE_COLOR]) {
        cairo_fill_preserve(cr);
        px__style_color(l->paint[PX__P_FILL_OUTLINE_COLOR], c, transparent, col);
        set_rgba(cr, col, op);
        cairo_set_line_width(cr, css_px);
        cairo_stroke(cr);
    } else {
        cairo_fill(cr);
    }
    cairo_set_antialias(cr, CAIRO_ANTIALIAS_DEFAULT);
}

static int draw_line(cairo_t *cr, const px__slayer *l, px__sctx *c, const px__tgeom *g, const xf *t, double css_px)
{
    static const double black[4] = {0, 0, 0, 1};
    double col[4];
    double w = size_u(px__style_number(l->paint[PX__P_LINE_WIDTH], c, 1), css_px);
    if (w <= 0) return 0;
    px__style_color(l->paint[PX__P_LINE_COLOR], c, black, col);
    double op = clamp01(px__style_number(l->paint[PX__P_LINE_OPACITY], c, 1));
    path_parts(cr, g, t, g->type == PX__GEOM_POLY);
    cairo_set_line_width(cr, w);
    char eb[16];
    const char *cap = px__style_string(l->paint[PX__P_LINE_CAP], c, "butt", eb, sizeof eb);
    cairo_set_line_cap(cr, !strcmp(cap, "round")    ? CAIRO_LINE_CAP_ROUND
                           : !strcmp(cap, "square") ? CAIRO_LINE_CAP_SQUARE
                                                    : CAIRO_LINE_CAP_BUTT);
    const char *join = px__style_string(l->paint[PX__P_LINE_JOIN], c, "miter", eb, sizeof eb);
    cairo_set_line_join(cr, !strcmp(join, "round")   ? CAIRO_LINE_JOIN_ROUND
                            : !strcmp(join, "bevel") ? CAIRO_LINE_JOIN_BEVEL
                                                     : CAIRO_LINE_JOIN_MITER);
    double d[16];
    int nd = px__style_numbers(l->paint[PX__P_LINE_DASHARRAY], c, d, 16);
    if (nd > 0) {
        /* A dash pattern of zero length, or one too fine to draw, is a solid line. */
        double total = 0;
        for (int i = 0; i < nd; i++)
            total += (d[i] = fmin(d[i] * w, 1e5));
        if (total * (nd % 2 ? 2 : 1) >= 0.1) cairo_set_dash(cr, d, nd, 0);
    }
    set_rgba(cr, col, op);
    cairo_stroke(cr);
    cairo_set_dash(cr, NULL, 0, 0);
    return 1;
}

static void draw_circles(cairo_t *cr, const px__slayer *l, px__sctx *c, const px__tgeom *g, const xf *t,
                         double css_px)
{
    static const double black[4] = {0, 0, 0, 1};
    double r = size_u(px__style_number(l->paint[PX__P_CIRCLE_RADIUS], c, 5), css_px);
    double sw = size_u(px__style_number(l->paint[PX__P_CIRCLE_STROKE_WIDTH], c, 0), css_px);
    double op = clamp01(px__style_number(l->paint[PX__P_CIRCLE_OPACITY], c, 1));
    double sop = clamp01(px__style_number(l->paint[PX__P_CIRCLE_STROKE_OPACITY], c, 1));
    double col[4], scol[4];
    px__style_color(l->paint[PX__P_CIRCLE_COLOR], c, black, col);
    px__style_color(l->paint[PX__P_CIRCLE_STROKE_COLOR], c, black, scol);
    size_t off = 0;
    for (uint32_t p = 0; p < g->n_parts; p++) {
        double x = (g->xy[2 * off] - t->x0) * t->k, y = (g->xy[2 * off + 1] - t->y0) * t->k;
        off += g->part_n[p];
        cairo_new_path(cr);
        cairo_arc(cr, x, y, r, 0, 2 * M_PI);
        set_rgba(cr, col, op);
        if (sw > 0) {
            cairo_fill_preserve(cr);
            cairo_set_line_width(cr, sw);
            set_rgba(cr, scol, sop);
            cairo_stroke(cr);
        } else {
            cairo_fill(cr);
        }
    }
}

size_t px__styled_draw(const px__styled *s, cairo_t *cr, double wx0, double wy0, double scale, double zoom,
                       double css_px, const double cull[4])
{
    static const double black[4] = {0, 0, 0, 1};
    const px_style *st = s->style;
    xf t = {wx0, wy0, scale};
    size_t n_drawn = 0;
    for (size_t li = 0; li < st->n_layers; li++) {
        const px__slayer *l = &st->layers[li];
        if (zoom < l->minzoom || zoom >= l->maxzoom) continue;
        px__sctx c = {.layer = NULL, .zoom = zoom};
        if (l->type == PX__SL_BACKGROUND) {
            double col[4];
            px__style_color(l->paint[PX__P_BACKGROUND_COLOR], &c, black, col);
            set_rgba(cr, col, clamp01(px__style_number(l->paint[PX__P_BACKGROUND_OPACITY], &c, 1)));
            cairo_paint(cr);
            continue;
        }
        const px__tlayer *tl = table_of(s, l->table);
        if (!tl) continue;
        c.layer = tl;
        for (size_t k = 0; k < tl->n_feat; k++) {
            const px__tgeom *g = &tl->geoms[k];
            if (!g->n_parts || g->maxx < cull[0] || g->minx > cull[2] || g->maxy < cull[1] || g->miny > cull[3])
                continue;
            if (l->type == PX__SL_FILL && g->type != PX__GEOM_POLY) continue;
            if (l->type == PX__SL_LINE && g->type == PX__GEOM_POINT) continue;
            if (l->type == PX__SL_CIRCLE && g->type != PX__GEOM_POINT) continue;
            c.feat = k;
            if (!px__style_filter(l->filter, &c)) continue;
            cairo_new_path(cr);
            if (l->type == PX__SL_FILL)
                draw_fill(cr, l, &c, g, &t, css_px);
            else if (l->type == PX__SL_LINE) {
                if (!draw_line(cr, l, &c, g, &t, css_px)) continue;
            } else if (l->type == PX__SL_CIRCLE)
                draw_circles(cr, l, &c, g, &t, css_px);
            else
                continue; /* a layer type this frame renderer does not draw */
            n_drawn++;
        }
    }
    return n_drawn;
}
