"""A kernel client for tools/nbexec.py (nbclient) that does not sit on a reply it already has.

nbclient's client (jupyter_client's asyncio channels on pyzmq) waits for each message with one long
``socket.poll(timeout)``. Seen here, in several of a few dozen runs on a loaded machine: the wake-up for a reply
that has arrived is missed (zmq's notification file descriptor is edge-triggered), the kernel and the client
both sit idle, and the reply is found only when the poll times out (the cell timeout later,
when the cell then "passes"). This client polls in short slices instead; each slice ends with a direct, level-triggered
check of the socket, so a missed wake-up costs at most one slice. tools/nbexec.py configures nbclient to use it.
"""

from __future__ import annotations

import time
from queue import Empty
from typing import Any

from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.channels import AsyncZMQSocketChannel
from traitlets import Type

SLICE_S = 0.5


class SlicedPollChannel(AsyncZMQSocketChannel):
    """``get_msg`` that polls for at most ``SLICE_S`` at a time until its timeout (or forever for ``None``)."""

    async def get_msg(self, timeout: float | None = None) -> dict[str, Any]:  # type: ignore[override]
        assert self.socket is not None
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            left = SLICE_S if deadline is None else max(0.0, deadline - time.monotonic())
            if await self.socket.poll(int(min(SLICE_S, left) * 1000)):
                return await self._recv()
            if deadline is not None and time.monotonic() >= deadline:
                raise Empty


class SlicedPollKernelClient(AsyncKernelClient):
    """jupyter_client's asyncio kernel client with :class:`SlicedPollChannel` on every zmq channel."""

    shell_channel_class = Type(SlicedPollChannel)  # type: ignore[assignment]
    iopub_channel_class = Type(SlicedPollChannel)  # type: ignore[assignment]
    stdin_channel_class = Type(SlicedPollChannel)  # type: ignore[assignment]
    control_channel_class = Type(SlicedPollChannel)  # type: ignore[assignment]
