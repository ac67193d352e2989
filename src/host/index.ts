/** The host: flows that drive a card through a Transport and hand results to the vault (docs/host.md). */
export { backup, type BackupOptions, type BackupResult } from './backup.ts';
export { restore, type RestoreOptions, type RestoreResult } from './restore.ts';
export type { RestoreAuthority, RestoreAuthorityRequest } from './issuer-authority.ts';
export { personalise, type Personaliser } from './personalise.ts';
export { verify, type DeepFinding, type VerifyOptions, type VerifyReport } from './verify.ts';
export { HostError, type HostErrorCode } from './errors.ts';
export type { Phase, Progress, ProgressListener } from './progress.ts';
export { reconcile } from './reconcile.ts';
export { packSegments } from './pack.ts';
export type { Receipt } from '../protocol/trust/receipt.ts';
