/*
 * What the expression compiler's files (expr_parse.c, expr_parse_ctl.c)
 * share: the parsing context (JSON path for messages, let-bindings in
 * scope) and the helpers both use. Library-internal.
 */
#ifndef PX_EXPR_INT_H
#define PX_EXPR_INT_H

#include "style_int.h"

#define PX__ANN_DEFAULT 0
#define PX__ANN_ASSERT 1
#define PX__ANN_COERCE 2
#define PX__ANN_OMIT 3

typedef struct px__pc {
    px__arena *ar;
    char *err;
    size_t err_len;
    int failed;
    char path[128];
    size_t path_len;
    struct {
        const char *name;
        px__expr *e;
    } scope[64];
    int n_scope;
    int depth;
} px__pc;

/* Parse child `index` (-1: no path step) of the current expression. */
px__expr *px__pc_parse(px__pc *p, const json_t *j, int index, const px__stype *expected, int annot);
/* Record an error (the first one wins) at the current path (+ `index` if >= 0); returns NULL. */
px__expr *px__pc_error(px__pc *p, int index, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
px__expr *px__pc_node(px__pc *p, int op, px__stype type, unsigned n);

/* The special forms (expr_parse_ctl.c); NULL on error. */
px__expr *px__parse_step(px__pc *p, const json_t *j, const px__stype *exp);
px__expr *px__parse_interp(px__pc *p, const json_t *j, const px__stype *exp, int space);
px__expr *px__parse_match(px__pc *p, const json_t *j, const px__stype *exp);
px__expr *px__parse_case(px__pc *p, const json_t *j, const px__stype *exp);
px__expr *px__parse_coalesce(px__pc *p, const json_t *j, const px__stype *exp);
px__expr *px__parse_let(px__pc *p, const json_t *j, const px__stype *exp);
px__expr *px__parse_var(px__pc *p, const json_t *j);
px__expr *px__parse_at(px__pc *p, const json_t *j, const px__stype *exp);
px__expr *px__parse_in(px__pc *p, const json_t *j, int index_of);
px__expr *px__parse_slice(px__pc *p, const json_t *j);
px__expr *px__parse_length(px__pc *p, const json_t *j);
px__expr *px__parse_number_format(px__pc *p, const json_t *j);

/* expr_eval.c helpers used by the compiler */
int px__number_format(px__sctx *c, double x, const char *locale, const char *currency, double min_fd,
                      double max_fd, px__sval *out);
int px__rgba_check(px__sctx *c, const double *v, int n);

static inline px__stype px__T(unsigned char k)
{
    px__stype t = {k, PX__K_VALUE, -1};
    return t;
}

#endif
