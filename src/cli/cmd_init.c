/* `proxima init PROJECT --crs EPSG:XXXX`: create an empty project store. */
#include "cli.h"

#include <string.h>

const char px_usage_init[] =
    "Usage: proxima init PROJECT --crs EPSG:CODE\n\n"
    "Create a new project store (a SpatiaLite file) whose layers are all kept in\n"
    "the given projected, metric CRS, e.g. EPSG:2154 (Lambert-93, France),\n"
    "EPSG:3812 (Belgian Lambert 2008), EPSG:32632 (UTM 32N). PROJECT must not exist.\n\n"
    "Example:\n  proxima init agglo.sqlite --crs EPSG:2154\n";

int cmd_init(px_cli *cli, int argc, char **argv)
{
    const char *path = NULL, *crs = NULL, *v = NULL;
    for (int i = 1; i < argc; i++) {
        int m = px_cli_opt(argc, argv, &i, "--crs", &v);
        if (m < 0) return px_cli_usage_error("init", "--crs needs a value");
        if (m > 0) crs = v;
        else if (argv[i][0] == '-') return px_cli_usage_error("init", "unknown option '%s'", argv[i]);
        else if (!path) path = argv[i];
        else return px_cli_usage_error("init", "unexpected argument '%s'", argv[i]);
    }
    if (!path) return px_cli_usage_error("init", "missing PROJECT");
    if (!crs) return px_cli_usage_error("init", "missing --crs EPSG:CODE");
    px_store *store = NULL;
    px_status st = px_store_create(cli->ctx, path, crs, &store);
    if (st != PX_OK) return px_cli_fail(cli, st);
    px_cli_info(cli, "created %s in %s\n", path, px_store_crs(store));
    px_store_close(store);
    return PX_EXIT_OK;
}
