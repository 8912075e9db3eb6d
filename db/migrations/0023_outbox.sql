CREATE TABLE "outbox" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"key" text NOT NULL,
	"kind" text NOT NULL,
	"platform" text NOT NULL,
	"target" text NOT NULL,
	"external_id" text NOT NULL,
	"op" text DEFAULT 'send' NOT NULL,
	"message_id" text,
	"payload" jsonb NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"not_before" timestamp with time zone NOT NULL,
	"claimed_at" timestamp with time zone,
	"sent_chat_id" text,
	"sent_message_id" text,
	CONSTRAINT "outbox_key_unique" UNIQUE("key")
);
--> statement-breakpoint
CREATE INDEX "outbox_due_idx" ON "outbox" USING btree ("not_before") WHERE "outbox"."status" in ('pending', 'sending');--> statement-breakpoint
CREATE INDEX "outbox_kind_status_idx" ON "outbox" USING btree ("kind","status");