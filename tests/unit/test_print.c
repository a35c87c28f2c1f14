/*
 * Unit tests of print maps: a small Lambert-93 project (two communes of
 * 10 x 5 km side by side, populations 400 and 2000) is drawn with a style
 * classing communes by population (blue under 1000, red from 1000); the PNG
 * page is decoded with cairo and its title, legend, map and footer areas
 * (from px_map_page_layout) are checked for ink and for the style's
 * colours; the scale and the scale bar are checked against the ground size;
 * the legend is read from the style's classes; bad arguments are refused.
 */
#include "helpers/px_test.h"
#include "print/print_int.h"
#include "tiles/tiles_frame.h"

#include <cairo.h>
#include <pango/pangocairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const px_column commune_cols[] = {{"id", PX_COL_TEXT}, {"name", PX_COL_TEXT}, {"population", PX_COL_REAL}};

/* Communes A (x 700000..710000) and B (710000..720000), y 6600000..6605000. */
static px_store *make_project(px_ctx *ctx, const char *dir)
{
    char *path = px_test_path(dir, "p.sqlite");
    px_store *s = NULL;
    assert_int_equal(px_store_create(ctx, path, "EPSG:2154", &s), PX_OK);
    free(path);
    px_table_writer *w = NULL;
    px_table_schema cs = {"communes", "layer", PX_GEOM_MULTIPOLYGON, 3, commune_cols};
    assert_int_equal(px_store_table_create(s, &cs, &w), PX_OK);
    px_test_add_wkt(ctx, w, (px_value[]){PX_VALUE_TEXT("A"), PX_VALUE_TEXT("Alpha"), PX_VALUE_REAL(400)},
                    "MULTIPOLYGON(((700000 6600000,710000 6600000,710000 6605000,700000 6605000,700000 6600000)))");
    px_test_add_wkt(ctx, w, (px_value[]){PX_VALUE_TEXT("B"), PX_VALUE_TEXT("Beta"), PX_VALUE_REAL(2000)},
                    "MULTIPOLYGON(((710000 6600000,720000 6600000,720000 6605000,710000 6605000,710000 6600000)))");
    assert_int_equal(px_table_writer_finish(w), PX_OK);
    return s;
}

static const char style_json[] =
    "{\"version\": 8, \"name\": \"Population\", \"sources\": {\"p\": {\"type\": \"vector\", \"attribution\": \"Test data\"}},"
    " \"layers\": [{\"id\": \"c\", \"type\": \"fill\", \"source\": \"p\", \"source-layer\": \"communes\","
    "  \"paint\": {\"fill-color\": [\"step\", [\"get\", \"population\"], \"#0000ff\", 1000, \"#ff0000\"]}},"
    " {\"id\": \"o\", \"type\": \"line\", \"source\": \"p\", \"source-layer\": \"communes\","
    "  \"paint\": {\"line-color\": \"#00ff00\", \"line-width\": 2}}]}";

static px_style *make_style(px_ctx *ctx, const char *dir)
{
    char *path = px_test_path(dir, "style.json");
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(style_json, f);
    fclose(f);
    px_style *st = NULL;
    assert_int_equal(px_style_read(ctx, path, &st), PX_OK);
    free(path);
    return st;
}

static uint32_t pixel(cairo_surface_t *s, int x, int y)
{
    const unsigned char *d = cairo_image_surface_get_data(s);
    return *(const uint32_t *)(d + (size_t)y * cairo_image_surface_get_stride(s) + 4 * (size_t)x) & 0xffffff;
}

/* Pixels of rectangle r (points; the page is drawn at 72 dpi: 1 pt = 1 px)
 * that are not white, and that are within 12 of `rgb` per channel. */
static void count(cairo_surface_t *s, px_rect r, uint32_t rgb, long *ink, long *match)
{
    *ink = *match = 0;
    for (int y = (int)r.y; y < (int)(r.y + r.h); y++)
        for (int x = (int)r.x; x < (int)(r.x + r.w); x++) {
            uint32_t p = pixel(s, x, y);
            if (p != 0xffffff) (*ink)++;
            int ok = 1;
            for (int k = 0; k < 24; k += 8) {
                int a = (int)((p >> k) & 255), b = (int)((rgb >> k) & 255);
                ok &= abs(a - b) <= 12;
            }
            *match += ok;
        }
}

static void test_px_map_write_png_content(void **state)
{
    (void)state;
    px_ctx *ctx = NULL;
    assert_int_equal(px_ctx_new(&ctx), PX_OK);
    char *dir = px_test_tmpdir("print_png");
    px_store *s = make_project(ctx, dir);
    px_style *st = make_style(ctx, dir);
    char *out = px_test_path(dir, "map.png");
    px_map_options o;
    px_map_options_default(&o);
    o.dpi = 72;
    o.date = "2026-11-29";
    px_map_report r;
    assert_int_equal(px_map_write(ctx, s, st, out, &o, &r), PX_OK);
    assert_int_equal(r.n_pages, 1);
    assert_int_equal(r.n_features, 4); /* two fills, two outlines */
    cairo_surface_t *img = cairo_image_surface_create_from_png(out);
    assert_int_equal(cairo_surface_status(img), CAIRO_STATUS_SUCCESS);
    assert_int_equal(cairo_image_surface_get_width(img), 596);
    assert_int_equal(cairo_image_surface_get_height(img), 842);
    px_map_layout L = px_map_page_layout(PX_PAGE_A4, 0);
    long ink, blue, red;
    count(img, L.title, 0x000000, &ink, &blue);
    assert_true(ink > 300); /* the title is written */
    count(img, L.footer, 0x000000, &ink, &blue);
    assert_true(ink > 300); /* sources, scale, date */
    /* The map: both classes' colours, in about equal areas (same size communes). */
    count(img, L.frame, 0x0000ff, &ink, &blue);
    count(img, L.frame, 0xff0000, &ink, &red);
    assert_true(blue > 20000 && red > 20000);
    assert_true(labs(blue - red) < blue / 5);
    long green;
    count(img, L.frame, 0x00ff00, &ink, &green);
    assert_true(green > 500); /* outlines */
    /* The legend: ink, and a swatch of each class. */
    long lblue, lred;
    count(img, L.legend, 0x0000ff, &ink, &lblue);
    count(img, L.legend, 0xff0000, &ink, &lred);
    assert_true(ink > 300);
    assert_true(lblue > 50 && lred > 50);
    /* Nothing of the map leaks outside its frame: the band between frame and legend is white. */
    px_rect gap = {L.frame.x, L.frame.y + L.frame.h + 2, L.frame.w, L.legend.y - L.frame.y - L.frame.h - 4};
    count(img, gap, 0x0000ff, &ink, &blue);
    assert_int_equal(ink, 0);
    cairo_surface_destroy(img);
    free(out);
    px_style_free(st);
    px_store_close(s);
    free(dir);
    px_ctx_free(ctx);
}

static void test_px_map_write_scale(void **state)
{
    (void)state;
    px_ctx *ctx = NULL;
    assert_int_equal(px_ctx_new(&ctx), PX_OK);
    char *dir = px_test_tmpdir("print_scale");
    px_store *s = make_project(ctx, dir);
    px_style *st = make_style(ctx, dir);
    char *out = px_test_path(dir, "map.pdf");
    px_map_report r;
    assert_int_equal(px_map_write(ctx, s, st, out, NULL, &r), PX_OK);
    /* 20 km wide, 5 km high: the width fills the frame less a 6 % margin, so
     * one point on paper is 20000 * 1.06 / frame width metres. */
    px_map_layout L = px_map_page_layout(PX_PAGE_A4, 0);
    double m_per_pt = 20000 * 1.06 / L.frame.w;
    px_assert_near(r.scale / (m_per_pt / (0.0254 / 72)), 1, 0.01);
    /* A round bar (1, 2 or 5 x 10^k m) between 11 % and 28 % of the frame. */
    double k = pow(10, floor(log10(r.scalebar_m))), lead = r.scalebar_m / k;
    assert_true(lead == 1 || lead == 2 || lead == 5);
    double bar_pt = r.scalebar_m / m_per_pt;
    assert_true(bar_pt <= 0.28 * L.frame.w * 1.01 && bar_pt > 0.28 * L.frame.w / 2.5);
    free(out);
    px_style_free(st);
    px_store_close(s);
    free(dir);
    px_ctx_free(ctx);
}

static void test_px_map_write_atlas(void **state)
{
    (void)state;
    px_ctx *ctx = NULL;
    assert_int_equal(px_ctx_new(&ctx), PX_OK);
    char *dir = px_test_tmpdir("print_atlas");
    px_store *s = make_project(ctx, dir);
    px_style *st = make_style(ctx, dir);
    char *out = px_test_path(dir, "atlas.pdf");
    px_map_options o;
    px_map_options_default(&o);
    o.atlas = 1;
    px_map_report r;
    assert_int_equal(px_map_write(ctx, s, st, out, &o, &r), PX_OK);
    assert_int_equal(r.n_pages, 2);
    /* A commune page is zoomed in: half the width, so about half the scale. */
    px_map_report whole;
    o.atlas = 0;
    assert_int_equal(px_map_write(ctx, s, st, out, &o, &whole), PX_OK);
    px_assert_near(r.scale / whole.scale, 0.5, 0.01);
    free(out);
    px_style_free(st);
    px_store_close(s);
    free(dir);
    px_ctx_free(ctx);
}

static void test_px_map_write_bad_input(void **state)
{
    (void)state;
    px_ctx *ctx = NULL;
    assert_int_equal(px_ctx_new(&ctx), PX_OK);
    char *dir = px_test_tmpdir("print_bad");
    px_store *s = make_project(ctx, dir);
    px_style *st = make_style(ctx, dir);
    char *txt = px_test_path(dir, "map.txt"), *png = px_test_path(dir, "atlas.png");
    assert_int_equal(px_map_write(ctx, s, st, txt, NULL, NULL), PX_EINVAL);
    assert_non_null(strstr(px_ctx_errmsg(ctx), "must end in .pdf, .svg or .png"));
    px_map_options o;
    px_map_options_default(&o);
    o.atlas = 1;
    assert_int_equal(px_map_write(ctx, s, st, png, &o, NULL), PX_EINVAL);
    assert_non_null(strstr(px_ctx_errmsg(ctx), "must end in .pdf"));
    /* A style drawing a table the project does not have. */
    char *path = px_test_path(dir, "ghost.json");
    FILE *f = fopen(path, "w");
    fputs("{\"version\": 8, \"sources\": {}, \"layers\": [{\"id\": \"g\", \"type\": \"fill\", \"source-layer\": \"ghost\"}]}", f);
    fclose(f);
    px_style *ghost = NULL;
    assert_int_equal(px_style_read(ctx, path, &ghost), PX_OK);
    char *pdf = px_test_path(dir, "g.pdf");
    assert_int_equal(px_map_write(ctx, s, ghost, pdf, NULL, NULL), PX_ENOTFOUND);
    assert_non_null(strstr(px_ctx_errmsg(ctx), "source-layer 'ghost'"));
    FILE *left = fopen(pdf, "r");
    assert_null(left); /* nothing written */
    px_style_free(ghost);
    free(path);
    free(pdf);
    free(txt);
    free(png);
    px_style_free(st);
    px_store_close(s);
    free(dir);
    px_ctx_free(ctx);
}

static void test_px__style_legend_classes(void **state)
{
    (void)state;
    px_ctx *ctx = NULL;
    assert_int_equal(px_ctx_new(&ctx), PX_OK);
    char *dir = px_test_tmpdir("print_legend");
    px_style *st = make_style(ctx, dir);
    px__legend_item *it = NULL;
    size_t n = 0;
    assert_int_equal(px__style_legend(ctx, st, 10, &it, &n), PX_OK);
    /* Heading, two classes, then the outline layer as one line swatch. */
    assert_int_equal(n, 4);
    assert_int_equal(it[0].kind, PX__LEG_HEADING);
    assert_string_equal(it[0].label, "communes (population)");
    assert_int_equal(it[1].kind, PX__LEG_FILL);
    assert_string_equal(it[1].label, "under 1000");
    px_assert_near(it[1].color[2], 1, 1e-9);
    px_assert_near(it[1].color[0], 0, 1e-9);
    assert_string_equal(it[2].label, "1000 or more");
    px_assert_near(it[2].color[0], 1, 1e-9);
    assert_int_equal(it[3].kind, PX__LEG_LINE);
    assert_string_equal(it[3].label, "communes");
    px_assert_near(it[3].color[1], 1, 1e-9);
    free(it);
    char *a = px__style_attribution(st);
    assert_string_equal(a, "Test data");
    free(a);
    px_style_free(st);
    free(dir);
    px_ctx_free(ctx);
}

static void test_px_map_page_layout_sizes(void **state)
{
    (void)state;
    px_map_layout p = px_map_page_layout(PX_PAGE_A4, 0), l = px_map_page_layout(PX_PAGE_A3, 1);
    px_assert_near(p.page_w, 595.28, 0.01);
    px_assert_near(p.page_h, 841.89, 0.01);
    px_assert_near(l.page_w, 1190.55, 0.01);
    px_assert_near(l.page_h, 841.89, 0.01);
    /* Portrait: legend below the map; landscape: beside it. Everything on the page. */
    assert_true(p.legend.y >= p.frame.y + p.frame.h);
    assert_true(l.legend.x >= l.frame.x + l.frame.w);
    px_map_layout both[2] = {p, l};
    for (int i = 0; i < 2; i++) {
        px_rect rs[4] = {both[i].title, both[i].frame, both[i].legend, both[i].footer};
        for (int k = 0; k < 4; k++)
            assert_true(rs[k].x >= 0 && rs[k].y >= 0 && rs[k].w > 0 && rs[k].h > 0 &&
                        rs[k].x + rs[k].w <= both[i].page_w && rs[k].y + rs[k].h <= both[i].page_h);
    }
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *p = malloc((size_t)n + 1);
    assert_non_null(p);
    assert_int_equal(fread(p, 1, (size_t)n, f), (size_t)n);
    p[n] = 0;
    fclose(f);
    return p;
}

/* The comparison hook: changes handed in are listed first, with A, B and
 * B - A; analyses that did not run are named with the command to run. */
static void test_px_report_write_compare(void **state)
{
    (void)state;
    px_ctx *ctx = NULL;
    assert_int_equal(px_ctx_new(&ctx), PX_OK);
    char *dir = px_test_tmpdir("print_report");
    px_store *s = make_project(ctx, dir);
    char *style = px_test_path(dir, "style.json");
    px_style_free(make_style(ctx, dir));
    px_report_change ch[2] = {
        {"access_communes", "A", "Alpha", "", "walk_all_share", 1, 1, 0.5, 0.75},
        {"cycle_connectivity", "*", "All communes", "", "score", 1, 1, 40, 36.5},
    };
    px_report_compare cmp = {"2025", "2026", 2, ch};
    px_report_options o;
    px_report_options_default(&o);
    o.date = "2026-11-29";
    o.compare = &cmp;
    const char *styles[] = {style, NULL};
    o.map_styles = styles;
    char *out = px_test_path(dir, "rep");
    px_report_summary sum;
    assert_int_equal(px_report_write(ctx, s, out, &o, &sum), PX_OK);
    assert_int_equal(sum.n_sections, 1); /* the comparison; no analysis has run */
    assert_int_equal(sum.n_maps, 1);
    assert_int_equal(sum.n_charts, 0);
    char *md_path = px_test_path(out, "report.md"), *html_path = px_test_path(out, "report.html");
    char *md = slurp(md_path), *html = slurp(html_path);
    assert_non_null(strstr(md, "## What changed: 2026 compared with 2025"));
    assert_non_null(strstr(md, "| access_communes | Alpha |  | walk_all_share | 0.5 | 0.75 | +0.25 |"));
    assert_non_null(strstr(md, "| cycle_connectivity | All communes |  | score | 40 | 36.5 | -3.5 |"));
    assert_non_null(strstr(md, "Quarter-hour access: not in this project (run `proxima access PROJECT`)."));
    assert_non_null(strstr(md, "![Map: Population](maps/style.png)"));
    assert_non_null(strstr(md, "Features per layer: communes 2."));
    assert_null(strstr(html, "http"));
    assert_non_null(strstr(html, "src=\"data:image/png;base64,"));
    assert_non_null(strstr(html, "<td class=\"n\">+0.25</td>"));
    free(md);
    free(html);
    free(md_path);
    free(html_path);
    free(out);
    free(style);
    px_store_close(s);
    free(dir);
    px_ctx_free(ctx);
}

/* Under the sanitizer run: fontconfig keeps its configuration for the
 * process (FcFini is not ours to call: we do not link fontconfig). */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
    /* Library caches that live for the process (fonts, shaping, type system). */
    return "leak:libfontconfig.so\nleak:libpango\nleak:libcairo.so\nleak:libharfbuzz\nleak:libglib\nleak:libgobject\n";
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_px_map_write_png_content), cmocka_unit_test(test_px_map_write_scale),
        cmocka_unit_test(test_px_map_write_atlas),       cmocka_unit_test(test_px_map_write_bad_input),
        cmocka_unit_test(test_px__style_legend_classes), cmocka_unit_test(test_px_map_page_layout_sizes),
        cmocka_unit_test(test_px_report_write_compare),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    /* Pango and cairo keep process-wide font caches; drop them so the leak
     * checker of the sanitizer run sees only our allocations. */
    /* No cairo_debug_reset_static_data(): it aborts when pango still holds a
     * scaled font, which happens at random; the caches are suppressed above. */
    pango_cairo_font_map_set_default(NULL);
    return failed;
}
