/*
 * Test driver for the conformance test against MapLibre (conformance.mjs):
 * reads a JSON array of cases from a file, compiles each expression with
 * Proxima's style engine in the case's mode, evaluates it on each input,
 * and prints a JSON array of results on stdout:
 *   {"compiled": true|false, "error": "...", "outputs": [value | {"error": "..."}]}
 * Modes: "expr" (an expression, optional "type" expected: number, string,
 * boolean, color, array, array<number>...), "filter" (a layer filter) and
 * "paint"/"layout" with "layer" and "property" (a property value,
 * evaluated with MapLibre's fallback to the default). Colours are printed
 * as {"color": [r, g, b, a]} (0..1).
 */
#include "tiles/style_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static json_t *out_value(const px__sval *v)
{
    if (v->t == PX__K_COLOR) return json_pack("{so}", "$color", px__val_to_json(v));
    if (v->t == PX__K_NUM && !isfinite(v->n))
        return json_string(isnan(v->n) ? "NaN" : v->n > 0 ? "Infinity" : "-Infinity");
    return px__val_to_json(v);
}

static int parse_type(const char *s, px__stype *t)
{
    static const char *const names[] = {"null", "number", "string", "boolean", "color", "object", "array", "value"};
    *t = (px__stype){PX__K_VALUE, PX__K_VALUE, -1};
    if (!strncmp(s, "array<", 6)) {
        t->k = PX__K_ARRAY;
        char item[16] = "";
        int n = -1;
        if (sscanf(s + 6, "%15[a-z], %d>", item, &n) < 1) return -1;
        for (int i = 0; i < 8; i++)
            if (!strcmp(item, names[i])) t->item = (unsigned char)i;
        t->n = n;
        return 0;
    }
    for (int i = 0; i < 8; i++)
        if (!strcmp(s, names[i])) {
            t->k = (unsigned char)i;
            return 0;
        }
    return -1;
}

static px__sltype layer_type(const char *s)
{
    return !strcmp(s, "fill") ? PX__SL_FILL : !strcmp(s, "line") ? PX__SL_LINE : !strcmp(s, "circle") ? PX__SL_CIRCLE : PX__SL_BACKGROUND;
}

static json_t *run_case(const json_t *cs)
{
    const char *mode = json_string_value(json_object_get(cs, "mode"));
    const json_t *ex = json_object_get(cs, "expression");
    if (!mode) mode = "expr";
    px__arena tree = {0};
    char err[512] = "";
    const px__expr *e = NULL;
    const px__propdef *d = NULL;
    int is_filter = !strcmp(mode, "filter");
    if (!strcmp(mode, "expr")) {
        const char *ts = json_string_value(json_object_get(cs, "type"));
        px__stype t;
        if (ts && parse_type(ts, &t)) return json_pack("{sbss}", "compiled", 0, "error", "driver: bad type");
        e = px__expr_parse(ex, ts ? &t : NULL, 1, &tree, err, sizeof err);
    } else if (is_filter) {
        e = px__filter_compile(ex, &tree, err, sizeof err);
    } else {
        const char *prop = json_string_value(json_object_get(cs, "property"));
        const char *layer = json_string_value(json_object_get(cs, "layer"));
        d = prop && layer ? px__prop_find(prop, !strcmp(mode, "layout"), layer_type(layer)) : NULL;
        if (!d) return json_pack("{sbss}", "compiled", 0, "error", "driver: unknown property");
        e = px__prop_compile(d, ex, &tree, err, sizeof err);
    }
    json_t *r = json_pack("{sb}", "compiled", e != NULL);
    if (!e) {
        json_object_set_new(r, "error", json_string(err));
        px__arena_clear(&tree);
        return r;
    }
    json_t *outs = json_array();
    const json_t *inputs = json_object_get(cs, "inputs");
    for (size_t i = 0; i < json_array_size(inputs); i++) {
        const json_t *in = json_array_get(inputs, i);
        const json_t *g = json_array_get(in, 0), *f = json_array_get(in, 1);
        px__arena ar = {0};
        px__sctx c = {.zoom = json_number_value(json_object_get(g, "zoom")), .arena = &ar};
        c.props = json_object_get(f, "properties");
        c.geom_type = json_string_value(json_object_get(f, "type"));
        c.id = json_object_get(f, "id");
        px__sval v;
        if (is_filter) {
            json_array_append_new(outs, json_boolean(px__style_filter(e, &c)));
        } else if (d) {
            /* MapLibre: the value, or the default when it fails or is null/NaN. */
            if (px__expr_eval(e, &c, &v) || !px__prop_value_ok(d, &v)) {
                json_error_t je;
                json_t *def = d->def ? json_loads(d->def, JSON_DECODE_ANY, &je) : json_null();
                if (d->type.k == PX__K_COLOR && json_is_string(def)) {
                    memset(&v, 0, sizeof v);
                    v.t = PX__K_COLOR;
                    px__color_parse(json_string_value(def), v.c);
                    json_array_append_new(outs, out_value(&v));
                    json_decref(def);
                } else {
                    json_array_append_new(outs, def);
                }
            } else {
                json_array_append_new(outs, out_value(&v));
            }
        } else if (px__expr_eval(e, &c, &v)) {
            json_array_append_new(outs, json_pack("{ss}", "error", c.err));
        } else {
            json_array_append_new(outs, out_value(&v));
        }
        px__arena_clear(&ar);
    }
    json_object_set_new(r, "outputs", outs);
    px__arena_clear(&tree);
    return r;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s CASES.json\n", argv[0]);
        return 2;
    }
    json_error_t je;
    json_t *cases = json_load_file(argv[1], JSON_DECODE_INT_AS_REAL, &je);
    if (!json_is_array(cases)) {
        fprintf(stderr, "%s:%d: %s\n", argv[1], je.line, je.text);
        return 1;
    }
    json_t *res = json_array();
    for (size_t i = 0; i < json_array_size(cases); i++)
        json_array_append_new(res, run_case(json_array_get(cases, i)));
    json_dumpf(res, stdout, JSON_COMPACT | JSON_REAL_PRECISION(17));
    fputc('\n', stdout);
    json_decref(res);
    json_decref(cases);
    return 0;
}
