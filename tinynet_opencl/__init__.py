"""tinynet_opencl: tinynet's matrix operations as OpenCL kernels.

An optional plugin.  ``import tinynet`` never imports it (nor pyopencl); it
is loaded when the ``opencl`` backend is first chosen::

    import tinynet
    tinynet.use("opencl")                          # default device
    tinynet.use("opencl", device="0:0")            # platform 0, device 0
    tinynet.use("opencl", dtype="float64")         # where cl_khr_fp64 exists

=======================  ===================================================
``OpenCLBackend``        the backend (``tinynet.backend.Backend``)
``CLMatrix``             its matrix: a device buffer and a host-side shape
``list_devices()``       a dict per OpenCL device; ``chosen`` marks the one used
``choose_device()``      the device the backend would use (never prompts)
=======================  ===================================================

Importing this package needs neither pyopencl nor numpy; creating a backend
does, and says how to install what is missing.  The first time a backend
meets a driver, device, dtype and block shape, ``probe`` runs the kernels
once in a child process, so that a driver whose compiler crashes costs a
fallback to other blocks, never the user's Python process; the verdict is
kept in the user's cache folder (``python -m tinynet_opencl.probe --clear``
forgets it).  Every error from pyopencl or the driver while a backend is
made is a ``tinynet.errors.BackendError`` that names the device and driver.
"""

from tinynet.backend import register

from .backend import CLMatrix, OpenCLBackend
from .context import choose_device, list_devices

__all__ = ["OpenCLBackend", "CLMatrix", "list_devices", "choose_device"]

# The core already maps "opencl" here; registering again is harmless and
# keeps the plugin self-describing.
register("opencl", "tinynet_opencl:OpenCLBackend")
