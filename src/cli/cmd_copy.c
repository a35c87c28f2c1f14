/* `proxima copy SRC DST [--replace]`: a whole project from one store to
 * another (SpatiaLite <-> PostGIS, or the same kind). Rows per table on
 * stdout, a summary on stderr. The copying is px_store_copy's. */
#include "cli.h"
#include "opts.h"

#include <stdio.h>
#include <stdlib.h>

static const px_opt copy_opts[] = {
    {"replace", 0, PX_OPT_FLAG, .help = "overwrite DST when it is already a Proxima project"}, {0}};

const px_cmd_spec px_spec_copy = {
    .name = "copy",
    .args = "SRC DST",
    .n_args_min = 2,
    .n_args_max = 2,
    .opts = copy_opts,
    .about = "Copy a whole project to another store: a project file or a PostGIS project\n"
             "string (\"PG:host=... dbname=... schemas=NAME\") on either side. Every layer,\n"
             "the network and its graph cache, every result table, the catalogue as it is\n"
             "(revisions and inputs, so STALE results stay STALE; sources, dates, extents),\n"
             "the settings and the run records (`proxima runs`, `compare`) are copied; the\n"
             "CRS is the source's. DST must not be a project already, unless --replace;\n"
             "a file that is not a project is never overwritten. All or nothing: a file is\n"
             "written beside DST and renamed over it, a PostGIS schema is written in one\n"
             "transaction; a failed copy leaves DST as it was.\n"
             "Prints `table rows` per table on stdout.\n",
    .examples = "proxima copy out/demo/demo.sqlite PG:dbname=plan\n"
                "proxima copy PG:dbname=plan demo-copy.sqlite --replace\n"};

typedef struct copy_view {
    px_cli *cli;
    size_t n_tables;
    long long n_rows;
} copy_view;

static void on_table(void *user, const char *table, int64_t n_rows)
{
    copy_view *v = user;
    if (!v->n_tables) printf("%-28s %12s\n", "table", "rows");
    printf("%-28s %12lld\n", table, (long long)n_rows);
    v->n_tables++;
    v->n_rows += n_rows;
}

int cmd_copy(px_cli *cli, int argc, char **argv)
{
    px_args *a = NULL;
    int rc = px_args_parse(cli, &px_spec_copy, argc, argv, &a);
    if (!a) return rc;
    const char *src = px_args_pos(a, 0), *dst = px_args_pos(a, 1);
    copy_view v = {cli, 0, 0};
    px_status st = px_store_copy(cli->ctx, src, dst, px_args_flag(a, "replace"), on_table, &v);
    if (st != PX_OK)
        rc = px_cli_fail(cli, st);
    else {
        char *s = px_store_redact(src), *d = px_store_redact(dst); /* PG strings may hold passwords */
        px_cli_info(cli, "copy: %zu tables, %lld rows from %s to %s\n", v.n_tables, v.n_rows, s ? s : "source",
                    d ? d : "destination");
        free(s);
        free(d);
    }
    px_args_free(a);
    return rc;
}
