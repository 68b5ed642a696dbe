"""What every kernel shares: the activation numbers, the types and helpers (PREAMBLE)."""

__all__ = ["ACTIVATION_KINDS", "PREAMBLE"]

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
