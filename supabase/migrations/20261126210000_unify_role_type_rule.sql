-- One rule from a tech stack or a resume's skills to the interview role type (issue 16.3).
-- Python's role_from_skills and SQL's private.role_type_for disagreed: a TypeScript + Node.js
-- stack got a Python interview from Python and a JavaScript one from SQL. The rule now lives
-- here only; the API calls access.role_type_for_skills() (schema `access` is not exposed over
-- REST) and postings keep private.role_type_for(), which adds the broad fallback.
--   React family and a backend (Python or Node family) -> fullstack
--   React family                                       -> react
--   Python family                                      -> python
--   JavaScript, TypeScript, Node family, Vue, Angular  -> javascript
--   nothing recognised                                 -> null

create or replace function access.role_type_for_skills(p_skills text[]) returns text
language sql immutable set search_path = '' as $$
  with s as (select coalesce(array(select lower(trim(x)) from unnest(p_skills) x), '{}') as skills)
  select case
    when skills && array['react', 'react native', 'react.js', 'reactjs', 'nextjs', 'next.js', 'redux']
     and skills && array['python', 'django', 'fastapi', 'flask', 'node', 'node.js', 'nodejs', 'express']
      then 'fullstack'
    when skills && array['react', 'react native', 'react.js', 'reactjs', 'nextjs', 'next.js', 'redux'] then 'react'
    when skills && array['python', 'django', 'fastapi', 'flask', 'pandas'] then 'python'
    when skills && array['javascript', 'typescript', 'node', 'node.js', 'nodejs', 'express', 'vue', 'angular'] then 'javascript'
  end
  from s
$$;
comment on function access.role_type_for_skills(text[]) is
  'The interview role type for a stack or skill list (case-insensitive); null when nothing is recognised.';
revoke execute on function access.role_type_for_skills(text[]) from public, anon;
grant execute on function access.role_type_for_skills(text[]) to authenticated, service_role;

-- A posting's interview: the same rule, and the broad interview when nothing is recognised.
create or replace function private.role_type_for(p_stack text[]) returns text
language sql immutable set search_path = '' as $$
  select coalesce(access.role_type_for_skills(p_stack), 'fullstack')
$$;
revoke execute on function private.role_type_for(text[]) from public, anon, authenticated;
