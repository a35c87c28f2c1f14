/*
 * Reading a MapLibre GL style (JSON, version 8) for the raster renderer:
 * layers of type background, fill, line and circle, their zoom range,
 * filter, paint properties and the line-cap/line-join/visibility layout
 * properties. Every other construct (symbol and other layer types, paint or
 * layout properties Proxima does not draw, expression operators it does not
 * evaluate) is refused here with PX_EUNSUPPORTED naming file, layer and
 * property: a style must mean the same in the browser and in PNG tiles, or
 * fail loudly. Sources are not fetched: a layer's source-layer names a table
 * of the project store.
 */
#include "style_int.h"

#include <cairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
    const char *name;
    px__sltype type;
    px__prop prop;
    int is_color;
} paint_props[] = {
    {"background-color", PX__SL_BACKGROUND, PX__P_BACKGROUND_COLOR, 1},
    {"background-opacity", PX__SL_BACKGROUND, PX__P_BACKGROUND_OPACITY, 0},
    {"fill-color", PX__SL_FILL, PX__P_FILL_COLOR, 1},
    {"fill-opacity", PX__SL_FILL, PX__P_FILL_OPACITY, 0},
    {"fill-outline-color", PX__SL_FILL, PX__P_FILL_OUTLINE_COLOR, 1},
    {"fill-antialias", PX__SL_FILL, PX__P_FILL_ANTIALIAS, 0},
    {"line-color", PX__SL_LINE, PX__P_LINE_COLOR, 1},
    {"line-width", PX__SL_LINE, PX__P_LINE_WIDTH, 0},
    {"line-opacity", PX__SL_LINE, PX__P_LINE_OPACITY, 0},
    {"line-dasharray", PX__SL_LINE, PX__P_LINE_DASHARRAY, 0},
    {"circle-color", PX__SL_CIRCLE, PX__P_CIRCLE_COLOR, 1},
    {"circle-radius", PX__SL_CIRCLE, PX__P_CIRCLE_RADIUS, 0},
    {"circle-opacity", PX__SL_CIRCLE, PX__P_CIRCLE_OPACITY, 0},
    {"circle-stroke-color", PX__SL_CIRCLE, PX__P_CIRCLE_STROKE_COLOR, 1},
    {"circle-stroke-width", PX__SL_CIRCLE, PX__P_CIRCLE_STROKE_WIDTH, 0},
    {"circle-stroke-opacity", PX__SL_CIRCLE, PX__P_CIRCLE_STROKE_OPACITY, 0},
    {"text-color", PX__SL_SYMBOL, PX__P_TEXT_COLOR, 1},
    {"text-halo-color", PX__SL_SYMBOL, PX__P_TEXT_HALO_COLOR, 1},
    {"text-halo-width", PX__SL_SYMBOL, PX__P_TEXT_HALO_WIDTH, 0},
    {"text-opacity", PX__SL_SYMBOL, PX__P_TEXT_OPACITY, 0},
};

void px_style_free(px_style *s)
{
    if (!s) return;
    for (size_t i = 0; i < s->n_layers; i++) {
        free(s->layers[i].id);
        free(s->layers[i].table);
    }
    for (size_t i = 0; i < s->n_tables; i++)
        free(s->tables[i]);
    free(s->layers);
    free(s->tables);
    json_decref(s->root);
    free(s->path);
    free(s);
}

size_t px_style_n_tables(const px_style *s)
{
    return s ? s->n_tables : 0;
}
const char *px_style_table(const px_style *s, size_t i)
{
    return s && i < s->n_tables ? s->tables[i] : NULL;
}

static px_status add_table(px_ctx *ctx, px_style *s, const char *t)
{
    for (size_t i = 0; i < s->n_tables; i++)
        if (!strcmp(s->tables[i], t)) return PX_OK;
    char **nt = realloc(s->tables, (s->n_tables + 1) * sizeof *nt);
    if (!nt) return px__error(ctx, PX_ENOMEM, "out of memory");
    s->tables = nt;
    if (!(s->tables[s->n_tables] = px__strdup(t))) return px__error(ctx, PX_ENOMEM, "out of memory");
    s->n_tables++;
    return PX_OK;
}

static px_status read_layout(px_ctx *ctx, const char *path, const json_t *jl, px__slayer *l, int *visible)
{
    const char *key;
    const json_t *v;
    *visible = 1;
    json_object_foreach((json_t *)json_object_get(jl, "layout"), key, v)
    {
        const char *sv = json_string_value(v);
        if (!strcmp(key, "visibility")) {
            *visible = !(sv && !strcmp(sv, "none"));
        } else if (!strcmp(key, "line-cap") && l->type == PX__SL_LINE && sv) {
            if (!strcmp(sv, "butt"))
                l->line_cap = CAIRO_LINE_CAP_BUTT;
            else if (!strcmp(sv, "round"))
                l->line_cap = CAIRO_LINE_CAP_ROUND;
            else if (!strcmp(sv, "square"))
                l->line_cap = CAIRO_LINE_CAP_SQUARE;
            else
                return px__error(ctx, PX_EUNSUPPORTED, "%s: layer '%s': line-cap '%s' is not supported", path,
                                 l->id, sv);
        } else if (!strcmp(key, "line-join") && l->type == PX__SL_LINE && sv) {
            if (!strcmp(sv, "miter"))
                l->line_join = CAIRO_LINE_JOIN_MITER;
            else if (!strcmp(sv, "round"))
                l->line_join = CAIRO_LINE_JOIN_ROUND;
            else if (!strcmp(sv, "bevel"))
                l->line_join = CAIRO_LINE_JOIN_BEVEL;
            else
                return px__error(ctx, PX_EUNSUPPORTED, "%s: layer '%s': line-join '%s' is not supported",
                                 path, l->id, sv);
        } else if (l->type == PX__SL_SYMBOL && (!strcmp(key, "text-field") || !strcmp(key, "text-size"))) {
            /* Text labels (labels.c): a field template "{name}" or an expression. */
            char buf[160];
            const char *what = px__style_check(v, 0, buf, sizeof buf);
            if (what)
                return px__error(ctx, PX_EUNSUPPORTED, "%s: layer '%s': %s: %s is not supported", path, l->id,
                                 key, what);
            l->paint[!strcmp(key, "text-field") ? PX__P_TEXT_FIELD : PX__P_TEXT_SIZE] = v;
        } else if (l->type == PX__SL_SYMBOL &&
                   (!strcmp(key, "text-font") ||
                    (!strcmp(key, "symbol-placement") && sv && !strcmp(sv, "point")))) {
            /* Labels are set in DejaVu Sans, the one font Proxima installs. */
        } else {
            return px__error(ctx, PX_EUNSUPPORTED,
                             "%s: layer '%s': layout property '%s' is not supported (or not a constant)",
                             path, l->id, key);
        }
    }
    return PX_OK;
}

static px_status read_layer(px_ctx *ctx, px_style *s, const json_t *jl, size_t index, px__slayer *l,
                            int *visible)
{
    const char *path = s->path;
    char buf[160];
    const char *id = json_string_value(json_object_get(jl, "id"));
    if (!json_is_object(jl) || !id)
        return px__error(ctx, PX_EPARSE, "%s: layer %zu: not an object with a string \"id\"", path, index);
    if (!(l->id = px__strdup(id))) return px__error(ctx, PX_ENOMEM, "out of memory");
    const char *type = json_string_value(json_object_get(jl, "type"));
    if (!type) return px__error(ctx, PX_EPARSE, "%s: layer '%s': no \"type\"", path, id);
    if (!strcmp(type, "background"))
        l->type = PX__SL_BACKGROUND;
    else if (!strcmp(type, "fill"))
        l->type = PX__SL_FILL;
    else if (!strcmp(type, "line"))
        l->type = PX__SL_LINE;
    else if (!strcmp(type, "circle"))
        l->type = PX__SL_CIRCLE;
    else if (!strcmp(type, "symbol"))
        l->type = PX__SL_SYMBOL;
    else
        return px__error(ctx, PX_EUNSUPPORTED, "%s: layer '%s': layer type '%s' is not supported", path, id,
                         type);
    l->minzoom = json_is_number(json_object_get(jl, "minzoom"))
                     ? json_number_value(json_object_get(jl, "minzoom"))
                     : 0;
    l->maxzoom = json_is_number(json_object_get(jl, "maxzoom"))
                     ? json_number_value(json_object_get(jl, "maxzoom"))
                     : 24;
    l->line_cap = CAIRO_LINE_CAP_BUTT;
    l->line_join = CAIRO_LINE_JOIN_MITER;
    if (l->type != PX__SL_BACKGROUND) {
        const char *table = json_string_value(json_object_get(jl, "source-layer"));
        if (!table)
            return px__error(ctx, PX_EPARSE, "%s: layer '%s': no \"source-layer\" (a table of the project)",
                             path, id);
        if (!(l->table = px__strdup(table))) return px__error(ctx, PX_ENOMEM, "out of memory");
    }
    l->optional = json_is_true(json_object_get(json_object_get(jl, "metadata"), "proxima:optional"));
    l->filter = json_object_get(jl, "filter");
    const char *what = l->filter ? px__style_check(l->filter, 1, buf, sizeof buf) : NULL;
    if (what)
        return px__error(ctx, PX_EUNSUPPORTED, "%s: layer '%s': filter: %s is not supported", path, id, what);
    const char *key;
    const json_t *v;
    json_object_foreach((json_t *)json_object_get(jl, "paint"), key, v)
    {
        size_t k = 0, n = sizeof paint_props / sizeof paint_props[0];
        while (k < n && (strcmp(paint_props[k].name, key) || paint_props[k].type != l->type))
            k++;
        if (k == n)
            return px__error(ctx, PX_EUNSUPPORTED, "%s: layer '%s': paint property '%s' is not supported",
                             path, id, key);
        if ((what = px__style_check(v, 0, buf, sizeof buf)))
            return px__error(ctx, PX_EUNSUPPORTED, "%s: layer '%s': %s: %s is not supported", path, id, key,
                             what);
        if (paint_props[k].is_color && json_is_string(v)) {
            double c[4];
            if (px__color_parse(json_string_value(v), c))
                return px__error(ctx, PX_EPARSE, "%s: layer '%s': %s: '%s' is not a colour", path, id, key,
                                 json_string_value(v));
        }
        l->paint[paint_props[k].prop] = v;
    }
    return read_layout(ctx, path, jl, l, visible);
}

px_status px_style_read(px_ctx *ctx, const char *path, px_style **out)
{
    if (!ctx || !path || !out) return px__error(ctx, PX_EINVAL, "px_style_read: NULL argument");
    px_style *s = calloc(1, sizeof *s);
    if (!s) return px__error(ctx, PX_ENOMEM, "out of memory");
    px_status rc = PX_OK;
    if (!(s->path = px__strdup(path))) {
        rc = px__error(ctx, PX_ENOMEM, "out of memory");
        goto done;
    }
    FILE *f = fopen(path, "rb");
    if (!f) {
        rc = px__error(ctx, PX_EIO, "%s: cannot read the style", path);
        goto done;
    }
    json_error_t err;
    s->root = json_loadf(f, 0, &err);
    fclose(f);
    if (!s->root) {
        rc = px__error(ctx, PX_EPARSE, "%s:%d: %s", path, err.line, err.text);
        goto done;
    }
    const json_t *layers = json_object_get(s->root, "layers");
    if (json_integer_value(json_object_get(s->root, "version")) != 8 || !json_is_array(layers)) {
        rc = px__error(ctx, PX_EPARSE,
                       "%s: not a MapLibre style (needs \"version\": 8 and a \"layers\" array)", path);
        goto done;
    }
    size_t n = json_array_size(layers);
    if (!(s->layers = calloc(n + 1, sizeof *s->layers))) {
        rc = px__error(ctx, PX_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < n && rc == PX_OK; i++) {
        px__slayer *l = &s->layers[s->n_layers];
        int visible = 1;
        rc = read_layer(ctx, s, json_array_get(layers, i), i, l, &visible);
        if (rc != PX_OK || !visible) {
            free(l->id);
            free(l->table);
            memset(l, 0, sizeof *l);
            continue;
        }
        if (l->table) rc = add_table(ctx, s, l->table);
        s->n_layers++;
    }
done:
    if (rc != PX_OK) {
        px_style_free(s);
        return rc;
    }
    *out = s;
    return PX_OK;
}
