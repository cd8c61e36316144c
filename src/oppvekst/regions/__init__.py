"""Norway's regions: the registry (codes, names, levels, KOSTRA groups, search), its history of
reforms and the crosswalks to today's borders, the builders that make it from the offline files or
from KLASS, and the map boundaries.

One package for the pipeline and the serving side alike: ``update`` builds the registry here and
writes it into the snapshot; the ``Store`` reads it back from the snapshot's region tables into the
same ``Registry`` type, so a former code, a county or a search means the same thing everywhere.
"""
