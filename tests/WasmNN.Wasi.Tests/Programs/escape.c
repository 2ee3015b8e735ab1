// Tries to reach outside the preopen /sandbox. Lines starting "escape " are the attempts that a stricter
// sandbox may answer differently from Node; every other line must match.
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void try_open(const char *label, const char *path) {
    int fd = open(path, O_RDONLY);
    if (fd < 0) { printf("%s open %s: errno %d (%s)\n", label, path, errno, strerror(errno)); return; }
    char buf[64] = {0};
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    printf("%s open %s: read %zd [%s]\n", label, path, n, n > 0 ? strtok(buf, "\n") : "");
}

static void try_opendir(const char *label, const char *path) {
    DIR *dir = opendir(path);
    if (!dir) { printf("%s opendir %s: errno %d (%s)\n", label, path, errno, strerror(errno)); return; }
    int n = 0;
    while (readdir(dir)) n++;
    closedir(dir);
    printf("%s opendir %s: %d entries\n", label, path, n);
}

static void try_stat(const char *label, const char *path) {
    struct stat st;
    if (stat(path, &st) < 0) printf("%s stat %s: errno %d (%s)\n", label, path, errno, strerror(errno));
    else printf("%s stat %s: size %lld\n", label, path, (long long)st.st_size);
}

int main(void) {
    try_open("inside", "/sandbox/inner.txt");
    try_open("inside", "/sandbox/sub/../inner.txt");
    try_open("inside", "/sandbox/in_link/deep.txt");
    try_open("inside", "/sandbox/in_file_link");
    try_open("none", "/etc/passwd");
    try_open("none", "/outside/secret.txt");

    try_open("escape", "/sandbox/../outside/secret.txt");
    try_open("escape", "/sandbox/sub/../../outside/secret.txt");
    try_open("escape", "/sandbox/out_file");
    try_open("escape", "/sandbox/out_dir/secret.txt");
    try_open("escape", "/sandbox/abs_dir/secret.txt");
    try_opendir("escape", "/sandbox/out_dir");
    try_stat("escape", "/sandbox/out_dir/secret.txt");
    try_stat("escape", "/sandbox/out_file");
    printf("escape mkdir via out_dir: %s\n", mkdir("/sandbox/out_dir/made", 0755) < 0 ? strerror(errno) : "ok");
    printf("escape symlink absolute: %s\n", symlink("/etc", "/sandbox/made_link") < 0 ? strerror(errno) : "ok");
    printf("escape rename out: %s\n", rename("/sandbox/inner.txt", "/sandbox/../stolen.txt") < 0 ? strerror(errno) : "ok");
    return 0;
}
