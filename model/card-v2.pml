/*
 * icvault card OS protocol VERSION 2, model for Spin (docs/model.md, "Version 2").
 *
 * Two cards (card 0 and card 1, src/card-sim) of one issuer, the issuer's signing core
 * (issuer/core: load tokens, restore authorisations, epoch certificates) and the
 * attacker of docs/trust.md, who keeps every header, record, token, authorisation and
 * epoch certificate that was ever produced and may present any of them to either card,
 * in any order, any number of times. Cryptography is perfect: nothing the card or the
 * issuer did not make can be presented (signatures, HPKE, GCM-SIV tags), so the attacker
 * can only replay, splice, reorder and drop.
 *
 * Each card keeps (docs/trust.md, V2): NP abstract pages of backed-up memory (content =
 * a token naming the write that put it there), the changed table (fig. 4), the page
 * versions, the backup counter, the current point, restore pending, PIN tries, and
 * OUTSIDE the backed-up memory (src/card-sim/value-store.ts over BK.values): the value,
 * the load counter and the spend counter; the authorisation counter (BK.authorisation-
 * Counter), the epoch the card wraps its backups to and its minEpoch.
 *
 * Each command is one atomic step; a write group of the card is atomic
 * (src/card-sim/eeprom.ts), a power cut may fall between two groups of one command and
 * between a command's last write and its answer (midcut); a cut before a command or after
 * its answer is the POWER step of that card.
 *
 * -DWALK (random walks only): a wrong PIN only at full tries and no cut that would block
 * the PIN, so a long walk keeps making backups and restores; with two or three cards it
 * also offers the steps toward a restore into card 1 (guide) and card 1's next session
 * step, so that such restores happen often. test/model/conformance-pair.test.ts replays
 * those walks on TypeScript cards.
 * -DV1CORE (with -DNC=1 -DMAXTOK=0 -DMAXAUTH=0 -DMAXE=1) leaves the commands the card in
 * the tree shares with version 2: backups, same-card restores, PIN, application writes,
 * power; test/model/conformance.test.ts replays its walks on the TypeScript card.
 * -DCORE_VALUE (with -DV1CORE) adds the value of version 2 on that one card: loads by
 * the issuer's tokens (valid, replayed, skipped, forged), spends with receipts; the
 * conformance test replays those walks too, value and counters compared.
 *
 * Seeded bugs (one -D switch each, test/model/model-v2.test.ts):
 *   F1_ESCAPE      memory not locked during a restore session (the card before issue 10)
 *   SKIP_COUNTER   BACKUP does not write the backup counter
 *   FLAG_EARLY     restore commit clears "restore pending" before the pages are written
 *   PIN_LATE       VERIFY compares before it writes the spent try
 *   LOAD_NO_CHECK  LOAD does not check the token's load counter
 *   LOAD_NO_MOVE   LOAD does not move the load counter
 *   LOAD_SPLIT     LOAD writes the value and the load counter in two groups: a cut
 *                  between them skips the load-counter write, and the token loads again
 *   SPEND_NO_MOVE  a spend does not move the spend counter (receipts repeat)
 *   AUTH_NO_MOVE   RESTORE into another card does not move the authorisation counter
 *   AUTH_ANY_TARGET RESTORE into another card does not check the authorisation's target
 *   AUTH_ANY_HEAD  RESTORE into another card does not check the authorisation's chain head
 *   AUTH_BURN      RESTORE into another card writes the authorisation counter as soon as
 *                  the number fits, before the chain head is judged: a refused
 *                  authorisation moves the counter
 *   MINEPOCH_OFF   RESTORE does not refuse a backup of an epoch below minEpoch
 *   EPOCH_BACK     EPOCH UPDATE takes an epoch certificate that is not newer (a replayed
 *                  older one moves the card back to a retired epoch)
 *   EPOCH_KEEPS_POINT EPOCH UPDATE keeps the point and the changed table (the card before
 *                  its fix): a diff of the new epoch then rests on a base of the old one
 *   VALUE_RESTORED a restore puts back the value the card had at the backup
 *   VALUE_CROSS    a restore into another card takes the source's value at the backup
 *   NO_MAP_CHECK   a compacted restore takes any record of a page, not the one the
 *                  header's page map names (a splice of an older record)
 */

#ifndef NP
#define NP 1
#endif
#ifndef MAXB
#define MAXB 3       /* backups made, both cards together */
#endif
#ifndef MAXV
#define MAXV 1       /* value a card may hold */
#endif
#ifndef MAXTOK
#define MAXTOK 2     /* load tokens the issuer signs, both cards together */
#endif
#ifndef MAXAUTH
#define MAXAUTH 1    /* restore authorisations the issuer signs */
#endif
#ifndef MAXE
#define MAXE 2       /* epochs: 1 at personalisation, 2 retires 1 (minEpoch 2) */
#endif
#ifndef TRIES
#define TRIES 2
#endif
#ifndef NC
#define NC 2       /* cards: 3 only to tell the target binding from the chain head's */
#endif
#define SLACKCAP (MAXTOK + 1)

/* status words (src/protocol/status-words.ts) */
#define SW_OK       36864  /* 9000 */
#define SW_COND     27013  /* 6985 conditions of use not satisfied */
#define SW_SEC      27010  /* 6982 PIN required */
#define SW_BLOCKED  27011  /* 6983 */
#define SW_INVALID  27012  /* 6984 reference data not usable: retired epoch, used token/authorisation */
#define SW_SM       27016  /* 6988 backup data failed authentication */
#define SW_DATA     27264  /* 6A80 */
#define SW_P1P2     27270  /* 6A86 */
#define SW_REF      27272  /* 6A88 authorisation for another target card */
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
#define C_LOAD       11
#define C_SPEND      12
#define C_POKE       13
#define C_POWER      14
#define C_XRESTORE   15   /* RESTORE P1 01: another card's backup with an authorisation */
#define C_EPOCH      16   /* EPOCH UPDATE with an epoch certificate */
#define C_AUTH       17   /* the issuer signs restore authorisation a2 of backup a1 for card c */
#define C_NEWEPOCH   18   /* the issuer starts epoch a1 (minEpoch a1) */

/* Roles: card 0 makes backups and restores them into itself; the other cards are
   targets of restores into another card. -DANYROLE lets every card do everything (a
   bigger configuration). */
#ifdef ANYROLE
#define MAKER(k) true
#define TARGET(k) true
#else
#define MAKER(k) ((k) == 0)
#define TARGET(k) ((k) != 0)
#endif
/* A target card's holder is taken to have presented the PIN (its PIN is the same code
   as card 0's, checked there) unless -DPIN_TARGET or -DANYROLE. */
#if defined(ANYROLE) || defined(PIN_TARGET)
#define NEEDPIN(k) true
#else
#define NEEDPIN(k) MAKER(k)
#endif
#define PINOK(k) (pinok[k] || !NEEDPIN(k))

/* Random walks (-DWALK, one card) leave out steps that can only be refused for want of
   a session, and prefer the header and records a session needs, so a walk of a few
   thousand steps completes backups and restores; the exhaustive search has them all. */
#ifdef WALK
#define WG(cond) (cond)
#else
#define WG(cond) true
#endif

/* some card has a backup / restore session (NC <= 3) */
#define ANYBS (bs[0] != 0 || bs[NC - 1] != 0 || bs[NC / 2] != 0)
#define ANYRS (rs[0] != 0 || rs[NC - 1] != 0 || rs[NC / 2] != 0)

#define CP(c, p) ((c) * NP + (p))
#define BP(b, p) ((b) * NP + (p))

/* ---------------------------------------------------------------- persistent, per card */
byte mem[NC * NP];     /* backed-up memory: page content */
bool changed[NC * NP]; /* changed table (fig. 4) */
byte ver[NC * NP];     /* page-version table: the backup that last carried the page */
byte counter[NC];      /* backup counter */
byte point[NC];        /* current point: the backup the memory equals, 0 = none */
bool pending[NC];      /* restore pending */
byte tries[NC];        /* PIN retry counter */
byte val[NC];          /* value (outside backed-up memory) */
byte loadctr[NC];      /* load counter */
byte spendctr[NC];     /* spend counter */
byte authctr[NC];      /* authorisation counter */
byte epoch[NC];        /* epoch the card wraps its backups to */
byte minep[NC];        /* minEpoch */
byte hver[NC];         /* version of the hidden pages: the pages no step of the model writes
                          (AP table, other applications), the same for all of them */

/* ---------------------------------------------------------------- RAM (lost at a cut) */
bool pinok[NC];
byte bs[NC];           /* backup session: its backup, 0 = none */
bool bsent[NC];
byte rs[NC];           /* restore session: the header's backup, 0 = none */
bool rreplay[NC];
byte staged[NC * NP];  /* backup whose record of the page is staged, 0 = none */

/* ---------------------------------------------------------------- made, and held by the attacker */
byte nb;                      /* backups started (global numbering 1..MAXB) */
byte bcard[MAXB + 1];         /* card that made backup b */
byte bseq[MAXB + 1];          /* its backup counter value (header seq) */
bool bdiff[MAXB + 1];
byte bbase[MAXB + 1];         /* diff base (a backup), 0 for a full */
byte bepoch[MAXB + 1];        /* epoch its key is wrapped to */
bool hdr[MAXB + 1];           /* header answered (held by the attacker) */
bool got[MAXB + 1];           /* records answered */
bool bhas[(MAXB + 1) * NP];   /* page carried */
byte bhid[MAXB + 1];          /* the backup whose records carry its hidden pages (below) */
byte bmap[(MAXB + 1) * NP];   /* header's page map */
byte ntok;                    /* load tokens signed */
byte tcard[MAXTOK + 1];       /* token k: card */
byte tnum[MAXTOK + 1];        /* token k: load counter it carries */
byte itok[NC];                /* the issuer's ledger: tokens signed per card */
byte nauth;                   /* authorisations signed */
byte atarget[MAXAUTH + 1];
byte ahead[MAXAUTH + 1];      /* chain head: the backup whose header it names (hence the source) */
byte anum[MAXAUTH + 1];       /* target's authorisation counter + 1 (as the host read it) */
byte aepoch[MAXAUTH + 1];     /* the epoch whose key signed it (the issuer's current one) */
byte iepoch = 1;              /* newest epoch certificate the root signed */

/* ---------------------------------------------------------------- ghosts (specification only) */
byte snap[(MAXB + 1) * NP];   /* memory when backup b started; snap[0] = the blank memory */
byte snapv[MAXB + 1];         /* value when backup b started (only the VALUE_* mutants read it) */
short slack;                  /* signed loads - receipted spends - total value, saturated at SLACKCAP */
bool half[NC];                /* a restore commit started and its pages are not all written */
byte guesses[NC];             /* wrong PINs compared since the last right one */
bool tused[MAXTOK + 1];       /* token k loaded */
bool aused[MAXAUTH + 1];      /* authorisation k restored */
byte aacc[NC];                /* number of the last authorisation card k accepted */
byte receipt[NC];             /* highest spend counter a receipt named */
byte issued[NC];              /* highest backup seq answered per card */
/* previous values for "never go back": equal to the current ones between steps, so
   they add no states */
byte pcounter[NC]; byte ploadctr[NC]; byte pspendctr[NC]; byte pauthctr[NC];
byte pepoch[NC]; byte pminep[NC]; byte ptries[NC]; bool pinreset;

/* scratch of one step, zeroed by scrub() */
byte i; byte j; byte c; byte cmd; byte a1; byte a2; bool cut; int sw; bool okset; bool diffstep;
short uv;

inline report() {
  printf("@@ %d %d %d %d %d %d | %d %d %d %d %d %d %d %d %d %d %d %d\n", c, cmd, a1, a2, cut, sw,
         counter[c], tries[c], pending[c], mem[CP(c, 0)], changed[CP(c, 0)], point[c],
         val[c], loadctr[c], spendctr[c], authctr[c], epoch[c], minep[c])
}

inline monotone(k) {
  /* P_MONO: backup, load, spend and authorisation counters, epoch and minEpoch never go
     back; PIN tries only go up by a right PIN */
  assert(counter[k] >= pcounter[k] && loadctr[k] >= ploadctr[k] && spendctr[k] >= pspendctr[k]);
  assert(authctr[k] >= pauthctr[k]);
  /* the epoch never goes back, nor does minEpoch (EPOCH UPDATE takes only a newer one) */
  assert(epoch[k] >= pepoch[k] && minep[k] >= pminep[k]);
  assert(tries[k] <= ptries[k] || pinreset);
  /* P_AUTH_COUNT: the authorisation counter moves only when an authorisation is
     accepted (a refused one leaves it, so it cannot be burnt) */
  assert(authctr[k] <= aacc[k]);
  pcounter[k] = counter[k]; ploadctr[k] = loadctr[k]; pspendctr[k] = spendctr[k];
  pauthctr[k] = authctr[k]; pepoch[k] = epoch[k]; pminep[k] = minep[k]; ptries[k] = tries[k];
  /* P_PIN_ONCE: every wrong PIN compared cost a try */
  assert(guesses[k] + tries[k] <= TRIES);
#ifndef NO_P_DIFF
  /* P_DIFF: every page written since the current point is in the changed table, so the
     next diff (based on that point) carries it */
  i = 0;
  do
  :: i < NP -> assert(changed[CP(k, i)] || mem[CP(k, i)] == snap[BP(point[k], i)]); i++
  :: else -> break
  od;
#endif
}

inline invariants() {
#ifndef NO_P_VALUE
  /* P_VALUE: total value on all cards <= issuer-signed loads - receipted spends */
  assert(slack >= 0);
#endif
  j = 0; do :: j < NC -> monotone(j); j++ :: else -> break od; j = 0; pinreset = false
}

inline scrub() {
  i = 0; j = 0; c = 0; cmd = 0; a1 = 0; a2 = 0; cut = false; sw = 0; okset = false; diffstep = false; uv = 0
}

inline done() {
  report(); invariants(); scrub()
}

inline addSlack(n) {
  slack = (slack + n > SLACKCAP -> SLACKCAP : slack + n)
}

#ifdef F1_ESCAPE
#define LOCKED (bs[c] != 0)
#else
#define LOCKED (bs[c] != 0 || rs[c] != 0)
#endif

inline endRestore() {
  rs[c] = 0; i = 0; do :: i < NP -> staged[CP(c, i)] = 0; i++ :: else -> break od
}

inline powercut() {
  pinok[c] = false; bs[c] = 0; bsent[c] = false; endRestore(); sw = SW_CUT
}

/* P_HALF: an application command is answered only when no restore is half applied */
inline answered() {
  assert(!half[c])
}

/* refusals are checked in order: the first that holds answers */
inline refuseIf(cond, code) {
  if :: sw == 0 && (cond) -> sw = code :: else -> skip fi
}

inline anyChanged() {
  okset = false; i = 0;
  do :: i < NP -> okset = okset || changed[CP(c, i)]; i++ :: else -> break od
}

inline midcut() {
#ifdef NO_MIDCUT
  cut = false
#elif defined(WALK)
  /* random walks: never block the PIN (the walk would answer 6983 from then on) */
  if :: cmd == C_VERIFY_OK && tries[c] == 0 -> cut = false :: else -> if :: cut = false :: cut = true fi fi
#else
  if :: cut = false :: cut = true fi
#endif
}

/* ================================================================ commands (card c) */

inline verify(right) {
  if
  :: tries[c] == 0 -> sw = SW_BLOCKED
  :: else ->
#ifdef PIN_LATE
     if
     :: !right -> guesses[c]++; pinok[c] = false; midcut();
        if :: cut -> powercut() :: else -> tries[c]--; sw = SW_TRIES + tries[c] fi
     :: else -> tries[c] = TRIES; pinreset = true; pinok[c] = true; guesses[c] = 0; sw = SW_OK
     fi
#else
     tries[c]--;                                 /* group 1: the try is spent first (pin.ts) */
     midcut();
     if
     :: cut -> powercut()
     :: !cut && !right -> guesses[c]++; pinok[c] = false; sw = SW_TRIES + tries[c]
     :: !cut && right -> tries[c] = TRIES; pinreset = true; pinok[c] = true; guesses[c] = 0; sw = SW_OK
     fi
#endif
  fi
}

inline backupStart(diff) {
  if
  :: !PINOK(c) -> sw = SW_SEC
  :: PINOK(c) && (pending[c] || bs[c] != 0 || rs[c] != 0) -> sw = SW_COND
  /* a diff needs a current point of this card's own (store.ts currentPoint: a point
     restored from another card's backup is none) */
  :: PINOK(c) && !pending[c] && bs[c] == 0 && rs[c] == 0 && diff && (point[c] == 0 || bcard[point[c]] != c) -> sw = SW_COND
  :: else ->
     nb++; a2 = nb;                              /* the backup, named by its header */
     bcard[a2] = c; bseq[a2] = counter[c] + 1;
     /* P_RESTORABLE (docs/model.md; found by the two-card walks, mended in epoch.ts): a
        diff is based on a point of the card's current epoch, so the records it leaves to
        its base open under its own header */
     assert(!diff || bepoch[point[c]] == epoch[c]);
     /* a seq is never answered twice by one card (the nonce of its records) */
     assert(bseq[a2] > issued[c]);
     issued[c] = bseq[a2];
     i = 0;
     do
     :: i < NP ->
        bhas[BP(a2, i)] = !diff || changed[CP(c, i)];
        bmap[BP(a2, i)] = (bhas[BP(a2, i)] -> a2 : ver[CP(c, i)]);
        snap[BP(a2, i)] = mem[CP(c, i)];
        i++
     :: else -> break
     od;
     snapv[a2] = val[c];
     bhid[a2] = (diff -> hver[c] : a2);
     bdiff[a2] = diff; bbase[a2] = (diff -> point[c] : 0); bepoch[a2] = epoch[c];
#ifndef SKIP_COUNTER
     counter[c] = bseq[a2];                      /* written before the answer (fig. 14) */
#endif
     midcut();
     if
     :: cut -> powercut()
     :: else -> hdr[a2] = true; bs[c] = a2; bsent[c] = false; sw = SW_OK
     fi
  fi
}

inline backupTransfer() {
  if
  :: bs[c] == 0 || bsent[c] -> sw = SW_COND
  :: else -> bsent[c] = true; got[bs[c]] = true; sw = SW_OK
  fi
}

inline backupComplete(b) {
  if
  :: bs[c] == 0 || !bsent[c] -> sw = SW_COND
  :: bs[c] != 0 && bsent[c] && b != bs[c] -> sw = SW_DATA
  :: else ->                                     /* one group (fig. 16, 150) */
     i = 0;
     do :: i < NP -> ver[CP(c, i)] = bmap[BP(b, i)]; changed[CP(c, i)] = false; i++ :: else -> break od;
     hver[c] = bhid[b]; point[c] = b; bs[c] = 0; sw = SW_OK
  fi
}

/* After RESTORE is accepted the host sends the records of the hidden pages (the newest
   ones, of backup bhid[b]; a replay diff step carries none): a record of another epoch
   than the header's does not open, 6988, and the refusal ends the session. (The
   conformance driver sends them right after RESTORE, as this says.) */
inline hiddenPages(b, replay) {
  if :: !(replay && bdiff[b]) && bepoch[bhid[b]] != bepoch[b] -> endRestore() :: else -> skip fi
}

/* RESTORE P1 00: this card's own backup b (fig. 15, 162-164) */
inline restoreStart(b, replay) {
  endRestore();                                  /* a refusal ends the session, a start replaces it (table.ts) */
  anyChanged();
  sw = 0;
  /* refusals in the card's order (restore-start.ts) */
  refuseIf(!PINOK(c), SW_SEC);
  refuseIf(bs[c] != 0, SW_COND);
#ifndef MINEPOCH_OFF
  refuseIf(bepoch[b] < minep[c], SW_INVALID);    /* a retired epoch's backup */
#endif
  refuseIf(bcard[b] != c, SW_REF);               /* header of another card: P1 01 */
  refuseIf(replay && bdiff[b] && (point[c] != bbase[b] || okset), SW_COND);
  refuseIf(bseq[b] > counter[c], SW_SM);
  if :: sw == 0 -> rs[c] = b; rreplay[c] = replay; sw = SW_OK; hiddenPages(b, replay) :: else -> skip fi
}

/* RESTORE P1 01: backup b of another card with authorisation k (fig. 15, 165-167; V2) */
inline crossStart(b, k) {
  endRestore();
  sw = 0;
  /* refusals in the card's order (restore-start.ts, checkAuthorisationV2) */
  refuseIf(!PINOK(c), SW_SEC);
  refuseIf(bs[c] != 0, SW_COND);
#ifndef MINEPOCH_OFF
  refuseIf(bepoch[b] < minep[c], SW_INVALID);
#endif
  refuseIf(bcard[b] == c, SW_P1P2);              /* its own backup: P1 00 */
  refuseIf(aepoch[k] != epoch[c], SW_SEC);       /* signed by another epoch's key than the card's */
#ifndef AUTH_ANY_TARGET
  refuseIf(atarget[k] != c, SW_REF);
#endif
#ifdef AUTH_BURN
  /* the bug: the counter is checked and written before the chain head is judged */
  refuseIf(anum[k] != authctr[c] + 1, SW_INVALID);
  if :: sw == 0 -> authctr[c] = anum[k] :: else -> skip fi;
#endif
#ifndef AUTH_ANY_HEAD
  refuseIf(ahead[k] != b, SW_SEC);               /* the chain head: another point */
#endif
#ifndef AUTH_BURN
  refuseIf(anum[k] != authctr[c] + 1, SW_INVALID);
#endif
  if
  :: sw == 0 ->
     /* P_AUTH_ONCE: a restore into another card rests on an authorisation the issuer
        signed for exactly this target and chain head (hence source), used once */
     assert(atarget[k] == c && ahead[k] == b && !aused[k]);
     aused[k] = true; aacc[c] = anum[k];
#if !defined(AUTH_NO_MOVE) && !defined(AUTH_BURN)
     authctr[c] = anum[k];                       /* one group, before the answer */
#endif
     midcut();
     if
     :: cut -> powercut()
     :: else -> rs[c] = b; rreplay[c] = false; sw = SW_OK; hiddenPages(b, false)
     fi
  :: else -> skip
  fi
}

/* RESTORE DATA TRANSFER of record (b, p) */
inline restoreTransfer(b, p) {
  sw = 0;
  refuseIf(rs[c] == 0, SW_COND);
  /* a record of another card (another key), of another epoch than the header's (sealed
     to another context), another step, a later backup, a page twice */
  refuseIf(bcard[b] != bcard[rs[c]] || bepoch[b] != bepoch[rs[c]] || (rreplay[c] && b != rs[c]) || (!rreplay[c] && bseq[b] > bseq[rs[c]]), SW_SM);
  refuseIf(staged[CP(c, p)] != 0, SW_SM);
  if
  :: sw == 0 -> staged[CP(c, p)] = b; sw = SW_OK
  :: sw == SW_SM -> endRestore()
  :: else -> skip
  fi
}

inline restoreComplete() {
  if
  :: rs[c] == 0 -> sw = SW_COND
  :: else ->
     diffstep = rreplay[c] && bdiff[rs[c]];
     okset = true;
     i = 0;
     do
     :: i < NP ->
        if
        :: diffstep -> okset = okset && ((staged[CP(c, i)] != 0) == bhas[BP(rs[c], i)]);
           okset = okset && bmap[BP(rs[c], i)] == (staged[CP(c, i)] != 0 -> staged[CP(c, i)] : ver[CP(c, i)])
#ifdef NO_MAP_CHECK
        :: else -> okset = okset && staged[CP(c, i)] != 0
#else
        :: else -> okset = okset && staged[CP(c, i)] != 0 && bmap[BP(rs[c], i)] == staged[CP(c, i)]
#endif
        fi;
        i++
     :: else -> break
     od;
     if
     :: !okset -> sw = SW_SM; endRestore()
     :: else ->
        a1 = rs[c]; rs[c] = 0; uv = val[c];
        /* P_EPOCH: no backup of an epoch below minEpoch is restored */
        assert(bepoch[a1] >= minep[c]);
        pending[c] = true; half[c] = true;       /* group 1: restore pending */
        midcut();
        if
        :: cut -> powercut()
        :: else ->
#ifdef FLAG_EARLY
           i = 0; do :: i < NP -> ver[CP(c, i)] = bmap[BP(a1, i)]; changed[CP(c, i)] = false; i++ :: else -> break od;
           hver[c] = bhid[a1]; point[c] = a1; pending[c] = false;
           midcut();
           if
           :: cut -> powercut()
           :: else ->
              i = 0; do :: i < NP -> if :: staged[CP(c, i)] != 0 -> mem[CP(c, i)] = snap[BP(staged[CP(c, i)], i)] :: else -> skip fi; i++ :: else -> break od;
              half[c] = false; sw = SW_OK
           fi
#else
           /* group 2: every page, versions, changed table cleared (182), point, pending
              cleared. The value is not in backed-up memory: untouched (V2). */
           i = 0;
           do
           :: i < NP ->
              if :: staged[CP(c, i)] != 0 -> mem[CP(c, i)] = snap[BP(staged[CP(c, i)], i)] :: else -> skip fi;
              ver[CP(c, i)] = bmap[BP(a1, i)]; changed[CP(c, i)] = false; i++
           :: else -> break
           od;
#ifdef VALUE_RESTORED
           if :: bcard[a1] == c -> addSlack(val[c] - snapv[a1]); val[c] = snapv[a1] :: else -> skip fi;
#endif
#ifdef VALUE_CROSS
           if :: bcard[a1] != c -> addSlack(val[c] - snapv[a1]); val[c] = snapv[a1] :: else -> skip fi;
#endif
           hver[c] = bhid[a1]; point[c] = a1; pending[c] = false; half[c] = false; sw = SW_OK
#endif
        fi;
        endRestore();
#ifndef NO_P_MEMORY
        /* P_MEMORY: a completed restore leaves exactly the memory of its point */
        if
        :: sw == SW_OK -> i = 0; do :: i < NP -> assert(mem[CP(c, i)] == snap[BP(a1, i)]); i++ :: else -> break od
        :: else -> skip
        fi;
#endif
#ifndef NO_P_KEEP
        /* P_KEEP: a restore leaves the value as it was (same card: the balance kept;
           another card: the target's own value) */
        assert(val[c] == uv);
#endif
        skip
     fi
  fi
}

/* LOAD with token k (e-money CREDIT / membership ADD POINTS, V2: issuer-signed) */
inline load(k) {
  sw = 0;
  refuseIf(pending[c] || LOCKED, SW_COND);
  refuseIf(tcard[k] != c, SW_DATA);              /* a token for another card */
#ifndef LOAD_NO_CHECK
  refuseIf(tnum[k] != loadctr[c] + 1, SW_INVALID);
#endif
  if
  :: sw == SW_COND -> skip
  :: sw != 0 && sw != SW_COND -> answered()
  :: else ->
     /* P_TOKEN_ONCE: an issuer-signed token for this card, loading for the first time */
     assert(tcard[k] == c && !tused[k]);
     tused[k] = true;
     val[c]++; slack--;                          /* one group: value and load counter */
#ifdef LOAD_SPLIT
     /* the bug: the load counter in a second group, a cut between the two skips it */
     midcut();
     if :: cut -> powercut() :: else -> loadctr[c] = tnum[k]; sw = SW_OK; answered() fi
#else
#ifndef LOAD_NO_MOVE
     loadctr[c] = tnum[k];
#endif
     midcut();
     if :: cut -> powercut() :: else -> sw = SW_OK; answered() fi
#endif
  fi
}

/* LOAD with a token the issuer did not sign (a1 = 0 in the @@ line): refused, nothing
   changes; the card checks the memory lock before the signature (value-access.ts) */
inline forgedLoad() {
  if
  :: pending[c] || LOCKED -> sw = SW_COND
  :: else -> sw = SW_SEC; answered()
  fi
}

/* a spend (e-money DEBIT), answered with a card-signed receipt */
inline spend() {
  if
  :: pending[c] || LOCKED -> sw = SW_COND
  :: !pending[c] && !LOCKED && val[c] == 0 -> sw = SW_COND; answered()
  :: else ->
     val[c]--;                                   /* one group: value and spend counter */
#ifndef SPEND_NO_MOVE
     spendctr[c]++;
#endif
     midcut();
     if
     :: cut -> powercut(); addSlack(1)          /* spent, but no receipt: the ledger never sees it */
     :: else ->
        /* P_RECEIPT: every receipt names a spend counter no receipt named before, so the
           ledger counts each spend once */
        assert(spendctr[c] > receipt[c]);
        receipt[c] = spendctr[c];
        sw = SW_OK; answered()
     fi
  fi
}

inline poke(t) {
  if
  :: pending[c] || LOCKED -> sw = SW_COND
  :: else -> mem[CP(c, a2)] = t; changed[CP(c, a2)] = true; sw = SW_OK; answered()
  fi
}

/* EPOCH UPDATE with the root-signed certificate of epoch e (minEpoch e: each new epoch
   retires the ones before it). Refused during a backup or restore session. */
inline epochUpdate(e) {
  if
  :: bs[c] != 0 || rs[c] != 0 -> sw = SW_COND
#ifndef EPOCH_BACK
  :: bs[c] == 0 && rs[c] == 0 && e <= epoch[c] -> sw = SW_INVALID
#endif
  /* one group; the point becomes none and every page changed: no page is backed up under
     the new epoch, so the next backup is full (epoch.ts; without it a diff of the new epoch
     rests on a base of the old one: P_RESTORABLE) */
#ifndef EPOCH_KEEPS_POINT
  :: else -> epoch[c] = e; minep[c] = e; point[c] = 0;
             i = 0; do :: i < NP -> changed[CP(c, i)] = true; i++ :: else -> break od;
             sw = SW_OK
#else
  :: else -> epoch[c] = e; minep[c] = e; sw = SW_OK
#endif
  fi
}

#ifdef WALK
/* Random walks: the next step of card 0's open session (BACKUP DATA TRANSFER, BACKUP
   COMPLETE with its own header, the record of the next page the header needs, RESTORE
   COMPLETE), offered beside the attacker's choices so sessions finish often. */
inline progress() {
  c = 0; progressOn()
}
inline progressOn() {
  if
  :: bs[c] != 0 && !bsent[c] -> cmd = C_BTRANSFER; backupTransfer()
  :: bs[c] != 0 && bsent[c] -> cmd = C_BCOMPLETE; a1 = bs[c]; backupComplete(a1)
  :: bs[c] == 0 && rs[c] != 0 ->
     a2 = NP; i = 0;
     do
     :: i < NP && a2 == NP && staged[CP(c, i)] == 0 && (!(rreplay[c] && bdiff[rs[c]]) || bhas[BP(rs[c], i)]) -> a2 = i
     :: i < NP -> i++
     :: i >= NP -> break
     od;
     if
     :: a2 < NP && got[bmap[BP(rs[c], a2)]] -> cmd = C_RTRANSFER; a1 = bmap[BP(rs[c], a2)]; restoreTransfer(a1, a2)
     :: else -> cmd = C_RCOMPLETE; a1 = 0; a2 = 0; restoreComplete()
     fi
  fi
}
#endif

/* The issuer signs restore authorisation nauth + 1 of backup a1 for card c, if
   issuer/core's restoreAuthorisation would: a backup whose epoch is not retired, for
   source and target cards whose certificates are of an unretired epoch (each new epoch
   retires the ones before it, so: the current one). The counter is the target's as the
   host read it (GET DATA 010B) + 1, the key the current epoch's. */
inline authorise() {
  if
  :: got[a1] && bepoch[a1] == iepoch && epoch[bcard[a1]] == iepoch && epoch[c] == iepoch && c != bcard[a1] ->
     nauth++; atarget[nauth] = c; ahead[nauth] = a1; anum[nauth] = authctr[c] + 1; aepoch[nauth] = iepoch;
     cmd = C_AUTH; a2 = nauth; sw = SW_OK; done()
  :: else -> scrub()
  fi
}

#if defined(WALK) && NC > 1
/* Random walks of two cards: one of the steps a restore into card 1 needs, offered
   beside the attacker's choices so that such restores happen often. */
inline guide() {
  if
  :: !pinok[0] -> c = 0; cmd = C_VERIFY_OK; verify(true); done()
  :: !pinok[1] -> c = 1; cmd = C_VERIFY_OK; verify(true); done()
  :: epoch[0] < iepoch -> c = 0; cmd = C_EPOCH; a1 = iepoch; epochUpdate(a1); done()
  :: epoch[1] < iepoch -> c = 1; cmd = C_EPOCH; a1 = iepoch; epochUpdate(a1); done()
  :: nb < MAXB && bs[0] == 0 && rs[0] == 0 -> c = 0; cmd = C_BACKUP; a1 = 1; backupStart(false); done()
  :: nauth < MAXAUTH && nb > 0 -> a1 = nb; c = 1; authorise()
  fi
}
#endif

/* ================================================================ the environment */

init {
  atomic {
    i = 0;
    do :: i < NC -> tries[i] = TRIES; ptries[i] = TRIES; epoch[i] = 1; pepoch[i] = 1; minep[i] = 1; pminep[i] = 1; i++
       :: else -> break od;
    i = 0
  }
  do
  :: atomic { select(c : 0 .. NC - 1); if :: NEEDPIN(c) -> cmd = C_VERIFY_OK; verify(true); done() :: else -> scrub() fi }
#ifdef WALK
  :: atomic { select(c : 0 .. NC - 1); if :: NEEDPIN(c) && tries[c] == TRIES -> cmd = C_VERIFY_BAD; verify(false); done() :: else -> scrub() fi }
#else
  :: atomic { select(c : 0 .. NC - 1); if :: NEEDPIN(c) -> cmd = C_VERIFY_BAD; verify(false); done() :: else -> scrub() fi }
#endif
  :: atomic { nb < MAXB -> select(c : 0 .. NC - 1);
              if
              :: MAKER(c) -> cmd = C_BACKUP; if :: a1 = 1 :: a1 = 2 fi; backupStart((a1 == 2)); done()
              :: else -> scrub()
              fi }
  :: atomic { WG(ANYBS) -> select(c : 0 .. NC - 1); cmd = C_BTRANSFER; backupTransfer(); done() }
  :: atomic { nb > 0 && WG(ANYBS) -> select(c : 0 .. NC - 1); cmd = C_BCOMPLETE;
#ifdef WALK
              if :: a1 = bs[c] :: select(a1 : 1 .. nb) fi;
#else
              select(a1 : 1 .. nb);
#endif
              /* any header the attacker holds (a hash it can compute) */
              if :: hdr[a1] -> backupComplete(a1); done() :: else -> scrub() fi }
  :: atomic { WG(ANYBS) -> select(c : 0 .. NC - 1); cmd = C_BABORT;
              if :: bs[c] == 0 -> sw = SW_COND :: else -> bs[c] = 0; sw = SW_OK fi; done() }
  :: atomic { nb > 0 -> select(c : 0 .. NC - 1); cmd = C_RESTORE;
              select(a1 : 1 .. nb);
              if
              :: hdr[a1] && MAKER(c) -> if :: a2 = 0 :: a2 = 1 fi; restoreStart(a1, (a2 == 1)); done()
              :: else -> scrub()
              fi }
  :: atomic { nauth > 0 -> select(c : 0 .. NC - 1); cmd = C_XRESTORE;
              select(a1 : 1 .. nb); select(a2 : 1 .. nauth);
              if
              :: hdr[a1] && TARGET(c) -> crossStart(a1, a2); done()
              :: else -> scrub()
              fi }
  :: atomic { nb > 0 && WG(ANYRS) -> select(c : 0 .. NC - 1); cmd = C_RTRANSFER;
              /* any record held: splice, reorder, drop, duplicate, another card's */
              select(a2 : 0 .. NP - 1);
#ifdef WALK
              if :: a1 = bmap[BP(rs[c], a2)] :: select(a1 : 1 .. nb) fi;
#else
              select(a1 : 1 .. nb);
#endif
              if
              :: got[a1] && bhas[BP(a1, a2)] -> restoreTransfer(a1, a2); done()
              :: else -> scrub()
              fi }
  :: atomic { WG(ANYRS) -> select(c : 0 .. NC - 1); cmd = C_RCOMPLETE; restoreComplete(); done() }
  :: atomic { WG(ANYRS) -> select(c : 0 .. NC - 1); cmd = C_RABORT;
              if :: rs[c] == 0 -> sw = SW_COND :: else -> endRestore(); sw = SW_OK fi; done() }
  :: atomic { ntok > 0 -> select(c : 0 .. NC - 1); cmd = C_LOAD;
#ifdef WALK
              /* random walks (one card: token k carries load counter k) also offer the
                 card's next token, so walks load often beside the replays */
              if :: loadctr[c] < ntok -> a1 = loadctr[c] + 1 :: select(a1 : 1 .. ntok) fi;
#else
              select(a1 : 1 .. ntok);
#endif
              if :: val[c] < MAXV -> load(a1); done() :: else -> scrub() fi }
#if !defined(V1CORE) || defined(CORE_VALUE)
  :: atomic { select(c : 0 .. NC - 1); cmd = C_SPEND; spend(); done() }
  :: atomic { select(c : 0 .. NC - 1); cmd = C_LOAD; a1 = 0; forgedLoad(); done() }
#endif
#ifdef WALK
  :: atomic { bs[0] != 0 || rs[0] != 0 -> progress(); done() }
  :: atomic { bs[0] != 0 || rs[0] != 0 -> progress(); done() }
  :: atomic { bs[0] != 0 || rs[0] != 0 -> progress(); done() }
  :: atomic { bs[0] != 0 || rs[0] != 0 -> progress(); done() }
#endif
  :: atomic { select(c : 0 .. NC - 1); select(a2 : 0 .. NP - 1);
              if :: MAKER(c) -> cmd = C_POKE; a1 = 1 - mem[CP(c, a2)]; poke(a1); done() :: else -> scrub() fi }
  :: atomic { select(c : 0 .. NC - 1); cmd = C_POWER; powercut(); sw = SW_OK; done() }
#ifndef V1CORE
  :: atomic { select(c : 0 .. NC - 1); cmd = C_EPOCH; select(a1 : 1 .. iepoch); epochUpdate(a1); done() }
#endif
  /* the issuer: signs a load token for a card (its ledger numbers them: the card's load
     counter + 1 as the issuer knows it), an authorisation to restore a backup it holds
     into another card (the target's authorisation counter + 1), a newer epoch */
  :: atomic { ntok < MAXTOK -> select(c : 0 .. NC - 1);
              ntok++; itok[c]++; tcard[ntok] = c; tnum[ntok] = itok[c]; addSlack(1); c = 0 }
  /* The issuer signs only what issuer/core's restoreAuthorisation signs: a backup whose
     epoch is not retired, for source and target cards whose certificates are of an
     unretired epoch (each new epoch retires the ones before it, so: the current one);
     the counter is the target's as the host read it (GET DATA 010B) + 1, the key the
     current epoch's. */
  :: atomic { nauth < MAXAUTH && nb > 0 -> select(a1 : 1 .. nb); select(c : 0 .. NC - 1);
              if :: c == bcard[a1] -> c = (c + 1) % NC :: else -> skip fi;  /* another card */
              authorise() }
  :: atomic { iepoch < MAXE && WG(nb >= 10 * iepoch) -> iepoch++; c = 0; cmd = C_NEWEPOCH; a1 = iepoch; sw = SW_OK; done() }
#if defined(WALK) && NC > 1
  /* random walks of several cards: the newest authorisation presented as signed, the
     next step of another card's open session, and the steps toward a restore into
     another card (guide) */
  :: atomic { nauth > 0 && !aused[nauth] && PINOK(atarget[nauth]) && rs[atarget[nauth]] == 0 -> c = atarget[nauth]; cmd = C_XRESTORE; a2 = nauth; a1 = ahead[a2]; crossStart(a1, a2); done() }
  :: atomic { guide() }
  :: atomic { guide() }
  :: atomic { bs[1] != 0 || rs[1] != 0 -> c = 1; progressOn(); done() }
  :: atomic { bs[1] != 0 || rs[1] != 0 -> c = 1; progressOn(); done() }
  :: atomic { bs[1] != 0 || rs[1] != 0 -> c = 1; progressOn(); done() }
  :: atomic { bs[1] != 0 || rs[1] != 0 -> c = 1; progressOn(); done() }
  :: atomic { bs[1] != 0 || rs[1] != 0 -> c = 1; progressOn(); done() }
  :: atomic { bs[1] != 0 || rs[1] != 0 -> c = 1; progressOn(); done() }
#endif
  od
}
