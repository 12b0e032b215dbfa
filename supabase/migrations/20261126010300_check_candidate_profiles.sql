-- Candidate names and phones keep the registration rules on every path (F15). Candidates hold
-- UPDATE on full_name and phone, so over REST they could store a 100,000-character name or
-- markup as a phone, bypassing /auth/register's model (name 2-120 characters once trimmed,
-- phone of 7-20 digits, spaces, brackets and dashes with an optional leading +). Names appear in
-- recruiter views and emails. The same rules now hold for REST, the functions and sign-up.

-- Rows written through that door before this migration are brought inside the rules first, so
-- the constraints can be validated: an over-long name is cut to 120 characters, a too-short one
-- falls back to the email's local part (as sign-up does), an invalid phone is dropped.
update public.candidates
   set full_name = case when length(btrim(full_name)) > 120 then btrim(left(btrim(full_name), 120))
                        else split_part(email, '@', 1) end
 where length(btrim(full_name)) not between 2 and 120;
update public.candidates set phone = null where phone !~ '^\+?[0-9 ()-]{7,20}$';

alter table public.candidates
  add constraint candidates_full_name_length check (length(btrim(full_name)) between 2 and 120),
  add constraint candidates_phone_format check (phone ~ '^\+?[0-9 ()-]{7,20}$');
