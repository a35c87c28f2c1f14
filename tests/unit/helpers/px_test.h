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

/* A new empty directory under the build's test-tmp folder, unique per call;
 * returns a static-lifetime-free string the caller frees (free()). */
char *px_test_tmpdir(const char *tag);

/* path = dir + "/" + name; caller frees. */
char *px_test_path(const char *dir, const char *name);

/* Absolute path of a file in the source tree; caller frees. */
char *px_test_source_path(const char *rel);

#endif
