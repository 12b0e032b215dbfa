"""The Storage buckets (each created, with its policies, by a migration) and how long a signed link
to a resume lives. One place for their names, which services, jobs and the retention and privacy
sweeps all use."""

RESUMES = "resumes"
AUDIO = "audio"  # interview question audio and spoken answers
RECORDINGS = "interview-recordings"  # consented screen/video recordings of interviews

RESUME_LINK_SECONDS = 300  # a signed download link to a resume
