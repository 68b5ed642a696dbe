"""Gradient checking: trust backprop by comparing it with finite differences.

For every parameter w the numerical derivative is the central difference

    ∂E/∂w ≈ (E(w + h) − E(w − h)) / 2h

and the check reports, per parameter matrix, the relative error

    max_i d_i / (max_i |numerical_i| + max_i |backprop_i|)
    d_i = max(|numerical_i − backprop_i| − noise, 0),  noise = 10·ε·max(|E|, 1)/h

ε is the backend's machine epsilon (2.2e-16 for float64, 1.2e-7 for
float32). The difference of each entry is measured against the largest
gradients of the matrix, not against the entry itself: a gradient of 1e-10
next to one of 1.0 is right when the two methods agree to within the
round-off of E(w ± h), which is about ε·|E|/h, and dividing by the tiny
entry alone would call that round-off a mismatch. Differences below
``noise`` cannot be seen by finite differences at all and are not counted.

Rule of thumb (cs231n): below 1e-7 is right, around 1e-5 is suspicious for
smooth functions (fine near a ReLU kink), above 1e-3 is a bug.

>>> from tinynet import Network, Dense
>>> net = Network([Dense(1, 2, "sigmoid")], loss="logistic")
>>> net.layers[0].set_weights([[30.0], [-23.0]], [0.0, 0.0])
>>> gradcheck(net, [[1.0]], [[0.0, 0.0]]).ok
True
"""

import math

__all__ = ["gradcheck", "GradcheckResult", "central_differences"]


class GradcheckResult:
    """Relative error per parameter matrix, e.g. {'layer 1 W': 3e-10, ...}."""

    def __init__(self, errors, tolerance):
        self.errors = errors
        self.tolerance = tolerance

    @property
    def max_error(self):
        return max(self.errors.values())

    @property
    def ok(self):
        return self.max_error < self.tolerance

    def __bool__(self):
        return self.ok

    def __str__(self):
        lines = ["{:<12} relative error {:.2e}  {}".format(
            name, err, "ok" if err < self.tolerance else "MISMATCH")
            for name, err in self.errors.items()]
        verdict = "backprop agrees with finite differences" if self.ok else \
            "backprop does NOT agree with finite differences"
        return "\n".join(lines + ["{} (tolerance {:.0e})".format(verdict, self.tolerance)])

    __repr__ = __str__


def gradcheck(net, X, y, h=1e-5, tolerance=1e-6, max_entries=40):
    """Compare backprop's ∂E/∂W, ∂E/∂b with central differences on (X, y).

    E is the mean loss over the samples of X. Layers with randomness
    (dropout) use one fixed mask for every evaluation. At most
    ``max_entries`` entries of each matrix are checked (evenly spread).
    """
    from . import losses

    if hasattr(net, "gradcheck"):            # a SequenceNetwork checks through time itself
        return net.gradcheck(X, y, h=h, tolerance=tolerance, max_entries=max_entries)
    B = net.backend
    rows, _ = net._inputs(X)
    Xd, Td, m = B.array(rows), B.array(net._targets(y, len(rows))), len(rows)
    counters = [getattr(layer, "counter", None) for layer in net.layers]

    def fixed_masks():
        for layer, counter in zip(net.layers, counters):
            if counter is not None:
                layer.counter = counter

    def loss():
        fixed_masks()
        acc = B.accumulator()
        net.forward(Xd, training=True)
        losses.output_delta(net.loss, B, net.layers[-1], Td, acc)
        return B.read(acc) / m

    # backprop's gradients
    fixed_masks()
    acc = B.accumulator()
    net.forward(Xd, training=True)
    net.backward(losses.output_delta(net.loss, B, net.layers[-1], Td, acc))
    errors = central_differences(net.parameters(), B, loss, B.read(acc) / m, h, max_entries)
    fixed_masks()
    return GradcheckResult(errors, tolerance)


def central_differences(parameters, B, loss, E, h=1e-5, max_entries=40):
    """{"layer l name": relative error} of backprop's gradient against (E(w+h) − E(w−h))/2h.

    ``parameters`` are (key, P, dP, penalised) with dP already computed by
    backprop; ``loss()`` gives E for the current weights, and ``E`` is its
    value now. Per matrix, the error is the largest |numeric − backprop| less
    the round-off that finite differences cannot avoid (about 10·ε·max(|E|, 1)/h),
    over the largest |numeric| + |backprop|: tiny entries do not raise false alarms.
    """
    epsilon = 1.2e-7 if getattr(B, "dtype", "float64") == "float32" else 2.2e-16
    noise = 10 * epsilon * max(abs(E), 1.0) / h
    errors = {}
    for (index, name), P, G, _ in parameters:
        analytic = B.to_list(G)
        values = B.to_list(P)
        cells = [(i, j) for i in range(len(values)) for j in range(len(values[0]))]
        step = max(1, len(cells) // max_entries)
        worst = largest_numeric = largest_analytic = 0.0
        for i, j in cells[::step]:
            original = values[i][j]
            values[i][j] = original + h
            B.assign(P, B.array(values))
            plus = loss()
            values[i][j] = original - h
            B.assign(P, B.array(values))
            minus = loss()
            values[i][j] = original
            B.assign(P, B.array(values))
            numeric = (plus - minus) / (2 * h)
            worst = max(worst, abs(numeric - analytic[i][j]) - noise)
            largest_numeric = max(largest_numeric, abs(numeric))
            largest_analytic = max(largest_analytic, abs(analytic[i][j]))
        scale = largest_numeric + largest_analytic
        errors["layer {} {}".format(index + 1, name)] = worst / scale if worst > 0 else 0.0
    return errors
