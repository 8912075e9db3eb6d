CREATE TABLE "link_codes" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"person_id" integer NOT NULL,
	"issued_on" text NOT NULL,
	"code_hash" text NOT NULL,
	"claimed_identity_id" integer,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "numbered_prompts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"platform" text NOT NULL,
	"chat_external_id" text NOT NULL,
	"message_id" text NOT NULL,
	"options" jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "link_codes" ADD CONSTRAINT "link_codes_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "link_codes" ADD CONSTRAINT "link_codes_claimed_identity_id_identities_id_fk" FOREIGN KEY ("claimed_identity_id") REFERENCES "public"."identities"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "link_codes_hash_uq" ON "link_codes" USING btree ("code_hash");--> statement-breakpoint
CREATE INDEX "link_codes_person_idx" ON "link_codes" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "numbered_prompts_chat_idx" ON "numbered_prompts" USING btree ("platform","chat_external_id","id");