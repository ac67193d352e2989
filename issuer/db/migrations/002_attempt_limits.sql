-- Recovery-code and operator log-in attempts per key and window, in the database so that
-- every process of the service counts against the same bound (issuer/store/attempts.ts):
-- several processes do not multiply the tries an attacker gets at a recovery code.
-- Keyed by a text key ('lost:<card>', 'lost-ip:<address>', 'op:<name>', 'op-ip:<address>'),
-- distributed by key on Citus (docs/issuer-scale.md).
CREATE TABLE attempt_limits (
  key          text PRIMARY KEY,
  window_start bigint NOT NULL,             -- ms since the epoch, start of the current window
  count        integer NOT NULL
);
CREATE INDEX attempt_limits_window ON attempt_limits (window_start);
