"""The backend seam: every piece of matrix math in tinynet goes through here.

Layers, losses and optimisers never loop over matrix entries themselves: they
call the named operations of a backend. The pure-Python backend
(``tinynet.python_backend``) is the reference that defines what each operation
means; another backend (``tinynet_opencl``) implements the same operations on a
device and must agree with it (``tests/test_backend_conformance.py``).

A backend owns its matrix type. Model code treats matrices as opaque handles
and converts to plain lists only at the edges (``array`` in, ``to_list`` and
``read`` out), so a device backend keeps weights, activations, gradients and
optimiser state on the device for a whole training run.

Choosing a backend::

    import tinynet
    tinynet.use("opencl")        # global default for new networks
    tinynet.backend_name()       # -> "opencl"
    Network([...], backend="python")   # or per network

``TINYNET_BACKEND`` in the environment sets the default once, at import.

The operations come in three tiers (shapes are (rows, columns); a batch is one
sample per row; a *row* is a 1 x n matrix such as a bias b).

**1. Primitives** (``PRIMITIVES``): every backend implements these.

=========================================  ==========================================
edges and gathers
``array(rows)``                            a backend matrix from a list of lists
``to_list(M)``                             a list of lists of floats
``shape(M)``                               (rows, cols)
``full(rows, cols, value)``                a new matrix, every entry ``value``
``copy(M)``                                a new matrix with M's values
``assign(dst, src)``                       copy src's values into dst, in place
``take_rows(M, indices)``                  the rows M[i] for i in indices (a batch)
products
``matmul(A, B)``                           A·B     (m,k)(k,n) -> (m,n)   (delta·W)
``matmul_nt(A, B)``                        A·Bᵀ    (m,k)(n,k) -> (m,n)   (a·Wᵀ)
``matmul_tn(A, B)``                        Aᵀ·B    (k,m)(k,n) -> (m,n)   (deltaᵀ·a)
elementwise and reductions
``add(A, B)``, ``sub``, ``mul``            elementwise A+B, A−B, A⊙B
``scale(A, s)``                            s·A
``less(A, B)``                             1.0 where A < B, else 0.0
``add_row(A, b)``                          A + b, b added to every row
``sum_rows(A)``                            Σ_rows A, a (1, n) row
activations (a named g, see ACTIVATIONS and ``tinynet.activations``)
``activation(name, Z, alpha)``             g(Z)   (alpha: the slope of leaky_relu)
``activation_grad(name, Z, A, G, alpha)``  G ⊙ g'(Z), where A = g(Z)
losses (each adds the batch's summed loss into ``acc``, see ``accumulator``)
``squared_error(A, T, acc, scale)``        acc += scale·Σ(a−t)²; returns 2·scale·(A−T)
``softmax_cross_entropy(Z, A, T, acc, correct)``  acc += −Σ t·log softmax(z); returns A−T
``logistic_loss(Z, A, T, acc, correct)``   acc += −Σ t·log a+(1−t)·log(1−a); returns A−T
                                           (both: given a ``correct`` accumulator, also
                                           ``count_correct(A, T, correct)``)
``count_correct(A, T, acc)``               acc += number of rows with argmax A = argmax T
``argmax_rows(A)``                         the column of each row's largest value (list)
optimiser updates (in place; l2, l1 add λ·w and λ·sign(w) to the gradient)
``sgd_step(P, G, lr, l2, l1)``             P ← P − lr·G'
``momentum_step(P, V, G, lr, mu, l2, l1)`` V ← mu·V − lr·G';  P ← P + V
``adam_step(P, M, V, G, lr, beta1, beta2, eps, t, l2, l1)``
recurrent networks
``sum_squares(A, acc)``                     acc += Σ a² (a gradient's squared norm, for clipping)
``stack_rows([A, B, …])``                   [A; B; …]: the rows of each, one after another
``split_rows(M, parts)``                    M cut into ``parts`` equal blocks of rows (a list)
randomness (counter-based: the same seed and counter give the same numbers everywhere)
``uniform(rows, cols, seed, counter)``     numbers in [0, 1) (``counter_uniform``)
receptive fields (Conv2D and pooling; T is a table of windows, see tinynet.patches)
``patch_table(table, k, n)``               T: windows of k indices into rows of n,
                                           made once per shape (index n reads 0)
``reshape(M, rows, cols)``                 the same entries, row-major, a new shape
``gather_patches(X, T)``                   (m, n) -> (m·P, k): row s·P+p is window p
                                           of sample s ("im2col")
``scatter_patches(G, T)``                  (m·P, k) -> (m, n): its adjoint, each entry
                                           added back where it was read from
``max_pool(X, T)``                         (A, Arg): A[s][q] the largest entry of
                                           window q, Arg which of its k it was
``max_pool_grad(G, Arg, T)``               (m, Q) -> (m, n): G[s][q] routed to the
                                           argmax of window q (the max gate)
penalties (like a loss: add into ``acc``, return the gradient)
``sparsity(A, kind, rho, beta, acc)``      a code's sparsity penalty: "kl", m·β·Σ_j KL(ρ‖ρ̂_j)
                                           with ρ̂ the column means of A, or "l1", β·Σ|a|
=========================================  ==========================================

**2. Fusions** (``FUSIONS``): several primitives as one operation. Each is
defined in ``Backend`` below from the primitives, so a backend that has only
the primitives is complete; a device backend overrides a fusion to run it as
one kernel (and the reference overrides a few for speed, with the same
results to rounding).

=========================================  ==========================================
``zeros(rows, cols)``                      full(rows, cols, 0.0)
``take_rows_pair(X, T, indices)``          (take_rows(X, indices), take_rows(T, indices))
``dense_forward(A, W, b, name, alpha)``    (Z, g(Z)) with Z = A·Wᵀ + b
``backprop_delta(delta, W, Z, A, name, alpha)``  g'(Z) ⊙ (delta·W): the hidden delta
``dense_grads(delta, A_prev)``             ((1/m)·deltaᵀ·A_prev, (1/m)·Σ_rows delta)
``conv_forward(patches, W, b, m, name, alpha)``  dense_forward on the windows, (Z, g(Z)) as
                                           m rows (one a sample) of P·C_out
``conv_grads(delta, patches, channels)``   ((1/m)·Dᵀ·patches, (1/m)·Σ_rows D), D = delta
                                           read as (m·P, C_out)
``dropout_mask(rows, cols, p, seed, counter)``  0 with probability p, else 1/(1−p)
``bernoulli(P, seed, counter)``            1 where uniform < P, else 0 (sampling the
                                           units of a stochastic network)
``sgd_steps(steps, lr)``                   sgd_step for each (P, G, l2, l1) in steps
``momentum_steps(steps, lr, mu)``          momentum_step for each (P, V, G, l2, l1)
``adam_steps(steps, lr, b1, b2, eps, t)``  adam_step for each (P, M, V, G, l2, l1)
=========================================  ==========================================

The python and OpenCL backends also take a factor ``alpha`` in
``matmul_tn(A, B, alpha)`` and ``sum_rows(A, alpha)`` (alpha·Aᵀ·B, alpha·Σ):
a ``scale`` fused into the product. Model code does not rely on it.

**3. Hooks** (``HOOKS``): for running many training steps in a row. The
defaults here are right for a backend whose numbers live on the host.

=========================================  ==========================================
``accumulator()``, ``read(acc)``           a running total starting at 0, and its value
                                           (here a one-element list [total]; a device
                                           keeps it on the device and reads it rarely)
``captured(step, on_replay)``              ``step`` as the backend runs it every batch
                                           (here: unchanged; a device backend may
                                           record its kernels and replay them)
``mirror(matrices)``                       keep host copies to read should the device
                                           fail (here: nothing to do)
``describe()``                             one line about the backend and its device
=========================================  ==========================================

Writing a backend: subclass ``Backend``, implement the primitives (nothing
else is needed: ``tests/minimal_backend.py`` is one on plain lists), register
it with ``register("name", "package.module:ClassName")``, and run the
conformance suite with ``TINYNET_BACKEND=name``. Then make it fast by
overriding fusions and hooks. ``docs/seam.md`` walks through it.

Adding a primitive (a new layer whose math the primitives cannot express):
name it after the math, define it in the pure-Python reference
(``tinynet.python_backend``: the plainest loops, with the formula in the
docstring), add its name to ``PRIMITIVES`` and a test against a naive
reference to ``tests/test_backend_conformance.py``, implement it in
``tests/minimal_backend.py``; then give the OpenCL backend a kernel for it. An
operation that is several primitives in a row is a fusion instead: define it
in ``Backend`` from the primitives and add it to ``FUSIONS``.
"""

import importlib
import os

from .errors import BackendError

__all__ = [
    "Backend", "ACTIVATIONS", "PRIMITIVES", "FUSIONS", "HOOKS", "register", "use",
    "get_backend", "backend_name", "available_backends", "resolve", "missing_primitives",
]

#: The activation names every backend must understand.
ACTIVATIONS = ("linear", "sigmoid", "tanh", "relu", "leaky_relu", "softmax")

#: Tier 1: the operations every backend implements.
PRIMITIVES = (
    "array", "to_list", "shape", "full", "copy", "assign", "take_rows",
    "matmul", "matmul_nt", "matmul_tn",
    "add", "sub", "mul", "scale", "less", "add_row", "sum_rows",
    "activation", "activation_grad",
    "squared_error", "softmax_cross_entropy", "logistic_loss", "count_correct", "argmax_rows",
    "sgd_step", "momentum_step", "adam_step",
    "uniform",
    "sum_squares", "stack_rows", "split_rows",
    "patch_table", "reshape", "gather_patches", "scatter_patches", "max_pool", "max_pool_grad",
    "sparsity",
)
#: Tier 2: operations defined in ``Backend`` from the primitives; a device may fuse them.
FUSIONS = (
    "zeros", "take_rows_pair", "dense_forward", "backprop_delta", "dense_grads",
    "conv_forward", "conv_grads", "dropout_mask", "bernoulli", "sgd_steps", "momentum_steps", "adam_steps",
)
#: Tier 3: for running many steps; the defaults in ``Backend`` suit a host backend.
HOOKS = ("accumulator", "read", "captured", "mirror", "describe")


class Backend:
    """Base class of the backends: the fusions and hooks, written once.

    A subclass implements the primitives (``PRIMITIVES``, listed in the
    module docstring); the fusions below are built from them, so a new
    backend is correct as soon as its primitives are, and fast once it fuses
    these too.
    """

    #: The name the backend is registered under.
    name = "abstract"
    #: How closely this backend agrees with the reference (relative, absolute).
    tolerance = (1e-12, 1e-12)

    def __repr__(self):
        return "<tinynet backend {!r}>".format(self.name)

    # === 1. Primitives: each subclass implements PRIMITIVES ==================
    # (their meaning: the module docstring and tinynet.python_backend)

    # === 2. Fusions, defined from the primitives ============================

    def zeros(self, rows, cols):
        """A new matrix of zeros."""
        return self.full(rows, cols, 0.0)

    def take_rows_pair(self, X, T, indices):
        """A batch of samples and their targets: the same rows of X and of T.

        (X[i] for i in indices, T[i] for i in indices); a device backend
        may gather both in one launch, or let the kernels that use them
        read the rows in place.
        """
        return self.take_rows(X, indices), self.take_rows(T, indices)

    def dense_forward(self, A, W, b, name, alpha=0.01):
        """One fully connected layer, forwards: z = W·a + b, a' = g(z).

        With one sample per row of A this is Z = A·Wᵀ + b.  Returns (Z, g(Z)).
        """
        Z = self.add_row(self.matmul_nt(A, W), b)
        return Z, self.activation(name, Z, alpha)

    def backprop_delta(self, delta, W, Z, A, name, alpha=0.01):
        """The hidden-layer delta: delta_j = g'(z_j) · Σ_k delta_k · w_kj.

        ``delta`` is the next layer's delta (m, n_out), ``W`` its weights
        (n_out, n_in), and Z, A this layer's cache (m, n_in).
        """
        return self.activation_grad(name, Z, A, self.matmul(delta, W), alpha)

    def dense_grads(self, delta, A_prev):
        """The weight and bias gradients, averaged over the batch of m rows.

        dE/dW[k][j] = (1/m) Σ_samples delta_k · a_j   (deltaᵀ·A_prev / m)
        dE/db[k]    = (1/m) Σ_samples delta_k
        """
        m = self.shape(delta)[0]
        return (self.scale(self.matmul_tn(delta, A_prev), 1.0 / m),
                self.scale(self.sum_rows(delta), 1.0 / m))

    def conv_forward(self, patches, W, b, m, name, alpha=0.01):
        """A convolution, forwards, from the windows of m samples (``gather_patches``).

        Z = patches·Wᵀ + b and g(Z) (``dense_forward``: one row per window,
        one column per filter), each sample's P rows of C_out read as one row
        of P·C_out (position by position).  Returns (Z, g(Z)), both (m, P·C_out).
        """
        Z, A = self.dense_forward(patches, W, b, name, alpha)
        rows, channels = self.shape(Z)
        return self.reshape(Z, m, rows // m * channels), self.reshape(A, m, rows // m * channels)

    def conv_grads(self, delta, patches, channels):
        """A convolution's weight and bias gradients: sums over samples and positions, /m.

        With D = delta (m, P·C_out) read as (m·P, C_out), one row per window:
        dE/dW = (1/m)·Dᵀ·patches, dE/db = (1/m)·Σ_rows D (through the factor
        alpha of ``matmul_tn`` and ``sum_rows``, which Conv2D needs).
        """
        m, n = self.shape(delta)
        D = self.reshape(delta, m * n // channels, channels)
        return self.matmul_tn(D, patches, 1.0 / m), self.sum_rows(D, 1.0 / m)

    def dropout_mask(self, rows, cols, p, seed, counter):
        """Inverted dropout: 0 with probability p, else 1/(1−p) (so E[mask] = 1)."""
        U = self.uniform(rows, cols, seed, counter)
        keep = self.less(self.full(rows, cols, p), U)      # 1 where u > p
        return self.scale(keep, 1.0 / (1.0 - p))

    def bernoulli(self, P, seed, counter):
        """A 0/1 sample of each entry: 1 with probability P[i][j] (1 where u < p)."""
        rows, cols = self.shape(P)
        return self.less(self.uniform(rows, cols, seed, counter), P)

    def sgd_steps(self, steps, lr):
        """``sgd_step(P, G, lr, l2, l1)`` for each (P, G, l2, l1) in ``steps``.

        The ``*_steps`` fusions update every parameter of a network in one
        call, so that a device needs one launch per training step for them
        rather than one per weight matrix and bias.
        """
        for P, G, l2, l1 in steps:
            self.sgd_step(P, G, lr, l2, l1)

    def momentum_steps(self, steps, lr, mu):
        """``momentum_step(P, V, G, lr, mu, l2, l1)`` for each (P, V, G, l2, l1)."""
        for P, V, G, l2, l1 in steps:
            self.momentum_step(P, V, G, lr, mu, l2, l1)

    def adam_steps(self, steps, lr, beta1, beta2, eps, t):
        """``adam_step(P, M, V, G, lr, beta1, beta2, eps, t, l2, l1)`` for each (P, M, V, G, l2, l1)."""
        for P, M, V, G, l2, l1 in steps:
            self.adam_step(P, M, V, G, lr, beta1, beta2, eps, t, l2, l1)

    # === 3. Hooks for running many steps ====================================

    def accumulator(self):
        """A running total that starts at 0: the losses add into it.

        Here a one-element list [total], on the host; a device backend keeps
        it on the device, so that summing the loss never waits for the device.
        """
        return [0.0]

    def read(self, acc):
        """The value of an accumulator, as a float."""
        return acc[0]

    def captured(self, step, on_replay=None):
        """``step`` (a training step, called once per batch) as this backend runs it.

        A device backend may record the kernels the first calls queue and,
        once two calls in a row queued the same ones, queue them again for
        later calls on a batch of the same shape (and accumulators of the
        same shape) without running ``step``'s Python; ``on_replay()`` then
        does the step's host-side bookkeeping (the optimiser's step count).
        Here every call simply runs ``step``.
        """
        return step

    def mirror(self, matrices):
        """Keep a copy of ``matrices`` on the host, as they are at this point.

        A device backend copies them without waiting (``fit`` calls this
        after each epoch, for the network's weights); should the device fail
        later, reading them (``to_list``) gives those copies, so the last
        synchronised weights can still be saved.  Here the matrices are on
        the host already: nothing to do.
        """

    def describe(self):
        """One line about the backend and the device it computes on."""
        return self.name


# === The registry ===========================================================

# name -> "module:Class", imported only when the backend is first chosen, so
# that `import tinynet` never imports a plugin's dependencies (pyopencl).
_REGISTRY = {
    "python": "tinynet.python_backend:PythonBackend",
    "opencl": "tinynet_opencl:OpenCLBackend",
}

_HOW_TO_GET = {
    "opencl": 'pip install ".[opencl]"   (add ",pocl" for the CPU driver: '
              'pip install ".[opencl,pocl]")',
}

_instances = {}
_default = [os.environ.get("TINYNET_BACKEND", "python").strip() or "python"]


def register(name, target, how_to_get=None):
    """Register a backend class under ``name``; ``target`` is "module:Class".

    A plugin package calls this at import time; nothing is imported here.
    """
    _REGISTRY[name] = target
    if how_to_get:
        _HOW_TO_GET[name] = how_to_get
    _instances.pop(name, None)


def available_backends():
    """The registered backend names (registered, not necessarily usable)."""
    return sorted(_REGISTRY)


def get_backend(name=None, **options):
    """The backend object called ``name`` (default: the current default).

    Backends are created once and shared; options (such as an OpenCL device)
    create a separate instance.  One whose device failed (its ``failed`` is
    set) is not handed out again: a new one is made (a GPU may be back after
    a reset), while the networks on the old one keep their last weights.
    """
    if name is None:
        name = _default[0]
    if isinstance(name, Backend):
        return name
    if name not in _REGISTRY:
        raise BackendError(
            "unknown backend {!r}; registered backends: {}".format(
                name, ", ".join(available_backends())))
    key = (name, tuple(sorted(options.items())))
    if key not in _instances or getattr(_instances[key], "failed", None):
        _instances[key] = _create(name, options)
    return _instances[key]


def _create(name, options):
    module_name, _, class_name = _REGISTRY[name].partition(":")
    try:
        backend_class = getattr(importlib.import_module(module_name), class_name)
        missing = missing_primitives(backend_class)
        if missing:
            raise BackendError("backend {!r} does not implement the primitive{} {} "
                               "(see tinynet.backend.PRIMITIVES)".format(
                                   name, "s" if len(missing) > 1 else "", ", ".join(missing)))
        return backend_class(**options)
    except BackendError:
        raise
    except ImportError as error:
        how = _HOW_TO_GET.get(name, "install the package that provides it")
        raise BackendError(
            "backend {!r} is registered but cannot be imported ({}). To get it: {}. "
            "Available without installing anything: 'python'.".format(name, error, how)
        ) from error


def missing_primitives(backend):
    """The names in ``PRIMITIVES`` that a backend (class or object) does not implement."""
    return [op for op in PRIMITIVES if not callable(getattr(backend, op, None))]


def use(name, **options):
    """Make ``name`` the default backend for networks created from now on.

    >>> use("python")
    <tinynet backend 'python'>
    >>> backend_name()
    'python'
    """
    backend = get_backend(name, **options)
    _default[0] = backend.name if not options else backend
    return backend


def backend_name():
    """The name of the current default backend."""
    current = _default[0]
    return current.name if isinstance(current, Backend) else current


def resolve(backend=None):
    """A backend object from a name, an object, or None (the default)."""
    if backend is None:
        backend = _default[0]
    return get_backend(backend)
