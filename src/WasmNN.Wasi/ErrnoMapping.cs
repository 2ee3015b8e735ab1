using System.Security;

namespace WasmNN.Wasi;

/// <summary>Turns the exceptions .NET file APIs throw into WASI error numbers.</summary>
internal static class ErrnoMapping
{
    public static Errno FromException(Exception exception) => exception switch
    {
        GuestMemoryFaultException => Errno.Fault,
        GuestEncodingException => Errno.Ilseq,
        FileNotFoundException or DirectoryNotFoundException => Errno.Noent,
        PathTooLongException => Errno.Nametoolong,
        IOException io when OperatingSystem.IsLinux() && FromLinuxErrno(io.HResult) is { } errno => errno,
        UnauthorizedAccessException or SecurityException => Errno.Acces,
        IOException => Errno.Io,
        ArgumentException or NotSupportedException => Errno.Inval,
        OutOfMemoryException => Errno.Nomem,
        _ => Errno.Io,
    };

    /// <summary>On Unix, .NET's <see cref="IOException"/> carries the raw <c>errno</c> as its HResult.</summary>
    private static Errno? FromLinuxErrno(int errno) => errno switch
    {
        1 => Errno.Perm,
        2 => Errno.Noent,
        5 => Errno.Io,
        9 => Errno.Badf,
        11 => Errno.Again,
        12 => Errno.Nomem,
        13 => Errno.Acces,
        16 => Errno.Busy,
        17 => Errno.Exist,
        18 => Errno.Xdev,
        20 => Errno.Notdir,
        21 => Errno.Isdir,
        22 => Errno.Inval,
        23 => Errno.Nfile,
        24 => Errno.Mfile,
        26 => Errno.Txtbsy,
        27 => Errno.Fbig,
        28 => Errno.Nospc,
        29 => Errno.Spipe,
        30 => Errno.Rofs,
        31 => Errno.Mlink,
        32 => Errno.Pipe,
        36 => Errno.Nametoolong,
        39 => Errno.Notempty,
        40 => Errno.Loop,
        95 => Errno.Notsup,
        122 => Errno.Dquot,
        _ => null,
    };
}
