/* `proxima load PROJECT DEFINITION [--strict]`: load layers into a project. */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char px_usage_load[] =
    "Usage: proxima load PROJECT DEFINITION.yaml [--strict] [--allow-empty]\n\n"
    "Load the layers that a layer definition (YAML, or JSON) describes into the\n"
    "project, reprojected to the project CRS, invalid geometries repaired with\n"
    "GEOS MakeValid. Every layer named in the definition is replaced in one\n"
    "transaction: if anything fails, the project is left exactly as it was.\n"
    "Prints per layer: read, loaded, repaired, rejected (reasons as warnings).\n\n"
    "A source GDAL reports an error on while reading (a truncated file) fails\n"
    "the load; so does a layer that would be left empty (no feature, or every\n"
    "feature rejected). A filter or join that matches nothing is a warning.\n\n"
    "  --strict        any rejected feature, and any such warning, fails the load\n"
    "  --allow-empty   a layer may be replaced by an empty one\n\n"
    "Example:\n  proxima load demo.sqlite layers/demo-liechtenstein.yaml\n";

int cmd_load(px_cli *cli, int argc, char **argv)
{
    const char *path = NULL, *defpath = NULL;
    px_load_options opts = {0};
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--strict")) opts.strict = 1;
        else if (!strcmp(argv[i], "--allow-empty")) opts.allow_empty = 1;
        else if (argv[i][0] == '-') return px_cli_usage_error("load", "unknown option '%s'", argv[i]);
        else if (!path) path = argv[i];
        else if (!defpath) defpath = argv[i];
        else return px_cli_usage_error("load", "unexpected argument '%s'", argv[i]);
    }
    if (!path || !defpath) return px_cli_usage_error("load", "expected PROJECT DEFINITION");

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
