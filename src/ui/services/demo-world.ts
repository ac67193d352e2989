/**
 * Demo mode's world: the demo issuer's simulated cards and the simulated USB reader
 * they sit in. Cards persist in the demo store (demo-store.ts) after every change.
 * Demo only: a real card is never reached like this.
 */
import { createSimCard, loadSimCard, SimCardError, type SimCard, type SimCardOptions } from '../../card-sim/index.ts';
import { personalise, type Personaliser } from '../../host/index.ts';
import { defaultApplications } from '../../card-sim/apps/index.ts';
import { createSimulatedReader, SimUsbReader } from '../../reader/sim-usb-reader/index.ts';
import type { DemoMeta, DemoStore } from './demo-store.ts';
import { DEMO_PIN } from './demo-pin.ts';
import { SavingCard } from './saving-card.ts';
import { demoIssuer } from '../../../issuer/core/demo.ts';
import type { LoadRequest } from '../../host/terminal.ts';
import { demoPersonaliser, demoRootPublicKey, issuerMachine } from './demo-issuer.ts';
import { loadOpeningValue, numberTaken, type OpeningTokens } from './demo-opening.ts';
import { demoReaderConfig } from './demo-reader.ts';

export const FIRST_DEMO_CARD = '4900000000000001';
/** The reader level demo mode uses: extended APDUs, so a backup needs few exchanges. */
export const DEMO_READER_LEVEL = 'extended-apdu';

/** The issuer personalises a replacement card with the holder's name; value and records start empty. */
const REPLACEMENT_SEED = { 'emoney.balance': 0, 'membership.points': 0, 'medical.records': '' } as const;

/** The demo's options: the simulated card's transmission protocols (T=1, T=0 or both; default T=1), and where a new card's opening load tokens come from. */
export interface DemoWorldOptions {
  protocols?: NonNullable<SimCardOptions['protocols']>;
  opening?: OpeningTokens;
}
const withProtocols = (o: DemoWorldOptions) => (o.protocols ? { protocols: o.protocols } : {});

/**
 * A blank card made with the demo issuer's root, personalised by `personaliser` (the demo
 * issuer here, or its service for a replacement). A replacement's value is re-issued by
 * the issuer from its ledger after the restore (docs/issuer.md), not here.
 */
async function issue(personaliser: Personaliser, replacement: boolean, o: DemoWorldOptions, lastTry = true): Promise<SimCard> {
  const card = createSimCard({ rootPublicKey: demoRootPublicKey(), apps: defaultApplications(), appSeed: replacement ? REPLACEMENT_SEED : {}, ...withProtocols(o) });
  card.powerOn();
  try {
    await personalise(issuerMachine(card), personaliser);
  } finally {
    card.powerOff();
  }
  if (!replacement) await loadOpeningValue(card, o.opening, lastTry);
  return card;
}

const nextNumber = (n: string): string => (BigInt(n) + 1n).toString().padStart(16, '0');

/** How many numbers a new sample card tries before its opening value is signed here instead of by the issuer's service. */
const SAMPLE_NUMBER_TRIES = 20;

/**
 * The sample card after "Reset the demo": under the first demo number from FIRST_DEMO_CARD
 * on that the issuer's service does not hold for another card (this browser's sample card
 * before the reset, or another browser's), so the service registers it and its ledger
 * knows its opening value (docs/issuer.md "Demo"). Without a service the first number is
 * taken at once. (A new browser profile's first sample card keeps FIRST_DEMO_CARD: under a
 * number the service holds it stands for the lost card in the wrong hands, which the
 * lost-card story shows refused.)
 */
async function issueSample(o: DemoWorldOptions): Promise<SavingCard> {
  let n = FIRST_DEMO_CARD;
  for (let i = 1; ; i++, n = nextNumber(n)) {
    try {
      return new SavingCard(await issue(demoPersonaliser(n, DEMO_PIN), false, o, i === SAMPLE_NUMBER_TRIES), n);
    } catch (e) {
      if (!numberTaken(e)) throw e;
    }
  }
}

/**
 * A saved demo card, or undefined when it cannot serve: bytes of another layout, or a card
 * of protocol version 1 (its identity block is not one this card OS reads, so it would
 * answer nothing). Every card the demo saves was personalised before it was saved.
 */
function loadSaved(bytes: Uint8Array, o: DemoWorldOptions): SimCard | undefined {
  try {
    const card = loadSimCard(bytes, { apps: defaultApplications(), ...withProtocols(o) });
    return card.inspect().initialised ? card : undefined;
  } catch (e) {
    if (e instanceof SimCardError) return undefined;
    throw e;
  }
}


export class DemoWorld {
  private constructor(
    private readonly store: DemoStore,
    readonly reader: SimUsbReader,
    private card: SavingCard | null,
    private meta: DemoMeta,
    private readonly options: DemoWorldOptions,
  ) {}

  /** The saved demo, or a fresh sample card in the reader (its opening value from `options.opening`). */
  static async load(store: DemoStore, options: DemoWorldOptions = {}): Promise<DemoWorld> {
    const meta = await store.meta();
    const bytes = meta?.inReader ? await store.card(meta.inReader) : undefined;
    // A demo card saved by an earlier card layout (protocol v2 moved the bookkeeping and the
    // identity block) does not load: the demo then starts again with a fresh sample card;
    // the vault and its backups are untouched (they live in the vault's own database).
    const saved = meta?.inReader && bytes ? loadSaved(bytes, options) : undefined;
    if (meta && (meta.inReader === null || saved)) {
      const card = meta.inReader && saved ? new SavingCard(saved, meta.inReader) : null;
      const level = demoReaderConfig(options.protocols, DEMO_READER_LEVEL);
      const reader = card ? createSimulatedReader(card, level) : new SimUsbReader(level);
      return new DemoWorld(store, reader, card, meta, options);
    }
    const card = new SavingCard(await issue(demoPersonaliser(FIRST_DEMO_CARD, DEMO_PIN), false, options), FIRST_DEMO_CARD);
    const world = new DemoWorld(store, createSimulatedReader(card, demoReaderConfig(options.protocols, DEMO_READER_LEVEL)), card, { inReader: FIRST_DEMO_CARD, replaced: null, issued: [FIRST_DEMO_CARD] }, options);
    await world.saveAll(card);
    return world;
  }

  /** Version 2: value enters a card only by the issuer's load token; in the demo the demo issuer signs it. */
  async loadToken(r: LoadRequest): Promise<Uint8Array> {
    return demoIssuer().loadToken(r);
  }

  get hasCard(): boolean {
    return this.card !== null;
  }

  /** The card whose backups the replacement card can be restored from. */
  get replaced(): string | null {
    return this.meta.replaced;
  }

  /** Save the card in the reader if a command changed it. Awaited before an action reports done. */
  async flush(): Promise<void> {
    const bytes = this.card?.takeChanges();
    if (this.card && bytes) await this.store.save(this.meta, [[this.card.cardNumber, bytes]]);
  }

  private async saveAll(card: SavingCard | null): Promise<void> {
    card?.takeChanges();
    await this.store.save(this.meta, card ? [[card.cardNumber, card.card.save()]] : []);
  }

  /** The card leaves the reader for good. */
  async lose(): Promise<void> {
    await this.flush();
    if (this.card) this.meta = { ...this.meta, replaced: this.card.cardNumber };
    this.reader.removeCard();
    this.card = null;
    this.meta = { ...this.meta, inReader: null };
    await this.saveAll(null);
  }

  /**
   * A new blank card, personalised (new number, same issuer); the old one is lost. By the
   * demo issuer here, or by `personaliser` (the issuer's service, which names the number
   * and takes the holder's recovery code).
   */
  async issueReplacement(personaliser?: Personaliser): Promise<void> {
    const last = this.meta.issued[this.meta.issued.length - 1] ?? FIRST_DEMO_CARD;
    const made = await issue(personaliser ?? demoPersonaliser(nextNumber(last), DEMO_PIN), true, this.options);
    if (this.card) await this.lose();
    const number = made.inspect().cardNumber;
    const card = new SavingCard(made, number);
    this.meta = { ...this.meta, inReader: number, issued: [...this.meta.issued, number] };
    this.reader.insertCard(card);
    this.card = card;
    await this.saveAll(card);
  }

  /** Forget every demo card; a fresh sample card goes into the reader. */
  async reset(): Promise<void> {
    if (this.card) this.reader.removeCard();
    await this.store.clear();
    const card = await issueSample(this.options);
    this.meta = { inReader: card.cardNumber, replaced: null, issued: [card.cardNumber] };
    this.reader.insertCard(card);
    this.card = card;
    await this.saveAll(card);
  }
}
