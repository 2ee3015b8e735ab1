// WASI calls with enum arguments outside the preview1 witx: POSIX and Node answer EINVAL, wasmtime traps.
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <wasi/api.h>

int main(void) {
    int fd = open("/sandbox/f", O_RDWR | O_CREAT, 0644);
    printf("open: %s\n", fd >= 0 ? "ok" : strerror(errno));
    __wasi_filesize_t position = 0;
    printf("fd_seek whence 7: errno %d\n", __wasi_fd_seek(fd, 0, 7, &position));
    close(fd);
    return 0;
}
