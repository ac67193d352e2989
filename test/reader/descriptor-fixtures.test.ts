/**
 * Every reader of libccid's readers/ folder (test/fixtures/ccid-readers): rebuild its
 * 54-byte class descriptor from the printed fields, embed it in a configuration
 * descriptor with the interface and endpoints the file lists, and parse it back the way
 * the driver does. Slots and exchange level must be what the file says.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { capabilities, encodeClassDescriptor } from '../../src/protocol/ccid/class-descriptor.ts';
import { findCcidInterfaces } from '../../src/protocol/ccid/find-interface.ts';
import { buildConfigurationDescriptor, parseConfigurationDescriptor, type UsbEndpointInfo } from '../../src/protocol/usb-descriptors.ts';
import { parseDump, type DumpedInterface } from './ccid-dump.ts';

const dir = join(import.meta.dirname, '../fixtures/ccid-readers');
const files = readdirSync(dir).filter((f) => f.endsWith('.txt')).sort();

function endpointsFor(n: number): UsbEndpointInfo[] {
  const bulkOut: UsbEndpointInfo = { address: 0x01, number: 1, direction: 'out', type: 'bulk', maxPacketSize: 64, interval: 0 };
  const bulkIn: UsbEndpointInfo = { address: 0x82, number: 2, direction: 'in', type: 'bulk', maxPacketSize: 64, interval: 0 };
  const intIn: UsbEndpointInfo = { address: 0x83, number: 3, direction: 'in', type: 'interrupt', maxPacketSize: 8, interval: 16 };
  // As the dumps label them: 3 bulk-IN, bulk-OUT and Interrupt-IN; 2 bulk only; 1 Interrupt-IN (ICCD B); 0 control only (ICCD A)
  return n === 3 ? [bulkOut, bulkIn, intIn] : n === 2 ? [bulkOut, bulkIn] : n === 1 ? [intIn] : [];
}

function roundTrip(all: DumpedInterface[]) {
  const bytes = buildConfigurationDescriptor({
    value: 1,
    attributes: 0x80,
    maxPower: 50,
    interfaces: all.map((d) => ({
      number: d.interfaceNumber,
      alternate: 0,
      interfaceClass: d.interfaceClass,
      interfaceSubclass: 0,
      interfaceProtocol: d.interfaceProtocol,
      iInterface: 0,
      endpoints: endpointsFor(d.numEndpoints),
      extra: [encodeClassDescriptor(d.descriptor)],
    })),
  });
  const cfg = parseConfigurationDescriptor(bytes);
  if (!cfg.ok) throw cfg.error;
  const found = findCcidInterfaces(cfg.value);
  if (!found.ok) throw found.error;
  return found.value;
}

describe('CCID descriptors of 344 real readers (LudovicRousseau/CCID readers/)', () => {
  const parsed = files.map((f) => ({ f, dumps: parseDump(readFileSync(join(dir, f), 'utf8')) }));

  it('has the whole fixture set, and only the PC/SC features dump lacks a descriptor', () => {
    expect(files).toHaveLength(344);
    expect(parsed.filter((p) => p.dumps.length === 0).map((p) => p.f)).toEqual(['Gemalto_Ezio_Shield_PinPad_Martin_features.txt']);
    expect(parsed.reduce((n, p) => n + p.dumps.length, 0)).toBe(385);
  });

  it.each(parsed.filter((p) => p.dumps.length > 0))('$f parses back with its slots and exchange level', ({ dumps }) => {
    const found = roundTrip(dumps);
    expect(found).toHaveLength(dumps.length);
    dumps.forEach((d, i) => {
      const got = found[i];
      expect(got?.interfaceNumber).toBe(d.interfaceNumber);
      expect(got?.interfaceClass).toBe(d.interfaceClass);
      expect(got?.descriptor).toEqual(d.descriptor);
      const caps = capabilities(got!.descriptor);
      expect(caps.slots).toBe(d.descriptor.bMaxSlotIndex + 1);
      expect(caps.level).toBe(d.level);
      // The driver needs bulk endpoints; ICCD readers (control or interrupt only) have none.
      expect(got?.bulkIn !== undefined && got.bulkOut !== undefined).toBe(d.numEndpoints >= 2);
    });
  });

  it('covers every exchange level, vendor-class readers and multi-slot readers', () => {
    const all = parsed.flatMap((p) => p.dumps);
    const levels = new Map<string, number>();
    for (const d of all) levels.set(d.level, (levels.get(d.level) ?? 0) + 1);
    expect(Object.fromEntries(levels)).toEqual({ tpdu: 132, 'short-apdu': 100, 'extended-apdu': 150, character: 3 });
    expect(all.filter((d) => d.interfaceClass === 0xff)).toHaveLength(14);
    expect(all.filter((d) => d.descriptor.bMaxSlotIndex > 0).length).toBeGreaterThan(0);
  });
});
