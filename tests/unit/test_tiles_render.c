/*
 * Unit tests of the map renderer over any view (px_render_map,
 * px_render_map_file) and of text labels: a view of the fixture's "square"
 * zone (x, y in [R/4, R/2]) drawn onto the test's own cairo surface; the
 * label's pixels (pure red, a colour nothing else uses) are found and their
 * box compared with where the square's centre falls on the page; a second
 * label layer on the same anchors is left out by collision avoidance (both
 * filtered to the "square" zone, the tiny zone's label being elsewhere); files
 * come out as PNG, PDF and SVG.
 */
#include "tiles_fixture.h"

#include <cairo.h>
#include <math.h>
#include <pango/pangocairo.h>

#define STYLE_HEAD                                                                                           \
    "{\"version\": 8, \"sources\": {\"proxima\": {\"type\": \"vector\", \"tiles\": "                         \
    "[\"x/{z}/{x}/{y}.pbf\"]}}, \"layers\": [{\"id\": \"bg\", \"type\": \"background\", \"paint\": "         \
    "{\"background-color\": \"#ffffff\"}}, {\"id\": \"z\", \"type\": \"fill\", \"source-layer\": \"zones\", " \
    "\"paint\": {\"fill-color\": \"#cccccc\"}}"
#define STYLE_TAIL "]}"
#define RED_LABEL                                                                                            \
    ", {\"id\": \"names\", \"type\": \"symbol\", \"source-layer\": \"zones\", \"filter\": [\"==\", "     \
    "[\"get\", \"name\"], \"square\"], \"layout\": {\"text-field\": "                                          \
    "\"{name}\", \"text-size\": 20, \"text-font\": [\"DejaVu Sans Book\"]}, \"paint\": {\"text-color\": "     \
    "\"#ff0000\", \"text-halo-color\": \"#ffffff\", \"text-halo-width\": 2}}"
#define BLUE_LABEL                                                                                           \
    ", {\"id\": \"again\", \"type\": \"symbol\", \"source-layer\": \"zones\", \"filter\": [\"==\", "     \
    "[\"get\", \"name\"], \"square\"], \"layout\": {\"text-field\": "                                          \
    "[\"get\", \"name\"], \"text-size\": 20}, \"paint\": {\"text-color\": \"#0000ff\"}}"

static px_style *style_of(px_ctx *ctx, const char *dir, const char *json)
{
    char *path = px_test_path(dir, "s.json");
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(json, f);
    fclose(f);
    px_style *st = NULL;
    assert_int_equal(px_style_read(ctx, path, &st), PX_OK);
    free(path);
    return st;
}

typedef struct found {
    int n;
    int x0, y0, x1, y1;
} found;

/* Pixels of about `rgb` (opaque), and their box. */
static found find(cairo_surface_t *s, uint32_t rgb)
{
    cairo_surface_flush(s);
    const unsigned char *d = cairo_image_surface_get_data(s);
    int w = cairo_image_surface_get_width(s), h = cairo_image_surface_get_height(s);
    int stride = cairo_image_surface_get_stride(s);
    found f = {0, w, h, -1, -1};
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            uint32_t p = *(const uint32_t *)(d + (size_t)y * stride + 4 * (size_t)x);
            /* Opaque and within 48 of the colour on each channel: the body
             * of antialiased text, not its blended edges. */
            int close = (p >> 24) == 0xff;
            for (int sh = 0; close && sh < 24; sh += 8)
                close = abs((int)((p >> sh) & 0xff) - (int)((rgb >> sh) & 0xff)) <= 48;
            if (!close) continue;
            f.n++;
            if (x < f.x0) f.x0 = x;
            if (y < f.y0) f.y0 = y;
            if (x > f.x1) f.x1 = x;
            if (y > f.y1) f.y1 = y;
        }
    return f;
}

/* 400 x 400 px over [R/8, 5R/8]^2: the square fills the middle half, its
 * centre (3R/8, 3R/8) at pixel (200, 200). */
static const px_map_view view = {R / 8, R / 8, 5 * R / 8, 5 * R / 8, 400, 400, 1};

static cairo_surface_t *draw(px_ctx *ctx, px_store *s, const px_style *st, px_status want)
{
    cairo_surface_t *sf = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 400, 400);
    cairo_t *cr = cairo_create(sf);
    assert_int_equal(px_render_map(ctx, s, st, &view, cr), want);
    cairo_destroy(cr);
    return sf;
}

static void test_px_render_map_labels_and_collisions(void **state)
{
    (void)state;
    px_ctx *ctx = NULL;
    assert_int_equal(px_ctx_new(&ctx), PX_OK);
    char *dir = px_test_tmpdir("render");
    px_store *s = fx_store(ctx, dir);

    /* No symbol layer: no red. The square is grey in the middle half. */
    px_style *st = style_of(ctx, dir, STYLE_HEAD STYLE_TAIL);
    cairo_surface_t *sf = draw(ctx, s, st, PX_OK);
    assert_int_equal(find(sf, 0xff0000).n, 0);
    found grey = find(sf, 0xcccccc);
    assert_in_range(grey.x0, 99, 101);
    assert_in_range(grey.x1, 298, 300);
    assert_in_range(grey.y0, 99, 101);
    cairo_surface_destroy(sf);
    px_style_free(st);

    /* A red "square" label centred on the square's centre: 6 letters at
     * 20 px make a box about 70 px wide and 15 px high. */
    st = style_of(ctx, dir, STYLE_HEAD RED_LABEL STYLE_TAIL);
    sf = draw(ctx, s, st, PX_OK);
    found red = find(sf, 0xff0000);
    assert_true(red.n > 100);
    assert_in_range((red.x0 + red.x1) / 2, 190, 210);
    assert_in_range((red.y0 + red.y1) / 2, 188, 212);
    assert_in_range(red.x1 - red.x0, 50, 100);
    assert_in_range(red.y1 - red.y0, 10, 25);
    /* The halo: white pixels right around the text, inside the grey square. */
    assert_int_equal(find(sf, 0xcccccc).n < grey.n, 1);
    cairo_surface_destroy(sf);
    px_style_free(st);

    /* The same names again in blue: they would sit on the red ones, so
     * collision avoidance leaves them out; alone, they are drawn. */
    st = style_of(ctx, dir, STYLE_HEAD RED_LABEL BLUE_LABEL STYLE_TAIL);
    sf = draw(ctx, s, st, PX_OK);
    assert_true(find(sf, 0xff0000).n > 100);
    assert_int_equal(find(sf, 0x0000ff).n, 0);
    cairo_surface_destroy(sf);
    px_style_free(st);
    st = style_of(ctx, dir, STYLE_HEAD BLUE_LABEL STYLE_TAIL);
    sf = draw(ctx, s, st, PX_OK);
    assert_true(find(sf, 0x0000ff).n > 100);
    cairo_surface_destroy(sf);

    /* Bad views are refused with the reason. */
    px_map_view bad = view;
    bad.maxx = bad.minx;
    cairo_surface_t *sf2 = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 10, 10);
    cairo_t *cr = cairo_create(sf2);
    assert_int_equal(px_render_map(ctx, s, st, &bad, cr), PX_EINVAL);
    assert_non_null(strstr(px_ctx_errmsg(ctx), "not a non-empty box in EPSG:3857"));
    bad = view;
    bad.width_px = 0;
    assert_int_equal(px_render_map(ctx, s, st, &bad, cr), PX_EINVAL);
    cairo_destroy(cr);
    cairo_surface_destroy(sf2);
    px_style_free(st);
    px_store_close(s);
    free(dir);
    px_ctx_free(ctx);
}

static void test_px_render_map_file_formats(void **state)
{
    (void)state;
    px_ctx *ctx = NULL;
    assert_int_equal(px_ctx_new(&ctx), PX_OK);
    char *dir = px_test_tmpdir("render_file");
    px_store *s = fx_store(ctx, dir);
    px_style *st = style_of(ctx, dir, STYLE_HEAD RED_LABEL STYLE_TAIL);
    const char *names[] = {"m.png", "m.pdf", "m.svg"};
    const char *magic[] = {"\x89PNG", "%PDF", "<?xml"};
    for (int i = 0; i < 3; i++) {
        char *p = px_test_path(dir, names[i]);
        assert_int_equal(px_render_map_file(ctx, s, st, &view, p), PX_OK);
        FILE *f = fopen(p, "rb");
        assert_non_null(f);
        char head[8] = {0};
        assert_true(fread(head, 1, 5, f) >= 4);
        fclose(f);
        assert_memory_equal(head, magic[i], strlen(magic[i]));
        free(p);
    }
    /* The PNG is the page size, with the label in it. */
    char *p = px_test_path(dir, "m.png");
    cairo_surface_t *img = cairo_image_surface_create_from_png(p);
    assert_int_equal(cairo_image_surface_get_width(img), 400);
    assert_true(find(img, 0xff0000).n > 100);
    cairo_surface_destroy(img);
    free(p);
    p = px_test_path(dir, "m.jpg");
    assert_int_equal(px_render_map_file(ctx, s, st, &view, p), PX_EINVAL);
    assert_non_null(strstr(px_ctx_errmsg(ctx), "a map is written as .png, .pdf or .svg"));
    free(p);
    px_style_free(st);
    px_store_close(s);
    free(dir);
    px_ctx_free(ctx);
}

/* Fontconfig keeps a little memory for the process that no public call
 * releases; the sanitizer build's leak checker reads this (a no-op
 * elsewhere). */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
    /* Library caches that live for the process (fonts, shaping, type system). */
    return "leak:libfontconfig.so\nleak:libpango\nleak:libcairo.so\nleak:libharfbuzz\nleak:libglib\nleak:libgobject\n";
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_px_render_map_labels_and_collisions),
        cmocka_unit_test(test_px_render_map_file_formats),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    /* Pango's and fontconfig's caches live for the process; release them so
     * that the sanitizer build's leak check sees only Proxima's own memory. */
    /* No cairo_debug_reset_static_data(): it aborts when pango still holds a
     * scaled font, which happens at random; the caches are suppressed above. */
    pango_cairo_font_map_set_default(NULL);
    return failed;
}
