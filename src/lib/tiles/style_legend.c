/*
 * The legend a MapLibre style implies, for print maps: per visible layer a
 * heading and one swatch per class of the layer's main colour, read from
 * the colour expression's structure (step thresholds, match values,
 * interpolate stops, legacy {"stops"} functions) and evaluated with the
 * same evaluator the renderer uses, so the swatches are the map's colours.
 * Values of properties named with a unit suffix are written with the unit
 * (`_share` as a percentage, `_min` minutes, `_m` metres).
 *
 * Left out: classes of "case" expressions (one swatch "varies"), size or
 * opacity classes, colour ramps drawn as gradients (interpolate stops are
 * listed as swatches instead).
 */
#include "style_int.h"
#include "tiles_frame.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct lbuf {
    px__legend_item *v;
    size_t n, cap;
    int failed;
} lbuf;

static px__legend_item *push(lbuf *b)
{
    if (b->n == b->cap) {
        size_t c = b->cap ? 2 * b->cap : 16;
        px__legend_item *p = realloc(b->v, c * sizeof *p);
        if (!p) {
            b->failed = 1;
            return NULL;
        }
        b->v = p;
        b->cap = c;
    }
    px__legend_item *it = &b->v[b->n++];
    memset(it, 0, sizeof *it);
    return it;
}

/* The first property an expression reads (["get", X]), or NULL. */
static const char *input_property(const json_t *e)
{
    if (json_is_array(e)) {
        const char *op = json_string_value(json_array_get(e, 0));
        if (op && !strcmp(op, "get") && json_is_string(json_array_get(e, 1)))
            return json_string_value(json_array_get(e, 1));
        for (size_t i = 1; i < json_array_size(e); i++) {
            const char *p = input_property(json_array_get(e, i));
            if (p) return p;
        }
    } else if (json_is_object(e)) {
        return json_string_value(json_object_get(e, "property"));
    }
    return NULL;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && !strcmp(s + a - b, suffix);
}

/* A class bound of property `prop` in words: "50 %" for a share, "15 min"... */
static void fmt_value(const char *prop, const json_t *v, char *buf, size_t len)
{
    if (json_is_string(v)) {
        snprintf(buf, len, "%s", json_string_value(v));
        return;
    }
    if (json_is_boolean(v)) {
        snprintf(buf, len, "%s", json_is_true(v) ? "yes" : "no");
        return;
    }
    if (json_is_array(v)) { /* match label lists */
        size_t off = 0;
        buf[0] = 0;
        for (size_t i = 0; i < json_array_size(v) && off + 1 < len; i++) {
            char one[64];
            fmt_value(prop, json_array_get(v, i), one, sizeof one);
            off += (size_t)snprintf(buf + off, len - off, "%s%s", i ? ", " : "", one);
        }
        return;
    }
    double x = json_number_value(v);
    if (prop && ends_with(prop, "_share"))
        snprintf(buf, len, "%g %%", round(x * 1000) / 10);
    else if (prop && ends_with(prop, "_pct"))
        snprintf(buf, len, "%g %%", x);
    else if (prop && ends_with(prop, "_min"))
        snprintf(buf, len, "%g min", x);
    else if (prop && ends_with(prop, "_m"))
        snprintf(buf, len, "%g m", x);
    else
        snprintf(buf, len, "%g", x);
}

typedef struct lstyle {
    const px__slayer *l;
    px__prop color_prop; /* the layer's main colour property */
    double zoom;
    double opacity;
    double outline[4];
    double width;
    int whole;           /* the swatch is the whole property (a constant or zoom function) */
} lstyle;

/* The colour a stop output gives, with no feature, at the legend's zoom:
 * compiled like the property itself, so it means what it means on the map. */
static void stop_color(const lstyle *ls, const json_t *color, double out[4])
{
    static const double grey[4] = {0.5, 0.5, 0.5, 1}, black[4] = {0, 0, 0, 1};
    px__sctx c = {.layer = NULL, .zoom = ls->zoom};
    if (ls->whole) {
        px__style_color(ls->l->paint[ls->color_prop], &c, black, out);
        return;
    }
    if (json_is_string(color) && !px__color_parse(json_string_value(color), out)) return;
    px__arena a = {0};
    char err[160];
    static const px__stype want = {PX__K_COLOR, 0, -1};
    const px__expr *e = px__expr_parse(color, &want, 0, &a, err, sizeof err);
    c.arena = &a;
    px__style_color(e, &c, grey, out);
    px__arena_clear(&a);
}

static void add_swatch(lbuf *b, const lstyle *ls, const json_t *color, const char *label)
{
    px__legend_item *it = push(b);
    if (!it) return;
    it->kind = ls->l->type == PX__SL_FILL ? PX__LEG_FILL : ls->l->type == PX__SL_LINE ? PX__LEG_LINE : PX__LEG_CIRCLE;
    stop_color(ls, color, it->color);
    it->color[3] *= ls->opacity;
    memcpy(it->outline, ls->outline, sizeof it->outline);
    it->width = ls->width;
    snprintf(it->label, sizeof it->label, "%s", label);
}

/* Swatches of the colour expression `e`. */
static void classes(lbuf *b, const lstyle *ls, const json_t *e, const char *prop)
{
    char lo[64], hi[64], label[160];
    const char *op = json_is_array(e) ? json_string_value(json_array_get(e, 0)) : NULL;
    size_t n = json_array_size(e);
    const json_t *in = json_is_array(e) ? json_array_get(e, 1) : NULL;
    int by_zoom = json_is_array(in) && json_string_value(json_array_get(in, 0)) &&
                  !strcmp(json_string_value(json_array_get(in, 0)), "zoom");
    if (op && !strcmp(op, "step") && n >= 3 && !by_zoom) {
        /* ["step", input, out0, s1, out1, ...] */
        size_t k = (n - 3) / 2;
        for (size_t i = 0; i <= k; i++) {
            const json_t *out = json_array_get(e, 2 + 2 * i);
            if (i == 0) {
                fmt_value(prop, json_array_get(e, 3), hi, sizeof hi);
                snprintf(label, sizeof label, k ? "under %s" : "all", hi);
            } else {
                fmt_value(prop, json_array_get(e, 1 + 2 * i), lo, sizeof lo);
                if (i < k) {
                    fmt_value(prop, json_array_get(e, 3 + 2 * i), hi, sizeof hi);
                    snprintf(label, sizeof label, "%s to under %s", lo, hi);
                } else {
                    snprintf(label, sizeof label, "%s or more", lo);
                }
            }
            add_swatch(b, ls, out, label);
        }
        return;
    }
    if (op && !strcmp(op, "interpolate") && n >= 5) {
        const json_t *inp = json_array_get(e, 2);
        int z = json_is_array(inp) && json_string_value(json_array_get(inp, 0)) &&
                !strcmp(json_string_value(json_array_get(inp, 0)), "zoom");
        if (!z) {
            for (size_t i = 3; i + 1 < n; i += 2) {
                fmt_value(prop, json_array_get(e, i), label, sizeof label);
                add_swatch(b, ls, json_array_get(e, i + 1), label);
            }
            return;
        }
    }
    if (op && !strcmp(op, "match") && n >= 4) {
        for (size_t i = 2; i + 1 < n; i += 2) {
            fmt_value(prop, json_array_get(e, i), label, sizeof label);
            add_swatch(b, ls, json_array_get(e, i + 1), label);
        }
        if (n % 2 == 1) add_swatch(b, ls, json_array_get(e, n - 1), "other");
        return;
    }
    if (op && !strcmp(op, "case")) {
        add_swatch(b, ls, json_array_get(e, n - 1), "varies");
        return;
    }
    if (json_is_object(e) && json_is_array(json_object_get(e, "stops")) && json_object_get(e, "property")) {
        const json_t *stops = json_object_get(e, "stops");
        const char *type = json_string_value(json_object_get(e, "type"));
        for (size_t i = 0; i < json_array_size(stops); i++) {
            const json_t *s = json_array_get(stops, i);
            fmt_value(prop, json_array_get(s, 0), lo, sizeof lo);
            if (type && !strcmp(type, "interval")) {
                if (i + 1 < json_array_size(stops)) {
                    fmt_value(prop, json_array_get(json_array_get(stops, i + 1), 0), hi, sizeof hi);
                    snprintf(label, sizeof label, "%s to under %s", lo, hi);
                } else {
                    snprintf(label, sizeof label, "%s or more", lo);
                }
            } else {
                snprintf(label, sizeof label, "%s", lo);
            }
            add_swatch(b, ls, json_array_get(s, 1), label);
        }
        return;
    }
    /* A constant (or zoom-only) colour: one swatch, the property evaluated whole. */
    lstyle whole = *ls;
    whole.whole = 1;
    add_swatch(b, &whole, e, "");
}

static const json_t *layer_json(const px_style *s, const char *id)
{
    const json_t *layers = json_object_get(s->root, "layers");
    for (size_t i = 0; i < json_array_size(layers); i++) {
        const json_t *l = json_array_get(layers, i);
        const char *lid = json_string_value(json_object_get(l, "id"));
        if (lid && !strcmp(lid, id)) return l;
    }
    return NULL;
}

px_status px__style_legend(px_ctx *ctx, const px_style *style, double zoom, px__legend_item **out, size_t *n)
{
    static const double none[4] = {0, 0, 0, 0};
    lbuf b = {0};
    for (size_t li = 0; li < style->n_layers && !b.failed; li++) {
        const px__slayer *l = &style->layers[li];
        if ((l->type != PX__SL_FILL && l->type != PX__SL_LINE && l->type != PX__SL_CIRCLE) || zoom < l->minzoom ||
            zoom >= l->maxzoom)
            continue; /* background and labels have no swatch */
        lstyle ls = {.l = l, .zoom = zoom};
        px__sctx c = {.layer = NULL, .zoom = zoom};
        const char *color_name;
        if (l->type == PX__SL_FILL) {
            ls.color_prop = PX__P_FILL_COLOR, color_name = "fill-color";
            ls.opacity = px__style_number(l->paint[PX__P_FILL_OPACITY], &c, 1);
            px__style_color(l->paint[PX__P_FILL_OUTLINE_COLOR], &c, none, ls.outline);
        } else if (l->type == PX__SL_LINE) {
            ls.color_prop = PX__P_LINE_COLOR, color_name = "line-color";
            ls.opacity = px__style_number(l->paint[PX__P_LINE_OPACITY], &c, 1);
            ls.width = fmin(6, fmax(1, px__style_number(l->paint[PX__P_LINE_WIDTH], &c, 1)));
        } else {
            ls.color_prop = PX__P_CIRCLE_COLOR, color_name = "circle-color";
            ls.opacity = px__style_number(l->paint[PX__P_CIRCLE_OPACITY], &c, 1);
            ls.width = fmin(6, fmax(2.5, px__style_number(l->paint[PX__P_CIRCLE_RADIUS], &c, 5)));
            if (px__style_number(l->paint[PX__P_CIRCLE_STROKE_WIDTH], &c, 0) > 0)
                px__style_color(l->paint[PX__P_CIRCLE_STROKE_COLOR], &c, none, ls.outline);
        }
        ls.opacity = ls.opacity > 0 ? (ls.opacity < 1 ? ls.opacity : 1) : 0;
        /* The classes are read from the property as written in the style. */
        const json_t *color = json_object_get(json_object_get(layer_json(style, l->id), "paint"), color_name);
        const char *prop = input_property(color);
        const json_t *meta = json_object_get(layer_json(style, l->id), "metadata");
        const char *title = json_string_value(json_object_get(meta, "legend"));
        if (!title) title = json_string_value(json_object_get(meta, "title"));
        px__legend_item *h = push(&b);
        if (!h) break;
        h->kind = PX__LEG_HEADING;
        if (title)
            snprintf(h->label, sizeof h->label, "%s", title);
        else if (prop)
            snprintf(h->label, sizeof h->label, "%s (%s)", l->table, prop);
        else
            snprintf(h->label, sizeof h->label, "%s", l->table);
        size_t head = b.n - 1, before = b.n;
        classes(&b, &ls, color, prop);
        /* A single unlabelled swatch takes its heading's place and text. */
        if (!b.failed && b.n == before + 1 && !b.v[before].label[0]) {
            memcpy(b.v[before].label, b.v[head].label, sizeof b.v[before].label);
            b.v[head] = b.v[before];
            b.n--;
        }
    }
    if (b.failed) {
        free(b.v);
        return px__error(ctx, PX_ENOMEM, "out of memory");
    }
    *out = b.v;
    *n = b.n;
    return PX_OK;
}

char *px__style_attribution(const px_style *style)
{
    const char *key;
    const json_t *src;
    size_t len = 0;
    char *out = NULL;
    json_object_foreach((json_t *)json_object_get(style->root, "sources"), key, src)
    {
        const char *a = json_string_value(json_object_get(src, "attribution"));
        if (!a || !*a || (out && strstr(out, a))) continue;
        size_t n = strlen(a);
        char *p = realloc(out, len + n + 3);
        if (!p) {
            free(out);
            return NULL;
        }
        out = p;
        if (len) {
            memcpy(out + len, "; ", 2);
            len += 2;
        }
        memcpy(out + len, a, n + 1);
        len += n;
    }
    return out;
}

const char *px__style_name(const px_style *style)
{
    return json_string_value(json_object_get(style->root, "name"));
}

int px__style_has_labels(const px_style *style)
{
    const json_t *layers = json_object_get(style->root, "layers");
    for (size_t i = 0; i < json_array_size(layers); i++) {
        const char *t = json_string_value(json_object_get(json_array_get(layers, i), "type"));
        if (t && !strcmp(t, "symbol")) return 1;
    }
    return 0;
}

const char *px__style_path(const px_style *style)
{
    return style->path;
}
