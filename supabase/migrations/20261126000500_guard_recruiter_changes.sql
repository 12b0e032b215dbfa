-- Staff authority changes are enforced in the database, whichever client makes them (F1, F4):
-- nobody changes their own role or activation (an admin could otherwise re-activate or promote
-- themself over REST), and a role change or deactivation ends all of that person's sessions, so
-- their access tokens stop working for staff and state-changing routes at once (the functions
-- check the token's session) and their refresh tokens are gone.

create or replace function private.refuse_self_role_change() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  if auth.uid() = old.id and (new.role is distinct from old.role or new.is_active is distinct from old.is_active) then
    raise exception 'nobody changes their own role or activation' using errcode = '42501';
  end if;
  return new;
end
$$;

create or replace function private.end_sessions_on_access_change() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  if new.role is distinct from old.role or new.is_active is distinct from old.is_active then
    delete from auth.sessions where user_id = new.id;
  end if;
  return null;
end
$$;

revoke execute on function private.refuse_self_role_change(), private.end_sessions_on_access_change() from public, anon, authenticated;

create trigger recruiters_refuse_self_role_change before update of role, is_active on public.recruiters
  for each row execute function private.refuse_self_role_change();
create trigger recruiters_end_sessions_on_access_change after update of role, is_active on public.recruiters
  for each row execute function private.end_sessions_on_access_change();
