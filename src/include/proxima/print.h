/*
 * Proxima print: print-ready maps (a page with title, map frame, legend,
 * commune labels, scale bar, north arrow, sources and date, as a QGIS print
 * layout gives) and the council report (report.md, report.html,
 * report.pdf), drawn with cairo and laid out with Pango.
 *
 * Maps use the same MapLibre styles as the tiles and the viewer (styles/),
 * drawn by the tiles module's style evaluator. The map frame is in Web
 * Mercator, as the tiles and the viewer show it (north is up); the scale bar
 * is measured in the project CRS at the centre of the frame.
 *
 * Output format follows the file extension: .pdf, .svg or .png. Pages are A4
 * or A3 in PostScript points (A4 portrait 595 x 842); PNG pages are drawn at
 * `dpi` (default 150). Same inputs and same `date` give the same bytes.
 * Files are written through px_file_write (temp file, checked writes,
 * rename): a failure leaves any earlier file in place.
 */
#ifndef PROXIMA_PRINT_H
#define PROXIMA_PRINT_H

#include "proxima/core.h"
#include "proxima/store.h"
#include "proxima/tiles.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum px_page_size { PX_PAGE_A4 = 0, PX_PAGE_A3 } px_page_size;

typedef struct px_map_options {
    px_page_size page;       /* default A4 */
    int landscape;           /* 0: portrait (default) */
    const char *title;       /* default: the style's "name", else its file name */
    const char *date;        /* shown on the page; default: today (UTC, YYYY-MM-DD).
                                Give it to make two runs byte-identical */
    const char *attribution; /* default: the project's "attribution" setting, else
                                the style's source attributions and the layers'
                                sources (px_tables) */
    int atlas;               /* one page per commune (zoomed to it, its name as
                                title) into one PDF; PDF output only */
    double dpi;              /* PNG only; default 150 */
    int labels;              /* commune names on the map; default 1 (set -1 for none) */
    const px_bbox *extent;   /* project CRS; NULL: the communes layer's extent,
                                else the style's tables' extent */
} px_map_options;

/* Fill `o` with the defaults above. */
void px_map_options_default(px_map_options *o);

/* Rectangles of a page (points, origin top left) as px_map_write lays them
 * out: what tests look at and what a caller may draw beside. */
typedef struct px_rect {
    double x, y, w, h;
} px_rect;

typedef struct px_map_layout {
    double page_w, page_h;
    px_rect title;  /* title and subtitle (date) */
    px_rect frame;  /* the map */
    px_rect legend; /* legend column (landscape: right of the map; portrait: below it) */
    px_rect footer; /* sources, attribution, date, scale */
} px_map_layout;

/* Layout of a page of size `page` (portrait unless `landscape`). */
px_map_layout px_map_page_layout(px_page_size page, int landscape);

/* What a map run did. */
typedef struct px_map_report {
    size_t n_pages;
    size_t n_features; /* features drawn on all pages */
    double scale;      /* 1:scale of the first page's frame, on paper */
    double scalebar_m; /* length of the first page's scale bar, metres */
} px_map_report;

/* Draw `style` (borrowed) over `store` (borrowed) onto a page written to
 * `out_path` (.pdf, .png or .svg; temp file + rename). `opts` may be NULL;
 * `report` may be NULL. Returns PX_EINVAL (bad extension, atlas without
 * .pdf, bad option), PX_ENOTFOUND (a table the style draws; atlas without a
 * communes layer), PX_EDOMAIN (nothing to map: empty extent), PX_EIO,
 * PX_ESQLITE, PX_EPROJ, PX_EGEOS, PX_ENOMEM, PX_ECANCELLED (progress sink
 * asked to stop: nothing written). */
px_status px_map_write(px_ctx *ctx, px_store *store, const px_style *style, const char *out_path,
                       const px_map_options *opts, px_map_report *report);

/* ---- the council report ----------------------------------------------------- */

/* One per-commune value that changed between two runs (as px_runs_compare
 * gives them, module `run`). Strings borrowed. */
typedef struct px_report_change {
    const char *table;        /* "access_communes" */
    const char *commune_id;   /* "*" for the whole region */
    const char *commune_name;
    const char *key;          /* other text columns of the row ("mode=walk;category=food"), "" */
    const char *indicator;    /* column ("walk_all_share") */
    int has_a, has_b;
    double a, b;
} px_report_change;

/* A comparison of two runs for the report ("what changed"). Borrowed. */
typedef struct px_report_compare {
    const char *run_a, *run_b; /* names, e.g. "2025" and "2026" */
    size_t n_changes;
    const px_report_change *changes;
} px_report_compare;

typedef struct px_report_options {
    const char *title;       /* default "Council report: <project file name>" */
    const char *date;        /* default: today (UTC); fixed for byte-identical reruns */
    const char *const *map_styles; /* NULL-terminated style paths for the report's maps;
                                      NULL: every style of `styles_dir` whose tables the
                                      project has */
    const char *styles_dir;  /* default: the styles/ folder of the source tree */
    const px_report_compare *compare; /* NULL: no comparison section */
    int top_sites;           /* brownfield sites per use, default 5 */
    int formats;             /* bits PX_REPORT_MD | _HTML | _PDF; 0: all three */
    int omit_times;          /* leave the tables' write times out of the data-quality
                                box, so that two runs of the same inputs made at
                                different times give the same bytes */
} px_report_options;

#define PX_REPORT_MD 1
#define PX_REPORT_HTML 2
#define PX_REPORT_PDF 4

void px_report_options_default(px_report_options *o);

typedef struct px_report_summary {
    size_t n_sections;  /* sections with data */
    size_t n_charts;
    size_t n_maps;
    size_t n_warnings;  /* data-quality warnings */
} px_report_summary;

/* Write report.md, report.html (self-contained: charts and maps inline, no
 * external reference) and report.pdf into folder `out_dir` (created if
 * missing), from the result tables of `store` that exist (a missing analysis
 * is a line saying so, not an error; so is a shipped style whose tables are
 * missing). `opts`, `summary` may be NULL. Each file is written through
 * px_file_write (temp + rename); a failure can leave the files written
 * before it. Returns PX_EINVAL, PX_EIO, PX_ESQLITE, PX_EPROJ, PX_EGEOS,
 * PX_ENOMEM, PX_ECANCELLED, and for a style named in `map_styles` that does
 * not read, px_style_read's status (PX_EIO, PX_EPARSE, PX_EUNSUPPORTED). */
px_status px_report_write(px_ctx *ctx, px_store *store, const char *out_dir, const px_report_options *opts,
                          px_report_summary *summary);

#ifdef __cplusplus
}
#endif
#endif
