/*
 * YAML layer definitions read with libyaml's document API into the generic
 * tree, keeping the line of every node and key so that later checks (unknown
 * key, bad value) can point at it. Syntax errors carry libyaml's own words
 * and line. Anchors and aliases are followed as libyaml resolves them, and merge
 * keys (`<<: *anchor`) are applied here since libyaml leaves them to us; tags
 * are ignored (every scalar stays text). Duplicate keys are refused: a YAML
 * map silently keeping the last one would hide a typo.
 *
 * Bounds: a file of at most PX__DEF_MAX_BYTES, expanding to at most
 * PX__DEF_MAX_NODES values once aliases are followed (a "billion laughs"
 * fan-out of aliases would otherwise cost gigabytes before any check), and
 * one YAML document per file: a second one would be silently ignored.
 */
#include "io_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>

static int is_null_scalar(const yaml_node_t *yn)
{
    if (yn->data.scalar.style != YAML_PLAIN_SCALAR_STYLE) return 0;
    const char *t = (const char *)yn->data.scalar.value;
    return !*t || !strcmp(t, "~") || !strcmp(t, "null") || !strcmp(t, "Null") || !strcmp(t, "NULL");
}

static px_status convert(px_ctx *ctx, const char *path, yaml_document_t *doc, yaml_node_t *yn, int depth,
                         size_t *budget, px__node **out);

/* YAML merge key (`<<: *anchor`), which libyaml leaves to applications:
 * entries of the merged map(s) that `n` does not set itself are appended. */
static px_status merge(px_ctx *ctx, const char *path, yaml_document_t *doc, px__node *n, yaml_node_t *src,
                       int depth, size_t *budget)
{
    if (src->type == YAML_SEQUENCE_NODE) {
        for (yaml_node_item_t *it = src->data.sequence.items.start; it < src->data.sequence.items.top; it++) {
            px_status rc = merge(ctx, path, doc, n, yaml_document_get_node(doc, *it), depth, budget);
            if (rc != PX_OK) return rc;
        }
        return PX_OK;
    }
    if (src->type != YAML_MAPPING_NODE)
        return px__error(ctx, PX_EPARSE, "%s:%lu: '<<' must merge a mapping", path,
                         (unsigned long)src->start_mark.line + 1);
    px__node *m = NULL;
    px_status rc = convert(ctx, path, doc, src, depth + 1, budget, &m);
    if (rc != PX_OK) return rc;
    size_t extra = m->n;
    char **keys = realloc(n->keys, (n->n + extra + 1) * sizeof *keys);
    if (keys) n->keys = keys;
    int *lines = realloc(n->key_lines, (n->n + extra + 1) * sizeof *lines);
    if (lines) n->key_lines = lines;
    px__node **items = realloc(n->items, (n->n + extra + 1) * sizeof *items);
    if (items) n->items = items;
    if (!keys || !lines || !items) rc = px__error(ctx, PX_ENOMEM, "out of memory");
    for (size_t i = 0; rc == PX_OK && i < m->n; i++) {
        if (px__node_get(n, m->keys[i])) continue;
        n->keys[n->n] = m->keys[i];
        n->key_lines[n->n] = m->key_lines[i];
        n->items[n->n] = m->items[i];
        m->keys[i] = NULL;
        m->items[i] = NULL;
        n->n++;
    }
    px__node_free(m);
    return rc;
}

/* Depth guards against alias loops ("a: &x [*x]"), which libyaml accepts. */
static px_status convert(px_ctx *ctx, const char *path, yaml_document_t *doc, yaml_node_t *yn, int depth,
                         size_t *budget, px__node **out)
{
    if (depth > 64)
        return px__error(ctx, PX_EPARSE, "%s:%lu: nesting too deep (alias loop?)", path,
                         (unsigned long)yn->start_mark.line + 1);
    if (*budget == 0)
        return px__error(ctx, PX_EPARSE,
                         "%s:%lu: the definition expands to more than %d values once aliases are followed "
                         "(an alias repeated too often?)",
                         path, (unsigned long)yn->start_mark.line + 1, PX__DEF_MAX_NODES);
    (*budget)--;
    px__node *n = calloc(1, sizeof *n);
    if (!n) return px__error(ctx, PX_ENOMEM, "out of memory");
    n->line = (int)yn->start_mark.line + 1;
    px_status rc = PX_OK;
    if (yn->type == YAML_SCALAR_NODE) {
        n->kind = PX__NODE_SCALAR;
        n->is_null = is_null_scalar(yn);
        n->text = px__strdup(n->is_null ? "" : (const char *)yn->data.scalar.value);
        if (!n->text) rc = px__error(ctx, PX_ENOMEM, "out of memory");
    } else if (yn->type == YAML_SEQUENCE_NODE) {
        n->kind = PX__NODE_SEQ;
        size_t count = (size_t)(yn->data.sequence.items.top - yn->data.sequence.items.start);
        n->items = calloc(count + 1, sizeof *n->items);
        if (!n->items) rc = px__error(ctx, PX_ENOMEM, "out of memory");
        for (size_t i = 0; rc == PX_OK && i < count; i++) {
            yaml_node_t *child = yaml_document_get_node(doc, yn->data.sequence.items.start[i]);
            rc = convert(ctx, path, doc, child, depth + 1, budget, &n->items[i]);
            if (rc == PX_OK) n->n++;
        }
    } else if (yn->type == YAML_MAPPING_NODE) {
        n->kind = PX__NODE_MAP;
        size_t count = (size_t)(yn->data.mapping.pairs.top - yn->data.mapping.pairs.start);
        n->items = calloc(count + 1, sizeof *n->items);
        n->keys = calloc(count + 1, sizeof *n->keys);
        n->key_lines = calloc(count + 1, sizeof *n->key_lines);
        if (!n->items || !n->keys || !n->key_lines) rc = px__error(ctx, PX_ENOMEM, "out of memory");
        for (size_t i = 0; rc == PX_OK && i < count; i++) {
            yaml_node_pair_t *p = &yn->data.mapping.pairs.start[i];
            yaml_node_t *k = yaml_document_get_node(doc, p->key);
            int kline = (int)k->start_mark.line + 1;
            if (k->type != YAML_SCALAR_NODE) {
                rc = px__error(ctx, PX_EPARSE, "%s:%d: a key must be plain text", path, kline);
                break;
            }
            const char *key = (const char *)k->data.scalar.value;
            if (!strcmp(key, "<<")) continue; /* merges come after the explicit keys */
            if (px__node_get(n, key)) {
                rc = px__error(ctx, PX_EPARSE, "%s:%d: duplicate key '%s'", path, kline, key);
                break;
            }
            px__node *child = NULL;
            rc = convert(ctx, path, doc, yaml_document_get_node(doc, p->value), depth + 1, budget, &child);
            if (rc != PX_OK) break;
            n->keys[n->n] = px__strdup(key);
            n->key_lines[n->n] = kline;
            n->items[n->n] = child;
            n->n++;
            if (!n->keys[n->n - 1]) rc = px__error(ctx, PX_ENOMEM, "out of memory");
        }
        for (size_t i = 0; rc == PX_OK && i < count; i++) {
            yaml_node_pair_t *p = &yn->data.mapping.pairs.start[i];
            yaml_node_t *k = yaml_document_get_node(doc, p->key);
            if (k->type == YAML_SCALAR_NODE && !strcmp((const char *)k->data.scalar.value, "<<"))
                rc = merge(ctx, path, doc, n, yaml_document_get_node(doc, p->value), depth, budget);
        }
    } else {
        rc = px__error(ctx, PX_EPARSE, "%s:%d: empty node", path, n->line);
    }
    if (rc != PX_OK) {
        px__node_free(n);
        return rc;
    }
    *out = n;
    return PX_OK;
}

px_status px__yaml_parse(px_ctx *ctx, const char *path, px__node **out)
{
    FILE *f = fopen(path, "rb");
    if (!f) return px__error(ctx, PX_EIO, "%s: cannot open: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fileno(f), &st) == 0 && st.st_size > PX__DEF_MAX_BYTES) {
        fclose(f);
        return px__error(ctx, PX_EPARSE, "%s: %lld bytes: a layer definition is at most %d bytes", path,
                         (long long)st.st_size, PX__DEF_MAX_BYTES);
    }
    yaml_parser_t parser;
    yaml_document_t doc;
    int have_doc = 0;
    px_status rc = PX_OK;
    if (!yaml_parser_initialize(&parser)) {
        fclose(f);
        return px__error(ctx, PX_ENOMEM, "out of memory");
    }
    yaml_parser_set_input_file(&parser, f);
    if (!yaml_parser_load(&parser, &doc)) {
        /* libyaml's marks are 0-based; the problem mark is where it gave up. */
        unsigned long line = (unsigned long)parser.problem_mark.line + 1;
        if (parser.error == YAML_READER_ERROR) line = 0;
        if (line)
            rc = px__error(ctx, PX_EPARSE, "%s:%lu: YAML syntax error: %s%s%s", path, line,
                           parser.problem ? parser.problem : "unknown problem", parser.context ? " " : "",
                           parser.context ? parser.context : "");
        else
            rc = px__error(ctx, PX_EPARSE, "%s: YAML error: %s", path,
                           parser.problem ? parser.problem : "unreadable input (not UTF-8?)");
        goto done;
    }
    have_doc = 1;
    yaml_node_t *root = yaml_document_get_root_node(&doc);
    if (!root) {
        rc = px__error(ctx, PX_EPARSE, "%s:1: empty layer definition", path);
        goto done;
    }
    size_t budget = PX__DEF_MAX_NODES;
    rc = convert(ctx, path, &doc, root, 0, &budget, out);
    if (rc != PX_OK) goto done;
    /* A second document ("---") would be ignored: say so instead. */
    yaml_document_t next;
    if (!yaml_parser_load(&parser, &next)) {
        rc = px__error(ctx, PX_EPARSE, "%s:%lu: YAML syntax error: %s", path,
                       (unsigned long)parser.problem_mark.line + 1,
                       parser.problem ? parser.problem : "unknown problem");
    } else {
        if (yaml_document_get_root_node(&next))
            rc = px__error(ctx, PX_EPARSE,
                           "%s:%lu: a second YAML document: a layer definition is one document (remove the '---')",
                           path, (unsigned long)next.start_mark.line + 1);
        yaml_document_delete(&next);
    }
    if (rc != PX_OK) {
        px__node_free(*out);
        *out = NULL;
    }
done:
    if (have_doc) yaml_document_delete(&doc);
    yaml_parser_delete(&parser);
    fclose(f);
    return rc;
}
