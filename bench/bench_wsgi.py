"""The project's WSGI application with the benchmark's bare signed-in view beside it
(``/bench/bare/``, see ``scale.install_bare_view``): what ``bench/load.py`` serves with
gunicorn, so that a load test can compare the pages with the floor of a signed-in
Django request on the same servers.

    gunicorn --pythonpath bench bench_wsgi:application --bind 127.0.0.1:8101
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tessera.settings")

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()

from scale import install_bare_view  # noqa: E402

install_bare_view()

# As ``tessera.wsgi`` does, after the bare view's URLconf is in place (decision 0081).
from tessera.core.serving import ready_to_serve  # noqa: E402

ready_to_serve()
