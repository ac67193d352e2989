import { describe, expect, it } from 'vitest';
import { changedSet, ownerRanges, ownersPresent } from './memory-map.ts';

describe('memory map helpers', () => {
  it('groups consecutive pages by owner', () => {
    expect(ownerRanges(['system', 'system', 'emoney', 'free', 'free', 'emoney'])).toEqual([
      { owner: 'system', from: 0, to: 1 },
      { owner: 'emoney', from: 2, to: 2 },
      { owner: 'free', from: 3, to: 4 },
      { owner: 'emoney', from: 5, to: 5 },
    ]);
    expect(ownerRanges([])).toEqual([]);
  });
  it('lists owners in first-seen order', () => {
    expect(ownersPresent(['system', 'id', 'system', 'free'])).toEqual(['system', 'id', 'free']);
  });
  it('ignores changed pages outside the map', () => {
    const set = changedSet({ pageSize: 64, pageCount: 4, owners: ['system', 'system', 'id', 'id'], changedCount: 5, changedPages: [1, 4, -1, 2.5, 3] });
    expect([...set].sort()).toEqual([1, 3]);
  });
});
