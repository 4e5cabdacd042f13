from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from cms.exports.sitemaps import AllLanguagesSitemap, PublicRecordSitemap
from council import admin_gate
from council.health import healthz

# A database or Redis that is away for a moment answers 503 with its own page, not the 500.
handler500 = "council.errors.server_error"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    # Before the admins' URLs: their login views are not served.
    path("", include(admin_gate)),
    path("admin/", include(wagtailadmin_urls)),
    path("django-admin/", admin.site.urls),
    path("documents/", include(wagtaildocs_urls)),
    path("oparl/v1.1/", include("cms.oparl.urls")),
    path(
        "sitemap.xml",
        sitemap,
        {"sitemaps": {"pages": AllLanguagesSitemap, "records": PublicRecordSitemap}},
        name="sitemap",
    ),
    path(
        "robots.txt",
        TemplateView.as_view(template_name="robots.txt", content_type="text/plain"),
        name="robots",
    ),
]

urlpatterns += i18n_patterns(
    path("accounts/", include("allauth.urls")),
    path("espace/", include("council.member_urls")),
    path("", include("council.public_urls")),
    path("", include("deliberation.urls")),
    path("", include("cms.urls")),
    path("", include(admin_gate.localized_urlpatterns)),
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)

if not settings.PRODUCTION:
    # In production the reverse proxy serves uploaded files.
    urlpatterns = static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT) + urlpatterns
