"""Own data: a municipality's figures uploaded beside the national statistics (issue #15, phase 2).

``reading`` turns an uploaded CSV or XLSX into a table of text within declared limits, ``persons``
refuses person-level data, ``mapping`` says which column is the area, the period, the figures and the
breakdowns, ``validation`` checks every row and cell and gives the rows in the pipeline's tidy
shape, and ``templates`` writes the files people start from. These are pure functions: no web, no
database. Persistence and the overlay on the published snapshot live beside them.
"""
