/* `proxima init PROJECT --crs EPSG:XXXX`: create an empty project store. */
#include "opts.h"

static const px_opt init_opts[] = {
    {"crs", 0, PX_OPT_TEXT, "EPSG:CODE", .flags = PX_OPTF_REQUIRED,
     .help = "projected, metric CRS of every layer in the project"},
    {0}};

const px_cmd_spec px_spec_init = {
    .name = "init",
    .args = "PROJECT",
    .n_args_min = 1,
    .n_args_max = 1,
    .opts = init_opts,
    .about = "Create a new project store (a SpatiaLite file) whose layers are all kept in\n"
             "the given projected, metric CRS, e.g. EPSG:2154 (Lambert-93, France),\n"
             "EPSG:3812 (Belgian Lambert 2008), EPSG:32632 (UTM 32N). PROJECT must not exist.\n",
    .examples = "proxima init agglo.sqlite --crs EPSG:2154\n",
};

int cmd_init(px_cli *cli, int argc, char **argv)
{
    px_args *a = NULL;
    int rc = px_args_parse(cli, &px_spec_init, argc, argv, &a);
    if (!a) return rc;
    const char *path = px_args_pos(a, 0);
    px_store *store = NULL;
    px_status st = px_store_create(cli->ctx, path, px_args_text(a, "crs"), &store);
    if (st != PX_OK) rc = px_cli_fail(cli, st);
    else px_cli_info(cli, "created %s in %s\n", px_store_path(store), px_store_crs(store));
    px_store_close(store);
    px_args_free(a);
    return rc;
}
