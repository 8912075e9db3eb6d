CREATE TABLE "dialogue_posts" (
	"question_id" uuid NOT NULL,
	"platform" text NOT NULL,
	"chat_external_id" text NOT NULL,
	"message_id" text NOT NULL,
	CONSTRAINT "dialogue_posts_platform_chat_external_id_message_id_pk" PRIMARY KEY("platform","chat_external_id","message_id")
);
--> statement-breakpoint
CREATE TABLE "dialogue_questions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"dialogue_id" integer NOT NULL,
	"number" smallint NOT NULL,
	"text" text NOT NULL,
	"hour" timestamp with time zone NOT NULL,
	"votes" integer DEFAULT 0 NOT NULL,
	"answer" text,
	"answered_by" integer,
	"answered_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "dialogue_salts" (
	"dialogue_id" integer PRIMARY KEY NOT NULL,
	"salt" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "dialogue_votes" (
	"dialogue_id" integer NOT NULL,
	"token" text NOT NULL,
	CONSTRAINT "dialogue_votes_dialogue_id_token_pk" PRIMARY KEY("dialogue_id","token")
);
--> statement-breakpoint
CREATE TABLE "dialogues" (
	"id" serial PRIMARY KEY NOT NULL,
	"unit_id" integer NOT NULL,
	"opened_by" integer,
	"locale" text NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"opened_at" timestamp with time zone NOT NULL,
	"closes_at" timestamp with time zone NOT NULL,
	"closed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "unit_actions" (
	"id" serial PRIMARY KEY NOT NULL,
	"unit_id" integer NOT NULL,
	"topic" text NOT NULL,
	"text" text NOT NULL,
	"created_by" integer,
	"created_at" timestamp with time zone NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"done_at" timestamp with time zone,
	"done_by" integer,
	"follow_up_at" timestamp with time zone,
	"follow_up_poll_id" integer
);
--> statement-breakpoint
ALTER TABLE "dialogue_posts" ADD CONSTRAINT "dialogue_posts_question_id_dialogue_questions_id_fk" FOREIGN KEY ("question_id") REFERENCES "public"."dialogue_questions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dialogue_questions" ADD CONSTRAINT "dialogue_questions_dialogue_id_dialogues_id_fk" FOREIGN KEY ("dialogue_id") REFERENCES "public"."dialogues"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dialogue_questions" ADD CONSTRAINT "dialogue_questions_answered_by_people_id_fk" FOREIGN KEY ("answered_by") REFERENCES "public"."people"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dialogue_salts" ADD CONSTRAINT "dialogue_salts_dialogue_id_dialogues_id_fk" FOREIGN KEY ("dialogue_id") REFERENCES "public"."dialogues"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dialogue_votes" ADD CONSTRAINT "dialogue_votes_dialogue_id_dialogues_id_fk" FOREIGN KEY ("dialogue_id") REFERENCES "public"."dialogues"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dialogues" ADD CONSTRAINT "dialogues_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dialogues" ADD CONSTRAINT "dialogues_opened_by_people_id_fk" FOREIGN KEY ("opened_by") REFERENCES "public"."people"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "unit_actions" ADD CONSTRAINT "unit_actions_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "unit_actions" ADD CONSTRAINT "unit_actions_created_by_people_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."people"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "unit_actions" ADD CONSTRAINT "unit_actions_done_by_people_id_fk" FOREIGN KEY ("done_by") REFERENCES "public"."people"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "dialogue_questions_number_uq" ON "dialogue_questions" USING btree ("dialogue_id","number");--> statement-breakpoint
CREATE INDEX "dialogues_status_closes_idx" ON "dialogues" USING btree ("status","closes_at");--> statement-breakpoint
CREATE INDEX "unit_actions_follow_up_idx" ON "unit_actions" USING btree ("follow_up_at");