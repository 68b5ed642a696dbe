"""Sampling: let a trained sequence model write, one symbol at a time.

The model reads the start symbols, then repeatedly turns its output into a
probability for each next symbol, draws one, and reads that one back in,
carrying its state from step to step.  The temperature τ divides the output
layer's z before the softmax,

    p_k = e^(z_k/τ) / Σ_j e^(z_j/τ),

so τ < 1 sharpens the choice towards the likeliest symbol (τ → 0 always
takes it) and τ > 1 flattens it towards a uniform guess.  The draws come from
``random.Random(seed)``: the same seed writes the same text.
"""

import random

from .errors import DataError

__all__ = ["sample"]


def sample(net, start, length, temperature=1.0, seed=0):
    """``length`` symbols (whole numbers) drawn from ``net`` after reading ``start``.

    ``net`` is a ``SequenceNetwork`` whose inputs and outputs are the same
    symbols (one-hot over ``n_in`` = ``n_out``) with a softmax output;
    ``start`` a non-empty list of symbols; ``temperature`` τ > 0.
    """
    if not temperature > 0:
        raise DataError("temperature must be positive, got {!r}".format(temperature))
    if not start:
        raise DataError("sampling needs at least one start symbol")
    if net.output.activation != "softmax" or not net.per_step or net.n_in != net.n_out:
        raise DataError("sampling needs a model that reads and predicts the same symbols: n_in = n_out "
                        "and a softmax output at every step")
    B = net.backend
    rng = random.Random("{}-sample".format(seed))
    steps, _, _ = net._steps([list(start)], "start")
    Z, _ = net.forward([B.array(rows) for rows in steps])        # read the start, from the zero state
    states = net.final_states()
    z = B.split_rows(Z, len(steps))[-1] if len(steps) > 1 else Z   # the last step's z
    out = []
    for _ in range(length):
        p = B.to_list(B.activation("softmax", B.scale(z, 1.0 / temperature)))[0]
        symbol = _draw(p, rng)
        out.append(symbol)
        row = [0.0] * net.n_in
        row[symbol] = 1.0
        z, _ = net.forward([B.array([row])], states)               # one step on, state carried
        states = net.final_states()
    return out


def _draw(p, rng):
    """Index k with probability p[k] (the cumulative sums against one uniform number)."""
    u = rng.random()
    total = 0.0
    for k, pk in enumerate(p):
        total += pk
        if u < total:
            return k
    return len(p) - 1
