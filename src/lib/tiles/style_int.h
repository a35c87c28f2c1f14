/*
 * The style engine shared by style_read.c (parsing and validation),
 * style_eval.c (expressions, filters, legacy zoom functions), color.c and
 * raster.c. A style keeps its parsed JSON: expressions are evaluated
 * directly on the (read-only, hence thread-safe) jansson tree, after
 * style_read.c has checked every operator once, so that evaluation never
 * meets an operator it does not know. Library-internal.
 */
#ifndef PX_STYLE_INT_H
#define PX_STYLE_INT_H

#include "tiles_int.h"

typedef enum px__sltype { PX__SL_BACKGROUND, PX__SL_FILL, PX__SL_LINE, PX__SL_CIRCLE, PX__SL_SYMBOL } px__sltype;

/* Paint properties Proxima draws. */
typedef enum px__prop {
    PX__P_BACKGROUND_COLOR,
    PX__P_BACKGROUND_OPACITY,
    PX__P_FILL_COLOR,
    PX__P_FILL_OPACITY,
    PX__P_FILL_OUTLINE_COLOR,
    PX__P_FILL_ANTIALIAS,
    PX__P_LINE_COLOR,
    PX__P_LINE_WIDTH,
    PX__P_LINE_OPACITY,
    PX__P_LINE_DASHARRAY,
    PX__P_CIRCLE_COLOR,
    PX__P_CIRCLE_RADIUS,
    PX__P_CIRCLE_OPACITY,
    PX__P_CIRCLE_STROKE_COLOR,
    PX__P_CIRCLE_STROKE_WIDTH,
    PX__P_CIRCLE_STROKE_OPACITY,
    /* symbol layers: text labels (labels.c); text-field and text-size are
     * layout properties, kept here beside the paint ones */
    PX__P_TEXT_COLOR,
    PX__P_TEXT_HALO_COLOR,
    PX__P_TEXT_HALO_WIDTH,
    PX__P_TEXT_OPACITY,
    PX__P_TEXT_FIELD,
    PX__P_TEXT_SIZE,
    PX__P_COUNT
} px__prop;

typedef struct px__slayer {
    char *id;
    px__sltype type;
    char *table;                      /* source-layer; NULL for background */
    double minzoom, maxzoom;          /* the layer is drawn for minzoom <= z < maxzoom */
    const json_t *filter;             /* borrowed from the style's root; NULL: every feature */
    const json_t *paint[PX__P_COUNT]; /* NULL: the specification's default */
    int line_cap, line_join;          /* cairo_line_cap_t / cairo_line_join_t values */
    int optional;                     /* "metadata": {"proxima:optional": true}: a missing
                                         table draws nothing instead of failing */
} px__slayer;

struct px_style {
    char *path;
    json_t *root;
    size_t n_layers;
    px__slayer *layers;
    size_t n_tables;
    char **tables;
};

/* ---- values and evaluation (style_eval.c) ------------------------------- */

typedef enum px__svt { PX__SV_NULL, PX__SV_NUM, PX__SV_STR, PX__SV_BOOL, PX__SV_COLOR, PX__SV_ARRAY } px__svt;

typedef struct px__sval {
    px__svt t;
    double n;
    const char *s; /* borrowed (feature value, JSON) or points into buf */
    int b;
    double c[4];       /* colour: r, g, b, a in 0..1, not premultiplied */
    const json_t *arr; /* literal array */
    char buf[32];
} px__sval;

/* What an expression can see: a feature (or none, for background) and the zoom. */
typedef struct px__sctx {
    const px__tlayer *layer; /* NULL: no feature */
    size_t feat;
    double zoom;
} px__sctx;

/* Evaluate `e` (a JSON value or expression already validated). */
void px__style_eval(const json_t *e, const px__sctx *c, px__sval *out);
/* Does the feature pass `filter` (expression or legacy filter)? NULL passes. */
int px__style_filter(const json_t *filter, const px__sctx *c);
/* Number / colour value of a paint property, or `def` when unset or when the
 * value has the wrong type (MapLibre falls back to the default too). */
double px__style_number(const json_t *e, const px__sctx *c, double def);
void px__style_color(const json_t *e, const px__sctx *c, const double def[4], double out[4]);

/* Check an expression (`is_filter`: a filter, where legacy forms are
 * allowed); on an unknown construct, return a static description of it
 * ("expression operator 'distance'") through *what, else NULL. */
const char *px__style_check(const json_t *e, int is_filter, char *buf, size_t buf_len);

/* ---- colours (color.c) --------------------------------------------------- */

/* Parse a CSS colour (#rgb, #rrggbb, #rrggbbaa, rgb(), rgba(), hsl(), hsla(),
 * and the common names). 0 on success, -1 if not a colour. */
int px__color_parse(const char *s, double out[4]);

/* ---- drawing (raster.c, labels.c) ---------------------------------------- */

typedef struct _cairo cairo_t;

/* What a drawing shows: world point (ox, oy) at the device's top-left,
 * k device pixels per world unit, the style zoom, device pixels per CSS
 * pixel (line widths, radii and text sizes are CSS pixels), device size. */
typedef struct px__view {
    double ox, oy, k, zoom, ratio;
    double width, height;
} px__view;

/* Draw every layer of `style` from `tables` (one per style table, in
 * style->tables order; borrowed) onto `cr`. Thread-safe for distinct cr. */
void px__draw_view(const px_style *style, px__tlayer *const *tables, const px__view *v, cairo_t *cr,
                   int *n_drawn);

/* Load the style's tables; *out (style->n_tables entries) caller-frees with
 * px__style_tables_free. PX_ENOTFOUND names a missing source-layer. */
px_status px__style_tables_load(px_ctx *ctx, px_store *store, const px_style *style, px__tlayer ***out);
void px__style_tables_free(px__tlayer **t, size_t n);

/* Labels of one drawing: the boxes already taken (collision avoidance, in
 * layer then feature order: first come, first placed). */
typedef struct px__labels px__labels;
px__labels *px__labels_new(cairo_t *cr);
void px__labels_free(px__labels *lb);
/* Draw the labels of symbol layer `l` over features of `tl`; returns how
 * many were placed. */
int px__labels_layer(px__labels *lb, const px__slayer *l, const px__tlayer *tl, const px__view *v, cairo_t *cr);

#endif
