/*
 * Colours as the MapLibre style specification reads them: CSS Color 4
 * strings (hexadecimal forms, rgb()/rgba() and hsl()/hsla() with commas or
 * spaces, percentages and a "/ alpha", the 148 CSS named colours,
 * "transparent"), their string form (MapLibre's "rgba(r,g,b,a)"), and
 * interpolation in RGB, HCL and CIELAB (D50, as MapLibre). There is no CSS
 * library in the stack and the grammar is small, so it is scanned here.
 * Left out: hwb(), lab()/lch() and color() functions, which MapLibre does not
 * read either.
 */
#include "style_int.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* The named colours of CSS Color Module Level 4, section 6.1. */
static const struct {
    const char *name;
    unsigned rgb;
} names[] = {
    {"aliceblue", 0xf0f8ff}, {"antiquewhite", 0xfaebd7}, {"aqua", 0x00ffff}, {"aquamarine", 0x7fffd4},
    {"azure", 0xf0ffff}, {"beige", 0xf5f5dc}, {"bisque", 0xffe4c4}, {"black", 0x000000},
    {"blanchedalmond", 0xffebcd}, {"blue", 0x0000ff}, {"blueviolet", 0x8a2be2}, {"brown", 0xa52a2a},
    {"burlywood", 0xdeb887}, {"cadetblue", 0x5f9ea0}, {"chartreuse", 0x7fff00}, {"chocolate", 0xd2691e},
    {"coral", 0xff7f50}, {"cornflowerblue", 0x6495ed}, {"cornsilk", 0xfff8dc}, {"crimson", 0xdc143c},
    {"cyan", 0x00ffff}, {"darkblue", 0x00008b}, {"darkcyan", 0x008b8b}, {"darkgoldenrod", 0xb8860b},
    {"darkgray", 0xa9a9a9}, {"darkgreen", 0x006400}, {"darkgrey", 0xa9a9a9}, {"darkkhaki", 0xbdb76b},
    {"darkmagenta", 0x8b008b}, {"darkolivegreen", 0x556b2f}, {"darkorange", 0xff8c00}, {"darkorchid", 0x9932cc},
    {"darkred", 0x8b0000}, {"darksalmon", 0xe9967a}, {"darkseagreen", 0x8fbc8f}, {"darkslateblue", 0x483d8b},
    {"darkslategray", 0x2f4f4f}, {"darkslategrey", 0x2f4f4f}, {"darkturquoise", 0x00ced1}, {"darkviolet", 0x9400d3},
    {"deeppink", 0xff1493}, {"deepskyblue", 0x00bfff}, {"dimgray", 0x696969}, {"dimgrey", 0x696969},
    {"dodgerblue", 0x1e90ff}, {"firebrick", 0xb22222}, {"floralwhite", 0xfffaf0}, {"forestgreen", 0x228b22},
    {"fuchsia", 0xff00ff}, {"gainsboro", 0xdcdcdc}, {"ghostwhite", 0xf8f8ff}, {"gold", 0xffd700},
    {"goldenrod", 0xdaa520}, {"gray", 0x808080}, {"green", 0x008000}, {"greenyellow", 0xadff2f},
    {"grey", 0x808080}, {"honeydew", 0xf0fff0}, {"hotpink", 0xff69b4}, {"indianred", 0xcd5c5c},
    {"indigo", 0x4b0082}, {"ivory", 0xfffff0}, {"khaki", 0xf0e68c}, {"lavender", 0xe6e6fa},
    {"lavenderblush", 0xfff0f5}, {"lawngreen", 0x7cfc00}, {"lemonchiffon", 0xfffacd}, {"lightblue", 0xadd8e6},
    {"lightcoral", 0xf08080}, {"lightcyan", 0xe0ffff}, {"lightgoldenrodyellow", 0xfafad2}, {"lightgray", 0xd3d3d3},
    {"lightgreen", 0x90ee90}, {"lightgrey", 0xd3d3d3}, {"lightpink", 0xffb6c1}, {"lightsalmon", 0xffa07a},
    {"lightseagreen", 0x20b2aa}, {"lightskyblue", 0x87cefa}, {"lightslategray", 0x778899}, {"lightslategrey", 0x778899},
    {"lightsteelblue", 0xb0c4de}, {"lightyellow", 0xffffe0}, {"lime", 0x00ff00}, {"limegreen", 0x32cd32},
    {"linen", 0xfaf0e6}, {"magenta", 0xff00ff}, {"maroon", 0x800000}, {"mediumaquamarine", 0x66cdaa},
    {"mediumblue", 0x0000cd}, {"mediumorchid", 0xba55d3}, {"mediumpurple", 0x9370db}, {"mediumseagreen", 0x3cb371},
    {"mediumslateblue", 0x7b68ee}, {"mediumspringgreen", 0x00fa9a}, {"mediumturquoise", 0x48d1cc}, {"mediumvioletred", 0xc71585},
    {"midnightblue", 0x191970}, {"mintcream", 0xf5fffa}, {"mistyrose", 0xffe4e1}, {"moccasin", 0xffe4b5},
    {"navajowhite", 0xffdead}, {"navy", 0x000080}, {"oldlace", 0xfdf5e6}, {"olive", 0x808000},
    {"olivedrab", 0x6b8e23}, {"orange", 0xffa500}, {"orangered", 0xff4500}, {"orchid", 0xda70d6},
    {"palegoldenrod", 0xeee8aa}, {"palegreen", 0x98fb98}, {"paleturquoise", 0xafeeee}, {"palevioletred", 0xdb7093},
    {"papayawhip", 0xffefd5}, {"peachpuff", 0xffdab9}, {"peru", 0xcd853f}, {"pink", 0xffc0cb},
    {"plum", 0xdda0dd}, {"powderblue", 0xb0e0e6}, {"purple", 0x800080}, {"rebeccapurple", 0x663399},
    {"red", 0xff0000}, {"rosybrown", 0xbc8f8f}, {"royalblue", 0x4169e1}, {"saddlebrown", 0x8b4513},
    {"salmon", 0xfa8072}, {"sandybrown", 0xf4a460}, {"seagreen", 0x2e8b57}, {"seashell", 0xfff5ee},
    {"sienna", 0xa0522d}, {"silver", 0xc0c0c0}, {"skyblue", 0x87ceeb}, {"slateblue", 0x6a5acd},
    {"slategray", 0x708090}, {"slategrey", 0x708090}, {"snow", 0xfffafa}, {"springgreen", 0x00ff7f},
    {"steelblue", 0x4682b4}, {"tan", 0xd2b48c}, {"teal", 0x008080}, {"thistle", 0xd8bfd8},
    {"tomato", 0xff6347}, {"turquoise", 0x40e0d0}, {"violet", 0xee82ee}, {"wheat", 0xf5deb3},
    {"white", 0xffffff}, {"whitesmoke", 0xf5f5f5}, {"yellow", 0xffff00}, {"yellowgreen", 0x9acd32},
};

static int hexval(int ch)
{
    if (ch >= '0' && ch <= '9') return ch - '0';
    if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
    return -1;
}

static double clamp(double v, double lo, double hi)
{
    if (isnan(v)) return v;
    return v < lo ? lo : v > hi ? hi : v;
}

/* A number of the CSS scanner: characters [0-9e.+-], read as JavaScript's +s. */
static const char *scan_num(const char *p, double *v)
{
    const char *s = p;
    while (isdigit((unsigned char)*p) || *p == 'e' || *p == '.' || *p == '+' || *p == '-')
        p++;
    if (p == s || p - s > 40) return NULL;
    char tmp[48];
    memcpy(tmp, s, (size_t)(p - s));
    tmp[p - s] = '\0';
    *v = px__js_to_number(tmp);
    return p;
}

static const char *skip_ws(const char *p)
{
    while (isspace((unsigned char)*p))
        p++;
    return p;
}

/* A separator between arguments: whitespace (' ') or a comma (','). */
static const char *scan_sep(const char *p, char *kind)
{
    const char *q = skip_ws(p);
    if (*q == ',') {
        *kind = ',';
        return skip_ws(q + 1);
    }
    if (q == p) return NULL;
    *kind = ' ';
    return q;
}

/* Arguments of rgb()/hsl(): three values (with a '%' flag each), an optional
 * alpha, and the separators used. 0 on success. */
static int scan_args(const char *p, int hsl, double v[4], int pct[4], char fmt[4])
{
    memset(fmt, 0, 4);
    p = skip_ws(p);
    for (int i = 0; i < 3; i++) {
        if (i > 0 && !(p = scan_sep(p, &fmt[i - 1]))) return -1;
        if (!(p = scan_num(p, &v[i]))) return -1;
        pct[i] = *p == '%';
        if (pct[i]) p++;
        if (hsl && i == 0 && !strncmp(p, "deg", 3)) p += 3;
    }
    const char *q = skip_ws(p);
    v[3] = 1;
    pct[3] = 0;
    if (*q == ',' || *q == '/') {
        fmt[2] = *q;
        q = skip_ws(q + 1);
        if (!(q = scan_num(q, &v[3]))) return -1;
        pct[3] = *q == '%';
        if (pct[3]) q++;
        double a = pct[3] ? v[3] / 100 : v[3];
        v[3] = clamp(a, 0, 1);
        q = skip_ws(q);
    }
    if (q[0] != ')' || q[1] != '\0') return -1;
    /* Either all spaces (with "/ alpha") or all commas. */
    if (!((fmt[0] == ' ' && fmt[1] == ' ' && (fmt[2] == 0 || fmt[2] == '/')) ||
          (fmt[0] == ',' && fmt[1] == ',' && (fmt[2] == 0 || fmt[2] == ','))))
        return -1;
    return 0;
}

int px__color_parse(const char *str, double out[4])
{
    if (!str) return -1;
    char s[128];
    str = skip_ws(str);
    size_t n = strlen(str);
    while (n && isspace((unsigned char)str[n - 1]))
        n--;
    if (n == 0 || n >= sizeof s) return -1;
    for (size_t i = 0; i < n; i++)
        s[i] = (char)tolower((unsigned char)str[i]);
    s[n] = '\0';
    double c[4];
    if (!strcmp(s, "transparent")) {
        out[0] = out[1] = out[2] = out[3] = 0;
        return 0;
    }
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (!strcmp(s, names[i].name)) {
            out[0] = ((names[i].rgb >> 16) & 255) / 255.0;
            out[1] = ((names[i].rgb >> 8) & 255) / 255.0;
            out[2] = (names[i].rgb & 255) / 255.0;
            out[3] = 1;
            return 0;
        }
    if (s[0] == '#') {
        size_t k = n - 1;
        if (k != 3 && k != 4 && k != 6 && k != 8) return -1;
        int d[8];
        for (size_t i = 0; i < k; i++)
            if ((d[i] = hexval(s[1 + i])) < 0) return -1;
        for (int i = 0; i < 4; i++) {
            if (k <= 4)
                c[i] = i < (int)k ? d[i] * 17 / 255.0 : 1;
            else
                c[i] = 2 * i < (int)k ? (d[2 * i] * 16 + d[2 * i + 1]) / 255.0 : 1;
        }
        memcpy(out, c, sizeof c);
        px__color_norm(out);
        return 0;
    }
    double v[4];
    int pct[4];
    char fmt[4];
    if (!strncmp(s, "rgb(", 4) || !strncmp(s, "rgba(", 5)) {
        if (scan_args(s + (s[3] == 'a' ? 5 : 4), 0, v, pct, fmt)) return -1;
        double maxv = pct[0] && pct[1] && pct[2] ? 100 : !pct[0] && !pct[1] && !pct[2] ? 255 : 0;
        if (!maxv) return -1;
        for (int i = 0; i < 3; i++)
            c[i] = clamp(v[i] / maxv, 0, 1);
        c[3] = v[3];
    } else if (!strncmp(s, "hsl(", 4) || !strncmp(s, "hsla(", 5)) {
        if (scan_args(s + (s[3] == 'a' ? 5 : 4), 1, v, pct, fmt)) return -1;
        if (pct[0] || !pct[1] || !pct[2]) return -1;
        double h = fmod(fmod(v[0], 360) + 360, 360), sat = clamp(v[1], 0, 100) / 100, l = clamp(v[2], 0, 100) / 100;
        if (isnan(h) || isnan(sat) || isnan(l) || isnan(v[3])) return -1;
        double a = sat * fmin(l, 1 - l);
        static const double ks[3] = {0, 8, 4};
        for (int i = 0; i < 3; i++) {
            double k = fmod(ks[i] + h / 30, 12);
            c[i] = l - a * fmax(-1, fmin(fmin(k - 3, 9 - k), 1));
        }
        c[3] = v[3];
    } else {
        return -1;
    }
    for (int i = 0; i < 4; i++)
        if (isnan(c[i])) return -1;
    memcpy(out, c, sizeof c);
    px__color_norm(out);
    return 0;
}

void px__color_norm(double c[4])
{
    /* MapLibre keeps the channels of a transparent colour ("rgba(255,0,0,0)"). */
    (void)c;
}

const char *px__color_string(const double c[4], char *buf, size_t len)
{
    char a[40];
    snprintf(buf, len, "rgba(%.0f,%.0f,%.0f,%s)", floor(c[0] * 255 + 0.5), floor(c[1] * 255 + 0.5),
             floor(c[2] * 255 + 0.5), px__js_number(c[3], a, sizeof a));
    return buf;
}

/* ---- CIELAB (D50) and HCL ------------------------------------------------------ */

#define XN 0.96422
#define YN 1.0
#define ZN 0.82521
#define T0 (4.0 / 29)
#define T1 (6.0 / 29)
#define T2 (3 * T1 * T1)
#define T3 (T1 * T1 * T1)

static double rgb2xyz(double x)
{
    return x <= 0.04045 ? x / 12.92 : pow((x + 0.055) / 1.055, 2.4);
}
static double xyz2lab(double t)
{
    return t > T3 ? cbrt(t) : t / T2 + T0;
}
static double lab2xyz(double t)
{
    return t > T1 ? t * t * t : T2 * (t - T0);
}
static double xyz2rgb(double x)
{
    x = x <= 0.00304 ? 12.92 * x : 1.055 * pow(x, 1 / 2.4) - 0.055;
    return x < 0 ? 0 : x > 1 ? 1 : x;
}

static void rgb_to_lab(const double c[4], double lab[4])
{
    double r = rgb2xyz(c[0]), g = rgb2xyz(c[1]), b = rgb2xyz(c[2]);
    double y = xyz2lab((0.2225045 * r + 0.7168786 * g + 0.0606169 * b) / YN), x, z;
    if (r == g && g == b) {
        x = z = y;
    } else {
        x = xyz2lab((0.4360747 * r + 0.3850649 * g + 0.1430804 * b) / XN);
        z = xyz2lab((0.0139322 * r + 0.0971045 * g + 0.7141733 * b) / ZN);
    }
    double l = 116 * y - 16;
    lab[0] = l < 0 ? 0 : l;
    lab[1] = 500 * (x - y);
    lab[2] = 200 * (y - z);
    lab[3] = c[3];
}

static void lab_to_rgb(const double lab[4], double c[4])
{
    double y = (lab[0] + 16) / 116;
    double x = isnan(lab[1]) ? y : y + lab[1] / 500;
    double z = isnan(lab[2]) ? y : y - lab[2] / 200;
    y = YN * lab2xyz(y);
    x = XN * lab2xyz(x);
    z = ZN * lab2xyz(z);
    c[0] = xyz2rgb(3.1338561 * x - 1.6168667 * y - 0.4906146 * z);
    c[1] = xyz2rgb(-0.9787684 * x + 1.9161415 * y + 0.0334540 * z);
    c[2] = xyz2rgb(0.0719453 * x - 0.2289914 * y + 1.4052427 * z);
    c[3] = lab[3];
}

static void rgb_to_hcl(const double c[4], double hcl[4])
{
    double lab[4];
    rgb_to_lab(c, lab);
    double ch = sqrt(lab[1] * lab[1] + lab[2] * lab[2]);
    double h = NAN;
    if (floor(ch * 10000 + 0.5) != 0) {
        h = fmod(atan2(lab[2], lab[1]) * 180 / M_PI, 360);
        if (h < 0) h += 360;
    }
    hcl[0] = h;
    hcl[1] = ch;
    hcl[2] = lab[0];
    hcl[3] = c[3];
}

void px__color_lerp(const double a[4], const double b[4], double t, int space, double out[4])
{
    if (space == 0) {
        for (int i = 0; i < 4; i++)
            out[i] = a[i] + t * (b[i] - a[i]);
    } else if (space == 2) {
        double la[4], lb[4], l[4];
        rgb_to_lab(a, la);
        rgb_to_lab(b, lb);
        for (int i = 0; i < 4; i++)
            l[i] = la[i] + t * (lb[i] - la[i]);
        lab_to_rgb(l, out);
    } else {
        double ha[4], hb[4], h, ch = NAN;
        rgb_to_hcl(a, ha);
        rgb_to_hcl(b, hb);
        if (!isnan(ha[0]) && !isnan(hb[0])) {
            double dh = hb[0] - ha[0];
            if (hb[0] > ha[0] && dh > 180)
                dh -= 360;
            else if (hb[0] < ha[0] && ha[0] - hb[0] > 180)
                dh += 360;
            h = ha[0] + t * dh;
        } else if (!isnan(ha[0])) {
            h = ha[0];
            if (hb[2] == 1 || hb[2] == 0) ch = ha[1];
        } else if (!isnan(hb[0])) {
            h = hb[0];
            if (ha[2] == 1 || ha[2] == 0) ch = hb[1];
        } else {
            h = NAN;
        }
        if (isnan(ch)) ch = ha[1] + t * (hb[1] - ha[1]);
        double l = ha[2] + t * (hb[2] - ha[2]), al = ha[3] + t * (hb[3] - ha[3]);
        double hr = isnan(h) ? 0 : h * M_PI / 180;
        double lab[4] = {l, cos(hr) * ch, sin(hr) * ch, al};
        lab_to_rgb(lab, out);
    }
    px__color_norm(out);
}
