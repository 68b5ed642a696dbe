"""When the device fails mid-run: a clear error, and the last weights kept.

A device can fail while it works (a GPU reset, a lost device, a driver
error).  Its buffers may then hold half a training step, or be gone, so the
backend is marked failed (``failed``): the error names what was running, and
every later operation raises it again.  What was copied to the host before
stays readable: ``fit`` calls ``mirror`` with the network's weights after
each epoch, so ``get_weights`` and ``save`` give the last whole epoch's
weights, which ``Network.load(path, backend="python")`` carries on with.

A mixin of ``OpenCLBackend``: it uses the backend's ``queue``, ``device``,
``_new`` and ``_recording``.
"""

from tinynet.errors import BackendError

from .context import load_pyopencl

__all__ = ["DeviceFailures"]


class DeviceFailures:
    """The failure handling of ``OpenCLBackend``: ``failed``, ``mirror``."""

    #: The message of the first error the device gave while working (None:
    #: none); from then on every operation raises it (``_device_error``).
    failed = None

    def _device_error(self, where, error):
        """The BackendError for an error the device gave ``where`` ("in kernel
        'x'", ...); the backend is marked failed: its buffers may hold half a
        step, or be gone with the device, so every later operation refuses."""
        message = "OpenCL error{} on {}: {}".format(
            " " + where if where else "", self.device.name.strip(), error)
        if self.failed is None:
            self.failed = message
        if self._mirrored:
            message += ("\nThe weights copied to the host before it (by fit, after each epoch) "
                        "can still be read: net.save(path) writes them, and Network.load(path, "
                        "backend=\"python\") carries on without the device.")
        return BackendError(message)

    def _alive(self):
        """Raise the first device error again once there was one."""
        if self.failed is not None:
            raise BackendError("the OpenCL device failed earlier and this backend cannot be used "
                               "any more (tinynet.get_backend(\"opencl\") makes a new one, for new "
                               "networks or Network.load): {}".format(self.failed))

    def mirror(self, matrices):
        """Copy the matrices to the host without waiting (see Backend.mirror):
        on the device into one buffer, then that buffer in one read (pocl
        spends ~75 µs on a read, however small).  The copies count once the
        queue is known to have reached them (the next read or finish), so a
        failure meanwhile leaves the previous ones."""
        self._alive()
        if self._recording is not None:
            self._recording.refuse("it copies matrices to the host")
        matrices = [M for M in matrices if M.size]
        total, item = sum(M.size for M in matrices), self._np_dtype.itemsize
        if not total:
            return
        cl, np = load_pyopencl()
        staging, host = self._new(1, total, "host copies"), np.empty(total, dtype=self._np_dtype)
        try:
            at = 0
            for M in matrices:
                cl.enqueue_copy(self.queue, staging.buf, M.buf, byte_count=M.size * item,
                                dst_offset=at * item)
                at += M.size
            cl.enqueue_copy(self.queue, host, staging.buf, is_blocking=False)
        except cl.Error as error:
            raise self._device_error("copying matrices to the host", error) from error
        self._mirrors.append((matrices, host, staging))

    def _mirrors_arrived(self):
        """After a wait that succeeded: the copies queued before it are whole."""
        for matrices, host, _ in self._mirrors:
            at = 0
            for M in matrices:
                if M.host is None:
                    self._mirrored += 1
                M.host = host[at:at + M.size].reshape(M.shape)
                at += M.size
        self._mirrors = []
