CREATE TABLE "survey_cells" (
	"survey_id" integer NOT NULL,
	"question" smallint NOT NULL,
	"unit_id" integer NOT NULL,
	"n" integer DEFAULT 0 NOT NULL,
	"counts" integer[] NOT NULL,
	CONSTRAINT "survey_cells_survey_id_question_unit_id_pk" PRIMARY KEY("survey_id","question","unit_id")
);
--> statement-breakpoint
CREATE TABLE "survey_holders" (
	"survey_id" integer NOT NULL,
	"process_id" text NOT NULL,
	"held" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "survey_holders_survey_id_process_id_pk" PRIMARY KEY("survey_id","process_id")
);
--> statement-breakpoint
CREATE TABLE "survey_progress" (
	"survey_id" integer NOT NULL,
	"person_id" integer NOT NULL,
	"unit_id" integer NOT NULL,
	"question" smallint DEFAULT 0 NOT NULL,
	"floor" smallint DEFAULT 0 NOT NULL,
	"holder" text,
	"finished" boolean DEFAULT false NOT NULL,
	CONSTRAINT "survey_progress_survey_id_person_id_pk" PRIMARY KEY("survey_id","person_id")
);
--> statement-breakpoint
CREATE TABLE "survey_templates" (
	"key" text PRIMARY KEY NOT NULL,
	"title" text NOT NULL,
	"questions" jsonb NOT NULL,
	"min_answers" smallint NOT NULL,
	"min_texts" smallint NOT NULL,
	"active" boolean DEFAULT true NOT NULL
);
--> statement-breakpoint
CREATE TABLE "survey_texts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"survey_id" integer NOT NULL,
	"question" smallint NOT NULL,
	"unit_id" integer NOT NULL,
	"hour" timestamp with time zone NOT NULL,
	"text" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "survey_units" (
	"survey_id" integer NOT NULL,
	"unit_id" integer NOT NULL,
	"finished" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "survey_units_survey_id_unit_id_pk" PRIMARY KEY("survey_id","unit_id")
);
--> statement-breakpoint
CREATE TABLE "surveys" (
	"id" serial PRIMARY KEY NOT NULL,
	"template_key" text,
	"bank_run" integer,
	"title" text NOT NULL,
	"questions" jsonb NOT NULL,
	"audience" jsonb NOT NULL,
	"role_watermark" integer,
	"status" text DEFAULT 'open' NOT NULL,
	"min_answers" smallint NOT NULL,
	"min_texts" smallint NOT NULL,
	"closes_at" timestamp with time zone NOT NULL,
	"closed_at" timestamp with time zone,
	"lost_ballots" integer DEFAULT 0 NOT NULL,
	"created_by" integer
);
--> statement-breakpoint
ALTER TABLE "survey_cells" ADD CONSTRAINT "survey_cells_survey_id_surveys_id_fk" FOREIGN KEY ("survey_id") REFERENCES "public"."surveys"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "survey_cells" ADD CONSTRAINT "survey_cells_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "survey_holders" ADD CONSTRAINT "survey_holders_survey_id_surveys_id_fk" FOREIGN KEY ("survey_id") REFERENCES "public"."surveys"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "survey_progress" ADD CONSTRAINT "survey_progress_survey_id_surveys_id_fk" FOREIGN KEY ("survey_id") REFERENCES "public"."surveys"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "survey_progress" ADD CONSTRAINT "survey_progress_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "survey_progress" ADD CONSTRAINT "survey_progress_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "survey_texts" ADD CONSTRAINT "survey_texts_survey_id_surveys_id_fk" FOREIGN KEY ("survey_id") REFERENCES "public"."surveys"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "survey_texts" ADD CONSTRAINT "survey_texts_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "survey_units" ADD CONSTRAINT "survey_units_survey_id_surveys_id_fk" FOREIGN KEY ("survey_id") REFERENCES "public"."surveys"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "survey_units" ADD CONSTRAINT "survey_units_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "surveys" ADD CONSTRAINT "surveys_created_by_people_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."people"("id") ON DELETE set null ON UPDATE no action;