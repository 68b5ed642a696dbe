"""A deep belief net: RBMs stacked greedily, then unrolled into a Network to fine-tune.

Greedy layer-wise pre-training (Hinton, Osindero & Teh, 2006): the first RBM
learns features of the data; its hidden probabilities p(h|v) are the data of
the second RBM, and so on. Each RBM's weights W and hidden biases c then
start a sigmoid Dense layer, a ← σ(W·a + c), with a new output layer on top,
and backpropagation fine-tunes the whole stack with labels (``to_network``
gives an ordinary ``Network``; train it with ``fit``).

>>> from tinynet.unsupervised import DBN
>>> dbn = DBN([6, 4, 3], seed=0)
>>> dbn
DBN(6 → 4 → 3)
>>> dbn.to_network(2)
Network([Dense(6→4, sigmoid), Dense(4→3, sigmoid), Dense(3→2, softmax)], loss='cross_entropy')
"""

from .stacked import unrolled_network
from .rbm import RBM

__all__ = ["DBN"]


class DBN:
    """RBMs of sizes[0] → sizes[1] → …, each trained on the features of the one below."""

    def __init__(self, sizes, seed=0, backend=None):
        if len(sizes) < 2:
            raise ValueError("a DBN needs at least two sizes (visible units and one hidden layer)")
        self.sizes = list(sizes)
        self.seed = seed
        self.rbms = [RBM(n_v, n_h, seed=seed + i, backend=backend)
                     for i, (n_v, n_h) in enumerate(zip(sizes, sizes[1:]))]

    def __repr__(self):
        return "DBN({})".format(" → ".join(map(str, self.sizes)))

    @property
    def backend(self):
        return self.rbms[0].backend

    def fit(self, X, epochs=10, **options):
        """Greedy pre-training: each RBM ``fit`` (every RBM option) on the hidden
        probabilities of the one below; returns their histories."""
        histories = []
        for rbm in self.rbms:
            histories.append(rbm.fit(X, epochs=epochs, **options))
            X = rbm.transform(X)
        return histories

    def transform(self, X):
        """The top layer's features p(h|…) of each row of X."""
        for rbm in self.rbms:
            X = rbm.transform(X)
        return X

    def to_network(self, n_out, activation="softmax", loss="cross_entropy", seed=0, backend=None):
        """A Network: a sigmoid Dense layer per RBM (its W and hidden biases c),
        then a new Dense(sizes[-1], n_out, activation) output layer."""
        return unrolled_network(self.rbms, n_out, activation, loss, seed,
                                backend if backend is not None else self.backend)

    def save(self, path):
        """Write the DBN to a JSON file, atomically (see ``tinynet.io``)."""
        from .files import save
        save(self, path)

    @classmethod
    def load(cls, path, backend=None):
        from .files import load
        return load(path, backend, expect=cls)
