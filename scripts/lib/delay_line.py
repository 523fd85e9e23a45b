"""A TCP delay line for scripts/bench.py: listens on a loopback port (printed on the first
line of its output) and forwards to HOST:PORT, every chunk arriving half of DELAY_MS later
in each direction, so that a request and its answer cost DELAY_MS more, as from a server
that far away. Usage: delay_line.py HOST PORT DELAY_MS"""

import asyncio
import sys
import time


async def forward(reader, writer, half):
    """Copies reader to writer, each chunk `half` seconds after it was read."""
    queue = asyncio.Queue()

    async def read():
        while True:
            data = await reader.read(65536)
            await queue.put((time.monotonic() + half, data))
            if not data:
                return

    async def write():
        while True:
            due, data = await queue.get()
            wait = due - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            if not data:
                if writer.can_write_eof():
                    writer.write_eof()
                return
            writer.write(data)
            await writer.drain()

    await asyncio.gather(read(), write(), return_exceptions=True)
    writer.close()


async def main(host, port, delay_ms):
    half = delay_ms / 2000.0

    async def connected(client_reader, client_writer):
        server_reader, server_writer = await asyncio.open_connection(host, port)
        await asyncio.gather(
            forward(client_reader, server_writer, half),
            forward(server_reader, client_writer, half),
            return_exceptions=True,
        )

    server = await asyncio.start_server(connected, "127.0.0.1", 0)
    print(server.sockets[0].getsockname()[1], flush=True)
    await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2]), float(sys.argv[3])))
