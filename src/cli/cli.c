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

int px_cli_record_whatif(px_cli *cli, px_store *store, const char *name, const char *baseline, const char *cmd)
{
    px_whatif_run_report r = {0};
    char what[96];
    snprintf(what, sizeof what, "proxima %s what-if", cmd);
    px_status st = px_run_record_whatif(cli->ctx, store, name, baseline, what, &r);
    if (st == PX_ENOTFOUND && baseline) {
        px_cli_fail(cli, st);
        return PX_EXIT_USAGE;
    }
    if (st != PX_OK) return px_cli_fail(cli, st);
    if (r.baseline_created)
        px_cli_info(cli, "%s: the project had no run: the services as loaded recorded as run '%s'\n", cmd,
                    r.baseline);
    px_cli_info(cli, "%s: what-if recorded as run '%s' (on run '%s'): proxima compare %s %s %s\n", cmd, name,
                r.baseline, px_store_path(store), r.baseline, name);
    return PX_EXIT_OK;
}

int px_cli_check_baseline(px_cli *cli, px_store *store, const char *baseline, const char *cmd)
{
    if (!baseline) return PX_EXIT_OK;
    px_run_info *runs = NULL;
    size_t n = 0;
    px_status st = px_runs_list(cli->ctx, store, &runs, &n);
    if (st != PX_OK) return px_cli_fail(cli, st);
    int found = 0;
    char names[512] = "";
    for (size_t i = 0; i < n; i++) {
        found |= !strcmp(runs[i].name, baseline);
        if (strlen(names) + strlen(runs[i].name) + 3 < sizeof names) {
            if (i) strcat(names, ", ");
            strcat(names, runs[i].name);
        }
    }
    px_run_infos_free(runs, n);
    if (found) return PX_EXIT_OK;
    return px_cli_usage_error(cmd, "--baseline %s: no such run in %s (runs: %s)", baseline, px_store_path(store),
                              *names ? names : "none");
}
