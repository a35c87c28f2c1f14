/* `proxima layers PROJECT`: list tables with counts, extents and sources. */
#include "opts.h"

#include <stdio.h>

static const px_opt layers_opts[] = {{0}};

const px_cmd_spec px_spec_layers = {
    .name = "layers",
    .args = "PROJECT",
    .n_args_min = 1,
    .n_args_max = 1,
    .opts = layers_opts,
    .about = "List every layer, network table and result in the project: kind, geometry\n"
             "type, row count, extent (project CRS), source and load time. Data go to stdout.\n",
    .examples = "proxima layers demo.sqlite\n",
};

int cmd_layers(px_cli *cli, int argc, char **argv)
{
    px_args *a = NULL;
    int rc = px_args_parse(cli, &px_spec_layers, argc, argv, &a);
    if (!a) return rc;
    px_store *store = px_cli_open_store(cli, px_args_pos(a, 0), 1);
    px_args_free(a);
    if (!store) return PX_EXIT_RUNTIME;
    px_table_info *infos = NULL;
    size_t n = 0;
    px_status st = px_store_tables(store, &infos, &n);
    if (st != PX_OK) {
        px_store_close(store);
        return px_cli_fail(cli, st);
    }
    printf("project %s  crs %s\n", px_store_path(store), px_store_crs(store));
    printf("%-22s %-8s %-16s %10s  %-47s  %s\n", "name", "kind", "geometry", "rows", "extent", "source");
    for (size_t i = 0; i < n; i++) {
        const px_table_info *t = &infos[i];
        char extent[64] = "-";
        if (t->has_extent)
            snprintf(extent, sizeof extent, "%.0f %.0f %.0f %.0f", t->extent.minx, t->extent.miny,
                     t->extent.maxx, t->extent.maxy);
        printf("%-22s %-8s %-16s %10lld  %-47s  %s%s%s%s%s\n", t->name, t->kind ? t->kind : "-",
               px_geom_type_name(t->geom_type), (long long)t->n_rows, extent,
               t->source ? t->source : "-", t->source_layer ? " [" : "",
               t->source_layer ? t->source_layer : "", t->source_layer ? "]" : "",
               t->note ? "" : "");
        if (t->filter) printf("%-22s   filter: %s\n", "", t->filter);
        if (t->note) printf("%-22s   note: %s\n", "", t->note);
        /* A result made from inputs that have changed since must not pass for current. */
        if (t->stale) printf("%-22s   STALE: %s; run the command that makes it again\n", "", t->stale);
    }
    px_table_info_free(infos, n);
    px_store_close(store);
    return PX_EXIT_OK;
}
