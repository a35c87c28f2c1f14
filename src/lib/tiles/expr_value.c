/*
 * Values of style expressions: the allocation arena, the types of values and
 * MapLibre's subtype rule, and the JavaScript conversions MapLibre's
 * evaluator inherits (String(number), Number(string), JSON.stringify of
 * arrays and objects, truthiness, ===). Formatting numbers the JavaScript
 * way matters: "to-string" and "concat" results are shown on maps.
 * Left out: collators, formatted text, images.
 */
#include "style_int.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- arena ------------------------------------------------------------------- */

struct px__ablk {
    struct px__ablk *next;
    size_t used, cap;
    max_align_t data[];
};

void *px__arena_alloc(px__arena *a, size_t n)
{
    n = (n + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);
    if (!n) n = sizeof(max_align_t);
    struct px__ablk *b = a->head;
    if (!b || b->cap - b->used < n) {
        size_t cap = n > 16384 ? n : 16384;
        b = malloc(sizeof *b + cap);
        if (!b) {
            a->failed = 1;
            return NULL;
        }
        b->used = 0;
        b->cap = cap;
        b->next = a->head;
        a->head = b;
    }
    void *p = (char *)b->data + b->used;
    b->used += n;
    memset(p, 0, n);
    return p;
}

char *px__arena_strndup(px__arena *a, const char *s, size_t n)
{
    char *p = px__arena_alloc(a, n + 1);
    if (p) memcpy(p, s, n);
    return p;
}

json_t *px__arena_keep(px__arena *a, json_t *j)
{
    if (!j) return NULL;
    if (a->n_js == a->cap_js) {
        size_t cap = a->cap_js ? 2 * a->cap_js : 16;
        json_t **nj = realloc(a->js, cap * sizeof *nj);
        if (!nj) {
            a->failed = 1;
            json_decref(j);
            return NULL;
        }
        a->js = nj;
        a->cap_js = cap;
    }
    a->js[a->n_js++] = j;
    return j;
}

void px__arena_clear(px__arena *a)
{
    while (a->head) {
        struct px__ablk *n = a->head->next;
        free(a->head);
        a->head = n;
    }
    for (size_t i = 0; i < a->n_js; i++)
        json_decref(a->js[i]);
    free(a->js);
    memset(a, 0, sizeof *a);
}

/* ---- types --------------------------------------------------------------------- */

static unsigned char json_kind(const json_t *j)
{
    switch (json_typeof(j)) {
    case JSON_INTEGER:
    case JSON_REAL:
        return PX__K_NUM;
    case JSON_STRING:
        return PX__K_STR;
    case JSON_TRUE:
    case JSON_FALSE:
        return PX__K_BOOL;
    case JSON_ARRAY:
        return PX__K_ARRAY;
    case JSON_OBJECT:
        return PX__K_OBJECT;
    default:
        return PX__K_NULL;
    }
}

px__stype px__type_of(const px__sval *v)
{
    px__stype t = {v->t, PX__K_VALUE, -1};
    if (v->t == PX__K_ARRAY) {
        size_t n = json_array_size(v->j);
        t.n = (int)n;
        /* MapLibre compares item types by identity: nested arrays never agree. */
        for (size_t i = 0; i < n; i++) {
            unsigned char k = json_kind(json_array_get(v->j, i));
            if (k == PX__K_ARRAY) {
                t.item = PX__K_VALUE;
                break;
            }
            if (i == 0)
                t.item = k;
            else if (k != t.item) {
                t.item = PX__K_VALUE;
                break;
            }
        }
    }
    return t;
}

static const char *const kind_names[] = {"null",  "number", "string", "boolean", "color",
                                         "object", "array",  "value",  "error"};

const char *px__type_name(px__stype t, char *buf, size_t len)
{
    if (t.k != PX__K_ARRAY) return kind_names[t.k];
    if (t.n >= 0)
        snprintf(buf, len, "array<%s, %d>", kind_names[t.item], t.n);
    else if (t.item == PX__K_VALUE)
        snprintf(buf, len, "array");
    else
        snprintf(buf, len, "array<%s>", kind_names[t.item]);
    return buf;
}

static int subtype(px__stype e, px__stype t)
{
    if (t.k == PX__K_ERROR) return 1;
    if (e.k == PX__K_ARRAY)
        return t.k == PX__K_ARRAY &&
               ((t.n == 0 && t.item == PX__K_VALUE) ||
                subtype((px__stype){e.item, PX__K_VALUE, -1}, (px__stype){t.item, PX__K_VALUE, -1})) &&
               (e.n < 0 || e.n == t.n);
    if (e.k == t.k) return 1;
    if (e.k == PX__K_VALUE) return t.k <= PX__K_ARRAY;
    return 0;
}

const char *px__type_check(px__stype expected, px__stype t, char *buf, size_t len)
{
    if (subtype(expected, t)) return NULL;
    char b1[48], b2[48];
    snprintf(buf, len, "Expected %s but found %s instead.", px__type_name(expected, b1, sizeof b1),
             px__type_name(t, b2, sizeof b2));
    return buf;
}

/* ---- conversions ----------------------------------------------------------------- */

void px__val_from_json(const json_t *j, px__sval *out)
{
    memset(out, 0, sizeof *out);
    out->t = json_kind(j);
    switch (out->t) {
    case PX__K_NUM:
        out->n = json_number_value(j);
        break;
    case PX__K_STR:
        out->s = json_string_value(j);
        break;
    case PX__K_BOOL:
        out->b = json_is_true(j);
        break;
    case PX__K_ARRAY:
    case PX__K_OBJECT:
        out->j = j;
        break;
    default:
        break;
    }
}

json_t *px__val_to_json(const px__sval *v)
{
    switch (v->t) {
    case PX__K_NUM:
        return isfinite(v->n) ? json_real(v->n) : json_null();
    case PX__K_STR:
        return json_string(v->s);
    case PX__K_BOOL:
        return json_boolean(v->b);
    case PX__K_ARRAY:
    case PX__K_OBJECT:
        return json_incref((json_t *)v->j);
    case PX__K_COLOR: {
        json_t *a = json_array();
        for (int i = 0; a && i < 4; i++)
            json_array_append_new(a, json_real(v->c[i]));
        return a;
    }
    default:
        return json_null();
    }
}

const char *px__js_number(double v, char *buf, size_t len)
{
    if (isnan(v) || isinf(v) || v == 0) {
        snprintf(buf, len, "%s", isnan(v) ? "NaN" : v > 0 ? "Infinity" : v < 0 ? "-Infinity" : "0");
        return buf;
    }
    /* The shortest digits that read back as v, then JavaScript's layout. */
    char tmp[40];
    int p;
    for (p = 1; p <= 17; p++) {
        snprintf(tmp, sizeof tmp, "%.*e", p - 1, v);
        if (strtod(tmp, NULL) == v) break;
    }
    const char *s = tmp;
    int neg = *s == '-';
    if (neg) s++;
    char digits[24];
    int k = 0;
    for (; *s && *s != 'e'; s++)
        if (isdigit((unsigned char)*s)) digits[k++] = *s;
    while (k > 1 && digits[k - 1] == '0')
        k--;
    digits[k] = '\0';
    int n = atoi(s + 1) + 1; /* v = 0.digits * 10^n */
    char *o = buf;
    size_t left = len;
#define OUT(...)                                                                                             \
    do {                                                                                                     \
        int w_ = snprintf(o, left, __VA_ARGS__);                                                             \
        if (w_ < 0 || (size_t)w_ >= left) return buf;                                                        \
        o += w_;                                                                                             \
        left -= (size_t)w_;                                                                                  \
    } while (0)
    if (neg) OUT("-");
    if (k <= n && n <= 21) {
        OUT("%s", digits);
        for (int i = 0; i < n - k; i++)
            OUT("0");
    } else if (0 < n && n <= 21) {
        OUT("%.*s.%s", n, digits, digits + n);
    } else if (-6 < n && n <= 0) {
        OUT("0.");
        for (int i = 0; i < -n; i++)
            OUT("0");
        OUT("%s", digits);
    } else {
        if (k == 1)
            OUT("%c", digits[0]);
        else
            OUT("%c.%s", digits[0], digits + 1);
        OUT("e%c%d", n - 1 >= 0 ? '+' : '-', abs(n - 1));
    }
#undef OUT
    return buf;
}

double px__js_to_number(const char *s)
{
    while (*s && (isspace((unsigned char)*s)))
        s++;
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1]))
        n--;
    if (!n) return 0;
    char tmp[64];
    if (n >= sizeof tmp) return NAN;
    memcpy(tmp, s, n);
    tmp[n] = '\0';
    const char *p = tmp;
    int sign = 1;
    if (*p == '+' || *p == '-') {
        sign = *p == '-' ? -1 : 1;
        p++;
    }
    if (!strcmp(p, "Infinity")) return sign * INFINITY;
    if (p == tmp && p[0] == '0' && (p[1] == 'x' || p[1] == 'X' || p[1] == 'o' || p[1] == 'O' || p[1] == 'b' ||
                                    p[1] == 'B')) {
        int base = (p[1] | 32) == 'x' ? 16 : (p[1] | 32) == 'o' ? 8 : 2;
        if (!p[2]) return NAN;
        double r = 0;
        for (const char *q = p + 2; *q; q++) {
            int d = isdigit((unsigned char)*q) ? *q - '0' : isxdigit((unsigned char)*q) ? (tolower(*q) - 'a' + 10) : 99;
            if (d >= base) return NAN;
            r = r * base + d;
        }
        return r;
    }
    /* Decimal only: digits, one point, an exponent. */
    const char *q = p;
    int digits = 0;
    while (isdigit((unsigned char)*q)) {
        q++;
        digits++;
    }
    if (*q == '.') {
        q++;
        while (isdigit((unsigned char)*q)) {
            q++;
            digits++;
        }
    }
    if (!digits) return NAN;
    if (*q == 'e' || *q == 'E') {
        q++;
        if (*q == '+' || *q == '-') q++;
        if (!isdigit((unsigned char)*q)) return NAN;
        while (isdigit((unsigned char)*q))
            q++;
    }
    if (*q) return NAN;
    return strtod(tmp, NULL);
}

/* JSON.stringify of a JSON value, appended to a growing buffer. */
typedef struct sbuf {
    char *p;
    size_t n, cap;
    int failed;
} sbuf;

static void sb_add(sbuf *b, const char *s, size_t n)
{
    if (b->failed) return;
    if (b->n + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 64;
        while (cap < b->n + n + 1)
            cap *= 2;
        char *np = realloc(b->p, cap);
        if (!np) {
            b->failed = 1;
            return;
        }
        b->p = np;
        b->cap = cap;
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = '\0';
}

static void sb_str(sbuf *b, const char *s)
{
    sb_add(b, s, strlen(s));
}

static void sb_json_string(sbuf *b, const char *s)
{
    json_t *js = json_string(s);
    char *t = js ? json_dumps(js, JSON_ENCODE_ANY) : NULL;
    if (t)
        sb_str(b, t);
    else
        b->failed = 1;
    free(t);
    json_decref(js);
}

static void stringify(sbuf *b, const json_t *j, int depth)
{
    char nb[40];
    if (depth > 64) {
        b->failed = 1;
        return;
    }
    switch (json_typeof(j)) {
    case JSON_INTEGER:
    case JSON_REAL: {
        double v = json_number_value(j);
        sb_str(b, isfinite(v) ? px__js_number(v, nb, sizeof nb) : "null");
        break;
    }
    case JSON_STRING:
        sb_json_string(b, json_string_value(j));
        break;
    case JSON_TRUE:
        sb_str(b, "true");
        break;
    case JSON_FALSE:
        sb_str(b, "false");
        break;
    case JSON_ARRAY:
        sb_str(b, "[");
        for (size_t i = 0; i < json_array_size(j); i++) {
            if (i) sb_str(b, ",");
            stringify(b, json_array_get(j, i), depth + 1);
        }
        sb_str(b, "]");
        break;
    case JSON_OBJECT: {
        const char *k;
        json_t *v;
        int first = 1;
        sb_str(b, "{");
        json_object_foreach((json_t *)j, k, v)
        {
            if (!first) sb_str(b, ",");
            first = 0;
            sb_json_string(b, k);
            sb_str(b, ":");
            stringify(b, v, depth + 1);
        }
        sb_str(b, "}");
        break;
    }
    default:
        sb_str(b, "null");
    }
}

const char *px__val_string(const px__sval *v, px__arena *a)
{
    char nb[64];
    switch (v->t) {
    case PX__K_NULL:
        return "";
    case PX__K_STR:
        return v->s;
    case PX__K_BOOL:
        return v->b ? "true" : "false";
    case PX__K_NUM: {
        const char *s = px__js_number(v->n, nb, sizeof nb);
        return px__arena_strndup(a, s, strlen(s));
    }
    case PX__K_COLOR:
        px__color_string(v->c, nb, sizeof nb);
        return px__arena_strndup(a, nb, strlen(nb));
    default: {
        sbuf b = {0};
        stringify(&b, v->j, 0);
        char *r = b.failed ? NULL : px__arena_strndup(a, b.p ? b.p : "", b.n);
        free(b.p);
        return r;
    }
    }
}

int px__val_equal(const px__sval *a, const px__sval *b)
{
    if (a->t != b->t) return 0;
    switch (a->t) {
    case PX__K_NULL:
        return 1;
    case PX__K_NUM:
        return a->n == b->n;
    case PX__K_STR:
        return !strcmp(a->s, b->s);
    case PX__K_BOOL:
        return a->b == b->b;
    default:
        return a->t != PX__K_COLOR && a->j == b->j; /* identity, as === on objects */
    }
}

int px__val_truthy(const px__sval *v)
{
    switch (v->t) {
    case PX__K_NULL:
        return 0;
    case PX__K_BOOL:
        return v->b;
    case PX__K_NUM:
        return v->n != 0 && !isnan(v->n);
    case PX__K_STR:
        return v->s[0] != '\0';
    default:
        return 1;
    }
}
