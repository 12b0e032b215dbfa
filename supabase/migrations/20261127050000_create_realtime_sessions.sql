-- Realtime voice sessions (issue 18). A function cannot hold the WebSocket the original server
-- proxied, so the browser talks to OpenAI directly with a short-lived client secret that the
-- `realtime` function mints with the whole session configuration. At most one live session per
-- interview: a lease row with an expiry, here rather than in process memory (functions share
-- nothing). The events the browser relays renew the lease; DELETE ends it; expire-interviews
-- ends those that expired without events. Internal: only the functions, as the service, use it.

create table private.realtime_sessions (
  id uuid primary key default gen_random_uuid(),
  interview_id uuid not null references public.interviews (id) on delete cascade,
  model text not null,                       -- the realtime model minted for (prices the usage relayed)
  voice text not null,                       -- the voice minted with
  secret_expires_at timestamptz,             -- the client secret opens calls until then (null until minted)
  expires_at timestamptz not null,           -- the lease: live until then unless ended; each relayed batch moves it on
  last_event_at timestamptz,                 -- the last batch of events relayed for this session
  ended_at timestamptz,                      -- when the session ended (null while live)
  end_reason text check (end_reason in ('client_ended', 'expired', 'mint_failed')),  -- why it ended
  created_at timestamptz not null default now(),
  constraint realtime_sessions_ended_with_a_reason check ((ended_at is null) = (end_reason is null))
);
comment on table private.realtime_sessions is 'Realtime voice sessions of interviews: one live lease per interview.';

-- One live session per interview: a second mint while one is live conflicts here (409); the
-- same index finds the live lease of an interview.
create unique index realtime_sessions_one_live_idx on private.realtime_sessions (interview_id) where ended_at is null;
-- The expiry sweep reads only live leases, by expiry.
create index realtime_sessions_live_expiry_idx on private.realtime_sessions (expires_at) where ended_at is null;
-- Every session of an interview, newest first (and the interviews foreign key's cascade).
create index realtime_sessions_interview_idx on private.realtime_sessions (interview_id, created_at desc);

-- Token usage and cost of an interview's realtime sessions, from the `response.done` events the
-- browser relays (a total per interview: a reconnect opens a new session of the same interview).
-- interviews.realtime_cost_usd carries the same cost for the views; the warning above
-- REALTIME_COST_WARNING_USD is logged once, when warned_at is first set.
create table private.realtime_usage (
  interview_id uuid primary key references public.interviews (id) on delete cascade,
  responses integer not null default 0 check (responses >= 0),               -- responses counted
  input_text_tokens bigint not null default 0 check (input_text_tokens >= 0),
  input_audio_tokens bigint not null default 0 check (input_audio_tokens >= 0),
  cached_input_tokens bigint not null default 0 check (cached_input_tokens >= 0),  -- a subset of the input tokens
  output_text_tokens bigint not null default 0 check (output_text_tokens >= 0),
  output_audio_tokens bigint not null default 0 check (output_audio_tokens >= 0),
  cost_usd numeric(12, 6) not null default 0 check (cost_usd >= 0),          -- priced from AI_PRICES
  warned_at timestamptz,                     -- when the cost passed the warning threshold (logged once)
  updated_at timestamptz not null default now()
);
comment on table private.realtime_usage is 'Realtime token usage and cost per interview, from relayed usage events.';

alter table private.realtime_sessions enable row level security;
alter table private.realtime_usage enable row level security;
revoke all on private.realtime_sessions, private.realtime_usage from public, anon, authenticated;
grant select, insert, update, delete on private.realtime_sessions, private.realtime_usage to service_role;
