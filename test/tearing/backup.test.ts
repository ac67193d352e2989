import { tearingSuite } from './run-suite.ts';

tearingSuite(['full backup', 'diff backup']);
