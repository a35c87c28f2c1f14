/*
 * One source of a layer definition: its keys checked against the known ones
 * (an unknown key is an error naming it and its line, so a typo never passes
 * silently), field mappings, joins, the population proxy and geometry
 * transforms turned into a px__source. Whether the named files, layers and
 * fields exist is checked at load time, where GDAL can tell.
 */
#include "io_int.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

px_status px__def_error(px_ctx *ctx, px_status st, const px_layerdef *def, int line, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (line > 0) return px__error(ctx, st, "%s:%d: %s", def->path, line, msg);
    return px__error(ctx, st, "%s: %s", def->path, msg);
}

static px_status check_keys(px_ctx *ctx, const px_layerdef *def, const px__node *map, const char *what,
                            const char *const *known)
{
    for (size_t i = 0; i < map->n; i++) {
        int ok = 0;
        for (const char *const *k = known; *k; k++)
            if (!strcmp(map->keys[i], *k)) ok = 1;
        if (!ok) {
            char list[256] = "";
            for (const char *const *k = known; *k; k++) {
                strncat(list, k == known ? "" : ", ", sizeof list - strlen(list) - 1);
                strncat(list, *k, sizeof list - strlen(list) - 1);
            }
            return px__def_error(ctx, PX_EDOMAIN, def, map->key_lines[i],
                                 "unknown key '%s' in %s (known keys: %s)", map->keys[i], what, list);
        }
    }
    return PX_OK;
}

static px_status scalar(px_ctx *ctx, const px_layerdef *def, const px__node *n, const char *key, char **out)
{
    if (n->kind != PX__NODE_SCALAR)
        return px__def_error(ctx, PX_EDOMAIN, def, n->line, "'%s' must be a text value", key);
    if (n->is_null) {
        *out = NULL;
        return PX_OK;
    }
    *out = px__strdup(n->text);
    return *out ? PX_OK : px__error(ctx, PX_ENOMEM, "out of memory");
}

/* A string or a list of strings: source field names. */
static px_status field_list(px_ctx *ctx, const px_layerdef *def, const px__node *n, px__fieldmap *fm)
{
    size_t count = n->kind == PX__NODE_SEQ ? n->n : 1;
    if (n->kind == PX__NODE_MAP || count == 0 || (n->kind == PX__NODE_SCALAR && n->is_null))
        return px__def_error(ctx, PX_EDOMAIN, def, n->line,
                             "column '%s': 'field' must name a field or a list of fields", fm->column);
    fm->fields = calloc(count, sizeof *fm->fields);
    if (!fm->fields) return px__error(ctx, PX_ENOMEM, "out of memory");
    for (size_t i = 0; i < count; i++) {
        const px__node *it = n->kind == PX__NODE_SEQ ? n->items[i] : n;
        if (it->kind != PX__NODE_SCALAR || it->is_null || !*it->text)
            return px__def_error(ctx, PX_EDOMAIN, def, it->line, "column '%s': a field name must be text",
                                 fm->column);
        fm->fields[i] = px__strdup(it->text);
        if (!fm->fields[i]) return px__error(ctx, PX_ENOMEM, "out of memory");
        fm->n_fields++;
    }
    return PX_OK;
}

static px_status parse_fieldmap(px_ctx *ctx, const px_layerdef *def, const char *column, const px__node *n,
                                px__fieldmap *fm)
{
    static const char *const keys[] = {"field", "value", "map", "default", NULL};
    fm->column = px__strdup(column);
    fm->line = n->line;
    if (!fm->column) return px__error(ctx, PX_ENOMEM, "out of memory");
    if (n->kind != PX__NODE_MAP) {
        fm->kind = PX__FM_FIELD;
        return field_list(ctx, def, n, fm);
    }
    char what[96];
    snprintf(what, sizeof what, "the mapping of column '%s'", column);
    px_status rc = check_keys(ctx, def, n, what, keys);
    if (rc != PX_OK) return rc;
    const px__node *field = px__node_get(n, "field"), *value = px__node_get(n, "value"),
                   *map = px__node_get(n, "map"), *deflt = px__node_get(n, "default");
    if (value) {
        if (field || map || deflt)
            return px__def_error(ctx, PX_EDOMAIN, def, n->line,
                                 "column '%s': 'value' cannot be combined with other keys", column);
        fm->kind = PX__FM_VALUE;
        return scalar(ctx, def, value, "value", &fm->value);
    }
    if (!field)
        return px__def_error(ctx, PX_EDOMAIN, def, n->line, "column '%s': give 'field' or 'value'", column);
    rc = field_list(ctx, def, field, fm);
    if (rc != PX_OK) return rc;
    fm->kind = PX__FM_FIELD;
    if (deflt && !map)
        return px__def_error(ctx, PX_EDOMAIN, def, deflt->line, "column '%s': 'default' needs a 'map'",
                             column);
    if (!map) return PX_OK;
    if (map->kind != PX__NODE_MAP || map->n == 0)
        return px__def_error(ctx, PX_EDOMAIN, def, map->line,
                             "column '%s': 'map' must map source values to values", column);
    fm->kind = PX__FM_MAP;
    fm->map_from = calloc(map->n, sizeof *fm->map_from);
    fm->map_to = calloc(map->n, sizeof *fm->map_to);
    if (!fm->map_from || !fm->map_to) return px__error(ctx, PX_ENOMEM, "out of memory");
    for (size_t i = 0; i < map->n; i++) {
        fm->map_from[i] = px__strdup(map->keys[i]);
        if (!fm->map_from[i]) return px__error(ctx, PX_ENOMEM, "out of memory");
        fm->n_map++;
        rc = scalar(ctx, def, map->items[i], map->keys[i], &fm->map_to[i]);
        if (rc != PX_OK) return rc;
    }
    if (deflt) {
        fm->has_default = 1;
        rc = scalar(ctx, def, deflt, "default", &fm->deflt);
    }
    return rc;
}

static void fieldmap_clear(px__fieldmap *fm)
{
    free(fm->column);
    for (size_t i = 0; i < fm->n_fields; i++)
        free(fm->fields[i]);
    free(fm->fields);
    free(fm->value);
    for (size_t i = 0; i < fm->n_map; i++) {
        free(fm->map_from[i]);
        free(fm->map_to[i]);
    }
    free(fm->map_from);
    free(fm->map_to);
    free(fm->deflt);
}

static px_status parse_join(px_ctx *ctx, const px_layerdef *def, px_layer_id layer, const px__node *n,
                            px__join *j)
{
    static const char *const keys[] = {"source", "layer", "field", "key", "fields", NULL};
    j->line = n->line;
    if (n->kind != PX__NODE_MAP)
        return px__def_error(ctx, PX_EDOMAIN, def, n->line, "'join' must be a mapping");
    px_status rc = check_keys(ctx, def, n, "a join", keys);
    const char *need[] = {"source", "field", "key", "fields"};
    for (int i = 0; rc == PX_OK && i < 4; i++)
        if (!px__node_get(n, need[i]))
            rc = px__def_error(ctx, PX_EDOMAIN, def, n->line, "join: missing key '%s'", need[i]);
    if (rc == PX_OK) rc = scalar(ctx, def, px__node_get(n, "source"), "source", &j->source_text);
    if (rc == PX_OK && px__node_get(n, "layer"))
        rc = scalar(ctx, def, px__node_get(n, "layer"), "layer", &j->layer);
    if (rc == PX_OK) rc = scalar(ctx, def, px__node_get(n, "field"), "field", &j->field);
    if (rc == PX_OK) rc = scalar(ctx, def, px__node_get(n, "key"), "key", &j->key);
    if (rc != PX_OK) return rc;
    if (!j->source_text || !j->field || !j->key)
        return px__def_error(ctx, PX_EDOMAIN, def, n->line, "join: 'source', 'field' and 'key' must be set");
    j->path = px__resolve_path(def->dir, j->source_text);
    if (!j->path) return px__error(ctx, PX_ENOMEM, "out of memory");
    const px__node *f = px__node_get(n, "fields");
    if (f->kind != PX__NODE_MAP || f->n == 0)
        return px__def_error(ctx, PX_EDOMAIN, def, f->line,
                             "join: 'fields' must map columns to fields of the joined file");
    j->columns = calloc(f->n, sizeof *j->columns);
    j->join_fields = calloc(f->n, sizeof *j->join_fields);
    if (!j->columns || !j->join_fields) return px__error(ctx, PX_ENOMEM, "out of memory");
    for (size_t i = 0; i < f->n; i++) {
        if (!px__layer_has_column(layer, f->keys[i]))
            return px__def_error(ctx, PX_EDOMAIN, def, f->key_lines[i],
                                 "join: unknown column '%s' for layer '%s'", f->keys[i],
                                 px_layer_name(layer));
        j->columns[i] = px__strdup(f->keys[i]);
        if (!j->columns[i]) return px__error(ctx, PX_ENOMEM, "out of memory");
        j->n_columns++;
        rc = scalar(ctx, def, f->items[i], f->keys[i], &j->join_fields[i]);
        if (rc == PX_OK && !j->join_fields[i])
            rc = px__def_error(ctx, PX_EDOMAIN, def, f->items[i]->line,
                               "join: column '%s' needs a field name", f->keys[i]);
        if (rc != PX_OK) return rc;
    }
    return PX_OK;
}

static px_status parse_distribute(px_ctx *ctx, const px_layerdef *def, const px__node *n, px__distribute *d)
{
    static const char *const keys[] = {"total", "factor", NULL};
    d->line = n->line;
    if (n->kind != PX__NODE_MAP)
        return px__def_error(ctx, PX_EDOMAIN, def, n->line, "'distribute' must be a mapping");
    px_status rc = check_keys(ctx, def, n, "distribute", keys);
    if (rc != PX_OK) return rc;
    const px__node *total = px__node_get(n, "total");
    if (!total || total->kind != PX__NODE_SCALAR || !strchr(total->text, '.'))
        return px__def_error(ctx, PX_EDOMAIN, def, total ? total->line : n->line,
                             "distribute: 'total' must name LAYER.COLUMN (e.g. communes.population)");
    const char *dot = strchr(total->text, '.');
    d->total_layer = strndup(total->text, (size_t)(dot - total->text));
    d->total_column = px__strdup(dot + 1);
    if (!d->total_layer || !d->total_column) return px__error(ctx, PX_ENOMEM, "out of memory");
    px_layer_id tl;
    if (px_layer_lookup(d->total_layer, &tl) != PX_OK || !px__layer_has_column(tl, d->total_column))
        return px__def_error(ctx, PX_EDOMAIN, def, total->line,
                             "distribute: '%s' is not a LAYER.COLUMN of a canonical layer", total->text);
    const px__node *factor = px__node_get(n, "factor");
    if (!factor) return PX_OK;
    d->has_factor = 1;
    rc = parse_fieldmap(ctx, def, "factor", factor, &d->factor);
    if (rc != PX_OK) return rc;
    /* The factor's values are numbers known now: check them now, not once
     * per feature (a negative or infinite weight would poison the shares). */
    const px__fieldmap *fm = &d->factor;
    for (size_t i = 0; i <= fm->n_map; i++) {
        const char *t = i < fm->n_map ? fm->map_to[i] : fm->has_default ? fm->deflt : NULL;
        if (i < fm->n_map && !t) continue;
        if (i == fm->n_map && !t) break;
        char *end = NULL;
        double x = strtod(t, &end);
        if (end == t || *end || !isfinite(x) || x < 0 || x > PX__MAX_FACTOR)
            return px__def_error(ctx, PX_EDOMAIN, def, fm->line,
                                 "distribute: factor %s%s%s'%s' is not a number from 0 to 1e6",
                                 i < fm->n_map ? "for '" : "default", i < fm->n_map ? fm->map_from[i] : "",
                                 i < fm->n_map ? "': " : " ", t);
    }
    if (fm->kind == PX__FM_VALUE && fm->value) {
        char *end = NULL;
        double x = strtod(fm->value, &end);
        if (end == fm->value || *end || !isfinite(x) || x < 0 || x > PX__MAX_FACTOR)
            return px__def_error(ctx, PX_EDOMAIN, def, fm->line,
                                 "distribute: factor '%s' is not a number from 0 to 1e6", fm->value);
    }
    return PX_OK;
}

static px_status parse_fields(px_ctx *ctx, const px_layerdef *def, px_layer_id layer, const px__node *n,
                              px__source *src)
{
    if (n->kind != PX__NODE_MAP)
        return px__def_error(ctx, PX_EDOMAIN, def, n->line,
                             "'fields' must map columns of '%s' to source fields", px_layer_name(layer));
    src->fields = calloc(n->n + 1, sizeof *src->fields);
    if (!src->fields) return px__error(ctx, PX_ENOMEM, "out of memory");
    for (size_t i = 0; i < n->n; i++) {
        if (!px__layer_has_column(layer, n->keys[i])) {
            const px_table_schema *sc = px_layer_schema(layer);
            char cols[256] = "";
            for (size_t c = 0; c + 1 < sc->n_columns; c++) {
                strncat(cols, c ? ", " : "", sizeof cols - strlen(cols) - 1);
                strncat(cols, sc->columns[c].name, sizeof cols - strlen(cols) - 1);
            }
            return px__def_error(ctx, PX_EDOMAIN, def, n->key_lines[i],
                                 "unknown column '%s' for layer '%s' (columns: %s)", n->keys[i],
                                 px_layer_name(layer), cols);
        }
        px_status rc = parse_fieldmap(ctx, def, n->keys[i], n->items[i], &src->fields[src->n_fields++]);
        if (rc != PX_OK) return rc;
    }
    return PX_OK;
}

px_status px__source_parse(px_ctx *ctx, const px_layerdef *def, px_layer_id layer, const px__node *n,
                           px__source *src)
{
    static const char *const keys[] = {"source",   "layer",    "where", "sql",        "dialect",
                                       "srs",      "encoding", "note",  "fields",     "geometry",
                                       "buffer_m", "dissolve", "join",  "distribute", "attribution", NULL};
    memset(src, 0, sizeof *src);
    src->line = n->line;
    if (n->kind != PX__NODE_MAP)
        return px__def_error(ctx, PX_EDOMAIN, def, n->line,
                             "a source of layer '%s' must be a mapping with 'source:'", px_layer_name(layer));
    char what[96];
    snprintf(what, sizeof what, "a source of layer '%s'", px_layer_name(layer));
    px_status rc = check_keys(ctx, def, n, what, keys);
    if (rc != PX_OK) return rc;
    const px__node *v = px__node_get(n, "source");
    if (!v || v->kind != PX__NODE_SCALAR || v->is_null || !*v->text)
        return px__def_error(ctx, PX_EDOMAIN, def, n->line,
                             "a source of layer '%s' needs 'source:' (a file or connection)",
                             px_layer_name(layer));
    struct {
        const char *key;
        char **dst;
    } texts[] = {{"source", &src->source_text}, {"layer", &src->layer},
                 {"where", &src->where},        {"sql", &src->sql},
                 {"dialect", &src->dialect},    {"srs", &src->srs},
                 {"note", &src->note},          {"encoding", &src->encoding},
                 {"attribution", &src->attribution}};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
        if ((v = px__node_get(n, texts[i].key)) &&
            (rc = scalar(ctx, def, v, texts[i].key, texts[i].dst)) != PX_OK)
            return rc;
    src->path = px__resolve_path(def->dir, src->source_text);
    if (!src->path) return px__error(ctx, PX_ENOMEM, "out of memory");
    if (src->sql && src->layer)
        return px__def_error(ctx, PX_EDOMAIN, def, n->line,
                             "'sql' and 'layer' cannot both be given (the SQL names its layer)");
    if (src->dialect && !src->sql)
        return px__def_error(ctx, PX_EDOMAIN, def, n->line, "'dialect' needs 'sql'");
    if ((v = px__node_get(n, "geometry"))) {
        const char *g = v->kind == PX__NODE_SCALAR ? v->text : "";
        if (!strcmp(g, "point_on_surface"))
            src->geom_op = PX__GEOM_POINT_ON_SURFACE;
        else if (!strcmp(g, "centroid"))
            src->geom_op = PX__GEOM_CENTROID;
        else if (!strcmp(g, "as_is"))
            src->geom_op = PX__GEOM_AS_IS;
        else
            return px__def_error(ctx, PX_EDOMAIN, def, v->line,
                                 "geometry: '%s' is not one of point_on_surface, centroid, as_is", g);
    }
    if ((v = px__node_get(n, "buffer_m"))) {
        char *end = NULL;
        double b = v->kind == PX__NODE_SCALAR ? strtod(v->text, &end) : 0;
        if (!end || *end || !isfinite(b) || b <= 0 || b > PX__MAX_BUFFER_M)
            return px__def_error(ctx, PX_EDOMAIN, def, v->line,
                                 "buffer_m: '%s' is not a number of metres from 0 (excluded) to %g",
                                 v->kind == PX__NODE_SCALAR ? v->text : "", PX__MAX_BUFFER_M);
        src->buffer_m = b;
    }
    if ((v = px__node_get(n, "dissolve"))) {
        if (v->kind != PX__NODE_SCALAR || (strcmp(v->text, "true") && strcmp(v->text, "false")))
            return px__def_error(ctx, PX_EDOMAIN, def, v->line, "dissolve: must be true or false");
        src->dissolve = !strcmp(v->text, "true");
    }
    if ((v = px__node_get(n, "fields")) && (rc = parse_fields(ctx, def, layer, v, src)) != PX_OK) return rc;
    if ((v = px__node_get(n, "join"))) {
        src->join = calloc(1, sizeof *src->join);
        if (!src->join) return px__error(ctx, PX_ENOMEM, "out of memory");
        if ((rc = parse_join(ctx, def, layer, v, src->join)) != PX_OK) return rc;
    }
    if ((v = px__node_get(n, "distribute"))) {
        if (layer != PX_LAYER_POPULATION)
            return px__def_error(ctx, PX_EDOMAIN, def, v->line,
                                 "'distribute' is for the population layer only");
        src->distribute = calloc(1, sizeof *src->distribute);
        if (!src->distribute) return px__error(ctx, PX_ENOMEM, "out of memory");
        if ((rc = parse_distribute(ctx, def, v, src->distribute)) != PX_OK) return rc;
    }
    return PX_OK;
}

void px__source_clear(px__source *s)
{
    if (!s) return;
    free(s->source_text);
    free(s->path);
    free(s->layer);
    free(s->where);
    free(s->sql);
    free(s->dialect);
    free(s->srs);
    free(s->note);
    free(s->attribution);
    free(s->encoding);
    for (size_t i = 0; i < s->n_fields; i++)
        fieldmap_clear(&s->fields[i]);
    free(s->fields);
    if (s->join) {
        free(s->join->source_text);
        free(s->join->path);
        free(s->join->layer);
        free(s->join->field);
        free(s->join->key);
        for (size_t i = 0; i < s->join->n_columns; i++) {
            free(s->join->columns[i]);
            free(s->join->join_fields[i]);
        }
        free(s->join->columns);
        free(s->join->join_fields);
        free(s->join);
    }
    if (s->distribute) {
        free(s->distribute->total_layer);
        free(s->distribute->total_column);
        if (s->distribute->has_factor) fieldmap_clear(&s->distribute->factor);
        free(s->distribute);
    }
    memset(s, 0, sizeof *s);
}
