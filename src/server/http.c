/*
 * The HTTP side of `proxima serve` (libmicrohttpd): routing, answers, cache
 * headers and the request log. Each request borrows one worker (a context
 * and a read-only connection) for its duration; there are as many workers as
 * server threads, so a request never waits for one.
 *
 * Routes (GET and HEAD; anything else 405):
 *   /                              the viewer (index.html); /viewer/FILE its files
 *   /viewer/catalog.json           what the viewer can show
 *   /tiles/NAME/Z/X/Y.pbf          vector tile, gzip; 204 when empty
 *   /tiles/STYLE/Z/X/Y.png         raster tile drawn with the style
 *   /NAME.json                     TileJSON 3.0.0
 *   /styles/STYLE.json             style, sources pointing at this server
 *   /features/TABLE?bbox=W,S,E,N&limit=N   GeoJSON (RFC 7946)
 *   /tables/TABLE.json|.csv        per-commune table
 *   /labels/communes.geojson       one label point per commune
 *   /health
 * Errors are {"error": "...", "status": N}. Names are [a-z0-9_-]{1,64}; the
 * server only answers from its own lists and memory, never from a path built
 * from the request.
 *
 * Left out: TLS (put a reverse proxy in front), compression of JSON answers,
 * tiles for clients that refuse gzip (every map client accepts it).
 */
#include "server_int.h"

#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#define MAX_URL 2048
#define MAX_ZOOM 24
#define MAX_PNG_ZOOM 20
#define DEFAULT_LIMIT 1000
#define MAX_LIMIT 10000

struct px_server {
    srv_app *app;
    struct MHD_Daemon *d;
    int port;
};

typedef struct answer {
    unsigned status;
    const char *type;
    unsigned char *body; /* malloc'd, or NULL */
    size_t len;
    const char *encoding;  /* Content-Encoding */
    const char *cache;     /* Cache-Control */
    const char *note;      /* for the log: "hit", "miss"... */
    int is_static;         /* body points into a srv_file (not freed) */
    const char *etag;      /* precomputed ETag, or NULL: computed on the body */
} answer;

static void set_error(answer *a, unsigned status, const char *fmtmsg, const char *arg)
{
    char msg[256];
    snprintf(msg, sizeof msg, fmtmsg, arg ? arg : "");
    json_t *o = json_pack("{s:s, s:i}", "error", msg, "status", (int)status);
    char *s = o ? json_dumps(o, JSON_COMPACT) : NULL;
    json_decref(o);
    free(a->body);
    a->status = status;
    a->type = "application/json";
    a->body = (unsigned char *)s;
    a->len = s ? strlen(s) : 0;
    a->encoding = NULL;
    a->cache = "no-store";
    a->is_static = 0;
    a->etag = NULL;
}

static void set_json(answer *a, char *s, const char *cache)
{
    a->status = 200;
    a->type = "application/json";
    a->body = (unsigned char *)s;
    a->len = strlen(s);
    a->cache = cache;
}

static int name_ok(const char *s, size_t n)
{
    if (n == 0 || n > 64) return 0;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_' || s[i] == '-'))
            return 0;
    return 1;
}

/* A whole decimal number of at most 8 digits. */
static int parse_u32(const char *s, size_t n, uint32_t *out)
{
    if (n == 0 || n > 8) return 0;
    uint32_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return 0;
        v = v * 10 + (uint32_t)(s[i] - '0');
    }
    *out = v;
    return 1;
}

/* "NAME.EXT" with EXT one of the given; name into `name` (>= 65 bytes).
 * Returns the index of the extension, or -1. */
static int split_name(const char *s, char *name, const char *const *exts, size_t n_ext)
{
    const char *dot = strrchr(s, '.');
    if (!dot || !name_ok(s, (size_t)(dot - s))) return -1;
    for (size_t i = 0; i < n_ext; i++)
        if (!strcmp(dot + 1, exts[i])) {
            memcpy(name, s, (size_t)(dot - s));
            name[dot - s] = 0;
            return (int)i;
        }
    return -1;
}

/* "http://HOST/" from the Host header when it is a plain host[:port], else
 * from the address listened on. */
static void base_url(struct MHD_Connection *c, const srv_app *app, int port, char *out, size_t cap)
{
    const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST);
    int ok = h && *h && strlen(h) < 200;
    for (const char *p = h; ok && *p; p++)
        ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '.' ||
             *p == '-' || *p == ':' || *p == '[' || *p == ']';
    if (ok)
        snprintf(out, cap, "http://%s/", h);
    else
        snprintf(out, cap, "http://%s:%d/", app->opts.bind ? app->opts.bind : "127.0.0.1", port);
}

static void tile_route(srv_app *app, srv_worker **wp, const char *rest, answer *a)
{
    /* rest: NAME/Z/X/Y.EXT */
    const char *p[4];
    size_t n[4];
    const char *s = rest;
    for (int i = 0; i < 4; i++) {
        const char *slash = i < 3 ? strchr(s, '/') : s + strlen(s);
        if (!slash) return set_error(a, 400, "tile URLs are /tiles/NAME/Z/X/Y.pbf or .png", NULL);
        p[i] = s;
        n[i] = (size_t)(slash - s);
        s = slash + 1;
    }
    const char *dot = memchr(p[3], '.', n[3]);
    if (!dot) return set_error(a, 400, "tile URLs are /tiles/NAME/Z/X/Y.pbf or .png", NULL);
    int png = !strcmp(dot, ".png");
    if (!png && strcmp(dot, ".pbf")) return set_error(a, 400, "tile format must be pbf or png", NULL);
    uint32_t z, x, y;
    if (!name_ok(p[0], n[0])) return set_error(a, 400, "bad tileset name", NULL);
    if (!parse_u32(p[1], n[1], &z) || !parse_u32(p[2], n[2], &x) || !parse_u32(p[3], (size_t)(dot - p[3]), &y))
        return set_error(a, 400, "Z, X and Y must be whole numbers", NULL);
    if (z > (png ? MAX_PNG_ZOOM : MAX_ZOOM)) return set_error(a, 400, "zoom out of range", NULL);
    if (x >= (1u << z) || y >= (1u << z)) return set_error(a, 400, "X or Y out of range for the zoom", NULL);
    char name[65], key[128];
    memcpy(name, p[0], n[0]);
    name[n[0]] = 0;
    px_tile t = {.z = (int)z, .x = x, .y = y};
    snprintf(key, sizeof key, "%c/%s/%u/%u/%u", png ? 'r' : 'v', name, z, x, y);
    srv_tileset *ts = NULL;
    srv_style *st = NULL;
    if (png ? !(st = srv_app_style(app, name)) || !st->raster : !(ts = srv_app_tileset(app, name)))
        return set_error(a, 404, png ? "no raster style '%s'" : "no tileset '%s'", name);
    int found = 0;
    if (srv_cache_get(app->cache, key, &a->body, &a->len, &found)) return set_error(a, 503, "out of memory", NULL);
    a->note = "hit";
    if (!found) {
        a->note = "miss";
        srv_worker *w = *wp = srv_worker_get(app);
        px_status rc;
        if (png) {
            rc = px_tiles_render_png(w->ctx, w->store, st->raster, t, NULL, &a->body, &a->len);
        } else {
            px_tileset *set = NULL;
            rc = srv_tileset_get(ts, w, &set);
            if (rc == PX_OK) rc = px_tileset_tile(w->ctx, set, t, 1, &a->body, &a->len);
        }
        if (rc != PX_OK) return set_error(a, 500, "%s", px_ctx_errmsg(w->ctx));
        srv_cache_put(app->cache, key, a->body, a->len);
    }
    a->cache = "public, max-age=3600";
    if (!a->body) {
        a->status = 204;
        a->type = NULL;
        return;
    }
    a->status = 200;
    a->type = png ? "image/png" : "application/vnd.mapbox-vector-tile";
    a->encoding = png ? NULL : "gzip";
}

static int parse_bbox(const char *s, double b[4])
{
    char *end;
    for (int i = 0; i < 4; i++) {
        errno = 0;
        b[i] = strtod(s, &end);
        if (end == s || errno || !isfinite(b[i])) return 0;
        if (i < 3 && *end != ',') return 0;
        s = end + (i < 3);
    }
    return *end == 0 && b[0] >= -180 && b[2] <= 180 && b[1] >= -90 && b[3] <= 90 && b[0] <= b[2] && b[1] <= b[3];
}

static void features_route(srv_app *app, srv_worker **wp, struct MHD_Connection *c, const char *name, answer *a)
{
    srv_tileset *t;
    if (!name_ok(name, strlen(name))) return set_error(a, 400, "bad table name", NULL);
    if (!(t = srv_app_tileset(app, name)) || t->mbtiles) return set_error(a, 404, "no table '%s' with geometry", name);
    const char *bb = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "bbox");
    const char *lim = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "limit");
    double b[4];
    uint32_t limit = DEFAULT_LIMIT;
    if (bb && !parse_bbox(bb, b))
        return set_error(a, 400, "bbox must be W,S,E,N in degrees (W <= E, S <= N)", NULL);
    if (lim && (!parse_u32(lim, strlen(lim), &limit) || limit < 1 || limit > MAX_LIMIT))
        return set_error(a, 400, "limit must be a whole number in 1..10000", NULL);
    srv_worker *w = *wp = srv_worker_get(app);
    char *out = NULL;
    size_t len = 0;
    px_status rc = w->fq ? PX_OK : px_features_query_new(w->ctx, w->store, &w->fq);
    if (rc == PX_OK) rc = px_features_query_run(w->ctx, w->fq, name, bb ? b : NULL, limit, 0, &out, &len, NULL, NULL);
    if (rc != PX_OK) return set_error(a, rc == PX_EINVAL ? 400 : 500, "%s", px_ctx_errmsg(w->ctx));
    a->status = 200;
    a->type = "application/geo+json";
    a->body = (unsigned char *)out;
    a->len = len;
    a->cache = "no-cache";
}

static void route(px_server *srv, struct MHD_Connection *c, const char *url, srv_worker **wp, answer *a)
{
    srv_app *app = srv->app;
    char name[65];
    const srv_file *f = srv_app_file(app, !strcmp(url, "/index.html") ? "/" : url);
    if (f) {
        a->status = 200;
        a->type = f->type;
        a->body = f->data;
        a->len = f->len;
        a->is_static = 1;
        a->etag = f->etag;
        a->cache = "no-cache";
        return;
    }
    if (!strcmp(url, "/health")) {
        json_t *o = json_pack("{s:s, s:s, s:i, s:i, s:i}", "status", "ok", "project", app->name, "tilesets",
                              (int)app->n_tilesets, "styles", (int)app->n_styles, "tables", (int)app->n_tables);
        char *s = o ? json_dumps(o, JSON_COMPACT) : NULL;
        json_decref(o);
        if (!s) return set_error(a, 503, "out of memory", NULL);
        return set_json(a, s, "no-store");
    }
    if (!strcmp(url, "/viewer/catalog.json")) {
        char *s = srv_catalog_json(app, "");
        if (!s) return set_error(a, 503, "out of memory", NULL);
        return set_json(a, s, "no-cache");
    }
    if (!strncmp(url, "/tiles/", 7)) return tile_route(app, wp, url + 7, a);
    if (!strncmp(url, "/features/", 10)) return features_route(app, wp, c, url + 10, a);
    if (!strncmp(url, "/styles/", 8)) {
        static const char *const ext[] = {"json"};
        srv_style *st;
        if (split_name(url + 8, name, ext, 1) < 0) return set_error(a, 400, "style URLs are /styles/NAME.json", NULL);
        if (!(st = srv_app_style(app, name))) return set_error(a, 404, "no style '%s' for this project", name);
        char base[256];
        base_url(c, app, srv->port, base, sizeof base);
        srv_worker *w = *wp = srv_worker_get(app);
        char *s = srv_style_json(app, w, st, base, 0);
        if (!s) return set_error(a, 500, "%s", px_ctx_errmsg(w->ctx));
        return set_json(a, s, "no-cache");
    }
    if (!strncmp(url, "/tables/", 8)) {
        static const char *const ext[] = {"json", "csv"};
        int e = split_name(url + 8, name, ext, 2);
        if (e < 0) return set_error(a, 400, "table URLs are /tables/NAME.json or .csv", NULL);
        if (!srv_app_has_table(app, name)) return set_error(a, 404, "no per-commune table '%s'", name);
        srv_worker *w = *wp = srv_worker_get(app);
        char *s = NULL;
        size_t len = 0;
        if (e == 0)
            s = srv_table_json(w, name);
        else if (px_table_csv(w->ctx, w->store, name, &s, &len) != PX_OK)
            s = NULL;
        if (!s) return set_error(a, 500, "%s", px_ctx_errmsg(w->ctx));
        set_json(a, s, "no-cache");
        if (e == 1) a->type = "text/csv; charset=utf-8";
        return;
    }
    if (!strcmp(url, "/labels/communes.geojson")) {
        if (!app->has_communes) return set_error(a, 404, "the project has no communes", NULL);
        int found = 0;
        if (srv_cache_get(app->cache, "labels/communes", &a->body, &a->len, &found))
            return set_error(a, 503, "out of memory", NULL);
        if (!found) {
            srv_worker *w = *wp = srv_worker_get(app);
            char *s = NULL;
            size_t len = 0;
            if (px_features_geojson(w->ctx, w->store, "communes", NULL, 0, 1, &s, &len, NULL, NULL) != PX_OK)
                return set_error(a, 500, "%s", px_ctx_errmsg(w->ctx));
            srv_cache_put(app->cache, "labels/communes", (unsigned char *)s, len);
            a->body = (unsigned char *)s;
            a->len = len;
        }
        a->status = 200;
        a->type = "application/geo+json";
        a->cache = "no-cache";
        return;
    }
    /* /NAME.json: TileJSON */
    static const char *const ext[] = {"json"};
    srv_tileset *t;
    if (url[0] == '/' && !strchr(url + 1, '/') && split_name(url + 1, name, ext, 1) >= 0) {
        if (!(t = srv_app_tileset(app, name))) return set_error(a, 404, "no tileset '%s'", name);
        srv_worker *w = *wp = srv_worker_get(app);
        px_tileset *ts;
        if (srv_tileset_get(t, w, &ts) != PX_OK) return set_error(a, 500, "%s", px_ctx_errmsg(w->ctx));
        char base[256], tiles[512];
        base_url(c, app, srv->port, base, sizeof base);
        snprintf(tiles, sizeof tiles, "%stiles/%s/{z}/{x}/{y}.pbf", base, name);
        char *s = px_tileset_tilejson(ts, tiles);
        if (!s) return set_error(a, 503, "out of memory", NULL);
        return set_json(a, s, "no-cache");
    }
    if (strstr(url, "..")) return set_error(a, 400, "'..' is not allowed in a path", NULL);
    set_error(a, 404, "no such resource", NULL);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                                  const char *version, const char *upload_data, size_t *upload_size, void **req_cls)
{
    (void)version;
    (void)upload_data;
    px_server *srv = cls;
    int head = !strcmp(method, MHD_HTTP_METHOD_HEAD);
    int get_or_head = head || !strcmp(method, MHD_HTTP_METHOD_GET);
    /* A GET is answered on the second call, once the whole request is in:
     * an answer queued on the first call counts as early and makes
     * libmicrohttpd close the connection (no keep-alive). Other methods are
     * refused at once, which closes the connection on purpose. */
    static int seen;
    if (get_or_head && *req_cls == NULL) {
        *req_cls = &seen;
        return MHD_YES;
    }
    if (*upload_size) { /* a body sent with a GET: read and dropped */
        *upload_size = 0;
        return MHD_YES;
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    answer a = {.status = 500, .cache = "no-store"};
    srv_worker *w = NULL;
    if (!get_or_head)
        set_error(&a, 405, "method %s not allowed (GET, HEAD)", method);
    else if (strlen(url) > MAX_URL)
        set_error(&a, 414, "URL too long", NULL);
    else
        route(srv, c, url, &w, &a);
    if (w) srv_worker_put(srv->app, w);

    char etag[24] = "";
    if (a.status == 200) {
        if (a.etag)
            snprintf(etag, sizeof etag, "%s", a.etag);
        else
            srv_etag(a.body, a.len, etag);
        const char *inm = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_IF_NONE_MATCH);
        if (inm && strstr(inm, etag)) {
            if (!a.is_static) free(a.body);
            a.body = NULL;
            a.len = 0;
            a.status = 304;
            a.note = "not-modified";
        }
    }
    struct MHD_Response *r;
    size_t sent = a.len;
    if (a.is_static)
        r = MHD_create_response_from_buffer(a.len, a.body, MHD_RESPMEM_PERSISTENT);
    else
        r = MHD_create_response_from_buffer(a.len, a.body, a.body ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
    if (!r) {
        if (!a.is_static) free(a.body);
        return MHD_NO;
    }
    if (a.type && a.status != 304) MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, a.type);
    if (a.encoding && a.status == 200) MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_ENCODING, a.encoding);
    if (a.cache) MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, a.cache);
    if (*etag) MHD_add_response_header(r, MHD_HTTP_HEADER_ETAG, etag);
    MHD_add_response_header(r, MHD_HTTP_HEADER_ACCESS_CONTROL_ALLOW_ORIGIN, "*");
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    enum MHD_Result q = MHD_queue_response(c, a.status, r);
    MHD_destroy_response(r);
    if (srv->app->opts.log) {
        clock_gettime(CLOCK_MONOTONIC, &t1);
        double ms = (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6;
        char line[MAX_URL + 160];
        /* The URL is shown up to 200 bytes, control characters as '?'. */
        char shown[201];
        size_t n = 0;
        for (; url[n] && n < 200; n++)
            shown[n] = (unsigned char)url[n] < 32 || url[n] == 127 ? '?' : url[n];
        shown[n] = 0;
        snprintf(line, sizeof line, "%s %s%s %u %zu %.1fms%s%s", method, shown, url[n] ? "..." : "", a.status,
                 head ? 0 : sent, ms, a.note ? " " : "", a.note ? a.note : "");
        srv->app->opts.log(srv->app->opts.log_user, line);
    }
    return q;
}

px_status px_server_start(px_ctx *ctx, const char *project, const px_server_options *opts, px_server **out)
{
    if (!ctx || !project || !out) return px_ctx_set_error(ctx, PX_EINVAL, "px_server_start: NULL argument");
    px_server_options o;
    if (opts)
        o = *opts;
    else
        px_server_options_default(&o);
    if (!o.bind) o.bind = "127.0.0.1";
    if (o.port < 0 || o.port > 65535) return px_ctx_set_error(ctx, PX_EINVAL, "port %d is not in 0..65535", o.port);
    if (o.threads < 1 || o.threads > 64)
        return px_ctx_set_error(ctx, PX_EINVAL, "threads %d is not in 1..64", o.threads);
    if (!o.timeout_s) o.timeout_s = 10;
    if (!o.max_connections) o.max_connections = 512;
    struct sockaddr_in a4;
    struct sockaddr_in6 a6;
    struct sockaddr *sa;
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL;
    memset(&a4, 0, sizeof a4);
    memset(&a6, 0, sizeof a6);
    if (inet_pton(AF_INET, o.bind, &a4.sin_addr) == 1) {
        a4.sin_family = AF_INET;
        a4.sin_port = htons((uint16_t)o.port);
        sa = (struct sockaddr *)&a4;
    } else if (inet_pton(AF_INET6, o.bind, &a6.sin6_addr) == 1) {
        a6.sin6_family = AF_INET6;
        a6.sin6_port = htons((uint16_t)o.port);
        sa = (struct sockaddr *)&a6;
        flags |= MHD_USE_IPv6;
    } else {
        return px_ctx_set_error(ctx, PX_EINVAL, "--bind '%s' is not an IPv4 or IPv6 address", o.bind);
    }
    px_server *srv = calloc(1, sizeof *srv);
    if (!srv) return px_ctx_set_error(ctx, PX_ENOMEM, "out of memory");
    px_status rc = srv_app_open(ctx, project, &o, (size_t)o.threads, 0, &srv->app);
    if (rc != PX_OK) {
        free(srv);
        return rc;
    }
    srv->d = MHD_start_daemon(flags, (uint16_t)o.port, NULL, NULL, on_request, srv, MHD_OPTION_SOCK_ADDR, sa,
                              MHD_OPTION_THREAD_POOL_SIZE, (unsigned)o.threads, MHD_OPTION_CONNECTION_TIMEOUT,
                              o.timeout_s, MHD_OPTION_CONNECTION_LIMIT, o.max_connections,
                              MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024), MHD_OPTION_END);
    if (!srv->d) {
        rc = px_ctx_set_error(ctx, PX_EIO, "cannot listen on %s port %d: %s", o.bind, o.port,
                              errno ? strerror(errno) : "libmicrohttpd refused to start");
        srv_app_close(srv->app);
        free(srv);
        return rc;
    }
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(srv->d, MHD_DAEMON_INFO_BIND_PORT);
    srv->port = di ? di->port : o.port;
    *out = srv;
    return PX_OK;
}

int px_server_port(const px_server *srv) { return srv->port; }

void px_server_stop(px_server *srv)
{
    if (!srv) return;
    if (srv->d) MHD_stop_daemon(srv->d);
    srv_app_close(srv->app);
    free(srv);
}
