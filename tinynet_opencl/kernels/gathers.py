"""Receptive fields: the gathers of Conv2D and pooling, and their adjoints.

A patch table T (``tinynet.patches``) lists, for window p, the k entries of a
sample's row (n entries) that the window reads; an index equal to n is
padding and reads 0.  Its adjoint ``inv`` lists, for each input entry i,
``width`` window entries f = p·k + j that read it, padded with P·k (which
reads nothing).  Every kernel here is a gather, one output entry per
work-item, so no two work-items ever write the same entry: the adjoints
(scatter-adds) are written as gathers through ``inv``, which needs no
atomic additions and adds in the same order on every run.
"""

__all__ = ["GATHERS"]

# === Gathers =================================================================

GATHERS = r"""
/* Every kernel runs on a grid of work-items (e, s): e an entry of sample s's
   row of the result, s the sample.  No work-item divides: the tables give
   every index it needs. */

/* gather_patches ("im2col"): out[s][f] = x_s[T[f]] for the P*k entries
   f = p*k + j of sample s (entry j of window p), 0 where the index is n.
   Row s of the (m, P*k) result is rows s*P ... s*P + P-1 of the (m*P, k)
   patches.  X may be a batch read in place from its data set (idx, gather). */
__kernel void gather_patches(const int Pk, const int m, const int n,
                             __global const real *X, __global const int *idx, const int gather,
                             __global const int *T, __global real *out)
{
    const int f = get_global_id(0), s = get_global_id(1);
    if (f >= Pk || s >= m) return;
    const int i = T[f];
    out[(size_t)s * Pk + f] = i < n ? X[row_at(idx, gather, s) * n + i] : (real)0;
}

/* scatter_patches, the adjoint of gather_patches:
   out[s][i] = sum of G[s][f] over the f with T[f] = i, i.e. over
   f = inv[i*width + c] < P*k (the adjoint table, padded with P*k). */
__kernel void scatter_patches(const int n, const int m, const int Pk, const int width,
                              __global const real *G, __global const int *inv, __global real *out)
{
    const int i = get_global_id(0), s = get_global_id(1);
    if (i >= n || s >= m) return;
    __global const real *g = G + (size_t)s * Pk;
    __global const int *where = inv + i * width;
    real sum = (real)0;
    for (int c = 0; c < width; ++c) {
        const int f = where[c];
        if (f < Pk) sum += g[f];
    }
    out[(size_t)s * n + i] = sum;
}

/* max_pool: A[s][q] = max_j x_s[T[q*k + j]] and Arg[s][q] = the first j
   that attains it (remembered for the backward pass).  Branch-free (a
   select, not a jump, on the data), and unrolled for the 2x2 window. */
inline void window_max(__global const real *x, const int i, const int n, const int j,
                       real *best, int *arg)
{
    real v = x[min(i, n - 1)];
    v = i < n ? v : (real)0;                    /* index n: padding, a zero */
    const int more = v > *best;
    *best = more ? v : *best;
    *arg = more ? j : *arg;
}

__kernel void max_pool(const int Q, const int m, const int k, const int n,
                       __global const real *X, __global const int *idx, const int gather,
                       __global const int *T, __global real *A, __global int *Arg)
{
    const int q = get_global_id(0), s = get_global_id(1);
    if (q >= Q || s >= m) return;
    __global const real *x = X + row_at(idx, gather, s) * n;
    __global const int *window = T + q * k;
    const int i = window[0];
    real best = i < n ? x[min(i, n - 1)] : (real)0;
    int arg = 0;
    if (k == 4) {
        window_max(x, window[1], n, 1, &best, &arg);
        window_max(x, window[2], n, 2, &best, &arg);
        window_max(x, window[3], n, 3, &best, &arg);
    } else {
        for (int j = 1; j < k; ++j) window_max(x, window[j], n, j, &best, &arg);
    }
    A[(size_t)s * Q + q] = best;
    Arg[(size_t)s * Q + q] = arg;
}

/* max_pool_grad, the max gate backwards: out[s][i] = sum of G[s][q] over the
   windows q whose argmax Arg[s][q] is the entry j that read input i.  The
   adjoint tables list input i's reads c < width: window invq[i*width + c]
   read it as its entry invj[i*width + c] (padding: window 0, entry -1,
   which no argmax equals). */
__kernel void max_pool_grad(const int n, const int m, const int Q, const int width,
                            __global const real *G, __global const int *Arg,
                            __global const int *invj, __global const int *invq, __global real *out)
{
    const int i = get_global_id(0), s = get_global_id(1);
    if (i >= n || s >= m) return;
    __global const real *g = G + (size_t)s * Q;
    __global const int *arg = Arg + (size_t)s * Q;
    int q = invq[i * width];
    real sum = arg[q] == invj[i * width] ? g[q] : (real)0;
    for (int c = 1; c < width; ++c) {
        q = invq[i * width + c];
        sum += arg[q] == invj[i * width + c] ? g[q] : (real)0;
    }
    out[(size_t)s * n + i] = sum;
}

/* max_pool_grad where the windows tile the input (each input entry read by
   exactly one window entry: pooling with stride = size over sides it
   divides): work-item (q, s) writes its window's k inputs, G[s][q] at the
   argmax and 0 at the others.  Unrolled for the 2x2 window. */
__kernel void max_pool_grad_tiles(const int Q, const int m, const int k, const int n,
                                  __global const real *G, __global const int *Arg,
                                  __global const int *T, __global real *out)
{
    const int q = get_global_id(0), s = get_global_id(1);
    if (q >= Q || s >= m) return;
    const size_t at = (size_t)s * Q + q;
    const int arg = Arg[at];
    const real g = G[at];
    __global real *o = out + (size_t)s * n;
    __global const int *window = T + q * k;
    if (k == 4) {
        o[window[0]] = arg == 0 ? g : (real)0;
        o[window[1]] = arg == 1 ? g : (real)0;
        o[window[2]] = arg == 2 ? g : (real)0;
        o[window[3]] = arg == 3 ? g : (real)0;
    } else {
        for (int j = 0; j < k; ++j) o[window[j]] = arg == j ? g : (real)0;
    }
}
"""
