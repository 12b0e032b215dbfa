-- AI interviews (workflow 1), their live session state and every message. Candidates and staff
-- read them under RLS; only the service role writes, because every write goes through the
-- interview engine's rules (phases, budgets, idempotent turns).

create table public.interviews (
  id uuid primary key default gen_random_uuid(),
  candidate_id uuid not null references public.candidates (id) on delete cascade,
  resume_id uuid references public.resumes (id) on delete set null,
  job_posting_id uuid references public.job_postings (id) on delete set null,
  application_id uuid,                      -- set when created by an application (FK added with applications)
  role_type text not null check (role_type in ('react', 'python', 'javascript', 'fullstack')),
  mode text not null default 'text' check (mode in ('text', 'voice', 'realtime')),
  status text not null default 'scheduled' check (status in ('scheduled', 'in_progress', 'completed', 'abandoned')),
  started_at timestamptz,
  completed_at timestamptz,
  duration_seconds integer check (duration_seconds >= 0),
  last_activity_at timestamptz not null default now(),
  token_budget integer not null default 10000 check (token_budget > 0),
  ai_model_used text,
  total_tokens_used integer not null default 0,
  cost_usd numeric(12, 6) not null default 0,            -- LLM cost
  speech_tokens_used integer not null default 0,
  speech_cost_usd numeric(12, 6) not null default 0,     -- STT + TTS cost
  realtime_cost_usd numeric(12, 6) not null default 0,
  end_reason text,                          -- why the engine ended it (plan complete, budget, ...)
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table public.interviews is 'One AI interview of a candidate, with its cost and token accounting.';

create index interviews_candidate_created_idx on public.interviews (candidate_id, created_at desc);
create index interviews_job_posting_idx on public.interviews (job_posting_id);
-- The stale-session sweep only looks at live interviews.
create index interviews_live_activity_idx on public.interviews (last_activity_at) where status = 'in_progress';
-- The scoring sweep only looks at completed interviews.
create index interviews_completed_idx on public.interviews (completed_at) where status = 'completed';

create table public.interview_sessions (
  id uuid primary key default gen_random_uuid(),
  interview_id uuid not null unique references public.interviews (id) on delete cascade,  -- one per interview
  conversation_memory jsonb not null default '[]',      -- condensed history the AI sees
  current_difficulty_level text not null default 'warmup' check (current_difficulty_level in ('warmup', 'standard', 'advanced')),
  questions_asked_count integer not null default 0,
  skill_boundaries_identified jsonb not null default '{}',  -- skill -> proficient / intermediate / boundary_reached
  progression_state jsonb not null default '{}',        -- the progressive engine's full state
  last_activity_at timestamptz not null default now(),
  realtime_session_expires_at timestamptz,              -- a live realtime connection holds the interview until then
  updated_at timestamptz not null default now()
);
comment on table public.interview_sessions is 'Live state of an interview, persisted after every turn for recovery.';

create table public.interview_messages (
  id uuid primary key default gen_random_uuid(),
  interview_id uuid not null references public.interviews (id) on delete cascade,
  session_id uuid references public.interview_sessions (id) on delete cascade,
  sequence_number integer not null check (sequence_number > 0),
  message_type text not null check (message_type in ('ai_question', 'candidate_response')),
  content_text text not null,
  content_audio_url text,                   -- storage path in the audio bucket
  audio_duration_seconds numeric(10, 3),
  audio_metadata jsonb,                     -- transcript confidence, format, size, processing time
  response_time_seconds numeric(10, 3),
  client_turn_id text,                      -- idempotency key of the turn that produced it
  metadata jsonb not null default '{}',     -- phase, evaluation, question id
  created_at timestamptz not null default now(),
  unique (interview_id, sequence_number)
);
comment on table public.interview_messages is 'Questions and answers of an interview, in order.';

-- The same client turn can only be stored once per interview.
create unique index interview_messages_turn_idx on public.interview_messages (interview_id, client_turn_id)
  where client_turn_id is not null;

create trigger interviews_set_updated_at before update on public.interviews
  for each row execute function public.set_updated_at();
create trigger interview_sessions_set_updated_at before update on public.interview_sessions
  for each row execute function public.set_updated_at();

alter table public.interviews enable row level security;
alter table public.interview_sessions enable row level security;
alter table public.interview_messages enable row level security;

create or replace function public.owns_interview(p_interview_id uuid) returns boolean
language sql stable security definer set search_path = '' as $$
  select exists (select 1 from public.interviews i where i.id = p_interview_id and i.candidate_id = auth.uid())
$$;
grant execute on function public.owns_interview(uuid) to authenticated, service_role;

create policy "Candidates read their interviews and staff read all" on public.interviews for select to authenticated
  using (candidate_id = (select auth.uid()) or (select public.is_staff()));
create policy "Candidates read their sessions and staff read all" on public.interview_sessions for select to authenticated
  using (public.owns_interview(interview_id) or (select public.is_staff()));
create policy "Candidates read their messages and staff read all" on public.interview_messages for select to authenticated
  using (public.owns_interview(interview_id) or (select public.is_staff()));

revoke all on public.interviews, public.interview_sessions, public.interview_messages from anon, authenticated;
grant select on public.interviews, public.interview_sessions, public.interview_messages to authenticated;
