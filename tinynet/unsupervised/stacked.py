"""Greedy layer-wise training: autoencoders stacked, and unrolling a stack into a Network.

``StackedAutoencoder([256, 128, 64])`` trains an autoencoder 256 → 128 → 256,
then one 128 → 64 → 128 on the codes of the first; ``to_network(10)`` makes
a ``Network`` of the two encoders and a new output layer, to fine-tune with
labels. ``unrolled_network`` does the same for any stack of encoders (the
RBMs of a ``DBN`` too).

>>> from tinynet.unsupervised import StackedAutoencoder
>>> StackedAutoencoder([8, 4, 2]).to_network(3)
Network([Dense(8→4, sigmoid), Dense(4→2, sigmoid), Dense(2→3, softmax)], loss='cross_entropy')
"""

from ..layers import Dense
from ..network import Network
from .autoencoder import Autoencoder

__all__ = ["StackedAutoencoder", "unrolled_network"]


class StackedAutoencoder:
    """Autoencoders trained greedily, layer by layer: sizes[0] → sizes[1] → … .

    The first learns codes of X, the second codes of those codes, and so on;
    every option of ``Autoencoder`` (``tied``, ``sparsity``, ``noise``…) applies
    to each. The decoders past the first use the squared error unless
    ``loss`` says otherwise (codes are sigmoid outputs, in (0, 1), so the
    logistic loss works too).
    """

    def __init__(self, sizes, seed=0, backend=None, **options):
        if len(sizes) < 2:
            raise ValueError("StackedAutoencoder needs at least two sizes (inputs and one code)")
        self.sizes = list(sizes)
        self.autoencoders = [Autoencoder(n_in, n_code, seed=seed + i, backend=backend, **options)
                             for i, (n_in, n_code) in enumerate(zip(sizes, sizes[1:]))]

    def __repr__(self):
        return "StackedAutoencoder({})".format(" → ".join(map(str, self.sizes)))

    def fit(self, X, epochs=10, **options):
        """Train each autoencoder on the codes of the one before; returns their histories."""
        histories = []
        for ae in self.autoencoders:
            histories.append(ae.fit(X, epochs=epochs, **options))
            X = ae.encode(X)
        return histories

    def encode(self, X):
        for ae in self.autoencoders:
            X = ae.encode(X)
        return X

    def to_network(self, n_out, activation="softmax", loss="cross_entropy", seed=0, backend=None):
        """The encoders, then a new Dense(last code, n_out) output layer, as a Network."""
        return unrolled_network([ae.encoder for ae in self.autoencoders], n_out, activation, loss,
                                seed, backend if backend is not None else self.autoencoders[0].backend)

    def save(self, path):
        """Write the stack to a JSON file, atomically (see ``tinynet.io``)."""
        from .files import save
        save(self, path)

    @classmethod
    def load(cls, path, backend=None):
        from .files import load
        return load(path, backend, expect=cls)


def unrolled_network(layers, n_out, activation="softmax", loss="cross_entropy", seed=0, backend=None):
    """A Network of copies of ``layers`` and a new output layer Dense(n_last, n_out).

    Each of ``layers`` is a Dense layer, or anything with n_in, n_out,
    activation and ``layer_weights()`` giving (W, b) (an RBM: W and its hidden biases).
    """
    dense = []
    for layer in layers:
        W, b = layer.layer_weights() if hasattr(layer, "layer_weights") else layer.get_weights()
        copy = Dense(layer.n_in, layer.n_out, layer.activation)
        copy.set_weights(W, b)
        dense.append(copy)
    dense.append(Dense(dense[-1].n_out, n_out, activation))
    return Network(dense, loss=loss, seed=seed, backend=backend)
