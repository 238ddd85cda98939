"""`detente serve`: the read-only JSON API and dashboard (FastAPI + uvicorn) of one case."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

import typer

from detente.cli import StoreOpt, err, handled


def register(app: typer.Typer) -> None:
    @app.command()
    @handled
    def serve(
        host: Annotated[str, typer.Option(help="Interface to listen on (127.0.0.1: this machine only)")] = "127.0.0.1",
        port: Annotated[int, typer.Option(help="TCP port", min=1, max=65535)] = 8000,
        timeout: Annotated[float, typer.Option(help="Seconds a computation may run before it is stopped",
                                               min=0.1)] = 10.0,
        case: Annotated[str | None, typer.Option(help="Built-in case to serve (default south_caucasus)")] = None,
        case_file: Annotated[Path | None, typer.Option("--case-file", help="Serve your own case file (YAML)")] = None,
        text: Annotated[Path | None, typer.Option("--text", help="Serve the claims extracted from an analyst's "
                                                                 "text file")] = None,
        base_url: Annotated[str | None, typer.Option(
            "--base-url", help="Public URL of the server, for links in answers (default http://HOST:PORT); "
                               "links never come from the request's Host header")] = None,
        workers: Annotated[int, typer.Option(help="Threads computing never-seen queries", min=1, max=64)] = 2,
        queue_wait: Annotated[float, typer.Option(
            "--queue-wait", help="Seconds a query may wait for a worker; a busier server answers 503 with "
                                 "Retry-After at once", min=0.0)] = 1.0,
        cache_mb: Annotated[int, typer.Option("--cache-mb", help="Memory for cached per-query answers (MB); "
                                                                 "case-wide results are kept apart", min=1)] = 64,
        store: StoreOpt = None,
    ) -> None:
        """Serve the dashboard (/), the JSON API (/api/...) and its OpenAPI docs (/docs) from the store.

        Examples: `detente serve`, `detente serve --case-file my_case.yaml --port 8080`.
        """
        from detente.errors import UserError

        try:
            import fastapi  # noqa: F401
            import uvicorn
        except ImportError:
            raise UserError("`detente serve` needs the web extra: pip install 'detente[web]'") from None

        from detente.cli import input_path, open_store
        from detente.web.app import case_name, create_app, served_case

        if base_url is not None and not re.match(r"^https?://[^\s/?#]+(/[^\s?#]*)?$", base_url):
            raise UserError(f"--base-url {base_url!r} is not an http(s) URL; give e.g. https://detente.example.org")
        the_case = served_case(case, case_file, input_path(text))
        s = open_store(store, read_only=True)  # builds the bundled store on first use, then checks it opens
        path = s.path
        s.close()
        url = base_url or f"http://{host}:{port}"
        err.print(f"serving case {case_name(the_case)} of {path} on http://{host}:{port}/ (API docs: /docs); "
                  "Ctrl-C stops", highlight=False)
        uvicorn.run(create_app(path, timeout=timeout, case=the_case, base_url=url, workers=workers,
                               queue_wait=queue_wait, cache_bytes=cache_mb << 20),
                    host=host, port=port, log_level="warning")
