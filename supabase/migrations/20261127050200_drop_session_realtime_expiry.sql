-- interview_sessions.realtime_session_expires_at was a placeholder for "a live realtime connection
-- holds the interview" that nothing wrote. The leases in private.realtime_sessions (20261127050000)
-- are that now, and the inactivity sweep reads them.

alter table public.interview_sessions drop column realtime_session_expires_at;
