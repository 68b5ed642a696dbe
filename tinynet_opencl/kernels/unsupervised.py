"""The sparsity penalty of an autoencoder's code (tinynet.unsupervised), as one
work-group that adds the penalty into an accumulator and writes its gradient."""

__all__ = ["SPARSITY"]

# === Unsupervised learning: the sparsity penalty ============================

SPARSITY = r"""
/* PythonBackend.sparsity, in one work-group of LOCAL work-items (add_to_acc
   comes from the losses' kernels).
   kind 0 (KL): work-item l takes the columns (units) j = l, l + LOCAL, ...:
     r = clamp(mean_i A[i][j], EPS, 1 - EPS),
     acc += rows * beta * (rho log(rho/r) + (1-rho) log((1-rho)/(1-r))),
     G[i][j] = beta * (-rho/r + (1-rho)/(1-r)) for every row i.
   kind 1 (L1): work-item l takes the entries t = l, l + LOCAL, ...:
     acc += beta * |A[t]|,  G[t] = beta * sign(A[t]). */
__kernel void sparsity(const int rows, const int cols, const int kind, const real rho,
                       const real beta, const real eps, __global const real *A,
                       __global real *G, __global real *acc)
{
    __local real part[LOCAL];
    const int l = get_local_id(0);
    real mine = 0;
    if (kind == 0) {
        for (int j = l; j < cols; j += LOCAL) {
            real sum = 0;
            for (int i = 0; i < rows; ++i) sum += A[(size_t)i * cols + j];
            const real r = clamp(sum / rows, eps, (real)1 - eps);
            mine += rho * log(rho / r) + (1 - rho) * log((1 - rho) / (1 - r));
            const real g = beta * (-rho / r + (1 - rho) / (1 - r));
            for (int i = 0; i < rows; ++i) G[(size_t)i * cols + j] = g;
        }
        mine *= beta * rows;
    } else {
        for (int t = l; t < rows * cols; t += LOCAL) {
            const real a = A[t];
            mine += fabs(a);
            G[t] = a > 0 ? beta : (a < 0 ? -beta : (real)0);
        }
        mine *= beta;
    }
    add_to_acc(part, mine, acc);
}
"""
