-- The issuer's schema (patent fig. 21). Same SQL on PGlite and PostgreSQL 15.
-- Tables keyed by card_number are the ones a distributed PostgreSQL (Citus) would
-- distribute by card_number; keys, operators and stop_list are reference tables
-- (docs/issuer-scale.md).

-- Root and epoch secret keys, sealed with AES-256-GCM under ISSUER_MASTER_KEY
-- (issuer/keys/sealed.ts); an HSM would keep sealed_secret inside it instead.
CREATE TABLE issuer_keys (
  id            text PRIMARY KEY,            -- 'root', 'epoch:<n>'
  kind          text NOT NULL CHECK (kind IN ('root', 'epoch')),
  epoch         integer,
  public_key    bytea NOT NULL,
  sealed_secret bytea NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE cards (
  card_number   text PRIMARY KEY,
  certificate   bytea NOT NULL,
  sign_key      bytea NOT NULL,              -- card Ed25519 public key, from the certificate
  state         text NOT NULL CHECK (state IN ('active', 'stopped', 'replaced')),
  replaces      text,                        -- the lost card this one replaced
  registered_at timestamptz,                 -- set when the holder registered (recovery code issued)
  created_at    timestamptz NOT NULL DEFAULT now()
);

-- One recovery code per registered card, as an scrypt hash: it alone reports the card lost.
CREATE TABLE recovery_codes (
  card_number text PRIMARY KEY REFERENCES cards,
  salt        bytea NOT NULL,
  hash        bytea NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);

-- Content-addressed, immutable backup bytes (hash = SHA-256 of bytes).
CREATE TABLE blobs (
  hash       bytea PRIMARY KEY,
  bytes      bytea NOT NULL,
  size       integer NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- One chain head per card, moved only by compare-and-swap on head_hash.
CREATE TABLE chain_heads (
  card_number text PRIMARY KEY REFERENCES cards,
  seq         integer NOT NULL,
  head_hash   bytea NOT NULL,
  bytes_used  bigint NOT NULL DEFAULT 0,    -- bytes of this card's backups (quota), moved with the head
  updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE backups (
  card_number text NOT NULL REFERENCES cards,
  seq         integer NOT NULL,
  header_hash bytea NOT NULL,
  blob_hash   bytea NOT NULL REFERENCES blobs,
  kind        text NOT NULL CHECK (kind IN ('full', 'diff')),
  backup_date bigint NOT NULL,
  stored_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (card_number, seq)
);
CREATE UNIQUE INDEX backups_header ON backups (card_number, header_hash);

-- Value: issued load tokens (+), receipted spends (-). A spend receipted after the
-- card's stop is the issuer's loss (after_stop), never value on any card.
CREATE TABLE ledger (
  id          bigserial PRIMARY KEY,
  card_number text NOT NULL REFERENCES cards,
  aid         text NOT NULL,                -- the application's AID, upper-case hex
  entry       text NOT NULL CHECK (entry IN ('load', 'spend')),
  amount      bigint NOT NULL CHECK (amount > 0),
  counter     bigint NOT NULL,              -- load counter the token sets, or spend counter of the receipt
  document    bytea NOT NULL,               -- the signed token or receipt
  after_stop  boolean NOT NULL DEFAULT false,
  reason      text NOT NULL DEFAULT '',     -- 'reissue:<lost card>' for a re-issued balance
  at          timestamptz NOT NULL DEFAULT now(),
  UNIQUE (card_number, aid, entry, counter)
);

-- The stop list: numbered, each entry signed by the epoch key (src/protocol/trust/stop-entry.ts).
CREATE TABLE stop_list (
  number      integer PRIMARY KEY,
  card_number text NOT NULL UNIQUE REFERENCES cards,
  stopped_at  bigint NOT NULL,
  entry       bytea NOT NULL,               -- the signed entry, as terminals receive it
  balance     bigint NOT NULL               -- ledger balance (all applications) at the stop
);

CREATE TABLE lost_reports (
  id          bigserial PRIMARY KEY,
  card_number text NOT NULL UNIQUE REFERENCES cards,
  reported_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE replacements (
  lost_card   text PRIMARY KEY REFERENCES cards,
  approved_by text NOT NULL,
  approved_at timestamptz NOT NULL DEFAULT now(),
  new_card    text UNIQUE,                  -- set when the blank card is personalised
  reissued    boolean NOT NULL DEFAULT false
);

-- Restore authorisations issued: one per (source, target), used once by the card.
CREATE TABLE authorisations (
  source_card text NOT NULL REFERENCES cards,
  target_card text NOT NULL,
  seq         integer NOT NULL,
  document    bytea NOT NULL,
  issued_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (source_card, target_card)
);

CREATE TABLE challenges (
  nonce      bytea PRIMARY KEY,
  expires_at bigint NOT NULL
);

CREATE TABLE sessions (
  token_hash  bytea PRIMARY KEY,
  card_number text NOT NULL REFERENCES cards,
  expires_at  bigint NOT NULL
);
CREATE INDEX sessions_card ON sessions (card_number);

CREATE TABLE operators (
  name       text PRIMARY KEY,
  salt       bytea NOT NULL,
  hash       bytea NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
