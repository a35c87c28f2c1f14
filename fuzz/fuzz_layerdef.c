/*
 * libFuzzer target: the layer-definition parser (px_layerdef_read), YAML or
 * JSON. The input is written to a temporary file (the reader takes a path);
 * the first byte chooses the extension: '{' or '[' -> .json, else .yaml.
 * Any status is fine; crashes, leaks, undefined behaviour and hangs are not.
 */
#include "proxima/proxima.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char path[2][64];
    if (!path[0][0]) {
        snprintf(path[0], sizeof path[0], "/tmp/px-fuzz-layerdef-%d.yaml", (int)getpid());
        snprintf(path[1], sizeof path[1], "/tmp/px-fuzz-layerdef-%d.json", (int)getpid());
    }
    const char *p = path[size && (data[0] == '{' || data[0] == '[')];
    FILE *f = fopen(p, "wb");
    if (!f) return 0;
    if (size) fwrite(data, 1, size, f);
    fclose(f);
    px_ctx *ctx = NULL;
    if (px_ctx_new(&ctx) != PX_OK) return 0;
    px_layerdef *def = NULL;
    if (px_layerdef_read(ctx, p, &def) == PX_OK) px_layerdef_free(def);
    px_ctx_free(ctx);
    unlink(p);
    return 0;
}
