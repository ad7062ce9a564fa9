import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tessera.settings")
application = get_wsgi_application()

# Loaded: what is alive now is kept out of the garbage collector's full collections
# (decision 0081).
from tessera.core.serving import ready_to_serve  # noqa: E402

ready_to_serve()
