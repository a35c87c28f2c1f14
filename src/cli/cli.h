/*
 * What the CLI's subcommands share: global options, the stderr log sink, the
 * terminal progress bar, and the mapping from px_status to exit codes.
 * Uses only the public headers.
 *
 * Exit codes: 0 success, 1 runtime error, 2 usage error.
 */
#ifndef PX_CLI_H
#define PX_CLI_H

#include "proxima/proxima.h"

#define PX_EXIT_OK 0
#define PX_EXIT_RUNTIME 1
#define PX_EXIT_USAGE 2

typedef struct px_cli {
    px_ctx *ctx;
    int quiet;   /* --quiet: errors only */
    int verbose; /* --verbose: debug messages */
    int tty;     /* stderr is a terminal: progress bar allowed */
    int check_only; /* --check-args: parse the command's arguments, run nothing */
    const char *cmd; /* the command being run ("access"), for messages */
} px_cli;

/* A subcommand: argv[0] is the command name. Returns an exit code. */
typedef int (*px_cmd_fn)(px_cli *cli, int argc, char **argv);

struct px_cmd_spec; /* opts.h */

typedef struct px_command {
    const char *name;
    px_cmd_fn run;
    const char *summary;             /* one line for `proxima --help` */
    const char *usage;              /* full text for `proxima help NAME`, when there is no spec */
    const struct px_cmd_spec *spec; /* option table (opts.h): help generated from it */
} px_command;

/* Print "proxima: MESSAGE" for the context's last error and return 1; for
 * PX_EARG (an option value the library refused, e.g. an unknown category)
 * print it as a usage error, "proxima: CMD: MESSAGE" and the help hint, and
 * return 2. */
int px_cli_fail(px_cli *cli, px_status status);

/* Print "proxima: <cmd>: <fmt...>" and the hint to `proxima help <cmd>`; return 2. */
int px_cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A split run's figures on stdout (part K/N, part_* counts: the buffer
 * overhead, parts_present K/N) and on stderr (unless --quiet) whether it
 * completed the set and wrote `tables`, or which parts are missing
 * (part_report.c). */
void px_cli_part_report(px_cli *cli, const char *cmd, const px_part_stats *p, const char *tables);

/* Informational line on stderr unless --quiet. */
void px_cli_info(px_cli *cli, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Record the what-if just written to `store` as run `name` (--name) on
 * `baseline` (--baseline, may be NULL) and say so on stderr; returns the
 * exit code (PX_ENOTFOUND of a missing baseline is a usage error). */
int px_cli_record_whatif(px_cli *cli, px_store *store, const char *name, const char *baseline, const char *cmd);

/* --baseline RUN names a run of `store` (NULL: nothing to check)? Else a
 * usage error listing the runs; checked before anything is written. */
int px_cli_check_baseline(px_cli *cli, px_store *store, const char *baseline, const char *cmd);

/* The three helpers below are the old way of parsing, kept only for commands
 * not yet converted to the option table: new code uses opts.h. */

/* Match option `name` ("--minutes") at argv[*i]: accepts "--minutes 15" and
 * "--minutes=15". On a match returns 1 and sets *value (borrowed), advancing
 * *i past a separate value; returns -1 if the value is missing, 0 otherwise. */
int px_cli_opt(int argc, char **argv, int *i, const char *name, const char **value);

/* Match an option taking a number > 0 ("--minutes 15"). Returns 1 when
 * argv[*i] is `name`: *out gets the value, or *rc the usage error
 * "NAME needs WHAT > 0" (for command `cmd`); returns 0 for any other word. */
int px_cli_opt_positive(int argc, char **argv, int *i, const char *cmd, const char *name, const char *what,
                        double *out, int *rc);

/* Parse a whole decimal integer / number; 0 on success, -1 on bad text. */
int px_cli_parse_int(const char *s, long *out);
int px_cli_parse_double(const char *s, double *out);

/* Open the project at `path` (read_only as px_store_open). Prints the error
 * and returns NULL on failure. */
px_store *px_cli_open_store(px_cli *cli, const char *path, int read_only);

#endif
