/*
 * What the print module's files share: pages (one cairo surface per output
 * file, PDF / SVG / PNG by extension, written to a temp file then renamed),
 * text set with Pango, a growable byte buffer, the communes as the maps see
 * them (world coordinates, label points), and the map frame drawing that
 * both px_map_write and the report use. Library-internal.
 */
#ifndef PX_PRINT_INT_H
#define PX_PRINT_INT_H

#include "../core/core_int.h"
#include "proxima/print.h"

#include <cairo.h>
#include <stdio.h>

/* ---- byte buffer ------------------------------------------------------------ */

typedef struct px__buf {
    char *p;
    size_t n, cap;
    int failed;
} px__buf;

void px__buf_add(px__buf *b, const void *data, size_t len);
void px__buf_printf(px__buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Text with &, <, >, " escaped for HTML. */
void px__buf_html(px__buf *b, const char *s);
/* Text with | and newlines escaped for a Markdown table cell. */
void px__buf_md(px__buf *b, const char *s);
void px__buf_free(px__buf *b);
/* cairo write callback appending to a px__buf. */
cairo_status_t px__buf_cairo_write(void *user, const unsigned char *data, unsigned int len);


/* ---- pages --------------------------------------------------------------- */

typedef enum px__fmt { PX__FMT_PDF, PX__FMT_SVG, PX__FMT_PNG } px__fmt;

/* The format of `path` by extension; -1 when none of .pdf/.svg/.png. */
int px__print_format(const char *path);

typedef struct px__page {
    px__fmt fmt;
    cairo_surface_t *sf;
    cairo_t *cr;
    char *path;
    px__buf bytes; /* the file as drawn, written at close */
    double w, h;   /* points */
    size_t n_pages;
} px__page;

/* Open a page of w x h points for `path` (.pdf/.svg/.png); PNG at `dpi`.
 * `title`, `date` (YYYY-MM-DD) go into PDF metadata (date also fixes the
 * PDF creation date so that reruns are byte-identical). */
px_status px__page_open(px_ctx *ctx, const char *path, double w, double h, double dpi, const char *title,
                        const char *date, px__page *pg);
/* Next page (PDF only). */
void px__page_next(px__page *pg);
/* Finish, check and rename into place; on failure nothing is left behind. */
px_status px__page_close(px_ctx *ctx, px__page *pg);
void px__page_abort(px__page *pg);

/* Page size in points. */
void px__page_size(px_page_size page, int landscape, double *w, double *h);

/* ---- text (Pango) --------------------------------------------------------- */

typedef enum px__align { PX__LEFT, PX__CENTER, PX__RIGHT } px__align;

/* Draw `text` at (x, y) top left within width `w` (wrapped; w <= 0: no
 * wrap), font `font` ("DejaVu Sans Bold 12"), current source colour.
 * Returns the height used. */
double px__text(cairo_t *cr, double x, double y, double w, const char *font, px__align align, const char *text);
/* Size of `text` in `font` (no wrap). */
void px__text_size(cairo_t *cr, const char *font, const char *text, double *w, double *h);
/* Height of `text` wrapped at width `w`. */
double px__text_height(cairo_t *cr, double w, const char *font, const char *text);
/* Text with a white halo, centred on (x, y); *box gets x0, y0, x1, y1. */
void px__text_halo(cairo_t *cr, double x, double y, const char *font, const char *text, double box[4],
                   int draw);

/* ---- today ------------------------------------------------------------------ */

/* Today's date, UTC, "YYYY-MM-DD", into buf (>= 11 bytes). */
void px__today(char *buf, size_t len);

/* ---- communes as the maps see them ------------------------------------------ */

typedef struct px__mcommune {
    char *id, *name;
    double label_wx, label_wy;     /* a point inside (point on surface), world units */
    double box[4];                 /* world box */
    double population;             /* the layer's population, NAN when none: label priority */
    double *xy;                    /* rings in world units */
    size_t *ring_n;                /* points per ring */
    size_t n_rings;
} px__mcommune;

/* The communes layer (id, name, geometry) in world coordinates, in fid
 * order. *n 0 when the project has no communes layer (PX_OK). */
px_status px__mcommunes_load(px_ctx *ctx, px_store *store, px__mcommune **out, size_t *n);
void px__mcommunes_free(px__mcommune *c, size_t n);

/* ---- one map drawn into a rectangle ---------------------------------------- */

typedef struct px__mapdraw {
    px_store *store;
    const px_style *style;
    const void *styled;            /* px__styled, loaded once */
    const px__mcommune *communes;   /* borrowed, may be NULL */
    size_t n_communes;
    int labels;
    long highlight;                /* commune index to outline, -1 none */
} px__mapdraw;

/* Draw the map of world box `box` fitted into `frame` (clipped, bordered),
 * with labels, scale bar and north arrow; legend into `legend` when its
 * width > 0. Fills *scale (1:N) and *bar_m. Returns features drawn, or
 * (size_t)-1 on a PROJ failure (error set). */
size_t px__map_draw(px_ctx *ctx, cairo_t *cr, const px__mapdraw *md, const double box[4], px_rect frame,
                    px_rect legend, double *scale, double *bar_m);

/* World box of the map: `extent` (project CRS) if given, else the communes'
 * box, else the style's tables'. 0, or -1 with the error set. */
int px__map_extent(px_ctx *ctx, px_store *store, const void *styled, const px_bbox *extent,
                   const px__mcommune *communes, size_t n_communes, double box[4]);

/* Draw one map page (never an atlas) of `style` onto `cr` (a page of the
 * options' size), loading what it needs. Used by the report's PDF. */
px_status px__map_onto(px_ctx *ctx, cairo_t *cr, px_store *store, const px_style *style, const px_map_options *o,
                       px_map_report *report);

/* The attribution line for `style`: the project's "attribution" setting,
 * else the style's source attributions and the layers' sources. Caller frees. */
char *px__map_attribution(px_store *store, const px_style *style);

#endif
