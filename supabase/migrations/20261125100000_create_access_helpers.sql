-- Who is calling, for row-level security. The role comes from app_metadata (set only by the
-- server through the Auth admin API), never from user_metadata, which users can edit.
-- Staff checks also require an active recruiter row, so deactivating a recruiter takes effect
-- at once, even while their access token is still valid.

create schema if not exists private;
revoke all on schema private from public, anon, authenticated;
grant usage on schema private to service_role;

-- Deny by default: functions in public are not executable by API roles unless granted below.
alter default privileges in schema public revoke execute on functions from public, anon, authenticated;

create or replace function public.set_updated_at() returns trigger
language plpgsql set search_path = '' as $$
begin
  new.updated_at = now();
  return new;
end
$$;

create or replace function public.app_role() returns text
language sql stable security definer set search_path = '' as $$
  select coalesce(auth.jwt() -> 'app_metadata' ->> 'role', 'candidate')
$$;
comment on function public.app_role() is 'The caller''s role from app_metadata (candidate when absent).';

grant execute on function public.set_updated_at() to service_role;
grant execute on function public.app_role() to anon, authenticated, service_role;
