/**
 * The app's side of the issuer service (patent fig. 21, docs/issuer.md): plain HTTP with
 * fetch. The card proves itself by signing the service's challenge (INTERNAL
 * AUTHENTICATE, done by the caller through the card: `CardProof.sign`), and gets a short
 * session for its own card number. Binary values travel as hex, backups as raw bytes.
 */
import { fromHex, hex } from '../protocol/bytes.ts';
import { encodeReceipt, type Receipt } from '../protocol/trust/receipt.ts';

/** A refusal of the service ({error:{code,message}}) or a failure to reach it. */
export class IssuerRequestError extends Error {
  readonly code: string;
  /** HTTP status; 0 when the service was not reached. */
  readonly status: number;
  readonly detail: Record<string, unknown> | undefined;
  private readonly retry: boolean | undefined;
  constructor(code: string, status: number, message: string, options: { cause?: unknown; detail?: Record<string, unknown>; transient?: boolean } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'IssuerRequestError';
    this.code = code;
    this.status = status;
    this.detail = options.detail;
    this.retry = options.transient;
  }
  /** Worth trying again later: not reached, rate limited, or the service failed (unless said otherwise). */
  get transient(): boolean {
    return this.retry ?? (this.status === 0 || this.status === 429 || this.status >= 500);
  }
}

export interface CardProof {
  certificate: Uint8Array;
  /** The card's signature over the challenge (INTERNAL AUTHENTICATE through the host). */
  sign(challenge: Uint8Array): Promise<Uint8Array>;
}

export interface IssuerSession {
  token: string;
  cardNumber: string;
  expiresAt: number;
}

export interface RemoteBackup {
  seq: number;
  kind: 'full' | 'diff';
  date: number;
  headerHash: string;
  blobHash: string;
  size: number;
}

export interface UploadOutcome extends RemoteBackup {
  /** false: the issuer already held exactly these bytes. */
  created: boolean;
}

export interface RemoteCard {
  cardNumber: string;
  state: 'active' | 'stopped' | 'replaced';
  registered: boolean;
  /** The lost card this one replaces, or null. */
  replaces: string | null;
}

type Fetch = typeof fetch;

export class IssuerClient {
  constructor(
    readonly baseUrl: string,
    private readonly fetchImpl: Fetch = (...a) => fetch(...a),
  ) {}

  private async request(method: string, path: string, opts: { session?: IssuerSession; json?: unknown; body?: Uint8Array } = {}): Promise<Response> {
    const headers: Record<string, string> = {};
    if (opts.session) headers['authorization'] = `Bearer ${opts.session.token}`;
    let body: string | ArrayBuffer | undefined;
    if (opts.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(opts.json);
    } else if (opts.body) {
      headers['content-type'] = 'application/octet-stream';
      body = opts.body.slice().buffer;
    }
    let r: Response;
    try {
      r = await this.fetchImpl(this.baseUrl + path, { method, headers, ...(body !== undefined ? { body } : {}) });
    } catch (cause) {
      throw new IssuerRequestError('UNREACHABLE', 0, `the issuer at ${this.baseUrl} could not be reached`, { cause });
    }
    if (r.ok) return r;
    let code = 'HTTP_' + r.status;
    let message = `the issuer answered ${r.status}`;
    let detail: Record<string, unknown> | undefined;
    try {
      const j = (await r.json()) as { error?: { code?: unknown; message?: unknown; detail?: unknown } };
      if (typeof j.error?.code === 'string') code = j.error.code;
      if (typeof j.error?.message === 'string') message = j.error.message;
      if (typeof j.error?.detail === 'object' && j.error.detail !== null) detail = j.error.detail as Record<string, unknown>;
    } catch {
      // not JSON: keep the status
    }
    throw new IssuerRequestError(code, r.status, message, detail ? { detail } : {});
  }

  private async json<T>(method: string, path: string, opts: { session?: IssuerSession; json?: unknown; body?: Uint8Array } = {}): Promise<T> {
    return (await (await this.request(method, path, opts)).json()) as T;
  }

  async login(proof: CardProof): Promise<IssuerSession> {
    const { challenge } = await this.json<{ challenge: string }>('POST', '/v1/auth/challenge', { json: {} });
    const signature = await proof.sign(fromHex(challenge));
    return this.json<IssuerSession>('POST', '/v1/auth/login', { json: { certificate: hex(proof.certificate), challenge, signature: hex(signature) } });
  }

  /** The card as the service knows it: active, stopped or replaced; registered; the card it replaces. */
  cardStatus(s: IssuerSession): Promise<RemoteCard> {
    return this.json<RemoteCard>('GET', `/v1/cards/${s.cardNumber}`, { session: s });
  }

  /** The recovery code, shown once. */
  async register(s: IssuerSession): Promise<string> {
    return (await this.json<{ recoveryCode: string }>('POST', `/v1/cards/${s.cardNumber}/register`, { session: s, json: {} })).recoveryCode;
  }

  /** Idempotent by content: the same bytes again answer `created: false`. */
  uploadBackup(s: IssuerSession, backupData: Uint8Array): Promise<UploadOutcome> {
    return this.json<UploadOutcome>('POST', `/v1/cards/${s.cardNumber}/backups`, { session: s, body: backupData });
  }

  listBackups(s: IssuerSession): Promise<{ backups: RemoteBackup[]; head: { seq: number; headHash: string } }> {
    return this.json('GET', `/v1/cards/${s.cardNumber}/backups`, { session: s });
  }

  async fetchBackup(s: IssuerSession, seq: number): Promise<Uint8Array> {
    return new Uint8Array(await (await this.request('GET', `/v1/cards/${s.cardNumber}/backups/${seq}`, { session: s })).arrayBuffer());
  }

  /** The replacement card's view of the chain of the card it replaces. */
  async listReplaced(s: IssuerSession): Promise<{ cardNumber: string; certificate: Uint8Array; backups: RemoteBackup[]; head: { seq: number; headHash: string } }> {
    const r = await this.json<{ cardNumber: string; certificate: string; backups: RemoteBackup[]; head: { seq: number; headHash: string } }>('GET', `/v1/cards/${s.cardNumber}/replaced/backups`, { session: s });
    return { ...r, certificate: fromHex(r.certificate) };
  }

  async fetchReplaced(s: IssuerSession, seq: number): Promise<Uint8Array> {
    return new Uint8Array(await (await this.request('GET', `/v1/cards/${s.cardNumber}/replaced/backups/${seq}`, { session: s })).arrayBuffer());
  }

  reportLost(cardNumber: string, recoveryCode: string): Promise<{ stop: { number: number; cardNumber: string; stoppedAt: number; entry: string } }> {
    return this.json('POST', '/v1/lost', { json: { cardNumber, recoveryCode } });
  }

  async personalise(lostCard: string, recoveryCode: string, blank: { signKey: Uint8Array; boxKey: Uint8Array }, pin: string) {
    const r = await this.json<{ cardNumber: string; certificate: string; personalisation: string }>('POST', `/v1/replacements/${lostCard}/personalise`, {
      json: { recoveryCode, signKey: hex(blank.signKey), boxKey: hex(blank.boxKey), pin },
    });
    return { cardNumber: r.cardNumber, certificate: fromHex(r.certificate), personalisation: fromHex(r.personalisation) };
  }

  /** counter: the card's authorisation counter now. */
  async authoriseRestore(s: IssuerSession, seq: number, counter: number): Promise<Uint8Array> {
    return fromHex((await this.json<{ authorisation: string }>('POST', `/v1/cards/${s.cardNumber}/restore-authorisations`, { session: s, json: { seq, counter } })).authorisation);
  }

  /**
   * The demo issuer sells load tokens to the card itself (a real issuer sells them at a
   * terminal): `counter` is the card's load counter now, the token is for counter + 1.
   * The service writes the load into its ledger, so a replacement card gets it back.
   */
  async demoLoad(s: IssuerSession, aid: Uint8Array, amount: number, counter: number): Promise<Uint8Array> {
    return fromHex((await this.json<{ token: string }>('POST', `/v1/cards/${s.cardNumber}/loads`, { session: s, json: { aid: hex(aid), amount, counter } })).token);
  }

  /** counters: the new card's load counter per AID (hex). */
  async reissue(s: IssuerSession, counters: Record<string, number> = {}): Promise<{ aid: string; amount: number; token: Uint8Array }[]> {
    const r = await this.json<{ tokens: { aid: string; amount: number; token: string }[] }>('POST', `/v1/cards/${s.cardNumber}/reissue`, { session: s, json: { counters } });
    return r.tokens.map((t) => ({ aid: t.aid, amount: t.amount, token: fromHex(t.token) }));
  }

  /** Terminal: refuses (CARD_STOPPED) a stop-listed card. */
  async terminalCheck(cardNumber: string): Promise<void> {
    await this.request('POST', '/v1/terminal/check', { json: { cardNumber } });
  }

  /** A spend's card-signed receipt (decoded, as the terminal got it, or its bytes) into the issuer's ledger. */
  handInReceipt(cardNumber: string, receipt: Uint8Array | Receipt): Promise<{ issuerLoss: boolean }> {
    if (!(receipt instanceof Uint8Array)) return this.handInReceipt(cardNumber, encodeReceipt(receipt));
    return this.json('POST', '/v1/terminal/receipts', { json: { cardNumber, receipt: hex(receipt) } });
  }
}
