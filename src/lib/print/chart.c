/*
 * The report's charts, drawn with cairo into any rectangle (a PDF page, an
 * SVG document): horizontal bars per commune, Lorenz curves with their Gini
 * coefficients, and a histogram of minutes. Each chart is readable alone:
 * title, axes with units and ticks, a key for its series, and its source.
 *
 * Left out: automatic label thinning beyond what fits (labels are cut),
 * logarithmic axes.
 */
#include "report_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Okabe-Ito colours, told apart by colour-blind readers. */
static const double palette[8][3] = {{0.000, 0.447, 0.698}, {0.902, 0.624, 0.000}, {0.000, 0.620, 0.451},
                                     {0.835, 0.369, 0.000}, {0.800, 0.475, 0.655}, {0.337, 0.706, 0.914},
                                     {0.941, 0.894, 0.259}, {0.30, 0.30, 0.30}};

static void rgb(cairo_t *cr, int i)
{
    cairo_set_source_rgb(cr, palette[i % 8][0], palette[i % 8][1], palette[i % 8][2]);
}

static void ink(cairo_t *cr)
{
    cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
}

/* Title at the top, source at the bottom; returns the plot's band. */
static px_rect frame(cairo_t *cr, px_rect r, const char *title, const char *source)
{
    cairo_save(cr);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_rectangle(cr, r.x, r.y, r.w, r.h);
    cairo_fill(cr);
    ink(cr);
    double th = px__text(cr, r.x, r.y, r.w, "DejaVu Sans Bold 9.5", PX__LEFT, title);
    cairo_set_source_rgb(cr, 0.35, 0.35, 0.35);
    double sh = px__text_height(cr, r.w, "DejaVu Sans Oblique 6.5", source);
    px__text(cr, r.x, r.y + r.h - sh, r.w, "DejaVu Sans Oblique 6.5", PX__LEFT, source);
    cairo_restore(cr);
    return (px_rect){r.x, r.y + th + 4, r.w, r.h - th - 4 - sh - 4};
}

/* A round step for an axis of `span` with about `n` ticks. */
static double tick_step(double span, int n)
{
    double raw = span / n, p = pow(10, floor(log10(raw))), m = raw / p;
    return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * p;
}

static void fmt_tick(double v, char *buf, size_t len)
{
    if (fabs(v) >= 10000)
        snprintf(buf, len, "%.0f", v);
    else
        snprintf(buf, len, "%g", round(v * 1000) / 1000);
}

/* ---- bars -------------------------------------------------------------------------- */

void px__chart_bars_draw(cairo_t *cr, px_rect r, const void *data)
{
    const px__chart_bars *c = data;
    px_rect p = frame(cr, r, c->title, c->source);
    cairo_save(cr);
    const char *font = "DejaVu Sans 7";
    /* Key of the series. */
    double kx = p.x, kh = 12;
    for (size_t s = 0; s < c->n_series; s++) {
        rgb(cr, (int)s);
        cairo_rectangle(cr, kx, p.y + 2, 10, 7);
        cairo_fill(cr);
        ink(cr);
        double tw, th;
        px__text_size(cr, font, c->series[s], &tw, &th);
        px__text(cr, kx + 13, p.y, 0, font, PX__LEFT, c->series[s]);
        kx += 13 + tw + 14;
    }
    double lw = 0;
    for (size_t i = 0; i < c->n; i++) {
        double tw, th;
        px__text_size(cr, font, c->labels[i], &tw, &th);
        lw = fmax(lw, tw);
    }
    lw = fmin(lw, p.w * 0.35);
    double x0 = p.x + lw + 6, x1 = p.x + p.w - 8, y0 = p.y + kh + 4, y1 = p.y + p.h - 26;
    double vmax = c->vmax > 0 ? c->vmax : 1;
    double row = (y1 - y0) / (c->n ? (double)c->n : 1);
    double bh = fmin(14, row * 0.8) / (double)(c->n_series ? c->n_series : 1);
    /* Grid and ticks. */
    double step = tick_step(vmax, 5);
    char buf[32];
    for (double v = 0; v <= vmax + 1e-9; v += step) {
        double x = x0 + (x1 - x0) * v / vmax;
        cairo_set_source_rgb(cr, 0.85, 0.85, 0.85);
        cairo_set_line_width(cr, 0.4);
        cairo_move_to(cr, x, y0);
        cairo_line_to(cr, x, y1);
        cairo_stroke(cr);
        ink(cr);
        fmt_tick(v, buf, sizeof buf);
        double tw, th;
        px__text_size(cr, "DejaVu Sans 6.5", buf, &tw, &th);
        px__text(cr, x - tw / 2, y1 + 2, 0, "DejaVu Sans 6.5", PX__LEFT, buf);
    }
    ink(cr);
    px__text(cr, x0, y1 + 12, x1 - x0, "DejaVu Sans 7", PX__CENTER, c->xlabel);
    for (size_t i = 0; i < c->n; i++) {
        double yc = y0 + row * (double)i + row / 2;
        double tw, th;
        px__text_size(cr, font, c->labels[i], &tw, &th);
        ink(cr);
        cairo_save(cr);
        cairo_rectangle(cr, p.x, yc - th, lw + 2, 2 * th);
        cairo_clip(cr);
        px__text(cr, x0 - 6 - fmin(tw, lw), yc - th / 2, 0, font, PX__LEFT, c->labels[i]);
        cairo_restore(cr);
        for (size_t s = 0; s < c->n_series; s++) {
            double v = c->values[s * c->n + i];
            if (isnan(v)) continue;
            double yb = yc - bh * (double)c->n_series / 2 + bh * (double)s;
            rgb(cr, (int)s);
            cairo_rectangle(cr, x0, yb, (x1 - x0) * fmin(fmax(v, 0), vmax) / vmax, bh * 0.9);
            cairo_fill(cr);
        }
    }
    ink(cr);
    cairo_set_line_width(cr, 0.8);
    cairo_move_to(cr, x0, y0);
    cairo_line_to(cr, x0, y1);
    cairo_line_to(cr, x1, y1);
    cairo_stroke(cr);
    cairo_restore(cr);
}

void px__chart_bars_free(void *data)
{
    px__chart_bars *c = data;
    if (!c) return;
    for (size_t i = 0; c->labels && i < c->n; i++)
        free(c->labels[i]);
    for (size_t s = 0; s < 4; s++)
        free(c->series[s]);
    free(c->labels);
    free(c->values);
    free(c->title);
    free(c->xlabel);
    free(c->source);
    free(c);
}

/* ---- Lorenz ----------------------------------------------------------------------- */

static void axes_box(cairo_t *cr, double x0, double y0, double x1, double y1, double xmax, double ymax,
                     const char *xlabel, const char *ylabel, int nx, int ny)
{
    char buf[32];
    double tw, th, widest = 0;
    for (int k = 0; k <= ny; k++) {
        double v = ymax * k / ny, y = y1 - (y1 - y0) * k / ny;
        cairo_set_source_rgb(cr, 0.88, 0.88, 0.88);
        cairo_set_line_width(cr, 0.4);
        cairo_move_to(cr, x0, y);
        cairo_line_to(cr, x1, y);
        cairo_stroke(cr);
        ink(cr);
        fmt_tick(v, buf, sizeof buf);
        px__text_size(cr, "DejaVu Sans 6.5", buf, &tw, &th);
        px__text(cr, x0 - 4 - tw, y - th / 2, 0, "DejaVu Sans 6.5", PX__LEFT, buf);
        widest = fmax(widest, tw);
    }
    for (int k = 0; k <= nx; k++) {
        double v = xmax * k / nx, x = x0 + (x1 - x0) * k / nx;
        ink(cr);
        fmt_tick(v, buf, sizeof buf);
        px__text_size(cr, "DejaVu Sans 6.5", buf, &tw, &th);
        px__text(cr, x - tw / 2, y1 + 2, 0, "DejaVu Sans 6.5", PX__LEFT, buf);
    }
    ink(cr);
    px__text(cr, x0, y1 + 12, x1 - x0, "DejaVu Sans 7", PX__CENTER, xlabel);
    cairo_save(cr);
    px__text_size(cr, "DejaVu Sans 7", ylabel, &tw, &th);
    cairo_translate(cr, x0 - widest - 8 - th, (y0 + y1) / 2 + tw / 2);
    cairo_rotate(cr, -M_PI / 2);
    px__text(cr, 0, 0, 0, "DejaVu Sans 7", PX__LEFT, ylabel);
    cairo_restore(cr);
    cairo_set_line_width(cr, 0.8);
    cairo_move_to(cr, x0, y0);
    cairo_line_to(cr, x0, y1);
    cairo_line_to(cr, x1, y1);
    cairo_stroke(cr);
}

void px__chart_lorenz_draw(cairo_t *cr, px_rect r, const void *data)
{
    const px__chart_lorenz *c = data;
    px_rect p = frame(cr, r, c->title, c->source);
    cairo_save(cr);
    double keyw = fmin(150, p.w * 0.38);
    double side = fmin(p.w - keyw - 50, p.h - 30);
    double x0 = p.x + 40, y0 = p.y + 4, x1 = x0 + side, y1 = y0 + side;
    axes_box(cr, x0, y0, x1, y1, 100, 100, "residents, poorest served first (cumulative %)",
             "access (cumulative %)", 5, 5);
    /* Line of equality. */
    cairo_set_source_rgb(cr, 0.5, 0.5, 0.5);
    double dash[2] = {3, 2};
    cairo_set_dash(cr, dash, 2, 0);
    cairo_set_line_width(cr, 0.6);
    cairo_move_to(cr, x0, y1);
    cairo_line_to(cr, x1, y0);
    cairo_stroke(cr);
    cairo_set_dash(cr, NULL, 0, 0);
    for (size_t k = 0; k < c->n_curves; k++) {
        rgb(cr, (int)k);
        cairo_set_line_width(cr, 1.2);
        for (size_t i = 0; i < c->n_pts[k]; i++) {
            double x = x0 + (x1 - x0) * c->x[k][i], y = y1 - (y1 - y0) * c->y[k][i];
            if (i == 0)
                cairo_move_to(cr, x, y);
            else
                cairo_line_to(cr, x, y);
        }
        cairo_stroke(cr);
    }
    /* Key: name and Gini. */
    double ky = y0, kx = x1 + 14;
    ink(cr);
    ky += px__text(cr, kx, ky, keyw, "DejaVu Sans Bold 7", PX__LEFT, "Gini coefficient") + 2;
    for (size_t k = 0; k < c->n_curves; k++) {
        char line[160];
        snprintf(line, sizeof line, "%s  %.3f", c->names[k], c->gini[k]);
        rgb(cr, (int)k);
        cairo_rectangle(cr, kx, ky + 3, 12, 3);
        cairo_fill(cr);
        ink(cr);
        ky += px__text(cr, kx + 16, ky, keyw - 16, "DejaVu Sans 7", PX__LEFT, line) + 1;
    }
    cairo_set_source_rgb(cr, 0.4, 0.4, 0.4);
    px__text(cr, kx, ky + 4, keyw, "DejaVu Sans Oblique 6.5", PX__LEFT,
             "dashed: every resident equally served (Gini 0)");
    cairo_restore(cr);
}

void px__chart_lorenz_free(void *data)
{
    px__chart_lorenz *c = data;
    if (!c) return;
    for (size_t k = 0; k < 12; k++) {
        free(c->names[k]);
        free(c->x[k]);
        free(c->y[k]);
    }
    free(c->title);
    free(c->source);
    free(c);
}

/* ---- histogram ---------------------------------------------------------------------- */

void px__chart_hist_draw(cairo_t *cr, px_rect r, const void *data)
{
    const px__chart_hist *c = data;
    px_rect p = frame(cr, r, c->title, c->source);
    cairo_save(cr);
    double ymax = c->beyond;
    for (size_t i = 0; i < c->n_bins; i++)
        ymax = fmax(ymax, c->weights[i]);
    if (ymax <= 0) ymax = 1;
    double step = tick_step(ymax, 4);
    ymax = ceil(ymax / step) * step;
    int ny = (int)lround(ymax / step);
    double x0 = p.x + 52, x1 = p.x + p.w - 60, y0 = p.y + 4, y1 = p.y + p.h - 26;
    double xmax = c->x0 + c->bin_w * (double)c->n_bins;
    int nx = (int)fmin(10, (double)c->n_bins);
    axes_box(cr, x0, y0, x1, y1, xmax, ymax, c->xlabel, c->ylabel, 1, ny);
    /* x ticks at round minutes. */
    double xs = tick_step(xmax - c->x0, nx);
    char buf[32];
    for (double v = c->x0 + xs; v <= xmax + 1e-9; v += xs) {
        double x = x0 + (x1 - x0) * (v - c->x0) / (xmax - c->x0), tw, th;
        fmt_tick(v, buf, sizeof buf);
        ink(cr);
        px__text_size(cr, "DejaVu Sans 6.5", buf, &tw, &th);
        if (v < xmax - 1e-9) px__text(cr, x - tw / 2, y1 + 2, 0, "DejaVu Sans 6.5", PX__LEFT, buf);
    }
    double bw = (x1 - x0) / (double)c->n_bins;
    for (size_t i = 0; i < c->n_bins; i++) {
        double h = (y1 - y0) * c->weights[i] / ymax;
        rgb(cr, 0);
        cairo_rectangle(cr, x0 + bw * (double)i + 0.5, y1 - h, bw - 1, h);
        cairo_fill(cr);
    }
    /* Beyond the cutoff (or nothing in reach): a separate grey bar. */
    double h = (y1 - y0) * c->beyond / ymax;
    cairo_set_source_rgb(cr, 0.6, 0.6, 0.6);
    cairo_rectangle(cr, x1 + 12, y1 - h, 22, h);
    cairo_fill(cr);
    ink(cr);
    px__text(cr, x1 + 4, y1 + 2, 52, "DejaVu Sans 6", PX__CENTER, "beyond / none");
    if (!isnan(c->marker) && c->marker > c->x0 && c->marker < xmax) {
        double x = x0 + (x1 - x0) * (c->marker - c->x0) / (xmax - c->x0);
        cairo_set_source_rgb(cr, 0.8, 0.1, 0.1);
        cairo_set_line_width(cr, 1);
        cairo_move_to(cr, x, y0);
        cairo_line_to(cr, x, y1);
        cairo_stroke(cr);
        px__text(cr, x + 3, y0, 120, "DejaVu Sans 6.5", PX__LEFT, c->marker_label ? c->marker_label : "");
    }
    cairo_restore(cr);
}

void px__chart_hist_free(void *data)
{
    px__chart_hist *c = data;
    if (!c) return;
    free(c->weights);
    free(c->title);
    free(c->xlabel);
    free(c->ylabel);
    free(c->source);
    free(c->marker_label);
    free(c);
}
