/*
 * Shared CLI plumbing: error printing, exit codes, the log sink and the
 * progress bar. The progress bar is drawn only when stderr is a terminal and
 * only for work that has lasted over a second.
 */
#include "cli.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int px_cli_fail(px_cli *cli, px_status status)
{
    const char *msg = px_ctx_errmsg(cli->ctx);
    if (!msg || !*msg) msg = px_strerror(status);
    if (status != PX_EARG || !cli->cmd) {
        fprintf(stderr, "proxima: %s\n", msg);
        return status == PX_EARG ? PX_EXIT_USAGE : PX_EXIT_RUNTIME;
    }
    /* A bad option value found by the library is a usage error, like one found here. */
    size_t n = strlen(cli->cmd);
    int named = !strncmp(msg, cli->cmd, n) && msg[n] == ':';
    fprintf(stderr, "proxima: %s%s%s\nTry 'proxima help %s'.\n", named ? "" : cli->cmd, named ? "" : ": ", msg,
            cli->cmd);
    return PX_EXIT_USAGE;
}

int px_cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "proxima: %s: ", cmd);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\nTry 'proxima help %s'.\n", cmd);
    va_end(ap);
    return PX_EXIT_USAGE;
}

void px_cli_info(px_cli *cli, const char *fmt, ...)
{
    if (cli->quiet) return;
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
}

int px_cli_opt(int argc, char **argv, int *i, const char *name, const char **value)
{
    const char *a = argv[*i];
    size_t n = strlen(name);
    if (strncmp(a, name, n) != 0) return 0;
    if (a[n] == '=') {
        *value = a + n + 1;
        return 1;
    }
    if (a[n] != '\0') return 0;
    if (*i + 1 >= argc) return -1;
    *value = argv[++*i];
    return 1;
}

int px_cli_opt_positive(int argc, char **argv, int *i, const char *cmd, const char *name, const char *what,
                        double *out, int *rc)
{
    const char *v = NULL;
    int m = px_cli_opt(argc, argv, i, name, &v);
    if (m == 0) return 0;
    double d = 0;
    if (m < 0 || px_cli_parse_double(v, &d) || !(d > 0)) *rc = px_cli_usage_error(cmd, "%s needs %s > 0", name, what);
    else *out = d;
    return 1;
}

int px_cli_parse_int(const char *s, long *out)
{
    if (!s || !*s) return -1;
    char *end = NULL;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || *end) return -1;
    *out = v;
    return 0;
}

int px_cli_parse_double(const char *s, double *out)
{
    if (!s || !*s) return -1;
    char *end = NULL;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || *end || !isfinite(v)) return -1; /* NaN and inf are never a usable value */
    *out = v;
    return 0;
}

px_store *px_cli_open_store(px_cli *cli, const char *path, int read_only)
{
    px_store *store = NULL;
    px_status st = px_store_open(cli->ctx, path, read_only, &store);
    if (st != PX_OK) {
        px_cli_fail(cli, st);
        return NULL;
    }
    return store;
}
