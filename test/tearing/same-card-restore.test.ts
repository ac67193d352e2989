import { tearingSuite } from './run-suite.ts';

tearingSuite(['same-card restore']);
