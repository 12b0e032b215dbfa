-- Retention (issue 15.3): the internal tables only grow, and some rows hold personal data
-- longer than they are useful. The daily retention-cleanup function calls these, each of which
-- removes at most p_limit rows per call (one short transaction each, so a large backlog never
-- holds locks or a statement for long); the caller loops while a call returns a full batch.
-- How old is "old" is the caller's policy (shared/services/retention.py): finished jobs after 14
-- days, outbox bodies after 30 and outbox rows after 90, rate-limit counters and login-failure
-- rows once their windows are long over. Rows another transaction has locked are skipped, so the
-- cleanup never waits on a worker or a login; it gets them the next day.

-- A message's text is personal data; after 30 days the row stays (to whom, when, what became of
-- it) but its body goes.
alter table private.email_outbox alter column body_text drop not null;
comment on column private.email_outbox.body_text is 'Message text; null once retention has removed it (30 days).';

-- Each index serves one cleanup's "oldest first" scan and holds only the rows it may still
-- have to remove (finished jobs; outbox rows with a body left).
create index jobs_finished_idx on private.jobs (finished_at) where status in ('succeeded', 'dead');
create index email_outbox_body_kept_idx on private.email_outbox (created_at) where body_text is not null or body_html is not null;
create index email_outbox_created_at_idx on private.email_outbox (created_at);
create index login_failures_window_started_at_idx on private.login_failures (window_started_at);

-- Finished jobs (succeeded or dead: the queue's end states) older than p_older_than.
create or replace function private.delete_finished_jobs(p_older_than interval, p_limit integer) returns integer
language sql security definer set search_path = '' as $$
  with doomed as (
    select j.id from private.jobs j
     where j.status in ('succeeded', 'dead') and j.finished_at < now() - p_older_than
     order by j.finished_at
     limit p_limit
     for update skip locked
  ), deleted as (
    delete from private.jobs j using doomed d where j.id = d.id returning 1
  )
  select count(*)::integer from deleted
$$;

-- Bodies of outbox messages older than p_older_than (whatever their state: a message still
-- queued that late is not worth sending, and email.send refuses a message without a body).
create or replace function private.clear_outbox_bodies(p_older_than interval, p_limit integer) returns integer
language sql security definer set search_path = '' as $$
  with doomed as (
    select o.id from private.email_outbox o
     where (o.body_text is not null or o.body_html is not null) and o.created_at < now() - p_older_than
     order by o.created_at
     limit p_limit
     for update skip locked
  ), cleared as (
    update private.email_outbox o set body_text = null, body_html = null from doomed d where o.id = d.id returning 1
  )
  select count(*)::integer from cleared
$$;

create or replace function private.delete_old_outbox_messages(p_older_than interval, p_limit integer) returns integer
language sql security definer set search_path = '' as $$
  with doomed as (
    select o.id from private.email_outbox o
     where o.created_at < now() - p_older_than
     order by o.created_at
     limit p_limit
     for update skip locked
  ), deleted as (
    delete from private.email_outbox o using doomed d where o.id = d.id returning 1
  )
  select count(*)::integer from deleted
$$;

-- Rate-limit windows that started more than p_older_than ago (longer than any window in use, so
-- no limit still counts them).
create or replace function private.delete_old_rate_limit_counters(p_older_than interval, p_limit integer) returns integer
language sql security definer set search_path = '' as $$
  with doomed as (
    select c.action, c.subject, c.window_start from private.rate_limit_counters c
     where c.window_start < now() - p_older_than
     order by c.window_start
     limit p_limit
     for update skip locked
  ), deleted as (
    delete from private.rate_limit_counters c using doomed d
     where (c.action, c.subject, c.window_start) = (d.action, d.subject, d.window_start)
    returning 1
  )
  select count(*)::integer from deleted
$$;

-- Login-failure rows whose window started more than p_older_than ago and that hold no lock: the
-- next attempt would start counting afresh anyway (private.record_login_attempt), so removing
-- them changes no decision.
create or replace function private.delete_old_login_failures(p_older_than interval, p_limit integer) returns integer
language sql security definer set search_path = '' as $$
  with doomed as (
    select f.account_key from private.login_failures f
     where f.window_started_at < now() - p_older_than and (f.locked_until is null or f.locked_until < now())
     order by f.window_started_at
     limit p_limit
     for update skip locked
  ), deleted as (
    delete from private.login_failures f using doomed d where f.account_key = d.account_key returning 1
  )
  select count(*)::integer from deleted
$$;

revoke execute on function private.delete_finished_jobs(interval, integer), private.clear_outbox_bodies(interval, integer),
  private.delete_old_outbox_messages(interval, integer), private.delete_old_rate_limit_counters(interval, integer),
  private.delete_old_login_failures(interval, integer) from public, anon, authenticated;
grant execute on function private.delete_finished_jobs(interval, integer), private.clear_outbox_bodies(interval, integer),
  private.delete_old_outbox_messages(interval, integer), private.delete_old_rate_limit_counters(interval, integer),
  private.delete_old_login_failures(interval, integer) to service_role;
