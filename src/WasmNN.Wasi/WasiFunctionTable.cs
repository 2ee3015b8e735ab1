namespace WasmNN.Wasi;

/// <summary>
/// The one list of preview1 functions: name, signature (<c>i</c> = i32, <c>l</c> = i64 per parameter) and
/// body. Bindings, docs tests and the ENOSYS fallback all derive from it.
/// </summary>
internal static class WasiFunctionTable
{
    public static readonly IReadOnlyList<WasiFunction> All =
    [
        F("args_get", "ii", (h, m, a) => h.ArgsGet(m, U(a[0]), U(a[1]))),
        F("args_sizes_get", "ii", (h, m, a) => h.ArgsSizesGet(m, U(a[0]), U(a[1]))),
        F("environ_get", "ii", (h, m, a) => h.EnvironGet(m, U(a[0]), U(a[1]))),
        F("environ_sizes_get", "ii", (h, m, a) => h.EnvironSizesGet(m, U(a[0]), U(a[1]))),
        F("clock_res_get", "ii", (h, m, a) => h.ClockResGet(m, U(a[0]), U(a[1]))),
        F("clock_time_get", "ili", (h, m, a) => h.ClockTimeGet(m, U(a[0]), (ulong)a[1], U(a[2]))),
        Nosys("fd_advise", "illi"),
        Nosys("fd_allocate", "ill"),
        F("fd_close", "i", (h, m, a) => h.FdClose(S(a[0]))),
        Nosys("fd_datasync", "i"),
        F("fd_fdstat_get", "ii", (h, m, a) => h.FdFdstatGet(m, S(a[0]), U(a[1]))),
        F("fd_fdstat_set_flags", "ii", (h, m, a) => h.FdFdstatSetFlags(S(a[0]), (ushort)a[1])),
        Nosys("fd_fdstat_set_rights", "ill"),
        F("fd_filestat_get", "ii", (h, m, a) => h.FdFilestatGet(m, S(a[0]), U(a[1]))),
        Nosys("fd_filestat_set_size", "il"),
        Nosys("fd_filestat_set_times", "illi"),
        F("fd_pread", "iiili", (h, m, a) => h.FdPread(m, S(a[0]), U(a[1]), U(a[2]), (ulong)a[3], U(a[4]))),
        F("fd_prestat_get", "ii", (h, m, a) => h.FdPrestatGet(m, S(a[0]), U(a[1]))),
        F("fd_prestat_dir_name", "iii", (h, m, a) => h.FdPrestatDirName(m, S(a[0]), U(a[1]), U(a[2]))),
        F("fd_pwrite", "iiili", (h, m, a) => h.FdPwrite(m, S(a[0]), U(a[1]), U(a[2]), (ulong)a[3], U(a[4]))),
        F("fd_read", "iiii", (h, m, a) => h.FdRead(m, S(a[0]), U(a[1]), U(a[2]), U(a[3]))),
        F("fd_readdir", "iiili", (h, m, a) => h.FdReaddir(m, S(a[0]), U(a[1]), U(a[2]), (ulong)a[3], U(a[4]))),
        Nosys("fd_renumber", "ii"),
        F("fd_seek", "ilii", (h, m, a) => h.FdSeek(m, S(a[0]), a[1], (byte)a[2], U(a[3]))),
        F("fd_sync", "i", (h, m, a) => h.FdSync(S(a[0]))),
        F("fd_tell", "ii", (h, m, a) => h.FdTell(m, S(a[0]), U(a[1]))),
        F("fd_write", "iiii", (h, m, a) => h.FdWrite(m, S(a[0]), U(a[1]), U(a[2]), U(a[3]))),
        F("path_create_directory", "iii", (h, m, a) => h.PathCreateDirectory(m, S(a[0]), U(a[1]), U(a[2]))),
        F("path_filestat_get", "iiiii", (h, m, a) => h.PathFilestatGet(m, S(a[0]), U(a[1]), U(a[2]), U(a[3]), U(a[4]))),
        Nosys("path_filestat_set_times", "iiiilli"),
        Nosys("path_link", "iiiiiii"),
        F("path_open", "iiiiillii", (h, m, a) => h.PathOpen(m, S(a[0]), U(a[1]), U(a[2]), U(a[3]), (ushort)a[4],
            (Rights)(ulong)a[5], (Rights)(ulong)a[6], (ushort)a[7], U(a[8]))),
        F("path_readlink", "iiiiii", (h, m, a) => h.PathReadlink(m, S(a[0]), U(a[1]), U(a[2]), U(a[3]), U(a[4]), U(a[5]))),
        F("path_remove_directory", "iii", (h, m, a) => h.PathRemoveDirectory(m, S(a[0]), U(a[1]), U(a[2]))),
        F("path_rename", "iiiiii", (h, m, a) => h.PathRename(m, S(a[0]), U(a[1]), U(a[2]), S(a[3]), U(a[4]), U(a[5]))),
        F("path_symlink", "iiiii", (h, m, a) => h.PathSymlink(m, U(a[0]), U(a[1]), S(a[2]), U(a[3]), U(a[4]))),
        F("path_unlink_file", "iii", (h, m, a) => h.PathUnlinkFile(m, S(a[0]), U(a[1]), U(a[2]))),
        F("poll_oneoff", "iiii", (h, m, a) => h.PollOneoff(m, U(a[0]), U(a[1]), U(a[2]), U(a[3]))),
        F("proc_exit", "i", (h, m, a) => throw new WasiExitException(S(a[0]))),
        Nosys("proc_raise", "i"),
        F("sched_yield", "", (h, m, a) => h.SchedYield()),
        F("random_get", "ii", (h, m, a) => h.RandomGet(m, U(a[0]), U(a[1]))),
        Nosys("sock_accept", "iii"),
        Nosys("sock_recv", "iiiiii"),
        Nosys("sock_send", "iiiii"),
        Nosys("sock_shutdown", "ii"),
    ];

    private static WasiFunction F(string name, string signature, WasiBody body) => new(name, signature, true, body);

    private static WasiFunction Nosys(string name, string signature) =>
        new(name, signature, false, static (_, _, _) => Errno.Nosys);

    /// <summary>An i32 argument as a guest pointer or size.</summary>
    private static uint U(long value) => unchecked((uint)value);

    /// <summary>An i32 argument as a descriptor or status.</summary>
    private static int S(long value) => unchecked((int)value);
}
