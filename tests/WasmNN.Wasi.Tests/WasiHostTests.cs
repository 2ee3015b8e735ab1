using System.Text;
using WasmNN.Wasi.Tests.Toolchain;
using WasmNN.Wasm.Reading;

namespace WasmNN.Wasi.Tests;

/// <summary>The WASI host called directly (no engine): sandbox, errno mapping, robustness against bad guest input.</summary>
public sealed class WasiHostTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly string _sandbox;

    public WasiHostTests()
    {
        _sandbox = _temp.Combine("sandbox");
        _temp.Write("sandbox/inner.txt", "inner");
        _temp.Write("sandbox/dir/deep.txt", "deep");
        _temp.Write("outside/secret.txt", "secret");
        File.CreateSymbolicLink(_temp.Combine("sandbox", "out_file"), "../outside/secret.txt");
        File.CreateSymbolicLink(_temp.Combine("sandbox", "out_dir"), "../outside");
        File.CreateSymbolicLink(_temp.Combine("sandbox", "abs_out_dir"), _temp.Combine("outside"));
        File.CreateSymbolicLink(_temp.Combine("sandbox", "abs_in_dir"), _temp.Combine("sandbox", "dir"));
        File.CreateSymbolicLink(_temp.Combine("sandbox", "dir", "up"), "..");
        File.CreateSymbolicLink(_temp.Combine("sandbox", "loop_a"), "loop_b");
        File.CreateSymbolicLink(_temp.Combine("sandbox", "loop_b"), "loop_a");
    }

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData("../outside/secret.txt")]
    [InlineData("dir/../../outside/secret.txt")]
    [InlineData("/etc/passwd")]
    [InlineData("out_file")]
    [InlineData("out_dir/secret.txt")]
    [InlineData("out_dir")]
    [InlineData("abs_out_dir/secret.txt")]
    [InlineData("dir/up/../outside/secret.txt")]
    [InlineData("dir/up/out_dir/secret.txt")]
    public void PathOpen_PathLeavingPreopen_Notcapable(string path)
    {
        using var bed = new WasiHostTestBed(_sandbox);
        Assert.Equal(Errno.Notcapable, bed.Open(path).Errno);
    }

    [Theory]
    [InlineData("inner.txt", "inner")]
    [InlineData("dir/../inner.txt", "inner")]
    [InlineData("./dir/./deep.txt", "deep")]
    [InlineData("abs_in_dir/deep.txt", "deep")]
    [InlineData("dir/up/inner.txt", "inner")]
    [InlineData("dir/up/dir/up/dir/deep.txt", "deep")]
    public void PathOpen_PathStayingInside_OpensFile(string path, string content)
    {
        using var bed = new WasiHostTestBed(_sandbox);
        var (errno, fd) = bed.Open(path);
        Assert.Equal(Errno.Success, errno);
        Assert.Equal(content, bed.Read(fd));
        Assert.Equal(Errno.Success, bed.Call("fd_close", fd));
    }

    [Fact]
    public void PathOpen_SymlinkLoop_Loop()
    {
        using var bed = new WasiHostTestBed(_sandbox);
        Assert.Equal(Errno.Loop, bed.Open("loop_a").Errno);
    }

    [Fact]
    public void PathOpen_SymlinkWithoutFollow_Loop()
    {
        using var bed = new WasiHostTestBed(_sandbox);
        Assert.Equal(Errno.Loop, bed.Open("abs_in_dir", follow: false).Errno);
    }

    [Fact]
    public void PathOpen_FromOpenedSubdirectory_CannotClimbAboveRoot()
    {
        using var bed = new WasiHostTestBed(_sandbox);
        var (errno, dirFd) = bed.Open("dir", OpenFlags.Directory);
        Assert.Equal(Errno.Success, errno);
        Assert.Equal("inner", bed.Read(bed.Open("../inner.txt", dirFd: dirFd).Fd));
        Assert.Equal(Errno.Notcapable, bed.Open("../../outside/secret.txt", dirFd: dirFd).Errno);
    }

    [Fact]
    public void PathCreateDirectory_ThroughSymlinkOutside_NotcapableAndNothingCreated()
    {
        using var bed = new WasiHostTestBed(_sandbox);
        var (p, n) = bed.String("out_dir/made");
        Assert.Equal(Errno.Notcapable, bed.Call("path_create_directory", WasiHostTestBed.PreopenFd, p, n));
        Assert.False(Directory.Exists(_temp.Combine("outside", "made")));
    }

    [Fact]
    public void PathSymlink_AbsoluteTarget_Perm()
    {
        using var bed = new WasiHostTestBed(_sandbox);
        var (target, targetLength) = bed.String("/etc");
        var (p, n) = bed.String("new_link");
        Assert.Equal(Errno.Perm, bed.Call("path_symlink", target, targetLength, WasiHostTestBed.PreopenFd, p, n));
    }

    [Fact]
    public void FdWrite_IovecOutsideMemory_FaultWithoutWriting()
    {
        using var bed = new WasiHostTestBed();
        var iov = bed.Allocate(16);
        bed.SetU32(iov, 65530);
        bed.SetU32(iov + 4, 100);
        Assert.Equal(Errno.Fault, bed.Call("fd_write", 1, iov, 1, bed.Allocate(4)));
        Assert.Equal(Errno.Fault, bed.Call("fd_write", 1, iov, 0x2000_0000, bed.Allocate(4)));
        Assert.Equal(0, bed.Stdout.Length);
    }

    /// <summary>Two iovecs, "hello " and "world", and a place for the byte count.</summary>
    private static (long Iov, long Written) HelloWorldIovecs(WasiHostTestBed bed)
    {
        var (a, aLength) = bed.String("hello ");
        var (b, bLength) = bed.String("world");
        var iov = bed.Allocate(16);
        bed.SetU32(iov, (uint)a);
        bed.SetU32(iov + 4, (uint)aLength);
        bed.SetU32(iov + 8, (uint)b);
        bed.SetU32(iov + 12, (uint)bLength);
        return (iov, bed.Allocate(4));
    }

    [Fact]
    public void FdWrite_Stdout_WritesEveryIovec()
    {
        using var bed = new WasiHostTestBed();
        var (iov, written) = HelloWorldIovecs(bed);
        Assert.Equal(Errno.Success, bed.Call("fd_write", 1, iov, 2, written));
        Assert.Equal(11u, bed.U32(written));
        Assert.Equal("hello world", Encoding.UTF8.GetString(bed.Stdout.ToArray()));
    }

    [Fact]
    public void FdWrite_MaxTransferBytes_ShortWriteReportsWhatWasWritten()
    {
        using var bed = new WasiHostTestBed(options: new WasiOptions { MaxTransferBytes = 4 });
        var (iov, written) = HelloWorldIovecs(bed);
        Assert.Equal(Errno.Success, bed.Call("fd_write", 1, iov, 2, written));
        Assert.Equal(4u, bed.U32(written));
        Assert.Equal("hell", Encoding.UTF8.GetString(bed.Stdout.ToArray()));
    }

    [Fact]
    public void FdRead_MaxTransferBytes_ShortRead()
    {
        using var bed = new WasiHostTestBed(_sandbox, new WasiOptions { MaxTransferBytes = 3 });
        var (errno, fd) = bed.Open("inner.txt");
        Assert.Equal(Errno.Success, errno);
        Assert.Equal("inn", bed.Read(fd));
        Assert.Equal("er", bed.Read(fd));
    }

    [Theory]
    [InlineData("fd_close", 99)]
    [InlineData("fd_fdstat_get", 42)]
    [InlineData("fd_prestat_get", 0)]
    [InlineData("fd_tell", -1)]
    public void UnknownOrWrongDescriptor_Badf(string function, int fd)
    {
        using var bed = new WasiHostTestBed();
        var args = new long[WasiHost.Functions.Single(f => f.Name == function).Type.Parameters.Length];
        args[0] = fd;
        if (args.Length > 1) args[1] = bed.Allocate(64);
        Assert.Equal(Errno.Badf, bed.Call(function, args));
    }

    [Fact]
    public void PathOpen_InvalidUtf8Path_Ilseq()
    {
        using var bed = new WasiHostTestBed(_sandbox);
        var p = bed.Allocate(4);
        bed.Memory[p] = 0xFF;
        bed.Memory[p + 1] = 0xFE;
        Assert.Equal(Errno.Ilseq, bed.Call("path_open", WasiHostTestBed.PreopenFd, 1, p, 2, 0, (long)Rights.FdRead, 0, 0, bed.Allocate(4)));
    }

    [Fact]
    public void UnimplementedFunctions_ReturnNosys()
    {
        using var bed = new WasiHostTestBed(_sandbox);
        var unimplemented = WasiHost.Functions.Where(f => !f.Implemented).ToList();
        Assert.Contains(unimplemented, f => f.Name == "sock_accept");
        foreach (var function in unimplemented)
            Assert.Equal((int)Errno.Nosys, function.Invoke(bed.Host, bed.Memory, new long[function.Type.Parameters.Length]));
    }

    [Fact]
    public void ProcExit_ThrowsExitWithStatus()
    {
        using var bed = new WasiHostTestBed();
        Assert.Equal(7, Assert.Throws<WasiExitException>(() => bed.Call("proc_exit", 7)).ExitCode);
    }

    [Fact]
    public void PollOneoff_CancelledDuringSleep_ThrowsCancelled()
    {
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        using var bed = new WasiHostTestBed(options: new WasiOptions { Cancellation = cancellation.Token });
        var subscription = bed.Allocate(48);
        bed.Memory[subscription + 8] = 0; // clock
        BitConverter.TryWriteBytes(bed.Memory.AsSpan((int)subscription + 24), 60_000_000_000UL); // 60 s
        var started = DateTime.UtcNow;
        Assert.ThrowsAny<OperationCanceledException>(() => bed.Call("poll_oneoff", subscription, bed.Allocate(32), 1, bed.Allocate(4)));
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void Invoke_AfterCancellation_ThrowsCancelledSoLoopsWithCallsStop()
    {
        using var cancellation = new CancellationTokenSource();
        using var bed = new WasiHostTestBed(options: new WasiOptions { Cancellation = cancellation.Token });
        Assert.Equal(Errno.Success, bed.Call("sched_yield"));
        cancellation.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => bed.Call("sched_yield"));
    }

    [Fact]
    public void Functions_SignaturesMatchWasiLibcHeader()
    {
        // Every function <wasi/api.h> declares, imported with the header's signature, must be in the table
        // with the same signature; proc_raise (dropped from newer headers) is the only extra.
        var module = ModuleReader.Read(File.ReadAllBytes(WasiPrograms.Build("all_imports")));
        var imports = module.Imports.Where(i => i.ModuleName == WasiHost.ModuleName).ToList();
        Assert.True(imports.Count >= 45, $"only {imports.Count} imports");
        foreach (var import in imports)
        {
            var function = Assert.Single(WasiHost.Functions, f => f.Name == import.Name);
            Assert.Equal(module.Types[(int)import.TypeIndex], function.Type);
        }
        Assert.Equal(["proc_raise"], WasiHost.Functions.Select(f => f.Name).Except(imports.Select(i => i.Name)));
    }
}
