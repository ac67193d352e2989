import { tearingSuite } from './run-suite.ts';

tearingSuite(['cross-card restore']);
