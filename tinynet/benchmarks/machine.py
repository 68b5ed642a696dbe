"""What the benchmarks run on: the CPU, the OpenCL device, and their peaks.

A *peak* is the most floating-point operations per second a device could do
if every unit did a fused multiply-add on every lane in every cycle.  Real
code reaches a fraction of it; the report shows that fraction.  All peaks
here are **estimates** from a formula, not measurements:

CPU (from /proc/cpuinfo)::

    peak = cores × SIMD lanes × FMA units × 2 × clock

with lanes = vector bits / 32 (float32) or / 64 (float64), vector bits 512
with ``avx512f``, 256 with ``avx``/``avx2``, else 128 (SSE2); 2 FMA units per
core with ``fma`` (a guess: server cores have 1 or 2 AVX-512 units), and the
clock is the current "cpu MHz" (turbo and AVX-512 down-clocking are unknown).

OpenCL devices report compute units and a maximum clock; a formula is known
only by vendor and family (lanes per compute unit), so GPU peaks are rough.
A CPU device (pocl) is the host CPU: its peak is the CPU formula for the
compute units it exposes.

>>> peak = cpu_peak("float64")
>>> peak is None or peak["gflops"] > 0
True
"""

import os
import platform
import sys
import time

__all__ = ["cpu_info", "cpu_peak", "opencl_device_info", "opencl_peak", "synchronise",
           "settle", "SETTLE_AFTER", "machine_summary"]


def _cpuinfo_text():
    try:
        with open("/proc/cpuinfo") as handle:
            return handle.read()
    except OSError:
        return ""


def cpu_info():
    """{'model', 'cores', 'logical', 'mhz', 'flags'} from /proc/cpuinfo (best effort).

    ``cores`` counts physical cores this process may run on (distinct
    (physical id, core id) pairs, limited by the CPU affinity).
    """
    text = _cpuinfo_text()
    model, mhz, flags = platform.processor() or platform.machine(), None, set()
    cores = set()
    physical = core = None
    logical = 0
    for line in text.splitlines() + [""]:
        key, _, value = line.partition(":")
        key, value = key.strip(), value.strip()
        if key == "processor":
            logical += 1
        elif key == "model name" and value:
            model = value
        elif key == "cpu MHz" and mhz is None:
            try:
                mhz = float(value)
            except ValueError:
                pass
        elif key == "flags" and not flags:
            flags = set(value.split())
        elif key == "physical id":
            physical = value
        elif key == "core id":
            core = value
        elif not line.strip():
            if core is not None:
                cores.add((physical, core))
            physical = core = None
    try:
        usable = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        usable = os.cpu_count() or 1
    logical = logical or os.cpu_count() or 1
    n_cores = len(cores) or logical
    if usable < logical:                      # a container limited to some CPUs
        n_cores = max(1, round(n_cores * usable / logical))
    return {"model": model, "cores": n_cores, "logical": min(logical, usable),
            "mhz": mhz, "flags": flags}


def _simd(flags):
    if "avx512f" in flags:
        return 512, "AVX-512"
    if "avx2" in flags or "avx" in flags:
        return 256, "AVX2" if "avx2" in flags else "AVX"
    return 128, "SSE2"


def cpu_peak(dtype="float32", cores=None, info=None):
    """{'gflops', 'formula'} for the host CPU, or None when the clock is unknown."""
    info = info or cpu_info()
    if not info["mhz"]:
        return None
    bits, simd = _simd(info["flags"])
    lanes = bits // (64 if dtype == "float64" else 32)
    fma_units = 2 if "fma" in info["flags"] else 1
    cores = cores or info["cores"]
    gflops = cores * lanes * fma_units * 2 * info["mhz"] / 1000.0
    formula = "{} cores × {} {} lanes ({}) × {} FMA units × 2 × {:.0f} MHz (estimate)".format(
        cores, lanes, dtype, simd, fma_units, info["mhz"])
    return {"gflops": gflops, "formula": formula}


# Lanes (float32 FMAs per cycle) per compute unit, by vendor, for GPUs.
_GPU_LANES = (("nvidia", 128, "NVIDIA SM, 128 FP32 lanes (consumer GPUs since Pascal, and H100; "
               "V100 and A100 have 64)"),
              ("advanced micro devices", 64, "AMD CU, 64 lanes"),
              ("amd", 64, "AMD CU, 64 lanes"),
              ("intel", 8, "Intel EU, 8 FP32 lanes (Gen9-Gen12)"))


def opencl_device_info(backend):
    """A dict about the OpenCL device a backend computes on, or None."""
    device = getattr(backend, "device", None)
    if device is None:
        return None
    try:
        import pyopencl as cl
        kind = cl.device_type.to_string(device.type)
    except Exception:                         # pragma: no cover - any pyopencl trouble
        kind = "?"
    return {"name": device.name.strip(), "platform": device.platform.name.strip(),
            "vendor": device.vendor.strip(), "type": kind,
            "compute_units": device.max_compute_units, "mhz": device.max_clock_frequency,
            "dtype": getattr(backend, "dtype", "float32")}


def opencl_peak(backend):
    """{'gflops', 'formula'} for a backend's OpenCL device, or None (no formula)."""
    info = opencl_device_info(backend)
    if info is None:
        return None
    if "CPU" in info["type"].upper():
        host = cpu_info()
        # pocl runs on the host: its compute units are logical CPUs; the
        # clock it reports is often 0 or the nominal one, so use the host's.
        cores = min(info["compute_units"], host["cores"]) or host["cores"]
        return cpu_peak(info["dtype"], cores=cores, info=host)
    if "GPU" in info["type"].upper() and info["mhz"]:
        vendor = info["vendor"].lower()
        for key, lanes, what in _GPU_LANES:
            if key in vendor:
                ratio = 1 if info["dtype"] == "float32" else 1 / 32
                gflops = info["compute_units"] * lanes * 2 * info["mhz"] / 1000.0 * ratio
                return {"gflops": gflops, "formula": "{} compute units × {} × 2 × {} MHz{} "
                        "(rough estimate)".format(info["compute_units"], what, info["mhz"],
                                                  "" if ratio == 1 else " × 1/32 for float64")}
    return None


def synchronise(backend):
    """Wait until the backend has finished everything it was asked to do.

    The python backend is synchronous.  A device backend queues work, so a
    timer must not stop before the queue is empty: ``backend.finish()`` when
    the backend has it, else its OpenCL command queue's ``finish()``.
    """
    finish = getattr(backend, "finish", None)
    if callable(finish):
        finish()
        return
    queue = getattr(backend, "queue", None)
    if queue is not None and callable(getattr(queue, "finish", None)):
        queue.finish()


#: Seconds to wait after timing a case of these implementations, before the
#: next case: their threads go on spinning that long.  OpenBLAS's workers
#: busy-wait about 2**28 cycles (~0.1 s) after each multi-threaded call for
#: the next one; on a 2-core machine they take a core from whatever runs then.
#: Measured with pocl: a 1024 x 1024 OpenCL product took 16-18 ms straight
#: after a 2-thread NumPy product, or up to 0.1 s later, and 8.9 ms 0.2 s later.
SETTLE_AFTER = {"ref-numpy": 0.25}


def settle(impl):
    """Wait until the threads of ``impl``'s last call have gone idle (SETTLE_AFTER)."""
    pause = SETTLE_AFTER.get(impl)
    if pause:
        time.sleep(pause)


def machine_summary():
    """One line about the host: CPU model, cores, Python (and which one: builds
    of the same version differ, e.g. a shared libpython built without
    ``--enable-optimizations`` runs C-heavy code much slower)."""
    info = cpu_info()
    return "{} ({} cores{}), Python {} {} ({})".format(
        info["model"], info["cores"],
        ", {:.0f} MHz".format(info["mhz"]) if info["mhz"] else "",
        platform.python_implementation(), platform.python_version(), sys.executable or "?")
