/**
 * A modal dialog on the native <dialog> element: showModal() makes the rest of the page
 * inert (focus stays inside) and Escape asks to close. Focus goes back where it was.
 */
import { useEffect, useRef, type ReactNode } from 'react';

export interface DialogProps {
  labelledBy: string;
  onClose: () => void;
  /** While true (work running), Escape does not close. */
  locked?: boolean;
  className?: string;
  children: ReactNode;
}

export function Dialog({ labelledBy, onClose, locked = false, className, children }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const lockedRef = useRef(locked);
  const closeRef = useRef(onClose);
  useEffect(() => {
    lockedRef.current = locked;
    closeRef.current = onClose;
  });

  useEffect(() => {
    const d = ref.current;
    if (!d) return undefined;
    const before = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (!d.open) d.showModal();
    const onCancel = (e: Event) => {
      e.preventDefault();
      if (!lockedRef.current) closeRef.current();
    };
    d.addEventListener('cancel', onCancel);
    return () => {
      d.removeEventListener('cancel', onCancel);
      if (d.open) d.close();
      before?.focus();
    };
  }, []);

  return (
    <dialog ref={ref} aria-labelledby={labelledBy} className={className ? `dialog ${className}` : 'dialog'}>
      {children}
    </dialog>
  );
}
