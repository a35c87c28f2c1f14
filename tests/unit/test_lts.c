/* Unit tests of the level-of-traffic-stress rules: one case per rule row of
 * lts_rules.c (a tagged road -> its class and the row that fired), then the
 * tag readers (speed limits, lanes, defaults) and bad arguments. */
#include "helpers/px_test.h"

#include <string.h>
#include <math.h>

static px_ctx *ctx;

static int setup(void **state)
{
    (void)state;
    return px_ctx_new(&ctx) == PX_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    px_ctx_free(ctx);
    return 0;
}

/* Classify and check both the class and the rule id. */
static void expect(const px_lts_tags *t, int lts, const char *rule)
{
    px_lts_result r;
    assert_int_equal(px_lts_classify(ctx, t, &r), PX_OK);
    assert_string_equal(r.rule, rule);
    assert_int_equal(r.lts, lts);
}

static void test_px_lts_classify_bicycle_forbidden(void **state)
{
    (void)state;
    expect(&(px_lts_tags){.highway = "residential", .bicycle = "no"}, 0, "bicycle-forbidden");
    expect(&(px_lts_tags){.highway = "primary", .bicycle = "use_sidepath"}, 0, "bicycle-forbidden");
}

static void test_px_lts_classify_motorway(void **state)
{
    (void)state;
    expect(&(px_lts_tags){.highway = "motorway"}, 0, "motorway");
    /* A motorway where cycling is signed as allowed is bikeable but fast. */
    expect(&(px_lts_tags){.highway = "motorway", .bicycle = "yes"}, 4, "mixed-fast");
}

static void test_px_lts_classify_footway_no_bicycle(void **state)
{
    (void)state;
    expect(&(px_lts_tags){.highway = "footway"}, 0, "footway-no-bicycle");
    expect(&(px_lts_tags){.highway = "steps"}, 0, "footway-no-bicycle");
}

static void test_px_lts_classify_cycleway(void **state)
{
    (void)state;
    px_lts_result r;
    assert_int_equal(px_lts_classify(ctx, &(px_lts_tags){.highway = "cycleway"}, &r), PX_OK);
    assert_int_equal(r.lts, 1);
    assert_string_equal(r.rule, "cycleway");
    assert_int_equal(r.facility, PX_CYCLE_TRACK);
}

static void test_px_lts_classify_path(void **state)
{
    (void)state;
    expect(&(px_lts_tags){.highway = "path"}, 1, "path");
    expect(&(px_lts_tags){.highway = "track", .bicycle = "designated"}, 1, "path");
}

static void test_px_lts_classify_footway_bicycle(void **state)
{
    (void)state;
    px_lts_result r;
    assert_int_equal(px_lts_classify(ctx, &(px_lts_tags){.highway = "pedestrian", .bicycle = "yes"}, &r),
                     PX_OK);
    assert_int_equal(r.lts, 1);
    assert_string_equal(r.rule, "footway-bicycle");
    assert_int_equal(r.facility, PX_CYCLE_PATH);
}

static void test_px_lts_classify_living_street(void **state)
{
    (void)state;
    expect(&(px_lts_tags){.highway = "living_street"}, 1, "living-street");
}

static void test_px_lts_classify_separated_track(void **state)
{
    (void)state;
    /* A separated track makes even a fast, wide road LTS 1. */
    px_lts_result r;
    px_lts_tags t = {.highway = "primary", .cycleway_right = "track", .maxspeed = "70", .lanes = "4"};
    assert_int_equal(px_lts_classify(ctx, &t, &r), PX_OK);
    assert_int_equal(r.lts, 1);
    assert_string_equal(r.rule, "separated-track");
    assert_int_equal(r.facility, PX_CYCLE_TRACK);
    expect(&(px_lts_tags){.highway = "secondary", .cycleway = "separate"}, 1, "separated-track");
}

static void test_px_lts_classify_lane_40(void **state)
{
    (void)state;
    expect(&(px_lts_tags){.highway = "tertiary", .cycleway = "lane", .maxspeed = "30", .lanes = "2"}, 1,
           "lane-40");
}

static void test_px_lts_classify_lane_50(void **state)
{
    (void)state;
    px_lts_result r;
    px_lts_tags t = {.highway = "secondary", .cycleway_both = "lane", .maxspeed = "50", .lanes = "2"};
    assert_int_equal(px_lts_classify(ctx, &t, &r), PX_OK);
    assert_int_equal(r.lts, 2);
    assert_string_equal(r.rule, "lane-50");
    assert_int_equal(r.facility, PX_CYCLE_LANE);
}

static void test_px_lts_classify_lane_50_multilane(void **state)
{
    (void)state;
    /* 4 lanes two-way = 2 per direction. */
    expect(&(px_lts_tags){.highway = "primary", .cycleway = "lane", .maxspeed = "50", .lanes = "4"}, 3,
           "lane-50-multilane");
}

static void test_px_lts_classify_lane_70(void **state)
{
    (void)state;
    expect(&(px_lts_tags){.highway = "primary", .cycleway_left = "lane", .maxspeed = "70"}, 3, "lane-70");
}

static void test_px_lts_classify_lane_fast(void **state)
{
    (void)state;
    expect(&(px_lts_tags){.highway = "primary", .cycleway = "lane", .maxspeed = "FR:rural"}, 4, "lane-fast");
}

static void test_px_lts_classify_mixed_local_30(void **state)
{
    (void)state;
    /* Untagged residential street: defaults 30 km/h, 1 lane per direction. */
    px_lts_result r;
    assert_int_equal(px_lts_classify(ctx, &(px_lts_tags){.highway = "residential"}, &r), PX_OK);
    assert_int_equal(r.lts, 1);
    assert_string_equal(r.rule, "mixed-local-30");
    assert_true(r.speed_defaulted);
    assert_true(r.lanes_defaulted);
    px_assert_near(r.speed_kmh, 30.0, 1e-9);
    assert_int_equal(r.facility, PX_CYCLE_NONE);
}

static void test_px_lts_classify_mixed_30(void **state)
{
    (void)state;
    expect(&(px_lts_tags){.highway = "secondary", .maxspeed = "FR:zone30"}, 2, "mixed-30");
}

static void test_px_lts_classify_mixed_local_50(void **state)
{
    (void)state;
    expect(&(px_lts_tags){.highway = "residential", .maxspeed = "50"}, 2, "mixed-local-50");
    /* Sharrows do not lower the stress of mixed traffic, but are a shared facility. */
    px_lts_result r;
    px_lts_tags t = {.highway = "unclassified", .cycleway = "shared_lane"};
    assert_int_equal(px_lts_classify(ctx, &t, &r), PX_OK);
    assert_string_equal(r.rule, "mixed-local-50");
    assert_int_equal(r.facility, PX_CYCLE_SHARED);
}

static void test_px_lts_classify_mixed_50(void **state)
{
    (void)state;
    expect(&(px_lts_tags){.highway = "tertiary"}, 3, "mixed-50");
    /* A one-way residential street with 2 lanes: 2 lanes in its one direction. */
    expect(&(px_lts_tags){.highway = "residential", .lanes = "2", .oneway = "yes", .maxspeed = "50"}, 3,
           "mixed-50");
}

static void test_px_lts_classify_mixed_fast(void **state)
{
    (void)state;
    expect(&(px_lts_tags){.highway = "primary"}, 4, "mixed-fast");
    expect(&(px_lts_tags){.highway = "secondary", .maxspeed = "50", .lanes = "6"}, 4, "mixed-fast");
}

static void test_px_lts_classify_every_rule_has_a_case(void **state)
{
    (void)state;
    /* The cases above name each row; a new row needs a new case. */
    assert_int_equal(px_lts_n_rules(), 18);
}

static void test_px_lts_classify_speed_forms(void **state)
{
    (void)state;
    px_lts_result r;
    struct {
        const char *tag;
        double kmh;
        int defaulted;
    } cases[] = {
        {"50", 50, 0},    {"30 mph", 48.28032, 0}, {"BE:zone30", 30, 0}, {"FR:urban", 50, 0}, {"walk", 6, 0},
        {"50;30", 50, 0}, {"signals", 50, 1},      {"fast", 50, 1},      {"45 km/h", 45, 0},  {"", 50, 1}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        px_lts_tags t = {.highway = "tertiary", .maxspeed = cases[i].tag};
        assert_int_equal(px_lts_classify(ctx, &t, &r), PX_OK);
        px_assert_near(r.speed_kmh, cases[i].kmh, 1e-6);
        assert_int_equal(r.speed_defaulted, cases[i].defaulted);
    }
}

static void test_px_lts_classify_lanes_forms(void **state)
{
    (void)state;
    px_lts_result r;
    assert_int_equal(px_lts_classify(ctx, &(px_lts_tags){.highway = "primary", .lanes = "3"}, &r), PX_OK);
    assert_int_equal(r.lanes_per_dir, 2); /* 3 two-way lanes: the wider side has 2 */
    assert_int_equal(r.lanes_defaulted, 0);
    assert_int_equal(px_lts_classify(ctx, &(px_lts_tags){.highway = "primary", .lanes = "x"}, &r), PX_OK);
    assert_int_equal(r.lanes_per_dir, 1);
    assert_int_equal(r.lanes_defaulted, 1);
    assert_int_equal(px_lts_classify(ctx, &(px_lts_tags){.highway = "trunk"}, &r), PX_OK);
    assert_int_equal(r.lanes_per_dir, 2);
}

static void test_px_lts_classify_unknown_highway(void **state)
{
    (void)state;
    /* Unknown or missing highway: a local road at 50 km/h. */
    expect(&(px_lts_tags){.highway = "bus_guideway"}, 2, "mixed-local-50");
    expect(&(px_lts_tags){0}, 2, "mixed-local-50");
}

static void test_px_lts_classify_null_args(void **state)
{
    (void)state;
    px_lts_result r;
    assert_int_equal(px_lts_classify(ctx, NULL, &r), PX_EINVAL);
    assert_non_null(strstr(px_ctx_errmsg(ctx), "px_lts_classify"));
    assert_int_equal(px_lts_classify(ctx, &(px_lts_tags){0}, NULL), PX_EINVAL);
}

static void test_px_lts_rule_describe_rows(void **state)
{
    (void)state;
    char buf[200];
    assert_int_equal(px_lts_rule_describe(ctx, 13, buf, sizeof buf), PX_OK);
    assert_string_equal(
        buf, "mixed-local-30: mixed traffic/sharrows, local, <= 30 km/h, <= 1 lane(s)/dir, -> LTS 1");
    assert_int_equal(px_lts_rule_describe(ctx, 0, buf, sizeof buf), PX_OK);
    assert_string_equal(buf, "bicycle-forbidden: bicycle=no, -> not bikeable");
    /* A short buffer is truncated, not overrun. */
    char small[8];
    assert_int_equal(px_lts_rule_describe(ctx, 0, small, sizeof small), PX_OK);
    assert_string_equal(small, "bicycle");
    assert_int_equal(px_lts_rule_describe(ctx, 18, buf, sizeof buf), PX_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_px_lts_classify_bicycle_forbidden),
        cmocka_unit_test(test_px_lts_classify_motorway),
        cmocka_unit_test(test_px_lts_classify_footway_no_bicycle),
        cmocka_unit_test(test_px_lts_classify_cycleway),
        cmocka_unit_test(test_px_lts_classify_path),
        cmocka_unit_test(test_px_lts_classify_footway_bicycle),
        cmocka_unit_test(test_px_lts_classify_living_street),
        cmocka_unit_test(test_px_lts_classify_separated_track),
        cmocka_unit_test(test_px_lts_classify_lane_40),
        cmocka_unit_test(test_px_lts_classify_lane_50),
        cmocka_unit_test(test_px_lts_classify_lane_50_multilane),
        cmocka_unit_test(test_px_lts_classify_lane_70),
        cmocka_unit_test(test_px_lts_classify_lane_fast),
        cmocka_unit_test(test_px_lts_classify_mixed_local_30),
        cmocka_unit_test(test_px_lts_classify_mixed_30),
        cmocka_unit_test(test_px_lts_classify_mixed_local_50),
        cmocka_unit_test(test_px_lts_classify_mixed_50),
        cmocka_unit_test(test_px_lts_classify_mixed_fast),
        cmocka_unit_test(test_px_lts_classify_every_rule_has_a_case),
        cmocka_unit_test(test_px_lts_classify_speed_forms),
        cmocka_unit_test(test_px_lts_classify_lanes_forms),
        cmocka_unit_test(test_px_lts_classify_unknown_highway),
        cmocka_unit_test(test_px_lts_classify_null_args),
        cmocka_unit_test(test_px_lts_rule_describe_rows),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
