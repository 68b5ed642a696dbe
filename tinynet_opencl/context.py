"""Finding pyopencl and choosing an OpenCL device, without ever asking.

pyopencl's ``create_some_context()`` prompts on a terminal when it cannot
decide, which hangs a notebook or a GUI.  This module never prompts; the
device is chosen, in this order, by

1. the ``device=`` argument: ``"P:D"`` (platform index P, device index D),
   ``"P"`` (platform P, its best device), or a case-insensitive substring of
   a device or platform name (``"gpu"`` or ``"cpu"`` match the device type);
2. the ``PYOPENCL_CTX`` environment variable, read the same way (pyopencl's
   own convention, so an existing setting keeps working);
3. otherwise the best device: a GPU before an accelerator before a CPU, then
   the most compute units times clock.

=========================  ===================================================
``load_pyopencl()``        (pyopencl, numpy), or BackendError saying what to install
``choose_device(device)``  the pyopencl Device the rules above pick
``list_devices(device)``   one dict per device (platform, name, type, ...)
``build_program(...)``     compile OpenCL C; a failure shows the build log
``driver_name(device)``    "<platform> <version>, driver <version>" of a device
``driver_error(...)``      the BackendError for a pyopencl or driver error
=========================  ===================================================
"""

import contextlib
import os
import sys
import tempfile
import warnings

from tinynet.errors import BackendError

__all__ = ["load_pyopencl", "choose_device", "list_devices", "build_program",
           "device_summary", "driver_name", "driver_error", "INSTALL_HINT", "DRIVER_HINT",
           "WHAT_TO_DO"]

INSTALL_HINT = ('pip install "tinynet-edu[opencl]"  (from a checkout: pip install ".[opencl]")')
DRIVER_HINT = ('install an OpenCL driver: for any x86-64 CPU, the pocl extra '
               '(pip install ".[opencl,pocl]", i.e. pocl-binary-distribution), '
               'or your GPU vendor\'s OpenCL driver')

#: What a user can do when a device or its driver fails (the end of driver_error's message).
WHAT_TO_DO = ('choose another device (device="P:D" or PYOPENCL_CTX; python -m tinynet info '
              'lists them), other blocks (TINYNET_OPENCL_TILES=cpu8, gpu or small), another '
              'OpenCL driver, or the python backend (tinynet.use("python"))')

_TYPE_RANK = {"GPU": 0, "ACCELERATOR": 1, "CPU": 2}


def load_pyopencl():
    """Import pyopencl (and numpy, which it brings); a clear error if missing."""
    try:
        import pyopencl
        import numpy
    except ImportError as error:
        raise BackendError(
            "the OpenCL backend needs pyopencl, which is not installed ({}). "
            "Install it with: {}".format(error, INSTALL_HINT)) from error
    return pyopencl, numpy


def _all_devices(cl):
    """[(platform_index, device_index, platform, device)] for every device."""
    try:
        platforms = cl.get_platforms()
    except cl.Error as error:            # pyopencl says PLATFORM_NOT_FOUND_KHR
        platforms = []
        reason = str(error)
    else:
        reason = "no platform has a device"
    found = []
    for p, platform in enumerate(platforms):
        try:
            devices = platform.get_devices()
        except cl.Error:                 # a platform with no devices raises
            devices = []
        for d, device in enumerate(devices):
            found.append((p, d, platform, device))
    if not found:
        raise BackendError(
            "pyopencl is installed but no OpenCL device was found ({}). "
            "To get one, {}.".format(reason, DRIVER_HINT))
    return found


def _type_name(cl, device):
    """"GPU", "ACCELERATOR", "CPU" or "OTHER" (pocl's CPU also says DEFAULT)."""
    for name in ("GPU", "ACCELERATOR", "CPU"):
        if device.type & getattr(cl.device_type, name):
            return name
    return "OTHER"


def _rank(cl, entry):
    """Sort key of 'best device first': GPU, then more compute x clock."""
    device = entry[3]
    kind = _TYPE_RANK.get(_type_name(cl, device), 3)
    return (kind, -device.max_compute_units * max(device.max_clock_frequency, 1),
            entry[0], entry[1])


def _match_part(part, names):
    """Index of names matching `part` (an index or a name substring), or None."""
    part = part.strip()
    if part.isdigit():
        index = int(part)
        return index if index < len(names) else None
    for index, name in enumerate(names):
        if part.lower() in name.lower():
            return index
    return None


def _select(cl, found, spec, source):
    """The entry that `spec` ("P:D", "P" or a name substring) names."""
    best_first = sorted(found, key=lambda entry: _rank(cl, entry))
    platforms = []
    for p, _, platform, _ in found:
        if p == len(platforms):
            platforms.append(platform.name)
    available = "; ".join("{}:{} {} ({})".format(p, d, dev.name.strip(), plat.name)
                          for p, d, plat, dev in found)
    spec = str(spec).strip()
    if ":" in spec:
        p_part, d_part = spec.split(":", 1)
        p = _match_part(p_part, platforms)
        if p is not None:
            devices = [dev.name for q, _, _, dev in found if q == p]
            d = _match_part(d_part, devices) if d_part.strip() else 0
            if d is not None:
                return next(entry for entry in found if entry[:2] == (p, d))
    elif spec.isdigit():
        for entry in best_first:
            if entry[0] == int(spec):
                return entry
    else:
        needle = spec.lower()
        for entry in best_first:
            p, d, platform, device = entry
            if (needle in device.name.lower() or needle in platform.name.lower()
                    or needle == _type_name(cl, device).lower()):
                return entry
    raise BackendError("{} {!r} names no OpenCL device; the devices are: {}".format(
        source, spec, available))


def _choose(cl, found, device=None):
    if device is not None and str(device).strip() != "":
        return _select(cl, found, device, "device")
    env = os.environ.get("PYOPENCL_CTX", "").strip()
    if env:
        return _select(cl, found, env, "PYOPENCL_CTX")
    return min(found, key=lambda entry: _rank(cl, entry))


def choose_device(device=None):
    """The pyopencl Device chosen by ``device``, else PYOPENCL_CTX, else the best.

    Never prompts.  Raises BackendError when pyopencl or a device is missing
    or ``device`` names none.
    """
    cl, _ = load_pyopencl()
    return _choose(cl, _all_devices(cl), device)[3]


def list_devices(device=None):
    """One dict per OpenCL device; ``chosen`` marks the one the backend would use.

    Keys: ``index`` ("P:D"), ``platform``, ``name``, ``type`` ("GPU", "CPU", ...),
    ``compute_units``, ``global_memory`` (bytes), ``max_clock_mhz``,
    ``float64`` (has cl_khr_fp64), ``chosen``.
    """
    cl, _ = load_pyopencl()
    found = _all_devices(cl)
    chosen = _choose(cl, found, device)
    return [{
        "index": "{}:{}".format(p, d),
        "platform": platform.name.strip(),
        "name": dev.name.strip(),
        "type": _type_name(cl, dev),
        "compute_units": dev.max_compute_units,
        "global_memory": dev.global_mem_size,
        "max_clock_mhz": dev.max_clock_frequency,
        "float64": "cl_khr_fp64" in dev.extensions,
        "chosen": (p, d) == chosen[:2],
    } for p, d, platform, dev in found]


def device_summary(device):
    """One line about a device: name, type, compute units, platform."""
    cl, _ = load_pyopencl()
    return "{} ({}, {} compute units, {})".format(
        device.name.strip(), _type_name(cl, device), device.max_compute_units,
        device.platform.name.strip())


def driver_name(device):
    """The platform and driver of a device, as its driver names them."""
    try:
        return "{} ({}), driver {}".format(device.platform.name.strip(),
                                           device.platform.version.strip(),
                                           device.driver_version.strip())
    except Exception:                    # a lost device may answer nothing
        return "an OpenCL driver that does not answer"


def driver_error(device, what, error, hint=WHAT_TO_DO):
    """The BackendError for ``error`` from pyopencl or the driver while ``what``
    ("building the kernels", ...) on ``device``: its first lines, the device
    and driver, and what to do."""
    lines = [line for line in str(error).strip().splitlines() if line.strip()]
    text = " / ".join(lines[:3]) + (" / ..." if len(lines) > 3 else "")
    try:
        name = device.name.strip()
    except Exception:
        name = "the OpenCL device"
    return BackendError("{} failed on {} ({}): {}. Try: {}.".format(
        what, name, driver_name(device), text, hint))


@contextlib.contextmanager
def _compiler_chatter(keep):
    """Send what the driver's compiler prints on file descriptor 2 ("25 warnings
    generated.", pocl's clang) to a temporary file; ``keep`` gets its text."""
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError, AttributeError):   # no real stderr: nothing to hide
        yield
        return
    with tempfile.TemporaryFile() as caught:
        os.dup2(caught.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            caught.seek(0)
            keep.append(caught.read().decode("utf-8", "replace"))


def build_program(context, source, options=()):
    """Compile OpenCL C for a context; on failure a BackendError with the build log.

    A build that succeeds says nothing: NVIDIA's compiler logs "Function ... is
    a kernel, so overriding noinline attribute" for every kernel, which
    pyopencl would show as a CompilerWarning on each first use, and pocl's
    clang prints "N warnings generated." straight to the process's stderr.
    Set ``PYOPENCL_COMPILER_OUTPUT=1`` to see both (pyopencl's own switch).
    """
    cl, _ = load_pyopencl()
    show = os.environ.get("PYOPENCL_COMPILER_OUTPUT", "").strip() not in ("", "0")
    chatter = []
    try:
        with warnings.catch_warnings():
            if not show:
                warnings.simplefilter("ignore", cl.CompilerWarning)
            with (contextlib.nullcontext() if show else _compiler_chatter(chatter)):
                return cl.Program(context, source).build(options=list(options))
    except cl.Error as error:            # pyopencl puts the compiler's log in the message
        device = context.devices[0]
        raise BackendError("building the OpenCL kernels failed on {} ({}):\n{}{}\nTry: {}.".format(
            device.name.strip(), driver_name(device), error,
            "".join("\n" + text.strip() for text in chatter if text.strip()),
            WHAT_TO_DO)) from error
