/*
 * hpcrun's remote-shell agent for Open MPI (plm_rsh_agent), in C: the same
 * protocol as src/exec/rsh-agent.ts, without a Node.js start per daemon
 * (about 40 ms of CPU each, which adds up on a small head node).
 *
 * Called as `rsh-agent [ssh options] HOST WORD...`; the words are joined with
 * spaces, as ssh does. It connects to the UNIX socket in HPCRUN_RSH_SOCKET
 * (served by the hpcrun process that started mpirun), sends one line of JSON
 * {"host":...,"command":...}, then relays its stdin to the socket and the
 * socket's frames to stdout and stderr. A frame is one type byte (1 stdout,
 * 2 stderr, 3 exit status as text), a 4-byte big-endian length, the payload.
 * It exits with the status hpcrun sends, or 255 as ssh does on failure.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static void die(const char *what) {
  fprintf(stderr, "hpcrun rsh-agent: %s: %s\n", what, strerror(errno));
  exit(255);
}

static int write_all(int fd, const char *buf, size_t len) {
  while (len > 0) {
    ssize_t n = write(fd, buf, len);
    if (n < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    buf += n;
    len -= (size_t)n;
  }
  return 0;
}

/* Appends s to the growing buffer as a JSON string body. Bytes >= 0x80 pass as they are (UTF-8). */
static char *json_append(char *out, size_t *len, size_t *cap, const char *s) {
  for (; *s; s++) {
    if (*len + 7 > *cap) {
      *cap = *cap * 2 + 64;
      out = realloc(out, *cap);
      if (!out) die("out of memory");
    }
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\') {
      out[(*len)++] = '\\';
      out[(*len)++] = (char)c;
    } else if (c < 0x20) {
      *len += (size_t)snprintf(out + *len, 7, "\\u%04x", c);
    } else {
      out[(*len)++] = (char)c;
    }
  }
  return out;
}

static int takes_value(const char *option) {
  return strcmp(option, "-i") == 0 || strcmp(option, "-o") == 0 || strcmp(option, "-l") == 0 || strcmp(option, "-p") == 0 ||
         strcmp(option, "-F") == 0 || strcmp(option, "-J") == 0 || strcmp(option, "-E") == 0;
}

int main(int argc, char **argv) {
  int i = 1;
  while (i < argc && argv[i][0] == '-') i += takes_value(argv[i]) ? 2 : 1;
  const char *socket_path = getenv("HPCRUN_RSH_SOCKET");
  if (i + 1 >= argc || !socket_path) {
    fprintf(stderr, "hpcrun rsh-agent: usage: rsh-agent [ssh options] HOST COMMAND... (with HPCRUN_RSH_SOCKET set by hpcrun)\n");
    return 255;
  }
  signal(SIGPIPE, SIG_IGN);

  size_t len = 0, cap = 256;
  char *request = malloc(cap);
  if (!request) die("out of memory");
  memcpy(request, "{\"host\":\"", 9);
  len = 9;
  request = json_append(request, &len, &cap, argv[i]);
  if (len + 16 > cap) request = realloc(request, cap = len + 16);
  memcpy(request + len, "\",\"command\":\"", 13);
  len += 13;
  for (int w = i + 1; w < argc; w++) {
    if (w > i + 1) request = json_append(request, &len, &cap, " ");
    request = json_append(request, &len, &cap, argv[w]);
  }
  if (len + 4 > cap) request = realloc(request, cap = len + 4);
  memcpy(request + len, "\"}\n", 3);
  len += 3;

  struct sockaddr_un address = {.sun_family = AF_UNIX};
  if (strlen(socket_path) >= sizeof address.sun_path) {
    errno = ENAMETOOLONG;
    die(socket_path);
  }
  strcpy(address.sun_path, socket_path);
  int sock = socket(AF_UNIX, SOCK_STREAM, 0);
  if (sock < 0) die("socket");
  if (connect(sock, (struct sockaddr *)&address, sizeof address) < 0) die(socket_path);
  if (write_all(sock, request, len) < 0) die("write");
  free(request);

  int status = 255;
  int stdin_open = 1;
  char buf[65536];
  /* Frames arrive in pieces: keep what is not a whole frame yet. */
  size_t have = 0, frame_cap = 65536 + 5;
  unsigned char *frame = malloc(frame_cap);
  if (!frame) die("out of memory");
  for (;;) {
    struct pollfd fds[2] = {{.fd = sock, .events = POLLIN}, {.fd = 0, .events = POLLIN}};
    int n = poll(fds, stdin_open ? 2 : 1, -1);
    if (n < 0) {
      if (errno == EINTR) continue;
      die("poll");
    }
    if (stdin_open && (fds[1].revents & (POLLIN | POLLHUP | POLLERR))) {
      ssize_t got = read(0, buf, sizeof buf);
      if (got > 0) {
        if (write_all(sock, buf, (size_t)got) < 0) stdin_open = 0;
      } else if (got == 0 || (errno != EINTR && errno != EAGAIN)) {
        /* The daemon's stdin ended: half-close, and keep reading its output. */
        stdin_open = 0;
        shutdown(sock, SHUT_WR);
      }
    }
    if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
      if (have + sizeof buf > frame_cap) {
        frame_cap = have + sizeof buf;
        frame = realloc(frame, frame_cap);
        if (!frame) die("out of memory");
      }
      ssize_t got = read(sock, frame + have, frame_cap - have);
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) break;
      have += (size_t)got;
      size_t at = 0;
      while (have - at >= 5) {
        size_t length = ((size_t)frame[at + 1] << 24) | ((size_t)frame[at + 2] << 16) | ((size_t)frame[at + 3] << 8) | frame[at + 4];
        if (have - at < 5 + length) {
          if (5 + length > frame_cap) {
            frame_cap = 5 + length + sizeof buf;
            frame = realloc(frame, frame_cap);
            if (!frame) die("out of memory");
          }
          break;
        }
        const char *payload = (const char *)frame + at + 5;
        if (frame[at] == 1) write_all(1, payload, length);
        else if (frame[at] == 2) write_all(2, payload, length);
        else if (frame[at] == 3) {
          char text[16] = {0};
          memcpy(text, payload, length < 15 ? length : 15);
          status = atoi(text);
        }
        at += 5 + length;
      }
      memmove(frame, frame + at, have - at);
      have -= at;
    }
  }
  return status;
}
