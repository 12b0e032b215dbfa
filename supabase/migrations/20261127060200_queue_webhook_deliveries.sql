-- Every webhook event becomes a delivery row and one webhook.deliver job for it (issue 19).
-- Before, the job carried the event itself, keyed by webhook, event and subject: a second status
-- change of an application while the first was still queued shared the key and was dropped, and
-- nothing recorded a delivery for the admin. Now the row is the record (what the delivery log
-- lists, with the envelope exactly as sent: {type, created_at, data}) and the job names it.
--
-- The job may run 15 times: the delivery itself makes at most 12 attempts (shared/services/
-- webhook_delivery.py: exponential backoff with jitter from a minute up to 8 hours, about a day
-- in all); the margin covers runs lost to a crashed worker before they attempted anything.
--
-- Events carry ids only (no names, emails or answers): interview.completed and assessment.ready
-- name the interview, candidate, application and posting; application.status_changed also the
-- statuses. A new application now sends application.status_changed too (previous_status null):
-- an integration learns of applicants, and of every status of the application rules.

create or replace function private.enqueue_webhooks(p_organization_id uuid, p_event text, p_subject_id uuid, p_payload jsonb)
returns void
language plpgsql security definer set search_path = '' as $$
declare
  v_delivery uuid;
begin
  for v_delivery in
    insert into public.webhook_deliveries (webhook_id, event_type, payload)
    select w.id, p_event,
           jsonb_build_object('type', p_event,
                              'created_at', to_char(now() at time zone 'utc', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
                              'data', p_payload)
      from public.integration_webhooks w
     where w.organization_id = p_organization_id and w.is_active and p_event = any (w.event_types)
    returning id
  loop
    perform private.enqueue_job('webhook.deliver', jsonb_build_object('delivery_id', v_delivery),
                                'webhook.deliver:' || v_delivery, now(), 15);
  end loop;
end
$$;
comment on function private.enqueue_webhooks(uuid, text, uuid, jsonb) is 'Records a delivery of the event for each active webhook of the organization subscribed to it, and queues each.';

create or replace function private.on_interview_completed() returns trigger
language plpgsql security definer set search_path = '' as $$
declare
  v_organization uuid;
begin
  perform private.enqueue_job('interview.score', jsonb_build_object('interview_id', new.id), 'interview.score:' || new.id);
  select p.organization_id into v_organization from public.job_postings p where p.id = new.job_posting_id;
  if v_organization is not null then
    perform private.enqueue_webhooks(v_organization, 'interview.completed', new.id,
      jsonb_build_object('interview_id', new.id, 'candidate_id', new.candidate_id, 'application_id', new.application_id,
                         'job_posting_id', new.job_posting_id));
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
  select i.id, i.application_id, i.job_posting_id, i.candidate_id into v_interview from public.interviews i where i.id = new.interview_id;
  update public.applications set status = 'interview_completed'
   where id = v_interview.application_id and status = 'interview_scheduled';
  select p.organization_id into v_organization from public.job_postings p where p.id = v_interview.job_posting_id;
  if v_organization is not null and new.status <> 'failed' then
    perform private.enqueue_webhooks(v_organization, 'assessment.ready', new.id,
      jsonb_build_object('assessment_id', new.id, 'interview_id', new.interview_id, 'candidate_id', v_interview.candidate_id,
                         'application_id', v_interview.application_id, 'job_posting_id', v_interview.job_posting_id,
                         'overall_score', new.overall_score));
  end if;
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
    jsonb_build_object('application_id', new.id, 'candidate_id', new.candidate_id, 'job_posting_id', new.job_posting_id,
                       'status', new.status, 'previous_status', old.status,
                       'changed_at', to_char(now() at time zone 'utc', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')));
  return new;
end
$$;

-- A new application's first status, for the same subscribers (after insert: the before-insert
-- trigger has set it and linked the interview by then).
create or replace function private.on_application_submitted() returns trigger
language plpgsql security definer set search_path = '' as $$
declare
  v_organization uuid;
begin
  select p.organization_id into v_organization from public.job_postings p where p.id = new.job_posting_id;
  perform private.enqueue_webhooks(v_organization, 'application.status_changed', new.id,
    jsonb_build_object('application_id', new.id, 'candidate_id', new.candidate_id, 'job_posting_id', new.job_posting_id,
                       'status', new.status, 'previous_status', null,
                       'changed_at', to_char(now() at time zone 'utc', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')));
  return null;
end
$$;
comment on function private.on_application_submitted() is 'Notifies application.status_changed subscribers of a new application.';

revoke execute on function private.enqueue_webhooks(uuid, text, uuid, jsonb), private.on_interview_completed(),
  private.on_assessment_stored(), private.on_application_status_changed(), private.on_application_submitted()
  from public, anon, authenticated;

create trigger on_application_submitted after insert on public.applications
  for each row execute function private.on_application_submitted();

-- Jobs still queued in the old shape ({webhook_id, event_type, data}) become deliveries, so the
-- events they carry are sent rather than left for a handler that no longer reads them.
do $$
declare
  v_job record;
  v_delivery uuid;
begin
  for v_job in
    select j.id, j.payload, j.created_at from private.jobs j
     where j.kind = 'webhook.deliver' and j.status = 'queued' and not j.payload ? 'delivery_id'
       and exists (select 1 from public.integration_webhooks w where w.id::text = j.payload ->> 'webhook_id')
  loop
    insert into public.webhook_deliveries (webhook_id, event_type, payload, created_at)
    values ((v_job.payload ->> 'webhook_id')::uuid, v_job.payload ->> 'event_type',
            jsonb_build_object('type', v_job.payload ->> 'event_type',
                               'created_at', to_char(v_job.created_at at time zone 'utc', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
                               'data', coalesce(v_job.payload -> 'data', '{}'::jsonb)),
            v_job.created_at)
    returning id into v_delivery;
    update private.jobs set payload = jsonb_build_object('delivery_id', v_delivery), dedupe_key = 'webhook.deliver:' || v_delivery,
                            max_attempts = 15
     where id = v_job.id;
  end loop;
end
$$;
