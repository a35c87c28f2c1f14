/*
 * `proxima serve` and `proxima site`: option parsing and reporting only; the
 * server and the static export are px_server_start and px_site_write
 * (src/server/). The server runs until SIGINT or SIGTERM.
 */
#include "cli.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char px_usage_serve[] =
    "Usage: proxima serve PROJECT [--port 8080] [--bind 127.0.0.1] [options]\n\n"
    "Serve the project's layers and results with the web map viewer, read-only:\n"
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
    "request on stderr; stops on Ctrl-C.\n\n"
    "Options:\n"
    "  --port N          TCP port (default 8080; 0: any free port)\n"
    "  --bind ADDR       address to listen on (default 127.0.0.1, loopback only;\n"
    "                    0.0.0.0 to serve the network)\n"
    "  --threads N       request threads (default 4)\n"
    "  --cache-mb N      tile cache size (default 64)\n"
    "  --mbtiles FILE    serve this MBTiles file (repeatable; replaces the search)\n"
    "  --no-mbtiles      build every tile from the store\n"
    "  --viewer DIR, --maplibre DIR, --styles DIR   where the viewer files,\n"
    "                    MapLibre GL JS and the styles are (default: the source tree)\n\n"
    "Example:\n"
    "  proxima serve out/demo/demo.sqlite --port 8080\n";

const char px_usage_site[] =
    "Usage: proxima site PROJECT -o DIR\n\n"
    "Write the viewer, styles, TileJSON, vector tiles (DIR/tiles/NAME/Z/X/Y.pbf),\n"
    "per-commune tables (JSON, CSV) and commune labels as a static site with\n"
    "relative URLs: any static web server hosts DIR as is, e.g.\n"
    "  python3 -m http.server -d DIR 8000\n\n"
    "Options:\n"
    "  -o, --output DIR  destination folder (created; files are replaced)\n"
    "  --viewer DIR, --maplibre DIR, --styles DIR   as for proxima serve\n";

static void log_line(void *user, const char *line)
{
    (void)user;
    fprintf(stderr, "%s\n", line);
}

typedef struct sargs {
    const char *project, *out;
    px_server_options o;
    const char *mb[33];
    int n_mb, no_mb;
} sargs;

static int parse(const char *cmd, int argc, char **argv, sargs *a, int serve)
{
    const char *v = NULL;
    for (int i = 1; i < argc; i++) {
        int m;
        long n;
        if (serve && (m = px_cli_opt(argc, argv, &i, "--port", &v))) {
            if (m > 0 && (px_cli_parse_int(v, &n) || n < 0 || n > 65535))
                return px_cli_usage_error(cmd, "--port wants a whole number in 0..65535, got '%s'", v);
            if (m > 0) a->o.port = (int)n;
        } else if (serve && (m = px_cli_opt(argc, argv, &i, "--bind", &v))) {
            unsigned char buf[sizeof(struct in6_addr)];
            if (m > 0 && inet_pton(AF_INET, v, buf) != 1 && inet_pton(AF_INET6, v, buf) != 1)
                return px_cli_usage_error(cmd, "--bind '%s' is not an IPv4 or IPv6 address", v);
            if (m > 0) a->o.bind = v;
        } else if (serve && (m = px_cli_opt(argc, argv, &i, "--threads", &v))) {
            if (m > 0 && (px_cli_parse_int(v, &n) || n < 1 || n > 64))
                return px_cli_usage_error(cmd, "--threads wants a whole number in 1..64, got '%s'", v);
            if (m > 0) a->o.threads = (int)n;
        } else if (serve && (m = px_cli_opt(argc, argv, &i, "--cache-mb", &v))) {
            if (m > 0 && (px_cli_parse_int(v, &n) || n < 1 || n > 65536))
                return px_cli_usage_error(cmd, "--cache-mb wants a whole number in 1..65536, got '%s'", v);
            if (m > 0) a->o.cache_bytes = (size_t)n << 20;
        } else if (serve && (m = px_cli_opt(argc, argv, &i, "--mbtiles", &v))) {
            if (m > 0 && a->n_mb == 32) return px_cli_usage_error(cmd, "at most 32 --mbtiles");
            if (m > 0) a->mb[a->n_mb++] = v;
        } else if (serve && !strcmp(argv[i], "--no-mbtiles")) {
            a->no_mb = 1;
            continue;
        } else if (!serve && ((m = px_cli_opt(argc, argv, &i, "--output", &v)) ||
                              (m = px_cli_opt(argc, argv, &i, "-o", &v)))) {
            if (m > 0) a->out = v;
        } else if ((m = px_cli_opt(argc, argv, &i, "--viewer", &v))) {
            if (m > 0) a->o.viewer_dir = v;
        } else if ((m = px_cli_opt(argc, argv, &i, "--maplibre", &v))) {
            if (m > 0) a->o.maplibre_dir = v;
        } else if ((m = px_cli_opt(argc, argv, &i, "--styles", &v))) {
            if (m > 0) a->o.styles_dir = v;
        } else if (argv[i][0] == '-') {
            return px_cli_usage_error(cmd, "unknown option '%s'", argv[i]);
        } else if (!a->project) {
            a->project = argv[i];
            continue;
        } else {
            return px_cli_usage_error(cmd, "unexpected argument '%s'", argv[i]);
        }
        if (m < 0) return px_cli_usage_error(cmd, "%s needs a value", argv[i]);
    }
    if (!a->project) return px_cli_usage_error(cmd, "missing PROJECT");
    if (!serve && !a->out) return px_cli_usage_error(cmd, "missing -o DIR");
    if (a->no_mb && a->n_mb) return px_cli_usage_error(cmd, "--no-mbtiles and --mbtiles exclude each other");
    if (a->n_mb || a->no_mb) a->o.mbtiles = a->mb;
    return 0;
}

int cmd_serve(px_cli *cli, int argc, char **argv)
{
    sargs a = {0};
    px_server_options_default(&a.o);
    int rc = parse("serve", argc, argv, &a, 1);
    if (rc) return rc;
    if (!cli->quiet) {
        a.o.log = log_line;
        a.o.log_user = NULL;
    }
    /* Block the stop signals before the server's threads start, so that
     * they inherit the mask and this thread alone takes them in sigwait. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    px_server *srv = NULL;
    px_status st = px_server_start(cli->ctx, a.project, &a.o, &srv);
    if (st != PX_OK) return px_cli_fail(cli, st);
    const char *host = a.o.bind;
    int v6 = strchr(host, ':') != NULL;
    printf("http://%s%s%s:%d/\n", v6 ? "[" : "", host, v6 ? "]" : "", px_server_port(srv));
    fflush(stdout);
    px_cli_info(cli, "proxima: serving %s at http://%s%s%s:%d/ (Ctrl-C to stop)\n", a.project, v6 ? "[" : "", host,
                v6 ? "]" : "", px_server_port(srv));
    int sig = 0;
    sigwait(&set, &sig);
    px_server_stop(srv);
    px_cli_info(cli, "proxima: stopped\n");
    return PX_EXIT_OK;
}

int cmd_site(px_cli *cli, int argc, char **argv)
{
    sargs a = {0};
    px_server_options_default(&a.o);
    int rc = parse("site", argc, argv, &a, 0);
    if (rc) return rc;
    uint64_t n = 0;
    px_status st = px_site_write(cli->ctx, a.project, a.out, &a.o, &n);
    if (st != PX_OK) return px_cli_fail(cli, st);
    printf("site %s\ntiles %llu\n", a.out, (unsigned long long)n);
    return PX_EXIT_OK;
}
