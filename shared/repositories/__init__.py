"""Data access: one module per aggregate, each function one or two SQL statements on a connection
the caller's service opened (as the user, under RLS, or as the service role), returning small
typed rows. Services orchestrate use cases on top of them and hold no SQL."""
