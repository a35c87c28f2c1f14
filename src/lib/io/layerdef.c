/*
 * px_layerdef_read: a layer definition file (YAML, or JSON by extension)
 * into its parsed form. This file handles the top level (`layers:`, the
 * canonical layer names, `osm_config:`) and path resolution; each source is
 * parsed by def_source.c. It does not open any source: that is the loader's.
 *
 * Top level:
 *   description: free text
 *   osm_config: osmconf.ini        # for OSM sources, relative to this file
 *   layers:
 *     communes: [ {source: ...}, ... ]   # one source or a list, appended
 */
#include "io_int.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

int px__layer_has_column(px_layer_id layer, const char *name)
{
    const px_table_schema *sc = px_layer_schema(layer);
    if (!sc || !name || !strcmp(name, "props")) return 0;
    for (size_t i = 0; i < sc->n_columns; i++)
        if (!strcmp(sc->columns[i].name, name)) return 1;
    return 0;
}

char *px__resolve_path(const char *dir, const char *text)
{
    if (!text) return NULL;
    /* GDAL connection strings ("PG:dbname=x", "GPKG:file.gpkg:layer") and
     * virtual file systems are handed to GDAL as written. A single letter
     * before ':' would be a Windows drive; we do not try to guess those. */
    const char *colon = strchr(text, ':');
    int is_conn = colon && colon - text >= 2 && strcspn(text, "/\\") > (size_t)(colon - text);
    if (text[0] == '/' || !dir || !*dir) return px__strdup(text);
    char *rel = px__asprintf("%s/%s", dir, text);
    /* "a:b.csv" could be either: an existing file next to the definition wins. */
    struct stat st;
    if (is_conn && rel && stat(rel, &st) != 0) {
        free(rel);
        return px__strdup(text);
    }
    return rel;
}

static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash) return px__strdup(".");
    if (slash == path) return px__strdup("/");
    return strndup(path, (size_t)(slash - path));
}

static px_status parse_top(px_ctx *ctx, px_layerdef *def, const px__node *root)
{
    if (root->kind != PX__NODE_MAP)
        return px__def_error(ctx, PX_EDOMAIN, def, root->line,
                             "a layer definition is a mapping with 'layers:'");
    for (size_t i = 0; i < root->n; i++) {
        const char *k = root->keys[i];
        if (strcmp(k, "layers") && strcmp(k, "description") && strcmp(k, "osm_config"))
            return px__def_error(
                ctx, PX_EDOMAIN, def, root->key_lines[i],
                "unknown key '%s' at the top level (known keys: description, osm_config, layers)", k);
    }
    const px__node *osm = px__node_get(root, "osm_config");
    if (osm && !osm->is_null) {
        if (osm->kind != PX__NODE_SCALAR)
            return px__def_error(ctx, PX_EDOMAIN, def, osm->line, "osm_config must be a file name");
        def->osm_config = px__resolve_path(def->dir, osm->text);
        if (!def->osm_config) return px__error(ctx, PX_ENOMEM, "out of memory");
    }
    const px__node *layers = px__node_get(root, "layers");
    if (!layers || layers->kind != PX__NODE_MAP || layers->n == 0)
        return px__def_error(ctx, PX_EDOMAIN, def, layers ? layers->line : root->line,
                             "'layers:' must map canonical layer names to their sources");
    for (size_t i = 0; i < layers->n; i++) {
        px_layer_id id;
        int kl = layers->key_lines[i];
        if (px_layer_lookup(layers->keys[i], &id) != PX_OK)
            return px__def_error(ctx, PX_EDOMAIN, def, kl,
                                 "unknown layer '%s' (canonical layers: communes, brownfields, cycle_routes, "
                                 "flood_zones, roads, services, population)",
                                 layers->keys[i]);
        const px__node *v = layers->items[i];
        size_t count = v->kind == PX__NODE_SEQ ? v->n : 1;
        if (count == 0 || (v->kind == PX__NODE_SCALAR))
            return px__def_error(ctx, PX_EDOMAIN, def, kl, "layer '%s' needs a source or a list of sources",
                                 layers->keys[i]);
        def->sources[id] = calloc(count, sizeof *def->sources[id]);
        if (!def->sources[id]) return px__error(ctx, PX_ENOMEM, "out of memory");
        for (size_t s = 0; s < count; s++) {
            const px__node *sn = v->kind == PX__NODE_SEQ ? v->items[s] : v;
            px_status rc = px__source_parse(ctx, def, id, sn, &def->sources[id][s]);
            def->n_sources[id]++; /* counted even on failure so free() clears it */
            if (rc != PX_OK) return rc;
        }
    }
    return PX_OK;
}

px_status px_layerdef_read(px_ctx *ctx, const char *path, px_layerdef **out)
{
    if (!ctx) return PX_EINVAL;
    if (!path || !out) return px__error(ctx, PX_EINVAL, "px_layerdef_read: NULL argument");
    px_layerdef *def = calloc(1, sizeof *def);
    if (!def) return px__error(ctx, PX_ENOMEM, "out of memory");
    px__node *root = NULL;
    px_status rc = PX_OK;
    def->path = px__strdup(path);
    def->dir = dir_of(path);
    if (!def->path || !def->dir) {
        rc = px__error(ctx, PX_ENOMEM, "out of memory");
        goto done;
    }
    size_t len = strlen(path);
    if (len > 5 && !strcasecmp(path + len - 5, ".json"))
        rc = px__json_parse(ctx, path, &root);
    else
        rc = px__yaml_parse(ctx, path, &root);
    if (rc == PX_OK) rc = parse_top(ctx, def, root);
done:
    px__node_free(root);
    if (rc != PX_OK) {
        px_layerdef_free(def);
        return rc;
    }
    *out = def;
    return PX_OK;
}

void px_layerdef_free(px_layerdef *def)
{
    if (!def) return;
    for (int l = 0; l < PX_LAYER_COUNT; l++) {
        for (size_t s = 0; s < def->n_sources[l]; s++)
            px__source_clear(&def->sources[l][s]);
        free(def->sources[l]);
    }
    free(def->path);
    free(def->dir);
    free(def->osm_config);
    free(def);
}
