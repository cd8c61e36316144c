"""Own data, phase 1: the user store (organisations, users, sessions, saved views, the audit log),
sign-in and the identity seam. The published statistics snapshot never touches this package: it
stays read-only; everything a person creates lives in the relational user store (``store``)."""
