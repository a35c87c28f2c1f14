/*
 * The council report's shared model: a document is a list of blocks
 * (headings, paragraphs, tables, charts, maps, boxes) built once from the
 * project's result tables (report_build.c, report_sections.c) and written
 * by three back ends (report_md.c, report_html.c, report_pdf.c), so the
 * three files say the same thing. Charts are cairo drawing callbacks
 * (chart.c): the PDF draws them on its pages, the HTML inlines them as SVG,
 * the Markdown links SVG files written beside it. Library-internal.
 */
#ifndef PX_REPORT_INT_H
#define PX_REPORT_INT_H

#include "print_int.h"

/* ---- result tables read whole (small per-commune tables) ------------------- */

typedef struct px__rdata {
    size_t n_cols, n_rows;
    char **cols;
    px_col_type *types;
    double *num;         /* n_rows * n_cols; text columns: NAN */
    char **txt;          /* n_rows * n_cols; NULL for NULL; numbers as text too */
    unsigned char *null; /* n_rows * n_cols */
} px__rdata;

/* Read every column of `table` but geom and props. PX_ENOTFOUND if absent. */
px_status px__rdata_load(px_ctx *ctx, px_store *store, const char *table, px__rdata **out);
void px__rdata_free(px__rdata *d);
int px__rdata_col(const px__rdata *d, const char *name);
/* Value of row r, column c; NAN / NULL when c < 0 or the value is NULL. */
double px__rdata_num(const px__rdata *d, size_t r, int c);
const char *px__rdata_txt(const px__rdata *d, size_t r, int c);
/* Is `id` the whole-region row's commune_id ("*", README "Result tables")? */
int px__rdata_is_region(const char *id);
/* The commune_name column of a per-commune table, -1 if it has none. */
int px__rdata_name_col(const px__rdata *d);
/* printf `v` with format `f` into buf, or "n/a" when it is NaN. */
void px__fmt_num(char *buf, size_t len, const char *f, double v);

/* ---- document ------------------------------------------------------------- */

typedef enum px__rkind { PX__RB_HEADING, PX__RB_PARA, PX__RB_TABLE, PX__RB_CHART, PX__RB_MAP, PX__RB_BOX } px__rkind;

typedef void (*px__chart_fn)(cairo_t *cr, px_rect r, const void *data);

typedef struct px__rblock {
    px__rkind kind;
    int level;    /* heading: 1 or 2 */
    char *text;   /* heading, paragraph, caption (table, chart, map); box title */
    char *source; /* table / chart: "Source: ..." line; box: lines separated by '\n' */
    /* table */
    size_t n_cols, n_rows;
    char **cells;      /* (n_rows + 1) * n_cols, row 0 the header */
    unsigned char *right; /* per column: right-aligned (numbers) */
    /* chart */
    char *name;        /* file-name stem: "lorenz-walk" */
    px__chart_fn draw;
    void *data;
    void (*free_data)(void *);
    double aspect;     /* height / width */
    /* map */
    char *style_path;
    char *file;        /* map PNG, relative to the output folder */
} px__rblock;

typedef struct px__rdoc {
    char *title, *date, *project;
    px__rblock *b;
    size_t n, cap;
    int failed;
    size_t n_sections, n_charts, n_maps, n_warnings;
} px__rdoc;

px__rblock *px__rdoc_add(px__rdoc *d, px__rkind kind);
void px__rdoc_heading(px__rdoc *d, int level, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void px__rdoc_para(px__rdoc *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A table of n_cols columns; header cells given; rows added with px__rdoc_row. */
px__rblock *px__rdoc_table(px__rdoc *d, const char *caption, const char *source, size_t n_cols,
                           const char *const *header, const unsigned char *right);
void px__rdoc_row(px__rdoc *d, px__rblock *t, const char *const *cells);
void px__rdoc_chart(px__rdoc *d, const char *name, const char *caption, px__chart_fn draw, void *data,
                    void (*free_data)(void *), double aspect);
void px__rdoc_free(px__rdoc *d);

/* ---- sections (report_sections.c, report_build.c) --------------------------- */

typedef struct px__rbuild {
    px_ctx *ctx;
    px_store *store;
    const px_report_options *opts;
    const char *out_dir;
    px__rdoc *doc;
} px__rbuild;

px_status px__report_headlines(px__rbuild *b);
px_status px__report_access(px__rbuild *b);
px_status px__report_equity(px__rbuild *b);
px_status px__report_flood(px__rbuild *b);
px_status px__report_brownfields(px__rbuild *b);
px_status px__report_cycle(px__rbuild *b);
px_status px__report_services(px__rbuild *b); /* only when service-planning tables exist */
px_status px__report_maps(px__rbuild *b);
px_status px__report_quality(px__rbuild *b);
px_status px__report_compare(px__rbuild *b);

/* The number after `key` in the table's note ("threshold 15 min"), or `def`. */
double px__report_note_number(px_store *store, const char *table, const char *key, double def);

/* "Source: TABLE (SOURCE, NOTE), written UPDATED_AT" for a table of the store. */
char *px__report_source(px_store *store, const char *table);

/* ---- charts (chart.c) ----------------------------------------------------- */

typedef struct px__chart_bars {
    char *title, *xlabel, *source;
    size_t n, n_series;
    char **labels;        /* n */
    double *values;       /* n_series * n, in 0..vmax; NAN for none */
    char *series[4];
    double vmax;          /* axis maximum */
} px__chart_bars;

typedef struct px__chart_lorenz {
    char *title, *source;
    size_t n_curves;
    char *names[12];
    double gini[12];
    size_t n_pts[12];
    double *x[12], *y[12]; /* 0..1 */
} px__chart_lorenz;

typedef struct px__chart_hist {
    char *title, *xlabel, *ylabel, *source;
    size_t n_bins;
    double x0, bin_w;     /* first edge, width */
    double *weights;      /* n_bins */
    double beyond;        /* weight beyond the last edge / unreachable */
    double marker;        /* x of a vertical marker (threshold), NAN for none */
    char *marker_label;
} px__chart_hist;

void px__chart_bars_draw(cairo_t *cr, px_rect r, const void *data);
void px__chart_lorenz_draw(cairo_t *cr, px_rect r, const void *data);
void px__chart_hist_draw(cairo_t *cr, px_rect r, const void *data);
void px__chart_bars_free(void *data);
void px__chart_lorenz_free(void *data);
void px__chart_hist_free(void *data);

/* ---- back ends ----------------------------------------------------------------- */

px_status px__report_md(px_ctx *ctx, const px__rdoc *d, const char *out_dir);
px_status px__report_html(px_ctx *ctx, const px__rdoc *d, const char *out_dir);
px_status px__report_pdf(px_ctx *ctx, px_store *store, const px__rdoc *d, const char *out_dir);

/* Chart rendered as an SVG document into `out` (w x h points). */
int px__chart_svg(const px__rblock *b, double w, px__buf *out);

#endif
