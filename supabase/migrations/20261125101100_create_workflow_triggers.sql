-- The workflow chain: each trigger does one small thing and enqueues the next step in the same
-- transaction, with a dedupe key so firing twice never queues the same work twice.
--   upload into resumes      -> resume row (pending) + resume.process
--   resume parsed            -> feedback.generate
--   interview completed      -> interview.score (+ interview.completed webhooks)
--   assessment stored        -> application interview_completed + assessment.ready webhooks
--   application inserted     -> tailored interview, linked both ways, status interview_scheduled
--   application status moved -> application.status_changed webhooks

-- Webhook deliveries for an organization's active subscriptions to an event.
create or replace function private.enqueue_webhooks(p_organization_id uuid, p_event text, p_subject_id uuid, p_payload jsonb)
returns void
language plpgsql security definer set search_path = '' as $$
declare
  v_webhook record;
begin
  for v_webhook in
    select id from public.integration_webhooks
     where organization_id = p_organization_id and is_active and p_event = any (event_types)
  loop
    perform private.enqueue_job('webhook.deliver',
      jsonb_build_object('webhook_id', v_webhook.id, 'event_type', p_event, 'data', p_payload),
      format('webhook:%s:%s:%s', v_webhook.id, p_event, p_subject_id));
  end loop;
end
$$;

create or replace function private.on_resume_uploaded() returns trigger
language plpgsql security definer set search_path = '' as $$
declare
  v_owner text := (storage.foldername(new.name))[1];
  v_candidate uuid;
  v_resume uuid;
begin
  if new.bucket_id <> 'resumes' then
    return new;
  end if;
  select c.id into v_candidate from public.candidates c where c.id::text = v_owner;
  if v_candidate is null then
    return new;  -- not a candidate's folder: nothing to parse
  end if;
  update public.resumes set is_active = false where candidate_id = v_candidate and is_active;
  insert into public.resumes (candidate_id, storage_path, file_name, file_size, mime_type, is_active)
  values (v_candidate, new.name, storage.filename(new.name),
          coalesce((new.metadata ->> 'size')::bigint, 0), new.metadata ->> 'mimetype', true)
  on conflict (storage_path) do nothing
  returning id into v_resume;
  if v_resume is not null then
    perform private.enqueue_job('resume.process', jsonb_build_object('resume_id', v_resume), 'resume.process:' || v_resume);
  end if;
  return new;
end
$$;

create or replace function private.on_resume_parsed() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  perform private.enqueue_job('feedback.generate', jsonb_build_object('resume_id', new.id), 'feedback.generate:' || new.id);
  return new;
end
$$;

create or replace function private.on_interview_completed() returns trigger
language plpgsql security definer set search_path = '' as $$
declare
  v_organization uuid;
begin
  perform private.enqueue_job('interview.score', jsonb_build_object('interview_id', new.id), 'interview.score:' || new.id);
  select p.organization_id into v_organization from public.job_postings p where p.id = new.job_posting_id;
  if v_organization is not null then
    perform private.enqueue_webhooks(v_organization, 'interview.completed', new.id,
      jsonb_build_object('interview_id', new.id, 'candidate_id', new.candidate_id, 'application_id', new.application_id));
  end if;
  return new;
end
$$;

create or replace function private.on_assessment_stored() returns trigger
language plpgsql security definer set search_path = '' as $$
declare
  v_interview record;
  v_organization uuid;
begin
  select i.id, i.application_id, i.job_posting_id, i.candidate_id into v_interview
    from public.interviews i where i.id = new.interview_id;
  update public.applications set status = 'interview_completed', status_changed_at = now()
   where id = v_interview.application_id and status in ('applied', 'interview_scheduled');
  select p.organization_id into v_organization from public.job_postings p where p.id = v_interview.job_posting_id;
  if v_organization is not null and new.status <> 'failed' then
    perform private.enqueue_webhooks(v_organization, 'assessment.ready', new.id,
      jsonb_build_object('assessment_id', new.id, 'interview_id', new.interview_id, 'overall_score', new.overall_score));
  end if;
  return new;
end
$$;

-- Role type of a posting's interview from its tech stack.
create or replace function private.role_type_for(p_stack text[]) returns text
language sql immutable set search_path = '' as $$
  select case
    when p_stack && array['react', 'react native', 'nextjs', 'next.js'] and p_stack && array['python', 'django', 'fastapi', 'flask', 'node', 'node.js', 'nodejs', 'express']
      then 'fullstack'
    when p_stack && array['react', 'react native', 'nextjs', 'next.js'] then 'react'
    when p_stack && array['python', 'django', 'fastapi', 'flask', 'pandas'] then 'python'
    when p_stack && array['javascript', 'typescript', 'node', 'node.js', 'nodejs', 'vue', 'angular', 'express'] then 'javascript'
    else 'fullstack'
  end
$$;

create or replace function private.on_application_created() returns trigger
language plpgsql security definer set search_path = '' as $$
declare
  v_posting record;
  v_interview uuid;
begin
  if not exists (select 1 from public.candidates c where c.id = new.candidate_id) then
    raise exception 'only candidates can apply' using errcode = '42501';
  end if;
  select p.id, p.tech_stack, p.status, p.is_cancelled into v_posting from public.job_postings p where p.id = new.job_posting_id;
  if v_posting.id is null or v_posting.status <> 'active' or v_posting.is_cancelled then
    raise exception 'job posting % is not open', new.job_posting_id using errcode = 'P0001', hint = 'JOB_NOT_OPEN';
  end if;
  if new.resume_id is null then
    select r.id into new.resume_id from public.resumes r where r.candidate_id = new.candidate_id and r.is_active;
  end if;
  insert into public.interviews (candidate_id, resume_id, job_posting_id, application_id, role_type, status)
  values (new.candidate_id, new.resume_id, new.job_posting_id, new.id,
          private.role_type_for(array(select lower(s) from unnest(v_posting.tech_stack) s)), 'scheduled')
  returning id into v_interview;
  new.interview_id := v_interview;
  new.status := 'interview_scheduled';
  return new;
end
$$;

create or replace function private.on_application_status_changed() returns trigger
language plpgsql security definer set search_path = '' as $$
declare
  v_organization uuid;
begin
  new.status_changed_at := now();
  select p.organization_id into v_organization from public.job_postings p where p.id = new.job_posting_id;
  perform private.enqueue_webhooks(v_organization, 'application.status_changed', new.id,
    jsonb_build_object('application_id', new.id, 'status', new.status, 'previous_status', old.status)
    || jsonb_build_object('changed_at', now()));
  return new;
end
$$;

revoke execute on function private.enqueue_webhooks(uuid, text, uuid, jsonb), private.on_resume_uploaded(),
  private.on_resume_parsed(), private.on_interview_completed(), private.on_assessment_stored(),
  private.role_type_for(text[]), private.on_application_created(), private.on_application_status_changed()
  from public, anon, authenticated;

create trigger on_resume_uploaded after insert on storage.objects
  for each row execute function private.on_resume_uploaded();
create trigger on_resume_parsed after update of parsing_status on public.resumes
  for each row when (new.parsing_status = 'completed' and old.parsing_status is distinct from 'completed')
  execute function private.on_resume_parsed();
create trigger on_interview_completed after update of status on public.interviews
  for each row when (new.status = 'completed' and old.status is distinct from 'completed')
  execute function private.on_interview_completed();
create trigger on_assessment_stored after insert on public.assessment_results
  for each row when (new.is_current) execute function private.on_assessment_stored();
create trigger on_application_created before insert on public.applications
  for each row execute function private.on_application_created();
create trigger on_application_status_changed before update of status on public.applications
  for each row when (new.status is distinct from old.status) execute function private.on_application_status_changed();
