CREATE TABLE "platform_tokens" (
	"platform" text NOT NULL,
	"account" text NOT NULL,
	"access_token" text,
	"refresh_token" text NOT NULL,
	"expires_at" timestamp with time zone,
	"renewals" integer DEFAULT 0 NOT NULL,
	"quota_month" text,
	"quota_refusals" integer DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "platform_tokens_account_uq" ON "platform_tokens" USING btree ("platform","account");