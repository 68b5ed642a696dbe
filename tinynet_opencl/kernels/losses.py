"""The losses and counts: one work-group adds the batch's total into an
accumulator."""

__all__ = ["REDUCTIONS"]

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
/* One row: returns its sum (a_j - t_j)^2 and writes d_j = 2 * scale * (a_j - t_j). */
inline real squared_error_row(const __global real *a, const __global real *t,
                              __global real *d, const int cols, const real scale)
{
    real sum = 0;
    for (int j = 0; j < cols; ++j) {
        const real diff = a[j] - t[j];
        sum += diff * diff;
        d[j] = 2 * scale * diff;
    }
    return sum;
}

__kernel void squared_error(const int rows, const int cols, const real scale,
                            __global const real *A, __global const real *T,
                            __global const int *t_idx, const int t_gather,
                            __global real *D, __global real *acc)
{
    __local real part[LOCAL];
    real mine = 0;
    for (int i = get_local_id(0); i < rows; i += LOCAL) {
        const size_t o = (size_t)i * cols;
        mine += squared_error_row(A + o, T + row_at(t_idx, t_gather, i) * cols, D + o, cols, scale);
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
   gets all of this, and more, from output_step; so do a linear layer with
   the squared error and a sigmoid layer with the logistic loss.) */
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
/* One row: returns its logistic loss and writes d_j = a_j - t_j. */
inline real logistic_row(const __global real *z, const __global real *a,
                         const __global real *t, __global real *d, const int cols)
{
    real loss = 0;
    for (int j = 0; j < cols; ++j) {
        loss += max(z[j], (real)0) - z[j] * t[j] + log1p(exp(-fabs(z[j])));
        d[j] = a[j] - t[j];
    }
    return loss;
}

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
        const size_t o = (size_t)i * cols;
        const __global real *t = T + row_at(t_idx, t_gather, i) * cols;
        if (count) right += row_correct(Act + o, t, cols);
        mine += logistic_row(Z + o, Act + o, t, D + o, cols);
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
