/*
 * CSS colour strings as the MapLibre style specification allows them:
 * hexadecimal forms, rgb()/rgba(), hsl()/hsla() and a short table of the
 * named colours styles actually use. There is no CSS library in the stack,
 * and the grammar is a handful of printf-like forms. Left out: the full
 * 148-name CSS table (an unknown name is reported, not guessed).
 */
#include "style_int.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static const struct {
    const char *name;
    unsigned rgb;
} names[] = {
    {"black", 0x000000},     {"white", 0xffffff},     {"red", 0xff0000},      {"green", 0x008000},
    {"blue", 0x0000ff},      {"yellow", 0xffff00},    {"orange", 0xffa500},   {"purple", 0x800080},
    {"gray", 0x808080},      {"grey", 0x808080},      {"silver", 0xc0c0c0},   {"maroon", 0x800000},
    {"navy", 0x000080},      {"teal", 0x008080},      {"olive", 0x808000},    {"lime", 0x00ff00},
    {"aqua", 0x00ffff},      {"cyan", 0x00ffff},      {"fuchsia", 0xff00ff},  {"magenta", 0xff00ff},
    {"brown", 0xa52a2a},     {"pink", 0xffc0cb},      {"gold", 0xffd700},     {"darkgreen", 0x006400},
    {"lightgray", 0xd3d3d3}, {"lightgrey", 0xd3d3d3}, {"darkgray", 0xa9a9a9}, {"darkgrey", 0xa9a9a9},
    {"steelblue", 0x4682b4}, {"tomato", 0xff6347},    {"crimson", 0xdc143c},  {"forestgreen", 0x228b22},
};

static int hexval(int ch)
{
    if (ch >= '0' && ch <= '9') return ch - '0';
    ch = tolower(ch);
    if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
    return -1;
}

static double hue2rgb(double p, double q, double t)
{
    if (t < 0) t += 1;
    if (t > 1) t -= 1;
    if (t < 1.0 / 6) return p + (q - p) * 6 * t;
    if (t < 0.5) return q;
    if (t < 2.0 / 3) return p + (q - p) * (2.0 / 3 - t) * 6;
    return p;
}

static double clamp01(double v)
{
    return v < 0 ? 0 : v > 1 ? 1 : v;
}

int px__color_parse(const char *s, double out[4])
{
    if (!s) return -1;
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1]))
        n--;
    if (s[0] == '#') {
        int d[8];
        size_t k = n - 1;
        if (k != 3 && k != 4 && k != 6 && k != 8) return -1;
        for (size_t i = 0; i < k; i++)
            if ((d[i] = hexval(s[1 + i])) < 0) return -1;
        if (k <= 4) {
            for (int i = 0; i < 3; i++)
                out[i] = (d[i] * 17) / 255.0;
            out[3] = k == 4 ? (d[3] * 17) / 255.0 : 1;
        } else {
            for (int i = 0; i < 3; i++)
                out[i] = (d[2 * i] * 16 + d[2 * i + 1]) / 255.0;
            out[3] = k == 8 ? (d[6] * 16 + d[7]) / 255.0 : 1;
        }
        return 0;
    }
    double a = 1, v[3];
    char tail[4];
    if (sscanf(s, "rgba(%lf ,%lf ,%lf ,%lf )%1s", &v[0], &v[1], &v[2], &a, tail) == 4 ||
        sscanf(s, "rgb(%lf ,%lf ,%lf )%1s", &v[0], &v[1], &v[2], tail) == 3) {
        for (int i = 0; i < 3; i++)
            out[i] = clamp01(v[i] / 255.0);
        out[3] = clamp01(a);
        return 0;
    }
    if (sscanf(s, "hsla(%lf ,%lf%% ,%lf%% ,%lf )%1s", &v[0], &v[1], &v[2], &a, tail) == 4 ||
        sscanf(s, "hsl(%lf ,%lf%% ,%lf%% )%1s", &v[0], &v[1], &v[2], tail) == 3) {
        double h = fmod(fmod(v[0], 360) + 360, 360) / 360, sat = clamp01(v[1] / 100), l = clamp01(v[2] / 100);
        double q = l < 0.5 ? l * (1 + sat) : l + sat - l * sat, p = 2 * l - q;
        out[0] = hue2rgb(p, q, h + 1.0 / 3);
        out[1] = hue2rgb(p, q, h);
        out[2] = hue2rgb(p, q, h - 1.0 / 3);
        out[3] = clamp01(a);
        return 0;
    }
    if (n == 11 && !strncasecmp(s, "transparent", 11)) {
        out[0] = out[1] = out[2] = out[3] = 0;
        return 0;
    }
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strlen(names[i].name) == n && !strncasecmp(s, names[i].name, n)) {
            out[0] = ((names[i].rgb >> 16) & 255) / 255.0;
            out[1] = ((names[i].rgb >> 8) & 255) / 255.0;
            out[2] = (names[i].rgb & 255) / 255.0;
            out[3] = 1;
            return 0;
        }
    return -1;
}
