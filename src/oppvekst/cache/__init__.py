"""Whole public answers kept per snapshot (``middleware``), on disk (``kept``), filled in the
background after a publish (``warming``)."""
