/*
 * One map drawn into a rectangle of a page: the style's features fitted to
 * a world box (aspect kept, 3 % margin), commune names with a white halo
 * (skipped where they would overlap a placed label), an outlined commune
 * for atlas pages, a scale bar of a round length (1, 2 or 5 x 10^k metres,
 * measured in the project CRS at the frame's centre), a north arrow (the
 * frame is Web Mercator: north is up), and the legend from the style.
 *
 * Left out: label collision with map features, legend overflow onto a second
 * column beyond what fits (the rest is cut with a note).
 */
#define _GNU_SOURCE /* qsort_r */
#include "print_int.h"
#include "../geom/geom_int.h"
#include "../tiles/tiles_frame.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define CSS_PX 0.75 /* one CSS pixel of a style in points (96 px per inch) */

/* Metres of the project CRS per world unit, horizontally at world (cx, cy). */
static int metres_per_world(px_ctx *ctx, px_store *store, double cx, double cy, double half, double *out)
{
    px__xform *xf = NULL;
    if (px__xform_new(ctx, "EPSG:4326", px_store_crs(store), &xf) != PX_OK) return -1;
    double x0, y0, x1, y1;
    px__world_to_lonlat(cx - half, cy, &x0, &y0);
    px__world_to_lonlat(cx + half, cy, &x1, &y1);
    int bad = px__xform_point(xf, &x0, &y0) != PX_OK || px__xform_point(xf, &x1, &y1) != PX_OK;
    px__xform_free(xf);
    if (bad) return -1;
    *out = hypot(x1 - x0, y1 - y0) / (2 * half);
    return 0;
}

static void fmt_metres(double m, char *buf, size_t len)
{
    if (m >= 1000)
        snprintf(buf, len, "%g km", m / 1000);
    else
        snprintf(buf, len, "%g m", m);
}

/* Round length (1, 2, 5 x 10^k m) at most `max_m`. */
static double nice_length(double max_m)
{
    double p = pow(10, floor(log10(max_m)));
    double best = p;
    if (2 * p <= max_m) best = 2 * p;
    if (5 * p <= max_m) best = 5 * p;
    return best;
}

static void scale_bar(cairo_t *cr, px_rect f, double m_per_pt, double *bar_m)
{
    double len_m = nice_length(f.w * 0.28 * m_per_pt), len = len_m / m_per_pt;
    double x = f.x + 12, y = f.y + f.h - 22, hgt = 4;
    int segs = 4;
    cairo_save(cr);
    /* A white plate so the bar reads over any map. */
    cairo_set_source_rgba(cr, 1, 1, 1, 0.8);
    cairo_rectangle(cr, x - 6, y - 12, len + 30, 30);
    cairo_fill(cr);
    for (int i = 0; i < segs; i++) {
        cairo_rectangle(cr, x + i * len / segs, y, len / segs, hgt);
        if (i % 2 == 0)
            cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
        else
            cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_fill_preserve(cr);
        cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
        cairo_set_line_width(cr, 0.5);
        cairo_stroke(cr);
    }
    char a[32], b[32];
    fmt_metres(len_m / 2, a, sizeof a);
    fmt_metres(len_m, b, sizeof b);
    cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
    double tw, th;
    px__text_size(cr, "DejaVu Sans 6.5", "0", &tw, &th);
    px__text(cr, x - tw / 2, y + hgt + 1, 0, "DejaVu Sans 6.5", PX__LEFT, "0");
    px__text_size(cr, "DejaVu Sans 6.5", a, &tw, &th);
    px__text(cr, x + len / 2 - tw / 2, y + hgt + 1, 0, "DejaVu Sans 6.5", PX__LEFT, a);
    px__text_size(cr, "DejaVu Sans 6.5", b, &tw, &th);
    px__text(cr, x + len - tw / 2, y + hgt + 1, 0, "DejaVu Sans 6.5", PX__LEFT, b);
    cairo_restore(cr);
    *bar_m = len_m;
}

static void north_arrow(cairo_t *cr, px_rect f)
{
    double cx = f.x + f.w - 20, top = f.y + 10, h = 26;
    cairo_save(cr);
    cairo_set_source_rgba(cr, 1, 1, 1, 0.8);
    cairo_rectangle(cr, cx - 11, top - 2, 22, h + 16);
    cairo_fill(cr);
    cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
    double tw, th;
    px__text_size(cr, "DejaVu Sans Bold 8", "N", &tw, &th);
    px__text(cr, cx - tw / 2, top, 0, "DejaVu Sans Bold 8", PX__LEFT, "N");
    double y0 = top + th + 1;
    /* Two halves of an arrow head pointing up: dark left, light right. */
    cairo_move_to(cr, cx, y0);
    cairo_line_to(cr, cx - 6, y0 + h - 8);
    cairo_line_to(cr, cx, y0 + h - 12);
    cairo_close_path(cr);
    cairo_fill(cr);
    cairo_move_to(cr, cx, y0);
    cairo_line_to(cr, cx + 6, y0 + h - 8);
    cairo_line_to(cr, cx, y0 + h - 12);
    cairo_close_path(cr);
    cairo_set_line_width(cr, 0.6);
    cairo_stroke(cr);
    cairo_restore(cr);
}

static void legend_draw(px_ctx *ctx, cairo_t *cr, const px_style *style, double zoom, px_rect r)
{
    px__legend_item *it = NULL;
    size_t n = 0;
    if (r.w <= 0 || px__style_legend(ctx, style, zoom, &it, &n) != PX_OK) return;
    cairo_save(cr);
    cairo_rectangle(cr, r.x, r.y, r.w, r.h);
    cairo_clip(cr);
    cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
    double y = r.y + px__text(cr, r.x, r.y, r.w, "DejaVu Sans Bold 9", PX__LEFT, "Legend") + 3;
    /* Columns of at most 130 pt when the rectangle is wide (portrait). */
    int ncol = r.w >= 360 ? 3 : r.w >= 240 ? 2 : 1;
    double colw = r.w / ncol, x = r.x, ytop = y;
    int col = 0;
    for (size_t i = 0; i < n; i++) {
        const char *font = it[i].kind == PX__LEG_HEADING ? "DejaVu Sans Bold 7.5" : "DejaVu Sans 7.5";
        double tx_off = it[i].kind == PX__LEG_HEADING ? 0 : 21;
        double th = px__text_height(cr, colw - tx_off - 4, font, it[i].label);
        double gap = it[i].kind == PX__LEG_HEADING && i > 0 ? 4 : 0;
        double lh = fmax(th, 11) + 2;
        if (y + gap + lh > r.y + r.h) {
            if (++col >= ncol) {
                px__text(cr, x, r.y + r.h - 9, colw, "DejaVu Sans Oblique 6.5", PX__LEFT, "(more classes not shown)");
                break;
            }
            x = r.x + col * colw;
            y = ytop;
        }
        if (y != ytop) y += gap;
        double sx = x, sy = y + 1, sw = 16, sh = 9, tx = x + tx_off;
        if (it[i].kind == PX__LEG_FILL) {
            cairo_rectangle(cr, sx, sy, sw, sh);
            cairo_set_source_rgba(cr, it[i].color[0], it[i].color[1], it[i].color[2], it[i].color[3]);
            cairo_fill_preserve(cr);
            cairo_set_source_rgba(cr, 0.3, 0.3, 0.3, 1);
            cairo_set_line_width(cr, 0.4);
            cairo_stroke(cr);
        } else if (it[i].kind == PX__LEG_LINE) {
            cairo_move_to(cr, sx, sy + sh / 2);
            cairo_line_to(cr, sx + sw, sy + sh / 2);
            cairo_set_source_rgba(cr, it[i].color[0], it[i].color[1], it[i].color[2], it[i].color[3]);
            cairo_set_line_width(cr, fmax(0.8, it[i].width * CSS_PX));
            cairo_stroke(cr);
        } else if (it[i].kind == PX__LEG_CIRCLE) {
            cairo_arc(cr, sx + sw / 2, sy + sh / 2, fmin(4.5, it[i].width * CSS_PX), 0, 2 * M_PI);
            cairo_set_source_rgba(cr, it[i].color[0], it[i].color[1], it[i].color[2], it[i].color[3]);
            cairo_fill_preserve(cr);
            cairo_set_source_rgba(cr, it[i].outline[0], it[i].outline[1], it[i].outline[2], it[i].outline[3]);
            cairo_set_line_width(cr, 0.5);
            cairo_stroke(cr);
        }
        cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
        px__text(cr, tx, y, colw - tx_off - 4, font, PX__LEFT, it[i].label);
        y += lh;
    }
    cairo_restore(cr);
    free(it);
}

/* Label order: population descending (unknown last), then box area, then fid order. */
static int label_rank(const void *a, const void *b, void *user)
{
    const px__mcommune *cs = user;
    size_t i = *(const size_t *)a, j = *(const size_t *)b;
    double pi = cs[i].population, pj = cs[j].population;
    if (isnan(pi) != isnan(pj)) return isnan(pi) ? 1 : -1;
    if (!isnan(pi) && pi != pj) return pi > pj ? -1 : 1;
    double ai = (cs[i].box[2] - cs[i].box[0]) * (cs[i].box[3] - cs[i].box[1]);
    double aj = (cs[j].box[2] - cs[j].box[0]) * (cs[j].box[3] - cs[j].box[1]);
    if (ai != aj) return ai > aj ? -1 : 1;
    return i < j ? -1 : i > j;
}

size_t px__map_draw(px_ctx *ctx, cairo_t *cr, const px__mapdraw *md, const double box[4], px_rect f,
                    px_rect legend, double *scale, double *bar_m)
{
    double ww = fmax(box[2] - box[0], 1e-9), wh = fmax(box[3] - box[1], 1e-9);
    double k = fmin(f.w / (ww * 1.06), f.h / (wh * 1.06));
    double cx = (box[0] + box[2]) / 2, cy = (box[1] + box[3]) / 2;
    double wx0 = cx - f.w / 2 / k, wy0 = cy - f.h / 2 / k;
    double cull[4] = {wx0, wy0, wx0 + f.w / k, wy0 + f.h / k};
    double zoom = fmax(0, log2(k / CSS_PX / 512));
    double mpw = 0;
    if (metres_per_world(ctx, md->store, cx, cy, ww / 4, &mpw)) return (size_t)-1;
    double m_per_pt = mpw / k;
    *scale = m_per_pt / (0.0254 / 72);

    cairo_save(cr);
    cairo_rectangle(cr, f.x, f.y, f.w, f.h);
    cairo_clip(cr);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_translate(cr, f.x, f.y);
    size_t n = px__styled_draw(md->styled, cr, wx0, wy0, k, zoom, CSS_PX, cull);
    if (md->highlight >= 0 && (size_t)md->highlight < md->n_communes) {
        const px__mcommune *c = &md->communes[md->highlight];
        size_t off = 0;
        cairo_new_path(cr);
        for (size_t r = 0; r < c->n_rings; r++) {
            for (size_t i = 0; i < c->ring_n[r]; i++) {
                double x = (c->xy[2 * (off + i)] - wx0) * k, y = (c->xy[2 * (off + i) + 1] - wy0) * k;
                if (i == 0)
                    cairo_move_to(cr, x, y);
                else
                    cairo_line_to(cr, x, y);
            }
            cairo_close_path(cr);
            off += c->ring_n[r];
        }
        cairo_set_source_rgba(cr, 0.1, 0.1, 0.1, 0.9);
        cairo_set_line_width(cr, 2.2);
        cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
        cairo_stroke(cr);
    }
    if (md->labels) {
        /* Most populous communes first (then the larger), so the towns a reader
         * looks for win the places; a label that would overlap a placed one
         * or cross the frame is left out. */
        double (*placed)[4] = calloc(md->n_communes + 1, sizeof *placed);
        size_t *order = calloc(md->n_communes + 1, sizeof *order), n_placed = 0;
        for (size_t i = 0; order && i < md->n_communes; i++)
            order[i] = i;
        if (order) qsort_r(order, md->n_communes, sizeof *order, label_rank, (void *)md->communes);
        const char *font = md->n_communes > 60 ? "DejaVu Sans Bold 6.5" : "DejaVu Sans Bold 7.5";
        for (size_t oi = 0; placed && order && oi < md->n_communes; oi++) {
            const px__mcommune *c = &md->communes[order[oi]];
            double x = (c->label_wx - wx0) * k, y = (c->label_wy - wy0) * k, b[4];
            if (!c->name[0]) continue;
            px__text_halo(cr, x, y, font, c->name, b, 0);
            if (b[0] < 2 || b[1] < 2 || b[2] > f.w - 2 || b[3] > f.h - 2) continue;
            int clash = 0;
            for (size_t j = 0; j < n_placed && !clash; j++)
                clash = !(b[2] < placed[j][0] || b[0] > placed[j][2] || b[3] < placed[j][1] || b[1] > placed[j][3]);
            if (clash) continue;
            px__text_halo(cr, x, y, font, c->name, b, 1);
            memcpy(placed[n_placed++], b, sizeof b);
        }
        free(placed);
        free(order);
    }
    cairo_restore(cr);
    cairo_save(cr);
    cairo_rectangle(cr, f.x, f.y, f.w, f.h);
    cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
    cairo_set_line_width(cr, 0.8);
    cairo_stroke(cr);
    cairo_restore(cr);
    scale_bar(cr, f, m_per_pt, bar_m);
    north_arrow(cr, f);
    legend_draw(ctx, cr, md->style, zoom, legend);
    return n;
}

int px__map_extent(px_ctx *ctx, px_store *store, const void *styled, const px_bbox *extent,
                   const px__mcommune *communes, size_t n_communes, double box[4])
{
    if (extent) {
        px__xform *xf = NULL;
        if (px__xform_new(ctx, px_store_crs(store), "EPSG:4326", &xf) != PX_OK) return -1;
        double xs[4] = {extent->minx, extent->maxx, extent->minx, extent->maxx};
        double ys[4] = {extent->miny, extent->miny, extent->maxy, extent->maxy};
        for (int i = 0; i < 4; i++) {
            double wx, wy;
            if (px__xform_point(xf, &xs[i], &ys[i]) != PX_OK) {
                px__xform_free(xf);
                return -1;
            }
            px__lonlat_to_world(xs[i], ys[i], &wx, &wy);
            if (i == 0) box[0] = box[2] = wx, box[1] = box[3] = wy;
            box[0] = fmin(box[0], wx), box[1] = fmin(box[1], wy);
            box[2] = fmax(box[2], wx), box[3] = fmax(box[3], wy);
        }
        px__xform_free(xf);
        return 0;
    }
    if (n_communes) {
        memcpy(box, communes[0].box, 4 * sizeof *box);
        for (size_t i = 1; i < n_communes; i++) {
            box[0] = fmin(box[0], communes[i].box[0]), box[1] = fmin(box[1], communes[i].box[1]);
            box[2] = fmax(box[2], communes[i].box[2]), box[3] = fmax(box[3], communes[i].box[3]);
        }
        return 0;
    }
    if (px__styled_extent(styled, box)) return 0;
    px__error(ctx, PX_EDOMAIN, "nothing to map: the project has no communes and the style's tables are empty");
    return -1;
}

char *px__map_attribution(px_store *store, const px_style *style)
{
    char *a = NULL;
    if (px_store_get_setting(store, "attribution", &a) == PX_OK && a && *a) return a;
    free(a);
    px__buf b = {0};
    char *sa = px__style_attribution(style);
    if (sa) px__buf_printf(&b, "%s", sa);
    free(sa);
    /* The files the layers were loaded from, once each. */
    px_table_info *ti = NULL;
    size_t n = 0;
    if (px_store_tables(store, &ti, &n) == PX_OK) {
        px__buf files = {0};
        for (size_t i = 0; i < n; i++) {
            if (!ti[i].kind || strcmp(ti[i].kind, "layer") || !ti[i].source) continue;
            const char *base = strrchr(ti[i].source, '/');
            base = base ? base + 1 : ti[i].source;
            if (files.p && strstr(files.p, base)) continue;
            px__buf_printf(&files, "%s%s", files.n ? ", " : "", base);
        }
        if (files.n) px__buf_printf(&b, "%sdata: %s", b.n ? "; " : "", files.p);
        px__buf_free(&files);
        px_table_info_free(ti, n);
    }
    if (b.failed) {
        px__buf_free(&b);
        return NULL;
    }
    return b.p ? b.p : px__strdup("");
}
