/*
 * The naming and scoring rules every analysis shares: a category's column
 * token, the category list with unique tokens, the check of asked
 * categories against the known ones (PX_EARG listing them), and the
 * quarter-hour score.
 */
#include "layer_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *px_layer_column_token(const char *name)
{
    size_t n = name ? strlen(name) : 0;
    char *s = malloc(n + 2);
    if (!s) return NULL;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)name[i];
        if ((ch & 0xC0) == 0x80) continue; /* a UTF-8 continuation byte: its character is already '_' */
        if (ch >= 'A' && ch <= 'Z') s[k++] = (char)(ch - 'A' + 'a');
        else if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')) s[k++] = (char)ch;
        else s[k++] = '_';
    }
    if (k == 0) s[k++] = 'x';
    s[k] = '\0';
    return s;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

px_status px__layer_category_list(px_ctx *ctx, char **names, size_t n, int sort, char ***cats, char ***cols)
{
    char **v = calloc(n + 1, sizeof *v), **t = calloc(n + 1, sizeof *t);
    if (!v || !t) {
        free(v), free(t);
        return px__error(ctx, PX_ENOMEM, "out of memory");
    }
    size_t k = 0;
    px_status rc = PX_OK;
    for (size_t i = 0; i < n && rc == PX_OK; i++) {
        int dup = 0;
        for (size_t j = 0; j < k && !dup; j++) dup = !strcmp(v[j], names[i]);
        if (!dup && !(v[k++] = px__strdup(names[i]))) rc = px__error(ctx, PX_ENOMEM, "out of memory");
    }
    if (rc == PX_OK && sort) qsort(v, k, sizeof *v, cmp_str);
    for (size_t i = 0; i < k && rc == PX_OK; i++) {
        char *tok = px_layer_column_token(v[i]);
        size_t same = 0;
        for (size_t j = 0; tok && j < i; j++) {
            char *other = px_layer_column_token(v[j]);
            if (!other) {
                free(tok);
                tok = NULL;
                break;
            }
            same += !strcmp(other, tok);
            free(other);
        }
        if (tok && same) {
            char *u = px__asprintf("%s_%zu", tok, same + 1);
            free(tok);
            tok = u;
        }
        if (!(t[i] = tok)) rc = px__error(ctx, PX_ENOMEM, "out of memory");
    }
    if (rc != PX_OK) {
        px_layer_strings_free(v, k);
        px_layer_strings_free(t, k);
        return rc;
    }
    *cats = v;
    *cols = t;
    return PX_OK;
}

px_status px_layer_check_categories(px_ctx *ctx, const char *const *asked, size_t n_asked, const char *const *known,
                                    size_t n_known)
{
    for (size_t i = 0; i < n_asked; i++) {
        int found = 0;
        for (size_t j = 0; j < n_known && !found; j++) found = !strcmp(asked[i], known[j]);
        if (found) continue;
        size_t len = 1;
        for (size_t j = 0; j < n_known; j++) len += strlen(known[j]) + 2;
        char *list = malloc(len);
        if (!list) return px__error(ctx, PX_ENOMEM, "out of memory");
        list[0] = '\0';
        size_t at = 0;
        for (size_t j = 0; j < n_known; j++) at += (size_t)snprintf(list + at, len - at, "%s%s", j ? ", " : "", known[j]);
        px_status rc = px__error(ctx, PX_EARG, "unknown category '%s' (known: %s)", asked[i],
                                 n_known ? list : "none: the services layer has no category");
        free(list);
        return rc;
    }
    return PX_OK;
}

int px_layer_qh_score(const float *minutes, size_t stride, size_t n_cat, double threshold_min)
{
    int score = 0;
    for (size_t c = 0; c < n_cat; c++) score += px_layer_qh_within(minutes[c * stride], threshold_min);
    return score;
}
