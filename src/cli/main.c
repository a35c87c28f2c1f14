/*
 * `proxima` entry point: global options, the table of subcommands, and help.
 * Each subcommand lives in its own cmd_<name>.c.
 */
#include "cli.h"
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
extern const char px_usage_network[], px_usage_synth[], px_usage_access[], px_usage_isochrone[], px_usage_route[],
    px_usage_snap[];

/* equity, brownfields, flood: declarations */
int cmd_equity(px_cli *cli, int argc, char **argv);
int cmd_flood(px_cli *cli, int argc, char **argv);
int cmd_brownfields(px_cli *cli, int argc, char **argv);
extern const char px_usage_equity[], px_usage_flood[], px_usage_brownfields[];

/* cycle network: declarations */
int cmd_cycle(px_cli *cli, int argc, char **argv);
extern const char px_usage_cycle[];

/* tiles: declarations */
int cmd_tiles(px_cli *cli, int argc, char **argv);
extern const char px_usage_tiles[];

/* scenario runs: declarations */
int cmd_run(px_cli *cli, int argc, char **argv);
int cmd_runs(px_cli *cli, int argc, char **argv);
int cmd_compare(px_cli *cli, int argc, char **argv);
extern const char px_usage_run[], px_usage_runs[], px_usage_compare[];

extern const char px_usage_init[], px_usage_load[], px_usage_layers[], px_usage_export[];

static const px_command commands[] = {
    {"init", cmd_init, "create a project store in a metric CRS", px_usage_init},
    {"load", cmd_load, "load the layers a layer definition describes", px_usage_load},
    {"layers", cmd_layers, "list the layers and results in a project", px_usage_layers},
    {"export", cmd_export, "write a layer to GeoJSON, GeoJSONSeq, GeoPackage, FlatGeobuf or CSV", px_usage_export},
    /* network and accessibility: commands */
    {"network", cmd_network, "build the routable walk/bike network from roads and cycle routes", px_usage_network},
    {"access", cmd_access, "quarter-hour accessibility: minutes to services per resident and commune", px_usage_access},
    {"isochrone", cmd_isochrone, "nested polygons reachable within N minutes, residents inside", px_usage_isochrone},
    {"route", cmd_route, "travel time between two points on the network (checks)", px_usage_route},
    {"snap", cmd_snap, "where each feature of a layer attaches to the network (CSV)", px_usage_snap},
    {"synth", cmd_synth, "write a synthetic grid region (tests, benchmarks)", px_usage_synth},

    /* equity, brownfields, flood: commands */
    {"equity", cmd_equity, "service coverage equity: 2SFCA/E2SFCA, Gini, Theil, Palma, FGT per commune", px_usage_equity},
    {"flood", cmd_flood, "flood exposure per commune and hazard class; flood scenario on the network", px_usage_flood},
    {"brownfields", cmd_brownfields, "score and rank brownfield sites for future uses (Mutafriches-like)", px_usage_brownfields},

    /* cycle network: commands */
    {"cycle", cmd_cycle, "cycle network: traffic stress, coverage, connectivity, missing links", px_usage_cycle},

    /* tiles: commands */
    {"tiles", cmd_tiles, "write vector (MVT) or styled PNG map tiles to MBTiles or a folder", px_usage_tiles},

    /* scenario runs: commands */
    {"run", cmd_run, "run a scenario (YAML): only the steps whose inputs changed; record the run", px_usage_run},
    {"runs", cmd_runs, "list the runs recorded in a project", px_usage_runs},
    {"compare", cmd_compare, "per-commune changes of every indicator between two runs", px_usage_compare},

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
    fprintf(f, "Usage: proxima [--quiet|--verbose] COMMAND [ARGS...]\n"
               "       proxima help COMMAND | --help | --version\n\n"
               "Proxima " PX_VERSION_STRING ", a spatial planning engine.\n\nCommands:\n");
    for (size_t i = 0; i < n_commands; i++)
        fprintf(f, "  %-12s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\nExit status: 0 success, 1 runtime error, 2 usage error.\n");
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
        fputs(c->usage, stdout);
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
            fputs(cmd->usage, stdout);
            return PX_EXIT_OK;
        }

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

    int rc = cmd->run(&cli, argc - i, argv + i);

    px_cli_progress_end(&bar);
    g_ctx = NULL;
    px_ctx_free(cli.ctx);
    return rc;
}
