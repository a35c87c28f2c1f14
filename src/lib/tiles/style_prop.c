/*
 * The paint and layout properties Proxima draws, with their type, range,
 * default and what the MapLibre style specification (v8) allows in them
 * (feature data, zoom, interpolation), and the compilation of a property's
 * value: a constant checked against its type and range, an expression
 * checked by the compiler plus the specification's property rules ("zoom"
 * only as the input of a top-level step/interpolate, data expressions only
 * in data-driven properties), or a legacy zoom function. Also filters.
 */
#include "expr_int.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const char *const caps[] = {"butt", "round", "square", NULL};
static const char *const joins[] = {"bevel", "round", "miter", NULL};
static const char *const vis[] = {"visible", "none", NULL};
/* Labels are placed at points only (no text along lines). */
static const char *const placements[] = {"point", NULL};

#define NUM {PX__K_NUM, PX__K_VALUE, -1}
#define COL {PX__K_COLOR, PX__K_VALUE, -1}
#define BOOLT {PX__K_BOOL, PX__K_VALUE, -1}
#define STR {PX__K_STR, PX__K_VALUE, -1}
#define NUMS {PX__K_ARRAY, PX__K_NUM, -1}
#define STRS {PX__K_ARRAY, PX__K_STR, -1}
#define NOMIN -INFINITY
#define NOMAX INFINITY

static const px__propdef props[] = {
    {"background-color", PX__SL_BACKGROUND, PX__P_BACKGROUND_COLOR, 0, COL, NOMIN, NOMAX, "\"#000000\"", 0, 1, NULL},
    {"background-opacity", PX__SL_BACKGROUND, PX__P_BACKGROUND_OPACITY, 0, NUM, 0, 1, "1", 0, 1, NULL},
    {"fill-antialias", PX__SL_FILL, PX__P_FILL_ANTIALIAS, 0, BOOLT, NOMIN, NOMAX, "true", 0, 0, NULL},
    {"fill-opacity", PX__SL_FILL, PX__P_FILL_OPACITY, 0, NUM, 0, 1, "1", 1, 1, NULL},
    {"fill-color", PX__SL_FILL, PX__P_FILL_COLOR, 0, COL, NOMIN, NOMAX, "\"#000000\"", 1, 1, NULL},
    {"fill-outline-color", PX__SL_FILL, PX__P_FILL_OUTLINE_COLOR, 0, COL, NOMIN, NOMAX, NULL, 1, 1, NULL},
    {"line-opacity", PX__SL_LINE, PX__P_LINE_OPACITY, 0, NUM, 0, 1, "1", 1, 1, NULL},
    {"line-color", PX__SL_LINE, PX__P_LINE_COLOR, 0, COL, NOMIN, NOMAX, "\"#000000\"", 1, 1, NULL},
    {"line-width", PX__SL_LINE, PX__P_LINE_WIDTH, 0, NUM, 0, NOMAX, "1", 1, 1, NULL},
    {"line-dasharray", PX__SL_LINE, PX__P_LINE_DASHARRAY, 0, NUMS, 0, NOMAX, NULL, 1, 0, NULL},
    {"circle-radius", PX__SL_CIRCLE, PX__P_CIRCLE_RADIUS, 0, NUM, 0, NOMAX, "5", 1, 1, NULL},
    {"circle-color", PX__SL_CIRCLE, PX__P_CIRCLE_COLOR, 0, COL, NOMIN, NOMAX, "\"#000000\"", 1, 1, NULL},
    {"circle-opacity", PX__SL_CIRCLE, PX__P_CIRCLE_OPACITY, 0, NUM, 0, 1, "1", 1, 1, NULL},
    {"circle-stroke-width", PX__SL_CIRCLE, PX__P_CIRCLE_STROKE_WIDTH, 0, NUM, 0, NOMAX, "0", 1, 1, NULL},
    {"circle-stroke-color", PX__SL_CIRCLE, PX__P_CIRCLE_STROKE_COLOR, 0, COL, NOMIN, NOMAX, "\"#000000\"", 1, 1, NULL},
    {"circle-stroke-opacity", PX__SL_CIRCLE, PX__P_CIRCLE_STROKE_OPACITY, 0, NUM, 0, 1, "1", 1, 1, NULL},
    {"line-cap", PX__SL_LINE, PX__P_LINE_CAP, 1, STR, NOMIN, NOMAX, "\"butt\"", 1, 0, caps},
    {"line-join", PX__SL_LINE, PX__P_LINE_JOIN, 1, STR, NOMIN, NOMAX, "\"miter\"", 1, 0, joins},
    /* symbol layers: text labels (labels.c) */
    {"text-field", PX__SL_SYMBOL, PX__P_TEXT_FIELD, 1, STR, NOMIN, NOMAX, "\"\"", 1, 0, NULL},
    {"text-size", PX__SL_SYMBOL, PX__P_TEXT_SIZE, 1, NUM, 0, NOMAX, "16", 1, 1, NULL},
    {"text-font", PX__SL_SYMBOL, PX__P_TEXT_FONT, 1, STRS, NOMIN, NOMAX, NULL, 1, 0, NULL},
    {"symbol-placement", PX__SL_SYMBOL, PX__P_SYMBOL_PLACEMENT, 1, STR, NOMIN, NOMAX, "\"point\"", 0, 0, placements},
    {"text-color", PX__SL_SYMBOL, PX__P_TEXT_COLOR, 0, COL, NOMIN, NOMAX, "\"#000000\"", 1, 1, NULL},
    {"text-halo-color", PX__SL_SYMBOL, PX__P_TEXT_HALO_COLOR, 0, COL, NOMIN, NOMAX, "\"rgba(0, 0, 0, 0)\"", 1, 1, NULL},
    {"text-halo-width", PX__SL_SYMBOL, PX__P_TEXT_HALO_WIDTH, 0, NUM, 0, NOMAX, "0", 1, 1, NULL},
    {"text-opacity", PX__SL_SYMBOL, PX__P_TEXT_OPACITY, 0, NUM, 0, 1, "1", 1, 1, NULL},
    {"visibility", PX__SL_BACKGROUND, PX__P_COUNT, 1, STR, NOMIN, NOMAX, "\"visible\"", 0, 0, vis},
};

const px__propdef *px__prop_find(const char *name, int layout, px__sltype layer)
{
    for (size_t i = 0; i < sizeof props / sizeof props[0]; i++)
        if (!strcmp(props[i].name, name) && props[i].layout == layout &&
            (props[i].layer == layer || props[i].prop == PX__P_COUNT))
            return &props[i];
    return NULL;
}

/* The specification's other properties of the layer types Proxima draws
 * (refused as "not drawn" rather than "unknown"). */
static const char *const spec_other[] = {
    "background-pattern", "fill-translate", "fill-translate-anchor", "fill-pattern", "line-translate",
    "line-translate-anchor", "line-gap-width", "line-offset", "line-blur", "line-pattern", "line-gradient",
    "circle-blur", "circle-translate", "circle-translate-anchor", "circle-pitch-scale",
    "circle-pitch-alignment", "line-miter-limit", "line-round-limit", "line-sort-key", "fill-sort-key",
    "circle-sort-key", NULL};

int px__prop_in_spec(const char *name, int layout, const char *layer_type)
{
    (void)layout;
    size_t n = strlen(layer_type);
    if (strncmp(name, layer_type, n) || name[n] != '-') return 0;
    for (int i = 0; spec_other[i]; i++)
        if (!strcmp(spec_other[i], name)) return 1;
    return 0;
}

static void fmt_num(double v, char *b, size_t len)
{
    px__js_number(v, b, len);
}

/* A constant value of the property's type and range (MapLibre's validator). */
static const char *check_constant(const px__propdef *d, const json_t *v, char *err, size_t len)
{
    char b1[40], b2[40];
    const char *found = json_is_string(v) ? "string" : json_is_number(v) ? "number" : json_is_boolean(v) ? "boolean"
                        : json_is_array(v) ? "array" : json_is_null(v) ? "null" : "object";
    switch (d->type.k) {
    case PX__K_NUM: {
        if (!json_is_number(v)) break;
        double x = json_number_value(v);
        if (x < d->min) {
            fmt_num(x, b1, sizeof b1), fmt_num(d->min, b2, sizeof b2);
            snprintf(err, len, "%s is less than the minimum value %s", b1, b2);
            return err;
        }
        if (x > d->max) {
            fmt_num(x, b1, sizeof b1), fmt_num(d->max, b2, sizeof b2);
            snprintf(err, len, "%s is greater than the maximum value %s", b1, b2);
            return err;
        }
        return NULL;
    }
    case PX__K_COLOR: {
        double c[4];
        if (!json_is_string(v)) break;
        if (px__color_parse(json_string_value(v), c)) {
            snprintf(err, len, "color expected, \"%s\" found", json_string_value(v));
            return err;
        }
        return NULL;
    }
    case PX__K_BOOL:
        if (json_is_boolean(v)) return NULL;
        break;
    case PX__K_STR:
        if (!json_is_string(v)) break;
        for (int i = 0; d->enums && d->enums[i]; i++)
            if (!strcmp(d->enums[i], json_string_value(v))) return NULL;
        if (d->enums) {
            size_t o = (size_t)snprintf(err, len, "expected one of [");
            for (int i = 0; d->enums[i] && o < len; i++)
                o += (size_t)snprintf(err + o, len - o, "%s\"%s\"", i ? ", " : "", d->enums[i]);
            if (o < len) snprintf(err + o, len - o, "], \"%s\" found", json_string_value(v));
            return err;
        }
        return NULL;
    case PX__K_ARRAY:
        if (!json_is_array(v)) break;
        for (size_t i = 0; i < json_array_size(v); i++) {
            const json_t *x = json_array_get(v, i);
            if (d->type.item == PX__K_STR ? !json_is_string(x) : !json_is_number(x)) {
                snprintf(err, len, "[%zu]: %s expected", i, d->type.item == PX__K_STR ? "string" : "number");
                return err;
            }
        }
        return NULL;
    default:
        break;
    }
    static const char *const tn[] = {"null", "number", "string", "boolean", "color", "object", "array"};
    snprintf(err, len, "%s expected, %s found", d->enums ? "enum" : tn[d->type.k], found);
    return err;
}

static int is_expression(const json_t *v)
{
    return json_is_array(v) && json_array_size(v) && json_is_string(json_array_get(v, 0)) &&
           px__expr_is_op(json_string_value(json_array_get(v, 0)));
}

const px__expr *px__prop_compile(const px__propdef *d, const json_t *v, px__arena *tree, char *err, size_t err_len)
{
    err[0] = '\0';
    if (json_is_object(v)) {
        if (d->prop == PX__P_COUNT) {
            snprintf(err, err_len, "functions are not allowed here");
            return NULL;
        }
        json_t *x = px__arena_keep(tree, px__function_convert(v, d->interpolated, err, err_len));
        if (!x) {
            if (!err[0]) snprintf(err, err_len, "out of memory");
            return NULL;
        }
        /* A function of constants: check each stop's value like a constant. */
        const json_t *stops = json_object_get(v, "stops");
        for (size_t i = 0; i < json_array_size(stops); i++) {
            char sub[200];
            if (check_constant(d, json_array_get(json_array_get(stops, i), 1), sub, sizeof sub)) {
                snprintf(err, err_len, "stops[%zu]: %s", i, sub);
                return NULL;
            }
        }
        v = x;
    } else if (!is_expression(v)) {
        if (check_constant(d, v, err, err_len)) return NULL;
        json_t *lit = px__arena_keep(tree, json_pack("[sO]", "literal", v));
        if (!lit) {
            snprintf(err, err_len, "out of memory");
            return NULL;
        }
        return px__expr_parse(lit, &d->type, d->enums == NULL, tree, err, err_len);
    }
    if (d->prop == PX__P_COUNT) {
        snprintf(err, err_len, "expressions are not supported for this property");
        return NULL;
    }
    px__expr *e = px__expr_parse(v, &d->type, d->enums == NULL, tree, err, err_len); /* enums assert, strings coerce */
    if (!e) return NULL;
    const char *m;
    if ((e->flags & PX__EF_FEATURE) && !d->data_driven)
        snprintf(err, err_len, "data expressions not supported");
    else if ((m = px__expr_zoom_rule(e)))
        snprintf(err, err_len, "%s", m);
    else if (!d->interpolated && e->op == PX__OP_INTERP)
        snprintf(err, err_len, "\"interpolate\" expressions cannot be used with this property");
    else
        return e;
    return NULL;
}

int px__prop_value_ok(const px__propdef *d, const px__sval *v)
{
    if (v->t == PX__K_NULL || (v->t == PX__K_NUM && isnan(v->n))) return 0;
    if (!d->enums) return 1;
    for (int i = 0; d->enums[i]; i++)
        if (v->t == PX__K_STR && !strcmp(v->s, d->enums[i])) return 1;
    return 0;
}

const px__expr *px__filter_compile(const json_t *f, px__arena *tree, char *err, size_t err_len)
{
    err[0] = '\0';
    if (!px__filter_is_expression(f)) {
        json_t *x = px__arena_keep(tree, px__filter_convert(f, err, err_len));
        if (!x) {
            if (!err[0]) snprintf(err, err_len, "out of memory");
            return NULL;
        }
        f = x;
    }
    px__stype b = px__T(PX__K_BOOL);
    return px__expr_parse(f, &b, 0, tree, err, err_len);
}
