"""The optimiser steps, in place: several parameter matrices a launch, and a
dense layer's gradient and step in one kernel."""

from .products import _BIAS_COLUMN, _outer

__all__ = ["OPTIMISERS", "STEP_SLOTS", "MULTI_STEPS", "STEP_FUNCTIONS", "DENSE_GRADS_STEP",
           "DENSE_GRADS_STEP_T"]

# === Optimiser steps, in place ==============================================

OPTIMISERS = r"""
/* The optimiser steps (sgd_steps, momentum_steps, adam_steps below; a single
   step is the same kernel with one slot used).  The penalties make the
   gradient g' = g + l2 * p + l1 * sign(p). */

inline real penalised(real g, real p, real l2, real l1)
{
    return g + l2 * p + l1 * (real)((p > (real)0) - (p < (real)0));
}

/* the same on VW entries (sign() is 0 at 0, like the scalar test above) */
inline realV penalised_v(realV g, realV p, real l2, real l1)
{
    return l1 != (real)0 ? g + l2 * p + l1 * sign(p) : g + l2 * p;
}

"""

#: How many parameter matrices one launch of a *_steps kernel updates.
STEP_SLOTS = 4


def _multi_step(name, buffers, body, vector_body, scalars):
    """A kernel that applies `body` to up to STEP_SLOTS parameter matrices.

    Slot s has the buffers `buffers` (suffixed s), n<s> entries and its own
    l2_<s>, l1_<s>; the work-items are dealt out slot after slot, VW entries
    each, and each finds its slot by counting off the earlier ones.
    """
    def declare(b, suffix=""):
        return "__global {}real *{}{}".format("const " if b == "G" else "", b, suffix)
    params, widths, picks = [], [], []
    for s in range(STEP_SLOTS):
        params += [declare(b, s) for b in buffers]
        params += ["const int n{}".format(s), "const real l2_{0}, const real l1_{0}".format(s)]
        widths.append("w{0} = (n{0} + VW - 1) / VW".format(s))
        test = "t < w0" if s == 0 else "(t -= w{}) < w{}".format(s - 1, s)
        picks.append("{}if ({}) {{ {} n = n{s}; l2 = l2_{s}; l1 = l1_{s}; }}".format(
            "" if s == 0 else "else ", test,
            " ".join("{0} = {0}{1};".format(b, s) for b in buffers), s=s))
    return r"""
/* {name}: the update below, in place, for up to {slots} parameter matrices
   in one launch (slot s: buffers {buffers} numbered s, n_s entries, its own
   penalties l2_s, l1_s).  The work-items are dealt out slot after slot, VW
   entries each: work-item t finds its slot by counting off the earlier ones. */
__kernel void {name}({params},
                     {scalars})
{{
    int t = get_global_id(0), n;
    real l2, l1;
    {declare};
    const int {widths};
    {picks}
    else return;
    const int e0 = t * VW;
    if (e0 + VW <= n) {{
        {vector_body}
    }} else for (int e = e0; e < n; ++e) {{
        {body}
    }}
}}
""".format(name=name, slots=STEP_SLOTS, buffers=", ".join(buffers),
           params=",\n                     ".join(params), scalars=scalars,
           declare="; ".join(declare(b) for b in buffers), widths=", ".join(widths),
           picks="\n    ".join(picks), body=body,
           vector_body=vector_body)


MULTI_STEPS = (
    _multi_step("sgd_steps", ["P", "G"],
                "P[e] -= lr * penalised(G[e], P[e], l2, l1);",
                "const realV p = LOADV(P, e0);"
                " STOREV(P, e0) = p - lr * penalised_v(LOADV(G, e0), p, l2, l1);",
                "const real lr")
    + _multi_step("momentum_steps", ["P", "V", "G"],
                  "const real v = mu * V[e] - lr * penalised(G[e], P[e], l2, l1);"
                  " V[e] = v; P[e] += v;",
                  "const realV p = LOADV(P, e0);"
                  " const realV v = mu * LOADV(V, e0) - lr * penalised_v(LOADV(G, e0), p, l2, l1);"
                  " STOREV(V, e0) = v; STOREV(P, e0) = p + v;",
                  "const real lr, const real mu")
    + _multi_step("adam_steps", ["P", "Mo", "V", "G"],
                  "const real g = penalised(G[e], P[e], l2, l1);"
                  " const real m = b1 * Mo[e] + (1 - b1) * g;"
                  " const real v = b2 * V[e] + (1 - b2) * g * g;"
                  " Mo[e] = m; V[e] = v; P[e] -= lr * (m * c1) / (sqrt(v * c2) + eps);",
                  "const realV p = LOADV(P, e0), g = penalised_v(LOADV(G, e0), p, l2, l1);"
                  " const realV m = b1 * LOADV(Mo, e0) + (1 - b1) * g;"
                  " const realV v = b2 * LOADV(V, e0) + (1 - b2) * g * g;"
                  " STOREV(Mo, e0) = m; STOREV(V, e0) = v;"
                  " STOREV(P, e0) = p - lr * (m * c1) / (sqrt(v * c2) + eps);",
                  "const real lr, const real b1, const real b2, const real eps, "
                  "const real c1, const real c2"))

# === Gradient and optimiser step in one kernel ===============================

#: One optimiser step, written once and made for VW entries (step_v) and one (step_s).
_STEP_FUNCTION = r"""
inline void {name}(const int opt, {T} g, __global {P} *p, __global {P} *s1,
                   __global {P} *s2, const real l2, const real l1, const real lr,
                   const real h1, const real h2, const real eps, const real bc1, const real bc2)
{{
    const {T} w = *p;
    g = {penalised}(g, w, l2, l1);
    if (opt == 0) {{
        *p = w - lr * g;
    }} else if (opt == 1) {{
        const {T} v = h1 * *s1 - lr * g;
        *s1 = v;
        *p = w + v;
    }} else {{
        const {T} m = h1 * *s1 + (1 - h1) * g;
        const {T} v = h2 * *s2 + (1 - h2) * g * g;
        *s1 = m;
        *s2 = v;
        *p = w - lr * (m * bc1) / (sqrt(v * bc2) + eps);
    }}
}}
"""

STEP_FUNCTIONS = r"""
/* One optimiser step of the parameters at p (VW of them, or one), gradient g:
     opt 0, SGD:       p <- p - lr g'
     opt 1, momentum:  v <- h1 v - lr g';  p <- p + v          (s1 = v, h1 = mu)
     opt 2, Adam:      m <- h1 m + (1 - h1) g';  v <- h2 v + (1 - h2) g'^2;
                       p <- p - lr (m bc1) / (sqrt(v bc2) + eps) (s1 = m, s2 = v)
   with g' = g + l2 p + l1 sign(p): the same arithmetic as the *_steps kernels. */""" + (
    _STEP_FUNCTION.format(name="step_v", T="realV", P="realVu", penalised="penalised_v")
    + _STEP_FUNCTION.format(name="step_s", T="real", P="real", penalised="penalised"))

#: Each gradient entry goes straight into the optimiser step of its weight.
_STORE_STEP = r"""
#define HYPER l2, l1, lr, h1, h2, eps, bc1, bc2
#define STORE_V(at, g) step_v(opt, (g), (__global realVu *)(C + (at)), \
                              (__global realVu *)(S1 + (at)), (__global realVu *)(S2 + (at)), HYPER)
#define STORE_S(at, g) step_s(opt, (g), C + (at), S1 + (at), S2 + (at), HYPER)
#define STORE_B(i, g) step_s(opt, (g), Pb + (i), S1b + (i), S2b + (i), (real)0, (real)0, \
                             lr, h1, h2, eps, bc1, bc2)
#define STORE_BV(i, g) step_v(opt, (g), (__global realVu *)(Pb + (i)), \
                              (__global realVu *)(S1b + (i)), (__global realVu *)(S2b + (i)), \
                              (real)0, (real)0, lr, h1, h2, eps, bc1, bc2)
"""

DENSE_GRADS_STEP = STEP_FUNCTIONS + _outer(
    "dense_grads_step",
    "A dense layer's gradient and its optimiser step in one launch; the\n"
    "   gradient is never stored:\n"
    "     g(W) = alpha * delta^T.A_prev,  g(b)[i] = alpha * sum_k delta[k][i]\n"
    "   (A = delta (K,M), B = A_prev (K,N), alpha = 1/K), and each entry of\n"
    "   g goes into step_v / step_s for its weight in C = W (M,N) or its bias\n"
    "   in Pb, with the optimiser state S1, S2 (W's) and S1b, S2b (b's).\n"
    "   The penalties l2, l1 apply to W, not to b.",
    "TN",
    args=", __global real *Pb, __global real *S1, __global real *S2, __global real *S1b,"
         " __global real *S2b, const int opt, const real lr, const real h1, const real h2,"
         " const real eps, const real bc1, const real bc2, const real l2, const real l1",
    b_gather=True,
    ones=1,
    ones_column=_BIAS_COLUMN,
    store=_STORE_STEP,
    extra="The block that holds column N (which does not exist in B) steps b.") + "#undef HYPER\n"

#: The bias of a layer stepped from its transposed gradient kernel: the
#: blocks of the first rows (i0 = 0) add up delta's columns.
_BIAS_ROWS = r"""/* the bias: g(b)[j] = alpha * sum_k delta[k][j], stepped by the blocks
       of the first rows, for their columns */
    if (i0 == 0) {
        if (j0 + 2 * VW <= N) {
            realV s0 = (realV)0, s1 = (realV)0;
            for (int k = 0; k < K; ++k) {
                const __global realVu *d = (const __global realVu *)(B + (size_t)k * N + j0);
                s0 += d[0];
                s1 += d[1];
            }
            STORE_BV(j0, alpha * s0);
            STORE_BV(j0 + VW, alpha * s1);
        } else
            for (int j = j0; j < N; ++j) {
                real s = 0;
                for (int k = 0; k < K; ++k) s += B[(size_t)k * N + j];
                STORE_B(j, alpha * s);
            }
    }"""

DENSE_GRADS_STEP_T = _outer(
    "dense_grads_step_t",
    "dense_grads_step for a first layer whose weights are kept transposed\n"
    "   (WT = W^T, as dense_forward_t reads them), with its optimiser state\n"
    "   transposed the same way:\n"
    "     g(WT) = alpha * A_prev^T.delta,  g(b)[j] = alpha * sum_k delta[k][j]\n"
    "   (A = A_prev (K,M), a batch read in place, B = delta (K,N), C = WT (M,N)).\n"
    "   Each entry steps as in dense_grads_step: the same numbers, transposed.",
    "TN",
    args=", __global real *Pb, __global real *S1, __global real *S2, __global real *S1b,"
         " __global real *S2b, const int opt, const real lr, const real h1, const real h2,"
         " const real eps, const real bc1, const real bc2, const real l2, const real l1",
    a_gather=True,
    epilogue=_BIAS_ROWS,
    store=_STORE_STEP,
    extra="With a_gather, row k of A is row a_idx[k] of the data set.") + "#undef HYPER\n"
