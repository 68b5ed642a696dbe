"""The OpenCL C sources of the backend, one named constant per kernel family.

Every kernel is written for a scalar type ``real`` (``float`` by default,
``double`` when the backend is created with ``dtype="float64"``); ``realV``
is the vector of VW of them and ``realVu`` the same vector at the alignment
of one ``real``, so that a row of any length can be read VW entries at a
time.  VW and the shapes of the blocks the products' work-items compute are
build options, chosen per device by ``programs.tiles_for``: on a CPU few
work-items with big blocks (VW 8 or 16), on a GPU many with small ones.
All matrices are row-major: entry (i, j) of an (M, N) matrix is ``X[i*N + j]``.

Each constant says its math and which output entries one work-item writes.
``SOURCE`` (all of them joined) is built once per context
(``tinynet_opencl.backend``).

Three things measured on the pocl CPU driver shaped these kernels:

* ``vload8``/``vstore8`` and ``fma()`` compile to function calls there
  (5-10x slower), so vectors are read through a cast pointer (``realVu *``)
  and products are written ``c += a * b`` with ``-cl-mad-enable``;
* tiling through ``__local`` memory was slower than register blocking, so the
  fast products keep a small block of C in registers and read A and B
  straight from global memory (the CPU caches do the tiling);
* but a work-item walking down B's columns steps onto a new page every row
  once the rows are 4 KiB apart, where the prefetcher stops: there A.B first
  copies B into panels whose rows lie one after another (``pack_panels``,
  ``matmul_packed``), which halved the time of a 1024 x 1024 product.

On a GPU (measured on an NVIDIA H100) the same kernels run, with smaller
blocks so that a classroom-sized product still has thousands of work-items.

The families, one module each: ``shared`` (types, helpers, activation
numbers), ``products``, ``elementwise``, ``losses``, ``optimisers``,
``randomness``, ``output_step``, ``gathers`` (Conv2D and pooling), ``recurrent`` and
``unsupervised`` (the sparsity penalty); ``SOURCE`` joins them in the order the
OpenCL C needs (each helper before its first use).
"""

from .elementwise import ELEMENTWISE
from .gathers import GATHERS
from .losses import REDUCTIONS
from .optimisers import DENSE_GRADS_STEP, DENSE_GRADS_STEP_T, MULTI_STEPS, OPTIMISERS, STEP_SLOTS
from .output_step import OUTPUT_STEP
from .products import DENSE_FORWARD, DENSE_SOFTMAX, PRODUCTS
from .randomness import RANDOM
from .recurrent import RECURRENT
from .shared import ACTIVATION_KINDS, PREAMBLE
from .unsupervised import SPARSITY

__all__ = ["SOURCE", "PREAMBLE", "ACTIVATION_KINDS", "STEP_SLOTS"]

SOURCE = (PREAMBLE + PRODUCTS + DENSE_FORWARD + DENSE_SOFTMAX + ELEMENTWISE + REDUCTIONS
          + OPTIMISERS + MULTI_STEPS + DENSE_GRADS_STEP + DENSE_GRADS_STEP_T + OUTPUT_STEP
          + RANDOM + GATHERS + RECURRENT + SPARSITY)
