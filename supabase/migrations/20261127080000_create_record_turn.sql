-- A text turn's writes in one call (issue 20): the answer with its evaluation, the next question,
-- the session's engine state, the interview's usage and cost, and its completion when the plan
-- ended, in the caller's one transaction. process-turn used to send them one statement at a time
-- (two row locks, max(sequence), two inserts, three updates of the same interviews row), each a
-- network round trip between Lambda and Supabase's pooler; now the call is one, and the
-- interviews row is updated once per turn.
--
-- The guarantees do not change. The session row serialises an interview's writers (process-turn
-- and the realtime relay lock it first, then the interview), so of simultaneous answers to one
-- question only the first applies: the others find a newer last message and get 'conflict', or,
-- when they carry the client_turn_id of the answer that applied, 'replayed' with its first result.
-- An interview no longer in progress is 'not_active'. Everything else is written or, on any
-- error, nothing is.
--
-- Only the service role executes it: the evaluation and the next question come from the
-- backend's engine and must never be a client's to write. Identity is never an argument: the
-- caller's verified claims are in request.jwt.claims (db.on_behalf_of), and the interview must
-- be auth.uid()'s. System work without a user (claims of the service role, as the realtime
-- relay's) is trusted as the service.

create or replace function private.record_turn(
  p_interview_id uuid,
  p_question_sequence integer,           -- the outstanding question the answer binds to (the last message when read)
  p_client_turn_id text,                 -- the turn's idempotency key, if the client sent one
  p_answer_text text,
  p_answer_audio_path text,              -- a spoken answer's object in the audio bucket
  p_answer_audio_seconds numeric,
  p_answer_audio_metadata jsonb,
  p_response_time_seconds numeric,
  p_answer_metadata jsonb,               -- question id, topic, phase, source (candidate-readable)
  p_evaluation jsonb,                    -- the engine's evaluation (staff-only column)
  p_question_text text,                  -- the next question; null when the plan ended
  p_question_audio_path text,
  p_question_metadata jsonb,
  p_progression_state jsonb,             -- the session's engine state after this answer
  p_difficulty_level text,
  p_questions_asked integer,
  p_skill_boundaries jsonb,
  p_conversation_memory jsonb,
  p_tokens integer,                      -- language-model usage of the turn
  p_cost_usd numeric,
  p_speech_tokens integer,               -- speech (transcription, spoken question) usage
  p_speech_cost_usd numeric,
  p_model text,
  p_end_reason text                      -- set when the plan ended: the interview completes
) returns jsonb
language plpgsql security definer set search_path = '' as $$
declare
  v_candidate uuid;
  v_session uuid;
  v_last integer;
  v_answer jsonb;
  v_question jsonb;
begin
  select i.candidate_id into v_candidate from public.interviews i where i.id = p_interview_id;
  if v_candidate is null or (v_candidate is distinct from auth.uid() and auth.role() is distinct from 'service_role') then
    return jsonb_build_object('outcome', 'not_found');
  end if;

  select s.id into v_session from public.interview_sessions s where s.interview_id = p_interview_id for update;
  select max(m.sequence_number) into v_last from public.interview_messages m where m.interview_id = p_interview_id;
  if v_last is distinct from p_question_sequence then
    if p_client_turn_id is not null then
      select jsonb_build_object('answer', jsonb_build_object('id', a.id, 'sequence_number', a.sequence_number, 'text', a.content_text),
                                'question', (select to_jsonb(q) from (select m.id, m.sequence_number, m.message_type, m.content_text,
                                                   m.content_audio_url, m.audio_duration_seconds, m.response_time_seconds, m.metadata, m.created_at
                                              from public.interview_messages m
                                             where m.interview_id = p_interview_id and m.sequence_number = a.sequence_number + 1
                                               and m.message_type = 'ai_question') q),
                                'progression_state', (select s.progression_state from public.interview_sessions s where s.id = v_session))
        into v_answer
        from public.interview_messages a
       where a.interview_id = p_interview_id and a.client_turn_id = p_client_turn_id;
      if v_answer is not null then
        return v_answer || jsonb_build_object('outcome', 'replayed');
      end if;
    end if;
    return jsonb_build_object('outcome', 'conflict');
  end if;

  -- The one update of the interview: activity, usage and cost, and the completion (whose
  -- triggers queue scoring and move the application) when the plan ended.
  update public.interviews i
     set last_activity_at = now(),
         total_tokens_used = i.total_tokens_used + p_tokens,
         cost_usd = i.cost_usd + p_cost_usd,
         speech_tokens_used = i.speech_tokens_used + p_speech_tokens,
         speech_cost_usd = i.speech_cost_usd + p_speech_cost_usd,
         ai_model_used = coalesce(p_model, i.ai_model_used),
         status = case when p_end_reason is null then i.status else 'completed' end,
         completed_at = case when p_end_reason is null then i.completed_at else now() end,
         end_reason = coalesce(p_end_reason, i.end_reason),
         duration_seconds = case when p_end_reason is null then i.duration_seconds
                                 else greatest(0, extract(epoch from now() - coalesce(i.started_at, i.created_at)))::integer end
   where i.id = p_interview_id and i.status = 'in_progress';
  if not found then
    return jsonb_build_object('outcome', 'not_active');
  end if;

  insert into public.interview_messages (interview_id, session_id, sequence_number, message_type, content_text, content_audio_url,
                                         audio_duration_seconds, audio_metadata, response_time_seconds, client_turn_id, metadata, evaluation)
  values (p_interview_id, v_session, p_question_sequence + 1, 'candidate_response', p_answer_text, p_answer_audio_path,
          p_answer_audio_seconds, p_answer_audio_metadata, p_response_time_seconds, p_client_turn_id, p_answer_metadata, p_evaluation)
  returning jsonb_build_object('id', id, 'sequence_number', sequence_number, 'text', content_text) into v_answer;

  if p_question_text is not null then
    insert into public.interview_messages (interview_id, session_id, sequence_number, message_type, content_text, content_audio_url, metadata)
    values (p_interview_id, v_session, p_question_sequence + 2, 'ai_question', p_question_text, p_question_audio_path, p_question_metadata)
    returning jsonb_build_object('id', id, 'sequence_number', sequence_number, 'message_type', message_type, 'content_text', content_text,
                                 'content_audio_url', content_audio_url, 'audio_duration_seconds', audio_duration_seconds,
                                 'response_time_seconds', response_time_seconds, 'metadata', metadata, 'created_at', created_at)
      into v_question;
  end if;

  update public.interview_sessions
     set progression_state = p_progression_state, current_difficulty_level = p_difficulty_level, questions_asked_count = p_questions_asked,
         skill_boundaries_identified = p_skill_boundaries, conversation_memory = p_conversation_memory, last_activity_at = now()
   where id = v_session;

  return jsonb_build_object('outcome', 'applied', 'answer', v_answer, 'question', v_question);
end
$$;
comment on function private.record_turn(uuid, integer, text, text, text, numeric, jsonb, numeric, jsonb, jsonb, text, text, jsonb, jsonb, text,
  integer, jsonb, jsonb, integer, numeric, integer, numeric, text, text) is
  'Writes one interview turn (answer, next question, engine state, usage, completion) for the owner of the interview; service role only.';

revoke execute on function private.record_turn(uuid, integer, text, text, text, numeric, jsonb, numeric, jsonb, jsonb, text, text, jsonb, jsonb,
  text, integer, jsonb, jsonb, integer, numeric, integer, numeric, text, text) from public, anon, authenticated;
grant execute on function private.record_turn(uuid, integer, text, text, text, numeric, jsonb, numeric, jsonb, jsonb, text, text, jsonb, jsonb,
  text, integer, jsonb, jsonb, integer, numeric, integer, numeric, text, text) to service_role;
