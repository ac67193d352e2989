import { tearingSuite } from './run-suite.ts';

tearingSuite(['credit', 'debit', 'PIN verify (right PIN)', 'PIN verify (wrong PIN)', 'value app notes the restore (version 2: value kept)']);
