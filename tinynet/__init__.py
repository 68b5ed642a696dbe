"""tinynet: neural networks a student can read, run and trust.

Standard library only. The notation follows the lecture:

=========  ==================================================================
``x``      an input sample; a batch X holds one sample per row
``W, b``   a layer's weights (n_out, n_in) and biases: W[l] = (n[l], n[l−1])
``z``      weighted input z = W·a_prev + b
``a``      activation a = g(z); the network's output is the last layer's a
``t``      the target; E the loss (error) of one sample
``delta``  ∂E/∂z: output delta (a − t)·g'(z), hidden delta g'(z_j)·Σ_k delta_k·w_kj
``lr``     the learning rate η
=========  ==================================================================

>>> from tinynet import Network, Dense
>>> net = Network([Dense(2, 2, "sigmoid"), Dense(2, 1, "sigmoid")], seed=0)
>>> net.count_parameters()
9
"""

from .activations import ACTIVATIONS
from .backend import available_backends, backend_name, get_backend, register, use
from .conv import Conv2D, Flatten
from .errors import (BackendError, ConfigError, DataError, DataTypeError, DivergenceWarning,
                     GraphError, ModelFileError, NotBuiltError, ShapeError, TinynetError,
                     TrainingDiverged)
from .gradcheck import gradcheck
from .initializers import INITIALIZERS
from .layers import Dense, Dropout, Neuron, NeuronView
from .losses import LOSSES
from .network import Network
from .optim import SGD, Adam, Momentum
from .pooling import AvgPool2D, MaxPool2D
from .training import History
from . import datasets            # tinynet.datasets.xor() works after a plain "import tinynet"

__version__ = "0.1.0"

__all__ = [
    "Network", "Dense", "Dropout", "Neuron", "NeuronView", "Conv2D", "MaxPool2D", "AvgPool2D", "Flatten", "SGD", "Momentum", "Adam", "History",
    "gradcheck", "use", "backend_name", "available_backends", "get_backend", "register",
    "ACTIVATIONS", "LOSSES", "INITIALIZERS",
    "TinynetError", "ShapeError", "DataError", "DataTypeError", "ModelFileError",
    "TrainingDiverged", "BackendError", "ConfigError", "NotBuiltError", "DivergenceWarning",
    "GraphError", "datasets",
]
