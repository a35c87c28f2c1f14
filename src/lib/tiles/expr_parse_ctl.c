/*
 * Compiling the special forms of the style specification, whose arguments
 * are not a fixed signature: step and interpolate (literal, strictly
 * ascending stops; interpolatable output types), match (literal, unique,
 * integer or string labels of one type), case, coalesce, let/var, at, in,
 * index-of, slice, length and number-format. The output type of a
 * branching form is the expected type, or else the first branch's type,
 * which every other branch must then have.
 */
#include "expr_int.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static int has_exp(const px__stype *exp)
{
    return exp && exp->k != PX__K_VALUE;
}

/* Stops of step/interpolate: labels at args[first], [first+2]...; outputs after each. */
static px__expr *stops(px__pc *p, const json_t *j, px__expr *e, size_t first, int is_step, px__stype *out)
{
    size_t n = json_array_size(j);
    unsigned k = 1;
    const char *what = is_step ? "step" : "interpolate";
    for (size_t i = first; i + 1 < n; i += 2, k++) {
        const json_t *label = json_array_get(j, i);
        double v;
        if (is_step && i == first) {
            v = -INFINITY;
        } else {
            if (!json_is_number(label))
                return px__pc_error(p, (int)i, "Input/output pairs for \"%s\" expressions must be defined using literal numeric values (not computed expressions) for the input values.", what);
            v = json_number_value(label);
        }
        if (k > 1 && e->labels[k - 2] >= v)
            return px__pc_error(p, (int)i, "Input/output pairs for \"%s\" expressions must be arranged with input values in strictly ascending order.", what);
        e->labels[k - 1] = v;
        if (!(e->a[k] = px__pc_parse(p, json_array_get(j, i + 1), (int)i + 1, out->k == PX__K_ERROR ? NULL : out, 0)))
            return NULL;
        if (out->k == PX__K_ERROR) *out = e->a[k]->type;
    }
    return e;
}

px__expr *px__parse_step(px__pc *p, const json_t *j, const px__stype *exp)
{
    size_t n = json_array_size(j);
    if (n - 1 < 4) return px__pc_error(p, -1, "Expected at least 4 arguments, but found only %zu.", n - 1);
    if ((n - 1) % 2 != 0) return px__pc_error(p, -1, "Expected an even number of arguments.");
    px__stype num = px__T(PX__K_NUM);
    px__expr *input = px__pc_parse(p, json_array_get(j, 1), 1, &num, 0);
    if (!input) return NULL;
    unsigned n_out = (unsigned)(n - 2) / 2 + 1;
    px__expr *e = px__pc_node(p, PX__OP_STEP, px__T(PX__K_VALUE), n_out + 1);
    if (!e || !(e->labels = px__arena_alloc(p->ar, n_out * sizeof *e->labels))) return px__pc_error(p, -1, "out of memory");
    e->a[0] = input;
    px__stype out = has_exp(exp) ? *exp : px__T(PX__K_ERROR);
    if (!stops(p, j, e, 1, 1, &out)) return NULL;
    e->type = out;
    return e;
}

px__expr *px__parse_interp(px__pc *p, const json_t *j, const px__stype *exp, int space)
{
    size_t n = json_array_size(j);
    const json_t *kind = json_array_get(j, 1);
    const char *kn = json_string_value(json_array_get(kind, 0));
    if (!json_is_array(kind) || !json_array_size(kind)) return px__pc_error(p, 1, "Expected an interpolation type expression.");
    int interp;
    double base = 1, bez[4] = {0};
    if (kn && !strcmp(kn, "linear")) {
        interp = 0;
    } else if (kn && !strcmp(kn, "exponential")) {
        if (!json_is_number(json_array_get(kind, 1))) return px__pc_error(p, 1, "Exponential interpolation requires a numeric base.");
        interp = 1;
        base = json_number_value(json_array_get(kind, 1));
    } else if (kn && !strcmp(kn, "cubic-bezier")) {
        int ok = json_array_size(kind) == 5;
        for (int i = 0; ok && i < 4; i++) {
            const json_t *c = json_array_get(kind, (size_t)i + 1);
            bez[i] = json_number_value(c);
            ok = json_is_number(c) && bez[i] >= 0 && bez[i] <= 1;
        }
        if (!ok) return px__pc_error(p, 1, "Cubic bezier interpolation requires four numeric arguments with values between 0 and 1.");
        interp = 2;
    } else {
        char b[64] = "undefined";
        if (kn) snprintf(b, sizeof b, "%s", kn);
        return px__pc_error(p, 1, "Unknown interpolation type %s", b);
    }
    if (n - 1 < 4) return px__pc_error(p, -1, "Expected at least 4 arguments, but found only %zu.", n - 1);
    if ((n - 1) % 2 != 0) return px__pc_error(p, -1, "Expected an even number of arguments.");
    px__stype num = px__T(PX__K_NUM);
    px__expr *input = px__pc_parse(p, json_array_get(j, 2), 2, &num, 0);
    if (!input) return NULL;
    unsigned n_out = (unsigned)(n - 3) / 2;
    px__expr *e = px__pc_node(p, PX__OP_INTERP, px__T(PX__K_VALUE), n_out + 1);
    if (!e || !(e->labels = px__arena_alloc(p->ar, n_out * sizeof *e->labels))) return px__pc_error(p, -1, "out of memory");
    e->a[0] = input;
    e->interp = interp;
    e->base = base;
    memcpy(e->bez, bez, sizeof bez);
    e->sub = (unsigned char)space;
    px__stype out = space ? px__T(PX__K_COLOR) : has_exp(exp) ? *exp : px__T(PX__K_ERROR);
    if (!stops(p, j, e, 3, 0, &out)) return NULL;
    int ok = out.k == PX__K_NUM || out.k == PX__K_COLOR ||
             (out.k == PX__K_ARRAY && out.item == PX__K_NUM);
    char tb[48];
    if (!ok) return px__pc_error(p, -1, "Type %s is not interpolatable.", px__type_name(out, tb, sizeof tb));
    e->type = out;
    return e;
}

px__expr *px__parse_match(px__pc *p, const json_t *j, const px__stype *exp)
{
    size_t n = json_array_size(j);
    if (n < 5) return px__pc_error(p, -1, "Expected at least 4 arguments, but found only %zu.", n - 1);
    if (n % 2 != 1) return px__pc_error(p, -1, "Expected an even number of arguments.");
    unsigned n_out = (unsigned)(n - 3) / 2, n_labels = 0;
    for (size_t i = 2; i + 1 < n; i += 2) {
        const json_t *l = json_array_get(j, i);
        n_labels += json_is_array(l) ? (unsigned)json_array_size(l) : 1;
    }
    px__expr *e = px__pc_node(p, PX__OP_MATCH, px__T(PX__K_VALUE), n_out + 2);
    if (!e || !(e->mlabels = px__arena_alloc(p->ar, (n_labels + 1) * sizeof *e->mlabels)) ||
        !(e->mbranch = px__arena_alloc(p->ar, (n_labels + 1) * sizeof *e->mbranch)))
        return px__pc_error(p, -1, "out of memory");
    px__stype out = has_exp(exp) ? *exp : px__T(PX__K_ERROR);
    unsigned char in_kind = PX__K_ERROR;
    unsigned k = 0;
    for (size_t i = 2; i + 1 < n; i += 2) {
        const json_t *labels = json_array_get(j, i);
        size_t nl = json_is_array(labels) ? json_array_size(labels) : 1;
        if (nl == 0) return px__pc_error(p, (int)i, "Expected at least one branch label.");
        for (size_t q = 0; q < nl; q++) {
            const json_t *l = json_is_array(labels) ? json_array_get(labels, q) : labels;
            if (!json_is_number(l) && !json_is_string(l)) return px__pc_error(p, (int)i, "Branch labels must be numbers or strings.");
            double d = json_number_value(l);
            if (json_is_number(l) && fabs(d) > 9007199254740991.0)
                return px__pc_error(p, (int)i, "Branch labels must be integers no larger than 9007199254740991.");
            if (json_is_number(l) && floor(d) != d) return px__pc_error(p, (int)i, "Numeric branch labels must be integer values.");
            unsigned char lk = json_is_number(l) ? PX__K_NUM : PX__K_STR;
            if (in_kind == PX__K_ERROR)
                in_kind = lk;
            else if (lk != in_kind)
                return px__pc_error(p, (int)i, "Expected %s but found %s instead.", in_kind == PX__K_NUM ? "number" : "string",
                                    lk == PX__K_NUM ? "number" : "string");
            px__sval v;
            px__val_from_json(l, &v);
            for (unsigned r = 0; r < k; r++)
                if (px__val_equal(&e->mlabels[r], &v)) return px__pc_error(p, (int)i, "Branch labels must be unique.");
            e->mlabels[k] = v;
            e->mbranch[k++] = (unsigned)(i - 2) / 2 + 1;
        }
        unsigned o = (unsigned)(i - 2) / 2 + 1;
        if (!(e->a[o] = px__pc_parse(p, json_array_get(j, i + 1), (int)i, out.k == PX__K_ERROR ? NULL : &out, 0))) return NULL;
        if (out.k == PX__K_ERROR) out = e->a[o]->type;
    }
    e->n_mlabels = k;
    e->mkind = in_kind;
    px__stype any = px__T(PX__K_VALUE);
    if (!(e->a[0] = px__pc_parse(p, json_array_get(j, 1), 1, &any, 0))) return NULL;
    if (!(e->a[n_out + 1] = px__pc_parse(p, json_array_get(j, n - 1), (int)n - 1, &out, 0))) return NULL;
    unsigned char ik = e->a[0]->type.k;
    if (ik != PX__K_VALUE && ik != in_kind) {
        char b1[48], b2[48];
        return px__pc_error(p, 1, "Expected %s but found %s instead.", px__type_name(px__T(in_kind), b1, sizeof b1),
                            px__type_name(e->a[0]->type, b2, sizeof b2));
    }
    e->type = out;
    return e;
}

px__expr *px__parse_case(px__pc *p, const json_t *j, const px__stype *exp)
{
    size_t n = json_array_size(j);
    if (n < 4) return px__pc_error(p, -1, "Expected at least 3 arguments, but found only %zu.", n - 1);
    if (n % 2 != 0) return px__pc_error(p, -1, "Expected an odd number of arguments.");
    px__expr *e = px__pc_node(p, PX__OP_CASE, px__T(PX__K_VALUE), (unsigned)n - 1);
    if (!e) return NULL;
    px__stype out = has_exp(exp) ? *exp : px__T(PX__K_ERROR), b = px__T(PX__K_BOOL);
    for (size_t i = 1; i + 1 < n; i += 2) {
        if (!(e->a[i - 1] = px__pc_parse(p, json_array_get(j, i), (int)i, &b, 0))) return NULL;
        if (!(e->a[i] = px__pc_parse(p, json_array_get(j, i + 1), (int)i + 1, out.k == PX__K_ERROR ? NULL : &out, 0)))
            return NULL;
        if (out.k == PX__K_ERROR) out = e->a[i]->type;
    }
    if (!(e->a[n - 2] = px__pc_parse(p, json_array_get(j, n - 1), (int)n - 1, out.k == PX__K_ERROR ? NULL : &out, 0)))
        return NULL;
    if (out.k == PX__K_ERROR) out = e->a[n - 2]->type;
    e->type = out;
    return e;
}

px__expr *px__parse_coalesce(px__pc *p, const json_t *j, const px__stype *exp)
{
    size_t n = json_array_size(j);
    if (n < 2) return px__pc_error(p, -1, "Expected at least one argument.");
    px__expr *e = px__pc_node(p, PX__OP_COALESCE, px__T(PX__K_VALUE), (unsigned)n - 1);
    if (!e) return NULL;
    px__stype out = has_exp(exp) ? *exp : px__T(PX__K_ERROR);
    for (size_t i = 1; i < n; i++) {
        if (!(e->a[i - 1] = px__pc_parse(p, json_array_get(j, i), (int)i, out.k == PX__K_ERROR ? NULL : &out, PX__ANN_OMIT)))
            return NULL;
        if (out.k == PX__K_ERROR) out = e->a[i - 1]->type;
    }
    int annotate = 0;
    char buf[160];
    for (unsigned i = 0; exp && i < e->n; i++)
        if (px__type_check(*exp, e->a[i]->type, buf, sizeof buf)) annotate = 1;
    e->type = annotate ? px__T(PX__K_VALUE) : out;
    return e;
}

px__expr *px__parse_let(px__pc *p, const json_t *j, const px__stype *exp)
{
    size_t n = json_array_size(j);
    if (n < 4) return px__pc_error(p, -1, "Expected at least 3 arguments, but found %zu instead.", n - 1);
    px__expr *e = px__pc_node(p, PX__OP_LET, px__T(PX__K_VALUE), (unsigned)(n - 1) / 2 + 1);
    if (!e) return NULL;
    int pushed = 0;
    unsigned k = 0;
    for (size_t i = 1; i + 1 < n; i += 2) {
        const char *name = json_string_value(json_array_get(j, i));
        if (!name) return px__pc_error(p, (int)i, "Expected string, but found %s instead.", "object");
        for (const char *c = name; *c; c++)
            if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || *c == '_'))
                return px__pc_error(p, (int)i, "Variable names must contain only alphanumeric characters or '_'.");
        if (!(e->a[k] = px__pc_parse(p, json_array_get(j, i + 1), (int)i + 1, NULL, 0))) goto fail;
        if (p->n_scope + pushed >= 64) {
            px__pc_error(p, (int)i, "too many variables in scope");
            goto fail;
        }
        k++;
    }
    /* Bindings are visible to the result only (each binding sees the outer scope). */
    k = 0;
    for (size_t i = 1; i + 1 < n; i += 2, k++) {
        p->scope[p->n_scope].name = json_string_value(json_array_get(j, i));
        p->scope[p->n_scope++].e = e->a[k];
        pushed++;
    }
    px__expr *r = px__pc_parse(p, json_array_get(j, n - 1), (int)n - 1, exp, 0);
    p->n_scope -= pushed;
    if (!r) return NULL;
    e->n = k + 1;
    e->a[k] = r;
    e->type = r->type;
    return e;
fail:
    return NULL;
}

px__expr *px__parse_var(px__pc *p, const json_t *j)
{
    const char *name = json_string_value(json_array_get(j, 1));
    if (json_array_size(j) != 2 || !name) return px__pc_error(p, -1, "'var' expression requires exactly one string literal argument.");
    for (int i = p->n_scope - 1; i >= 0; i--)
        if (!strcmp(p->scope[i].name, name)) {
            px__expr *e = px__pc_node(p, PX__OP_VAR, p->scope[i].e->type, 0);
            if (!e) return NULL;
            e->bound = p->scope[i].e;
            e->name = name;
            return e;
        }
    return px__pc_error(p, 1, "Unknown variable \"%s\". Make sure \"%s\" has been bound in an enclosing \"let\" expression before using it.", name, name);
}

px__expr *px__parse_at(px__pc *p, const json_t *j, const px__stype *exp)
{
    size_t n = json_array_size(j);
    if (n != 3) return px__pc_error(p, -1, "Expected 2 arguments, but found %zu instead.", n - 1);
    px__stype num = px__T(PX__K_NUM), arr = px__T(PX__K_ARRAY);
    arr.item = exp ? (exp->k == PX__K_ARRAY ? PX__K_VALUE : exp->k) : PX__K_VALUE;
    px__expr *e = px__pc_node(p, PX__OP_AT, px__T(PX__K_VALUE), 2);
    if (!e || !(e->a[0] = px__pc_parse(p, json_array_get(j, 1), 1, &num, 0)) ||
        !(e->a[1] = px__pc_parse(p, json_array_get(j, 2), 2, &arr, 0)))
        return NULL;
    e->type = px__T(e->a[1]->type.item);
    return e;
}

px__expr *px__parse_in(px__pc *p, const json_t *j, int index_of)
{
    size_t n = json_array_size(j);
    if (!index_of && n != 3) return px__pc_error(p, -1, "Expected 2 arguments, but found %zu instead.", n - 1);
    if (index_of && (n < 3 || n > 4))
        return px__pc_error(p, -1, "Expected 3 or 4 arguments, but found %zu instead.", n - 1);
    px__stype any = px__T(PX__K_VALUE), num = px__T(PX__K_NUM);
    px__expr *e = px__pc_node(p, index_of ? PX__OP_INDEX_OF : PX__OP_IN, px__T(index_of ? PX__K_NUM : PX__K_BOOL),
                              (unsigned)n - 1);
    if (!e || !(e->a[0] = px__pc_parse(p, json_array_get(j, 1), 1, &any, 0)) ||
        !(e->a[1] = px__pc_parse(p, json_array_get(j, 2), 2, &any, 0)))
        return NULL;
    unsigned char k = e->a[0]->type.k;
    char tb[48];
    if (k != PX__K_BOOL && k != PX__K_STR && k != PX__K_NUM && k != PX__K_NULL && k != PX__K_VALUE)
        return px__pc_error(p, -1, "Expected first argument to be of type boolean, string, number or null, but found %s instead",
                            px__type_name(e->a[0]->type, tb, sizeof tb));
    if (n == 4 && !(e->a[2] = px__pc_parse(p, json_array_get(j, 3), 3, &num, 0))) return NULL;
    return e;
}

px__expr *px__parse_slice(px__pc *p, const json_t *j)
{
    size_t n = json_array_size(j);
    if (n < 3 || n > 4) return px__pc_error(p, -1, "Expected 3 or 4 arguments, but found %zu instead.", n - 1);
    px__stype any = px__T(PX__K_VALUE), num = px__T(PX__K_NUM);
    px__expr *e = px__pc_node(p, PX__OP_SLICE, any, (unsigned)n - 1);
    if (!e || !(e->a[0] = px__pc_parse(p, json_array_get(j, 1), 1, &any, 0)) ||
        !(e->a[1] = px__pc_parse(p, json_array_get(j, 2), 2, &num, 0)))
        return NULL;
    unsigned char k = e->a[0]->type.k;
    char tb[48];
    if (k != PX__K_ARRAY && k != PX__K_STR && k != PX__K_VALUE)
        return px__pc_error(p, -1, "Expected first argument to be of type array or string, but found %s instead",
                            px__type_name(e->a[0]->type, tb, sizeof tb));
    if (n == 4 && !(e->a[2] = px__pc_parse(p, json_array_get(j, 3), 3, &num, 0))) return NULL;
    e->type = e->a[0]->type;
    return e;
}

px__expr *px__parse_length(px__pc *p, const json_t *j)
{
    size_t n = json_array_size(j);
    if (n != 2) return px__pc_error(p, -1, "Expected 1 argument, but found %zu instead.", n - 1);
    px__expr *e = px__pc_node(p, PX__OP_LENGTH, px__T(PX__K_NUM), 1);
    if (!e || !(e->a[0] = px__pc_parse(p, json_array_get(j, 1), 1, NULL, 0))) return NULL;
    unsigned char k = e->a[0]->type.k;
    char tb[48];
    if (k != PX__K_ARRAY && k != PX__K_STR && k != PX__K_VALUE)
        return px__pc_error(p, -1, "Expected argument of type string or array, but found %s instead.",
                            px__type_name(e->a[0]->type, tb, sizeof tb));
    return e;
}

/* JavaScript truthiness of an option's JSON value (MapLibre skips falsy options). */
static int js_truthy(const json_t *v)
{
    px__sval s;
    if (!v || json_is_array(v) || json_is_object(v)) return v != NULL;
    px__val_from_json(v, &s);
    return px__val_truthy(&s);
}

px__expr *px__parse_number_format(px__pc *p, const json_t *j)
{
    if (json_array_size(j) != 3) return px__pc_error(p, -1, "Expected two arguments.");
    px__stype num = px__T(PX__K_NUM), str = px__T(PX__K_STR);
    px__expr *e = px__pc_node(p, PX__OP_NUMBER_FORMAT, str, 5);
    if (!e || !(e->a[0] = px__pc_parse(p, json_array_get(j, 1), 1, &num, 0))) return NULL;
    const json_t *o = json_array_get(j, 2);
    if (!json_is_object(o)) return px__pc_error(p, -1, "NumberFormat options argument must be an object.");
    static const char *const keys[] = {"locale", "currency", "min-fraction-digits", "max-fraction-digits"};
    for (int i = 0; i < 4; i++) {
        const json_t *v = json_object_get(o, keys[i]);
        if (!js_truthy(v)) continue;
        if (!(e->a[i + 1] = px__pc_parse(p, v, 1, i < 2 ? &str : &num, 0))) return NULL;
    }
    if (js_truthy(json_object_get(o, "unit")))
        return px__pc_error(p, -1, "number-format: \"unit\" is not supported (units are not formatted)");
    return e;
}
