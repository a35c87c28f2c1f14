/*
 * Reading a MapLibre GL style (JSON, version 8) for the raster renderer:
 * layers of type background, fill, line, circle and symbol (text), their zoom range,
 * filter, paint properties and the line-cap/line-join/visibility layout
 * properties. Every other construct (symbol and other layer types, paint or
 * layout properties Proxima does not draw, expression operators it does not
 * evaluate) is refused here with PX_EUNSUPPORTED naming file, layer and
 * property: a style must mean the same in the browser and in PNG tiles, or
 * fail loudly. Sources are not fetched: a layer's source-layer names a table
 * of the project store.
 */
#include "style_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
    px__arena_clear(&s->tree);
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

/* Read the "paint" or "layout" object of a layer. */
static px_status read_props(px_ctx *ctx, px_style *s, const json_t *jl, px__slayer *l, const char *type_name,
                            int layout, int *visible)
{
    const char *path = s->path, *key, *what = layout ? "layout" : "paint";
    const json_t *obj = json_object_get(jl, what), *v;
    char err[400];
    if (obj && !json_is_object(obj))
        return px__error(ctx, PX_EPARSE, "%s: layer '%s': \"%s\" must be an object", path, l->id, what);
    json_object_foreach((json_t *)obj, key, v)
    {
        const px__propdef *d = px__prop_find(key, layout, l->type);
        if (!d) {
            if (px__prop_in_spec(key, layout, type_name))
                return px__error(ctx, PX_EUNSUPPORTED, "%s: layer '%s': %s property '%s' is not supported (not drawn by Proxima)",
                                 path, l->id, what, key);
            return px__error(ctx, PX_EUNSUPPORTED, "%s: layer '%s': %s property '%s' is not supported", path, l->id,
                             what, key);
        }
        if (d->prop == PX__P_SYMBOL_PLACEMENT && json_is_string(v) && strcmp(json_string_value(v), "point"))
            return px__error(ctx, PX_EUNSUPPORTED,
                             "%s: layer '%s': layout 'symbol-placement': '%s' is not supported (labels are "
                             "placed at points)",
                             path, l->id, json_string_value(v));
        const px__expr *e = px__prop_compile(d, v, &s->tree, err, sizeof err);
        if (!e)
            return px__error(ctx, strstr(err, "not supported") ? PX_EUNSUPPORTED : PX_EPARSE,
                             "%s: layer '%s': %s '%s': %s", path, l->id, what, key, err);
        if (d->prop == PX__P_COUNT) {
            px__sctx c = {.arena = &s->tree};
            char b[16];
            *visible = strcmp(px__style_string(e, &c, "visible", b, sizeof b), "none") != 0;
        } else {
            l->paint[d->prop] = e;
        }
    }
    return PX_OK;
}

static px_status read_layer(px_ctx *ctx, px_style *s, const json_t *jl, size_t index, px__slayer *l,
                            int *visible)
{
    const char *path = s->path;
    char err[400];
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
        l->type = PX__SL_SYMBOL; /* text labels only (labels.c) */
    else
        return px__error(ctx, PX_EUNSUPPORTED, "%s: layer '%s': layer type '%s' is not supported", path, id,
                         type);
    static const char *const zk[2] = {"minzoom", "maxzoom"};
    double z[2] = {0, 24};
    for (int i = 0; i < 2; i++) {
        const json_t *jz = json_object_get(jl, zk[i]);
        if (!jz) continue;
        if (!json_is_number(jz) || json_number_value(jz) < 0 || json_number_value(jz) > 24)
            return px__error(ctx, PX_EPARSE, "%s: layer '%s': \"%s\" must be a number from 0 to 24", path, id, zk[i]);
        z[i] = json_number_value(jz);
    }
    l->minzoom = z[0];
    l->maxzoom = z[1];
    l->optional = json_is_true(json_object_get(json_object_get(jl, "metadata"), "proxima:optional"));
    if (l->type != PX__SL_BACKGROUND) {
        const char *table = json_string_value(json_object_get(jl, "source-layer"));
        if (!table)
            return px__error(ctx, PX_EPARSE, "%s: layer '%s': no \"source-layer\" (a table of the project)",
                             path, id);
        if (!(l->table = px__strdup(table))) return px__error(ctx, PX_ENOMEM, "out of memory");
    }
    const json_t *filter = json_object_get(jl, "filter");
    if (filter && !json_is_null(filter)) {
        if (l->type == PX__SL_BACKGROUND)
            return px__error(ctx, PX_EPARSE, "%s: layer '%s': a background layer has no filter", path, id);
        if (!(l->filter = px__filter_compile(filter, &s->tree, err, sizeof err)))
            return px__error(ctx, strstr(err, "not supported") ? PX_EUNSUPPORTED : PX_EPARSE,
                             "%s: layer '%s': filter: %s", path, id, err);
    }
    px_status rc = read_props(ctx, s, jl, l, type, 0, visible);
    if (rc == PX_OK) rc = read_props(ctx, s, jl, l, type, 1, visible);
    return rc;
}

px_status px__style_from_json(px_ctx *ctx, const char *path, json_t *root, px_style **out)
{
    px_style *s = calloc(1, sizeof *s);
    if (!s) {
        json_decref(root);
        return px__error(ctx, PX_ENOMEM, "out of memory");
    }
    s->root = root;
    px_status rc = PX_OK;
    if (!(s->path = px__strdup(path))) {
        rc = px__error(ctx, PX_ENOMEM, "out of memory");
        goto done;
    }
    const json_t *layers = json_object_get(s->root, "layers");
    const json_t *version = json_object_get(s->root, "version");
    if (!json_is_number(version) || json_number_value(version) != 8 || !json_is_array(layers)) {
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
        for (size_t k = 0; rc == PX_OK && k < s->n_layers; k++)
            if (!strcmp(s->layers[k].id, l->id))
                rc = px__error(ctx, PX_EPARSE, "%s: layer '%s': duplicate layer id", path, l->id);
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

px_status px_style_read(px_ctx *ctx, const char *path, px_style **out)
{
    if (!ctx || !path || !out) return px__error(ctx, PX_EINVAL, "px_style_read: NULL argument");
    FILE *f = fopen(path, "rb");
    if (!f) return px__error(ctx, PX_EIO, "%s: cannot read the style", path);
    json_error_t err;
    json_t *root = json_loadf(f, JSON_REJECT_DUPLICATES | JSON_DECODE_INT_AS_REAL, &err);
    fclose(f);
    if (!root) return px__error(ctx, PX_EPARSE, "%s:%d: %s", path, err.line, err.text);
    return px__style_from_json(ctx, path, root, out);
}
