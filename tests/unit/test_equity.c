/*
 * Unit tests of the equity math: 2SFCA / E2SFCA on a case worked out by hand,
 * a supply nobody reaches, and the inequality measures on distributions whose
 * values are known in closed form.
 */
#include "helpers/px_test.h"
#include "proxima/equity.h"

#include <math.h>
#include <stdlib.h>

/*
 * The hand case: three supplies, five demand points, catchment 15 min.
 *   capacities S = {10, 5, 20}; populations P = {100, 200, 100, 50, 50}
 *   pairs (demand, supply, minutes):
 *     D0-S0 3, D1-S0 8, D2-S0 12, D2-S1 4, D3-S1 14, D3-S2 6, D4-S2 9
 */
static const double hand_supply[3] = {10, 5, 20};
static const double hand_demand[5] = {100, 200, 100, 50, 50};
static const px_fca_pair hand_pairs[7] = {{0, 0, 3},  {1, 0, 8}, {2, 0, 12}, {2, 1, 4},
                                          {3, 1, 14}, {3, 2, 6}, {4, 2, 9}};

static void test_px_fca_2sfca_hand_case(void **state)
{
    (void)state;
    px_ctx *ctx = NULL;
    assert_int_equal(px_ctx_new(&ctx), PX_OK);
    /* 2SFCA, one band {15 min, 1.0}:
     *   R0 = 10 / (100 + 200 + 100) = 0.025
     *   R1 = 5 / (100 + 50)         = 0.0333333
     *   R2 = 20 / (50 + 50)         = 0.2
     *   A0 = R0 = 0.025; A1 = R0 = 0.025; A2 = R0 + R1 = 0.0583333;
     *   A3 = R1 + R2 = 0.2333333; A4 = R2 = 0.2
     * Check: sum A_i P_i = 2.5 + 5 + 5.8333 + 11.6667 + 10 = 35 = total supply. */
    const px_decay_band one[1] = {{15, 1.0}};
    double r[3], a[5];
    size_t unreached = 99;
    assert_int_equal(px_fca(ctx, hand_demand, 5, hand_supply, 3, hand_pairs, 7, one, 1, r, a, &unreached),
                     PX_OK);
    assert_float_equal(r[0], 0.025, 1e-12);
    assert_float_equal(r[1], 5.0 / 150.0, 1e-12);
    assert_float_equal(r[2], 0.2, 1e-12);
    assert_float_equal(a[0], 0.025, 1e-12);
    assert_float_equal(a[1], 0.025, 1e-12);
    assert_float_equal(a[2], 0.0583333333, 1e-9);
    assert_float_equal(a[3], 0.2333333333, 1e-9);
    assert_float_equal(a[4], 0.2, 1e-12);
    assert_int_equal(unreached, 0);
    double served = 0;
    for (int i = 0; i < 5; i++)
        served += a[i] * hand_demand[i];
    assert_float_equal(served, 35.0, 1e-9);
    px_ctx_free(ctx);
}

static void test_px_fca_e2sfca_hand_case(void **state)
{
    (void)state;
    px_ctx *ctx = NULL;
    assert_int_equal(px_ctx_new(&ctx), PX_OK);
    /* E2SFCA, default bands 0-5: 1.00, 5-10: 0.68, 10-15: 0.22. Pair weights:
     *   D0-S0 3 -> 1.00, D1-S0 8 -> 0.68, D2-S0 12 -> 0.22, D2-S1 4 -> 1.00,
     *   D3-S1 14 -> 0.22, D3-S2 6 -> 0.68, D4-S2 9 -> 0.68
     *   R0 = 10 / (100*1 + 200*0.68 + 100*0.22) = 10/258 = 0.0387597
     *   R1 = 5 / (100*1 + 50*0.22)               = 5/111  = 0.0450450
     *   R2 = 20 / (50*0.68 + 50*0.68)            = 20/68  = 0.2941176
     *   A0 = 1.00 R0               = 0.0387597
     *   A1 = 0.68 R0               = 0.0263566
     *   A2 = 0.22 R0 + 1.00 R1     = 0.0085271 + 0.0450450 = 0.0535721
     *   A3 = 0.22 R1 + 0.68 R2     = 0.0099099 + 0.2       = 0.2099099
     *   A4 = 0.68 R2               = 0.2 */
    size_t nb = 0;
    const px_decay_band *bands = px_fca_default_bands(&nb);
    assert_int_equal(nb, 3);
    double r[3], a[5];
    assert_int_equal(px_fca(ctx, hand_demand, 5, hand_supply, 3, hand_pairs, 7, bands, nb, r, a, NULL),
                     PX_OK);
    assert_float_equal(r[0], 10.0 / 258.0, 1e-12);
    assert_float_equal(r[1], 5.0 / 111.0, 1e-12);
    assert_float_equal(r[2], 20.0 / 68.0, 1e-12);
    assert_float_equal(a[0], 0.0387597, 1e-7);
    assert_float_equal(a[1], 0.0263566, 1e-7);
    assert_float_equal(a[2], 0.0535721, 1e-7);
    assert_float_equal(a[3], 0.2099099, 1e-7);
    assert_float_equal(a[4], 0.2, 1e-12);
    px_ctx_free(ctx);
}

static void test_px_fca_supply_nobody_reaches(void **state)
{
    (void)state;
    px_ctx *ctx = NULL;
    assert_int_equal(px_ctx_new(&ctx), PX_OK);
    /* Supply 2 has no pair, supply 1 only a pair beyond 15 min (20 min):
     * both get R = 0 and count as unreached. R0 = 10 / (100 + 200) = 1/30,
     * A0 = A1 = 1/30, A2 = 0. */
    const double supply[3] = {10, 5, 20};
    const double demand[3] = {100, 200, 40};
    const px_fca_pair pairs[3] = {{0, 0, 2}, {1, 0, 14}, {2, 1, 20}};
    const px_decay_band one[1] = {{15, 1.0}};
    double r[3], a[3];
    size_t unreached = 0;
    assert_int_equal(px_fca(ctx, demand, 3, supply, 3, pairs, 3, one, 1, r, a, &unreached), PX_OK);
    assert_int_equal(unreached, 2);
    assert_float_equal(r[0], 1.0 / 30.0, 1e-12);
    assert_float_equal(r[1], 0.0, 0);
    assert_float_equal(r[2], 0.0, 0);
    assert_float_equal(a[0], 1.0 / 30.0, 1e-12);
    assert_float_equal(a[1], 1.0 / 30.0, 1e-12);
    assert_float_equal(a[2], 0.0, 0);
    px_ctx_free(ctx);
}

static void test_px_fca_bad_input(void **state)
{
    (void)state;
    px_ctx *ctx = NULL;
    assert_int_equal(px_ctx_new(&ctx), PX_OK);
    const double supply[1] = {1}, demand[1] = {1}, neg[1] = {-1};
    const px_fca_pair bad_index[1] = {{3, 0, 1}};
    const px_fca_pair bad_minutes[1] = {{0, 0, -2}};
    const px_decay_band one[1] = {{15, 1.0}};
    const px_decay_band unsorted[2] = {{10, 1.0}, {5, 0.5}};
    const px_decay_band heavy[1] = {{15, 1.5}};
    double a[1];
    assert_int_equal(px_fca(ctx, demand, 1, supply, 1, bad_index, 1, one, 1, NULL, a, NULL), PX_EINVAL);
    assert_int_equal(px_fca(ctx, demand, 1, supply, 1, bad_minutes, 1, one, 1, NULL, a, NULL), PX_EDOMAIN);
    assert_int_equal(px_fca(ctx, neg, 1, supply, 1, NULL, 0, one, 1, NULL, a, NULL), PX_EDOMAIN);
    assert_int_equal(px_fca(ctx, demand, 1, supply, 1, NULL, 0, unsorted, 2, NULL, a, NULL), PX_EDOMAIN);
    assert_int_equal(px_fca(ctx, demand, 1, supply, 1, NULL, 0, heavy, 1, NULL, a, NULL), PX_EDOMAIN);
    assert_string_equal(px_ctx_errmsg(ctx), "px_fca: band 1: weight 1.5 is outside 0..1");
    assert_int_equal(px_fca(ctx, demand, 1, supply, 1, NULL, 0, one, 0, NULL, a, NULL), PX_EINVAL);
    assert_int_equal(px_fca(ctx, demand, 1, supply, 1, NULL, 0, one, 1, NULL, NULL, NULL), PX_EINVAL);
    px_ctx_free(ctx);
}

static void test_px_gini_known_distributions(void **state)
{
    (void)state;
    px_ctx *ctx = NULL;
    assert_int_equal(px_ctx_new(&ctx), PX_OK);
    const double equal[5] = {3, 3, 3, 3, 3}, ones[5] = {1, 1, 1, 1, 1};
    const double one_has_all[5] = {0, 0, 7, 0, 0};
    double g = -1;
    assert_int_equal(px_gini(ctx, equal, ones, 5, &g), PX_OK);
    assert_float_equal(g, 0.0, 1e-12);
    /* Everything on one of n = 5 equal units: (n - 1) / n = 0.8. */
    assert_int_equal(px_gini(ctx, one_has_all, ones, 5, &g), PX_OK);
    assert_float_equal(g, 0.8, 1e-12);
    /* Weighted: values {1, 3} with populations {3, 1} are the units
     * {1, 1, 1, 3}: mean 1.5, sum |xi - xj| over ordered pairs = 6 * 2 = 12,
     * G = 12 / (2 * 4^2 * 1.5) = 0.25. */
    const double v2[2] = {3, 1}, w2[2] = {1, 3};
    assert_int_equal(px_gini(ctx, v2, w2, 2, &g), PX_OK);
    assert_float_equal(g, 0.25, 1e-12);
    /* Bad input beside good: a negative value, nothing to share. */
    const double negv[2] = {1, -1}, zeros[2] = {0, 0};
    assert_int_equal(px_gini(ctx, negv, w2, 2, &g), PX_EDOMAIN);
    assert_int_equal(px_gini(ctx, zeros, w2, 2, &g), PX_EDOMAIN);
    assert_int_equal(px_gini(ctx, v2, w2, 0, &g), PX_EINVAL);
    px_ctx_free(ctx);
}

/* Theil T computed directly from its definition, for checking. */
static double theil_direct(const double *v, const double *w, size_t n)
{
    double sw = 0, sv = 0, t = 0;
    for (size_t i = 0; i < n; i++) {
        sw += w[i];
        sv += v[i] * w[i];
    }
    double mu = sv / sw;
    for (size_t i = 0; i < n; i++)
        if (v[i] > 0) t += w[i] * (v[i] / mu) * log(v[i] / mu);
    return t / sw;
}

static void test_px_theil_t_decomposition_adds_up(void **state)
{
    (void)state;
    px_ctx *ctx = NULL;
    assert_int_equal(px_ctx_new(&ctx), PX_OK);
    /* Two units {1, 3}, equal weights: mu = 2,
     * T = 0.5 (0.5 ln 0.5 + 1.5 ln 1.5) = 0.1308120. */
    const double v2[2] = {1, 3}, w2[2] = {1, 1};
    px_theil t;
    assert_int_equal(px_theil_t(ctx, v2, w2, NULL, 0, 2, &t), PX_OK);
    assert_float_equal(t.total, 0.1308120, 1e-7);
    assert_float_equal(t.between, 0.0, 1e-12);
    /* Each unit its own group: everything is between groups. */
    const uint32_t own[2] = {0, 1};
    assert_int_equal(px_theil_t(ctx, v2, w2, own, 2, 2, &t), PX_OK);
    assert_float_equal(t.between, 0.1308120, 1e-7);
    assert_float_equal(t.within, 0.0, 1e-12);

    /* Random data in 7 groups, some zeros: between + within = total. */
    enum { N = 500 };
    double v[N], w[N];
    uint32_t g[N];
    srand(42);
    for (int i = 0; i < N; i++) {
        v[i] = (rand() % 5 == 0) ? 0.0 : (double)rand() / RAND_MAX * 10.0;
        w[i] = 1.0 + rand() % 300;
        g[i] = (uint32_t)(rand() % 7);
    }
    assert_int_equal(px_theil_t(ctx, v, w, g, 7, N, &t), PX_OK);
    assert_true(t.total > 0.05);
    assert_true(t.between > 0 && t.within > 0);
    assert_float_equal(t.between + t.within, t.total, 1e-12);
    assert_float_equal(t.total, theil_direct(v, w, N), 1e-12);
    /* A group index out of range is refused. */
    const uint32_t bad[2] = {0, 5};
    assert_int_equal(px_theil_t(ctx, v2, w2, bad, 2, 2, &t), PX_EINVAL);
    px_ctx_free(ctx);
}

static void test_px_palma_one_to_ten(void **state)
{
    (void)state;
    px_ctx *ctx = NULL;
    assert_int_equal(px_ctx_new(&ctx), PX_OK);
    /* Values 1..10, one resident each: total 55; top 10% hold 10, bottom 40%
     * hold 1+2+3+4 = 10: Palma = 1. */
    double v[10], w[10];
    for (int i = 0; i < 10; i++) {
        v[i] = i + 1;
        w[i] = 1;
    }
    double p = 0;
    assert_int_equal(px_palma(ctx, v, w, 10, &p), PX_OK);
    assert_float_equal(p, 1.0, 1e-12);
    /* Twenty residents, 18 at 1 and 2 at 10: the top 10% hold 20/38, the
     * bottom 40% hold 8/38: Palma = 2.5. */
    const double v2[2] = {1, 10}, w2[2] = {18, 2};
    assert_int_equal(px_palma(ctx, v2, w2, 2, &p), PX_OK);
    assert_float_equal(p, 2.5, 1e-12);
    /* The bottom half has nothing: infinite ratio, not an error. */
    const double v3[2] = {0, 4}, w3[2] = {1, 1};
    assert_int_equal(px_palma(ctx, v3, w3, 2, &p), PX_OK);
    assert_true(isinf(p));
    px_ctx_free(ctx);
}

static void test_px_fgt_alpha_0_1_2(void **state)
{
    (void)state;
    px_ctx *ctx = NULL;
    assert_int_equal(px_ctx_new(&ctx), PX_OK);
    /* Values 1..10, standard z = 5: below are 1, 2, 3, 4.
     * P0 = 4/10 = 0.4; P1 = (4+3+2+1)/5 / 10 = 0.2;
     * P2 = (16+9+4+1)/25 / 10 = 0.12. */
    double v[10], w[10];
    for (int i = 0; i < 10; i++) {
        v[i] = i + 1;
        w[i] = 1;
    }
    double p = 0;
    assert_int_equal(px_fgt(ctx, v, w, 10, 5, 0, &p), PX_OK);
    assert_float_equal(p, 0.4, 1e-12);
    assert_int_equal(px_fgt(ctx, v, w, 10, 5, 1, &p), PX_OK);
    assert_float_equal(p, 0.2, 1e-12);
    assert_int_equal(px_fgt(ctx, v, w, 10, 5, 2, &p), PX_OK);
    assert_float_equal(p, 0.12, 1e-12);
    assert_int_equal(px_fgt(ctx, v, w, 10, 0, 1, &p), PX_EDOMAIN);
    assert_int_equal(px_fgt(ctx, v, w, 10, 5, -1, &p), PX_EDOMAIN);
    px_ctx_free(ctx);
}

static void test_px_lorenz_points(void **state)
{
    (void)state;
    px_ctx *ctx = NULL;
    assert_int_equal(px_ctx_new(&ctx), PX_OK);
    /* {3, 1, 1, 1} as values {3, 1} with populations {1, 3}: sorted, the
     * three at 1 hold 3/6 of the total: (0,0), (0.75, 0.5), (1, 1). */
    const double v[3] = {3, 1, 1}, w[3] = {1, 2, 1};
    px_lorenz_point *pts = NULL;
    size_t n = 0;
    assert_int_equal(px_lorenz(ctx, v, w, 3, &pts, &n), PX_OK);
    assert_int_equal(n, 3);
    assert_float_equal(pts[0].pop_share, 0.0, 0);
    assert_float_equal(pts[1].pop_share, 0.75, 1e-12);
    assert_float_equal(pts[1].value_share, 0.5, 1e-12);
    assert_float_equal(pts[2].pop_share, 1.0, 0);
    assert_float_equal(pts[2].value_share, 1.0, 0);
    /* Interpolation: halfway to the first point. */
    assert_float_equal(px_lorenz_at(pts, n, 0.375), 0.25, 1e-12);
    assert_float_equal(px_lorenz_at(pts, n, 0.875), 0.75, 1e-12);
    free(pts);
    assert_int_equal(px_lorenz(ctx, v, w, 3, NULL, &n), PX_EINVAL);
    px_ctx_free(ctx);
}

static void test_px_group_stats_compute_two_communes(void **state)
{
    (void)state;
    px_ctx *ctx = NULL;
    assert_int_equal(px_ctx_new(&ctx), PX_OK);
    /* Commune 0: values {0, 2, 4} pop {10, 20, 10}:
     * mean (0*10 + 2*20 + 4*10) / 40 = 80/40 = 2, median 2, share_none 10/40.
     * Commune 1: value {6} pop {40}: mean 6. Overall mean (80+240)/80 = 4:
     * ratios 0.5 and 1.5. Commune 2 is empty. */
    const double v[4] = {0, 2, 4, 6}, w[4] = {10, 20, 10, 40};
    const uint32_t g[4] = {0, 0, 0, 1};
    px_group_stats s[3];
    assert_int_equal(px_group_stats_compute(ctx, v, w, g, 3, 4, s), PX_OK);
    assert_float_equal(s[0].population, 40, 0);
    assert_float_equal(s[0].mean, 2.0, 1e-12);
    assert_float_equal(s[0].median, 2.0, 0);
    assert_float_equal(s[0].share_none, 0.25, 1e-12);
    assert_float_equal(s[0].ratio_to_mean, 0.5, 1e-12);
    assert_float_equal(s[1].mean, 6.0, 1e-12);
    assert_float_equal(s[1].ratio_to_mean, 1.5, 1e-12);
    assert_float_equal(s[2].population, 0, 0);
    double med = 0;
    assert_int_equal(px_weighted_median(ctx, v, w, 4, &med), PX_OK);
    assert_float_equal(med, 4.0, 0); /* cumulative 10, 30, 40 >= 40 at value 4 */
    const uint32_t bad[4] = {0, 0, 0, 3};
    assert_int_equal(px_group_stats_compute(ctx, v, w, bad, 3, 4, s), PX_EINVAL);
    px_ctx_free(ctx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_px_fca_2sfca_hand_case),
        cmocka_unit_test(test_px_fca_e2sfca_hand_case),
        cmocka_unit_test(test_px_fca_supply_nobody_reaches),
        cmocka_unit_test(test_px_fca_bad_input),
        cmocka_unit_test(test_px_gini_known_distributions),
        cmocka_unit_test(test_px_theil_t_decomposition_adds_up),
        cmocka_unit_test(test_px_palma_one_to_ten),
        cmocka_unit_test(test_px_fgt_alpha_0_1_2),
        cmocka_unit_test(test_px_lorenz_points),
        cmocka_unit_test(test_px_group_stats_compute_two_communes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
