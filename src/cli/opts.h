/*
 * The CLI's one option table. Every subcommand describes its arguments once,
 * as a `px_cmd_spec` (positional words, options, prose, examples); the same
 * spec drives the parser (px_args_parse), `proxima help CMD` / `CMD --help`
 * (px_spec_help) and the consistency tests (`proxima --list-options`).
 * What is deliberately not here: reading projects, running analyses.
 *
 * Options shared by several commands are the PX_OPT_* macros below, so an
 * option has one name, one kind, one range and one default everywhere:
 *   -o/--output, --modes walk,bike, --mode walk|bike, --minutes, --max-minutes,
 *   --categories, --snap-m (default 300 m), --threads (1..64), --lonlat LON,LAT.
 * Add a command-specific option as a plain px_opt initializer.
 *
 * How to convert a command (see cmd_snap.c for a small complete example):
 *
 *   static const px_opt snap_opts[] = {
 *       PX_OPT_MODE, PX_OPT_SNAP_M,
 *       {"label", 0, PX_OPT_TEXT, "NAME", .help = "label of the run"},
 *       {0}};
 *   const px_cmd_spec px_spec_snap = {
 *       .name = "snap", .args = "PROJECT LAYER", .n_args_min = 2, .n_args_max = 2,
 *       .opts = snap_opts, .about = "What it does, in sentences.\n",
 *       .examples = "proxima snap demo.sqlite services --mode bike\n"};
 *
 *   int cmd_snap(px_cli *cli, int argc, char **argv) {
 *       px_args *a = NULL;
 *       int rc = px_args_parse(cli, &px_spec_snap, argc, argv, &a);
 *       if (!a) return rc;   // usage error printed (2), or --check-args (0)
 *       const char *project = px_args_pos(a, 0);    // positional words, borrowed
 *       double snap_m = px_args_number(a, "snap-m"); // given value or the spec's default
 *       ...
 *       px_args_free(a);
 *   }
 *
 * and in main.c's command table give `.spec = &px_spec_snap` (the help is then
 * generated). Getters abort on a name the spec does not declare: a typo shows
 * in the first test that runs the command.
 *
 * Values: numbers are finite (NaN and inf refused) and inside [min, max]
 * (min excluded with PX_OPTF_GT_MIN); lists are comma-separated non-empty
 * items, each one of `choices` when given; a default (`def`) is written as a
 * user would type it and is parsed like one, so help and behaviour agree.
 */
#ifndef PX_CLI_OPTS_H
#define PX_CLI_OPTS_H

#include "cli.h"

#include <stddef.h>
#include <stdio.h>

typedef enum px_opt_kind {
    PX_OPT_FLAG,    /* no value */
    PX_OPT_INT,     /* whole number in [min, max] */
    PX_OPT_NUMBER,  /* finite number in [min, max] */
    PX_OPT_NUMBERS, /* comma list of numbers, each in [min, max], strictly ascending */
    PX_OPT_LIST,    /* comma list of non-empty items; each one of `choices` if set */
    PX_OPT_TEXT,    /* one word; one of `choices` if set */
    PX_OPT_PATH,    /* a file or folder name */
    PX_OPT_LONLAT,  /* LON,LAT in degrees WGS84, lon in [-180, 180], lat in [-90, 90] */
    PX_OPT_XY,      /* X,Y in the project CRS (finite numbers) */
    PX_OPT_KOFN,    /* K/N, whole numbers with 1 <= K <= N <= max (a part of a split run) */
} px_opt_kind;

/* px_opt.flags */
#define PX_OPTF_GT_MIN 1u   /* the minimum itself is refused: (min, max] */
#define PX_OPTF_REPEAT 2u   /* may be given several times (values kept in order) */
#define PX_OPTF_REQUIRED 4u /* must be given */

typedef struct px_opt {
    const char *name;    /* long name without the dashes: "snap-m" */
    char short_name;     /* 'o' for -o, or 0 */
    px_opt_kind kind;
    const char *metavar; /* value placeholder in help: "M", "DIR", "LIST" */
    double min, max;     /* INT / NUMBER / NUMBERS range */
    unsigned flags;      /* PX_OPTF_* */
    const char *choices; /* LIST / TEXT: the valid values, comma-separated, or NULL */
    const char *def;     /* default as typed on the command line, or NULL (help says so) */
    const char *help;    /* one line for the option list */
} px_opt;

typedef struct px_cmd_spec {
    const char *name;     /* "access" */
    const char *args;     /* positional words for the synopsis: "PROJECT [LAYER...]" */
    int n_args_min;       /* positional words required */
    int n_args_max;       /* at most this many; -1: unlimited */
    const px_opt *opts;   /* terminated by an entry whose name is NULL */
    const char *synopsis; /* extra synopsis lines (alternative forms), or NULL */
    const char *about;    /* prose paragraphs, each line ending in '\n' */
    const char *examples; /* one command per line, each starting "proxima "; each one parses */
} px_cmd_spec;

/* ---- shared options: one name, kind, range and default everywhere ---- */

/* Output file or folder; commands say which in their metavar and help. */
#define PX_OPT_OUTPUT(META, HELP) {"output", 'o', PX_OPT_PATH, META, .help = HELP}
#define PX_OPT_OUTPUT_REQUIRED(META, HELP) {"output", 'o', PX_OPT_PATH, META, .flags = PX_OPTF_REQUIRED, .help = HELP}
#define PX_OPT_MODES                                                                                             \
    {"modes", 0, PX_OPT_LIST, "LIST", .choices = "walk,bike", .def = "walk,bike", .help = "travel modes"}
/* For commands that compute one mode (route, snap, isochrone). */
#define PX_OPT_MODE {"mode", 0, PX_OPT_TEXT, "MODE", .choices = "walk,bike", .def = "walk", .help = "travel mode"}
#define PX_OPT_MINUTES(DEF)                                                                                      \
    {"minutes", 0, PX_OPT_NUMBER, "MIN", 0, 600, PX_OPTF_GT_MIN, .def = DEF,                                     \
     .help = "quarter-hour threshold in minutes"}
/* Search cutoff in minutes (access, flood, brownfields). */
#define PX_OPT_MAX_MINUTES(DEF, HELP) {"max-minutes", 0, PX_OPT_NUMBER, "MIN", 0, 1440, PX_OPTF_GT_MIN, .def = DEF, .help = HELP}
#define PX_OPT_CATEGORIES                                                                                        \
    {"categories", 0, PX_OPT_LIST, "LIST", .help = "service categories to use (default: every category loaded)"}
#define PX_OPT_SNAP_M                                                                                            \
    {"snap-m", 0, PX_OPT_NUMBER, "M", 0, 10000, PX_OPTF_GT_MIN, .def = "300",                                    \
     .help = "farthest a point may be from the network, metres"}
#define PX_OPT_RUN_NAME                                                                                          \
    {"name", 0, PX_OPT_TEXT, "NAME", .help = "also record the what-if as run NAME, for `proxima compare`"},        \
    {"baseline", 0, PX_OPT_TEXT, "RUN",                                                                          \
     .help = "with --name: the run the what-if changes (default: the latest run; none: recorded as 'baseline')"}
#define PX_OPT_THREADS {"threads", 0, PX_OPT_INT, "N", 1, 64, .def = "2", .help = "worker threads"}
/* Split runs (access, equity, cycle): part K of N; see README "Scaling out". */
#define PX_OPT_PART                                                                                              \
    {"part", 0, PX_OPT_KOFN, "K/N", 1, 10000,                                                                    \
     .help = "compute part K of N of the communes (a batch job); the last part in writes the region's tables"}
#define PX_OPT_LONLAT(HELP) {"lonlat", 0, PX_OPT_LONLAT, "LON,LAT", .flags = PX_OPTF_REPEAT, .help = HELP}

/* ---- parsing ---- */

typedef struct px_args px_args;

/* Parse argv[1..argc-1] of command `spec` (argv[0] is the command name).
 * Options may come before, between or after the positional words, as
 * "--name VALUE", "--name=VALUE" or "-o VALUE"; "--" ends the options.
 * On a usage error prints "proxima: CMD: reason" (with the valid values or
 * range, or the close matches of an unknown option) and returns
 * PX_EXIT_USAGE; *out stays NULL. When the global --check-args was given
 * (cli->check_only) the arguments are checked and PX_EXIT_OK returned
 * with *out NULL: the caller returns at once. Otherwise returns PX_EXIT_OK
 * and *out (caller frees with px_args_free). Out of memory: PX_EXIT_RUNTIME. */
int px_args_parse(px_cli *cli, const px_cmd_spec *spec, int argc, char **argv, px_args **out);
void px_args_free(px_args *a);

/* Positional word i (borrowed from argv), NULL past the end. */
const char *px_args_pos(const px_args *a, int i);
int px_args_n_pos(const px_args *a);

/* Times the option was given (0 when absent; defaults do not count). */
int px_args_given(const px_args *a, const char *name);
/* Flag given. */
int px_args_flag(const px_args *a, const char *name);
/* INT / NUMBER: the last value given, else the default, else 0 (the
 * library's "use your default"). */
long px_args_int(const px_args *a, const char *name);
double px_args_number(const px_args *a, const char *name);
/* The text of occurrence i (or of the default for i == 0 when absent);
 * borrowed, NULL when there is none. */
const char *px_args_text_at(const px_args *a, const char *name, int i);
const char *px_args_text(const px_args *a, const char *name); /* the last one */
/* Where occurrence i stood in argv (to keep the order of two repeatable
 * options, like --lonlat and --xy); -1 for a default or past the end. */
int px_args_argi_at(const px_args *a, const char *name, int i);
/* LIST (all occurrences joined) or NUMBERS (last occurrence), split; items
 * are borrowed from `a` and NULL-terminated. Returns the count; 0 when the
 * option is absent and has no default. */
size_t px_args_list(const px_args *a, const char *name, const char *const **items);
size_t px_args_numbers(const px_args *a, const char *name, const double **values);
/* LONLAT / XY occurrence i as two numbers; 0 on success, -1 past the end. */
int px_args_pair(const px_args *a, const char *name, int i, double *x, double *y);
/* KOFN: *k and *n of the last value given; 0 on success, -1 when absent. */
int px_args_kofn(const px_args *a, const char *name, int *k, int *n);
/* `--modes` as a bit set (1u << px_mode); `--mode` as one mode. */
unsigned px_args_modes(const px_args *a);
px_mode px_args_mode(const px_args *a);

/* ---- help ---- */

/* Write the generated help: usage lines, prose, option list (kind, range,
 * default), examples. */
void px_spec_help(const px_cmd_spec *spec, FILE *f);
/* One line per option (`proxima --list-options`), tab-separated:
 * command, --name, -s or "", kind, min, max, flags, choices, default. */
void px_spec_list(const px_cmd_spec *spec, FILE *f);

/* ---- outputs: checked before anything changes ---- */

/* Make sure folder `dir` exists (created with its parents, like mkdir -p)
 * and that a file can be created in it. On failure prints
 * "proxima: CMD: DIR: reason" and returns PX_EXIT_RUNTIME. */
int px_cli_output_dir(const char *cmd, const char *dir);
/* Same for the folder that will hold file `path`; also refuses a `path` that
 * is an existing folder. */
int px_cli_output_file(const char *cmd, const char *path);
/* Only the folder that will hold `path` (a file or a folder written beside
 * it under a temporary name, like a tile folder). */
int px_cli_output_parent(const char *cmd, const char *path);

#endif
