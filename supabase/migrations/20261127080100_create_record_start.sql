-- An interview's start in one call (issue 20): the interview (new, the application's scheduled
-- one started, or a new one replacing the application's abandoned interview), its session with
-- the engine's first state, the first question and the usage of generating it, in one
-- transaction and one network round trip. start-interview sent them one statement at a time,
-- with a second update of the interview for the usage.
--
-- Only the service role executes it (the question and the engine state come from the backend).
-- The candidate is never an argument: the interview is auth.uid()'s, from the caller's verified
-- claims (db.on_behalf_of); a scheduled interview or an application that is not theirs is
-- 'conflict', as when another start won the race. Nothing is written then.

create or replace function private.record_start(
  p_interview_id uuid,                  -- the new interview's id, or the scheduled interview to start
  p_scheduled boolean,                  -- start the application's scheduled interview rather than create one
  p_resume_id uuid,                     -- the resume the questions know (a new interview's)
  p_role_type text,
  p_mode text,
  p_token_budget integer,
  p_application_id uuid,                -- a restart: the application whose abandoned interview this one replaces
  p_abandoned_id uuid,                  -- a restart: that abandoned interview
  p_job_posting_id uuid,                -- a restart: the application's posting
  p_progression_state jsonb,            -- the engine's state with the first question asked
  p_difficulty_level text,
  p_question_text text,
  p_question_audio_path text,
  p_question_metadata jsonb,
  p_tokens integer,                     -- usage of generating (and speaking) the first question
  p_cost_usd numeric,
  p_speech_tokens integer,
  p_speech_cost_usd numeric,
  p_model text
) returns jsonb
language plpgsql security definer set search_path = '' as $$
declare
  v_interview jsonb;
  v_session uuid;
  v_question jsonb;
begin
  if p_scheduled then
    update public.interviews i
       set status = 'in_progress', mode = p_mode, role_type = p_role_type, started_at = now(), last_activity_at = now(),
           token_budget = p_token_budget, total_tokens_used = i.total_tokens_used + p_tokens, cost_usd = i.cost_usd + p_cost_usd,
           speech_tokens_used = i.speech_tokens_used + p_speech_tokens, speech_cost_usd = i.speech_cost_usd + p_speech_cost_usd,
           ai_model_used = coalesce(p_model, i.ai_model_used)
     where i.id = p_interview_id and i.status = 'scheduled' and i.candidate_id = auth.uid()
    returning jsonb_build_object('id', i.id, 'status', i.status, 'role_type', i.role_type, 'mode', i.mode) into v_interview;
    if v_interview is null then
      return jsonb_build_object('outcome', 'conflict');
    end if;
  else
    if p_application_id is not null then
      -- The row lock holds off a second restart until this one commits (it then finds the link moved).
      perform 1 from public.applications a
        where a.id = p_application_id and a.candidate_id = auth.uid() and a.interview_id = p_abandoned_id for update;
      if not found then
        return jsonb_build_object('outcome', 'conflict');
      end if;
    end if;
    insert into public.interviews (id, candidate_id, resume_id, role_type, mode, status, started_at, last_activity_at, token_budget,
                                   application_id, job_posting_id, total_tokens_used, cost_usd, speech_tokens_used, speech_cost_usd, ai_model_used)
    values (p_interview_id, auth.uid(), p_resume_id, p_role_type, p_mode, 'in_progress', now(), now(), p_token_budget,
            p_application_id, p_job_posting_id, p_tokens, p_cost_usd, p_speech_tokens, p_speech_cost_usd, p_model)
    returning jsonb_build_object('id', id, 'status', status, 'role_type', role_type, 'mode', mode) into v_interview;
    if p_application_id is not null then
      update public.applications set interview_id = p_interview_id where id = p_application_id;
    end if;
  end if;

  insert into public.interview_sessions (interview_id, current_difficulty_level, questions_asked_count, progression_state, conversation_memory)
  values (p_interview_id, p_difficulty_level, 1, p_progression_state, '[]')
  returning id into v_session;

  insert into public.interview_messages (interview_id, session_id, sequence_number, message_type, content_text, content_audio_url, metadata)
  values (p_interview_id, v_session, 1, 'ai_question', p_question_text, p_question_audio_path, p_question_metadata)
  returning jsonb_build_object('id', id, 'sequence_number', sequence_number, 'message_type', message_type, 'content_text', content_text,
                               'content_audio_url', content_audio_url, 'audio_duration_seconds', audio_duration_seconds,
                               'response_time_seconds', response_time_seconds, 'metadata', metadata, 'created_at', created_at)
    into v_question;

  return jsonb_build_object('outcome', 'started', 'interview', v_interview, 'question', v_question);
end
$$;
comment on function private.record_start(uuid, boolean, uuid, text, text, integer, uuid, uuid, uuid, jsonb, text, text, text, jsonb, integer,
  numeric, integer, numeric, text) is
  'Starts an interview of the calling candidate (interview, session, first question, usage) in one call; service role only.';

revoke execute on function private.record_start(uuid, boolean, uuid, text, text, integer, uuid, uuid, uuid, jsonb, text, text, text, jsonb,
  integer, numeric, integer, numeric, text) from public, anon, authenticated;
grant execute on function private.record_start(uuid, boolean, uuid, text, text, integer, uuid, uuid, uuid, jsonb, text, text, text, jsonb,
  integer, numeric, integer, numeric, text) to service_role;
