-- Media retention (issue 19.4): the daily retention-cleanup removes question audio (the TTS of
-- each AI question, in the audio bucket) of interviews finished more than 30 days ago, and
-- soft- then hard-deletes video recordings (their indexes exist since 20261125100800).
-- The sweep starts from the questions that still have audio: this partial index holds only
-- those (recent interviews, as older ones are cleared), so the daily scan stays small however
-- many interviews have ever been held; each hit is joined to its interview by primary key.
create index interview_messages_question_audio_idx on public.interview_messages (interview_id)
  where message_type = 'ai_question' and content_audio_url is not null;
