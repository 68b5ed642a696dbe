"""Captured steps: a training step's kernels recorded once and replayed.

At classroom sizes the host sets the pace. A digits training step is three
kernels of 10-30 µs each, but the Python that decides them (layers, loss,
optimiser, the checks of every shape) takes about as long again, and the
device waits for it. ``OpenCLBackend.captured(step)`` returns a ``Captured``
step that

1. runs ``step`` and records every kernel it queues (a ``Recording``);
2. compares each recording with the one before: once two calls in a row
   queued the same kernels, with the same numbers, on the same buffers
   (apart from their own batch and the results they made themselves), it
   makes a ``Replay`` of the second one;
3. from then on, for a call whose arguments are the same apart from the
   batch (same shape, same data set) and matrices of the recorded shapes
   (the next epoch's loss accumulator), points the recorded kernels at the
   new batch's row numbers (the index buffer ``take_rows_pair`` made) and
   at the new matrices, and queues them again, their other arguments
   already set. No layer, loss or optimiser code runs, and nothing more is
   queued than the step's kernels. ``fit`` captures once for the whole run.

The same kernels run in the same order on the same buffers, so the numbers
are those of running ``step`` every time, bit for bit. The layers' caches
(the input batch, Z, A, delta, a deferred gradient) hold the last batch's
values afterwards, as they would; so does the batch the recorded call was
given (its Gather reads the newest row numbers).

A call is never replayed, and ``Captured.why_not`` says why, when its
recording

* uploads from the host or reads from the device (its kernels would depend on
  numbers the host chose or saw), or copies or fills a buffer;
* differs from the call before in any number: Adam's bias correction and a
  dropout seed change every step, so those steps always run in full;
* reads a buffer made by the call before that the next call does not (a
  result left over from one step for the next);
* returns a value.

Between calls nothing the step reads on the host may change: a learning rate
set between two replayed calls would not be seen (capture anew after such a
change). ``assign`` (used by ``Network.restore`` and ``set_weights``)
gives a matrix a new buffer, so it makes a captured step record again.

Steps that never match stop being recorded after ``TRIES`` calls.
``OpenCLBackend(capture=False)`` or ``TINYNET_OPENCL_CAPTURE=0`` turns
capture off, to compare.
"""

from .deferred import Gather, Untranspose
from .programs import PARAMETERS, clone_kernel

__all__ = ["Captured", "Recording", "Replay", "TRIES"]

#: Calls recorded before giving up on a step that never repeats itself (the
#: first call of a momentum step also makes the velocities, so it differs).
TRIES = 4


class Recording:
    """What one call of a step queued: its launches and the buffers it made."""

    def __init__(self, args):
        self.args = args
        self.launches = []                 # (kernel name, global size, local size, args)
        self.made = set()                  # id() of every buffer made during the call
        self.why_not = None                # why this call cannot be replayed
        #: matrices whose values the call left in their transposed twin only
        self.untransposed = []
        #: (argument position, its Gather) for each batch argument (read in place)
        self.gathers = [(position, arg.job) for position, arg in enumerate(args)
                        if type(getattr(arg, "job", None)) is Gather]
        #: id(index buffer) -> the first argument it is the batch of
        self.inputs = {}
        for position, job in self.gathers:
            self.inputs.setdefault(id(job.idx), position)

    def refuse(self, why):
        """Note that this call cannot be replayed (the first reason is kept)."""
        if self.why_not is None:
            self.why_not = why

    def kind(self, buf):
        if id(buf) in self.made:
            return "made"
        if id(buf) in self.inputs:
            return "input"
        return "old"

    def differs_from(self, other):
        """Why a replay of ``other`` would not do what this call did; None if it would."""
        if len(self.args) != len(other.args):
            return "the calls have different arguments"
        for a, b in zip(self.args, other.args):
            same = a is b or _batch_key(a) is not None and _batch_key(a) == _batch_key(b)
            if not same:
                return "an argument other than the batch changed"
        if [launch[:3] for launch in self.launches] != [launch[:3] for launch in other.launches]:
            return "the calls queued different kernels"
        pairs, back = {}, {}
        for (name, _, _, args), (_, _, _, other_args) in zip(self.launches, other.launches):
            for position, (a, b) in enumerate(zip(args, other_args)):
                if not _is_buffer(a):
                    if a != b or type(a) is not type(b):
                        return "{}'s {} changed from {!r} to {!r}".format(
                            name, PARAMETERS[name][position], a, b)
                    continue
                if a is b:
                    continue
                kinds = (self.kind(a), other.kind(b))
                if kinds == ("input", "input") and self.inputs[id(a)] == other.inputs[id(b)]:
                    continue
                if kinds != ("made", "made") or pairs.setdefault(id(a), b) is not b or \
                        back.setdefault(id(b), a) is not a:
                    return "{} reads a buffer left from an earlier call".format(name)
        return None


def _is_buffer(x):
    return hasattr(x, "int_ptr")                  # a pyopencl Buffer or PooledBuffer


def _batch_key(arg, job=None):
    """What a batch argument must keep for a replay: its data set and shape
    (None for an argument that is not a batch read in place)."""
    job = job or getattr(arg, "job", None)
    if type(job) is Gather:
        return (id(job.source), arg.shape)
    return None


class Replay:
    """The recorded kernels of one call, each a Kernel object of its own with
    its arguments set, ready to be queued again.

    The batch: each kernel argument that was the recorded batch's index
    buffer is set to the next batch's before a replay, and the recorded
    Gathers (the layers' cached input, a deferred gradient) read it too.
    Arguments that shared one index buffer (X and T of ``take_rows_pair``)
    must share one again. A matrix argument that is not a batch (the loss
    accumulator) may be another matrix of the same shape: the kernel
    arguments that were the recorded one's buffer are set to the new one's.
    """

    def __init__(self, backend, recording):
        self.backend = backend
        self.recording = recording               # keeps every buffer it uses alive
        self.assignments = backend.assignments   # a later assign may replace a buffer
        self.kernels = []
        spares = backend._spare_kernels           # Kernel objects of replays gone by
        for name, global_size, local_size, args in recording.launches:
            kernel = clone_kernel(backend._kernels[name], args, spares.get(name))
            self.kernels.append((kernel, global_size, local_size))
        self.lead = {}       # batch argument position -> the first one sharing its index buffer
        self.keys = {}       # batch argument position -> (its data set, its shape)
        self.gathers = {}    # lead position -> the recorded Gathers of its index buffer
        self.slots = {}      # lead position -> [(kernel, argument number)] reading it
        for position, job in recording.gathers:
            lead = recording.inputs[id(job.idx)]
            self.lead[position] = lead
            self.keys[position] = _batch_key(recording.args[position], job)
            self.gathers.setdefault(lead, []).append(job)
        #: the arguments of the call the kernels now stand for
        self.args = list(recording.args)
        #: argument position -> [(kernel, argument number)] reading that matrix
        #: argument's buffer (not a batch: an accumulator, say)
        self.matrices = {}
        buffers = {id(arg._buf): position for position, arg in enumerate(recording.args)
                   if position not in self.lead and _is_buffer(getattr(arg, "_buf", None))}
        for (kernel, _, _), (_, _, _, args) in zip(self.kernels, recording.launches):
            for number, arg in enumerate(args):
                if _is_buffer(arg) and id(arg) in recording.inputs:
                    self.slots.setdefault(recording.inputs[id(arg)], []).append((kernel, number))
                elif _is_buffer(arg) and id(arg) in buffers:
                    self.matrices.setdefault(buffers[id(arg)], []).append((kernel, number))

    def __del__(self):
        # a Kernel object costs ~0.5 ms to make (pyopencl builds its argument
        # code): give them back for the next Replay
        spares = self.backend._spare_kernels
        for kernel, _, _ in self.kernels:
            spares.setdefault(kernel.function_name, []).append(kernel)

    def batch_for(self, args):
        """What to change to replay for ``args``: ({lead position: the index
        buffer of its new batch}, [(position, a new matrix argument)]), or
        None when they differ from the recorded ones in more than their
        batches and their matrices of the same shape (accumulators)."""
        recorded = self.args
        if len(args) != len(recorded):
            return None
        batch, matrices = {}, []
        for position, (arg, old) in enumerate(zip(args, recorded)):
            if arg is old and position not in self.lead:
                continue
            lead = self.lead.get(position)
            if lead is not None:
                if _batch_key(arg) != self.keys[position]:
                    return None
                idx = arg.job.idx
                if batch.setdefault(lead, idx) is not idx:
                    return None
            elif position in self.matrices and type(arg) is type(old) and \
                    arg.shape == old.shape and arg.job is None:
                matrices.append((position, arg))
            else:
                return None
        return batch, matrices

    def run(self, change):
        batch, matrices = change
        B = self.backend
        B._alive()
        B._run_forward_jobs()                    # as an optimiser step does first
        cl = B._cl
        queue, enqueue = B.queue, cl.enqueue_nd_range_kernel
        try:
            for lead, idx in batch.items():
                for kernel, number in self.slots.get(lead, ()):
                    kernel.set_arg(number, idx)
                for job in self.gathers[lead]:
                    job.idx = idx
            for position, M in matrices:
                for kernel, number in self.matrices[position]:
                    kernel.set_arg(number, M._buf)
                self.args[position] = M
            for kernel, global_size, local_size in self.kernels:
                enqueue(queue, kernel, global_size, local_size)
        except cl.Error as error:
            raise B._device_error("replaying a captured step", error) from error
        B.launches += len(self.kernels)
        for M in self.recording.untransposed:     # their twins changed again: M is out of date
            if M.job is None:
                Untranspose(B, M)


class Captured:
    """``step`` recorded and replayed (see the module docstring).

    ``calls``, ``replays``: how many calls there were and how many of them
    were replayed; ``why_not``: why the last recorded call could not be.
    """

    def __init__(self, backend, step, on_replay=None):
        self.backend, self.step, self.on_replay = backend, step, on_replay
        self.replay = None
        self.last = None                          # the previous clean recording
        self.calls = self.replays = self.recorded = 0
        self.why_not = None

    def __call__(self, *args):
        self.calls += 1
        if self.replay is not None and self.replay.assignments != self.backend.assignments:
            self.replay = self.last = None       # a matrix got a new buffer: record again
            self.recorded = 0
        if self.replay is not None:
            change = self.replay.batch_for(args)
            if change is not None:
                self.replay.run(change)
                self.replays += 1
                if self.on_replay is not None:
                    self.on_replay()
                return None
            return self.step(*args)
        if self.recorded >= TRIES:
            return self.step(*args)
        return self._record(args)

    def _record(self, args):
        B = self.backend
        recording = Recording(args)
        B._recording = recording
        try:
            result = self.step(*args)
        finally:
            B._recording = None
        self.recorded += 1
        if result is not None:
            recording.refuse("the step returns a value")
        last, self.last = self.last, None
        self.why_not = recording.why_not
        if self.why_not is None:
            self.last = recording
            if last is not None:
                self.why_not = last.differs_from(recording)
                if self.why_not is None:
                    self.replay = Replay(B, recording)
        return result
