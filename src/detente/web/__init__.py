"""The web app: read-only JSON API and dashboard over a detente store (see docs/outputs.md)."""
