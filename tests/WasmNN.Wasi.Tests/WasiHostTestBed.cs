using System.Buffers.Binary;
using System.Text;

namespace WasmNN.Wasi.Tests;

/// <summary>
/// Calls WASI functions directly, the way an engine would, on a plain byte array standing in for linear
/// memory: exercises the host without compiling any wasm.
/// </summary>
internal sealed class WasiHostTestBed : IDisposable
{
    public const int PreopenFd = 3;

    private uint _next = 1024;

    public WasiHostTestBed(string? sandbox = null, WasiOptions? options = null)
    {
        options ??= new WasiOptions();
        if (sandbox is not null) options = options with { Preopens = [new Preopen(sandbox, "/sandbox")] };
        Stdout = new MemoryStream();
        Host = new WasiHost(options with { Stdout = new WasiStream(Stdout) });
    }

    public byte[] Memory { get; } = new byte[65536];
    public WasiHost Host { get; }
    public MemoryStream Stdout { get; }

    public Errno Call(string name, params long[] args) =>
        (Errno)WasiHost.Functions.Single(f => f.Name == name).Invoke(Host, Memory, args);

    /// <summary>Copies <paramref name="text"/> into memory; returns (pointer, byte length).</summary>
    public (long Pointer, long Length) String(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var pointer = Allocate(bytes.Length);
        bytes.CopyTo(Memory, (int)pointer);
        return (pointer, bytes.Length);
    }

    public long Allocate(int bytes)
    {
        var pointer = _next;
        _next += (uint)((bytes + 7) & ~7);
        return pointer;
    }

    public uint U32(long pointer) => BinaryPrimitives.ReadUInt32LittleEndian(Memory.AsSpan((int)pointer));
    public ulong U64(long pointer) => BinaryPrimitives.ReadUInt64LittleEndian(Memory.AsSpan((int)pointer));
    public void SetU32(long pointer, uint value) => BinaryPrimitives.WriteUInt32LittleEndian(Memory.AsSpan((int)pointer), value);

    /// <summary>path_open relative to the preopen; returns the errno and the new fd.</summary>
    public (Errno Errno, int Fd) Open(string path, OpenFlags flags = OpenFlags.None, Rights rights = Rights.FdRead, bool follow = true, int dirFd = PreopenFd)
    {
        var (p, n) = String(path);
        var fdPtr = Allocate(4);
        var errno = Call("path_open", dirFd, follow ? 1 : 0, p, n, (long)flags, (long)rights, (long)Rights.All, 0, fdPtr);
        return (errno, errno == Errno.Success ? (int)U32(fdPtr) : -1);
    }

    /// <summary>fd_read of up to 256 bytes as text.</summary>
    public string Read(int fd)
    {
        var buffer = Allocate(256);
        var iov = Allocate(8);
        SetU32(iov, (uint)buffer);
        SetU32(iov + 4, 256);
        var nread = Allocate(4);
        Assert.Equal(Errno.Success, Call("fd_read", fd, iov, 1, nread));
        return Encoding.UTF8.GetString(Memory, (int)buffer, (int)U32(nread));
    }

    public void Dispose() => Host.Dispose();
}
