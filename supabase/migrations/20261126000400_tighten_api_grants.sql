-- Deny by default, for real (F18). PostgreSQL grants EXECUTE on every new function to PUBLIC,
-- and the earlier per-schema "revoke execute" default could not remove that, so anon could call
-- every function in public over /rest/v1/rpc. Table defaults (Supabase's `grant all`) also left
-- `authenticated` with TRUNCATE (which ignores RLS), TRIGGER and REFERENCES on every table.
-- From here on the API roles get exactly what a migration grants them; a test compares what
-- they can reach in the catalog with a committed allow-list.

alter default privileges revoke execute on functions from public;
alter default privileges in schema public revoke execute on functions from anon, authenticated;
revoke execute on all functions in schema public from public, anon, authenticated;

alter default privileges in schema public revoke truncate, trigger, references on tables from anon, authenticated;
revoke truncate, trigger, references on all tables in schema public from anon, authenticated;
-- Storage's tables are Supabase's; where this role may not change them the revoke only warns.
revoke truncate, trigger, references on storage.objects, storage.buckets from anon, authenticated;

-- Extensions belong in schema `extensions` (Supabase's layout); move pgcrypto where an older
-- local cluster installed it into public.
create schema if not exists extensions;
do $$
begin
  if exists (select 1 from pg_extension e join pg_namespace n on n.oid = e.extnamespace
              where e.extname = 'pgcrypto' and n.nspname = 'public') then
    alter extension pgcrypto set schema extensions;
  end if;
end
$$;
