-- An operator may withdraw a restore authorisation the replacement card has not used
-- (issuer/store/authorisations.ts): the row stays (what was issued is never forgotten),
-- marked with who withdrew it, when and why; the service then refuses its counter.
ALTER TABLE authorisations ADD COLUMN withdrawn_at timestamptz;
ALTER TABLE authorisations ADD COLUMN withdrawn_by text;
ALTER TABLE authorisations ADD COLUMN withdraw_reason text;
