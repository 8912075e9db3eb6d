CREATE TABLE "report_runs" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"schedule_id" integer NOT NULL,
	"occurrence" timestamp with time zone NOT NULL,
	"unit_id" integer NOT NULL,
	"person_id" integer NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" smallint DEFAULT 0 NOT NULL,
	"claimed_at" timestamp with time zone,
	"sent_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "report_schedules" (
	"id" serial PRIMARY KEY NOT NULL,
	"key" text NOT NULL,
	"cron" text NOT NULL,
	"unit_code" text,
	"each_child_of" text,
	"recipients" text NOT NULL,
	"period" text NOT NULL,
	"format" text NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"next_run_at" timestamp with time zone,
	CONSTRAINT "report_schedules_key_unique" UNIQUE("key")
);
--> statement-breakpoint
ALTER TABLE "report_runs" ADD CONSTRAINT "report_runs_schedule_id_report_schedules_id_fk" FOREIGN KEY ("schedule_id") REFERENCES "public"."report_schedules"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_runs" ADD CONSTRAINT "report_runs_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_runs" ADD CONSTRAINT "report_runs_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "report_runs_key_uq" ON "report_runs" USING btree ("schedule_id","occurrence","unit_id","person_id");--> statement-breakpoint
CREATE INDEX "report_runs_pending_idx" ON "report_runs" USING btree ("id") WHERE "report_runs"."status" in ('pending', 'sending');--> statement-breakpoint
CREATE INDEX "directive_deliveries_occurrence_idx" ON "directive_deliveries" USING btree ("occurrence");--> statement-breakpoint
CREATE INDEX "feedback_hour_idx" ON "feedback" USING btree ("hour");--> statement-breakpoint
CREATE INDEX "polls_created_idx" ON "polls" USING btree ("created_at");