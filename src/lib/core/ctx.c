/*
 * The context: last error, log and progress sinks, cancellation flag, and the
 * GEOS and PROJ handles that must not be shared between threads.
 */
#include "core_int.h"

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#define PX_ERRMSG_MAX 2048

struct px_ctx {
    px_status errcode;
    char errmsg[PX_ERRMSG_MAX];
    char geos_msg[512];
    px_log_fn log_fn;
    void *log_user;
    px_log_level log_max;
    px_progress_fn progress_fn;
    void *progress_user;
    volatile sig_atomic_t cancel;
    GEOSContextHandle_t geos;
    PJ_CONTEXT *proj;
};

static void geos_message(const char *msg, void *user)
{
    px_ctx *ctx = user;
    snprintf(ctx->geos_msg, sizeof ctx->geos_msg, "%s", msg);
}

px_status px_ctx_new(px_ctx **out)
{
    if (!out) return PX_EINVAL;
    px_ctx *ctx = calloc(1, sizeof *ctx);
    if (!ctx) return PX_ENOMEM;
    ctx->geos = GEOS_init_r();
    if (!ctx->geos) {
        free(ctx);
        return PX_EGEOS;
    }
    GEOSContext_setErrorMessageHandler_r(ctx->geos, geos_message, ctx);
    GEOSContext_setNoticeMessageHandler_r(ctx->geos, NULL, NULL);
    ctx->proj = proj_context_create();
    if (!ctx->proj) {
        GEOS_finish_r(ctx->geos);
        free(ctx);
        return PX_EPROJ;
    }
    proj_log_level(ctx->proj, PJ_LOG_NONE);
    *out = ctx;
    return PX_OK;
}

void px_ctx_free(px_ctx *ctx)
{
    if (!ctx) return;
    if (ctx->geos) GEOS_finish_r(ctx->geos);
    if (ctx->proj) proj_context_destroy(ctx->proj);
    free(ctx);
}

const char *px_ctx_errmsg(const px_ctx *ctx) { return ctx ? ctx->errmsg : ""; }
px_status px_ctx_errcode(const px_ctx *ctx) { return ctx ? ctx->errcode : PX_EINVAL; }

void px_ctx_clear_error(px_ctx *ctx)
{
    if (!ctx) return;
    ctx->errcode = PX_OK;
    ctx->errmsg[0] = '\0';
}

void px_ctx_set_log(px_ctx *ctx, px_log_fn fn, void *user, px_log_level max_level)
{
    if (!ctx) return;
    ctx->log_fn = fn;
    ctx->log_user = user;
    ctx->log_max = max_level;
}

void px_ctx_set_progress(px_ctx *ctx, px_progress_fn fn, void *user)
{
    if (!ctx) return;
    ctx->progress_fn = fn;
    ctx->progress_user = user;
}

void px_ctx_cancel(px_ctx *ctx)
{
    if (ctx) ctx->cancel = 1;
}

px_status px__error(px_ctx *ctx, px_status status, const char *fmt, ...)
{
    if (!ctx) return status;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ctx->errmsg, sizeof ctx->errmsg, fmt, ap);
    va_end(ap);
    ctx->errcode = status;
    return status;
}

px_status px_ctx_set_error(px_ctx *ctx, px_status status, const char *fmt, ...)
{
    if (!ctx) return status;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ctx->errmsg, sizeof ctx->errmsg, fmt, ap);
    va_end(ap);
    ctx->errcode = status;
    return status;
}

void px__log(px_ctx *ctx, px_log_level level, const char *fmt, ...)
{
    if (!ctx || !ctx->log_fn || level > ctx->log_max) return;
    char buf[PX_ERRMSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    ctx->log_fn(ctx->log_user, level, buf);
}

int px__cancelled(const px_ctx *ctx) { return ctx && ctx->cancel; }

px_status px__progress(px_ctx *ctx, const char *stage, uint64_t done, uint64_t total)
{
    if (!ctx) return PX_OK;
    if (ctx->progress_fn && ctx->progress_fn(ctx->progress_user, stage, done, total))
        ctx->cancel = 1;
    if (ctx->cancel) return px__error(ctx, PX_ECANCELLED, "%s: cancelled", stage);
    return PX_OK;
}

GEOSContextHandle_t px__geos(px_ctx *ctx)
{
    ctx->geos_msg[0] = '\0';
    return ctx->geos;
}

PJ_CONTEXT *px__proj(px_ctx *ctx) { return ctx->proj; }

const char *px__geos_message(px_ctx *ctx) { return ctx->geos_msg; }

char *px__strdup(const char *s)
{
    if (!s) return NULL;
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d) memcpy(d, s, n);
    return d;
}

char *px__asprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) return NULL;
    char *s = malloc((size_t)n + 1);
    if (!s) return NULL;
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return s;
}

double px__now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

double px__cpu_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

#define HUGE_PAGE ((size_t)2 << 20)

void *px__alloc_big(size_t bytes)
{
    if (bytes < 2 * HUGE_PAGE) return malloc(bytes ? bytes : 1);
    size_t size = (bytes + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE;
    void *p = aligned_alloc(HUGE_PAGE, size);
    if (p) (void)madvise(p, size, MADV_HUGEPAGE); /* advice only: fine if refused */
    return p;
}

void *px__calloc_big(size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size) return NULL;
    size_t bytes = n * size;
    void *p = px__alloc_big(bytes);
    if (p && bytes) memset(p, 0, bytes);
    return p;
}
