"""The OpenCL C sources of the backend, one named constant per kernel family.

Every kernel is written for a scalar type ``real`` (``float`` by default,
``double`` when the backend is created with ``dtype="float64"``); ``realV``
is the vector of VW of them and ``realVu`` the same vector at the alignment
of one ``real``, so that a row of any length can be read VW entries at a
time.  VW and the shapes of the blocks the products' work-items compute are
build options, chosen per device by ``programs.tiles_for``: on a CPU few
work-items with big blocks (VW 8 or 16), on a GPU many with small ones.
All matrices are row-major: entry (i, j) of an (M, N) matrix is ``X[i*N + j]``.

Each constant says its math and which output entries one work-item writes.
``SOURCE`` (all of them joined) is built once per context
(``tinynet_opencl.backend``).

Two things measured on the pocl CPU driver shaped these kernels:

* ``vload8``/``vstore8`` and ``fma()`` compile to function calls there
  (5-10x slower), so vectors are read through a cast pointer (``realVu *``)
  and products are written ``c += a * b`` with ``-cl-mad-enable``;
* tiling through ``__local`` memory was slower than register blocking, so the
  fast products keep a small block of C in registers and read A and B
  straight from global memory (the CPU caches do the tiling).

On a GPU (measured on an NVIDIA H100) the same kernels run, with smaller
blocks so that a classroom-sized product still has thousands of work-items.
"""

__all__ = ["SOURCE", "PREAMBLE", "ACTIVATION_KINDS"]

#: Activation name -> the ``kind`` number the kernels switch on.
ACTIVATION_KINDS = {"linear": 0, "sigmoid": 1, "tanh": 2, "relu": 3,
                    "leaky_relu": 4, "softmax": 5}

# === Shared definitions ======================================================

PREAMBLE = r"""
/* real (float or double), VW (4, 8 or 16), realV (the VW-vector of real),
   the block shapes BR, NT_ROWS and NT_COLS, and REAL_IS_DOUBLE come from the
   build options (-D...; programs.tiles_for chooses them for the device). */
#ifdef REAL_IS_DOUBLE
#pragma OPENCL EXTENSION cl_khr_fp64 : enable
#endif
typedef realV realVu __attribute__((aligned(sizeof(real))));   /* unaligned VW-vector */

/* g(z) for the activation numbered `kind` (see ACTIVATION_KINDS); softmax
   is row-wise and has its own kernel, so it is not handled here. */
inline real act(int kind, real z, real alpha)
{
    switch (kind) {
    case 1: return (real)0.5 + (real)0.5 * tanh((real)0.5 * z);   /* sigmoid */
    case 2: return tanh(z);
    case 3: return z > (real)0 ? z : (real)0;                     /* relu */
    case 4: return z > (real)0 ? z : alpha * z;                   /* leaky relu */
    default: return z;                                            /* linear */
    }
}

/* The same on a vector: pocl's vector tanh costs about 1 ns an entry, its
   scalar tanh about 11 ns, so kernels apply g to VW entries at a time. */
inline realV act_v(int kind, realV z, real alpha)
{
    switch (kind) {
    case 1: return (realV)0.5 + (realV)0.5 * tanh((realV)0.5 * z);
    case 2: return tanh(z);
    case 3: return z > (realV)0 ? z : (realV)0;
    case 4: return z > (realV)0 ? z : alpha * z;
    default: return z;
    }
}

/* g'(z), written through a = g(z) where that is simpler. */
inline real act_grad(int kind, real z, real a, real alpha)
{
    switch (kind) {
    case 1: return a * ((real)1 - a);                             /* sigmoid */
    case 2: return (real)1 - a * a;                               /* tanh */
    case 3: return z > (real)0 ? (real)1 : (real)0;               /* relu */
    case 4: return z > (real)0 ? (real)1 : alpha;                 /* leaky relu */
    default: return (real)1;                                      /* linear */
    }
}

/* Row i of a matrix that may be a gathered batch: idx[i] when gather is 1
   (the batch's rows are read in place from the whole data set), else i. */
inline size_t row_at(__global const int *idx, const int gather, const int i)
{
    return gather ? (size_t)idx[i] : (size_t)i;
}

/* the sum of a vector's entries */
inline real hsum(realV v)
{
#if VW == 16
    const real8 s8 = v.lo + v.hi;
    const real4 s4 = s8.lo + s8.hi;
#elif VW == 8
    const real4 s4 = v.lo + v.hi;
#else
    const real4 s4 = v;
#endif
    const real2 s2 = s4.lo + s4.hi;
    return s2.x + s2.y;
}
"""

# === Products ================================================================

MATMUL_NAIVE = r"""
/* The reference product, one output per work-item:
     C[i][j] = alpha * sum_k opA(i, k) * opB(k, j)
   with opA(i, k) = A[i][k] (A is M x K) or A[k][i] when trans_a (A is K x M),
   and  opB(k, j) = B[k][j] (B is K x N) or B[j][k] when trans_b (B is N x K).
   Work-item (j, i) writes C[i][j]. */
__kernel void matmul_naive(const int M, const int N, const int K,
                           __global const real *A, const int trans_a,
                           __global const real *B, const int trans_b,
                           const real alpha, __global real *C)
{
    const int j = get_global_id(0), i = get_global_id(1);
    if (i >= M || j >= N) return;
    real s = 0;
    for (int k = 0; k < K; ++k) {
        const real a = trans_a ? A[k * M + i] : A[i * K + k];
        const real b = trans_b ? B[j * K + k] : B[k * N + j];
        s += a * b;
    }
    C[i * N + j] = alpha * s;
}
"""

# The register-blocked A·B and Aᵀ·B share one body; only the address of
# opA(i, k) differs, so the body is a template filled in below.
_OUTER_TEMPLATE = r"""
/* $MATH
   Work-item (x, y) computes the BR x 2VW block of C with rows BR*y ..
   BR*y + BR-1 and columns 2VW x .. 2VW x + 2VW-1 (BR and VW come from the
   device: BR 6 and VW 8 or 16 on a CPU, BR 4 and VW 4 on a GPU; programs.tiles_for).
   For each k it reads 2VW entries of B's row k as two vectors and one entry
   of opA per row, and adds the outer product into 2BR vector accumulators.
   Rows past M are clamped for reading and not written; a block that sticks
   out past column N is done one entry at a time.  Results leave through
   STORE_V (VW entries from C[at]) and STORE_S (one entry), defined above
   the kernel: plain writes to C, or an optimiser step.
   $EXTRA */
__kernel void $NAME(const int M, const int N, const int K,
                    __global const real *A, __global const real *B,
                    const real alpha, __global real *C $ARGS)
{
    const int j0 = get_global_id(0) * (2 * VW);
    const int i0 = get_global_id(1) * BR;
    if (i0 >= M || j0 >= N + $ONES) return;
    if (j0 + 2 * VW <= N) {
        const __global real *a[BR];          /* opA(i0 + r, k) = a[r][k * A_STEP] */
        realV c0[BR], c1[BR];
        #pragma unroll
        for (int r = 0; r < BR; ++r) {
            a[r] = A + $A_ROW(min(i0 + r, M - 1));
            c0[r] = (realV)0;
            c1[r] = (realV)0;
        }
        size_t ka = 0;
        for (int k = 0; k < K; ++k) {
            const __global realVu *b = (const __global realVu *)(B + $B_ROW(k) * N + j0);
            const realV b0 = b[0], b1 = b[1];
            #pragma unroll
            for (int r = 0; r < BR; ++r) {
                const real a_rk = a[r][ka];
                c0[r] += a_rk * b0;
                c1[r] += a_rk * b1;
            }
            ka += $A_STEP;
        }
        for (int r = 0; r < BR && i0 + r < M; ++r) {
            const size_t at = (size_t)(i0 + r) * N + j0;
            STORE_V(at, alpha * c0[r]);
            STORE_V(at + VW, alpha * c1[r]);
        }
    } else {
        const int j_end = min(j0 + 2 * VW, N + $ONES);
        for (int r = 0; r < BR && i0 + r < M; ++r) {
            const int i = i0 + r;
            const __global real *a = A + $A_ROW(i);
            for (int j = j0; j < min(j_end, N); ++j) {
                real s = 0;
                for (int k = 0; k < K; ++k) s += a[(size_t)k * $A_STEP] * B[$B_ROW(k) * N + j];
                STORE_S((size_t)i * N + j, alpha * s);
            }
            $ONES_COLUMN
        }
    }
    $EPILOGUE
}
#undef STORE_V
#undef STORE_S
#undef STORE_B
"""

#: Results written to C, as a product does.
_STORE_C = r"""
#define STORE_V(at, value) (*(__global realVu *)(C + (at)) = (value))
#define STORE_S(at, value) (C[at] = (value))
"""


def _outer(name, math, a_layout, args="", ones=0, ones_column="", epilogue="", extra="",
           b_gather=False, store=_STORE_C):
    """One kernel from the template; a_layout "NN" reads A (M,K), "TN" A (K,M).

    b_gather: B's rows may be a gathered batch (arguments b_idx, b_gather).
    store: the STORE_V / STORE_S definitions the results leave through.
    """
    a_row, a_step = {"NN": ("(size_t)K * ", "1"), "TN": ("", "M")}[a_layout]
    b_row = "row_at(b_idx, b_gather, k)" if b_gather else "(size_t)k"
    if b_gather:
        args = ", __global const int *b_idx, const int b_gather" + args
    text = store + _OUTER_TEMPLATE
    for key, value in (("$NAME", name), ("$MATH", math), ("$A_ROW", a_row),
                       ("$A_STEP", a_step), ("$B_ROW(k)", b_row),
                       ("$ARGS", args), ("$ONES_COLUMN", ones_column),
                       ("$ONES", str(ones)), ("$EPILOGUE", epilogue),
                       ("$EXTRA", extra)):
        text = text.replace(key, value)
    return text


MATMUL_NN = _outer(
    "matmul_nn",
    "C = alpha * A.B:  C[i][j] = alpha * sum_k A[i][k] * B[k][j];  A (M,K), B (K,N).",
    "NN")

MATMUL_TN = _outer(
    "matmul_tn",
    "C = alpha * A^T.B:  C[i][j] = alpha * sum_k A[k][i] * B[k][j];  A (K,M), B (K,N),\n"
    "   read in place (no transpose is made).",
    "TN")

#: The extra column of the weight-gradient kernels: db[i] = alpha * sum_k delta[k][i].
_BIAS_COLUMN = r"""if (j_end > N) {
                real s = 0;
                for (int k = 0; k < K; ++k) s += a[(size_t)k * M];
                STORE_B(i, alpha * s);
            }"""

DENSE_GRADS = _outer(
    "dense_grads",
    "The weight and bias gradients of a dense layer in one launch:\n"
    "     dW = alpha * delta^T.A_prev   (C here; A = delta (K,M), B = A_prev (K,N))\n"
    "     db[i] = alpha * sum_k delta[k][i]   (db, a row of M)\n"
    "   db is the product with one extra column of B that is all ones.",
    "TN",
    args=", __global real *db",
    b_gather=True,
    ones=1,
    ones_column=_BIAS_COLUMN,
    store=_STORE_C + "#define STORE_B(i, value) (db[i] = (value))\n",
    extra="The block that holds column N (which does not exist in B) computes db.\n"
          "   With b_gather, row k of B is row b_idx[k] of the data set (a batch\n"
          "   read in place).")

BACKPROP_DELTA = _outer(
    "backprop_delta",
    "The hidden-layer delta, the product and g' in one launch:\n"
    "     C[i][j] = g'(Z[i][j]) * sum_k delta[i][k] * W[k][j]\n"
    "   (A = delta (M,K) of the next layer, B = W (K,N) its weights, Z and Act\n"
    "   this layer's cache (M,N); alpha is 1).",
    "NN",
    args=", __global const real *Z, __global const real *Act, const int kind, const real slope",
    epilogue=r"""/* then multiply this work-item's block by g'(z), in place */
    for (int r = 0; r < BR && i0 + r < M; ++r)
        for (int j = j0; j < min(j0 + 2 * VW, N); ++j) {
            const int at = (i0 + r) * N + j;
            C[at] *= act_grad(kind, Z[at], Act[at], slope);
        }""")

PRODUCTS = (MATMUL_NAIVE + MATMUL_NN + MATMUL_TN + DENSE_GRADS + BACKPROP_DELTA)

DENSE_FORWARD = r"""
/* C = A.W^T (+ b) and, when kind >= 0, Act = g(C): the forward pass of a
   dense layer, Z = A.W^T + b, A' = g(Z), with one sample per row of A:
     Z[i][j] = sum_k A[i][k] * W[j][k] + b[j];   A (M,K), W (N,K), b (1,N).
   Also the plain product A.B^T (has_bias = 0, kind = -1).
   Work-item (x, y) computes the NT_ROWS x NT_COLS block of rows
   NT_ROWS*y .. and columns NT_COLS*x .. : both operands are read along k,
   VW entries at a time, into NT_ROWS*NT_COLS vector accumulators that are
   summed across at the end.  Rows and columns past the edge are clamped for
   reading and not written.  With a_gather, row i of A is row a_idx[i] of
   the data set (a batch read in place). */
__kernel void dense_forward(const int M, const int N, const int K,
                            __global const real *A, __global const int *a_idx,
                            const int a_gather, __global const real *W,
                            __global const real *b, const int has_bias,
                            const int kind, const real slope,
                            __global real *Z, __global real *Act)
{
    const int j0 = get_global_id(0) * NT_COLS;
    const int i0 = get_global_id(1) * NT_ROWS;
    if (i0 >= M || j0 >= N) return;
    const __global real *a[NT_ROWS], *w[NT_COLS];
    #pragma unroll
    for (int r = 0; r < NT_ROWS; ++r) a[r] = A + row_at(a_idx, a_gather, min(i0 + r, M - 1)) * K;
    #pragma unroll
    for (int c = 0; c < NT_COLS; ++c) w[c] = W + (size_t)min(j0 + c, N - 1) * K;
    realV acc[NT_ROWS * NT_COLS];   /* acc[r*NT_COLS + c]: 1-D, so it stays in registers */
    #pragma unroll
    for (int t = 0; t < NT_ROWS * NT_COLS; ++t) acc[t] = (realV)0;
    int k = 0;
    for (; k + VW <= K; k += VW) {
        realV av[NT_ROWS];
        #pragma unroll
        for (int r = 0; r < NT_ROWS; ++r) av[r] = *(const __global realVu *)(a[r] + k);
        #pragma unroll
        for (int c = 0; c < NT_COLS; ++c) {
            const realV wv = *(const __global realVu *)(w[c] + k);
            #pragma unroll
            for (int r = 0; r < NT_ROWS; ++r) acc[r * NT_COLS + c] += av[r] * wv;
        }
    }
    /* z for the block (NT_ROWS*NT_COLS is a multiple of VW), then g(z) on
       whole vectors of it */
    real z[NT_ROWS * NT_COLS], g[NT_ROWS * NT_COLS];
    #pragma unroll
    for (int r = 0; r < NT_ROWS; ++r)
        #pragma unroll
        for (int c = 0; c < NT_COLS; ++c) {
            real s = hsum(acc[r * NT_COLS + c]);
            for (int kk = k; kk < K; ++kk) s += a[r][kk] * w[c][kk];
            z[r * NT_COLS + c] = has_bias ? s + b[min(j0 + c, N - 1)] : s;
        }
    if (kind >= 0)
        for (int q = 0; q < NT_ROWS * NT_COLS; q += VW)
            *(realV *)(g + q) = act_v(kind, *(realV *)(z + q), slope);
    for (int r = 0; r < NT_ROWS && i0 + r < M; ++r)
        for (int c = 0; c < NT_COLS && j0 + c < N; ++c) {
            const size_t at = (size_t)(i0 + r) * N + j0 + c;
            Z[at] = z[r * NT_COLS + c];
            if (kind >= 0) Act[at] = g[r * NT_COLS + c];
        }
}
"""

DENSE_SOFTMAX = r"""
/* Row i of a softmax output layer with a few outputs (N <= 64):
     z = a.W^T + b  (N dot products of length K, VW entries at a time),
     g = softmax(z) = exp(z - z_max) / total,  total = sum_j exp(z_j - z_max);
   returns log sum_j exp(z_j) = z_max + log(total), which the cross-entropy
   needs.  exp is taken VW entries at a time from a private copy of the row
   (pocl's scalar exp costs about 10 ns, the vector one about 1 ns an entry). */
inline real dense_softmax_row(const __global real *a, const __global real *W,
                              const __global real *b, const int N, const int K,
                              __global real *z, __global real *g)
{
    real z_max = -INFINITY;
    real zr[64], er[64];            /* the row's z, then exp(z - z_max); N <= 64 */
    for (int j = 0; j < N; ++j) {
        const __global real *w = W + (size_t)j * K;
        realV acc = (realV)0;
        int k = 0;
        for (; k + VW <= K; k += VW)
            acc += *(const __global realVu *)(a + k) * *(const __global realVu *)(w + k);
        real s = hsum(acc) + b[j];
        for (; k < K; ++k) s += a[k] * w[k];
        z[j] = s;
        zr[j] = s;
        z_max = max(z_max, s);
    }
    for (int j = N; j < 64; ++j) zr[j] = -INFINITY;          /* exp(-inf) = 0 */
    real total = 0;
    for (int q = 0; q < N; q += VW) {
        const realV e = exp(*(realV *)(zr + q) - z_max);
        *(realV *)(er + q) = e;
        total += hsum(e);
    }
    for (int j = 0; j < N; ++j) g[j] = er[j] / total;
    return z_max + log(total);
}

/* A softmax output layer in one launch: Z = A.W^T + b, Act = softmax(Z);
   work-item i does row i. */
__kernel void dense_softmax(const int M, const int N, const int K,
                            __global const real *A, __global const real *W,
                            __global const real *b, __global real *Z, __global real *Act)
{
    const int i = get_global_id(0);
    if (i >= M) return;
    dense_softmax_row(A + (size_t)i * K, W, b, N, K, Z + (size_t)i * N, Act + (size_t)i * N);
}
"""

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

/* out[j] = alpha * sum_i A[i][j]: work-item j sums column j. */
__kernel void sum_rows(const int rows, const int cols, const real alpha,
                       __global const real *A, __global real *out)
{
    const int j = get_global_id(0);
    if (j >= cols) return;
    real s = 0;
    for (int i = 0; i < rows; ++i) s += A[(size_t)i * cols + j];
    out[j] = alpha * s;
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

# === Losses and counts (one work-group adds into the accumulator) ===========

REDUCTIONS = r"""
/* Each kernel here runs as ONE work-group of LOCAL work-items, so that it
   can add its total to acc[0] without atomics (kernels on an in-order queue
   run one after another).  Work-item l handles rows l, l + LOCAL, ...
   (and for the gradient, the entries of those rows); the per-work-item sums
   are then added up in local memory.  The targets T may be a gathered batch:
   row i of T is row t_idx[i] of the data set when t_gather is 1. */

inline void add_to_acc(__local real *part, real mine, __global real *acc)
{
    const int l = get_local_id(0);
    part[l] = mine;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int width = LOCAL / 2; width > 0; width /= 2) {
        if (l < width) part[l] += part[l + width];
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    if (l == 0) acc[0] += part[0];
}

/* 1 when row i is classified right: its largest entry of A is where T's
   is (the first if tied); with one column, a and t on the same side of 0.5. */
inline real row_correct(__global const real *a, __global const real *t, const int cols)
{
    if (cols == 1) return ((a[0] > (real)0.5) == (t[0] > (real)0.5)) ? 1 : 0;
    int best_a = 0, best_t = 0;
    for (int j = 1; j < cols; ++j) {
        if (a[j] > a[best_a]) best_a = j;
        if (t[j] > t[best_t]) best_t = j;
    }
    return best_a == best_t ? 1 : 0;
}

/* acc += the loss summed by this work-group; when count is 1, also
   correct += the rows it found right (part is reused after a barrier). */
inline void add_loss_and_count(__local real *part, real loss, __global real *acc,
                               const int count, real right, __global real *correct)
{
    add_to_acc(part, loss, acc);
    if (count) {
        barrier(CLK_LOCAL_MEM_FENCE);
        add_to_acc(part, right, correct);
    }
}

/* acc += scale * sum (a - t)^2;  D = 2 * scale * (A - T). */
__kernel void squared_error(const int rows, const int cols, const real scale,
                            __global const real *A, __global const real *T,
                            __global const int *t_idx, const int t_gather,
                            __global real *D, __global real *acc)
{
    __local real part[LOCAL];
    real mine = 0;
    for (int i = get_local_id(0); i < rows; i += LOCAL)
        for (int j = 0; j < cols; ++j) {
            const int at = i * cols + j;
            const real d = A[at] - T[row_at(t_idx, t_gather, i) * cols + j];
            mine += d * d;
            D[at] = 2 * scale * d;
        }
    add_to_acc(part, scale * mine, acc);
}

/* acc += -sum t * log softmax(z), with log softmax(z)_j = z_j - (z_max +
   log sum_l exp(z_l - z_max)) (log-sum-exp: no overflow);  D = A - T.
   Act = softmax(Z) (the layer's cache), so its largest entry is
   a_max = 1 / sum_l exp(z_l - z_max), and log sum_l exp(z_l - z_max) is
   -log a_max (a_max >= 1/cols: never a log of 0): one log a row instead of
   an exp an entry.
   When count is 1, also correct += the rows classified right (count_correct
   in the same launch).  (A softmax layer whose forward pass is still waiting
   gets all of this, and more, from output_step below.) */
/* One row: returns its cross-entropy -sum_j t_j (z_j - log_sum), with
   log_sum = log sum_j exp z_j, and writes its delta d = a - t. */
inline real cross_entropy_row(const __global real *z, const __global real *a,
                              const __global real *t, __global real *d, const int cols,
                              const real log_sum)
{
    real loss = 0;
    for (int j = 0; j < cols; ++j) {
        if (t[j] != (real)0) loss += t[j] * (log_sum - z[j]);
        d[j] = a[j] - t[j];
    }
    return loss;
}

__kernel void softmax_cross_entropy(const int rows, const int cols,
                                    __global const real *Z, __global const real *Act,
                                    __global const real *T, __global const int *t_idx,
                                    const int t_gather, __global real *D,
                                    __global real *acc, const int count,
                                    __global real *correct)
{
    __local real part[LOCAL];
    real mine = 0, right = 0;
    for (int i = get_local_id(0); i < rows; i += LOCAL) {
        const size_t o = (size_t)i * cols;
        int j_max = 0;
        for (int j = 1; j < cols; ++j) if (Z[o + j] > Z[o + j_max]) j_max = j;
        const real log_sum = Z[o + j_max] - log(Act[o + j_max]);
        const __global real *t = T + row_at(t_idx, t_gather, i) * cols;
        if (count) right += row_correct(Act + o, t, cols);
        mine += cross_entropy_row(Z + o, Act + o, t, D + o, cols, log_sum);
    }
    add_loss_and_count(part, mine, acc, count, right, correct);
}

/* acc += sum max(z, 0) - z t + log(1 + exp(-|z|))  (the logistic loss
   -t log a - (1 - t) log(1 - a) with a = sigmoid(z), never a log of 0);
   D = A - T;  when count is 1, also correct += the rows classified right. */
__kernel void logistic_loss(const int rows, const int cols,
                            __global const real *Z, __global const real *Act,
                            __global const real *T, __global const int *t_idx,
                            const int t_gather, __global real *D,
                            __global real *acc, const int count,
                            __global real *correct)
{
    __local real part[LOCAL];
    real mine = 0, right = 0;
    for (int i = get_local_id(0); i < rows; i += LOCAL) {
        const __global real *t_row = T + row_at(t_idx, t_gather, i) * cols;
        if (count) right += row_correct(Act + (size_t)i * cols, t_row, cols);
        for (int j = 0; j < cols; ++j) {
            const int at = i * cols + j;
            const real z = Z[at], t = t_row[j];
            mine += max(z, (real)0) - z * t + log1p(exp(-fabs(z)));
            D[at] = Act[at] - t;
        }
    }
    add_loss_and_count(part, mine, acc, count, right, correct);
}

/* acc += the number of rows classified right (row_correct above). */
__kernel void count_correct(const int rows, const int cols,
                            __global const real *A, __global const real *T,
                            __global const int *t_idx, const int t_gather,
                            __global real *acc)
{
    __local real part[LOCAL];
    real mine = 0;
    for (int i = get_local_id(0); i < rows; i += LOCAL)
        mine += row_correct(A + (size_t)i * cols, T + row_at(t_idx, t_gather, i) * cols, cols);
    add_to_acc(part, mine, acc);
}
"""

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

# === Randomness ==============================================================

RANDOM = r"""
/* The counter-based generator of tinynet.python_backend.counter_uniform,
   bit for bit: MurmurHash3's 32-bit finaliser of (seed, counter, index),
   all arithmetic mod 2^32; the top 24 bits give k, and u = k / 2^24. */
inline uint counter_bits(uint seed, uint counter, uint index)
{
    uint x = seed * 0x9E3779B1u;
    x ^= counter * 0x85EBCA77u;
    x += index * 0xC2B2AE3Du;
    x ^= x >> 16;
    x *= 0x85EBCA6Bu;
    x ^= x >> 13;
    x *= 0xC2B2AE35u;
    x ^= x >> 16;
    return x >> 8;
}

/* Work-item t makes entries t*VW .. t*VW + VW-1 (row-major index t). */

/* U[t] = k / 2^24 */
__kernel void uniform(const int n, const uint seed, const uint counter, __global real *U)
{
    const int t0 = get_global_id(0) * VW;
    for (int t = t0; t < min(t0 + VW, n); ++t)
        U[t] = (real)counter_bits(seed, counter, (uint)t) * (real)(1.0f / 16777216.0f);
}

/* Inverted dropout: keep where u > p, i.e. k > floor(p * 2^24) = k_p
   (integers, so the mask is exactly the reference's); kept entries are
   1/(1 - p), dropped ones 0. */
__kernel void dropout_mask(const int n, const uint seed, const uint counter,
                           const int k_p, const real keep_value, __global real *Mask)
{
    const int t0 = get_global_id(0) * VW;
    for (int t = t0; t < min(t0 + VW, n); ++t)
        Mask[t] = (int)counter_bits(seed, counter, (uint)t) > k_p ? keep_value : (real)0;
}

/* S[t] = 1 where u < P[t], else 0. */
__kernel void bernoulli(const int n, const uint seed, const uint counter,
                        __global const real *P, __global real *S)
{
    const int t0 = get_global_id(0) * VW;
    for (int t = t0; t < min(t0 + VW, n); ++t) {
        const real u = (real)counter_bits(seed, counter, (uint)t) * (real)(1.0f / 16777216.0f);
        S[t] = u < P[t] ? (real)1 : (real)0;
    }
}
"""

#: Everything, in the order it is compiled.
# === A softmax output layer's training step in one kernel ====================

OUTPUT_STEP = r"""
/* A softmax output layer's whole training step in one work-group: the
   forward pass (as dense_softmax), the loss, the count and D = A - T (as
   softmax_cross_entropy; A is the layer's input (rows, K), W (cols, K)
   and b its weights), then
     below = 1:  the delta of the layer below, before W changes,
                 Cd[i][j] = g'(Zb[i][j]) * sum_k D[i][k] * W[k][j]   (rows, K);
     step = 1:   the layer's gradient and optimiser step (dense_grads_step):
                 g(W)[k][j] = (1/rows) sum_i D[i][k] * A[i][j],
                 g(b)[k]    = (1/rows) sum_i D[i][k],
                 each entry into step_s with the state S1, S2 (W's), S1b, S2b (b's).
   One launch instead of three (softmax_cross_entropy, backprop_delta,
   dense_grads_step): at classroom sizes a launch costs more than this
   arithmetic.  The barriers make D visible to the whole work-group, and
   keep W unchanged until every work-item has read it for Cd. */
__kernel void output_step(const int rows, const int cols,
                          __global real *Z, __global real *Act,
                          __global const real *T, __global const int *t_idx,
                          const int t_gather, __global real *D,
                          __global real *acc, const int count, __global real *correct,
                          const int K, __global const real *A, __global real *W,
                          __global real *b,
                          const int below, __global real *Cd, __global const real *Zb,
                          __global const real *Ab, const int kind_b, const real slope_b,
                          const int step, __global real *S1, __global real *S2,
                          __global real *S1b, __global real *S2b, const int opt,
                          const real lr, const real h1, const real h2, const real eps,
                          const real bc1, const real bc2, const real l2, const real l1)
{
    __local real part[LOCAL];
    real mine = 0, right = 0;
    for (int i = get_local_id(0); i < rows; i += LOCAL) {
        const size_t o = (size_t)i * cols;
        const real log_sum = dense_softmax_row(A + (size_t)i * K, W, b, cols, K, Z + o, Act + o);
        const __global real *t = T + row_at(t_idx, t_gather, i) * cols;
        if (count) right += row_correct(Act + o, t, cols);
        mine += cross_entropy_row(Z + o, Act + o, t, D + o, cols, log_sum);
    }
    add_loss_and_count(part, mine, acc, count, right, correct);
    barrier(CLK_GLOBAL_MEM_FENCE);
    /* a work-item takes VW columns of a row (whole vectors where they fit) */
    const int KV = K / VW * VW;
    if (below)
        for (int t = get_local_id(0); t < rows * (K / VW); t += LOCAL) {
            const int i = t / (K / VW), j = (t % (K / VW)) * VW;
            realV s = 0;
            for (int k = 0; k < cols; ++k)
                s += D[i * cols + k] * *(const __global realVu *)(W + k * K + j);
            real sum[VW];
            *(realV *)sum = s;
            for (int c = 0; c < VW; ++c) {
                const int at = i * K + j + c;
                Cd[at] = sum[c] * act_grad(kind_b, Zb[at], Ab[at], slope_b);
            }
        }
    if (below)
        for (int t = get_local_id(0); t < rows * (K - KV); t += LOCAL) {   /* the last columns */
            const int i = t / (K - KV), j = KV + t % (K - KV);
            real s = 0;
            for (int k = 0; k < cols; ++k) s += D[i * cols + k] * W[k * K + j];
            Cd[i * K + j] = s * act_grad(kind_b, Zb[i * K + j], Ab[i * K + j], slope_b);
        }
    barrier(CLK_GLOBAL_MEM_FENCE);
    if (step) {
        const real alpha = (real)1 / (real)max(rows, 1);
        for (int t = get_local_id(0); t < cols * (K / VW); t += LOCAL) {
            const int k = t / (K / VW), j = (t % (K / VW)) * VW;
            realV s = 0;
            for (int i = 0; i < rows; ++i)
                s += D[i * cols + k] * *(const __global realVu *)(A + (size_t)i * K + j);
            const int at = k * K + j;
            step_v(opt, alpha * s, (__global realVu *)(W + at), (__global realVu *)(S1 + at),
                   (__global realVu *)(S2 + at), l2, l1, lr, h1, h2, eps, bc1, bc2);
        }
        for (int t = get_local_id(0); t < cols * (K - KV + 1); t += LOCAL) {
            const int k = t / (K - KV + 1), j = KV + t % (K - KV + 1);    /* j = K: the bias */
            real s = 0;
            if (j < K) {
                for (int i = 0; i < rows; ++i) s += D[i * cols + k] * A[(size_t)i * K + j];
                step_s(opt, alpha * s, W + k * K + j, S1 + k * K + j, S2 + k * K + j,
                       l2, l1, lr, h1, h2, eps, bc1, bc2);
            } else {
                for (int i = 0; i < rows; ++i) s += D[i * cols + k];
                step_s(opt, alpha * s, b + k, S1b + k, S2b + k, (real)0, (real)0,
                       lr, h1, h2, eps, bc1, bc2);
            }
        }
    }
}
"""

SOURCE = (PREAMBLE + PRODUCTS + DENSE_FORWARD + DENSE_SOFTMAX + ELEMENTWISE + REDUCTIONS
          + OPTIMISERS + MULTI_STEPS + DENSE_GRADS_STEP + OUTPUT_STEP + RANDOM)
