"""Benchmarks: tinynet's backends next to what a user would pick instead.

Run them::

    python -m tinynet bench                      # quick tables (python sizes capped)
    python -m tinynet bench --full --svg charts  # the whole sweep, and SVG charts
    python -m tinynet bench --markdown           # Markdown tables (docs/benchmarks.md)
    python -m pytest tests/benchmarks --benchmark-only --benchmark-json out.json
    python -m tinynet bench --from-json out.json # the pytest run as the same tables
    python -m pytest tests/benchmarks --benchmark-disable   # CI: each case once, checked

What is measured (``cases``): matrix products (square n = 16 … 1024, and the
three batch-32 products of a Dense layer: forward a·Wᵀ, weight gradient δᵀ·a,
input gradient δ·W), one Dense layer step at widths 16 … 1024, one epoch of
the digits MLP and of Boston regression, and a fit of the demo's network
(one of its ten epochs, validating on all the test digits).  Every
registered backend runs them ("python", "opencl", and any other), next to
these references:

* ``ref-numpy``: the same workloads in NumPy float32 (left out without NumPy);
* ``ref-numpy-1t``: the same with NumPy's BLAS held to one thread (OpenBLAS,
  set through its own functions for each timed call; left out elsewhere);
* ``ref-tinygrad``: the digits epoch as a jitted tinygrad step on tinygrad's
  OpenCL device (``tinygrad_ref``; left out without tinygrad or a device);
* ``ref-tutorial``: a per-neuron pure-Python network written the way the
  "backpropagation from scratch" tutorials write it (a list of neuron dicts
  per layer, ``for i in range(len(weights))`` loops, helper functions per
  neuron: ``tutorial``), in the two epoch groups (23.79 M instructions per
  digits sample on CPython 3.11);
* ``ref-naive``: a careful per-neuron pure-Python network, a dict per neuron
  and a ``zip`` loop per weight (``naive``), in the two epoch groups;
* ``ref-peak``: the device's estimated peak GFLOP/s (``machine``), and the
  fraction of it each product reaches.

The report (``report``) shows, per group: time per call, GFLOP/s or
samples/s, the speed-up over the python backend, the fraction of the peak;
then the Dense width from which each other backend is faster than pure
Python, and the pure-Python digits epoch in samples/s on this machine, next
to a reference figure and to the two per-neuron networks.

Nothing here is imported by ``import tinynet``; NumPy and pyopencl are
imported only when a case that needs them runs.
"""
