/*
 * `proxima tiles`: vector tiles (MVT) of project layers, or styled PNG tiles
 * when --style is given, to MBTiles or an XYZ folder; --tile renders a single
 * PNG. Parsing and reporting only: the work is px_tiles_write_vector,
 * px_tiles_write_raster and px_tiles_render_png.
 */
#include "opts.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const px_opt tiles_opts[] = {
    PX_OPT_OUTPUT_REQUIRED("OUT", "destination: FILE.mbtiles, a folder, or TILE.png with --tile (its folder "
                                  "is created when missing)"),
    {"style", 0, PX_OPT_PATH, "STYLE.json", .help = "MapLibre style: PNG tiles of the tables it draws"},
    {"minzoom", 0, PX_OPT_INT, "N", 0, 20, .def = "0", .help = "first zoom"},
    {"maxzoom", 0, PX_OPT_INT, "N", 0, 20, .def = "14", .help = "last zoom"},
    {"simplify", 0, PX_OPT_NUMBER, "U", 0, 4096, .def = "4",
     .help = "vector: Douglas-Peucker tolerance in tile units of the 4096 extent"},
    {"buffer", 0, PX_OPT_INT, "U", 0, 4096, .def = "64", .help = "vector: clip buffer in tile units"},
    {"max-tile-kb", 0, PX_OPT_INT, "N", 1, 1048576, .def = "500",
     .help = "vector: cap per stored tile; features are dropped, smallest first, to fit (the count is reported)"},
    {"no-ids", 0, PX_OPT_FLAG, .help = "vector: do not write feature ids (the store fid)"},
    {"tile-size", 0, PX_OPT_TEXT, "PX", .choices = "256,512", .def = "256", .help = "raster: CSS pixels per tile"},
    {"2x", 0, PX_OPT_FLAG, .help = "raster: @2x tiles (twice the pixels)"},
    {"tile", 0, PX_OPT_TEXT, "Z/X/Y", .help = "raster: render this one tile (XYZ numbering) to OUT"},
    PX_OPT_THREADS,
    {"name", 0, PX_OPT_TEXT, "S", .help = "tileset name (metadata)"},
    {"attribution", 0, PX_OPT_TEXT, "S", .help = "tileset attribution (metadata)"},
    {0}};

const px_cmd_spec px_spec_tiles = {
    .name = "tiles",
    .args = "PROJECT [LAYER[:COL,COL...]...]",
    .n_args_min = 1,
    .n_args_max = -1,
    .opts = tiles_opts,
    .synopsis = "PROJECT --style STYLE.json -o OUT [options]\n"
                "PROJECT --style STYLE.json --tile Z/X/Y -o TILE.png",
    .about = "Vector tiles (Mapbox Vector Tile 2.1) of the named layers or results (every\n"
             "table with geometry when none is named), each as an MVT layer of the same name.\n"
             "LAYER:COL,COL keeps only those attributes (default: every column but props).\n"
             "With --style, PNG tiles of the tables the MapLibre style draws instead.\n"
             "OUT ending in .mbtiles is an MBTiles 1.3 file (TMS rows, gzipped MVT);\n"
             "otherwise a folder {z}/{x}/{y}.pbf|.png with tiles.json (TileJSON 3.0).\n",
    .examples = "proxima tiles agglo.sqlite communes roads:highway,name -o agglo.mbtiles\n"
                "proxima tiles agglo.sqlite --style styles/equity.json -o equity.mbtiles --maxzoom 12\n"
                "proxima tiles agglo.sqlite --style styles/equity.json --tile 12/2093/1420 -o t.png\n",
};

typedef struct targs {
    const char *project, *out, *style, *tile, *name, *attribution;
    long minzoom, maxzoom, threads, tile_size, max_kb, buffer;
    double simplify;
    int retina, no_ids;
    int n_layers;
    px_args *args; /* LAYER arguments are its positional words 1.. */
} targs;

static int parse_args(px_cli *cli, int argc, char **argv, targs *t, px_args **out)
{
    px_args *a = NULL;
    int rc = px_args_parse(cli, &px_spec_tiles, argc, argv, &a);
    if (!a) return rc;
    *out = a;
    t->project = px_args_pos(a, 0);
    t->n_layers = px_args_n_pos(a) - 1;
    t->out = px_args_text(a, "output");
    t->style = px_args_text(a, "style");
    t->tile = px_args_text(a, "tile");
    t->name = px_args_text(a, "name");
    t->attribution = px_args_text(a, "attribution");
    t->minzoom = px_args_int(a, "minzoom");
    t->maxzoom = px_args_int(a, "maxzoom");
    t->threads = px_args_int(a, "threads");
    t->tile_size = atol(px_args_text(a, "tile-size"));
    t->max_kb = px_args_int(a, "max-tile-kb");
    t->buffer = px_args_int(a, "buffer");
    t->simplify = px_args_number(a, "simplify");
    t->retina = px_args_flag(a, "2x");
    t->no_ids = px_args_flag(a, "no-ids");
    if (t->minzoom > t->maxzoom)
        return px_cli_usage_error("tiles", "--minzoom %ld is above --maxzoom %ld", t->minzoom, t->maxzoom);
    if (t->style && t->n_layers)
        return px_cli_usage_error("tiles", "--style takes its layers from the style; "
                                           "do not name layers");
    if (t->tile && !t->style) return px_cli_usage_error("tiles", "--tile needs --style");
    return t->tile ? px_cli_output_file("tiles", t->out) : px_cli_output_parent("tiles", t->out);
}

static void print_report(px_cli *cli, const char *out, const px_tiles_report *r)
{
    px_cli_info(cli, "tiles: %s: %llu tiles, %llu bytes (largest %llu) from %llu features\n", out,
                (unsigned long long)r->n_tiles, (unsigned long long)r->n_bytes,
                (unsigned long long)r->max_tile_bytes, (unsigned long long)r->n_features);
    if (r->n_aggregated)
        px_cli_info(cli, "tiles: below the max zoom, dense point layers are aggregated per grid cell "
                         "(%llu point features merged, counts kept)\n",
                    (unsigned long long)r->n_aggregated);
    /* Dropped features are a loss of data on the map: say it even with --quiet. */
    if (r->n_tiles_capped)
        fprintf(stderr, "proxima: tiles: %llu tile(s) over the size cap; %llu feature(s) dropped to fit\n",
                (unsigned long long)r->n_tiles_capped, (unsigned long long)r->n_dropped);
}

/* Vector run: split LAYER:COL,COL arguments, default to every geometry table. */
static int run_vector(px_cli *cli, px_store *store, targs *a)
{
    int rc = PX_EXIT_RUNTIME;
    px_table_info *infos = NULL;
    size_t n_infos = 0, n = 0, cap = 0;
    px_tiles_layer *layers = NULL;
    char **cols_mem = NULL; /* per layer: the strdup'd argument the column pointers point into */
    const char ***cols = NULL;
    px_status st = PX_OK;
    if (!a->n_layers) {
        if ((st = px_store_tables(store, &infos, &n_infos)) != PX_OK) {
            rc = px_cli_fail(cli, st);
            goto done;
        }
    }
    cap = a->n_layers ? (size_t)a->n_layers : n_infos;
    layers = calloc(cap + 1, sizeof *layers);
    cols_mem = calloc(cap + 1, sizeof *cols_mem);
    cols = calloc(cap + 1, sizeof *cols);
    if (!layers || !cols_mem || !cols) {
        fprintf(stderr, "proxima: out of memory\n");
        goto done;
    }
    if (!a->n_layers) {
        for (size_t i = 0; i < n_infos; i++)
            if (infos[i].geom_type != PX_GEOM_NONE) layers[n++].table = infos[i].name;
        if (!n) {
            fprintf(stderr, "proxima: %s: no layer with geometry to tile\n", a->project);
            goto done;
        }
    }
    for (int i = 0; i < a->n_layers; i++, n++) {
        const char *arg = px_args_pos(a->args, i + 1);
        char *s = strdup(arg);
        if (!s) goto done;
        cols_mem[n] = s;
        char *colon = strchr(s, ':');
        layers[n].table = s;
        if (!colon) continue;
        *colon = '\0';
        size_t nc = 1;
        for (char *p = colon + 1; *p; p++)
            nc += *p == ',';
        cols[n] = calloc(nc + 1, sizeof *cols[n]);
        if (!cols[n]) goto done;
        size_t k = 0;
        for (char *tok = strtok(colon + 1, ","); tok; tok = strtok(NULL, ","))
            cols[n][k++] = tok;
        if (!k) {
            rc = px_cli_usage_error("tiles", "'%s': no column after ':'", arg);
            goto done;
        }
        layers[n].columns = cols[n];
    }
    px_vtiles_options o;
    px_vtiles_options_default(&o);
    o.minzoom = (int)a->minzoom;
    o.maxzoom = (int)a->maxzoom;
    o.threads = (int)a->threads;
    if (a->simplify >= 0) o.simplify = a->simplify;
    if (a->buffer >= 0) o.buffer = (int)a->buffer;
    if (a->max_kb > 0) o.max_tile_bytes = (size_t)a->max_kb * 1024;
    o.feature_ids = !a->no_ids;
    o.name = a->name;
    o.attribution = a->attribution;
    px_tiles_report r;
    if ((st = px_tiles_write_vector(cli->ctx, store, layers, n, a->out, &o, &r)) != PX_OK) {
        rc = px_cli_fail(cli, st);
        goto done;
    }
    print_report(cli, a->out, &r);
    rc = PX_EXIT_OK;
done:
    for (size_t i = 0; i < cap; i++) {
        if (cols_mem) free(cols_mem[i]);
        if (cols) free(cols[i]);
    }
    free(cols_mem);
    free(cols);
    free(layers);
    px_table_info_free(infos, n_infos);
    return rc;
}

static int run_raster(px_cli *cli, px_store *store, targs *a)
{
    px_style *style = NULL;
    px_status st = px_style_read(cli->ctx, a->style, &style);
    if (st != PX_OK) return px_cli_fail(cli, st);
    px_rtiles_options o;
    px_rtiles_options_default(&o);
    o.minzoom = (int)a->minzoom;
    o.maxzoom = (int)a->maxzoom;
    o.tile_size = (int)a->tile_size;
    o.pixel_ratio = a->retina ? 2 : 1;
    o.threads = (int)a->threads;
    o.name = a->name;
    o.attribution = a->attribution;
    int rc = PX_EXIT_OK;
    if (a->tile) {
        int z = -1;
        unsigned x = 0, y = 0;
        char tail = 0;
        if (sscanf(a->tile, "%d/%u/%u%c", &z, &x, &y, &tail) != 3 || z < 0 || z > 22 || x >= (1u << z) ||
            y >= (1u << z)) {
            px_style_free(style);
            return px_cli_usage_error("tiles", "--tile wants Z/X/Y of an existing tile, got '%s'", a->tile);
        }
        unsigned char *png = NULL;
        size_t len = 0;
        st = px_tiles_render_png(cli->ctx, store, style, (px_tile){z, x, y}, &o, &png, &len);
        if (st != PX_OK)
            rc = px_cli_fail(cli, st);
        else if ((st = px_file_write(cli->ctx, a->out, png, len)) != PX_OK)
            rc = px_cli_fail(cli, st);
        else
            px_cli_info(cli, "tiles: %s: tile %s, %zu bytes\n", a->out, a->tile, len);
        free(png);
    } else {
        px_tiles_report r;
        st = px_tiles_write_raster(cli->ctx, store, style, a->out, &o, &r);
        if (st != PX_OK)
            rc = px_cli_fail(cli, st);
        else
            print_report(cli, a->out, &r);
    }
    px_style_free(style);
    return rc;
}

int cmd_tiles(px_cli *cli, int argc, char **argv)
{
    targs t = {0};
    px_args *a = NULL;
    int rc = parse_args(cli, argc, argv, &t, &a);
    t.args = a;
    if (rc || !a) {
        px_args_free(a);
        return rc;
    }
    px_store *store = px_cli_open_store(cli, t.project, 1);
    if (!store) {
        px_args_free(a);
        return PX_EXIT_RUNTIME;
    }
    rc = t.style ? run_raster(cli, store, &t) : run_vector(cli, store, &t);
    px_store_close(store);
    px_args_free(a);
    return rc;
}
