/*
 * Small helpers of the analyses: identifier cleaning for column names built
 * from categories and criteria, and snapping a set of points for one mode.
 */
#include "equity_int.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

char *px__ident(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    char *out = malloc(n + 2);
    if (!out) return NULL;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (isalnum(ch) && ch < 128)
            out[k++] = (char)tolower(ch);
        else if (k > 0 && out[k - 1] != '_')
            out[k++] = '_';
    }
    while (k > 0 && out[k - 1] == '_')
        k--;
    if (k == 0) out[k++] = 'x';
    out[k] = '\0';
    return out;
}

char *px__ident_nth(const char *const *names, size_t i)
{
    char *id = px__ident(names[i]);
    size_t same = 0;
    for (size_t j = 0; id && j < i; j++) {
        char *other = px__ident(names[j]);
        if (!other) {
            free(id);
            return NULL;
        }
        same += !strcmp(other, id);
        free(other);
    }
    if (!id || same == 0) return id;
    char *out = px__asprintf("%s_%zu", id, same + 1);
    free(id);
    return out;
}

void px__snap_points(const px_graph *g, px_mode mode, const px__points *p, double max_dist_m, px_snap *snaps,
                     uint8_t *ok, size_t *n_ok)
{
    size_t k = 0;
    for (size_t i = 0; i < p->n; i++) {
        ok[i] = px_graph_snap(NULL, g, mode, p->x[i], p->y[i], max_dist_m, &snaps[i]) == PX_OK;
        if (!ok[i]) snaps[i] = (px_snap){0, 0, 0};
        k += ok[i];
    }
    if (n_ok) *n_ok = k;
}
