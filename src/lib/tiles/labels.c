/*
 * Text labels of `symbol` layers, drawn with pango (pangocairo) in DejaVu
 * Sans: text-field (a "{column}" template or an expression), text-size,
 * text-color, text-opacity, text-halo-color and text-halo-width, centred on
 * the feature's anchor: a point itself, the middle of a line's longest part,
 * or, for a polygon, the middle of the widest inside span of its largest
 * ring along the horizontal through that ring's centroid (always inside the
 * polygon, unlike the centroid of a crescent-shaped commune).
 *
 * Collision avoidance is first come, first placed: a label whose box (text
 * plus halo plus 2 CSS px) meets a box already placed in this drawing is
 * left out. Anchors are computed in world coordinates, so neighbouring
 * tiles put a label at the same place and a label across a tile edge is
 * drawn whole on both sides.
 *
 * Left out: icons, text along lines, text-anchor/offset/justify, variable
 * placement, symbol-sort-key, fonts other than DejaVu Sans.
 */
#include "style_int.h"

#include <cairo.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct px__labels {
    double *box; /* x0, y0, x1, y1 per placed label, device pixels */
    size_t n, cap;
    PangoLayout *layout;
    PangoFontDescription *font;
};

px__labels *px__labels_new(cairo_t *cr)
{
    px__labels *lb = calloc(1, sizeof *lb);
    if (!lb) return NULL;
    lb->layout = pango_cairo_create_layout(cr);
    lb->font = pango_font_description_from_string("DejaVu Sans");
    if (!lb->layout || !lb->font) {
        px__labels_free(lb);
        return NULL;
    }
    return lb;
}

void px__labels_free(px__labels *lb)
{
    if (!lb) return;
    if (lb->layout) g_object_unref(lb->layout);
    if (lb->font) pango_font_description_free(lb->font);
    free(lb->box);
    free(lb);
}

/* Twice the signed area and the centroid of ring xy (n points). */
static double ring_centroid(const double *xy, size_t n, double *cx, double *cy)
{
    double a = 0, x = 0, y = 0;
    for (size_t i = 0, j = n - 1; i < n; j = i++) {
        double f = xy[2 * j] * xy[2 * i + 1] - xy[2 * i] * xy[2 * j + 1];
        a += f;
        x += (xy[2 * j] + xy[2 * i]) * f;
        y += (xy[2 * j + 1] + xy[2 * i + 1]) * f;
    }
    if (a != 0) {
        *cx = x / (3 * a);
        *cy = y / (3 * a);
    } else {
        *cx = xy[0];
        *cy = xy[1];
    }
    return a;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Anchor of g in world units; 0 if it has none. */
static int anchor(const px__tgeom *g, double *ax, double *ay)
{
    if (!g->n_parts) return 0;
    if (g->type == PX__GEOM_POINT) {
        *ax = g->xy[0];
        *ay = g->xy[1];
        return 1;
    }
    size_t off = 0, best_off = 0, best_n = 0, poly_first = 0, best_poly = 0, best_poly_end = 0;
    double best = -1;
    for (uint32_t p = 0; p < g->n_parts; p++) {
        size_t n = g->part_n[p];
        const double *xy = g->xy + 2 * off;
        if (g->type == PX__GEOM_POLY && g->outer[p]) poly_first = p;
        double size = 0, cx, cy;
        if (g->type == PX__GEOM_LINE) {
            for (size_t i = 1; i < n; i++)
                size += hypot(xy[2 * i] - xy[2 * i - 2], xy[2 * i + 1] - xy[2 * i - 1]);
        } else if (g->outer[p] && n >= 3) {
            size = fabs(ring_centroid(xy, n, &cx, &cy));
        }
        if (size > best) {
            best = size;
            best_off = off;
            best_n = n;
            best_poly = poly_first;
        }
        off += n;
    }
    if (!best_n) return 0;
    const double *xy = g->xy + 2 * best_off;
    if (g->type == PX__GEOM_LINE) {
        /* Halfway along the longest part. */
        double half = best / 2, run = 0;
        for (size_t i = 1; i < best_n; i++) {
            double d = hypot(xy[2 * i] - xy[2 * i - 2], xy[2 * i + 1] - xy[2 * i - 1]);
            if (run + d >= half && d > 0) {
                double t = (half - run) / d;
                *ax = xy[2 * i - 2] + t * (xy[2 * i] - xy[2 * i - 2]);
                *ay = xy[2 * i - 1] + t * (xy[2 * i + 1] - xy[2 * i - 1]);
                return 1;
            }
            run += d;
        }
        *ax = xy[0];
        *ay = xy[1];
        return 1;
    }
    /* Polygon: crossings of the horizontal through the centroid with the
     * rings of the largest polygon (its exterior and holes); the widest
     * inside span's middle. */
    double cx, cy;
    ring_centroid(xy, best_n, &cx, &cy);
    best_poly_end = best_poly + 1;
    while (best_poly_end < g->n_parts && !g->outer[best_poly_end])
        best_poly_end++;
    size_t n_cross = 0, cap = 16;
    double *xs = malloc(cap * sizeof *xs);
    if (!xs) return 0;
    off = 0;
    for (uint32_t p = 0; p < best_poly_end; p++) {
        size_t n = g->part_n[p];
        const double *r = g->xy + 2 * off;
        off += n;
        if (p < best_poly) continue;
        for (size_t i = 0, j = n - 1; i < n; j = i++) {
            double y0 = r[2 * j + 1], y1 = r[2 * i + 1];
            if ((y0 > cy) == (y1 > cy)) continue;
            if (n_cross == cap) {
                double *nx = realloc(xs, 2 * cap * sizeof *nx);
                if (!nx) {
                    free(xs);
                    return 0;
                }
                xs = nx;
                cap *= 2;
            }
            xs[n_cross++] = r[2 * j] + (cy - y0) / (y1 - y0) * (r[2 * i] - r[2 * j]);
        }
    }
    qsort(xs, n_cross, sizeof *xs, cmp_double);
    double wbest = -1;
    for (size_t i = 0; i + 1 < n_cross; i += 2)
        if (xs[i + 1] - xs[i] > wbest) {
            wbest = xs[i + 1] - xs[i];
            *ax = (xs[i] + xs[i + 1]) / 2;
        }
    free(xs);
    *ay = cy;
    if (wbest < 0) *ax = cx;
    return 1;
}

/* The label text of feature c->feat, into buf; 0 if empty. The value of
 * text-field (a string, or an expression coerced to one), with the legacy
 * "{column}" tokens replaced by the feature's values. */
static int label_text(const px__expr *field, px__sctx *c, char *buf, size_t len)
{
    char tpl[512];
    const char *t = px__style_string(field, c, "", tpl, sizeof tpl);
    buf[0] = '\0';
    size_t w = 0;
    for (const char *p = t; *p && w + 1 < len;) {
        const char *close = *p == '{' ? strchr(p, '}') : NULL;
        if (!close) {
            buf[w++] = *p++;
            continue;
        }
        char col[128];
        size_t n = (size_t)(close - p - 1) < sizeof col - 1 ? (size_t)(close - p - 1) : sizeof col - 1;
        memcpy(col, p + 1, n);
        col[n] = '\0';
        p = close + 1;
        int ci = px__tlayer_col(c->layer, col);
        uint32_t id = ci < 0 ? PX__NOVAL : c->layer->vals[c->feat * c->layer->n_cols + (size_t)ci];
        if (id == PX__NOVAL) continue;
        const px__tval *v = &c->layer->values[id];
        int k = v->type == PX_COL_TEXT  ? snprintf(buf + w, len - w, "%s", v->s)
                : v->type == PX_COL_INT ? snprintf(buf + w, len - w, "%lld", (long long)v->i)
                                        : snprintf(buf + w, len - w, "%g", v->d);
        if (k > 0) w += (size_t)k < len - w ? (size_t)k : len - w - 1;
    }
    buf[w] = '\0';
    return buf[0] != '\0';
}

static int overlaps(const px__labels *lb, const double b[4])
{
    for (size_t i = 0; i < lb->n; i++) {
        const double *o = lb->box + 4 * i;
        if (b[0] < o[2] && o[0] < b[2] && b[1] < o[3] && o[1] < b[3]) return 1;
    }
    return 0;
}

int px__labels_layer(px__labels *lb, const px__slayer *l, const px__tlayer *tl, const px__view *v, cairo_t *cr)
{
    static const double black[4] = {0, 0, 0, 1}, none[4] = {0, 0, 0, 0};
    if (!l->paint[PX__P_TEXT_FIELD]) return 0;
    int placed = 0;
    char text[512];
    /* A label's anchor may lie well outside the drawing and its text still
     * reach into it (tiles): a margin of 256 CSS px. */
    double margin = 256 * v->ratio;
    for (size_t k = 0; k < tl->n_feat; k++) {
        const px__tgeom *g = &tl->geoms[k];
        if (!g->n_parts) continue;
        double bx0 = (g->minx - v->ox) * v->k, bx1 = (g->maxx - v->ox) * v->k;
        double by0 = (g->miny - v->oy) * v->k, by1 = (g->maxy - v->oy) * v->k;
        if (bx1 < -margin || by1 < -margin || bx0 > v->width + margin || by0 > v->height + margin) continue;
        px__sctx c = {.layer = tl, .feat = k, .zoom = v->zoom};
        if (!px__style_filter(l->filter, &c)) continue;
        double ax = 0, ay = 0;
        if (!anchor(g, &ax, &ay)) continue;
        double x = (ax - v->ox) * v->k, y = (ay - v->oy) * v->k;
        if (x < -margin || y < -margin || x > v->width + margin || y > v->height + margin) continue;
        if (!label_text(l->paint[PX__P_TEXT_FIELD], &c, text, sizeof text)) continue;
        double size = px__style_number(l->paint[PX__P_TEXT_SIZE], &c, 16) * v->ratio;
        if (!(size > 0) || size > 512) continue;
        double halo = px__style_number(l->paint[PX__P_TEXT_HALO_WIDTH], &c, 0) * v->ratio;
        if (!(halo >= 0) || halo > 64) halo = 0;
        pango_font_description_set_absolute_size(lb->font, size * PANGO_SCALE);
        pango_layout_set_font_description(lb->layout, lb->font);
        pango_layout_set_text(lb->layout, text, -1);
        PangoRectangle ink, logical;
        pango_layout_get_pixel_extents(lb->layout, &ink, &logical);
        double w = logical.width, h = logical.height, pad = halo + 2 * v->ratio;
        double box[4] = {x - w / 2 - pad, y - h / 2 - pad, x + w / 2 + pad, y + h / 2 + pad};
        if (overlaps(lb, box)) continue;
        if (lb->n == lb->cap) {
            size_t cap = lb->cap ? 2 * lb->cap : 32;
            double *nb = realloc(lb->box, 4 * cap * sizeof *nb);
            if (!nb) return placed;
            lb->box = nb;
            lb->cap = cap;
        }
        memcpy(lb->box + 4 * lb->n++, box, sizeof box);
        double op = px__style_number(l->paint[PX__P_TEXT_OPACITY], &c, 1), col[4];
        pango_cairo_update_layout(cr, lb->layout);
        if (halo > 0) {
            px__style_color(l->paint[PX__P_TEXT_HALO_COLOR], &c, none, col);
            cairo_new_path(cr);
            cairo_move_to(cr, x - w / 2, y - h / 2);
            pango_cairo_layout_path(cr, lb->layout);
            cairo_set_source_rgba(cr, col[0], col[1], col[2], col[3] * op);
            cairo_set_line_width(cr, 2 * halo);
            cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
            cairo_stroke(cr);
        }
        px__style_color(l->paint[PX__P_TEXT_COLOR], &c, black, col);
        cairo_new_path(cr);
        cairo_move_to(cr, x - w / 2, y - h / 2);
        cairo_set_source_rgba(cr, col[0], col[1], col[2], col[3] * op);
        pango_cairo_show_layout(cr, lb->layout);
        placed++;
    }
    return placed;
}
