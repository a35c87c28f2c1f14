/*
 * The style specification's operators of fixed signature ("compound"
 * expressions in MapLibre's terms): feature access, arithmetic and maths,
 * strings, colours, logic. Each has a result type and one or two argument
 * signatures that the compiler (expr_parse.c) checks; the functions here
 * only evaluate. Also the list of operators the specification has and
 * Proxima refuses, with the reason given to the style's author.
 */
#include "style_int.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int px__eval_error(px__sctx *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->err, sizeof c->err, fmt, ap);
    va_end(ap);
    return -1;
}

#define ARG(i, v)                                                                                            \
    px__sval v;                                                                                              \
    if (px__expr_eval(e->a[i], c, &v)) return -1

static void set_num(px__sval *o, double n)
{
    memset(o, 0, sizeof *o);
    o->t = PX__K_NUM;
    o->n = n;
}
static void set_bool(px__sval *o, int b)
{
    memset(o, 0, sizeof *o);
    o->t = PX__K_BOOL;
    o->b = b != 0;
}
static void set_str(px__sval *o, const char *s)
{
    memset(o, 0, sizeof *o);
    o->t = PX__K_STR;
    o->s = s;
}

/* ---- the feature ---------------------------------------------------------------- */

/* The feature's properties as a JSON object (made for layer features). */
static const json_t *feature_props(px__sctx *c)
{
    if (!c->layer) return c->props;
    const px__tlayer *l = c->layer;
    json_t *o = px__arena_keep(c->arena, json_object());
    if (!o) return NULL;
    for (size_t k = 0; k < l->n_cols; k++) {
        uint32_t id = l->vals[c->feat * l->n_cols + k];
        if (id == PX__NOVAL) continue;
        const px__tval *tv = &l->values[id];
        json_object_set_new(o, l->cols[k],
                            tv->type == PX_COL_TEXT  ? json_string(tv->s)
                            : tv->type == PX_COL_INT ? json_real((double)tv->i)
                                                     : json_real(tv->d));
    }
    return o;
}

/* One property of the feature; 0 when absent. */
static int feature_get(px__sctx *c, const char *key, px__sval *out)
{
    memset(out, 0, sizeof *out);
    if (!c->layer) {
        const json_t *v = c->props ? json_object_get(c->props, key) : NULL;
        if (!v) return 0;
        px__val_from_json(v, out);
        return 1;
    }
    int col = px__tlayer_col(c->layer, key);
    if (col < 0) return 0;
    uint32_t id = c->layer->vals[c->feat * c->layer->n_cols + (size_t)col];
    if (id == PX__NOVAL) return 0;
    const px__tval *tv = &c->layer->values[id];
    if (tv->type == PX_COL_TEXT)
        set_str(out, tv->s);
    else
        set_num(out, tv->type == PX_COL_INT ? (double)tv->i : tv->d);
    return 1;
}

static int op_get(const px__expr *e, px__sctx *c, px__sval *out)
{
    ARG(0, k);
    if (e->n == 1) {
        feature_get(c, k.s, out);
        return 0;
    }
    ARG(1, o);
    const json_t *v = json_object_get(o.j, k.s);
    if (v)
        px__val_from_json(v, out);
    else
        memset(out, 0, sizeof *out);
    return 0;
}

static int op_has(const px__expr *e, px__sctx *c, px__sval *out)
{
    ARG(0, k);
    if (e->n == 1) {
        px__sval v;
        set_bool(out, feature_get(c, k.s, &v));
        return 0;
    }
    ARG(1, o);
    set_bool(out, json_object_get(o.j, k.s) != NULL);
    return 0;
}

static int op_properties(const px__expr *e, px__sctx *c, px__sval *out)
{
    (void)e;
    memset(out, 0, sizeof *out);
    const json_t *p = feature_props(c);
    if (!p) {
        if (c->layer) return px__eval_error(c, "out of memory");
        p = px__arena_keep(c->arena, json_object());
        if (!p) return px__eval_error(c, "out of memory");
    }
    out->t = PX__K_OBJECT;
    out->j = p;
    return 0;
}

static int op_geometry_type(const px__expr *e, px__sctx *c, px__sval *out)
{
    (void)e;
    memset(out, 0, sizeof *out);
    if (c->layer) {
        int t = c->layer->geoms[c->feat].type;
        set_str(out, t == PX__GEOM_POINT ? "Point" : t == PX__GEOM_LINE ? "LineString" : "Polygon");
    } else if (c->geom_type) {
        set_str(out, c->geom_type);
    }
    return 0;
}

static int op_id(const px__expr *e, px__sctx *c, px__sval *out)
{
    (void)e;
    memset(out, 0, sizeof *out);
    if (c->layer) {
        if (c->layer->fids) set_num(out, (double)c->layer->fids[c->feat]);
    } else if (c->id) {
        px__val_from_json(c->id, out);
    }
    return 0;
}

static int op_zoom(const px__expr *e, px__sctx *c, px__sval *out)
{
    (void)e;
    set_num(out, c->zoom);
    return 0;
}

/* ---- numbers ------------------------------------------------------------------------ */

static int op_arith(const px__expr *e, px__sctx *c, px__sval *out)
{
    const char *name = e->name;
    if (name[0] == '+' || name[0] == '*' || name[1] == 'i' || name[1] == 'a') { /* + * min max */
        double r = name[0] == '+' ? 0 : name[0] == '*' ? 1 : name[1] == 'i' ? INFINITY : -INFINITY;
        for (unsigned i = 0; i < e->n; i++) {
            ARG(i, v);
            if (name[0] == '+')
                r += v.n;
            else if (name[0] == '*')
                r *= v.n;
            else if (isnan(v.n) || isnan(r))
                r = NAN; /* Math.min/max propagate NaN */
            else
                r = name[1] == 'i' ? fmin(r, v.n) : fmax(r, v.n);
        }
        set_num(out, r);
        return 0;
    }
    ARG(0, a);
    if (e->n == 1) { /* unary minus */
        set_num(out, -a.n);
        return 0;
    }
    ARG(1, b);
    double r;
    switch (name[0]) {
    case '-':
        r = a.n - b.n;
        break;
    case '/':
        r = a.n / b.n;
        break;
    case '%':
        r = fmod(a.n, b.n);
        break;
    default: /* ^ */
        r = (isnan(b.n) || (fabs(a.n) == 1 && isinf(b.n))) ? NAN : pow(a.n, b.n);
    }
    set_num(out, r);
    return 0;
}

static int op_const(const px__expr *e, px__sctx *c, px__sval *out)
{
    (void)c;
    const char *n = e->name;
    set_num(out, !strcmp(n, "pi") ? M_PI : !strcmp(n, "e") ? M_E : M_LN2);
    return 0;
}

static double js_round(double v)
{
    /* Math.round rounds half up; MapLibre mirrors it for negative numbers. */
    double a = fabs(v), r = floor(a);
    if (a - r >= 0.5) r += 1;
    return v < 0 ? -r : r;
}

static int op_math1(const px__expr *e, px__sctx *c, px__sval *out)
{
    ARG(0, a);
    const char *n = e->name;
    double x = a.n, r;
    if (!strcmp(n, "sqrt"))
        r = sqrt(x);
    else if (!strcmp(n, "ln"))
        r = log(x);
    else if (!strcmp(n, "log10"))
        r = log10(x);
    else if (!strcmp(n, "log2"))
        r = log2(x);
    else if (!strcmp(n, "sin"))
        r = sin(x);
    else if (!strcmp(n, "cos"))
        r = cos(x);
    else if (!strcmp(n, "tan"))
        r = tan(x);
    else if (!strcmp(n, "asin"))
        r = asin(x);
    else if (!strcmp(n, "acos"))
        r = acos(x);
    else if (!strcmp(n, "atan"))
        r = atan(x);
    else if (!strcmp(n, "abs"))
        r = fabs(x);
    else if (!strcmp(n, "round"))
        r = js_round(x);
    else if (!strcmp(n, "floor"))
        r = floor(x);
    else
        r = ceil(x);
    set_num(out, r);
    return 0;
}

/* ---- logic ---------------------------------------------------------------------------- */

static int op_not(const px__expr *e, px__sctx *c, px__sval *out)
{
    ARG(0, a);
    set_bool(out, !a.b);
    return 0;
}

static int op_allany(const px__expr *e, px__sctx *c, px__sval *out)
{
    int all = e->name[1] == 'l';
    for (unsigned i = 0; i < e->n; i++) {
        ARG(i, v);
        if (v.b != all) {
            set_bool(out, !all);
            return 0;
        }
    }
    set_bool(out, all);
    return 0;
}

/* ---- strings -------------------------------------------------------------------------- */

/* Case of a code point: ASCII, Latin-1 and Latin Extended-A (the letters of
 * French, Dutch, German and the other European place names). */
static unsigned case_map(unsigned cp, int up)
{
    if (cp < 128) return (unsigned)(up ? toupper((int)cp) : tolower((int)cp));
    if (cp >= 0xC0 && cp <= 0xFE && cp != 0xD7 && cp != 0xF7 && cp != 0xDF) {
        if (up && cp >= 0xE0) return cp - 32;
        if (!up && cp < 0xE0) return cp + 32;
        return cp;
    }
    if (cp == 0xFF) return up ? 0x178 : cp;
    if (cp == 0x178) return up ? cp : 0xFF;
    if (cp >= 0x100 && cp <= 0x17F && cp != 0x130 && cp != 0x131 && cp != 0x138 && cp != 0x149 && cp != 0x17F) {
        int odd_lower = (cp >= 0x100 && cp <= 0x137) || (cp >= 0x14A && cp <= 0x177);
        int lower = odd_lower ? (cp & 1) : !(cp & 1);
        if (up && lower) return odd_lower ? cp - 1 : cp - 1;
        if (!up && !lower) return cp + 1;
    }
    return cp;
}

static int op_case_conv(const px__expr *e, px__sctx *c, px__sval *out)
{
    ARG(0, a);
    size_t n = strlen(a.s);
    int up = e->name[0] == 'u';
    char *s = px__arena_alloc(c->arena, 2 * n + 1), *o = s;
    if (!s) return px__eval_error(c, "out of memory");
    const unsigned char *p = (const unsigned char *)a.s;
    while (*p) {
        unsigned cp = *p;
        int len = cp < 0x80 ? 1 : (cp >> 5) == 6 ? 2 : (cp >> 4) == 14 ? 3 : (cp >> 3) == 30 ? 4 : 1;
        for (int k = 1; k < len; k++)
            if ((p[k] & 0xC0) != 0x80) len = 1;
        if (len == 1 || len > 2) { /* ASCII, and code points this table does not map */
            if (len == 1) *o++ = (char)case_map(cp, up);
            else
                for (int k = 0; k < len; k++)
                    *o++ = (char)p[k];
            p += len;
            continue;
        }
        cp = ((cp & 0x1F) << 6) | (p[1] & 0x3F);
        p += 2;
        if (up && cp == 0xDF) { /* sharp s */
            *o++ = 'S';
            *o++ = 'S';
            continue;
        }
        cp = case_map(cp, up);
        *o++ = (char)(0xC0 | (cp >> 6));
        *o++ = (char)(0x80 | (cp & 0x3F));
    }
    *o = '\0';
    set_str(out, s);
    return 0;
}

static int op_concat(const px__expr *e, px__sctx *c, px__sval *out)
{
    const char **parts = px__arena_alloc(c->arena, (e->n + 1) * sizeof *parts);
    if (!parts) return px__eval_error(c, "out of memory");
    size_t len = 0;
    for (unsigned i = 0; i < e->n; i++) {
        ARG(i, v);
        if (!(parts[i] = px__val_string(&v, c->arena))) return px__eval_error(c, "out of memory");
        len += strlen(parts[i]);
        if (len > PX__EVAL_MAX_STRING) return px__eval_error(c, "concat: string longer than %u bytes", PX__EVAL_MAX_STRING);
    }
    char *s = px__arena_alloc(c->arena, len + 1);
    if (!s) return px__eval_error(c, "out of memory");
    for (unsigned i = 0, o = 0; i < e->n; i++) {
        size_t k = strlen(parts[i]);
        memcpy(s + o, parts[i], k);
        o += (unsigned)k;
    }
    set_str(out, s);
    return 0;
}

static int op_typeof(const px__expr *e, px__sctx *c, px__sval *out)
{
    ARG(0, a);
    char buf[64];
    const char *n = px__type_name(px__type_of(&a), buf, sizeof buf);
    const char *s = px__arena_strndup(c->arena, n, strlen(n));
    if (!s) return px__eval_error(c, "out of memory");
    set_str(out, s);
    return 0;
}

static int op_error(const px__expr *e, px__sctx *c, px__sval *out)
{
    (void)out;
    ARG(0, a);
    return px__eval_error(c, "%s", a.s);
}

/* ---- colours ---------------------------------------------------------------------------- */

static int rgba_error(px__sctx *c, const double *v, int n)
{
    char b[4][40];
    for (int i = 0; i < n; i++)
        px__js_number(v[i], b[i], sizeof b[i]);
    for (int i = 0; i < 3; i++)
        if (!(v[i] >= 0 && v[i] <= 255))
            return px__eval_error(c, "Invalid rgba value [%s, %s, %s%s%s]: 'r', 'g', and 'b' must be between 0 and 255.",
                                  b[0], b[1], b[2], n == 4 ? ", " : "", n == 4 ? b[3] : "");
    if (n == 4 && !(v[3] >= 0 && v[3] <= 1))
        return px__eval_error(c, "Invalid rgba value [%s, %s, %s, %s]: 'a' must be between 0 and 1.", b[0], b[1],
                              b[2], b[3]);
    return 0;
}

static int op_rgba(const px__expr *e, px__sctx *c, px__sval *out)
{
    double v[4] = {0, 0, 0, 1};
    for (unsigned i = 0; i < e->n; i++) {
        ARG(i, a);
        v[i] = a.n;
    }
    if (rgba_error(c, v, (int)e->n)) return -1;
    memset(out, 0, sizeof *out);
    out->t = PX__K_COLOR;
    for (int i = 0; i < 3; i++)
        out->c[i] = v[i] / 255;
    out->c[3] = v[3];
    px__color_norm(out->c);
    return 0;
}

int px__rgba_check(px__sctx *c, const double *v, int n)
{
    return rgba_error(c, v, n);
}

static int op_to_rgba(const px__expr *e, px__sctx *c, px__sval *out)
{
    ARG(0, a);
    json_t *arr = px__arena_keep(c->arena, json_array());
    if (!arr) return px__eval_error(c, "out of memory");
    for (int i = 0; i < 4; i++)
        json_array_append_new(arr, json_real(i < 3 ? a.c[i] * 255 : a.c[3]));
    memset(out, 0, sizeof *out);
    out->t = PX__K_ARRAY;
    out->j = arr;
    return 0;
}

/* ---- the table ------------------------------------------------------------------------------ */

#define T(k) {PX__K_##k, PX__K_VALUE, -1}
#define N PX__K_NUM
#define S PX__K_STR
#define B PX__K_BOOL
#define V PX__K_VALUE
#define F PX__EF_FEATURE

static const px__opdef defs[] = {
    {"get", T(VALUE), F, {{1, {S}}, {2, {S, PX__K_OBJECT}}}, 2, op_get},
    {"has", T(BOOL), F, {{1, {S}}, {2, {S, PX__K_OBJECT}}}, 2, op_has},
    {"properties", T(OBJECT), F, {{0, {0}}}, 1, op_properties},
    {"geometry-type", T(STR), F, {{0, {0}}}, 1, op_geometry_type},
    {"id", T(VALUE), F, {{0, {0}}}, 1, op_id},
    {"zoom", T(NUM), PX__EF_ZOOM, {{0, {0}}}, 1, op_zoom},
    {"typeof", T(STR), 0, {{1, {V}}}, 1, op_typeof},
    {"error", T(ERROR), PX__EF_NOFOLD, {{1, {S}}}, 1, op_error},
    {"to-rgba", {PX__K_ARRAY, N, 4}, 0, {{1, {PX__K_COLOR}}}, 1, op_to_rgba},
    {"rgb", T(COLOR), 0, {{3, {N, N, N}}}, 1, op_rgba},
    {"rgba", T(COLOR), 0, {{4, {N, N, N, N}}}, 1, op_rgba},
    {"+", T(NUM), 0, {{-1, {N}}}, 1, op_arith},
    {"*", T(NUM), 0, {{-1, {N}}}, 1, op_arith},
    {"-", T(NUM), 0, {{2, {N, N}}, {1, {N}}}, 2, op_arith},
    {"/", T(NUM), 0, {{2, {N, N}}}, 1, op_arith},
    {"%", T(NUM), 0, {{2, {N, N}}}, 1, op_arith},
    {"^", T(NUM), 0, {{2, {N, N}}}, 1, op_arith},
    {"min", T(NUM), 0, {{-1, {N}}}, 1, op_arith},
    {"max", T(NUM), 0, {{-1, {N}}}, 1, op_arith},
    {"ln2", T(NUM), 0, {{0, {0}}}, 1, op_const},
    {"pi", T(NUM), 0, {{0, {0}}}, 1, op_const},
    {"e", T(NUM), 0, {{0, {0}}}, 1, op_const},
    {"sqrt", T(NUM), 0, {{1, {N}}}, 1, op_math1},
    {"ln", T(NUM), 0, {{1, {N}}}, 1, op_math1},
    {"log10", T(NUM), 0, {{1, {N}}}, 1, op_math1},
    {"log2", T(NUM), 0, {{1, {N}}}, 1, op_math1},
    {"sin", T(NUM), 0, {{1, {N}}}, 1, op_math1},
    {"cos", T(NUM), 0, {{1, {N}}}, 1, op_math1},
    {"tan", T(NUM), 0, {{1, {N}}}, 1, op_math1},
    {"asin", T(NUM), 0, {{1, {N}}}, 1, op_math1},
    {"acos", T(NUM), 0, {{1, {N}}}, 1, op_math1},
    {"atan", T(NUM), 0, {{1, {N}}}, 1, op_math1},
    {"abs", T(NUM), 0, {{1, {N}}}, 1, op_math1},
    {"round", T(NUM), 0, {{1, {N}}}, 1, op_math1},
    {"floor", T(NUM), 0, {{1, {N}}}, 1, op_math1},
    {"ceil", T(NUM), 0, {{1, {N}}}, 1, op_math1},
    {"!", T(BOOL), 0, {{1, {B}}}, 1, op_not},
    {"all", T(BOOL), 0, {{2, {B, B}}, {-1, {B}}}, 2, op_allany},
    {"any", T(BOOL), 0, {{2, {B, B}}, {-1, {B}}}, 2, op_allany},
    {"upcase", T(STR), 0, {{1, {S}}}, 1, op_case_conv},
    {"downcase", T(STR), 0, {{1, {S}}}, 1, op_case_conv},
    {"concat", T(STR), 0, {{-1, {V}}}, 1, op_concat},
};

const px__opdef *px__op_find(const char *name, int *index)
{
    for (size_t i = 0; i < sizeof defs / sizeof defs[0]; i++)
        if (!strcmp(defs[i].name, name)) {
            if (index) *index = (int)i;
            return &defs[i];
        }
    return NULL;
}

static const struct {
    const char *name, *why;
} refused[] = {
    {"feature-state", "feature state exists only in a browser"},
    {"global-state", "global state exists only in a browser"},
    {"line-progress", "needs line gradients, which Proxima does not draw"},
    {"heatmap-density", "heatmap layers are not drawn"},
    {"accumulated", "clusters are not drawn"},
    {"image", "images and patterns are not drawn"},
    {"format", "formatted text is not drawn"},
    {"collator", "locale-aware comparison is not implemented"},
    {"resolved-locale", "locale-aware comparison is not implemented"},
    {"is-supported-script", "text is not drawn"},
    {"within", "geometry tests are not implemented"},
    {"distance", "geometry tests are not implemented"},
    {"elevation", "terrain is not drawn"},
    {"pitch", "the raster tiles have no pitch"},
    {"distance-from-center", "the raster tiles have no pitch"},
    {"sky-radial-progress", "sky is not drawn"},
};

const char *px__op_refused(const char *name)
{
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++)
        if (!strcmp(refused[i].name, name)) return refused[i].why;
    return NULL;
}

int px__expr_is_op(const char *op)
{
    static const char *const special[] = {
        "literal", "array", "boolean", "number", "string", "object", "to-boolean", "to-color", "to-number",
        "to-string", "==", "!=", "<", "<=", ">", ">=", "step", "interpolate", "interpolate-hcl",
        "interpolate-lab", "match", "case", "coalesce", "let", "var", "at", "in", "index-of", "slice",
        "length", "number-format", NULL};
    for (int i = 0; special[i]; i++)
        if (!strcmp(op, special[i])) return 1;
    return px__op_find(op, NULL) || px__op_refused(op);
}
