/**
 * The part of the Web Smart Card API (WICG, https://wicg.github.io/web-smart-card/) this
 * reader source uses: navigator.smartCard in Isolated Web Apps (ChromeOS). Declared here
 * because TypeScript's DOM library does not have it yet. PC/SC level: a context, reader
 * names, status changes, connections with an access mode, transmit, disconnect.
 */
export type SmartCardAccessMode = 'shared' | 'exclusive' | 'direct';
export type SmartCardProtocol = 'raw' | 't0' | 't1';
export type SmartCardDisposition = 'leave' | 'reset' | 'unpower' | 'eject';

export interface SmartCardReaderStateFlagsIn {
  unaware?: boolean;
  ignore?: boolean;
  unavailable?: boolean;
  empty?: boolean;
  present?: boolean;
  exclusive?: boolean;
  inuse?: boolean;
  mute?: boolean;
  unpowered?: boolean;
}

export interface SmartCardReaderStateFlagsOut extends SmartCardReaderStateFlagsIn {
  unknown?: boolean;
  changed?: boolean;
}

export interface SmartCardReaderStateIn {
  readerName: string;
  currentState: SmartCardReaderStateFlagsIn;
  currentCount?: number;
}

export interface SmartCardReaderStateOut {
  readerName: string;
  eventState: SmartCardReaderStateFlagsOut;
  eventCount: number;
  answerToReset?: ArrayBuffer;
}

export interface SmartCardConnection {
  disconnect(disposition?: SmartCardDisposition): Promise<void>;
  transmit(sendBuffer: BufferSource, options?: { protocol?: SmartCardProtocol }): Promise<ArrayBuffer>;
  status(): Promise<{ readerName: string; state: string; answerToReset?: ArrayBuffer }>;
}

export interface SmartCardConnectResult {
  connection: SmartCardConnection;
  activeProtocol?: SmartCardProtocol;
}

export interface SmartCardContext {
  listReaders(): Promise<string[]>;
  getStatusChange(readerStates: SmartCardReaderStateIn[], options?: { timeout?: number; signal?: AbortSignal }): Promise<SmartCardReaderStateOut[]>;
  connect(readerName: string, accessMode: SmartCardAccessMode, options?: { preferredProtocols?: SmartCardProtocol[] }): Promise<SmartCardConnectResult>;
}

export interface SmartCardResourceManager {
  establishContext(): Promise<SmartCardContext>;
}

/** navigator.smartCard where the browser has it (an IWA on ChromeOS), else undefined. */
export function smartCardApi(nav: unknown = typeof navigator === 'undefined' ? undefined : navigator): SmartCardResourceManager | undefined {
  const sc = (nav as { smartCard?: unknown } | undefined)?.smartCard;
  return sc && typeof (sc as SmartCardResourceManager).establishContext === 'function' ? (sc as SmartCardResourceManager) : undefined;
}
