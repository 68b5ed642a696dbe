"""Fixtures shared by the tests: the backend under test.

``backend`` runs a test once per registered backend; a backend that cannot be
used on this machine (the OpenCL plugin without pyopencl or a driver) is
skipped with the reason, never failed.  ``default_backend`` is the one the
run was started with (``TINYNET_BACKEND``, default "python").
"""

import os
import subprocess
import sys

import pytest

import tinynet
from tinynet.backend import available_backends, get_backend
from tinynet.errors import BackendError


def _load(name):
    try:
        return get_backend(name)
    except BackendError as error:
        pytest.skip("backend {!r} not usable here: {}".format(name, error))


@pytest.fixture(params=available_backends())
def backend(request):
    """Each registered backend in turn (the conformance suite's parameter)."""
    return _load(request.param)


@pytest.fixture
def default_backend():
    """The backend this test run uses for networks (TINYNET_BACKEND)."""
    return _load(os.environ.get("TINYNET_BACKEND", "python"))


@pytest.fixture(autouse=True)
def _reset_default_backend():
    """Each test starts with the run's default backend selected."""
    before = tinynet.backend_name()
    yield
    tinynet.use(before)


if sys.platform == "emscripten":
    def _no_processes(*args, **kwargs):
        pytest.skip("emscripten does not support processes")

    # Pyodide (CPython in WebAssembly) cannot start processes: a test, or a fixture of any
    # scope, that tries is skipped with the reason instead of failing.
    subprocess.Popen = _no_processes
