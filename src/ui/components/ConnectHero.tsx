/** Decorative picture for the start screen: the card seals its memory, the browser keeps the sealed copies. */
export function ConnectHero() {
  return (
    <svg className="hero-art" viewBox="0 0 320 150" aria-hidden="true" focusable="false">
      <defs>
        <linearGradient id="hero-card" x1="0" y1="0" x2="1" y2="1">
          <stop offset="0" stopColor="#1f5f8b" />
          <stop offset="1" stopColor="#3f93b8" />
        </linearGradient>
      </defs>
      <rect x="8" y="28" width="150" height="94" rx="12" fill="url(#hero-card)" />
      <rect x="26" y="52" width="34" height="26" rx="5" fill="#f2c94c" />
      <path d="M43 52v26M26 65h34" stroke="#b8912a" strokeWidth="1.5" />
      <rect x="26" y="96" width="90" height="7" rx="3.5" fill="#cfe0ee" opacity="0.8" />
      <circle cx="130" cy="52" r="16" fill="#fff" />
      <path d="M124 52v-4a6 6 0 0 1 12 0v4" fill="none" stroke="#1f5f8b" strokeWidth="2.5" />
      <rect x="121" y="51" width="18" height="13" rx="3" fill="#1f5f8b" />
      <path d="M172 75h40" stroke="#9fb7c9" strokeWidth="3" strokeDasharray="2 7" strokeLinecap="round" />
      <path d="M208 68l9 7-9 7" fill="none" stroke="#9fb7c9" strokeWidth="3" strokeLinecap="round" strokeLinejoin="round" />
      <rect x="228" y="30" width="84" height="90" rx="10" fill="#fff" stroke="#c9d6e2" strokeWidth="2" />
      <path d="M228 46h84" stroke="#c9d6e2" strokeWidth="2" />
      <circle cx="238" cy="38" r="2.5" fill="#c9d6e2" />
      <circle cx="246" cy="38" r="2.5" fill="#c9d6e2" />
      {[58, 74, 90].map((y) => (
        <g key={y}>
          <rect x="240" y={y} width="60" height="11" rx="3" fill="#e6f0f7" />
          <rect x="244" y={y + 3.5} width="8" height="4" rx="2" fill="#1f5f8b" />
        </g>
      ))}
      <rect x="240" y="106" width="36" height="6" rx="3" fill="#2e9d6b" opacity="0.7" />
    </svg>
  );
}
