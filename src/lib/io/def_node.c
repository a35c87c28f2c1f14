/*
 * The document tree shared by the YAML and JSON readers of layer definitions:
 * freeing and key lookup. Building it is each reader's job; giving it a
 * meaning is layerdef.c's. No schema knowledge lives here.
 */
#include "io_int.h"

#include <stdlib.h>
#include <string.h>

void px__node_free(px__node *n)
{
    if (!n) return;
    for (size_t i = 0; i < n->n; i++) {
        if (n->keys) free(n->keys[i]);
        if (n->items) px__node_free(n->items[i]);
    }
    free(n->keys);
    free(n->key_lines);
    free(n->items);
    free(n->text);
    free(n);
}

const px__node *px__node_get(const px__node *map, const char *key)
{
    if (!map || map->kind != PX__NODE_MAP) return NULL;
    for (size_t i = 0; i < map->n; i++)
        if (!strcmp(map->keys[i], key)) return map->items[i];
    return NULL;
}
