/* TEMPORARY: replaced by the io loader/exporter work; deleted when it lands. */
#include "proxima/io.h"
#include "../core/core_int.h"

px_status px_export(px_ctx *ctx, px_store *store, const char *table, const char *path,
                    const px_export_options *opts)
{
    (void)store; (void)table; (void)opts;
    return px__error(ctx, PX_EUNSUPPORTED, "%s: export is not implemented yet", path);
}
