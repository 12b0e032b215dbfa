-- Accounts. Supabase Auth owns identities and passwords (auth.users); these tables hold the
-- product's profile of each user, keyed by the same id and created by a trigger on auth.users,
-- so no password or credential ever lives here.

create table public.organizations (
  id uuid primary key default gen_random_uuid(),
  name text not null check (length(name) between 1 and 200),  -- display name of the recruitment firm
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table public.organizations is 'Recruitment firms; recruiters, postings and webhooks belong to one.';

-- The firm every recruiter joins unless app_metadata names another.
insert into public.organizations (id, name) values ('00000000-0000-0000-0000-00000000a001', 'Teamified');

create table public.candidates (
  id uuid primary key references auth.users (id) on delete cascade,  -- the auth user
  email text not null unique,                                         -- copy of auth.users.email, lower-case
  full_name text not null check (length(full_name) >= 2),
  phone text,
  status text not null default 'active' check (status in ('active', 'inactive', 'deleted')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table public.candidates is 'Candidate profiles, one per auth user with role candidate.';

create table public.recruiters (
  id uuid primary key references auth.users (id) on delete cascade,
  email text not null unique,
  full_name text not null check (length(full_name) >= 2),
  role text not null default 'recruiter' check (role in ('recruiter', 'admin', 'viewer')),  -- mirrors app_metadata.role
  organization_id uuid not null references public.organizations (id),
  is_active boolean not null default true,   -- deactivated accounts keep their history but lose access
  last_login_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table public.recruiters is 'Staff profiles (recruiter, admin, viewer), one per auth user with a staff role.';
create index recruiters_organization_id_idx on public.recruiters (organization_id);

create trigger candidates_set_updated_at before update on public.candidates
  for each row execute function public.set_updated_at();
create trigger recruiters_set_updated_at before update on public.recruiters
  for each row execute function public.set_updated_at();
create trigger organizations_set_updated_at before update on public.organizations
  for each row execute function public.set_updated_at();

-- Staff helpers: security definer so policies can consult recruiters without recursing into its RLS.
create or replace function public.is_staff() returns boolean
language sql stable security definer set search_path = '' as $$
  select public.app_role() in ('recruiter', 'admin', 'viewer')
     and exists (select 1 from public.recruiters r where r.id = auth.uid() and r.is_active)
$$;

create or replace function public.can_manage() returns boolean
language sql stable security definer set search_path = '' as $$
  select public.app_role() in ('recruiter', 'admin')
     and exists (select 1 from public.recruiters r where r.id = auth.uid() and r.is_active)
$$;

create or replace function public.is_admin() returns boolean
language sql stable security definer set search_path = '' as $$
  select public.app_role() = 'admin'
     and exists (select 1 from public.recruiters r where r.id = auth.uid() and r.is_active)
$$;

create or replace function public.staff_organization_id() returns uuid
language sql stable security definer set search_path = '' as $$
  select r.organization_id from public.recruiters r where r.id = auth.uid() and r.is_active
$$;

grant execute on function public.is_staff(), public.can_manage(), public.is_admin(), public.staff_organization_id()
  to authenticated, service_role;

alter table public.organizations enable row level security;
alter table public.candidates enable row level security;
alter table public.recruiters enable row level security;

create policy "Staff read their own organization" on public.organizations for select to authenticated
  using (id = (select public.staff_organization_id()));

create policy "Candidates read themselves and staff read candidates" on public.candidates for select to authenticated
  using (id = (select auth.uid()) or (select public.is_staff()));
create policy "Candidates update their own profile" on public.candidates for update to authenticated
  using (id = (select auth.uid())) with check (id = (select auth.uid()));

create policy "Staff read recruiters of their organization" on public.recruiters for select to authenticated
  using (id = (select auth.uid()) or organization_id = (select public.staff_organization_id()));
create policy "Admins update recruiters of their organization" on public.recruiters for update to authenticated
  using ((select public.is_admin()) and organization_id = (select public.staff_organization_id()))
  with check ((select public.is_admin()) and organization_id = (select public.staff_organization_id()));

-- Only profile fields are writable by users; ids, emails, roles and status are not.
revoke insert, update, delete on public.candidates, public.recruiters, public.organizations from anon, authenticated;
grant update (full_name, phone) on public.candidates to authenticated;
grant update (role, is_active) on public.recruiters to authenticated;
revoke all on public.candidates, public.recruiters, public.organizations from anon;

-- A new auth user gets its profile row: staff roles -> recruiters, anything else -> candidates.
create or replace function public.handle_new_user() returns trigger
language plpgsql security definer set search_path = '' as $$
declare
  v_role text := coalesce(new.raw_app_meta_data ->> 'role', 'candidate');
  v_name text := coalesce(nullif(trim(new.raw_user_meta_data ->> 'full_name'), ''), split_part(new.email, '@', 1));
begin
  if v_role in ('recruiter', 'admin', 'viewer') then
    insert into public.recruiters (id, email, full_name, role, organization_id)
    values (new.id, lower(new.email), v_name, v_role,
            coalesce((new.raw_app_meta_data ->> 'organization_id')::uuid, '00000000-0000-0000-0000-00000000a001'))
    on conflict (id) do nothing;
  else
    insert into public.candidates (id, email, full_name, phone)
    values (new.id, lower(new.email), v_name, nullif(new.raw_user_meta_data ->> 'phone', ''))
    on conflict (id) do nothing;
  end if;
  return new;
end
$$;

-- Keep the copies in step when Auth changes the email or an admin changes the role.
create or replace function public.handle_user_updated() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  update public.candidates set email = lower(new.email) where id = new.id and email is distinct from lower(new.email);
  update public.recruiters
     set email = lower(new.email),
         role = case when new.raw_app_meta_data ->> 'role' in ('recruiter', 'admin', 'viewer')
                     then new.raw_app_meta_data ->> 'role' else role end
   where id = new.id;
  return new;
end
$$;

revoke execute on function public.handle_new_user(), public.handle_user_updated() from public, anon, authenticated;

create trigger on_auth_user_created after insert on auth.users
  for each row execute function public.handle_new_user();
create trigger on_auth_user_updated after update of email, raw_app_meta_data on auth.users
  for each row execute function public.handle_user_updated();
