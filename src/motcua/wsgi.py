import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
application = get_wsgi_application()

from motcua.core.security import secret_key_ensure  # noqa: E402  (after Django is set up)

# With DEBUG off, refuse to serve on the key committed in the repository.
secret_key_ensure()
