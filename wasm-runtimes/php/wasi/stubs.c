/* The functions that compat.h declares, for wasm32-wasi: each one fails as POSIX allows
 * (ENOSYS, or the answer of a process with no users, groups or other processes), so PHP's
 * own error paths report it. The headers of musl (which zig lays under wasi-libc) declare some
 * of them, wasi-libc defines none. Linked into php.wasm after PHP's objects. */
#include <errno.h>
#include <grp.h>
#include <netdb.h>
#include <pwd.h>
#include <stdio.h>
#include <syslog.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "compat.h"

uid_t getuid(void) { return 0; }
uid_t geteuid(void) { return 0; }
gid_t getgid(void) { return 0; }
gid_t getegid(void) { return 0; }
int getgroups(int size, gid_t list[]) { (void)size; (void)list; return 0; }

int chown(const char *path, uid_t owner, gid_t group) { (void)path; (void)owner; (void)group; errno = ENOSYS; return -1; }
int lchown(const char *path, uid_t owner, gid_t group) { (void)path; (void)owner; (void)group; errno = ENOSYS; return -1; }
int fchown(int fd, uid_t owner, gid_t group) { (void)fd; (void)owner; (void)group; errno = ENOSYS; return -1; }

/* WASI has no permission bits to mask: answer the usual default and keep nothing. */
mode_t umask(mode_t mask) { (void)mask; return 022; }

/* WASI preview 1 cannot duplicate a descriptor. */
int dup(int fd) { (void)fd; errno = ENOSYS; return -1; }
int dup2(int fd, int fd2) { (void)fd; (void)fd2; errno = ENOSYS; return -1; }
int getdtablesize(void) { return 1024; }

/* Only reached when mkstemp is missing; an empty name is mktemp's documented failure. */
char *mktemp(char *template_) { if (template_ != NULL) template_[0] = '\0'; errno = ENOSYS; return template_; }

FILE *popen(const char *command, const char *mode) { (void)command; (void)mode; errno = ENOSYS; return NULL; }
int pclose(FILE *stream) { (void)stream; errno = ENOSYS; return -1; }

int socket(int domain, int type, int protocol) { (void)domain; (void)type; (void)protocol; errno = ENOSYS; return -1; }
int connect(int fd, const struct sockaddr *addr, socklen_t len) { (void)fd; (void)addr; (void)len; errno = ENOSYS; return -1; }
int bind(int fd, const struct sockaddr *addr, socklen_t len) { (void)fd; (void)addr; (void)len; errno = ENOSYS; return -1; }
int listen(int fd, int backlog) { (void)fd; (void)backlog; errno = ENOSYS; return -1; }
int getsockname(int fd, struct sockaddr *addr, socklen_t *len) { (void)fd; (void)addr; (void)len; errno = ENOSYS; return -1; }
int getpeername(int fd, struct sockaddr *addr, socklen_t *len) { (void)fd; (void)addr; (void)len; errno = ENOSYS; return -1; }
int setsockopt(int fd, int level, int name, const void *value, socklen_t len) { (void)fd; (void)level; (void)name; (void)value; (void)len; errno = ENOSYS; return -1; }
ssize_t sendto(int fd, const void *buf, size_t n, int flags, const struct sockaddr *addr, socklen_t len) { (void)fd; (void)buf; (void)n; (void)flags; (void)addr; (void)len; errno = ENOSYS; return -1; }
ssize_t recvfrom(int fd, void *buf, size_t n, int flags, struct sockaddr *addr, socklen_t *len) { (void)fd; (void)buf; (void)n; (void)flags; (void)addr; (void)len; errno = ENOSYS; return -1; }

/* No user or group database. */
struct passwd *getpwnam(const char *name) { (void)name; errno = ENOSYS; return NULL; }
struct passwd *getpwuid(uid_t uid) { (void)uid; errno = ENOSYS; return NULL; }
struct group *getgrnam(const char *name) { (void)name; errno = ENOSYS; return NULL; }

/* No resolver: every name lookup fails as "host not found". */
int getnameinfo(const struct sockaddr *restrict addr, socklen_t len, char *restrict host, socklen_t hostlen,
		char *restrict serv, socklen_t servlen, int flags)
{
	(void)addr; (void)len; (void)host; (void)hostlen; (void)serv; (void)servlen; (void)flags;
	return EAI_FAIL;
}
int gethostbyname_r(const char *name, struct hostent *ret, char *buf, size_t buflen, struct hostent **result, int *err)
{
	(void)name; (void)ret; (void)buf; (void)buflen;
	*result = NULL;
	*err = HOST_NOT_FOUND;
	return ENOENT;
}

/* No system log: messages sent there are dropped (PHP logs to stderr unless error_log=syslog). */
void openlog(const char *ident, int option, int facility) { (void)ident; (void)option; (void)facility; }
void syslog(int priority, const char *format, ...) { (void)priority; (void)format; }
void closelog(void) {}
