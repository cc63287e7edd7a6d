"""Warm a web server before it takes requests: import every view (the URLconf) and compile every
template once, in gunicorn's master process (config/gunicorn.py preloads the application), so
that each forked worker starts with them in memory instead of spending its first requests on it.

Cold, each worker paid about 2.5 s of CPU on its first requests (the views' imports, more where
Python may not write bytecode, as in the Docker image); with six workers starting at once, a
200-person room that joined at the start waited 17-25 s for its boards (bench/live_board.py).
"""

from pathlib import Path


def template_names() -> list[str]:
    """Every template of the project and its apps, by the name a view would load it."""
    from django.template import engines
    from django.template.utils import get_app_template_dirs

    engine = engines["django"].engine
    names: list[str] = []
    for folder in [*engine.dirs, *get_app_template_dirs("templates")]:
        folder = Path(folder)
        names += [str(path.relative_to(folder)) for path in sorted(folder.rglob("*.html"))]
    return names


def warm() -> int:
    """Load the URLconf (every view module) and compile every template into the cached loader.
    Returns how many templates were compiled. Touches no database."""
    from django.db import connections
    from django.template import TemplateDoesNotExist, TemplateSyntaxError, engines
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 (imports every urls and views module)
    engine = engines["django"].engine
    compiled = 0
    for name in template_names():
        try:
            engine.get_template(name)
        except (TemplateDoesNotExist, TemplateSyntaxError):
            continue  # an error a request would show; nothing to warm
        compiled += 1
    connections.close_all()  # no connection is shared with the forked workers
    return compiled
