/**
 * What a restore will undo, worked out before the PIN is asked: per application, the
 * card now against the chosen point (values, records, other data) and what the card will
 * hold right after. Pure: the card reading, the point's notes and the timeline go in.
 * Version 2 (docs/trust.md "Value"): value lives outside the backed-up memory, so the
 * value after a restore is the value of the card in the reader now: the same card keeps
 * its balance (nothing created, nothing lost), another card keeps its own value (the
 * issuer re-issues the lost card's balance by load token). The backup's value never comes back.
 */
import type { CardReading } from '../../host/card-read.ts';
import type { AppPreview, RestoreBlock, RestorePreview, RestoreTarget } from '../model.ts';
import type { AppNote, BackupNote } from './notes.ts';

/** Fingerprint of an application's data other than its value. */
export const dataOf = (fields: readonly { id: string; value: string }[]): string => JSON.stringify(fields.filter((f) => f.id !== 'lastUse'));

export function noteState(card: CardReading): AppNote[] {
  return card.apps.map((a) => ({ kind: a.kind, value: a.value, records: a.records, data: dataOf(a.fields) }));
}

export interface PreviewInput {
  card: CardReading;
  sourceCard: string;
  seq: number;
  note: BackupNote;
  /** The pages each backup of the source card after `seq` carried. */
  laterPages: readonly (readonly number[])[];
  /** Whether the issuer can authorise a restore onto another card. */
  issuerLinked: boolean;
}

export function previewRestore(i: PreviewInput): RestorePreview {
  const same = i.card.cardNumber === i.sourceCard;
  // Pages that differ from the point: every page a later backup carried, and (same card) every page changed since the last backup.
  const changed = new Set<number>(i.laterPages.flat());
  if (same) for (const p of i.card.memory.changedPages) changed.add(p);
  const pagesOf = (kind: string) => [...changed].filter((p) => i.card.memory.owners[p] === kind).length;
  const target: RestoreTarget = same ? 'same' : 'other';
  const blocked: Partial<Record<RestoreTarget, RestoreBlock>> = same ? { other: 'same-card' } : { same: 'not-this-card' };
  if (!same && !i.issuerLinked) blocked.other = 'no-issuer';
  const apps: AppPreview[] = i.card.apps.map((a) => {
    const at = i.note.state?.find((n) => n.kind === a.kind);
    return {
      kind: a.kind,
      now: a.value,
      atPoint: at?.value ?? null,
      after: a.holdsValue ? a.value : null,
      recordsNow: a.records,
      recordsAtPoint: at ? at.records : null,
      dataDiffers: at ? at.data !== dataOf(a.fields) : null,
      pagesChanged: same ? pagesOf(a.kind) : null,
    };
  });
  return {
    sourceCard: i.sourceCard,
    seq: i.seq,
    targetCard: i.card.cardNumber,
    target,
    blocked,
    apps,
    pagesChangedSince: same ? changed.size : null,
    pointKnown: i.note.state !== null,
  };
}
