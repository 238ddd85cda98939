"""`detente serve`: the read-only JSON API and dashboard (FastAPI + uvicorn)."""

from __future__ import annotations

from typing import Annotated

import typer

from detente.cli import StoreOpt, err, handled


def register(app: typer.Typer) -> None:
    @app.command()
    @handled
    def serve(
        host: Annotated[str, typer.Option(help="Interface to listen on (127.0.0.1: this machine only)")] = "127.0.0.1",
        port: Annotated[int, typer.Option(help="TCP port", min=1, max=65535)] = 8000,
        timeout: Annotated[float, typer.Option(help="Seconds a query may run before it is stopped")] = 10.0,
        store: StoreOpt = None,
    ) -> None:
        """Serve the dashboard (/), the JSON API (/api/...) and its OpenAPI docs (/docs) from the store."""
        import uvicorn

        from detente.cli import open_store
        from detente.web.app import create_app

        s = open_store(store, read_only=True)  # builds the bundled store on first use, then checks it opens
        path = s.path
        s.close()
        err.print(f"serving {path} on http://{host}:{port}/ (API docs: /docs); Ctrl-C stops", highlight=False)
        uvicorn.run(create_app(path, timeout=timeout), host=host, port=port, log_level="warning")
