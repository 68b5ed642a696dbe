"""Contexts and compiled kernels, made once per device and shared.

============================  ==============================================
``context_for(device)``       (context, in-order queue, memory pool)
``tiles_for(device, dt)``     the vector width and block shapes for a device
``kernels_for(ctx, dt, t)``   {name: Kernel} of ``kernels.SOURCE`` built for a
                              dtype and Tiles, scalar types declared
``clone_kernel(kernel, args)``  another Kernel object of the same kernel, with
                              arguments of its own (``capture``)
============================  ==============================================

Work-group sizes are fixed (``LOCAL_1D``, ``LOCAL_2D``): on pocl each new size
costs a compile (40-70 ms).
"""

import os
import re
from collections import namedtuple

from tinynet.errors import BackendError

from . import kernels
from .context import build_program, load_pyopencl

__all__ = ["LOCAL_1D", "LOCAL_2D", "PARAMETERS", "Tiles", "context_for", "tiles_for",
           "kernels_for", "clone_kernel"]

#: Work-group sizes, fixed: on pocl each new size costs a compile (40-70 ms).
LOCAL_1D = 64
LOCAL_2D = (8, 8)

_SCALAR_TYPES = {"int": "int32", "uint": "uint32"}

# One context and queue per device, and one built program per (context,
# dtype): every backend object on the same device shares them.
_contexts = {}
_programs = {}
_scalar_types = {}          # Kernel.int_ptr -> its scalar argument types
#: kernel name -> the names of its parameters, as in kernels.SOURCE
PARAMETERS = {name: [param.split()[-1].lstrip("*") for param in params.split(",")]
              for name, params in re.findall(r"__kernel\s+void\s+(\w+)\s*\(([^)]*)\)",
                                             kernels.SOURCE)}


def context_for(device):
    """(context, in-order queue, memory pool) for a device, made once.

    Results come from a memory pool: a new cl.Buffer costs about 5 µs of
    host time on pocl, a pooled one 0.3 µs.  Reusing a freed buffer is safe
    because the queue is in order: a kernel that writes the reused buffer
    runs after every kernel queued before it that read the old contents.
    """
    cl, _ = load_pyopencl()
    key = device.int_ptr
    if key not in _contexts:
        from pyopencl.tools import ImmediateAllocator, MemoryPool
        try:
            context = cl.Context([device])
            queue = cl.CommandQueue(context)
        except cl.Error as error:
            raise BackendError("cannot open OpenCL device {}: {}".format(
                device.name.strip(), error)) from error
        _contexts[key] = (context, queue, MemoryPool(ImmediateAllocator(queue)))
    return _contexts[key]


#: What one work-item computes: ``vw``, the vector width (4, 8 or 16);
#: ``block_rows``, the rows of its BR x 2VW block of an A·B or Aᵀ·B product;
#: ``nt_rows`` x ``nt_cols``, its block of dense_forward's A·Wᵀ.
Tiles = namedtuple("Tiles", "vw block_rows nt_rows nt_cols")


def tiles_for(device, dtype, kind=None):
    """The Tiles for a device: kind "cpu", "gpu", None to go by the device, or
    a Tiles of one's own (to try other shapes; checked here).

    A CPU runs a few work-items per core, so each computes a big block (6 x 2VW,
    VW = 16 where the device prefers 16-wide vectors, as pocl does on AVX-512,
    else 8): what measured fastest on pocl.  A GPU needs thousands of
    work-items in flight, so each computes a small one (4 x 8 and 2 x 2, VW 4):
    of the eight shapes tried on an NVIDIA H100 it was the best balance
    (docs/opencl.md has the measurements).  ``TINYNET_OPENCL_TILES=cpu|gpu``
    overrides the choice (the tests run the GPU blocks on pocl this way).
    """
    if isinstance(kind, Tiles):
        if kind.vw not in (4, 8, 16) or kind.nt_rows * kind.nt_cols % kind.vw:
            raise BackendError("{}: vw must be 4, 8 or 16, and nt_rows x nt_cols a multiple "
                               "of it (dense_forward applies g to whole vectors)".format(kind))
        return kind
    what = "tiles"
    if kind is None:
        kind = os.environ.get("TINYNET_OPENCL_TILES", "").strip().lower() or None
        what = "TINYNET_OPENCL_TILES"
    if kind is None:
        cl, _ = load_pyopencl()
        kind = "gpu" if device.type & cl.device_type.GPU else "cpu"
    if kind == "gpu":
        return Tiles(4, 4, 2, 2)
    if kind != "cpu":
        raise BackendError("{} must be 'cpu' or 'gpu', not {!r}".format(what, kind))
    preferred = (device.preferred_vector_width_double if dtype == "float64"
                 else device.preferred_vector_width_float)
    return Tiles(16 if preferred >= 16 else 8, 6, 4, 4)


def kernels_for(context, dtype, tiles):
    """{name: Kernel} for SOURCE built for `dtype` and `tiles`, with scalar types set."""
    cl, np = load_pyopencl()
    key = (context.int_ptr, dtype, tiles)
    vw = tiles.vw
    if key not in _programs:
        real = "double" if dtype == "float64" else "float"
        options = ["-cl-mad-enable", "-Dreal=" + real, "-Dreal2={}2".format(real),
                   "-Dreal4={}4".format(real), "-Dreal8={}8".format(real),
                   "-DrealV={}{}".format(real, vw), "-DVW={}".format(vw),
                   "-DBR={}".format(tiles.block_rows),
                   "-DNT_ROWS={}".format(tiles.nt_rows),
                   "-DNT_COLS={}".format(tiles.nt_cols),
                   "-DLOCAL={}".format(LOCAL_1D)]
        if dtype == "float64":
            options.append("-DREAL_IS_DOUBLE")
        program = build_program(context, kernels.SOURCE, options)
        table = {}
        for name, params in re.findall(r"__kernel\s+void\s+(\w+)\s*\(([^)]*)\)", kernels.SOURCE):
            kernel = cl.Kernel(program, name)
            scalar_types = []
            for param in params.split(","):
                if "*" in param:
                    scalar_types.append(None)
                else:
                    type_name = param.replace("const", "").split()[0]
                    scalar_types.append(np.dtype(_SCALAR_TYPES.get(type_name, dtype)))
            kernel.set_scalar_arg_dtypes(scalar_types)
            _scalar_types[kernel.int_ptr] = scalar_types
            table[name] = kernel
        _programs[key] = table
    return _programs[key]


def clone_kernel(kernel, args, spares=None):
    """Another Kernel object for ``kernel``'s program and name, ``args`` set on it.

    A Kernel keeps the arguments last set on it; a captured step's launches
    each get their own, so that a replay only queues them. ``spares``: a
    list of such objects no longer used, taken from first (a new one costs
    about 0.5 ms: pyopencl writes its argument-setting code). The scalars are
    set as numpy numbers of the kernel's declared types.
    """
    cl, _ = load_pyopencl()
    twin = spares.pop() if spares else cl.Kernel(kernel.program, kernel.function_name)
    for position, (arg, scalar_type) in enumerate(zip(args, _scalar_types[kernel.int_ptr])):
        twin.set_arg(position, arg if scalar_type is None else scalar_type.type(arg))
    return twin
