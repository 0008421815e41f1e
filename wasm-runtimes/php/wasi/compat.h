/* Force-included (-include) into every C file of the wasm32-wasi PHP build, at make time only
 * (configure's checks do not see it). It declares the POSIX functions and constants that PHP's
 * always-built core (main/network.c, main/streams/xp_socket.c, sapi/cli/php_cli_server.c,
 * ext/standard/{exec,file,filestat,mail,pageinfo}.c, Zend/zend_virtual_cwd.c) uses and that
 * WASI preview 1 has no notion of: users and groups, ownership, umask, processes, dup, and BSD
 * sockets beyond accept/recv/send/shutdown. stubs.c defines each one to fail with ENOSYS (or a
 * harmless constant), so PHP reports an ordinary failure ("Function not implemented") instead of
 * the build needing a patch per call site. */
#ifndef EMBEDSANDBOX_WASI_COMPAT_H
#define EMBEDSANDBOX_WASI_COMPAT_H
#ifdef __wasi__

#include <sys/types.h>
#include <stdio.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>

/* wasi-libc's struct sockaddr_un has no sun_path (WASI has no UNIX-domain sockets); PHP's
 * socket code only needs the member to compile: socket() below always fails. */
#define __wasilibc___struct_sockaddr_un_h
struct sockaddr_un {
	sa_family_t sun_family;
	char sun_path[108];
};

#ifndef PF_UNIX
# define PF_UNIX AF_UNIX
#endif
#ifndef SOMAXCONN
# define SOMAXCONN 128
#endif
#ifndef SO_ERROR
# define SO_ERROR 4
#endif
#ifndef SO_REUSEADDR
# define SO_REUSEADDR 2
#endif
#ifndef SO_KEEPALIVE
# define SO_KEEPALIVE 9
#endif
#ifndef SO_BROADCAST
# define SO_BROADCAST 6
#endif
#ifndef SO_RCVTIMEO
# define SO_RCVTIMEO 66
#endif
#ifndef SO_SNDTIMEO
# define SO_SNDTIMEO 67
#endif
#ifndef SOL_IP
# define SOL_IP 0
#endif
#ifndef SOL_TCP
# define SOL_TCP 6
#endif
#ifndef MSG_OOB
# define MSG_OOB 0x0001
#endif
#ifndef MSG_DONTWAIT
# define MSG_DONTWAIT 0x0040
#endif
/* Record locks: wasi-libc's fcntl() answers EINVAL to these, so flock() fails cleanly. */
#ifndef F_RDLCK
# define F_RDLCK 0
# define F_WRLCK 1
# define F_UNLCK 2
#endif
#ifndef F_SETLK
# define F_SETLK 6
# define F_SETLKW 7
#endif
#ifndef POLLPRI
# define POLLPRI 0
#endif

#ifdef __cplusplus
extern "C" {
#endif
uid_t getuid(void);
uid_t geteuid(void);
gid_t getgid(void);
gid_t getegid(void);
int getgroups(int size, gid_t list[]);
int chown(const char *path, uid_t owner, gid_t group);
int lchown(const char *path, uid_t owner, gid_t group);
int fchown(int fd, uid_t owner, gid_t group);
mode_t umask(mode_t mask);
int dup(int fd);
int dup2(int fd, int fd2);
int getdtablesize(void);
char *mktemp(char *template_);
FILE *popen(const char *command, const char *mode);
int pclose(FILE *stream);
int socket(int domain, int type, int protocol);
int connect(int fd, const struct sockaddr *addr, socklen_t len);
int bind(int fd, const struct sockaddr *addr, socklen_t len);
int listen(int fd, int backlog);
int getsockname(int fd, struct sockaddr *addr, socklen_t *len);
int getpeername(int fd, struct sockaddr *addr, socklen_t *len);
int setsockopt(int fd, int level, int name, const void *value, socklen_t len);
ssize_t sendto(int fd, const void *buf, size_t n, int flags, const struct sockaddr *addr, socklen_t len);
ssize_t recvfrom(int fd, void *buf, size_t n, int flags, struct sockaddr *addr, socklen_t *len);
#ifdef __cplusplus
}
#endif

#endif /* __wasi__ */
#endif
