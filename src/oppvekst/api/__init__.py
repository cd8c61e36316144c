"""The open data API (``/api/v1``): the same view functions as the pages, rendered as data."""
