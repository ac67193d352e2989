/**
 * A modal dialog on the native <dialog> element: showModal() makes the rest of the page
 * inert and Escape asks to close; Tab cycles inside (the browser would otherwise let it
 * leave to its own UI). Focus goes back where it was.
 */
import { useEffect, useRef, type KeyboardEvent, type ReactNode } from 'react';

const FOCUSABLE = 'button:not([disabled]), input:not([disabled]):not([tabindex="-1"]), select:not([disabled]), textarea:not([disabled]), a[href], summary, [tabindex]:not([tabindex="-1"])';

/** Tab from the last control goes to the first and Shift+Tab from the first to the last. */
function trapTab(e: KeyboardEvent<HTMLDialogElement>) {
  if (e.key !== 'Tab') return;
  const items = [...e.currentTarget.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((el) => el.offsetParent !== null);
  const first = items[0];
  const last = items[items.length - 1];
  if (!first || !last) return;
  const active = document.activeElement;
  if (e.shiftKey && (active === first || !e.currentTarget.contains(active))) {
    e.preventDefault();
    last.focus();
  } else if (!e.shiftKey && (active === last || !e.currentTarget.contains(active))) {
    e.preventDefault();
    first.focus();
  }
}

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
    <dialog ref={ref} aria-labelledby={labelledBy} className={className ? `dialog ${className}` : 'dialog'} onKeyDown={trapTab}>
      {children}
    </dialog>
  );
}
