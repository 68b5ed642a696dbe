"""Contexts and compiled kernels, made once per device and shared.

============================  ==============================================
``context_for(device)``       (context, in-order queue, memory pool)
``vector_width(device, dt)``  16 where the device prefers 16-wide vectors, else 8
``kernels_for(ctx, dt, vw)``  {name: Kernel} of ``kernels.SOURCE`` built for a
                              dtype and vector width, scalar types declared
============================  ==============================================

Work-group sizes are fixed (``LOCAL_1D``, ``LOCAL_2D``): on pocl each new size
costs a compile (40-70 ms).
"""

import re

from tinynet.errors import BackendError

from . import kernels
from .context import build_program, load_pyopencl

__all__ = ["LOCAL_1D", "LOCAL_2D", "context_for", "vector_width", "kernels_for"]

#: Work-group sizes, fixed: on pocl each new size costs a compile (40-70 ms).
LOCAL_1D = 64
LOCAL_2D = (8, 8)

_SCALAR_TYPES = {"int": "int32", "uint": "uint32"}

# One context and queue per device, and one built program per (context,
# dtype): every backend object on the same device shares them.
_contexts = {}
_programs = {}


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


def vector_width(device, dtype):
    """16 where the device prefers 16-wide vectors of `dtype` (AVX-512), else 8."""
    preferred = (device.preferred_vector_width_double if dtype == "float64"
                 else device.preferred_vector_width_float)
    return 16 if preferred >= 16 else 8


def kernels_for(context, dtype, vw):
    """{name: Kernel} for SOURCE built for `dtype`, with scalar types set."""
    cl, np = load_pyopencl()
    key = (context.int_ptr, dtype, vw)
    if key not in _programs:
        real = "double" if dtype == "float64" else "float"
        options = ["-cl-mad-enable", "-Dreal=" + real, "-Dreal2={}2".format(real),
                   "-Dreal4={}4".format(real), "-Dreal8={}8".format(real),
                   "-DrealV={}{}".format(real, vw), "-DVW={}".format(vw),
                   "-DNT_ROWS={}".format(kernels.NT_BLOCK_ROWS),
                   "-DNT_COLS={}".format(kernels.NT_BLOCK_COLS),
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
            table[name] = kernel
        _programs[key] = table
    return _programs[key]
