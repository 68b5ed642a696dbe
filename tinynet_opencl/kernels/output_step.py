"""An output layer's training step in one kernel (deferred.OutputStep)."""

__all__ = ["OUTPUT_STEP", "OUTPUT_LOSSES"]

#: The losses output_step computes, by the number its ``loss`` argument takes.
OUTPUT_LOSSES = {"softmax_cross_entropy": 0, "squared_error": 1, "logistic_loss": 2}

# === An output layer's training step in one kernel ===========================

OUTPUT_STEP = r"""
/* An output layer's whole training step in one work-group: the forward pass
   (A is the layer's input (rows, K), W (cols, K) and b its weights), the
   loss, the count and the output delta D, for
     loss 0:  softmax and the cross-entropy (as dense_softmax and
              softmax_cross_entropy):  D = A - T;
     loss 1:  a linear layer and the squared error, scaled by `scale` (as
              dense_forward and squared_error):  D = 2 scale (A - T);
     loss 2:  a sigmoid layer and the logistic loss (as dense_forward and
              logistic_loss):  D = A - T;
   then
     below = 1:  the delta of the layer below, before W changes,
                 Cd[i][j] = g'(Zb[i][j]) * sum_k D[i][k] * W[k][j]   (rows, K);
     step = 1:   the layer's gradient and optimiser step (dense_grads_step):
                 g(W)[k][j] = (1/rows) sum_i D[i][k] * A[i][j],
                 g(b)[k]    = (1/rows) sum_i D[i][k],
                 each entry into step_s with the state S1, S2 (W's), S1b, S2b (b's).
   One launch instead of four (the forward pass, the loss, backprop_delta,
   dense_grads_step): at classroom sizes a launch costs more than this
   arithmetic.  The barriers make D visible to the whole work-group, and
   keep W unchanged until every work-item has read it for Cd. */
__kernel void output_step(const int rows, const int cols,
                          __global real *Z, __global real *Act,
                          __global const real *T, __global const int *t_idx,
                          const int t_gather, __global real *D,
                          __global real *acc, const int count, __global real *correct,
                          const int loss, const real scale, const int kind,
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
        const __global real *a = A + (size_t)i * K, *t = T + row_at(t_idx, t_gather, i) * cols;
        real log_sum = 0;
        if (loss == 0)
            log_sum = dense_softmax_row(a, W, b, cols, K, Z + o, Act + o);
        else
            dense_act_row(a, W, b, cols, K, kind, (real)0, Z + o, Act + o);
        if (count) right += row_correct(Act + o, t, cols);
        if (loss == 0) mine += cross_entropy_row(Z + o, Act + o, t, D + o, cols, log_sum);
        else if (loss == 1) mine += squared_error_row(Act + o, t, D + o, cols, scale);
        else mine += logistic_row(Z + o, Act + o, t, D + o, cols);
    }
    add_loss_and_count(part, loss == 1 ? scale * mine : mine, acc, count, right, correct);
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
