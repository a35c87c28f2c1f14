/*
 * The graph cache: px_net_build also stores the graph's arrays as one blob
 * (store_blob.h), stamped with the row counts and write times of net_nodes
 * and net_edges; px_graph_load reads it instead of millions of rows when the
 * stamp still matches, and falls back to the tables otherwise (a network
 * rewritten by another tool, an older project). Native byte order, checked
 * by a marker: a project moved to a machine of the other endianness simply
 * loads from the tables. The CSR, components and snapping grid are rebuilt
 * at load: they are cheap next to reading rows.
 */
#include "net_int.h"
#include "../store/store_blob.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CACHE_NAME "graph"
static const char magic[8] = {'P', 'X', 'G', 'R', 'A', 'P', 'H', '1'};

typedef struct header {
    char magic[8];
    uint32_t endian; /* 0x01020304 as written */
    uint32_t reserved;
    int64_t n_nodes, n_edges;
} header;

/* "nodes:N@TIME edges:M@TIME" from the tables' metadata; caller frees. */
static px_status stamp_of(px_ctx *ctx, px_store *store, char **out)
{
    px_table_info *ni = NULL, *ei = NULL;
    px_status rc = px_store_table_info(store, "net_nodes", &ni);
    if (rc == PX_OK) rc = px_store_table_info(store, "net_edges", &ei);
    if (rc == PX_OK) {
        *out = px__asprintf("nodes:%lld@%s edges:%lld@%s", (long long)ni->n_rows, ni->updated_at ? ni->updated_at : "",
                            (long long)ei->n_rows, ei->updated_at ? ei->updated_at : "");
        if (!*out) rc = px__error(ctx, PX_ENOMEM, "out of memory");
    }
    px_table_info_free(ni, ni ? 1 : 0);
    px_table_info_free(ei, ei ? 1 : 0);
    return rc;
}

/* The arrays in blob order, with their sizes, for one graph. */
static size_t layout(const px_graph *g, void **ptr, size_t *size)
{
    size_t n = (size_t)g->n_nodes, m = (size_t)g->n_edges, k = 0;
    ptr[k] = g->xy, size[k++] = 2 * n * sizeof *g->xy;
    ptr[k] = g->elen, size[k++] = m * sizeof *g->elen;
    ptr[k] = g->efid, size[k++] = m * sizeof *g->efid;
    ptr[k] = g->efrom, size[k++] = m * sizeof *g->efrom;
    ptr[k] = g->eto, size[k++] = m * sizeof *g->eto;
    for (int md = 0; md < PX_MODE_COUNT; md++) ptr[k] = g->ecost[md], size[k++] = m * sizeof *g->ecost[md];
    ptr[k] = g->eflags, size[k++] = m * sizeof *g->eflags;
    return k;
}

px_status px__graph_cache_put(px_ctx *ctx, px_store *store, const px_graph *g)
{
    void *ptr[16];
    size_t size[16], total = sizeof(header);
    size_t k = layout(g, ptr, size);
    for (size_t i = 0; i < k; i++) total += size[i];
    char *stamp = NULL;
    px_status rc = stamp_of(ctx, store, &stamp);
    if (rc != PX_OK) return rc;
    char *buf = malloc(total);
    if (!buf) {
        free(stamp);
        return px__error(ctx, PX_ENOMEM, "out of memory (graph cache)");
    }
    header h = {.endian = 0x01020304u, .n_nodes = g->n_nodes, .n_edges = g->n_edges};
    memcpy(h.magic, magic, sizeof magic);
    memcpy(buf, &h, sizeof h);
    size_t at = sizeof h;
    for (size_t i = 0; i < k; i++) {
        memcpy(buf + at, ptr[i], size[i]);
        at += size[i];
    }
    rc = px__store_blob_put(store, CACHE_NAME, stamp, buf, total);
    free(buf);
    free(stamp);
    return rc;
}

int px__graph_cache_peek(px_ctx *ctx, px_store *store, int64_t *n_nodes, int64_t *n_edges)
{
    char *stamp = NULL, *want = NULL;
    size_t len = 0;
    int ok = 0;
    header h;
    if (px__store_blob_info(store, CACHE_NAME, &stamp, &len) != PX_OK || len < sizeof h) goto done;
    if (stamp_of(ctx, store, &want) != PX_OK || strcmp(stamp, want) != 0) goto done;
    if (px__store_blob_read(store, CACHE_NAME, 0, &h, sizeof h) != PX_OK) goto done;
    if (memcmp(h.magic, magic, sizeof magic) || h.endian != 0x01020304u || h.n_nodes < 0 || h.n_edges < 0) goto done;
    *n_nodes = h.n_nodes;
    *n_edges = h.n_edges;
    ok = 1;
done:
    px_ctx_clear_error(ctx); /* a missing or stale cache is not an error */
    free(stamp);
    free(want);
    return ok;
}

int px__graph_cache_get(px_ctx *ctx, px_store *store, px_graph *g)
{
    char *stamp = NULL;
    size_t len = 0;
    int loaded = 0;
    if (px__store_blob_info(store, CACHE_NAME, &stamp, &len) != PX_OK) goto done;
    void *ptr[16];
    size_t size[16], total = sizeof(header);
    size_t k = layout(g, ptr, size);
    for (size_t i = 0; i < k; i++) total += size[i];
    if (total != len) goto done;
    /* Straight from SQLite's pages into the graph's arrays: no copy of the whole blob. */
    size_t at = sizeof(header);
    for (size_t i = 0; i < k; i++) {
        if (px__store_blob_read(store, CACHE_NAME, at, ptr[i], size[i]) != PX_OK) goto done;
        at += size[i];
    }
    loaded = 1;
done:
    px_ctx_clear_error(ctx);
    free(stamp);
    return loaded;
}
