/* `proxima runs PROJECT` and `proxima compare PROJECT A B`: the observatory,
 * the named runs recorded by `proxima run` and the per-commune changes
 * between two of them. */
#include "cli.h"
#include "opts.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const px_opt runs_opts[] = {{0}};

const px_cmd_spec px_spec_runs = {
    .name = "runs",
    .args = "PROJECT",
    .n_args_min = 1,
    .n_args_max = 1,
    .opts = runs_opts,
    .about = "List the runs recorded in the project by `proxima run`, oldest first: name,\n"
             "start (UTC), status, steps run of steps, seconds, and headline figures\n"
             "(region-wide quarter-hour shares, cycle coverage and connectivity) as JSON.\n",
    .examples = "proxima runs out/demo/demo.sqlite\n"};

static const px_opt compare_opts[] = {
    PX_OPT_OUTPUT("DIR", "also write DIR/compare-A-B.csv and DIR/compare-A-B.geojson"), {0}};

const px_cmd_spec px_spec_compare = {
    .name = "compare",
    .args = "PROJECT A B",
    .n_args_min = 3,
    .n_args_max = 3,
    .opts = compare_opts,
    .about = "Per-commune changes of every indicator between runs A and B (B - A): every\n"
             "value of the per-commune result tables (access_communes, equity_communes,\n"
             "flood_exposure, flood_scenario_communes, cycle_coverage, cycle_connectivity,\n"
             "and cycle_plan: cycle figures with the scenario's planned links) snapshotted by\n"
             "`proxima run` that differs (to 1e-9 relative). Prints a table on stdout (table,\n"
             "commune_id, commune_name, key, indicator, a, b, change; NA where a run has no\n"
             "value) and writes the project table run_compare (communes with n_changed and\n"
             "one d_... column per changed indicator). Map it with styles/run-compare.json.\n",
    .examples = "proxima compare out/demo/demo.sqlite baseline with-plan -o out/demo\n"};

int cmd_runs(px_cli *cli, int argc, char **argv)
{
    px_args *a = NULL;
    int prc = px_args_parse(cli, &px_spec_runs, argc, argv, &a);
    if (!a) return prc;
    const char *project = px_args_pos(a, 0);
    px_store *store = px_cli_open_store(cli, project, 1);
    if (!store) {
        px_args_free(a);
        return PX_EXIT_RUNTIME;
    }
    px_run_info *runs = NULL;
    size_t n = 0;
    px_status st = px_runs_list(cli->ctx, store, &runs, &n);
    int rc = PX_EXIT_OK;
    if (st != PX_OK)
        rc = px_cli_fail(cli, st);
    else {
        printf("%-24s %-20s %-8s %9s %9s  %s\n", "name", "started_at", "status", "ran/steps", "seconds",
               "headline");
        for (size_t i = 0; i < n; i++) {
            char steps[32];
            snprintf(steps, sizeof steps, "%lld/%lld", (long long)runs[i].n_ran, (long long)runs[i].n_steps);
            printf("%-24s %-20s %-8s %9s %9.2f  %s\n", runs[i].name, runs[i].started_at, runs[i].status,
                   steps, runs[i].seconds, runs[i].headline);
        }
        if (!n) px_cli_info(cli, "runs: %s has no recorded run (see `proxima run`)\n", px_store_path(store));
    }
    px_run_infos_free(runs, n);
    px_store_close(store);
    px_args_free(a);
    return rc;
}

static void fmt_value(char *buf, size_t n, int has, double v)
{
    if (has)
        snprintf(buf, n, "%.10g", v);
    else
        snprintf(buf, n, "NA");
}

/* File-name-safe copy of a run name. */
static void safe(char *out, size_t n, const char *s)
{
    size_t i = 0;
    for (; s[i] && i + 1 < n; i++)
        out[i] = (s[i] == '/' || s[i] == ' ' || s[i] == '\\') ? '_' : s[i];
    out[i] = '\0';
}

/* The changes as CSV, built in memory and written like every output
 * (px_file_write: temporary file, checked writes, rename). */
static px_status write_csv(px_cli *cli, const char *path, const px_run_change *c, size_t n)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f) return PX_ENOMEM;
    fprintf(f, "table,commune_id,commune_name,key,indicator,a,b,change\n");
    for (size_t i = 0; i < n; i++) {
        char a[32], b[32], d[32];
        fmt_value(a, sizeof a, c[i].has_a, c[i].a);
        fmt_value(b, sizeof b, c[i].has_b, c[i].b);
        fmt_value(d, sizeof d, c[i].has_a && c[i].has_b, c[i].b - c[i].a);
        /* Names may hold commas or quotes: quote every text field. */
        const char *texts[5] = {c[i].table, c[i].commune_id, c[i].commune_name, c[i].key, c[i].indicator};
        for (int k = 0; k < 5; k++) {
            fputc('"', f);
            for (const char *p = texts[k]; *p; p++)
                *p == '"' ? fputs("\"\"", f) : fputc(*p, f);
            fputs("\",", f);
        }
        fprintf(f, "%s,%s,%s\n", a, b, d);
    }
    if (fclose(f) != 0 || !buf) {
        free(buf);
        return PX_ENOMEM;
    }
    px_status st = px_file_write(cli->ctx, path, buf, len);
    free(buf);
    return st;
}

int cmd_compare(px_cli *cli, int argc, char **argv)
{
    px_args *pa = NULL;
    int rc = px_args_parse(cli, &px_spec_compare, argc, argv, &pa);
    if (!pa) return rc;
    const char *args[3] = {px_args_pos(pa, 0), px_args_pos(pa, 1), px_args_pos(pa, 2)};
    const char *outdir = px_args_text(pa, "output");
    if (outdir && px_cli_output_dir("compare", outdir) != PX_EXIT_OK) {
        px_args_free(pa);
        return PX_EXIT_RUNTIME;
    }
    px_store *store = px_cli_open_store(cli, args[0], 0);
    if (!store) {
        px_args_free(pa);
        return PX_EXIT_RUNTIME;
    }
    px_run_change *c = NULL;
    size_t n = 0;
    px_status st = px_runs_compare(cli->ctx, store, args[1], args[2], &c, &n);
    if (st == PX_ENOTFOUND) {
        px_cli_fail(cli, st);
        rc = PX_EXIT_USAGE;
    } else if (st != PX_OK) {
        rc = px_cli_fail(cli, st);
    }
    if (rc == PX_EXIT_OK) {
        printf("%-26s %-10s %-20s %-34s %-28s %14s %14s %14s\n", "table", "commune_id", "commune_name", "key",
               "indicator", "a", "b", "change");
        for (size_t i = 0; i < n; i++) {
            char a[32], b[32], d[32];
            fmt_value(a, sizeof a, c[i].has_a, c[i].a);
            fmt_value(b, sizeof b, c[i].has_b, c[i].b);
            fmt_value(d, sizeof d, c[i].has_a && c[i].has_b, c[i].b - c[i].a);
            printf("%-26s %-10s %-20s %-34s %-28s %14s %14s %14s\n", c[i].table, c[i].commune_id,
                   c[i].commune_name, *c[i].key ? c[i].key : "-", c[i].indicator, a, b, d);
        }
        px_cli_info(cli, "compare: %zu values differ between '%s' and '%s'\n", n, args[1], args[2]);
        st = px_runs_compare_write(cli->ctx, store, c, n);
        if (st != PX_OK) rc = px_cli_fail(cli, st);
    }
    if (rc == PX_EXIT_OK && outdir) {
        char sa[64], sb[64], path[4096];
        safe(sa, sizeof sa, args[1]);
        safe(sb, sizeof sb, args[2]);
        snprintf(path, sizeof path, "%s/compare-%s-%s.csv", outdir, sa, sb);
        if (rc == PX_EXIT_OK && (st = write_csv(cli, path, c, n)) != PX_OK) rc = px_cli_fail(cli, st);
        snprintf(path, sizeof path, "%s/compare-%s-%s.geojson", outdir, sa, sb);
        if (rc == PX_EXIT_OK && (st = px_export(cli->ctx, store, "run_compare", path, NULL)) != PX_OK)
            rc = px_cli_fail(cli, st);
    }
    px_run_changes_free(c, n);
    px_store_close(store);
    px_args_free(pa);
    return rc;
}
