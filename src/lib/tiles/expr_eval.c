/*
 * Evaluating a compiled style expression (expr_parse.c) as MapLibre does:
 * assertions that fail, conversions that cannot be made, out-of-bounds
 * indexes and invalid colours are evaluation errors (the caller falls back
 * to the property's default); interpolation in RGB, HCL or CIELAB with
 * linear, exponential or cubic-bezier easing; number-format for the
 * locales en, fr and de. Compound operators are in expr_ops.c.
 */
#include "expr_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EV(x, v)                                                                                             \
    px__sval v;                                                                                              \
    if (px__expr_eval((x), c, &v)) return -1

/* Index of the last stop <= x (binary search as MapLibre's, which errors on NaN). */
static int stop_index(const double *labels, unsigned n, double x, px__sctx *c, unsigned *out)
{
    int lo = 0, hi = (int)n - 1;
    while (lo <= hi) {
        int cur = (lo + hi) / 2;
        if (labels[cur] <= x) {
            if (cur == (int)n - 1 || x < labels[cur + 1]) {
                *out = (unsigned)cur;
                return 0;
            }
            lo = cur + 1;
        } else if (labels[cur] > x) {
            hi = cur - 1;
        } else {
            return px__eval_error(c, "Input is not a number.");
        }
    }
    *out = 0;
    return 0;
}

/* Cubic bezier from (0,0) to (1,1) with control points (x1,y1), (x2,y2): y at x. */
static double bezier(const double b[4], double x)
{
    double cx = 3 * b[0], bx = 3 * (b[2] - b[0]) - cx, ax = 1 - cx - bx;
    double cy = 3 * b[1], by = 3 * (b[3] - b[1]) - cy, ay = 1 - cy - by;
    if (x <= 0) return 0;
    if (x >= 1) return 1;
    double t = x;
    for (int i = 0; i < 8; i++) { /* Newton */
        double xt = ((ax * t + bx) * t + cx) * t - x, d = (3 * ax * t + 2 * bx) * t + cx;
        if (fabs(xt) < 1e-7) goto found;
        if (fabs(d) < 1e-7) break;
        t -= xt / d;
    }
    {
        double lo = 0, hi = 1; /* bisection */
        t = x;
        for (int i = 0; i < 60; i++) {
            double xt = ((ax * t + bx) * t + cx) * t;
            if (fabs(xt - x) < 1e-7) break;
            if (x > xt)
                lo = t;
            else
                hi = t;
            t = (lo + hi) / 2;
        }
    }
found:
    return ((ay * t + by) * t + cy) * t;
}

static double factor(const px__expr *e, double x, double lo, double hi)
{
    double d = hi - lo, p = x - lo;
    if (d == 0) return 0;
    if (e->interp == 1 && e->base != 1) return (pow(e->base, p) - 1) / (pow(e->base, d) - 1);
    double t = p / d;
    return e->interp == 2 ? bezier(e->bez, t) : t;
}

static int eval_curve(const px__expr *e, px__sctx *c, px__sval *out)
{
    unsigned n = e->n - 1; /* outputs a[1..n] */
    if (n == 1) return px__expr_eval(e->a[1], c, out);
    EV(e->a[0], in);
    double x = in.n;
    if (x <= e->labels[0]) return px__expr_eval(e->a[1], c, out);
    if (x >= e->labels[n - 1]) return px__expr_eval(e->a[n], c, out);
    unsigned i;
    if (stop_index(e->labels, n, x, c, &i)) return -1;
    if (e->op == PX__OP_STEP) return px__expr_eval(e->a[i + 1], c, out);
    double t = factor(e, x, e->labels[i], e->labels[i + 1]);
    EV(e->a[i + 1], lo);
    EV(e->a[i + 2], hi);
    memset(out, 0, sizeof *out);
    if (e->type.k == PX__K_NUM) {
        out->t = PX__K_NUM;
        out->n = lo.n + t * (hi.n - lo.n);
    } else if (e->type.k == PX__K_COLOR) {
        out->t = PX__K_COLOR;
        px__color_lerp(lo.c, hi.c, t, e->sub, out->c);
    } else { /* array of numbers */
        size_t na = json_array_size(lo.j);
        if (na != json_array_size(hi.j)) return px__eval_error(c, "Cannot interpolate arrays of different lengths.");
        json_t *a = px__arena_keep(c->arena, json_array());
        if (!a) return px__eval_error(c, "out of memory");
        for (size_t k = 0; k < na; k++) {
            double va = json_number_value(json_array_get(lo.j, k)), vb = json_number_value(json_array_get(hi.j, k));
            json_array_append_new(a, json_real(va + t * (vb - va)));
        }
        out->t = PX__K_ARRAY;
        out->j = a;
    }
    return 0;
}

static int eval_assert(const px__expr *e, px__sctx *c, px__sval *out)
{
    char b1[48], b2[48], buf[160];
    for (unsigned i = 0; i < e->n; i++) {
        if (px__expr_eval(e->a[i], c, out)) return -1;
        px__stype t = px__type_of(out);
        if (!px__type_check(e->type, t, buf, sizeof buf)) return 0;
        if (i == e->n - 1)
            return px__eval_error(c, "Expected value to be of type %s, but found %s instead.",
                                  px__type_name(e->type, b1, sizeof b1), px__type_name(t, b2, sizeof b2));
    }
    return -1;
}

/* JavaScript's Number(v) for a MapLibre value. */
static double js_number_of(const px__sval *v)
{
    switch (v->t) {
    case PX__K_NULL:
        return 0;
    case PX__K_NUM:
        return v->n;
    case PX__K_BOOL:
        return v->b;
    case PX__K_STR:
        return px__js_to_number(v->s);
    case PX__K_ARRAY: {
        size_t n = json_array_size(v->j);
        if (n == 0) return 0;
        if (n > 1) return NAN;
        px__sval x;
        px__val_from_json(json_array_get(v->j, 0), &x);
        return x.t == PX__K_BOOL ? NAN : js_number_of(&x);
    }
    default:
        return NAN;
    }
}

static int eval_coerce(const px__expr *e, px__sctx *c, px__sval *out)
{
    unsigned char k = e->type.k;
    if (k == PX__K_BOOL || k == PX__K_STR) {
        EV(e->a[0], v);
        memset(out, 0, sizeof *out);
        out->t = k;
        if (k == PX__K_BOOL)
            out->b = px__val_truthy(&v);
        else if (!(out->s = px__val_string(&v, c->arena)))
            return px__eval_error(c, "out of memory");
        return 0;
    }
    px__sval v;
    memset(&v, 0, sizeof v);
    const char *err = NULL;
    char buf[300];
    for (unsigned i = 0; i < e->n; i++) {
        if (px__expr_eval(e->a[i], c, &v)) return -1;
        err = NULL;
        if (k == PX__K_NUM) {
            if (v.t == PX__K_NULL) {
                memset(out, 0, sizeof *out);
                out->t = PX__K_NUM;
                return 0;
            }
            double d = js_number_of(&v);
            if (isnan(d)) continue;
            memset(out, 0, sizeof *out);
            out->t = PX__K_NUM;
            out->n = d;
            return 0;
        }
        /* colour */
        memset(out, 0, sizeof *out);
        out->t = PX__K_COLOR;
        if (v.t == PX__K_COLOR) {
            memcpy(out->c, v.c, sizeof v.c);
            return 0;
        }
        if (v.t == PX__K_STR && px__color_parse(v.s, out->c) == 0) return 0;
        if (v.t == PX__K_ARRAY) {
            size_t n = json_array_size(v.j);
            if (n < 3 || n > 4) {
                const char *s = px__val_string(&v, c->arena);
                snprintf(buf, sizeof buf, "Invalid rgba value %s: expected an array containing either three or four numeric values.", s ? s : "");
                err = buf;
            } else {
                double d[4] = {0, 0, 0, 1};
                int ok = 1;
                for (size_t q = 0; q < n; q++) {
                    const json_t *x = json_array_get(v.j, q);
                    d[q] = json_is_number(x) ? json_number_value(x) : NAN;
                    ok &= json_is_number(x);
                }
                px__sctx tmp = *c;
                if (!ok || px__rgba_check(&tmp, d, (int)n)) {
                    snprintf(buf, sizeof buf, "%s", ok ? tmp.err : "Invalid rgba value: not numbers.");
                    err = buf;
                } else {
                    /* MapLibre builds this colour as premultiplied from straight
                     * values, so it reads back divided by alpha: [255, 0, 0, 0.5]
                     * is rgba(510,0,0,0.5). Kept, to agree with the viewer. */
                    for (int q = 0; q < 3; q++)
                        out->c[q] = d[3] != 0 ? d[q] / 255 / d[3] : 0;
                    out->c[3] = d[3];
                    px__color_norm(out->c);
                    return 0;
                }
            }
        }
    }
    if (err) return px__eval_error(c, "%s", err);
    if (k == PX__K_NUM) {
        const char *s = v.t == PX__K_STR ? NULL : px__val_string(&v, c->arena);
        if (v.t == PX__K_STR) {
            json_t *js = json_string(v.s);
            char *d = js ? json_dumps(js, JSON_ENCODE_ANY) : NULL;
            px__eval_error(c, "Could not convert %s to number.", d ? d : "?");
            free(d);
            json_decref(js);
            return -1;
        }
        return px__eval_error(c, "Could not convert %s to number.", s ? s : "?");
    }
    const char *s = px__val_string(&v, c->arena);
    if (v.t == PX__K_STR) return px__eval_error(c, "Could not parse color from value '%s'", v.s);
    return px__eval_error(c, "Could not parse color from value '%s'", s ? s : "");
}

static int eval_cmp(const px__expr *e, px__sctx *c, px__sval *out)
{
    EV(e->a[0], l);
    EV(e->a[1], r);
    static const char *const ops[] = {"==", "!=", "<", "<=", ">", ">="};
    if (e->sub >= 2 && e->untyped) {
        if (l.t != r.t || (l.t != PX__K_STR && l.t != PX__K_NUM)) {
            char b1[48], b2[48];
            return px__eval_error(c, "Expected arguments for \"%s\" to be (string, string) or (number, number), but found (%s, %s) instead.",
                                  ops[e->sub], px__type_name(px__type_of(&l), b1, sizeof b1), px__type_name(px__type_of(&r), b2, sizeof b2));
        }
    }
    int res;
    if (e->sub < 2) {
        res = px__val_equal(&l, &r) == (e->sub == 0);
    } else if (l.t == PX__K_NUM && r.t == PX__K_NUM) {
        res = e->sub == 2 ? l.n < r.n : e->sub == 3 ? l.n <= r.n : e->sub == 4 ? l.n > r.n : l.n >= r.n;
    } else if (l.t == PX__K_STR && r.t == PX__K_STR) {
        int k = strcmp(l.s, r.s);
        res = e->sub == 2 ? k < 0 : e->sub == 3 ? k <= 0 : e->sub == 4 ? k > 0 : k >= 0;
    } else {
        res = 0;
    }
    memset(out, 0, sizeof *out);
    out->t = PX__K_BOOL;
    out->b = res;
    return 0;
}

/* Code points of a UTF-8 string. */
static size_t cp_len(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}
/* Byte offset of code point i (clamped to the end). */
static size_t cp_off(const char *s, size_t i)
{
    size_t o = 0, k = 0;
    while (s[o] && k < i) {
        o++;
        while (((unsigned char)s[o] & 0xC0) == 0x80)
            o++;
        k++;
    }
    return o;
}

/* JavaScript's relative index (slice/indexOf): integer part, negative from the end, clamped. */
static size_t rel_index(double v, size_t len, size_t def)
{
    if (isnan(v)) return 0;
    if (!isfinite(v)) return v > 0 ? len : (v < 0 ? 0 : def);
    double t = trunc(v);
    if (t < 0) t = t + (double)len < 0 ? 0 : t + (double)len;
    return t > (double)len ? len : (size_t)t;
}

static int eval_in(const px__expr *e, px__sctx *c, px__sval *out)
{
    EV(e->a[0], needle);
    EV(e->a[1], hay);
    char tb[48];
    int index_of = e->op == PX__OP_INDEX_OF;
    memset(out, 0, sizeof *out);
    if (!index_of && !px__val_truthy(&hay) && hay.t != PX__K_ARRAY && hay.t != PX__K_OBJECT) {
        out->t = PX__K_BOOL;
        return 0;
    }
    if (needle.t != PX__K_BOOL && needle.t != PX__K_STR && needle.t != PX__K_NUM && needle.t != PX__K_NULL)
        return px__eval_error(c, "Expected first argument to be of type boolean, string, number or null, but found %s instead.",
                              px__type_name(px__type_of(&needle), tb, sizeof tb));
    double from = 0;
    if (index_of && e->n > 2) {
        EV(e->a[2], f);
        from = f.n;
    }
    long pos = -1;
    if (hay.t == PX__K_STR) {
        const char *ns = needle.t == PX__K_NULL ? "null" : px__val_string(&needle, c->arena);
        if (!ns) return px__eval_error(c, "out of memory");
        size_t start = rel_index(from, strlen(hay.s), 0);
        if (from < 0) start = 0; /* String.prototype.indexOf clamps, never counts from the end */
        const char *hit = strstr(hay.s + cp_off(hay.s, start), ns);
        if (hit) {
            char *pre = px__arena_strndup(c->arena, hay.s, (size_t)(hit - hay.s));
            if (!pre) return px__eval_error(c, "out of memory");
            pos = (long)cp_len(pre);
        }
    } else if (hay.t == PX__K_ARRAY) {
        size_t n = json_array_size(hay.j), start = rel_index(from, n, 0);
        for (size_t i = start; i < n && pos < 0; i++) {
            px__sval x;
            px__val_from_json(json_array_get(hay.j, i), &x);
            if (px__val_equal(&x, &needle)) pos = (long)i;
        }
    } else {
        return px__eval_error(c, "Expected second argument to be of type array or string, but found %s instead.",
                              px__type_name(px__type_of(&hay), tb, sizeof tb));
    }
    if (index_of) {
        out->t = PX__K_NUM;
        out->n = (double)pos;
    } else {
        out->t = PX__K_BOOL;
        out->b = pos >= 0;
    }
    return 0;
}

static int eval_slice(const px__expr *e, px__sctx *c, px__sval *out)
{
    EV(e->a[0], in);
    EV(e->a[1], b);
    double endv = INFINITY;
    if (e->n > 2) {
        EV(e->a[2], en);
        endv = en.n;
    }
    char tb[48];
    memset(out, 0, sizeof *out);
    if (in.t == PX__K_STR) {
        size_t len = cp_len(in.s), s = rel_index(b.n, len, 0), t = rel_index(endv, len, len);
        if (t < s) t = s;
        size_t o1 = cp_off(in.s, s), o2 = cp_off(in.s, t);
        if (!(out->s = px__arena_strndup(c->arena, in.s + o1, o2 - o1))) return px__eval_error(c, "out of memory");
        out->t = PX__K_STR;
        return 0;
    }
    if (in.t == PX__K_ARRAY) {
        size_t len = json_array_size(in.j), s = rel_index(b.n, len, 0), t = rel_index(endv, len, len);
        json_t *a = px__arena_keep(c->arena, json_array());
        if (!a) return px__eval_error(c, "out of memory");
        for (size_t i = s; i < t; i++)
            json_array_append(a, json_array_get(in.j, i));
        out->t = PX__K_ARRAY;
        out->j = a;
        return 0;
    }
    return px__eval_error(c, "Expected first argument to be of type array or string, but found %s instead.",
                          px__type_name(px__type_of(&in), tb, sizeof tb));
}

int px__expr_eval(const px__expr *e, px__sctx *c, px__sval *out)
{
    if (++c->steps > PX__EVAL_MAX_STEPS)
        return px__eval_error(c, "expression too costly to evaluate (more than %lu steps)", PX__EVAL_MAX_STEPS);
    switch (e->op) {
    case PX__OP_LITERAL:
        *out = e->v;
        return 0;
    case PX__OP_COMPOUND:
        return e->fn(e, c, out);
    case PX__OP_ASSERT:
        return eval_assert(e, c, out);
    case PX__OP_COERCE:
        return eval_coerce(e, c, out);
    case PX__OP_CMP:
        return eval_cmp(e, c, out);
    case PX__OP_STEP:
    case PX__OP_INTERP:
        return eval_curve(e, c, out);
    case PX__OP_MATCH: {
        EV(e->a[0], in);
        unsigned branch = e->n - 1;
        if (in.t == e->mkind)
            for (unsigned i = 0; i < e->n_mlabels; i++)
                if (px__val_equal(&in, &e->mlabels[i])) {
                    branch = e->mbranch[i];
                    break;
                }
        return px__expr_eval(e->a[branch], c, out);
    }
    case PX__OP_CASE:
        for (unsigned i = 0; i + 1 < e->n; i += 2) {
            EV(e->a[i], t);
            if (t.b) return px__expr_eval(e->a[i + 1], c, out);
        }
        return px__expr_eval(e->a[e->n - 1], c, out);
    case PX__OP_COALESCE:
        memset(out, 0, sizeof *out);
        for (unsigned i = 0; i < e->n; i++) {
            if (px__expr_eval(e->a[i], c, out)) return -1;
            if (out->t != PX__K_NULL) return 0;
        }
        return 0;
    case PX__OP_LET:
        return px__expr_eval(e->a[e->n - 1], c, out);
    case PX__OP_VAR:
        return px__expr_eval(e->bound, c, out);
    case PX__OP_AT: {
        EV(e->a[0], i);
        EV(e->a[1], a);
        double n = (double)json_array_size(a.j);
        char b1[40], b2[40];
        if (i.n < 0) return px__eval_error(c, "Array index out of bounds: %s < 0.", px__js_number(i.n, b1, sizeof b1));
        if (i.n >= n)
            return px__eval_error(c, "Array index out of bounds: %s > %s.", px__js_number(i.n, b1, sizeof b1),
                                  px__js_number(n - 1, b2, sizeof b2));
        if (i.n != floor(i.n))
            return px__eval_error(c, "Array index must be an integer, but found %s instead.", px__js_number(i.n, b1, sizeof b1));
        if (isnan(i.n)) {
            memset(out, 0, sizeof *out);
            return 0;
        }
        px__val_from_json(json_array_get(a.j, (size_t)i.n), out);
        return 0;
    }
    case PX__OP_IN:
    case PX__OP_INDEX_OF:
        return eval_in(e, c, out);
    case PX__OP_SLICE:
        return eval_slice(e, c, out);
    case PX__OP_LENGTH: {
        EV(e->a[0], v);
        char tb[48];
        memset(out, 0, sizeof *out);
        out->t = PX__K_NUM;
        if (v.t == PX__K_STR)
            out->n = (double)cp_len(v.s);
        else if (v.t == PX__K_ARRAY)
            out->n = (double)json_array_size(v.j);
        else
            return px__eval_error(c, "Expected value to be of type string or array, but found %s instead.",
                                  px__type_name(px__type_of(&v), tb, sizeof tb));
        return 0;
    }
    case PX__OP_NUMBER_FORMAT: {
        EV(e->a[0], x);
        const char *loc = NULL, *cur = NULL;
        double mn = NAN, mx = NAN;
        px__sval v;
        if (e->a[1]) {
            if (px__expr_eval(e->a[1], c, &v)) return -1;
            loc = v.s;
        }
        if (e->a[2]) {
            if (px__expr_eval(e->a[2], c, &v)) return -1;
            cur = v.s;
        }
        if (e->a[3]) {
            if (px__expr_eval(e->a[3], c, &v)) return -1;
            mn = v.n;
        }
        if (e->a[4]) {
            if (px__expr_eval(e->a[4], c, &v)) return -1;
            mx = v.n;
        }
        return px__number_format(c, x.n, loc, cur, mn, mx, out);
    }
    default:
        return px__eval_error(c, "internal error: unknown node");
    }
}

/* ---- number-format --------------------------------------------------------------- */

/* Decimal digits of |x| rounded half away from zero to `fd` fraction digits,
 * from the shortest decimal that reads back as x (as Intl.NumberFormat). */
static int round_digits(double x, int fd, char *ip, size_t ip_len, char *fp)
{
    char buf[420], sh[40];
    int p;
    for (p = 1; p <= 17; p++) {
        snprintf(sh, sizeof sh, "%.*e", p - 1, fabs(x));
        if (strtod(sh, NULL) == fabs(x)) break;
    }
    /* Expand the shortest form to fixed notation without binary noise. */
    {
        char digits[24];
        int k = 0, ex = atoi(strchr(sh, 'e') + 1);
        for (const char *q = sh; *q && *q != 'e'; q++)
            if (*q >= '0' && *q <= '9') digits[k++] = *q;
        size_t o = 0;
        int intlen = ex + 1; /* digits before the point */
        if (intlen <= 0) {
            o += (size_t)snprintf(buf + o, sizeof buf - o, "0.");
            for (int i = 0; i < -intlen; i++)
                buf[o++] = '0';
            for (int i = 0; i < k; i++)
                buf[o++] = digits[i];
        } else {
            for (int i = 0; i < intlen; i++)
                buf[o++] = i < k ? digits[i] : '0';
            buf[o++] = '.';
            for (int i = intlen; i < k; i++)
                buf[o++] = digits[i];
        }
        for (int i = 0; i < fd + 2 && o + 1 < sizeof buf; i++)
            buf[o++] = '0';
        buf[o] = '\0';
    }
    char *dot = strchr(buf, '.');
    if (!dot) return -1;
    size_t il = (size_t)(dot - buf);
    char digits[420];
    memcpy(digits, buf, il);
    memcpy(digits + il, dot + 1, (size_t)fd);
    size_t nd = il + (size_t)fd;
    digits[nd] = '\0';
    if (dot[1 + fd] >= '5') { /* half away from zero, on the exact digits */
        long i = (long)nd - 1;
        while (i >= 0 && digits[i] == '9')
            digits[i--] = '0';
        if (i >= 0)
            digits[i]++;
        else {
            memmove(digits + 1, digits, nd + 1);
            digits[0] = '1';
            il++;
            nd++;
        }
    }
    if (il + 1 > ip_len) return -1;
    memcpy(ip, digits, il);
    ip[il] = '\0';
    memcpy(fp, digits + il, (size_t)fd);
    fp[fd] = '\0';
    return 0;
}

int px__number_format(px__sctx *c, double x, const char *locale, const char *currency, double min_fd,
                      double max_fd, px__sval *out)
{
    const char *group = ",", *point = ".";
    int lang = 0; /* 0 en, 1 fr, 2 de */
    if (locale && !strncmp(locale, "fr", 2) && (!locale[2] || locale[2] == '-'))
        lang = 1, group = "\xe2\x80\xaf", point = ",";
    else if (locale && !strncmp(locale, "de", 2) && (!locale[2] || locale[2] == '-'))
        lang = 2, group = ".", point = ",";
    else if (locale && !(!strncmp(locale, "en", 2) && (!locale[2] || locale[2] == '-')))
        return px__eval_error(c, "number-format: locale '%s' is not supported (en, fr, de)", locale);
    const char *sym = NULL;
    if (currency) {
        if (!strcmp(currency, "EUR"))
            sym = "\xe2\x82\xac";
        else if (!strcmp(currency, "USD"))
            sym = lang == 0 ? "$" : "$US";
        else if (!strcmp(currency, "GBP"))
            sym = "\xc2\xa3";
        else
            return px__eval_error(c, "number-format: currency '%s' is not supported (EUR, USD, GBP)", currency);
        if (lang == 1 && !strcmp(currency, "USD")) sym = "$US";
        if (lang == 2 && !strcmp(currency, "USD")) sym = "$";
    }
    int dmin = currency ? 2 : 0, dmax = currency ? 2 : 3;
    if (!isnan(min_fd) && !(min_fd >= 0 && min_fd <= 100)) return px__eval_error(c, "minimumFractionDigits value is out of range.");
    if (!isnan(max_fd) && !(max_fd >= 0 && max_fd <= 100)) return px__eval_error(c, "maximumFractionDigits value is out of range.");
    int mn = isnan(min_fd) ? -1 : (int)floor(min_fd), mx = isnan(max_fd) ? -1 : (int)floor(max_fd);
    if (mn >= 0 && mx < 0)
        mx = mn > dmax ? mn : dmax;
    else if (mn < 0 && mx >= 0)
        mn = dmin < mx ? dmin : mx;
    else if (mn < 0 && mx < 0)
        mn = dmin, mx = dmax;
    else if (mn > mx)
        return px__eval_error(c, "maximumFractionDigits value is out of range.");
    memset(out, 0, sizeof *out);
    out->t = PX__K_STR;
    if (!isfinite(x)) {
        out->s = isnan(x) ? "NaN" : x > 0 ? "\xe2\x88\x9e" : "-\xe2\x88\x9e";
        return 0;
    }
    char ip[400], fp[120];
    if (round_digits(x, mx, ip, sizeof ip, fp)) return px__eval_error(c, "number-format: number too large");
    int nf = mx;
    while (nf > mn && fp[nf - 1] == '0')
        nf--;
    fp[nf] = '\0';
    char num[2048];
    size_t o = 0, il = strlen(ip);
    /* de and en group from 4 digits; fr too; es would not. */
    for (size_t i = 0; i < il; i++) {
        if (i && (il - i) % 3 == 0) o += (size_t)snprintf(num + o, sizeof num - o, "%s", group);
        num[o++] = ip[i];
    }
    num[o] = '\0';
    if (nf) snprintf(num + o, sizeof num - o, "%s%s", point, fp);
    const char *sign = signbit(x) ? "-" : "";
    char res[2200];
    if (!sym)
        snprintf(res, sizeof res, "%s%s", sign, num);
    else if (lang == 0)
        snprintf(res, sizeof res, "%s%s%s", sign, sym, num);
    else
        snprintf(res, sizeof res, "%s%s\xc2\xa0%s", sign, num, sym);
    if (!(out->s = px__arena_strndup(c->arena, res, strlen(res)))) return px__eval_error(c, "out of memory");
    return 0;
}
