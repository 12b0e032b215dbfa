-- What a function needs to know about the caller beyond a verified token (F1, F4, F17): whether
-- the token's session still exists (logout, a role change or deactivation delete it, so an
-- hour-old token stops working for state-changing and staff routes), and the caller's staff
-- role and organization from their active recruiters row. One statement, read inside the
-- caller's own transaction (auth.uid() and auth.jwt() come from the request's claims).

create or replace function access.caller_state() returns table (session_active boolean, staff_role text, organization_id uuid)
language sql stable security definer set search_path = '' as $$
  select exists (
           select 1 from auth.sessions s
            where s.id = nullif(auth.jwt() ->> 'session_id', '')::uuid
              and s.user_id = auth.uid()
              and (s.not_after is null or s.not_after > now())
         ),
         r.role,
         r.organization_id
    from (select auth.uid() as uid) caller
    left join public.recruiters r on r.id = caller.uid and r.is_active
$$;
comment on function access.caller_state() is 'The caller''s session liveness and active staff role and organization.';

revoke execute on function access.caller_state() from public;
grant execute on function access.caller_state() to authenticated, service_role;
