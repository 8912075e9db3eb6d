CREATE TABLE "report_request_schedules" (
	"id" serial PRIMARY KEY NOT NULL,
	"key" text NOT NULL,
	"title" text NOT NULL,
	"audience" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"template" text NOT NULL,
	"cron" text NOT NULL,
	"starts_at" timestamp with time zone,
	"ends_at" timestamp with time zone,
	"due_after_seconds" integer,
	"due_before_day" smallint,
	"active" boolean DEFAULT true NOT NULL,
	"next_run_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "report_request_units" (
	"request_id" integer NOT NULL,
	"unit_id" integer NOT NULL,
	"follow_up_step" smallint DEFAULT 0 NOT NULL,
	CONSTRAINT "report_request_units_request_id_unit_id_pk" PRIMARY KEY("request_id","unit_id")
);
--> statement-breakpoint
CREATE TABLE "report_requests" (
	"id" serial PRIMARY KEY NOT NULL,
	"schedule_id" integer,
	"occurrence_at" timestamp with time zone,
	"title" text NOT NULL,
	"scope_unit_id" integer NOT NULL,
	"template" text NOT NULL,
	"sections" jsonb NOT NULL,
	"deadline" timestamp with time zone NOT NULL,
	"created_by" integer,
	"created_at" timestamp with time zone NOT NULL,
	"compiled_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "report_submissions" (
	"id" serial PRIMARY KEY NOT NULL,
	"request_id" integer NOT NULL,
	"unit_id" integer NOT NULL,
	"status" text NOT NULL,
	"answers" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"author_id" integer NOT NULL,
	"editor_id" integer,
	"editing_section" text,
	"signed_by" integer,
	"submitted_at" timestamp with time zone,
	"late" boolean DEFAULT false NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "report_request_units" ADD CONSTRAINT "report_request_units_request_id_report_requests_id_fk" FOREIGN KEY ("request_id") REFERENCES "public"."report_requests"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_request_units" ADD CONSTRAINT "report_request_units_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_requests" ADD CONSTRAINT "report_requests_schedule_id_report_request_schedules_id_fk" FOREIGN KEY ("schedule_id") REFERENCES "public"."report_request_schedules"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_requests" ADD CONSTRAINT "report_requests_scope_unit_id_units_id_fk" FOREIGN KEY ("scope_unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_requests" ADD CONSTRAINT "report_requests_created_by_people_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_submissions" ADD CONSTRAINT "report_submissions_request_id_report_requests_id_fk" FOREIGN KEY ("request_id") REFERENCES "public"."report_requests"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_submissions" ADD CONSTRAINT "report_submissions_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_submissions" ADD CONSTRAINT "report_submissions_author_id_people_id_fk" FOREIGN KEY ("author_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_submissions" ADD CONSTRAINT "report_submissions_editor_id_people_id_fk" FOREIGN KEY ("editor_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_submissions" ADD CONSTRAINT "report_submissions_signed_by_people_id_fk" FOREIGN KEY ("signed_by") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "report_request_schedules_key_uq" ON "report_request_schedules" USING btree ("key");--> statement-breakpoint
CREATE UNIQUE INDEX "report_requests_occurrence_uq" ON "report_requests" USING btree ("schedule_id","occurrence_at");--> statement-breakpoint
CREATE INDEX "report_requests_deadline_idx" ON "report_requests" USING btree ("deadline") WHERE "report_requests"."compiled_at" is null;--> statement-breakpoint
CREATE UNIQUE INDEX "report_submissions_unit_uq" ON "report_submissions" USING btree ("request_id","unit_id");--> statement-breakpoint
CREATE INDEX "report_submissions_editor_idx" ON "report_submissions" USING btree ("editor_id") WHERE "report_submissions"."editing_section" is not null;