"""Where an OpenCL training run spends its device time, kernel by kernel.

    python tests/benchmarks/kernel_profile.py                  # the digits CNN epoch (epoch_cnn)
    python tests/benchmarks/kernel_profile.py conv_step 32     # one case of a sized group
    POCL_MAX_PTHREAD_COUNT=1 python tests/benchmarks/kernel_profile.py   # pocl on one thread

Runs one benchmark case (``tinynet.benchmarks.cases``) on the opencl backend
with an OpenCL profiling queue, and prints, per kernel, the device time of a
run (start to end of each launch, as the driver reports it), the launches and
the time per launch, next to the run's wall time.  The difference between the
two is the host's share: Python, argument setting and the driver's queue.
"""

import collections
import sys
import time


def _profiled():
    """Make every new queue a profiling one and remember every launch's event."""
    import pyopencl as cl                 # here: the suite imports this file without pyopencl
    events = []
    make_queue, enqueue = cl.CommandQueue, cl.enqueue_nd_range_kernel

    def profiling_queue(context, *args, **kwargs):
        return make_queue(context, properties=cl.command_queue_properties.PROFILING_ENABLE)

    def remembered(queue, kernel, *args, **kwargs):
        event = enqueue(queue, kernel, *args, **kwargs)
        events.append((kernel.function_name, event))
        return event

    cl.CommandQueue, cl.enqueue_nd_range_kernel = profiling_queue, remembered
    return events


def main(argv):
    group = argv[0] if argv else "epoch_cnn"
    size = int(argv[1]) if len(argv) > 1 else None
    runs = int(argv[2]) if len(argv) > 2 else 5
    events = _profiled()
    from tinynet.backend import get_backend
    from tinynet.benchmarks import cases
    prepared = cases.Case(group, "opencl", size).prepare()
    backend = get_backend("opencl")
    prepared.run()
    prepared.run()                                  # compiled, recorded and replayed once
    backend.queue.finish()
    del events[:]
    start = time.perf_counter()
    for _ in range(runs):
        prepared.run()
    backend.queue.finish()
    wall = (time.perf_counter() - start) / runs
    total, count = collections.defaultdict(float), collections.Counter()
    for name, event in events:
        total[name] += (event.profile.end - event.profile.start) * 1e-6     # ns → ms
        count[name] += 1
    print("{} on {}".format(prepared.info["title"], backend.describe()))
    print("a run: {:.2f} ms wall, {:.2f} ms in kernels, {} launches".format(
        wall * 1e3, sum(total.values()) / runs, len(events) // runs))
    for name, ms in sorted(total.items(), key=lambda item: -item[1]):
        print("  {:<22} {:8.3f} ms a run {:5d} launches {:9.1f} µs each".format(
            name, ms / runs, count[name] // runs, ms / count[name] * 1e3))


if __name__ == "__main__":
    main(sys.argv[1:])
