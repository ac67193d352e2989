-- A restore onto a replacement card may need several authorisations: one per RESTORE
-- session (a chain replayed step by step), and a new one after a try the card counted but
-- that did not complete. Each names the target card's authorisation counter + 1, so each
-- works once on the card; the service keeps every one it issued, keyed by that counter,
-- and answers a retried request (same counter, same point) with the same document.
ALTER TABLE authorisations ADD COLUMN target_counter bigint NOT NULL DEFAULT 1;
ALTER TABLE authorisations DROP CONSTRAINT authorisations_pkey;
ALTER TABLE authorisations ADD PRIMARY KEY (source_card, target_card, target_counter);
