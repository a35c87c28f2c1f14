/*
 * JSON layer definitions read with jansson into the same tree as YAML.
 * jansson reports the line of a syntax error but not the line of each value,
 * so nodes from JSON carry line 0 and later messages name the key path
 * instead. Duplicate keys are refused by jansson itself (JSON_REJECT_DUPLICATES).
 */
#include "io_int.h"

#include <jansson.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static px_status convert(px_ctx *ctx, json_t *j, px__node **out)
{
    px__node *n = calloc(1, sizeof *n);
    if (!n) return px__error(ctx, PX_ENOMEM, "out of memory");
    px_status rc = PX_OK;
    char buf[64];
    switch (json_typeof(j)) {
    case JSON_OBJECT: {
        n->kind = PX__NODE_MAP;
        size_t count = json_object_size(j);
        n->items = calloc(count + 1, sizeof *n->items);
        n->keys = calloc(count + 1, sizeof *n->keys);
        n->key_lines = calloc(count + 1, sizeof *n->key_lines);
        if (!n->items || !n->keys || !n->key_lines) rc = px__error(ctx, PX_ENOMEM, "out of memory");
        const char *key;
        json_t *v;
        json_object_foreach(j, key, v)
        {
            if (rc != PX_OK) break;
            rc = convert(ctx, v, &n->items[n->n]);
            if (rc != PX_OK) break;
            n->keys[n->n] = px__strdup(key);
            if (!n->keys[n->n++]) rc = px__error(ctx, PX_ENOMEM, "out of memory");
        }
        break;
    }
    case JSON_ARRAY: {
        n->kind = PX__NODE_SEQ;
        size_t count = json_array_size(j);
        n->items = calloc(count + 1, sizeof *n->items);
        if (!n->items) rc = px__error(ctx, PX_ENOMEM, "out of memory");
        for (size_t i = 0; rc == PX_OK && i < count; i++) {
            rc = convert(ctx, json_array_get(j, i), &n->items[i]);
            if (rc == PX_OK) n->n++;
        }
        break;
    }
    case JSON_STRING:
        n->text = px__strdup(json_string_value(j));
        break;
    case JSON_INTEGER:
        snprintf(buf, sizeof buf, "%" JSON_INTEGER_FORMAT, json_integer_value(j));
        n->text = px__strdup(buf);
        break;
    case JSON_REAL:
        snprintf(buf, sizeof buf, "%.17g", json_real_value(j));
        n->text = px__strdup(buf);
        break;
    case JSON_TRUE:
        n->text = px__strdup("true");
        break;
    case JSON_FALSE:
        n->text = px__strdup("false");
        break;
    case JSON_NULL:
        n->is_null = 1;
        n->text = px__strdup("");
        break;
    }
    if (rc == PX_OK && n->kind == PX__NODE_SCALAR && !n->text)
        rc = px__error(ctx, PX_ENOMEM, "out of memory");
    if (rc != PX_OK) {
        px__node_free(n);
        return rc;
    }
    *out = n;
    return PX_OK;
}

px_status px__json_parse(px_ctx *ctx, const char *path, px__node **out)
{
    FILE *f = fopen(path, "rb");
    if (!f) return px__error(ctx, PX_EIO, "%s: cannot open: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fileno(f), &st) == 0 && st.st_size > PX__DEF_MAX_BYTES) {
        fclose(f);
        return px__error(ctx, PX_EPARSE, "%s: %lld bytes: a layer definition is at most %d bytes", path,
                         (long long)st.st_size, PX__DEF_MAX_BYTES);
    }
    json_error_t err;
    json_t *root = json_loadf(f, JSON_REJECT_DUPLICATES, &err);
    fclose(f);
    if (!root) return px__error(ctx, PX_EPARSE, "%s:%d: JSON syntax error: %s", path, err.line, err.text);
    px_status rc = convert(ctx, root, out);
    json_decref(root);
    return rc;
}
