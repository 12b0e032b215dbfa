-- What the browser relayed from a realtime session (issue 18), one row per OpenAI id: the
-- candidate's transcribed speech and the interviewer's spoken transcript (by item id and content
-- index), tool calls (by call id, with the answer given) and usage (by response id). The row is
-- the idempotency key: a replayed event finds its row and changes nothing (a replayed tool call
-- gets the first answer again), and an id already recorded for another interview is recognised.
-- Transcripts become interview messages: the interviewer's replace the text of the question they
-- speak, the candidate's wait here until a tool call turns them into one answer.

create table private.realtime_events (
  id bigint generated always as identity primary key,  -- arrival order
  interview_id uuid not null references public.interviews (id) on delete cascade,
  kind text not null check (kind in ('candidate_transcript', 'interviewer_transcript', 'tool_call', 'usage')),
  key text not null check (char_length(key) between 1 and 200),  -- item id and content index, call id, or response id
  transcript text,                           -- what was said (transcripts only)
  message_id uuid references public.interview_messages (id) on delete set null,  -- the message a transcript went into
  output jsonb,                              -- the answer given to a tool call (given again on a replay)
  cost_usd numeric(12, 6),                   -- what a usage event's response cost
  created_at timestamptz not null default now()
);
comment on table private.realtime_events is 'Realtime events relayed by the browser, once per OpenAI id (the relay''s idempotency keys).';

-- An id is recorded once across all interviews: replays and events of another interview stop here.
create unique index realtime_events_key_idx on private.realtime_events (kind, key);
-- A tool call takes the candidate's transcripts that are in no answer yet, in arrival order.
create index realtime_events_pending_idx on private.realtime_events (interview_id, id)
  where kind = 'candidate_transcript' and message_id is null;
-- A question's spoken text is the transcripts attached to it, in order (and the messages
-- foreign key's set null).
create index realtime_events_message_idx on private.realtime_events (message_id, id) where message_id is not null;
-- The interviews foreign key's cascade.
create index realtime_events_interview_idx on private.realtime_events (interview_id);

alter table private.realtime_events enable row level security;
revoke all on private.realtime_events from public, anon, authenticated;
grant select, insert, update, delete on private.realtime_events to service_role;
