/*
 * `proxima serve` and `proxima site`: option parsing and reporting only; the
 * server and the static export are px_server_start and px_site_write
 * (src/server/). The server runs until SIGINT or SIGTERM.
 */
#include "opts.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FOLDER_OPTS                                                                                              \
    {"viewer", 0, PX_OPT_PATH, "DIR", .help = "viewer files (default: the source tree's src/viewer)"},          \
        {"maplibre", 0, PX_OPT_PATH, "DIR",                                                                      \
         .help = "MapLibre GL JS dist folder (default: the source tree's node_modules/maplibre-gl/dist)"},       \
        {"styles", 0, PX_OPT_PATH, "DIR", .help = "MapLibre styles (default: the source tree's styles/)"}

static const px_opt serve_opts[] = {
    {"port", 0, PX_OPT_INT, "N", 0, 65535, .def = "8080", .help = "TCP port (0: any free port)"},
    {"bind", 0, PX_OPT_TEXT, "ADDR", .def = "127.0.0.1",
     .help = "IPv4 or IPv6 address to listen on (loopback by default; 0.0.0.0 serves the network)"},
    PX_OPT_THREADS,
    {"cache-mb", 0, PX_OPT_INT, "N", 1, 65536, .def = "64", .help = "tile cache size in MiB"},
    {"mbtiles", 0, PX_OPT_PATH, "FILE", .flags = PX_OPTF_REPEAT,
     .help = "serve this MBTiles file (repeatable; replaces the search beside the project)"},
    {"no-mbtiles", 0, PX_OPT_FLAG, .help = "build every tile from the store"},
    FOLDER_OPTS,
    {0}};

const px_cmd_spec px_spec_serve = {
    .name = "serve",
    .args = "PROJECT",
    .n_args_min = 1,
    .n_args_max = 1,
    .opts = serve_opts,
    .about = "Serve the project's layers and results with the web map viewer, read-only:\n"
             "  /                               the viewer (open it in a browser)\n"
             "  /tiles/NAME/Z/X/Y.pbf           vector tiles (gzip) of a table or MBTiles\n"
             "  /tiles/STYLE/Z/X/Y.png          raster tiles drawn with styles/STYLE.json\n"
             "  /NAME.json                      TileJSON 3.0.0\n"
             "  /styles/STYLE.json              MapLibre style, sources on this server\n"
             "  /features/TABLE?bbox=W,S,E,N&limit=N   GeoJSON (RFC 7946, lon/lat)\n"
             "  /tables/TABLE.json, .csv        per-commune result tables\n"
             "  /health\n"
             "Tiles come from the MBTiles files beside the project (and in its tiles/\n"
             "folder) when they hold a style's layers, else are built from the store on\n"
             "request; both are cached in memory. Prints the URL on stdout, one line per\n"
             "request on stderr; stops on Ctrl-C.\n",
    .examples = "proxima serve out/demo/demo.sqlite\n"
                "proxima serve agglo.sqlite --port 8081 --bind 0.0.0.0 --threads 4 --cache-mb 256\n",
};

static const px_opt site_opts[] = {
    PX_OPT_OUTPUT_REQUIRED("DIR", "destination folder (created; files are replaced)"),
    FOLDER_OPTS,
    {0}};

const px_cmd_spec px_spec_site = {
    .name = "site",
    .args = "PROJECT",
    .n_args_min = 1,
    .n_args_max = 1,
    .opts = site_opts,
    .about = "Write the viewer, styles, TileJSON, vector tiles (DIR/tiles/NAME/Z/X/Y.pbf),\n"
             "per-commune tables (JSON, CSV) and commune labels as a static site with\n"
             "relative URLs: any static web server hosts DIR as is, e.g.\n"
             "python3 -m http.server -d DIR 8000\n",
    .examples = "proxima site out/demo/demo.sqlite -o out/demo/site\n",
};

static void log_line(void *user, const char *line)
{
    (void)user;
    fprintf(stderr, "%s\n", line);
}

static void folders(const px_args *a, px_server_options *o)
{
    o->viewer_dir = px_args_text(a, "viewer");
    o->maplibre_dir = px_args_text(a, "maplibre");
    o->styles_dir = px_args_text(a, "styles");
}

int cmd_serve(px_cli *cli, int argc, char **argv)
{
    px_args *a = NULL;
    int rc = px_args_parse(cli, &px_spec_serve, argc, argv, &a);
    if (!a) return rc;
    px_server_options o;
    px_server_options_default(&o);
    const char *project = px_args_pos(a, 0);
    o.port = (int)px_args_int(a, "port");
    o.bind = px_args_text(a, "bind");
    o.threads = (int)px_args_int(a, "threads");
    o.cache_bytes = (size_t)px_args_int(a, "cache-mb") << 20;
    folders(a, &o);
    unsigned char buf[sizeof(struct in6_addr)];
    int n_mb = px_args_given(a, "mbtiles");
    const char **mb = calloc((size_t)n_mb + 1, sizeof *mb);
    px_server *srv = NULL;
    if (!mb) {
        rc = PX_EXIT_RUNTIME;
        goto done;
    }
    if (inet_pton(AF_INET, o.bind, buf) != 1 && inet_pton(AF_INET6, o.bind, buf) != 1) {
        rc = px_cli_usage_error("serve", "--bind '%s' is not an IPv4 or IPv6 address", o.bind);
        goto done;
    }
    if (n_mb && px_args_flag(a, "no-mbtiles")) {
        rc = px_cli_usage_error("serve", "--no-mbtiles and --mbtiles exclude each other");
        goto done;
    }
    for (int i = 0; i < n_mb; i++)
        mb[i] = px_args_text_at(a, "mbtiles", i);
    if (n_mb || px_args_flag(a, "no-mbtiles")) o.mbtiles = mb;
    if (!cli->quiet) o.log = log_line;
    /* Block the stop signals before the server's threads start, so that
     * they inherit the mask and this thread alone takes them in sigwait. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    px_status st = px_server_start(cli->ctx, project, &o, &srv);
    if (st != PX_OK) {
        rc = px_cli_fail(cli, st);
        goto done;
    }
    int v6 = strchr(o.bind, ':') != NULL;
    printf("http://%s%s%s:%d/\n", v6 ? "[" : "", o.bind, v6 ? "]" : "", px_server_port(srv));
    fflush(stdout);
    px_cli_info(cli, "proxima: serving %s at http://%s%s%s:%d/ (Ctrl-C to stop)\n", project, v6 ? "[" : "", o.bind,
                v6 ? "]" : "", px_server_port(srv));
    int sig = 0;
    sigwait(&set, &sig);
    px_server_stop(srv);
    px_cli_info(cli, "proxima: stopped\n");
    rc = PX_EXIT_OK;
done:
    free(mb);
    px_args_free(a);
    return rc;
}

int cmd_site(px_cli *cli, int argc, char **argv)
{
    px_args *a = NULL;
    int rc = px_args_parse(cli, &px_spec_site, argc, argv, &a);
    if (!a) return rc;
    px_server_options o;
    px_server_options_default(&o);
    folders(a, &o);
    const char *out = px_args_text(a, "output");
    uint64_t n = 0;
    if ((rc = px_cli_output_dir("site", out)) == PX_EXIT_OK) {
        px_status st = px_site_write(cli->ctx, px_args_pos(a, 0), out, &o, &n);
        if (st != PX_OK)
            rc = px_cli_fail(cli, st);
        else
            printf("site %s\ntiles %llu\n", out, (unsigned long long)n);
    }
    px_args_free(a);
    return rc;
}
