/* TEMPORARY: replaced by the io loader/exporter work; deleted when it lands. */
#include "proxima/io.h"
#include "../core/core_int.h"

px_status px_layerdef_read(px_ctx *ctx, const char *path, px_layerdef **out)
{
    (void)out;
    return px__error(ctx, PX_EUNSUPPORTED, "%s: layer definitions are not implemented yet", path);
}
void px_layerdef_free(px_layerdef *def) { (void)def; }
px_status px_load(px_ctx *ctx, px_store *store, const px_layerdef *def, const px_load_options *opts,
                  px_load_report **reports, size_t *n_reports)
{
    (void)store; (void)def; (void)opts; (void)reports; (void)n_reports;
    return px__error(ctx, PX_EUNSUPPORTED, "load is not implemented yet");
}
