import asyncio
import gc
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "council.settings")
# Django must be set up before anything imports models.
django_asgi_app = get_asgi_application()

from asgiref.typing import ASGIReceiveCallable as Receive  # noqa: E402
from asgiref.typing import ASGISendCallable as Send  # noqa: E402
from asgiref.typing import Scope  # noqa: E402
from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.cache import caches  # noqa: E402
from django.urls import get_resolver  # noqa: E402

from council.origins import SameOriginValidator  # noqa: E402
from deliberation import push  # noqa: E402
from deliberation.live.routing import websocket_urlpatterns  # noqa: E402

router = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        # The full origin (scheme, host, port), not only the host: council/origins.py.
        "websocket": SameOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
    }
)


async def application(scope: Scope, receive: Receive, send: Send) -> None:
    # The pushes of the views and socket handlers this loop's threads run leave from it,
    # each as soon as it is rendered (deliberation/push.py).
    push.serve_on(asyncio.get_running_loop())
    await router(scope, receive, send)


# One cache client per process, shared by every request and socket. Django keeps its cache
# clients in an asgiref Local, which under ASGI is one per task unless the process's own
# context holds them first: every request and every socket connection then made a client of
# its own, and with Redis a connection of its own, left to the garbage collector. Their
# clients are thread-safe (redis-py's pool; local memory takes a lock).
for alias in settings.CACHES:
    caches[alias]

# What start-up built (apps, models, the URL patterns and the views they import) lives as
# long as the process: frozen out of the garbage collector's way, a full collection during a
# push walks only what requests made (with the demo, 265,000 tracked objects become 63,000
# and a full collection 100 ms becomes 18 ms: docs/benchmarks.md).
get_resolver().url_patterns  # noqa: B018 (loaded now, before the freeze)
gc.collect()
gc.freeze()
