/*
 * The log sink (stderr) and the terminal progress bar. The bar appears only
 * on a terminal and only once a stage has run for over a second, and is
 * erased before any log line so messages never interleave with it.
 */
#include "progress.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void clear_bar(px_cli_progress *p)
{
    if (p->drawn) {
        fputs("\r\033[K", stderr);
        p->drawn = 0;
    }
}

void px_cli_log(void *user, px_log_level level, const char *msg)
{
    px_cli_progress *p = user;
    if (p) clear_bar(p);
    const char *tag = level == PX_LOG_ERROR ? "error: " : level == PX_LOG_WARN ? "warning: " : "";
    fprintf(stderr, "proxima: %s%s\n", tag, msg);
}

int px_cli_progress_cb(void *user, const char *stage, uint64_t done, uint64_t total)
{
    px_cli_progress *p = user;
    if (!p->enabled) return 0;
    double t = now_s();
    if (strncmp(p->stage, stage, sizeof p->stage - 1) != 0) {
        snprintf(p->stage, sizeof p->stage, "%s", stage);
        p->stage_start = t;
        p->last_draw = 0;
    }
    if (t - p->stage_start < 1.0 || t - p->last_draw < 0.1) return 0;
    p->last_draw = t;
    if (total > 0) {
        int width = 30;
        int fill = (int)((double)done / (double)total * width);
        if (fill > width) fill = width;
        fprintf(stderr, "\r\033[K%-28.28s [%.*s%*s] %3d%%", stage, fill,
                "##############################", width - fill, "",
                (int)(100.0 * (double)done / (double)total));
    } else {
        fprintf(stderr, "\r\033[K%-28.28s %llu", stage, (unsigned long long)done);
    }
    p->drawn = 1;
    return 0;
}

void px_cli_progress_end(px_cli_progress *p)
{
    clear_bar(p);
}
