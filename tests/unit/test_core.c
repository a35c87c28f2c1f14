/* Unit tests of the core: context, status names, errors, progress, cancel. */
#include "helpers/px_test.h"
#include "core/core_int.h"

#include <string.h>

static void test_px_strerror_all_named(void **state)
{
    (void)state;
    for (int s = 0; s < PX_STATUS_COUNT; s++) {
        const char *m = px_strerror((px_status)s);
        assert_non_null(m);
        assert_string_not_equal(m, "unknown status");
    }
    assert_string_equal(px_strerror(PX_ENOMEM), "out of memory");
    assert_string_equal(px_strerror((px_status)999), "unknown status");
}

static void test_px__error_sets_message(void **state)
{
    (void)state;
    px_ctx *ctx = NULL;
    assert_int_equal(px_ctx_new(&ctx), PX_OK);
    assert_string_equal(px_ctx_errmsg(ctx), "");
    assert_int_equal(px_ctx_errcode(ctx), PX_OK);
    assert_int_equal(px__error(ctx, PX_EIO, "%s: cannot open: %s", "a.gpkg", "No such file"), PX_EIO);
    assert_string_equal(px_ctx_errmsg(ctx), "a.gpkg: cannot open: No such file");
    assert_int_equal(px_ctx_errcode(ctx), PX_EIO);
    px_ctx_clear_error(ctx);
    assert_string_equal(px_ctx_errmsg(ctx), "");
    px_ctx_free(ctx);
    px_ctx_free(NULL);
}

typedef struct seen {
    int calls;
    uint64_t last_done;
    int stop_at;
} seen;

static int progress(void *user, const char *stage, uint64_t done, uint64_t total)
{
    (void)stage;
    (void)total;
    seen *s = user;
    s->calls++;
    s->last_done = done;
    return s->stop_at && (int)done >= s->stop_at;
}

static void test_px__progress_cancel(void **state)
{
    (void)state;
    px_ctx *ctx = NULL;
    assert_int_equal(px_ctx_new(&ctx), PX_OK);
    seen s = {.stop_at = 3};
    px_ctx_set_progress(ctx, progress, &s);
    assert_int_equal(px__progress(ctx, "step", 1, 10), PX_OK);
    assert_int_equal(px__progress(ctx, "step", 2, 10), PX_OK);
    assert_int_equal(px__progress(ctx, "step", 3, 10), PX_ECANCELLED);
    assert_int_equal(s.calls, 3);
    assert_string_equal(px_ctx_errmsg(ctx), "step: cancelled");
    /* Once cancelled, it stays cancelled. */
    assert_int_equal(px__progress(ctx, "step", 4, 10), PX_ECANCELLED);
    px_ctx_free(ctx);

    assert_int_equal(px_ctx_new(&ctx), PX_OK);
    px_ctx_cancel(ctx);
    assert_int_equal(px__progress(ctx, "other", 0, 0), PX_ECANCELLED);
    px_ctx_free(ctx);
}

typedef struct logbuf {
    char last[256];
    int n;
} logbuf;

static void log_sink(void *user, px_log_level level, const char *msg)
{
    (void)level;
    logbuf *b = user;
    strncpy(b->last, msg, sizeof b->last - 1);
    b->n++;
}

static void test_px__log_levels(void **state)
{
    (void)state;
    px_ctx *ctx = NULL;
    assert_int_equal(px_ctx_new(&ctx), PX_OK);
    logbuf b = {0};
    px__log(ctx, PX_LOG_WARN, "no sink: dropped");
    px_ctx_set_log(ctx, log_sink, &b, PX_LOG_WARN);
    px__log(ctx, PX_LOG_INFO, "too verbose");
    assert_int_equal(b.n, 0);
    px__log(ctx, PX_LOG_WARN, "roads:way/42: %s", "empty geometry");
    assert_int_equal(b.n, 1);
    assert_string_equal(b.last, "roads:way/42: empty geometry");
    px_ctx_free(ctx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_px_strerror_all_named),
        cmocka_unit_test(test_px__error_sets_message),
        cmocka_unit_test(test_px__progress_cancel),
        cmocka_unit_test(test_px__log_levels),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
