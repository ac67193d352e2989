/**
 * What historical bytes say about APDU sizes (ISO/IEC 7816-4 §8.1.1): category 0x80
 * (or 0x00, status at the end) followed by COMPACT-TLV objects; tag 7 "card
 * capabilities", third software function byte: bit 8 command chaining, bit 7 extended
 * Lc and Le fields (Table 118).
 */
export interface HistoricalCapabilities {
  commandChaining: boolean | undefined;
  extendedLength: boolean | undefined;
}

export function historicalCapabilities(h: Uint8Array): HistoricalCapabilities {
  const none: HistoricalCapabilities = { commandChaining: undefined, extendedLength: undefined };
  const category = h[0];
  if (category !== 0x80 && category !== 0x00) return none;
  // category 0x00: the last three bytes are a status indicator, not TLV
  const end = category === 0x00 ? h.length - 3 : h.length;
  for (let o = 1; o < end; ) {
    const tl = h[o] as number;
    const tag = tl >>> 4;
    const len = tl & 0x0f;
    if (o + 1 + len > end) return none;
    if (tag === 7 && len >= 3) {
      const third = h[o + 3] as number;
      return { commandChaining: (third & 0x80) !== 0, extendedLength: (third & 0x40) !== 0 };
    }
    o += 1 + len;
  }
  return none;
}
