-- The Postgres job queue that chains the workflows (DESIGN "Workflows chain through the
-- database"). Triggers enqueue inside the transaction that causes the work; workers claim
-- batches with FOR UPDATE SKIP LOCKED and a lease, so a crashed worker's job is claimed again
-- when its lease expires. Jobs move only through the functions below.

create table private.jobs (
  id bigint generated always as identity primary key,
  kind text not null check (kind ~ '^[a-z_]+(\.[a-z_]+)+$'),   -- e.g. resume.process
  payload jsonb not null default '{}',
  status text not null default 'queued' check (status in ('queued', 'running', 'succeeded', 'dead')),
  attempts integer not null default 0,           -- claims so far
  max_attempts integer not null default 3 check (max_attempts between 1 and 50),
  run_after timestamptz not null default now(),  -- not claimable before (backoff)
  locked_by text,                                -- worker holding the lease
  locked_until timestamptz,                      -- lease end; after it the job may be claimed again
  last_error text,
  result jsonb,
  duration_ms integer,
  dedupe_key text unique,                        -- the same work is never queued twice
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  finished_at timestamptz
);
comment on table private.jobs is 'Background work: queued by triggers and functions, run by run-jobs.';

-- Claiming scans only claimable rows: queued ones by due time, running ones by lease end.
create index jobs_queued_idx on private.jobs (run_after, id) where status = 'queued';
create index jobs_running_lease_idx on private.jobs (locked_until) where status = 'running';
create index jobs_dead_idx on private.jobs (kind, updated_at desc) where status = 'dead';

alter table private.jobs enable row level security;
revoke all on private.jobs from public, anon, authenticated;
grant select, insert, update, delete on private.jobs to service_role;

create or replace function private.enqueue_job(
  p_kind text, p_payload jsonb, p_dedupe_key text default null,
  p_run_after timestamptz default now(), p_max_attempts integer default 3
) returns bigint
language plpgsql security definer set search_path = '' as $$
declare
  v_id bigint;
begin
  insert into private.jobs (kind, payload, dedupe_key, run_after, max_attempts)
  values (p_kind, coalesce(p_payload, '{}'), p_dedupe_key, coalesce(p_run_after, now()), p_max_attempts)
  on conflict (dedupe_key) do nothing
  returning id into v_id;
  if v_id is null then
    select id into v_id from private.jobs where dedupe_key = p_dedupe_key;
  else
    perform pg_notify('jobs', p_kind);
  end if;
  return v_id;
end
$$;

create or replace function private.claim_jobs(p_worker text, p_batch integer, p_lease_seconds integer)
returns setof private.jobs
language plpgsql security definer set search_path = '' as $$
begin
  -- A job whose final attempt crashed (lease expired) is dead, not retried forever.
  update private.jobs
     set status = 'dead', last_error = coalesce(last_error, 'worker lease expired on the final attempt'),
         locked_by = null, locked_until = null, finished_at = now(), updated_at = now()
   where status = 'running' and locked_until < now() and attempts >= max_attempts;

  return query
  with claimable as (
    select j.id from private.jobs j
     where (j.status = 'queued' and j.run_after <= now())
        or (j.status = 'running' and j.locked_until < now())
     order by j.run_after, j.id
     for update skip locked
     limit p_batch
  )
  update private.jobs j
     set status = 'running', attempts = j.attempts + 1, locked_by = p_worker,
         locked_until = now() + make_interval(secs => p_lease_seconds), updated_at = now()
    from claimable c
   where j.id = c.id
  returning j.*;
end
$$;

create or replace function private.complete_job(p_id bigint, p_worker text, p_result jsonb, p_duration_ms integer)
returns void
language plpgsql security definer set search_path = '' as $$
begin
  update private.jobs
     set status = 'succeeded', result = p_result, duration_ms = p_duration_ms, last_error = null,
         locked_by = null, locked_until = null, finished_at = now(), updated_at = now()
   where id = p_id and status = 'running' and locked_by = p_worker;
  if not found then
    raise exception 'job % is not running for worker %', p_id, p_worker using errcode = 'P0002';
  end if;
end
$$;

-- Back to the queue after the given delay, or dead once attempts are used up (or at once when
-- the failure is permanent). Returns the new status.
create or replace function private.fail_job(
  p_id bigint, p_worker text, p_error text, p_retry_in_seconds integer, p_duration_ms integer, p_permanent boolean default false
) returns text
language plpgsql security definer set search_path = '' as $$
declare
  v_status text;
begin
  update private.jobs
     set status = case when p_permanent or attempts >= max_attempts then 'dead' else 'queued' end,
         run_after = now() + make_interval(secs => greatest(p_retry_in_seconds, 0)),
         last_error = left(p_error, 2000), duration_ms = p_duration_ms,
         locked_by = null, locked_until = null, updated_at = now(),
         finished_at = case when p_permanent or attempts >= max_attempts then now() end
   where id = p_id and status = 'running' and locked_by = p_worker
  returning status into v_status;
  if v_status is null then
    raise exception 'job % is not running for worker %', p_id, p_worker using errcode = 'P0002';
  end if;
  return v_status;
end
$$;

revoke execute on function private.enqueue_job(text, jsonb, text, timestamptz, integer),
  private.claim_jobs(text, integer, integer), private.complete_job(bigint, text, jsonb, integer),
  private.fail_job(bigint, text, text, integer, integer, boolean) from public, anon, authenticated;
grant execute on function private.enqueue_job(text, jsonb, text, timestamptz, integer),
  private.claim_jobs(text, integer, integer), private.complete_job(bigint, text, jsonb, integer),
  private.fail_job(bigint, text, text, integer, integer, boolean) to service_role;

-- The email outbox: messages are stored first and sent by the email.send job, so a failed
-- send is retried and nothing is lost when the provider is down.
create table private.email_outbox (
  id uuid primary key default gen_random_uuid(),
  to_address text not null,
  subject text not null,
  body_text text not null,
  body_html text,
  status text not null default 'queued' check (status in ('queued', 'sent', 'failed')),
  attempts integer not null default 0,
  provider_message_id text,
  last_error text,
  related_type text,           -- e.g. resume_feedback
  related_id uuid,
  created_at timestamptz not null default now(),
  sent_at timestamptz
);
comment on table private.email_outbox is 'Every email the platform sends, with its delivery state.';
create index email_outbox_related_idx on private.email_outbox (related_type, related_id);
alter table private.email_outbox enable row level security;
revoke all on private.email_outbox from public, anon, authenticated;
grant select, insert, update, delete on private.email_outbox to service_role;
