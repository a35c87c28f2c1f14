/*
 * libFuzzer target: the scenario reader (px_scenario_read), the YAML file
 * `proxima run` takes. The input is written to a temporary file (the reader
 * takes a path and resolves relative paths against its folder, /tmp here).
 * Any status is fine; crashes, leaks, undefined behaviour and hangs are not.
 */
#include "proxima/proxima.h"
#include "proxima/run.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char path[64];
    if (!path[0]) snprintf(path, sizeof path, "/tmp/px-fuzz-scenario-%d.yaml", (int)getpid());
    FILE *f = fopen(path, "wb");
    if (!f) return 0;
    if (size) fwrite(data, 1, size, f);
    fclose(f);
    px_ctx *ctx = NULL;
    if (px_ctx_new(&ctx) != PX_OK) return 0;
    px_scenario *sc = NULL;
    if (px_scenario_read(ctx, path, &sc) == PX_OK) px_scenario_free(sc);
    px_ctx_free(ctx);
    unlink(path);
    return 0;
}
