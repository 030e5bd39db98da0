-- One stored file (a content address) may back a resource, a discussion
-- attachment, an interview recording and an avatar at once: the same PDF
-- is often uploaded to a topic and to the resource library. Before a file
-- is deleted every table that names it is asked, through these indexes.
CREATE INDEX attachments_blob ON attachments (blob_key);
CREATE INDEX interview_records_audio ON interview_records (audio_key) WHERE audio_key <> '';
CREATE INDEX users_avatar ON users (avatar_key) WHERE avatar_key <> '';
