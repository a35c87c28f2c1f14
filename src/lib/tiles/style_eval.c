/*
 * Evaluating a style's compiled properties and filters for the renderer,
 * with MapLibre's fallbacks: a property whose evaluation fails, or gives
 * null or NaN, takes its default; a filter whose evaluation fails rejects
 * the feature. Values made while evaluating live in the context's arena,
 * which each call clears (strings are copied out first).
 */
#include "style_int.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static int eval(const px__expr *e, px__sctx *c, px__sval *v)
{
    int rc = px__expr_eval(e, c, v);
    return rc == 0 && v->t != PX__K_NULL && !(v->t == PX__K_NUM && isnan(v->n)) ? 0 : -1;
}

/* Clear the arena after a call, unless the caller owns its lifetime (compile time). */
static void done(px__sctx *c, px__arena *saved)
{
    if (c->arena == saved) return;
    px__arena_clear(c->arena);
}

double px__style_number(const px__expr *e, px__sctx *c, double def)
{
    if (!e) return def;
    px__arena a = {0}, *keep = c->arena;
    c->arena = &a;
    c->steps = 0;
    px__sval v;
    double r = eval(e, c, &v) == 0 && v.t == PX__K_NUM ? v.n : def;
    done(c, keep);
    c->arena = keep;
    return r;
}

void px__style_color(const px__expr *e, px__sctx *c, const double def[4], double out[4])
{
    memcpy(out, def, 4 * sizeof *out);
    if (!e) return;
    px__arena a = {0}, *keep = c->arena;
    c->arena = &a;
    c->steps = 0;
    px__sval v;
    if (eval(e, c, &v) == 0 && v.t == PX__K_COLOR) memcpy(out, v.c, sizeof v.c);
    done(c, keep);
    c->arena = keep;
}

int px__style_bool(const px__expr *e, px__sctx *c, int def)
{
    if (!e) return def;
    px__arena a = {0}, *keep = c->arena;
    c->arena = &a;
    c->steps = 0;
    px__sval v;
    int r = eval(e, c, &v) == 0 && v.t == PX__K_BOOL ? v.b : def;
    done(c, keep);
    c->arena = keep;
    return r;
}

const char *px__style_string(const px__expr *e, px__sctx *c, const char *def, char *buf, size_t len)
{
    if (!e) return def;
    px__arena a = {0}, *keep = c->arena;
    c->arena = &a;
    c->steps = 0;
    px__sval v;
    const char *r = def;
    if (eval(e, c, &v) == 0 && v.t == PX__K_STR) {
        snprintf(buf, len, "%s", v.s);
        r = buf;
    }
    done(c, keep);
    c->arena = keep;
    return r;
}

int px__style_numbers(const px__expr *e, px__sctx *c, double *out, int max)
{
    if (!e) return -1;
    px__arena a = {0}, *keep = c->arena;
    c->arena = &a;
    c->steps = 0;
    px__sval v;
    int n = -1;
    if (eval(e, c, &v) == 0 && v.t == PX__K_ARRAY && json_array_size(v.j) <= (size_t)max) {
        n = (int)json_array_size(v.j);
        for (int i = 0; i < n; i++) {
            const json_t *x = json_array_get(v.j, (size_t)i);
            out[i] = json_number_value(x);
            if (!json_is_number(x) || !(out[i] >= 0) || !isfinite(out[i])) n = -1;
        }
    }
    done(c, keep);
    c->arena = keep;
    return n;
}

int px__style_filter(const px__expr *f, px__sctx *c)
{
    if (!f) return 1;
    return px__style_bool(f, c, 0);
}
