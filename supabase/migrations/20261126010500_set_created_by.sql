-- Attribution columns are set by the database, never by the client (F19). Recruiters insert
-- and update job postings (and admins webhooks) over REST with table-wide grants, so
-- `created_by` could name any staff member and authorship was not trustworthy.
--
-- On insert by a client role, created_by becomes the caller (auth.uid()); trusted writers (the
-- service role, seeds) keep what they give. After insert the identity columns are not the
-- client's to change: UPDATE is granted only on the posting's content and state columns.

-- Security invoker on purpose: current_user is the caller's role.
create or replace function private.set_created_by() returns trigger
language plpgsql set search_path = '' as $$
begin
  if current_user in ('anon', 'authenticated') then
    new.created_by := auth.uid();
  end if;
  return new;
end
$$;
comment on function private.set_created_by() is 'Sets created_by to the calling user on inserts made by client roles.';
revoke execute on function private.set_created_by() from public, anon, authenticated;

create trigger job_postings_set_created_by before insert on public.job_postings
  for each row execute function private.set_created_by();
create trigger integration_webhooks_set_created_by before insert on public.integration_webhooks
  for each row execute function private.set_created_by();

-- Revoking the table-wide UPDATE also drops any column grants; content columns are granted back.
revoke update on public.job_postings from anon, authenticated;
grant update (title, company, description, role_category, tech_stack, required_skills, employment_type, work_setup, location,
              salary_min, salary_max, salary_currency, experience_level, status, is_cancelled, cancellation_reason)
  on public.job_postings to authenticated;

revoke update on public.integration_webhooks from anon, authenticated;
grant update (url, secret, event_types, is_active) on public.integration_webhooks to authenticated;
