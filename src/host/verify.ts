/**
 * verify(): structural always (the vault alone: everything present, hashes and chain
 * intact); deep when the card is present. Deep runs a RESTORE in verify-only mode
 * (P2 02) over every backup's compacted plan: the card opens every record with its own
 * key, checks it against its header and the set against the page map, and writes
 * nothing. It finds what hashes cannot: a record that was replaced together with its
 * hash (a doctored vault, a crafted import) no longer authenticates under the card key.
 */
import { CardError } from '../protocol/commands/index.ts';
import type { Transport } from '../protocol/transport.ts';
import { VaultError, type Finding, type Vault } from '../vault/index.ts';
import { presentPin, readIdentity, readStatus } from './card.ts';
import { HostError, toHostError } from './errors.ts';
import { CardLink } from './link.ts';
import { Meter, type ProgressListener } from './progress.ts';
import { planSteps, runStep, stepsOf } from './restore-step.ts';

export interface VerifyOptions {
  /** With a transport (and the PIN), the deep check runs against the card in the reader. */
  transport?: Transport;
  pin?: string;
  /** Only this card (default: every card structurally; the card in the reader deeply). */
  card?: string;
  signal?: AbortSignal;
  onProgress?: ProgressListener;
  now?: () => number;
}

export interface DeepFinding {
  seq: number;
  /** true: the card opened every record of this point and the set is the point's. */
  ok: boolean;
  /** The card's status word when it refused. */
  sw?: number;
  message: string;
}

export interface VerifyReport {
  structural: Finding[];
  /** Per backup, oldest first; undefined when no card was present. */
  deep: DeepFinding[] | undefined;
  /** The card the deep check ran on. */
  card: string | undefined;
}

export async function verify(vault: Vault, opts: VerifyOptions = {}): Promise<VerifyReport> {
  const structural = await vault.verify(opts.card === undefined ? {} : { card: opts.card });
  if (!opts.transport) return { structural, deep: undefined, card: undefined };
  if (opts.pin === undefined) throw new HostError('WRONG_PIN', 'deep verify needs the PIN: the card opens records only after VERIFY');
  const link = new CardLink(opts.transport, opts.signal);
  const meter = new Meter(link.wire, opts.onProgress, opts.now);
  const pin = opts.pin;
  try {
    const id = await readIdentity(link);
    const card = opts.card ?? id.cardNumber;
    if (card !== id.cardNumber) throw new HostError('WRONG_CARD', `deep verify of card ${card} needs that card in the reader; this is ${id.cardNumber}`);
    const deep = await vault.withCardLock(card, async () => {
      await readStatus(link);
      await presentPin(link, pin);
      const seqs = (await vault.timeline(card)).map((t) => t.seq).reverse();
      const out: DeepFinding[] = [];
      for (const seq of seqs) out.push(await deepOne(link, meter, vault, card, seq));
      meter.emit('done');
      return out;
    });
    return { structural, deep, card };
  } catch (e) {
    throw toHostError(e, 'verify');
  }
}

async function deepOne(link: CardLink, meter: Meter, vault: Vault, card: string, seq: number): Promise<DeepFinding> {
  let plan;
  try {
    plan = planSteps(vault, await vault.restorePlan(card, seq, 'compacted'));
  } catch (e) {
    if (e instanceof VaultError) return { seq, ok: false, message: `cannot even be planned: ${e.message}` };
    // A version-1 point: this card cannot open it (it stays in the vault, exportable).
    if (e instanceof HostError && (e.code === 'OLD_PROTOCOL' || e.code === 'BAD_BACKUP')) return { seq, ok: false, message: e.message };
    throw e;
  }
  try {
    for await (const step of stepsOf(plan)) await runStep(link, meter, step, { target: 'same', mode: 'verify', date: 0 });
    return { seq, ok: true, message: 'every record opens and the set is the point' };
  } catch (e) {
    // The card's refusal is the finding; a failing link or a cancellation ends the check.
    if (e instanceof CardError) return { seq, ok: false, sw: e.sw, message: `the card refused this point: ${e.message}` };
    throw e;
  }
}
