-- Brute-force lockout and rate limits, counted in Postgres so they hold across every function
-- instance (a per-process counter would reset on each cold start and split across instances).
-- Both live in `private`: clients can neither read nor reset them.

create schema if not exists private;
revoke all on schema private from public, anon, authenticated;
grant usage on schema private to service_role;

create table private.rate_limit_counters (
  action text not null,                 -- what is limited, e.g. 'register', 'interview.start'
  subject text not null,                -- who: a user id or a client IP
  window_start timestamptz not null,    -- start of the fixed window this row counts
  hits integer not null default 0,      -- requests seen in the window
  primary key (action, subject, window_start)
);
comment on table private.rate_limit_counters is 'Fixed-window request counters per action and subject.';

-- Old windows are only ever deleted in bulk by age.
create index rate_limit_counters_window_start_idx on private.rate_limit_counters (window_start);

create table private.login_failures (
  account_key text primary key,         -- sha256 of the normalised email: no address is stored
  failures integer not null default 0,  -- failed attempts in the current window
  window_started_at timestamptz not null default now(),
  locked_until timestamptz              -- set when failures reach the threshold
);
comment on table private.login_failures is 'Failed password logins per account key, for the lockout.';

alter table private.rate_limit_counters enable row level security;
alter table private.login_failures enable row level security;
revoke all on private.rate_limit_counters, private.login_failures from public, anon, authenticated;
grant select, insert, update, delete on private.rate_limit_counters, private.login_failures to service_role;

-- One atomic upsert per hit: concurrent requests cannot both slip under the limit.
create or replace function private.hit_rate_limit(
  p_action text, p_subject text, p_limit integer, p_window_seconds integer
) returns table (allowed boolean, retry_after_seconds integer)
language plpgsql security definer set search_path = '' as $$
declare
  v_window timestamptz := to_timestamp(floor(extract(epoch from now()) / p_window_seconds) * p_window_seconds);
  v_hits integer;
begin
  insert into private.rate_limit_counters as c (action, subject, window_start, hits)
  values (p_action, p_subject, v_window, 1)
  on conflict (action, subject, window_start) do update set hits = c.hits + 1
  returning c.hits into v_hits;
  allowed := v_hits <= p_limit;
  retry_after_seconds := greatest(1, ceil(extract(epoch from (v_window + make_interval(secs => p_window_seconds) - now())))::integer);
  return next;
end
$$;

create or replace function private.login_lock_remaining(p_key text) returns integer
language sql stable security definer set search_path = '' as $$
  select coalesce(
    (select greatest(0, ceil(extract(epoch from (locked_until - now()))))::integer
       from private.login_failures where account_key = p_key and locked_until > now()),
    0)
$$;

-- Counts a failure inside the sliding window; the failure that reaches p_max starts the lock.
create or replace function private.record_login_failure(
  p_key text, p_max integer, p_window_seconds integer, p_lock_seconds integer
) returns integer
language plpgsql security definer set search_path = '' as $$
declare
  v_failures integer;
begin
  insert into private.login_failures as f (account_key, failures, window_started_at)
  values (p_key, 1, now())
  on conflict (account_key) do update set
    failures = case when f.window_started_at < now() - make_interval(secs => p_window_seconds)
                      or (f.locked_until is not null and f.locked_until <= now())
                    then 1 else f.failures + 1 end,
    window_started_at = case when f.window_started_at < now() - make_interval(secs => p_window_seconds)
                               or (f.locked_until is not null and f.locked_until <= now())
                             then now() else f.window_started_at end,
    locked_until = case when f.locked_until is not null and f.locked_until <= now() then null else f.locked_until end
  returning failures into v_failures;
  if v_failures >= p_max then
    update private.login_failures set locked_until = now() + make_interval(secs => p_lock_seconds)
     where account_key = p_key and (locked_until is null or locked_until <= now());
  end if;
  return v_failures;
end
$$;

create or replace function private.clear_login_failures(p_key text) returns void
language sql security definer set search_path = '' as $$
  delete from private.login_failures where account_key = p_key
$$;

revoke execute on function private.hit_rate_limit(text, text, integer, integer),
  private.login_lock_remaining(text), private.record_login_failure(text, integer, integer, integer),
  private.clear_login_failures(text) from public, anon, authenticated;
grant execute on function private.hit_rate_limit(text, text, integer, integer),
  private.login_lock_remaining(text), private.record_login_failure(text, integer, integer, integer),
  private.clear_login_failures(text) to service_role;
