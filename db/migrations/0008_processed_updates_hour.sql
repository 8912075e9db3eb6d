-- Exact claim times of webhook updates sat one transaction before the feedback rows they carried: keep the hour only.
UPDATE "processed_updates" SET "at" = date_trunc('hour', "at" at time zone 'UTC') at time zone 'UTC';--> statement-breakpoint
ALTER TABLE "processed_updates" ADD CONSTRAINT "processed_updates_at_hour" CHECK ("processed_updates"."at" = date_trunc('hour', "processed_updates"."at" at time zone 'UTC') at time zone 'UTC');
