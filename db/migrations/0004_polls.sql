CREATE TABLE "feedback" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"unit_id" integer NOT NULL,
	"text" text NOT NULL,
	"hour" timestamp with time zone NOT NULL,
	"relayed" boolean DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE TABLE "feedback_reply_handles" (
	"feedback_id" uuid PRIMARY KEY NOT NULL,
	"sealed" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "poll_comment_invites" (
	"poll_id" integer NOT NULL,
	"person_id" integer NOT NULL,
	CONSTRAINT "poll_comment_invites_poll_id_person_id_pk" PRIMARY KEY("poll_id","person_id")
);
--> statement-breakpoint
CREATE TABLE "poll_comments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"poll_id" integer NOT NULL,
	"unit_id" integer NOT NULL,
	"text" text NOT NULL,
	"hour" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "poll_deliveries" (
	"id" serial PRIMARY KEY NOT NULL,
	"poll_id" integer NOT NULL,
	"purpose" text NOT NULL,
	"platform" text NOT NULL,
	"chat_external_id" text NOT NULL,
	"chat_kind" text NOT NULL,
	"unit_id" integer,
	"locale" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"claimed_at" timestamp with time zone,
	"attempts" smallint DEFAULT 0 NOT NULL,
	"message_id" text,
	"shown_count" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "poll_participation" (
	"poll_id" integer NOT NULL,
	"person_id" integer NOT NULL,
	CONSTRAINT "poll_participation_poll_id_person_id_pk" PRIMARY KEY("poll_id","person_id")
);
--> statement-breakpoint
CREATE TABLE "poll_series" (
	"id" serial PRIMARY KEY NOT NULL,
	"key" text NOT NULL,
	"question" text NOT NULL,
	"kind" text NOT NULL,
	"options" jsonb NOT NULL,
	"audience" jsonb NOT NULL,
	"dm" boolean DEFAULT false NOT NULL,
	"comments" boolean DEFAULT false NOT NULL,
	"cron" text NOT NULL,
	"closes_after_minutes" integer NOT NULL,
	"min_answers" smallint NOT NULL,
	"min_comments" smallint NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"next_run_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "poll_series_key_unique" UNIQUE("key")
);
--> statement-breakpoint
CREATE TABLE "poll_tallies" (
	"poll_id" integer NOT NULL,
	"unit_id" integer NOT NULL,
	"counts" integer[] NOT NULL,
	"accepting" boolean DEFAULT true NOT NULL,
	CONSTRAINT "poll_tallies_poll_id_unit_id_pk" PRIMARY KEY("poll_id","unit_id")
);
--> statement-breakpoint
CREATE TABLE "poll_units" (
	"poll_id" integer NOT NULL,
	"unit_id" integer NOT NULL,
	"members" integer NOT NULL,
	CONSTRAINT "poll_units_poll_id_unit_id_pk" PRIMARY KEY("poll_id","unit_id")
);
--> statement-breakpoint
CREATE TABLE "polls" (
	"id" serial PRIMARY KEY NOT NULL,
	"question" text NOT NULL,
	"kind" text NOT NULL,
	"options" jsonb NOT NULL,
	"audience" jsonb NOT NULL,
	"dm" boolean NOT NULL,
	"comments" boolean NOT NULL,
	"min_answers" smallint NOT NULL,
	"min_comments" smallint NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"creator_person_id" integer,
	"series_id" integer,
	"occurrence" timestamp with time zone,
	"locale" text NOT NULL,
	"audience_size" integer NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"closes_at" timestamp with time zone NOT NULL,
	"remind_at" timestamp with time zone,
	"closed_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "feedback" ADD CONSTRAINT "feedback_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "feedback_reply_handles" ADD CONSTRAINT "feedback_reply_handles_feedback_id_feedback_id_fk" FOREIGN KEY ("feedback_id") REFERENCES "public"."feedback"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "poll_comment_invites" ADD CONSTRAINT "poll_comment_invites_poll_id_polls_id_fk" FOREIGN KEY ("poll_id") REFERENCES "public"."polls"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "poll_comment_invites" ADD CONSTRAINT "poll_comment_invites_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "poll_comments" ADD CONSTRAINT "poll_comments_poll_id_polls_id_fk" FOREIGN KEY ("poll_id") REFERENCES "public"."polls"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "poll_comments" ADD CONSTRAINT "poll_comments_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "poll_deliveries" ADD CONSTRAINT "poll_deliveries_poll_id_polls_id_fk" FOREIGN KEY ("poll_id") REFERENCES "public"."polls"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "poll_deliveries" ADD CONSTRAINT "poll_deliveries_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "poll_participation" ADD CONSTRAINT "poll_participation_poll_id_polls_id_fk" FOREIGN KEY ("poll_id") REFERENCES "public"."polls"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "poll_participation" ADD CONSTRAINT "poll_participation_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "poll_tallies" ADD CONSTRAINT "poll_tallies_poll_id_polls_id_fk" FOREIGN KEY ("poll_id") REFERENCES "public"."polls"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "poll_tallies" ADD CONSTRAINT "poll_tallies_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "poll_units" ADD CONSTRAINT "poll_units_poll_id_polls_id_fk" FOREIGN KEY ("poll_id") REFERENCES "public"."polls"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "poll_units" ADD CONSTRAINT "poll_units_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "polls" ADD CONSTRAINT "polls_creator_person_id_people_id_fk" FOREIGN KEY ("creator_person_id") REFERENCES "public"."people"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "polls" ADD CONSTRAINT "polls_series_id_poll_series_id_fk" FOREIGN KEY ("series_id") REFERENCES "public"."poll_series"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "feedback_unrelayed_idx" ON "feedback" USING btree ("relayed","hour");--> statement-breakpoint
CREATE INDEX "poll_comment_invites_person_idx" ON "poll_comment_invites" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "poll_comments_poll_idx" ON "poll_comments" USING btree ("poll_id");--> statement-breakpoint
CREATE UNIQUE INDEX "poll_deliveries_target_uq" ON "poll_deliveries" USING btree ("poll_id","purpose","platform","chat_external_id");--> statement-breakpoint
CREATE INDEX "poll_deliveries_pending_idx" ON "poll_deliveries" USING btree ("status") WHERE "poll_deliveries"."status" in ('pending', 'sending');--> statement-breakpoint
CREATE UNIQUE INDEX "polls_series_occurrence_uq" ON "polls" USING btree ("series_id","occurrence");--> statement-breakpoint
CREATE INDEX "polls_status_closes_idx" ON "polls" USING btree ("status","closes_at");