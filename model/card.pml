/*
 * icvault card OS protocol, model for Spin (docs/model.md).
 *
 * One card (src/card-sim) with two abstract pages: page 0 is the e-money page (its
 * content is the value register, fig. 20/21), page 1 an application data page (its
 * content is a token: which write put it there). Everything else the card keeps is
 * modelled as in src/card-sim/store.ts: backup counter, chain head, current point,
 * changed table (fig. 4, 022), page-version table, restore pending, restore-executed
 * flag of the value application, PIN tries; v2 adds the load counter (docs/trust.md).
 *
 * Each command is one step of the environment process; the card's journaled write
 * groups (src/card-sim/eeprom.ts) are atomic, and a power cut may fall between any
 * two groups of a command (a cut before the first or after the last group is the POWER
 * step before or after the command). The environment is the attacker of docs/trust.md:
 * it sends any command in any order, keeps every header and record the card ever
 * answered, and may restore any of them, splicing records of different backups,
 * dropping or reordering them. Cryptography is perfect: a record or header the card
 * never produced cannot be presented.
 *
 * Mutations (seeded bugs, one -D switch each, for the mutation tests):
 *   F1_ESCAPE     memory not locked during a restore session: an application write
 *                 between RESTORE and COMPLETE of a replay diff step escapes every later
 *                 diff (the card before issue 10; src/card-sim/os.ts memoryLocked)
 *   SKIP_COUNTER  BACKUP does not write the backup counter
 *   FLAG_EARLY    restore commit clears "restore pending" before the pages are written
 *   TOKEN_REUSE   LOAD does not check the load counter (v2)
 *   NO_PIN        CREDIT does not check the PIN (v1)
 *   PIN_LATE      VERIFY compares before it writes the decremented try counter
 *
 * Configuration: -DTOKENS = v2 loads (a token per load, load counter); without it loads
 * are v1 CREDIT commands authorised by the PIN (the card in the tree).
 * -DNO_MIDCUT drops cuts inside commands (not used for verification).
 * -DWALK (random walks only): a wrong PIN only at full tries, no cut that would block
 * the PIN, and the next step of an open session offered four more times.
 * Every step prints one "@@" line (command, arguments, status word, card state after)
 * that test/model/conformance.test.ts replays against the TypeScript card.
 */

#ifndef MAXSEQ
#define MAXSEQ 3
#endif
#ifndef MAXV
#define MAXV 2
#endif
#ifndef MAXTOK
#define MAXTOK 2
#endif
#define NP 2
#define TRIES 3
#define SLACKCAP (MAXV + MAXTOK + 1)
#ifdef TOKENS
#ifdef TOKEN_REUSE
#define TOKEN_CHECK_OFF 1
#else
#define TOKEN_CHECK_OFF 0
#endif
#endif

/* status words (src/protocol/status-words.ts) */
#define SW_OK       36864  /* 9000 */
#define SW_RESET    25219  /* 6283 value reset after a restore */
#define SW_COND     27013  /* 6985 */
#define SW_SEC      27010  /* 6982 */
#define SW_BLOCKED  27011  /* 6983 */
#define SW_SM       27016  /* 6988 */
#define SW_DATA     27264  /* 6A80 */
#define SW_TRIES    25536  /* 63C0 | tries left */
#define SW_CUT      0      /* power cut: no answer */

/* command codes of the @@ lines */
#define C_VERIFY_OK   1
#define C_VERIFY_BAD  2
#define C_BACKUP      3
#define C_BTRANSFER   4
#define C_BCOMPLETE   5
#define C_BABORT      6
#define C_RESTORE     7
#define C_RTRANSFER   8
#define C_RCOMPLETE   9
#define C_RABORT     10
#define C_CREDIT     11
#define C_DEBIT      12
#define C_POKE       13
#define C_POWER      14

/* ---------------------------------------------------------------- persistent state */
byte mem[NP];          /* page 0: value register; page 1: data token */
bool changed[NP];      /* changed table (fig. 4) */
byte ver[NP];          /* page-version table */
byte counter;          /* backup counter */
byte head;             /* chain head: seq of the last completed backup (a hash names one header) */
byte point;            /* current point: seq the memory equals, 0 = none */
bool pending;          /* restore pending */
bool rflag;            /* restore-executed flag of the value application (fig. 20) */
byte tries = TRIES;    /* PIN retry counter */
byte loadctr;          /* v2 load counter */

/* ---------------------------------------------------------------- RAM (lost at a cut) */
bool pinok;            /* PIN verified this session */
byte bs;               /* backup session: its seq, 0 = none */
bool bsent;            /* all its data sent */
byte rs;               /* restore session: header seq, 0 = none */
bool rreplay;          /* replay step (P2 01) or compacted (P2 00) */
byte staged[NP];       /* seq of the staged record of each page, 0 = none */

/* ---------------------------------------------------------------- what the environment holds */
bool hdr[MAXSEQ + 1];          /* header (and wrapped key) of seq s answered */
bool got[MAXSEQ + 1];          /* its records answered */
bool bdiff[MAXSEQ + 1];        /* kind diff */
byte bbase[MAXSEQ + 1];        /* diff base */
bool bhas[(MAXSEQ + 1) * NP];  /* page p carried by backup s: index s*NP+p */
byte bmap[(MAXSEQ + 1) * NP];  /* header's page map (pageMapHash) */
byte tokens;                   /* v2: load tokens the issuer signed (1..tokens) */

/* ---------------------------------------------------------------- ghosts (specification only) */
byte snap[(MAXSEQ + 1) * NP];  /* memory when BACKUP s started: what its point is */
short slack;                   /* authorised loads - spends - usable value, saturated at SLACKCAP */
bool ghostpin;                 /* the holder presented the right PIN this session */
byte guesses;                  /* wrong PINs compared since the last right one */
bool half;                     /* a restore commit started and its pages are not all written */
byte issued;                   /* highest seq a BACKUP answered */
bool used[MAXTOK + 1];         /* v2 tokens that loaded */
byte pcounter;                 /* previous values for "never go back" */
byte ptries = TRIES;
byte ploadctr;
bool pinreset;                 /* tries went back to 3 by a right PIN in this step */

/* scratch of one step: zeroed at the end of every step (scrub), so they add no states.
   Not `hidden`: pan does not restore hidden variables when it backtracks to a
   nondeterministic choice inside an atomic step. */
byte i;
byte cmd; byte a1; byte a2; bool cut; int sw;

#define IX(s, p) ((s) * NP + (p))

inline report() {
  printf("@@ %d %d %d %d %d | %d %d %d %d %d %d %d %d %d\n", cmd, a1, a2, cut, sw,
         counter, tries, pending, mem[0], mem[1], changed[0], changed[1], point, rflag)
}

/* The properties checked after every step (docs/model.md names them). */
inline invariants() {
#ifndef NO_P_VALUE
  /* P_VALUE: usable value <= authorised loads - spends. The usable value is 0 while the
     restore flag is set (the value is reset before any application command reads it:
     fig. 20, 191-196). slack = loads - spends - usable value, kept as a counter that
     saturates at SLACKCAP (> any value the model holds) so the state space is finite;
     in the clean model it never decreases, so saturation hides no violation. */
  assert(slack >= 0);
#endif
  /* P_MONO: counters and PIN tries never go back */
  assert(counter >= pcounter && loadctr >= ploadctr);
  assert(tries <= ptries || pinreset);
  pcounter = counter; ploadctr = loadctr; ptries = tries; pinreset = false;
  /* P_PIN_ONCE: every wrong PIN compared cost a try */
  assert(guesses + tries <= TRIES);
}

inline scrub() {
  i = 0; cmd = 0; a1 = 0; a2 = 0; cut = false; sw = 0; okset = false; diffstep = false; uv = 0
}

inline done() {
  report(); invariants(); scrub()
}

inline addSlack(n) {
  slack = (slack + n > SLACKCAP -> SLACKCAP : slack + n)
}
#define USABLE (rflag -> 0 : mem[0])
#ifdef NO_PIN
#define PINGATE true
#else
#define PINGATE pinok
#endif
#ifdef TOKENS
#define TOKENGATE ((tok > loadctr) || TOKEN_CHECK_OFF)
#else
#define TOKENGATE true
#endif
/* application writes are refused during a backup (fig. 14, 131) and a restore session */
#ifdef F1_ESCAPE
#define LOCKED (bs != 0)
#else
#define LOCKED (bs != 0 || rs != 0)
#endif

inline powercut() {
  pinok = false; ghostpin = false; bs = 0; bsent = false; rs = 0;
  staged[0] = 0; staged[1] = 0; sw = SW_CUT
}

/* An application command is answered only when no restore is half applied (P_HALF). */
inline answered() {
  assert(!half)
}

/* Fig. 20: the first command of the value application after a restore resets the value. */
inline valueReset() {
  if
  :: rflag && LOCKED -> sw = SW_COND           /* the reset is a write: memory lock */
  :: rflag && !LOCKED -> mem[0] = 0; changed[0] = true; rflag = false; sw = SW_RESET
  :: else -> skip
  fi
}

inline midcut() {
#ifdef NO_MIDCUT
  cut = false
#elif defined(WALK)
  /* random walks: never block the PIN (the walk would answer 6983 from then on) */
  if :: cmd == C_VERIFY_OK && tries == 0 -> cut = false :: else -> if :: cut = false :: cut = true fi fi
#else
  if :: cut = false :: cut = true fi
#endif
}

/* ================================================================ commands */

inline verify(right) {
  if
  :: tries == 0 -> sw = SW_BLOCKED
  :: else ->
#ifdef PIN_LATE
     /* seeded bug: compare first, then write the try */
     if
     :: !right -> guesses++; pinok = false; midcut();
        if :: cut -> powercut() :: else -> tries--; sw = SW_TRIES + tries fi
     :: else -> tries = TRIES; pinreset = true; pinok = true; ghostpin = true; guesses = 0; sw = SW_OK
     fi
#else
     tries--;                                    /* group 1: the try is spent first */
     midcut();
     if
     :: cut -> powercut()
     :: !cut && !right -> guesses++; pinok = false; sw = SW_TRIES + tries
     :: !cut && right -> tries = TRIES; pinreset = true; /* group 2 */
        pinok = true; ghostpin = true; guesses = 0; sw = SW_OK
     fi
#endif
  fi
}

inline backupStart(diff) {
  if
  :: !pinok -> sw = SW_SEC
  :: pinok && (pending || bs != 0 || rs != 0) -> sw = SW_COND
  :: pinok && !pending && bs == 0 && rs == 0 && diff && point == 0 -> sw = SW_COND
  :: else ->
     a2 = counter + 1;                           /* the seq */
#ifndef NO_P_DIFF
     /* P_DIFF: a diff carries every page written since its base */
     if :: diff -> i = 0; do :: i < NP -> assert(changed[i] || mem[i] == snap[IX(point, i)]); i++ :: else -> break od
        :: else -> skip fi;
#endif
     /* a seq is never answered twice (the nonce of its records) */
     assert(a2 > issued);
     issued = a2;
     i = 0;
     do
     :: i < NP ->
        bhas[IX(a2, i)] = !diff || changed[i];
        bmap[IX(a2, i)] = (bhas[IX(a2, i)] -> a2 : ver[i]);
        snap[IX(a2, i)] = mem[i];
        i++
     :: else -> break
     od;
     bdiff[a2] = diff; bbase[a2] = (diff -> point : 0);
#ifndef SKIP_COUNTER
     counter = a2;                               /* written before the answer (fig. 14) */
#endif
     midcut();
     if
     :: cut -> powercut()
     :: else -> hdr[a2] = true; bs = a2; bsent = false; sw = SW_OK
     fi
  fi
}

inline backupTransfer() {
  if
  :: bs == 0 || bsent -> sw = SW_COND
  :: else -> bsent = true; got[bs] = true; sw = SW_OK
  fi
}

inline backupComplete(s) {
  if
  :: bs == 0 || !bsent -> sw = SW_COND
  :: bs != 0 && bsent && s != bs -> sw = SW_DATA
  :: else ->                                     /* one group (fig. 16, 150) */
     i = 0;
     do :: i < NP -> ver[i] = bmap[IX(s, i)]; changed[i] = false; i++ :: else -> break od;
     head = s; point = s; bs = 0; sw = SW_OK
  fi
}

inline restoreStart(s, replay) {
  rs = 0; staged[0] = 0; staged[1] = 0;          /* a refusal ends the session, a start replaces it */
  if
  :: !pinok -> sw = SW_SEC
  :: pinok && bs != 0 -> sw = SW_COND
  :: pinok && bs == 0 && s > counter -> sw = SW_SM
  :: pinok && bs == 0 && s <= counter && replay && bdiff[s] && (point != bbase[s] || changed[0] || changed[1]) -> sw = SW_COND
  :: else -> rs = s; rreplay = replay; sw = SW_OK
  fi
}

inline restoreTransfer(s, p) {
  if
  :: rs == 0 -> sw = SW_COND
  :: rs != 0 && ((rreplay && s != rs) || (!rreplay && s > rs) || staged[p] != 0) -> sw = SW_SM; rs = 0; staged[0] = 0; staged[1] = 0
  :: else -> staged[p] = s; sw = SW_OK
  fi
}

bool okset; bool diffstep; short uv;
inline restoreComplete() {
  if
  :: rs == 0 -> sw = SW_COND
  :: else ->
     diffstep = rreplay && bdiff[rs];
     okset = true;
     i = 0;
     do
     :: i < NP ->
        if
        :: diffstep -> okset = okset && ((staged[i] != 0) == bhas[IX(rs, i)]) && bmap[IX(rs, i)] == (staged[i] != 0 -> staged[i] : ver[i])
        :: else -> okset = okset && staged[i] != 0 && bmap[IX(rs, i)] == staged[i]
        fi;
        i++
     :: else -> break
     od;
     if
     :: !okset -> sw = SW_SM; rs = 0; staged[0] = 0; staged[1] = 0
     :: else ->
        a1 = rs; rs = 0; uv = USABLE;
        pending = true; half = true;             /* group 1: restore pending */
        midcut();
        if
        :: cut -> powercut()
        :: else ->
#ifdef FLAG_EARLY
           /* seeded bug: bookkeeping and the flag first, pages in a later group */
           i = 0; do :: i < NP -> ver[i] = bmap[IX(a1, i)]; changed[i] = false; i++ :: else -> break od;
           point = a1; pending = false;
           midcut();
           if
           :: cut -> powercut()
           :: else ->
              i = 0; do :: i < NP -> if :: staged[i] != 0 -> mem[i] = snap[IX(staged[i], i)] :: else -> skip fi; i++ :: else -> break od;
              rflag = rflag || !diffstep || staged[0] != 0;
              addSlack(uv - USABLE); half = false; sw = SW_OK
           fi
#else
           /* group 2: every page, versions, changed table cleared (182), flags (181/174), point, pending cleared */
           i = 0;
           do
           :: i < NP ->
              if :: staged[i] != 0 -> mem[i] = snap[IX(staged[i], i)] :: else -> skip fi;
              ver[i] = bmap[IX(a1, i)]; changed[i] = false; i++
           :: else -> break
           od;
           rflag = rflag || !diffstep || staged[0] != 0;
           addSlack(uv - USABLE);
           point = a1; pending = false; half = false; sw = SW_OK
#endif
        fi;
        staged[0] = 0; staged[1] = 0;
#ifndef NO_P_MEMORY
        /* P_MEMORY: a completed restore leaves exactly the memory of its point */
        if
        :: sw == SW_OK -> i = 0; do :: i < NP -> assert(mem[i] == snap[IX(a1, i)]); i++ :: else -> break od
        :: else -> skip
        fi
#endif
     fi
  fi
}

/* CREDIT (v1: PIN) or LOAD (v2: a token the issuer signed, at most once by the load counter). */
inline credit(tok) {
  if
  :: pending -> sw = SW_COND
  :: else ->
     sw = 0; valueReset();
     if
     :: sw != 0 -> skip                          /* the reset answered (6283) or was refused */
#ifndef NO_PIN
     :: sw == 0 && !pinok -> sw = SW_SEC
#endif
#ifdef TOKENS
     :: sw == 0 && pinok && !(tok > loadctr) && !TOKEN_CHECK_OFF -> sw = SW_SM
#endif
     /* the PIN (and the token) are judged before the memory lock, as the card does
        (apps/dispatch.ts, before the memory lock of the write in handlers/app.ts):
        exclusive guards, so the model answers what the card answers */
     :: sw == 0 && PINGATE && TOKENGATE && LOCKED -> sw = SW_COND
     :: else -> skip
     fi;
     if
     :: sw == 0 ->
        mem[0]++; changed[0] = true; sw = SW_OK;
#ifdef TOKENS
        assert(!used[tok]);                      /* P_ONCE: a token loads once */
        slack--;
        used[tok] = true; loadctr = (tok > loadctr -> tok : loadctr);
#else
        if :: ghostpin -> skip :: else -> slack-- fi;  /* a load nobody authorised */
#endif
     :: else -> skip
     fi;
     if :: sw != SW_COND -> answered() :: else -> skip fi
  fi
}

inline debit() {
  if
  :: pending -> sw = SW_COND
  :: else ->
     sw = 0; valueReset();
     if
     :: sw == 0 && mem[0] == 0 -> sw = SW_COND
     :: sw == 0 && mem[0] > 0 && LOCKED -> sw = SW_COND
     :: sw == 0 && mem[0] > 0 && !LOCKED -> mem[0]--; changed[0] = true; sw = SW_OK
     :: else -> skip
     fi;
     if :: sw != SW_COND -> answered() :: else -> skip fi
  fi
}

inline poke(t) {
  if
  :: pending || LOCKED -> sw = SW_COND
  :: else -> mem[1] = t; changed[1] = true; sw = SW_OK; answered()
  fi
}


#ifdef WALK
/* Random walks (test/model/conformance.test.ts): the next step of the open session
   (BACKUP DATA TRANSFER, BACKUP COMPLETE with its own header, the record of the next
   page the header needs, RESTORE COMPLETE), offered beside the attacker's choices so
   that sessions finish often; a wrong PIN only at full tries (above). */
inline progress() {
  if
  :: bs != 0 && !bsent -> cmd = C_BTRANSFER; backupTransfer()
  :: bs != 0 && bsent -> cmd = C_BCOMPLETE; a1 = bs; backupComplete(a1)
  :: bs == 0 && rs != 0 ->
     a2 = NP; i = 0;
     do
     :: i < NP && a2 == NP && staged[i] == 0 && (!(rreplay && bdiff[rs]) || bhas[IX(rs, i)]) -> a2 = i
     :: i < NP -> i++
     :: i >= NP -> break
     od;
     if
     :: a2 < NP && got[bmap[IX(rs, a2)]] -> cmd = C_RTRANSFER; cut = false; a1 = bmap[IX(rs, a2)]; restoreTransfer(a1, a2)
     :: else -> cmd = C_RCOMPLETE; a1 = 0; a2 = 0; restoreComplete()
     fi
  fi
}
#endif

/* ================================================================ the environment */

active proctype env() {
  do
  :: atomic { cmd = C_VERIFY_OK; a1 = 0; a2 = 0; verify(true); done() }
#ifdef WALK
  :: atomic { tries == TRIES -> cmd = C_VERIFY_BAD; a1 = 0; a2 = 0; verify(false); done() }
  :: atomic { bs != 0 || rs != 0 -> progress(); done() }
  :: atomic { bs != 0 || rs != 0 -> progress(); done() }
  :: atomic { bs != 0 || rs != 0 -> progress(); done() }
  :: atomic { bs != 0 || rs != 0 -> progress(); done() }
#else
  :: atomic { cmd = C_VERIFY_BAD; a1 = 0; a2 = 0; verify(false); done() }
#endif
  :: atomic { counter < MAXSEQ && issued < MAXSEQ -> cmd = C_BACKUP; cut = false;
              if :: a1 = 1 :: a1 = 2 fi; backupStart((a1 == 2)); done() }
  :: atomic { cmd = C_BTRANSFER; a1 = 0; a2 = 0; cut = false; backupTransfer(); done() }
  :: atomic { issued > 0 -> cmd = C_BCOMPLETE; a2 = 0; cut = false;
              /* any header the environment holds (a hash it can compute) */
              select(a1 : 1 .. MAXSEQ);
              if :: hdr[a1] -> backupComplete(a1); done() :: else -> scrub() fi }
  :: atomic { cmd = C_BABORT; a1 = 0; a2 = 0; cut = false;
              if :: bs == 0 -> sw = SW_COND :: else -> bs = 0; sw = SW_OK fi; done() }
  :: atomic { issued > 0 -> cmd = C_RESTORE; cut = false;
              select(a1 : 1 .. MAXSEQ);
              if
              :: hdr[a1] -> if :: a2 = 0 :: a2 = 1 fi; restoreStart(a1, (a2 == 1)); done()
              :: else -> scrub()
              fi }
  :: atomic { issued > 0 -> cmd = C_RTRANSFER; cut = false;
              /* any record the environment holds: splice, reorder, drop, duplicate */
              select(a1 : 1 .. MAXSEQ);
              if :: a2 = 0 :: a2 = 1 fi;
              if
              :: got[a1] && bhas[IX(a1, a2)] -> restoreTransfer(a1, a2); done()
              :: else -> scrub()
              fi }
  :: atomic { cmd = C_RCOMPLETE; a1 = 0; a2 = 0; restoreComplete(); done() }
  :: atomic { cmd = C_RABORT; a1 = 0; a2 = 0; cut = false;
              if :: rs == 0 -> sw = SW_COND :: else -> rs = 0; staged[0] = 0; staged[1] = 0; sw = SW_OK fi; done() }
#ifdef TOKENS
  :: atomic { tokens < MAXTOK -> tokens++; addSlack(1) }   /* the issuer signs a load token */
  :: atomic { mem[0] < MAXV && tokens > 0 -> cmd = C_CREDIT; a2 = 0; cut = false;
              a1 = 1; do :: a1 < tokens -> a1++ :: break od; credit(a1); done() }
#else
  :: atomic { mem[0] < MAXV -> cmd = C_CREDIT; a1 = 0; a2 = 0; cut = false; credit(0); done() }
#endif
  :: atomic { cmd = C_DEBIT; a1 = 0; a2 = 0; cut = false; debit(); done() }
  :: atomic { cmd = C_POKE; a2 = 0; cut = false; if :: a1 = 1 :: a1 = 2 fi; poke(a1); done() }
  :: atomic { cmd = C_POWER; a1 = 0; a2 = 0; cut = false; powercut(); sw = SW_OK; done() }
  od
}
