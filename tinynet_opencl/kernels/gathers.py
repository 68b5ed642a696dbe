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
/* gather_patches ("im2col"): out[s*P + p][j] = x_s[T[p*k + j]], 0 where the
   index is n.  Work-item g: entry g = r*k + j of the (m*P, k) result.
   X may be a batch read in place from its data set (idx, gather). */
__kernel void gather_patches(const int total, const int k, const int n, const int P,
                             __global const real *X, __global const int *idx, const int gather,
                             __global const int *T, __global real *out)
{
    const int g = get_global_id(0);
    if (g >= total) return;
    const int r = g / k, j = g - r * k;
    const int s = r / P, p = r - s * P;
    const int i = T[p * k + j];
    out[g] = i < n ? X[row_at(idx, gather, s) * n + i] : (real)0;
}

/* scatter_patches, the adjoint of gather_patches:
   out[s][i] = sum of G[s*P + p][j] over the (p, j) with T[p*k + j] = i,
   i.e. over f = inv[i*width + c] < P*k of the flat entries G[s*P*k + f].
   Work-item g: entry g = s*n + i of the (m, n) result. */
__kernel void scatter_patches(const int total, const int n, const int Pk, const int width,
                              __global const real *G, __global const int *inv, __global real *out)
{
    const int g = get_global_id(0);
    if (g >= total) return;
    const int s = g / n, i = g - s * n;
    const size_t base = (size_t)s * Pk;
    real sum = (real)0;
    for (int c = 0; c < width; ++c) {
        const int f = inv[i * width + c];
        if (f < Pk) sum += G[base + f];
    }
    out[g] = sum;
}

/* max_pool: A[s][q] = max_j x_s[T[q*k + j]] and Arg[s][q] = the first j
   that attains it (remembered for the backward pass).
   Work-item g: entry g = s*Q + q of the (m, Q) result. */
__kernel void max_pool(const int total, const int k, const int n, const int Q,
                       __global const real *X, __global const int *idx, const int gather,
                       __global const int *T, __global real *A, __global int *Arg)
{
    const int g = get_global_id(0);
    if (g >= total) return;
    const int s = g / Q, q = g - s * Q;
    __global const real *x = X + row_at(idx, gather, s) * n;
    real best = (real)0;
    int arg = 0;
    for (int j = 0; j < k; ++j) {
        const int i = T[q * k + j];
        const real v = i < n ? x[i] : (real)0;
        if (j == 0 || v > best) { best = v; arg = j; }
    }
    A[g] = best;
    Arg[g] = arg;
}

/* max_pool_grad, the max gate backwards: out[s][i] = sum of G[s][q] over the
   windows q whose argmax Arg[s][q] is the entry j that read input i
   (f = q*k + j in inv).  Work-item g: entry g = s*n + i of the (m, n) result. */
__kernel void max_pool_grad(const int total, const int n, const int Q, const int k,
                            const int width, __global const real *G, __global const int *Arg,
                            __global const int *inv, __global real *out)
{
    const int g = get_global_id(0);
    if (g >= total) return;
    const int s = g / n, i = g - s * n;
    real sum = (real)0;
    for (int c = 0; c < width; ++c) {
        const int f = inv[i * width + c];
        if (f < Q * k) {
            const int q = f / k;
            if (Arg[s * Q + q] == f - q * k) sum += G[s * Q + q];
        }
    }
    out[g] = sum;
}
"""
