ALTER TABLE "survey_cells" ADD COLUMN "withheld" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "survey_templates" ADD COLUMN "bank_size" smallint;--> statement-breakpoint
ALTER TABLE "survey_templates" ADD COLUMN "cron" text;--> statement-breakpoint
ALTER TABLE "survey_templates" ADD COLUMN "audience" jsonb;--> statement-breakpoint
ALTER TABLE "survey_templates" ADD COLUMN "closes_after_minutes" integer;--> statement-breakpoint
ALTER TABLE "survey_templates" ADD COLUMN "next_run_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "survey_texts" ADD COLUMN "signalled" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "surveys" ADD COLUMN "remind_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "surveys" ADD COLUMN "occurrence" timestamp with time zone;--> statement-breakpoint
CREATE UNIQUE INDEX "surveys_template_occurrence_uq" ON "surveys" USING btree ("template_key","occurrence");--> statement-breakpoint
CREATE UNIQUE INDEX "surveys_template_bank_run_uq" ON "surveys" USING btree ("template_key","bank_run");