import { tearingSuite } from './run-suite.ts';

tearingSuite(['credit', 'debit', 'PIN verify (right PIN)', 'PIN verify (wrong PIN)', 'value reset after restore']);
