/*
 * SHA-256 of texts and files, through OpenSSL's EVP interface (libcrypto):
 * what a step's hash is made of. Texts are followed by a NUL so that
 * ("ab", "c") and ("a", "bc") hash differently. Files are read in blocks.
 */
#include "run_int.h"

#include <dirent.h>
#include <errno.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

struct px__hash {
    EVP_MD_CTX *md;
};

px__hash *px__hash_new(void)
{
    px__hash *h = calloc(1, sizeof *h);
    if (!h) return NULL;
    h->md = EVP_MD_CTX_new();
    if (!h->md || EVP_DigestInit_ex(h->md, EVP_sha256(), NULL) != 1) {
        EVP_MD_CTX_free(h->md);
        free(h);
        return NULL;
    }
    return h;
}

void px__hash_text(px__hash *h, const char *s)
{
    if (!s) s = "";
    EVP_DigestUpdate(h->md, s, strlen(s) + 1);
}

px_status px__hash_file(px_ctx *ctx, px__hash *h, const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return px__error(ctx, PX_EIO, "%s: cannot open: %s", path, strerror(errno));
    unsigned char buf[1 << 16];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        EVP_DigestUpdate(h->md, buf, n);
    int bad = ferror(f);
    fclose(f);
    if (bad) return px__error(ctx, PX_EIO, "%s: read error", path);
    return PX_OK;
}

void px__hash_final(px__hash *h, char *out)
{
    unsigned char d[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    EVP_DigestFinal_ex(h->md, d, &n);
    for (unsigned int i = 0; i < n && i < 32; i++)
        snprintf(out + 2 * i, 3, "%02x", d[i]);
    out[64] = '\0';
    EVP_MD_CTX_free(h->md);
    free(h);
}

px_status px__sha256_file(px_ctx *ctx, const char *path, char *out)
{
    px__hash *h = px__hash_new();
    if (!h) return px__error(ctx, PX_ENOMEM, "out of memory");
    px_status rc = px__hash_file(ctx, h, path);
    char tmp[65];
    px__hash_final(h, tmp);
    if (rc == PX_OK) memcpy(out, tmp, 65);
    return rc;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Names in `dir` accepted by `keep(name, stem)`, sorted; caller frees each and the array. */
static px_status list_dir(px_ctx *ctx, const char *dir, const char *stem, char ***out, size_t *n)
{
    DIR *d = opendir(dir);
    if (!d) return px__error(ctx, PX_EIO, "%s: cannot list: %s", dir, strerror(errno));
    char **v = NULL;
    size_t cnt = 0, cap = 0;
    px_status rc = PX_OK;
    struct dirent *e;
    size_t sl = stem ? strlen(stem) : 0;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') continue;
        if (stem && (strncmp(e->d_name, stem, sl) || e->d_name[sl] != '.')) continue;
        if (cnt == cap) {
            cap = cap ? 2 * cap : 16;
            char **g = realloc(v, cap * sizeof *v);
            if (!g) {
                rc = px__error(ctx, PX_ENOMEM, "out of memory");
                break;
            }
            v = g;
        }
        if (!(v[cnt++] = px__asprintf("%s/%s", dir, e->d_name))) {
            rc = px__error(ctx, PX_ENOMEM, "out of memory");
            break;
        }
    }
    closedir(d);
    if (rc == PX_OK) qsort(v, cnt, sizeof *v, cmp_str);
    *out = v;
    *n = cnt;
    return rc;
}

px_status px__hash_path(px_ctx *ctx, px__hash *h, const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        /* A GDAL connection string ("PG:...") or a virtual path: its text
         * is all we can hash; a plain missing file is an error. */
        if (strchr(path, ':') || !strncmp(path, "/vsi", 4)) {
            px__hash_text(h, path);
            return PX_OK;
        }
        return px__error(ctx, PX_EIO, "%s: cannot open: %s", path, strerror(errno));
    }
    char **names = NULL;
    size_t n = 0;
    px_status rc = PX_OK;
    if (S_ISDIR(st.st_mode)) {
        rc = list_dir(ctx, path, NULL, &names, &n);
    } else {
        /* A shapefile is several files: hash every sibling with the same stem. */
        const char *slash = strrchr(path, '/');
        const char *base = slash ? slash + 1 : path;
        const char *dot = strrchr(base, '.');
        char *dir = slash ? strndup(path, (size_t)(slash - path)) : px__strdup(".");
        char *stem = dot && dot > base ? strndup(base, (size_t)(dot - base)) : NULL;
        if (!dir) return px__error(ctx, PX_ENOMEM, "out of memory");
        if (stem && dot && !strcasecmp(dot, ".shp")) rc = list_dir(ctx, dir, stem, &names, &n);
        free(dir);
        free(stem);
        if (rc == PX_OK && !names) {
            px__hash_text(h, base);
            return px__hash_file(ctx, h, path);
        }
    }
    for (size_t i = 0; rc == PX_OK && i < n; i++) {
        struct stat s2;
        if (stat(names[i], &s2) != 0 || !S_ISREG(s2.st_mode)) continue;
        const char *slash = strrchr(names[i], '/');
        px__hash_text(h, slash ? slash + 1 : names[i]);
        rc = px__hash_file(ctx, h, names[i]);
    }
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return rc;
}
