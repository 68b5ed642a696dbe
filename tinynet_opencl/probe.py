"""The probe: each block shape is run once, in a child process, before it is used.

A driver's compiler can abort the whole process (LLVM's "Cannot emit physreg
copy instruction" is a SIGABRT, pocl 3.1 segfaults on 16-wide blocks on some
CPUs), and no Python code can catch that.  So the first time a combination of
(platform and driver version, device, dtype, block shape, kernel source) is
met, a child process (``tinynet_opencl.probe_child``) builds the kernels with
that shape and launches every kernel family once, checking the results
against the pure-Python backend.  Its verdict is kept in a small JSON file in
the user's cache folder, so later processes read it and start nothing (about
0.1 ms; see docs/opencl-drivers.md).  Where a shape fails, the next of
``programs.FALLBACK`` is tried: 16-wide CPU blocks, 8-wide ones, the GPU's
small blocks, the smallest blocks.

===============================  ===========================================
``choose(device, dtype, tiles)``  (Tiles, report lines): the first shape, in
                                  fallback order, whose probe passed
``cache_file()``                  where the verdicts are kept
``clear_cache()``                 forget them (``python -m tinynet_opencl.probe --clear``)
===============================  ===========================================

Environment: ``TINYNET_CACHE_DIR`` (the folder; default
``$XDG_CACHE_HOME/tinynet``, ``~/.cache/tinynet``, ``~/Library/Caches/tinynet``
on macOS, ``%LOCALAPPDATA%\\tinynet\\Cache`` on Windows);
``TINYNET_OPENCL_PROBE``: ``0`` uses the first shape unprobed, ``again``
probes anew and overwrites the verdicts; ``TINYNET_OPENCL_PROBE_TIMEOUT``
(seconds, default 300); ``TINYNET_OPENCL_PROBE_ABORT`` (for tests: see
``probe_child``).
"""

import hashlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import warnings

from tinynet.errors import BackendError

from . import kernels
from .context import WHAT_TO_DO, driver_name, load_pyopencl
from .programs import FALLBACK, SHAPES, Tiles, check_tiles, shape_name

__all__ = ["choose", "cache_dir", "cache_file", "clear_cache", "device_index", "stored_verdicts"]

#: Bump when the child's checks change, so that old verdicts are not trusted.
PROBE_VERSION = 1
_SOURCE_HASH = hashlib.sha256(kernels.SOURCE.encode()).hexdigest()[:12]
_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
#: The verdicts this process has read or made: key -> verdict.
_memo = {}


# === Where the verdicts are kept =============================================

def cache_dir():
    """tinynet's cache folder: TINYNET_CACHE_DIR, else the platform's convention."""
    folder = os.environ.get("TINYNET_CACHE_DIR", "").strip()
    if folder:
        return folder
    if sys.platform.startswith("win"):
        base = os.environ.get("LOCALAPPDATA") or os.path.expanduser("~\\AppData\\Local")
        return os.path.join(base, "tinynet", "Cache")
    if sys.platform == "darwin":
        return os.path.expanduser("~/Library/Caches/tinynet")
    base = os.environ.get("XDG_CACHE_HOME", "").strip() or os.path.expanduser("~/.cache")
    return os.path.join(base, "tinynet")


def cache_file():
    """The JSON file of probe verdicts."""
    return os.path.join(cache_dir(), "opencl-probe.json")


def stored_verdicts():
    """{key: verdict} from the cache file ({} when it is missing or unreadable)."""
    try:
        with open(cache_file(), encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _store(key, verdict):
    """Add one verdict to the file, atomically; a cache that cannot be written is no error."""
    data = stored_verdicts()
    data[key] = verdict
    try:
        os.makedirs(cache_dir(), exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=cache_dir(), prefix=".opencl-probe-")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(data, f, indent=1, sort_keys=True)
        os.replace(temporary, cache_file())
    except OSError:
        pass


def clear_cache():
    """Forget every stored verdict (this process's too); the file removed, or None."""
    _memo.clear()
    try:
        os.remove(cache_file())
    except OSError:
        return None
    return cache_file()


# === One shape, one child ====================================================

def device_index(device):
    """The device as "P:D" (platform and device index), as the child finds it."""
    cl, _ = load_pyopencl()
    for p, platform in enumerate(cl.get_platforms()):
        try:
            devices = platform.get_devices()
        except cl.Error:
            continue
        for d, other in enumerate(devices):
            if other.int_ptr == device.int_ptr:
                return "{}:{}".format(p, d)
    raise BackendError("the OpenCL device {} is not among the platforms' devices".format(
        device.name.strip()))


def _key(device, dtype, tiles):
    platform = device.platform
    return "|".join(str(part).strip() for part in (
        platform.name, platform.version, device.name, device.version, device.driver_version,
        dtype, "x".join(str(n) for n in tiles), _SOURCE_HASH, PROBE_VERSION))


def _tail(text, lines=6):
    kept = [line.rstrip() for line in (text or "").splitlines() if line.strip()]
    return kept[-lines:]


def _why(returncode):
    if returncode < 0:
        try:
            return "killed by {}".format(signal.Signals(-returncode).name)
        except ValueError:
            return "killed by signal {}".format(-returncode)
    return "exit status {}".format(returncode)


def _run_child(index, dtype, name, tiles):
    """Run the probe child for one shape; its verdict (a dict, JSON-ready)."""
    timeout = float(os.environ.get("TINYNET_OPENCL_PROBE_TIMEOUT", "") or 300)
    path = os.environ.get("PYTHONPATH", "")
    env = dict(os.environ, TINYNET_OPENCL_PROBE="child",
               PYTHONPATH=_ROOT + (os.pathsep + path if path else ""))
    command = [sys.executable, "-m", "tinynet_opencl.probe_child", index, dtype, name,
               ",".join(str(n) for n in tiles)]
    start = time.perf_counter()
    verdict = {"shape": name, "tiles": list(tiles), "when": time.strftime("%Y-%m-%d %H:%M:%S")}
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=timeout,
                              stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired as error:
        stderr = error.stderr.decode("utf-8", "replace") if isinstance(error.stderr, bytes) \
            else error.stderr
        verdict.update(ok=False, reason="no answer after {:.0f} s".format(timeout),
                       stderr=_tail(stderr))
    except OSError as error:
        verdict.update(ok=False, reason="could not start {}: {}".format(sys.executable, error),
                       stderr=[])
    else:
        last = (done.stdout.strip().splitlines() or [""])[-1]
        try:
            answer = json.loads(last) if done.returncode == 0 else None
        except ValueError:
            answer = None
        if isinstance(answer, dict) and answer.get("ok") is True:
            verdict.update(answer)
        else:
            verdict.update(ok=False, reason=_why(done.returncode), stderr=_tail(done.stderr))
            running = [line for line in done.stderr.splitlines() if line.startswith("probe: running ")]
            if running:
                verdict["family"] = running[-1].split()[2]
    verdict["seconds"] = round(time.perf_counter() - start, 2)
    return verdict


def _verdict(device, index, dtype, name, tiles):
    key = _key(device, dtype, tiles)
    again = os.environ.get("TINYNET_OPENCL_PROBE", "").strip().lower() == "again"
    if key in _memo:
        return _memo[key]
    verdict = None if again else stored_verdicts().get(key)
    if verdict is None:
        verdict = _run_child(index, dtype, name, tiles)
        _store(key, verdict)
    _memo[key] = verdict
    return verdict


def describe(name, tiles, verdict):
    """One line about a shape's verdict, and the child's last lines where it failed."""
    shape = "{} blocks ({}x{} and {}x{}, vectors of {})".format(
        name, tiles[1], 2 * tiles[0], tiles[2], tiles[3], tiles[0])
    if verdict is None:
        return "{}: not probed (TINYNET_OPENCL_PROBE=0)".format(shape)
    if verdict.get("ok"):
        return "{}: passed the probe ({}, {} s)".format(shape, verdict.get("when", "?"),
                                                        verdict.get("seconds", "?"))
    lines = ["{}: FAILED in the probe ({}{})".format(
        shape, verdict.get("reason", "?"),
        ", in " + verdict["family"] if verdict.get("family") else "")]
    lines += ["    | " + line for line in verdict.get("stderr", [])]
    return "\n".join(lines)


# === The choice ==============================================================

def choose(device, dtype, tiles=None):
    """(Tiles, report): the blocks to build for ``device``, and one line per shape tried.

    ``tiles``: None (``TINYNET_OPENCL_TILES``, else by the device), a name of
    ``programs.SHAPES`` or "cpu", or a Tiles of one's own (probed alone: it
    falls back to nothing).  Shapes are tried in FALLBACK order from the first;
    where the first asked for by name fails, a RuntimeWarning says what is used
    instead.  BackendError when none passes.
    """
    if isinstance(tiles, Tiles):
        chain = [("own", check_tiles(tiles))]
    else:
        first = shape_name(device, dtype, tiles)
        chain = [(name, SHAPES[name]) for name in FALLBACK[FALLBACK.index(first):]]
    mode = os.environ.get("TINYNET_OPENCL_PROBE", "").strip().lower()
    if mode == "child":                          # the probe child itself
        return chain[0][1], []
    if mode in ("0", "off", "no", "false"):
        return chain[0][1], [describe(chain[0][0], chain[0][1], None)]
    index = device_index(device)
    report, verdicts = [], []
    for name, shape in chain:
        verdict = _verdict(device, index, dtype, name, shape)
        report.append(describe(name, shape, verdict))
        verdicts.append(verdict)
        if verdict.get("ok"):
            asked = tiles is not None or os.environ.get("TINYNET_OPENCL_TILES", "").strip()
            if name != chain[0][0] and asked:
                warnings.warn("OpenCL: {} blocks failed on {} ({}); using {} blocks instead "
                              "(python -m tinynet info says more)".format(
                                  chain[0][0], device.name.strip(), verdicts[0].get("reason"),
                                  name), RuntimeWarning, stacklevel=3)
            return shape, report
    error = BackendError("no block shape works on {} ({}): {}. Try: {}. (The verdicts are "
                         "kept in {}; python -m tinynet_opencl.probe --clear probes again.)".format(
                             device.name.strip(), driver_name(device),
                             "; ".join(line.split("\n")[0] for line in report), WHAT_TO_DO,
                             cache_file()))
    error.probe_lines = report
    raise error


# === For python -m tinynet info =============================================

def _unusable(cl, device, stored):
    """Why ``device`` cannot be used (its driver says so, or every shape probed
    for it failed), or None."""
    try:
        if not device.available:
            return "its driver says it is not available"
        if not device.compiler_available:
            return "its driver has no OpenCL C compiler"
        platform = device.platform
        prefix = "|".join(str(part).strip() for part in (
            platform.name, platform.version, device.name, device.version,
            device.driver_version)) + "|"
    except cl.Error as error:
        return "its driver does not answer ({})".format(str(error).splitlines()[0])
    by_dtype = {}
    for key, verdict in stored.items():
        if key.startswith(prefix):
            by_dtype.setdefault(key[len(prefix):].split("|")[0], []).append(verdict)
    order = {name: i for i, name in enumerate(FALLBACK)}
    for dtype, verdicts in sorted(by_dtype.items()):
        verdicts.sort(key=lambda v: order.get(v.get("shape"), len(order)))
        if not any(v.get("ok") for v in verdicts):
            return "every block shape probed for {} failed ({})".format(dtype, ", ".join(
                "{}: {}".format(v.get("shape"), v.get("reason")) for v in verdicts))
    return None


def device_lines(chosen=None, under_chosen=()):
    """One line per OpenCL device, '*' marking ``chosen`` (with the lines
    ``under_chosen`` below it); an unusable one says why."""
    cl, _ = load_pyopencl()
    from .context import _type_name
    stored = stored_verdicts()
    lines = []
    for p, platform in enumerate(cl.get_platforms()):
        try:
            devices = platform.get_devices()
        except cl.Error:
            continue
        for d, device in enumerate(devices):
            mark = "*" if chosen is not None and device.int_ptr == chosen.int_ptr else " "
            try:
                lines.append("  {} {:<4} {} [{}] on {}: {} compute units, {} MHz, {:.1f} GiB, "
                             "float64 {}".format(mark, "{}:{}".format(p, d), device.name.strip(),
                                                 _type_name(cl, device), driver_name(device),
                                                 device.max_compute_units,
                                                 device.max_clock_frequency,
                                                 device.global_mem_size / 2**30,
                                                 "yes" if "cl_khr_fp64" in device.extensions
                                                 else "no"))
            except cl.Error as error:
                lines.append("  {} {}:{}  (its driver does not answer: {})".format(
                    mark, p, d, str(error).splitlines()[0]))
                continue
            why = _unusable(cl, device, stored)
            if why:
                lines.append("        unusable: " + why)
            if mark == "*":
                lines.extend(under_chosen)
    return lines


def _main(argv):
    import argparse
    parser = argparse.ArgumentParser(prog="python -m tinynet_opencl.probe",
                                     description="Show or clear the OpenCL probe's verdicts.")
    parser.add_argument("--clear", action="store_true", help="forget every verdict")
    args = parser.parse_args(argv)
    if args.clear:
        removed = clear_cache()
        print("removed {}".format(removed) if removed else "no verdicts kept ({})".format(cache_file()))
        return 0
    verdicts = stored_verdicts()
    print("{} verdict(s) in {}".format(len(verdicts), cache_file()))
    for key, verdict in sorted(verdicts.items()):
        print(key.split("|")[2], "|", key.split("|")[4], "|", key.split("|")[5])
        print("  " + describe(verdict.get("shape", "?"), verdict.get("tiles", [0, 0, 0, 0]),
                              verdict).replace("\n", "\n  "))
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
