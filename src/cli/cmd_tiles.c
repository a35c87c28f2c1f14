/*
 * `proxima tiles`: vector tiles (MVT) of project layers, or styled PNG tiles
 * when --style is given, to MBTiles or an XYZ folder; --tile renders a single
 * PNG. Parsing and reporting only: the work is px_tiles_write_vector,
 * px_tiles_write_raster and px_tiles_render_png.
 */
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char px_usage_tiles[] =
    "Usage: proxima tiles PROJECT [LAYER[:COL,COL...]...] -o OUT [options]\n"
    "       proxima tiles PROJECT --style STYLE.json -o OUT [options]\n"
    "       proxima tiles PROJECT --style STYLE.json --tile Z/X/Y -o TILE.png\n\n"
    "Vector tiles (Mapbox Vector Tile 2.1) of the named layers or results (every\n"
    "table with geometry when none is named), each as an MVT layer of the same name.\n"
    "LAYER:COL,COL keeps only those attributes (default: every column but props).\n"
    "With --style, PNG tiles of the tables the MapLibre style draws instead.\n"
    "OUT ending in .mbtiles is an MBTiles 1.3 file (TMS rows, gzipped MVT);\n"
    "otherwise a folder {z}/{x}/{y}.pbf|.png with tiles.json (TileJSON 3.0).\n\n"
    "Options:\n"
    "  -o, --output OUT      destination (required)\n"
    "  --minzoom N           first zoom (default 0)\n"
    "  --maxzoom N           last zoom (default 14)\n"
    "  --simplify U          vector: Douglas-Peucker tolerance in tile units of\n"
    "                        the 4096 extent (default 4)\n"
    "  --buffer U            vector: clip buffer in tile units (default 64)\n"
    "  --max-tile-kb N       vector: cap per stored tile (default 500); features\n"
    "                        are dropped, smallest first, to fit; the count is reported\n"
    "  --no-ids              vector: do not write feature ids (the store fid)\n"
    "  --tile-size 256|512   raster: CSS pixels per tile (default 256)\n"
    "  --2x                  raster: @2x tiles (twice the pixels)\n"
    "  --tile Z/X/Y          raster: render this one tile (XYZ numbering) to OUT\n"
    "  --threads N           worker threads (default 2)\n"
    "  --name S, --attribution S   tileset metadata\n\n"
    "Examples:\n"
    "  proxima tiles agglo.sqlite communes roads:highway,name -o agglo.mbtiles\n"
    "  proxima tiles agglo.sqlite --style styles/equity.json -o equity.mbtiles --maxzoom 12\n"
    "  proxima tiles agglo.sqlite --style styles/equity.json --tile 12/2093/1420 -o t.png\n";

typedef struct targs {
    const char *project, *out, *style, *tile, *name, *attribution;
    long minzoom, maxzoom, threads, tile_size, max_kb, buffer;
    double simplify;
    int retina, no_ids;
    int n_layers;
    char **layer_args;
} targs;

static int parse_long_opt(const char *name, const char *v, long lo, long hi, long *out)
{
    if (px_cli_parse_int(v, out) || *out < lo || *out > hi)
        return px_cli_usage_error("tiles", "%s wants a whole number in %ld..%ld, got '%s'", name, lo, hi, v);
    return 0;
}

static int parse_args(int argc, char **argv, targs *a)
{
    const char *v = NULL;
    for (int i = 1; i < argc; i++) {
        int m, rc = 0;
        if ((m = px_cli_opt(argc, argv, &i, "--output", &v)) || (m = px_cli_opt(argc, argv, &i, "-o", &v))) {
            if (m > 0) a->out = v;
        } else if ((m = px_cli_opt(argc, argv, &i, "--style", &v))) {
            if (m > 0) a->style = v;
        } else if ((m = px_cli_opt(argc, argv, &i, "--tile-size", &v))) {
            if (m > 0 && !(rc = parse_long_opt("--tile-size", v, 256, 512, &a->tile_size)) &&
                a->tile_size != 256 && a->tile_size != 512)
                return px_cli_usage_error("tiles", "--tile-size is 256 or 512, got '%s'", v);
        } else if ((m = px_cli_opt(argc, argv, &i, "--tile", &v))) {
            if (m > 0) a->tile = v;
        } else if ((m = px_cli_opt(argc, argv, &i, "--minzoom", &v))) {
            if (m > 0) rc = parse_long_opt("--minzoom", v, 0, 20, &a->minzoom);
        } else if ((m = px_cli_opt(argc, argv, &i, "--maxzoom", &v))) {
            if (m > 0) rc = parse_long_opt("--maxzoom", v, 0, 20, &a->maxzoom);
        } else if ((m = px_cli_opt(argc, argv, &i, "--threads", &v))) {
            if (m > 0) rc = parse_long_opt("--threads", v, 1, 16, &a->threads);
        } else if ((m = px_cli_opt(argc, argv, &i, "--max-tile-kb", &v))) {
            if (m > 0) rc = parse_long_opt("--max-tile-kb", v, 1, 1 << 20, &a->max_kb);
        } else if ((m = px_cli_opt(argc, argv, &i, "--buffer", &v))) {
            if (m > 0) rc = parse_long_opt("--buffer", v, 0, 4096, &a->buffer);
        } else if ((m = px_cli_opt(argc, argv, &i, "--simplify", &v))) {
            if (m > 0 && (px_cli_parse_double(v, &a->simplify) || !(a->simplify >= 0) || a->simplify > 4096))
                return px_cli_usage_error("tiles", "--simplify wants a number in 0..4096, got '%s'", v);
        } else if ((m = px_cli_opt(argc, argv, &i, "--name", &v))) {
            if (m > 0) a->name = v;
        } else if ((m = px_cli_opt(argc, argv, &i, "--attribution", &v))) {
            if (m > 0) a->attribution = v;
        } else if (!strcmp(argv[i], "--no-ids")) {
            a->no_ids = 1;
            continue;
        } else if (!strcmp(argv[i], "--2x")) {
            a->retina = 1;
            continue;
        } else if (argv[i][0] == '-') {
            return px_cli_usage_error("tiles", "unknown option '%s'", argv[i]);
        } else if (!a->project) {
            a->project = argv[i];
            continue;
        } else {
            a->layer_args[a->n_layers++] = argv[i];
            continue;
        }
        if (m < 0) return px_cli_usage_error("tiles", "%s needs a value", argv[i]);
        if (rc) return rc;
    }
    if (!a->project) return px_cli_usage_error("tiles", "missing PROJECT");
    if (!a->out) return px_cli_usage_error("tiles", "missing -o OUT");
    if (a->minzoom > a->maxzoom)
        return px_cli_usage_error("tiles", "--minzoom %ld is above --maxzoom %ld", a->minzoom, a->maxzoom);
    if (a->style && a->n_layers)
        return px_cli_usage_error("tiles", "--style takes its layers from the style; "
                                           "do not name layers");
    if (a->tile && !a->style) return px_cli_usage_error("tiles", "--tile needs --style");
    return 0;
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
        char *s = strdup(a->layer_args[i]);
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
            rc = px_cli_usage_error("tiles", "'%s': no column after ':'", a->layer_args[i]);
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

/* Write `len` bytes to `path` through a temporary file and a rename. */
static int write_file(const char *path, const unsigned char *data, size_t len)
{
    size_t n = strlen(path) + 32;
    char *tmp = malloc(n);
    if (!tmp) return -1;
    snprintf(tmp, n, "%s.tmp-%ld", path, (long)getpid());
    FILE *f = fopen(tmp, "wb");
    int ok = f && fwrite(data, 1, len, f) == len;
    if (f && fclose(f) != 0) ok = 0;
    if (ok && rename(tmp, path) != 0) ok = 0;
    if (!ok) {
        fprintf(stderr, "proxima: %s: cannot write: %s\n", path, strerror(errno));
        unlink(tmp);
    }
    free(tmp);
    return ok ? 0 : -1;
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
        else if (write_file(a->out, png, len))
            rc = PX_EXIT_RUNTIME;
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
    targs a = {.minzoom = 0,
               .maxzoom = 14,
               .threads = 2,
               .tile_size = 256,
               .max_kb = 0,
               .buffer = -1,
               .simplify = -1};
    a.layer_args = calloc((size_t)argc + 1, sizeof *a.layer_args);
    if (!a.layer_args) return PX_EXIT_RUNTIME;
    int rc = parse_args(argc, argv, &a);
    if (rc) {
        free(a.layer_args);
        return rc;
    }
    px_store *store = px_cli_open_store(cli, a.project, 1);
    if (!store) {
        free(a.layer_args);
        return PX_EXIT_RUNTIME;
    }
    rc = a.style ? run_raster(cli, store, &a) : run_vector(cli, store, &a);
    px_store_close(store);
    free(a.layer_args);
    return rc;
}
