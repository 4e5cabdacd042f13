import gc
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "council.settings")
# Django must be set up before anything imports models.
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.urls import get_resolver  # noqa: E402

from council.origins import SameOriginValidator  # noqa: E402
from deliberation.live.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        # The full origin (scheme, host, port), not only the host: council/origins.py.
        "websocket": SameOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
    }
)

# What start-up built (apps, models, the URL patterns and the views they import) lives as
# long as the process: frozen out of the garbage collector's way, a full collection during a
# push walks only what requests made (with the demo, 265,000 tracked objects become 63,000
# and a full collection 100 ms becomes 18 ms: docs/benchmarks.md).
get_resolver().url_patterns  # noqa: B018 (loaded now, before the freeze)
gc.collect()
gc.freeze()
