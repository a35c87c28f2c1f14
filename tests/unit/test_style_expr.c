/*
 * Unit tests of the style expression engine (src/lib/tiles/expr_*.c,
 * style_prop.c, style_legacy.c, color.c): compile-time typing and its
 * messages, evaluation of each family of operators on a feature, run-time
 * errors, the property rules, legacy forms and colours. The agreement with
 * MapLibre over thousands of cases is tests/style/ (ctest style_conformance);
 * here each case states the exact value or message expected.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "tiles/style_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static json_t *props;

static json_t *parse_json(const char *s)
{
    json_error_t err;
    json_t *j = json_loads(s, JSON_DECODE_ANY | JSON_DECODE_INT_AS_REAL, &err);
    if (!j) fail_msg("bad JSON in test: %s: %s", s, err.text);
    return j;
}

/* Compile `expr` (expected type `type`, NULL: any); evaluate at `zoom` on the
 * feature `props` (a Point); the result as a string (to-string form), or
 * "ERROR: msg" (evaluation) or "COMPILE: msg". */
static const char *run(const char *expr, const char *type, double zoom, char *buf, size_t len)
{
    json_t *j = parse_json(expr);
    px__arena tree = {0}, ar = {0};
    char err[400];
    px__stype t = {PX__K_VALUE, PX__K_VALUE, -1};
    if (type) {
        if (!strcmp(type, "number")) t.k = PX__K_NUM;
        if (!strcmp(type, "string")) t.k = PX__K_STR;
        if (!strcmp(type, "color")) t.k = PX__K_COLOR;
        if (!strcmp(type, "boolean")) t.k = PX__K_BOOL;
    }
    px__expr *e = px__expr_parse(j, type ? &t : NULL, 0, &tree, err, sizeof err);
    if (!e) {
        snprintf(buf, len, "COMPILE: %s", err);
    } else {
        px__sctx c = {.zoom = zoom, .props = props, .geom_type = "Point", .arena = &ar};
        px__sval v;
        if (px__expr_eval(e, &c, &v))
            snprintf(buf, len, "ERROR: %s", c.err);
        else
            snprintf(buf, len, "%s", px__val_string(&v, &ar));
    }
    px__arena_clear(&ar);
    px__arena_clear(&tree);
    json_decref(j);
    return buf;
}

#define EXPECT(expr, type, zoom, want)                                                                       \
    do {                                                                                                     \
        char b_[512];                                                                                        \
        const char *got_ = run(expr, type, zoom, b_, sizeof b_);                                             \
        if (strcmp(got_, want)) fail_msg("%s: got '%s', want '%s'", expr, got_, want);                       \
    } while (0)

static int setup(void **state)
{
    (void)state;
    props = parse_json("{\"name\": \"Lyon\", \"n\": 3, \"s\": \"12\", \"pop\": 1234.5, \"arr\": [1, 2, 3],"
                       " \"obj\": {\"k\": \"v\"}, \"hazard\": \"high\", \"fr\": \"\\u00e9vreux\"}");
    return 0;
}
static int teardown(void **state)
{
    (void)state;
    json_decref(props);
    return 0;
}

static void test_px__expr_parse_arity_and_types(void **state)
{
    (void)state;
    /* Issue 13: missing operands are compile errors, not NULL dereferences. */
    EXPECT("[\"==\", [\"get\", \"name\"]]", NULL, 0, "COMPILE: Expected two or three arguments.");
    EXPECT("[\"/\", 1]", NULL, 0, "COMPILE: Expected arguments of type (number, number), but found (number) instead.");
    EXPECT("[\"rgb\", 1, 2]", NULL, 0, "COMPILE: Expected arguments of type (number, number, number), but found (number, number) instead.");
    EXPECT("[\"!\"]", NULL, 0, "COMPILE: Expected arguments of type (boolean), but found () instead.");
    EXPECT("[\"to-string\"]", NULL, 0, "COMPILE: Expected at least one argument.");
    EXPECT("[\"in\", \"a\"]", NULL, 0, "COMPILE: Expected 2 arguments, but found 1 instead.");
    EXPECT("[\"+\", 1, \"a\"]", NULL, 0, "COMPILE: [2]: Expected number but found string instead.");
    EXPECT("[\"<\", 1, \"a\"]", NULL, 0, "COMPILE: Cannot compare types 'number' and 'string'.");
    EXPECT("[\"nope\", 1]", NULL, 0, "COMPILE: [0]: Unknown expression \"nope\". If you wanted a literal array, use [\"literal\", [...]].");
    EXPECT("[\"feature-state\", \"h\"]", NULL, 0, "COMPILE: [0]: expression operator 'feature-state' is not supported: feature state exists only in a browser");
    EXPECT("{\"a\": 1}", NULL, 0, "COMPILE: Bare objects invalid. Use [\"literal\", {...}] instead.");
    EXPECT("[]", NULL, 0, "COMPILE: Expected an array with at least one element. If you wanted a literal array, use [\"literal\", []].");
    EXPECT("\"red\"", "number", 0, "COMPILE: Expected number but found string instead.");
    /* Constant subexpressions are evaluated at compile time: their errors too. */
    EXPECT("[\"at\", 5, [\"literal\", [1]]]", NULL, 0, "COMPILE: Array index out of bounds: 5 > 0.");
    EXPECT("[\"string\", 5]", NULL, 0, "COMPILE: Expected value to be of type string, but found number instead.");
    EXPECT("\"nope\"", "color", 0, "COMPILE: Could not parse color from value 'nope'");
    /* Stops. */
    EXPECT("[\"step\", [\"zoom\"], 1, 10, 2, 5, 3]", NULL, 0,
           "COMPILE: [5]: Input/output pairs for \"step\" expressions must be arranged with input values in strictly ascending order.");
    EXPECT("[\"interpolate\", [\"linear\"], [\"zoom\"], 0, \"a\", 1, \"b\"]", NULL, 0, "COMPILE: Type string is not interpolatable.");
    EXPECT("[\"match\", [\"get\", \"n\"], 1.5, \"a\", \"b\"]", NULL, 0, "COMPILE: [2]: Numeric branch labels must be integer values.");
    EXPECT("[\"var\", \"x\"]", NULL, 0,
           "COMPILE: [1]: Unknown variable \"x\". Make sure \"x\" has been bound in an enclosing \"let\" expression before using it.");
}

static void test_px__expr_eval_values(void **state)
{
    (void)state;
    EXPECT("[\"get\", \"name\"]", NULL, 0, "Lyon");
    EXPECT("[\"+\", [\"get\", \"n\"], 0.5]", NULL, 0, "3.5");
    EXPECT("[\"number\", [\"get\", \"s\"]]", NULL, 0, "ERROR: Expected value to be of type number, but found string instead.");
    EXPECT("[\"to-number\", [\"get\", \"s\"]]", NULL, 0, "12");
    EXPECT("[\"let\", \"a\", [\"get\", \"n\"], [\"*\", [\"var\", \"a\"], [\"var\", \"a\"]]]", NULL, 0, "9");
    EXPECT("[\"concat\", [\"get\", \"name\"], \" \", [\"get\", \"pop\"], [\"get\", \"arr\"]]", NULL, 0, "Lyon 1234.5[1,2,3]");
    /* MapLibre ignores falsy options: "max-fraction-digits": 0 is no option at all. */
    EXPECT("[\"number-format\", [\"get\", \"pop\"], {\"locale\": \"fr\", \"max-fraction-digits\": 0}]", NULL, 0, "1\xe2\x80\xaf" "234,5");
    EXPECT("[\"number-format\", [\"get\", \"pop\"], {\"locale\": \"de\", \"max-fraction-digits\": 1e-9}]", NULL, 0, "1.235");
    EXPECT("[\"number-format\", 1234.5, {\"currency\": \"EUR\"}]", NULL, 0, "\xe2\x82\xac" "1,234.50");
    EXPECT("[\"upcase\", [\"get\", \"fr\"]]", NULL, 0, "\xc3\x89VREUX");
    EXPECT("[\"length\", [\"get\", \"fr\"]]", NULL, 0, "6");
    EXPECT("[\"slice\", [\"get\", \"name\"], 1, -1]", NULL, 0, "yo");
    EXPECT("[\"index-of\", \"o\", [\"get\", \"name\"]]", NULL, 0, "2");
    EXPECT("[\"at\", 1, [\"get\", \"arr\"]]", NULL, 0, "2");
    EXPECT("[\"at\", 9, [\"get\", \"arr\"]]", NULL, 0, "ERROR: Array index out of bounds: 9 > 2.");
    EXPECT("[\"in\", 2, [\"get\", \"arr\"]]", NULL, 0, "true");
    EXPECT("[\"get\", \"k\", [\"get\", \"obj\"]]", NULL, 0, "v");
    EXPECT("[\"typeof\", [\"get\", \"arr\"]]", NULL, 0, "array<number, 3>");
    EXPECT("[\"match\", [\"get\", \"hazard\"], [\"high\", \"very high\"], 3, 1]", NULL, 0, "3");
    EXPECT("[\"case\", [\"has\", \"missing\"], 1, [\">\", [\"get\", \"n\"], 2], 2, 3]", NULL, 0, "2");
    EXPECT("[\"coalesce\", [\"get\", \"missing\"], [\"get\", \"name\"]]", NULL, 0, "Lyon");
    EXPECT("[\"round\", -2.5]", NULL, 0, "-3");
    EXPECT("[\"^\", 2, 0.5]", NULL, 0, "1.4142135623730951");
    EXPECT("[\"to-string\", 1e21]", NULL, 0, "1e+21");
    EXPECT("[\"to-string\", 0.000001]", NULL, 0, "0.000001");
    EXPECT("[\"to-string\", 1e-7]", NULL, 0, "1e-7");
    EXPECT("[\"geometry-type\"]", NULL, 0, "Point");
    /* Curves. */
    EXPECT("[\"step\", [\"zoom\"], \"a\", 10, \"b\"]", NULL, 10, "b");
    EXPECT("[\"interpolate\", [\"exponential\", 2], [\"zoom\"], 10, 0, 12, 3]", NULL, 11, "1");
    EXPECT("[\"interpolate\", [\"cubic-bezier\", 0, 0, 1, 1], [\"zoom\"], 0, 0, 10, 100]", NULL, 5, "50");
    EXPECT("[\"interpolate-lab\", [\"linear\"], [\"zoom\"], 0, \"black\", 10, \"white\"]", NULL, 0, "rgba(0,0,0,1)");
    EXPECT("[\"interpolate-hcl\", [\"linear\"], [\"zoom\"], 0, \"red\", 10, \"red\"]", NULL, 5, "rgba(255,0,0,1)");
}

static void test_px__color_parse_css4(void **state)
{
    (void)state;
    EXPECT("[\"to-string\", [\"to-color\", \"rgb(0% 0% 100% / 0)\"]]", NULL, 0, "rgba(0,0,255,0)");
    EXPECT("[\"to-string\", [\"to-color\", \"hsl(240 100% 50% / 0.5)\"]]", NULL, 0, "rgba(0,0,255,0.5)");
    EXPECT("[\"to-string\", [\"to-color\", \"#ff000080\"]]", NULL, 0, "rgba(255,0,0,0.5019607843137255)");
    EXPECT("[\"to-string\", [\"to-color\", \"DarkSlateGrey\"]]", NULL, 0, "rgba(47,79,79,1)");
    EXPECT("[\"to-string\", [\"rgba\", 10, 20, 30, 0.25]]", NULL, 0, "rgba(10,20,30,0.25)");
    EXPECT("[\"to-rgba\", \"red\"]", NULL, 0, "[255,0,0,1]");
    EXPECT("[\"rgb\", 300, 0, 0]", NULL, 0, "COMPILE: Invalid rgba value [300, 0, 0]: 'r', 'g', and 'b' must be between 0 and 255.");
    double c[4];
    assert_int_equal(px__color_parse("rgb(255, 0 0)", c), -1); /* commas and spaces mixed */
    assert_int_equal(px__color_parse("hsl(120, 100, 50)", c), -1);
}

static void prop(const char *name, int layout, px__sltype lt, const char *value, const char *want_err)
{
    json_t *j = parse_json(value);
    px__arena tree = {0};
    char err[400];
    const px__expr *e = px__prop_compile(px__prop_find(name, layout, lt), j, &tree, err, sizeof err);
    if (want_err && e) fail_msg("%s: %s accepted", name, value);
    if (!want_err && !e) fail_msg("%s: %s refused: %s", name, value, err);
    if (want_err && strcmp(err, want_err)) fail_msg("%s: %s: got '%s', want '%s'", name, value, err, want_err);
    px__arena_clear(&tree);
    json_decref(j);
}

static void test_px__prop_compile_rules(void **state)
{
    (void)state;
    prop("circle-radius", 0, PX__SL_CIRCLE, "1e308", NULL);
    prop("circle-radius", 0, PX__SL_CIRCLE, "-1", "-1 is less than the minimum value 0");
    prop("circle-opacity", 0, PX__SL_CIRCLE, "2", "2 is greater than the maximum value 1");
    prop("circle-color", 0, PX__SL_CIRCLE, "5", "color expected, number found");
    prop("circle-radius", 0, PX__SL_CIRCLE, "[\"+\", 1, [\"zoom\"]]",
         "\"zoom\" expression may only be used as input to a top-level \"step\" or \"interpolate\" expression.");
    prop("circle-radius", 0, PX__SL_CIRCLE, "[\"interpolate\", [\"linear\"], [\"zoom\"], 0, [\"get\", \"n\"], 10, 5]", NULL);
    prop("fill-antialias", 0, PX__SL_FILL, "[\"get\", \"b\"]", "data expressions not supported");
    prop("line-dasharray", 0, PX__SL_LINE, "[\"interpolate\", [\"linear\"], [\"zoom\"], 0, [\"literal\", [1, 1]], 10, [\"literal\", [2, 2]]]",
         "\"interpolate\" expressions cannot be used with this property");
    prop("line-cap", 1, PX__SL_LINE, "\"rounded\"", "expected one of [\"butt\", \"round\", \"square\"], \"rounded\" found");
    prop("circle-radius", 0, PX__SL_CIRCLE, "{\"stops\": [[10, 1], [5, 2]]}", "function stop zoom values must appear in ascending order");
    prop("circle-radius", 0, PX__SL_CIRCLE, "{\"property\": \"n\", \"stops\": [[0, 1]]}",
         "property functions are not supported (use [\"interpolate\", ..., [\"get\", \"n\"], ...] or [\"match\", ...])");
}

static int filter(const char *f, const char *hazard, double n)
{
    json_t *j = parse_json(f), *p = json_pack("{sssf}", "hazard", hazard, "n", n);
    px__arena tree = {0};
    char err[400];
    const px__expr *e = px__filter_compile(j, &tree, err, sizeof err);
    if (!e) fail_msg("%s: %s", f, err);
    px__sctx c = {.props = p, .geom_type = "Polygon"};
    int r = px__style_filter(e, &c);
    px__arena_clear(&tree);
    json_decref(j);
    json_decref(p);
    return r;
}

static void test_px__filter_legacy(void **state)
{
    (void)state;
    assert_int_equal(filter("[\"==\", \"hazard\", \"high\"]", "high", 0), 1);
    assert_int_equal(filter("[\"in\", \"hazard\", \"low\", \"medium\"]", "high", 0), 0);
    assert_int_equal(filter("[\"!in\", \"hazard\", \"low\", \"medium\"]", "high", 0), 1);
    assert_int_equal(filter("[\"==\", \"$type\", \"Polygon\"]", "high", 0), 1);
    assert_int_equal(filter("[\"none\", [\"<\", \"n\", 5]]", "high", 7), 1);
    /* A legacy "any" guards each child's types: a string compared with a number is false, not an error. */
    assert_int_equal(filter("[\"any\", [\"<\", \"hazard\", 5], [\">\", \"n\", 1]]", "high", 2), 1);
    /* An expression filter whose evaluation fails rejects the feature. */
    assert_int_equal(filter("[\"<\", [\"get\", \"hazard\"], 5]", "high", 2), 0);
    json_t *j = parse_json("[\"==\", \"nul\", null]");
    px__arena tree = {0};
    char err[200];
    assert_null(px__filter_compile(j, &tree, err, sizeof err));
    assert_string_equal(err, "legacy filter '==': string, number, or boolean expected, null found");
    px__arena_clear(&tree);
    json_decref(j);
}

/* ["let", "v0", X, ["let", "v1", [OP, ["var", "v0"], ["var", "v0"]], ... ["var", "vN"]]]: each level
 * doubles the work (bindings are evaluated where used). */
static char *let_chain(const char *op, const char *x, int levels)
{
    size_t cap = 200 * (size_t)levels + 200, o = 0;
    char *s = malloc(cap);
    o += (size_t)snprintf(s + o, cap - o, "[\"let\", \"v0\", %s, ", x);
    for (int i = 1; i <= levels; i++)
        o += (size_t)snprintf(s + o, cap - o, "[\"let\", \"v%d\", [\"%s\", [\"var\", \"v%d\"], [\"var\", \"v%d\"]], ", i, op,
                              i - 1, i - 1);
    o += (size_t)snprintf(s + o, cap - o, "[\"var\", \"v%d\"]", levels);
    for (int i = 0; i <= levels; i++)
        o += (size_t)snprintf(s + o, cap - o, "]");
    return s;
}

static void test_px__expr_eval_bounded(void **state)
{
    (void)state;
    char *e = let_chain("+", "[\"get\", \"n\"]", 40);
    EXPECT(e, NULL, 0, "ERROR: expression too costly to evaluate (more than 1000000 steps)");
    free(e);
    e = let_chain("+", "[\"get\", \"n\"]", 10); /* 2^10 additions: fine */
    EXPECT(e, NULL, 0, "3072");
    free(e);
    /* Constant: folded level by level at compile time, so cheap, until the string cap. */
    e = let_chain("concat", "\"ab\"", 40);
    char b[512];
    const char *got = run(e, NULL, 0, b, sizeof b);
    if (strncmp(got, "COMPILE: [", 10) || !strstr(got, "]: concat: string longer than 1048576 bytes"))
        fail_msg("let chain of concat: %s", got);
    free(e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_px__expr_parse_arity_and_types),
        cmocka_unit_test(test_px__expr_eval_values),
        cmocka_unit_test(test_px__color_parse_css4),
        cmocka_unit_test(test_px__prop_compile_rules),
        cmocka_unit_test(test_px__filter_legacy),
        cmocka_unit_test(test_px__expr_eval_bounded),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
