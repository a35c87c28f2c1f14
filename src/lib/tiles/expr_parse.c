/*
 * Compiling a style expression (JSON) into a typed tree, with the rules of
 * the MapLibre style specification: a bare value is a literal; the operator
 * decides the arity and the expected type of each argument; a value of type
 * "value" (e.g. ["get", ...]) meeting an expected string/number/boolean is
 * wrapped in an assertion (a coercion for colours and string properties);
 * any other mismatch is an error naming the JSON path; subtrees that read
 * neither the feature nor the zoom are evaluated once here (so a constant
 * error such as ["at", 5, ["literal", [1]]] is a compile error, as in
 * MapLibre). Special forms (step, interpolate, match...) are in
 * expr_parse_ctl.c; evaluation in expr_eval.c.
 */
#include "expr_int.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

px__expr *px__pc_error(px__pc *p, int index, const char *fmt, ...)
{
    if (p->failed) return NULL;
    p->failed = 1;
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (index >= 0)
        snprintf(p->err, p->err_len, "%s[%d]: %s", p->path, index, msg);
    else if (p->path_len)
        snprintf(p->err, p->err_len, "%s: %s", p->path, msg);
    else
        snprintf(p->err, p->err_len, "%s", msg);
    return NULL;
}

px__expr *px__pc_node(px__pc *p, int op, px__stype type, unsigned n)
{
    px__expr *e = px__arena_alloc(p->ar, sizeof *e);
    if (!e || (n && !(e->a = px__arena_alloc(p->ar, n * sizeof *e->a)))) {
        px__pc_error(p, -1, "out of memory");
        return NULL;
    }
    e->op = (unsigned char)op;
    e->type = type;
    e->n = n;
    return e;
}

static px__expr *literal(px__pc *p, const json_t *v, const px__stype *exp)
{
    px__sval val;
    px__val_from_json(v, &val);
    px__stype t = px__type_of(&val);
    if (t.k == PX__K_ARRAY && t.n == 0 && exp && exp->k == PX__K_ARRAY && (exp->n < 0 || exp->n == 0)) t = *exp;
    px__expr *e = px__pc_node(p, PX__OP_LITERAL, t, 0);
    if (e) e->v = val;
    return e;
}

static px__expr *parse_literal(px__pc *p, const json_t *j, const px__stype *exp)
{
    if (json_array_size(j) != 2)
        return px__pc_error(p, -1, "'literal' expression requires exactly one argument, but found %zu instead.",
                            json_array_size(j) - 1);
    return literal(p, json_array_get(j, 1), exp);
}

/* ["string"|"number"|"boolean"|"object"|"array", ...]: assert a type. */
static px__expr *parse_assert(px__pc *p, const json_t *j, const char *name)
{
    size_t n = json_array_size(j), i = 1;
    if (n < 2) return px__pc_error(p, -1, "Expected at least one argument.");
    px__stype t;
    if (!strcmp(name, "array")) {
        t = px__T(PX__K_ARRAY);
        if (n > 2) {
            const char *it = json_string_value(json_array_get(j, 1));
            if (!it || (strcmp(it, "string") && strcmp(it, "number") && strcmp(it, "boolean")))
                return px__pc_error(p, 1, "The item type argument of \"array\" must be one of string, number, boolean");
            t.item = it[0] == 's' ? PX__K_STR : it[0] == 'n' ? PX__K_NUM : PX__K_BOOL;
            i++;
        }
        if (n > 3) {
            const json_t *len = json_array_get(j, 2);
            if (!json_is_null(len)) {
                double d = json_number_value(len);
                if (!json_is_number(len) || d < 0 || d != floor(d) || d > 1e9)
                    return px__pc_error(p, 2, "The length argument to \"array\" must be a positive integer literal");
                t.n = (int)d;
            }
            i++;
        }
    } else {
        t = px__T(name[0] == 's' ? PX__K_STR : name[0] == 'n' ? PX__K_NUM : name[0] == 'b' ? PX__K_BOOL : PX__K_OBJECT);
    }
    px__expr *e = px__pc_node(p, PX__OP_ASSERT, t, (unsigned)(n - i));
    if (!e) return NULL;
    px__stype any = px__T(PX__K_VALUE);
    for (unsigned k = 0; i < n; i++, k++)
        if (!(e->a[k] = px__pc_parse(p, json_array_get(j, i), (int)i, &any, 0))) return NULL;
    return e;
}

/* ["to-boolean"|"to-color"|"to-number"|"to-string", ...]: convert. */
static px__expr *parse_coerce(px__pc *p, const json_t *j, const char *name)
{
    size_t n = json_array_size(j);
    if (n < 2) return px__pc_error(p, -1, "Expected at least one argument.");
    if ((!strcmp(name, "to-boolean") || !strcmp(name, "to-string")) && n != 2)
        return px__pc_error(p, -1, "Expected one argument.");
    unsigned char k = name[3] == 'b' ? PX__K_BOOL : name[3] == 'c' ? PX__K_COLOR : name[3] == 'n' ? PX__K_NUM : PX__K_STR;
    px__expr *e = px__pc_node(p, PX__OP_COERCE, px__T(k), (unsigned)(n - 1));
    if (!e) return NULL;
    px__stype any = px__T(PX__K_VALUE);
    for (size_t i = 1; i < n; i++)
        if (!(e->a[i - 1] = px__pc_parse(p, json_array_get(j, i), (int)i, &any, 0))) return NULL;
    return e;
}

static int comparable(int eq, unsigned char k)
{
    if (eq) return k == PX__K_BOOL || k == PX__K_STR || k == PX__K_NUM || k == PX__K_NULL || k == PX__K_VALUE;
    return k == PX__K_STR || k == PX__K_NUM || k == PX__K_VALUE;
}

static px__expr *parse_cmp(px__pc *p, const json_t *j, const char *op)
{
    size_t n = json_array_size(j);
    if (n != 3 && n != 4) return px__pc_error(p, -1, "Expected two or three arguments.");
    static const char *const ops[] = {"==", "!=", "<", "<=", ">", ">="};
    int sub = 0;
    while (strcmp(ops[sub], op))
        sub++;
    int eq = sub < 2;
    px__stype any = px__T(PX__K_VALUE);
    char b1[48], b2[48];
    px__expr *l = px__pc_parse(p, json_array_get(j, 1), 1, &any, 0);
    if (!l) return NULL;
    if (!comparable(eq, l->type.k))
        return px__pc_error(p, 1, "\"%s\" comparisons are not supported for type '%s'.", op, px__type_name(l->type, b1, sizeof b1));
    px__expr *r = px__pc_parse(p, json_array_get(j, 2), 2, &any, 0);
    if (!r) return NULL;
    if (!comparable(eq, r->type.k))
        return px__pc_error(p, 2, "\"%s\" comparisons are not supported for type '%s'.", op, px__type_name(r->type, b1, sizeof b1));
    if (l->type.k != r->type.k && l->type.k != PX__K_VALUE && r->type.k != PX__K_VALUE)
        return px__pc_error(p, -1, "Cannot compare types '%s' and '%s'.", px__type_name(l->type, b1, sizeof b1),
                            px__type_name(r->type, b2, sizeof b2));
    if (n == 4) return px__pc_error(p, 3, "\"collator\" is not supported: locale-aware comparison is not implemented");
    int untyped = l->type.k == PX__K_VALUE || r->type.k == PX__K_VALUE;
    if (!eq) {
        px__expr **wrap = l->type.k == PX__K_VALUE && r->type.k != PX__K_VALUE ? &l
                          : l->type.k != PX__K_VALUE && r->type.k == PX__K_VALUE ? &r : NULL;
        if (wrap) {
            px__expr *a = px__pc_node(p, PX__OP_ASSERT, (wrap == &l ? r : l)->type, 1);
            if (!a) return NULL;
            a->a[0] = *wrap;
            a->flags = (*wrap)->flags;
            *wrap = a;
        }
    }
    px__expr *e = px__pc_node(p, PX__OP_CMP, px__T(PX__K_BOOL), 2);
    if (!e) return NULL;
    e->sub = (unsigned char)sub;
    e->a[0] = l;
    e->a[1] = r;
    e->untyped = untyped;
    return e;
}

static void signature(const px__opsig *s, char *buf, size_t len)
{
    char tb[48];
    size_t o = (size_t)snprintf(buf, len, "(");
    if (s->n < 0 && o < len) o += (size_t)snprintf(buf + o, len - o, "%s...", px__type_name(px__T(s->p[0]), tb, sizeof tb));
    for (int i = 0; i < s->n && o < len; i++)
        o += (size_t)snprintf(buf + o, len - o, "%s%s", i ? ", " : "", px__type_name(px__T(s->p[i]), tb, sizeof tb));
    if (o < len) snprintf(buf + o, len - o, ")");
}

static px__expr *parse_compound(px__pc *p, const json_t *j, const px__opdef *d, int di)
{
    size_t nargs = json_array_size(j) - 1;
    int tried = 0;
    for (int s = 0; s < d->n_sig; s++) {
        const px__opsig *sig = &d->sig[s];
        if (sig->n >= 0 && (size_t)sig->n != nargs) continue;
        tried++;
        p->failed = 0;
        px__expr *e = px__pc_node(p, PX__OP_COMPOUND, d->ret, (unsigned)nargs);
        if (!e) return NULL;
        e->fn = d->fn;
        e->name = d->name;
        e->sub = (unsigned char)di;
        e->flags = d->flags;
        if ((d->flags & PX__EF_FEATURE) && (!strcmp(d->name, "get") || !strcmp(d->name, "has")) && nargs == 2)
            e->flags = 0; /* reads an object argument, not the feature */
        int ok = 1;
        for (size_t i = 0; ok && i < nargs; i++) {
            px__stype t = px__T(sig->n < 0 ? sig->p[0] : sig->p[i]);
            ok = (e->a[i] = px__pc_parse(p, json_array_get(j, i + 1), (int)i + 1, &t, 0)) != NULL;
        }
        if (ok) return e;
    }
    if (tried == 1) return NULL; /* that signature's own error */
    /* Name the signatures and the types found. */
    p->failed = 0;
    char sigs[200] = "", found[200] = "", tb[48], one[80];
    for (int s = 0; s < d->n_sig; s++) {
        signature(&d->sig[s], one, sizeof one);
        snprintf(sigs + strlen(sigs), sizeof sigs - strlen(sigs), "%s%s", s ? " | " : "", one);
    }
    for (size_t i = 0; i < nargs; i++) {
        px__expr *a = px__pc_parse(p, json_array_get(j, i + 1), (int)i + 1, NULL, 0);
        if (!a) return NULL;
        snprintf(found + strlen(found), sizeof found - strlen(found), "%s%s", i ? ", " : "",
                 px__type_name(a->type, tb, sizeof tb));
    }
    return px__pc_error(p, -1, "Expected arguments of type %s, but found (%s) instead.", sigs, found);
}

static px__expr *dispatch(px__pc *p, const json_t *j, const px__stype *exp)
{
    const json_t *head = json_array_get(j, 0);
    if (!json_is_string(head))
        return px__pc_error(p, 0, "Expression name must be a string, but found %s instead. If you wanted a literal array, use [\"literal\", [...]].",
                            json_is_number(head) ? "number" : json_is_boolean(head) ? "boolean" : json_is_null(head) ? "object" : json_is_array(head) ? "object" : "object");
    const char *op = json_string_value(head);
    int di;
    const px__opdef *d = px__op_find(op, &di);
    if (d) return parse_compound(p, j, d, di);
    if (!strcmp(op, "literal")) return parse_literal(p, j, exp);
    if (!strcmp(op, "string") || !strcmp(op, "number") || !strcmp(op, "boolean") || !strcmp(op, "object") ||
        !strcmp(op, "array"))
        return parse_assert(p, j, op);
    if (!strncmp(op, "to-", 3) && (!strcmp(op + 3, "boolean") || !strcmp(op + 3, "color") || !strcmp(op + 3, "number") || !strcmp(op + 3, "string")))
        return parse_coerce(p, j, op);
    if (!strcmp(op, "==") || !strcmp(op, "!=") || !strcmp(op, "<") || !strcmp(op, "<=") || !strcmp(op, ">") ||
        !strcmp(op, ">="))
        return parse_cmp(p, j, op);
    if (!strcmp(op, "step")) return px__parse_step(p, j, exp);
    if (!strcmp(op, "interpolate")) return px__parse_interp(p, j, exp, 0);
    if (!strcmp(op, "interpolate-hcl")) return px__parse_interp(p, j, exp, 1);
    if (!strcmp(op, "interpolate-lab")) return px__parse_interp(p, j, exp, 2);
    if (!strcmp(op, "match")) return px__parse_match(p, j, exp);
    if (!strcmp(op, "case")) return px__parse_case(p, j, exp);
    if (!strcmp(op, "coalesce")) return px__parse_coalesce(p, j, exp);
    if (!strcmp(op, "let")) return px__parse_let(p, j, exp);
    if (!strcmp(op, "var")) return px__parse_var(p, j);
    if (!strcmp(op, "at")) return px__parse_at(p, j, exp);
    if (!strcmp(op, "in")) return px__parse_in(p, j, 0);
    if (!strcmp(op, "index-of")) return px__parse_in(p, j, 1);
    if (!strcmp(op, "slice")) return px__parse_slice(p, j);
    if (!strcmp(op, "length")) return px__parse_length(p, j);
    if (!strcmp(op, "number-format")) return px__parse_number_format(p, j);
    const char *why = px__op_refused(op);
    if (why) return px__pc_error(p, 0, "expression operator '%s' is not supported: %s", op, why);
    return px__pc_error(p, 0, "Unknown expression \"%s\". If you wanted a literal array, use [\"literal\", [...]].", op);
}

static unsigned child_flags(const px__expr *e)
{
    unsigned f = e->flags;
    for (unsigned i = 0; i < e->n; i++)
        if (e->a[i]) f |= e->a[i]->flags & ~PX__EF_NOFOLD;
    if (e->op == PX__OP_VAR && e->bound) f |= e->bound->flags;
    return f;
}

static int is_const(const px__expr *e)
{
    if (e->op == PX__OP_VAR) return e->bound && e->bound->op == PX__OP_LITERAL;
    if (e->flags & (PX__EF_FEATURE | PX__EF_ZOOM | PX__EF_NOFOLD)) return 0;
    int annotation = e->op == PX__OP_ASSERT || e->op == PX__OP_COERCE;
    for (unsigned i = 0; i < e->n; i++)
        if (e->a[i] && (annotation ? !is_const(e->a[i]) : e->a[i]->op != PX__OP_LITERAL)) return 0;
    return 1;
}

static px__expr *annotate(px__pc *p, px__expr *e, const px__stype *exp, int how)
{
    px__expr *w = px__pc_node(p, how == PX__ANN_ASSERT ? PX__OP_ASSERT : PX__OP_COERCE, *exp, 1);
    if (!w) return NULL;
    w->a[0] = e;
    w->flags = e->flags & ~PX__EF_NOFOLD;
    return w;
}

px__expr *px__pc_parse(px__pc *p, const json_t *j, int index, const px__stype *exp, int annot)
{
    size_t saved = p->path_len;
    if (index >= 0 && p->path_len + 16 < sizeof p->path)
        p->path_len += (size_t)snprintf(p->path + p->path_len, sizeof p->path - p->path_len, "[%d]", index);
    px__expr *e = NULL;
    if (++p->depth > 100) {
        px__pc_error(p, -1, "expression nested too deeply (more than 100 levels)");
        goto done;
    }
    if (json_is_object(j)) {
        px__pc_error(p, -1, "Bare objects invalid. Use [\"literal\", {...}] instead.");
        goto done;
    }
    if (!json_is_array(j)) {
        e = literal(p, j, exp);
    } else if (json_array_size(j) == 0) {
        px__pc_error(p, -1, "Expected an array with at least one element. If you wanted a literal array, use [\"literal\", []].");
        goto done;
    } else {
        e = dispatch(p, j, exp);
    }
    if (!e) goto done;
    e->flags = child_flags(e);
    if (exp) {
        unsigned char ek = exp->k, ak = e->type.k;
        char buf[160];
        const char *msg;
        if ((ek == PX__K_STR || ek == PX__K_NUM || ek == PX__K_BOOL || ek == PX__K_OBJECT || ek == PX__K_ARRAY) &&
            ak == PX__K_VALUE) {
            int how = annot == PX__ANN_DEFAULT ? PX__ANN_ASSERT : annot;
            if (how != PX__ANN_OMIT) e = annotate(p, e, exp, how);
        } else if (ek == PX__K_COLOR && (ak == PX__K_VALUE || ak == PX__K_STR)) {
            int how = annot == PX__ANN_DEFAULT ? PX__ANN_COERCE : annot;
            if (how != PX__ANN_OMIT) e = annotate(p, e, exp, how);
        } else if ((msg = px__type_check(*exp, e->type, buf, sizeof buf))) {
            e = px__pc_error(p, -1, "%s", msg);
        }
        if (!e) goto done;
    }
    if (e->op != PX__OP_LITERAL && is_const(e)) {
        px__sctx c = {.arena = p->ar, .zoom = 0};
        px__sval v;
        if (px__expr_eval(e, &c, &v)) {
            e = px__pc_error(p, -1, "%s", c.err);
            goto done;
        }
        px__expr *l = px__pc_node(p, PX__OP_LITERAL, e->type, 0);
        if (!l) {
            e = NULL;
            goto done;
        }
        l->v = v;
        e = l;
    }
done:
    p->depth--;
    p->path_len = saved;
    p->path[saved] = '\0';
    return e;
}

px__expr *px__expr_parse(const json_t *json, const px__stype *expected, int coerce_string, px__arena *tree,
                         char *err, size_t err_len)
{
    px__pc *p = calloc(1, sizeof *p);
    if (!p) {
        snprintf(err, err_len, "out of memory");
        return NULL;
    }
    p->ar = tree;
    p->err = err;
    p->err_len = err_len;
    err[0] = '\0';
    px__expr *e = px__pc_parse(p, json, -1, expected,
                               coerce_string && expected && expected->k == PX__K_STR ? PX__ANN_COERCE : 0);
    if (e && tree->failed) {
        snprintf(err, err_len, "out of memory");
        e = NULL;
    }
    free(p);
    return e;
}

unsigned px__expr_flags(const px__expr *e)
{
    return e ? e->flags : 0;
}

/* ---- MapLibre's rule for "zoom" in property expressions ------------------------ */

static const char *const ZOOM_MSG =
    "\"zoom\" expression may only be used as input to a top-level \"step\" or \"interpolate\" expression.";

/* The zoom curve of e (a step/interpolate on ["zoom"]), NULL, or (px__expr *)1 on error (message in *msg). */
static const px__expr *zoom_curve(const px__expr *e, const char **msg)
{
    const px__expr *r = NULL;
    if (e->op == PX__OP_LET)
        r = zoom_curve(e->a[e->n - 1], msg);
    else if (e->op == PX__OP_COALESCE) {
        for (unsigned i = 0; i < e->n && !r; i++)
            r = zoom_curve(e->a[i], msg);
    } else if ((e->op == PX__OP_STEP || e->op == PX__OP_INTERP) && e->a[0]->op == PX__OP_COMPOUND &&
               !strcmp(e->a[0]->name, "zoom"))
        r = e;
    if (r == (const px__expr *)1) return r;
    for (unsigned i = 0; i < e->n; i++) {
        if (!e->a[i]) continue;
        const px__expr *c = zoom_curve(e->a[i], msg);
        if (c == (const px__expr *)1)
            return c;
        else if (!r && c) {
            *msg = ZOOM_MSG;
            return (const px__expr *)1;
        } else if (r && c && r != c) {
            *msg = "Only one zoom-based \"step\" or \"interpolate\" subexpression may be used in an expression.";
            return (const px__expr *)1;
        }
    }
    return r;
}

const char *px__expr_zoom_rule(const px__expr *e)
{
    const char *msg = NULL;
    const px__expr *c = zoom_curve(e, &msg);
    if (c == (const px__expr *)1) return msg;
    if (!c && (e->flags & PX__EF_ZOOM)) return ZOOM_MSG;
    return NULL;
}
