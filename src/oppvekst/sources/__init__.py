"""Source connectors: SSB PxWebApi v2 and KLASS, FHI Statistikk, Udir, and declared files.

All network access goes through one :class:`~oppvekst.sources.http.Fetcher` — normally a
:class:`~oppvekst.sources.mirror.Gateway` in LIVE, RECORD or REPLAY mode — so every response
carries provenance and every run can be replayed offline. See ``docs/sources.md``.
"""
