/*
 * Unit tests of styles and raster tiles: PNGs rendered from the fixture
 * (tiles_fixture.h) are decoded with cairo's PNG reader and their pixels
 * compared with what the geometry and the style say by hand; expressions are
 * evaluated directly; unsupported constructs must be refused by name.
 */
#include "tiles_fixture.h"
#include "tiles/style_int.h"

#include <cairo.h>
#include <sqlite3.h>

typedef struct cursor {
    const unsigned char *p;
    size_t n, off;
} cursor;

static cairo_status_t png_read(void *user, unsigned char *data, unsigned int len)
{
    cursor *c = user;
    if (c->off + len > c->n) return CAIRO_STATUS_READ_ERROR;
    memcpy(data, c->p + c->off, len);
    c->off += len;
    return CAIRO_STATUS_SUCCESS;
}

/* Pixel (x, y) as 0xAARRGGBB (cairo's premultiplied ARGB32). */
static uint32_t pixel(cairo_surface_t *s, int x, int y)
{
    const unsigned char *d = cairo_image_surface_get_data(s);
    return *(const uint32_t *)(d + (size_t)y * cairo_image_surface_get_stride(s) + 4 * (size_t)x);
}

static char *write_style(const char *dir, const char *name, const char *json)
{
    char *path = px_test_path(dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(json, f);
    fclose(f);
    return path;
}

/* Render tile z/x/y of the fixture with a style given inline. */
static cairo_surface_t *render(px_ctx *ctx, px_store *s, const char *dir, const char *style_json, px_tile t,
                               int tile_size, int ratio)
{
    char *path = write_style(dir, "style.json", style_json);
    px_style *st = NULL;
    assert_int_equal(px_style_read(ctx, path, &st), PX_OK);
    px_rtiles_options o;
    px_rtiles_options_default(&o);
    o.tile_size = tile_size;
    o.pixel_ratio = ratio;
    unsigned char *png = NULL;
    size_t len = 0;
    assert_int_equal(px_tiles_render_png(ctx, s, st, t, &o, &png, &len), PX_OK);
    assert_true(len > 8 && !memcmp(png, "\x89PNG", 4));
    cursor c = {png, len, 0};
    cairo_surface_t *img = cairo_image_surface_create_from_png_stream(png_read, &c);
    assert_int_equal(cairo_surface_status(img), CAIRO_STATUS_SUCCESS);
    assert_int_equal(cairo_image_surface_get_width(img), tile_size * ratio);
    free(png);
    px_style_free(st);
    free(path);
    return img;
}

#define STYLE_HEAD                                                                                           \
    "{\"version\": 8, \"sources\": {\"proxima\": {\"type\": \"vector\", \"tiles\": "                         \
    "[\"x/{z}/{x}/{y}.pbf\"]}}, \"layers\": ["
#define STYLE_TAIL "]}"

static void test_px_tiles_render_png_square_fill(void **state)
{
    (void)state;
    px_ctx *ctx = NULL;
    assert_int_equal(px_ctx_new(&ctx), PX_OK);
    char *dir = px_test_tmpdir("raster");
    px_store *s = fx_store(ctx, dir);
    /* The square spans tile 1/1/0 from x 1024 to 2048 and y 2048 to 3072 of
     * 4096, i.e. pixels [64, 128) x [128, 192) of a 256 px tile. */
    cairo_surface_t *img =
        render(ctx, s, dir,
               STYLE_HEAD "{\"id\": \"z\", \"type\": \"fill\", \"source\": \"proxima\", "
                          "\"source-layer\": \"zones\", \"filter\": [\"==\", \"name\", \"square\"], "
                          "\"paint\": {\"fill-color\": \"#ff0000\"}}" STYLE_TAIL,
               (px_tile){1, 1, 0}, 256, 1);
    assert_int_equal(pixel(img, 96, 160), 0xffff0000);  /* inside */
    assert_int_equal(pixel(img, 64, 128), 0xffff0000);  /* the north-west vertex's pixel, fully covered */
    assert_int_equal(pixel(img, 127, 191), 0xffff0000); /* the south-east vertex's pixel */
    assert_int_equal(pixel(img, 63, 127), 0x00000000);  /* diagonal neighbour, outside */
    assert_int_equal(pixel(img, 128, 160), 0x00000000); /* just east */
    assert_int_equal(pixel(img, 10, 10), 0x00000000);   /* far outside: transparent */
    cairo_surface_destroy(img);

    /* @2x: the same square on 512 pixels, with a background. */
    img = render(ctx, s, dir,
                 STYLE_HEAD
                 "{\"id\": \"bg\", \"type\": \"background\", \"paint\": {\"background-color\": \"#ffffff\"}},"
                 "{\"id\": \"z\", \"type\": \"fill\", \"source\": \"proxima\", \"source-layer\": \"zones\", "
                 "\"paint\": {\"fill-color\": \"rgba(0, 0, 255, 1)\"}}" STYLE_TAIL,
                 (px_tile){1, 1, 0}, 256, 2);
    assert_int_equal(pixel(img, 192, 320), 0xff0000ff);
    assert_int_equal(pixel(img, 128, 256), 0xff0000ff);
    assert_int_equal(pixel(img, 127, 255), 0xffffffff);
    cairo_surface_destroy(img);
    px_store_close(s);
    free(dir);
    px_ctx_free(ctx);
}

/* The operators and colour syntax of issue 13 drawn: a colour built by
 * concat + to-color, a CSS Color 4 colour, a let/var width, and a property
 * that fails at run time (an assertion on a text column) taking its default. */
static void test_px_tiles_render_png_new_operators(void **state)
{
    (void)state;
    px_ctx *ctx = NULL;
    assert_int_equal(px_ctx_new(&ctx), PX_OK);
    char *dir = px_test_tmpdir("raster");
    px_store *s = fx_store(ctx, dir);
    cairo_surface_t *img = render(
        ctx, s, dir,
        STYLE_HEAD
        "{\"id\": \"bg\", \"type\": \"background\", \"paint\": {\"background-color\": \"hsl(0 0% 100% / 1)\"}},"
        "{\"id\": \"z\", \"type\": \"fill\", \"source\": \"proxima\", \"source-layer\": \"zones\", "
        "\"filter\": [\"==\", [\"upcase\", [\"get\", \"name\"]], \"SQUARE\"], "
        "\"paint\": {\"fill-color\": [\"to-color\", [\"concat\", \"#\", [\"slice\", \"00ff00ff\", 0, 6]]], "
        "\"fill-opacity\": [\"number\", [\"get\", \"name\"]]}}" STYLE_TAIL,
        (px_tile){1, 1, 0}, 256, 1);
    /* Opacity fails (name is text) -> default 1: opaque green inside, white outside. */
    assert_int_equal(pixel(img, 96, 160), 0xff00ff00);
    assert_int_equal(pixel(img, 10, 10), 0xffffffff);
    cairo_surface_destroy(img);
    img = render(ctx, s, dir,
                 STYLE_HEAD
                 "{\"id\": \"z\", \"type\": \"fill\", \"source\": \"proxima\", \"source-layer\": \"zones\", "
                 "\"filter\": [\"==\", \"name\", \"square\"], "
                 "\"paint\": {\"fill-color\": \"rgb(0% 0% 100% / 0.5)\"}}" STYLE_TAIL,
                 (px_tile){1, 1, 0}, 256, 1);
    /* Half-transparent blue, premultiplied: alpha 0x80, blue 0x80. */
    uint32_t px = pixel(img, 96, 160);
    assert_in_range(px >> 24, 0x7f, 0x80);
    assert_in_range(px & 0xff, 0x7f, 0x80);
    assert_int_equal((px >> 8) & 0xffff, 0);
    cairo_surface_destroy(img);
    px_store_close(s);
    free(dir);
    px_ctx_free(ctx);
}

static void test_px_tiles_render_png_step_match_interpolate(void **state)
{
    (void)state;
    px_ctx *ctx = NULL;
    assert_int_equal(px_ctx_new(&ctx), PX_OK);
    char *dir = px_test_tmpdir("raster");
    px_store *s = fx_store(ctx, dir);
    /* step on score with a stop at 0.5: the square (0.5, at the stop) takes
     * the upper colour, the holed zone (-1.25) the lower one. */
    const char *step = STYLE_HEAD
        "{\"id\": \"z\", \"type\": \"fill\", \"source\": \"proxima\", \"source-layer\": \"zones\", "
        "\"paint\": {\"fill-color\": [\"step\", [\"get\", \"score\"], \"#0000ff\", 0.5, "
        "\"#00ff00\"]}}" STYLE_TAIL;
    cairo_surface_t *img = render(ctx, s, dir, step, (px_tile){1, 1, 0}, 256, 1);
    assert_int_equal(pixel(img, 96, 160), 0xff00ff00);
    cairo_surface_destroy(img);
    /* The holed zone: x, y in [-R/2, -R/4] is pixels [128, 192) x [64, 128)
     * of tile 1/0/1; its hole is [144, 176) x [80, 112). */
    img = render(ctx, s, dir, step, (px_tile){1, 0, 1}, 256, 1);
    assert_int_equal(pixel(img, 134, 70), 0xff0000ff);
    assert_int_equal(pixel(img, 160, 96), 0x00000000); /* in the hole */
    assert_int_equal(pixel(img, 127, 70), 0x00000000); /* west of it */
    cairo_surface_destroy(img);

    /* interpolate on rank 1 -> black, 3 -> white: the holed zone (rank 2) is
     * mid grey. */
    img = render(ctx, s, dir,
                 STYLE_HEAD
                 "{\"id\": \"z\", \"type\": \"fill\", \"source\": \"proxima\", \"source-layer\": \"zones\", "
                 "\"paint\": {\"fill-color\": [\"interpolate\", [\"linear\"], [\"get\", \"rank\"], 1, "
                 "\"#000000\", 3, \"#ffffff\"]}}" STYLE_TAIL,
                 (px_tile){1, 0, 1}, 256, 1);
    uint32_t p = pixel(img, 134, 70);
    assert_true((p >> 24) == 0xff && ((p >> 16) & 0xff) >= 127 && ((p >> 16) & 0xff) <= 128);
    cairo_surface_destroy(img);

    /* match on name, with an expression filter dropping negative scores. */
    const char *match = STYLE_HEAD
        "{\"id\": \"z\", \"type\": \"fill\", \"source\": \"proxima\", \"source-layer\": \"zones\", "
        "\"filter\": [\">=\", [\"get\", \"score\"], 0], "
        "\"paint\": {\"fill-color\": [\"match\", [\"get\", \"name\"], \"square\", \"#ff0000\", "
        "[\"holed\", \"other\"], \"#0000ff\", \"#000000\"], \"fill-opacity\": 0.5}}" STYLE_TAIL;
    img = render(ctx, s, dir, match, (px_tile){1, 1, 0}, 256, 1);
    assert_int_equal(pixel(img, 96, 160), 0x80800000); /* red at half opacity, premultiplied */
    cairo_surface_destroy(img);
    img = render(ctx, s, dir, match, (px_tile){1, 0, 1}, 256, 1);
    assert_int_equal(pixel(img, 134, 70), 0x00000000); /* filtered out */
    cairo_surface_destroy(img);

    /* Lines and circles: the path runs along y = R/2, pixel row 128 of tile
     * 1/1/0; the school is a circle at (R/8, R/8) = pixel (32, 224). */
    img =
        render(ctx, s, dir,
               STYLE_HEAD
               "{\"id\": \"p\", \"type\": \"line\", \"source\": \"proxima\", \"source-layer\": \"paths\", "
               "\"paint\": {\"line-color\": \"#00ff00\", \"line-width\": 4}},"
               "{\"id\": \"s\", \"type\": \"circle\", \"source\": \"proxima\", \"source-layer\": \"sites\", "
               "\"paint\": {\"circle-color\": [\"case\", [\">\", [\"get\", \"beds\"], 20], \"#ff0000\", "
               "\"#0000ff\"], "
               "\"circle-radius\": 6}}" STYLE_TAIL,
               (px_tile){1, 1, 0}, 256, 1);
    assert_int_equal(pixel(img, 30, 127), 0xff00ff00);
    assert_int_equal(pixel(img, 30, 128), 0xff00ff00);
    assert_int_equal(pixel(img, 30, 131), 0x00000000);
    assert_int_equal(pixel(img, 32, 224), 0xffff0000);
    assert_int_equal(pixel(img, 32, 214), 0x00000000);
    cairo_surface_destroy(img);
    px_store_close(s);
    free(dir);
    px_ctx_free(ctx);
}

static void expect_refused(px_ctx *ctx, const char *dir, const char *layer_json, px_status want,
                           const char *msg)
{
    char json[2048];
    snprintf(json, sizeof json, STYLE_HEAD "%s" STYLE_TAIL, layer_json);
    char *path = write_style(dir, "bad.json", json);
    px_style *st = NULL;
    assert_int_equal(px_style_read(ctx, path, &st), want);
    assert_null(st);
    if (!strstr(px_ctx_errmsg(ctx), msg)) fail_msg("'%s' lacks '%s'", px_ctx_errmsg(ctx), msg);
    assert_non_null(strstr(px_ctx_errmsg(ctx), "bad.json: "));
    free(path);
}

static void test_px_style_read_unsupported(void **state)
{
    (void)state;
    px_ctx *ctx = NULL;
    assert_int_equal(px_ctx_new(&ctx), PX_OK);
    char *dir = px_test_tmpdir("style");
    expect_refused(ctx, dir, "{\"id\": \"h\", \"type\": \"heatmap\", \"source-layer\": \"sites\"}",
                   PX_EUNSUPPORTED, "layer 'h': layer type 'heatmap' is not supported");
    /* Symbols: text labels only; icons are refused by name. */
    expect_refused(ctx, dir,
                   "{\"id\": \"labels\", \"type\": \"symbol\", \"source-layer\": \"zones\", \"layout\": "
                   "{\"text-field\": \"{name}\", \"icon-image\": \"dot\"}}",
                   PX_EUNSUPPORTED, "layer 'labels': layout property 'icon-image' is not supported");
    expect_refused(ctx, dir,
                   "{\"id\": \"labels\", \"type\": \"symbol\", \"source-layer\": \"zones\", \"layout\": "
                   "{\"text-field\": \"{name}\", \"symbol-placement\": \"line\"}}",
                   PX_EUNSUPPORTED, "layer 'labels': layout 'symbol-placement': 'line' is not supported");
    expect_refused(ctx, dir,
                   "{\"id\": \"z\", \"type\": \"fill\", \"source-layer\": \"zones\", \"paint\": "
                   "{\"fill-pattern\": \"x\"}}",
                   PX_EUNSUPPORTED, "layer 'z': paint property 'fill-pattern' is not supported");
    /* Issue 13: a comparison with a missing operand crashed the renderer. */
    expect_refused(ctx, dir,
                   "{\"id\": \"z\", \"type\": \"fill\", \"source-layer\": \"zones\", \"filter\": "
                   "[\"==\", [\"get\", \"name\"]]}",
                   PX_EPARSE, "layer 'z': filter: Expected two or three arguments.");
    expect_refused(ctx, dir,
                   "{\"id\": \"z\", \"type\": \"fill\", \"source-layer\": \"zones\", \"paint\": {\"fill-color\": "
                   "[\"feature-state\", \"hover\"]}}",
                   PX_EUNSUPPORTED, "layer 'z': paint 'fill-color': [0]: expression operator 'feature-state' is not supported");
    expect_refused(ctx, dir,
                   "{\"id\": \"z\", \"type\": \"circle\", \"source-layer\": \"zones\", \"paint\": "
                   "{\"circle-radius\": -1}}",
                   PX_EPARSE, "layer 'z': paint 'circle-radius': -1 is less than the minimum value 0");
    expect_refused(ctx, dir,
                   "{\"id\": \"z\", \"type\": \"circle\", \"source-layer\": \"zones\", \"paint\": "
                   "{\"circle-radius\": [\"+\", 1, [\"zoom\"]]}}",
                   PX_EPARSE, "\"zoom\" expression may only be used as input to a top-level");
    expect_refused(ctx, dir,
                   "{\"id\": \"z\", \"type\": \"circle\", \"source-layer\": \"zones\", \"paint\": "
                   "{\"circle-radius\": [\"step\", [\"zoom\"], 1, 10, 2, 5, 3]}}",
                   PX_EPARSE, "[5]: Input/output pairs for \"step\" expressions must be arranged with input values in strictly ascending order.");
    expect_refused(ctx, dir,
                   "{\"id\": \"z\", \"type\": \"circle\", \"source-layer\": \"zones\", \"paint\": "
                   "{\"circle-color\": [\"string\", 5]}}",
                   PX_EPARSE, "paint 'circle-color': Expected value to be of type string, but found number instead.");
    expect_refused(
        ctx, dir,
        "{\"id\": \"z\", \"type\": \"line\", \"source-layer\": \"paths\", \"filter\": [\"within\", {}]}",
        PX_EUNSUPPORTED, "layer 'z': filter: [0]: expression operator 'within' is not supported");
    expect_refused(ctx, dir,
                   "{\"id\": \"z\", \"type\": \"line\", \"source-layer\": \"paths\", \"layout\": "
                   "{\"symbol-placement\": \"line\"}}",
                   PX_EUNSUPPORTED, "layer 'z': layout property 'symbol-placement' is not supported");
    expect_refused(ctx, dir,
                   "{\"id\": \"z\", \"type\": \"fill\", \"source-layer\": \"zones\", \"paint\": "
                   "{\"fill-color\": \"#12345\"}}",
                   PX_EPARSE, "paint 'fill-color': color expected, \"#12345\" found");
    expect_refused(ctx, dir, "{\"id\": \"z\", \"type\": \"fill\"}", PX_EPARSE,
                   "layer 'z': no \"source-layer\"");
    /* Not JSON at all: the line is named. */
    char *path = write_style(dir, "broken.json", "{\"version\": 8,\n \"layers\": [\n");
    px_style *st = NULL;
    assert_int_equal(px_style_read(ctx, path, &st), PX_EPARSE);
    assert_non_null(strstr(px_ctx_errmsg(ctx), "broken.json:3"));
    free(path);
    assert_int_equal(px_style_read(ctx, "/nonexistent/style.json", &st), PX_EIO);
    free(dir);
    px_ctx_free(ctx);
}

/* Compile `json` as the value of a circle property and evaluate it at zoom `z`. */
static double prop_number(const char *name, const char *json, double z, double def)
{
    json_error_t err;
    json_t *j = json_loads(json, JSON_DECODE_ANY, &err);
    assert_non_null(j);
    px__arena tree = {0};
    char msg[300];
    const px__expr *e = px__prop_compile(px__prop_find(name, 0, PX__SL_CIRCLE), j, &tree, msg, sizeof msg);
    if (!e) fail_msg("%s: %s", json, msg);
    px__sctx c = {.zoom = z};
    double r = px__style_number(e, &c, def);
    px__arena_clear(&tree);
    json_decref(j);
    return r;
}

static void prop_color(const char *json, double z, double out[4])
{
    json_error_t err;
    json_t *j = json_loads(json, JSON_DECODE_ANY, &err);
    px__arena tree = {0};
    char msg[300];
    const px__expr *e = px__prop_compile(px__prop_find("circle-color", 0, PX__SL_CIRCLE), j, &tree, msg, sizeof msg);
    if (!e) fail_msg("%s: %s", json, msg);
    px__sctx c = {.zoom = z};
    static const double def[4] = {0, 0, 0, 1};
    px__style_color(e, &c, def, out);
    px__arena_clear(&tree);
    json_decref(j);
}

static void test_px__style_eval_zoom_and_legacy(void **state)
{
    (void)state;
    const char *lin = "[\"interpolate\", [\"linear\"], [\"zoom\"], 0, 1, 10, 11]";
    assert_float_equal(prop_number("circle-radius", lin, 5, -1), 6.0, 1e-12);
    assert_float_equal(prop_number("circle-radius", lin, 12, -1), 11.0, 1e-12);
    /* Exponential base 2 between 10 and 12 at 11: (2^1 - 1) / (2^2 - 1) = 1/3. */
    assert_float_equal(prop_number("circle-radius", "[\"interpolate\", [\"exponential\", 2], [\"zoom\"], 10, 0, 12, 3]", 11, -1),
                       1.0, 1e-12);
    /* Legacy zoom function. */
    assert_float_equal(prop_number("circle-radius", "{\"stops\": [[10, 1], [14, 5]]}", 12, -1), 3.0, 1e-12);
    /* A failed assertion at run time falls back to the default, as MapLibre does. */
    assert_float_equal(prop_number("circle-radius", "[\"get\", \"width\"]", 12, 2.5), 2.5, 1e-12);
    double col[4];
    const char *st = "[\"step\", [\"zoom\"], \"#000000\", 12, \"#ffffff\"]";
    prop_color(st, 12, col); /* zoom 12: at the stop -> upper */
    assert_float_equal(col[0], 1.0, 1e-12);
    prop_color(st, 11.99, col);
    assert_float_equal(col[0], 0.0, 1e-12);
    /* Colours, CSS Color 4. */
    assert_int_equal(px__color_parse("#0f08", col), 0);
    assert_float_equal(col[1], 1.0, 1e-12);
    assert_float_equal(col[3], 136 / 255.0, 1e-12);
    assert_int_equal(px__color_parse("hsl(120, 100%, 50%)", col), 0);
    assert_float_equal(col[0], 0.0, 1e-12);
    assert_float_equal(col[1], 1.0, 1e-12);
    assert_int_equal(px__color_parse("rgb(0% 0% 100% / 0.5)", col), 0);
    assert_float_equal(col[2], 1.0, 1e-12);
    assert_float_equal(col[3], 0.5, 1e-12);
    assert_int_equal(px__color_parse("hsl(240 100% 50% / 25%)", col), 0);
    assert_float_equal(col[2], 1.0, 1e-12);
    assert_float_equal(col[3], 0.25, 1e-12);
    assert_int_equal(px__color_parse("RebeccaPurple", col), 0);
    assert_float_equal(col[0], 0x66 / 255.0, 1e-12);
    assert_int_equal(px__color_parse("notacolour", col), -1);
    assert_int_equal(px__color_parse("rgb(1,2)", col), -1);
    assert_int_equal(px__color_parse("rgb(1, 2 3)", col), -1); /* mixed separators */
    assert_int_equal(px__color_parse("rgb(1% 2 3)", col), -1);  /* mixed units */
}

static void test_px_tiles_write_raster_mbtiles(void **state)
{
    (void)state;
    px_ctx *ctx = NULL;
    assert_int_equal(px_ctx_new(&ctx), PX_OK);
    char *dir = px_test_tmpdir("raster");
    px_store *s = fx_store(ctx, dir);
    char *path = write_style(
        dir, "s.json",
        STYLE_HEAD
        "{\"id\": \"z\", \"type\": \"fill\", \"source\": \"proxima\", \"source-layer\": \"zones\", "
        "\"paint\": {\"fill-color\": \"#ff0000\"}}" STYLE_TAIL);
    px_style *st = NULL;
    assert_int_equal(px_style_read(ctx, path, &st), PX_OK);
    assert_int_equal(px_style_n_tables(st), 1);
    assert_string_equal(px_style_table(st, 0), "zones");
    px_rtiles_options o;
    px_rtiles_options_default(&o);
    o.maxzoom = 2;
    char *out = px_test_path(dir, "r.mbtiles");
    px_tiles_report r;
    assert_int_equal(px_tiles_write_raster(ctx, s, st, out, &o, &r), PX_OK);
    /* Tiles that draw a zone: z0: 1; z1: 1/1/0 and 1/0/1; z2: the square is
     * in 2/2/1 (and touches nothing else), the holed zone in 2/1/2. */
    assert_int_equal(r.n_tiles, 1 + 2 + 2);
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open_v2(out, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    sqlite3_stmt *q = NULL;
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT value FROM metadata WHERE name = 'format'", -1, &q, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(q, 0), "png");
    sqlite3_finalize(q);
    /* 2/1/2 in XYZ is row 4 - 1 - 2 = 1 in TMS. */
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "SELECT count(*) FROM tiles WHERE zoom_level = 2 AND tile_column = 1 "
                                        "AND tile_row = 1 AND hex(substr(tile_data, 1, 4)) = '89504E47'",
                                        -1, &q, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(q, 0), 1);
    sqlite3_finalize(q);
    sqlite3_close(db);
    /* A style drawing a table the project lacks is refused by name. */
    char *bad = write_style(
        dir, "b.json",
        STYLE_HEAD "{\"id\": \"x\", \"type\": \"fill\", \"source-layer\": \"flood_zones\"}" STYLE_TAIL);
    px_style *bst = NULL;
    assert_int_equal(px_style_read(ctx, bad, &bst), PX_OK);
    assert_int_equal(px_tiles_write_raster(ctx, s, bst, out, &o, NULL), PX_ENOTFOUND);
    assert_non_null(strstr(px_ctx_errmsg(ctx), "source-layer 'flood_zones'"));
    o.tile_size = 300;
    assert_int_equal(px_tiles_write_raster(ctx, s, st, out, &o, NULL), PX_EINVAL);
    px_style_free(bst);
    free(bad);
    px_style_free(st);
    free(out);
    free(path);
    px_store_close(s);
    free(dir);
    px_ctx_free(ctx);
}

/* Counts the raster tiles the run says it is about to draw. */
static int count_raster_progress(void *user, const char *stage, uint64_t done, uint64_t total)
{
    (void)done;
    if (!strcmp(stage, "tiles: raster tiles")) *(uint64_t *)user += total;
    return 0;
}

/* A style whose tables are empty renders nothing, at once: no tile is even
 * considered (regression: the whole world was walked from zoom 10 up). */
static void test_px_tiles_write_raster_empty_tables(void **state)
{
    (void)state;
    px_ctx *ctx = NULL;
    assert_int_equal(px_ctx_new(&ctx), PX_OK);
    char *dir = px_test_tmpdir("raster_empty");
    px_store *s = fx_store(ctx, dir);
    px_table_writer *w = NULL;
    px_table_schema es = {"flood_zones", "result", PX_GEOM_POLYGON, 1, fx_path_cols};
    assert_int_equal(px_store_table_create(s, &es, &w), PX_OK);
    assert_int_equal(px_table_writer_finish(w), PX_OK);
    char *path = write_style(dir, "e.json",
                             STYLE_HEAD "{\"id\": \"bg\", \"type\": \"background\", \"paint\": "
                                        "{\"background-color\": \"#ffffff\"}},"
                                        "{\"id\": \"f\", \"type\": \"fill\", \"source\": \"proxima\", "
                                        "\"source-layer\": \"flood_zones\"}" STYLE_TAIL);
    px_style *st = NULL;
    assert_int_equal(px_style_read(ctx, path, &st), PX_OK);
    px_rtiles_options o;
    px_rtiles_options_default(&o);
    o.minzoom = 0;
    o.maxzoom = 22;
    uint64_t considered = 0;
    px_ctx_set_progress(ctx, count_raster_progress, &considered);
    char *out = px_test_path(dir, "e.mbtiles");
    px_tiles_report r;
    memset(&r, 0xff, sizeof r);
    assert_int_equal(px_tiles_write_raster(ctx, s, st, out, &o, &r), PX_OK);
    assert_int_equal(r.n_tiles, 0);
    assert_int_equal(r.n_features, 0);
    assert_int_equal(considered, 0);
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open_v2(out, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    sqlite3_stmt *q = NULL;
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM tiles", -1, &q, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(q, 0), 0);
    sqlite3_finalize(q);
    sqlite3_close(db);
    px_style_free(st);
    free(out);
    free(path);
    px_store_close(s);
    free(dir);
    px_ctx_free(ctx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_px_tiles_render_png_square_fill),
        cmocka_unit_test(test_px_tiles_render_png_step_match_interpolate),
        cmocka_unit_test(test_px_tiles_render_png_new_operators),
        cmocka_unit_test(test_px_style_read_unsupported),
        cmocka_unit_test(test_px__style_eval_zoom_and_legacy),
        cmocka_unit_test(test_px_tiles_write_raster_mbtiles),
        cmocka_unit_test(test_px_tiles_write_raster_empty_tables),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
