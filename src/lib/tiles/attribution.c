/*
 * The credit line of a tileset or a map: the attributions that the layer
 * definition gave each source (`attribution:` per source, recorded by the
 * load as the project setting "attribution:<layer>"), for the tables the
 * tileset or style draws. A result table (kind "result" or "network") is
 * derived from the project's loaded layers, so it carries every loaded
 * layer's credit. The project-wide "attribution" setting, when set, comes
 * first. Credits are split on "; " and each appears once, in first-seen
 * order, so that ten layers read from one OSM extract credit OSM once.
 *
 * Left out: licence compatibility checks, HTML (the string is plain text;
 * MapLibre and TileJSON readers show it as is).
 */
#include "tiles_int.h"

#include <stdlib.h>
#include <string.h>

typedef struct credits {
    char *s;
    size_t len, cap;
} credits;

/* Does `s` already hold the piece p[0..n)? */
static int has_piece(const credits *c, const char *p, size_t n)
{
    const char *at = c->s;
    while (at && *at) {
        const char *end = strstr(at, "; ");
        size_t k = end ? (size_t)(end - at) : strlen(at);
        if (k == n && !memcmp(at, p, n)) return 1;
        at = end ? end + 2 : NULL;
    }
    return 0;
}

/* Append each "; "-separated piece of `text` not yet present. 0 or -1. */
static int add_text(credits *c, const char *text)
{
    while (text && *text) {
        const char *end = strstr(text, "; ");
        size_t n = end ? (size_t)(end - text) : strlen(text);
        while (n && text[n - 1] == ' ')
            n--;
        if (n && !has_piece(c, text, n)) {
            size_t need = c->len + n + 3;
            if (need > c->cap) {
                size_t cap = c->cap ? 2 * c->cap : 128;
                while (cap < need)
                    cap *= 2;
                char *ns = realloc(c->s, cap);
                if (!ns) return -1;
                c->s = ns;
                c->cap = cap;
            }
            if (c->len) {
                memcpy(c->s + c->len, "; ", 2);
                c->len += 2;
            }
            memcpy(c->s + c->len, text, n);
            c->len += n;
            c->s[c->len] = '\0';
        }
        text = end ? end + 2 : NULL;
    }
    return 0;
}

/* Add the setting `key`, if set. */
static px_status add_setting(px_ctx *ctx, px_store *store, const char *key, credits *c)
{
    char *v = NULL;
    px_status rc = px_store_get_setting(store, key, &v);
    if (rc == PX_ENOTFOUND) {
        px_ctx_clear_error(ctx);
        return PX_OK;
    }
    if (rc != PX_OK) return rc;
    int bad = add_text(c, v);
    free(v);
    return bad ? px__error(ctx, PX_ENOMEM, "out of memory") : PX_OK;
}

px_status px_tiles_attribution(px_ctx *ctx, px_store *store, const char *const *tables, size_t n_tables,
                               char **out)
{
    if (!ctx || !store || !out || (n_tables && !tables))
        return px__error(ctx, PX_EINVAL, "px_tiles_attribution: NULL argument");
    credits c = {0};
    px_table_info *infos = NULL;
    size_t n_infos = 0;
    px_status rc = add_setting(ctx, store, "attribution", &c);
    if (rc == PX_OK) rc = px_store_tables(store, &infos, &n_infos);
    int derived_done = 0;
    for (size_t i = 0; rc == PX_OK && i < n_tables; i++) {
        const px_table_info *ti = NULL;
        for (size_t k = 0; k < n_infos; k++)
            if (!strcmp(infos[k].name, tables[i])) ti = &infos[k];
        if (ti && ti->kind && strcmp(ti->kind, "layer")) {
            /* A result: made from the loaded layers, credited with all of them. */
            for (size_t k = 0; rc == PX_OK && !derived_done && k < n_infos; k++) {
                if (!infos[k].kind || strcmp(infos[k].kind, "layer")) continue;
                char *key = px__asprintf("attribution:%s", infos[k].name);
                if (!key) rc = px__error(ctx, PX_ENOMEM, "out of memory");
                if (rc == PX_OK) rc = add_setting(ctx, store, key, &c);
                free(key);
            }
            derived_done = 1;
            continue;
        }
        char *key = px__asprintf("attribution:%s", tables[i]);
        if (!key) rc = px__error(ctx, PX_ENOMEM, "out of memory");
        if (rc == PX_OK) rc = add_setting(ctx, store, key, &c);
        free(key);
    }
    px_table_info_free(infos, n_infos);
    if (rc == PX_OK && !c.s && !(c.s = px__strdup(""))) rc = px__error(ctx, PX_ENOMEM, "out of memory");
    if (rc != PX_OK) {
        free(c.s);
        return rc;
    }
    *out = c.s;
    return PX_OK;
}
