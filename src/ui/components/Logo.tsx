/** The icvault mark: a card with its chip and a lock-shaped arc. Decorative. */
export function Logo({ size = 28 }: { size?: number }) {
  return (
    <svg className="logo" width={size} height={size} viewBox="0 0 32 32" aria-hidden="true" focusable="false">
      <rect x="2" y="7" width="28" height="19" rx="3.5" className="logo-card" />
      <rect x="6.5" y="12" width="8" height="6.5" rx="1.5" className="logo-chip" />
      <path d="M10.5 12v6.5M6.5 15.25h8" className="logo-chip-line" />
      <path d="M19 21h7" className="logo-line" />
    </svg>
  );
}
