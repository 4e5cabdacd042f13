"""The floor: a bare `websockets` broadcast server. Every message received goes to all.

`python -m tests.bench.floor PORT [CERT KEY]`: with a certificate, over TLS (wss://), so
that the load generator decrypts what it receives as it does from nginx."""

import asyncio
import ssl
import sys

from websockets.asyncio.server import broadcast, serve

CONNECTIONS: set = set()


async def handler(websocket):
    CONNECTIONS.add(websocket)
    try:
        async for message in websocket:
            broadcast(CONNECTIONS, message)
    finally:
        CONNECTIONS.discard(websocket)


async def main(port: int, cert: str = "", key: str = "") -> None:
    context = None
    if cert:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
    async with serve(handler, "127.0.0.1", port, max_queue=None, ssl=context):
        await asyncio.get_running_loop().create_future()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]), *sys.argv[2:4]))
