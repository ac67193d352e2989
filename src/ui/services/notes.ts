/**
 * What this browser notes beside each backup, outside the vault: the name the holder
 * gave it, the applications whose pages it carried, and each application's value and
 * record count when it was made. The backup itself is sealed by the card (fig. 6): only
 * these notes let the app show, before a restore, what the point holds.
 * Kept in localStorage (small JSON per card); a vault imported from elsewhere has none.
 */
import type { AppKind, AppValue } from '../model.ts';

export interface AppNote {
  kind: AppKind;
  value: AppValue | null;
  records: number | null;
  /** Fingerprint of the application's other data (fields), to say whether it differs. */
  data: string;
}

export interface BackupNote {
  name: string | null;
  apps: AppKind[] | null;
  state: AppNote[] | null;
}

/** The Storage subset used (localStorage in the browser, a Map in Node tests). */
export interface KeyValue {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export function memoryKeyValue(): KeyValue {
  const m = new Map<string, string>();
  return { getItem: (k) => m.get(k) ?? null, setItem: (k, v) => void m.set(k, v), removeItem: (k) => void m.delete(k) };
}

const key = (card: string) => `icvault.notes.${card}`;

export class BackupNotes {
  constructor(private readonly kv: KeyValue) {}

  private all(card: string): Record<string, BackupNote> {
    try {
      const raw = this.kv.getItem(key(card));
      return raw ? (JSON.parse(raw) as Record<string, BackupNote>) : {};
    } catch {
      return {};
    }
  }

  get(card: string, seq: number): BackupNote {
    return this.all(card)[String(seq)] ?? { name: null, apps: null, state: null };
  }

  set(card: string, seq: number, note: Partial<BackupNote>): void {
    const all = this.all(card);
    all[String(seq)] = { ...this.get(card, seq), ...note };
    this.kv.setItem(key(card), JSON.stringify(all));
  }

  forget(card: string, seqs: readonly number[]): void {
    const all = this.all(card);
    for (const s of seqs) delete all[String(s)];
    this.kv.setItem(key(card), JSON.stringify(all));
  }

  clear(cards: readonly string[]): void {
    for (const c of cards) this.kv.removeItem(key(c));
  }
}
