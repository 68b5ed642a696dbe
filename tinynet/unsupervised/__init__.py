"""Learning without labels: autoencoders, sparse codes, RBMs and deep belief nets.

========================  ====================================================
``Autoencoder``           n_in → n_code → n_in, trained on X → X (tied weights,
                          sparsity, denoising as options)
``StackedAutoencoder``    autoencoders trained greedily, layer by layer
``Sparsity``              the sparsity penalty on a code (KL to ρ, or L1)
``TiedDense``             a decoder with its encoder's weights transposed
``RBM``                   a Bernoulli–Bernoulli restricted Boltzmann machine,
                          trained by CD-k or persistent CD
``DBN``                   RBMs stacked greedily; ``to_network`` unrolls them
                          into a Network to fine-tune with ``fit``
========================  ====================================================
"""

from .autoencoder import Autoencoder
from .layers import Sparsity, TiedDense
from .dbn import DBN
from .rbm import RBM
from .stacked import StackedAutoencoder, unrolled_network

__all__ = ["Autoencoder", "StackedAutoencoder", "Sparsity", "TiedDense", "RBM", "DBN", "unrolled_network"]
