"""The portal: server-rendered pages (FastAPI + Jinja2) with progressive enhancement."""
