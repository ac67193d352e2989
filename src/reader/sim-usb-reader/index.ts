/** The simulated USB CCID reader: demo mode and tests plug a card into it. */
import type { CardLike } from '../../protocol/transport.ts';
import { simConfig, type SimLevel, type SimReaderConfig } from './config.ts';
import { SimUsbReader } from './device.ts';

export { SimUsbReader } from './device.ts';
/** What the reader's slot holds: any card that answers a reset and APDUs (a SimCard, or the demo's saving wrapper of one). */
export type { CardLike } from '../../protocol/transport.ts';
export { simConfig, simClassDescriptor, simConfigurationBytes, type SimLevel, type SimReaderConfig } from './config.ts';

/** A simulated reader of the given level with `card` in slot 0. */
export function createSimulatedReader(card: CardLike, config: SimLevel | SimReaderConfig = 'extended-apdu'): SimUsbReader {
  const reader = new SimUsbReader(typeof config === 'string' ? simConfig(config) : config);
  reader.insertCard(card);
  return reader;
}
