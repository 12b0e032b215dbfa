-- access.caller_state() in PL/pgSQL (issue 20): the same answer (the token's session still live,
-- the caller's active staff role and organization), but its query plan is now cached for the
-- life of a pooled connection. As a SQL function that cannot be inlined (security definer,
-- returning a table) its body was parsed and planned again in every statement that called it:
-- about 0.15 ms of the 0.2 ms each call cost (bench/turn_cost.py), paid by every state-changing
-- request. Execution rights are unchanged.

create or replace function access.caller_state() returns table (session_active boolean, staff_role text, organization_id uuid)
language plpgsql stable security definer set search_path = '' as $$
begin
  return query
  select exists (
           select 1 from auth.sessions s
            where s.id = nullif(auth.jwt() ->> 'session_id', '')::uuid
              and s.user_id = auth.uid()
              and (s.not_after is null or s.not_after > now())
         ),
         r.role,
         r.organization_id
    from (select auth.uid() as uid) caller
    left join public.recruiters r on r.id = caller.uid and r.is_active;
end
$$;
comment on function access.caller_state() is 'The caller''s session liveness and active staff role and organization.';
