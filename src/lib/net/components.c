/*
 * Connected components of the network (edges taken undirected, all modes
 * together), numbered by decreasing size so that 0 is the main network and
 * small ids near the end are the islands. Union-find with path halving and
 * union by size. Strong connectivity (one-way traps) is deliberately not
 * computed: searches handle direction, this is a data-quality report.
 */
#include "net_int.h"

#include <stdlib.h>

static int32_t find(int32_t *parent, int32_t x)
{
    while (parent[x] != x) {
        parent[x] = parent[parent[x]];
        x = parent[x];
    }
    return x;
}

typedef struct comp_size {
    int32_t root, size;
} comp_size;

static int by_size_desc(const void *a, const void *b)
{
    const comp_size *x = a, *y = b;
    if (x->size != y->size) return x->size > y->size ? -1 : 1;
    return x->root < y->root ? -1 : x->root > y->root; /* deterministic */
}

int32_t px__components(int32_t n_nodes, int32_t n_edges, const int32_t *efrom, const int32_t *eto, int32_t *comp)
{
    if (n_nodes == 0) return 0;
    int32_t *parent = malloc((size_t)n_nodes * sizeof *parent);
    int32_t *size = malloc((size_t)n_nodes * sizeof *size);
    comp_size *cs = NULL;
    int32_t n_comp = -1;
    if (!parent || !size) goto done;
    for (int32_t i = 0; i < n_nodes; i++) parent[i] = i, size[i] = 1;
    for (int32_t e = 0; e < n_edges; e++) {
        int32_t a = find(parent, efrom[e]), b = find(parent, eto[e]);
        if (a == b) continue;
        if (size[a] < size[b]) {
            int32_t t = a;
            a = b;
            b = t;
        }
        parent[b] = a;
        size[a] += size[b];
    }
    int32_t n_roots = 0;
    for (int32_t i = 0; i < n_nodes; i++)
        if (find(parent, i) == i) n_roots++;
    cs = malloc((size_t)n_roots * sizeof *cs);
    if (!cs) goto done;
    int32_t k = 0;
    for (int32_t i = 0; i < n_nodes; i++)
        if (parent[i] == i) cs[k++] = (comp_size){i, size[i]};
    qsort(cs, (size_t)n_roots, sizeof *cs, by_size_desc);
    /* Reuse `size` as root -> component id. */
    for (int32_t c = 0; c < n_roots; c++) size[cs[c].root] = c;
    for (int32_t i = 0; i < n_nodes; i++) comp[i] = size[find(parent, i)];
    n_comp = n_roots;
done:
    free(parent);
    free(size);
    free(cs);
    return n_comp;
}
