/**
 * Connected: the card on the left; backup, timeline and storage on the right. On a
 * phone the columns dissolve into one list with the main action, Back up, first.
 * When the dashboard appears (after connecting), focus moves to its main action's heading.
 */
import { lazy, Suspense } from 'react';
import { useApp } from '../state/hooks.ts';
import { BackupPanel } from './BackupPanel.tsx';
import { CardView } from './CardView.tsx';
import { DemoControls } from './DemoControls.tsx';
import { ErrorNotice } from './ErrorNotice.tsx';
import { IssuerPanel } from './IssuerPanel.tsx';
import { RecoveryCodeDialog } from './RecoveryCodeDialog.tsx';
import { RestoreDialog } from './RestoreDialog.tsx';
import { Timeline } from './Timeline.tsx';
import { useFocusOnMount } from './focus.ts';

const VaultPanel = lazy(() => import('./VaultPanel.tsx'));

export function Dashboard({ demo }: { demo: boolean }) {
  const absent = useApp('connection', (s) => s.state.status === 'card-absent');
  const selected = useApp('timeline', (s) => s.selectedSeq);
  const start = useFocusOnMount<HTMLDivElement>();
  return (
    <div className="dashboard">
      <div className="col col-card">
        {absent && <ErrorNotice code="no-card" />}
        <div className="slot-card">
          <CardView />
        </div>
        {demo && (
          <div className="slot-demo">
            <DemoControls />
          </div>
        )}
        <div className="slot-issuer">
          <IssuerPanel demo={demo} />
        </div>
      </div>
      <div className="col col-backups">
        <div className="slot-backup" ref={start} tabIndex={-1} data-testid="dashboard-start">
          <BackupPanel />
        </div>
        <div className="slot-timeline">
          <Timeline />
        </div>
        <div className="slot-vault">
          <Suspense fallback={null}>
            <VaultPanel />
          </Suspense>
        </div>
      </div>
      {selected !== null && <RestoreDialog key={selected} seq={selected} />}
      <RecoveryCodeDialog />
    </div>
  );
}
