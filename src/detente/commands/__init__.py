"""CLI commands per pipeline stage. Each module defines ``register(app)`` and adds its commands.

A command parses options, calls one public function of its stage and formats the result with
``detente.cli.emit``; it holds no logic of its own.
"""

from __future__ import annotations

import importlib

import typer

MODULES = ("relations", "network", "claims", "coding", "fetch", "report", "serve", "update")


def register(app: typer.Typer) -> None:
    for name in MODULES:
        try:
            mod = importlib.import_module(f"detente.commands.{name}")
        except ModuleNotFoundError as e:
            if e.name == f"detente.commands.{name}":
                continue  # stage not built yet
            raise
        mod.register(app)
