-- Supabase Auth's admin API inserts a new user with app_metadata {provider, providers} only and
-- writes the app_metadata it was given (our role and organization) with an UPDATE in the same
-- transaction (supabase/auth internal/api/admin.go adminUserCreate; supabase/auth#975, #1280).
-- The insert trigger therefore files every account the admin API creates as a candidate of the
-- default organization, recruiters and admins included. When the role and organization arrive by
-- that update, the profile made at insert is corrected: a staff role moves the account from
-- candidates to recruiters, a candidate gets the organization it was registered through. Only a
-- profile row created in this same transaction (created_at = now()) is corrected, so a later
-- app_metadata change never moves or deletes an existing account's data.

create or replace function public.handle_user_updated() returns trigger
language plpgsql security definer set search_path = '' as $$
declare
  v_role text := new.raw_app_meta_data ->> 'role';
  v_organization uuid := (new.raw_app_meta_data ->> 'organization_id')::uuid;
begin
  if v_role in ('recruiter', 'admin', 'viewer') and not exists (select 1 from public.recruiters r where r.id = new.id) then
    delete from public.candidates c where c.id = new.id and c.created_at = now();
    if found then
      insert into public.recruiters (id, email, full_name, role, organization_id)
      values (new.id, lower(new.email),
              coalesce(nullif(trim(new.raw_user_meta_data ->> 'full_name'), ''), split_part(new.email, '@', 1)),
              v_role, coalesce(v_organization, '00000000-0000-0000-0000-00000000a001'))
      on conflict (id) do nothing;
    end if;
  elsif v_organization is not null then
    update public.candidates c set organization_id = v_organization
     where c.id = new.id and c.created_at = now() and c.organization_id is distinct from v_organization;
  end if;

  update public.candidates set email = lower(new.email) where id = new.id and email is distinct from lower(new.email);
  update public.recruiters
     set email = lower(new.email),
         role = case when v_role in ('recruiter', 'admin', 'viewer') then v_role else role end
   where id = new.id;
  return new;
end
$$;
revoke execute on function public.handle_user_updated() from public, anon, authenticated;
