"""Autoencoders: a network trained to give back its own input through a narrow code.

An ``Autoencoder`` is an ordinary ``Network`` of two Dense layers, an encoder
and a decoder, trained on X → X with ``fit``:

    code            h = g(W₁·x + b₁)          (n_code units, fewer than n_in)
    reconstruction  y = g(W₂·h + b₂)          (n_in units)
    error           E = −Σ_i [x_i·log y_i + (1−x_i)·log(1−y_i)]   (loss="logistic",
                        for pixels in [0, 1])  or  ½·Σ_i (y_i − x_i)²  (loss="squared_error")

Options (each one change to that network):

* ``tied=True``: the decoder uses the encoder's weights transposed, W₂ = W₁ᵀ
  (``TiedDense``); W₁'s gradient is the sum of both layers' contributions.
* ``sparsity="kl"`` (target ``rho``, weight ``beta``) or ``"l1"``: a
  ``Sparsity`` layer after the code adds β·Σ_j KL(ρ‖ρ̂_j) (or β·Σ|h_j|) to the
  error, so that most code units stay quiet and each becomes a feature detector.
* ``noise="mask"`` (each input zeroed with probability ``noise_level``) or
  ``"gaussian"`` (plus ``noise_level``·n, n ≈ N(0, 1)): a denoising
  autoencoder, which sees a corrupted x̃ and must give back the clean x. The
  noise comes from the backend's counter-based generator (seed and step
  number), so it is the same on every backend.

``StackedAutoencoder`` (``tinynet.unsupervised.stacked``) trains several,
greedily: each on the codes of the one before.

>>> from tinynet.unsupervised import Autoencoder
>>> ae = Autoencoder(4, 2, seed=0)
>>> ae
Autoencoder(4 → 2 → 4, sigmoid, loss='logistic')
>>> len(ae.encode([[1, 0, 0, 1]])[0])
2
"""

import math
import random

from .. import losses
from ..errors import DataError
from ..layers import Dense
from ..network import Network
from .layers import Sparsity, TiedDense

__all__ = ["Autoencoder"]

NOISES = ("mask", "gaussian")


class _CodeNetwork(Network):
    """The network inside an Autoencoder: a Network whose training step also
    corrupts the input (denoising), adds the sparsity penalty, and sums the
    gradients of tied weights. ``fit`` drives it like any other network."""

    noise = None
    noise_level = 0.0
    noise_seed = 0
    noise_counter = 0

    @property
    def classification(self):
        return False                         # targets are pixels, not classes

    def corrupt(self, X):
        """x̃: X with noise, drawn from (noise_seed, step number) on the backend."""
        if self.noise is None or not self.noise_level:
            return X
        B = self.backend
        rows, cols = B.shape(X)
        self.noise_counter += 1
        if self.noise == "mask":             # keep each input with probability 1 − p
            keep = B.bernoulli(B.full(rows, cols, 1.0 - self.noise_level), self.noise_seed,
                               self.noise_counter)
            return B.mul(X, keep)
        # Gaussian: the sum of four uniforms (mean 2, variance 4/12), scaled to
        # variance 1 (Irwin–Hall: close to N(0, 1), never beyond ±2√3).
        total = B.uniform(rows, cols, self.noise_seed, 4 * self.noise_counter)
        for i in range(1, 4):
            total = B.add(total, B.uniform(rows, cols, self.noise_seed, 4 * self.noise_counter + i))
        normal = B.add(B.scale(total, math.sqrt(3.0)), B.full(rows, cols, -2.0 * math.sqrt(3.0)))
        return B.add(X, B.scale(normal, self.noise_level))

    def backward(self, delta):
        super().backward(delta)
        for layer in self.layers:
            if isinstance(layer, TiedDense):  # W₁ gets both layers' contributions
                enc = layer.encoder
                enc.dW = self.backend.add(enc.dW, layer.dW_tied)

    def gradcheck(self, X, y, h=1e-5, tolerance=1e-6, max_entries=40):
        """Backprop's gradient of the whole objective (reconstruction error plus
        the sparsity penalty) against central differences, with the step's
        noise held fixed: ``tinynet.gradcheck`` for an autoencoder."""
        from ..gradcheck import GradcheckResult, central_differences
        B = self.backend
        Xd, Td, m = B.array(X), B.array(y), len(X)
        counter = self.noise_counter

        def objective_value():
            acc = B.accumulator()
            self.objective(Xd, Td, acc)
            self.noise_counter = counter          # the same x̃ for every evaluation
            return B.read(acc) / m

        E = objective_value()                     # leaves backprop's gradients of J at w
        errors = central_differences(self.parameters(), B, objective_value, E, h, max_entries)
        objective_value()                         # and again at w, once every w is put back
        return GradcheckResult(errors, tolerance)

    def objective(self, X, T, acc):
        """Forward on x̃, the reconstruction error of T and the sparsity penalty
        into ``acc`` (summed over the rows), backward: every layer's gradients."""
        self.forward(self.corrupt(X), training=True)
        delta = losses.output_delta(self.loss, self.backend, self.layers[-1], T, acc)
        for layer in self.layers:
            if isinstance(layer, Sparsity):
                layer.acc = acc
        self.backward(delta)
        for layer in self.layers:
            if isinstance(layer, Sparsity):
                layer.acc = None

    def train_step(self, X, T, optimizer, loss_acc, correct_acc=None):
        """One step of gradient descent on the objective above."""
        self.objective(X, T, loss_acc)
        optimizer.step(self.backend, self.parameters())


class Autoencoder:
    """n_in → n_code → n_in, trained to reconstruct its input (see the module docstring).

    ``encoder``, ``decoder``: the activations g of the code and of the
    reconstruction; ``loss``: "logistic" (binary cross-entropy, for values
    in [0, 1], with a sigmoid decoder) or "squared_error".
    """

    def __init__(self, n_in, n_code, encoder="sigmoid", decoder="sigmoid", loss="logistic",
                 tied=False, sparsity=None, rho=0.05, beta=3.0, noise=None, noise_level=0.25,
                 seed=0, backend=None):
        if loss not in ("logistic", "squared_error"):
            raise ValueError("Autoencoder: loss must be 'logistic' or 'squared_error', got {!r}".format(loss))
        if noise not in (None,) + NOISES:
            raise ValueError("Autoencoder: noise must be None, 'mask' or 'gaussian', got {!r}".format(noise))
        if noise == "mask" and not 0.0 <= noise_level < 1.0:
            raise ValueError("Autoencoder: a masking noise_level is a probability in [0, 1), got {!r}".format(
                noise_level))
        enc = Dense(n_in, n_code, encoder)
        dec = TiedDense(enc, decoder) if tied else Dense(n_code, n_in, decoder)
        middle = [Sparsity(rho, beta, sparsity)] if sparsity else []
        self.net = _CodeNetwork([enc] + middle + [dec], loss=loss, seed=seed, backend=backend)
        self.net.noise, self.net.noise_level = noise, float(noise_level)
        self.net.noise_seed = random.Random("{}-noise".format(seed)).getrandbits(32)
        self.n_in, self.n_code, self.tied, self.seed = n_in, n_code, bool(tied), seed

    # === Parts ==============================================================

    @property
    def backend(self):
        return self.net.backend

    @property
    def encoder(self):
        return self.net.layers[0]

    @property
    def decoder(self):
        return self.net.layers[-1]

    @property
    def sparsity(self):
        """The Sparsity layer, or None."""
        middle = self.net.layers[1:-1]
        return middle[0] if middle else None

    @property
    def loss(self):
        return self.net.loss

    @property
    def history(self):
        return self.net.history

    def __repr__(self):
        extras = []
        if self.tied:
            extras.append("tied")
        if self.sparsity is not None:
            extras.append("sparsity " + self.sparsity.describe())
        if self.net.noise:
            extras.append("{} noise {:g}".format(self.net.noise, self.net.noise_level))
        return "Autoencoder({} → {} → {}, {}{}, loss={!r})".format(
            self.n_in, self.n_code, self.n_in, self.encoder.activation,
            "".join(", " + e for e in extras), self.loss)

    # === Training ===========================================================

    def fit(self, X, epochs=10, batch_size=32, optimizer="sgd", lr=None, validation_data=None,
            **options):
        """Train on X → X with ``Network.fit`` (every option of ``fit`` works).

        ``validation_data`` is just X_val (the targets are the inputs). The
        training loss includes the sparsity penalty; the validation loss is
        the reconstruction error alone.
        """
        rows = self.net._inputs(X)[0]
        if self.loss == "logistic":
            _check_unit_interval(rows, "X")
        val = None
        if validation_data is not None:
            val = (validation_data, validation_data)
        return self.net.fit(rows, rows, epochs=epochs, batch_size=batch_size, optimizer=optimizer,
                            lr=lr, validation_data=val, **options)

    def gradcheck(self, X, h=1e-5, tolerance=1e-6, max_entries=40):
        """Backprop's gradients of the objective (error + penalty) against
        central differences on X; see ``tinynet.gradcheck``."""
        rows = self.net._inputs(X)[0]
        return self.net.gradcheck(rows, rows, h=h, tolerance=tolerance, max_entries=max_entries)

    # === Using it ===========================================================

    def _encode(self, Xd):
        return self.encoder.forward(Xd)

    def _decode(self, Hd):
        return self.decoder.forward(Hd)

    def encode(self, X):
        """The code h = g(W₁·x + b₁) of each sample, as lists."""
        rows = self.net._inputs(X)[0]
        return self.backend.to_list(self._encode(self.backend.array(rows)))

    def decode(self, H):
        """The reconstruction y = g(W₂·h + b₂) of each code, as lists."""
        B = self.backend
        rows = _rows(H, self.n_code, "codes")
        return B.to_list(self._decode(B.array(rows)))

    def reconstruct(self, X):
        """decode(encode(X)), without the noise."""
        rows = self.net._inputs(X)[0]
        B = self.backend
        return B.to_list(self._decode(self._encode(B.array(rows))))

    def reconstruction_error(self, X):
        """{'loss': mean E per sample, 'mse': mean (y − x)² per entry,
        'pixel_error': the fraction of entries on the other side of 0.5 than x}."""
        rows = self.net._inputs(X)[0]
        B = self.backend
        m, n = len(rows), self.n_in
        Xd = B.array(rows)
        result = self.net.evaluate(rows, rows)
        Y = self._decode(self._encode(Xd))
        half = B.full(m, n, 0.5)
        wrong = B.accumulator()              # Σ (thresholded y − thresholded x)²: 1 per wrong pixel
        B.squared_error(B.less(half, Y), B.less(half, Xd), wrong, 1.0)
        return {"loss": result["loss"], "mse": result["mse"], "pixel_error": B.read(wrong) / (m * n)}

    def mean_activation(self, X):
        """The mean code activation of each unit over X (ρ̂_j), as a list."""
        B = self.backend
        rows = self.net._inputs(X)[0]
        return B.to_list(B.scale(B.sum_rows(self._encode(B.array(rows))), 1.0 / len(rows)))[0]

    def filters(self):
        """The encoder's weight rows, one per code unit (what each unit looks for)."""
        return self.encoder.get_weights()[0]

    def save(self, path):
        """Write the autoencoder to a JSON file, atomically (see ``tinynet.io``)."""
        from .files import save
        save(self, path)

    @classmethod
    def load(cls, path, backend=None):
        from .files import load
        return load(path, backend, expect=cls)


def _rows(H, width, what):
    from ..checks import check_inputs
    return check_inputs(H, width, "the decoder", what)[0]


def _check_unit_interval(rows, what):
    for i, row in enumerate(rows):
        if min(row) < 0.0 or max(row) > 1.0:
            bad = min(row) if min(row) < 0.0 else max(row)
            raise DataError("{}[{}] holds {}, outside [0, 1]: the logistic loss (binary cross-entropy) "
                            "compares values in [0, 1]. Scale the data into [0, 1] first (x − min) / "
                            "(max − min), or use loss='squared_error'.".format(what, i, bad))
