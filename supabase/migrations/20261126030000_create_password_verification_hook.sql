-- Login lockout on every login path (F3). The 5-failures/15-minutes lock used to live only in
-- POST /auth/login, which checked the lock, verified the password and only then counted the
-- failure: Supabase Auth's own password grant (reachable with the public anon key) never looked
-- at the count, and parallel logins all passed the check before any failure was counted.
--
-- Supabase Auth runs its password verification attempt hook after checking a password, on every
-- password grant whoever the client is (config.toml [auth.hook.password_verification_attempt]),
-- so the rule now lives here. Each attempt is counted with one atomic upsert on the account's
-- row, whose row lock serialises parallel attempts: once 5 failures fall within 15 minutes every
-- further attempt is refused for 15 minutes, even with the right password; a right password
-- before that clears the failures. So however many guesses arrive at once, at most 5 get an
-- answer per lock period.
--
-- Keys stay sha256 of the normalised email rather than the user id: Supabase Auth calls no hook
-- for an email it has no password account for, and POST /auth/login counts those itself under
-- the same key (an address that never locked would tell an attacker it has no account).
-- The old check-then-count functions go: they took the rule's numbers from each caller.

grant usage on schema public to supabase_auth_admin;

-- The lockout key of an email: sha256 of the trimmed, lower-case address (what shared/lockout.py
-- used to compute, so counts taken before this migration still apply).
create or replace function private.login_key(p_email text) returns text
language sql immutable set search_path = '' as $$
  select encode(sha256(convert_to(lower(btrim(p_email)), 'UTF8')), 'hex')
$$;
comment on function private.login_key(text) is 'Lockout key of an email: hex sha256 of the normalised address.';

-- Counts one password attempt and says whether it is refused (the account was already locked).
-- The failure that reaches the threshold is not refused itself (it is a wrong password anyway);
-- it starts the lock. While locked nothing is counted or cleared, so the lock ends on time.
create or replace function private.record_login_attempt(p_key text, p_valid boolean)
returns table (refused boolean, retry_after_seconds integer)
language plpgsql security definer set search_path = '' as $$
declare
  c_max_failures constant integer := 5;
  c_window constant interval := interval '15 minutes';
  c_lock constant interval := interval '15 minutes';
  v_failures integer;
  v_locked_until timestamptz;
begin
  insert into private.login_failures as f (account_key, failures, window_started_at)
  values (p_key, case when p_valid then 0 else 1 end, now())
  on conflict (account_key) do update set
    failures = case
      when f.locked_until > now() then f.failures
      when p_valid then 0
      when f.locked_until is not null or f.window_started_at <= now() - c_window then 1
      else f.failures + 1
    end,
    window_started_at = case
      when f.locked_until > now() then f.window_started_at
      when p_valid or f.locked_until is not null or f.window_started_at <= now() - c_window then now()
      else f.window_started_at
    end,
    locked_until = case when f.locked_until > now() then f.locked_until end
  returning f.failures, f.locked_until into v_failures, v_locked_until;

  if v_locked_until is not null then
    refused := true;
    retry_after_seconds := greatest(1, ceil(extract(epoch from (v_locked_until - now())))::integer);
  elsif v_failures >= c_max_failures then
    update private.login_failures set locked_until = now() + c_lock where account_key = p_key;
    refused := false;
    retry_after_seconds := 0;
  else
    if v_failures = 0 then
      delete from private.login_failures where account_key = p_key;
    end if;
    refused := false;
    retry_after_seconds := 0;
  end if;
  return next;
end
$$;
comment on function private.record_login_attempt(text, boolean) is
  'Counts a password attempt for a lockout key; refused while the account is locked.';

-- POST /auth/login counts a failed login here when Supabase Auth has no password account for the
-- email (it then answers invalid_credentials without calling the hook), so unknown emails lock
-- exactly like known ones. For known accounts the hook has already counted the attempt.
create or replace function private.record_unknown_email_login_failure(p_email text)
returns table (refused boolean, retry_after_seconds integer)
language plpgsql security definer set search_path = '' as $$
begin
  if exists (
    select 1 from auth.users u
     where lower(u.email) = lower(btrim(p_email)) and u.is_sso_user = false
       and coalesce(u.encrypted_password, '') <> ''
  ) then
    refused := false;
    retry_after_seconds := 0;
    return next;
    return;
  end if;
  return query select a.refused, a.retry_after_seconds from private.record_login_attempt(private.login_key(p_email), false) a;
end
$$;
comment on function private.record_unknown_email_login_failure(text) is
  'Counts a failed login for an email with no password account (Supabase Auth runs no hook for it).';

-- The hook itself (input {user_id, valid}; output {decision, message, should_logout_user}).
-- The message is what Supabase Auth returns with invalid_credentials, and how POST /auth/login
-- tells a lock from a wrong password (shared/lockout.py LOCKED_MESSAGE). Existing sessions are
-- left alone: logging the user out would let anyone end a victim's sessions by locking them.
create or replace function public.hook_password_verification_attempt(event jsonb) returns jsonb
language plpgsql security definer set search_path = '' as $$
declare
  v_email text;
  v_refused boolean;
begin
  select u.email into v_email from auth.users u where u.id = (event ->> 'user_id')::uuid;
  if v_email is null then
    return jsonb_build_object('decision', 'continue');
  end if;
  select a.refused into v_refused
    from private.record_login_attempt(private.login_key(v_email), coalesce((event ->> 'valid')::boolean, false)) a;
  if v_refused then
    return jsonb_build_object(
      'decision', 'reject',
      'message', 'Too many failed logins; the account is locked for a while.',
      'should_logout_user', false
    );
  end if;
  return jsonb_build_object('decision', 'continue');
end
$$;
comment on function public.hook_password_verification_attempt(jsonb) is
  'Supabase Auth password verification attempt hook: the login lockout.';

drop function private.record_login_failure(text, integer, integer, integer);
drop function private.clear_login_failures(text);

revoke execute on function private.login_key(text), private.record_login_attempt(text, boolean),
  private.record_unknown_email_login_failure(text) from public, anon, authenticated;
grant execute on function private.login_key(text), private.record_login_attempt(text, boolean),
  private.record_unknown_email_login_failure(text) to service_role;

revoke execute on function public.hook_password_verification_attempt(jsonb) from public, anon, authenticated, service_role;
grant execute on function public.hook_password_verification_attempt(jsonb) to supabase_auth_admin;
