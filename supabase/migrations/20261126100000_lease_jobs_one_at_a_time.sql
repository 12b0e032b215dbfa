-- One lease per job (issue 15.1). Workers used to claim ten jobs under one 300 s lease and run
-- them in turn: the last ones started late, outlived the lease and were claimed and run again by
-- another worker; the ones a crashed worker never reached had lost an attempt anyway, because
-- claiming counted it.
--
-- Now a worker claims one job, starts it (that is what counts an attempt), and keeps extending
-- the job's short lease while the handler runs (a heartbeat), so a job is reclaimed only when its
-- worker stopped heart-beating: crashed, killed at the function's timeout, or cut off from the
-- database. Finishing still goes through complete_job / fail_job, which raise when the worker
-- no longer holds the job; the runner logs that and moves on.

drop function private.claim_jobs(text, integer, integer);

comment on column private.jobs.attempts is 'Attempts started (private.start_job); a claim whose worker never started the job does not count.';

-- Claim the next due job: queued and due, or running with an expired lease and attempts left (a
-- job on its final attempt whose worker died is reaped dead instead: private.reap_expired_jobs).
-- p_skip_kinds are kinds the caller has no time left to run. Attempts are not touched here.
create or replace function private.claim_job(p_worker text, p_lease_seconds integer, p_skip_kinds text[] default '{}')
returns setof private.jobs
language plpgsql security definer set search_path = '' as $$
begin
  return query
  with claimable as (
    select j.id from private.jobs j
     where ((j.status = 'queued' and j.run_after <= now())
            or (j.status = 'running' and j.locked_until < now() and j.attempts < j.max_attempts))
       and j.kind <> all (coalesce(p_skip_kinds, '{}'))
     order by j.run_after, j.id
     for update skip locked
     limit 1
  )
  update private.jobs j
     set status = 'running', locked_by = p_worker,
         locked_until = now() + make_interval(secs => p_lease_seconds), updated_at = now()
    from claimable c
   where j.id = c.id
  returning j.*;
end
$$;

-- The worker is about to call the handler: count the attempt and renew the lease. Returns the
-- attempt number; raises when the worker no longer holds the job.
create or replace function private.start_job(p_id bigint, p_worker text, p_lease_seconds integer)
returns integer
language plpgsql security definer set search_path = '' as $$
declare
  v_attempt integer;
begin
  update private.jobs
     set attempts = attempts + 1, locked_until = now() + make_interval(secs => p_lease_seconds), updated_at = now()
   where id = p_id and status = 'running' and locked_by = p_worker
  returning attempts into v_attempt;
  if v_attempt is null then
    raise exception 'job % is not running for worker %', p_id, p_worker using errcode = 'P0002';
  end if;
  return v_attempt;
end
$$;

-- The heartbeat: push the lease forward while the handler runs. False when the job was taken
-- over (the worker then knows its result will be discarded); a question, so it does not raise.
create or replace function private.extend_job_lease(p_id bigint, p_worker text, p_lease_seconds integer)
returns boolean
language plpgsql security definer set search_path = '' as $$
begin
  update private.jobs
     set locked_until = now() + make_interval(secs => p_lease_seconds), updated_at = now()
   where id = p_id and status = 'running' and locked_by = p_worker;
  return found;
end
$$;

revoke execute on function private.claim_job(text, integer, text[]), private.start_job(bigint, text, integer),
  private.extend_job_lease(bigint, text, integer) from public, anon, authenticated;
grant execute on function private.claim_job(text, integer, text[]), private.start_job(bigint, text, integer),
  private.extend_job_lease(bigint, text, integer) to service_role;
