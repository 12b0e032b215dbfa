-- Dedupe only among live jobs (issue 15.2). dedupe_key was unique forever, so work that may be
-- asked for again (a re-parse, a rescore, the score-pending sweep) had to add a random suffix to
-- its key, and private.enqueue_unless_live (F16) looked the live job up by payload under an
-- advisory lock to keep one live job per subject.
--
-- A key now names a unit of work ("resume.process:<resume id>", "interview.score:<interview id>",
-- the keys the workflow triggers already use) and is unique only among queued and running jobs:
-- enqueueing a key that is live returns the live job, and once that job has finished (succeeded
-- or dead) the same key can be queued again. Every path that queues a subject's work uses the
-- same key, so the index gives F16's guarantee (one live re-parse or rescore per subject) to all
-- of them, concurrent callers included: a second insert of a key waits for the first inserter's
-- transaction and then sees the conflict. enqueue_unless_live and its index therefore go.

drop function private.enqueue_unless_live(text, text, jsonb, text, integer);
drop index private.jobs_live_kind_idx;

alter table private.jobs drop constraint jobs_dedupe_key_key;
comment on column private.jobs.dedupe_key is 'The unit of work, e.g. resume.process:<id>; at most one queued or running job per key.';

-- Prevents two live (queued or running) jobs for the same key, i.e. the same work queued or run
-- twice at once; finished jobs keep their key as history and do not block queueing it again.
-- Also the index that answers "is this work live?" (enqueue, the score-pending sweep).
create unique index jobs_live_dedupe_key_idx on private.jobs (dedupe_key) where status in ('queued', 'running');

-- Returns the job and whether it was created (false: the live job with the same key). The
-- insert and the look-up are two statements, so the live job may finish in between; then the
-- key is free and the insert is tried again.
drop function private.enqueue_job(text, jsonb, text, timestamptz, integer);
create function private.enqueue_job(
  p_kind text, p_payload jsonb, p_dedupe_key text default null,
  p_run_after timestamptz default now(), p_max_attempts integer default 3
) returns table (id bigint, created boolean)
language plpgsql security definer set search_path = '' as $$
begin
  for attempt in 1..10 loop
    insert into private.jobs as j (kind, payload, dedupe_key, run_after, max_attempts)
    values (p_kind, coalesce(p_payload, '{}'), p_dedupe_key, coalesce(p_run_after, now()), p_max_attempts)
    on conflict (dedupe_key) where status in ('queued', 'running') do nothing
    returning j.id into id;
    if id is not null then
      perform pg_notify('jobs', p_kind);
      created := true;
      return next;
      return;
    end if;
    select j.id into id from private.jobs j where j.dedupe_key = p_dedupe_key and j.status in ('queued', 'running');
    if id is not null then
      created := false;
      return next;
      return;
    end if;
  end loop;
  raise exception 'could not queue % (%): its live job kept finishing', p_kind, p_dedupe_key using errcode = '40001';
end
$$;

revoke execute on function private.enqueue_job(text, jsonb, text, timestamptz, integer) from public, anon, authenticated;
grant execute on function private.enqueue_job(text, jsonb, text, timestamptz, integer) to service_role;
