/*
 * Unit tests of brownfield scoring: scenario parsing (good and bad files),
 * index and reliability figures worked out by hand, exclusion with its rule
 * named, a weight change that reorders two sites, and deterministic output.
 */
#include "helpers/px_test.h"
#include "proxima/brownfield.h"

#include <geos_c.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Two uses, three criteria. flood_share_high bins: <=0 | <=0.5 | >0.5;
 * walk_min_school bins: <=10 | <=15 | >15; pollution: none/suspected/proven. */
#define SCENARIO(FLOOD_W, WALK_W)                                                                            \
    "name: test\n"                                                                                           \
    "uses: [housing, renaturation]\n"                                                                        \
    "criteria:\n"                                                                                            \
    "  - id: flood_share_high\n"                                                                             \
    "    thresholds: [0, 0.5]\n"                                                                             \
    "    rate:\n"                                                                                            \
    "      housing: {weight: " FLOOD_W ", ratings: [+1, -1, -2]}\n"                                          \
    "      renaturation: {weight: 1, ratings: [0.5, +1, very_positive]}\n"                                   \
    "  - id: walk_min_school\n"                                                                              \
    "    thresholds: [10, 15]\n"                                                                             \
    "    rate:\n"                                                                                            \
    "      housing: {weight: " WALK_W ", ratings: [2, 1, -1]}\n"                                             \
    "  - id: pollution\n"                                                                                    \
    "    categories: [none, suspected, proven]\n"                                                            \
    "    rate:\n"                                                                                            \
    "      housing: {weight: 1, ratings: [1, -1, -2]}\n"                                                     \
    "      renaturation: {weight: 1, ratings: [1, 0.5, -1]}\n"                                               \
    "exclusions:\n"                                                                                          \
    "  - id: housing-high-hazard\n"                                                                          \
    "    use: housing\n"                                                                                     \
    "    criterion: flood_share_high\n"                                                                      \
    "    above: 0.5\n"

static px_bf_scenario *parse_ok(px_ctx *ctx, const char *text)
{
    px_bf_scenario *sc = NULL;
    px_status st = px_bf_scenario_parse(ctx, text, strlen(text), "test.yaml", &sc);
    if (st != PX_OK) fail_msg("parse: %s", px_ctx_errmsg(ctx));
    return sc;
}

/* Sites A..D: (flood share, walk minutes, pollution). */
static const px_bf_value vals[4][3] = {
    {{0.0, NULL}, {14, NULL}, {NAN, "suspected"}}, /* A */
    {{0.3, NULL}, {5, NULL}, {NAN, "none"}},       /* B */
    {{1.0, NULL}, {5, NULL}, {NAN, "none"}},       /* C: wholly in high hazard */
    {{NAN, NULL}, {NAN, NULL}, {NAN, NULL}},       /* D: nothing known */
};
static const px_bf_site sites[4] = {{"A", vals[0]}, {"B", vals[1]}, {"C", vals[2]}, {"D", vals[3]}};

static void test_px_bf_score_hand_figures(void **state)
{
    (void)state;
    px_ctx *ctx = NULL;
    assert_int_equal(px_ctx_new(&ctx), PX_OK);
    px_bf_scenario *sc = parse_ok(ctx, SCENARIO("2", "1"));
    assert_int_equal(px_bf_scenario_n_uses(sc), 2);
    assert_int_equal(px_bf_scenario_n_criteria(sc), 3);
    assert_true(px_bf_scenario_criterion_is_text(sc, 2));
    px_bf_result *r = NULL;
    assert_int_equal(px_bf_score(ctx, sc, sites, 4, &r), PX_OK);
    /* Housing (flood x2, walk x1, pollution x1):
     *   A: +1x2, +1x1, -1x1 -> adv 3, con 1 -> 75
     *   B: -1x2, +2x1, +1x1 -> adv 3, con 2 -> 60
     *   C: -2x2, +2x1, +1x1 -> adv 3, con 4 -> 42.857143, excluded
     *   D: nothing filled -> 0, reliability 0 */
    assert_float_equal(r->uses[0 * 2 + 0].index, 75.0, 1e-9);
    assert_float_equal(r->uses[1 * 2 + 0].index, 60.0, 1e-9);
    assert_float_equal(r->uses[2 * 2 + 0].index, 300.0 / 7.0, 1e-9);
    assert_float_equal(r->uses[3 * 2 + 0].index, 0.0, 0);
    assert_float_equal(r->uses[0].reliability, 10.0, 0);
    assert_float_equal(r->uses[3 * 2 + 0].reliability, 0.0, 0);
    assert_float_equal(r->uses[1 * 2 + 0].advantages, 3.0, 0);
    assert_float_equal(r->uses[1 * 2 + 0].constraints, 2.0, 0);
    /* Criterion breakdown of B for housing: flood rated -1, weight 2. */
    const px_bf_crit_result *bf = &r->crit[(1 * 2 + 0) * 3 + 0];
    assert_true(bf->applies && bf->filled);
    assert_float_equal(bf->rating, -1.0, 0);
    assert_float_equal(bf->weight, 2.0, 0);
    assert_float_equal(bf->contribution, -2.0, 0);
    /* Renaturation does not rate walking time. */
    assert_false(r->crit[(1 * 2 + 1) * 3 + 1].applies);
    /* Ranks for housing: A 1, B 2, D 3, C excluded. */
    assert_int_equal(r->uses[0 * 2 + 0].rank, 1);
    assert_int_equal(r->uses[1 * 2 + 0].rank, 2);
    assert_int_equal(r->uses[3 * 2 + 0].rank, 3);
    assert_int_equal(r->uses[2 * 2 + 0].rank, 0);
    /* Renaturation: A (0.5 + 0.5), B (1 + 1), C (2 + 1) all at 100 with
     * reliability 10, so the advantages decide (issue 10, 2.5): C, B, A; D
     * last at 0. */
    for (int s = 0; s < 3; s++)
        assert_float_equal(r->uses[s * 2 + 1].index, 100.0, 0);
    assert_int_equal(r->uses[2 * 2 + 1].rank, 1);
    assert_int_equal(r->uses[1 * 2 + 1].rank, 2);
    assert_int_equal(r->uses[0 * 2 + 1].rank, 3);
    assert_int_equal(r->uses[3 * 2 + 1].rank, 4);
    /* Best uses: A renaturation (100 > 75); C renaturation (housing excluded);
     * D housing (a tie at 0 keeps the first use). */
    assert_int_equal(r->best_use[0], 1);
    assert_int_equal(r->best_use[2], 1);
    assert_int_equal(r->best_use[3], 0);
    px_bf_result_free(r);
    px_bf_scenario_free(sc);
    px_ctx_free(ctx);
}

static void test_px_bf_score_high_hazard_site_excluded_with_rule(void **state)
{
    (void)state;
    px_ctx *ctx = NULL;
    assert_int_equal(px_ctx_new(&ctx), PX_OK);
    px_bf_scenario *sc = parse_ok(ctx, SCENARIO("2", "1"));
    px_bf_result *r = NULL;
    assert_int_equal(px_bf_score(ctx, sc, sites, 4, &r), PX_OK);
    int rule = r->uses[2 * 2 + 0].excluded_rule;
    assert_int_equal(rule, 0);
    assert_string_equal(px_bf_scenario_rule(sc, rule), "housing-high-hazard");
    /* Not excluded for renaturation, and B (30% high hazard) not at all. */
    assert_int_equal(r->uses[2 * 2 + 1].excluded_rule, -1);
    assert_int_equal(r->uses[1 * 2 + 0].excluded_rule, -1);
    px_bf_result_free(r);
    px_bf_scenario_free(sc);
    px_ctx_free(ctx);
}

static void test_px_bf_score_weight_change_reorders(void **state)
{
    (void)state;
    px_ctx *ctx = NULL;
    assert_int_equal(px_ctx_new(&ctx), PX_OK);
    /* Flood weight 2 -> 0.5 and walking weight 1 -> 2, for housing:
     *   A: +1x0.5, +1x2, -1x1 -> adv 2.5, con 1   -> 250/3.5 = 71.428571
     *   B: -1x0.5, +2x2, +1x1 -> adv 5,   con 0.5 -> 500/5.5 = 90.909091
     * so B overtakes A (it was 60 against 75 with the first weights). */
    px_bf_scenario *sc = parse_ok(ctx, SCENARIO("0.5", "2"));
    px_bf_result *r = NULL;
    assert_int_equal(px_bf_score(ctx, sc, sites, 4, &r), PX_OK);
    assert_float_equal(r->uses[0 * 2 + 0].index, 250.0 / 3.5, 1e-9);
    assert_float_equal(r->uses[1 * 2 + 0].index, 500.0 / 5.5, 1e-9);
    assert_int_equal(r->uses[1 * 2 + 0].rank, 1);
    assert_int_equal(r->uses[0 * 2 + 0].rank, 2);
    px_bf_result_free(r);
    px_bf_scenario_free(sc);
    px_ctx_free(ctx);
}

static void test_px_bf_score_reliability_and_determinism(void **state)
{
    (void)state;
    px_ctx *ctx = NULL;
    assert_int_equal(px_ctx_new(&ctx), PX_OK);
    px_bf_scenario *sc = parse_ok(ctx, SCENARIO("2", "1"));
    /* E: walking time unknown, pollution not a listed category: for housing
     * 1 of 3 criteria filled -> reliability 3.333; flood 0 -> +1x2 only ->
     * index 100. For renaturation 1 of 2 -> 5. */
    const px_bf_value ve[3] = {{0.0, NULL}, {NAN, NULL}, {NAN, "unknown"}};
    const px_bf_site one[1] = {{"E", ve}};
    px_bf_result *r = NULL, *r2 = NULL;
    assert_int_equal(px_bf_score(ctx, sc, one, 1, &r), PX_OK);
    assert_float_equal(r->uses[0].reliability, 10.0 / 3.0, 1e-12);
    assert_float_equal(r->uses[0].index, 100.0, 0);
    assert_float_equal(r->uses[1].reliability, 5.0, 0);
    px_bf_result_free(r);
    /* Same input twice: identical results byte for byte. */
    assert_int_equal(px_bf_score(ctx, sc, sites, 4, &r), PX_OK);
    assert_int_equal(px_bf_score(ctx, sc, sites, 4, &r2), PX_OK);
    assert_memory_equal(r->uses, r2->uses, 4 * 2 * sizeof *r->uses);
    assert_memory_equal(r->crit, r2->crit, 4 * 2 * 3 * sizeof *r->crit);
    px_bf_result_free(r);
    px_bf_result_free(r2);
    /* Duplicate ids are refused: ranks would not be reproducible. */
    const px_bf_site dup[2] = {{"A", vals[0]}, {"A", vals[1]}};
    assert_int_equal(px_bf_score(ctx, sc, dup, 2, &r), PX_EDOMAIN);
    assert_string_equal(px_ctx_errmsg(ctx), "brownfields:A: site id used twice (ranks need unique ids)");
    px_bf_scenario_free(sc);
    px_ctx_free(ctx);
}

static void expect_parse_error(px_ctx *ctx, const char *text, px_status want, const char *msg)
{
    px_bf_scenario *sc = NULL;
    assert_int_equal(px_bf_scenario_parse(ctx, text, strlen(text), "bad.yaml", &sc), want);
    assert_null(sc);
    if (!strstr(px_ctx_errmsg(ctx), msg)) fail_msg("message '%s' lacks '%s'", px_ctx_errmsg(ctx), msg);
}

static void test_px_bf_scenario_parse_bad_files(void **state)
{
    (void)state;
    px_ctx *ctx = NULL;
    assert_int_equal(px_ctx_new(&ctx), PX_OK);
    const char *head = "uses: [housing]\ncriteria:\n  - id: a\n    thresholds: [1]\n    rate:\n";
    char buf[512];
    snprintf(buf, sizeof buf, "%s      housing: {weight: 1, ratings: [3, 1]}\n", head);
    expect_parse_error(ctx, buf, PX_EDOMAIN, "bad.yaml:6: rating '3' is not one of +2, +1, +0.5, -1, -2");
    snprintf(buf, sizeof buf, "%s      housing: {weight: 1.5, ratings: [2, 1]}\n", head);
    expect_parse_error(ctx, buf, PX_EDOMAIN, "weight of 'housing' must be 0.5, 1 or 2");
    snprintf(buf, sizeof buf, "%s      housing: {weight: 1, ratings: [2]}\n", head);
    expect_parse_error(ctx, buf, PX_EDOMAIN, "criterion 'a': needs 2 ratings (one per bin)");
    snprintf(buf, sizeof buf, "%s      offices: {weight: 1, ratings: [2, 1]}\n", head);
    expect_parse_error(ctx, buf, PX_EDOMAIN, "criterion 'a': unknown use 'offices'");
    snprintf(
        buf, sizeof buf,
        "%s      housing: {weight: 1, ratings: [2, 1]}\nexclusions:\n  - {id: x, use: farm, criterion: a, "
        "above: 1}\n",
        head);
    expect_parse_error(ctx, buf, PX_EDOMAIN, "exclusion 'x': unknown use 'farm'");
    expect_parse_error(ctx, "uses: [housing]\ncritera: []\n", PX_EPARSE, "bad.yaml:2: unknown key 'critera'");
    snprintf(buf, sizeof buf,
             "%s      housing: {weight: 1, ratings: [2, 1]}\n  - id: A\n    categories: [x]\n    rate: {}\n",
             head);
    expect_parse_error(ctx, buf, PX_EDOMAIN, "bad.yaml:7: criteria 'a' and 'A' would share a column name");
    expect_parse_error(ctx, "uses: [housing\ncriteria: [\n", PX_EPARSE, "bad.yaml:");
    /* A good file still parses after all that. */
    snprintf(buf, sizeof buf, "%s      housing: {weight: 0.5, ratings: [negative, neutral]}\n", head);
    px_bf_scenario *sc = parse_ok(ctx, buf);
    assert_string_equal(px_bf_scenario_name(sc), "test.yaml"); /* no name: key */
    px_bf_scenario_free(sc);
    px_ctx_free(ctx);
}

static void test_px_bf_scenario_read_bundled(void **state)
{
    (void)state;
    px_ctx *ctx = NULL;
    assert_int_equal(px_ctx_new(&ctx), PX_OK);
    char *path = px_test_source_path("layers/scenarios/mutafriches-like.yaml");
    px_bf_scenario *sc = NULL;
    assert_int_equal(px_bf_scenario_read(ctx, path, &sc), PX_OK);
    assert_int_equal(px_bf_scenario_n_uses(sc), 7);
    assert_string_equal(px_bf_scenario_use(sc, 0), "housing");
    assert_true(px_bf_scenario_n_criteria(sc) >= 10);
    px_bf_scenario_free(sc);
    free(path);
    assert_int_equal(px_bf_scenario_read(ctx, "/nonexistent/s.yaml", &sc), PX_EIO);
    px_ctx_free(ctx);
}

static void test_px_brownfields_run_spatial_criteria(void **state)
{
    (void)state;
    px_ctx *ctx = NULL;
    assert_int_equal(px_ctx_new(&ctx), PX_OK);
    char *dir = px_test_tmpdir("bf_run");
    char *path = px_test_path(dir, "p.sqlite");
    px_store *s = NULL;
    assert_int_equal(px_store_create(ctx, path, "EPSG:2154", &s), PX_OK);
    px_table_writer *w = NULL;
    /* Site S1: the square 0..100 x 100..200 (10 000 m2), no area_m2. */
    assert_int_equal(px_store_table_create(s, px_layer_schema(PX_LAYER_BROWNFIELDS), &w), PX_OK);
    px_value b[5] = {PX_VALUE_TEXT("S1"), PX_VALUE_TEXT("Old works"), PX_VALUE_TEXT("industrial"),
                     PX_VALUE_NULL, PX_VALUE_TEXT("{\"pollution\": \"none\"}")};
    px_test_add_wkt(ctx, w, b, "POLYGON((0 100,100 100,100 200,0 200,0 100))");
    assert_int_equal(px_table_writer_finish(w), PX_OK);
    /* A cycle route along y = 500: 300 m from the site's top edge. */
    assert_int_equal(px_store_table_create(s, px_layer_schema(PX_LAYER_CYCLE_ROUTES), &w), PX_OK);
    px_value c[4] = {PX_VALUE_TEXT("r"), PX_VALUE_NULL, PX_VALUE_NULL, PX_VALUE_NULL};
    px_test_add_wkt(ctx, w, c, "MULTILINESTRING((0 500,1000 500))");
    assert_int_equal(px_table_writer_finish(w), PX_OK);
    /* A transit stop 800 m north of the site, a health service at x = 1200. */
    assert_int_equal(px_store_table_create(s, px_layer_schema(PX_LAYER_SERVICES), &w), PX_OK);
    px_value t[5] = {PX_VALUE_TEXT("t"), PX_VALUE_TEXT("transit"), PX_VALUE_NULL, PX_VALUE_NULL,
                     PX_VALUE_NULL};
    px_test_add_wkt(ctx, w, t, "POINT(50 1000)");
    px_value hs[5] = {PX_VALUE_TEXT("h"), PX_VALUE_TEXT("health"), PX_VALUE_NULL, PX_VALUE_NULL,
                      PX_VALUE_NULL};
    px_test_add_wkt(ctx, w, hs, "POINT(1200 0)");
    assert_int_equal(px_table_writer_finish(w), PX_OK);
    /* High hazard over the east half of the site. */
    assert_int_equal(px_store_table_create(s, px_layer_schema(PX_LAYER_FLOOD_ZONES), &w), PX_OK);
    px_value z[4] = {PX_VALUE_TEXT("z"), PX_VALUE_TEXT("high"), PX_VALUE_NULL, PX_VALUE_NULL};
    px_test_add_wkt(ctx, w, z, "MULTIPOLYGON(((50 100,150 100,150 200,50 200,50 100)))");
    assert_int_equal(px_table_writer_finish(w), PX_OK);
    /* Street x 0..1200 along y = 0, two edges of 300 s on foot. */
    const double xy[6] = {0, 0, 600, 0, 1200, 0};
    const unsigned all = PX_EDGE_WALK_FWD | PX_EDGE_WALK_BWD;
    const px_graph_edge e[2] = {{0, 1, 600, 300, 300, all, 1}, {1, 2, 600, 300, 300, all, 2}};
    px_graph *g = NULL;
    assert_int_equal(px_graph_from_edges(ctx, 3, xy, 2, e, &g), PX_OK);
    const char *text =
        "uses: [housing]\n"
        "criteria:\n"
        "  - {id: area_m2, thresholds: [5000], rate: {housing: {weight: 1, ratings: [1, 2]}}}\n"
        "  - {id: flood_share_high, thresholds: [0], rate: {housing: {weight: 1, ratings: [1, -2]}}}\n"
        "  - {id: cycle_route_distance_m, thresholds: [200], rate: {housing: {weight: 1, ratings: [2, "
        "-1]}}}\n"
        "  - {id: transit_distance_m, thresholds: [600], rate: {housing: {weight: 1, ratings: [2, -1]}}}\n"
        "  - {id: walk_min_health, thresholds: [10], rate: {housing: {weight: 1, ratings: [2, -1]}}}\n"
        "  - {id: props.pollution, categories: [none, proven], rate: {housing: {weight: 2, ratings: [1, "
        "-2]}}}\n"
        "  - {id: kind, categories: [industrial], rate: {housing: {weight: 0.5, ratings: [-1]}}}\n";
    px_bf_scenario *sc = parse_ok(ctx, text);
    px_bf_report rep = {0};
    assert_int_equal(px_brownfields_run(ctx, s, g, sc, NULL, &rep), PX_OK);
    assert_int_equal(rep.n_sites, 1);
    assert_int_equal(rep.n_unknown_criteria, 0);
    const char *cols[] = {"area_m2",
                          "flood_share_high",
                          "cycle_route_distance_m",
                          "transit_distance_m",
                          "walk_min_health",
                          "props_pollution",
                          "kind",
                          "housing_index",
                          NULL};
    px_table_reader *r = NULL;
    assert_int_equal(px_store_reader_open(s, "brownfield_sites", cols, 0, NULL, &r), PX_OK);
    int has = 0;
    assert_int_equal(px_table_reader_next(r, &has), PX_OK);
    assert_true(has);
    assert_float_equal(px_table_reader_real(r, 0), 10000, 1e-6);
    assert_float_equal(px_table_reader_real(r, 1), 0.5, 1e-9);
    assert_float_equal(px_table_reader_real(r, 2), 300, 1e-9);
    assert_float_equal(px_table_reader_real(r, 3), 800, 1e-9);
    /* Access point (50, 150) on its surface, snapped to x = 50 on the
     * street: 550 m to node 1 and 600 m more, 275 + 300 s = 9.5833 min. */
    assert_float_equal(px_table_reader_real(r, 4), 575.0 / 60.0, 1e-9);
    assert_string_equal(px_table_reader_text(r, 5), "none");
    assert_string_equal(px_table_reader_text(r, 6), "industrial");
    /* Contributions: +2 (area), -2 (flood), -1 (cycle), -1 (transit),
     * +2 (walk), +2 (pollution x2), -0.5 (kind): 6 / (6 + 4.5) x 100. */
    assert_float_equal(px_table_reader_real(r, 7), 600.0 / 10.5, 1e-9);
    px_table_reader_close(r);
    px_bf_scenario_free(sc);
    px_graph_free(g);
    px_store_close(s);
    free(path);
    free(dir);
    px_ctx_free(ctx);
}

/* Issue 10, 2.5: ties on the index are broken by the advantages (then
 * reliability), and ids compare as numbers when numeric; a site below the
 * scenario's minimum area is excluded from every use with that reason. */
#define TIE_SCENARIO                                                                                        \
    "uses: [housing, park]\n"                                                                                \
    "min_site_area_m2: 1000\n"                                                                               \
    "criteria:\n"                                                                                            \
    "  - id: area_m2\n"                                                                                      \
    "    thresholds: [5000]\n"                                                                               \
    "    rate:\n"                                                                                            \
    "      housing: {weight: 1, ratings: [+1, +2]}\n"                                                        \
    "  - id: walk_min_school\n"                                                                              \
    "    thresholds: [10]\n"                                                                                 \
    "    rate:\n"                                                                                            \
    "      housing: {weight: 1, ratings: [+2, 0.5]}\n"                                                       \
    "      park: {weight: 1, ratings: [+1, +1]}\n"

static void test_px_bf_score_ties_and_min_area(void **state)
{
    (void)state;
    px_ctx *ctx = NULL;
    assert_int_equal(px_ctx_new(&ctx), PX_OK);
    px_bf_scenario *sc = parse_ok(ctx, TIE_SCENARIO);
    /* Every site has index 100 for housing (no constraint); advantages:
     *   "1510": 2000 m2 (+1), 5 min (+2)  -> 3
     *   "221":  2000 m2 (+1), 5 min (+2)  -> 3
     *   "1511": 9000 m2 (+2), 5 min (+2)  -> 4
     *   "96":   2000 m2 (+1), 20 min (+0.5) -> 1.5
     *   "B7":   2000 m2 (+1), 5 min (+2)  -> 3 (not numeric: after the numbers)
     *   "12":    800 m2: below the minimum, excluded from both uses. */
    const px_bf_value v[6][2] = {{{2000, NULL}, {5, NULL}}, {{2000, NULL}, {5, NULL}}, {{9000, NULL}, {5, NULL}},
                                 {{2000, NULL}, {20, NULL}}, {{2000, NULL}, {5, NULL}}, {{800, NULL}, {5, NULL}}};
    const px_bf_site st[6] = {{"1510", v[0]}, {"221", v[1]}, {"1511", v[2]}, {"96", v[3]}, {"B7", v[4]}, {"12", v[5]}};
    px_bf_result *r = NULL;
    assert_int_equal(px_bf_score(ctx, sc, st, 6, &r), PX_OK);
    for (int i = 0; i < 5; i++) assert_float_equal(r->uses[i * 2 + 0].index, 100.0, 0);
    /* Housing ranks: 1511 (4), then 221 before 1510 (3 each: numbers), then B7, then 96 (1.5). */
    assert_int_equal(r->uses[2 * 2 + 0].rank, 1);
    assert_int_equal(r->uses[1 * 2 + 0].rank, 2);
    assert_int_equal(r->uses[0 * 2 + 0].rank, 3);
    assert_int_equal(r->uses[4 * 2 + 0].rank, 4);
    assert_int_equal(r->uses[3 * 2 + 0].rank, 5);
    /* Park: all equal (index 100, advantages 1): by id as numbers, then B7. */
    assert_int_equal(r->uses[3 * 2 + 1].rank, 1); /* 96 */
    assert_int_equal(r->uses[1 * 2 + 1].rank, 2); /* 221 */
    assert_int_equal(r->uses[0 * 2 + 1].rank, 3); /* 1510 */
    assert_int_equal(r->uses[2 * 2 + 1].rank, 4); /* 1511 */
    assert_int_equal(r->uses[4 * 2 + 1].rank, 5); /* B7 */
    /* Site 12: excluded from both uses by the minimum-area rule, never ranked. */
    for (int u = 0; u < 2; u++) {
        assert_int_equal(r->uses[5 * 2 + u].rank, 0);
        assert_string_equal(px_bf_scenario_rule(sc, r->uses[5 * 2 + u].excluded_rule), "site-area-below-1000-m2");
    }
    assert_int_equal(r->best_use[5], -1);
    px_bf_result_free(r);
    px_bf_scenario_free(sc);
    /* The minimum needs the area criterion, and a number. */
    px_bf_scenario *bad = NULL;
    const char *no_area = "uses: [park]\nmin_site_area_m2: 10\ncriteria:\n  - id: walk_min_school\n"
                          "    thresholds: [10]\n    rate:\n      park: {weight: 1, ratings: [+1, +1]}\n";
    assert_int_equal(px_bf_scenario_parse(ctx, no_area, strlen(no_area), "s.yaml", &bad), PX_EDOMAIN);
    assert_non_null(strstr(px_ctx_errmsg(ctx), "min_site_area_m2 needs the criterion 'area_m2'"));
    px_ctx_free(ctx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_px_bf_score_ties_and_min_area),
        cmocka_unit_test(test_px_bf_score_hand_figures),
        cmocka_unit_test(test_px_bf_score_high_hazard_site_excluded_with_rule),
        cmocka_unit_test(test_px_bf_score_weight_change_reorders),
        cmocka_unit_test(test_px_bf_score_reliability_and_determinism),
        cmocka_unit_test(test_px_bf_scenario_parse_bad_files),
        cmocka_unit_test(test_px_bf_scenario_read_bundled),
        cmocka_unit_test(test_px_brownfields_run_spatial_criteria),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
