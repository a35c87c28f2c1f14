/* `proxima run SCENARIO.yaml`: run a scenario, only the steps whose inputs
 * changed; progress per step on stderr, a summary table of time and memory
 * per step on stdout. */
#include "cli.h"
#include "opts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const px_opt run_opts[] = {
    PX_OPT_OUTPUT("DIR", "output folder (default: the scenario's `output:`, else out/<name>)"),
    {"name", 0, PX_OPT_TEXT, "NAME", .help = "name of the run in the project (default: today's date, YYYY-MM-DD)"},
    {"force", 0, PX_OPT_FLAG, .help = "run every step, changed or not"},
    {"project", 0, PX_OPT_PATH, "STORE",
     .help = "use this project (a file, or a PostGIS \"PG:...\" string) instead of the scenario's project.path"},
    {0}};

const px_cmd_spec px_spec_run = {
    .name = "run",
    .args = "SCENARIO.yaml",
    .n_args_min = 1,
    .n_args_max = 1,
    .opts = run_opts,
    .about = "Run a scenario: load the layers it names, build the network, run its analyses\n"
             "with their parameters and write its outputs (GeoJSON, CSV, tiles, maps, report)\n"
             "to its output folder. Only the steps whose parameters, input files or upstream\n"
             "steps changed since the last run of the project are run. The run is recorded in\n"
             "the project under its name (the same name again replaces that run's record)\n"
             "with its steps, their input hashes and a snapshot of every per-commune result:\n"
             "see `proxima runs` and `proxima compare`.\n"
             "Prints one line per step on stderr and a table of time and peak memory per step\n"
             "on stdout. The scenario format is in the README (\"Scenario runs\").\n"
             "Exit status: 2 for a bad scenario (FILE:LINE: reason), 1 when a step fails.\n",
    .examples = "proxima run layers/scenarios/demo.yaml -o out/demo --name baseline\n"
                "proxima run layers/scenarios/demo.yaml --project PG:dbname=plan --name pg\n"};

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
    char *shown = px_store_redact(r->project); /* a PG string may hold a password */
    printf("run '%s': %zu steps, %zu ran, %zu unchanged, %.2f s; project %s, outputs in %s\n", r->name,
           r->n_steps, r->n_ran, r->n_unchanged, r->seconds, shown ? shown : r->project, r->output_dir);
    free(shown);
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
    px_args *a = NULL;
    int rc = px_args_parse(cli, &px_spec_run, argc, argv, &a);
    if (!a) return rc;
    const char *path = px_args_pos(a, 0);
    px_run_options o = {0};
    o.output_dir = px_args_text(a, "output");
    o.name = px_args_text(a, "name");
    o.force = px_args_flag(a, "force");
    o.project = px_args_text(a, "project");
    px_scenario *sc = NULL;
    px_status st = px_scenario_read(cli->ctx, path, &sc);
    if (st != PX_OK) {
        px_cli_fail(cli, st);
        px_args_free(a);
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
    px_args_free(a);
    return rc;
}
