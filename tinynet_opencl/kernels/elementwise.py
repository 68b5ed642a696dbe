"""Entry-by-entry and row-by-row kernels: sums, products, activations and
their derivatives, softmax, argmax."""

__all__ = ["ELEMENTWISE"]

# === Elementwise and row-wise ================================================

ELEMENTWISE = r"""
/* Unless a kernel says otherwise, work-item t handles the VW entries
   t*VW .. t*VW + VW-1 (row-major) of the n entries: as one vector where they
   all exist, one at a time in the last, partial vector.  (On pocl a
   work-group costs about 0.2 µs however small, so one entry per work-item
   made the elementwise kernels slow.) */
#define LOADV(p, t) (*(const __global realVu *)((p) + (t)))
#define STOREV(p, t) (*(__global realVu *)((p) + (t)))

/* C = A op B, op = 0: +, 1: -, 2: *, 3: (A < B ? 1 : 0). */
__kernel void binary(const int n, const int op, __global const real *A,
                     __global const real *B, __global real *C)
{
    const int t0 = get_global_id(0) * VW;
    if (t0 + VW <= n) {
        const realV a = LOADV(A, t0), b = LOADV(B, t0);
        STOREV(C, t0) = op == 0 ? a + b : op == 1 ? a - b : op == 2 ? a * b
                        : (a < b ? (realV)1 : (realV)0);
    } else {
        for (int t = t0; t < n; ++t) {
            const real a = A[t], b = B[t];
            C[t] = op == 0 ? a + b : op == 1 ? a - b : op == 2 ? a * b
                   : (a < b ? (real)1 : (real)0);
        }
    }
}

/* C = s * A */
__kernel void scale(const int n, const real s, __global const real *A, __global real *C)
{
    const int t0 = get_global_id(0) * VW;
    if (t0 + VW <= n) STOREV(C, t0) = s * LOADV(A, t0);
    else for (int t = t0; t < n; ++t) C[t] = s * A[t];
}

/* Act = g(Z), entry by entry (not softmax). */
__kernel void activation(const int n, const int kind, const real slope,
                         __global const real *Z, __global real *Act)
{
    const int t0 = get_global_id(0) * VW;
    if (t0 + VW <= n) STOREV(Act, t0) = act_v(kind, LOADV(Z, t0), slope);
    else for (int t = t0; t < n; ++t) Act[t] = act(kind, Z[t], slope);
}

/* C = G * g'(Z), entry by entry (not softmax). */
__kernel void activation_grad(const int n, const int kind, const real slope,
                              __global const real *Z, __global const real *Act,
                              __global const real *G, __global real *C)
{
    const int t0 = get_global_id(0) * VW;
    for (int t = t0; t < min(t0 + VW, n); ++t)
        C[t] = G[t] * act_grad(kind, Z[t], Act[t], slope);
}

/* Row-wise kernels: work-item (x, r) handles entries x*VW .. x*VW + VW-1 of
   row r of the result. */

/* C = A + b, the row b added to every row: C[r][j] = A[r][j] + b[j]. */
__kernel void add_row(const int rows, const int cols, __global const real *A,
                      __global const real *b, __global real *C)
{
    const int j0 = get_global_id(0) * VW, r = get_global_id(1);
    if (r >= rows) return;
    const size_t o = (size_t)r * cols;
    if (j0 + VW <= cols) STOREV(C, o + j0) = LOADV(A, o + j0) + LOADV(b, j0);
    else for (int j = j0; j < cols; ++j) C[o + j] = A[o + j] + b[j];
}

/* C[r] = M[idx[r]]: the rows of a batch. */
__kernel void take_rows(const int rows, const int cols, __global const real *M,
                        __global const int *idx, __global real *C)
{
    const int j0 = get_global_id(0) * VW, r = get_global_id(1);
    if (r >= rows) return;
    const size_t o = (size_t)r * cols, from = (size_t)idx[r] * cols;
    if (j0 + VW <= cols) STOREV(C, o + j0) = LOADV(M, from + j0);
    else for (int j = j0; j < cols; ++j) C[o + j] = M[from + j];
}

/* out[j] = alpha * sum_i A[i][j]: work-item x sums columns x*VW .. x*VW+VW-1,
   VW entries of a row at a time, into four running sums (rows i, i+1, i+2,
   i+3), so that no addition waits for the one before it. */
__kernel void sum_rows(const int rows, const int cols, const real alpha,
                       __global const real *A, __global real *out)
{
    const int j0 = get_global_id(0) * VW;
    if (j0 >= cols) return;
    if (j0 + VW <= cols) {
        realV s0 = (realV)0, s1 = (realV)0, s2 = (realV)0, s3 = (realV)0;
        int i = 0;
        for (; i + 4 <= rows; i += 4) {
            const size_t at = (size_t)i * cols + j0;
            s0 += LOADV(A, at);
            s1 += LOADV(A, at + cols);
            s2 += LOADV(A, at + 2 * cols);
            s3 += LOADV(A, at + 3 * cols);
        }
        for (; i < rows; ++i) s0 += LOADV(A, (size_t)i * cols + j0);
        STOREV(out, j0) = alpha * ((s0 + s1) + (s2 + s3));
    } else {
        for (int j = j0; j < cols; ++j) {
            real s = 0;
            for (int i = 0; i < rows; ++i) s += A[(size_t)i * cols + j];
            out[j] = alpha * s;
        }
    }
}

/* softmax(z)_j = exp(z_j - max z) / sum_l exp(z_l - max z): work-item i
   does row i. */
__kernel void softmax_rows(const int rows, const int cols,
                           __global const real *Z, __global real *Act)
{
    const int i = get_global_id(0);
    if (i >= rows) return;
    const __global real *z = Z + (size_t)i * cols;
    __global real *a = Act + (size_t)i * cols;
    real z_max = z[0];
    for (int j = 1; j < cols; ++j) z_max = max(z_max, z[j]);
    real total = 0;
    for (int j = 0; j < cols; ++j) { a[j] = exp(z[j] - z_max); total += a[j]; }
    for (int j = 0; j < cols; ++j) a[j] /= total;
}

/* The softmax Jacobian-vector product, C = a * (g - g.a) per row: work-item
   i does row i. */
__kernel void softmax_grad_rows(const int rows, const int cols,
                                __global const real *Act, __global const real *G,
                                __global real *C)
{
    const int i = get_global_id(0);
    if (i >= rows) return;
    const size_t o = (size_t)i * cols;
    real ga = 0;
    for (int j = 0; j < cols; ++j) ga += G[o + j] * Act[o + j];
    for (int j = 0; j < cols; ++j) C[o + j] = Act[o + j] * (G[o + j] - ga);
}

/* The column of each row's largest value (the first if tied): work-item i
   does row i. */
__kernel void argmax_rows(const int rows, const int cols, __global const real *A,
                          __global int *out)
{
    const int i = get_global_id(0);
    if (i >= rows) return;
    const __global real *a = A + (size_t)i * cols;
    int best = 0;
    for (int j = 1; j < cols; ++j) if (a[j] > a[best]) best = j;
    out[i] = best;
}
"""
