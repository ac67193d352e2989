/**
 * The demo card's data (fig. 21: one cardholder's e-money, credit card, ID, medical
 * records and membership), and the defaults of every seed key. Dates are ms since 1970.
 * No value here (version 2): e-money and points enter a card only by issuer-signed load
 * tokens, so the demo loads its opening balances after personalisation (demo-world.ts).
 */
import { demoPortrait, encodeBitmap } from '../../protocol/commands/apps/photo.ts';
import type { AppSeed } from '../app-api.ts';


export const demoSeed: AppSeed = {
  'credit.holder': 'HANAKO YAMADA',
  'credit.pan': '498765******4321',
  'credit.expiry': '2029-08',
  'credit.limit': 500_000,
  'credit.brand': 'ICV CARD',
  'id.name': '山田 花子',
  'id.birth': '1985-04-12',
  'id.address': '東京都千代田区丸の内1-9-1',
  'id.photo': encodeBitmap(demoPortrait()),
  // One record a line: date|ICD-10 code|note
  'medical.records': ['2019-11-05|J45.9|Asthma, mild; salbutamol inhaler', '2023-02-14|Z88.0|Allergy: penicillin', '2024-06-30|E78.0|Cholesterol high; diet advice'].join('\n'),
  'membership.number': '8000123456789012',
  'membership.tier': 'gold',
};
