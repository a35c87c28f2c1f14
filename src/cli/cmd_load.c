/* `proxima load PROJECT DEFINITION [--strict] [--allow-empty]`: load layers into a project. */
#include "opts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const px_opt load_opts[] = {
    {"strict", 0, PX_OPT_FLAG, .help = "any rejected feature, and any thin-data warning, fails the load"},
    {"allow-empty", 0, PX_OPT_FLAG, .help = "a layer may be replaced by an empty one"},
    {0}};

const px_cmd_spec px_spec_load = {
    .name = "load",
    .args = "PROJECT DEFINITION",
    .n_args_min = 2,
    .n_args_max = 2,
    .opts = load_opts,
    .about = "Load the layers that a layer definition (YAML, or JSON) describes into the\n"
             "project, reprojected to the project CRS, invalid geometries repaired with\n"
             "GEOS MakeValid. Every layer named in the definition is replaced in one\n"
             "transaction: if anything fails, the project is left exactly as it was.\n"
             "Prints per layer: read, loaded, repaired, rejected (reasons as warnings).\n"
             "A source GDAL reports an error on while reading (a truncated file) fails\n"
             "the load; so does a layer that would be left empty (no feature, or every\n"
             "feature rejected). A filter or join that matches nothing is a warning.\n",
    .examples = "proxima load demo.sqlite layers/demo-liechtenstein.yaml\n",
};

int cmd_load(px_cli *cli, int argc, char **argv)
{
    px_args *a = NULL;
    int rc = px_args_parse(cli, &px_spec_load, argc, argv, &a);
    if (!a) return rc;
    const char *path = px_args_pos(a, 0), *defpath = px_args_pos(a, 1);
    px_load_options opts = {0};
    opts.strict = px_args_flag(a, "strict");
    opts.allow_empty = px_args_flag(a, "allow-empty");
    px_args_free(a); /* path and defpath point into argv */

    px_layerdef *def = NULL;
    px_status st = px_layerdef_read(cli->ctx, defpath, &def);
    if (st != PX_OK) return px_cli_fail(cli, st);
    px_store *store = px_cli_open_store(cli, path, 0);
    if (!store) {
        px_layerdef_free(def);
        return PX_EXIT_RUNTIME;
    }
    px_load_report *reports = NULL;
    size_t n = 0;
    st = px_load(cli->ctx, store, def, &opts, &reports, &n);
    px_layerdef_free(def);
    px_store_close(store);
    if (st != PX_OK) return px_cli_fail(cli, st);
    if (!cli->quiet) {
        printf("%-14s %8s %8s %8s %8s\n", "layer", "read", "loaded", "repaired", "rejected");
        for (size_t i = 0; i < n; i++)
            printf("%-14s %8lld %8lld %8lld %8lld\n", reports[i].layer, (long long)reports[i].n_read,
                   (long long)reports[i].n_loaded, (long long)reports[i].n_repaired,
                   (long long)reports[i].n_rejected);
    }
    free(reports);
    return PX_EXIT_OK;
}
