/** Connected: the card on the left; backup, timeline and storage on the right. */
import { lazy, Suspense } from 'react';
import { useApp } from '../state/hooks.ts';
import { BackupPanel } from './BackupPanel.tsx';
import { CardView } from './CardView.tsx';
import { DemoControls } from './DemoControls.tsx';
import { ErrorNotice } from './ErrorNotice.tsx';
import { RestoreDialog } from './RestoreDialog.tsx';
import { Timeline } from './Timeline.tsx';

const VaultPanel = lazy(() => import('./VaultPanel.tsx'));

export function Dashboard({ demo }: { demo: boolean }) {
  const absent = useApp('connection', (s) => s.state.status === 'card-absent');
  const selected = useApp('timeline', (s) => s.selectedSeq);
  return (
    <div className="dashboard">
      <div className="col col-card">
        {absent && <ErrorNotice code="no-card" />}
        <CardView />
        {demo && <DemoControls />}
      </div>
      <div className="col col-backups">
        <BackupPanel />
        <Timeline />
        <Suspense fallback={null}>
          <VaultPanel />
        </Suspense>
      </div>
      {selected !== null && <RestoreDialog key={selected} seq={selected} />}
    </div>
  );
}
