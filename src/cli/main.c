/*
 * `proxima` entry point: global options, the table of subcommands, and help.
 * Each subcommand lives in its own cmd_<name>.c.
 */
#include "cli.h"
#include "opts.h"
#include "progress.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int cmd_init(px_cli *cli, int argc, char **argv);
int cmd_load(px_cli *cli, int argc, char **argv);
int cmd_layers(px_cli *cli, int argc, char **argv);
int cmd_export(px_cli *cli, int argc, char **argv);
/* network and accessibility: declarations */
int cmd_network(px_cli *cli, int argc, char **argv);
int cmd_synth(px_cli *cli, int argc, char **argv);
int cmd_access(px_cli *cli, int argc, char **argv);
int cmd_isochrone(px_cli *cli, int argc, char **argv);
int cmd_route(px_cli *cli, int argc, char **argv);
int cmd_snap(px_cli *cli, int argc, char **argv);
extern const px_cmd_spec px_spec_network, px_spec_synth, px_spec_access, px_spec_isochrone, px_spec_route,
    px_spec_snap;

/* equity, brownfields, flood: declarations */
int cmd_equity(px_cli *cli, int argc, char **argv);
int cmd_flood(px_cli *cli, int argc, char **argv);
int cmd_brownfields(px_cli *cli, int argc, char **argv);
extern const px_cmd_spec px_spec_equity, px_spec_flood, px_spec_brownfields;

/* service planning: declarations */
int cmd_services(px_cli *cli, int argc, char **argv);
int cmd_site_services(px_cli *cli, int argc, char **argv);
int cmd_shared_services(px_cli *cli, int argc, char **argv);
extern const px_cmd_spec px_spec_services, px_spec_site_services, px_spec_shared_services;

/* cycle network: declarations */
int cmd_cycle(px_cli *cli, int argc, char **argv);
extern const px_cmd_spec px_spec_cycle;

/* tiles: declarations */
int cmd_tiles(px_cli *cli, int argc, char **argv);
extern const px_cmd_spec px_spec_tiles;

/* scenario runs: declarations */
int cmd_run(px_cli *cli, int argc, char **argv);
int cmd_runs(px_cli *cli, int argc, char **argv);
int cmd_compare(px_cli *cli, int argc, char **argv);
extern const px_cmd_spec px_spec_run, px_spec_runs, px_spec_compare;
/* map server and static site: declarations */
int cmd_serve(px_cli *cli, int argc, char **argv);
int cmd_site(px_cli *cli, int argc, char **argv);
extern const px_cmd_spec px_spec_serve, px_spec_site;

/* print: declarations */
int cmd_map(px_cli *cli, int argc, char **argv);
int cmd_report(px_cli *cli, int argc, char **argv);
extern const px_cmd_spec px_spec_map, px_spec_report;

extern const px_cmd_spec px_spec_init, px_spec_load, px_spec_layers, px_spec_export;
/* copy between stores: declarations */
int cmd_copy(px_cli *cli, int argc, char **argv);
extern const px_cmd_spec px_spec_copy;

static const px_command commands[] = {
    {"init", cmd_init, "create a project store in a metric CRS", NULL, &px_spec_init},
    {"load", cmd_load, "load the layers a layer definition describes", NULL, &px_spec_load},
    {"layers", cmd_layers, "list the layers and results in a project", NULL, &px_spec_layers},
    {"export", cmd_export, "write a layer to GeoJSON, GeoJSONSeq, GeoPackage, FlatGeobuf or CSV", NULL, &px_spec_export},
    {"copy", cmd_copy, "copy a whole project between stores (SpatiaLite, PostGIS)", NULL, &px_spec_copy},
    /* network and accessibility: commands */
    {"network", cmd_network, "build the routable walk/bike network from roads and cycle routes", NULL, &px_spec_network},
    {"access", cmd_access, "quarter-hour accessibility: minutes to services per resident and commune", NULL, &px_spec_access},
    {"isochrone", cmd_isochrone, "nested polygons reachable within N minutes, residents inside", NULL, &px_spec_isochrone},
    {"route", cmd_route, "travel time between two points on the network (checks)", NULL, &px_spec_route},
    {"snap", cmd_snap, "where each feature of a layer attaches to the network (CSV)", NULL, &px_spec_snap},
    {"synth", cmd_synth, "write a synthetic grid region (tests, benchmarks)", NULL, &px_spec_synth},

    /* equity, brownfields, flood: commands */
    {"equity", cmd_equity, "service coverage equity: 2SFCA/E2SFCA, Gini, Theil, Palma, FGT per commune", NULL, &px_spec_equity},
    {"flood", cmd_flood, "flood exposure per commune and hazard class; flood scenario on the network", NULL, &px_spec_flood},
    {"brownfields", cmd_brownfields, "score and rank brownfield sites for future uses (Mutafriches-like)", NULL, &px_spec_brownfields},

    /* service planning: commands */
    {"services", cmd_services, "what-if on services: residents gaining/losing quarter-hour access, equity change", NULL, &px_spec_services},
    {"site-services", cmd_site_services, "choose K new service sites: coverage, p-median or equity objective", NULL, &px_spec_site_services},
    {"shared-services", cmd_shared_services, "sites serving every given commune within the threshold, ranked by residents", NULL, &px_spec_shared_services},

    /* cycle network: commands */
    {"cycle", cmd_cycle, "cycle network: traffic stress, coverage, connectivity, missing links", NULL, &px_spec_cycle},

    /* tiles: commands */
    {"tiles", cmd_tiles, "write vector (MVT) or styled PNG map tiles to MBTiles or a folder", NULL, &px_spec_tiles},

    /* scenario runs: commands */
    {"run", cmd_run, "run a scenario (YAML): only the steps whose inputs changed; record the run", NULL, &px_spec_run},
    {"runs", cmd_runs, "list the runs recorded in a project", NULL, &px_spec_runs},
    {"compare", cmd_compare, "per-commune changes of every indicator between two runs", NULL, &px_spec_compare},
    /* map server and static site: commands */
    {"serve", cmd_serve, "serve tiles, styles, tables and the web map viewer over HTTP", NULL, &px_spec_serve},
    {"site", cmd_site, "write the web map viewer and its data as a static site", NULL, &px_spec_site},

    /* print: commands */
    {"map", cmd_map, "print-ready map (PDF, PNG, SVG; A4/A3) from a style, or an atlas per commune", NULL, &px_spec_map},
    {"report", cmd_report, "council report: report.html, report.pdf and report.md from the results", NULL, &px_spec_report},

};
static const size_t n_commands = sizeof commands / sizeof commands[0];

static px_ctx *g_ctx; /* for the SIGINT handler only: it sets a flag */

static void on_sigint(int sig)
{
    (void)sig;
    if (g_ctx) px_ctx_cancel(g_ctx);
}

static void print_help(FILE *f)
{
    fprintf(f, "Usage: proxima [--quiet|--verbose] [--check-args] COMMAND [ARGS...]\n"
               "       proxima help COMMAND | COMMAND --help | --help | --version | --list-options\n\n"
               "Proxima " PX_VERSION_STRING ", a spatial planning engine.\n\nCommands:\n");
    for (size_t i = 0; i < n_commands; i++)
        fprintf(f, "  %-12s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\n--check-args checks a command line against the command's options and runs\n"
               "nothing; --list-options prints every command's options (tab-separated).\n"
               "Exit status: 0 success, 1 runtime error, 2 usage error.\n");
}

static void print_usage(const px_command *c, FILE *f)
{
    if (c->spec) px_spec_help(c->spec, f);
    else fputs(c->usage, f);
}

static const px_command *find_command(const char *name)
{
    for (size_t i = 0; i < n_commands; i++)
        if (strcmp(commands[i].name, name) == 0) return &commands[i];
    return NULL;
}

int main(int argc, char **argv)
{
    px_cli cli = {0};
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            print_help(stdout);
            return PX_EXIT_OK;
        } else if (!strcmp(argv[i], "--version")) {
            printf("proxima %s\n", PX_VERSION_STRING);
            return PX_EXIT_OK;
        } else if (!strcmp(argv[i], "--quiet") || !strcmp(argv[i], "-q")) {
            cli.quiet = 1;
        } else if (!strcmp(argv[i], "--verbose") || !strcmp(argv[i], "-v")) {
            cli.verbose = 1;
        } else if (!strcmp(argv[i], "--check-args")) {
            cli.check_only = 1;
        } else if (!strcmp(argv[i], "--list-options")) {
            for (size_t k = 0; k < n_commands; k++)
                if (commands[k].spec) px_spec_list(commands[k].spec, stdout);
            return PX_EXIT_OK;
        } else {
            fprintf(stderr, "proxima: unknown option '%s'\nTry 'proxima --help'.\n", argv[i]);
            return PX_EXIT_USAGE;
        }
    }
    if (i >= argc) {
        print_help(stderr);
        return PX_EXIT_USAGE;
    }
    if (!strcmp(argv[i], "help")) {
        if (i + 1 >= argc) {
            print_help(stdout);
            return PX_EXIT_OK;
        }
        const px_command *c = find_command(argv[i + 1]);
        if (!c) {
            fprintf(stderr, "proxima: help: unknown command '%s'\n", argv[i + 1]);
            return PX_EXIT_USAGE;
        }
        print_usage(c, stdout);
        return PX_EXIT_OK;
    }
    const px_command *cmd = find_command(argv[i]);
    if (!cmd) {
        fprintf(stderr, "proxima: unknown command '%s'\nTry 'proxima --help'.\n", argv[i]);
        return PX_EXIT_USAGE;
    }
    /* `proxima CMD --help` prints the command's usage. */
    for (int j = i + 1; j < argc; j++)
        if (!strcmp(argv[j], "--help") || !strcmp(argv[j], "-h")) {
            print_usage(cmd, stdout);
            return PX_EXIT_OK;
        }
    if (cli.check_only && !cmd->spec) {
        fprintf(stderr, "proxima: %s: --check-args: this command has no option table yet\n", cmd->name);
        return PX_EXIT_USAGE;
    }

    cli.cmd = cmd->name;
    /* --check-args: the command parses its arguments and returns before any use of the context. */
    if (cli.check_only) return cmd->run(&cli, argc - i, argv + i);

    px_status st = px_ctx_new(&cli.ctx);
    if (st != PX_OK) {
        fprintf(stderr, "proxima: cannot start: %s\n", px_strerror(st));
        return PX_EXIT_RUNTIME;
    }
    cli.tty = isatty(STDERR_FILENO);
    px_cli_progress bar = {.enabled = cli.tty && !cli.quiet};
    px_ctx_set_log(cli.ctx, px_cli_log, &bar,
                   cli.quiet ? PX_LOG_ERROR : cli.verbose ? PX_LOG_DEBUG : PX_LOG_WARN);
    px_ctx_set_progress(cli.ctx, px_cli_progress_cb, &bar);
    g_ctx = cli.ctx;
    signal(SIGINT, on_sigint);
    /* Over a file size limit (ulimit -f) a write then fails with EFBIG, which
     * every writer reports and cleans up after, instead of killing us with a
     * temporary file left behind. */
    signal(SIGXFSZ, SIG_IGN);

    int rc = cmd->run(&cli, argc - i, argv + i);

    px_cli_progress_end(&bar);
    g_ctx = NULL;
    px_ctx_free(cli.ctx);
    return rc;
}
