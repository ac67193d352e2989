/** The demo cards' PIN (shown on the demo panel; the demo terminal uses it for CREDIT and APPEND RECORD). */
export const DEMO_PIN = '1234';
