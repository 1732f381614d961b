-- Strata 0.1.0 offline migration script
-- dialect: sqlite
-- range: upgrade base:head

PRAGMA foreign_keys = OFF;
CREATE TABLE IF NOT EXISTS strata_version (version_num VARCHAR(64) NOT NULL PRIMARY KEY);
CREATE TABLE IF NOT EXISTS strata_history (
  id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
  revision VARCHAR(64) NOT NULL,
  direction VARCHAR(8) NOT NULL,
  applied_at TIMESTAMP TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
  duration_ms INTEGER,
  checksum VARCHAR(64),
  strata_version VARCHAR(32) NOT NULL
);

-- Running upgrade <base> -> 3c0a1f9e2b71: create users
BEGIN;
CREATE TABLE users (
  id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
  email VARCHAR(255) NOT NULL UNIQUE,
  name TEXT NOT NULL,
  is_active BOOLEAN NOT NULL DEFAULT 1,
  created_at TIMESTAMP TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
);
INSERT INTO strata_version (version_num) VALUES ('3c0a1f9e2b71');
INSERT INTO strata_history (revision, direction, duration_ms, checksum, strata_version) VALUES ('3c0a1f9e2b71', 'up', NULL, 'crc32:4ea41a27', '0.1.0');
COMMIT;

-- Running upgrade 3c0a1f9e2b71 -> 5e8d2a4c7f10: create conversations
BEGIN;
CREATE TABLE conversations (
  id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
  title VARCHAR(200) NOT NULL,
  created_by INTEGER REFERENCES users (id),
  created_at TIMESTAMP TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
);
UPDATE strata_version SET version_num = '5e8d2a4c7f10' WHERE version_num = '3c0a1f9e2b71';
INSERT INTO strata_history (revision, direction, duration_ms, checksum, strata_version) VALUES ('5e8d2a4c7f10', 'up', NULL, 'crc32:93d9c0ea', '0.1.0');
COMMIT;

-- Running upgrade 5e8d2a4c7f10 -> 7a41c9d05e36: create messages
BEGIN;
CREATE TABLE IF NOT EXISTS _strata_enums (name TEXT NOT NULL PRIMARY KEY, vals TEXT NOT NULL);
INSERT INTO _strata_enums (name, vals) VALUES ('message_role', '["user","assistant","system"]');
CREATE TABLE messages (
  id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
  conversation_id INTEGER NOT NULL,
  author_id INTEGER REFERENCES users (id),
  role TEXT NOT NULL DEFAULT 'user' CONSTRAINT "enum:message_role" CHECK (role IN ('user', 'assistant', 'system')),
  body TEXT NOT NULL,
  created_at TIMESTAMP TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE TABLE _strata_new_messages (
  id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
  conversation_id INTEGER NOT NULL,
  author_id INTEGER,
  role TEXT NOT NULL DEFAULT 'user' CONSTRAINT "enum:message_role" CHECK (role IN ('user', 'assistant', 'system')),
  body TEXT NOT NULL,
  created_at TIMESTAMP TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
  FOREIGN KEY (author_id) REFERENCES users (id),
  CONSTRAINT fk_messages_conversation FOREIGN KEY (conversation_id) REFERENCES conversations (id) ON DELETE CASCADE
);
INSERT INTO _strata_new_messages (id, conversation_id, author_id, role, body, created_at) SELECT id, conversation_id, author_id, role, body, created_at FROM messages;
DELETE FROM sqlite_sequence WHERE name = '_strata_new_messages';
INSERT INTO sqlite_sequence (name, seq) SELECT '_strata_new_messages', seq FROM sqlite_sequence WHERE name = 'messages';
DROP TABLE messages;
PRAGMA legacy_alter_table = ON;
ALTER TABLE _strata_new_messages RENAME TO messages;
PRAGMA legacy_alter_table = OFF;
CREATE TEMP TABLE IF NOT EXISTS _strata_fk_check (violations INTEGER CONSTRAINT "foreign_key_check found violations after a table rebuild" CHECK (violations = 0));
INSERT INTO temp._strata_fk_check (violations) SELECT count(*) FROM (SELECT 1 FROM pragma_foreign_key_check('messages'));
DROP TABLE temp._strata_fk_check;
CREATE INDEX ix_messages_conversation_created ON messages (conversation_id, created_at);
UPDATE strata_version SET version_num = '7a41c9d05e36' WHERE version_num = '5e8d2a4c7f10';
INSERT INTO strata_history (revision, direction, duration_ms, checksum, strata_version) VALUES ('7a41c9d05e36', 'up', NULL, 'crc32:007ef42b', '0.1.0');
COMMIT;

-- Running upgrade 7a41c9d05e36 -> 9b6e03f18c2d: add user bio
BEGIN;
ALTER TABLE users ADD COLUMN bio TEXT;
CREATE INDEX ix_users_name ON users (name);
UPDATE strata_version SET version_num = '9b6e03f18c2d' WHERE version_num = '7a41c9d05e36';
INSERT INTO strata_history (revision, direction, duration_ms, checksum, strata_version) VALUES ('9b6e03f18c2d', 'up', NULL, 'crc32:c99425d2', '0.1.0');
COMMIT;

-- Running upgrade 7a41c9d05e36 -> d14f8e2b6a95: add user status
BEGIN;
ALTER TABLE users ADD COLUMN status VARCHAR(16);
UPDATE users SET status = CASE WHEN is_active THEN 'active' ELSE 'inactive' END;
CREATE TABLE _strata_new_users (
  id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
  email VARCHAR(255) NOT NULL,
  name TEXT NOT NULL,
  is_active BOOLEAN NOT NULL DEFAULT 1,
  created_at TIMESTAMP TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
  bio TEXT,
  status VARCHAR(16) NOT NULL DEFAULT 'active',
  UNIQUE (email)
);
INSERT INTO _strata_new_users (id, email, name, is_active, created_at, bio, status) SELECT id, email, name, is_active, created_at, bio, status FROM users;
DELETE FROM sqlite_sequence WHERE name = '_strata_new_users';
INSERT INTO sqlite_sequence (name, seq) SELECT '_strata_new_users', seq FROM sqlite_sequence WHERE name = 'users';
DROP TABLE users;
PRAGMA legacy_alter_table = ON;
ALTER TABLE _strata_new_users RENAME TO users;
PRAGMA legacy_alter_table = OFF;
CREATE INDEX ix_users_name ON users (name);
CREATE TEMP TABLE IF NOT EXISTS _strata_fk_check (violations INTEGER CONSTRAINT "foreign_key_check found violations after a table rebuild" CHECK (violations = 0));
INSERT INTO temp._strata_fk_check (violations) SELECT count(*) FROM (SELECT 1 FROM pragma_foreign_key_check('users') UNION ALL SELECT 1 FROM pragma_foreign_key_check('conversations') UNION ALL SELECT 1 FROM pragma_foreign_key_check('messages'));
DROP TABLE temp._strata_fk_check;
INSERT INTO strata_version (version_num) VALUES ('d14f8e2b6a95');
INSERT INTO strata_history (revision, direction, duration_ms, checksum, strata_version) VALUES ('d14f8e2b6a95', 'up', NULL, 'crc32:f91217e1', '0.1.0');
COMMIT;

-- Running upgrade 9b6e03f18c2d, d14f8e2b6a95 -> 2f7c5d9a0b84: merge bio and status
BEGIN;
DELETE FROM strata_version WHERE version_num = '9b6e03f18c2d';
DELETE FROM strata_version WHERE version_num = 'd14f8e2b6a95';
INSERT INTO strata_version (version_num) VALUES ('2f7c5d9a0b84');
INSERT INTO strata_history (revision, direction, duration_ms, checksum, strata_version) VALUES ('2f7c5d9a0b84', 'up', NULL, 'crc32:ac530bb2', '0.1.0');
COMMIT;

-- Running upgrade 2f7c5d9a0b84 -> b85a7e1c4d20: seed system users and welcome conversation
BEGIN;
INSERT INTO users (email, name, is_active, status) VALUES ('system@chat.example', 'System', 1, 'active');
INSERT INTO users (email, name, is_active, status) VALUES ('help@chat.example', 'Helper bot', 1, 'active');
INSERT INTO conversations (title, created_by) SELECT 'Welcome', id FROM users WHERE email = 'system@chat.example';
INSERT INTO messages (conversation_id, author_id, body) SELECT c.id, u.id, 'Welcome to the chat!' FROM conversations c, users u WHERE c.title = 'Welcome' AND u.email = 'system@chat.example';
UPDATE messages SET role = 'system' WHERE body = 'Welcome to the chat!';
UPDATE strata_version SET version_num = 'b85a7e1c4d20' WHERE version_num = '2f7c5d9a0b84';
INSERT INTO strata_history (revision, direction, duration_ms, checksum, strata_version) VALUES ('b85a7e1c4d20', 'up', NULL, 'crc32:db4b7593', '0.1.0');
COMMIT;

-- Running upgrade b85a7e1c4d20 -> e3a90c6b1f57: import canned replies from JSON files
BEGIN;
CREATE TABLE canned_replies (
  slug VARCHAR(64) NOT NULL PRIMARY KEY,
  title TEXT NOT NULL,
  body TEXT NOT NULL
);
INSERT INTO canned_replies (slug, title, body) VALUES ('closing', 'Closing', 'Glad I could help. Have a good day!');
INSERT INTO canned_replies (slug, title, body) VALUES ('escalate', 'Escalate', 'I''m passing this to a colleague who can help further.');
INSERT INTO canned_replies (slug, title, body) VALUES ('greeting', 'Greeting', 'Hi! How can I help you today?');
UPDATE strata_version SET version_num = 'e3a90c6b1f57' WHERE version_num = 'b85a7e1c4d20';
INSERT INTO strata_history (revision, direction, duration_ms, checksum, strata_version) VALUES ('e3a90c6b1f57', 'up', NULL, 'crc32:eecb58b0', '0.1.0');
COMMIT;
