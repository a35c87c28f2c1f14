/*
 * The served project: what the HTTP server and the static site both need.
 * Opening finds the tilesets (every table with geometry, loaded on first
 * use; MBTiles files beside the project), the styles whose tables exist,
 * the per-commune tables (those with a commune_id column) and the viewer
 * files (read into memory once: the server never opens a file named by a
 * request, which rules out path traversal by construction).
 *
 * The documents made from all this are in docs.c.
 */
#include "server_int.h"

#include <dirent.h>
#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#ifndef PX_SOURCE_DIR
#define PX_SOURCE_DIR "."
#endif

void px_server_options_default(px_server_options *o)
{
    memset(o, 0, sizeof *o);
    o->bind = "127.0.0.1";
    o->port = 8080;
    o->threads = 2;
    o->cache_bytes = (size_t)64 << 20;
    o->timeout_s = 10;
    o->max_connections = 512;
}

static char *dupstr(const char *s)
{
    if (!s) return NULL;
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d) memcpy(d, s, n);
    return d;
}

char *srv_fmt(const char *f, const char *a, const char *b)
{
    size_t n = strlen(f) + strlen(a) + (b ? strlen(b) : 0) + 1;
    char *s = malloc(n);
    if (s) snprintf(s, n, f, a, b ? b : "");
    return s;
}

static char *base_name(const char *path, const char *ext)
{
    const char *b = strrchr(path, '/');
    b = b ? b + 1 : path;
    char *s = dupstr(b);
    size_t n = s ? strlen(s) : 0, e = strlen(ext);
    if (s && n > e && !strcmp(s + n - e, ext)) s[n - e] = 0;
    return s;
}

/* Names that may appear in a URL: [a-z0-9_-], 1..64 characters. */
static int name_ok(const char *s)
{
    size_t n = 0;
    for (; s[n]; n++)
        if (!((s[n] >= 'a' && s[n] <= 'z') || (s[n] >= '0' && s[n] <= '9') || s[n] == '_' || s[n] == '-'))
            return 0;
    return n > 0 && n <= 64;
}

static px_status read_file(px_ctx *ctx, const char *path, unsigned char **data, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return px_ctx_set_error(ctx, PX_EIO, "%s: cannot open: %s", path, strerror(errno));
    struct stat st;
    unsigned char *buf = NULL;
    px_status rc = PX_OK;
    if (fstat(fileno(f), &st) != 0 || st.st_size > (64 << 20)) {
        rc = px_ctx_set_error(ctx, PX_EIO, "%s: cannot read (or over 64 MiB)", path);
    } else if (!(buf = malloc((size_t)st.st_size + 1))) {
        rc = px_ctx_set_error(ctx, PX_ENOMEM, "out of memory");
    } else if (fread(buf, 1, (size_t)st.st_size, f) != (size_t)st.st_size) {
        rc = px_ctx_set_error(ctx, PX_EIO, "%s: cannot read: %s", path, strerror(errno));
    }
    fclose(f);
    if (rc != PX_OK) {
        free(buf);
        return rc;
    }
    buf[st.st_size] = 0;
    *data = buf;
    *len = (size_t)st.st_size;
    return PX_OK;
}

static const char *mime_of(const char *name)
{
    static const char *const map[][2] = {{".html", "text/html; charset=utf-8"},
                                         {".js", "text/javascript; charset=utf-8"},
                                         {".css", "text/css; charset=utf-8"},
                                         {".json", "application/json"},
                                         {".svg", "image/svg+xml"},
                                         {".png", "image/png"}};
    size_t n = strlen(name);
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
        size_t e = strlen(map[i][0]);
        if (n > e && !strcmp(name + n - e, map[i][0])) return map[i][1];
    }
    return NULL;
}

static px_status add_file(px_ctx *ctx, srv_app *app, const char *url, const char *path)
{
    srv_file *nf = realloc(app->files, (app->n_files + 1) * sizeof *nf);
    if (!nf) return px_ctx_set_error(ctx, PX_ENOMEM, "out of memory");
    app->files = nf;
    srv_file *f = &app->files[app->n_files];
    memset(f, 0, sizeof *f);
    px_status rc = read_file(ctx, path, &f->data, &f->len);
    if (rc != PX_OK) return rc;
    if (!(f->url = dupstr(url))) {
        free(f->data);
        return px_ctx_set_error(ctx, PX_ENOMEM, "out of memory");
    }
    f->type = mime_of(path);
    srv_etag(f->data, f->len, f->etag);
    app->n_files++;
    return PX_OK;
}

/* The viewer folder's files (one level, names [a-z0-9._-]) and MapLibre. */
static px_status load_viewer(px_ctx *ctx, srv_app *app)
{
    const char *vdir = app->opts.viewer_dir ? app->opts.viewer_dir : PX_SOURCE_DIR "/src/viewer";
    const char *mdir =
        app->opts.maplibre_dir ? app->opts.maplibre_dir : PX_SOURCE_DIR "/node_modules/maplibre-gl/dist";
    DIR *d = opendir(vdir);
    if (!d) return px_ctx_set_error(ctx, PX_EIO, "%s: viewer folder: %s", vdir, strerror(errno));
    px_status rc = PX_OK;
    struct dirent *de;
    while (rc == PX_OK && (de = readdir(d))) {
        const char *n = de->d_name;
        if (n[0] == '.' || !mime_of(n)) continue;
        char *path = srv_fmt("%s/%s", vdir, n);
        char *url = !strcmp(n, "index.html") ? dupstr("/") : srv_fmt("/viewer/%s", n, NULL);
        if (!path || !url)
            rc = px_ctx_set_error(ctx, PX_ENOMEM, "out of memory");
        else
            rc = add_file(ctx, app, url, path);
        free(path);
        free(url);
    }
    closedir(d);
    if (rc == PX_OK && !srv_app_file(app, "/"))
        rc = px_ctx_set_error(ctx, PX_EIO, "%s: no index.html in the viewer folder", vdir);
    const char *ml[] = {"maplibre-gl.js", "maplibre-gl.css"};
    for (size_t i = 0; rc == PX_OK && i < 2; i++) {
        char *path = srv_fmt("%s/%s", mdir, ml[i]);
        char *url = srv_fmt("/viewer/%s", ml[i], NULL);
        if (!path || !url)
            rc = px_ctx_set_error(ctx, PX_ENOMEM, "out of memory");
        else if ((rc = add_file(ctx, app, url, path)) == PX_EIO)
            rc = px_ctx_set_error(ctx, PX_EIO,
                                  "%s: MapLibre GL JS is missing (run scripts/setup, which installs it with npm)",
                                  path);
        free(path);
        free(url);
    }
    return rc;
}

static int tileset_add(srv_app *app, const char *name, const char *mbtiles)
{
    srv_tileset *nt = realloc(app->tilesets, (app->n_tilesets + 1) * sizeof *nt);
    if (!nt) return -1;
    app->tilesets = nt;
    srv_tileset *t = &nt[app->n_tilesets];
    memset(t, 0, sizeof *t);
    t->name = dupstr(name);
    t->mbtiles = dupstr(mbtiles);
    if (!t->name || (mbtiles && !t->mbtiles)) {
        free(t->name);
        free(t->mbtiles);
        return -1;
    }
    pthread_mutex_init(&t->lock, NULL);
    app->n_tilesets++;
    return 0;
}

static px_status find_mbtiles(px_ctx *ctx, srv_app *app)
{
    if (app->opts.mbtiles) {
        for (size_t i = 0; app->opts.mbtiles[i]; i++) {
            char *n = base_name(app->opts.mbtiles[i], ".mbtiles");
            int bad = !n || !name_ok(n) || srv_app_tileset(app, n);
            if (bad) {
                px_status rc = px_ctx_set_error(ctx, PX_EINVAL,
                                                "%s: tileset name '%s' is taken or not [a-z0-9_-]",
                                                app->opts.mbtiles[i], n ? n : "");
                free(n);
                return rc;
            }
            int r = tileset_add(app, n, app->opts.mbtiles[i]);
            free(n);
            if (r) return px_ctx_set_error(ctx, PX_ENOMEM, "out of memory");
        }
        return PX_OK;
    }
    char *dir = dupstr(app->project);
    if (!dir) return px_ctx_set_error(ctx, PX_ENOMEM, "out of memory");
    /* Beside a project file; for a PostGIS project, in the current folder. */
    char *slash = px_store_is_conninfo(app->project) ? NULL : strrchr(dir, '/');
    if (slash)
        *slash = 0;
    else
        strcpy(dir, ".");
    const char *pats[] = {"%s/*.mbtiles", "%s/tiles/*.mbtiles"};
    for (int p = 0; p < 2; p++) {
        char *pat = srv_fmt(pats[p], dir, NULL);
        glob_t g;
        if (pat && glob(pat, 0, NULL, &g) == 0) {
            for (size_t i = 0; i < g.gl_pathc; i++) {
                char *n = base_name(g.gl_pathv[i], ".mbtiles");
                if (n && name_ok(n) && !srv_app_tileset(app, n)) tileset_add(app, n, g.gl_pathv[i]);
                free(n);
            }
            globfree(&g);
        }
        free(pat);
    }
    free(dir);
    return PX_OK;
}

static px_status load_styles(px_ctx *ctx, srv_app *app, px_store *store)
{
    const char *sdir = app->opts.styles_dir ? app->opts.styles_dir : PX_SOURCE_DIR "/styles";
    char *pat = srv_fmt("%s/*.json", sdir, NULL);
    if (!pat) return px_ctx_set_error(ctx, PX_ENOMEM, "out of memory");
    glob_t g;
    int gr = glob(pat, 0, NULL, &g);
    free(pat);
    if (gr != 0) return PX_OK; /* no styles: tiles and tables are still served */
    px_status rc = PX_OK;
    app->styles = calloc(g.gl_pathc + 1, sizeof *app->styles);
    if (!app->styles) rc = px_ctx_set_error(ctx, PX_ENOMEM, "out of memory");
    for (size_t i = 0; rc == PX_OK && i < g.gl_pathc; i++) {
        srv_style *s = &app->styles[app->n_styles];
        s->name = base_name(g.gl_pathv[i], ".json");
        s->path = dupstr(g.gl_pathv[i]);
        json_error_t je;
        s->json = json_load_file(g.gl_pathv[i], 0, &je);
        if (!s->name || !s->path) {
            rc = px_ctx_set_error(ctx, PX_ENOMEM, "out of memory");
            break;
        }
        app->n_styles++;
        if (!name_ok(s->name) || !json_is_object(s->json) ||
            !json_is_array(json_object_get(s->json, "layers")))
            continue; /* not a style we can serve: left unavailable */
        s->available = 1;
        size_t k;
        json_t *l;
        json_array_foreach(json_object_get(s->json, "layers"), k, l)
        {
            const char *t = json_string_value(json_object_get(l, "source-layer"));
            /* A layer marked "proxima:optional" (the base map's water) may lack its table. */
            int optional = json_is_true(json_object_get(json_object_get(l, "metadata"), "proxima:optional"));
            if (t && !optional && !px_store_has_table(store, t)) s->available = 0;
        }
        if (s->available && px_style_read(ctx, s->path, &s->raster) != PX_OK) {
            px_ctx_clear_error(ctx);
            s->raster = NULL;
        }
    }
    globfree(&g);
    return rc;
}

px_status srv_app_open(px_ctx *ctx, const char *project, const px_server_options *opts, size_t n_workers, int site,
                       srv_app **out)
{
    srv_app *app = calloc(1, sizeof *app);
    if (!app) return px_ctx_set_error(ctx, PX_ENOMEM, "out of memory");
    if (opts)
        app->opts = *opts;
    else
        px_server_options_default(&app->opts);
    pthread_mutex_init(&app->wlock, NULL);
    pthread_cond_init(&app->wcond, NULL);
    pthread_key_create(&app->wkey, NULL);
    app->bind_threads = !site;
    px_table_info *infos = NULL;
    size_t n_infos = 0;
    px_status rc = PX_OK;
    app->project = dupstr(project);
    /* A PostGIS project is named by its schema, never by its connection string. */
    app->name = px_store_is_conninfo(project) ? px_store_display_name(project) : base_name(project, ".sqlite");
    app->workers = calloc(n_workers, sizeof *app->workers);
    app->cache = srv_cache_new(app->opts.cache_bytes ? app->opts.cache_bytes : (size_t)64 << 20);
    if (!app->project || !app->name || !app->workers || !app->cache) {
        rc = px_ctx_set_error(ctx, PX_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < n_workers; i++) {
        srv_worker *w = &app->workers[i];
        if ((rc = px_ctx_new(&w->ctx)) != PX_OK) {
            rc = px_ctx_set_error(ctx, rc, "cannot create a context: %s", px_strerror(rc));
            goto done;
        }
        app->n_workers++;
        if ((rc = px_store_open(w->ctx, project, 1, &w->store)) != PX_OK) {
            rc = px_ctx_set_error(ctx, rc, "%s", px_ctx_errmsg(w->ctx));
            goto done;
        }
    }
    px_store *store = app->workers[0].store;
    if ((rc = px_store_tables(store, &infos, &n_infos)) != PX_OK) {
        rc = px_ctx_set_error(ctx, rc, "%s", px_ctx_errmsg(app->workers[0].ctx));
        goto done;
    }
    if (px_store_get_setting(store, "attribution", &app->attribution) != PX_OK) {
        px_ctx_clear_error(app->workers[0].ctx);
        app->attribution = NULL;
    }
    for (size_t i = 0; i < n_infos; i++) {
        const px_table_info *ti = &infos[i];
        if (!name_ok(ti->name)) continue;
        if (ti->geom_type != PX_GEOM_NONE && tileset_add(app, ti->name, NULL)) {
            rc = px_ctx_set_error(ctx, PX_ENOMEM, "out of memory");
            goto done;
        }
        if (!strcmp(ti->name, "communes")) app->has_communes = 1;
        const char *col[] = {"commune_id", NULL};
        px_table_reader *r = NULL;
        const char *per_origin[] = {"population_fid", NULL};
        px_table_reader *r2 = NULL;
        int origin_table = px_store_reader_open(store, ti->name, per_origin, 0, NULL, &r2) == PX_OK;
        px_table_reader_close(r2);
        if (!origin_table && px_store_reader_open(store, ti->name, col, 0, NULL, &r) == PX_OK) {
            char **nt = realloc(app->tables, (app->n_tables + 1) * sizeof *nt);
            if (!nt || !(nt[app->n_tables] = dupstr(ti->name))) {
                px_table_reader_close(r);
                if (nt) app->tables = nt;
                rc = px_ctx_set_error(ctx, PX_ENOMEM, "out of memory");
                goto done;
            }
            app->tables = nt;
            app->n_tables++;
        }
        px_table_reader_close(r);
        px_ctx_clear_error(app->workers[0].ctx);
    }
    if (!site && (rc = find_mbtiles(ctx, app)) != PX_OK) goto done;
    if ((rc = load_styles(ctx, app, store)) != PX_OK) goto done;
    if ((rc = load_viewer(ctx, app)) != PX_OK) goto done;
    /* The region's bounds: those of the communes, else of the first table. */
    srv_tileset *bt = srv_app_tileset(app, "communes");
    for (size_t i = 0; !bt && i < app->n_tilesets; i++)
        if (!app->tilesets[i].mbtiles) bt = &app->tilesets[i];
    px_tileset *ts = NULL;
    if (bt && srv_tileset_get(bt, &app->workers[0], &ts) == PX_OK) {
        px_tileset_bounds(ts, app->bounds);
        app->has_bounds = 1;
    }
    px_ctx_clear_error(app->workers[0].ctx);
    /* A server holds no transaction while idle (srv_worker_put); a static
     * site is written from this one snapshot. */
    if (!site) px_store_rollback(store);
done:
    px_table_info_free(infos, n_infos);
    if (rc != PX_OK) {
        srv_app_close(app);
        return rc;
    }
    *out = app;
    return PX_OK;
}

void srv_app_close(srv_app *app)
{
    if (!app) return;
    for (size_t i = 0; i < app->n_workers; i++) {
        px_features_query_free(app->workers[i].fq);
        px_store_close(app->workers[i].store);
        px_ctx_free(app->workers[i].ctx);
    }
    free(app->workers);
    for (size_t i = 0; i < app->n_tilesets; i++) {
        px_tileset_close(app->tilesets[i].ts);
        free(app->tilesets[i].name);
        free(app->tilesets[i].mbtiles);
        pthread_mutex_destroy(&app->tilesets[i].lock);
    }
    free(app->tilesets);
    for (size_t i = 0; i < app->n_styles; i++) {
        free(app->styles[i].name);
        free(app->styles[i].path);
        json_decref(app->styles[i].json);
        px_style_free(app->styles[i].raster);
    }
    free(app->styles);
    for (size_t i = 0; i < app->n_tables; i++)
        free(app->tables[i]);
    free(app->tables);
    for (size_t i = 0; i < app->n_files; i++) {
        free(app->files[i].url);
        free(app->files[i].data);
    }
    free(app->files);
    srv_cache_free(app->cache);
    pthread_mutex_destroy(&app->wlock);
    pthread_cond_destroy(&app->wcond);
    pthread_key_delete(app->wkey);
    free(app->project);
    free(app->name);
    free(app->attribution);
    free(app);
}

/* A thread keeps the worker it got first: PROJ and GDAL objects (the box
 * query's transformations) belong to the thread that made them and are
 * rebuilt when used from another, which costs more than the query. With as
 * many workers as server threads, every thread gets its own. */
srv_worker *srv_worker_get(srv_app *app)
{
    srv_worker *mine = pthread_getspecific(app->wkey);
    if (mine) {
        px_ctx_clear_error(mine->ctx);
        /* Each request reads the project as committed now, as on SpatiaLite
         * (which reads outside a transaction); see srv_worker_put. */
        px_store_rollback(mine->store);
        return mine;
    }
    pthread_mutex_lock(&app->wlock);
    for (;;) {
        for (size_t i = 0; i < app->n_workers; i++)
            if (!app->workers[i].busy) {
                app->workers[i].busy = 1;
                if (app->bind_threads && pthread_setspecific(app->wkey, &app->workers[i]) == 0)
                    app->workers[i].bound = 1;
                pthread_mutex_unlock(&app->wlock);
                px_ctx_clear_error(app->workers[i].ctx);
                px_store_rollback(app->workers[i].store);
                return &app->workers[i];
            }
        pthread_cond_wait(&app->wcond, &app->wlock);
    }
}

void srv_worker_put(srv_app *app, srv_worker *w)
{
    /* End the request's read snapshot (PostGIS): an idle server must hold no
     * transaction, or its locks would keep a writer (a new `proxima equity`)
     * waiting on tables it read. No-op on a file. */
    px_store_rollback(w->store);
    if (w->bound) return; /* stays with its thread */
    pthread_mutex_lock(&app->wlock);
    w->busy = 0;
    pthread_cond_signal(&app->wcond);
    pthread_mutex_unlock(&app->wlock);
}

srv_tileset *srv_app_tileset(srv_app *app, const char *name)
{
    for (size_t i = 0; i < app->n_tilesets; i++)
        if (!strcmp(app->tilesets[i].name, name)) return &app->tilesets[i];
    return NULL;
}

srv_style *srv_app_style(srv_app *app, const char *name)
{
    for (size_t i = 0; i < app->n_styles; i++)
        if (app->styles[i].available && !strcmp(app->styles[i].name, name)) return &app->styles[i];
    return NULL;
}

int srv_app_has_table(const srv_app *app, const char *name)
{
    for (size_t i = 0; i < app->n_tables; i++)
        if (!strcmp(app->tables[i], name)) return 1;
    return 0;
}

const srv_file *srv_app_file(const srv_app *app, const char *url)
{
    for (size_t i = 0; i < app->n_files; i++)
        if (!strcmp(app->files[i].url, url)) return &app->files[i];
    return NULL;
}

px_status srv_tileset_get(srv_tileset *t, srv_worker *w, px_tileset **out)
{
    px_status rc = PX_OK;
    pthread_mutex_lock(&t->lock);
    if (!t->ts && !t->failed) {
        if (t->mbtiles)
            rc = px_tileset_open_mbtiles(w->ctx, t->mbtiles, t->name, &t->ts);
        else
            rc = px_tileset_open_table(w->ctx, w->store, t->name, NULL, &t->ts);
        if (rc != PX_OK) t->failed = 1;
    } else if (!t->ts) {
        rc = px_ctx_set_error(w->ctx, PX_EIO, "tileset %s could not be loaded (see the first error)", t->name);
    }
    pthread_mutex_unlock(&t->lock);
    if (rc == PX_OK) *out = t->ts;
    return rc;
}
