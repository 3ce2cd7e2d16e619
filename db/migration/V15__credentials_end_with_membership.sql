-- Sessions a user can end everywhere: each session remembers the epoch it signed in at; "sign out everywhere"
-- moves the user's epoch on, and older sessions end at their next request.
ALTER TABLE app_users ADD COLUMN session_epoch integer NOT NULL DEFAULT 0;

-- Remember-me tokens are kept as SHA-256 digests (hex) of the cookie's token, like API keys: a copy of the table no
-- longer signs anyone in. Tokens stored in clear before this are digested in place, so nobody is signed out.
UPDATE persistent_logins SET token = encode(sha256(convert_to(token, 'UTF8')), 'hex');
