"""Contexts and compiled kernels, made once per device and shared.

============================  ==============================================
``context_for(device)``       (context, in-order queue, memory pool)
``SHAPES``, ``FALLBACK``      the block shapes by name, and the order the
                              probe falls back through (``probe``)
``compiler_target(device)``   the CPU pocl's LLVM compiles for ("znver3")
``vector_width(device, dt)``  16 or 8: the CPU blocks' vectors for that target
``tiles_for(device, dt)``     the block shapes to try first on a device
``kernels_for(ctx, dt, t)``   {name: Kernel} of ``kernels.SOURCE`` built for a
                              dtype and Tiles, scalar types declared (a
                              program missing kernels is built again)
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
from .context import build_program, driver_error, driver_name, load_pyopencl

__all__ = ["LOCAL_1D", "LOCAL_2D", "PARAMETERS", "KERNEL_NAMES", "Tiles", "SHAPES", "FALLBACK", "context_for",
           "compiler_target", "vector_width", "shape_name", "check_tiles", "tiles_for",
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
#: (kernel name, its parameter list), as in kernels.SOURCE
PARAMETERS_TEXT = re.findall(r"__kernel\s+void\s+(\w+)\s*\(([^)]*)\)", kernels.SOURCE)
#: kernel name -> the names of its parameters, as in kernels.SOURCE
PARAMETERS = {name: [param.split()[-1].lstrip("*") for param in params.split(",")]
              for name, params in PARAMETERS_TEXT}


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
            raise driver_error(device, "opening the OpenCL device", error) from error
        _contexts[key] = (context, queue, MemoryPool(ImmediateAllocator(queue)))
    return _contexts[key]


#: What one work-item computes: ``vw``, the vector width (4, 8 or 16);
#: ``block_rows``, the rows of its BR x 2VW block of an A·B or Aᵀ·B product;
#: ``nt_rows`` x ``nt_cols``, its block of dense_forward's A·Wᵀ.
Tiles = namedtuple("Tiles", "vw block_rows nt_rows nt_cols")

#: The block shapes by name, in the order the backend falls back through when
#: a shape fails on a driver (``probe``): big CPU blocks of 16-wide vectors
#: (AVX-512), of 8-wide ones (AVX2), the GPU's small blocks, and the smallest
#: (one row of 4-wide vectors: the least a vectorising compiler can be asked for).
SHAPES = {"cpu16": Tiles(16, 6, 4, 4), "cpu8": Tiles(8, 6, 4, 4),
          "gpu": Tiles(4, 4, 2, 2), "small": Tiles(4, 1, 1, 4)}
FALLBACK = ("cpu16", "cpu8", "gpu", "small")

#: LLVM CPU names whose vector registers are 512 bits wide (AVX-512).
_AVX512_TARGETS = ("avx512", "knl", "knm", "cannonlake", "icelake", "tigerlake", "rocketlake",
                   "cascadelake", "cooperlake", "sapphirerapids", "graniterapids",
                   "emeraldrapids", "diamondrapids", "znver4", "znver5", "x86-64-v4")
_TRIPLE_PARTS = {"unknown", "pc", "apple", "linux", "gnu", "gnueabihf", "musl", "darwin",
                 "windows", "msvc", "w64", "mingw32", "android", "none", "elf"}


def compiler_target(device):
    """The CPU the device's OpenCL compiler generates code for, where it says so.

    pocl ends its device version with ``HSTR: pthread-<LLVM triple>-<LLVM CPU>``
    ("... x86_64-unknown-linux-gnu-znver3" -> "znver3"); that, not the CPU's
    own name, decides the widest vectors LLVM will emit. None for other drivers.
    """
    match = re.search(r"HSTR:\s*\S*?(?:x86_64|i[3-6]86|aarch64|arm\w*|riscv\d+|ppc64\w*)-(\S+)",
                      str(getattr(device, "version", "")))
    if not match:
        return None
    parts = match.group(1).split("-")
    while parts and parts[0] in _TRIPLE_PARTS:
        parts.pop(0)
    return "-".join(parts) or None


def vector_width(device, dtype):
    """The CPU blocks' vector width, 16 or 8, from what the compiler targets.

    16 where the device's native vectors of ``dtype`` are 16 wide and, for
    pocl, its LLVM target has AVX-512; else 8.  ``preferred_vector_width_*``
    is not enough: pocl 3.0 reports 16 on an AVX-512 CPU whose code it
    generates for znver3 (AVX2), and LLVM aborts on 16-wide blocks there.
    The probe (``probe``) confirms the choice by running it.
    """
    native = (device.native_vector_width_double if dtype == "float64"
              else device.native_vector_width_float)
    target = compiler_target(device)
    if target is not None and not any(name in target for name in _AVX512_TARGETS):
        return 8
    return 16 if native >= 16 else 8


def shape_name(device, dtype, kind=None):
    """The name (a key of SHAPES) of the blocks to try first: kind "cpu"
    (its width from ``vector_width``), "cpu16", "cpu8", "gpu", "small", or
    None to go by ``TINYNET_OPENCL_TILES``, else the device's type."""
    what = "tiles"
    if kind is None:
        kind = os.environ.get("TINYNET_OPENCL_TILES", "").strip().lower() or None
        what = "TINYNET_OPENCL_TILES"
    if kind is None:
        cl, _ = load_pyopencl()
        kind = "gpu" if device.type & cl.device_type.GPU else "cpu"
    if kind == "cpu":
        return "cpu{}".format(vector_width(device, dtype))
    if kind not in SHAPES:
        raise BackendError("{} must be one of cpu, {}; not {!r}".format(
            what, ", ".join(SHAPES), kind))
    return kind


def check_tiles(tiles):
    """A Tiles of one's own (to try other shapes), checked."""
    if tiles.vw not in (4, 8, 16) or tiles.nt_rows * tiles.nt_cols % tiles.vw:
        raise BackendError("{}: vw must be 4, 8 or 16, and nt_rows x nt_cols a multiple "
                           "of it (dense_forward applies g to whole vectors)".format(tiles))
    return tiles


def tiles_for(device, dtype, kind=None):
    """The Tiles to try first for a device: kind as in ``shape_name``, or a
    Tiles of one's own (checked here).

    A CPU runs a few work-items per core, so each computes a big block (6 x 2VW,
    VW = 16 where the compiler targets AVX-512, else 8; ``vector_width``): what
    measured fastest on pocl.  A GPU needs thousands of
    work-items in flight, so each computes a small one (4 x 8 and 2 x 2, VW 4).
    On an NVIDIA H100, against the CPU blocks, that cut a digits training
    batch's device time from 116 to 88 µs (profiling events) and the
    1024-wide Dense step from 372 to 294 µs; of the eight shapes tried it was
    the best balance (8 x 8 blocks were faster only from n = 2048).  The
    digits epoch's wall time did not move beyond noise: at that size the
    host's Python and the driver's ~10 µs a launch set the pace.
    ``TINYNET_OPENCL_TILES=cpu|cpu16|cpu8|gpu|small`` overrides the choice (the
    tests run the GPU blocks on pocl this way).  The backend runs what this
    gives through ``probe.choose``, which falls back to the next of FALLBACK
    where a shape fails on the driver.
    """
    if isinstance(kind, Tiles):
        return check_tiles(kind)
    return SHAPES[shape_name(device, dtype, kind)]


#: The kernels SOURCE defines, in order.
KERNEL_NAMES = tuple(PARAMETERS)


def _options(dtype, tiles):
    real = "double" if dtype == "float64" else "float"
    vw = tiles.vw
    options = ["-cl-mad-enable", "-Dreal=" + real, "-Dreal2={}2".format(real),
               "-Dreal4={}4".format(real), "-Dreal8={}8".format(real),
               "-DrealV={}{}".format(real, vw), "-DVW={}".format(vw),
               "-DBR={}".format(tiles.block_rows),
               "-DNT_ROWS={}".format(tiles.nt_rows),
               "-DNT_COLS={}".format(tiles.nt_cols),
               "-DLOCAL={}".format(LOCAL_1D)]
    if dtype == "float64":
        options.append("-DREAL_IS_DOUBLE")
    return options


def _kernels(program):
    """{name: Kernel} for every kernel of SOURCE in ``program``; the names missing
    from it (a driver's kernel cache can hand back a program that lacks some)."""
    cl, _ = load_pyopencl()
    try:
        present = set(program.get_info(cl.program_info.KERNEL_NAMES).split(";"))
    except cl.Error:
        present = set(KERNEL_NAMES)
    table, missing = {}, [name for name in KERNEL_NAMES if name not in present]
    for name in KERNEL_NAMES:
        if name in missing:
            continue
        try:
            table[name] = cl.Kernel(program, name)
        except cl.Error:                 # INVALID_KERNEL_NAME: listed, yet not there
            missing.append(name)
    return table, missing


def kernels_for(context, dtype, tiles):
    """{name: Kernel} for SOURCE built for `dtype` and `tiles`, with scalar types set.

    A program that comes back without all of SOURCE's kernels (pocl 3.0's
    kernel cache was seen to keep one with 1 of them after a crash, and to
    hand it to every later process) is built again under a build option of
    its own (``-DTINYNET_FRESH_BUILD=1``, then a random value), so that the
    broken cache entry is not read.  Any error from the driver is a
    BackendError naming the device and driver.
    """
    cl, np = load_pyopencl()
    key = (context.int_ptr, dtype, tiles)
    if key not in _programs:
        device = context.devices[0]
        options = _options(dtype, tiles)
        try:
            table, missing = _kernels(build_program(context, kernels.SOURCE, options))
            # first an option every later process uses too (so the next one finds
            # this build in the cache), then, should that entry be broken as well, one
            # no cache can have
            for salt in ("1", os.urandom(6).hex()):
                if not missing:
                    break
                fresh = options + ["-DTINYNET_FRESH_BUILD=" + salt]
                table, missing = _kernels(build_program(context, kernels.SOURCE, fresh))
            if missing:
                raise BackendError(
                    "the OpenCL program built for {} ({}) lacks {} of its {} kernels ({}), "
                    "even when built afresh; try another OpenCL driver, or clear its "
                    "kernel cache (pocl: POCL_CACHE_DIR, ~/.cache/pocl)".format(
                        device.name.strip(), driver_name(device), len(missing),
                        len(KERNEL_NAMES), ", ".join(missing[:4])))
            for name, params in PARAMETERS_TEXT:
                scalar_types = []
                for param in params.split(","):
                    if "*" in param:
                        scalar_types.append(None)
                    else:
                        type_name = param.replace("const", "").split()[0]
                        scalar_types.append(np.dtype(_SCALAR_TYPES.get(type_name, dtype)))
                table[name].set_scalar_arg_dtypes(scalar_types)
                _scalar_types[table[name].int_ptr] = scalar_types
        except cl.Error as error:
            raise driver_error(device, "making the OpenCL kernels", error) from error
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
