ALTER TABLE "survey_texts" ADD COLUMN "signalled" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "surveys" ADD COLUMN "remind_at" timestamp with time zone;