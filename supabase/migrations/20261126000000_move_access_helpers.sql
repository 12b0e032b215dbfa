-- The RLS helpers move out of `public` into schema `access` (F18): PostgREST exposes only the
-- schemas listed in config.toml ([api] schemas = ["public"]), so helpers in `access` are not
-- callable as /rest/v1/rpc/... while policies keep calling them (ALTER ... SET SCHEMA keeps each
-- function's identity, so every existing policy follows it).
-- Staff power now comes from the caller's active `recruiters` row and its role (F1, F4), never
-- from the token's app_metadata, which may be an hour old: a demotion or deactivation takes
-- effect on the next statement.

create schema if not exists access;
comment on schema access is 'Helpers for row-level security; not exposed over the REST API.';
revoke all on schema access from public;
grant usage on schema access to anon, authenticated, service_role;

alter function public.app_role() set schema access;
alter function public.is_staff() set schema access;
alter function public.can_manage() set schema access;
alter function public.is_admin() set schema access;
alter function public.staff_organization_id() set schema access;
alter function public.owns_interview(uuid) set schema access;

-- The caller's staff role from their active recruiters row; null for candidates and for
-- deactivated staff.
create or replace function access.staff_role() returns text
language sql stable security definer set search_path = '' as $$
  select r.role from public.recruiters r where r.id = auth.uid() and r.is_active
$$;
comment on function access.staff_role() is 'Role of the caller''s active recruiters row, or null.';

create or replace function access.is_staff() returns boolean
language sql stable security definer set search_path = '' as $$
  select coalesce(access.staff_role() in ('recruiter', 'admin', 'viewer'), false)
$$;

create or replace function access.can_manage() returns boolean
language sql stable security definer set search_path = '' as $$
  select coalesce(access.staff_role() in ('recruiter', 'admin'), false)
$$;

create or replace function access.is_admin() returns boolean
language sql stable security definer set search_path = '' as $$
  select coalesce(access.staff_role() = 'admin', false)
$$;

revoke execute on all functions in schema access from public;
grant execute on all functions in schema access to anon, authenticated, service_role;
