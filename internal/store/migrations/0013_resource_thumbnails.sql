-- Thumbnails of uploaded resources: a small JPEG of a picture, or of a
-- PDF's first page, made by a background job after the upload and kept in
-- blob storage by content like the file itself. Empty until the job has
-- made one, and for files that have none (sound, video, Office files, a
-- broken PDF, a picture too large to decode). A thumbnail is a stored
-- file like any other, so the check before a file is deleted asks this
-- column too (store.BlobReferenced), through the index below.
ALTER TABLE resources ADD COLUMN thumb_key TEXT NOT NULL DEFAULT '';
CREATE INDEX resources_thumb ON resources (thumb_key) WHERE thumb_key <> '';

-- Pictures and PDFs uploaded before this migration get their thumbnails
-- from the same background job as new uploads (service.JobResourceThumbnail),
-- due at once (run_at is the upload's time, already past).
INSERT INTO jobs (kind, payload, run_at, max_attempts, created_at)
SELECT 'resource.thumbnail', '{"resource_id":' || CAST(id AS TEXT) || '}', created_at, 3, created_at
FROM resources
WHERE kind = 'file' AND blob_key <> '' AND content_type IN ('image/jpeg', 'image/png', 'image/gif', 'image/webp', 'application/pdf');
