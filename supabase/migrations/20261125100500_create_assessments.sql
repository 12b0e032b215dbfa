-- Assessment results (workflow 3). One current assessment per interview; a rescore keeps the
-- previous one as history (is_current = false). Written only by the scoring job.

create table public.assessment_results (
  id uuid primary key default gen_random_uuid(),
  interview_id uuid not null references public.interviews (id) on delete cascade,
  is_current boolean not null default true,
  status text not null check (status in ('completed', 'partial', 'failed')),
  overall_score integer check (overall_score between 0 and 100),
  skill_scores jsonb not null default '{}',        -- skill -> {score, evidence_message_ids, reasoning}
  skill_boundary_map jsonb not null default '{}',
  strengths jsonb not null default '[]',
  weaknesses jsonb not null default '[]',
  integrity_score integer check (integrity_score between 0 and 100),
  integrity_flags jsonb not null default '[]',     -- [{type, severity, evidence, confidence}]
  ai_reasoning jsonb not null default '{}',        -- per score: why, citing messages, confidence
  recommended_actions jsonb not null default '[]',
  missing_sections text[] not null default '{}',   -- passes that failed in a partial result
  error text,                                      -- why scoring failed, for recruiters
  model text,
  prompt_version text,
  cost_usd numeric(12, 6) not null default 0,
  generated_at timestamptz not null default now()
);
comment on table public.assessment_results is 'Scores of an interview; history kept across rescoring.';

-- One current assessment per interview.
create unique index assessment_results_current_idx on public.assessment_results (interview_id) where is_current;
create index assessment_results_interview_idx on public.assessment_results (interview_id, generated_at desc);
create index assessment_results_score_idx on public.assessment_results (overall_score desc) where is_current;

alter table public.assessment_results enable row level security;

-- Candidates may read their own rows; the API shows them only the candidate view (no integrity
-- flags or reasoning). Staff read everything.
create policy "Candidates read their assessments and staff read all" on public.assessment_results for select to authenticated
  using (public.owns_interview(interview_id) or (select public.is_staff()));

revoke all on public.assessment_results from anon, authenticated;
grant select on public.assessment_results to authenticated;
