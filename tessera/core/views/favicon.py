"""``/favicon.ico``: browsers and other clients ask for it at the root whatever the page
links to; the page's own ``<link rel="icon">`` names the same icon under /static/."""

from django.contrib.staticfiles import finders
from django.http import FileResponse, HttpRequest
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

ICON = "tessera/favicon.ico"


@require_GET
@cache_control(public=True, max_age=86400)
def favicon(request: HttpRequest) -> FileResponse:
    """The site's icon (tessera/static/tessera/favicon.ico), the same for everyone."""
    return FileResponse(open(finders.find(ICON), "rb"), content_type="image/x-icon")  # noqa: SIM115
