/* The CLI's stderr log sink and terminal progress bar (see progress.c). */
#ifndef PX_CLI_PROGRESS_H
#define PX_CLI_PROGRESS_H

#include "proxima/proxima.h"

typedef struct px_cli_progress {
    int enabled; /* stderr is a terminal and not --quiet */
    int drawn;
    char stage[64];
    double stage_start;
    double last_draw;
} px_cli_progress;

/* px_log_fn; `user` is a px_cli_progress* (or NULL). */
void px_cli_log(void *user, px_log_level level, const char *msg);
/* px_progress_fn; `user` is a px_cli_progress*. Never asks to cancel. */
int px_cli_progress_cb(void *user, const char *stage, uint64_t done, uint64_t total);
/* Erase the bar if drawn. */
void px_cli_progress_end(px_cli_progress *p);

#endif
