/*
 * The legacy forms of the style specification, rewritten into expressions
 * as MapLibre does before compiling: legacy filters (["==", "key", v],
 * ["in", "key", ...], ["has", "key"], "$type", "$id", "none", "!in",
 * "!has") and zoom functions ({"stops": [[z, v], ...], "base": b, "type":
 * "exponential" | "interval"}). Property functions ({"property": ...}) and
 * categorical/identity functions are refused with a message pointing to
 * the expression that replaces them.
 */
#include "style_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int px__filter_is_expression(const json_t *f)
{
    if (json_is_boolean(f)) return 1;
    if (!json_is_array(f) || !json_array_size(f)) return 0;
    const char *op = json_string_value(json_array_get(f, 0));
    size_t n = json_array_size(f);
    const json_t *a1 = json_array_get(f, 1), *a2 = json_array_get(f, 2);
    if (!op) return 1;
    if (!strcmp(op, "has")) {
        const char *k = json_string_value(a1);
        return n >= 2 && !(k && (!strcmp(k, "$id") || !strcmp(k, "$type")));
    }
    if (!strcmp(op, "in")) return n >= 3 && (!json_is_string(a1) || json_is_array(a2));
    if (!strcmp(op, "!in") || !strcmp(op, "!has") || !strcmp(op, "none")) return 0;
    if (!strcmp(op, "==") || !strcmp(op, "!=") || !strcmp(op, ">") || !strcmp(op, ">=") || !strcmp(op, "<") ||
        !strcmp(op, "<="))
        return n != 3 || json_is_array(a1) || json_is_array(a2);
    if (!strcmp(op, "any") || !strcmp(op, "all")) {
        for (size_t i = 1; i < n; i++) {
            const json_t *c = json_array_get(f, i);
            if (!px__filter_is_expression(c) && !json_is_boolean(c)) return 0;
        }
        return 1;
    }
    return 1;
}

static json_t *getter(const char *key)
{
    if (!strcmp(key, "$type")) return json_pack("[s]", "geometry-type");
    if (!strcmp(key, "$id")) return json_pack("[s]", "id");
    return json_pack("[ss]", "get", key);
}

static int is_scalar(const json_t *v)
{
    return json_is_string(v) || json_is_number(v) || json_is_boolean(v) || json_is_null(v);
}

static json_t *convert(const json_t *f, json_t *types, char *err, size_t len);

/* MapLibre guards each child of a legacy "any" with the types its
 * comparisons expect, so that a property of another type makes that child
 * false instead of failing the whole filter. */
static json_t *type_guard(json_t *types)
{
    json_t *conds = json_array();
    const char *k;
    json_t *v;
    json_object_foreach(types, k, v)
    json_array_append_new(conds, json_pack("[s[so]O]", "==", "typeof", getter(k), v));
    if (json_array_size(conds) == 0) {
        json_decref(conds);
        return NULL;
    }
    if (json_array_size(conds) == 1) {
        json_t *c = json_incref(json_array_get(conds, 0));
        json_decref(conds);
        return c;
    }
    json_array_insert_new(conds, 0, json_string("all"));
    return conds;
}

static json_t *convert_children(const char *op, const json_t *f, size_t from, json_t *types, char *err, size_t len)
{
    json_t *r = json_pack("[s]", op);
    int any = !strcmp(op, "any");
    for (size_t i = from; r && i < json_array_size(f); i++) {
        json_t *own = any ? json_object() : NULL;
        json_t *c = convert(json_array_get(f, i), any ? own : types, err, len);
        if (!c) {
            json_decref(own);
            json_decref(r);
            return NULL;
        }
        json_t *g = any ? type_guard(own) : NULL;
        json_decref(own);
        if (g) c = json_pack("[soob]", "case", g, c, 0);
        json_array_append_new(r, c);
    }
    return r;
}

static json_t *convert(const json_t *f, json_t *types, char *err, size_t len)
{
    if (px__filter_is_expression(f)) {
        if (types && json_is_array(f) && !json_is_string(json_array_get(f, 1)) && json_array_size(f) > 1) {
            /* An expression inside a legacy filter: MapLibre's validator wants a key. */
            snprintf(err, len, "legacy filter: a key (string) expected, %s found",
                     json_is_array(json_array_get(f, 1)) ? "array" : "other value");
            return NULL;
        }
        return json_deep_copy(f);
    }
    if (!json_is_array(f)) {
        snprintf(err, len, "a legacy filter must be an array");
        return NULL;
    }
    const char *op = json_string_value(json_array_get(f, 0));
    size_t n = json_array_size(f);
    /* As MapLibre: [] and ["all"] pass every feature, ["any"] none. */
    if (n <= 1) return json_boolean(!op || strcmp(op, "any") != 0);
    if (!op) {
        snprintf(err, len, "legacy filter: the first element must be an operator name");
        return NULL;
    }
    if (!strcmp(op, "all")) {
        json_t *r = convert_children("all", f, 1, types, err, len);
        if (r && json_array_size(r) == 2) { /* MapLibre unwraps a single child */
            json_t *c = json_incref(json_array_get(r, 1));
            json_decref(r);
            return c;
        }
        return r;
    }
    if (!strcmp(op, "any")) return convert_children("any", f, 1, types, err, len);
    if (!strcmp(op, "none")) {
        json_t *any = convert_children("any", f, 1, types, err, len);
        return any ? json_pack("[so]", "!", any) : NULL;
    }
    const char *key = json_string_value(json_array_get(f, 1));
    if (!key) {
        snprintf(err, len, "legacy filter '%s': the key must be a string", op);
        return NULL;
    }
    for (size_t i = 2; i < n; i++)
        if (!is_scalar(json_array_get(f, i)) || json_is_null(json_array_get(f, i))) {
            snprintf(err, len, "legacy filter '%s': string, number, or boolean expected, %s found", op,
                     json_is_null(json_array_get(f, i)) ? "null" : "other value");
            return NULL;
        }
    int is_type = !strcmp(key, "$type");
    if (is_type)
        for (size_t i = 2; i < n; i++) {
            const char *t = json_string_value(json_array_get(f, i));
            if (!t || (strcmp(t, "Point") && strcmp(t, "LineString") && strcmp(t, "Polygon"))) {
                snprintf(err, len, "legacy filter: \"$type\" values must be \"Point\", \"LineString\" or \"Polygon\"");
                return NULL;
            }
        }
    if (!strcmp(op, "has") || !strcmp(op, "!has")) {
        json_t *h = is_type ? json_true()
                    : !strcmp(key, "$id") ? json_pack("[so n]", "!=", json_pack("[s]", "id"))
                                          : json_pack("[ss]", "has", key);
        return op[0] == '!' ? json_pack("[so]", "!", h) : h;
    }
    if (!strcmp(op, "in") || !strcmp(op, "!in")) {
        int neg = op[0] == '!';
        if (n == 2) return json_boolean(neg);
        json_t *r = json_pack("[s]", neg ? "all" : "any");
        for (size_t i = 2; r && i < n; i++)
            json_array_append_new(r, json_pack("[soO]", neg ? "!=" : "==", getter(key), json_array_get(f, i)));
        return r;
    }
    static const char *const cmp[] = {"==", "!=", "<", "<=", ">", ">=", NULL};
    for (int i = 0; cmp[i]; i++)
        if (!strcmp(op, cmp[i])) {
            const json_t *v = json_array_get(f, 2);
            if (is_type && i > 1) {
                snprintf(err, len, "legacy filter: \"$type\" cannot be compared with '%s'", op);
                return NULL;
            }
            if (i > 1 && !json_is_string(v) && !json_is_number(v)) {
                snprintf(err, len, "legacy filter '%s': the value must be a string or a number", op);
                return NULL;
            }
            if (types && !json_is_null(v) && !is_type)
                json_object_set_new(types, key, json_string(json_is_string(v) ? "string" : json_is_number(v) ? "number" : "boolean"));
            if (json_is_null(v) && i < 2 && strcmp(key, "$id")) {
                if (i == 0) return json_pack("[s[ss][so n]]", "all", "has", key, "==", getter(key));
                return json_pack("[s[s[ss]][so n]]", "any", "!", "has", key, "!=", getter(key));
            }
            return json_pack("[soO]", op, getter(key), v);
        }
    snprintf(err, len, "unknown legacy filter operator '%s'", op ? op : "?");
    return NULL;
}

json_t *px__filter_convert(const json_t *f, char *err, size_t err_len)
{
    json_t *types = json_object();
    json_t *r = types ? convert(f, types, err, err_len) : NULL;
    json_decref(types);
    if (!r && !err[0]) snprintf(err, err_len, "out of memory");
    return r;
}

/* A stop value as an expression: arrays are literals. */
static json_t *stop_value(const json_t *v)
{
    return json_is_array(v) ? json_pack("[sO]", "literal", v) : json_incref((json_t *)v);
}

json_t *px__function_convert(const json_t *fn, int interpolated, char *err, size_t err_len)
{
    if (json_object_get(fn, "property")) {
        snprintf(err, err_len, "property functions are not supported (use [\"interpolate\", ..., [\"get\", \"%s\"], ...] or [\"match\", ...])",
                 json_string_value(json_object_get(fn, "property")) ? json_string_value(json_object_get(fn, "property")) : "name");
        return NULL;
    }
    const json_t *stops = json_object_get(fn, "stops");
    const char *type = json_string_value(json_object_get(fn, "type"));
    if (!type) type = interpolated ? "exponential" : "interval";
    if (strcmp(type, "exponential") && strcmp(type, "interval")) {
        snprintf(err, err_len, "zoom functions of type '%s' are not supported (use a \"step\" or \"match\" expression)", type);
        return NULL;
    }
    if (!strcmp(type, "exponential") && !interpolated) {
        snprintf(err, err_len, "exponential functions are not supported by this property (it is not interpolated)");
        return NULL;
    }
    const json_t *base = json_object_get(fn, "base");
    if (base && !json_is_number(base)) {
        snprintf(err, err_len, "function \"base\" must be a number");
        return NULL;
    }
    if (!json_is_array(stops) || !json_array_size(stops)) {
        snprintf(err, err_len, "a function needs a non-empty \"stops\" array");
        return NULL;
    }
    for (size_t i = 0; i < json_array_size(stops); i++) {
        const json_t *s = json_array_get(stops, i);
        if (!json_is_array(s) || json_array_size(s) != 2 || !json_is_number(json_array_get(s, 0))) {
            snprintf(err, err_len, "function stop %zu must be [zoom, value] with a numeric zoom", i);
            return NULL;
        }
        if (i && json_number_value(json_array_get(s, 0)) <= json_number_value(json_array_get(json_array_get(stops, i - 1), 0))) {
            snprintf(err, err_len, "function stop zoom values must appear in ascending order");
            return NULL;
        }
    }
    json_t *r;
    size_t n = json_array_size(stops);
    if (!strcmp(type, "interval")) {
        r = json_pack("[s[s]o]", "step", "zoom", stop_value(json_array_get(json_array_get(stops, 0), 1)));
        for (size_t i = 1; r && i < n; i++) {
            json_array_append(r, json_array_get(json_array_get(stops, i), 0));
            json_array_append_new(r, stop_value(json_array_get(json_array_get(stops, i), 1)));
        }
        if (r && n == 1) { /* a step needs a stop: the single value */
            json_decref(r);
            return stop_value(json_array_get(json_array_get(stops, 0), 1));
        }
    } else {
        r = base ? json_pack("[s[sO][s]]", "interpolate", "exponential", base, "zoom")
                 : json_pack("[s[s][s]]", "interpolate", "linear", "zoom");
        for (size_t i = 0; r && i < n; i++) {
            json_array_append(r, json_array_get(json_array_get(stops, i), 0));
            json_array_append_new(r, stop_value(json_array_get(json_array_get(stops, i), 1)));
        }
    }
    if (!r) snprintf(err, err_len, "out of memory");
    return r;
}
