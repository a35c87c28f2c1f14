/* `proxima run SCENARIO.yaml`: run a scenario, only the steps whose inputs
 * changed; progress per step on stderr, a summary table of time and memory
 * per step on stdout. */
#include "cli.h"

#include <stdio.h>
#include <string.h>

const char px_usage_run[] =
    "Usage: proxima run SCENARIO.yaml [--name NAME] [-o DIR] [--force]\n\n"
    "Run a scenario: load the layers it names, build the network, run its analyses\n"
    "with their parameters and write its outputs (GeoJSON, CSV, tiles) to its output\n"
    "folder (`output:` in the scenario, or -o DIR). Only the steps whose parameters,\n"
    "input files or upstream steps changed since the last run of the project are run;\n"
    "--force runs them all. The run is recorded in the project under NAME (default:\n"
    "today's date, YYYY-MM-DD; the same name again replaces that run's record) with\n"
    "its steps, their input hashes and a snapshot of every per-commune result:\n"
    "see `proxima runs` and `proxima compare`.\n"
    "Prints one line per step on stderr and a table of time and peak memory per step\n"
    "on stdout. The scenario format is in the README (\"Scenario runs\").\n"
    "Exit status: 2 for a bad scenario (FILE:LINE: reason) or option, 1 when a step fails.\n\n"
    "Example:\n  proxima run layers/scenarios/demo.yaml -o out/demo --name baseline\n";

typedef struct run_view {
    px_cli *cli;
    size_t n, cap;
    struct {
        char id[64];
        int ran;
        double seconds, cpu;
        long long rss_kb;
    } rows[512];
} run_view;

static void on_step(void *user, const px_run_step_info *in)
{
    run_view *v = user;
    if (!in->finished) {
        if (!v->cli->quiet && in->ran)
            fprintf(stderr, "[%zu/%zu] %s (%s) ...\n", in->index + 1, in->n_steps, in->id, in->reason);
        return;
    }
    if (!v->cli->quiet) {
        if (in->status != PX_OK)
            fprintf(stderr, "[%zu/%zu] %s failed\n", in->index + 1, in->n_steps, in->id);
        else if (in->ran)
            fprintf(stderr, "[%zu/%zu] %s done in %.2f s\n", in->index + 1, in->n_steps, in->id, in->seconds);
        else
            fprintf(stderr, "[%zu/%zu] %s unchanged\n", in->index + 1, in->n_steps, in->id);
    }
    if (v->n < sizeof v->rows / sizeof v->rows[0]) {
        snprintf(v->rows[v->n].id, sizeof v->rows[v->n].id, "%s", in->id);
        v->rows[v->n].ran = in->ran;
        v->rows[v->n].seconds = in->seconds;
        v->rows[v->n].cpu = in->cpu_seconds;
        v->rows[v->n].rss_kb = (long long)in->peak_rss_kb;
        v->n++;
    }
}

static void print_summary(const run_view *v, const px_run_report *r)
{
    printf("%-40s %-9s %9s %9s %10s\n", "step", "state", "wall_s", "cpu_s", "peak_mib");
    for (size_t i = 0; i < v->n; i++) {
        if (v->rows[i].ran)
            printf("%-40s %-9s %9.2f %9.2f %10.1f\n", v->rows[i].id, "ran", v->rows[i].seconds,
                   v->rows[i].cpu, (double)v->rows[i].rss_kb / 1024.0);
        else
            printf("%-40s %-9s %9s %9s %10s\n", v->rows[i].id, "unchanged", "-", "-", "-");
    }
    printf("run '%s': %zu steps, %zu ran, %zu unchanged, %.2f s; project %s, outputs in %s\n", r->name,
           r->n_steps, r->n_ran, r->n_unchanged, r->seconds, r->project, r->output_dir);
}

#if __has_include("proxima/server.h")
/* The static site comes from the server module, outside the library. */
static px_status write_site(px_ctx *ctx, const char *project, const char *out_dir, void *user)
{
    (void)user;
    return px_site_write(ctx, project, out_dir, NULL, NULL);
}
#endif

int cmd_run(px_cli *cli, int argc, char **argv)
{
    const char *path = NULL, *v = NULL;
    px_run_options o = {0};
    int rc = PX_EXIT_OK;
    for (int i = 1; i < argc && rc == PX_EXIT_OK; i++) {
        int m;
        if ((m = px_cli_opt(argc, argv, &i, "-o", &v)) != 0 ||
            (m = px_cli_opt(argc, argv, &i, "--output", &v)) != 0) {
            if (m < 0) rc = px_cli_usage_error("run", "-o needs a DIR");
            o.output_dir = v;
        } else if ((m = px_cli_opt(argc, argv, &i, "--name", &v)) != 0) {
            if (m < 0 || !*v) rc = px_cli_usage_error("run", "--name needs a NAME");
            o.name = v;
        } else if (!strcmp(argv[i], "--force")) {
            o.force = 1;
        } else if (argv[i][0] == '-') {
            rc = px_cli_usage_error("run", "unknown option '%s'", argv[i]);
        } else if (!path) {
            path = argv[i];
        } else {
            rc = px_cli_usage_error("run", "unexpected argument '%s'", argv[i]);
        }
    }
    if (rc == PX_EXIT_OK && !path) rc = px_cli_usage_error("run", "missing SCENARIO.yaml");
    if (rc != PX_EXIT_OK) return rc;
    px_scenario *sc = NULL;
    px_status st = px_scenario_read(cli->ctx, path, &sc);
    if (st != PX_OK) {
        px_cli_fail(cli, st);
        /* The scenario is the run's argument list: a bad one is a usage error. */
        return st == PX_EIO || st == PX_ENOMEM ? PX_EXIT_RUNTIME : PX_EXIT_USAGE;
    }
    static run_view view;
    memset(&view, 0, sizeof view);
    view.cli = cli;
    o.on_step = on_step;
    o.user = &view;
#if __has_include("proxima/server.h")
    o.write_site = write_site;
#endif
    px_run_report r;
    st = px_run(cli->ctx, sc, &o, &r);
    if (st != PX_OK)
        rc = px_cli_fail(cli, st);
    else
        print_summary(&view, &r);
    px_scenario_free(sc);
    return rc;
}
