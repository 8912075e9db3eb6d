CREATE TABLE "audit_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"actor_person_id" integer,
	"platform" text NOT NULL,
	"command" text NOT NULL,
	"args" text NOT NULL,
	"result" text NOT NULL,
	"detail" text
);
--> statement-breakpoint
CREATE TABLE "chat_members" (
	"chat_id" integer NOT NULL,
	"person_id" integer NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	CONSTRAINT "chat_members_chat_id_person_id_pk" PRIMARY KEY("chat_id","person_id")
);
--> statement-breakpoint
CREATE TABLE "chats" (
	"id" serial PRIMARY KEY NOT NULL,
	"platform" text NOT NULL,
	"external_id" text NOT NULL,
	"title" text,
	"unit_id" integer,
	"invite_token" text NOT NULL,
	"bound_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "identities" (
	"id" serial PRIMARY KEY NOT NULL,
	"person_id" integer NOT NULL,
	"platform" text NOT NULL,
	"external_id" text NOT NULL,
	"username" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "people" (
	"id" serial PRIMARY KEY NOT NULL,
	"display_name" text NOT NULL,
	"scenario_key" text,
	"locale" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "processed_updates" (
	"platform" text NOT NULL,
	"update_key" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	CONSTRAINT "processed_updates_platform_update_key_pk" PRIMARY KEY("platform","update_key")
);
--> statement-breakpoint
CREATE TABLE "roles" (
	"id" serial PRIMARY KEY NOT NULL,
	"person_id" integer NOT NULL,
	"unit_id" integer,
	"role" text NOT NULL,
	"source" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sandbox_messages" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"chat_key" text NOT NULL,
	"sender_key" text NOT NULL,
	"text" text NOT NULL,
	"buttons" jsonb,
	"visible_to" text,
	"created_at" timestamp with time zone NOT NULL,
	"edited_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "units" (
	"id" serial PRIMARY KEY NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"parent_id" integer,
	"path" text NOT NULL,
	"depth" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "audit_log" ADD CONSTRAINT "audit_log_actor_person_id_people_id_fk" FOREIGN KEY ("actor_person_id") REFERENCES "public"."people"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "chat_members" ADD CONSTRAINT "chat_members_chat_id_chats_id_fk" FOREIGN KEY ("chat_id") REFERENCES "public"."chats"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "chat_members" ADD CONSTRAINT "chat_members_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "chats" ADD CONSTRAINT "chats_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "identities" ADD CONSTRAINT "identities_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "roles" ADD CONSTRAINT "roles_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "roles" ADD CONSTRAINT "roles_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "units" ADD CONSTRAINT "units_parent_id_units_id_fk" FOREIGN KEY ("parent_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "audit_log_at_idx" ON "audit_log" USING btree ("at");--> statement-breakpoint
CREATE INDEX "chat_members_person_idx" ON "chat_members" USING btree ("person_id");--> statement-breakpoint
CREATE UNIQUE INDEX "chats_platform_external_uq" ON "chats" USING btree ("platform","external_id");--> statement-breakpoint
CREATE UNIQUE INDEX "chats_invite_token_uq" ON "chats" USING btree ("invite_token");--> statement-breakpoint
CREATE INDEX "chats_unit_idx" ON "chats" USING btree ("unit_id");--> statement-breakpoint
CREATE UNIQUE INDEX "identities_platform_external_uq" ON "identities" USING btree ("platform","external_id");--> statement-breakpoint
CREATE INDEX "identities_username_idx" ON "identities" USING btree ("platform","username");--> statement-breakpoint
CREATE INDEX "identities_person_idx" ON "identities" USING btree ("person_id");--> statement-breakpoint
CREATE UNIQUE INDEX "people_scenario_key_uq" ON "people" USING btree ("scenario_key");--> statement-breakpoint
CREATE INDEX "processed_updates_at_idx" ON "processed_updates" USING btree ("at");--> statement-breakpoint
CREATE UNIQUE INDEX "roles_person_unit_role_uq" ON "roles" USING btree ("person_id","unit_id","role") WHERE "roles"."unit_id" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "roles_person_global_role_uq" ON "roles" USING btree ("person_id","role") WHERE "roles"."unit_id" is null;--> statement-breakpoint
CREATE INDEX "roles_unit_idx" ON "roles" USING btree ("unit_id");--> statement-breakpoint
CREATE INDEX "sandbox_messages_chat_idx" ON "sandbox_messages" USING btree ("chat_key","id");--> statement-breakpoint
CREATE UNIQUE INDEX "units_code_uq" ON "units" USING btree ("code");--> statement-breakpoint
CREATE INDEX "units_path_idx" ON "units" USING btree ("path");