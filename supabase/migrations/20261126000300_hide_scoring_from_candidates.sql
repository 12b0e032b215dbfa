-- Candidates see only the candidate view (F6): overall and per-skill scores, strengths and
-- weaknesses. Integrity score and flags, the AI's reasoning, recommended actions, per-answer
-- evaluations and the engine's session state stay with staff, over REST as through the
-- functions. Until now the candidate could select whole assessment rows, their interview
-- sessions, and every answer's evaluation inside interview_messages.metadata.

-- Per-answer evaluations move out of the candidate-readable metadata into their own column,
-- which the API roles cannot select (the functions read it as the service role).
alter table public.interview_messages add column evaluation jsonb;
comment on column public.interview_messages.evaluation is
  'The AI evaluation of a candidate answer (score, quality, rationale); staff and scoring only.';
update public.interview_messages
   set evaluation = metadata -> 'evaluation', metadata = metadata - 'evaluation'
 where metadata ? 'evaluation';

revoke select on public.interview_messages from authenticated;
grant select (id, interview_id, session_id, sequence_number, message_type, content_text, content_audio_url,
              audio_duration_seconds, response_time_seconds, client_turn_id, metadata, created_at)
  on public.interview_messages to authenticated;

-- The engine's state (difficulty, per-question scores, skill boundaries) is staff-only.
alter policy "Candidates read their sessions and staff read all" on public.interview_sessions
  using (access.staff_sees_interview(interview_id));
alter policy "Candidates read their sessions and staff read all" on public.interview_sessions
  rename to "Staff read their organization's interview sessions";

-- Whole assessment rows are staff-only; candidates read the candidate view below.
alter policy "Candidates read their assessments and staff read all" on public.assessment_results
  using (access.staff_sees_interview(interview_id));
alter policy "Candidates read their assessments and staff read all" on public.assessment_results
  rename to "Staff read their organization's assessments";

-- The candidate's view of their own current assessments: a view owned by the migration role
-- (so it can read the rows RLS now hides from candidates) that filters on auth.uid() itself and
-- exposes only the allowed columns, with per-skill scores stripped of evidence and reasoning.
-- A failed scoring is not shown (the candidate sees "processing" until a rescore succeeds).
create view public.candidate_assessments as
select a.interview_id,
       a.status,
       a.overall_score,
       coalesce((select jsonb_agg(jsonb_build_object('skill', s.key, 'score', (s.value ->> 'score')::integer) order by s.key)
                   from jsonb_each(a.skill_scores) s), '[]'::jsonb) as skill_scores,
       a.strengths,
       a.weaknesses,
       a.generated_at
  from public.assessment_results a
  join public.interviews i on i.id = a.interview_id
 where a.is_current
   and a.status <> 'failed'
   and i.candidate_id = (select auth.uid());
comment on view public.candidate_assessments is
  'The calling candidate''s current assessments: scores, strengths and weaknesses only.';

revoke all on public.candidate_assessments from public, anon, authenticated;
grant select on public.candidate_assessments to authenticated, service_role;
