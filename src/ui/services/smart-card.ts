/**
 * The Web Smart Card API (navigator.smartCard, src/reader/smart-card) as a reader source
 * of the connect screen: list the computer's readers, connect EXCLUSIVE to one (no other
 * program reaches the card between the steps of a backup), and hand the card to the same
 * ReaderLink as every other source. A failure keeps why PC/SC said no (`reason`: the
 * SmartCardError's responseCode, or the DOMException's name) so the connect screen says
 * it in plain words (connect.smartcard.why.* in the catalogues).
 */
import type { Transport } from '../../host/surface.ts';
import { ReaderError } from '../../reader/errors.ts';
import type { CardSource } from '../../reader/session-link.ts';
import { smartCardSource } from '../../reader/session-sources.ts';
import { listSmartCardReaders, SMART_CARD_ERRORS, smartCardApi, watchSmartCardReaders, type SmartCardReaderInfo, type SmartCardResourceManager } from '../../reader/smart-card/index.ts';
import { ServiceError, toServiceError } from './errors.ts';

/** Why the smart-card service refused: every SmartCardError responseCode, the DOMExceptions the API throws, and "no reader at all". */
export const SMART_CARD_REASONS = [
  ...(Object.keys(SMART_CARD_ERRORS) as (keyof typeof SMART_CARD_ERRORS)[]),
  'NotAllowedError',
  'SecurityError',
  'AbortError',
  'InvalidStateError',
  'no-readers',
] as const;
export type SmartCardReason = (typeof SMART_CARD_REASONS)[number];

/** One reader of the computer, as the connect screen lists it. */
export interface SmartCardReaderRow {
  name: string;
  cardPresent: boolean;
  /** Another program holds the card exclusively. */
  busy: boolean;
}

const known: ReadonlySet<string> = new Set(SMART_CARD_REASONS);

/** A ServiceError that also says why the smart-card service refused. */
export class SmartCardServiceError extends ServiceError {
  readonly reason: SmartCardReason;
  constructor(base: ServiceError, reason: SmartCardReason) {
    super(base.code, base.message, { cause: base.cause ?? base });
    this.name = 'SmartCardServiceError';
    this.reason = reason;
  }
}

/** The reason a failure of the smart-card API carries (its own, or its cause's), if any. */
export function smartCardReason(e: unknown): SmartCardReason | undefined {
  for (let at: unknown = e, depth = 0; at && depth < 4; at = (at as { cause?: unknown }).cause, depth++) {
    if (at instanceof SmartCardServiceError) return at.reason;
    const x = at as { name?: unknown; responseCode?: unknown };
    if (x.name === 'SmartCardError' && typeof x.responseCode === 'string' && known.has(x.responseCode)) return x.responseCode as SmartCardReason;
    if (typeof x.name === 'string' && x.name !== 'SmartCardError' && known.has(x.name)) return x.name as SmartCardReason;
  }
  return undefined;
}

/** Any failure as a ServiceError, with the smart-card reason when there is one. */
export function smartCardFailure(e: unknown): ServiceError {
  const base = toServiceError(e);
  const reason = smartCardReason(e);
  return reason ? new SmartCardServiceError(base, reason) : base;
}

function needApi(): SmartCardResourceManager {
  const api = smartCardApi();
  if (!api) throw new ServiceError('unavailable', 'this browser has no Web Smart Card API (navigator.smartCard)');
  return api;
}

const noReaders = () => new SmartCardServiceError(new ServiceError('reader-lost', 'the smart-card service lists no reader'), 'no-readers');

const rowOf = (r: SmartCardReaderInfo): SmartCardReaderRow => ({ name: r.name, cardPresent: r.cardPresent, busy: r.busy });

/** The computer's readers as PC/SC lists them: name, card in, held by another program. */
export async function smartCardReaders(api: SmartCardResourceManager | undefined = smartCardApi()): Promise<SmartCardReaderRow[]> {
  try {
    if (!api) needApi();
    const rows = await listSmartCardReaders(api as SmartCardResourceManager);
    if (rows.length === 0) throw noReaders();
    return rows.map(rowOf);
  } catch (e) {
    throw smartCardFailure(e);
  }
}

/**
 * The listed readers as they change (a card put in or taken out, another program taking
 * it), so the list on the connect screen is not a snapshot; until `signal` aborts.
 */
export async function followSmartCardReaders(onRows: (rows: SmartCardReaderRow[]) => void, signal: AbortSignal, api: SmartCardResourceManager | undefined = smartCardApi()): Promise<void> {
  try {
    await watchSmartCardReaders(api ?? needApi(), (readers) => onRows(readers.map(rowOf)), signal);
  } catch (e) {
    throw smartCardFailure(e);
  }
}

/**
 * Connects exclusive to `reader` (default: the first with a card that no other program
 * holds) and returns the source for a ReaderLink, its first card session already open:
 * a refusal (another program holds the card, no card, no service) comes here, at
 * connect, in plain words, not at the first backup.
 */
export async function openSmartCard(reader: string | undefined, api: SmartCardResourceManager | undefined = smartCardApi()): Promise<{ name: string; source: CardSource }> {
  try {
    const rm = api ?? needApi();
    let name = reader;
    if (name === undefined) {
      const rows = await listSmartCardReaders(rm);
      if (rows.length === 0) throw noReaders();
      name = (rows.find((r) => r.cardPresent && !r.busy) ?? rows.find((r) => r.cardPresent) ?? rows[0])?.name as string;
    }
    const source = smartCardSource(rm, name);
    let first: Transport | null = await source.openCard();
    return {
      name,
      source: {
        openCard: () => {
          const t = first;
          first = null;
          return t ? Promise.resolve(t) : source.openCard();
        },
        protocol: () => source.protocol?.() ?? null,
        onChange: (l) => source.onChange(l),
        close: () => source.close(),
      },
    };
  } catch (e) {
    if (e instanceof ReaderError && e.code === 'DEVICE_GONE' && e.cause === undefined && /no smart-card reader/.test(e.message)) throw noReaders();
    throw smartCardFailure(e);
  }
}
