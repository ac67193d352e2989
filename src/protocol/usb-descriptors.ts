/**
 * USB standard descriptors (USB 2.0 §9.6): the configuration descriptor as returned by
 * GET_DESCRIPTOR(CONFIGURATION), with its interfaces, endpoints and the class-specific
 * descriptors between them. WebUSB exposes interfaces and endpoints but not class
 * descriptors, so the CCID driver reads these bytes itself.
 */
import { fail, ok, type Decoded } from './result.ts';

export const DESCRIPTOR = { Device: 1, Configuration: 2, String: 3, Interface: 4, Endpoint: 5 } as const;

export interface UsbEndpointInfo {
  /** bEndpointAddress: bit 7 direction (1 = IN), bits 0-3 endpoint number. */
  address: number;
  number: number;
  direction: 'in' | 'out';
  type: 'control' | 'isochronous' | 'bulk' | 'interrupt';
  maxPacketSize: number;
  interval: number;
}

export interface UsbInterfaceInfo {
  number: number;
  alternate: number;
  interfaceClass: number;
  interfaceSubclass: number;
  interfaceProtocol: number;
  iInterface: number;
  endpoints: UsbEndpointInfo[];
  /** Class- or vendor-specific descriptors found inside this interface, in order, whole. */
  extra: Uint8Array[];
}

export interface UsbConfigurationInfo {
  value: number;
  attributes: number;
  maxPower: number;
  interfaces: UsbInterfaceInfo[];
}

const TYPES = ['control', 'isochronous', 'bulk', 'interrupt'] as const;

/**
 * Walk the descriptors one bLength at a time. Anything that is not an interface or an
 * endpoint belongs to the interface before it (USB 2.0 §9.5: class descriptors follow
 * the standard descriptor they extend; some CCID readers put theirs after the
 * endpoints, which libccid also accepts).
 */
export function parseConfigurationDescriptor(b: Uint8Array): Decoded<UsbConfigurationInfo> {
  const what = 'USB configuration descriptor';
  if (b.length < 9) return fail(what, `too short: ${b.length} bytes`);
  if (b[0] !== 9 || b[1] !== DESCRIPTOR.Configuration) return fail(what, 'does not start with a 9-byte configuration descriptor', 0);
  const total = (b[2] as number) | ((b[3] as number) << 8);
  if (total > b.length) return fail(what, `wTotalLength ${total} exceeds the ${b.length} bytes read`, 2);
  const cfg: UsbConfigurationInfo = { value: b[5] as number, attributes: b[7] as number, maxPower: b[8] as number, interfaces: [] };
  let current: UsbInterfaceInfo | undefined;
  for (let o = 9; o < total; ) {
    const len = b[o] as number;
    const type = b[o + 1];
    if (len < 2 || o + len > total) return fail(what, `descriptor of bLength ${len} overruns the configuration`, o);
    const d = b.subarray(o, o + len);
    if (type === DESCRIPTOR.Interface) {
      if (len < 9) return fail(what, `interface descriptor of ${len} bytes`, o);
      current = {
        number: d[2] as number,
        alternate: d[3] as number,
        interfaceClass: d[5] as number,
        interfaceSubclass: d[6] as number,
        interfaceProtocol: d[7] as number,
        iInterface: d[8] as number,
        endpoints: [],
        extra: [],
      };
      cfg.interfaces.push(current);
    } else if (type === DESCRIPTOR.Endpoint) {
      if (len < 7) return fail(what, `endpoint descriptor of ${len} bytes`, o);
      if (!current) return fail(what, 'endpoint descriptor before any interface', o);
      const address = d[2] as number;
      current.endpoints.push({
        address,
        number: address & 0x0f,
        direction: address & 0x80 ? 'in' : 'out',
        type: TYPES[(d[3] as number) & 3] as UsbEndpointInfo['type'],
        maxPacketSize: ((d[4] as number) | ((d[5] as number) << 8)) & 0x7ff,
        interval: d[6] as number,
      });
    } else if (current) {
      current.extra.push(d.slice());
    }
    o += len;
  }
  return ok(cfg);
}

/** Build configuration descriptor bytes (for the simulated reader and for tests). */
export function buildConfigurationDescriptor(cfg: UsbConfigurationInfo): Uint8Array {
  const parts: number[][] = [];
  for (const i of cfg.interfaces) {
    parts.push([9, DESCRIPTOR.Interface, i.number, i.alternate, i.endpoints.length, i.interfaceClass, i.interfaceSubclass, i.interfaceProtocol, i.iInterface]);
    for (const x of i.extra) parts.push([...x]);
    for (const e of i.endpoints) {
      parts.push([7, DESCRIPTOR.Endpoint, e.address, TYPES.indexOf(e.type), e.maxPacketSize & 0xff, e.maxPacketSize >>> 8, e.interval]);
    }
  }
  const total = 9 + parts.reduce((n, p) => n + p.length, 0);
  if (total > 0xffff) throw new RangeError(`configuration descriptor too long: ${total}`);
  const numInterfaces = new Set(cfg.interfaces.map((i) => i.number)).size;
  const head = [9, DESCRIPTOR.Configuration, total & 0xff, total >>> 8, numInterfaces, cfg.value, 0, cfg.attributes, cfg.maxPower];
  return Uint8Array.from([...head, ...parts.flat()]);
}
