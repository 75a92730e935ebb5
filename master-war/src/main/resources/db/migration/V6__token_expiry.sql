-- API tokens made through the API expire (Tokens.DEFAULT_LIFETIME unless asked otherwise); NULL is
-- a token that does not. Tokens made before this version keep not expiring.
ALTER TABLE api_tokens ADD COLUMN expires_at TIMESTAMP(6) WITH TIME ZONE;
