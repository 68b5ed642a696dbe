"""The kernel recurrent networks add: the squared length of a gradient, for clipping.

``sum_squares`` adds Σ a² of a matrix into an accumulator, as one work-group
(like the losses, whose ``add_to_acc`` it uses), so that clipping the
gradient by its global norm needs one number read back per step, not the
gradients.  Stacking a sequence's steps into one matrix and cutting it
again (``stack_rows``, ``split_rows``) are plain buffer copies, with no
kernel of their own.
"""

__all__ = ["RECURRENT"]

RECURRENT = r"""
/* acc += sum over the n entries of A of a^2.  One work-group: work-item l
   adds entries l, l + LOCAL, ..., then the group adds up its parts. */
__kernel void sum_squares(const int n, __global const real *A, __global real *acc)
{
    __local real part[LOCAL];
    real mine = 0;
    for (int k = get_local_id(0); k < n; k += LOCAL) mine += A[k] * A[k];
    add_to_acc(part, mine, acc);
}
"""
