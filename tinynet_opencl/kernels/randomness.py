"""The counter-based random numbers (uniform, dropout masks, Bernoulli samples),
bit for bit those of tinynet.python_backend."""

__all__ = ["RANDOM"]

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
