"""Own data (issue #15 phase 2): uploads, own indicators and their versions, beside the national."""
