/*
 * MapLibre GL expressions and filters, evaluated on a feature of the tiles
 * module's feature set at a zoom: the data-driven subset maps need (get,
 * has, step, interpolate, match, case, coalesce, comparisons, logic, basic
 * arithmetic, conversions), the legacy filter forms (["==", "key", v],
 * ["in", "key", ...], "$type") and legacy zoom functions ({"stops": ...}).
 * px__style_check refuses anything else by name, at style reading time, so
 * that an unsupported construct is an error rather than a silently wrong
 * map. Left out: text and image operators, "let"/"var", feature-state,
 * interpolate-hcl/-lab and cubic-bezier, property functions of the legacy
 * kind.
 */
#include "style_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const known_ops[] = {"get",       "has",         "literal",    "zoom",     "geometry-type",
                                        "step",      "interpolate", "match",      "case",     "coalesce",
                                        "to-number", "to-string",   "to-boolean", "to-color", "number",
                                        "string",    "boolean",     "==",         "!=",       "<",
                                        "<=",        ">",           ">=",         "all",      "any",
                                        "!",         "in",          "+",          "-",        "*",
                                        "/",         "%",           "min",        "max",      "rgb",
                                        "rgba",      NULL};

static int is_op(const char *s)
{
    for (int i = 0; known_ops[i]; i++)
        if (!strcmp(s, known_ops[i])) return 1;
    return 0;
}

static void set_null(px__sval *v)
{
    v->t = PX__SV_NULL;
}
static void set_num(px__sval *v, double n)
{
    v->t = PX__SV_NUM;
    v->n = n;
}
static void set_bool(px__sval *v, int b)
{
    v->t = PX__SV_BOOL;
    v->b = b != 0;
}
static void set_str(px__sval *v, const char *s)
{
    v->t = PX__SV_STR;
    v->s = s;
}

/* A property of the feature, or NULL. "$type" is the geometry type. */
static void get_prop(const px__sctx *c, const char *name, px__sval *out)
{
    set_null(out);
    if (!c->layer) return;
    if (!strcmp(name, "$type")) {
        int t = c->layer->geoms[c->feat].type;
        set_str(out, t == PX__GEOM_POINT ? "Point" : t == PX__GEOM_LINE ? "LineString" : "Polygon");
        return;
    }
    int col = px__tlayer_col(c->layer, name);
    if (col < 0) return;
    uint32_t id = c->layer->vals[c->feat * c->layer->n_cols + (size_t)col];
    if (id == PX__NOVAL) return;
    const px__tval *tv = &c->layer->values[id];
    if (tv->type == PX_COL_TEXT)
        set_str(out, tv->s);
    else
        set_num(out, tv->type == PX_COL_INT ? (double)tv->i : tv->d);
}

static void from_json(const json_t *j, px__sval *out)
{
    switch (json_typeof(j)) {
    case JSON_INTEGER:
    case JSON_REAL:
        set_num(out, json_number_value(j));
        break;
    case JSON_STRING:
        set_str(out, json_string_value(j));
        break;
    case JSON_TRUE:
        set_bool(out, 1);
        break;
    case JSON_FALSE:
        set_bool(out, 0);
        break;
    case JSON_ARRAY:
        out->t = PX__SV_ARRAY;
        out->arr = j;
        break;
    default:
        set_null(out);
    }
}

static int to_color(const px__sval *v, double c[4])
{
    if (v->t == PX__SV_COLOR) {
        memcpy(c, v->c, sizeof v->c);
        return 0;
    }
    if (v->t == PX__SV_STR) return px__color_parse(v->s, c);
    return -1;
}

static int equal(const px__sval *a, const px__sval *b)
{
    if (a->t != b->t) return 0;
    switch (a->t) {
    case PX__SV_NULL:
        return 1;
    case PX__SV_NUM:
        return a->n == b->n;
    case PX__SV_STR:
        return !strcmp(a->s, b->s);
    case PX__SV_BOOL:
        return a->b == b->b;
    default:
        return 0;
    }
}

/* -1, 0, 1, or 2 when not comparable. */
static int compare(const px__sval *a, const px__sval *b)
{
    if (a->t == PX__SV_NUM && b->t == PX__SV_NUM) return a->n < b->n ? -1 : a->n > b->n;
    if (a->t == PX__SV_STR && b->t == PX__SV_STR) {
        int r = strcmp(a->s, b->s);
        return r < 0 ? -1 : r > 0;
    }
    return 2;
}

static int truthy(const px__sval *v)
{
    switch (v->t) {
    case PX__SV_NULL:
        return 0;
    case PX__SV_BOOL:
        return v->b;
    case PX__SV_NUM:
        return v->n != 0 && !isnan(v->n);
    case PX__SV_STR:
        return v->s[0] != '\0';
    default:
        return 1;
    }
}

static double interp_t(double x, double a, double b, double base)
{
    if (b == a) return 0;
    if (base == 1) return (x - a) / (b - a);
    return (pow(base, x - a) - 1) / (pow(base, b - a) - 1);
}

/* Interpolate between two outputs (numbers or colours) at t. */
static void lerp(const px__sval *a, const px__sval *b, double t, px__sval *out)
{
    if (a->t == PX__SV_NUM && b->t == PX__SV_NUM) {
        set_num(out, a->n + t * (b->n - a->n));
        return;
    }
    double ca[4], cb[4];
    if (to_color(a, ca) == 0 && to_color(b, cb) == 0) {
        out->t = PX__SV_COLOR;
        for (int i = 0; i < 4; i++)
            out->c[i] = ca[i] + t * (cb[i] - ca[i]);
        return;
    }
    set_null(out);
}

/* Legacy zoom function {"stops": [[z, v], ...], "base": b}. */
static void eval_stops(const json_t *fn, const px__sctx *c, px__sval *out)
{
    const json_t *stops = json_object_get(fn, "stops");
    const json_t *jb = json_object_get(fn, "base");
    double base = jb ? json_number_value(jb) : 1;
    size_t n = json_array_size(stops);
    set_null(out);
    if (!n) return;
    const char *type = json_string_value(json_object_get(fn, "type"));
    int interval = type && !strcmp(type, "interval");
    double z = c->zoom;
    px__sval a, b;
    if (z <= json_number_value(json_array_get(json_array_get(stops, 0), 0))) {
        from_json(json_array_get(json_array_get(stops, 0), 1), out);
        return;
    }
    for (size_t i = 0; i + 1 < n; i++) {
        double z0 = json_number_value(json_array_get(json_array_get(stops, i), 0));
        double z1 = json_number_value(json_array_get(json_array_get(stops, i + 1), 0));
        if (z >= z0 && z < z1) {
            from_json(json_array_get(json_array_get(stops, i), 1), &a);
            if (interval) {
                *out = a;
                return;
            }
            from_json(json_array_get(json_array_get(stops, i + 1), 1), &b);
            lerp(&a, &b, interp_t(z, z0, z1, base), out);
            return;
        }
    }
    from_json(json_array_get(json_array_get(stops, n - 1), 1), out);
}

static double arg_num(const json_t *e, size_t i, const px__sctx *c)
{
    px__sval v;
    px__style_eval(json_array_get(e, i), c, &v);
    return v.t == PX__SV_NUM ? v.n : NAN;
}

void px__style_eval(const json_t *e, const px__sctx *c, px__sval *out)
{
    memset(out, 0, sizeof *out);
    if (json_is_object(e)) {
        eval_stops(e, c, out);
        return;
    }
    if (!json_is_array(e) || !json_array_size(e) || !json_is_string(json_array_get(e, 0))) {
        from_json(e, out);
        return;
    }
    const char *op = json_string_value(json_array_get(e, 0));
    size_t n = json_array_size(e);
    px__sval a, b;
    if (!strcmp(op, "literal")) {
        from_json(json_array_get(e, 1), out);
    } else if (!strcmp(op, "get")) {
        get_prop(c, json_string_value(json_array_get(e, 1)), out);
    } else if (!strcmp(op, "has")) {
        get_prop(c, json_string_value(json_array_get(e, 1)), &a);
        set_bool(out, a.t != PX__SV_NULL);
    } else if (!strcmp(op, "zoom")) {
        set_num(out, c->zoom);
    } else if (!strcmp(op, "geometry-type")) {
        get_prop(c, "$type", out);
    } else if (!strcmp(op, "step")) {
        double x = arg_num(e, 1, c);
        size_t k = 2; /* output index */
        for (size_t i = 3; i + 1 < n; i += 2)
            if (!isnan(x) && x >= json_number_value(json_array_get(e, i))) k = i + 1;
        px__style_eval(json_array_get(e, k), c, out);
    } else if (!strcmp(op, "interpolate")) {
        const json_t *kind = json_array_get(e, 1);
        double base = !strcmp(json_string_value(json_array_get(kind, 0)), "exponential")
                          ? json_number_value(json_array_get(kind, 1))
                          : 1;
        double x = arg_num(e, 2, c);
        if (isnan(x) || n < 5) return;
        double s0 = json_number_value(json_array_get(e, 3));
        if (x <= s0) {
            px__style_eval(json_array_get(e, 4), c, out);
            return;
        }
        for (size_t i = 3; i + 3 < n; i += 2) {
            double s1 = json_number_value(json_array_get(e, i + 2));
            s0 = json_number_value(json_array_get(e, i));
            if (x >= s0 && x < s1) {
                px__style_eval(json_array_get(e, i + 1), c, &a);
                px__style_eval(json_array_get(e, i + 3), c, &b);
                lerp(&a, &b, interp_t(x, s0, s1, base), out);
                return;
            }
        }
        px__style_eval(json_array_get(e, n - 1), c, out);
    } else if (!strcmp(op, "match")) {
        px__style_eval(json_array_get(e, 1), c, &a);
        for (size_t i = 2; i + 2 < n; i += 2) {
            const json_t *labels = json_array_get(e, i);
            size_t nl = json_is_array(labels) ? json_array_size(labels) : 1;
            for (size_t k = 0; k < nl; k++) {
                from_json(json_is_array(labels) ? json_array_get(labels, k) : labels, &b);
                if (equal(&a, &b)) {
                    px__style_eval(json_array_get(e, i + 1), c, out);
                    return;
                }
            }
        }
        px__style_eval(json_array_get(e, n - 1), c, out);
    } else if (!strcmp(op, "case")) {
        for (size_t i = 1; i + 2 < n; i += 2) {
            px__style_eval(json_array_get(e, i), c, &a);
            if (truthy(&a)) {
                px__style_eval(json_array_get(e, i + 1), c, out);
                return;
            }
        }
        px__style_eval(json_array_get(e, n - 1), c, out);
    } else if (!strcmp(op, "coalesce")) {
        for (size_t i = 1; i < n; i++) {
            px__style_eval(json_array_get(e, i), c, out);
            if (out->t != PX__SV_NULL) return;
        }
    } else if (!strcmp(op, "to-number") || !strcmp(op, "number")) {
        for (size_t i = 1; i < n; i++) {
            px__style_eval(json_array_get(e, i), c, &a);
            if (a.t == PX__SV_NUM) {
                *out = a;
                return;
            }
            if (a.t == PX__SV_STR && op[0] == 't') {
                char *end = NULL;
                double v = strtod(a.s, &end);
                if (end != a.s && *end == '\0') {
                    set_num(out, v);
                    return;
                }
            }
            if (a.t == PX__SV_BOOL && op[0] == 't') {
                set_num(out, a.b);
                return;
            }
        }
        set_num(out, op[0] == 't' ? 0 : NAN);
    } else if (!strcmp(op, "to-string") || !strcmp(op, "string")) {
        px__style_eval(json_array_get(e, 1), c, &a);
        if (a.t == PX__SV_STR)
            *out = a;
        else if (a.t == PX__SV_NUM) {
            snprintf(out->buf, sizeof out->buf, "%.15g", a.n);
            set_str(out, out->buf);
        } else if (a.t == PX__SV_BOOL)
            set_str(out, a.b ? "true" : "false");
        else
            set_str(out, "");
    } else if (!strcmp(op, "to-boolean") || !strcmp(op, "boolean")) {
        px__style_eval(json_array_get(e, 1), c, &a);
        set_bool(out, truthy(&a));
    } else if (!strcmp(op, "to-color")) {
        px__style_eval(json_array_get(e, 1), c, &a);
        out->t = to_color(&a, out->c) == 0 ? PX__SV_COLOR : PX__SV_NULL;
    } else if (!strcmp(op, "rgb") || !strcmp(op, "rgba")) {
        out->t = PX__SV_COLOR;
        for (int i = 0; i < 3; i++)
            out->c[i] = arg_num(e, (size_t)i + 1, c) / 255.0;
        out->c[3] = n > 4 ? arg_num(e, 4, c) : 1;
    } else if (!strcmp(op, "==") || !strcmp(op, "!=")) {
        px__style_eval(json_array_get(e, 1), c, &a);
        px__style_eval(json_array_get(e, 2), c, &b);
        set_bool(out, equal(&a, &b) == (op[0] == '='));
    } else if (op[0] == '<' || op[0] == '>') {
        px__style_eval(json_array_get(e, 1), c, &a);
        px__style_eval(json_array_get(e, 2), c, &b);
        int r = compare(&a, &b);
        int ok = r != 2 && (op[0] == '<' ? (op[1] ? r <= 0 : r < 0) : (op[1] ? r >= 0 : r > 0));
        set_bool(out, ok);
    } else if (!strcmp(op, "all") || !strcmp(op, "any")) {
        int all = op[1] == 'l';
        for (size_t i = 1; i < n; i++) {
            px__style_eval(json_array_get(e, i), c, &a);
            if (truthy(&a) != all) {
                set_bool(out, !all);
                return;
            }
        }
        set_bool(out, all);
    } else if (!strcmp(op, "!")) {
        px__style_eval(json_array_get(e, 1), c, &a);
        set_bool(out, !truthy(&a));
    } else if (!strcmp(op, "in")) {
        px__style_eval(json_array_get(e, 1), c, &a);
        px__style_eval(json_array_get(e, 2), c, &b);
        int found = 0;
        if (b.t == PX__SV_ARRAY) {
            for (size_t i = 0; !found && i < json_array_size(b.arr); i++) {
                px__sval x;
                from_json(json_array_get(b.arr, i), &x);
                found = equal(&a, &x);
            }
        } else if (b.t == PX__SV_STR && a.t == PX__SV_STR) {
            found = strstr(b.s, a.s) != NULL;
        }
        set_bool(out, found);
    } else if (strchr("+-*/%", op[0]) && !op[1]) {
        double r = arg_num(e, 1, c);
        if (op[0] == '-' && n == 2) r = -r;
        for (size_t i = 2; i < n; i++) {
            double v = arg_num(e, i, c);
            switch (op[0]) {
            case '+':
                r += v;
                break;
            case '-':
                r -= v;
                break;
            case '*':
                r *= v;
                break;
            case '/':
                r /= v;
                break;
            default:
                r = fmod(r, v);
            }
        }
        set_num(out, r);
    } else if (!strcmp(op, "min") || !strcmp(op, "max")) {
        double r = arg_num(e, 1, c);
        for (size_t i = 2; i < n; i++) {
            double v = arg_num(e, i, c);
            r = op[1] == 'i' ? fmin(r, v) : fmax(r, v);
        }
        set_num(out, r);
    } else {
        /* An array of plain values (e.g. a dash array). */
        from_json(e, out);
    }
}

/* Legacy filter forms: ["==", "key", v], ["in", "key", v...], ["has", "key"], "none". */
static int legacy(const json_t *f)
{
    const char *op = json_string_value(json_array_get(f, 0));
    const json_t *a1 = json_array_get(f, 1);
    if (!op) return 0;
    if (!strcmp(op, "none") || !strcmp(op, "!in") || !strcmp(op, "!has")) return 1;
    if (!json_is_string(a1)) return 0;
    if (!strcmp(op, "has")) return 1;
    if (!strcmp(op, "in")) return json_array_size(f) != 3 || !json_is_array(json_array_get(f, 2));
    static const char *const cmp[] = {"==", "!=", "<", "<=", ">", ">=", NULL};
    for (int i = 0; cmp[i]; i++)
        if (!strcmp(op, cmp[i])) return 1;
    return 0;
}

int px__style_filter(const json_t *f, const px__sctx *c)
{
    if (!f) return 1;
    if (!json_is_array(f)) return json_is_true(f);
    const char *op = json_string_value(json_array_get(f, 0));
    size_t n = json_array_size(f);
    if (op && (!strcmp(op, "all") || !strcmp(op, "any") || !strcmp(op, "none"))) {
        int want_all = op[1] == 'l', none = op[0] == 'n';
        for (size_t i = 1; i < n; i++) {
            int r = px__style_filter(json_array_get(f, i), c);
            if (none && r) return 0;
            if (!none && r != want_all) return !want_all;
        }
        return none ? 1 : want_all;
    }
    if (op && legacy(f)) {
        const char *key = json_string_value(json_array_get(f, 1));
        px__sval a, b;
        get_prop(c, key, &a);
        if (!strcmp(op, "has") || !strcmp(op, "!has")) return (a.t != PX__SV_NULL) == (op[0] == 'h');
        if (!strcmp(op, "in") || !strcmp(op, "!in")) {
            int found = 0;
            for (size_t i = 2; !found && i < n; i++) {
                from_json(json_array_get(f, i), &b);
                found = equal(&a, &b);
            }
            return found == (op[0] == 'i');
        }
        from_json(json_array_get(f, 2), &b);
        if (!strcmp(op, "==")) return equal(&a, &b);
        if (!strcmp(op, "!=")) return !equal(&a, &b);
        int r = compare(&a, &b);
        if (r == 2) return 0;
        return op[0] == '<' ? (op[1] ? r <= 0 : r < 0) : (op[1] ? r >= 0 : r > 0);
    }
    px__sval v;
    px__style_eval(f, c, &v);
    return truthy(&v);
}

double px__style_number(const json_t *e, const px__sctx *c, double def)
{
    if (!e) return def;
    px__sval v;
    px__style_eval(e, c, &v);
    return v.t == PX__SV_NUM && !isnan(v.n) ? v.n : def;
}

void px__style_color(const json_t *e, const px__sctx *c, const double def[4], double out[4])
{
    memcpy(out, def, 4 * sizeof *out);
    if (!e) return;
    px__sval v;
    px__style_eval(e, c, &v);
    double col[4];
    if (to_color(&v, col) == 0) memcpy(out, col, sizeof col);
}

/* ---- validation --------------------------------------------------------- */

static const char *check_rec(const json_t *e, int is_filter, char *buf, size_t len)
{
    if (json_is_object(e)) {
        const json_t *stops = json_object_get(e, "stops");
        if (json_object_get(e, "property")) return "property function (use a [\"get\", ...] expression)";
        if (!json_is_array(stops)) return "function without \"stops\"";
        const char *type = json_string_value(json_object_get(e, "type"));
        if (type && strcmp(type, "exponential") && strcmp(type, "interval"))
            return "function type other than exponential or interval";
        for (size_t i = 0; i < json_array_size(stops); i++) {
            const json_t *s = json_array_get(stops, i);
            if (!json_is_array(s) || json_array_size(s) != 2 || !json_is_number(json_array_get(s, 0)))
                return "malformed \"stops\"";
        }
        return NULL;
    }
    if (!json_is_array(e) || !json_array_size(e)) return NULL;
    const json_t *head = json_array_get(e, 0);
    if (!json_is_string(head)) return NULL; /* a plain array value */
    const char *op = json_string_value(head);
    if (is_filter && legacy(e)) return NULL;
    if (is_filter && !strcmp(op, "none")) {
        for (size_t i = 1; i < json_array_size(e); i++) {
            const char *w = check_rec(json_array_get(e, i), 1, buf, len);
            if (w) return w;
        }
        return NULL;
    }
    if (!is_op(op)) {
        snprintf(buf, len, "expression operator '%s'", op);
        return buf;
    }
    size_t n = json_array_size(e);
    if (!strcmp(op, "literal")) return n == 2 ? NULL : "'literal' takes one argument";
    if (!strcmp(op, "get") || !strcmp(op, "has")) {
        if (n != 2 || !json_is_string(json_array_get(e, 1))) {
            snprintf(buf, len, "'%s' other than [\"%s\", \"name\"]", op, op);
            return buf;
        }
        return NULL;
    }
    if (!strcmp(op, "interpolate")) {
        const json_t *kind = json_array_get(e, 1);
        const char *k = json_string_value(json_array_get(kind, 0));
        if (!k || (strcmp(k, "linear") && strcmp(k, "exponential"))) {
            snprintf(buf, len, "interpolation '%s'", k ? k : "?");
            return buf;
        }
        if (n < 5 || n % 2 == 0) return "'interpolate' with a wrong number of arguments";
        for (size_t i = 3; i < n; i += 2)
            if (!json_is_number(json_array_get(e, i))) return "'interpolate' stop that is not a number";
    }
    if (!strcmp(op, "step")) {
        if (n < 3 || n % 2 == 0) return "'step' with a wrong number of arguments";
        for (size_t i = 3; i < n; i += 2)
            if (!json_is_number(json_array_get(e, i))) return "'step' stop that is not a number";
    }
    if (!strcmp(op, "match") && (n < 5 || n % 2 == 0)) return "'match' with a wrong number of arguments";
    if (!strcmp(op, "case") && (n < 4 || n % 2 == 1)) return "'case' with a wrong number of arguments";
    /* Match labels are literals, not expressions: skip them. */
    for (size_t i = 1; i < n; i++) {
        if (!strcmp(op, "match") && i >= 2 && i % 2 == 0 && i + 1 < n) continue;
        if (!strcmp(op, "interpolate") && i == 1) continue;
        const char *w = check_rec(json_array_get(e, i),
                                  is_filter && (!strcmp(op, "all") || !strcmp(op, "any")), buf, len);
        if (w) return w;
    }
    return NULL;
}

const char *px__style_check(const json_t *e, int is_filter, char *buf, size_t buf_len)
{
    return check_rec(e, is_filter, buf, buf_len);
}
