"""The products: A·B, Aᵀ·B and A·Bᵀ, register-blocked, and the dense layer's
fused forward pass, weight gradient and hidden delta built on them."""

__all__ = ["PRODUCTS", "DENSE_FORWARD", "DENSE_SOFTMAX"]

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
   Rows past M are clamped for reading and not written.  A block that sticks
   out past column N reads whole vectors too: the entries past the row's end
   (the next row's, or past B's last row the buffer's padding: the backend
   allocates 2VW entries more than a matrix holds) go into lanes that are
   never written.  Results leave through
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
    const __global real *a[BR];              /* opA(i0 + r, k) = a[r][ka]: ka = k * A_STEP, or the
                                                offset of row idx[k] (a gathered A, "TN") */
    #pragma unroll
    for (int r = 0; r < BR; ++r) a[r] = A + $A_ROW(min(i0 + r, M - 1));
    size_t ka = 0;
    const int j_end = min(j0 + 2 * VW, N + $ONES), w = min(j_end, N) - j0;   /* w: columns before N */
    realV c0[BR], c1[BR];
    #pragma unroll
    for (int r = 0; r < BR; ++r) {
        c0[r] = (realV)0;
        c1[r] = (realV)0;
    }
    for (int k = 0; k < K && w > 0; ++k) {
        $A_K
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
    if (w == 2 * VW) {
        for (int r = 0; r < BR && i0 + r < M; ++r) {
            const size_t at = (size_t)(i0 + r) * N + j0;
            STORE_V(at, alpha * c0[r]);
            STORE_V(at + VW, alpha * c1[r]);
        }
    } else {
        /* the block past column N: its w < 2VW columns, one entry at a time */
        for (int r = 0; r < BR && i0 + r < M; ++r) {
            const int i = i0 + r;
            real e[2 * VW];
            *(realVu *)e = c0[r];
            *(realVu *)(e + VW) = c1[r];
            for (int j = 0; j < w; ++j) STORE_S((size_t)i * N + j0 + j, alpha * e[j]);
            $ONES_COLUMN
        }
    }
    $EPILOGUE
}
#undef STORE_V
#undef STORE_S
#undef STORE_B
#undef STORE_BV
"""

#: Results written to C, as a product does.
_STORE_C = r"""
#define STORE_V(at, value) (*(__global realVu *)(C + (at)) = (value))
#define STORE_S(at, value) (C[at] = (value))
"""


def _outer(name, math, a_layout, args="", ones=0, ones_column="", epilogue="", extra="",
           a_gather=False, b_gather=False, store=_STORE_C):
    """One kernel from the template; a_layout "NN" reads A (M,K), "TN" A (K,M).

    a_gather, b_gather: A's or B's rows may be a gathered batch (arguments
    a_idx, a_gather or b_idx, b_gather); for A that is its rows i ("NN") or
    its rows k ("TN": opA(i, k) = A[idx[k]][i]).
    store: the STORE_V / STORE_S definitions the results leave through.
    """
    a_row, a_step = {"NN": ("(size_t)K * ", "1"), "TN": ("", "M")}[a_layout]
    a_k = ""                                      # opA(i, k) = a[i's row][ka]
    b_row = "row_at(b_idx, b_gather, k)" if b_gather else "(size_t)k"
    if b_gather:
        args = ", __global const int *b_idx, const int b_gather" + args
    if a_gather:
        args = ", __global const int *a_idx, const int a_gather" + args
        if a_layout == "NN":
            a_row = "(size_t)K * A_ROW_AT"
            store += "#define A_ROW_AT(i) row_at(a_idx, a_gather, (i))\n"
        else:                                     # row k of A is row idx[k] of the data set
            a_step, a_k = "0", "ka = row_at(a_idx, a_gather, k) * (size_t)M;"
    text = store + _OUTER_TEMPLATE + ("#undef A_ROW_AT\n" if a_gather and a_layout == "NN" else "")
    for key, value in (("$NAME", name), ("$MATH", math), ("$A_ROW", a_row),
                       ("$A_K", a_k),
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

PACK_PANELS = r"""
/* P = B cut into panels of 2VW columns, each panel's rows one after another:
     P[p][k][c] = B[k][2VW p + c]   (0 where 2VW p + c >= N, past B's last column);
   B (K,N), P (ceil(N / 2VW) panels of K x 2VW).  Work-item (p, k) copies row k
   of panel p.  matmul_packed then reads a panel front to back: on a CPU, B's
   rows N entries apart would cost a new page and a cache line from L2 or L3
   for every k once N is a few hundred (the hardware prefetcher stops at pages). */
__kernel void pack_panels(const int K, const int N, __global const real *B, __global real *P)
{
    const int p = get_global_id(0), k = get_global_id(1);
    const int j0 = p * 2 * VW;
    if (k >= K || j0 >= N) return;
    const __global real *b = B + (size_t)k * N + j0;
    __global real *d = P + ((size_t)p * K + k) * 2 * VW;
    if (j0 + 2 * VW <= N) {
        ((__global realV *)d)[0] = ((const __global realVu *)b)[0];
        ((__global realV *)d)[1] = ((const __global realVu *)b)[1];
    } else {
        for (int c = 0; c < 2 * VW; ++c) d[c] = j0 + c < N ? b[c] : (real)0;
    }
}
"""

MATMUL_PACKED = r"""
/* C = A.B with B packed by pack_panels:  C[i][j] = sum_k A[i][k] * B[k][j];
   A (M,K), P the panels of B (K,N), C (M,N).  Work-item (p, y) computes the
   BR x 2VW block of C with rows BR*y .. BR*y + BR-1 and the columns of
   panel p, as matmul_nn does, but reads its 2VW entries of B's row k from
   P[p][k], next to those of row k - 1.  Every block is whole: a panel that
   sticks out past column N holds zeros there, and those results are not
   written.  Rows past M are clamped for reading and not written. */
__kernel void matmul_packed(const int M, const int N, const int K,
                            __global const real *A, __global const real *P, __global real *C)
{
    const int p = get_global_id(0);
    const int j0 = p * 2 * VW, i0 = get_global_id(1) * BR;
    if (i0 >= M || j0 >= N) return;
    const __global real *a[BR];
    realV c0[BR], c1[BR];
    #pragma unroll
    for (int r = 0; r < BR; ++r) {
        a[r] = A + (size_t)K * min(i0 + r, M - 1);
        c0[r] = (realV)0;
        c1[r] = (realV)0;
    }
    const __global realV *b = (const __global realV *)(P + (size_t)p * K * 2 * VW);
    for (int k = 0; k < K; ++k) {
        const realV b0 = b[2 * k], b1 = b[2 * k + 1];
        #pragma unroll
        for (int r = 0; r < BR; ++r) {
            const real a_rk = a[r][k];
            c0[r] += a_rk * b0;
            c1[r] += a_rk * b1;
        }
    }
    for (int r = 0; r < BR && i0 + r < M; ++r) {
        __global real *c = C + (size_t)(i0 + r) * N + j0;
        if (j0 + 2 * VW <= N) {
            *(__global realVu *)c = c0[r];
            *(__global realVu *)(c + VW) = c1[r];
        } else {                             /* the last panel: its columns before N */
            real row[2 * VW];
            *(realV *)row = c0[r];
            *(realV *)(row + VW) = c1[r];
            for (int j = 0; j < N - j0; ++j) c[j] = row[j];
        }
    }
}
"""

#: The extra column of the weight-gradient kernels: db[i] = alpha * sum_k delta[k][i].
_BIAS_COLUMN = r"""if (j_end > N) {
                real s = 0;
                for (int k = 0; k < K; ++k) s += A[(size_t)k * M + i];
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

#: The forward pass from Wᵀ: each result vector gets its VW biases, then g.
_STORE_FORWARD = r"""
#define STORE_V(at, value) { \
    const realV z_ = (value) + *(const __global realVu *)(b + (at) % N); \
    *(__global realVu *)(C + (at)) = z_; \
    *(__global realVu *)(Act + (at)) = act_v(kind, z_, slope); }
#define STORE_S(at, value) { \
    const real z_ = (value) + b[(at) % N]; \
    C[at] = z_; \
    Act[at] = act(kind, z_, slope); }
"""

DENSE_FORWARD_T = _outer(
    "dense_forward_t",
    "The forward pass of a dense layer whose weights are kept transposed:\n"
    "     Z = A.W^T + b,  Act = g(Z):  Z[i][j] = sum_k A[i][k] * WT[k][j] + b[j]\n"
    "   (A (M,K) the layer's input, B = WT (K,N) = W transposed, C = Z (M,N)).\n"
    "   The same sums as dense_forward, in another order; faster on a CPU, where\n"
    "   dense_forward must add each result's vector across at the end: here\n"
    "   every product adds into whole vectors of results.",
    "NN",
    args=", __global const real *b, __global real *Act, const int kind, const real slope",
    a_gather=True,
    store=_STORE_FORWARD,
    extra="With a_gather, row i of A is row a_idx[i] of the data set (a batch read\n"
          "   in place).")

TRANSPOSE = r"""
/* C = A^T:  C[j][i] = A[i][j];  A (M,N), C (N,M).  Work-item (j, i). */
__kernel void transpose(const int M, const int N, __global const real *A, __global real *C)
{
    const int j = get_global_id(0), i = get_global_id(1);
    if (i < M && j < N) C[(size_t)j * M + i] = A[(size_t)i * N + j];
}
"""

PRODUCTS = (MATMUL_NAIVE + MATMUL_NN + PACK_PANELS + MATMUL_PACKED + MATMUL_TN + DENSE_GRADS
            + BACKPROP_DELTA + DENSE_FORWARD_T + TRANSPOSE)

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
/* Row i of an output layer with a few outputs (N <= 64), before g:
     z = a.W^T + b  (N dot products of length K, VW entries at a time),
   into z (the layer's cache) and zr (a private copy, for g); returns max z. */
inline real dense_row_z(const __global real *a, const __global real *W,
                        const __global real *b, const int N, const int K,
                        __global real *z, real *zr)
{
    real z_max = -INFINITY;
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
    return z_max;
}

/* The same row of a softmax layer:
     g = softmax(z) = exp(z - z_max) / total,  total = sum_j exp(z_j - z_max);
   returns log sum_j exp(z_j) = z_max + log(total), which the cross-entropy
   needs.  exp is taken VW entries at a time from the private copy of the row
   (pocl's scalar exp costs about 10 ns, the vector one about 1 ns an entry). */
inline real dense_softmax_row(const __global real *a, const __global real *W,
                              const __global real *b, const int N, const int K,
                              __global real *z, __global real *g)
{
    real zr[64], er[64];            /* the row's z, then exp(z - z_max); N <= 64 */
    const real z_max = dense_row_z(a, W, b, N, K, z, zr);
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

/* The same row with an elementwise g (kind: linear, sigmoid, ...): g = g(z),
   VW entries at a time from the private copy, as for softmax. */
inline void dense_act_row(const __global real *a, const __global real *W,
                          const __global real *b, const int N, const int K,
                          const int kind, const real slope,
                          __global real *z, __global real *g)
{
    real zr[64], gr[64];
    dense_row_z(a, W, b, N, K, z, zr);
    for (int j = N; j < 64; ++j) zr[j] = 0;
    for (int q = 0; q < N; q += VW)
        *(realV *)(gr + q) = act_v(kind, *(realV *)(zr + q), slope);
    for (int j = 0; j < N; ++j) g[j] = gr[j];
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
