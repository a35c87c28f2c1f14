/*
 * The server's tile cache: a bounded least-recently-used map from a key
 * ("v/communes/12/2145/1434") to the bytes served, under one lock. Built and
 * MBTiles tiles alike go through it, so a tile is built once and then served
 * at memory speed. The bound counts values and keys; an entry larger than an
 * eighth of the bound is not kept.
 *
 * Left out: sharding the lock (one mutex holds well past the 2-core target),
 * expiry by time (the project is read-only while served).
 */
#include "server_int.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct entry {
    char *key;
    unsigned char *data;
    size_t len;
    uint64_t hash;
    struct entry *hnext;       /* bucket chain */
    struct entry *prev, *next; /* LRU list, most recent first */
} entry;

struct srv_cache {
    pthread_mutex_t lock;
    entry **buckets;
    size_t n_buckets, n_entries, bytes, max_bytes;
    entry *head, *tail;
};

static uint64_t fnv(const void *p, size_t n)
{
    const unsigned char *b = p;
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < n; i++) {
        h ^= b[i];
        h *= 0x100000001b3ull;
    }
    return h;
}

void srv_etag(const unsigned char *data, size_t len, char *out)
{
    snprintf(out, 20, "\"%016llx\"", (unsigned long long)fnv(data, len));
}

srv_cache *srv_cache_new(size_t max_bytes)
{
    srv_cache *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    c->n_buckets = 1 << 14;
    c->buckets = calloc(c->n_buckets, sizeof *c->buckets);
    if (!c->buckets) {
        free(c);
        return NULL;
    }
    c->max_bytes = max_bytes;
    pthread_mutex_init(&c->lock, NULL);
    return c;
}

void srv_cache_free(srv_cache *c)
{
    if (!c) return;
    for (entry *e = c->head, *n; e; e = n) {
        n = e->next;
        free(e->key);
        free(e->data);
        free(e);
    }
    free(c->buckets);
    pthread_mutex_destroy(&c->lock);
    free(c);
}

static entry *find(srv_cache *c, const char *key, uint64_t h)
{
    for (entry *e = c->buckets[h & (c->n_buckets - 1)]; e; e = e->hnext)
        if (e->hash == h && !strcmp(e->key, key)) return e;
    return NULL;
}

static void unlink_lru(srv_cache *c, entry *e)
{
    if (e->prev) e->prev->next = e->next;
    else c->head = e->next;
    if (e->next) e->next->prev = e->prev;
    else c->tail = e->prev;
    e->prev = e->next = NULL;
}

static void push_front(srv_cache *c, entry *e)
{
    e->next = c->head;
    e->prev = NULL;
    if (c->head) c->head->prev = e;
    c->head = e;
    if (!c->tail) c->tail = e;
}

static void evict(srv_cache *c, entry *e)
{
    unlink_lru(c, e);
    entry **p = &c->buckets[e->hash & (c->n_buckets - 1)];
    while (*p != e)
        p = &(*p)->hnext;
    *p = e->hnext;
    c->bytes -= e->len + strlen(e->key) + sizeof *e;
    c->n_entries--;
    free(e->key);
    free(e->data);
    free(e);
}

int srv_cache_get(srv_cache *c, const char *key, unsigned char **data, size_t *len, int *found)
{
    uint64_t h = fnv(key, strlen(key));
    int rc = 0;
    *found = 0;
    *data = NULL;
    *len = 0;
    pthread_mutex_lock(&c->lock);
    entry *e = find(c, key, h);
    if (e) {
        unlink_lru(c, e);
        push_front(c, e);
        *found = 1;
        if (e->len) {
            if ((*data = malloc(e->len))) {
                memcpy(*data, e->data, e->len);
                *len = e->len;
            } else {
                rc = -1;
            }
        }
    }
    pthread_mutex_unlock(&c->lock);
    return rc;
}

void srv_cache_put(srv_cache *c, const char *key, const unsigned char *data, size_t len)
{
    size_t cost = len + strlen(key) + sizeof(entry);
    if (cost > c->max_bytes / 8) return;
    uint64_t h = fnv(key, strlen(key));
    entry *e = calloc(1, sizeof *e);
    if (!e) return;
    e->key = strdup(key);
    e->data = len ? malloc(len) : NULL;
    if (!e->key || (len && !e->data)) {
        free(e->key);
        free(e->data);
        free(e);
        return;
    }
    if (len) memcpy(e->data, data, len);
    e->len = len;
    e->hash = h;
    pthread_mutex_lock(&c->lock);
    entry *old = find(c, key, h);
    if (old) evict(c, old);
    while (c->tail && c->bytes + cost > c->max_bytes)
        evict(c, c->tail);
    entry **b = &c->buckets[h & (c->n_buckets - 1)];
    e->hnext = *b;
    *b = e;
    push_front(c, e);
    c->bytes += cost;
    c->n_entries++;
    pthread_mutex_unlock(&c->lock);
}
