/*
 * What the library's modules share about the context: error setting,
 * logging, progress, and the per-context GEOS and PROJ handles.
 * Library-internal: never included by the CLI or the server.
 */
#ifndef PX_CORE_INT_H
#define PX_CORE_INT_H

#include "proxima/core.h"

#include <geos_c.h>
#include <proj.h>

/* Set the context's error and return `status`, so callers can write
 * `return px__error(ctx, PX_EIO, "%s: cannot open: %s", path, strerror(errno));`.
 * The message should read "SOURCE[:LAYER[:FEATURE]]: reason". */
px_status px__error(px_ctx *ctx, px_status status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Log at `level` if a sink is installed and the level is enabled. */
void px__log(px_ctx *ctx, px_log_level level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Report progress; returns PX_ECANCELLED (with the error set) when the sink
 * or px_ctx_cancel asked to stop, PX_OK otherwise. Cheap: call it in loops. */
px_status px__progress(px_ctx *ctx, const char *stage, uint64_t done, uint64_t total);

/* Has cancellation been asked for? */
int px__cancelled(const px_ctx *ctx);

/* The context's GEOS handle and PROJ context; owned by the context. */
GEOSContextHandle_t px__geos(px_ctx *ctx);
PJ_CONTEXT *px__proj(px_ctx *ctx);

/* Last message GEOS gave on this context ("" if none); borrowed. */
const char *px__geos_message(px_ctx *ctx);

/* strdup that returns NULL only on allocation failure (NULL in, NULL out). */
char *px__strdup(const char *s);

/* printf into a new string, caller-frees; NULL on allocation failure. */
char *px__asprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* malloc for arrays of several MiB that are read at random (graph
 * adjacency, per-node costs): backed by transparent huge pages where the
 * kernel allows it, which spares most TLB misses and page faults. Release
 * with free(). NULL on allocation failure. */
void *px__alloc_big(size_t bytes);
/* The same, zeroed. */
void *px__calloc_big(size_t n, size_t size);

/* Remove the temporary outputs of dead processes in folder `dir`: entries
 * named PREFIX<pid>SUFFIX (files or folders; `suffix` may be NULL) whose
 * process no longer exists (see tmpfiles.c). Returns how many were removed.
 * Best effort: errors are ignored, a live process's files are never touched. */
size_t px__remove_stale_temps(const char *dir, const char *prefix, const char *suffix);

/* The same for an output written as PATH.tmp-<pid>[SUFFIX] (tiles, MBTiles). */
size_t px__remove_stale_siblings(const char *path, const char *suffix);

/* Monotonic clock in seconds, for the stage timings logged at debug level. */
double px__now(void);
/* CPU seconds used by the whole process so far (all threads). */
double px__cpu_now(void);

#endif
