-- The staff applications list sorts a posting's applicants by the overall score of their
-- interview's current assessment (issue 16). Read from assessment_results, that sort joined every
-- applicant to an assessment and checked the assessments' tenancy policy on each (an interview
-- probe and a membership probe a row) before the first row of the page was known: 30-60 ms for a
-- posting with 5,000 applicants (bench/job_search.py). The score is now kept on the application,
-- so the list takes its page in index order from rows the applications policy admits.
--
-- Nobody sees more than before: staff who see an application see its interview's assessment
-- (the candidate applied to their organization), and the candidate, who sees their application,
-- already reads the same score (current, not failed) in public.candidate_assessments.
--
-- The column is derived only. A BEFORE trigger on applications sets it on every write from the
-- current assessment of the row's interview (an interview restart, which points the application
-- at a new interview, clears it); an AFTER trigger on assessment_results refreshes the
-- applications of an interview whose assessments changed (a result stored, a rescore retiring the
-- old one, a failure, a deletion). The API roles' column grants on applications do not include it.

alter table public.applications add column overall_score integer check (overall_score between 0 and 100);
comment on column public.applications.overall_score is
  'Overall score of the current, not failed assessment of the application''s interview; kept by triggers, sorted on by staff lists.';

-- The staff list by score: one posting's applications, best first, in the list's order.
create index applications_posting_score_idx on public.applications (job_posting_id, overall_score desc nulls last, created_at desc, id desc);

create or replace function private.current_overall_score(p_interview_id uuid) returns integer
language sql stable security definer set search_path = '' as $$
  select r.overall_score from public.assessment_results r
   where r.interview_id = p_interview_id and r.is_current and r.status <> 'failed'
$$;
comment on function private.current_overall_score(uuid) is
  'Overall score of the interview''s current, not failed assessment (null when there is none).';

create or replace function private.set_application_score() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  new.overall_score := private.current_overall_score(new.interview_id);
  return new;
end
$$;
comment on function private.set_application_score() is 'Sets applications.overall_score from the row''s interview.';

create or replace function private.refresh_application_scores() returns trigger
language plpgsql security definer set search_path = '' as $$
declare
  v_interviews uuid[];
begin
  if tg_op = 'INSERT' then
    v_interviews := array[new.interview_id];
  elsif tg_op = 'DELETE' then
    v_interviews := array[old.interview_id];
  else
    v_interviews := array[old.interview_id, new.interview_id];
  end if;
  update public.applications a
     set overall_score = private.current_overall_score(a.interview_id)
   where a.interview_id = any(v_interviews)
     and a.overall_score is distinct from private.current_overall_score(a.interview_id);
  return null;
end
$$;
comment on function private.refresh_application_scores() is
  'Refreshes applications.overall_score of the interviews whose assessments changed.';

revoke execute on function private.current_overall_score(uuid), private.set_application_score(), private.refresh_application_scores()
  from public, anon, authenticated;

-- BEFORE triggers fire in name order: this one follows on_application_created, which sets the
-- new application's interview_id.
create trigger score_applications_from_assessments before insert or update on public.applications
  for each row execute function private.set_application_score();
create trigger refresh_application_scores after insert or delete or update of interview_id, is_current, status, overall_score
  on public.assessment_results for each row execute function private.refresh_application_scores();

update public.applications a
   set overall_score = r.overall_score
  from public.assessment_results r
 where r.interview_id = a.interview_id and r.is_current and r.status <> 'failed';
