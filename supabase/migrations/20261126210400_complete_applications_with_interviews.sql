-- Completing an application's interview moves the application to interview_completed at once
-- (issue 16.2), not when scoring finishes: the candidate and the recruiter see the step as soon
-- as it happens, and a failed scoring no longer leaves the application behind. Only the
-- application's current interview counts (a restarted application links its newest one).
-- on_assessment_stored keeps its move only as a backstop for interview_scheduled applications
-- (an assessment stored for an interview never marked completed): it also moved 'applied'
-- applications, a skip the move rules now refuse, which would fail the scoring transaction.

create or replace function private.complete_application_of_interview() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  update public.applications set status = 'interview_completed'
   where id = new.application_id and interview_id = new.id and status = 'interview_scheduled';
  return null;
end
$$;
comment on function private.complete_application_of_interview() is 'Moves the application of a completed interview to interview_completed.';
revoke execute on function private.complete_application_of_interview() from public, anon, authenticated;

create trigger interviews_complete_application after update of status on public.interviews
  for each row when (new.status = 'completed' and old.status is distinct from 'completed' and new.application_id is not null)
  execute function private.complete_application_of_interview();

create or replace function private.on_assessment_stored() returns trigger
language plpgsql security definer set search_path = '' as $$
declare
  v_interview record;
  v_organization uuid;
begin
  select i.id, i.application_id, i.job_posting_id into v_interview from public.interviews i where i.id = new.interview_id;
  update public.applications set status = 'interview_completed'
   where id = v_interview.application_id and status = 'interview_scheduled';
  select p.organization_id into v_organization from public.job_postings p where p.id = v_interview.job_posting_id;
  if v_organization is not null and new.status <> 'failed' then
    perform private.enqueue_webhooks(v_organization, 'assessment.ready', new.id,
      jsonb_build_object('assessment_id', new.id, 'interview_id', new.interview_id, 'overall_score', new.overall_score));
  end if;
  return new;
end
$$;
revoke execute on function private.on_assessment_stored() from public, anon, authenticated;
