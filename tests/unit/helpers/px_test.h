/*
 * Helpers shared by the unit tests: a fresh temporary path per test and a
 * context with no sinks. Test-only.
 */
#ifndef PX_TEST_H
#define PX_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "proxima/proxima.h"

#include <math.h>

/* |actual - expected| <= eps, in double. Fails on NaN and infinity, which
 * cmocka's own assert_float_equal (float, relative fallback) lets pass: a
 * missing result must never look like a right one. */
#define px_assert_near(actual, expected, eps)                                                            \
    do {                                                                                                 \
        double px_a_ = (double)(actual), px_e_ = (double)(expected);                                     \
        if (!(fabs(px_a_ - px_e_) <= (double)(eps)))                                                     \
            fail_msg("%s = %.17g, expected %.17g (tolerance %g)", #actual, px_a_, px_e_, (double)(eps)); \
    } while (0)

/* Every suite gets the strict comparison under cmocka's name too. */
#undef assert_float_equal
#define assert_float_equal(a, b, eps) px_assert_near(a, b, eps)

/* A new empty directory under the build's test-tmp folder, unique per call;
 * returns a static-lifetime-free string the caller frees (free()). */
char *px_test_tmpdir(const char *tag);

/* path = dir + "/" + name; caller frees. */
char *px_test_path(const char *dir, const char *name);

/* Append a row to `w` whose geometry is given as WKT (in the project CRS);
 * fails the test if the WKT does not parse or the row is refused. */
void px_test_add_wkt(px_ctx *ctx, px_table_writer *w, const px_value *values, const char *wkt);

/* Absolute path of a file in the source tree; caller frees. */
char *px_test_source_path(const char *rel);

#endif
