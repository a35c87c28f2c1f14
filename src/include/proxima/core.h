/*
 * Proxima core: status codes, the context, logging, progress and cancellation.
 *
 * Every Proxima call takes a px_ctx. The context owns the per-thread state of
 * the libraries underneath (a GEOS handle, a PROJ context) and the message of
 * the last error. Use one context per thread; a context is not thread-safe.
 *
 * The library never prints and never exits: it returns a px_status and leaves
 * a message naming the source, layer, feature and reason on the context.
 */
#ifndef PROXIMA_CORE_H
#define PROXIMA_CORE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PX_VERSION_MAJOR 0
#define PX_VERSION_MINOR 1
#define PX_VERSION_PATCH 0
#define PX_VERSION_STRING "0.1.0"

/* Result of every call that can fail. PX_OK is 0; everything else is an error
 * whose message is on the context (px_ctx_errmsg). */
typedef enum px_status {
    PX_OK = 0,
    PX_ENOMEM,       /* allocation failed */
    PX_EINVAL,       /* bad argument to a public function (caller bug or bad CLI value) */
    PX_EIO,          /* file system: cannot open, read, write or rename */
    PX_EPARSE,       /* syntax error in a layer definition, style or scenario file */
    PX_EDOMAIN,      /* input is well-formed but not usable (wrong geometry type, bad value) */
    PX_ECRS,         /* missing or unusable coordinate reference system */
    PX_ENOTFOUND,    /* named layer, field, table or feature does not exist */
    PX_ENOTPROJECT,  /* the file is not a Proxima project store */
    PX_ECANCELLED,   /* the progress callback asked to stop */
    PX_EGDAL,        /* GDAL/OGR reported an error */
    PX_EGEOS,        /* GEOS reported an error */
    PX_EPROJ,        /* PROJ reported an error */
    PX_ESQLITE,      /* SQLite/SpatiaLite reported an error */
    PX_EREJECTED,    /* features were rejected and strict mode was asked for */
    PX_EUNSUPPORTED, /* a construct Proxima does not implement (style expression...) */
    PX_EARG,         /* an option value the library cannot use (unknown category or mode):
                        the message lists the valid values; the CLI exits 2 */
    PX_STATUS_COUNT
} px_status;

/* Short fixed English name of a status ("out of memory"). Never NULL; static. */
const char *px_strerror(px_status status);

typedef struct px_ctx px_ctx;

typedef enum px_log_level {
    PX_LOG_ERROR = 0,
    PX_LOG_WARN = 1,
    PX_LOG_INFO = 2,
    PX_LOG_DEBUG = 3
} px_log_level;

/* Log sink. `msg` is borrowed for the duration of the call. */
typedef void (*px_log_fn)(void *user, px_log_level level, const char *msg);

/* Progress sink: `stage` names the step ("load roads"), `done` of `total`
 * units (total 0 when unknown). Return non-zero to ask for cancellation: the
 * running call then stops at its next check and returns PX_ECANCELLED. */
typedef int (*px_progress_fn)(void *user, const char *stage, uint64_t done, uint64_t total);

/* Create a context. On success *out is caller-frees with px_ctx_free.
 * Returns PX_OK, PX_ENOMEM, or PX_EGEOS/PX_EPROJ if a library cannot start. */
px_status px_ctx_new(px_ctx **out);

/* Free a context; NULL is accepted. */
void px_ctx_free(px_ctx *ctx);

/* Message of the last error set on this context, "" if none. Borrowed: valid
 * until the next call that fails on the same context. */
const char *px_ctx_errmsg(const px_ctx *ctx);

/* Status of the last error set on this context, PX_OK if none. */
px_status px_ctx_errcode(const px_ctx *ctx);

/* Set the context's error (for modules outside the library, such as the
 * map server, that report through the same context) and return `status`. */
px_status px_ctx_set_error(px_ctx *ctx, px_status status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Forget the last error. */
void px_ctx_clear_error(px_ctx *ctx);

/* Install the log sink and the most verbose level passed to it. `user` is
 * borrowed and handed back on each call. Default: no sink (silent). */
void px_ctx_set_log(px_ctx *ctx, px_log_fn fn, void *user, px_log_level max_level);

/* Install the progress sink. `user` is borrowed. Default: none. */
void px_ctx_set_progress(px_ctx *ctx, px_progress_fn fn, void *user);

/* Ask the running call on this context to stop (e.g. from a signal handler:
 * it only sets a flag). */
void px_ctx_cancel(px_ctx *ctx);

#ifdef __cplusplus
}
#endif
#endif
