/*
 * px_load: every layer a definition names, replaced in one store
 * transaction. Layers are loaded in canonical order (communes first,
 * population last) so that a population proxy can share out totals loaded
 * just before in the same transaction. GDAL's messages are kept off stderr
 * while loading (the library never prints) and the OSM configuration is set
 * for this thread only. Reading sources is load_source.c's job.
 */
#include "io_int.h"
#include "io_gdal.h"

#include <cpl_conv.h>
#include <cpl_error.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* The string member at `offset` of each source (NULL: none). */
static const char *member(const px__source *src, size_t offset)
{
    return *(char *const *)((const char *)src + offset);
}

/* "a; b" of the distinct non-NULL strings at `offset`, in source order
 * (nine sources reading one PBF record it once). Caller-frees; NULL if none. */
static char *joined(const px__source *srcs, size_t n, size_t offset)
{
    size_t len = 0;
    for (size_t i = 0; i < n; i++)
        if (member(&srcs[i], offset)) len += strlen(member(&srcs[i], offset)) + 2;
    if (!len) return NULL;
    char *out = malloc(len + 1);
    if (!out) return NULL;
    out[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        const char *s = member(&srcs[i], offset);
        int seen = 0;
        for (size_t j = 0; s && j < i; j++)
            if (member(&srcs[j], offset) && !strcmp(member(&srcs[j], offset), s)) seen = 1;
        if (!s || seen) continue;
        if (*out) strcat(out, "; ");
        strcat(out, s);
    }
    return out;
}

static px_status describe(px_store *store, px_layer_id id, const px__source *srcs, size_t n)
{
    char *source = joined(srcs, n, offsetof(px__source, source_text));
    char *layer = joined(srcs, n, offsetof(px__source, layer));
    char *note = joined(srcs, n, offsetof(px__source, note));
    /* Each source's filter: its `where`, else its `sql`. */
    size_t len = 1;
    for (size_t i = 0; i < n; i++) {
        const char *f = srcs[i].where ? srcs[i].where : srcs[i].sql;
        if (f) len += strlen(f) + 2;
    }
    char *filter = len > 1 ? calloc(1, len) : NULL;
    for (size_t i = 0; filter && i < n; i++) {
        const char *f = srcs[i].where ? srcs[i].where : srcs[i].sql;
        if (!f) continue;
        if (*filter) strcat(filter, "; ");
        strcat(filter, f);
    }
    px_status rc = px_store_set_source(store, px_layer_name(id), source, layer, filter, note);
    /* The sources' credits, for tiles and maps (px_tiles_attribution);
     * "" rather than nothing, so that a reload without one clears it. */
    char *credit = joined(srcs, n, offsetof(px__source, attribution));
    char key[96];
    snprintf(key, sizeof key, "attribution:%s", px_layer_name(id));
    if (rc == PX_OK) rc = px_store_set_setting(store, key, credit ? credit : "");
    free(credit);
    free(source);
    free(layer);
    free(filter);
    free(note);
    return rc;
}

void px__load_thin(px__layer_load *ll, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    px__log(ll->ctx, PX_LOG_WARN, "%s", msg);
    if (ll->n_thin && (*ll->n_thin)++ == 0 && ll->thin_first) snprintf(ll->thin_first, ll->thin_first_len, "%s", msg);
}

static px_status load_layer(px__layer_load *ll)
{
    const px_layerdef *def = ll->def;
    px_status rc = px_store_table_create(ll->store, ll->schema, &ll->writer);
    for (size_t s = 0; rc == PX_OK && s < def->n_sources[ll->id]; s++)
        rc = px__load_source(ll, &def->sources[ll->id][s]);
    if (rc == PX_OK) {
        rc = px_table_writer_finish(ll->writer);
        ll->writer = NULL;
    }
    if (rc == PX_OK) rc = describe(ll->store, ll->id, def->sources[ll->id], def->n_sources[ll->id]);
    px_table_writer_abort(ll->writer);
    ll->writer = NULL;
    return rc;
}

px_status px_load(px_ctx *ctx, px_store *store, const px_layerdef *def, const px_load_options *opts,
                  px_load_report **reports, size_t *n_reports)
{
    if (!ctx) return PX_EINVAL;
    if (!store || !def || !reports || !n_reports) return px__error(ctx, PX_EINVAL, "px_load: NULL argument");
    size_t n_layers = 0;
    for (int l = 0; l < PX_LAYER_COUNT; l++)
        n_layers += def->n_sources[l] > 0;
    px_load_report *rep = calloc(n_layers + 1, sizeof *rep);
    if (!rep) return px__error(ctx, PX_ENOMEM, "out of memory");

    px__gdal_init();
    /* Quiet, and GDAL errors raised while reading fail the load. */
    px__gdal_capture cap;
    px__gdal_capture_begin(&cap);
    const char *old_osm = CPLGetThreadLocalConfigOption("OSM_CONFIG_FILE", NULL);
    char *saved_osm = old_osm ? px__strdup(old_osm) : NULL;
    if (def->osm_config) CPLSetThreadLocalConfigOption("OSM_CONFIG_FILE", def->osm_config);

    px__dscache *cache = NULL;
    px_status rc = PX_OK;
    struct stat st;
    /* GDAL's OSM driver would only say it cannot open the file it was given. */
    if (def->osm_config && stat(def->osm_config, &st) != 0)
        rc = px__error(ctx, PX_EIO, "%s: osm_config %s: %s", def->path, def->osm_config, strerror(errno));
    if (rc == PX_OK) rc = px__dscache_new(ctx, def, &cap, &cache);
    if (rc == PX_OK) rc = px_store_begin(store);
    int in_txn = rc == PX_OK;
    size_t k = 0;
    int64_t rejected = 0;
    int n_thin = 0;
    char thin_first[1024] = "";
    int allow_empty = opts && opts->allow_empty;
    for (int l = 0; rc == PX_OK && l < PX_LAYER_COUNT; l++) {
        if (!def->n_sources[l]) continue;
        px_load_report *r = &rep[k++];
        snprintf(r->layer, sizeof r->layer, "%s", px_layer_name((px_layer_id)l));
        px__layer_load ll = {.ctx = ctx,
                             .store = store,
                             .def = def,
                             .id = (px_layer_id)l,
                             .schema = px_layer_schema((px_layer_id)l),
                             .report = r,
                             .cache = cache,
                             .cap = &cap,
                             .n_thin = &n_thin,
                             .thin_first = thin_first,
                             .thin_first_len = sizeof thin_first};
        rc = load_layer(&ll);
        rejected += r->n_rejected;
        if (rc == PX_OK && r->n_loaded == 0) {
            char *sources = joined(def->sources[l], def->n_sources[l], offsetof(px__source, source_text));
            if (allow_empty)
                px__load_thin(&ll, "%s: layer '%s' is left empty (%lld read, %lld rejected), as --allow-empty asked",
                              sources ? sources : def->path, r->layer, (long long)r->n_read,
                              (long long)r->n_rejected);
            else
                rc = px__error(ctx, PX_EDOMAIN,
                               "%s: layer '%s' would be left empty (%lld read, %lld rejected): nothing loaded, "
                               "the project is unchanged (--allow-empty to load an empty layer)",
                               sources ? sources : def->path, r->layer, (long long)r->n_read,
                               (long long)r->n_rejected);
            free(sources);
        }
        /* Kept with the layer (same transaction) for the report's data-quality box. */
        if (rc == PX_OK) {
            char key[64], val[160];
            snprintf(key, sizeof key, "load:%s", r->layer);
            snprintf(val, sizeof val, "%lld read, %lld loaded, %lld repaired, %lld rejected", (long long)r->n_read,
                     (long long)r->n_loaded, (long long)r->n_repaired, (long long)r->n_rejected);
            rc = px_store_set_setting(store, key, val);
        }
        if (rc == PX_OK)
            px__log(ctx, PX_LOG_INFO, "%s: %lld read, %lld loaded, %lld repaired, %lld rejected", r->layer,
                    (long long)r->n_read, (long long)r->n_loaded, (long long)r->n_repaired,
                    (long long)r->n_rejected);
    }
    if (rc == PX_OK && opts && opts->strict && rejected > 0)
        rc = px__error(ctx, PX_EREJECTED,
                       "%s: %lld feature(s) rejected and --strict was asked: nothing loaded", def->path,
                       (long long)rejected);
    if (rc == PX_OK && opts && opts->strict && n_thin > 0)
        rc = px__error(ctx, PX_EREJECTED, "%s: %d thin-data warning(s) and --strict was asked: nothing loaded (first: %s)",
                       def->path, n_thin, thin_first);
    if (rc == PX_OK) {
        rc = px_store_commit(store);
        in_txn = rc != PX_OK;
    }
    if (in_txn) px_store_rollback(store);
    px__dscache_free(cache);

    CPLSetThreadLocalConfigOption("OSM_CONFIG_FILE", saved_osm);
    free(saved_osm);
    px__gdal_capture_end(&cap);
    if (rc != PX_OK) {
        free(rep);
        return rc;
    }
    *reports = rep;
    *n_reports = n_layers;
    return PX_OK;
}
