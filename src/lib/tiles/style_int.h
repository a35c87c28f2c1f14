/*
 * The style engine shared by style_read.c (reading and validating a style),
 * style_prop.c (the table of paint/layout properties), style_legacy.c
 * (legacy filters and zoom functions, rewritten as expressions), the
 * expression compiler (expr_parse*.c), the evaluator (expr_eval.c,
 * expr_ops.c), values (expr_value.c), colours (color.c), raster.c and
 * labels.c.
 *
 * Expressions follow the MapLibre GL style specification: they are compiled
 * once, when the style is read, into a typed tree (the spec's type rules:
 * arity, argument types, assertions, coercions, stop order, constant
 * folding), so that evaluation never meets an ill-formed expression; an
 * evaluation error (a failed assertion, an index out of bounds...) makes a
 * paint property fall back to its default, as MapLibre does.
 * Library-internal.
 */
#ifndef PX_STYLE_INT_H
#define PX_STYLE_INT_H

#include "tiles_int.h"

/* ---- an allocation arena (compiled trees, and values made while evaluating) */

typedef struct px__arena {
    struct px__ablk *head;
    json_t **js; /* references released by px__arena_clear */
    size_t n_js, cap_js;
    int failed; /* an allocation failed */
} px__arena;

void *px__arena_alloc(px__arena *a, size_t n); /* zeroed; NULL on failure */
char *px__arena_strndup(px__arena *a, const char *s, size_t n);
/* Take a reference to j (NULL passes through), released at clear. */
json_t *px__arena_keep(px__arena *a, json_t *j);
void px__arena_clear(px__arena *a);

/* ---- types and values ----------------------------------------------------- */

typedef enum px__kind {
    PX__K_NULL,
    PX__K_NUM,
    PX__K_STR,
    PX__K_BOOL,
    PX__K_COLOR,
    PX__K_OBJECT,
    PX__K_ARRAY,
    PX__K_VALUE, /* types only: any of the above */
    PX__K_ERROR  /* types only: the type of ["error", ...] */
} px__kind;

/* A type: kind, and for arrays the item kind and length (-1: any). */
typedef struct px__stype {
    unsigned char k, item;
    int n;
} px__stype;

/* A value. Strings are borrowed (style JSON, feature, or an arena); arrays
 * and objects are JSON (borrowed or kept by an arena). Colours are
 * straight (not premultiplied) r, g, b, a in 0..1; a colour of alpha 0 has
 * r = g = b = 0, as MapLibre's premultiplied colours read back. */
typedef struct px__sval {
    unsigned char t; /* PX__K_NULL .. PX__K_ARRAY */
    int b;
    double n;
    const char *s;
    double c[4];
    const json_t *j;
} px__sval;

/* What an expression sees: a feature (from the tiles module's feature set,
 * or a JSON properties object for tests), the zoom, and the arena for
 * values it makes. */
typedef struct px__sctx {
    const px__tlayer *layer; /* NULL: no feature from a layer */
    size_t feat;
    const json_t *props;   /* used when layer is NULL; NULL: no properties */
    const char *geom_type; /* used when layer is NULL */
    const json_t *id;      /* used when layer is NULL */
    double zoom;
    px__arena *arena;    /* required */
    unsigned long steps; /* nodes evaluated; bounded by PX__EVAL_MAX_STEPS */
    char err[256];       /* the last evaluation error */
} px__sctx;

/* Bounds of one evaluation: "let" bindings are evaluated where they are
 * used, so a chain of them can cost exponential time, and "concat" could
 * build strings without end; both are evaluation errors past these. */
#define PX__EVAL_MAX_STEPS 1000000ul
#define PX__EVAL_MAX_STRING (1u << 20)

px__stype px__type_of(const px__sval *v);
/* MapLibre's name of a type ("number", "array<string, 2>"...) into buf. */
const char *px__type_name(px__stype t, char *buf, size_t len);
/* NULL when t is a subtype of expected, else a message into buf. */
const char *px__type_check(px__stype expected, px__stype t, char *buf, size_t len);
void px__val_from_json(const json_t *j, px__sval *out);
/* A new JSON value for v (caller decrefs), NULL on failure. */
json_t *px__val_to_json(const px__sval *v);
/* JavaScript's String(number), into buf (>= 32 bytes). */
const char *px__js_number(double v, char *buf, size_t len);
/* JavaScript's Number(string): NaN when not a number. */
double px__js_to_number(const char *s);
/* MapLibre's string form of a value (to-string, concat); NULL when out of memory. */
const char *px__val_string(const px__sval *v, px__arena *a);
/* Strict equality of two values as JavaScript's === on MapLibre values. */
int px__val_equal(const px__sval *a, const px__sval *b);
int px__val_truthy(const px__sval *v);

/* ---- compiled expressions --------------------------------------------------- */

typedef struct px__expr px__expr;
typedef int (*px__opfn)(const px__expr *e, px__sctx *c, px__sval *out);

enum px__op {
    PX__OP_LITERAL,
    PX__OP_COMPOUND, /* fn below */
    PX__OP_ASSERT,
    PX__OP_COERCE,
    PX__OP_CMP,
    PX__OP_STEP,
    PX__OP_INTERP,
    PX__OP_MATCH,
    PX__OP_CASE,
    PX__OP_COALESCE,
    PX__OP_LET,
    PX__OP_VAR,
    PX__OP_AT,
    PX__OP_IN,
    PX__OP_INDEX_OF,
    PX__OP_SLICE,
    PX__OP_LENGTH,
    PX__OP_NUMBER_FORMAT
};

#define PX__EF_FEATURE 1u /* reads the feature */
#define PX__EF_ZOOM 2u    /* reads the zoom */
#define PX__EF_NOFOLD 4u  /* never folded (error) */

struct px__expr {
    unsigned char op;
    unsigned char sub; /* CMP: 0 == 1 != 2 < 3 <= 4 > 5 >=; INTERP: 0 rgb 1 hcl 2 lab;
                          INTERP kind in `interp`; COMPOUND: index of the definition */
    unsigned flags;
    px__stype type;
    unsigned n;
    px__expr **a; /* children; some may be NULL (number-format options) */
    px__sval v;   /* LITERAL */
    px__opfn fn;  /* COMPOUND */
    const char *name;
    double *labels; /* STEP, INTERP: one per output (STEP: labels[0] = -inf) */
    int interp;     /* 0 linear, 1 exponential, 2 cubic-bezier */
    double base, bez[4];
    px__sval *mlabels; /* MATCH: labels and the output each selects */
    unsigned *mbranch, n_mlabels;
    unsigned char mkind; /* MATCH: kind of the labels */
    int untyped;         /* CMP: an argument of type value */
    px__expr *bound;     /* VAR */
};

/* Compile `json` as an expression. `expected` NULL: any type. `coerce_string`:
 * a string property (annotate by coercion). On error, NULL with a message
 * in err (prefixed with the JSON path, e.g. "[2][1]: ..."). */
px__expr *px__expr_parse(const json_t *json, const px__stype *expected, int coerce_string, px__arena *tree,
                         char *err, size_t err_len);
/* Evaluate; 0 on success, -1 on an evaluation error (message in c->err). */
int px__expr_eval(const px__expr *e, px__sctx *c, px__sval *out);
/* Does the tree use the feature / the zoom? */
unsigned px__expr_flags(const px__expr *e);
/* MapLibre's placement rule for "zoom" in a property expression: NULL when
 * respected, else the message. */
const char *px__expr_zoom_rule(const px__expr *e);
/* Is `op` the name of a MapLibre expression operator (ours or not)? */
int px__expr_is_op(const char *op);

/* expr_ops.c: the fixed-signature ("compound") operators. */
typedef struct px__opsig {
    int n; /* -1: any number of arguments of type p[0] */
    unsigned char p[4];
} px__opsig;
typedef struct px__opdef {
    const char *name;
    px__stype ret;
    unsigned flags; /* PX__EF_* */
    px__opsig sig[2];
    int n_sig;
    px__opfn fn;
} px__opdef;
const px__opdef *px__op_find(const char *name, int *index);
/* Operators of the specification Proxima refuses, with the reason. */
const char *px__op_refused(const char *name);
int px__eval_error(px__sctx *c, const char *fmt, ...);

/* ---- legacy forms (style_legacy.c) ------------------------------------------ */

/* Is this filter an expression (else a legacy filter)? MapLibre's rule. */
int px__filter_is_expression(const json_t *f);
/* The expression equivalent to a legacy filter (new reference), or NULL with
 * a message in err when the legacy filter is malformed. */
json_t *px__filter_convert(const json_t *f, char *err, size_t err_len);
/* The expression equivalent to a legacy zoom function {"stops": ...}; NULL
 * with a message when malformed or a property function. */
json_t *px__function_convert(const json_t *fn, int interpolated, char *err, size_t err_len);

/* ---- colours (color.c) ------------------------------------------------------ */

/* Parse a CSS Color 4 string as MapLibre does (#rgb, #rgba, #rrggbb,
 * #rrggbbaa, rgb()/rgba() with commas or spaces, percentages and "/ alpha",
 * hsl()/hsla(), the CSS named colours, transparent). 0 or -1. */
int px__color_parse(const char *s, double out[4]);
/* MapLibre's Color.toString: "rgba(r,g,b,a)". */
const char *px__color_string(const double c[4], char *buf, size_t len);
/* Interpolate colours in RGB (space 0), HCL (1) or CIELAB (2). */
void px__color_lerp(const double a[4], const double b[4], double t, int space, double out[4]);
/* Zero the colour channels of a transparent colour (premultiplied round trip). */
void px__color_norm(double c[4]);

/* ---- a style ------------------------------------------------------------------- */

typedef enum px__sltype { PX__SL_BACKGROUND, PX__SL_FILL, PX__SL_LINE, PX__SL_CIRCLE, PX__SL_SYMBOL } px__sltype;

/* Paint and layout properties Proxima draws. */
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
    PX__P_LINE_CAP,
    PX__P_LINE_JOIN,
    /* symbol layers: text labels (labels.c) */
    PX__P_TEXT_FIELD,
    PX__P_TEXT_SIZE,
    PX__P_TEXT_FONT, /* read, not used: labels are set in DejaVu Sans */
    PX__P_SYMBOL_PLACEMENT,
    PX__P_TEXT_COLOR,
    PX__P_TEXT_HALO_COLOR,
    PX__P_TEXT_HALO_WIDTH,
    PX__P_TEXT_OPACITY,
    PX__P_COUNT
} px__prop;

/* One property of the specification, as Proxima reads it. */
typedef struct px__propdef {
    const char *name;
    px__sltype layer;
    px__prop prop;
    int layout;      /* a layout property (else paint) */
    px__stype type;  /* expected type (enums: string) */
    double min, max; /* range of numbers (and of array items) */
    const char *def; /* default as JSON text; NULL: none */
    int data_driven; /* feature expressions allowed */
    int interpolated;
    const char *const *enums; /* NULL-terminated, enums only */
} px__propdef;

const px__propdef *px__prop_find(const char *name, int layout, px__sltype layer);
/* Every property the specification defines for a layer type, ours or not:
 * 1 if `name` is one (so that it can be refused as "not drawn"). */
int px__prop_in_spec(const char *name, int layout, const char *layer_type);

typedef struct px__slayer {
    char *id;
    px__sltype type;
    char *table;                      /* source-layer; NULL for background */
    double minzoom, maxzoom;          /* the layer is drawn for minzoom <= z < maxzoom */
    const px__expr *filter;           /* NULL: every feature */
    const px__expr *paint[PX__P_COUNT]; /* NULL: the specification's default */
    int optional;                       /* "metadata": {"proxima:optional": true}: a missing
                                           table draws nothing instead of failing */
} px__slayer;

struct px_style {
    char *path;
    json_t *root;
    size_t n_layers;
    px__slayer *layers;
    size_t n_tables;
    char **tables;
    px__arena tree; /* compiled expressions */
};

/* Read a parsed style document (takes `root`); `path` names it in messages. */
px_status px__style_from_json(px_ctx *ctx, const char *path, json_t *root, px_style **out);

/* Compile the value of a property (constant, expression or legacy
 * function), checking its type and range; NULL with a message in err. */
const px__expr *px__prop_compile(const px__propdef *d, const json_t *v, px__arena *tree, char *err,
                                 size_t err_len);
/* Is v a value the property can take (not null/NaN, one of its enum values)?
 * Else MapLibre uses the default. */
int px__prop_value_ok(const px__propdef *d, const px__sval *v);
/* Compile a filter (expression or legacy). */
const px__expr *px__filter_compile(const json_t *f, px__arena *tree, char *err, size_t err_len);

/* Evaluation for the renderer (style_eval.c): the value, or `def` when the
 * property is unset, or its evaluation fails or gives null / NaN. */
double px__style_number(const px__expr *e, px__sctx *c, double def);
void px__style_color(const px__expr *e, px__sctx *c, const double def[4], double out[4]);
int px__style_bool(const px__expr *e, px__sctx *c, int def);
/* A string (enum) value, copied into buf; def when unset or failing. */
const char *px__style_string(const px__expr *e, px__sctx *c, const char *def, char *buf, size_t len);
/* A number array (dash array) into out[max]; count, or -1 (use the default). */
int px__style_numbers(const px__expr *e, px__sctx *c, double *out, int max);
/* Does the feature pass the filter? NULL passes; an evaluation error fails. */
int px__style_filter(const px__expr *filter, px__sctx *c);

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
 * style->tables order, NULL for an absent optional one; borrowed) onto
 * `cr`. Thread-safe for distinct cr. */
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
