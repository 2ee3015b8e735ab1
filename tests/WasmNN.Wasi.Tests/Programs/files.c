// File life cycle inside the preopen /sandbox: every step prints its outcome (or errno), so the output
// is a complete trace to compare across engines.
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CHECK(what, expr) do { if ((expr) < 0) printf("%s: errno %d (%s)\n", what, errno, strerror(errno)); else printf("%s: ok\n", what); } while (0)

static int compare(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void list(const char *path) {
    DIR *dir = opendir(path);
    if (!dir) { printf("opendir %s: errno %d (%s)\n", path, errno, strerror(errno)); return; }
    char *names[256];
    int n = 0;
    struct dirent *e;
    while ((e = readdir(dir)) && n < 256) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        char type = e->d_type == DT_DIR ? 'd' : e->d_type == DT_REG ? 'f' : e->d_type == DT_LNK ? 'l' : '?';
        names[n] = malloc(strlen(e->d_name) + 3);
        sprintf(names[n++], "%c %s", type, e->d_name);
    }
    closedir(dir);
    qsort(names, n, sizeof(char *), compare);
    printf("list %s (%d):", path, n);
    for (int i = 0; i < n; i++) { printf(" [%s]", names[i]); free(names[i]); }
    printf("\n");
}

static void cat(const char *path) {
    FILE *f = fopen(path, "r");
    if (!f) { printf("cat %s: errno %d (%s)\n", path, errno, strerror(errno)); return; }
    char buf[512];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = 0;
    fclose(f);
    printf("cat %s: %zu bytes: %s", path, n, buf);
    if (n == 0 || buf[n - 1] != '\n') printf("\n");
}

int main(void) {
    list("/sandbox");
    cat("/sandbox/input.txt");

    CHECK("mkdir work", mkdir("/sandbox/work", 0755));
    CHECK("mkdir work again", mkdir("/sandbox/work", 0755));
    FILE *f = fopen("/sandbox/work/a.txt", "w");
    if (!f) { printf("fopen a.txt: errno %d\n", errno); return 1; }
    for (int i = 0; i < 5; i++) fprintf(f, "line %d: %.3f\n", i, i * 1.5);
    fclose(f);
    cat("/sandbox/work/a.txt");

    f = fopen("/sandbox/work/a.txt", "a");
    fputs("appended\n", f);
    fclose(f);
    struct stat st;
    CHECK("stat a.txt", stat("/sandbox/work/a.txt", &st));
    printf("size=%lld regular=%d dir=%d\n", (long long)st.st_size, S_ISREG(st.st_mode), S_ISDIR(st.st_mode));

    int fd = open("/sandbox/work/b.bin", O_RDWR | O_CREAT | O_TRUNC, 0644);
    printf("open b.bin: %s\n", fd >= 0 ? "ok" : strerror(errno));
    char block[100];
    for (int i = 0; i < 100; i++) block[i] = (char)('a' + i % 26);
    printf("write=%zd\n", write(fd, block, 100));
    printf("lseek end=%lld\n", (long long)lseek(fd, 0, SEEK_END));
    printf("lseek set=%lld\n", (long long)lseek(fd, 10, SEEK_SET));
    char small[8] = {0};
    printf("read=%zd [%.5s]\n", read(fd, small, 5), small);
    printf("pread=%zd [%.5s]\n", pread(fd, small, 5, 50), small);
    printf("pwrite=%zd\n", pwrite(fd, "XYZ", 3, 0));
    printf("tell=%lld\n", (long long)lseek(fd, 0, SEEK_CUR));
    printf("lseek negative=%lld errno=%d\n", (long long)lseek(fd, -1000, SEEK_SET), errno);
    CHECK("fsync", fsync(fd));
    CHECK("fstat", fstat(fd, &st));
    printf("fstat size=%lld\n", (long long)st.st_size);
    close(fd);

    CHECK("open excl existing", open("/sandbox/work/b.bin", O_WRONLY | O_CREAT | O_EXCL, 0644));
    CHECK("open missing", open("/sandbox/work/missing.txt", O_RDONLY));
    CHECK("open dir for writing", open("/sandbox/work", O_WRONLY));
    CHECK("open file as dir", open("/sandbox/work/a.txt/", O_RDONLY));
    list("/sandbox/work");

    CHECK("rename a->c", rename("/sandbox/work/a.txt", "/sandbox/work/c.txt"));
    CHECK("rename missing", rename("/sandbox/work/a.txt", "/sandbox/work/d.txt"));
    CHECK("mkdir sub", mkdir("/sandbox/work/sub", 0755));
    CHECK("rename into sub", rename("/sandbox/work/c.txt", "/sandbox/work/sub/c.txt"));
    CHECK("rename dir", rename("/sandbox/work/sub", "/sandbox/work/sub2"));
    cat("/sandbox/work/sub2/c.txt");
    CHECK("symlink", symlink("sub2/c.txt", "/sandbox/work/link"));
    char target[64] = {0};
    ssize_t len = readlink("/sandbox/work/link", target, sizeof target - 1);
    printf("readlink=%zd [%s]\n", len, len > 0 ? target : "");
    cat("/sandbox/work/link");
    CHECK("lstat link", lstat("/sandbox/work/link", &st));
    printf("lstat is link=%d\n", S_ISLNK(st.st_mode));
    list("/sandbox/work");

    CHECK("rmdir non-empty", rmdir("/sandbox/work/sub2"));
    CHECK("unlink dir", unlink("/sandbox/work/sub2"));
    CHECK("unlink c", unlink("/sandbox/work/sub2/c.txt"));
    CHECK("unlink again", unlink("/sandbox/work/sub2/c.txt"));
    CHECK("rmdir sub2", rmdir("/sandbox/work/sub2"));
    CHECK("unlink link", unlink("/sandbox/work/link"));
    CHECK("unlink b", unlink("/sandbox/work/b.bin"));
    list("/sandbox/work");

    f = fopen("/sandbox/output.txt", "w");
    fputs("written by the guest\n", f);
    fclose(f);

    // Many entries: fd_readdir must page through a small buffer.
    CHECK("mkdir many", mkdir("/sandbox/many", 0755));
    char name[64];
    for (int i = 0; i < 60; i++) {
        snprintf(name, sizeof name, "/sandbox/many/entry-with-a-longish-name-%02d", i);
        close(open(name, O_WRONLY | O_CREAT, 0644));
    }
    DIR *dir = opendir("/sandbox/many");
    int count = 0;
    struct dirent *e;
    while ((e = readdir(dir))) if (e->d_name[0] != '.') count++;
    closedir(dir);
    printf("many: %d entries\n", count);
    return 0;
}
