-- Strata 0.1.0 offline migration script
-- dialect: sqlite
-- range: downgrade head:base

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

-- Running downgrade e3a90c6b1f57 -> b85a7e1c4d20: import canned replies from JSON files
BEGIN;
DROP TABLE canned_replies;
UPDATE strata_version SET version_num = 'b85a7e1c4d20' WHERE version_num = 'e3a90c6b1f57';
INSERT INTO strata_history (revision, direction, duration_ms, checksum, strata_version) VALUES ('e3a90c6b1f57', 'down', NULL, 'crc32:eecb58b0', '0.1.0');
COMMIT;

-- Running downgrade b85a7e1c4d20 -> 2f7c5d9a0b84: seed system users and welcome conversation
BEGIN;
DELETE FROM messages WHERE conversation_id IN (SELECT id FROM conversations WHERE title = 'Welcome');
DELETE FROM conversations WHERE title = 'Welcome';
DELETE FROM users WHERE email IN ('system@chat.example', 'help@chat.example');
UPDATE strata_version SET version_num = '2f7c5d9a0b84' WHERE version_num = 'b85a7e1c4d20';
INSERT INTO strata_history (revision, direction, duration_ms, checksum, strata_version) VALUES ('b85a7e1c4d20', 'down', NULL, 'crc32:db4b7593', '0.1.0');
COMMIT;

-- Running downgrade 2f7c5d9a0b84 -> 9b6e03f18c2d, d14f8e2b6a95: merge bio and status
BEGIN;
DELETE FROM strata_version WHERE version_num = '2f7c5d9a0b84';
INSERT INTO strata_version (version_num) VALUES ('9b6e03f18c2d');
INSERT INTO strata_version (version_num) VALUES ('d14f8e2b6a95');
INSERT INTO strata_history (revision, direction, duration_ms, checksum, strata_version) VALUES ('2f7c5d9a0b84', 'down', NULL, 'crc32:ac530bb2', '0.1.0');
COMMIT;

-- Running downgrade d14f8e2b6a95 -> 7a41c9d05e36: add user status
BEGIN;
ALTER TABLE users DROP COLUMN status;
DELETE FROM strata_version WHERE version_num = 'd14f8e2b6a95';
INSERT INTO strata_history (revision, direction, duration_ms, checksum, strata_version) VALUES ('d14f8e2b6a95', 'down', NULL, 'crc32:f91217e1', '0.1.0');
COMMIT;

-- Running downgrade 9b6e03f18c2d -> 7a41c9d05e36: add user bio
BEGIN;
DROP INDEX ix_users_name;
ALTER TABLE users DROP COLUMN bio;
UPDATE strata_version SET version_num = '7a41c9d05e36' WHERE version_num = '9b6e03f18c2d';
INSERT INTO strata_history (revision, direction, duration_ms, checksum, strata_version) VALUES ('9b6e03f18c2d', 'down', NULL, 'crc32:c99425d2', '0.1.0');
COMMIT;

-- Running downgrade 7a41c9d05e36 -> 5e8d2a4c7f10: create messages
BEGIN;
DROP TABLE messages;
CREATE TABLE IF NOT EXISTS _strata_enums (name TEXT NOT NULL PRIMARY KEY, vals TEXT NOT NULL);
DELETE FROM _strata_enums WHERE name = 'message_role';
UPDATE strata_version SET version_num = '5e8d2a4c7f10' WHERE version_num = '7a41c9d05e36';
INSERT INTO strata_history (revision, direction, duration_ms, checksum, strata_version) VALUES ('7a41c9d05e36', 'down', NULL, 'crc32:007ef42b', '0.1.0');
COMMIT;

-- Running downgrade 5e8d2a4c7f10 -> 3c0a1f9e2b71: create conversations
BEGIN;
DROP TABLE conversations;
UPDATE strata_version SET version_num = '3c0a1f9e2b71' WHERE version_num = '5e8d2a4c7f10';
INSERT INTO strata_history (revision, direction, duration_ms, checksum, strata_version) VALUES ('5e8d2a4c7f10', 'down', NULL, 'crc32:93d9c0ea', '0.1.0');
COMMIT;

-- Running downgrade 3c0a1f9e2b71 -> <base>: create users
BEGIN;
DROP TABLE users;
DELETE FROM strata_version WHERE version_num = '3c0a1f9e2b71';
INSERT INTO strata_history (revision, direction, duration_ms, checksum, strata_version) VALUES ('3c0a1f9e2b71', 'down', NULL, 'crc32:4ea41a27', '0.1.0');
COMMIT;
