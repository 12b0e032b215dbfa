-- Links in feedback are http(s) only (F15). Recommended resources are emailed to candidates and
-- rendered for recruiters; a `javascript:` or `data:` URL (typed by a recruiter over REST, where
-- `authenticated` may update recommended_resources, or produced by a prompt-injected resume)
-- would be a script link in both. The API model refuses them too; this holds for every writer.

-- Existing resources whose link breaks the rule are removed before the constraint is added.
update public.resume_feedback f
   set recommended_resources = coalesce((
         select jsonb_agg(r.item order by r.position)
           from jsonb_array_elements(f.recommended_resources) with ordinality as r (item, position)
          where jsonb_typeof(r.item) = 'object' and jsonb_typeof(r.item -> 'url') = 'string'
            and (r.item ->> 'url') ~* '^https?://[^[:space:][:cntrl:]/?#]+([/?#][^[:space:][:cntrl:]]*)?$'), '[]')
 where jsonb_typeof(f.recommended_resources) = 'array'
   and jsonb_path_exists(f.recommended_resources,
         '$[*] ? (@.type() != "object" || !(exists(@.url)) || @.url.type() != "string"
                  || !(@.url like_regex "^https?://[^[:space:][:cntrl:]/?#]+([/?#][^[:space:][:cntrl:]]*)?$" flag "i"))');

-- Every element is an object whose url is an absolute http(s) URL with a host and no whitespace
-- or control characters.
alter table public.resume_feedback add constraint resume_feedback_resource_urls_http check (
  jsonb_typeof(recommended_resources) = 'array'
  and not jsonb_path_exists(recommended_resources,
        '$[*] ? (@.type() != "object" || !(exists(@.url)) || @.url.type() != "string"
                 || !(@.url like_regex "^https?://[^[:space:][:cntrl:]/?#]+([/?#][^[:space:][:cntrl:]]*)?$" flag "i"))')
);
