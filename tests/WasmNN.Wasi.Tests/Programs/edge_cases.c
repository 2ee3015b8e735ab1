// Less common file-system corners: each line is an operation and its result, compared with Node.
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CHECK(what, expr) do { errno = 0; long r_ = (long)(expr); printf("%-28s -> %ld errno %d (%s)\n", what, r_, r_ < 0 ? errno : 0, r_ < 0 ? strerror(errno) : "ok"); } while (0)

static long size_of(const char *path) {
    struct stat st;
    return stat(path, &st) < 0 ? -errno : (long)st.st_size;
}

int main(void) {
    CHECK("chdir /sandbox", chdir("/sandbox"));
    CHECK("creat read-only new", open("ro.txt", O_RDONLY | O_CREAT, 0644));
    CHECK("size ro.txt", size_of("ro.txt"));
    CHECK("mkdir trailing slash", mkdir("slashed/", 0755));
    CHECK("mkdir nested missing", mkdir("missing/child", 0755));
    CHECK("mkdir d1", mkdir("d1", 0755));
    CHECK("mkdir d2", mkdir("d2", 0755));
    CHECK("mkdir d3", mkdir("d3", 0755));
    int fd = open("d3/f", O_WRONLY | O_CREAT, 0644);
    CHECK("write d3/f", write(fd, "12345", 5));
    close(fd);
    CHECK("rename dir over empty dir", rename("d1", "d2"));
    CHECK("d1 gone", size_of("d1"));
    CHECK("rename dir over non-empty", rename("d2", "d3"));
    CHECK("rename file over dir", rename("d3/f", "d2"));
    CHECK("rename dir over file", rename("d2", "d3/f"));
    CHECK("rename dir into itself", rename("d3", "d3/sub"));
    CHECK("rename to same name", rename("d3/f", "d3/f"));
    CHECK("open file with O_DIRECTORY", open("d3/f", O_RDONLY | O_DIRECTORY));
    CHECK("open dir with O_DIRECTORY", open("d3", O_RDONLY | O_DIRECTORY) >= 0);
    CHECK("path through a file", open("d3/f/x", O_RDONLY));

    fd = open("d3/f", O_WRONLY | O_TRUNC);
    CHECK("truncate on open", size_of("d3/f"));
    CHECK("seek past end", lseek(fd, 100, SEEK_SET));
    CHECK("write after hole", write(fd, "z", 1));
    CHECK("size with hole", size_of("d3/f"));
    close(fd);
    CHECK("read from closed fd", read(fd, &fd, 1));
    fd = open("d3/f", O_RDONLY);
    CHECK("write to read-only fd", write(fd, "x", 1));
    close(fd);

    CHECK("symlink dangling", symlink("nowhere", "dangling"));
    CHECK("stat dangling", size_of("dangling"));
    struct stat st;
    CHECK("lstat dangling", lstat("dangling", &st));
    CHECK("symlink over existing", symlink("d3", "dangling"));
    CHECK("rename symlink", rename("dangling", "dangling2"));
    char buf[32] = {0};
    CHECK("readlink renamed", readlink("dangling2", buf, sizeof buf - 1));
    printf("target [%s]\n", buf);
    CHECK("readlink on file", readlink("d3/f", buf, sizeof buf));
    CHECK("unlink dangling", unlink("dangling2"));
    CHECK("symlink to dir", symlink("d3", "dirlink"));
    CHECK("size via dir link", size_of("dirlink/f"));
    CHECK("rmdir symlink to dir", rmdir("dirlink"));
    CHECK("unlink symlink to dir", unlink("dirlink"));
    CHECK("symlink to dir again", symlink("d3", "dirlink"));
    CHECK("rename symlink to dir", rename("dirlink", "dirlink2"));
    CHECK("size via renamed dir link", size_of("dirlink2/f"));
    close(open("in_the_way", O_WRONLY | O_CREAT, 0644));
    CHECK("rename dir link over file", rename("dirlink2", "in_the_way"));
    CHECK("size via replaced file", size_of("in_the_way/f"));
    CHECK("access existing", access("d3/f", F_OK));
    CHECK("access missing", access("d3/nope", F_OK));
    CHECK("rmdir missing", rmdir("nope"));
    CHECK("unlink missing", unlink("nope"));
    CHECK("open empty path", open("", O_RDONLY));
    char cwd[64];
    CHECK("chdir d3", chdir("d3"));
    printf("cwd [%s]\n", getcwd(cwd, sizeof cwd));
    CHECK("relative open after chdir", open("f", O_RDONLY) >= 0);
    CHECK("chdir ..", chdir(".."));
    printf("cwd [%s]\n", getcwd(cwd, sizeof cwd));

    DIR *dir = opendir("/sandbox");
    int entries = 0;
    while (readdir(dir)) entries++;
    rewinddir(dir);
    int again = 0;
    while (readdir(dir)) again++;
    closedir(dir);
    printf("readdir %d, after rewind %d\n", entries, again);
    return 0;
}
