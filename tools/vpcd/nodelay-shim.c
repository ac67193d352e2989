/*
 * Evidence for docs/bridge.md ("48 ms per APDU"), not part of the product: an
 * LD_PRELOAD shim for pcscd that turns Nagle off on every socket vpcd accepts.
 * vsmartcard-vpcd 3.3 sends each command as two send() calls (2-byte length, then the
 * APDU) on a socket with Nagle on; the second waits for the ACK of the first, which the
 * card's side delays (Linux delayed ACK, 40 ms minimum). With this shim the wait goes.
 * Built and used only by tools/vpcd/latency-probe.ts.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

int accept(int fd, struct sockaddr *addr, socklen_t *len) {
  static int (*real)(int, struct sockaddr *, socklen_t *);
  if (!real) real = (int (*)(int, struct sockaddr *, socklen_t *))dlsym(RTLD_NEXT, "accept");
  int s = real(fd, addr, len);
  if (s >= 0) {
    int one = 1;
    setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }
  return s;
}
