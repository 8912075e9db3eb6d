CREATE TABLE "directive_acks" (
	"directive_id" integer NOT NULL,
	"person_id" integer NOT NULL,
	"unit_id" integer,
	"chat_id" integer,
	"at" timestamp with time zone NOT NULL,
	CONSTRAINT "directive_acks_directive_id_person_id_pk" PRIMARY KEY("directive_id","person_id")
);
--> statement-breakpoint
CREATE TABLE "directive_deliveries" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"directive_id" integer NOT NULL,
	"occurrence" timestamp with time zone NOT NULL,
	"chat_id" integer NOT NULL,
	"kind" text DEFAULT 'post' NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone NOT NULL,
	"last_error" text,
	"platform_message_id" text,
	"claimed_by" text,
	"claimed_at" timestamp with time zone,
	"sent_at" timestamp with time zone,
	"ack_shown" integer DEFAULT 0 NOT NULL,
	"ack_edited_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "directive_occurrences" (
	"directive_id" integer NOT NULL,
	"occurrence" timestamp with time zone NOT NULL,
	"status" text NOT NULL,
	"manual" boolean DEFAULT false NOT NULL,
	"remind_at" timestamp with time zone,
	"reminded_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "directive_occurrences_directive_id_occurrence_pk" PRIMARY KEY("directive_id","occurrence")
);
--> statement-breakpoint
CREATE TABLE "directives" (
	"id" serial PRIMARY KEY NOT NULL,
	"key" text NOT NULL,
	"title" text NOT NULL,
	"body" text NOT NULL,
	"source" text,
	"audience" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"schedule_kind" text NOT NULL,
	"at" timestamp with time zone,
	"cron" text,
	"starts_at" timestamp with time zone,
	"ends_at" timestamp with time zone,
	"ack" boolean DEFAULT false NOT NULL,
	"remind_after_seconds" integer,
	"remind_below" real DEFAULT 0.8 NOT NULL,
	"materialised_until" timestamp with time zone NOT NULL,
	"next_occurrence_at" timestamp with time zone,
	"cancelled_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "directive_acks" ADD CONSTRAINT "directive_acks_directive_id_directives_id_fk" FOREIGN KEY ("directive_id") REFERENCES "public"."directives"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "directive_acks" ADD CONSTRAINT "directive_acks_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "directive_acks" ADD CONSTRAINT "directive_acks_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "directive_acks" ADD CONSTRAINT "directive_acks_chat_id_chats_id_fk" FOREIGN KEY ("chat_id") REFERENCES "public"."chats"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "directive_deliveries" ADD CONSTRAINT "directive_deliveries_directive_id_directives_id_fk" FOREIGN KEY ("directive_id") REFERENCES "public"."directives"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "directive_deliveries" ADD CONSTRAINT "directive_deliveries_chat_id_chats_id_fk" FOREIGN KEY ("chat_id") REFERENCES "public"."chats"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "directive_occurrences" ADD CONSTRAINT "directive_occurrences_directive_id_directives_id_fk" FOREIGN KEY ("directive_id") REFERENCES "public"."directives"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "directive_acks_chat_idx" ON "directive_acks" USING btree ("directive_id","chat_id");--> statement-breakpoint
CREATE UNIQUE INDEX "directive_deliveries_key_uq" ON "directive_deliveries" USING btree ("directive_id","occurrence","chat_id","kind");--> statement-breakpoint
CREATE INDEX "directive_deliveries_due_idx" ON "directive_deliveries" USING btree ("next_attempt_at") WHERE "directive_deliveries"."status" in ('pending', 'sending');--> statement-breakpoint
CREATE INDEX "directive_deliveries_message_idx" ON "directive_deliveries" USING btree ("chat_id","platform_message_id");--> statement-breakpoint
CREATE INDEX "directive_occurrences_remind_idx" ON "directive_occurrences" USING btree ("remind_at") WHERE "directive_occurrences"."reminded_at" is null;--> statement-breakpoint
CREATE UNIQUE INDEX "directives_key_uq" ON "directives" USING btree ("key");--> statement-breakpoint
CREATE INDEX "directives_next_idx" ON "directives" USING btree ("next_occurrence_at") WHERE "directives"."cancelled_at" is null;