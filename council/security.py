from csp.middleware import CSPMiddleware
from django.conf import settings

# Wagtail's admin writes a few inline scripts (date pickers for scheduled publishing) and
# inline styles, and previews pages in a same-origin iframe. Only there, behind a login
# with a second factor, the policy is loosened; the public site keeps the strict one.
ADMIN_PREFIXES = ("/admin/",)
ADMIN_POLICY_UPDATE = {
    "script-src": ["'unsafe-inline'"],
    "style-src": ["'unsafe-inline'"],
    "frame-src": ["'self'"],
}
ADMIN_POLICY_REPLACE = {"frame-ancestors": ["'self'"]}


def video_frame_sources() -> list[str]:
    """The only origins a public page may frame: the Jitsi server and the livestream hosts."""
    hosts = [settings.JITSI_DOMAIN, *settings.VIDEO_EMBED_DOMAINS]
    return [f"https://{host}" for host in dict.fromkeys(h for h in hosts if h)]


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    def process_response(self, request, response):
        frames = video_frame_sources()
        if frames and not request.path.startswith(ADMIN_PREFIXES):
            response._csp_update = {"frame-src": frames, **getattr(response, "_csp_update", {})}
        if request.path.startswith(ADMIN_PREFIXES):
            response._csp_update = {**ADMIN_POLICY_UPDATE, **getattr(response, "_csp_update", {})}
            response._csp_replace = {
                **ADMIN_POLICY_REPLACE,
                **getattr(response, "_csp_replace", {}),
            }
            # The page preview is framed by the editor on the same origin.
            if response.get("X-Frame-Options") == "DENY":
                response["X-Frame-Options"] = "SAMEORIGIN"
        return super().process_response(request, response)
