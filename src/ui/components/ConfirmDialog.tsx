/**
 * "Are you sure?" before something that cannot be undone (resetting the demo, removing
 * backups): a title, what will happen, Cancel, and the one danger button that does it.
 */
import { useI18n } from '../state/hooks.ts';
import { Dialog } from './Dialog.tsx';

export interface ConfirmDialogProps {
  /** The id of the title, which names the dialog. */
  id: string;
  title: string;
  body: string;
  confirm: string;
  onCancel: () => void;
  onConfirm: () => void;
}

export function ConfirmDialog({ id, title, body, confirm, onCancel, onConfirm }: ConfirmDialogProps) {
  const { t } = useI18n();
  return (
    <Dialog labelledBy={id} onClose={onCancel} className="confirm-dialog">
      <h2 id={id}>{title}</h2>
      <p>{body}</p>
      <div className="dialog-actions">
        <button type="button" className="btn btn-quiet" onClick={onCancel}>
          {t('common.cancel')}
        </button>
        <button type="button" className="btn btn-danger" onClick={onConfirm}>
          {confirm}
        </button>
      </div>
    </Dialog>
  );
}
